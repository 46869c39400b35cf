"""The cross-links between incidents, causes and lessons, computed once per build.

Every index is built in one pass over the incidents (plus the cause tree for parents),
so the cost grows linearly with the knowledge base.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from .figures import IncidentFigures, RecurrenceFigures, build_time, incident_figures, recurrence, years_covered
from .model import Action, Catalog, Incident, KnowledgeBase
from .recurrence import Recurrences, find_recurrences, keep_unchanged
from .related import Suggestion, compute_related, update_related


def newest_first(incidents: list[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda i: (i.started, i.id), reverse=True)


@dataclass
class Graph:
    """Who links to whom. Lists hold published incidents only, newest first."""

    kb: KnowledgeBase
    incidents: list[Incident] = field(default_factory=list)
    by_id: dict[str, Incident] = field(default_factory=dict)
    by_cause_tree: dict[str, list[Incident]] = field(default_factory=dict)  # the cause and its descendants
    by_lesson: dict[str, list[Incident]] = field(default_factory=dict)
    related: dict[str, list[str]] = field(default_factory=dict)  # explicit links, both directions
    lessons_of_cause: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    open_actions: dict[str | None, list[tuple[Incident, Action]]] = field(default_factory=dict)
    by_organization: dict[str, list[Incident]] = field(default_factory=dict)
    by_year: dict[int, list[Incident]] = field(default_factory=dict)
    unclassified: list[Incident] = field(default_factory=list)  # causes not yet classified, oldest first
    figures: dict[str, IncidentFigures] = field(default_factory=dict)  # every incident, drafts included
    suggested: dict[str, list[Suggestion]] = field(default_factory=dict)  # computed related incidents
    relatedness: tuple[tuple[object, ...], ...] = ()  # what `suggested` was computed from, id first
    survivors: dict[str, str] = field(default_factory=dict)  # a placeholder's id -> the incident it was merged into
    built_at: datetime = field(default_factory=build_time)  # the build's moment: the end of an ongoing outage
    recurrences: Recurrences = field(default_factory=Recurrences)  # lessons not learned (see `recurrence`)
    cause_recurrence: dict[str, RecurrenceFigures] = field(default_factory=dict)  # every cause, narrower ones included

    @property
    def catalog(self) -> Catalog:
        return self.kb.catalog


def relatedness_inputs(incidents: list[Incident]) -> tuple[tuple[object, ...], ...]:
    """What computed related incidents depend on, in order: not titles or prose."""
    return tuple((i.id, i.started, i.organization, i.services, i.tags, i.upstream, i.cause_ids, i.draft) for i in incidents)


def build_graph(kb: KnowledgeBase, previous: Graph | None = None, *, now: datetime | None = None) -> Graph:
    """The cross-links of `kb`. With the `previous` graph of the same session (mkdocs serve),
    figures of unchanged incidents and, when no incident changed what relatedness reads,
    the related incidents are taken from it instead of computed again. `now`: the build's
    moment (default `figures.build_time()`)."""
    catalog = kb.catalog
    graph = Graph(kb, built_at=now or build_time())
    graph.incidents = newest_first(list(kb.published))
    graph.by_id = {i.id: i for i in kb.incidents}
    by_tree: dict[str, list[Incident]] = defaultdict(list)
    by_lesson: dict[str, list[Incident]] = defaultdict(list)
    lesson_counts: dict[str, Counter[str]] = defaultdict(Counter)
    related: dict[str, list[str]] = defaultdict(list)
    actions: dict[str | None, list[tuple[Incident, Action]]] = defaultdict(list)
    by_organization: dict[str, list[Incident]] = defaultdict(list)
    by_year: dict[int, list[Incident]] = defaultdict(list)
    with_ancestors = catalog.tree.with_ancestors
    for incident in graph.incidents:
        for cause_id in with_ancestors(incident.cause_ids):
            by_tree[cause_id].append(incident)
            for lesson_id in incident.lesson_ids:
                lesson_counts[cause_id][lesson_id] += 1
        if incident.unclassified:
            graph.unclassified.append(incident)
        else:  # lesson figures, like cause figures, leave out incidents whose causes are not known
            for lesson_id in incident.lesson_ids:
                by_lesson[lesson_id].append(incident)
        by_organization[incident.organization].append(incident)
        by_year[incident.started.year].append(incident)
        for action in incident.actions:
            if action.is_open:
                actions[action.lesson].append((incident, action))
    graph.survivors = survivors = kb.survivors
    for incident in kb.incidents:
        for named in incident.related:
            other = survivors.get(named, named)  # a merged incident's links lead to the one that stays
            if other == incident.id:
                continue
            if other not in related[incident.id]:
                related[incident.id].append(other)
            if incident.id not in related[other] and not incident.draft:
                related[other].append(incident.id)
    graph.unclassified.reverse()
    graph.by_cause_tree = dict(by_tree)
    graph.by_lesson = dict(by_lesson)
    graph.related = dict(related)
    graph.lessons_of_cause = {c: counts.most_common() for c, counts in lesson_counts.items()}
    graph.open_actions = dict(actions)
    graph.by_organization = dict(sorted(by_organization.items(), key=lambda item: (-len(item[1]), item[0].casefold())))
    graph.by_year = dict(sorted(by_year.items(), reverse=True))
    same_catalog = previous is not None and previous.kb.catalog is catalog
    old_by_id = previous.by_id if previous is not None and same_catalog else {}
    now = graph.built_at
    graph.figures = {  # the silence of an ongoing outage runs until now: made again on every build
        i.id: previous.figures[i.id]  # type: ignore[union-attr]
        if old_by_id.get(i.id) is i and (i.resolved is not None or not i.updates)
        else incident_figures(i, catalog, now)
        for i in kb.incidents
    }
    published = graph.incidents + newest_first([i for i in kb.incidents if i.draft])
    graph.relatedness = relatedness_inputs(published)
    earlier = edited(previous, graph) if same_catalog and previous is not None else None
    if earlier is not None and previous is not None:
        # no edit to what relatedness reads (earlier == []) costs only a pass over the lists
        graph.suggested = update_related(published, catalog, previous.suggested, earlier)
    else:
        graph.suggested = compute_related(published, catalog)
    if same_catalog and previous is not None:
        keep_unchanged_lists(graph.suggested, previous.suggested)
    add_recurrence(graph, previous)
    return graph


def add_recurrence(graph: Graph, previous: Graph | None) -> None:
    """Lessons not learned and how often each cause comes back, from the published incidents."""
    graph.recurrences = find_recurrences(graph.incidents)
    if previous is not None:
        keep_unchanged(graph.recurrences, previous.recurrences)
    years = years_covered(graph.incidents)
    graph.cause_recurrence = {
        cause_id: recurrence(graph.by_cause_tree.get(cause_id, ()), years) for cause_id in graph.catalog.causes
    }


EDITED_LIMIT = 100
"""Beyond this many incidents edited at once (a branch switched, a bulk rename), related
incidents are computed afresh: cheaper than rescoring nearly everyone piecemeal."""


def edited(previous: Graph, graph: Graph) -> list[Incident] | None:
    """The incidents, as they were, whose related inputs changed since `previous`; None when
    incidents came or went (every value's rarity changes then) or too many changed."""
    if previous.relatedness == graph.relatedness:
        return []
    before = {inputs[0]: inputs for inputs in previous.relatedness}
    if len(before) != len(graph.relatedness):
        return None
    earlier: list[Incident] = []
    for inputs in graph.relatedness:
        old = before.get(inputs[0])
        if old is None:
            return None
        if old != inputs:
            earlier.append(previous.by_id[str(inputs[0])])
            if len(earlier) > EDITED_LIMIT:
                return None
    return earlier


def keep_unchanged_lists(suggested: dict[str, list[Suggestion]], previous: dict[str, list[Suggestion]]) -> None:
    """Put back the previous build's list wherever the new one shows the same incidents for
    the same reasons: one changed incident changes few lists, and the pages made from the
    others are reused (the page cache compares lists by identity)."""
    for incident_id, suggestions in suggested.items():
        old = previous.get(incident_id)
        if (
            old is not None
            and old is not suggestions
            and len(old) == len(suggestions)
            and all(a.incident is b.incident and a.reasons == b.reasons for a, b in zip(old, suggestions, strict=True))
        ):
            suggested[incident_id] = old
