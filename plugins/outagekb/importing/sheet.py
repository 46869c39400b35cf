"""A spreadsheet export (CSV), one row per incident, columns found by their headers.

Headers are compared without case, punctuation or a parenthesised note (`Start time (UTC)`
is `start time`); `COLUMNS` lists the names each field answers to, `--column FIELD=HEADER`
names others. A causes or lessons column holds the team's own classification as catalog
ids, so it becomes data; every other cause stays unclassified.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..convert import suggestion
from ..model import Catalog
from .record import Record, RecordError, Reference, SourceError, UsageError
from .text import one_line, prose
from .times import SheetClock, write_stamp

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "incident id", "key", "incident key", "ref", "reference", "number", "incident number", "no"),
    "title": ("title", "name", "incident", "incident title", "incident name", "subject", "headline"),
    "organization": ("organization", "organisation", "org", "company", "provider", "vendor"),
    "services": (
        "services",
        "service",
        "affected services",
        "components",
        "component",
        "products",
        "product",
        "systems",
        "system",
    ),
    "severity": ("severity", "sev", "priority", "level", "impact level"),
    "started": (
        "started",
        "started at",
        "start",
        "start time",
        "start date",
        "began",
        "begin",
        "incident start",
        "opened",
        "date",
    ),
    "detected": ("detected", "detected at", "detection", "detection time"),
    "mitigated": ("mitigated", "mitigated at", "mitigation", "mitigation time"),
    "resolved": ("resolved", "resolved at", "resolution time", "end", "ended", "end time", "end date", "closed", "finished"),
    "regions": ("regions", "region", "locations", "location"),
    "upstream": ("upstream", "upstreams"),
    "summary": ("summary", "description", "details", "what happened", "notes"),
    "impact": ("impact", "customer impact", "user impact"),
    "causes": ("causes", "cause", "cause ids", "cause id"),
    "lessons": ("lessons", "lesson", "lesson ids", "lesson id"),
    "tags": ("tags", "tag", "labels", "keywords"),
    "url": ("url", "link", "incident url", "incident link"),
    "postmortem": ("postmortem", "post mortem", "postmortem url", "postmortem link"),
}
"""Each field and the header names it answers to, the most specific first."""


def _level(level: str, words: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), level)


SEVERITY: dict[str, str] = {
    **_level("critical", "critical crit sev0 sev1 s0 s1 p0 p1 0 1 highest blocker outage"),
    **_level("major", "major high sev2 s2 p2 2 severe"),
    **_level("minor", "minor medium moderate low lowest sev3 sev4 sev5 s3 s4 s5 p3 p4 p5 3 4 5"),
}
"""A severity cell (compared without case, spaces or hyphens: `Sev-1` is `sev1`) -> ours;
`--severity WORD=LEVEL` adds to it or overrides it."""

_LIST_SPLIT = re.compile(r"[,;|\n]")
_ID_SPLIT = re.compile(r"[,;|\s]+")


def header_key(header: str) -> str:
    """`Start Time (UTC)` -> `start time`."""
    text = re.sub(r"\([^)]*\)", " ", header.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _severity_key(word: str) -> str:
    return re.sub(r"[\s_-]+", "", word.lower())


@dataclass(frozen=True, slots=True)
class SheetOptions:
    clock: SheetClock = field(default_factory=SheetClock)
    columns: Mapping[str, str] = field(default_factory=dict)
    """`--column FIELD=HEADER`; an empty HEADER leaves the field unmapped."""
    severities: Mapping[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    encoding: str = "utf-8"
    default_organization: str | None = None
    """The site's `organization` option: rows without an organization column take it."""


@dataclass(slots=True)
class Sheet:
    """A parsed sheet: which header each field reads, the rows, and the headers left unused."""

    mapping: dict[str, int]
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    """(line the row starts on, cells)."""
    unused: list[str]


