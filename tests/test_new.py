"""`outagekb new`: the id it shows and lets the author change, the summary (flag, standard
input, prompt or editor), a template that points only at what the knowledge base has and
whose every commented hint is valid once uncommented, and `outagekb schema --write`."""

from __future__ import annotations

import builtins
import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import build, page_file
from outagekb import schema, spec
from outagekb.cli import main
from outagekb.loader import SHIPPED_CATALOG, check_ids, load_catalog, load_incident
from outagekb.model import Catalog
from outagekb.scaffold import (
    EXAMPLE_ID,
    REPOSITORY_CATALOG_SCHEMA,
    REPOSITORY_SCHEMA,
    SCHEMA_MARKER,
    STOP_WORDS,
    NewIncident,
    TemplateContext,
    incident_text,
    title_slug,
)
from terminal import expect

TOP_FIELDS = {f.name for f in spec.INCIDENT.fields}
ENV = {key: value for key, value in os.environ.items() if key not in ("VISUAL", "EDITOR")}


# the template's hints ------------------------------------------------------------------


def hint_blocks(text: str) -> dict[str, range]:
    """Each commented hint block by its field: a line `# <field>:` and the `#   …` lines below it."""
    lines = text.splitlines()
    blocks: dict[str, range] = {}
    index = 0
    while index < len(lines):
        match = re.match(r"# ([a-z_]+):", lines[index])
        if match and match.group(1) in TOP_FIELDS:
            end = index + 1
            while end < len(lines) and lines[end].startswith("#  "):
                end += 1
            assert match.group(1) not in blocks, match.group(1)
            blocks[match.group(1)] = range(index, end)
            index = end
        else:
            index += 1
    return blocks


def uncomment(text: str, *blocks: range) -> str:
    lines = text.splitlines()
    for block in blocks:
        for index in block:
            assert lines[index].startswith("# "), lines[index]
            lines[index] = lines[index][2:]
    return "\n".join(lines) + "\n"


def problems_of(text: str, tmp_path: Path, catalog: Catalog, organization: str | None, others: set[str]) -> list[str]:
    """Every problem the real loader finds in the file, ids included (against `catalog` and `others`)."""
    day = re.search(r"^started: (\d{4}-\d\d-\d\d)", text, flags=re.MULTILINE)
    assert day is not None
    path = tmp_path / f"{day.group(1)}-acme-checked.yaml"  # named for the day it began, as ids are
    path.write_text(text, encoding="utf-8")
    loaded = load_incident(path.stem, str(path), organization=organization)
    found = loaded.problems + check_ids([loaded], catalog, others | {path.stem})
    return [f"{p.line}:{p.column}: {p.message}" for p in found]


FILLED = {
    "title:": "title: Checkout down",
    "organization:": "organization: Acme",
    "services:": "services: [Checkout]",
    "severity:": "severity: major",
    "started:": "started: 2025-03-04T15:16:00-08:00",  # the hints' times follow this example
    "summary:": "summary: The certificate expired.",
    "  - cause:": "  - cause: dns",
}


def fill_required(text: str) -> str:
    return "\n".join(next((v for k, v in FILLED.items() if line.startswith(k)), line) for line in text.splitlines()) + "\n"


SMALL_CATALOG = """\
severities:
  - id: sev1
    title: SEV-1
  - id: sev2
    title: SEV-2
causes:
  - id: bad-push
    title: A bad push
"""

OPTIONAL_HINTS = {
    "detected",
    "mitigated",
    "resolved",
    "approximate",
    "regions",
    "upstream",
    "impact",
    "timeline",
    "updates",
    "actions",
    "references",
    "retrospective",
    "tags",
    "draft",
    "visibility",
    "internal_notes",
}


