"""The tables that list incidents, causes, lessons and groups, each declared once: its
columns (heading and cell together), so that a heading and its cells cannot drift apart.

A table is one HTML block: Material's scroll wrapper, the heading row and one line per
row. Rows of the tables that list incidents are made through `Snippets.rows`, so that
`mkdocs serve` remakes only the rows of a changed incident.

A column marked `secondary` carries the class `okb-secondary` in its heading and cells:
on a narrow screen `outagekb.css` leaves those columns out, so that the title keeps its
width instead of being squeezed (the incident's own page has every value).

Headings are keys of the build's labels (`messages`), written in the site's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from markupsafe import Markup

from . import figures, paths, prose
from .figures import Aggregate, IncidentFigures
from .model import Cause, CauseRef, Incident, Lesson
from .snippets import Snippets, escape

Row = TypeVar("Row")
_SECONDARY = ' class="okb-secondary"'


@dataclass(frozen=True)
class Column(Generic[Row]):
    heading: str
    """The key of its heading among the labels: `table.date`."""
    cell: Callable[[Snippets, Row], str]
    """What one row shows in this column (HTML, escaped), without its `<td>`."""
    nowrap: bool = False
    """Cells that must not wrap: dates, and a figure's value apart from its sample count."""
    secondary: bool = False
    """Left out on narrow screens (see the module docstring)."""

    @cached_property
    def opening(self) -> str:
        """The cells' `<td>` tag, with the column's classes."""
        names = " ".join(name for name, on in (("okb-nowrap", self.nowrap), ("okb-secondary", self.secondary)) if on)
        return f'<td class="{names}">' if names else "<td>"


@dataclass(frozen=True)
class Table(Generic[Row]):
    css_class: str
    columns: Sequence[Column[Row]]
    head_searched: bool = True
    """False: the heading row is left out of the search index (it repeats on every page)."""
    row_class: Callable[[Row], str] | None = None

    def row(self, snippets: Snippets, item: Row) -> str:
        opening = f'<tr class="{self.row_class(item)}">' if self.row_class else "<tr>"
        # a space between cells, as between words: a search index that drops the tags does not run them together
        return opening + " ".join(f"{column.opening}{column.cell(snippets, item)}</td>" for column in self.columns) + "</tr>"

    def html(self, snippets: Snippets, body: str) -> Markup:
        """The table around `body`, its rows (one per line)."""
        words = snippets.messages.html
        head = "".join(f"<th{_SECONDARY if column.secondary else ''}>{words(column.heading)}</th>" for column in self.columns)
        excluded = "" if self.head_searched else " data-search-exclude"
        return Markup(
            '<div class="okb-table md-typeset__scrollwrap"><div class="md-typeset__table">\n'
            f'<table class="{self.css_class}">\n<thead{excluded}><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n</div></div>'
        )

    def rows(self, snippets: Snippets, items: Iterable[Row]) -> Markup:
        """The whole table, every row made afresh (tables of causes, lessons or groups)."""
        return self.html(snippets, "".join(self.row(snippets, item) + "\n" for item in items))


def _duration(snippets: Snippets, figure: figures.Figure) -> str:
    return escape(figures.format_figure(figure, snippets.messages.durations))


def _figure(snippets: Snippets, figure: figures.Figure, samples: int = 0) -> str:
    """A figure that keeps its value on one line; its sample count may go to the next one."""
    count = (
        f' <span class="okb-muted okb-nowrap">{snippets.messages.html("aggregate.samples", count=samples)}</span>'
        if samples
        else ""
    )
    return f'<span class="okb-nowrap">{_duration(snippets, figure)}</span>{count}'


# tables of incidents ------------------------------------------------------------------

IncidentRow = tuple[Incident, IncidentFigures]
CauseRow = tuple[Incident, str]  # the incident and the cause whose page lists it
LessonRow = tuple[Incident, str]


def _date(snippets: Snippets, item: tuple[Incident, object]) -> str:
    return f"{item[0].started:%Y-%m-%d}"


def _title(snippets: Snippets, item: tuple[Incident, object]) -> str:
    return snippets.incident_title(item[0])


def _titled(snippets: Snippets, item: tuple[Incident, object]) -> str:
    """The title with the organization after it, for tables without an organization column."""
    incident = item[0]
    return f'{snippets.incident_title(incident)} <span class="okb-muted">({snippets.facet("organization", incident.organization)})</span>'


def _severity(snippets: Snippets, item: tuple[Incident, object]) -> str:
    severity = item[0].severity
    return snippets.facet("severity", severity, snippets.severity(severity))


def _causes(snippets: Snippets, item: tuple[Incident, object]) -> str:
    return snippets.cause_chips(item[0])


