"""The knowledge base as Markdown pages ({source path: text}), through package templates.

Pages are Markdown headings around single-line HTML blocks. The structured parts (facts,
tables, links) are HTML built here, with every contributor string escaped by the
template engine and every piece of prose converted once by `prose`; only the headings
are left to the site's Markdown pass, so that tables of contents and search sections
work while the pass stays short. Links are computed relative to each page for the site's
URL style, since MkDocs does not rewrite links inside HTML blocks.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar

import jinja2
from markupsafe import Markup

from . import browse, feeds, figures, paths, prose, schema
from .cache import PageCache
from .charts import stats as chart_stats
from .graph import Graph, build_graph
from .model import Action, Incident, KnowledgeBase

T = TypeVar("T")

TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")


@dataclass(frozen=True)
class Page:
    """One generated page: its source path in the docs tree, its Markdown, and whether the
    navigation should list it (section pages yes, the thousands of entity pages no)."""

    src: str
    text: str
    in_nav: bool = False


@dataclass(frozen=True)
class Asset:
    """One generated file that is not a page (stylesheet, script, data, schema, feed): its
    path in the site and its text. The plugin hands it to MkDocs; `render` writes it out."""

    path: str
    text: str


def _finalize(value: Any) -> Any:
    """Every `{{ value }}` in a template: escaped, and braces made inert."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return Markup(prose.escape(str(value)))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """One environment per process, so templates compile once, not on every rebuild."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = lambda text: Markup(prose.to_html(text or ""))
    env.filters["md_inline"] = lambda text: Markup(prose.to_inline_html(text or ""))
    env.filters["duration"] = figures.format_figure
    env.filters["since_start"] = since_start
    env.filters["when"] = format_when
    env.filters["at"] = format_at
    env.filters["day"] = lambda value: value.strftime("%Y-%m-%d") if value else ""
    return env


def since_start(figure: figures.Figure) -> str:
    """`12 min after start`, or `3 min before start` when alerts beat the users."""
    if not figure.known or figure.seconds is None:
        return "unknown"
    flipped = figures.Figure(abs(figure.seconds), figure.approximate)
    return f"{figures.format_figure(flipped)} {'before' if figure.seconds < 0 else 'after'} start"


def format_offset(value: datetime) -> str:
    offset = value.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def format_when(value: datetime | None, approximate: bool = False) -> Markup:
    """A timestamp in the incident's own offset, machine-readable in `<time>`."""
    if value is None:
        return Markup("unknown")
    text = f"{'~' if approximate else ''}{value:%Y-%m-%d %H:%M} {format_offset(value)}"
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), text)


def format_at(value: datetime, approximate: bool = False) -> str:
    """A timestamp as text, for table rows where a `<time>` element per row adds only weight."""
    return f"{'~' if approximate else ''}{value:%Y-%m-%d %H:%M} {format_offset(value)}"


def front_matter(title: str, description: str = "", **meta: Any) -> str:
    """YAML front matter; JSON values are valid YAML and need no further quoting rules.

    Strings are HTML-escaped: themes print the title and tags without escaping them."""

    def escaped(value: Any) -> Any:
        if isinstance(value, str):
            return prose.escape(value)
        if isinstance(value, list | tuple):
            return [escaped(item) for item in value]
        if isinstance(value, dict):
            return {key: escaped(item) for key, item in value.items()}
        return value

    fields = {"title": title, "description": description, **meta}
    lines = ["---"]
    lines += [f"{key}: {json.dumps(escaped(value), ensure_ascii=False)}" for key, value in fields.items() if value]
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def lift_html_blocks(text: str, marker: str) -> tuple[str, list[str]]:
    """The page with each HTML block replaced by a one-word paragraph (`<marker>0`, ...),
    and the blocks in order.

    The plugin sends only this skeleton (front matter, headings, markers) through the
    site's Markdown and puts the blocks back into the HTML it returns: Python-Markdown
    would otherwise parse every tag of every block once more, only to pass it through."""
    head, separator, body = text.partition("\n---\n") if text.startswith("---\n") else ("", "", text)
    blocks: list[str] = []
    out: list[str] = []
    for group in re.split(r"\n[ \t]*\n", body):
        if group.startswith("<"):
            out.append(f"{marker}{len(blocks)}")
            blocks.append(group)
        else:
            out.append(group)
    return head + separator + "\n\n".join(out), blocks