def read(data: bytes, where: str, options: SheetOptions) -> Sheet:
    """The sheet's header and rows; SourceError when it is not a readable CSV with headers."""
    try:
        text = data.decode("utf-8-sig" if options.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else options.encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise SourceError(
            f"{where}: cannot decode as {options.encoding} ({error}); export as CSV UTF-8, or give --encoding cp1252"
        ) from None
    if "\x00" in text:
        raise SourceError(f"{where}: holds NUL bytes; is it a spreadsheet saved as .xlsx rather than exported as CSV?")
    first_line = text.split("\n", 1)[0]
    delimiter = options.delimiter or max((",", ";", "\t"), key=first_line.count)
    csv.field_size_limit(64 * 1024 * 1024)  # a huge cell is refused per row, by the file size limit
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, None)
        if not headers or not any(cell.strip() for cell in headers):
            raise SourceError(f"{where}: no header row; the first row must name the columns")
        rows: list[tuple[int, list[str]]] = []
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise SourceError(f"{where}:{reader.line_num}: not readable as CSV: {error}") from None
    mapping = _map_columns(headers, options.columns, where)
    used = set(mapping.values())
    unused = [h for i, h in enumerate(headers) if i not in used and h.strip()]
    return Sheet(mapping, headers, rows, unused)


def _map_columns(headers: list[str], chosen: Mapping[str, str], where: str) -> dict[str, int]:
    keys = [header_key(h) for h in headers]
    mapping: dict[str, int] = {}
    for name, header in chosen.items():
        if not header:
            continue
        wanted = header_key(header)
        matches = [i for i, h in enumerate(headers) if h == header] or [i for i, k in enumerate(keys) if k == wanted]
        if not matches:
            raise UsageError(f"--column {name}={header}: {where} has no such column (it has: {', '.join(headers)})")
        mapping[name] = matches[0]
    taken = set(mapping.values())
    for name, synonyms in COLUMNS.items():
        if name in mapping or name in chosen:
            continue
        for synonym in synonyms:
            index = next((i for i, k in enumerate(keys) if k == synonym and i not in taken), None)
            if index is not None:
                mapping[name] = index
                taken.add(index)
                break
    for required in ("title", "started"):
        if required not in mapping:
            names = ", ".join(COLUMNS[required][:4])
            raise SourceError(
                f"{where}: no column for `{required}` (looked for {names}, ...); name it with --column {required}=HEADER"
            )
    return mapping


