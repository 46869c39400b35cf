"""One `outagekb import`: read the sources, turn each incident into a record, then write a
file for each new one, skip (or, with `--update`, update) the ones imported before, and
report every problem by source and record without stopping the others.

Ids are `<date>-<org>-<slug>` and do not depend on the order of the input; a clash with a
file that holds another incident gets a suffix made from the source's own id. A file that
exists is never overwritten: new files are created with mode "x", and `--update` edits only
files whose `source` names the same incident.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, TextIO

from .. import scaffold
from ..model import Catalog
from ..spec import ID_MAX
from ..yamlread import MAX_BYTES
from . import emit, existing, fetch, gcp, jsonread, sheet, statuspage, update
from .hints import CauseHints
from .record import Record, RecordError, SourceError, on_scale
from .text import one_line


@dataclass(frozen=True, slots=True)
class Options:
    kind: str
    sources: list[str]
    into: str
    catalog: Catalog
    organization: str | None = None
    update: bool = False
    dry_run: bool = False
    quiet: bool = False
    sheet_options: sheet.SheetOptions = field(default_factory=sheet.SheetOptions)


@dataclass(slots=True)
class Tally:
    read: int = 0
    written: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    maintenance: int = 0
    problems: int = 0


class Report:
    """The command's output: one line per file on `out`, problems and the summary on `err`."""

    def __init__(self, options: Options, found: existing.Existing, out: TextIO, err: TextIO) -> None:
        self.options = options
        self.found = found
        self.out = out
        self.err = err
        self.tally = Tally()
        self.skipped: set[tuple[str, str]] = set()

    def already(self, kind: str, source_id: str) -> bool:
        """Whether an earlier import wrote this incident and there is nothing to do (no
        `--update`); says so once. Checked before a record is converted, so that running the
        same import again costs little more than reading the sources."""
        path = self.found.by_source.get((kind, source_id))
        if path is None or self.options.update:
            return False
        if (kind, source_id) not in self.skipped:
            self.skipped.add((kind, source_id))
            self.tally.skipped += 1
            self.line("skipped", _shown(path), f"already imported from {kind} {source_id}; --update brings in what is new")
        return True

    def line(self, verb: str, what: str, detail: str) -> None:
        """`wrote         incidents/x.yaml  (statuspage abc)`; `what` is a file or a record."""
        if not self.options.quiet:
            print(f"{verb:<12} {what}  ({detail})", file=self.out)

    def problem(self, where: str, message: str) -> None:
        self.tally.problems += 1
        print(f"{where}: error: {message}", file=self.err)

    def warning(self, where: str, message: str) -> None:
        print(f"{where}: warning: {message}", file=self.err)


