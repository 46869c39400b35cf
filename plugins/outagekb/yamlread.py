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


def read_file(path: str) -> tuple[Mapping | None, list[Problem]]:
    """Read and parse one file; every failure is a problem, never an exception."""
    text, problems = read_text(path, "the file is larger than 1 MiB; move long text into a sibling .md file")
    return (None, problems) if text is None else parse_text(path, text)


def parse_bytes(path: str, data: bytes) -> tuple[Mapping | None, list[Problem]]:
    text, problems = decode(path, data)
    return (None, problems) if text is None else parse_text(path, text)


def parse_text(path: str, text: str) -> tuple[Mapping | None, list[Problem]]:
    """Parse one YAML document that must be a mapping."""
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
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = " ".join(part for part in (error.context, error.problem) if part)
        return None, [Problem(path, line, column, f"invalid YAML: {reason}")]
    except yaml.YAMLError as error:  # reader errors carry no mark in some versions
        return None, [Problem(path, 1, 1, f"invalid YAML: {error}")]
    except (RecursionError, MemoryError, ValueError, UnicodeError) as error:
        return None, [Problem(path, 1, 1, f"cannot read the file as YAML: {type(error).__name__}")]
    if root is None:
        return None, [Problem(path, 1, 1, "the file is empty; an incident file is a mapping of fields")]
    if not isinstance(root, Mapping):
        if isinstance(root, Scalar) and root.is_null:
            return None, [Problem(path, root.line, root.column, "the document is empty; expected a mapping of fields")]
        return None, [
            Problem(path, root.line, root.column, f"expected a mapping of fields at the top of the file, found {kind_name(root)}")
        ]
    return root, [Problem(path, line, column, message) for line, column, message in found]


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
    raise _Refused(
        line, column, f"explicit YAML tags (`{_short_tag(getattr(event, 'tag', ''))}`) are not allowed; remove the tag"
    )


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
            raise _Refused(node.line, node.column, "a mapping key must be plain text")
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


_DROPPED = Scalar(0, 0, "", False)
"""Stands for the key of a duplicate whose value is read and dropped."""


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag
