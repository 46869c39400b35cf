"""A strict YAML reader: one document, no type guessing, every node keeps its position.

Incident files arrive by pull request, so the reader refuses every YAML feature a
contributor does not need and that could hide or fake content: anchors, aliases, merge
keys, explicit tags, several documents and duplicate keys. Scalars stay text exactly as
written; the format layer decides what a field's text means. Built on PyYAML's event
parser (libyaml's C parser when present) so that no recursive composer runs on
untrusted input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Problem

_Parser: type = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
"""libyaml's parser when PyYAML was built with it (18x faster on our files)."""

MAX_BYTES = 1024 * 1024
"""Largest input file accepted; the largest real post-mortem is far below this."""

MAX_DEPTH = 6
"""Deepest nesting of mappings and sequences; the format needs four levels."""

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters YAML does not allow anywhere in a file."""

NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(slots=True)
class Node:
    """A YAML node and where it starts (1-based line and column)."""

    line: int
    column: int


@dataclass(slots=True)
class Scalar(Node):
    """Text exactly as written; `plain` is false when the author quoted it or used a block."""

    text: str
    plain: bool
    comment: str = ""
    """The whole source line, when the value is plain, on one line with its key or list dash,
    and followed on that line by a `#` comment (see `comment_after`); for a plain value that
    goes on over lines, its last line, when a comment follows it there; else empty."""
    comment_line: int = 0
    """The 1-based line of that comment when the value goes on over lines; else 0."""

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in NULL_WORDS


@dataclass(slots=True)
class Sequence(Node):
    items: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Mapping(Node):
    """Keys in file order; duplicate keys were already refused."""

    entries: list[tuple[Scalar, Node]] = field(default_factory=list)

    def get(self, key: str) -> Node | None:
        for k, v in self.entries:
            if k.text == key:
                return v
        return None


def kind_name(node: Node) -> str:
    """What a contributor would call this node in an error message."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if isinstance(node, Scalar) and node.is_null:
        return "nothing"
    return "text"


