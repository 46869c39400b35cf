"""`incidents.csv` and `actions.csv`: read back with Python's csv module from a real site,
they hold what `incidents.json` holds, drafts left out, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, build, make_project
from outagekb import exports
from outagekb.cli import main

INCIDENT_COLUMNS = [
    "id",
    "url",
    "title",
    "organization",
    "services",
    "severity",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "approximate",
    "duration_seconds",
    "time_to_detect_seconds",
    "time_to_mitigate_seconds",
    "time_to_first_update_seconds",
    "causes",
    "trigger_causes",
    "root_causes",
    "contributing_causes",
    "unclassified",
    "lessons",
    "tags",
    "upstream",
    "regions",
    "source_kind",
    "source_id",
    "source_url",
    "visibility",
]
"""The columns docs/format.md documents, in order."""
ACTION_COLUMNS = [
    "incident",
    "incident_url",
    "incident_title",
    "organization",
    "started",
    "action_number",
    "action",
    "status",
    "open",
    "lesson",
    "owner",
    "due",
    "ticket",
    "needed_again_by",
    "internal",
]

HOSTILE = """\
title: "=HYPERLINK(\\"https://evil.example/\\", \\"open me\\")"
organization: "@Acme"
services: ["+Web", "API, v2", "say \\"hi\\""]
severity: major
started: 2024-05-01T10:00:00+02:00
detected: 2024-05-01T09:58:00+02:00
resolved: 2024-05-01T12:30:00+02:00
approximate: [started]
summary: A hostile file.
causes:
  - cause: config-change
    role: [trigger, root]
  - cause: dns
lessons:
  - lesson: staged-rollout
tags: ["-2+3", "naïve ünïcode 日本"]
regions: [eu-west]
actions:
  - action: "=cmd|' /C calc'!A0"
    owner: "@ops"
    due: 2024-06-01
    ticket: https://tickets.example/OPS-12
  - action: Fix it.
    status: done
source:
  kind: statuspage
  id: "=x1"
  url: https://status.example/incidents/x1
"""

PLAIN = """\
title: "@SUM(1+1) in a title"
organization: "@Acme"
services: [API]
severity: minor
started: 2024-09-01T08:00:00Z
summary: A later outage that needed the open action again.
causes:
  - cause: config-change
lessons:
  - lesson: staged-rollout
