"""The knowledge base's graph as Markdown pages and generated files, through templates.

Pages are Markdown headings around single-line HTML blocks. The structured parts (facts,
tables, links) are HTML, with every contributor string escaped by the template engine or
by `snippets`, and every piece of prose converted once by `prose`; only the headings are
left to the site's Markdown pass, so that tables of contents and search sections work
while the pass stays short. Links are computed relative to each page for the site's URL
style, since MkDocs does not rewrite links inside HTML blocks.

The renderer works out the values each page shows and hands them to its template
(`templates/*.md.j2`, which a team may override; see `templating`): templates receive
values, not the graph or modules.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from markupsafe import Markup

from . import browse, exports, feeds, figures, images, paths, prose, schema, tables
from .cache import PageCache, make_fresh
from .charts import stats as chart_stats
from .figures import Figure, build_time
from .graph import Graph
from .model import INTERNAL, Action, Cause, CauseRef, Incident, Lesson, LessonRef, Placeholder, TimelineEntry
from .recurrence import Recurrence
from .related import REASONS_SHOWN
from .search import MATERIAL, PAGEFIND
from .snippets import Snippets
from .strip import incident_strip
from .templating import Templates

SEARCH_SECTIONS = ("timeline", "updates", "actions", "retrospective", "analysis", "references")
"""Sections of an incident page a site may leave out of the search index (`search_exclude`)."""

PAGE_ROWS = 200
"""Incidents a cause or lesson page lists, newest first; the browse page lists them all.
Beyond a few hundred rows a table is scrolled, not read, and it weighs on every rebuild."""

ENTITY_BOOST = 5
"""Search boost of cause and lesson pages, so that they rank above the incidents for their own names."""

EARLIER_SHOWN = 3
"""Earlier incidents whose open actions an incident's page names as needed again (the newest
first): in an organization that keeps the same actions open, the list would otherwise grow
with every incident, and the open actions page lists them all."""

LESSON_RECURRENCES_SHOWN = 20
"""Recurrences through a lesson that its page lists, the newest first."""


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


@dataclass(frozen=True)
class CopiedFile:
    """A file of the repository copied into the site as it is (an incident's image): its
    path in the site and the file. The plugin hands it to MkDocs, which copies it on each
    build; `render` copies it into its folder."""

    path: str
    source: str


@dataclass(frozen=True)
class RenderOptions:
    """How the pages of one build are made; a change of any of them remakes every page."""

    use_directory_urls: bool = True
    include_drafts: bool = False
    """Drafts get pages (mkdocs serve); a build leaves them out."""
    today: date = field(default_factory=lambda: build_time().date())
    """The day overdue actions are judged against."""
    site_url: str | None = None
    """The published address: absolute links in feeds and the export when known."""
    link_style: str = "url"
    """See `paths.LINK_STYLES`."""
    search_exclude: frozenset[str] = frozenset()
    """Incident sections Material's search leaves out (`SEARCH_SECTIONS`)."""
    image_folders: tuple[images.SharedFolder, ...] = ()
    """Folders of images any incident may show, besides its own (`images`)."""
    remote_images: bool = False
    """Show remote (`https://`) images on incident pages, rather than link to them (`remote_images`)."""
    search_engine: str = MATERIAL
    """`search.SEARCH_ENGINES`: with Pagefind, incident pages carry its filters and the search box's script is written."""


class CauseEntry(NamedTuple):
    """A cause as an incident page shows it: the incident's use of it, the cause, its page."""

    ref: CauseRef
    cause: Cause
    url: str


class LessonEntry(NamedTuple):
    ref: LessonRef
    lesson: Lesson
    url: str


class TimelineRow(NamedTuple):
    entry: TimelineEntry
    since_start: Figure


class SearchFacets(NamedTuple):
    """What an incident page tells Pagefind besides its text: words to find it by that its
    indexed text does not hold (its causes' aliases, and the words of its facts, which
    `search.LEFT_OUT` leaves out with their dates and durations), the values a search can be
    narrowed by (`filters`) and the facts a result shows (`meta`), each as (name, value)."""

    terms: list[str]
    filters: list[tuple[str, str]]
    meta: list[tuple[str, str]]


class LinkedIncident(NamedTuple):
    """Another incident named on a page: the incident, its page (None: a draft left out of
    this build) and, for a computed suggestion, what it shares."""

    incident: Incident
    url: str | None
    reasons: tuple[tuple[str, str], ...] = ()


class NeededAgain(NamedTuple):
    """One of an incident's open actions that later incidents needed again: the action, the
    first of them with the time since this incident (as text), and how many more did."""

    action: Action
    first: Incident
    elapsed: str
    more: int


class LinkedEntity(NamedTuple):
    """A cause or lesson named on a page, its page, and how many incidents it has."""

    title: str
    url: str
    incidents: int = 0


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


def _first_sentence(text: str, limit: int = 160) -> str:
    """The page's description: the start of its Markdown as plain text (an image as its alt
    text, a link as its words), cut at a word."""
    flat = browse.summary_text(text, 2 * limit)
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


@lru_cache(maxsize=65536)
def _facet_query(facet: str, value: str) -> str:
    """`?organization=OpenAI`: the same few thousand values recur on every page."""
    return paths.browse_query(**{facet: value})


class Renderer:
    """Turns a knowledge base's graph into pages and files for one set of options."""

    def __init__(
        self,
        graph: Graph,
        options: RenderOptions | None = None,
        *,
        templates: Templates | None = None,
        cache: PageCache | None = None,
    ) -> None:
        self.graph = graph
        self.catalog = graph.catalog
        self.options = options or RenderOptions()
        self.templates = templates or Templates()
        self.messages = self.templates.messages
        """The build's labels, in the site's language (see `messages`)."""
        self.cache = cache
        self.reuse = cache.reuse if cache is not None else make_fresh
        """`reuse(key, inputs, make)`: a piece made from the same inputs in an earlier build of
        this `mkdocs serve` session, or `make()`; see `cache.PageCache`."""
        self._aggregates: dict[tuple[str, str], figures.Aggregate] = {}
        self._linkers: dict[str, Callable[[str], str]] = {}
        if cache is not None:
            cache.begin((self.options, self.templates.signature(), graph.kb.audience))

    # links -------------------------------------------------------------------

    def linker(self, src: str) -> Callable[[str], str]:
        """The function that makes links from the page at `src`, made once per page."""
        link = self._linkers.get(src)
        if link is None:
            link = self._linkers[src] = paths.linker(src, self.options.use_directory_urls, self.options.link_style)
        return link

    def browse_link(self, src: str, facet: str, value: object) -> str:
        """A link from `src` to the browse page filtered to one facet value (`?cause=dns`)."""
        return self.linker(src)(paths.BROWSE_INDEX) + _facet_query(facet, str(value))

    def incident_link(self, src: str, incident_id: str) -> str | None:
        """A link to an incident page, or None when the page is not in this build (a draft)."""
        incident = self.graph.by_id.get(incident_id)
        if incident is None or (incident.draft and not self.options.include_drafts):
            return None
        return self.linker(src)(paths.incident_page(incident_id))

    def aggregate(self, kind: str, entity_id: str) -> figures.Aggregate:
        """A cause's (its narrower causes included) or a lesson's figures, computed once per
        build: its own page and its index both show them."""
        key = (kind, entity_id)
        if key not in self._aggregates:
            group = (self.graph.by_cause_tree if kind == "cause" else self.graph.by_lesson).get(entity_id, [])
            self._aggregates[key] = figures.aggregate(group, self.graph.figures)
        return self._aggregates[key]

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
        yield self.triage_page()
        for incident in self.graph.kb.incidents:
            if not incident.draft or self.options.include_drafts:
                yield self.incident_page(incident)
        for placeholder in self.graph.kb.placeholders:
            yield self.placeholder_page(placeholder)
        for cause_id in self.catalog.causes:
            yield self.cause_page(cause_id)
        for lesson_id in self.catalog.lessons:
            yield self.lesson_page(lesson_id)

    def _render(self, template: str, src: str, **values: Any) -> str:
        """A page's template with its values, and what every template receives: `link`
        (a link from this page to a path of the site), `snippets` and `exclude`."""
        excluded = self.options.search_exclude
        return self.templates.render(
            template,
            link=self.linker(src),
            snippets=Snippets(self, src),
            exclude=lambda section: Markup(" data-search-exclude") if section in excluded else "",
            internal_site=self.graph.kb.audience == INTERNAL,
            **values,
        )

    def _section_front_matter(self, page: str, **meta: Any) -> str:
        """A section page's front matter: its title and description in the site's language."""
        return front_matter(self.messages.text(f"page.{page}.title"), self.messages.text(f"page.{page}.description"), **meta)

    def _linked(self, src: str, incident: Incident, reasons: tuple[tuple[str, str], ...] = ()) -> LinkedIncident:
        return LinkedIncident(incident, self.incident_link(src, incident.id), reasons)

    def incident_page(self, incident: Incident) -> Page:
        src = paths.incident_page(incident.id)
        graph, catalog = self.graph, self.catalog
        explicit = graph.related.get(incident.id, [])
        suggestions = graph.suggested.get(incident.id)
        earlier = graph.recurrences.of_later.get(incident.id, ())
        later = graph.recurrences.of_earlier.get(incident.id, ())
        earlier_more = incident.id in graph.recurrences.more

        def make() -> Page:
            link = self.linker(src)
            approximate_start = "started" in incident.approximate
            related = [self._linked(src, graph.by_id[other]) for other in explicit if other in graph.by_id]
            suggested = [
                self._linked(src, suggestion.incident, suggestion.reasons)
                for suggestion in suggestions or ()
                if suggestion.incident.id not in explicit and (self.options.include_drafts or not suggestion.incident.draft)
            ]
            text = front_matter(incident.title, _first_sentence(incident.summary), tags=list(incident.tags)) + self._render(
                "incident.md.j2",
                src,
                incident=incident,
                figures=figures_of_incident,
                approximate=incident.approximate,
                causes=[CauseEntry(ref, catalog.causes[ref.cause], link(paths.cause_page(ref.cause))) for ref in incident.causes],
                lessons=[
                    LessonEntry(ref, catalog.lessons[ref.lesson], link(paths.lesson_page(ref.lesson))) for ref in incident.lessons
                ],
                timeline=[
                    TimelineRow(
                        entry, Figure((entry.at - incident.started).total_seconds(), entry.approximate or approximate_start)
                    )
                    for entry in incident.timeline
                ],
                related=related,
                suggested=suggested,
                reasons_shown=REASONS_SHOWN,
                triage_url=link(paths.TRIAGE_INDEX),
                strip=incident_strip(incident, figures_of_incident, graph.built_at, self.messages),
                search_facets=self._search_facets(incident) if self.options.search_engine == PAGEFIND else None,
                **self._recurrence_values(src, earlier, later, earlier_more),
            )
            return Page(src, text)

        # what the page shows of other incidents comes from these objects; the graph keeps a
        # suggestion list as the same object while none of its incidents changed, and the
        # figures while the incident did not change (except for an ongoing outage's, which run until now)
        figures_of_incident = graph.figures[incident.id]
        inputs = (
            incident,
            catalog,
            suggestions,
            figures_of_incident,
            earlier,  # the recurrence tuples stay the same objects while their incidents do (`recurrence.keep_unchanged`)
            later,
            earlier_more,
            *(graph.by_id.get(other) for other in explicit),
        )
        # and the image files it shows: a changed image (another size) is another object
        files = self.images_of(incident)
        return self.reuse(
            ("incident-page", incident.id), (*inputs, *files), lambda: self._showing_images(incident, src, files, make)
        )

    def _search_facets(self, incident: Incident) -> SearchFacets:
        """Pagefind's filters of an incident: its causes with their broader causes (narrowing by a
        cause keeps its narrower ones, as browse does), lessons, severity, organization and year."""
        catalog = self.catalog
        causes = dict.fromkeys(c for ref in incident.causes for c in (ref.cause, *catalog.ancestors(ref.cause)))
        severity = catalog.severity_title(incident.severity)
        year = str(incident.started.year)
        filters = [("cause", catalog.causes[c].title) for c in causes]
        filters += [("lesson", catalog.lessons[ref.lesson].title) for ref in incident.lessons]
        filters += [("severity", severity), ("organization", incident.organization), ("year", year)]
        aliases = [alias for ref in incident.causes for alias in catalog.causes[ref.cause].aliases]
        facts = [incident.organization, *incident.services, *incident.upstream, *incident.regions, *incident.tags]
        terms = list(dict.fromkeys([*facts, *aliases]))
        return SearchFacets(terms, filters, [("organization", incident.organization), ("severity", severity), ("year", year)])

    def _recurrence_values(
        self, src: str, earlier: tuple[Recurrence, ...], later: tuple[Recurrence, ...], earlier_more: bool
    ) -> dict[str, Any]:
        """What an incident page's section on lessons not learned shows (see `recurrence`)."""
        snippets = Snippets(self, src)
        by_action: dict[int, list[Recurrence]] = {}  # each in time order, as `later` comes
        for recurrence in later:
            by_action.setdefault(recurrence.position, []).append(recurrence)
        by_earlier: dict[str, list[Recurrence]] = {}  # the newest earlier incident first, as `earlier` comes
        for recurrence in earlier:
            by_earlier.setdefault(recurrence.earlier.id, []).append(recurrence)
        shown = list(by_earlier.values())[:EARLIER_SHOWN]
        return {
            "earlier_actions": [(items[0].earlier, snippets.elapsed(items[0].seconds), items) for items in shown],
            "earlier_count": sum(len(items) for items in shown),
            "earlier_more": earlier_more or len(by_earlier) > EARLIER_SHOWN,
            "needed_again": [
                NeededAgain(items[0].action, items[0].later, snippets.elapsed(items[0].seconds), len(items) - 1)
                for _, items in sorted(by_action.items())
            ],
        }

    def placeholder_page(self, placeholder: Placeholder) -> Page:
        """A merged incident's address: a short page that sends readers on to the incident it
        was merged into, left out of the navigation, search and the sitemap (see `plugin`)."""
        src = paths.incident_page(placeholder.id)
        survivor = self.graph.by_id.get(placeholder.duplicate_of)
        url = self.incident_link(src, placeholder.duplicate_of) if survivor is not None else None
        meta: dict[str, Any] = {"search": {"exclude": True}, "hide": ["toc"]}
        if survivor is not None and url is not None:
            target = paths.incident_page(survivor.id)
            options = self.options
            # the refresh follows a published address, whatever the link style of the page's links
            meta["template"] = paths.REDIRECT_TEMPLATE
            meta["outagekb_redirect"] = paths.relative_url(src, target, options.use_directory_urls)
            meta["outagekb_canonical"] = (
                paths.page_address(target, options.use_directory_urls, options.site_url)
                if options.site_url
                else meta["outagekb_redirect"]
            )
        text = front_matter(self.messages.text("duplicate.title"), **meta) + self._render(
            "duplicate.md.j2", src, survivor=survivor, url=url, duplicate_of=placeholder.duplicate_of
        )
        return Page(src, text)

    def _showing_images(
        self, incident: Incident, src: str, files: tuple[images.ImageFile, ...], make: Callable[[], Page]
    ) -> Page:
        """`make()`, with the images of the incident shown on its page (see `prose`)."""
        options = self.options
        context = prose.ImageContext(
            incident.path,
            incident.id,
            src,
            options.use_directory_urls,
            options.link_style,
            options.image_folders,
            options.remote_images,
            files,
        )
        with prose.showing_images(context):
            return make()

    def cause_page(self, cause_id: str) -> Page:
        catalog, graph = self.catalog, self.graph
        cause = catalog.causes[cause_id]
        src = paths.cause_page(cause_id)
        link = self.linker(src)
        rows = graph.by_cause_tree.get(cause_id, [])[:PAGE_ROWS]
        meta = {"search": {"boost": ENTITY_BOOST}, "tags": list(cause.aliases)}
        snippets = Snippets(self, src)
        text = front_matter(cause.title, _first_sentence(cause.summary), **meta) + self._render(
            "cause.md.j2",
            src,
            cause=cause,
            stats=self.aggregate("cause", cause_id),
            incidents_table=tables.cause_incidents_table(snippets, cause_id, rows) if rows else "",
            shown=len(rows),
            browse_url=self.browse_link(src, "cause", cause_id),
            feed_url=link(feeds.cause_feed_path(cause_id)),
            broader=[
                LinkedEntity(catalog.causes[parent].title, link(paths.cause_page(parent)))
                for parent in reversed(catalog.tree.ancestors[cause_id])
            ],
            narrower=[
                LinkedEntity(catalog.causes[child].title, link(paths.cause_page(child)), len(graph.by_cause_tree.get(child, [])))
                for child in catalog.tree.children[cause_id]
            ],
            lessons=graph.lessons_of_cause.get(cause_id, [])[:5],
            **self._cause_recurrence_values(snippets, cause_id),
        )
        return Page(src, text)

    def _cause_recurrence_values(self, snippets: Snippets, cause_id: str) -> dict[str, Any]:
        """How often the cause comes back, as its page writes it (see `figures.recurrence`)."""
        found = self.graph.cause_recurrence[cause_id]
        gap = found.gap_median.seconds
        return {
            "recurrence": found,
            "recurrence_gap": snippets.elapsed(gap) if gap is not None else "",
            "per_year": snippets.per_year(found.per_year) if found.per_year is not None else "",
        }

    def lesson_page(self, lesson_id: str) -> Page:
        lesson = self.catalog.lessons[lesson_id]
        src = paths.lesson_page(lesson_id)
        rows = self.graph.by_lesson.get(lesson_id, [])[:PAGE_ROWS]
        meta = {"search": {"boost": ENTITY_BOOST}, "tags": list(lesson.aliases)}
        snippets = Snippets(self, src)
        actions = self.graph.open_actions.get(lesson_id, [])
        text = front_matter(lesson.title, _first_sentence(lesson.summary), **meta) + self._render(
            "lesson.md.j2",
            src,
            lesson=lesson,
            stats=self.aggregate("lesson", lesson_id),
            incidents_table=tables.lesson_incidents_table(snippets, lesson_id, rows) if rows else "",
            shown=len(rows),
            browse_url=self.browse_link(src, "lesson", lesson_id),
            open_actions=snippets.open_actions(actions) if actions else "",
            **self._lesson_recurrence_values(snippets, lesson_id),
        )
        return Page(src, text)

    def _lesson_recurrence_values(self, snippets: Snippets, lesson_id: str) -> dict[str, Any]:
        """The lesson taught again while an earlier incident's action for it was open, newest first."""
        found = self.graph.recurrences.of_lesson.get(lesson_id, ())
        return {
            "not_learned": [(r, snippets.elapsed(r.seconds)) for r in found[:LESSON_RECURRENCES_SHOWN]],
            "not_learned_count": len(found),
        }

    def incidents_index(self) -> Page:
        src = paths.INCIDENTS_INDEX
        incidents = self.graph.incidents
        # lists of titles found on the incident pages themselves: left out of search, where they only add noise
        text = self._section_front_matter(
            "incidents",
            search={"exclude": True},
            hide=["toc"],  # no headings: the table gets the room
        ) + self._render(
            "incidents_index.md.j2",
            src,
            count=len(incidents),
            incidents_table=tables.incidents_table(Snippets(self, src), incidents, self.graph.figures) if incidents else "",
        )
        return Page(src, text, in_nav=True)

    def causes_index(self) -> Page:
        src = paths.CAUSES_INDEX
        causes = self.catalog.causes
        groups = [
            tables.Group(cause_id, self.aggregate("cause", cause_id), depth, causes[cause_id])
            for depth, cause_id in self.catalog.tree.order
        ]
        text = self._section_front_matter(
            "causes",
            hide=["toc"],  # no headings: the table gets the room
        ) + self._render(
            "causes_index.md.j2",
            src,
            causes_table=tables.CAUSE_TREE.rows(Snippets(self, src), groups),
            unclassified=len(self.graph.unclassified),
            triage_url=self.linker(src)(paths.TRIAGE_INDEX),
        )
        return Page(src, text, in_nav=True)

    def lessons_index(self) -> Page:
        src = paths.LESSONS_INDEX
        groups = [
            tables.Group(lesson_id, self.aggregate("lesson", lesson_id), entity=lesson)
            for lesson_id, lesson in self.catalog.lessons.items()
        ]
        text = self._section_front_matter(
            "lessons",
            hide=["toc"],  # no headings: the table gets the room
        ) + self._render("lessons_index.md.j2", src, lessons_table=tables.LESSON_LIST.rows(Snippets(self, src), groups))
        return Page(src, text, in_nav=True)

    def actions_index(self) -> Page:
        src = paths.ACTIONS_INDEX
        open_actions = self.graph.open_actions
        keys: list[str | None] = [lesson_id for lesson_id in self.catalog.lessons if lesson_id in open_actions]
        if None in open_actions:
            keys.append(None)
        snippets = Snippets(self, src)
        groups = [(self.catalog.lessons[key].title if key else None, snippets.open_actions(open_actions[key])) for key in keys]
        count = sum(len(open_actions[key]) for key in keys)
        recurred_count = len(self.graph.recurrences.of_action)
        text = self._section_front_matter("actions", search={"exclude": True}) + self._render(
            "actions_index.md.j2", src, groups=groups, count=count, today=self.options.today, recurred_count=recurred_count
        )
        return Page(src, text, in_nav=True)

    def stats_page(self) -> Page:
        """Charts drawn at build time as inline SVG, each with its numbers as a table."""
        src = paths.STATS_INDEX
        graph = self.graph
        found = chart_stats(graph.incidents, self.catalog, graph.figures, self.messages)
        charts = {
            name: (Markup(chart.svg), Markup(chart.table))
            for name, chart in (("years", found.years), ("durations", found.durations), ("first_update", found.first_update))
        }
        snippets = Snippets(self, src)
        by_year = [tables.Group(year, figures.aggregate(group, graph.figures)) for year, group in graph.by_year.items()]
        by_organization = [
            tables.Group(name, figures.aggregate(group, graph.figures)) for name, group in graph.by_organization.items()
        ]
        text = self._section_front_matter("stats")
        text += self._render(
            "stats.md.j2",
            src,
            charts=charts,
            found=found,
            by_year_table=tables.BY_YEAR.rows(snippets, by_year),
            by_organization_table=tables.BY_ORGANIZATION.rows(snippets, by_organization),
            **self._stats_recurrence_values(snippets),
        )
        return Page(src, text, in_nav=True)

    def _stats_recurrence_values(self, snippets: Snippets) -> dict[str, Any]:
        """The statistics page's recurrence: lessons not learned, counted, and how often each
        cause comes back (the causes some organization had more than once, in the tree's order);
        and the links to the exports."""
        graph, causes = self.graph, self.catalog.causes
        rows = [
            (causes[cause_id], graph.cause_recurrence[cause_id])
            for _, cause_id in self.catalog.tree.order
            if graph.cause_recurrence[cause_id].gaps
        ]
        link = snippets.link
        return {
            "recurred": graph.recurrences.incidents,
            "published": len(graph.incidents),
            "cause_recurrence_table": tables.CAUSE_RECURRENCE.rows(snippets, rows) if rows else "",
            "exports": {
                "incidents_csv": link(paths.INCIDENTS_CSV_PATH),
                "actions_csv": link(paths.ACTIONS_CSV_PATH),
                "json": link(paths.EXPORT_PATH),
            },
        }

    def triage_page(self) -> Page:
        """`triage/`: the published incidents whose causes are not yet classified, oldest first."""
        src = paths.TRIAGE_INDEX
        waiting = self.graph.unclassified
        text = self._section_front_matter(
            "triage",
            search={"exclude": True},
        ) + self._render(
            "triage.md.j2",
            src,
            count=len(waiting),
            triage_table=tables.triage_table(Snippets(self, src), waiting, self.graph.figures) if waiting else "",
        )
        return Page(src, text)

    def browse_page(self) -> Page:
        """`browse/`: the incidents filtered in the reader's browser (the index from `browse`, browse.js)."""
        src = paths.BROWSE_INDEX
        head = self._section_front_matter(
            "browse",
            hide=["toc"],  # no headings: the facets get the room
        )
        index_url = paths.relative_url(src, paths.BROWSE_DATA, self.options.use_directory_urls)
        text = head + self._render(
            "browse.md.j2",
            src,
            index_url=index_url,
            count=len(self.graph.incidents),
            incidents_url=self.linker(src)(paths.INCIDENTS_INDEX),
            script_messages=browse.script_messages(self.messages),
        )
        return Page(src, text, in_nav=True)

    # files -------------------------------------------------------------------

    def assets(self) -> list[Asset]:
        """Every generated file that is not a page."""
        options = self.options
        directory_urls, site_url = options.use_directory_urls, options.site_url
        return [
            Asset(paths.STYLESHEET, self.templates.text("outagekb.css")),
            Asset(paths.BROWSE_SCRIPT, self.templates.text("browse.js")),
            *([Asset(paths.SEARCH_SCRIPT, self.search_script())] if options.search_engine == PAGEFIND else []),
            Asset(
                paths.BROWSE_DATA,
                browse.index_json(self.graph, use_directory_urls=directory_urls, reuse=self.reuse, messages=self.messages),
            ),
            Asset(
                schema.INCIDENT_SCHEMA_PATH,
                schema.dumps(schema.incident_schema(self.catalog, organization=self.graph.kb.organization)),
            ),
            Asset(schema.CATALOG_SCHEMA_PATH, schema.dumps(schema.catalog_schema())),
            Asset(
                feeds.EXPORT_PATH,
                feeds.export_json(self.graph, use_directory_urls=directory_urls, site_url=site_url, reuse=self.reuse),
            ),
            Asset(feeds.EXPORT_SCHEMA_PATH, schema.dumps(feeds.export_schema(self.catalog))),
            Asset(
                exports.INCIDENTS_CSV_PATH,
                exports.incidents_csv(self.graph, use_directory_urls=directory_urls, site_url=site_url, reuse=self.reuse),
            ),
            Asset(
                exports.ACTIONS_CSV_PATH,
                exports.actions_csv(self.graph, use_directory_urls=directory_urls, site_url=site_url, reuse=self.reuse),
            ),
            *(
                Asset(path, text)
                for path, text in feeds.site_feeds(
                    self.graph, use_directory_urls=directory_urls, site_url=site_url, messages=self.messages
                )
            ),
        ]

    def search_script(self) -> str:
        """The search box's script for Pagefind: `search.js`, a function, called with the words it
        writes in the site's language (`search.script`, one text or its forms by number)."""
        prefix = "search.script."
        labels = {key[len(prefix) :]: self.messages.forms(key) for key in self.messages.table if key.startswith(prefix)}
        words = json.dumps({"language": self.messages.language, "labels": labels}, ensure_ascii=False, separators=(",", ":"))
        return self.templates.text("search.js").rstrip() + f"({words});\n"

    def images_of(self, incident: Incident) -> tuple[images.ImageFile, ...]:
        """The image files the incident's page shows."""
        return images.incident_images(incident, self.options.image_folders)

    def copied_files(self) -> list[CopiedFile]:
        """The images the pages of this build show, each copied once."""
        copies: dict[str, CopiedFile] = {}
        for incident in self.graph.kb.incidents:
            if not incident.draft or self.options.include_drafts:
                for image in self.images_of(incident):
                    copies.setdefault(image.site, CopiedFile(image.site, image.source))
        return list(copies.values())

    def outputs(self) -> dict[str, str | CopiedFile]:
        """Every page (Markdown) and file by its path in the docs tree (a copied file by its
        source), checked to stay inside the output folder (`paths.check_outputs`)."""
        made: dict[str, str | CopiedFile] = {page.src: page.text for page in self.iter_pages()}
        made.update({asset.path: asset.text for asset in self.assets()})
        made.update({copy.path: copy for copy in self.copied_files()})
        paths.check_outputs(made)
        return made