def restore_html_blocks(html: str, marker: str, blocks: list[str]) -> str:
    """Put the blocks back where Markdown left their marker paragraphs."""
    return re.sub(rf"<p>{re.escape(marker)}(\d+)</p>", lambda m: blocks[int(m.group(1))], html)


PAGE_ROWS = 200
"""Incidents a cause or lesson page lists, newest first; the browse page lists them all.
Beyond a few hundred rows a table is scrolled, not read, and it weighs on every rebuild."""

ENTITY_BOOST = 5
"""Search boost of cause and lesson pages, so that they rank above the incidents for their own names."""


def _first_sentence(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


@lru_cache(maxsize=65536)
def _facet_query(facet: str, value: str) -> str:
    """`?organization=OpenAI`: the same few thousand values recur on every page."""
    return paths.browse_query(**{facet: value})


def _e(value: object) -> str:
    return prose.escape(str(value))


class Snippets:
    """Small pieces of HTML a page uses many times, built in Python for one page: a Jinja
    macro call costs more than the markup it makes. Every value is escaped here."""

    def __init__(self, renderer: Renderer, src: str) -> None:
        self.renderer = renderer
        self.src = src
        self.link = renderer.linker(src)

    def severity(self, value: str) -> Markup:
        return Markup(f'<span class="okb-severity okb-severity--{_e(value)}">{_e(value)}</span>')

    def cause_chip(self, cause_id: str) -> Markup:
        cause = self.renderer.catalog.causes.get(cause_id)
        href = self.link(paths.cause_page(cause_id))
        return Markup(f'<a class="md-tag okb-cause" href="{_e(href)}">{_e(cause.title if cause else cause_id)}</a>')

    def lesson_chip(self, lesson_id: str) -> Markup:
        lesson = self.renderer.catalog.lessons.get(lesson_id)
        href = self.link(paths.lesson_page(lesson_id))
        return Markup(f'<a class="md-tag okb-lesson" href="{_e(href)}">{_e(lesson.title if lesson else lesson_id)}</a>')

    def facet(self, name: str, value: object, text: object = None) -> Markup:
        """A value shown on a page, linked to the browse page filtered to it."""
        href = self.renderer.browse_link(self.src, name, value)
        shown = text if isinstance(text, Markup) else _e(value if text is None else text)
        return Markup(f'<a class="okb-facet" href="{_e(href)}">{shown}</a>')

    def incident_title(self, incident: Incident) -> Markup:
        url = self.renderer.incident_link(self.src, incident.id)
        return Markup(f'<a href="{_e(url)}">{_e(incident.title)}</a>' if url else _e(incident.title))

    # Rows of the pages that list many incidents: each made from one incident (and the
    # catalog), so that `mkdocs serve` remakes only the rows of a changed incident.

    def _rows(self, kind: str, items: Iterable[tuple[Incident, Any]], make: Callable[[Incident, Any], str]) -> Markup:
        renderer, catalog = self.renderer, self.renderer.catalog
        return Markup(
            "".join(
                renderer.piece((kind, self.src, id(extra)), (incident, extra, catalog), lambda i=incident, x=extra: make(i, x))  # type: ignore[misc]
                + "\n"
                for incident, extra in items
            )
        )

    def _date_cell(self, incident: Incident) -> str:
        return f'<td class="okb-nowrap">{incident.started:%Y-%m-%d}</td>'

    def _titled_cell(self, incident: Incident) -> str:
        """The incident's title with its organization after it, for tables without an organization column."""
        return f'<td>{self.incident_title(incident)} <span class="okb-muted">({self.facet("organization", incident.organization)})</span></td>'

    def _severity_cell(self, incident: Incident) -> str:
        return f"<td>{self.facet('severity', incident.severity, self.severity(incident.severity))}</td>"

    def _cause_chips(self, incident: Incident) -> str:
        return "".join(f"{self.cause_chip(ref.cause)} " for ref in incident.causes)

    def incident_rows(self, incidents: Iterable[Incident]) -> Markup:
        """The incidents table: date, title, organization, severity, duration, causes."""
        all_figures = self.renderer.graph.figures

        def row(incident: Incident, fig: figures.IncidentFigures) -> str:
            return (
                f"<tr>{self._date_cell(incident)}<td>{self.incident_title(incident)}</td>"
                f"<td>{self.facet('organization', incident.organization)}</td>{self._severity_cell(incident)}"
                f'<td class="okb-nowrap">{_e(figures.format_figure(fig.duration))}</td><td>{self._cause_chips(incident)}</td></tr>'
            )

        return self._rows("incident-row", ((i, all_figures[i.id]) for i in incidents), row)

    def cause_rows(self, cause_id: str, incidents: Iterable[Incident]) -> Markup:
        """A cause page's table: the role the cause played, or the narrower cause it came through."""
        ancestors = self.renderer.graph.ancestors

        def row(incident: Incident, _: object) -> str:
            ref = next((ref for ref in incident.causes if ref.cause == cause_id), None)
            via = [other for other in incident.causes if cause_id in ancestors.get(other.cause, ())]
            if ref is not None:
                role = "".join(f'<span class="okb-role okb-role--{_e(r)}">{_e(r)}</span> ' for r in ref.roles)
            else:
                role = "".join(f"via {self.cause_chip(other.cause)} " for other in via)
            detail = (
                prose.to_inline_html(ref.detail)
                if ref is not None and ref.detail
                else "".join(prose.to_inline_html(other.detail or "") for other in via)
            )
            return (
                f"<tr>{self._date_cell(incident)}{self._titled_cell(incident)}{self._severity_cell(incident)}"
                f"<td>{role}</td><td>{detail}</td></tr>"
            )

        return self._rows("cause-row", ((i, i) for i in incidents), row)

    def lesson_rows(self, lesson_id: str, incidents: Iterable[Incident]) -> Markup:
        """A lesson page's table: the incident's causes and what it taught."""

        def row(incident: Incident, _: object) -> str:
            ref = next(ref for ref in incident.lessons if ref.lesson == lesson_id)
            return (
                f"<tr>{self._date_cell(incident)}{self._titled_cell(incident)}"
                f"<td>{self._cause_chips(incident)}</td><td>{prose.to_inline_html(ref.detail or '')}</td></tr>"
            )

        return self._rows("lesson-row", ((i, i) for i in incidents), row)

    def open_actions(self, items: Iterable[tuple[Incident, Action]]) -> Markup:
        """Open follow-up actions as list items, each with its incident, owner, due date, and
        whether it is overdue on the day of the build."""
        today = self.renderer.today

        def item(incident: Incident, action: Action) -> str:
            owner = f", owner: {_e(action.owner)}" if action.owner else ""
            due = f", due {action.due:%Y-%m-%d}" if action.due else ""
            overdue = ' <span class="okb-overdue">overdue</span>' if action.due and action.due < today else ""
            return (
                f"<li>{prose.to_inline_html(action.action or '')} "
                f'<span class="okb-muted">from {self.incident_title(incident)}{owner}{due}</span>{overdue}</li>'
            )

        return self._rows("open-action", items, item)


class Renderer:
    """Turns a knowledge base into pages for one URL style."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        use_directory_urls: bool = True,
        include_drafts: bool = False,
        today: date | None = None,
        site_url: str | None = None,
        link_style: str = "url",
        search_exclude: frozenset[str] = frozenset(),
        cache: PageCache | None = None,
        previous_graph: Graph | None = None,
    ) -> None:
        self.cache = cache
        self.search_exclude = search_exclude  # incident sections Material's search leaves out
        self.kb = kb
        # "url": links relative to each page's address, as MkDocs needs inside HTML blocks;
        # "source": relative `.md` paths, for generators that resolve HTML links against
        # the source file (Zensical)
        self.link_style = link_style
        self.site_url = site_url or None  # absolute links in feeds and the export when known
        self.catalog = kb.catalog
        self.graph: Graph = build_graph(kb, previous_graph)
        self.use_directory_urls = use_directory_urls
        self.include_drafts = include_drafts
        self.today = today or date.today()
        self.env = _environment()
        self._aggregates: dict[tuple[str, str], figures.Aggregate] = {}
        self._linkers: dict[str, Callable[[str], str]] = {}
        if cache is not None:
            cache.begin((use_directory_urls, include_drafts, link_style, search_exclude, self.site_url, self.today))

    # links -------------------------------------------------------------------

    def linker(self, src: str) -> Callable[[str], str]:
        """The function that makes links from the page at `src`, made once per page."""
        link = self._linkers.get(src)
        if link is None:
            link = self._linkers[src] = self._make_linker(src)
        return link

    def _make_linker(self, src: str) -> Callable[[str], str]:
        if self.link_style == "source":
            return lambda target: paths.relative_source(src, target)
        root, directory_urls = paths.root_prefix(src, self.use_directory_urls), self.use_directory_urls

        def link(target: str) -> str:
            # by way of the site root: computed once per page, not once per link
            return (root + (paths.url_for(target, directory_urls) if target.endswith(".md") else target)) or "./"

        return link

    def piece(self, key: Hashable, inputs: tuple[object, ...], make: Callable[[], T]) -> T:
        """A piece of a page made from `inputs` (a row for one incident): with `mkdocs serve`,
        reused from the last build while the inputs are the same objects."""
        return make() if self.cache is None else self.cache.piece(key, inputs, make)

    def aggregate(self, kind: str, entity_id: str) -> figures.Aggregate:
        """A cause's (its narrower causes included) or a lesson's figures, computed once per
        build: its own page and its index both show them."""
        key = (kind, entity_id)
        if key not in self._aggregates:
            group = (self.graph.by_cause_tree if kind == "cause" else self.graph.by_lesson).get(entity_id, [])
            self._aggregates[key] = figures.aggregate(group, self.graph.figures)
        return self._aggregates[key]

    def browse_link(self, src: str, facet: str, value: object) -> str:
        """A link from `src` to the browse page filtered to one facet value (`?cause=dns`)."""
        return self.linker(src)(paths.BROWSE_INDEX) + _facet_query(facet, str(value))

    def incident_link(self, src: str, incident_id: str) -> str | None:
        """A link to an incident page, or None when the page is not in this build (a draft)."""
        incident = self.graph.by_id.get(incident_id)
        if incident is None or (incident.draft and not self.include_drafts):
            return None
        return self.linker(src)(paths.incident_page(incident_id))

    # pages -------------------------------------------------------------------

    def pages(self) -> list[Page]:
        """Every page of the knowledge base, index pages first."""
        return list(self.iter_pages())

    def iter_pages(self) -> Iterator[Page]:
        """The pages one at a time, so that a caller need not hold every page's text at once."""
        yield self.incidents_index()
        yield self.causes_index()
        yield self.lessons_index()
        yield self.actions_index()
        yield self.browse_page()
        yield self.stats_page()
        for incident in self.kb.incidents:
            if not incident.draft or self.include_drafts:
                yield self.incident_page(incident)
        for cause_id in self.catalog.causes:
            yield self.cause_page(cause_id)
        for lesson_id in self.catalog.lessons:
            yield self.lesson_page(lesson_id)

    def _render(self, template: str, src: str, **context: Any) -> str:
        return self.env.get_template(template).render(
            link=self.linker(src),
            src=src,
            catalog=self.catalog,
            graph=self.graph,
            paths=paths,
            figures=figures,
            incident_link=lambda incident_id: self.incident_link(src, incident_id),
            browse=lambda facet, value: self.browse_link(src, facet, value),
            h=Snippets(self, src),
            exclude=lambda section: Markup(" data-search-exclude") if section in self.search_exclude else "",
            **context,
        )

    def incident_page(self, incident: Incident) -> Page:
        src = paths.incident_page(incident.id)
        graph = self.graph
        explicit = graph.related.get(incident.id, [])
        suggestions = graph.suggested.get(incident.id)

        def make() -> Page:
            related = [(graph.by_id[other], self.incident_link(src, other)) for other in explicit if other in graph.by_id]
            suggested = [
                (suggestion, self.incident_link(src, suggestion.incident.id))
                for suggestion in suggestions or ()
                if suggestion.incident.id not in explicit and (self.include_drafts or not suggestion.incident.draft)
            ]
            text = front_matter(incident.title, _first_sentence(incident.summary), tags=list(incident.tags)) + self._render(
                "incident.md.j2",
                src,
                incident=incident,
                related=related,
                suggested=suggested,
                fig=graph.figures[incident.id],
                approx=incident.approximate,
            )
            return Page(src, text)

        # what the page shows of other incidents comes from these objects; the graph keeps a
        # suggestion list as the same object while none of its incidents changed
        inputs = (incident, self.catalog, suggestions, *(graph.by_id.get(other) for other in explicit))
        return self.piece(("incident-page", incident.id), inputs, make)

    def cause_page(self, cause_id: str) -> Page:
        cause = self.catalog.causes[cause_id]
        src = paths.cause_page(cause_id)
        rows = self.graph.by_cause_tree.get(cause_id, [])[:PAGE_ROWS]
        meta = {"search": {"boost": ENTITY_BOOST}, "tags": list(cause.aliases)}
        text = front_matter(cause.title, _first_sentence(cause.summary), **meta) + self._render(
            "cause.md.j2",
            src,
            cause=cause,
            rows=rows,
            stats=self.aggregate("cause", cause_id),
            children=self.graph.children[cause_id],
            ancestors=list(reversed(self.graph.ancestors[cause_id])),
            lessons=self.graph.lessons_of_cause.get(cause_id, [])[:5],
            feed_path=feeds.cause_feed_path(cause_id),
        )
        return Page(src, text)

    def lesson_page(self, lesson_id: str) -> Page:
        lesson = self.catalog.lessons[lesson_id]
        src = paths.lesson_page(lesson_id)
        rows = self.graph.by_lesson.get(lesson_id, [])[:PAGE_ROWS]
        meta = {"search": {"boost": ENTITY_BOOST}, "tags": list(lesson.aliases)}
        text = front_matter(lesson.title, _first_sentence(lesson.summary), **meta) + self._render(
            "lesson.md.j2",
            src,
            lesson=lesson,
            rows=rows,
            stats=self.aggregate("lesson", lesson_id),
            actions=self.graph.open_actions.get(lesson_id, []),
            today=self.today,
        )
        return Page(src, text)

    def incidents_index(self) -> Page:
        src = paths.INCIDENTS_INDEX
        # lists of titles found on the incident pages themselves: left out of search, where they only add noise
        text = front_matter("Incidents", "Every published outage, newest first.", search={"exclude": True}) + self._render(
            "incidents_index.md.j2", src, incidents=self.graph.incidents
        )
        return Page(src, text, in_nav=True)

    def causes_index(self) -> Page:
        src = paths.CAUSES_INDEX
        tree = browse.cause_tree(self.catalog, self.graph)
        stats = {cause_id: self.aggregate("cause", cause_id) for _, cause_id in tree}
        text = front_matter("Causes", "What caused the outages, as a tree, with counts and durations.") + self._render(
            "causes_index.md.j2", src, tree=tree, stats=stats
        )
        return Page(src, text, in_nav=True)

    def lessons_index(self) -> Page:
        src = paths.LESSONS_INDEX
        stats = {lesson_id: self.aggregate("lesson", lesson_id) for lesson_id in self.catalog.lessons}
        text = front_matter("Lessons", "What the outages taught, with the runbook checklist for each lesson.") + self._render(
            "lessons_index.md.j2", src, stats=stats
        )
        return Page(src, text, in_nav=True)

    def actions_index(self) -> Page:
        src = paths.ACTIONS_INDEX
        groups: list[tuple[str | None, list[tuple[Incident, Action]]]] = [
            (lesson_id, self.graph.open_actions[lesson_id])
            for lesson_id in self.catalog.lessons
            if lesson_id in self.graph.open_actions
        ]
        if None in self.graph.open_actions:
            groups.append((None, self.graph.open_actions[None]))
        count = sum(len(items) for _, items in groups)
        text = front_matter(
            "Open actions", "Follow-up work that is still open, by lesson.", search={"exclude": True}
        ) + self._render("actions_index.md.j2", src, groups=groups, count=count, today=self.today)
        return Page(src, text, in_nav=True)

    def stats_page(self) -> Page:
        """Charts drawn at build time as inline SVG, each with its numbers as a table."""
        src = paths.STATS_INDEX
        found = chart_stats(self.graph.incidents, self.catalog, self.graph.figures)
        charts = {
            name: (Markup(chart.svg), Markup(chart.table))
            for name, chart in (("years", found.years), ("durations", found.durations), ("first_update", found.first_update))
        }
        text = front_matter("Statistics", "Incidents per year by cause, outage durations by cause, time to first public update.")
        by_year = [(year, figures.aggregate(group, self.graph.figures)) for year, group in self.graph.by_year.items()]
        by_organization = [
            (name, figures.aggregate(group, self.graph.figures)) for name, group in self.graph.by_organization.items()
        ]
        text += self._render("stats.md.j2", src, charts=charts, found=found, by_year=by_year, by_organization=by_organization)
        return Page(src, text, in_nav=True)

    def browse_page(self) -> Page:
        """`browse/`: the incidents filtered in the reader's browser (the index from `browse`, browse.js)."""
        src = paths.BROWSE_INDEX
        head = front_matter(
            "Browse incidents",
            "Filter every published outage by cause, lesson, severity, organization, service, tag, upstream and year.",
            hide=["toc"],  # no headings: the facets get the room
        )
        index_url = paths.relative_url(src, paths.BROWSE_DATA, self.use_directory_urls)
        text = head + self._render("browse.md.j2", src, index_url=index_url, count=len(self.graph.incidents))
        return Page(src, text, in_nav=True)

    def assets(self) -> list[Asset]:
        """Every generated file that is not a page."""
        return [
            Asset(paths.STYLESHEET, stylesheet()),
            Asset(paths.BROWSE_SCRIPT, template_file("browse.js")),
            Asset(paths.BROWSE_DATA, browse.index_json(self.graph, use_directory_urls=self.use_directory_urls, reuse=self.piece)),
            Asset(schema.INCIDENT_SCHEMA_PATH, schema.dumps(schema.incident_schema(self.catalog))),
            Asset(schema.CATALOG_SCHEMA_PATH, schema.dumps(schema.catalog_schema())),
            Asset(feeds.EXPORT_PATH, feeds.export_json(self.graph.incidents, self.graph.figures, self.export_url, self.piece)),
            Asset(feeds.EXPORT_SCHEMA_PATH, schema.dumps(feeds.export_schema())),
            *self.feeds(),
        ]

    def export_url(self, incident_id: str) -> str:
        """An incident's address in the export: absolute with a site URL, else relative to the site root."""
        url = paths.url_for(paths.incident_page(incident_id), self.use_directory_urls)
        return self.site_url.rstrip("/") + "/" + url if self.site_url else url

    def feeds(self) -> list[Asset]:
        """`feed.xml` of the newest incidents, and one feed per cause (its narrower causes included)."""
        common = dict(use_directory_urls=self.use_directory_urls, site_url=self.site_url)
        result = [
            Asset(
                feeds.FEED_PATH,
                feeds.atom_feed(
                    self.graph.incidents,
                    self.catalog,
                    feed_path=feeds.FEED_PATH,
                    title="Incidents",
                    subtitle="The newest published outages.",
                    home_src=paths.INCIDENTS_INDEX,
                    **common,  # type: ignore[arg-type]
                ),
            )
        ]
        for cause_id, cause in self.catalog.causes.items():
            path = feeds.cause_feed_path(cause_id)
            result.append(
                Asset(
                    path,
                    feeds.atom_feed(
                        self.graph.by_cause_tree.get(cause_id, []),
                        self.catalog,
                        feed_path=path,
                        title=f"Incidents caused by {cause.title}",
                        subtitle=f"The newest published outages with the cause {cause.title}.",
                        home_src=paths.cause_page(cause_id),
                        **common,  # type: ignore[arg-type]
                    ),
                )
            )
        return result


def stylesheet() -> str:
    with open(os.path.join(TEMPLATES, "outagekb.css"), encoding="utf-8") as stream:
        return stream.read()


def template_file(name: str) -> str:
    """A static file kept beside the templates (a script), as text."""
    with open(os.path.join(TEMPLATES, name), encoding="utf-8") as stream:
        return stream.read()
