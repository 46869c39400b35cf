"""The incident file format, field by field: one table that the loader checks against,
the JSON Schema is generated from and the format reference is written from.

Keeping the rules in data means the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from . import model

LINE = "line"  # one line of text: no line breaks or control characters
MARKDOWN = "markdown"  # contributor prose, rendered safely
ENUM = "enum"
TIMESTAMP = "timestamp"  # date and time with a UTC offset
DATE = "date"  # a date, or a timestamp whose date is taken
BOOL = "bool"
URL = "url"
ID = "id"  # an incident, cause or lesson id
ROLES = "roles"  # one role or a list of roles
LIST = "list"
RECORD = "record"

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MIN, ID_MAX = 3, 80
LINE_MAX = 200


@dataclass(frozen=True)
class Field:
    """One field of a record, with what it holds and what it means."""

    name: str
    kind: str
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    item: Field | None = None  # for LIST
    record: Record | None = None  # for RECORD, or LIST of RECORD
    min_items: int = 0
    max_length: int = LINE_MAX
    default: str | None = None
    refers: str | None = None  # for ID: "cause", "lesson" or "incident" it must name
    unless: str | None = None  # a required field left out (and only then) while this boolean field is true
    longhand: Record | None = None
    """For MARKDOWN: a record the value may be written as instead, to say more about it (a
    retrospective item as `text:` with `internal: true`)."""


@dataclass(frozen=True)
class Record:
    name: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def _list(name: str, item: Field, doc: str, *, required: bool = False, min_items: int = 0) -> Field:
    return Field(name, LIST, doc, required=required, item=item, min_items=min_items)


def _records(name: str, record: Record, doc: str, *, required: bool = False, min_items: int = 0) -> Field:
    return Field(name, LIST, doc, required=required, item=Field("item", RECORD, record.name, record=record), min_items=min_items)


VISIBILITIES = ("public", "internal")
"""Who may read an incident: `public`, on the public site too, or `internal`, only on the
internal one (see `audience.py`)."""

INTERNAL = Field("internal", BOOL, "`true`: only on the internal site, also when the incident is public", default="false")
"""The mark that keeps one entry of a public incident off the public site."""

CAUSE_ENTRY = Record(
    "cause entry",
    (
        Field("cause", ID, "the cause's id in the catalog", required=True, refers="cause"),
        Field(
            "role",
            ROLES,
            "`trigger`, `root` or `contributing`, or a list of them; at most one cause is the trigger",
            choices=model.ROLES,
            default="contributing",
        ),
        Field("detail", MARKDOWN, "how this cause showed up in this incident"),
    ),
)

LESSON_ENTRY = Record(
    "lesson entry",
    (
        Field("lesson", ID, "the lesson's id in the catalog", required=True, refers="lesson"),
        Field("detail", MARKDOWN, "what this incident taught about the lesson"),
    ),
)

TIMELINE_ENTRY = Record(
    "timeline entry",
    (
        Field("at", TIMESTAMP, "when it happened", required=True),
        Field("event", MARKDOWN, "what happened", required=True),
        Field("kind", ENUM, "what kind of step it was", choices=model.TIMELINE_KINDS, default="other"),
        Field("approximate", BOOL, "`true` when the time is only approximately known", default="false"),
        INTERNAL,
    ),
)

UPDATE_ENTRY = Record(
    "update entry",
    (
        Field("at", TIMESTAMP, "when it was published", required=True),
        Field("status", ENUM, "the status it announced", required=True, choices=model.UPDATE_STATUSES),
        Field("channel", LINE, "where it was published", default="status page"),
        Field("text", MARKDOWN, "what it said", required=True),
        INTERNAL,
    ),
)

ACTION_ENTRY = Record(
    "action entry",
    (
        Field("action", MARKDOWN, "the follow-up work", required=True),
        Field("lesson", ID, "the lesson it serves", refers="lesson"),
        Field(
            "status",
            ENUM,
            "`open` (not started), `in-progress`, `done`, or `wont-do` (decided against)",
            choices=model.ACTION_STATUSES,
            default="open",
        ),
        Field("owner", LINE, "who owns it"),
        Field("due", DATE, "when it is due (a date)"),
        Field("ticket", URL, "the ticket that tracks it, such as `https://jira.example.com/browse/OPS-123`"),
        INTERNAL,
    ),
)

REFERENCE_ENTRY = Record(
    "reference",
    (
        Field("title", LINE, "what the source is", required=True),
        Field("url", URL, "`https://` or `http://` address", required=True),
        Field("kind", ENUM, "what kind of source", choices=model.REFERENCE_KINDS),
        Field("archived", URL, "a copy in a web archive, for the day the original moves"),
        INTERNAL,
    ),
)

SOURCE = Record(
    "source",
    (
        Field("kind", ENUM, "what it was imported from", required=True, choices=model.SOURCE_KINDS),
        Field("id", LINE, "the source's own id of the incident, or a spreadsheet's row key", required=True),
        Field("url", URL, "the incident's page at the source"),
    ),
)

RETROSPECTIVE_ITEM = Record(
    "retrospective item",
    (
        Field("text", MARKDOWN, "the point", required=True),
        INTERNAL,
    ),
)

_POINT = Field("item", MARKDOWN, "one point", longhand=RETROSPECTIVE_ITEM)

RETROSPECTIVE = Record(
    "retrospective",
    (
        _list("went_well", _POINT, "what went well"),
        _list("went_wrong", _POINT, "what went wrong"),
        _list("lucky", _POINT, "where we got lucky"),
    ),
)

INCIDENT = Record(
    "incident",
    (
        Field("title", LINE, "one line: what failed, and how", required=True),
        Field("organization", LINE, "whose service failed", required=True),
        _list(
            "services",
            Field("item", LINE, "a product or component"),
            "products or components that were affected",
            required=True,
            min_items=1,
        ),
        Field(
            "severity",
            ID,
            "how bad it was: a level of the catalog's `severities`, by default `critical` (down for most users), "
            "`major` (a core feature down or badly degraded) or `minor` (limited impact)",
            required=True,
            refers="severity",
        ),
        Field("started", TIMESTAMP, "when impact began", required=True),
        Field("detected", TIMESTAMP, "when the operators knew; may be before `started`"),
        Field("mitigated", TIMESTAMP, "when most users had service again"),
        Field("resolved", TIMESTAMP, "when it was over; absent means the outage is ongoing"),
        _list("regions", Field("item", LINE, "a region"), "where"),
        _list(
            "upstream", Field("item", LINE, "an organization"), "other organizations whose failure caused or worsened this one"
        ),
        _list(
            "approximate",
            Field("item", ENUM, "a timestamp field", choices=model.TIMESTAMP_FIELDS),
            "which of `started`, `detected`, `mitigated`, `resolved` are only approximately known",
        ),
        Field("summary", MARKDOWN, "what happened, a paragraph or two", required=True),
        Field("impact", MARKDOWN, "who could not do what, for how long"),
        Field(
            "causes",
            LIST,
            "what caused it",
            required=True,
            item=Field("item", RECORD, CAUSE_ENTRY.name, record=CAUSE_ENTRY),
            min_items=1,
            unless="unclassified",
        ),
        Field(
            "unclassified",
            BOOL,
            "`true`: the causes are not yet classified (an imported incident); leave `causes` out until they are",
            default="false",
        ),
        _records("lessons", LESSON_ENTRY, "what it taught"),
        _records("timeline", TIMELINE_ENTRY, "what happened when; shown in time order"),
        _records("updates", UPDATE_ENTRY, "public communication during the outage"),
        _records("actions", ACTION_ENTRY, "follow-up work that came out of it"),
        _records("references", REFERENCE_ENTRY, "sources: post-mortems, status pages, news"),
        _list("tags", Field("item", LINE, "a keyword"), "free keywords"),
        _list("related", Field("item", ID, "an incident id", refers="incident"), "incidents explicitly related to this one"),
        Field("analysis", MARKDOWN, "the long-form post-mortem (or a sibling `<id>.md` file)"),
        Field("retrospective", RECORD, "what went well, what went wrong, where we got lucky", record=RETROSPECTIVE),
        Field("draft", BOOL, "`true`: shown by `mkdocs serve` only", default="false"),
        Field("source", RECORD, "where the incident was imported from; written by `outagekb import`", record=SOURCE),
        Field(
            "visibility",
            ENUM,
            "`public`: on the public site too; `internal`: only on the internal site. Default: the site's `default_visibility`",
            choices=VISIBILITIES,
        ),
        Field("internal_notes", MARKDOWN, "notes for the internal site only, never published"),
        Field(
            "duplicate_of",
            ID,
            "the incident this one was merged into; the file then holds nothing else, and its page sends readers there",
            refers="incident",
        ),
    ),
)

PLACEHOLDER_FIELD = "duplicate_of"
"""The field that makes an incident file a placeholder: with it, the file holds nothing else."""

CATALOG_CAUSE = Record(
    "cause",
    (
        Field("id", ID, "the cause's permanent id", required=True),
        Field("title", LINE, "its name", required=True),
        Field("summary", MARKDOWN, "one paragraph"),
        Field("description", MARKDOWN, "what it is, how it shows up, how teams defend against it"),
        _list("aliases", Field("item", LINE, "a name"), "other names people search for"),
        Field("parent", ID, "the broader cause this one belongs to", refers="cause"),
    ),
)

CATALOG_LESSON = Record(
    "lesson",
    (
        Field("id", ID, "the lesson's permanent id", required=True),
        Field("title", LINE, "its name", required=True),
        Field("summary", MARKDOWN, "one paragraph"),
        Field("description", MARKDOWN, "the lesson, taught"),
        _list("aliases", Field("item", LINE, "a name"), "other names people search for"),
        _list("practices", Field("item", MARKDOWN, "one checklist item"), "the runbook checklist"),
    ),
)

CATALOG_SEVERITY = Record(
    "severity",
    (
        Field("id", ID, "what an incident's `severity` says: `sev1`", required=True),
        Field("title", LINE, "how pages show it: `SEV-1`", required=True),
        Field("description", MARKDOWN, "what it means, so that everyone picks the same level"),
    ),
)

CATALOG = Record(
    "catalog",
    (
        _records("causes", CATALOG_CAUSE, "the causes incidents refer to"),
        _records("lessons", CATALOG_LESSON, "the lessons incidents refer to"),
        _records(
            "severities",
            CATALOG_SEVERITY,
            "the severity scale, most severe first; without it, `critical`, `major` and `minor`",
            min_items=1,
        ),
    ),
)