_INCIDENT_FACTS: tuple[Column[IncidentRow], ...] = (
    Column("table.date", _date, nowrap=True),
    Column("table.incident", _title),
    Column("table.organization", lambda s, item: s.facet("organization", item[0].organization), secondary=True),
    Column("table.severity", _severity),
    Column("table.duration", lambda s, item: _duration(s, item[1].duration), nowrap=True, secondary=True),
)
"""The columns every list of incidents with their figures starts with."""

INCIDENTS: Table[IncidentRow] = Table(
    "okb-incidents", (*_INCIDENT_FACTS, Column("table.causes", _causes, secondary=True)), head_searched=False
)


def _role(snippets: Snippets, item: CauseRow) -> str:
    """The role the cause played, or the narrower causes it came through."""
    incident, cause_id = item
    ref = next((ref for ref in incident.causes if ref.cause == cause_id), None)
    words = snippets.messages.html
    if ref is not None:
        return "".join(f'<span class="okb-role okb-role--{escape(r)}">{words("role." + r)}</span> ' for r in ref.roles)
    return "".join(f"{words('table.via', cause=snippets.cause_chip(other.cause))} " for other in _via(snippets, item))


def _via(snippets: Snippets, item: CauseRow) -> list[CauseRef]:
    """The incident's narrower causes through which it counts under the page's cause."""
    incident, cause_id = item
    ancestors = snippets.catalog.tree.ancestors
    return [other for other in incident.causes if cause_id in ancestors.get(other.cause, ())]


def _cause_detail(snippets: Snippets, item: CauseRow) -> str:
    incident, cause_id = item
    ref = next((ref for ref in incident.causes if ref.cause == cause_id), None)
    if ref is not None and ref.detail:
        return prose.to_inline_html(ref.detail)
    return "".join(prose.to_inline_html(other.detail) for other in _via(snippets, item))


CAUSE_INCIDENTS: Table[CauseRow] = Table(
    "okb-cause-incidents",
    (
        Column("table.date", _date, nowrap=True),
        Column("table.incident", _titled),
        Column("table.severity", _severity, secondary=True),
        Column("table.role", _role, secondary=True),
        Column("table.how_it_showed", _cause_detail),
    ),
)


def _lesson_detail(snippets: Snippets, item: LessonRow) -> str:
    incident, lesson_id = item
    ref = next(ref for ref in incident.lessons if ref.lesson == lesson_id)
    return prose.to_inline_html(ref.detail or "")


LESSON_INCIDENTS: Table[LessonRow] = Table(
    "okb-lesson-incidents",
    (
        Column("table.date", _date, nowrap=True),
        Column("table.incident", _titled),
        Column("table.causes", _causes, secondary=True),
        Column("table.what_it_taught", _lesson_detail),
    ),
)


TRIAGE: Table[IncidentRow] = Table(
    "okb-triage",
    (*_INCIDENT_FACTS, Column("table.public_updates", lambda s, item: str(item[1].update_count), secondary=True)),
    head_searched=False,
)


def triage_table(snippets: Snippets, incidents: Iterable[Incident], figures_by_id: Mapping[str, IncidentFigures]) -> Markup:
    """The incidents whose causes are not yet classified: what a person classifying them needs first."""
    body = snippets.rows("triage-row", ((i, figures_by_id[i.id]) for i in incidents), lambda i, f: TRIAGE.row(snippets, (i, f)))
    return TRIAGE.html(snippets, body)


def incidents_table(snippets: Snippets, incidents: Iterable[Incident], figures_by_id: Mapping[str, IncidentFigures]) -> Markup:
    """The incidents index: date, title, organization, severity, duration, causes."""
    body = snippets.rows(
        "incident-row", ((i, figures_by_id[i.id]) for i in incidents), lambda i, f: INCIDENTS.row(snippets, (i, f))
    )
    return INCIDENTS.html(snippets, body)


def cause_incidents_table(snippets: Snippets, cause_id: str, incidents: Iterable[Incident]) -> Markup:
    """A cause page's incidents, with the role the cause played or the narrower cause it came through."""
    body = snippets.rows("cause-row", ((i, i) for i in incidents), lambda i, _: CAUSE_INCIDENTS.row(snippets, (i, cause_id)))
    return CAUSE_INCIDENTS.html(snippets, body)


def lesson_incidents_table(snippets: Snippets, lesson_id: str, incidents: Iterable[Incident]) -> Markup:
    """A lesson page's incidents, with their causes and what each taught."""
    body = snippets.rows("lesson-row", ((i, i) for i in incidents), lambda i, _: LESSON_INCIDENTS.row(snippets, (i, lesson_id)))
    return LESSON_INCIDENTS.html(snippets, body)


# tables of groups: causes, lessons, years, organizations --------------------------------


