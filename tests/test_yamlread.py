"""The strict YAML reader: what it refuses, and where it says the problem is."""

from __future__ import annotations

import pytest
import yaml

from outagekb import yamlread
from outagekb.yamlread import MAX_BYTES, Mapping, Scalar, comment_after, echo, parse_bytes, parse_text


def only_problem(text: str) -> tuple[int, int, str]:
    root, problems = parse_text("f.yaml", text)
    assert len(problems) == 1, problems
    p = problems[0]
    return p.line, p.column, p.message


def test_scalars_stay_text_as_written() -> None:
    root, problems = parse_text("f.yaml", "a: no\nb: On\nc: 0644\nd: 1:30\ne: 'x'\n")
    assert problems == []
    assert isinstance(root, Mapping)
    values = {k.text: v for k, v in root.entries}
    assert [values[k].text for k in "abcd"] == ["no", "On", "0644", "1:30"]  # type: ignore[attr-defined]
    assert isinstance(values["e"], Scalar) and not values["e"].plain


def test_duplicate_key_names_both_lines_and_keeps_reading() -> None:
    root, problems = parse_text("f.yaml", "title: a\nseverity: x\ntitle: b\n")
    assert [(p.line, p.column) for p in problems] == [(3, 1)]
    assert "first at line 1, again at line 3" in problems[0].message
    assert root is not None and [k.text for k, _ in root.entries] == ["title", "severity"]


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("a: &x 1\n", (1, 4), "anchors"),
        ("a: [1]\nb: *x\n", (2, 4), "aliases"),
        ("a: !!binary aGk=\n", (1, 4), "explicit YAML tags"),
        ("a: !!python/object:os.system x\n", (1, 4), "explicit YAML tags"),
        ("<<: {a: 1}\n", (1, 1), "merge keys"),
        ("a: 1\n---\nb: 2\n", (2, 1), "second YAML document"),
        ("- a\n", (1, 1), "found a list"),
        ("just text\n", (1, 1), "found text"),
        ("", (1, 1), "empty"),
        ("# only a comment\n", (1, 1), "empty"),
        ("a: b: c\n", (1, 5), "put the whole value in quotes"),
        ("a: [[[[[[[1]]]]]]]\n", (1, 9), "nesting deeper"),
        ("a: x\nb: \x07\n", (2, 4), "U+0007"),
        ("? [a]\n: b\n", (1, 3), "plain text"),
    ],
)
def test_refusals(text: str, where: tuple[int, int], fragment: str) -> None:
    line, column, message = only_problem(text)
    assert (line, column) == where
    assert fragment in message


def test_anchor_is_reported_before_its_alias() -> None:
    # one problem per refused construct: reading stops at the anchor, the alias is never reached
    line, column, message = only_problem("a: &x 1\nb: *x\n")
    assert "anchors" in message


def test_bad_utf8_position() -> None:
    root, problems = parse_bytes("f.yaml", b"title: ok\nsummary: caf\xe9\n")
    assert root is None
    assert (problems[0].line, problems[0].column) == (2, 13)
    assert "UTF-8" in problems[0].message


def test_bom_is_fine() -> None:
    root, problems = parse_bytes("f.yaml", b"\xef\xbb\xbftitle: ok\n")
    assert problems == [] and root is not None


def test_oversized_file(tmp_path) -> None:
    from outagekb.yamlread import read_file

    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_BYTES + b"\n")
    root, problems = read_file(str(path))
    assert root is None and "larger than 1 MiB" in problems[0].message


def test_deep_nesting_does_not_recurse() -> None:
    text = "a: " + "[" * 100_000 + "]" * 100_000
    root, problems = parse_text("f.yaml", text)
    assert root is None and "nesting" in problems[0].message


# -- syntax errors in the contributor's terms -------------------------------------------------

PARSERS = [yaml.BaseLoader] + ([yaml.CBaseLoader] if hasattr(yaml, "CBaseLoader") else [])
"""libyaml and PyYAML word their errors differently; the messages must not depend on which runs."""


@pytest.fixture(params=PARSERS, ids=lambda parser: parser.__name__)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    monkeypatch.setattr(yamlread, "_Parser", request.param)
    return request.param