def template_cases(tmp_path: Path) -> Iterator[tuple[str, str, Catalog, str | None, set[str], set[str]]]:
    """(name, file text ready to check, catalog, default organization, other ids, hints expected)."""
    shipped, _ = load_catalog(SHIPPED_CATALOG)
    started = datetime(2024, 11, 30, 23, 50, tzinfo=UTC)
    full = NewIncident("Checkout down", "Acme", ["Checkout"], "major", started, "The certificate expired.", ["dns"])
    context = TemplateContext(schema_url="../schema/incident.schema.json", other_incident=EXAMPLE_ID)
    expected = OPTIONAL_HINTS | {"lessons", "related"}
    yield "all flags", incident_text(full, shipped, context), shipped, None, {EXAMPLE_ID}, expected
    yield "nothing given", fill_required(incident_text(NewIncident(), shipped)), shipped, None, set(), expected - {"related"}
    (tmp_path / "catalog.yaml").write_text(SMALL_CATALOG, encoding="utf-8")
    small, problems = load_catalog(str(tmp_path / "catalog.yaml"))
    assert problems == []
    own = NewIncident(title="Deploy broke login", services=["Login"], severity="sev2", summary="It broke.", causes=["bad-push"])
    own.started = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    text = incident_text(own, small, TemplateContext(default_organization="Northwind"))
    yield "own catalog, no lessons", text, small, "Northwind", set(), OPTIONAL_HINTS | {"organization"}


def test_every_commented_hint_is_valid_once_uncommented(tmp_path: Path) -> None:
    for name, text, catalog, organization, others, expected in template_cases(tmp_path):
        assert problems_of(text, tmp_path, catalog, organization, others) == [], name
        blocks = hint_blocks(text)
        assert set(blocks) == expected, name
        for field_name, block in blocks.items():
            assert problems_of(uncomment(text, block), tmp_path, catalog, organization, others) == [], (name, field_name)
        everything = uncomment(text, *blocks.values())
        assert problems_of(everything, tmp_path, catalog, organization, others) == [], name
        assert not hint_blocks(everything)


def test_the_template_points_only_at_what_every_knowledge_base_has(tmp_path: Path) -> None:
    shipped, _ = load_catalog(SHIPPED_CATALOG)
    for context in (TemplateContext(), TemplateContext(schema_url="../schema/incident.schema.json")):
        text = incident_text(NewIncident(title="x"), shipped, context)
        assert "docs/format.md" not in text and "../site/" not in text
        assert not re.search(r"\d{4}-\d\d-\d\d-[a-z]", text)  # no incident id of the showcase, or of any other
        assert "`outagekb validate`" in text
    bare = incident_text(NewIncident(title="x"), shipped, TemplateContext())
    assert "yaml-language-server" not in bare and "`outagekb schema --write`" in bare
    assert "add `related: [<id>, <id>]`" in bare  # no other incident: a sentence, not a hint with a made-up id


# the id ---------------------------------------------------------------------------------


def test_the_id_is_cut_at_a_word_and_never_after_a_stop_word() -> None:
    title = "The outage of the payments service after the deploy of the new version"
    assert title_slug(title, 80) == "outage-of-the-payments-service-after-the-deploy-of-the-new-version"
    assert title_slug(title, 50) == "outage-of-the-payments-service-after-the-deploy"
    assert title_slug(title, 40) == "outage-of-the-payments-service"
    assert title_slug(title, 16) == "outage"
    assert title_slug("Search down after an index rebuild", 80) == "search-down-after-an-index-rebuild"


WORDS = st.sampled_from(sorted(STOP_WORDS) + ["api", "down", "dns", "payments", "rollout", "x", "certificate", "2024"])


@given(st.lists(WORDS, min_size=1, max_size=30), st.integers(min_value=1, max_value=80))
def test_a_cut_id_is_whole_words_of_the_title(words: list[str], limit: int) -> None:
    made = title_slug(" ".join(words), limit)
    kept = made.split("-")
    assert len(made) <= limit or len(kept) == 1
    if len(made) <= limit and len(kept) > 1:
        assert kept[-1] not in STOP_WORDS
        # whole words, in the title's order, from its start (leading articles dropped)
        start = next(i for i, word in enumerate(words) if word not in ("a", "an", "the") or i == len(words) - 1)
        assert kept == words[start : start + len(kept)]


