"""`--update`: bring what a source gained since the last import into a file that import
wrote, by editing its text, so that a person's edits, comments and layout all survive.

Only two kinds of change are made: update entries the source posted after the last import
are appended to `updates`, and a `mitigated` or `resolved` time the file lacks is added
beside the other times. No value in the file is ever changed; the one line rewritten is
the import's own comment that records the source's version.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..convert import Converter, Invalid
from ..yamlread import Mapping, Node, Scalar, Sequence, parse_text
from . import emit
from .record import Record, RecordError
from .times import api_stamp, write_stamp

_TIMES = ("started", "detected", "mitigated", "resolved")
_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_ANCHORS = {"mitigated": ("detected", "started"), "resolved": ("mitigated", "detected", "started")}
"""Where an added time goes: after the first of these the file has."""

Add = Callable[[int, list[str]], None]
"""Queues lines to insert after a line number (1-based; 0 is the top of the file)."""


@dataclass(slots=True)
class Edit:
    text: str
    changes: list[str] = field(default_factory=list)
    """What was added, for the command's output (`2 updates`, `resolved`)."""
    notes: list[str] = field(default_factory=list)
    """What the source gained but was not added, and why."""


def _stamp(node: Node | None) -> datetime | None:
    if not isinstance(node, Scalar) or node.is_null:
        return None
    value = Converter("").timestamp(node, "")
    return None if isinstance(value, Invalid) else value


def plan(path: str, text: str, record: Record) -> Edit:
    """The file's new text (the same text when the source gained nothing); RecordError when
    the file cannot be edited safely."""
    if _nothing_new(text, record):
        return Edit(text)
    if _ODD_BREAKS.search(text):
        raise RecordError(f"{path}: uses line breaks other than \\n or \\r\\n; cannot edit it in place")
    root, problems = parse_text(path, text)
    if root is None:
        raise RecordError(f"{path}: cannot read it to update it: {problems[0].format() if problems else 'unreadable'}")
    if any(key.column != 1 for key, _ in root.entries):
        raise RecordError(f"{path}: its top level is not a block mapping; cannot edit it in place")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split("\n")
    if lines and lines[-1] in ("", "\r"):
        lines.pop()
    edit = Edit(text)
    inserts: dict[int, list[str]] = {}  # after line number (1-based; 0 = before the first) -> new lines

    def add(after: int, new: list[str]) -> None:
        """Lines to insert after line `after`, in the order they are queued."""
        inserts.setdefault(after, []).extend(new)

    version_match = emit.VERSION_RE.search(text)
    watermark = _version(version_match.group(1)) if version_match else None
    _times(root, record, edit, add)
    _updates(root, record, watermark, lines, edit, add)
    if not edit.changes:
        return edit
    if record.version is not None and (watermark is None or record.version > watermark):
        comment = emit.VERSION_COMMENT.format(version=write_stamp(record.version))
        if version_match:
            number = text.count("\n", 0, version_match.start())
            lines[number] = comment + ("\r" if lines[number].endswith("\r") else "")
        else:
            add(root.entries[0][0].line - 1, [comment])
    carriage = "\r" if newline == "\r\n" else ""
    for after in sorted(inserts, reverse=True):
        lines[after:after] = [line + carriage for line in inserts[after]]
    edit.text = "\n".join(lines) + "\n"
    _check(path, edit.text, root, record, edit)
    return edit


def _nothing_new(text: str, record: Record) -> bool:
    """Whether the file already has the source's version and both times: then it is not
    parsed at all, which keeps `--update` over a large history fast."""
    match = emit.VERSION_RE.search(text)
    watermark = _version(match.group(1)) if match else None
    if watermark is None or record.version is None or record.version.replace(microsecond=0) > watermark:
        return False
    return all(getattr(record, name) is None or re.search(f"^{name}:", text, re.MULTILINE) for name in ("mitigated", "resolved"))


def _version(text: str) -> datetime | None:
    try:
        return api_stamp(text, "version")
    except RecordError:
        return None