def run(options: Options, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Import every source; 0 when every record was imported or skipped, 1 when any had a problem."""
    began = time.perf_counter()
    found = existing.scan(options.into)
    report = Report(options, found, out or sys.stdout, err or sys.stderr)
    for path, why in found.unreadable:
        report.warning(path, f"cannot read its `source` ({why}); the incident it holds may be imported again")
    records = _dedupe(list(_records(options, report)))
    hints = CauseHints(options.catalog)
    fresh: list[Record] = []
    for record in records:
        done = found.by_source.get((record.kind, record.source_id))
        if done is None:
            fresh.append(record)
        elif options.update:
            _update(done, record, report)
        else:
            report.already(record.kind, record.source_id)
    fresh.sort(key=lambda r: (r.started.astimezone(UTC), r.kind, r.source_id))
    if fresh and not options.dry_run:
        os.makedirs(options.into, exist_ok=True)
    for record in fresh:
        _write(record, found.taken, hints, report)
    _summary(report, time.perf_counter() - began)
    return 1 if report.tally.problems else 0


def _records(options: Options, report: Report) -> Iterator[Record]:
    for source in options.sources:
        inputs = fetch.expand(source)
        if not inputs:
            report.problem(source, "the folder holds no .json file")
        for where in inputs:
            try:
                data = fetch.read(where)
                if options.kind == "csv":
                    yield from _sheet_records(data, where, options, report)
                else:
                    yield from _json_records(jsonread.parse(data, where), where, options, report)
            except SourceError as error:
                report.problem(where, str(error).removeprefix(f"{where}: "))


def _json_records(document: Any, where: str, options: Options, report: Report) -> Iterator[Record]:
    if options.kind == "statuspage":
        page, items = statuspage.incidents(document, where)
        for position, data in items:
            report.tally.read += 1
            label = f"{where}: {statuspage.label_of(position, data)}"
            if report.already("statuspage", _quick_id(data)):
                continue
            if statuspage.is_maintenance(data):
                report.tally.maintenance += 1
                report.line("skipped", label, "a scheduled maintenance, not an outage")
                continue
            try:
                yield statuspage.convert(data, page, label, options.organization)
            except RecordError as error:
                report.problem(label, str(error))
    else:
        for position, data in gcp.incidents(document, where):
            report.tally.read += 1
            label = f"{where}: {gcp.label_of(position, data)}"
            if report.already("gcp", _quick_id(data)):
                continue
            try:
                yield gcp.convert(data, label, options.organization)
            except RecordError as error:
                report.problem(label, str(error))


def _quick_id(data: Any) -> str:
    """The source id a record will have, read before converting it ("" when it has none)."""
    code = data.get("id") if isinstance(data, dict) else None
    return one_line(str(code)) if isinstance(code, (str, int)) and not isinstance(code, bool) else ""


def _sheet_records(data: bytes, where: str, options: Options, report: Report) -> Iterator[Record]:
    parsed = sheet.read(data, where, options.sheet_options)
    if parsed.unused and not options.quiet:
        unused = ", ".join(parsed.unused)
        report.warning(where, f"columns not imported: {unused} (map one with --column FIELD=HEADER)")
    reader = sheet.RowReader(parsed, options.catalog, options.sheet_options, options.organization)
    for line, cells in reader.rows():
        report.tally.read += 1
        label = f"{where}:{line}: {reader.label(line, cells)}"
        try:
            yield reader.convert(line, cells, label)
        except RecordError as error:
            report.problem(label, str(error))


def _dedupe(records: list[Record]) -> list[Record]:
    """One record per source incident: the newest version when sources overlap (a list
    response and a single-incident file of the same incident)."""
    kept: dict[tuple[str, str], Record] = {}
    for record in records:
        key = (record.kind, record.source_id)
        if key not in kept or _newer(record, kept[key]):
            kept[key] = record
    return list(kept.values())


def _newer(record: Record, than: Record) -> bool:
    return record.version is not None and (than.version is None or record.version > than.version)


def _new_id(record: Record, taken: set[str]) -> str:
    """`<date>-<org>-<slug>`, or with the source's id as a suffix when another file has it."""
    base = scaffold.incident_id(record.started.date(), record.organization, record.title)
    if base not in taken:
        return base
    suffix = scaffold.slug(record.source_id, 30) or "import"
    candidate = f"{base[: ID_MAX - len(suffix) - 1].rstrip('-')}-{suffix}"
    number = 2
    while candidate in taken:
        tail = f"{suffix}-{number}"
        candidate = f"{base[: ID_MAX - len(tail) - 1].rstrip('-')}-{tail}"
        number += 1
    return candidate


def _write(record: Record, taken: set[str], hints: CauseHints, report: Report) -> None:
    options = report.options
    incident_id = _new_id(record, taken)
    hint = hints.comment([record.title, record.summary, *(u.text for u in record.updates)]) if record.causes is None else None
    record.severity = on_scale(record.severity, options.catalog)
    text = emit.incident_text(record, f"outagekb import {record.kind}", hint)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        report.problem(
            record.label,
            f"the incident file would be {size:,} bytes, over the 1 MiB an incident file may have; nothing written "
            "(an update or postmortem of this size is not a status message: shorten it at the source)",
        )
        return
    taken.add(incident_id)
    path = os.path.join(options.into, f"{incident_id}.yaml")
    detail = f"{record.kind} {record.source_id}"
    if options.dry_run:
        report.tally.written += 1
        report.line("would write", _shown(path), detail)
        return
    try:
        scaffold.write_new(path, text)
    except FileExistsError:
        report.problem(path, "appeared while importing; not overwritten")
        return
    except OSError as error:
        report.problem(path, f"cannot write: {error.strerror or error}")
        return
    report.tally.written += 1
    report.line("wrote", _shown(path), detail)


def _update(path: str, record: Record, report: Report) -> None:
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        report.problem(path, f"cannot read it to update it: {error}")
        return
    try:
        edit = update.plan(path, text, record)
    except RecordError as error:
        report.problem(record.label, str(error))
        return
    for note in edit.notes:
        report.warning(path, note)
    if not edit.changes:
        report.tally.unchanged += 1
        report.line("unchanged", _shown(path), "nothing new at the source")
        return
    if len(edit.text.encode("utf-8")) > MAX_BYTES:
        report.problem(path, "the updated file would be over 1 MiB; not changed")
        return
    detail = "+" + ", ".join(edit.changes)
    if report.options.dry_run:
        report.tally.updated += 1
        report.line("would update", _shown(path), detail)
        return
    try:
        _replace(path, data, edit.text)
    except OSError as error:
        report.problem(path, f"cannot write: {error.strerror or error}")
        return
    report.tally.updated += 1
    report.line("updated", _shown(path), detail)


def _replace(path: str, before: bytes, text: str) -> None:
    """Write `text` over `path` in one step, unless the file changed since it was read."""
    with open(path, "rb") as stream:
        if stream.read(MAX_BYTES + 1) != before:
            raise OSError(f"{path} changed while importing; not overwritten")
    temporary = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.import-tmp")
    with open(temporary, "w", encoding="utf-8", newline="") as stream:
        stream.write(text)
    os.replace(temporary, path)


def _shown(path: str) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _summary(report: Report, elapsed: float) -> None:
    t = report.tally
    would = "would be " if report.options.dry_run else ""
    parts = [f"{t.read:,} incident{'s' if t.read != 1 else ''} read", f"{t.written:,} {would}written"]
    if report.options.update:
        parts.append(f"{t.updated:,} {would}updated, {t.unchanged:,} unchanged")
    else:
        parts.append(f"{t.skipped:,} already imported")
    if t.maintenance:
        parts.append(f"{t.maintenance:,} maintenance skipped")
    parts.append(f"{t.problems:,} problem{'s' if t.problems != 1 else ''}")
    suffix = " (dry run: nothing was written)" if report.options.dry_run else ""
    print(f"outagekb import: {', '.join(parts)} in {elapsed:.2f} s{suffix}", file=report.err)
