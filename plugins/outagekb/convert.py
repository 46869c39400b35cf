"""Check YAML nodes against the format's field table and turn them into plain values.

Every mistake becomes a problem naming the field path (`causes[1].role`, 0-based like
Kubernetes and JSON Pointer) and, where a near miss is likely, the closest valid value.
"""

from __future__ import annotations

import difflib
import re
from collections import abc
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Final, TypeAlias, final
from urllib.parse import urlsplit

from . import spec
from .paths import ID_RE
from .problems import Problem
from .yamlread import NULL_WORDS, Mapping, Node, Scalar, Sequence, comment_after, echo, kind_name


@final
class Invalid:
    """The type of `INVALID`, so that a value that may have failed its check says so."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final[Invalid] = Invalid()
"""Marks a value that failed its check; the problem is already recorded."""

Value: TypeAlias = "str | bool | datetime | date | list[str] | list[Value | Invalid] | dict[str, Value]"
"""A converted field value: text (line, Markdown, enum, URL, id), a boolean, a timestamp
(`datetime`), a date, a list of roles, a list (whose failed items stay `INVALID`, so that
later checks can still name items by their index) or a record's values."""

Values: TypeAlias = "dict[str, Value]"
"""A record's converted values by field name; a field left out, empty or failed is absent."""

Items: TypeAlias = "list[Value | Invalid]"
"""A list field's items in file order (a name of its own: `Converter.list` hides `list`)."""

Roles: TypeAlias = "list[str]"
"""A cause entry's roles, each once, in file order."""

TIMESTAMP_PATTERN = (
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"[ \t]*(?:(Z|z)|([+-])(\d{1,2})(?::?(\d{2}))?)$"
)
"""A timestamp as YAML writes it, with its offset; the JSON Schema uses the same pattern."""
_TIMESTAMP_RE = re.compile(TIMESTAMP_PATTERN)
_NO_OFFSET_RE = re.compile(TIMESTAMP_PATTERN.removesuffix(")$") + ")?$")
ID_RULE = f"lowercase ASCII letters, digits and single hyphens, {spec.ID_MIN} to {spec.ID_MAX} characters"
DATE_PATTERN = r"^(\d{4})-(\d{1,2})-(\d{1,2})$"
_DATE_RE = re.compile(DATE_PATTERN)
LINE_FORBIDDEN_CHARS = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
"""In one-line fields: control characters (Cc), line and paragraph separators, bidi controls."""
_LINE_FORBIDDEN = re.compile(f"[{LINE_FORBIDDEN_CHARS}]")
TEXT_FORBIDDEN_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
"""In Markdown fields: control characters other than tab and line feed."""
_TEXT_FORBIDDEN = re.compile(f"[{TEXT_FORBIDDEN_CHARS}]")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})
_COMPOUND_KINDS = frozenset({spec.LIST, spec.RECORD, spec.ROLES})
"""Kinds whose value is not one scalar: a list, a record, or one role or a list of roles."""


@dataclass(frozen=True)
class IdUse:
    """An id written in a file, to be checked once every file has been read."""

    value: str
    kind: str  # "cause", "lesson" or "incident"
    where: str
    line: int
    column: int


