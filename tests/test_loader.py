"""The loader: every rule of the format, each with its exact position and message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import MINIMAL_INCIDENT, write
from outagekb.loader import load_knowledge_base

GOOD_ID = "2024-05-01-example-config-push"


def on_day(day: str, text: str = MINIMAL_INCIDENT) -> str:
    """The incident moved to `day` (`2020-01-01`), for a file named for that day."""
    return text.replace("2024-05-01T", f"{day}T")


def problems_for(tmp_path: Path, text: str, name: str = f"{GOOD_ID}.yaml", extra: dict[str, str] | None = None):
    folder = tmp_path / "incidents"
    write(folder / name, text)
    for other, body in (extra or {}).items():
        write(folder / other, body)
    kb, problems = load_knowledge_base(str(folder))
    return kb, [(Path(p.path).name, p.line, p.column, p.message) for p in problems]


def test_minimal_incident_loads(tmp_path: Path) -> None:
    kb, problems = problems_for(tmp_path, MINIMAL_INCIDENT)
    assert problems == []
    (incident,) = kb.incidents
    assert incident.id == GOOD_ID
    assert incident.causes[0].roles == ("trigger",)
    assert incident.started.utcoffset().total_seconds() == 7200  # type: ignore[union-attr]


def replace(old: str, new: str) -> str:
    assert old in MINIMAL_INCIDENT
    return MINIMAL_INCIDENT.replace(old, new)


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        (replace("severity: major", "serverity: major"), 4, 1, "serverity: unknown field in incident; did you mean `severity`?"),
        (replace("severity: major", "severity: Major"), 4, 11, "did you mean `major`?"),
        (replace("title: Example service down after a bad configuration push\n", ""), 1, 1, "missing required field `title`"),
        (replace("services: [Web, API]", "services: []"), 3, 11, "services: needs at least 1 item"),
        (replace("services: [Web, API]", "services: Web"), 3, 11, "expected a list"),
        (replace("started: 2024-05-01T10:00:00+02:00", "started: 2024-05-01T10:00:00"), 5, 10, "has no UTC offset"),
        (replace("started: 2024-05-01T10:00:00+02:00", "started: 2024-05-01"), 5, 10, "a date without a time"),
        (replace("started: 2024-05-01T10:00:00+02:00", "started: 2024-02-30T10:00:00Z"), 5, 10, "not a real date"),
        (replace("started: 2024-05-01T10:00:00+02:00", "started: 2024-05-01T10:00:00+15:00"), 5, 10, "offset out of range"),
        (replace("resolved: 2024-05-01T12:30:00+02:00", "resolved: 2024-05-01T09:00:00+02:00"), 8, 11, "is before `started`"),
        (replace("resolved: 2024-05-01T12:30:00+02:00", "resolved: 2024-05-01T10:30:00+02:00"), 8, 11, "is before `mitigated`"),
        (replace("role: trigger", "role: trigga"), 12, 11, "causes[0].role: `trigga` is not one of"),
        (
            replace("cause: config-change", "cause: config-chnage"),
            11,
            12,
            "unknown cause `config-chnage`; did you mean `config-change`?",
        ),
        (replace("lesson: staged-rollout", "lesson: staged-rolout"), 15, 13, "did you mean `staged-rollout`?"),
        (
            replace("title: Example service down after a bad configuration push", 'title: "Example\\u0007 service"'),
            1,
            8,
            "control character U+0007",
        ),
        (MINIMAL_INCIDENT + "draft: yes\n", 17, 8, "expected `true` or `false`"),
        (MINIMAL_INCIDENT + "related: [2024-05-01-nope]\n", 17, 11, "no incident has the id"),
        (MINIMAL_INCIDENT + f"related: [{GOOD_ID}]\n", 17, 11, "cannot be related to itself"),
        (MINIMAL_INCIDENT + "approximate: [bogus]\n", 17, 15, "approximate[0]: `bogus` is not one of"),
        (MINIMAL_INCIDENT + "references:\n  - {title: x, url: 'javascript:alert(1)'}\n", 18, 21, "only `https://` and `http://`"),
        (MINIMAL_INCIDENT + "timeline:\n  - {at: 2024-05-01T10:00:00Z, event: x, kind: boom}\n", 18, 48, "timeline[0].kind"),
        (replace("lessons:", "  - cause: capacity\n    role: trigger\nlessons:"), 15, 11, "a second `trigger`"),
        (replace("lessons:", "  - cause: config-change\nlessons:"), 14, 5, "listed twice"),
    ],
)
def test_rule(tmp_path: Path, text: str, line: int, column: int, fragment: str) -> None:
    kb, problems = problems_for(tmp_path, text)
    matching = [p for p in problems if fragment in p[3]]
    assert matching, problems
    assert (matching[0][1], matching[0][2]) == (line, column), problems
    assert kb.incidents == ()


def test_several_mistakes_are_all_reported(tmp_path: Path) -> None:
    text = replace("severity: major", "severity: huge").replace("organization: Example", "organisation: Example")
    text = text.replace("started: 2024-05-01T10:00:00+02:00", "started: yesterday")
    _, problems = problems_for(tmp_path, text)
    lines = sorted(p[1] for p in problems)
    assert lines == [1, 2, 4, 5], problems


def test_analysis_sibling_and_conflict(tmp_path: Path) -> None:
    kb, problems = problems_for(tmp_path, MINIMAL_INCIDENT, extra={f"{GOOD_ID}.md": "## Deep dive\n\nText.\n"})
    assert problems == [] and kb.incidents[0].analysis.startswith("## Deep dive")
    _, problems = problems_for(tmp_path, MINIMAL_INCIDENT + "analysis: inline\n")
    assert any("given both here and in" in p[3] for p in problems)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        (".hidden.yaml", "hidden files"),
        ("2024-05-01-x.ymal", "not an incident file"),
        ("2024-05-01-Upper.yaml", "ids are lowercase"),
        ("con.yaml", "Windows device name"),
        ("a.yaml", "3 to 80 characters"),
        ("2024_05_01_x.yaml", "single hyphens"),
        ("orphan-analysis.md", "no incident's analysis"),
    ],
)
def test_folder_rules(tmp_path: Path, name: str, fragment: str) -> None:
    _, problems = problems_for(tmp_path, MINIMAL_INCIDENT, extra={name: MINIMAL_INCIDENT})
    assert any(p[0] == name and fragment in p[3] for p in problems), problems


def test_yaml_and_yml_twins_are_duplicates(tmp_path: Path) -> None:
    _, problems = problems_for(tmp_path, MINIMAL_INCIDENT, extra={f"{GOOD_ID}.yml": MINIMAL_INCIDENT})
    assert any("duplicate id" in p[3] for p in problems), problems


def test_subfolders_are_read_at_any_depth_and_readmes_ignored(tmp_path: Path) -> None:
    kb, problems = problems_for(
        tmp_path,
        MINIMAL_INCIDENT,
        extra={
            "2020/2020-01-01-x.yaml": on_day("2020-01-01"),
            "2019/q4/2019-12-01-y.yaml": on_day("2019-12-01"),
            "2020/README.md": "hi",
        },
    )
    assert problems == []
    assert sorted(i.id for i in kb.incidents) == ["2019-12-01-y", "2020-01-01-x", GOOD_ID]


def test_an_id_is_unique_across_the_tree_and_the_clash_names_both_files(tmp_path: Path) -> None:
    _, problems = problems_for(tmp_path, MINIMAL_INCIDENT, extra={f"2024/{GOOD_ID}.yaml": MINIMAL_INCIDENT})
    assert problems == [
        (
            f"{GOOD_ID}.yaml",
            1,
            1,
            f"duplicate id `{GOOD_ID}`: `2024/{GOOD_ID}.yaml` and `{GOOD_ID}.yaml` have the same id; keep one file",
        )
    ]


def test_an_analysis_lives_beside_its_incident(tmp_path: Path) -> None:
    kb, problems = problems_for(
        tmp_path,
        MINIMAL_INCIDENT,
        extra={
            "2020/2020-01-01-x.yaml": on_day("2020-01-01"),
            "2020/2020-01-01-x.md": "# Long\n\nText.\n",
            f"2020/{GOOD_ID}.md": "x",
        },
    )
    assert [(p[0], p[3]) for p in problems] == [
        (f"{GOOD_ID}.md", f"`{GOOD_ID}.md` is no incident's analysis: there is no `{GOOD_ID}.yaml` beside it")
    ]
    assert next(i for i in kb.incidents if i.id == "2020-01-01-x").analysis.startswith("# Long")


def test_editor_files_are_ignored_and_other_dotfiles_reported(tmp_path: Path) -> None:
    editors = [
        f".{GOOD_ID}.yaml.swp",
        f".{GOOD_ID}.yaml.swo",
        f"{GOOD_ID}.yaml~",
        f".#{GOOD_ID}.yaml",
        f"#{GOOD_ID}.yaml#",
        "4913",
        ".DS_Store",
        "x.tmp",
    ]
    extra = {name: "not yaml: [" for name in editors} | {"2020/.x.yaml.swx": "", ".hidden.yaml": "a: 1\n"}
    _, problems = problems_for(tmp_path, MINIMAL_INCIDENT, extra=extra)
    assert [p[0] for p in problems] == [".hidden.yaml"]


def test_link_outside_repository(tmp_path: Path) -> None:
    outside = tmp_path.parent / "outside-incident.yaml"
    outside.write_text(MINIMAL_INCIDENT, encoding="utf-8")
    folder = tmp_path / "repo" / "incidents"
    folder.mkdir(parents=True)
    (folder / "2024-01-01-linked.yaml").symlink_to(outside)
    _, problems = load_knowledge_base(str(folder), root=str(tmp_path / "repo"))
    assert any("outside the repository" in p.message for p in problems)


def test_catalog_rules(tmp_path: Path) -> None:
    catalog = """\
    causes:
      - {id: a-cause, title: A, parent: b-cause}
      - {id: b-cause, title: B, parent: a-cause}
      - {id: c-cause, title: C, parent: nowhere}
      - {id: a-cause, title: again}
    lessons:
      - {id: a-lesson, title: L, colour: red}
    """
    folder = tmp_path / "incidents"
    write(folder / "catalog.yaml", catalog)
    _, problems = load_knowledge_base(str(folder))
    messages = [(p.line, p.message) for p in problems]
    assert any("cycle" in m for _, m in messages), messages
    assert any(line == 4 and "unknown parent cause `nowhere`" in m for line, m in messages), messages
    assert any(line == 5 and "duplicate id `a-cause` (first at line 2)" in m for line, m in messages), messages
    assert any(line == 7 and "colour: unknown field" in m for line, m in messages), messages


def test_removed_shipped_cause_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    write(folder / "catalog.yaml", "causes:\n  - {id: capacity, title: Capacity}\nlessons:\n  - {id: staged-rollout, title: S}\n")
    write(folder / f"{GOOD_ID}.yaml", MINIMAL_INCIDENT)
    _, problems = load_knowledge_base(str(folder))
    assert any("shipped catalog" in p.message and "add it back" in p.message for p in problems), problems


def test_catalog_entry_without_id_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    write(folder / "catalog.yaml", "causes:\n  - {title: No id, parent: x}\nlessons: []\n")
    _, problems = load_knowledge_base(str(folder))
    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, 5, "causes[0]: missing required field `id` (the cause's permanent id)")
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        (replace("title: Example service down after a bad configuration push", "title: " + "x" * 201), 1, 8, "at most 200"),
        (replace("title: Example service down after a bad configuration push", 'title: ""'), 1, 8, "title: is empty"),
        (replace("organization: Example", 'organization: "Ex\\nample"'), 2, 15, "must be one line"),
        (replace("organization: Example", "organization: |\n  Ex\n  ample"), 2, 15, "must be one line"),
        (replace("organization: Example", 'organization: "Ex\\u202Eample"'), 2, 15, "U+202E"),
        (replace("severity: major", "severity:"), 4, 10, "severity: is empty; it is required"),
        (replace("summary: A configuration push broke routing to the web tier.", 'summary: "  "'), 9, 10, "summary: is empty"),
        (replace("role: trigger", "role: []"), 12, 11, "empty list; give at least one of"),
        (replace("role: trigger", "role:"), 12, 10, "expected a role"),
        (MINIMAL_INCIDENT + "tags:\n  -\n  - dns\n", 18, 4, "tags[0]: empty list item"),
        (MINIMAL_INCIDENT + 'draft: "true"\n', 17, 8, "without quotes"),
        (MINIMAL_INCIDENT + "references:\n  - {title: x, url: 'https:///nohost'}\n", 18, 21, "no host"),
        (
            MINIMAL_INCIDENT + "references:\n  - {title: x, url: 'https://a.example/x', kind: blog}\n",
            18,
            50,
            "references[0].kind",
        ),
        (MINIMAL_INCIDENT + "updates:\n  - {at: 2024-05-01T10:00:00Z, status: fixed, text: x}\n", 18, 40, "updates[0].status"),
        (
            MINIMAL_INCIDENT + "updates:\n  - {at: 2024-05-01T10:00:00Z, status: resolved}\n",
            18,
            5,
            "missing required field `text`",
        ),
        (MINIMAL_INCIDENT + "actions:\n  - {action: x, status: closed}\n", 18, 25, "actions[0].status"),
        (MINIMAL_INCIDENT + "actions:\n  - {action: x, due: next week}\n", 18, 22, "is not a date"),
        (MINIMAL_INCIDENT + "actions:\n  - {action: x, due: 2025-02-30}\n", 18, 22, "not a real date"),
        (MINIMAL_INCIDENT + "actions:\n  - {action: x, lesson: patience}\n", 18, 25, "unknown lesson `patience`"),
        (MINIMAL_INCIDENT + "retrospective:\n  went_badly: [x]\n", 18, 3, "retrospective.went_badly: unknown field"),
        (MINIMAL_INCIDENT + "retrospective: [x]\n", 17, 16, "expected a mapping of fields"),
        (
            MINIMAL_INCIDENT + "timeline:\n  - {at: 2024-05-01T10:00:00Z, event: x, approximate: maybe}\n",
            18,
            55,
            "expected `true`",
        ),
        (MINIMAL_INCIDENT + "timeline:\n  - {at: soon, event: x}\n", 18, 10, "timeline[0].at: `soon` is not a timestamp"),
        (
            replace("  - lesson: staged-rollout\n", "  - lesson: staged-rollout\n  - lesson: staged-rollout\n"),
            16,
            5,
            "listed twice",
        ),
        (replace("mitigated: 2024-05-01T11:00:00+02:00", "mitigated: 2024-05-01T09:00:00+02:00"), 7, 12, "is before `started`"),
        (replace("services: [Web, API]", "services: {a: b}"), 3, 11, "expected a list"),
        (
            replace("title: Example service down after a bad configuration push", "title: [a, b]"),
            1,
            8,
            "expected one line of text",
        ),
    ],
)
def test_more_rules(tmp_path: Path, text: str, line: int, column: int, fragment: str) -> None:
    test_rule(tmp_path, text, line, column, fragment)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        (f"{GOOD_ID}.YAML", f"use a lowercase extension: rename to `{GOOD_ID}.yaml`"),
        ("catalog.yml", "the catalog must be named `catalog.yaml`"),
        ("notes.txt", "not an incident file"),
        ("2024-05-01-x.ymal", "did you mean `yml`?"),
        ("nul.yml", "Windows device name"),
        ("com1.yaml", "Windows device name"),
        ("2024--05-x.yaml", "single hyphens"),
        ("-2024-x.yaml", "single hyphens"),
        ("a" * 81 + ".yaml", "this one has 81"),
        ("2024-05-01-café.yaml", "single hyphens"),
    ],
)
def test_folder_rules_with_positions(tmp_path: Path, name: str, fragment: str) -> None:
    _, problems = problems_for(tmp_path, MINIMAL_INCIDENT, extra={name: MINIMAL_INCIDENT})
    assert [(p[0], p[1], p[2]) for p in problems if fragment in p[3]] == [(name, 1, 1)], problems


def test_ids_differing_only_in_case_are_duplicates(tmp_path: Path) -> None:
    # on a case-sensitive file system both files exist; the capitalised one is refused and
    # the lowercase twin, read once, is the incident
    kb, problems = problems_for(tmp_path, MINIMAL_INCIDENT, extra={GOOD_ID.replace("example", "EXAMPLE") + ".yaml": "x: 1\n"})
    assert [p[3] for p in problems] == [
        f"bad file name: ids are lowercase, and `{GOOD_ID}.yaml` beside it already has the id `{GOOD_ID}`; keep one of the two files"
    ]
    assert [i.id for i in kb.incidents] == [GOOD_ID]


def test_yml_twin_names_the_first_file(tmp_path: Path) -> None:
    _, problems = problems_for(tmp_path, MINIMAL_INCIDENT, extra={f"{GOOD_ID}.yml": MINIMAL_INCIDENT})
    assert problems == [
        (
            f"{GOOD_ID}.yml",
            1,
            1,
            f"duplicate id `{GOOD_ID}`: `{GOOD_ID}.yaml` and `{GOOD_ID}.yml` have the same id; keep one file",
        )
    ]


def test_a_dotfolder_is_reported_and_an_empty_subfolder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "incidents" / "empty").mkdir(parents=True)
    _, problems = problems_for(tmp_path, MINIMAL_INCIDENT, extra={".git-notes/x.yaml": "a: 1\n"})
    assert sorted((p[0], p[1], p[2]) for p in problems) == [(".git-notes", 1, 1)]


def test_all_problems_in_all_files_in_one_run(tmp_path: Path) -> None:
    bad_one = replace("severity: major", "severity: huge")
    bad_two = on_day("2024-06-01", replace("cause: config-change", "cause: dns-outage")) + "colour: red\n"
    _, problems = problems_for(
        tmp_path, bad_one, extra={"2024-06-01-second.yaml": bad_two, ".hidden.yaml": "", "2024-07-01-third.yaml": "a: [\n"}
    )
    assert [(p[0], p[1], p[2]) for p in problems] == [
        (".hidden.yaml", 1, 1),
        (GOOD_ID + ".yaml", 4, 11),
        ("2024-06-01-second.yaml", 11, 12),
        ("2024-06-01-second.yaml", 17, 1),
        ("2024-07-01-third.yaml", 1, 4),
    ], problems


def test_unchanged_files_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import outagekb.loader as loader

    folder = tmp_path / "incidents"
    write(folder / f"{GOOD_ID}.yaml", MINIMAL_INCIDENT)
    write(folder / "2024-06-01-other.yaml", on_day("2024-06-01"))
    reads: list[str] = []
    original = loader.load_incident
    monkeypatch.setattr(loader, "load_incident", lambda *args, **kwargs: reads.append(args[0]) or original(*args, **kwargs))
    load_knowledge_base(str(folder), cache=True)
    assert sorted(reads) == [GOOD_ID, "2024-06-01-other"]
    reads.clear()
    changed = folder / "2024-06-01-other.yaml"
    changed.write_text(on_day("2024-06-01").replace("severity: major", "severity: minor"), encoding="utf-8")
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 1_000_000))
    kb, problems = load_knowledge_base(str(folder), cache=True)
    assert reads == ["2024-06-01-other"] and not problems
    assert {i.id: i.severity for i in kb.incidents} == {GOOD_ID: "major", "2024-06-01-other": "minor"}