class _Unparsable(Exception):
    """The parser stopped at a syntax error; `last` is the last event it gave before it."""

    def __init__(self, error: yaml.MarkedYAMLError, last: yaml.Event | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.last = last


class _Refused(Exception):
    """Stops reading a file at a construct the format refuses."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text without its BOM, or the position of the first byte that is not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        message = f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8"
        return None, [Problem(path, line, column, message)]


def read_text(path: str, too_large: str = "the file is larger than 1 MiB") -> tuple[str | None, list[Problem]]:
    """A file's UTF-8 text, refusing files over `MAX_BYTES` without reading them whole."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        return None, [Problem(path, 1, 1, f"cannot read the file: {error.strerror or error}")]
    if len(data) > MAX_BYTES:
        return None, [Problem(path, 1, 1, too_large)]
    return decode(path, data)


INCIDENT_FILE = "an incident file"
CATALOG_FILE = "the catalog"


def read_file(path: str, what: str = INCIDENT_FILE) -> tuple[Mapping | None, list[Problem]]:
    """Read and parse one file, an incident file or (`what`) the catalog; every failure is a
    problem, never an exception."""
    too_large = "the file is larger than 1 MiB"
    text, problems = read_text(path, too_large + ("; move long text into a sibling .md file" if what == INCIDENT_FILE else ""))
    return (None, problems) if text is None else parse_text(path, text, what)


def parse_bytes(path: str, data: bytes) -> tuple[Mapping | None, list[Problem]]:
    text, problems = decode(path, data)
    return (None, problems) if text is None else parse_text(path, text)


def parse_text(path: str, text: str, what: str = INCIDENT_FILE) -> tuple[Mapping | None, list[Problem]]:
    """Parse one YAML document that must be a mapping: `what` the file is, for messages."""
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        line, column = position(text, bad.start())
        code = f"U+{ord(bad.group()):04X}"
        return None, [Problem(path, line, column, f"control character {code} is not allowed in a YAML file; remove it")]
    found: list[tuple[int, int, str]] = []
    try:
        root = _build(text, found)
    except _Refused as refusal:
        return None, [Problem(path, refusal.line, refusal.column, refusal.message)]
    except _Unparsable as failure:
        line, column, message = explain(text, failure.error, failure.last)
        return None, [Problem(path, line, column, message)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = " ".join(part for part in (error.context, error.problem) if part)
        return None, [Problem(path, line, column, f"invalid YAML: {reason}")]
    except yaml.YAMLError as error:  # reader errors carry no mark in some versions
        return None, [Problem(path, 1, 1, f"invalid YAML: {error}")]
    except (RecursionError, MemoryError, ValueError, UnicodeError) as error:
        return None, [Problem(path, 1, 1, f"cannot read the file as YAML: {type(error).__name__}")]
    if root is None or (isinstance(root, Scalar) and root.is_null):
        line, column = (root.line, root.column) if root is not None else (1, 1)
        return None, [Problem(path, line, column, _empty_file(what, root is None))]
    if not isinstance(root, Mapping):
        return None, [
            Problem(path, root.line, root.column, f"expected a mapping of fields at the top of the file, found {kind_name(root)}")
        ]
    return root, [Problem(path, line, column, message) for line, column, message in found]


def _empty_file(what: str, nothing: bool) -> str:
    """What to write in a file that holds no fields."""
    if what == CATALOG_FILE:
        return (
            f"the {'file' if nothing else 'document'} is empty; the catalog lists `causes`, `lessons` and, optionally, "
            "`severities`; remove the file to use the catalog shipped with outagekb"
        )
    if nothing:
        return f"the file is empty; {what} is a mapping of fields"
    return "the document is empty; expected a mapping of fields"


def _build(text: str, problems: list[tuple[int, int, str]]) -> Node | None:
    """Turn the parser's events into nodes, refusing what the format does not allow.

    A duplicate key is recorded in `problems` and its second value dropped, so the rest
    of the file is still checked; every other refusal stops the file.
    """
    parser = _Parser(text)
    get_event = parser.get_event
    stack: list[Node] = []
    pending_key: list[Scalar | None] = []
    seen_keys: list[dict[str, Scalar]] = []
    root: Node | None = None
    documents = 0
    watch = _comment_lines(text)  # the lines on which a value may be followed by a comment
    event = None
    try:
        while True:
            event = get_event()
            kind = event.__class__ if event is not None else None
            # the commonest event first, tested by class identity: this loop runs once per value
            if kind is _ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    _refuse_decoration(event)
                mark = event.start_mark
                node: Node = Scalar(mark.line + 1, mark.column + 1, event.value, not event.style)
                if watch and not event.style and (watch is _EVERY_LINE or mark.line in watch or event.end_mark.line in watch):
                    _note_comment(node, event, text)  # type: ignore[arg-type]
                if not stack:
                    root = node
                    continue
                parent = stack[-1]
                if parent.__class__ is Sequence:
                    parent.items.append(node)
                elif pending_key[-1] is None or pending_key[-1] is _DROPPED:
                    _attach(node, stack, pending_key, seen_keys, problems)  # a key, or a dropped duplicate's value
                else:
                    parent.entries.append((pending_key[-1], node))  # type: ignore[attr-defined]
                    pending_key[-1] = None
                continue
            if kind is None or kind is yaml.StreamEndEvent:
                break
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            if kind is _MappingEnd or kind is _SequenceEnd:
                finished = stack.pop()
                if finished.__class__ is Mapping:
                    pending_key.pop()
                    seen_keys.pop()
                if stack:
                    _attach(finished, stack, pending_key, seen_keys, problems)
                else:
                    root = finished
                continue
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refused(line, column, "a second YAML document (`---`); put one incident in each file")
                continue
            if kind is yaml.StreamStartEvent or kind is yaml.DocumentEndEvent:
                continue
            if kind is yaml.AliasEvent:
                raise _Refused(line, column, f"YAML aliases (`*{event.anchor}`) are not allowed; write the value out")
            if event.anchor is not None or event.tag is not None:
                _refuse_decoration(event)
            if len(stack) >= MAX_DEPTH:
                raise _Refused(line, column, f"nesting deeper than {MAX_DEPTH} levels; the format never needs that")
            if kind is yaml.MappingStartEvent:
                stack.append(Mapping(line, column))
                pending_key.append(None)
                seen_keys.append({})
            elif kind is yaml.SequenceStartEvent:
                stack.append(Sequence(line, column))
    except yaml.MarkedYAMLError as error:
        raise _Unparsable(error, event) from error
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    return root


_ScalarEvent, _MappingEnd, _SequenceEnd = yaml.ScalarEvent, yaml.MappingEndEvent, yaml.SequenceEndEvent


def _refuse_decoration(event: yaml.Event) -> None:
    """An anchor or an explicit tag: refused, with the anchor or the tag in the message."""
    mark = event.start_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        raise _Refused(line, column, f"YAML anchors (`&{anchor}`) are not allowed; write the value out")
    tag = _short_tag(getattr(event, "tag", "") or "")
    text = (
        f", or, if `{echo(tag)}` is part of the text, put the whole value in quotes" if tag[:1] == "!" and tag[:2] != "!!" else ""
    )
    raise _Refused(line, column, f"explicit YAML tags (`{echo(tag)}`) are not allowed; remove the tag{text}")


def _attach(
    node: Node,
    stack: list[Node],
    pending_key: list[Scalar | None],
    seen_keys: list[dict[str, Scalar]],
    problems: list[tuple[int, int, str]],
) -> None:
    """Put a finished node into its parent: a list item, a mapping key, or a mapping value."""
    parent = stack[-1]
    if parent.__class__ is Sequence:
        parent.items.append(node)
        return
    assert isinstance(parent, Mapping)
    key = pending_key[-1]
    if key is None:
        if node.__class__ is not Scalar:
            opener = "{" if node.__class__ is Mapping else "["
            where = _stack_path(stack, pending_key)
            raise _Refused(
                node.line,
                node.column,
                f"{where + ': ' if where else ''}a mapping key must be plain text, not {kind_name(node)}; "
                f"if the `{opener}` is part of a value, put the whole value in quotes",
            )
        if node.plain and node.text == "<<":
            raise _Refused(node.line, node.column, "YAML merge keys (`<<`) are not allowed; write the fields out")
        first = seen_keys[-1].get(node.text)
        if first is not None:
            problems.append(
                (
                    node.line,
                    node.column,
                    f"duplicate key `{node.text}` (first at line {first.line}, again at line {node.line}); keep one",
                )
            )
            pending_key[-1] = _DROPPED
            return
        seen_keys[-1][node.text] = node
        pending_key[-1] = node
    else:
        if key is not _DROPPED:
            parent.entries.append((key, node))
        pending_key[-1] = None


def _stack_path(stack: list[Node], pending_key: list[Scalar | None]) -> str:
    """The path (`causes[0].role`) of the value being read, from the reader's stack."""
    parts: list[str | int] = []
    mappings = 0
    for node in stack:
        if isinstance(node, Sequence):
            parts.append(len(node.items))
            continue
        key = pending_key[mappings]
        mappings += 1
        if key is None or key is _DROPPED:
            break
        parts.append(key.text)
    return _dotted(parts)


_DROPPED = Scalar(0, 0, "", False)
"""Stands for the key of a duplicate whose value is read and dropped."""


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


# -- a value followed by a comment ----------------------------------------------------------

_COMMENT_AFTER = re.compile("[ \t]+#[^\n\r\x85\u2028\u2029]*")
"""Spaces, then a `#` comment to the end of the line."""


_EVERY_LINE = frozenset({-1})
"""Stands for every line, where lines cannot be counted as YAML counts them."""


def _comment_lines(text: str) -> frozenset[int]:
    """The 0-based lines on which a `#` comment follows something else: the only lines
    whose values need a look (usually none, so that the reader's loop pays nothing)."""
    at = text.find("#")
    if at < 0:
        return frozenset()
    lines: set[int] = set()
    line = counted = 0
    while at >= 0:
        if at and text[at - 1] in " \t":
            line += text.count("\n", counted, at)
            counted = at
            if text[text.rfind("\n", 0, at) + 1 : at].strip():
                lines.add(line)
        at = text.find("#", at + 1)
    if lines and (any(ch in text for ch in "\x85\u2028\u2029") or "\r" in text.replace("\r\n", "")):
        return _EVERY_LINE  # line breaks that YAML counts and a count of `\n` does not
    return frozenset(lines)


def _note_comment(node: Scalar, event: yaml.ScalarEvent, text: str) -> None:
    """Keep the line of a plain one-line value that a `#` comment follows on the same line,
    when the value shares the line with its key or list dash (else the comment is on a line
    of its own, and nothing vanishes from a line that holds something else); and so for a
    plain value that starts on the line of its key and goes on over lines, when a comment
    follows its last line."""
    start, end = event.start_mark, event.end_mark
    if start is None or end is None or not event.value:
        return
    found = _COMMENT_AFTER.match(text, end.index)
    if found is None or not found.group().lstrip(" \t")[1:].strip():
        return
    line_start = start.index - start.column
    if not text[line_start : start.index].strip():
        return
    if end.line != start.line:
        node.comment = text[end.index - end.column : found.end()].rstrip()
        node.comment_line = end.line + 1
    else:
        node.comment = text[line_start : found.end()].rstrip()


def comment_after(node: Scalar) -> tuple[int, int, str, str] | None:
    """For a plain value read from its line without the `#` comment that follows it: the
    comment's 1-based line and column, the comment, and the line written so that the comment
    stays part of the value (the whole value in quotes; empty for a value over several lines,
    which has no one line to show)."""
    if not node.comment:
        return None
    line = node.comment
    if node.comment_line:
        found = _COMMENT_AFTER.search(line)
        assert found is not None
        hash_at = line.index("#", found.start())
        return node.comment_line, hash_at + 1, line[hash_at:], ""
    start = node.column - 1
    after = start + len(node.text)
    rest = line[after:]
    comment = rest.lstrip(" \t")
    hash_column = after + len(rest) - len(comment) + 1
    return node.line, hash_column, comment, line[:start].lstrip(" ") + yaml_quoted(line[start:].rstrip())


# -- text that is not YAML: what the contributor wrote, and how to write it -------------------
#
# The parser names the rule it applies ("mapping values are not allowed in this context"),
# not the mistake that broke it, and often where it gave up rather than where the mistake is.
# Only when a parse fails, `explain` reads the lines around the parser's marks and says what
# is wrong and what to write instead, at the line where the construct began. Whatever it does
# not recognise keeps the parser's words.

ECHO_MAX = 120
"""Longest echo of the contributor's own text in a message."""


def echo(text: str, limit: int = ECHO_MAX, at: int | None = None) -> str:
    """The contributor's text for a message, control characters escaped: whole up to `limit`
    characters; longer, cut in the middle (`…`), so that both its start and its end show, or,
    given the index `at` of the mistake, cut around it, so that the mistake shows."""
    return "".join(ch if ch.isprintable() else "\\t" if ch == "\t" else f"\\u{ord(ch):04x}" for ch in shorten(text, limit, at))


def shorten(text: str, limit: int, at: int | None = None) -> str:
    """`text` in at most `limit` characters (`…` counted): see `echo`."""
    if len(text) <= limit:
        return text
    if at is None:
        head = (limit - 1) * 3 // 5
        return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]
    start = at - limit // 2
    if start <= 0:
        return text[: limit - 1] + "…"
    if start + limit - 1 >= len(text):
        return "…" + text[len(text) - (limit - 1) :]
    return "…" + text[start : start + limit - 2] + "…"


def yaml_quoted(value: str) -> str:
    """`value` as a quoted YAML scalar that reads back as exactly `value`."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_SHAPE = re.compile(
    r"(?P<indent> *)(?P<dashes>(?:-(?:[ \t]+|$))*)"
    r"(?:(?P<key>[^\s#'\"\[\]{},:?|>&*!%@`][^#]*?|\"[^\"]*\"|'[^']*'):(?=[ \t]|$))?"
)
"""A line's indentation, the `- ` list dashes it starts with, and the mapping key after them."""
_BLOCK_INDICATOR = re.compile(r"[|>][1-9+-]{0,2}(?:[ \t]+#.*)?$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_SEPARATORS = {"\x85": "NEXT LINE (U+0085)", "\u2028": "LINE SEPARATOR (U+2028)", "\u2029": "PARAGRAPH SEPARATOR (U+2029)"}
"""Characters that end a line for YAML although most editors show none."""
_QUOTES = "'\""


@dataclass(slots=True)
class _Row:
    """The structure of one line, 0-based columns."""

    dashes: tuple[int, ...]  # the columns of the `-` list dashes the line starts with
    key: str | None  # the mapping key that follows them, if any
    key_column: int
    value: str  # what follows the key's `:` (or the dashes, or the indentation), stripped
    value_column: int

    @property
    def first(self) -> int:
        return self.dashes[0] if self.dashes else self.key_column if self.key is not None else self.value_column

    @property
    def plain_text(self) -> bool:
        """Whether the line holds (the start of) a plain text value."""
        return bool(self.value) and self.value[0] not in "'\"[{|>&*!#"


_SHAPE_MAX = 1000
"""Longest part of a line whose structure is read: a key or a list dash is near its start."""


def _shape(line: str) -> _Row:
    line = line[:_SHAPE_MAX]
    match = _SHAPE.match(line)
    assert match is not None  # every part is optional
    dashes: list[int] = []
    column = len(match["indent"])
    for part in re.findall(r"-[ \t]*", match["dashes"]):
        dashes.append(column)
        column += len(part)
    key = match["key"]
    key_column = match.start("key") if key is not None else column
    rest = line[match.end() :]
    if key is not None:
        rest = rest[1:]  # the key's `:`
        key = key[1:-1] if key[0] in _QUOTES else key.rstrip()
    value_column = len(line) - len(rest.lstrip(" \t")) if rest.strip() else len(line.rstrip())
    return _Row(tuple(dashes), key, key_column, rest.strip(), value_column)


def _is_indicator(row: _Row) -> bool:
    """Whether the row's value is a block indicator (`|`, `>-`…): its text is on the lines below."""
    return _BLOCK_INDICATOR.match(row.value) is not None


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Source:
    """The lines of a file that failed to parse, as YAML counts lines."""

    def __init__(self, text: str) -> None:
        self.text = text
        # YAML's line breaks: \n, \r\n, \r, U+0085, U+2028, U+2029 (the others splitlines()
        # knows are control characters, refused before parsing)
        self.lines = text.splitlines()
        self._rows: dict[int, _Row | None] = {}
        self._blocks: dict[int, int] | None = None

    def line(self, row: int) -> str:
        return self.lines[row] if 0 <= row < len(self.lines) else ""

    @property
    def blocks(self) -> dict[int, int]:
        """The rows of the text of block scalars (`|`, `>`), each to the row of its indicator."""
        if self._blocks is None:
            self._blocks = {}
            owner, parent, indent = -1, 0, -1
            for row, line in enumerate(self.lines):
                if owner >= 0:
                    here = _indentation(line)
                    if not line.strip() or (here > parent and (indent < 0 or here >= indent)):
                        if line.strip() and indent < 0:
                            indent = here
                        self._blocks[row] = owner
                        continue
                    owner = -1
                stripped = line.strip()
                if not stripped or stripped.startswith("#") or ("|" not in stripped and ">" not in stripped):
                    continue
                shape = _shape(line)
                if _BLOCK_INDICATOR.match(shape.value):
                    owner, indent = row, -1
                    parent = shape.key_column if shape.key is not None else shape.dashes[-1] if shape.dashes else 0
        return self._blocks

    def row(self, row: int) -> _Row | None:
        """The line's structure; None for a blank line, a comment or the text of a block scalar."""
        if row not in self._rows:
            line = self.line(row)
            stripped = line.strip()
            blank = not stripped or stripped.startswith("#") or row in self.blocks
            self._rows[row] = None if blank else _shape(line)
        return self._rows[row]

    def previous(self, row: int, *, text: bool = False) -> int:
        """The nearest row above that holds something (with `text`, also block scalar text), or -1."""
        for above in range(row - 1, -1, -1):
            if self.row(above) is not None or (text and above in self.blocks and self.line(above).strip()):
                return above
        return -1

    def owner(self, row: int) -> int:
        """The row of the key whose value the row holds or goes on with, or -1."""
        for above in range(row, -1, -1):
            shape = self.row(above)
            if shape is None:
                continue
            if shape.key is not None:
                return above
            if shape.dashes or above < row and shape.first < self._first(row):
                return -1
        return -1

    def _first(self, row: int) -> int:
        shape = self.row(row)
        return shape.first if shape is not None else _indentation(self.line(row))

    def where(self, row: int, column: int) -> list[str | int]:
        """The path (`causes`, 0, `role`) of the node that starts at (row, column), read from
        the indentation of the lines above it, as block-style YAML nests."""
        parts: list[str | int] = []
        level, in_list = column, False
        for above in range(row, -1, -1):
            if level == 0 and not in_list:
                break
            shape = self.row(above)
            if shape is None:
                continue
            elements: list[tuple[int, str | None]] = [(c, None) for c in shape.dashes]
            if shape.key is not None:
                elements.append((shape.key_column, shape.key))
            for at, key in reversed(elements):
                if key is None and at < level:
                    parts.insert(0, self._index(above, at))
                    level, in_list = at, True
                elif key is not None and (at < level or (in_list and at == level)):
                    parts.insert(0, key)
                    level, in_list = at, False
        return parts

    def _index(self, row: int, column: int) -> int:
        """The index of the list item whose dash is at (row, column)."""
        index = 0
        for above in range(row - 1, -1, -1):
            shape = self.row(above)
            if shape is None:
                continue
            if column in shape.dashes:
                index += 1
            elif shape.first <= column:
                break
        return index

    def levels(self, row: int) -> list[tuple[int, str, int]]:
        """The keys above the row that a line could line up with: (column, key, row), nearest first."""
        found: list[tuple[int, str, int]] = []
        limit = len(self.text) + 1
        for above in range(row - 1, -1, -1):
            shape = self.row(above)
            if shape is None:
                continue
            if shape.key is not None and shape.key_column < limit:
                found.append((shape.key_column, shape.key, above))
            limit = min(limit, shape.first)
            if limit == 0:
                break
        return found


def _dotted(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


@dataclass(slots=True)
class _Mark:
    row: int
    column: int
    index: int


def _mark(mark: Any) -> _Mark | None:
    return _Mark(mark.line, mark.column, mark.index) if mark is not None else None


_FIELD_KINDS: dict[str, set[str]] = {}


def _kinds(name: str) -> set[str]:
    """The kinds a field of this name has in the format (empty when no record has it)."""
    if not _FIELD_KINDS:
        from . import spec  # only when a message needs it

        records = [value for value in vars(spec).values() if isinstance(value, spec.Record)]
        for record in records:
            for f in record.fields:
                _FIELD_KINDS.setdefault(f.name, set()).add(f.kind)
    return _FIELD_KINDS.get(name, set())


def explain(text: str, error: yaml.MarkedYAMLError, last: yaml.Event | None = None) -> tuple[int, int, str]:
    """Where a YAML syntax error is, 1-based, and a message that says what to write instead."""
    problem_mark, context_mark = _mark(error.problem_mark), _mark(error.context_mark)
    try:
        found = _Explainer(text, error, problem_mark, context_mark, last).explain()
    except Exception:  # a message is never worth a crash; the parser's own words stand
        found = None
    if found is not None:
        row, column, message = found
        return row + 1, column + 1, message
    mark = problem_mark or context_mark
    row, column = (mark.row, mark.column) if mark else (0, 0)
    reason = " ".join(part for part in (error.context, error.problem) if part)
    return row + 1, column + 1, f"invalid YAML: {reason}"


class _Explainer:
    """Reads one syntax error: each method returns (row, column, message), 0-based, or None."""

    def __init__(
        self, text: str, error: yaml.MarkedYAMLError, problem: _Mark | None, context: _Mark | None, last: yaml.Event | None
    ) -> None:
        self.source = _Source(text)
        self.text = text
        self.problem_text = error.problem or ""
        self.context_text = error.context or ""
        self.p = problem
        self.c = context
        self.last = last
        quoted = isinstance(last, yaml.ScalarEvent) and last.style in ("'", '"')
        self.quoted_start = _mark(last.start_mark) if quoted and last is not None else None
        """Where the last value the parser read starts and ends, when it was quoted."""
        self.quoted_end = _mark(last.end_mark) if quoted and last is not None else None

    def explain(self) -> tuple[int, int, str] | None:
        p, c, problem, context = self.p, self.c, self.problem_text, self.context_text
        if p is None:
            return None
        found = self.separator() or self.runaway_quote()
        if found:
            return found
        if "quoted scalar" in context and ("end of stream" in problem or "document indicator" in problem) and c:
            return self.unclosed_quote(c)
        if "mapping values are not allowed" in problem:
            return self.mapping_values(p)
        if "could not find expected ':'" in problem and c:
            return self.no_colon(c)
        if "tab character" in problem or "cannot start any token" in problem:
            return self.bad_character(p)
        if "block mapping" in context or "block collection" in context:
            return self.block_end(p, c, "block collection" in context)
        if ("flow sequence" in context or "flow mapping" in context) and c:
            return self.flow(p, c)
        if "node content" in problem:
            return self.node_content(p)
        if "found unexpected ':'" in problem:
            return (
                p.row,
                p.column,
                f"{self.field(p)}inside `[ ]` or `{{ }}`, a `:` with no space after it (column {p.column + 1}) ends an item "
                "early; put an item that holds `:` in quotes",
            )
        if "unknown escape character" in problem:
            return self.escape(p, c)
        if "undefined tag handle" in problem:
            tag = re.match(r"!\S*", self.source.line(p.row)[p.column :])
            shown = tag.group() if tag else "!"
            return p.row, p.column, f"{self.field(p)}explicit YAML tags (`{echo(shown)}`) are not allowed; remove the tag"
        if c and ("an alias" in context or "an anchor" in context or "block scalar" in context) and "indentation" not in problem:
            return self.indicator(c)
        if "mapping keys are not allowed" in problem or "sequence entries are not allowed" in problem:
            return self.indicator(p)
        return None

    # -- helpers ---------------------------------------------------------------------------

    def field(self, mark: _Mark, name: str | None = None) -> str:
        """`causes[0].detail: ` for the node at the mark (and the key `name` in it), or ``."""
        parts = self.source.where(mark.row, mark.column)
        if name is not None:
            parts.append(name)
        return _dotted(parts) + ": " if parts else ""

    def key_field(self, row: int) -> str:
        """The field prefix for the key on the row, or ``."""
        shape = self.source.row(row)
        if shape is None or shape.key is None:
            return ""
        return self.field(_Mark(row, shape.key_column, 0), shape.key)

    def quoted_line(self, row: int, column: int, value: str | None = None) -> str:
        """The row as it should be written, its value from `column` on in quotes."""
        line = self.source.line(row)
        shape = self.source.row(row)
        start = shape.first if shape is not None else _indentation(line)
        value = line[column:].rstrip() if value is None else value
        return echo(line[start:column] + yaml_quoted(value))

    def char(self, mark: _Mark) -> str:
        return self.text[mark.index] if mark.index < len(self.text) else ""

    # -- the mistakes ----------------------------------------------------------------------

    def separator(self) -> tuple[int, int, str] | None:
        """A line break most editors do not show (U+2028, U+2029, U+0085) that split a line."""
        for mark in (self.c, self.p):
            if mark is None or mark.row == 0:
                continue
            start = mark.index - mark.column
            if start > 0 and self.text[start - 1] in _SEPARATORS:
                row = mark.row - 1
                before = self.source.line(row)
                after = self.source.line(mark.row)
                name = _SEPARATORS[self.text[start - 1]]
                return (
                    row,
                    len(before),
                    f"{self.key_field(row)}a {name} character between `{echo(before.strip())}` and `{echo(after.strip())}` "
                    "ends the line for YAML; remove it, or replace it with a space",
                )
        return None

    def runaway_quote(self) -> tuple[int, int, str] | None:
        """A quoted value whose closing quote is missing ran on to the next quote, lines below."""
        start, end, p = self.quoted_start, self.quoted_end, self.p
        if start is None or end is None or p is None or start.row == end.row or end.row != p.row:
            return None
        before = self.source.line(end.row)[: end.column - 1]
        if not re.fullmatch(r" *(?:- +)*[^\s#'\"][^#]*?: +", before):
            return None  # the quote that ended it does not start a value: a real multi-line value
        return self.unclosed_quote(start, end.row)

    def unclosed_quote(self, mark: _Mark, ends: int | None = None) -> tuple[int, int, str]:
        quote = self.char(mark)
        line = self.source.line(mark.row)
        value = line[mark.column :].rstrip()
        fixed = value if len(value) > 1 and value.endswith(quote) else value + quote
        shape = self.source.row(mark.row)
        start = shape.first if shape is not None else _indentation(line)
        where = f"its line; it runs on to the `{quote}` on line {ends + 1}" if ends is not None else "its line"
        return (
            mark.row,
            mark.column,
            f"{self.field(mark)}the `{quote}` that starts the value at column {mark.column + 1} is not closed on {where}; "
            f"end the value with `{quote}`: {echo(line[start : mark.column] + fixed)}",
        )

    def mapping_values(self, p: _Mark) -> tuple[int, int, str]:
        """A `:` where YAML cannot start a field: in a value, or after a key indented too far."""
        source = self.source
        line = source.line(p.row)
        shape = source.row(p.row)
        ends = "has `: ` in it" if line[p.column + 1 : p.column + 2] in (" ", "\t") else "ends with `:`"
        if shape is not None and shape.key is not None and shape.value_column <= p.column:
            if shape.dashes and not _NAME.fullmatch(shape.key):  # a list item of text with `: ` in it
                value_column = shape.key_column
                where = self.field(_Mark(p.row, shape.key_column, 0))
            else:
                value_column = shape.value_column
                where = self.field(_Mark(p.row, shape.value_column, 0))
            return (
                p.row,
                p.column,
                f"{where}the value {ends}; put the whole value in quotes: {self.quoted_line(p.row, value_column)}",
            )
        above = source.previous(p.row)
        if above >= 0 and shape is not None and shape.key is not None:
            prior = source.row(above)
            assert prior is not None
            squeezed = re.fullmatch(r"(?:- +)*([A-Za-z_][\w-]*):(\S.*)", source.line(above).strip())
            if prior.key is None and squeezed and not prior.dashes:
                colon = source.line(above).index(":")
                return (
                    above,
                    colon,
                    f"{self.field(_Mark(above, prior.first, 0), squeezed[1])}a `:` needs a space after it: "
                    f"write {echo(squeezed[1] + ': ' + squeezed[2])}",
                )
            holder = source.owner(above)
            owner = source.row(holder) if holder >= 0 else None
            if owner is not None and owner.key is not None and shape.key_column > owner.key_column:
                if _kinds(shape.key):  # a field of the format, indented too far
                    where = self.field(_Mark(holder, owner.key_column, 0), shape.key)
                    return (
                        p.row,
                        shape.key_column,
                        f"{where}line {p.row + 1} is indented more than the field above it: `{shape.key}` starts at "
                        f"column {shape.key_column + 1}, `{owner.key}` (line {holder + 1}) at column {owner.key_column + 1}, "
                        f"so YAML reads it as part of the value of `{owner.key}`; "
                        f"move `{shape.key}` to column {owner.key_column + 1}",
                    )
                where = self.field(_Mark(holder, owner.key_column, 0), owner.key)
                return p.row, p.column, f"{where}{self._multiline_fix(owner.key, holder, p.row)}"
        return (
            p.row,
            p.column,
            f"{self.field(p)}the `:` at column {p.column + 1} starts a field where YAML cannot have one; "
            "if it is part of a value, put the whole value in quotes",
        )

    def _multiline_fix(self, key: str, holder: int, row: int) -> str:
        said = (
            f"the text of `{key}` (line {holder + 1}) goes on at line {row + 1} and has `: ` in it, which YAML reads as a field"
        )
        if _kinds(key) == {"markdown"}:
            return f"{said}; write `{key}: |` and put the text on the lines below it, indented"
        return f"{said}; put the whole text in quotes"

    def no_colon(self, c: _Mark) -> tuple[int, int, str]:
        """A line YAML reads as a new field, without the `:` a field needs."""
        source = self.source
        line = source.line(c.row)
        content = line[c.column :].rstrip()
        squeezed = re.fullmatch(r"([A-Za-z_][\w-]*):(\S.*)", content)
        if squeezed and _kinds(squeezed[1]):
            return (
                c.row,
                c.column + len(squeezed[1]),
                f"{self.field(c, squeezed[1])}a `:` needs a space after it: write {echo(squeezed[1] + ': ' + squeezed[2])}",
            )
        words = re.fullmatch(r"([A-Za-z_][\w-]*)[ \t]+(\S.*)", content)
        above = source.previous(c.row, text=True)
        holder = source.blocks.get(above, -1) if above >= 0 else -1
        block = holder >= 0
        if not block and above >= 0:
            holder = source.owner(above)
        owner = source.row(holder) if holder >= 0 else None
        texty = (
            owner is not None
            and owner.key is not None
            and (block or owner.plain_text or not owner.value or above > holder or _is_indicator(owner))
        )
        if words and _kinds(words[1]):
            shape = source.row(c.row)
            fixed = line[shape.first if shape is not None else c.column : c.column] + words[1] + ": " + words[2]
            instead = ""
            if texty and " " in words[2].strip() and owner is not None and owner.key is not None:
                instead = (
                    f"if the line goes on with the text of `{owner.key}` above, indent it by {owner.key_column + 2} spaces; else "
                )
            return (
                c.row,
                c.column,
                f"{self.field(c, words[1])}`{echo(content)}` has no `:` after the field name; {instead}add the `:`: {echo(fixed)}",
            )
        if texty and owner is not None and owner.key is not None:
            where = self.field(_Mark(holder, owner.key_column, 0), owner.key)
            if block:
                first = next((r for r in range(holder + 1, above + 1) if source.line(r).strip()), above)
                indent = _indentation(source.line(first))
                return (
                    c.row,
                    c.column,
                    f"{where}line {c.row + 1} is indented less than the text of the `{owner.value[0]}` block above it "
                    f"(which starts at column {indent + 1}), so YAML ends the text at line {above + 1} and reads "
                    f"`{echo(content)}` as a new field without a `:`; indent the line to column {indent + 1}, like the text above it",
                )
            need = owner.key_column + 2
            return (
                c.row,
                c.column,
                f"{where}line {c.row + 1} is not indented under `{owner.key}` (line {holder + 1}), so YAML reads "
                f"`{echo(content)}` as a new field without a `:`; to go on with the text of `{owner.key}`, "
                f"indent the line by {need} spaces",
            )
        return (
            c.row,
            c.column,
            f"`{echo(content)}` has no `:`: a field is written `name: value`, and a line that goes on with "
            "the text above must be indented further than its field",
        )

    def bad_character(self, p: _Mark) -> tuple[int, int, str] | None:
        """A character that cannot start anything in YAML: a tab, or `@`, `` ` ``, `%`."""
        source = self.source
        line = source.line(p.row)
        char = self.char(p)
        if char == "\t" or "tab character" in self.problem_text:
            return self.tab(p)
        if not char or char.isspace():
            return None
        shape = source.row(p.row)
        if shape is not None and shape.key is None and not shape.dashes and p.column == shape.first:
            if re.match(r"\S+:(?:\s|$)", line[p.column + 1 :]):
                return p.row, p.column, f"a field name cannot start with `{char}`; remove the `{char}`"
            return (
                p.row,
                p.column,
                f"a line cannot start with `{char}` in YAML; put the text in quotes: {self.quoted_line(p.row, p.column)}",
            )
        shown = "a backtick" if char == "`" else f"`{char}`"
        return (
            p.row,
            p.column,
            f"{self.field(p)}a value cannot start with {shown} in YAML; "
            f"put the whole value in quotes: {self.quoted_line(p.row, p.column)}",
        )

    def tab(self, p: _Mark) -> tuple[int, int, str]:
        """A tab where YAML wants spaces: in the indentation, or after a `:` or `-`."""
        source = self.source
        line = source.line(p.row)
        tab = line.find("\t", p.column)
        tab = tab if tab >= 0 else max(line.find("\t"), 0)
        rest = line.lstrip(" \t")
        if "\t" not in line[: len(line) - len(rest)]:
            before = line[:tab].rstrip()
            after = f"after `{before[-1]}` " if before else ""
            return (
                p.row,
                tab,
                f"{self.field(_Mark(p.row, tab, 0))}a tab {after}at column {tab + 1}; YAML needs a space there: "
                "replace the tab with a space",
            )
        said = f"line {p.row + 1} is indented with a tab; YAML indents with spaces only: replace the tab with spaces"
        above = source.previous(p.row, text=True)
        if above in source.blocks:  # a line of a block's text
            holder = source.blocks[above]
            first = next((r for r in range(holder + 1, above + 1) if source.line(r).strip()), above)
            indent = _indentation(source.line(first))
            return (
                p.row,
                tab,
                f"{self.key_field(holder)}{said} (to line up the text with the line above it, start it at column {indent + 1})",
            )
        prior = source.row(above) if above >= 0 else None
        shape = _shape(rest)
        if prior is None or prior.key is None:
            return p.row, tab, said
        if shape.dashes:  # a list item under the field above
            target = prior.key_column + 2
            where = _dotted([*source.where(above, prior.key_column), prior.key]) + ": "
            return p.row, tab, f"{where}{said} (to put the `-` under `{prior.key}`, start it at column {target + 1})"
        if shape.key is None:
            return p.row, tab, said
        if prior.value:
            target, how = prior.key_column, f"with `{prior.key}` above it"
            where = self.field(_Mark(above, prior.key_column, 0), shape.key)
        else:
            target, how = prior.key_column + 2, f"under `{prior.key}`"
            where = _dotted([*source.where(above, prior.key_column), prior.key, shape.key]) + ": "
        return p.row, tab, f"{where}{said} (to line up `{shape.key}` {how}, start it at column {target + 1})"

    def block_end(self, p: _Mark, c: _Mark | None, in_list: bool) -> tuple[int, int, str] | None:
        """Where YAML expected the next field (or list item) of a block, something else."""
        source = self.source
        line = source.line(p.row)
        char = self.char(p)
        before = line[: p.column]
        last = self.last
        if char in ("]", "}"):
            return p.row, p.column, f"a `{char}` at column {p.column + 1} that closes nothing; remove it"
        if before.strip():  # something left over after a complete value on the same line
            left = echo(line[p.column :].rstrip())
            end = before.rstrip()
            start, stop = self.quoted_start, self.quoted_end
            if start is not None and stop is not None and stop.row == p.row and start.row == p.row:
                raw = line[start.column :].rstrip()
                quote = raw[0]
                closing = stop.column - 1  # the quote that ended the value
                # an apostrophe in a word ended it: the text lies between the quotes; else the quotes are text
                apostrophe = line[closing + 1 : closing + 2].isalnum()
                inner = raw if not apostrophe else raw[1:-1] if raw.endswith(quote) else raw[1:]
                return (
                    p.row,
                    p.column,
                    f"{self.field(start)}the quoted value ends at the `{quote}` at column {closing + 1}, and `{left}` after it "
                    f"is left over; put the whole value in quotes: {self.quoted_line(p.row, start.column, inner)}",
                )
            if end[-1:] in ("]", "}") and isinstance(last, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                shape = source.row(p.row)
                if shape is not None and shape.value[:1] in ("[", "{") and shape.value_column < p.column:
                    opener = shape.value[0]
                    what = "list" if opener == "[" else "mapping"
                    closer = "]" if opener == "[" else "}"
                    return (
                        p.row,
                        p.column,
                        f"{self.field(_Mark(p.row, shape.value_column, 0))}a value that starts with `{opener}` is a YAML {what} "
                        f"up to its `{closer}`, and `{left}` after it is left over; put the whole value in quotes: "
                        f"{self.quoted_line(p.row, shape.value_column)}",
                    )
            return None
        shape = source.row(p.row)
        if shape is None:
            return None
        above = source.previous(p.row, text=True)
        prior = source.row(above) if above >= 0 else None
        if prior is not None and prior.key is not None and _is_indicator(prior) and (shape.key is None or char == "-"):
            return (  # a block whose first line is not indented under its field
                p.row,
                p.column,
                f"{self.key_field(above)}line {p.row + 1} is not indented under `{prior.key}` (line {above + 1}), so the "
                f"`{prior.value[0]}` block has no text; indent the text of the block by {prior.key_column + 2} spaces",
            )
        if above in source.blocks and (shape.key is None or char == "-"):
            holder = source.blocks[above]
            owner = source.row(holder)
            first = next((r for r in range(holder + 1, above + 1) if source.line(r).strip()), above)
            indent = _indentation(source.line(first))
            if owner is not None:
                where = self.key_field(holder)
                return (
                    p.row,
                    p.column,
                    f"{where}line {p.row + 1} is indented less than the text of the `{owner.value[:1]}` block above it "
                    f"(which starts at column {indent + 1}, line {first + 1}), so YAML ends the text at line {above + 1}; "
                    f"indent the line to column {indent + 1}, like the text above it",
                )
        if char == "-":
            if in_list and c is not None:
                column, row = c.column, c.row
            else:
                row = next((r for r in range(p.row - 1, -1, -1) if (s := source.row(r)) is not None and s.dashes), -1)
                column = source.row(row).dashes[0] if row >= 0 else -1  # type: ignore[union-attr]
            if row >= 0 and column != p.column:
                where = self.field(_Mark(row, column, 0))
                return (
                    p.row,
                    p.column,
                    f"{where}the `-` at column {p.column + 1} does not line up with the list item above it "
                    f"(column {column + 1}, line {row + 1}); move it to column {column + 1}",
                )
            above = source.previous(p.row)
            prior = source.row(above) if above >= 0 else None
            listed = prior is not None and prior.key is not None and (not _kinds(prior.key) or "list" in _kinds(prior.key))
            if (
                listed
                and prior is not None
                and prior.key is not None
                and prior.value
                and not prior.dashes
                and prior.key_column <= p.column
            ):
                return (
                    p.row,
                    p.column,
                    f"{self.field(_Mark(above, prior.key_column, 0), prior.key)}`{prior.key}` (line {above + 1}) already has "
                    f"a value on its line, `{echo(prior.value)}`, so `{echo(line.strip())}` cannot be an item of it; for a list, "
                    f"write `{prior.key}:` alone on its line, then each item on a line below it, indented: `  - {echo(prior.value)}`",
                )
            return (
                p.row,
                p.column,
                f"a list item (`{echo(line.strip())}`) where YAML expects a field; a list goes under its field: "
                "`name:` on a line of its own, then each item as `- item`, indented under it",
            )
        if shape.key is not None:
            key = shape.key
            if in_list and c is not None and shape.key_column == c.column:
                parent = source.row(c.row)
                where = self.field(c)
                return (
                    (
                        p.row,
                        p.column,
                        f"{where}`{key}` is at the column of the list items above it (column {c.column + 1}, line {c.row + 1}) "
                        f"but has no `- `; start the line with `- ` if it is an item of the list, or move `{key}` out "
                        "to the column of the field that holds the list",
                    )
                    if parent is not None
                    else None
                )
            levels = source.levels(p.row)
            if not levels:
                return None
            distance = min(abs(level[0] - shape.key_column) for level in levels)
            near = [level for level in levels if abs(level[0] - shape.key_column) == distance]
            near.sort(key=lambda level: -level[0])
            column, sibling, row = near[0]
            where = self.field(_Mark(row, column, 0), key)
            if len(near) > 1:
                other = near[1]
                return (
                    p.row,
                    p.column,
                    f"{where}`{key}` starts at column {shape.key_column + 1}, between the fields above it; move it to "
                    f"column {column + 1} to line up with `{sibling}` (line {row + 1}), or to column {other[0] + 1} "
                    f"to line up with `{other[1]}` (line {other[2] + 1})",
                )
            more = "more" if shape.key_column > column else "less"
            return (
                p.row,
                p.column,
                f"{where}line {p.row + 1} is indented {more} than the field above it: `{key}` starts at column "
                f"{shape.key_column + 1}, `{sibling}` (line {row + 1}) at column {column + 1}; move `{key}` to column {column + 1}",
            )
        return None

    def _flow_closed(self, start: int, end: int) -> int:
        """Where the `[` or `{` at index `start` closes, looking no further than `end`; -1 if not."""
        text, depth, index = self.text, 0, start
        while index < end:
            ch = text[index]
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    return index
            elif ch in _QUOTES and text[index - 1] in " [{,:":
                close = text.find(ch, index + 1)
                index = close if close >= 0 else end
            elif ch == "#" and text[index - 1] in " \t":
                newline = text.find("\n", index)
                index = newline - 1 if newline >= 0 else end
            index += 1
        return -1

    def flow(self, p: _Mark, c: _Mark) -> tuple[int, int, str] | None:
        """Inside `[ ]` or `{ }`: the collection is not closed, or an item breaks it."""
        opener = self.char(c)
        if opener not in ("[", "{"):
            return None
        closer = "]" if opener == "[" else "}"
        what = "list" if opener == "[" else "mapping"
        line = self.source.line(c.row)
        line_end = c.index - c.column + len(line)
        if p.row > c.row and self._flow_closed(c.index, line_end) < 0:
            return self.unclosed_flow(c)
        found = self.char(p)
        shown = f"`{found}`" if found.strip() else "the end of the line" if found else "the end of the file"
        return (
            p.row,
            p.column,
            f"{self.field(c)}in the {what} `{opener}…{closer}` that starts at column {c.column + 1}, YAML expected "
            f"`,` or `{closer}` at column {p.column + 1}, but found {shown}; separate the items with `, `, "
            "and put an item that has `:`, `,`, `[`, `]`, `{` or `}` in it in quotes",
        )

    def unclosed_flow(self, c: _Mark) -> tuple[int, int, str]:
        opener = self.char(c)
        closer = "]" if opener == "[" else "}"
        what = "list" if opener == "[" else "mapping"
        line = self.source.line(c.row)
        shape = self.source.row(c.row)
        start = shape.first if shape is not None else _indentation(line)
        key = shape.key if shape is not None and shape.value_column == c.column else None
        kinds = _kinds(key) if key else set()
        where = self.field(c)
        if key is not None and kinds and not kinds & {"list", "record", "roles"}:
            return (
                c.row,
                c.column,
                f"{where}a value that starts with `{opener}` is a YAML {what}, and this one is not closed on its line; "
                f"put the whole value in quotes: {self.quoted_line(c.row, c.column)}",
            )
        body = line[start:].rstrip()
        body = body[:-1].rstrip() if body.endswith(",") else body
        return (
            c.row,
            c.column,
            f"{where}the `{opener}` at column {c.column + 1} is not closed on its line; "
            f"end the {what} with `{closer}`: {echo(body + closer)}",
        )

    def node_content(self, p: _Mark) -> tuple[int, int, str] | None:
        """YAML expected a value and found `,`, `]`, `}` or the end of the file."""
        char = self.char(p)
        if not self.text[p.index :].strip():  # the end of the file: a `[` or `{` left open
            opened = self._last_open(p.index)
            if opened is not None:
                return self.unclosed_flow(opened)
            return None
        if "flow" in self.context_text and char == ",":
            return p.row, p.column, f"{self.field(p)}an empty item (two `,` in a row); remove one `,`"
        if char in ",]}":
            return (
                p.row,
                p.column,
                f"{self.field(p)}a value cannot start with `{char}` in YAML; "
                f"put the whole value in quotes: {self.quoted_line(p.row, p.column)}",
            )
        return None

    def _last_open(self, end: int) -> _Mark | None:
        """The last `[` or `{` before `end` that is not closed."""
        opened: list[int] = []
        text, index = self.text, 0
        while index < end:
            ch = text[index]
            if ch in "[{" and (index == 0 or text[index - 1] in " \t\n[{,:"):
                opened.append(index)
            elif ch in "]}" and opened:
                opened.pop()
            elif ch in _QUOTES and (index == 0 or text[index - 1] in " \t\n[{,:"):
                close = text.find(ch, index + 1)
                index = close if close >= 0 else end
            elif ch == "#" and (index == 0 or text[index - 1] in " \t\n"):
                newline = text.find("\n", index)
                index = newline if newline >= 0 else end
            index += 1
        if not opened:
            return None
        at = opened[-1]
        row = text.count("\n", 0, at)  # the opener's line; splitlines() agrees unless other breaks precede it
        line_start = text.rfind("\n", 0, at) + 1
        return _Mark(row, at - line_start, at)

    def escape(self, p: _Mark, c: _Mark | None) -> tuple[int, int, str] | None:
        line = self.source.line(p.row)
        column = p.column if line[p.column : p.column + 1] == "\\" else p.column - 1
        if line[column : column + 1] != "\\":
            return None
        sequence = line[column : column + 2]
        message = f"`{echo(sequence)}` is not an escape that YAML knows in double quotes; "
        if c is not None and c.row == p.row and self.char(c) == '"':
            raw = line[c.column :].rstrip()
            inner = raw[1:-1] if raw.endswith('"') and len(raw) > 1 else raw[1:]
            if "'" not in inner and '"' not in inner:
                fixed = self.source.line(p.row)[: c.column].lstrip(" ") + f"'{inner}'"
                return (
                    p.row,
                    column,
                    f"{self.field(c)}{message}use single quotes, in which `\\` is an ordinary character: {echo(fixed)}",
                )
            return p.row, column, f"{self.field(c)}{message}write `\\\\` for each backslash"
        return p.row, column, f"{message}write `\\\\` for each backslash, or put the value in single quotes"

    def indicator(self, mark: _Mark) -> tuple[int, int, str] | None:
        """A value that starts with a character YAML reads as syntax: `*`, `&`, `|`, `>`, `?`, `-`."""
        char = self.char(mark)
        reads = {
            "*": "an alias",
            "&": "an anchor",
            "|": "a block whose text is on the lines below",
            ">": "a block whose text is on the lines below",
            "?": "a complex key",
            "-": "a list item",
        }.get(char)
        if reads is None:
            return None
        return (
            mark.row,
            mark.column,
            f"{self.field(mark)}YAML reads a value that starts with `{char} ` as {reads}; "
            f"put the whole value in quotes: {self.quoted_line(mark.row, mark.column)}",
        )
