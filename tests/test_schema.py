"""The JSON Schema and the loader agree: every file the loader accepts, the schema accepts;
every schema-level mistake, both reject; the rules only the loader can check are listed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conftest import MINIMAL_INCIDENT, ROOT, build, make_project
from outagekb import schema, yamlread
from outagekb.cli import main
from outagekb.loader import load_incident, load_knowledge_base, shipped_catalog

_INT = re.compile(r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")


def as_editor_reads_it(node: yamlread.Node) -> Any:
    """The JSON value an editor's YAML 1.2 parser (core schema) makes of a node."""
    if isinstance(node, yamlread.Mapping):
        return {key.text: as_editor_reads_it(value) for key, value in node.entries}
    if isinstance(node, yamlread.Sequence):
        return [as_editor_reads_it(item) for item in node.items]
    assert isinstance(node, yamlread.Scalar)
    if not node.plain:
        return node.text
    if node.is_null:
        return None
    if node.text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return node.text.lower() == "true"
    if _INT.match(node.text):
        return int(node.text, 0) if node.text.startswith(("0o", "0x")) else int(node.text)
    if _FLOAT.match(node.text):
        return float(node.text)
    return node.text


def instance(path: Path) -> Any:
    root, problems = yamlread.read_file(str(path))
    assert root is not None, problems
    return as_editor_reads_it(root)


GENERIC = Draft202012Validator(schema.incident_schema())
WITH_CATALOG = Draft202012Validator(schema.incident_schema(shipped_catalog()))


def loader_accepts(tmp_path: Path, text: str, name: str = "2024-05-01-example-push.yaml") -> bool:
    """The loader's verdict on one file, ids checked against the shipped catalog."""
    project = make_project(tmp_path, {name: text})
    _, problems = load_knowledge_base(str(project / "incidents"))
    return not problems


def schema_accepts(tmp_path: Path, text: str, validator: Draft202012Validator = WITH_CATALOG) -> bool:
    path = tmp_path / "probe.yaml"
    path.write_text(text, encoding="utf-8")
    return validator.is_valid(instance(path))


def test_schemas_are_valid_draft_2020_12() -> None:
    for document in (schema.incident_schema(), schema.incident_schema(shipped_catalog()), schema.catalog_schema()):
        Draft202012Validator.check_schema(document)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_showcase_file_and_the_catalog_pass_the_schemas() -> None:
    incidents = sorted((ROOT / "incidents").glob("*.yaml"))
    catalog_validator = Draft202012Validator(schema.catalog_schema())
    checked = 0
    for path in incidents:
        if path.name == "catalog.yaml":
            assert not list(catalog_validator.iter_errors(instance(path)))
            continue
        assert not load_incident(path.stem, str(path)).problems
        for validator in (GENERIC, WITH_CATALOG):
            errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance(path))]
            assert not errors, f"{path.name}: {errors}"
        checked += 1
    assert checked >= 30