SYNTAX = [
    # (text, where, the message)
    (
        "title: Orders DB: failover stalled\n",
        (1, 17),
        'title: the value has `: ` in it; put the whole value in quotes: title: "Orders DB: failover stalled"',
    ),
    (
        "causes:\n  - cause: a\n    detail: The push: it went\n",
        (3, 21),
        'causes[0].detail: the value has `: ` in it; put the whole value in quotes: detail: "The push: it went"',
    ),
    (
        "services:\n  - Orders DB: failover: stalled\n",
        (2, 24),
        'services[0]: the value has `: ` in it; put the whole value in quotes: - "Orders DB: failover: stalled"',
    ),
    (
        "title: x\n  severity: major\n",
        (2, 3),
        "severity: line 2 is indented more than the field above it: `severity` starts at column 3, `title` (line 1) "
        "at column 1, so YAML reads it as part of the value of `title`; move `severity` to column 1",
    ),
    (
        "causes:\n  - cause: a\n      role: trigger\n",
        (3, 7),
        "causes[0].role: line 3 is indented more than the field above it: `role` starts at column 7, `cause` (line 2) "
        "at column 5, so YAML reads it as part of the value of `cause`; move `role` to column 5",
    ),
    (
        "services: [a]\n  severity: major\n",
        (2, 3),
        "severity: line 2 is indented more than the field above it: `severity` starts at column 3, `services` (line 1) "
        "at column 1; move `severity` to column 1",
    ),
    (
        "causes:\n  - cause: a\n    role: trigger\n   detail: d\n",
        (4, 4),
        "causes[0].detail: line 4 is indented less than the field above it: `detail` starts at column 4, `role` (line 3) "
        "at column 5; move `detail` to column 5",
    ),
    (
        "summary: The push went\n  wrong: badly\n",
        (2, 8),
        "summary: the text of `summary` (line 1) goes on at line 2 and has `: ` in it, which YAML reads as a field; "
        "write `summary: |` and put the text on the lines below it, indented",
    ),
    (
        "title: x\nseverity major\n",
        (2, 1),
        "severity: `severity major` has no `:` after the field name; add the `:`: severity: major",
    ),
    ("title: x\norganization:Example\n", (2, 13), "organization: a `:` needs a space after it: write organization: Example"),
    ("title:x\nseverity: y\n", (1, 6), "title: a `:` needs a space after it: write title: x"),
    (
        "title: x\nsummary: The push went\nto every region.\nseverity: major\n",
        (3, 1),
        "summary: line 3 is not indented under `summary` (line 2), so YAML reads `to every region.` as a new field "
        "without a `:`; to go on with the text of `summary`, indent the line by 2 spaces",
    ),
    (
        "summary: |\n  The push went\nto every region.\n# a\n# b\n# c\n# d\n# e\n# f\n# g\ncauses: []\n",
        (3, 1),
        "summary: line 3 is indented less than the text of the `|` block above it (which starts at column 3), so YAML "
        "ends the text at line 2 and reads `to every region.` as a new field without a `:`; indent the line to "
        "column 3, like the text above it",
    ),
    (
        "summary: |\n    abc\n  def\nx: y\n",
        (3, 3),
        "summary: line 3 is indented less than the text of the `|` block above it (which starts at column 5, line 2), "
        "so YAML ends the text at line 2; indent the line to column 5, like the text above it",
    ),
    (
        "causes:\n  - cause: a\n\trole: trigger\n",
        (3, 1),
        "causes[0].role: line 3 is indented with a tab; YAML indents with spaces only: replace the tab with spaces "
        "(to line up `role` with `cause` above it, start it at column 5)",
    ),
    (
        "causes:\n\t- cause: a\n",
        (2, 1),
        "causes: line 2 is indented with a tab; YAML indents with spaces only: replace the tab with spaces "
        "(to put the `-` under `causes`, start it at column 3)",
    ),
    (
        "title: @home down\n",
        (1, 8),
        'title: a value cannot start with `@` in YAML; put the whole value in quotes: title: "@home down"',
    ),
    (
        "title: `kubectl` broke\n",
        (1, 8),
        'title: a value cannot start with a backtick in YAML; put the whole value in quotes: title: "`kubectl` broke"',
    ),
    (
        "title: x\nsummary: %d failed\n",
        (2, 10),
        'summary: a value cannot start with `%` in YAML; put the whole value in quotes: summary: "%d failed"',
    ),
    (
        "services:\n  - a\n - b\nseverity: x\n",
        (3, 2),
        "services: the `-` at column 2 does not line up with the list item above it (column 3, line 2); move it to column 3",
    ),
    (
        "causes:\n  - cause: a\n    role: trigger\n   - cause: b\n",
        (4, 4),
        "causes: the `-` at column 4 does not line up with the list item above it (column 3, line 2); move it to column 3",
    ),
    (
        "services: Web\n- API\n",
        (2, 1),
        "services: `services` (line 1) already has a value on its line, `Web`, so `- API` cannot be an item of it; "
        "for a list, write `services:` alone on its line, then each item on a line below it, indented: `  - Web`",
    ),
    (
        "title: x\nservices: [Web, API\nseverity: major\n",
        (2, 11),
        "services: the `[` at column 11 is not closed on its line; end the list with `]`: services: [Web, API]",
    ),
    ("a: [\n", (1, 4), "a: the `[` at column 4 is not closed on its line; end the list with `]`: a: []"),
    (
        "title: x\nsource: {kind: x, url: y\nseverity: major\n",
        (2, 9),
        "source: the `{` at column 9 is not closed on its line; end the mapping with `}`: source: {kind: x, url: y}",
    ),
    (
        "title: {EU down\nseverity: major\n",
        (1, 8),
        "title: a value that starts with `{` is a YAML mapping, and this one is not closed on its line; "
        'put the whole value in quotes: title: "{EU down"',
    ),
    (
        "title: [EU] down\n",
        (1, 13),
        "title: a value that starts with `[` is a YAML list up to its `]`, and `down` after it is left over; "
        'put the whole value in quotes: title: "[EU] down"',
    ),
    (
        'title: "Example down\norganization: Example\n',
        (1, 8),
        'title: the `"` that starts the value at column 8 is not closed on its line; end the value with `"`: '
        'title: "Example down"',
    ),
    (
        'title: "Example down\norganization: "Example"\n',
        (1, 8),
        'title: the `"` that starts the value at column 8 is not closed on its line; it runs on to the `"` on line 2; '
        'end the value with `"`: title: "Example down"',
    ),
    (
        "title: 'It's down'\n",
        (1, 12),
        "title: the quoted value ends at the `'` at column 11, and `s down'` after it is left over; "
        'put the whole value in quotes: title: "It\'s down"',
    ),
    (
        'title: "Example" down\n',
        (1, 18),
        'title: the quoted value ends at the `"` at column 16, and `down` after it is left over; '
        "put the whole value in quotes: title: '\"Example\" down'",
    ),
    ("title: !e!org x\n", (1, 8), "title: explicit YAML tags (`!e!org`) are not allowed; remove the tag"),
    (
        "title: * down\n",
        (1, 8),
        'title: YAML reads a value that starts with `* ` as an alias; put the whole value in quotes: title: "* down"',
    ),
    (
        "title: | down\n",
        (1, 8),
        "title: YAML reads a value that starts with `| ` as a block whose text is on the lines below; "
        'put the whole value in quotes: title: "| down"',
    ),
    (
        'url: "C:\\path"\n',
        (1, 9),
        "url: `\\p` is not an escape that YAML knows in double quotes; use single quotes, in which `\\` is an "
        "ordinary character: url: 'C:\\path'",
    ),
    ("a: [b]]\n", (1, 7), "a `]` at column 7 that closes nothing; remove it"),
    (
        "causes:\n  - cause: a\n    detail: |\n the push\n",
        (4, 2),
        "causes[0].detail: line 4 is not indented under `detail` (line 3), so the `|` block has no text; "
        "indent the text of the block by 6 spaces",
    ),
    (
        "title: {{ service }} down\n",
        (1, 9),
        "title: a mapping key must be plain text, not a mapping; if the `{` is part of a value, put the whole value in quotes",
    ),
    (
        "organization: Exa\u2028mple\n",
        (1, 18),
        "organization: a LINE SEPARATOR (U+2028) character between `organization: Exa` and `mple` ends the line "
        "for YAML; remove it, or replace it with a space",
    ),
]