class RowReader:
    """Turns rows into records with the sheet's mapping, the catalog and the options."""

    def __init__(self, sheet: Sheet, catalog: Catalog, options: SheetOptions, organization: str | None) -> None:
        self.sheet = sheet
        self.catalog = catalog
        self.options = options
        self.organization = organization
        # the knowledge base's own levels (ids and titles: `sev1`, `SEV-1`) win over the common words
        own = {_severity_key(text): level.id for level in catalog.severities for text in (level.id, level.title)}
        self.severities = {**SEVERITY, **own, **{_severity_key(k): v for k, v in options.severities.items()}}
        self.seen: dict[str, int] = {}

    def cell(self, cells: list[str], name: str) -> str:
        index = self.sheet.mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        return iter(self.sheet.rows)

    def label(self, line: int, cells: list[str]) -> str:
        key = self.cell(cells, "id")
        return f"row at line {line}" + (f" (id {one_line(key, 60)!r})" if key else "")

    def convert(self, line: int, cells: list[str], label: str) -> Record:
        notes: dict[str, str] = {}
        title_text = self.cell(cells, "title")
        if not title_text:
            raise RecordError(f"`{self._header('title')}` is empty; every incident needs a title")
        title = one_line(title_text)
        clock = self.options.clock
        started_text = self.cell(cells, "started")
        if not started_text:
            raise RecordError(f"`{self._header('started')}` is empty; every incident needs its start")
        started, started_day = clock.parse(started_text, self._header("started"))
        approximate = ["started"] if started_day else []
        stamps: dict[str, datetime | None] = {}
        for name in ("detected", "mitigated", "resolved"):
            text = self.cell(cells, name)
            if not text:
                stamps[name] = None
                continue
            value, day_only = clock.parse(text, self._header(name))
            stamps[name] = value
            if day_only:
                approximate.append(name)
        for name in ("mitigated", "resolved"):
            later = stamps[name]
            if later is not None and later < started:
                raise RecordError(f"`{self._header(name)}` ({write_stamp(later)}) is before the start ({write_stamp(started)})")
        mitigated, resolved = stamps["mitigated"], stamps["resolved"]
        if mitigated is not None and resolved is not None and resolved < mitigated:
            raise RecordError(
                f"`{self._header('resolved')}` ({write_stamp(resolved)}) is before mitigated ({write_stamp(mitigated)})"
            )
        if approximate:
            notes["approximate"] = "the sheet gives only a date; the time is midnight"

        key_text = self.cell(cells, "id")
        if "id" in self.sheet.mapping and not key_text:
            raise RecordError(f"`{self._header('id')}` is empty; the id is how a later import recognises the row")
        key = one_line(key_text) if key_text else one_line(f"{started_text} {title}", 120)
        if key in self.seen:
            raise RecordError(f"same id {key!r} as the row at line {self.seen[key]}; each row needs its own")
        self.seen[key] = line

        organization = self.organization or one_line(self.cell(cells, "organization")) or self.options.default_organization
        if not organization:
            raise RecordError("no organization: give --organization, or an organization column")
        services = _items(self.cell(cells, "services"))
        if not services:
            services = [organization]
            notes["services"] = "the sheet names no service; the organization stands in"
        severity_text = self.cell(cells, "severity")
        if not severity_text:
            raise RecordError(
                f"no severity (`{self._header('severity')}`); fill it in, or map another column with --column severity=HEADER"
            )
        severity = self.severities.get(_severity_key(severity_text))
        if severity is None:
            raise RecordError(
                f"`{self._header('severity')}`: {severity_text!r} is not a severity this import knows; "
                f"map it with --severity {severity_text.split()[0] if severity_text.split() else severity_text}="
                + "|".join(self.catalog.severity_ids)
            )
        if severity_text.lower() != severity:
            notes["severity"] = f"{one_line(severity_text, 40)!r} in the sheet"
        summary = prose(self.cell(cells, "summary"))
        if summary:
            notes["summary"] = f"the sheet's `{self._header('summary')}` column"
        else:
            summary = title
            notes["summary"] = "the sheet has no summary for this row; the title stands in, rewrite it"
        causes = self._ids(self.cell(cells, "causes"), self.catalog.causes, "cause", "causes")
        lessons = self._ids(self.cell(cells, "lessons"), self.catalog.lessons, "lesson", "lessons") or []
        if causes:
            notes["causes"] = "the sheet's own classification"
        references, url = self._references(cells)
        return Record(
            kind="csv",
            source_id=key,
            label=label,
            source_url=url,
            title=title,
            organization=organization,
            services=services,
            severity=severity,
            started=started,
            detected=stamps["detected"],
            mitigated=mitigated,
            resolved=resolved,
            approximate=approximate,
            regions=_items(self.cell(cells, "regions")),
            upstream=_items(self.cell(cells, "upstream")),
            summary=summary,
            impact=prose(self.cell(cells, "impact")),
            causes=causes or None,
            lessons=lessons,
            references=references,
            tags=_items(self.cell(cells, "tags")),
            notes=notes,
        )

    def _header(self, name: str) -> str:
        index = self.sheet.mapping.get(name)
        return self.sheet.headers[index].strip() if index is not None else name

    def _ids(self, text: str, known: Mapping[str, object], what: str, name: str) -> list[str] | None:
        if not text:
            return None
        ids = list(dict.fromkeys(part.lower() for part in _ID_SPLIT.split(text) if part))
        unknown = [i for i in ids if i not in known]
        if unknown:
            shown = "; ".join(f"{i!r}{suggestion(i, list(known))}" for i in unknown[:5])
            raise RecordError(
                f"`{self._header(name)}`: not {what} ids of the catalog: {shown} "
                f"(known: {', '.join(known)}; if the column is prose, leave it out with --column {name}=)"
            )
        return ids

    def _references(self, cells: list[str]) -> tuple[list[Reference], str | None]:
        references = []
        url = self.cell(cells, "url") or None
        for name, title, kind in (("url", "Incident record", "other"), ("postmortem", "Postmortem", "postmortem")):
            value = self.cell(cells, name)
            if not value:
                continue
            if not re.fullmatch(r"https?://[^\s/]+\S*", value) or len(value) > 200:
                raise RecordError(
                    f"`{self._header(name)}`: {one_line(value, 60)!r} is not an https:// or http:// address of at most 200 characters"
                )
            references.append(Reference(title, value, kind))
        return references, url


def _items(text: str) -> list[str]:
    return list(dict.fromkeys(one_line(part) for part in _LIST_SPLIT.split(text) if one_line(part)))