def test_the_format_example_passes_both(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(# incidents/.*?)```", text, re.S)
    assert example is not None, "docs/format.md shows a complete example"
    name = example.group(1).splitlines()[0].removeprefix("# incidents/")
    assert loader_accepts(tmp_path, example.group(1), name)
    assert schema_accepts(tmp_path, example.group(1))


# Files the loader accepts, written in ways editors type differently: the schema accepts them too.
UNCAUSED = MINIMAL_INCIDENT.replace(
    "causes:\n  - cause: config-change\n    role: trigger\n    detail: The push went to every region at once.\n", ""
)
"""An incident without its causes (to be said `unclassified: true`)."""
assert "causes" not in UNCAUSED

VALID = {
    "minimal": MINIMAL_INCIDENT,
    "number as title": MINIMAL_INCIDENT.replace(
        "title: Example service down after a bad configuration push", "title: 404"
    ).replace("organization: Example", "organization: 0644"),
    "yes and on stay text": MINIMAL_INCIDENT.replace("services: [Web, API]", "services: [yes, On, '1:30']"),
    "empty optional fields": MINIMAL_INCIDENT + "impact:\ntags:\nregions: ~\n",
    "draft and roles as list": MINIMAL_INCIDENT.replace("role: trigger", "role: [trigger, root]") + "draft: true\n",
    "timestamp spellings": MINIMAL_INCIDENT.replace("2024-05-01T12:30:00+02:00", "2024-05-01 12:30:00.5 +0200"),
    "due as date, references": MINIMAL_INCIDENT
    + "actions:\n  - action: Stage pushes.\n    due: 2025-01-31\n    owner: SRE\n"
    + "references:\n  - title: Post-mortem\n    url: HTTPS://example.com/pm\n    kind: postmortem\n",
    "retrospective": MINIMAL_INCIDENT + "retrospective:\n  went_well: [Rollback was quick.]\n  lucky:\n",
    "public with internal parts": MINIMAL_INCIDENT
    + "visibility: public\ninternal_notes: Credits owed.\n"
    + "updates:\n  - at: 2024-05-01T10:20:00Z\n    status: investigating\n    text: Vendor called.\n    internal: true\n"
    + "retrospective:\n  went_wrong:\n    - Plain point.\n    - text: Customer heard first.\n      internal: true\n",
    "not yet classified, imported": UNCAUSED
    + "unclassified: true\nsource: {kind: statuspage, id: ab12, url: 'https://status.example.com/x'}\n",
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_loader_and_schema_accept_the_same_valid_files(tmp_path: Path, text: str) -> None:
    assert loader_accepts(tmp_path, text)
    assert schema_accepts(tmp_path, text, GENERIC)
    assert schema_accepts(tmp_path, text, WITH_CATALOG)


# Mistakes a schema can express: the loader and the schema both reject each.
SCHEMA_LEVEL = {
    "unknown field": MINIMAL_INCIDENT + "serverity: major\n",
    "missing title": MINIMAL_INCIDENT.replace("title: Example service down after a bad configuration push\n", ""),
    "empty title": MINIMAL_INCIDENT.replace("title: Example service down after a bad configuration push", 'title: ""'),
    "blank summary": MINIMAL_INCIDENT.replace("summary: A configuration push broke routing to the web tier.", 'summary: "  "'),
    "title too long": MINIMAL_INCIDENT.replace(
        "title: Example service down after a bad configuration push", "title: " + "x" * 201
    ),
    "control character in a tag": MINIMAL_INCIDENT + 'tags: ["dns\\u0007"]\n',
    "line break in organization": MINIMAL_INCIDENT.replace("organization: Example", 'organization: "Ex\\nample"'),
    "severity not in the list": MINIMAL_INCIDENT.replace("severity: major", "severity: high"),
    "services not a list": MINIMAL_INCIDENT.replace("services: [Web, API]", "services: Web"),
    "services empty": MINIMAL_INCIDENT.replace("services: [Web, API]", "services: []"),
    "timestamp without offset": MINIMAL_INCIDENT.replace("2024-05-01T10:00:00+02:00", "2024-05-01T10:00:00"),
    "bare date as started": MINIMAL_INCIDENT.replace("2024-05-01T10:00:00+02:00", "2024-05-01"),
    "unknown role": MINIMAL_INCIDENT.replace("role: trigger", "role: primary"),
    "empty roles list": MINIMAL_INCIDENT.replace("role: trigger", "role: []"),
    "javascript url": MINIMAL_INCIDENT + "references:\n  - title: x\n    url: javascript:alert(1)\n",
    "reference without url": MINIMAL_INCIDENT + "references:\n  - title: x\n",
    "quoted boolean": MINIMAL_INCIDENT + 'draft: "true"\n',
    "yes as boolean": MINIMAL_INCIDENT + "draft: yes\n",
    "timeline kind": MINIMAL_INCIDENT + "timeline:\n  - at: 2024-05-01T10:00:00Z\n    event: x\n    kind: fix\n",
    "update without text": MINIMAL_INCIDENT + "updates:\n  - at: 2024-05-01T10:00:00Z\n    status: investigating\n",
    "approximate names a non-timestamp": MINIMAL_INCIDENT + "approximate: [title]\n",
    "empty list item": MINIMAL_INCIDENT + "tags:\n  -\n",
    "retrospective unknown key": MINIMAL_INCIDENT + "retrospective:\n  bad: [x]\n",
    "due not a date": MINIMAL_INCIDENT + "actions:\n  - action: x\n    due: soon\n",
    "cause entry as text": MINIMAL_INCIDENT.replace(
        "  - cause: config-change\n    role: trigger\n    detail: The push went to every region at once.\n", "  - config-change\n"
    ),
    "related id with capitals": MINIMAL_INCIDENT + "related: [2024-Other]\n",
    "unclassified with causes": MINIMAL_INCIDENT + "unclassified: true\n",
    "neither causes nor unclassified": UNCAUSED,
    "unclassified false without causes": UNCAUSED + "unclassified: false\n",
    "source of an unknown kind": UNCAUSED + "unclassified: true\nsource: {kind: jira, id: OPS-1}\n",
    "source without id": UNCAUSED + "unclassified: true\nsource: {kind: gcp}\n",
    "visibility not an audience": MINIMAL_INCIDENT + "visibility: private\n",
    "internal on a cause entry": MINIMAL_INCIDENT.replace("    role: trigger\n", "    role: trigger\n    internal: true\n"),
    "retrospective item without text": MINIMAL_INCIDENT + "retrospective:\n  lucky:\n    - internal: true\n",
    "internal as text": MINIMAL_INCIDENT + "references:\n  - title: x\n    url: https://x.test/\n    internal: yes\n",
}


@pytest.mark.parametrize("text", SCHEMA_LEVEL.values(), ids=SCHEMA_LEVEL.keys())
def test_loader_and_schema_reject_the_same_schema_level_mistakes(tmp_path: Path, text: str) -> None:
    assert not loader_accepts(tmp_path, text)
    assert not schema_accepts(tmp_path, text, GENERIC)
    assert not schema_accepts(tmp_path, text, WITH_CATALOG)


def test_an_unknown_cause_is_rejected_by_the_catalog_schema_and_the_loader(tmp_path: Path) -> None:
    text = MINIMAL_INCIDENT.replace("cause: config-change", "cause: dns-failure")
    assert not loader_accepts(tmp_path, text)
    assert schema_accepts(tmp_path, text, GENERIC)  # any well-formed id
    assert not schema_accepts(tmp_path, text, WITH_CATALOG)


# What no schema can say: the schema accepts these, the loader does not.
LOADER_ONLY = {
    "impossible date": MINIMAL_INCIDENT.replace("2024-05-01T12:30:00+02:00", "2024-02-30T12:30:00+02:00"),
    "offset beyond 14 hours": MINIMAL_INCIDENT.replace("2024-05-01T12:30:00+02:00", "2024-05-01T12:30:00+15:00"),
    "resolved before started": MINIMAL_INCIDENT.replace("2024-05-01T12:30:00+02:00", "2024-05-01T09:30:00+02:00"),
    "two triggers": MINIMAL_INCIDENT.replace("lessons:\n", "  - cause: capacity\n    role: trigger\nlessons:\n"),
    "unknown lesson in an action": MINIMAL_INCIDENT + "actions:\n  - action: x\n    lesson: patience\n",
    "duplicate key": MINIMAL_INCIDENT + "severity: minor\n",
    "related to itself": MINIMAL_INCIDENT + "related: [2024-05-01-example-push]\n",
}


@pytest.mark.parametrize("text", LOADER_ONLY.values(), ids=LOADER_ONLY.keys())
def test_rules_beyond_the_schema_are_the_loaders(tmp_path: Path, text: str) -> None:
    assert not loader_accepts(tmp_path, text)
    if "duplicate key" not in text:
        assert schema_accepts(tmp_path, text, GENERIC)


def test_the_site_publishes_both_schemas_with_its_own_catalog(tmp_path: Path) -> None:
    site = build(make_project(tmp_path, {"2024-05-01-example-push.yaml": MINIMAL_INCIDENT}))
    published = json.loads((site / "schema" / "incident.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(published)
    cause_ids = published["properties"]["causes"]["items"]["properties"]["cause"]["enum"]
    assert "config-change" in cause_ids and "dns" in cause_ids
    catalog = json.loads((site / "schema" / "catalog.schema.json").read_text(encoding="utf-8"))
    assert set(catalog["properties"]) == {"causes", "lessons", "severities"}


def test_schema_command_prints_the_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["title"] == "outagekb incident"
    assert main(["schema", "--catalog-file"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "outagekb catalog"