class Answers:
    """`input` for a test: gives the answers in order and records each prompt."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = iter(answers)
        self.prompts: list[str] = []

    def __call__(self, prompt: str = "") -> str:
        self.prompts.append(prompt)
        try:
            return next(self.answers)
        except StopIteration:
            raise EOFError from None


def in_a_terminal(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> Answers:
    given_answers = Answers(answers)
    monkeypatch.setattr(builtins, "input", given_answers)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    return given_answers


FLAGS = ["--organization", "Acme", "--service", "Web", "--severity", "minor", "--started", "2025-02-02T10:00:00Z"]
FLAGS += ["--summary", "It was down.", "--cause", "dns", "--lesson", "monitoring"]


def test_the_id_is_shown_and_can_be_changed_at_the_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    answers = in_a_terminal(monkeypatch, ["Bad_Id", EXAMPLE_ID, "Acme-Web", "2025-02-02-acme-web-down.yaml"])
    assert main(["new", "--title", "The web site was down for the whole of the", *FLAGS]) == 0
    # the proposed id is cut after `whole`, not after `the`, and offered first
    assert answers.prompts == ["Id [2025-02-02-acme-web-site-was-down-for-the-whole]: "] * 4
    captured = capsys.readouterr()
    assert "permanent address" in captured.err
    assert "an id is lowercase ASCII letters" in captured.err
    assert f"incidents/{EXAMPLE_ID}.yaml already exists; type another id" in captured.err
    assert "ids are lowercase; write `acme-web`" in captured.err
    assert captured.out == "incidents/2025-02-02-acme-web-down.yaml\n"
    assert main(["validate", "-q"]) == 0


def test_enter_accepts_the_id_and_a_taken_id_is_not_offered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    answers = in_a_terminal(monkeypatch, [""])
    assert main(["new", "--title", "Web down", *FLAGS]) == 0
    assert answers.prompts == ["Id [2025-02-02-acme-web-down]: "]
    assert (tmp_path / "incidents/2025-02-02-acme-web-down.yaml").exists()
    capsys.readouterr()
    answers = in_a_terminal(monkeypatch, ["", "2025-02-02-acme-web-down-again"])
    assert main(["new", "--title", "Web down", *FLAGS]) == 0
    assert answers.prompts == ["Id: ", "Id: "]  # the made id is taken: nothing to accept with Enter
    err = capsys.readouterr().err
    assert "incidents/2025-02-02-acme-web-down.yaml already exists; type another id" in err
    assert "an id is needed" in err


def test_the_summary_is_asked_for_and_ending_the_input_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    answers = in_a_terminal(monkeypatch, ["Web down", "Acme", "Web", "minor", "2025-02-02T10:00:00Z"])
    assert main(["new"]) == 1
    assert answers.prompts[-1].startswith("Summary (")
    assert "input ended; nothing was written" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "incidents").iterdir()) == [f"{EXAMPLE_ID}.yaml", "catalog.yaml"]


# the summary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "summary",
    [
        "Orders DB: failover stalled #sev2, and 50% of checkouts failed.",
        "First paragraph.\n\n- a list item\n- another: with a colon\n\n    indented code\n",
        "  Starts indented.\nThen not.",
        "Line\r\nbreaks\u2028of every kind",
    ],
)
def test_the_summary_flag_keeps_any_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, summary: str) -> None:
    assert main(["init", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    flags = [flag if flag != "It was down." else summary for flag in FLAGS]
    assert main(["new", "--no-input", "--title", "Web down", *flags]) == 0
    path = tmp_path / "incidents/2025-02-02-acme-web-down.yaml"
    loaded = load_incident(path.stem, str(path))
    assert loaded.problems == [] and loaded.incident is not None
    expected = summary.replace("\r\n", "\n").replace("\u2028", "\n").strip("\n").rstrip()
    assert loaded.incident.summary == expected


def test_the_summary_from_standard_input(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    flags = [flag if flag != "It was down." else "-" for flag in FLAGS]
    result = subprocess.run(
        [sys.executable, "-m", "outagekb.cli", "new", "--title", "Web down", *flags],
        input="Read from a pipe.\n\nTwo paragraphs.\n",
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "incidents/2025-02-02-acme-web-down.yaml").read_text(encoding="utf-8")
    assert "summary: |\n  Read from a pipe.\n\n  Two paragraphs.\n# impact:" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", ""], "outagekb new: --title is empty"),
        (["--organization", "  "], "outagekb new: --organization is empty"),
        (["--title", "x" * 201], "outagekb new: --title is 201 characters long; at most 200 are allowed"),
        (["--title", "x", "--service", ""], "outagekb new: --service is empty"),
        (["--title", "x", "--summary", " "], "outagekb new: --summary is empty"),
        (["--title", "x", "--started", "2025-03-04"], "outagekb new: --started: `2025-03-04` is a date without a time"),
        (["--title", "x", "--severity", "majr"], "outagekb new: --severity: `majr` is not one of `critical`, `major` or `minor`"),
        (
            ["--title", "x", "--cause", "dnss"],
            "outagekb new: --cause: `dnss` is not a cause in the catalog; did you mean `dns`?\n",
        ),
        (["--id", "Acme-Down"], "outagekb new: --id: ids are lowercase; write `acme-down`\n"),
    ],
)
def test_each_flag_names_itself_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--no-input", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message.rstrip("\n")) and err.count("\n") == 1, err
    flag = args[-2]
    assert err.count(flag) == 1 and f"{flag}: {flag.lstrip('-')}:" not in err  # the flag once, no field name after it
    assert not (tmp_path / "incidents").exists()


# the editor ------------------------------------------------------------------------------

FAKE_EDITOR = """\
#!{python}
# A stand-in for vim: records how it was called, then writes the summary at the line it was given.
import json, sys
args = sys.argv[1:]
with open({log!r}, "w") as stream:
    json.dump(args, stream)