@pytest.mark.parametrize(("text", "where", "message"), SYNTAX, ids=[case[0][:30] for case in SYNTAX])
def test_syntax_errors_say_what_to_write(parser: type, text: str, where: tuple[int, int], message: str) -> None:
    assert only_problem(text) == (*where, message)


@pytest.mark.skipif(not hasattr(yaml, "CBaseLoader"), reason="only libyaml refuses `a:` inside `[ ]`")
def test_a_colon_that_ends_a_flow_item(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlread, "_Parser", yaml.CBaseLoader)
    assert only_problem("role: [trigge:, root]\n") == (
        1,
        14,
        "role: inside `[ ]` or `{ }`, a `:` with no space after it (column 14) ends an item early; "
        "put an item that holds `:` in quotes",
    )


def test_an_unrecognised_syntax_error_keeps_the_parsers_words(parser: type) -> None:
    line, column, message = only_problem("%YAML 2.0\n---\na: b\n")
    assert (line, column) == (1, 1) and message.startswith("invalid YAML: found incompatible YAML document")


def test_a_failing_explanation_falls_back_to_the_parsers_words(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object) -> None:
        raise IndexError("a bug in a message must not become a crash")

    monkeypatch.setattr(yamlread._Explainer, "explain", broken)
    line, column, message = only_problem("title: Orders DB: failover stalled\n")
    assert (line, column) == (1, 17) and message.startswith("invalid YAML: mapping values are not allowed")