@dataclass(frozen=True)
class Group:
    """One row of a table of groups: what the group is, and its figures."""

    value: str | int  # the facet value the count links to (a cause or lesson id, a year, a name)
    stats: Aggregate
    depth: int = 0  # causes: how deep in the tree
    entity: Cause | Lesson | None = None


def _figure_columns() -> list[Column[Group]]:
    """The figures every table of groups ends with: the median duration, then the rest, which
    a narrow screen leaves out."""
    return [
        Column("table.median_duration", lambda s, g: _figure(s, g.stats.duration_median, g.stats.duration_samples)),
        Column("table.p90", lambda s, g: _figure(s, g.stats.duration_p90), secondary=True),
        Column(
            "table.median_first_update",
            lambda s, g: _figure(s, g.stats.first_update_median, g.stats.first_update_samples),
            secondary=True,
        ),
    ]


def _count(facet: str, zero_unlinked: bool) -> Column[Group]:
    def cell(snippets: Snippets, group: Group) -> str:
        if zero_unlinked and not group.stats.count:
            return "0"
        return snippets.facet(facet, group.value, group.stats.count)

    return Column("table.incidents", cell)


def _years(snippets: Snippets, group: Group) -> str:
    stats = group.stats
    return f"{stats.first.year} – {stats.last.year}" if stats.count and stats.first and stats.last else ""


def _cause_name(snippets: Snippets, group: Group) -> str:
    assert group.entity is not None
    href = snippets.link(paths.cause_page(str(group.value)))
    link = f'<a href="{escape(href)}">{escape(group.entity.title)}</a>'
    if not group.depth:
        return link
    # a hanging indent: a wrapped name lines up under its first word, not under the branch
    return f'<span class="okb-branch" style="--okb-depth: {group.depth}"><span class="okb-muted" aria-hidden="true">└ </span>{link}</span>'


def _lesson_name(snippets: Snippets, group: Group) -> str:
    assert group.entity is not None
    href = snippets.link(paths.lesson_page(str(group.value)))
    return f'<a href="{escape(href)}">{escape(group.entity.title)}</a>'


def _checklist(snippets: Snippets, group: Group) -> str:
    assert isinstance(group.entity, Lesson)
    return snippets.messages.html("table.practices", count=len(group.entity.practices))


CAUSE_TREE: Table[Group] = Table(
    "okb-cause-tree",
    (
        Column("table.cause", _cause_name),
        _count("cause", zero_unlinked=True),
        Column("table.first_last", _years, nowrap=True, secondary=True),
        *_figure_columns(),
    ),
    row_class=lambda group: f"okb-depth-{group.depth}",
)

LESSON_LIST: Table[Group] = Table(
    "okb-lesson-list",
    (
        Column("table.lesson", _lesson_name),
        _count("lesson", zero_unlinked=True),
        Column("table.first_last", _years, nowrap=True, secondary=True),
        *_figure_columns(),
        Column("table.checklist", _checklist, secondary=True),
    ),
)


def _days(snippets: Snippets, group: Group) -> str:
    stats = group.stats
    first, last = (day.strftime("%Y-%m-%d") if day else "" for day in (stats.first, stats.last))
    return f"{first} – {last}"


def group_table(heading: str, facet: str) -> Table[Group]:
    """Groups of incidents by a facet (year, organization), each count linked to them in browse;
    `heading` is the key of the first column's heading."""
    return Table(
        "okb-aggregates",
        (
            Column(heading, lambda s, group: escape(group.value)),
            _count(facet, zero_unlinked=False),
            Column("table.first_last", _days, secondary=True),
            *_figure_columns(),
        ),
        head_searched=False,
    )


BY_YEAR = group_table("table.year", "year")
BY_ORGANIZATION = group_table("table.organization", "organization")


# how often causes come back -------------------------------------------------------------

CauseRecurrenceRow = tuple[Cause, figures.RecurrenceFigures]


def _recurring_cause(snippets: Snippets, row: CauseRecurrenceRow) -> str:
    cause = row[0]
    return f'<a href="{escape(snippets.link(paths.cause_page(cause.id)))}">{escape(cause.title)}</a>'


def _gap(snippets: Snippets, row: CauseRecurrenceRow) -> str:
    gap = row[1].gap_median.seconds
    return escape(snippets.elapsed(gap)) if gap is not None else escape(snippets.messages.durations.unknown)


CAUSE_RECURRENCE: Table[CauseRecurrenceRow] = Table(
    "okb-cause-recurrence",
    (
        Column("table.cause", _recurring_cause),
        Column("recurrence.gap", _gap, nowrap=True),
        Column("recurrence.gaps", lambda s, row: str(row[1].gaps)),
        Column("recurrence.per_year", lambda s, row: escape(s.per_year(row[1].per_year or 0.0))),
    ),
    head_searched=False,
)
"""The statistics page's table of the causes some organization had more than once."""
