"""The strict YAML reader: what it refuses, and where it says the problem is."""

from __future__ import annotations

import pytest

from outagekb.yamlread import MAX_BYTES, Mapping, Scalar, parse_bytes, parse_text


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
        ("a: b: c\n", (1, 5), "invalid YAML"),
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
