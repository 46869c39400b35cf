"""The knowledge base as frozen values: what the loader produces and every page reads.

No I/O and no MkDocs here, so the same model serves the plugin, the CLI and the tests.
Markdown fields hold the contributor's source text; rendering happens elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

SEVERITIES = ("critical", "major", "minor")
"""The severity scale of a catalog that defines none."""
ROLES = ("trigger", "root", "contributing")
TIMELINE_KINDS = ("detect", "escalate", "communicate", "mitigate", "deploy", "rollback", "resolve", "other")
UPDATE_STATUSES = ("investigating", "identified", "monitoring", "resolved", "postmortem")
ACTION_STATUSES = ("open", "in-progress", "done", "wont-do")
OPEN_ACTION_STATUSES = ("open", "in-progress")
"""Statuses of follow-up work that is still to be done: the open-actions page lists them."""
REFERENCE_KINDS = ("postmortem", "status", "news", "other")
TIMESTAMP_FIELDS = ("started", "detected", "mitigated", "resolved")
SOURCE_KINDS = ("statuspage", "gcp", "csv")
PUBLIC, INTERNAL = "public", "internal"
"""An incident's visibility, and a build's audience: who may read it (see `audience.py`)."""


@dataclass(frozen=True, slots=True)
class CauseRef:
    """An incident's use of a cause: which one, what role it played, and the detail."""

    cause: str
    roles: tuple[str, ...] = ("contributing",)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class LessonRef:
    lesson: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    event: str
    kind: str = "other"
    approximate: bool = False
    internal: bool = False


@dataclass(frozen=True, slots=True)
class Update:
    """One public message during the outage (status page, social, email)."""

    at: datetime
    status: str
    text: str
    channel: str = "status page"
    internal: bool = False


@dataclass(frozen=True, slots=True)
class Action:
    action: str
    status: str = "open"
    lesson: str | None = None
    owner: str | None = None
    due: date | None = None
    ticket: str | None = None
    """The ticket that tracks the work (an https URL)."""
    internal: bool = False

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


@dataclass(frozen=True, slots=True)
class Reference:
    title: str
    url: str
    kind: str | None = None
    archived: str | None = None
    internal: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    """Where an imported incident came from, so that a later import recognises it."""

    kind: str
    id: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Point:
    """One item of a retrospective list."""

    text: str
    internal: bool = False


@dataclass(frozen=True, slots=True)
class Retrospective:
    went_well: tuple[Point, ...] = ()
    went_wrong: tuple[Point, ...] = ()
    lucky: tuple[Point, ...] = ()


