"""A record as an incident file: fields in the order people write them, a comment beside
each value that says where it came from, and YAML the strict loader reads back exactly.

Scalars are plain only when plain YAML cannot misread them (never `null`, `~`, a
leading indicator, `: ` or ` #`); otherwise they are double-quoted with JSON escapes,
which YAML reads the same. Prose goes into literal blocks (`|`), so that a person can
edit it, unless a literal block could not hold it exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from .record import Record, Reference, Update
from .times import write_stamp

_PLAIN = re.compile(r"[A-Za-z0-9(][^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\"'`#|>{}\[\],&*!%@]*")
_FLOW_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/()+-]*(?<! )")
_NULLS = frozenset({"null", "~", ""})
_ESCAPE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_BLOCK_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")

VERSION_COMMENT = "# imported from the source as of {version}; `--update` adds only what the source posts after it"
VERSION_RE = re.compile(r"^# imported from the source as of (\S+);", re.MULTILINE)
"""The comment that records the source's own last-change time of the incident, so that
`--update` can tell a new update from one a person deleted."""


def scalar(value: str) -> str:
    """One line of text as a YAML scalar: plain when nothing can misread it, else double-quoted."""
    if (
        _PLAIN.fullmatch(value)
        and value.lower() not in _NULLS
        and not value.endswith((" ", ":"))
        and ": " not in value
        and " #" not in value
    ):
        return value
    return quoted(value)


def quoted(value: str) -> str:
    """A double-quoted YAML scalar (JSON's escapes are YAML's), with every character YAML
    would read as a line break or refuse escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def flow_list(values: Iterable[str]) -> str:
    """`[a, b]`; inside brackets more characters end a plain scalar (`,` `?` `:`), so
    anything beyond letters, digits, spaces and `._/()+-` is quoted."""
    return "[" + ", ".join(v if _FLOW_PLAIN.fullmatch(v) and v.lower() not in _NULLS else quoted(v) for v in values) + "]"


def prose(key: str, text: str, indent: str) -> list[str]:
    """`key: text` for Markdown: a plain scalar when one safe line, a literal block when it
    holds the text exactly, else a double-quoted scalar."""
    if "\n" not in text and len(text) <= 100 and scalar(text) == text:
        return [f"{indent}{key}: {text}"]
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if not _BLOCK_UNSAFE.search(text) and not first.startswith((" ", "\t")) and text == text.strip("\n").rstrip():
        body = [f"{indent}  {line}" if line else "" for line in lines]
        return [f"{indent}{key}: |", *body]
    return [f"{indent}{key}: {quoted(text)}"]


def _stamp_line(name: str, record: Record) -> list[str]:
    value = getattr(record, name)
    if value is None:
        return []
    note = record.notes.get(name)
    return [f"{name}: {write_stamp(value)}" + (f"  # {note}" if note else "")]


def update_entry(update: Update, indent: str = "  ") -> list[str]:
    lines = [f"{indent}# {update.note}"] if update.note else []
    lines.append(f"{indent}- at: {write_stamp(update.at)}")
    lines.append(f"{indent}  status: {update.status}")
    lines += prose("text", update.text, indent + "  ")
    return lines


def reference_entry(reference: Reference, indent: str = "  ") -> list[str]:
    return [
        f"{indent}- title: {scalar(reference.title)}",
        f"{indent}  url: {scalar(reference.url)}",
        f"{indent}  kind: {reference.kind}",
    ]


def incident_text(record: Record, command: str, hint: str | None) -> str:
    """The whole file for a record; `hint` is the likely-causes comment, if any."""
    lines = [
        f"# Imported by `{command}`; edit it like any incident file.",
        "# Keep the `source` block: it is how a later import recognises this file.",
    ]
    if record.version is not None:
        lines.append(VERSION_COMMENT.format(version=write_stamp(record.version)))
    lines += [f"# {line}" for line in record.header]
    lines.append(f"title: {scalar(record.title)}")
    lines.append(f"organization: {scalar(record.organization)}")
    lines.append(f"services: {flow_list(record.services)}" + _note(record, "services"))
    lines.append(f"severity: {record.severity}" + _note(record, "severity"))
    for name in ("started", "detected", "mitigated", "resolved"):
        lines += _stamp_line(name, record)
    if record.approximate:
        lines.append(f"approximate: {flow_list(record.approximate)}" + _note(record, "approximate"))
    if record.regions:
        lines.append(f"regions: {flow_list(record.regions)}" + _note(record, "regions"))
    if record.upstream:
        lines.append(f"upstream: {flow_list(record.upstream)}")
    if "summary" in record.notes:
        lines.append(f"# summary: {record.notes['summary']}")
    lines += prose("summary", record.summary, "")
    if record.impact:
        lines += prose("impact", record.impact, "")
    if record.causes is None:
        if hint:
            lines.append(hint)
        lines.append("unclassified: true  # write `causes:` (and remove this line) once they are known")
    else:
        lines.append("causes:" + _note(record, "causes"))
        lines += [f"  - cause: {cause_id}" for cause_id in record.causes]
    if record.lessons:
        lines.append("lessons:" + _note(record, "lessons"))
        lines += [f"  - lesson: {lesson_id}" for lesson_id in record.lessons]
    if record.updates:
        lines.append("updates:" + _note(record, "updates"))
        for update in record.updates:
            lines += update_entry(update)
    if record.references:
        lines.append("references:")
        for reference in record.references:
            lines += reference_entry(reference)
    if record.tags:
        lines.append(f"tags: {flow_list(record.tags)}")
    lines.append("source:")
    lines.append(f"  kind: {record.kind}")
    lines.append(f"  id: {scalar(record.source_id)}")
    if record.source_url:
        lines.append(f"  url: {scalar(record.source_url)}")
    return "\n".join(lines) + "\n"


def _note(record: Record, name: str) -> str:
    note = record.notes.get(name)
    return f"  # {note}" if note else ""