path, line = args[-1], int(args[0].lstrip("+"))
lines = open(path, encoding="utf-8").read().split("\\n")
assert lines[line - 1].startswith("summary:"), lines[line - 1]
lines[line - 1] = "summary: Written in the editor."
open(path, "w", encoding="utf-8").write("\\n".join(lines))
"""


def fake_editor(tmp_path: Path) -> tuple[Path, Path]:
    """An executable named `vim` (so that it gets `+LINE`) and the file it records its arguments in."""
    folder = tmp_path / "bin"
    folder.mkdir()
    editor, log = folder / "vim", tmp_path / "editor-args.json"
    editor.write_text(FAKE_EDITOR.format(python=sys.executable, log=str(log)), encoding="utf-8")
    editor.chmod(0o755)
    return editor, log


def test_in_a_terminal_it_asks_for_every_field_shows_the_id_and_opens_the_editor(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    assert main(["init", str(kb)]) == 0
    editor, log = fake_editor(tmp_path)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "outagekb.cli", "new"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=kb,
        close_fds=True,
        env={**ENV, "EDITOR": str(editor)},
    )
    os.close(terminal)
    seen: list[str] = []
    try:
        for prompt, answer in [
            ("Title", "The queue stalled after the failover of the"),
            ("Organization", "Acme"),
            ("Services", "Queue"),
            ("Severity", "minor"),
            ("Started", "2025-05-06T07:08:00+02:00"),
            ("Summary (what happened", ""),  # left for the editor
            ("Causes (", "software-bug"),
            ("Lessons (", ""),
            ("permanent address", None),
            ("Id [2025-05-06-acme-queue-stalled-after-the-failover]: ", "2025-05-06-acme-queue-failover"),
            ("incidents/2025-05-06-acme-queue-failover.yaml", None),
            (f"Open it in {editor} to fill in the rest? [Y/n] ", ""),
            ("Check it with `outagekb validate`", None),
        ]:
            expect(controller, prompt, seen)
            if answer is not None:
                os.write(controller, (answer + "\n").encode())
        assert process.wait(timeout=20) == 0
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    path = kb / "incidents/2025-05-06-acme-queue-failover.yaml"
    text = path.read_text(encoding="utf-8")
    summary_line = text.splitlines().index("summary: Written in the editor.") + 1
    called = json.loads(log.read_text(encoding="utf-8"))
    assert called[0] == f"+{summary_line}" and Path(called[1]) == path  # at the first empty field
    result = subprocess.run([sys.executable, "-m", "outagekb.cli", "validate", "-q"], cwd=kb, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_edit_opens_the_editor_without_a_terminal_and_needs_one_set(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "kb")]) == 0
    kb = tmp_path / "kb"
    editor, log = fake_editor(tmp_path)
    flags = [flag for flag in FLAGS if flag not in ("--summary", "It was down.")]
    command = [sys.executable, "-m", "outagekb.cli", "new", "--title", "Web down", "--edit", *flags]
    refused = subprocess.run(command, cwd=kb, capture_output=True, text=True, env=ENV)
    assert refused.returncode == 2 and "--edit: set VISUAL or EDITOR" in refused.stderr
    assert not (kb / "incidents/2025-02-02-acme-web-down.yaml").exists()
    done = subprocess.run(
        command, cwd=kb, capture_output=True, text=True, env={**ENV, "VISUAL": str(editor)}, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 0, done.stderr
    assert Path(json.loads(log.read_text(encoding="utf-8"))[-1]) == kb / "incidents/2025-02-02-acme-web-down.yaml"
    assert main(["validate", str(kb / "incidents/2025-02-02-acme-web-down.yaml")]) == 0
    missing = subprocess.run(
        [*command[: -len(flags)], "--id", "2025-02-03-acme-other", *flags],
        cwd=kb,
        capture_output=True,
        text=True,
        env={**ENV, "EDITOR": str(tmp_path / "no-such-editor")},
    )
    assert missing.returncode == 1 and "cannot start the editor" in missing.stderr
    assert "the file is written: incidents/2025-02-03-acme-other.yaml" in missing.stderr


# the repository's schema ----------------------------------------------------------------------


def test_init_writes_the_schema_that_new_points_at_and_the_site_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = tmp_path / "kb"
    assert main(["init", str(kb)]) == 0
    monkeypatch.chdir(kb)
    written = json.loads((kb / REPOSITORY_SCHEMA).read_text(encoding="utf-8"))
    assert written["$comment"].startswith(SCHEMA_MARKER)
    shipped, _ = load_catalog(SHIPPED_CATALOG)
    assert {k: v for k, v in written.items() if k != "$comment"} == schema.incident_schema(shipped)
    catalog_schema = json.loads((kb / REPOSITORY_CATALOG_SCHEMA).read_text(encoding="utf-8"))
    assert {k: v for k, v in catalog_schema.items() if k != "$comment"} == schema.catalog_schema()
    assert main(["new", "--no-input", "--title", "Web down", *FLAGS]) == 0
    text = (kb / "incidents/2025-02-02-acme-web-down.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/incident.schema.json\n")
    assert f"# related: [{EXAMPLE_ID}]" in text  # an incident this knowledge base has
    assert main(["validate", "-q"]) == 0
    site = build(kb)
    assert page_file(site, "incidents/2025-02-02-acme-web-down").exists()
    published = json.loads((site / "schema/incident.schema.json").read_text(encoding="utf-8"))
    assert "$comment" not in published  # the site's own copy, made by the build; the repository's is not published
    assert not (site / "schema/index.html").exists()


def test_schema_write_replaces_only_its_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["schema", "--write"]) == 0
    assert capsys.readouterr().out == f"unchanged {REPOSITORY_SCHEMA}\nunchanged {REPOSITORY_CATALOG_SCHEMA}\n"

    catalog = tmp_path / "incidents/catalog.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace("causes:\n", "causes:\n  - id: cosmic-ray\n    title: A cosmic ray\n", 1),
        encoding="utf-8",
    )
    assert main(["new", "--no-input", "--title", "Web down", *FLAGS]) == 0
    assert f"note: {REPOSITORY_SCHEMA} is out of date (made from another catalog" in capsys.readouterr().err
    assert main(["schema", "--write"]) == 0
    assert capsys.readouterr().out == f"updated {REPOSITORY_SCHEMA}\nunchanged {REPOSITORY_CATALOG_SCHEMA}\n"
    written = json.loads((tmp_path / REPOSITORY_SCHEMA).read_text(encoding="utf-8"))
    assert "cosmic-ray" in written["properties"]["causes"]["items"]["properties"]["cause"]["enum"]

    (tmp_path / REPOSITORY_CATALOG_SCHEMA).unlink()
    for own in ('{"title": "our own schema"}\n', "not JSON at all\n"):
        (tmp_path / REPOSITORY_SCHEMA).write_text(own, encoding="utf-8")
        assert main(["schema", "--write"]) == 1
        err = capsys.readouterr().err
        assert f"{REPOSITORY_SCHEMA} exists and outagekb did not write it" in err and "nothing was written" in err
        assert (tmp_path / REPOSITORY_SCHEMA).read_text(encoding="utf-8") == own
        assert not (tmp_path / REPOSITORY_CATALOG_SCHEMA).exists()
    (tmp_path / REPOSITORY_SCHEMA).unlink()
    (tmp_path / REPOSITORY_SCHEMA).symlink_to(tmp_path / "mkdocs.yml")
    assert main(["schema", "--write"]) == 1
    assert main(["schema", "--write", "--catalog-file"]) == 2


def test_init_keeps_a_schema_a_person_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / REPOSITORY_SCHEMA).write_text("{}\n", encoding="utf-8")
    assert main(["init", str(tmp_path), "--force"]) == 0
    out = capsys.readouterr().out
    assert f"kept    {tmp_path / REPOSITORY_SCHEMA} (exists; outagekb did not write it)" in out
    assert f"created {tmp_path / REPOSITORY_CATALOG_SCHEMA}" in out
    assert (tmp_path / REPOSITORY_SCHEMA).read_text(encoding="utf-8") == "{}\n"


def test_without_a_schema_file_new_points_at_the_site_or_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["init", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    (tmp_path / REPOSITORY_SCHEMA).unlink()
    assert main(["new", "--no-input", "--title", "Web down", *FLAGS]) == 0
    first = (tmp_path / "incidents/2025-02-02-acme-web-down.yaml").read_text(encoding="utf-8").splitlines()[:3]
    assert not first[0].startswith("# yaml-language-server") and "`outagekb schema --write`" in first[1]
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("# site_url:", "site_url:"), encoding="utf-8")
    assert main(["new", "--no-input", "--title", "Web down again", *FLAGS]) == 0
    text = (tmp_path / "incidents/2025-02-02-acme-web-down-again.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=https://your-org.github.io/")


def test_schema_write_needs_a_knowledge_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["schema", "--write"]) == 2
    assert not (tmp_path / "schema").exists()


def test_new_and_schema_write_find_the_knowledge_base_from_a_folder_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from inside `incidents/`, both act on the knowledge base, as `validate` does: the
    file goes into its incidents folder, not into `incidents/incidents/`, and the schemas
    beside its mkdocs.yml."""
    assert main(["init", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path / "incidents")
    capsys.readouterr()
    assert main(["new", "--no-input", "--title", "Web down", *FLAGS]) == 0
    assert capsys.readouterr().out == "2025-02-02-acme-web-down.yaml\n"
    text = (tmp_path / "incidents/2025-02-02-acme-web-down.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/incident.schema.json\n")
    assert not (tmp_path / "incidents/incidents").exists()
    assert main(["schema", "--write"]) == 0
    written = [tmp_path / REPOSITORY_SCHEMA, tmp_path / REPOSITORY_CATALOG_SCHEMA]  # above: shown whole
    assert capsys.readouterr().out == "".join(f"unchanged {path}\n" for path in written)
    assert not (tmp_path / "incidents/schema").exists()
    assert main(["validate", "-q"]) == 0