def test_valid_files_are_never_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlread, "explain", None)  # a call would raise
    root, problems = parse_text("f.yaml", "title: a # b\nsummary: |  # c\n  text\n")
    assert problems == [] and root is not None


def test_long_text_is_cut_in_messages() -> None:
    value = "word " * 60 + "end: here"
    line, column, message = only_problem(f"title: {value}\n")
    fix = message.split("in quotes: ")[1]
    assert len(fix) == yamlread.ECHO_MAX and "…" in fix and fix.endswith('end: here"')  # cut in the middle: the end shows
    assert echo("a\tb\u202e") == "a\\tb\\u202e"


# -- text that a comment would swallow --------------------------------------------------------


def values(text: str) -> dict[str, Scalar]:
    root, problems = parse_text("f.yaml", text)
    assert problems == [] and root is not None
    found: dict[str, Scalar] = {}
    for key, value in root.entries:
        if isinstance(value, Scalar):
            found[key.text] = value
        else:
            for index, item in enumerate(getattr(value, "items", [])):
                assert isinstance(item, Scalar)
                found[f"{key.text}[{index}]"] = item
    return found


def test_a_comment_after_a_plain_value_is_noted(parser: type) -> None:
    found = values("title: 50% of checkouts failed #sev2 after cert expiry\nservices:\n  - Web  # main\n")
    assert comment_after(found["title"]) == (
        1,
        32,
        "#sev2 after cert expiry",
        'title: "50% of checkouts failed #sev2 after cert expiry"',
    )
    assert comment_after(found["services[0]"]) == (3, 10, "# main", '- "Web  # main"')
    over_lines = values("title: x\nsummary: a long\n  text # gone\nimpact:\n  alone\n  too # gone\n")
    assert comment_after(over_lines["summary"]) == (3, 8, "# gone", "")
    assert comment_after(over_lines["impact"]) is None  # starts on a line of its own, as below


@pytest.mark.parametrize(
    "text",
    [
        "title: x\n# a comment on its own line\n",
        'title: "x #1"  # after a quoted value\n',
        "title: 'x' # after a quoted value\n",
        "title: |  # after a block indicator\n  x # text of the block\n",
        "title: x#1\n",  # no space before `#`: part of the value
        "title: x #\n",  # nothing after the `#`: nothing vanishes
        "title:\n  x # the value alone on its line\n",
        "services: [Web, API] # after a flow list\n",
        "title: # an empty value\n",
    ],
)
def test_comments_that_hide_nothing_are_not_noted(parser: type, text: str) -> None:
    assert all(comment_after(value) is None for value in values(text).values())


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028", "\x85"])
def test_comments_are_found_whatever_the_line_breaks(parser: type, newline: str) -> None:
    found = values(newline.join(["title: x", "", "summary: y #sev2", "regions: [eu]", ""]))
    assert comment_after(found["summary"]) == (3, 12, "#sev2", 'summary: "y #sev2"')
    assert comment_after(found["title"]) is None