def closest(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """The valid name a contributor most likely meant, or None."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def suggestion(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    near = closest(word, choices)
    return f"; did you mean `{near}`?" if near else ""


def one_of(choices: tuple[str, ...] | list[str]) -> str:
    quoted = [f"`{c}`" for c in choices]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


QUOTE_MAX = 80
"""Longest echo of a value in a message; a longer one is cut in the middle (see `echo`)."""


def quote(text: str, limit: int = QUOTE_MAX, at: int | None = None) -> str:
    """The contributor's value in backticks for a message, control characters escaped; a long
    one is cut in the middle, or around the mistake at index `at`, never so that it hides."""
    return f"`{echo(text, limit, at)}`"


class Converter:
    """Converts one file's nodes; collects problems and the ids it must check later."""

    def __init__(self, path: str, defaults: abc.Mapping[str, Value] | None = None) -> None:
        self.path = path
        self.defaults = defaults or {}
        """Values of top-level fields a file may leave out (the site's default `organization`)."""
        self.problems: list[Problem] = []
        self.id_uses: list[IdUse] = []

    def error(self, node: Node, where: str, message: str) -> Invalid:
        self.problems.append(Problem(self.path, node.line, node.column, f"{where}: {message}" if where else message))
        return INVALID

    # records -----------------------------------------------------------------

    def record(self, node: Node, record: spec.Record, where: str, *, partial: bool = False) -> Values | Invalid:
        """The record's values; INVALID when a required field is missing, unless `partial`
        (the top of a file, whose other fields still deserve their checks)."""
        if not isinstance(node, Mapping):
            return self.error(
                node, where or record.name, f"expected a mapping of fields ({record.name}), found {kind_name(node)}"
            )
        values: Values = {}
        prefix = f"{where}." if where else ""
        for key, value in node.entries:
            f = record.field(key.text)
            if f is None:
                if key.text == spec.INTERNAL.name and any(record is part for part in _INCIDENT_PARTS):
                    self.error(key, prefix + key.text, _not_internal(record))
                    continue
                hint = suggestion(key.text, record.names)
                self.error(
                    key, prefix + key.text, f"unknown field in {record.name}{hint or f'; known fields: {one_of(record.names)}'}"
                )
                continue
            converted = self.value(value, f, prefix + f.name)
            if converted is not None and not isinstance(converted, Invalid):
                values[f.name] = converted
        complete = True
        for f in record.fields:
            excused = f.unless is not None and values.get(f.unless) is True
            if excused and node.get(f.name) is not None:
                flag = node.get(f.unless or "")
                given = next(key for key, _ in node.entries if key.text == f.name)
                assert flag is not None
                self.error(
                    flag,
                    prefix + (f.unless or ""),
                    f"`{f.unless}: true`, but `{f.name}` is given (line {given.line}); "
                    f"remove `{f.unless}: true` now that the {f.name} are known",
                )
            elif f.required and f.name not in values and not where and f.name in self.defaults and node.get(f.name) is None:
                values[f.name] = self.defaults[f.name]
            elif f.required and f.name not in values and not excused:
                # missing, empty, or failed its check: a failed value (never an empty one) was reported already
                complete = False
                present = node.get(f.name)
                instead = f"; while the {f.name} are not known yet, write `{f.unless}: true` instead" if f.unless else ""
                if present is None:
                    self.error(node, where or record.name, f"missing required field `{f.name}` ({f.doc}){instead}")
                elif isinstance(present, Scalar) and present.is_null:
                    self.error(present, prefix + f.name, f"is empty; it is required ({f.doc}){instead}")
        return values if complete or partial else INVALID

    # values ------------------------------------------------------------------

    def value(self, node: Node, f: spec.Field, where: str) -> Value | Invalid | None:
        """The converted value, None for an empty optional value, or INVALID."""
        kind = f.kind
        if type(node) is Scalar:  # the common case first; Scalar has no subclasses
            if kind != spec.ROLES and node.plain and node.text in NULL_WORDS:
                return None
            if kind not in _COMPOUND_KINDS:
                return self.scalar(node, f, where)
        elif f.longhand is not None and isinstance(node, Mapping):
            return self.record(node, f.longhand, where)
        elif kind not in _COMPOUND_KINDS:
            return self.error(node, where, f"expected {_expected(f)}, found {kind_name(node)}")
        if kind == spec.LIST:
            return self.list(node, f, where)
        if kind == spec.RECORD:
            assert f.record is not None
            return self.record(node, f.record, where)
        return self.roles(node, f, where)

    def list(self, node: Node, f: spec.Field, where: str) -> Items | Invalid:
        """The items in file order; an item that failed its check stays as INVALID so that
        later checks can still name items by their index."""
        assert f.item is not None
        if not isinstance(node, Sequence):
            if f.item.kind == spec.RECORD:
                return self.error(node, where, f"expected a list of entries, each starting with `- `, found {kind_name(node)}")
            written = _as_flow_list(node)
            if written:
                return self.error(node, where, f"expected a list, found text; write `{where.rsplit('.', 1)[-1]}: {written}`")
            return self.error(node, where, f"expected a list ([a, b]), found {kind_name(node)}")
        items: Items = []
        for index, item in enumerate(node.items):
            converted = self.value(item, f.item, f"{where}[{index}]")
            if converted is None:
                converted = self.error(item, f"{where}[{index}]", "empty list item; remove it or fill it in")
            items.append(converted)
        if len(node.items) < f.min_items:
            return self.error(node, where, f"needs at least {f.min_items} item{'s' if f.min_items > 1 else ''}")
        return items

    def roles(self, node: Node, f: spec.Field, where: str) -> Roles | Invalid:
        nodes = node.items if isinstance(node, Sequence) else [node]
        written = _as_flow_list(node) if isinstance(node, Scalar) and "," in node.text else None
        if written is not None:
            assert isinstance(node, Scalar)
            return self.error(
                node, where, f"{quote(node.text.strip())} is one text, not a list; for several roles write `role: {written}`"
            )
        roles: Roles = []
        for index, item in enumerate(nodes):
            label = f"{where}[{index}]" if isinstance(node, Sequence) else where
            if not isinstance(item, Scalar) or item.is_null:
                self.error(item, label, f"expected a role ({one_of(f.choices)}), found {kind_name(item)}")
                continue
            role = self.enum(item, f, label)
            if not isinstance(role, Invalid) and role not in roles:
                roles.append(role)
        if not nodes:
            return self.error(node, where, f"empty list; give at least one of {one_of(f.choices)}")
        return roles

    def scalar(self, node: Scalar, f: spec.Field, where: str) -> str | bool | datetime | date | Invalid:
        kind = f.kind
        if kind == spec.MARKDOWN:
            text = self.markdown(node, where)
            if f.required and not isinstance(text, Invalid) and not text.strip():
                return self.error(node, where, f"is empty; it is required ({f.doc})")
            return text
        if kind == spec.ENUM:
            return self.enum(node, f, where)
        if kind == spec.TIMESTAMP:
            return self.timestamp(node, where)
        if kind == spec.DATE:
            return self.date(node, where)
        if kind == spec.BOOL:
            return self.boolean(node, where)
        text = self.line(node, f, where)
        if isinstance(text, Invalid):
            return text
        if kind == spec.URL:
            return self.url(node, text, where)
        if kind == spec.ID:
            if f.refers:
                self.id_uses.append(IdUse(text, f.refers, where, node.line, node.column))
            elif not ID_RE.match(text) or not spec.ID_MIN <= len(text) <= spec.ID_MAX:
                return self.error(node, where, f"{quote(text)} is not a valid id ({ID_RULE})")
        return text

    def line(self, node: Scalar, f: spec.Field, where: str) -> str | Invalid:
        text = node.text.strip()
        if not text:
            return self.error(node, where, f"is empty; it is required ({f.doc})" if f.required else _empty(where))
        if node.comment and f.kind == spec.LINE:
            return self.comment(node, where)
        if "\n" in text or "\r" in text:
            return self.error(node, where, "must be one line; join the lines or move the text into a Markdown field")
        bad = _LINE_FORBIDDEN.search(text)
        if bad is not None:
            return self.error(node, where, f"control character U+{ord(bad.group()):04X} is not allowed in a one-line field")
        if len(text) > f.max_length:
            return self.error(node, where, f"is {len(text)} characters long; at most {f.max_length} are allowed")
        return text

    def comment(self, node: Scalar, where: str, *, block: bool = False) -> Invalid:
        """A plain one-line text whose line goes on with ` #…`: YAML reads that as a comment,
        and the text would lose it without a word. `block`: Markdown, which may also be
        written as a block (`|`), where `#` is text."""
        found = comment_after(node)
        assert found is not None
        line, column, comment, fixed = found
        shown = f": {echo(fixed)}" if fixed else ""
        instead = (
            f"; put the whole value in quotes{shown}, or write it as a block: `|` in its place and the text "
            "on the lines below, indented"
            if block
            else f"; put the whole value in quotes, or remove the comment{shown}"
        )
        value = f"`{echo(node.text)}`" + ("" if line == node.line else ", its lines joined")
        return self.error(
            Node(line, column),
            where,
            f"the rest of the line, `{echo(comment)}`, is read as a YAML comment and would vanish (the value would be "
            f"{value}){instead}",
        )

    def markdown(self, node: Scalar, where: str) -> str | Invalid:
        if node.comment:
            return self.comment(node, where, block=True)
        text = node.text.strip("\n").rstrip()
        bad = _TEXT_FORBIDDEN.search(text)
        if bad is not None:
            return self.error(node, where, f"control character U+{ord(bad.group()):04X} is not allowed")
        return text

    def enum(self, node: Scalar, f: spec.Field, where: str) -> str | Invalid:
        text = node.text.strip()
        if text in f.choices:
            return text
        return self.error(node, where, f"{quote(text)} is not one of {one_of(f.choices)}{suggestion(text, f.choices)}")

    def boolean(self, node: Scalar, where: str) -> bool | Invalid:
        text = node.text.strip()
        if not node.plain:
            return self.error(node, where, f"expected `true` or `false` without quotes, found {quote(text)} in quotes")
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        hint = " (YAML 1.1 words like yes/no/on/off are not read as booleans here)" if text.lower() in _YAML11_BOOLS else ""
        return self.error(node, where, f"expected `true` or `false`, found {quote(text)}{hint}")

    def url(self, node: Scalar, text: str, where: str) -> str | Invalid:
        try:
            parts = urlsplit(text)
        except ValueError:
            return self.error(node, where, f"{quote(text)} is not a valid URL")
        if not parts.scheme and not text.startswith("/") and "." in text.split("/", 1)[0]:
            return self.error(node, where, f"{quote(text)} has no `https://` in front; write `https://{echo(text)}`")
        if parts.scheme.lower() not in ("http", "https"):
            return self.error(node, where, f"{quote(text)}: only `https://` and `http://` addresses are allowed")
        space = next((index for index, ch in enumerate(text) if ch.isspace()), None)
        if space is not None:
            return self.error(node, where, f"{quote(text, at=space)} has a space in it; write a space in an address as `%20`")
        if not parts.netloc:
            return self.error(node, where, f"{quote(text)} is not a valid URL: no host after `{parts.scheme}://`")
        return text

    def timestamp(self, node: Scalar, where: str) -> datetime | Invalid:
        text = node.text.strip()
        match = _TIMESTAMP_RE.match(text)
        if match is None:
            if _NO_OFFSET_RE.match(text):
                return self.error(
                    node, where, f"{quote(text)} has no UTC offset; add `Z` for UTC or the local offset such as `-08:00`"
                )
            if _DATE_RE.match(text):
                return self.error(
                    node,
                    where,
                    f"{quote(text)} is a date without a time; write a time and a UTC offset, "
                    f"such as `{text}T00:00:00Z`, and list the field in `approximate` if the time is unknown",
                )
            return self.error(
                node,
                where,
                f"{quote(text)} is not a timestamp; write it as `2024-12-11T15:16:00-08:00` (date, time and UTC offset or `Z`)",
            )
        year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
        if zulu:
            tz = UTC
        else:
            hours, minutes = int(off_h), int(off_m or 0)
            if minutes > 59:
                return self.error(node, where, f"{quote(text)}: the UTC offset's minutes are {off_m}; they must be 00 to 59")
            if hours > 14 or (hours == 14 and minutes):
                return self.error(node, where, f"{quote(text)}: UTC offset out of range (at most 14 hours from UTC)")
            delta = timedelta(hours=hours, minutes=minutes)
            tz = timezone(-delta if sign == "-" else delta)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        try:
            return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tzinfo=tz)
        except ValueError as error:
            return self.error(node, where, f"{quote(text)} is not a real date and time ({error})")

    def date(self, node: Scalar, where: str) -> date | Invalid:
        text = node.text.strip()
        match = _DATE_RE.match(text)
        if match is None:
            if not _NO_OFFSET_RE.match(text):
                return self.error(node, where, f"{quote(text)} is not a date; write it as `2025-03-31`")
            stamp = self.timestamp(node, where)
            return stamp if isinstance(stamp, Invalid) else stamp.date()
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError as error:
            return self.error(node, where, f"{quote(text)} is not a real date ({error})")


