"""Who a build is for: the one gate between the knowledge base and everything made from it.

A knowledge base may hold what must not leave the company. `for_audience` is applied once,
where a build reads the model (the plugin's `on_config`, `outagekb render`), and every page,
index, search entry, feed, export, chart, count and related list is made from what it
returns, so nothing downstream needs to remember the rule. For the public audience, internal
incidents do not exist (nor the addresses of incidents merged into them), and a public
incident keeps none of its internal entries, notes or analysis, nor links to incidents that
are not public.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from .model import INTERNAL, PUBLIC, Incident, KnowledgeBase, Point, Retrospective

AUDIENCES = (INTERNAL, PUBLIC)
"""`internal`: the whole knowledge base, internal parts marked; `public`: only what is public."""
AUDIENCE_VARIABLE = "OUTAGEKB_AUDIENCE"
"""The environment variable that chooses the audience when `mkdocs.yml` does not: one
repository, two CI jobs, two sites."""


def chosen_audience(configured: str | None, given: str | None = None) -> tuple[str, str | None]:
    """The audience of a build and, when the environment variable holds no audience, why it
    was not used. Order: `given` (a command's `--audience`), then `mkdocs.yml`'s `audience`
    (so that a repository can pin `public`), then the variable, then `internal`."""
    if given:
        return given, None
    if configured:
        return configured, None
    value = os.environ.get(AUDIENCE_VARIABLE, "").strip()
    if not value:
        return INTERNAL, None
    if value in AUDIENCES:
        return value, None
    return INTERNAL, f"{AUDIENCE_VARIABLE} is `{value}`, which is not an audience; set it to `internal` or `public`"


@dataclass(frozen=True)
class LeftOut:
    """What the gate kept from a build, for the build's log: counts, never names."""

    incidents: int = 0
    entries: int = 0


def for_audience(
    kb: KnowledgeBase, audience: str, reuse: dict[str, tuple[Incident, tuple[str, ...], Incident]] | None = None
) -> tuple[KnowledgeBase, LeftOut]:
    """The knowledge base as `audience` may read it. `reuse` (kept by a `mkdocs serve`
    session) maps an id to the incident last seen, its public links and its public part, so
    that an unchanged incident yields the same object and its page is not made again."""
    if audience != PUBLIC:
        return kb, LeftOut()
    public = [incident for incident in kb.incidents if incident.is_public]
    public_ids = {incident.id for incident in public}
    # a merged incident's address follows the incident it was merged into
    placeholders = tuple(p for p in kb.placeholders if p.duplicate_of in public_ids)
    linkable = public_ids | {p.id for p in placeholders}
    incidents: list[Incident] = []
    entries = 0
    for incident in public:
        related = tuple(other for other in incident.related if other in linkable)
        kept = reuse.get(incident.id) if reuse is not None else None
        if kept is not None and kept[0] is incident and kept[1] == related:
            part = kept[2]
        else:
            part = public_part(incident, related)
            if reuse is not None:
                reuse[incident.id] = (incident, related, part)
        entries += internal_entries(incident)  # its public part has none
        incidents.append(part)
    if reuse is not None:
        for gone in set(reuse) - public_ids:
            del reuse[gone]
    left_out = LeftOut(len(kb.incidents) - len(public), entries)
    return replace(kb, incidents=tuple(incidents), placeholders=placeholders, audience=PUBLIC), left_out


def audience_note(kb: KnowledgeBase, left_out: LeftOut) -> str:
    """The build log's line on whom the site is for, so that a CI log shows which site a job made."""
    count = len(kb.incidents)
    incidents = f"{count} incident{'s' if count != 1 else ''}"
    if kb.audience != PUBLIC:
        internal = sum(not incident.is_public for incident in kb.incidents)
        return f"building the internal site: {incidents}, {internal} of them internal; internal parts are marked"
    entries = f"{left_out.entries} internal entr{'ies' if left_out.entries != 1 else 'y'}"
    hidden = f"{left_out.incidents} internal incident{'s' if left_out.incidents != 1 else ''}"
    return f"building the public site: {incidents}; left out: {hidden} and {entries}"


def public_part(incident: Incident, related: tuple[str, ...]) -> Incident:
    """A public incident without its internal entries, notes and analysis, linking only to
    the incidents in `related` (the public ones it names); the same object when it has
    nothing internal, so that unchanged pages stay unchanged."""
    timeline = tuple(entry for entry in incident.timeline if not entry.internal)
    updates = tuple(update for update in incident.updates if not update.internal)
    actions = tuple(action for action in incident.actions if not action.internal)
    references = tuple(reference for reference in incident.references if not reference.internal)
    retrospective = _public_retrospective(incident.retrospective)
    if (
        len(timeline) == len(incident.timeline)
        and len(updates) == len(incident.updates)
        and len(actions) == len(incident.actions)
        and len(references) == len(incident.references)
        and retrospective is incident.retrospective
        and related == incident.related
        and not incident.internal_notes
        and not incident.internal_analysis
        and incident.internal_analysis_path is None
    ):
        return incident
    return replace(
        incident,
        timeline=timeline,
        updates=updates,
        actions=actions,
        references=references,
        retrospective=retrospective,
        related=related,
        internal_notes="",
        internal_analysis="",
        internal_analysis_path=None,
    )


def _public_retrospective(retrospective: Retrospective | None) -> Retrospective | None:
    if retrospective is None:
        return None
    lists = (retrospective.went_well, retrospective.went_wrong, retrospective.lucky)
    if not any(point.internal for points in lists for point in points):
        return retrospective
    well, wrong, lucky = (_public_points(points) for points in lists)
    return Retrospective(well, wrong, lucky) if well or wrong or lucky else None


def _public_points(points: tuple[Point, ...]) -> tuple[Point, ...]:
    return tuple(point for point in points if not point.internal)


def internal_entries(incident: Incident) -> int:
    """How many entries, notes and analyses of an incident are marked internal."""
    retrospective = incident.retrospective
    points = (*retrospective.went_well, *retrospective.went_wrong, *retrospective.lucky) if retrospective else ()
    return (
        sum(entry.internal for entry in incident.timeline)
        + sum(update.internal for update in incident.updates)
        + sum(action.internal for action in incident.actions)
        + sum(reference.internal for reference in incident.references)
        + sum(point.internal for point in points)
        + bool(incident.internal_notes)
        + bool(incident.internal_analysis)
    )