@dataclass(frozen=True, slots=True)
class Incident:
    """One outage, as its file describes it."""

    id: str
    path: str
    title: str
    organization: str
    services: tuple[str, ...]
    severity: str
    started: datetime
    summary: str
    causes: tuple[CauseRef, ...]
    detected: datetime | None = None
    mitigated: datetime | None = None
    resolved: datetime | None = None
    regions: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()
    approximate: frozenset[str] = frozenset()
    impact: str = ""
    lessons: tuple[LessonRef, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    updates: tuple[Update, ...] = ()
    actions: tuple[Action, ...] = ()
    references: tuple[Reference, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    analysis: str = ""
    analysis_path: str | None = None
    retrospective: Retrospective | None = None
    draft: bool = False
    unclassified: bool = False
    """The causes are not yet classified (`causes` is empty): an imported incident waiting for triage."""
    source: Source | None = None
    visibility: str = INTERNAL
    """`public` or `internal`: the file's `visibility`, else the site's `default_visibility`."""
    internal_notes: str = ""
    internal_analysis: str = ""
    """The long-form analysis for the internal site only, from a sibling `<id>.internal.md`."""
    internal_analysis_path: str | None = None

    @property
    def is_public(self) -> bool:
        return self.visibility == PUBLIC

    @property
    def cause_ids(self) -> tuple[str, ...]:
        return tuple(ref.cause for ref in self.causes)

    @property
    def lesson_ids(self) -> tuple[str, ...]:
        return tuple(ref.lesson for ref in self.lessons)


@dataclass(frozen=True, slots=True)
class Placeholder:
    """The file of an incident merged into another (`duplicate_of`): not an incident, so that
    no index, figure or feed can count it, only an address that sends readers on."""

    id: str
    path: str
    duplicate_of: str
    """The id of the incident that stays, a published one."""


@dataclass(frozen=True, slots=True)
class Cause:
    id: str
    title: str
    summary: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    title: str
    summary: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()
    practices: tuple[str, ...] = ()


class CauseTree:
    """The catalog's causes as a tree, worked out once per catalog: every page, index, chart
    and score that needs a cause's broader causes, its narrower ones or the tree's order
    asks here, so that they cannot disagree.

    A cause whose parent is missing is a root; a cycle (which the loader reports) ends a
    cause's chain of ancestors and leaves its causes listed flat at the end of `order`."""

    __slots__ = ("ancestors", "children", "roots", "order")

    def __init__(self, causes: Mapping[str, Cause]) -> None:
        self.roots: list[str] = [c.id for c in causes.values() if not c.parent or c.parent not in causes]
        self.children: dict[str, list[str]] = {cause_id: [] for cause_id in causes}
        for cause in causes.values():
            if cause.parent in self.children:
                self.children[cause.parent].append(cause.id)
        self.ancestors: dict[str, list[str]] = {cause_id: _chain(causes, cause_id) for cause_id in causes}
        """cause -> parent, grandparent, ..."""
        self.order: list[tuple[int, str]] = []
        """Every cause as (depth, id), each parent followed by its children, in file order."""
        placed: set[str] = set()
        for start in [*self.roots, *causes]:
            stack = [(0, start)]
            while stack:
                depth, cause_id = stack.pop()
                if cause_id in placed:
                    continue
                placed.add(cause_id)
                self.order.append((depth, cause_id))
                stack += [(depth + 1, child) for child in reversed(self.children[cause_id])]

    def root_of(self, cause_id: str) -> str:
        """The top-level cause a cause belongs to (itself when it has no parent)."""
        chain = self.ancestors.get(cause_id)
        return chain[-1] if chain else cause_id

    def with_ancestors(self, cause_ids: Iterable[str]) -> list[str]:
        """Each cause followed by its broader causes, each once: what an incident counts
        under on a cause's page, in the browse facets and in the charts."""
        found: dict[str, None] = {}
        for cause_id in cause_ids:
            found[cause_id] = None
            for parent in self.ancestors.get(cause_id, ()):
                found[parent] = None
        return list(found)

    def descendants(self, cause_id: str) -> list[str]:
        found: list[str] = []
        queue = [cause_id]
        while queue:
            for child in self.children.get(queue.pop(), ()):
                if child not in found and child != cause_id:
                    found.append(child)
                    queue.append(child)
        return found


def _chain(causes: Mapping[str, Cause], cause_id: str) -> list[str]:
    """Parent, grandparent, ... of a cause; stops on a cycle the loader already reported."""
    chain: list[str] = []
    current = causes.get(cause_id)
    while current is not None and current.parent and current.parent not in chain and current.parent != cause_id:
        chain.append(current.parent)
        current = causes.get(current.parent)
    return chain


@dataclass(frozen=True, slots=True)
class Severity:
    """One level of a knowledge base's severity scale (`sev1`, "SEV-1", what it means)."""

    id: str
    title: str
    description: str = ""


DEFAULT_SEVERITIES = (
    Severity("critical", "critical", "The service was down for most users."),
    Severity("major", "major", "A core feature was down or badly degraded."),
    Severity("minor", "minor", "Limited impact."),
)


@dataclass(frozen=True, slots=True)
class Catalog:
    """Causes and lessons in file order; a cause's parent is another cause's id."""

    causes: dict[str, Cause] = field(default_factory=dict)
    lessons: dict[str, Lesson] = field(default_factory=dict)
    path: str = ""
    severities: tuple[Severity, ...] = DEFAULT_SEVERITIES
    """The severity scale, most severe first: the catalog's own, else `critical | major | minor`."""
    broken: tuple[tuple[str, str, int], ...] = ()
    """(`cause`, `lesson` or `severity`, id, line) of entries the catalog writes but that failed
    their checks: an incident naming one is pointed at the entry, not told the id is unknown."""
    tree: CauseTree = field(init=False, repr=False, compare=False)
    severity_rank: dict[str, int] = field(init=False, repr=False, compare=False)
    """severity id -> its place on the scale, 1 for the most severe."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tree", CauseTree(self.causes))
        object.__setattr__(self, "severity_rank", {s.id: rank for rank, s in enumerate(self.severities, start=1)})

    @property
    def severity_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.severities)

    def severity_title(self, severity_id: str) -> str:
        return self.severities[self.severity_rank[severity_id] - 1].title

    def children(self, cause_id: str) -> list[str]:
        return list(self.tree.children.get(cause_id, ()))

    def ancestors(self, cause_id: str) -> list[str]:
        return list(self.tree.ancestors.get(cause_id, ()))

    def descendants(self, cause_id: str) -> list[str]:
        return self.tree.descendants(cause_id)

    def roots(self) -> list[str]:
        return list(self.tree.roots)


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Everything one build reads: the catalog and every incident, drafts included."""

    catalog: Catalog
    incidents: tuple[Incident, ...]
    organization: str | None = None
    """The site's default organization, for incident files that name none."""
    audience: str = INTERNAL
    """Who the build is for: `public` once `audience.for_audience` left out everything internal."""
    placeholders: tuple[Placeholder, ...] = ()
    """The files of merged incidents, kept apart from `incidents`: each only keeps its address."""

    @property
    def published(self) -> tuple[Incident, ...]:
        return tuple(i for i in self.incidents if not i.draft)

    @property
    def survivors(self) -> dict[str, str]:
        """A placeholder's id -> the id of the incident it was merged into."""
        return {p.id: p.duplicate_of for p in self.placeholders}