"""

DRAFT = PLAIN.replace("2024-09-01", "2024-10-01") + "draft: true\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"2024-05-01-hostile.yaml": HOSTILE, "2024-09-01-plain.yaml": PLAIN, "2024-10-01-draft.yaml": DRAFT}
    return build(make_project(tmp_path_factory.mktemp("exports"), files), strict=True)


def rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so that Excel reads UTF-8"
    text = raw.decode("utf-8-sig")
    assert text.endswith("\r\n")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader)


def header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def restored(cell: str) -> str:
    """A text cell as the value it was: the documented `'` in front of a formula start dropped."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def as_cell(value: Any) -> str:
    """What docs/format.md says a JSON value becomes (before neutralising)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return "\n".join(value)
    return str(value)


def test_the_incidents_csv_agrees_with_incidents_json(site: Path) -> None:
    export = json.loads((site / "incidents.json").read_text(encoding="utf-8"))["incidents"]
    found = rows(site / "incidents.csv")
    assert header(site / "incidents.csv") == INCIDENT_COLUMNS
    assert [row["id"] for row in found] == [record["id"] for record in export] == ["2024-09-01-plain", "2024-05-01-hostile"]
    for row, record in zip(found, export, strict=True):
        flat = dict(record)
        causes = flat.pop("causes")
        source = flat.pop("source") or {}
        flat["causes"] = [c["cause"] for c in causes]
        for role in ("trigger", "root", "contributing"):
            flat[f"{role}_causes"] = [c["cause"] for c in causes if role in c["roles"]]
        for part in ("kind", "id", "url"):
            flat[f"source_{part}"] = source.get(part)
        assert set(flat) == set(INCIDENT_COLUMNS)
        numbers = {name for name in INCIDENT_COLUMNS if name.endswith("_seconds")}
        for name in INCIDENT_COLUMNS:
            cell = row[name]
            assert (cell if name in numbers else restored(cell)) == as_cell(flat[name]), name


def test_formulas_are_neutralised_and_numbers_stay_numbers(site: Path) -> None:
    by_id = {row["id"]: row for row in rows(site / "incidents.csv")}
    hostile, plain = by_id["2024-05-01-hostile"], by_id["2024-09-01-plain"]
    assert hostile["title"] == '\'=HYPERLINK("https://evil.example/", "open me")'
    assert plain["title"] == "'@SUM(1+1) in a title"
    assert hostile["organization"] == "'@Acme"
    assert hostile["services"] == '\'+Web\nAPI, v2\nsay "hi"'
    assert hostile["tags"] == "'-2+3\nnaïve ünïcode 日本"  # only the cell's start matters to a spreadsheet
    assert hostile["source_id"] == "'=x1"
    assert hostile["time_to_detect_seconds"] == "-120"  # detected before impact: a number, written as one
    assert hostile["approximate"] == "started" and hostile["unclassified"] == "false"
    assert hostile["causes"] == "config-change\ndns" and hostile["root_causes"] == "config-change"
    assert hostile["contributing_causes"] == "dns" and hostile["mitigated"] == ""
    numbers = {name for name in INCIDENT_COLUMNS if name.endswith("_seconds")}
    for path in (site / "incidents.csv", site / "actions.csv"):
        for row in rows(path):
            for name, cell in row.items():
                assert name in numbers or not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, name, cell)


def test_a_cell_that_starts_with_a_tab_or_a_carriage_return_is_neutralised_too() -> None:
    """The loader strips a one-line value's leading spaces, so no file brings these; the export
    does not rely on it."""
    assert [exports.cell(v) for v in ("\tcmd", "\rnew", ["\tx", "y"], "'quoted", "a=b")] == [
        "'\tcmd",
        "'\rnew",
        "'\tx\ny",
        "'quoted",
        "a=b",
    ]
    assert [exports.cell(v) for v in (-120, 2.5, None, True, False)] == ["-120", "2.5", "", "true", "false"]


def test_the_actions_csv_has_one_row_per_action_of_a_published_incident(site: Path) -> None:
    export = {r["id"]: r for r in json.loads((site / "incidents.json").read_text(encoding="utf-8"))["incidents"]}
    found = rows(site / "actions.csv")
    assert header(site / "actions.csv") == ACTION_COLUMNS
    assert [(row["incident"], row["action_number"]) for row in found] == [
        ("2024-05-01-hostile", "1"),
        ("2024-05-01-hostile", "2"),
    ]
    for row in found:
        record = export[row["incident"]]
        assert row["incident_url"] == record["url"] and restored(row["incident_title"]) == record["title"]
        assert restored(row["organization"]) == record["organization"] and row["started"] == record["started"]
    first, second = found
    assert first["action"] == "'=cmd|' /C calc'!A0" and first["owner"] == "'@ops"
    assert first["status"] == "open" and first["open"] == "true" and first["due"] == "2024-06-01"
    assert first["ticket"] == "https://tickets.example/OPS-12" and first["lesson"] == ""
    assert first["needed_again_by"] == "2024-09-01-plain"  # the same cause, later, the same organization; the draft is not
    assert second["status"] == "done" and second["open"] == "false" and second["needed_again_by"] == ""


def test_outagekb_render_writes_the_exports_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "kb", {"2024-05-01-hostile.yaml": HOSTILE, "2024-10-01-draft.yaml": DRAFT})
    monkeypatch.chdir(project)
    assert main(["render", "-q", str(tmp_path / "out")]) == 0
    written = rows(tmp_path / "out" / "incidents.csv")
    assert [row["id"] for row in written] == ["2024-05-01-hostile"]
    assert [row["action_number"] for row in rows(tmp_path / "out" / "actions.csv")] == ["1", "2"]


def test_the_format_reference_documents_every_column() -> None:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = text[text.index("## Spreadsheet exports") :]
    for name in INCIDENT_COLUMNS + ACTION_COLUMNS:
        assert f"`{name}`" in section, name
