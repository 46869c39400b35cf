"""Related incidents computed from what incidents share: causes, tags, services, upstream.

A shared rare value says more than a shared common one, so each shared value weighs its
kind's weight times its inverse document frequency. Comparing every pair would be
quadratic; instead each incident looks only at candidates reached through its own
values, rarest first, and stops after a fixed number of candidates, so the cost grows
with N times that bound, not with N squared.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .model import Catalog, Incident

LIMIT = 3
"""How many computed related incidents a page shows (after the explicit ones): the closest few;
the cause pages list every incident of a cause, and `outagekb similar` ranks them all."""

REASONS_SHOWN = 2
"""Reasons a page gives for a computed related incident, the weightiest kinds first; the rest are counted."""

CANDIDATES = 100
"""How many other incidents each incident scores at most."""

WEIGHTS = {"cause": 3.0, "upstream": 2.5, "tag": 2.0, "service": 1.5, "broader cause": 1.0}
"""What a shared value of each kind is worth before rarity; a shared exact cause counts most."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Another incident, why it is related (kind, value as shown) and how strongly."""

    incident: Incident
    reasons: tuple[tuple[str, str], ...]
    score: float


def _features(incident: Incident, catalog: Catalog) -> dict[tuple[str, str], str]:
    """The values an incident can share, keyed for matching, with the text shown as reason."""
    ancestors = catalog.tree.ancestors
    found: dict[tuple[str, str], str] = {}
    for ref in incident.causes:
        found[("cause", ref.cause)] = ref.cause
    for ref in incident.causes:
        for parent in ancestors.get(ref.cause, []):
            found.setdefault(("broader cause", parent), parent)
    for tag in incident.tags:
        found[("tag", tag.casefold())] = tag
    for service in incident.services:
        # a service is compared within its organization: every company has an `API`
        found[("service", f"{incident.organization.casefold()}\0{service.casefold()}")] = service
    for name in incident.upstream:
        found[("upstream", name.casefold())] = name
    return found


def compute_related(incidents: Sequence[Incident], catalog: Catalog, *, limit: int = LIMIT) -> dict[str, list[Suggestion]]:
    """For each incident (newest first in `incidents`), up to `limit` others by shared values."""
    index = _index(incidents, catalog)
    return {incident.id: index.suggest(incident, limit) for incident in incidents}


def update_related(
    incidents: Sequence[Incident],
    catalog: Catalog,
    previous: dict[str, list[Suggestion]],
    earlier: Sequence[Incident],
    *,
    limit: int = LIMIT,
) -> dict[str, list[Suggestion]]:
    """What `compute_related` returns, computed again only where it can differ.

    `previous` is its result for the same incidents before some of them were edited,
    `earlier` those incidents as they were (the same ids, the same number of incidents).
    An incident's suggestions depend only on the incidents that hold one of its values,
    on how many hold each value and on their order in time. So only the edited incidents
    are scored again, with the holders of a value an edited incident gained or lost (its
    rarity changed), or of any value it has or had when it moved in time (the order
    changed). Elsewhere a list that names an incident with a new version gets that version;
    with nothing edited, that is all it does."""
    by_id = {i.id: i for i in incidents}
    index: RelatedIndex | None = None  # built only when there is something to score
    touched: set[str] = set()
    if earlier:
        index = _index(incidents, catalog)
        for old in earlier:
            new = by_id[old.id]
            before, after = set(_features(old, catalog)), set(index.features[new.id])
            moved = old.started != new.started or old.draft != new.draft
            touched.add(old.id)
            for key in before | after if moved else before ^ after:
                touched.update(holder.id for holder in index.postings.get(key, ()))
    found: dict[str, list[Suggestion]] = {}
    for incident in incidents:
        if index is not None and incident.id in touched:
            found[incident.id] = index.suggest(incident, limit)
            continue
        kept = previous[incident.id]
        # the same scores and reasons; an incident named in it may have a new version all the
        # same (an edited one, or another file saved in the same rebuild whose title changed)
        if any(by_id[s.incident.id] is not s.incident for s in kept):
            kept = [Suggestion(by_id[s.incident.id], s.reasons, s.score) for s in kept]
        found[incident.id] = kept
    return found


def _index(incidents: Sequence[Incident], catalog: Catalog) -> RelatedIndex:
    features = {i.id: _features(i, catalog) for i in incidents}
    postings: dict[tuple[str, str], list[Incident]] = defaultdict(list)
    position: dict[tuple[tuple[str, str], str], int] = {}
    for incident in incidents:
        for key in features[incident.id]:
            position[(key, incident.id)] = len(postings[key])
            postings[key].append(incident)
    total = max(len(incidents), 1)
    weight = {key: WEIGHTS[key[0]] * math.log(1 + total / len(members)) for key, members in postings.items()}
    return RelatedIndex(features, dict(postings), position, weight, {i.id: i for i in incidents})


@dataclass
class RelatedIndex:
    """Who holds which value; `scored` counts the candidates scored so far (the work done)."""

    features: dict[str, dict[tuple[str, str], str]]
    postings: dict[tuple[str, str], list[Incident]]
    position: dict[tuple[tuple[str, str], str], int]
    weight: dict[tuple[str, str], float]
    by_id: dict[str, Incident]
    scored: int = 0

    def suggest(self, incident: Incident, limit: int) -> list[Suggestion]:
        own = self.features[incident.id]
        scores: dict[str, float] = {}
        for key in sorted(own, key=lambda k: len(self.postings[k])):  # rarest first: the best evidence
            weight = self.weight[key]
            if len(scores) >= CANDIDATES:  # full: only candidates already found gain this evidence
                for other_id in scores:
                    if key in self.features[other_id]:
                        scores[other_id] += weight
                continue
            credited: set[str] = set()
            # nearest in time first, so that a common value brings the closest incidents
            for other in _outward(self.postings[key], self.position[(key, incident.id)]):
                other_id = other.id
                if other_id in scores:
                    scores[other_id] += weight
                elif len(scores) < CANDIDATES:
                    scores[other_id] = weight
                else:
                    for late_id in scores:  # the list ran past the bound: credit the rest of the known ones
                        if late_id not in credited and key in self.features[late_id]:
                            scores[late_id] += weight
                    break
                credited.add(other_id)
        self.scored += len(scores)
        if not scores:
            return []
        # only the candidates tied with or above the limit-th score need the full ordering
        threshold = heapq.nlargest(limit, scores.values())[-1]
        started = incident.started
        best = sorted(
            (other_id for other_id, score in scores.items() if score >= threshold),
            key=lambda other_id: (-scores[other_id], abs((self.by_id[other_id].started - started).total_seconds()), other_id),
        )[:limit]
        return [
            Suggestion(
                self.by_id[other_id],
                _ordered([(k[0], own[k]) for k in own if k in self.features[other_id]]),
                round(scores[other_id], 3),
            )
            for other_id in best
        ]


def _outward(members: list[Incident], index: int) -> Iterator[Incident]:
    """The other members, from the nearest neighbours of `index` outwards."""
    low, high = index - 1, index + 1
    while low >= 0 or high < len(members):
        if high < len(members):
            yield members[high]
            high += 1
        if low >= 0:
            yield members[low]
            low -= 1


def _ordered(reasons: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    order = list(WEIGHTS)
    return tuple(sorted(reasons, key=lambda reason: (order.index(reason[0]), reason[1])))


def describe(reasons: Sequence[tuple[str, str]]) -> str:
    """`shares cause dns, tag bgp`: the reasons as a reader reads them, as plain text."""
    return "shares " + ", ".join(f"{kind} {value}" for kind, value in reasons)