def _times(root: Mapping, record: Record, edit: Edit, add: Add) -> None:
    """`mitigated` and `resolved` from the source, where the file has no such key."""
    have = {name: _stamp(root.get(name)) for name in _TIMES}
    keys = {key.text: key for key, _ in root.entries}
    anchors: dict[str, str] = {}
    for name in ("mitigated", "resolved"):
        value = getattr(record, name)
        if value is None:
            continue
        if name in keys:
            if have[name] is None:
                edit.notes.append(f"{name}: the file has the key without a time; fill in {write_stamp(value)} by hand")
            continue
        started, mitigated, resolved = have["started"], have["mitigated"], have["resolved"]
        if started is not None and value < started:
            edit.notes.append(f"{name}: {write_stamp(value)} is before this file's started; not added")
            continue
        if name == "mitigated" and resolved is not None and value > resolved:
            edit.notes.append(f"mitigated: {write_stamp(value)} is after this file's resolved; not added")
            continue
        if name == "resolved" and mitigated is not None and value < mitigated:
            edit.notes.append(f"resolved: {write_stamp(value)} is before this file's mitigated; not added")
            continue
        anchor = anchors.get("mitigated") if name == "resolved" and "mitigated" in anchors else None
        anchor = anchor or next((n for n in _ANCHORS[name] if n in keys and _one_line_value(root, n)), None)
        if anchor is None:
            edit.notes.append(f"{name}: the file has no one-line `started` to put it beside; add {write_stamp(value)} by hand")
            continue
        anchors[name] = anchor
        have[name] = value
        note = record.notes.get(name)
        add(keys[anchor].line, [f"{name}: {write_stamp(value)}" + (f"  # {note}" if note else "")])
        edit.changes.append(name)


def _one_line_value(root: Mapping, key: str) -> bool:
    for k, v in root.entries:
        if k.text == key:
            return isinstance(v, Scalar) and v.line == k.line
    return False


def _updates(root: Mapping, record: Record, watermark: datetime | None, lines: list[str], edit: Edit, add: Add) -> None:
    """Updates the source posted after the last import, at a time no update in the file has."""
    node = root.get("updates")
    file_times: set[datetime] = set()
    if isinstance(node, Sequence):
        for item in node.items:
            if isinstance(item, Mapping):
                at = _stamp(item.get("at"))
                if at is not None:
                    file_times.add(at)
    new = [
        u
        for u in record.updates
        if u.at.replace(microsecond=0) not in file_times
        and (watermark is None or (u.posted if u.posted is not None else u.at).replace(microsecond=0) > watermark)
    ]
    if not new:
        return
    keys = [key for key, _ in root.entries]
    if node is None and "updates" not in {k.text for k in keys}:
        before = next((k for k in keys if k.text in ("references", "tags", "source")), None)
        at_line = _above_comments(lines, before.line) if before is not None else len(lines)
        entries = ["updates:"]
        for update in new:
            entries += emit.update_entry(update)
        add(at_line, entries)
    elif isinstance(node, Sequence) and node.items and _block_sequence(lines, node):
        indent = " " * (node.column - 1)
        following = [k.line for k in keys if k.line > node.line]
        end = _last_content_line(lines, node.items[-1].line, min(following) if following else len(lines) + 1)
        entries = []
        for update in new:
            entries += emit.update_entry(update, indent)
        add(end, entries)
    else:
        edit.notes.append(f"updates: not a block list in the file; {len(new)} new update(s) not added")
        return
    edit.changes.append(f"{len(new)} update{'s' if len(new) != 1 else ''}")


def _block_sequence(lines: list[str], node: Sequence) -> bool:
    line = lines[node.line - 1] if node.line - 1 < len(lines) else ""
    return line[node.column - 1 : node.column] == "-"


def _above_comments(lines: list[str], line: int) -> int:
    """The line after which to insert something placed before top-level key `line`, above
    the comments that introduce that key."""
    after = line - 1
    while after > 0 and lines[after - 1].startswith("#"):
        after -= 1
    return after


def _last_content_line(lines: list[str], start: int, stop: int) -> int:
    """The last line of a list item that starts on `start`, before the next top-level key
    on `stop`: trailing blank lines and top-level comments belong to what follows."""
    end = stop - 1
    while end > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return end


def _check(path: str, text: str, before: Mapping, record: Record, edit: Edit) -> None:
    """The edited text must read back with the same keys plus what was added."""
    root, problems = parse_text(path, text)
    if root is None:
        raise RecordError(
            f"{path}: the edit would not read back ({problems[0].message if problems else '?'}); add the new facts by hand"
        )
    old = {k.text for k, _ in before.entries}
    new = {k.text for k, _ in root.entries}
    expected = (
        old
        | {c for c in edit.changes if c in ("mitigated", "resolved")}
        | ({"updates"} if "updates" not in old and any("update" in c for c in edit.changes) else set())
    )
    if new != expected:
        raise RecordError(f"{path}: the edit would change other fields ({sorted(new ^ expected)}); add the new facts by hand")
    for name in ("mitigated", "resolved"):
        if name in edit.changes and _stamp(root.get(name)) != getattr(record, name).replace(microsecond=0):
            raise RecordError(f"{path}: the edit would not read back `{name}`; add it by hand")
