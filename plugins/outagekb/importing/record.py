"""What one incident from any source becomes before it is written: the facts the source
states, each with a note of where it came from, and nothing guessed.

Sources raise `RecordError` for a record that cannot become an incident, and
`SourceError` for an input that cannot be read at all; `run` turns both into messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..model import SEVERITIES, Catalog


class RecordError(Exception):
    """One record of a source cannot become an incident; the message names the field."""


class SourceError(Exception):
    """A source (file, folder, URL) cannot be read or has the wrong shape as a whole."""


class UsageError(Exception):
    """An option that does not fit the input (`--column` naming a header the sheet lacks)."""


@dataclass(frozen=True, slots=True)
class Update:
    """A public update: its time, our status word, its text, and when the source posted it."""

    at: datetime
    status: str
    text: str
    posted: datetime | None = None
    """When the source posted it, which can differ from `at` (a back-dated update);
    `--update` adds only updates posted after the previous import."""
    note: str = ""
    """A comment written above the entry (an unknown status word, an empty text)."""


@dataclass(frozen=True, slots=True)
class Reference:
    title: str
    url: str
    kind: str


@dataclass(slots=True)
class Record:
    """One incident as the source gives it, in the format's terms."""

    kind: str
    source_id: str
    label: str
    """How messages name the record: `incidents[3] (id "x0ljvc9m1wxj")`, `row 7 (id INC-12)`."""
    title: str
    organization: str
    services: list[str]
    severity: str
    started: datetime
    summary: str
    source_url: str | None = None
    detected: datetime | None = None
    mitigated: datetime | None = None
    resolved: datetime | None = None
    approximate: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    upstream: list[str] = field(default_factory=list)
    impact: str = ""
    causes: list[str] | None = None
    """Cause ids the source itself gives (a spreadsheet's causes column); None: unclassified."""
    lessons: list[str] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    version: datetime | None = None
    """The source's own last-change time of the incident (`updated_at`, `modified`)."""
    notes: dict[str, str] = field(default_factory=dict)
    """A comment per field, saying where its value came from (`started`: `started_at`)."""
    header: list[str] = field(default_factory=list)
    """Comment lines for the top of the file (what the source did not give, and why)."""


def on_scale(level: str, catalog: Catalog) -> str:
    """A source's level in the default terms (`critical`, `major`, `minor`), put on the
    knowledge base's own scale by place: the most severe level for `critical`, the next for
    `major`, the one after for `minor` (the last level when the scale is shorter). A level
    of the scale itself stays as it is."""
    scale = catalog.severity_ids
    if level in scale or level not in SEVERITIES:
        return level
    return scale[min(SEVERITIES.index(level), len(scale) - 1)]