_FLOW_ITEM = re.compile(r"\w[^\[\]{}:#,'\"&*!|>%@`\\]*")
"""An item that reads back as itself inside `[...]` without quotes."""


def _as_flow_list(node: Node) -> str | None:
    """A plain one-line text written as the list it probably meant (`Web, API` -> `[Web, API]`),
    or None when its parts would need quotes."""
    if not isinstance(node, Scalar) or not node.plain or "\n" in node.text:
        return None
    parts = [part.strip() for part in node.text.split(",")]
    if not all(part and _FLOW_ITEM.fullmatch(part) for part in parts):
        return None
    return "[" + ", ".join(parts) + "]"


def _empty(where: str) -> str:
    """The message for an empty optional value: a list item or a field."""
    return f"is empty; fill it in, or remove the {'item' if where.endswith(']') else 'field'}"


_INCIDENT_PARTS = (spec.INCIDENT, spec.CAUSE_ENTRY, spec.LESSON_ENTRY, spec.RETROSPECTIVE, spec.SOURCE)
"""The records of an incident file that have no `internal` field of their own."""


def _not_internal(record: spec.Record) -> str:
    """Why `internal:` cannot be written here, and what keeps the text internal instead."""
    if record is spec.INCIDENT:
        return "an incident is kept off the public site with `visibility: internal`, not `internal: true`"
    return (
        f"a {record.name} cannot be kept internal on its own: only timeline entries, updates, actions, references "
        "and retrospective items can; write what must stay internal in `internal_notes`, or make the whole incident "
        "`visibility: internal`"
    )


def _expected(f: spec.Field) -> str:
    if f.longhand is not None:
        fields = one_of([g.name for g in f.longhand.fields]).replace(" or ", " and ")
        return f"text (Markdown), or a {f.longhand.name} with {fields}"
    if f.kind == spec.ENUM:
        return f"one of {one_of(f.choices)}"
    if f.kind == spec.ID and f.refers == "severity":
        return "a severity level (one word, such as `major`)"
    if f.kind == spec.ID and f.refers:
        return f"{'an' if f.refers[0] in 'aeiou' else 'a'} {f.refers} id"
    return {
        spec.LINE: "one line of text",
        spec.MARKDOWN: "text (Markdown)",
        spec.TIMESTAMP: "a timestamp such as `2024-12-11T15:16:00-08:00`",
        spec.DATE: "a date such as `2025-03-31`",
        spec.BOOL: "`true` or `false`",
        spec.URL: "an `https://` address",
        spec.ID: "an id",
    }.get(f.kind, f.kind)
