"""Lessons not learned: a later outage that needed follow-up work an earlier one left open.

The rule, for two published incidents of the same organization, `earlier` starting
strictly before `later`, and an action of `earlier` whose status is open or in progress
(`model.OPEN_ACTION_STATUSES`): the action *recurred* in `later` when

- the action's `lesson` is one of the lessons `later` teaches (the lesson was taught
  again), or else
- the two incidents name a cause in common, the very same cause id (the outage came back
  the same way, whatever the action serves, or an action tied to no lesson).

Why these limits, each on the side of saying less:

- One organization: an action is that organization's promise; another organization's
  outage says nothing about whether it was kept.
- The same cause, not a broader one: two narrower causes of one parent (`dns` and `cdn`
  under `network`) are different failures, and work against one does not prevent the
  other. A broader cause is a category, not the way an outage came about.
- Strictly earlier start: an action cannot have been left open before its incident began.

The cost: open actions are indexed once by (organization, lesson) and by (organization,
cause), in time order; each incident looks up its own lessons and causes and walks back
at most `LIMIT` entries of each list, so the work grows with the number of incidents, not
with the number of pairs. An incident keeps the `LIMIT` newest earlier actions it repeats
(the newest are exact; `more` says whether there were others).
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from .model import Action, Incident

LIMIT = 10
"""Earlier open actions kept per incident, newest first; beyond it a page says there are more."""


@dataclass(frozen=True, slots=True, eq=False)
class Recurrence:
    """An open action of `earlier` that `later` needed again."""

    earlier: Incident
    position: int
    """The action's place in `earlier.actions`, from 0."""
    later: Incident
    lesson: str | None
    """The action's lesson when `later` teaches it too; None when only causes are shared."""
    causes: tuple[str, ...]
    """The causes both incidents name, in `later`'s order (may be empty when the lesson matched)."""

    @property
    def action(self) -> Action:
        return self.earlier.actions[self.position]

    @property
    def seconds(self) -> float:
        """The time from the earlier incident's start to the later one's."""
        return (self.later.started - self.earlier.started).total_seconds()

    def same_as(self, other: Recurrence) -> bool:
        """The same pair of the very same incident objects (for `mkdocs serve`'s reuse)."""
        return (
            self.earlier is other.earlier
            and self.later is other.later
            and self.position == other.position
            and self.lesson == other.lesson
            and self.causes == other.causes
        )


@dataclass
class Recurrences:
    """The lessons not learned of one build, by every way a page asks for them."""

    of_later: dict[str, tuple[Recurrence, ...]] = field(default_factory=dict)
    """Incident id -> the earlier open actions it needed, newest earlier incident first."""
    more: frozenset[str] = frozenset()
    """Ids of incidents that needed more earlier open actions than `of_later` keeps."""
    of_earlier: dict[str, tuple[Recurrence, ...]] = field(default_factory=dict)
    """Incident id -> where its open actions recurred, by action, then oldest later incident first."""
    of_action: dict[tuple[str, int], tuple[Recurrence, ...]] = field(default_factory=dict)
    """(incident id, action position) -> the later incidents it recurred in, oldest first."""
    of_lesson: dict[str, tuple[Recurrence, ...]] = field(default_factory=dict)
    """Lesson id -> the recurrences through that lesson (taught again), newest later incident first."""

    @property
    def incidents(self) -> int:
        """How many incidents needed an earlier incident's open action."""
        return len(self.of_later)


_Entry = tuple[int, int]
"""An open action in an index: its incident's place in time order, and its own place."""
Key = TypeVar("Key")


class _Index:
    """Open actions under one key (organization and lesson, or organization and cause), in
    time order: each incident's newer position first, so that a walk back from the end
    meets them in the order pages show them."""

    __slots__ = ("stamps", "entries")

    def __init__(self) -> None:
        self.stamps: list[float] = []
        self.entries: list[_Entry] = []

    def add(self, stamp: float, rank: int, position: int) -> None:
        self.stamps.append(stamp)
        self.entries.append((rank, position))

    def before(self, stamp: float, limit: int) -> tuple[list[_Entry], bool]:
        """The newest `limit` entries of incidents that started before `stamp` (strictly), and
        whether older ones were left out."""
        end = bisect_left(self.stamps, stamp)
        start = max(0, end - limit)
        return self.entries[start:end][::-1], start > 0


def find_recurrences(incidents: Iterable[Incident], limit: int = LIMIT) -> Recurrences:
    """The recurrences among `incidents` (published ones: drafts are the caller's to leave out)."""
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of small values that all live on: collecting midway is wasted work
    try:
        return _find_recurrences(incidents, limit)
    finally:
        if collecting:
            gc.enable()


def _find_recurrences(incidents: Iterable[Incident], limit: int) -> Recurrences:
    timed = sorted(((i.started.timestamp(), i.id, i) for i in incidents), key=lambda item: item[:2])
    chronological = [incident for _, _, incident in timed]
    stamps = [stamp for stamp, _, _ in timed]
    causes_of = [frozenset(i.cause_ids) for i in chronological]
    by_lesson: dict[tuple[str, str], _Index] = defaultdict(_Index)
    by_cause: dict[tuple[str, str], _Index] = defaultdict(_Index)
    for rank, incident in enumerate(chronological):
        open_positions = [p for p, action in enumerate(incident.actions) if action.is_open]
        for position in reversed(open_positions):
            lesson = incident.actions[position].lesson
            if lesson is not None:
                by_lesson[(incident.organization, lesson)].add(stamps[rank], rank, position)
            for cause_id in causes_of[rank]:
                by_cause[(incident.organization, cause_id)].add(stamps[rank], rank, position)

    found = Recurrences()
    more: set[str] = set()
    of_action: dict[tuple[str, int], list[Recurrence]] = defaultdict(list)
    of_lesson: dict[str, list[Recurrence]] = defaultdict(list)
    for rank, later in enumerate(chronological):
        organization, lessons, causes = later.organization, later.lesson_ids, tuple(dict.fromkeys(later.cause_ids))
        indexes = [by_lesson.get((organization, lesson)) for lesson in dict.fromkeys(lessons)]
        indexes += [by_cause.get((organization, cause_id)) for cause_id in causes]
        candidates: set[_Entry] = set()
        cut = False
        for index in indexes:
            if index is not None:
                entries, older = index.before(stamps[rank], limit)
                cut = cut or older
                candidates.update(entries)
        if not candidates:
            continue
        # the newest earlier incident first, each incident's actions in their order
        ordered = sorted(candidates, key=lambda entry: (-entry[0], entry[1]))
        if cut or len(ordered) > limit:
            more.add(later.id)
        kept: list[Recurrence] = []
        for earlier_rank, position in ordered[:limit]:
            earlier = chronological[earlier_rank]
            lesson = earlier.actions[position].lesson
            shared = tuple(c for c in causes if c in causes_of[earlier_rank])
            recurrence = Recurrence(earlier, position, later, lesson if lesson in lessons else None, shared)
            kept.append(recurrence)
            of_action[(earlier.id, position)].append(recurrence)
            if recurrence.lesson is not None:
                of_lesson[recurrence.lesson].append(recurrence)
        found.of_later[later.id] = tuple(kept)
    found.more = frozenset(more)
    found.of_action = {key: tuple(items) for key, items in sorted(of_action.items(), key=lambda item: item[0][1])}
    of_earlier: dict[str, list[Recurrence]] = defaultdict(list)
    for (earlier_id, _), items in found.of_action.items():
        of_earlier[earlier_id] += items
    found.of_earlier = {key: tuple(items) for key, items in of_earlier.items()}
    found.of_lesson = {key: tuple(reversed(items)) for key, items in of_lesson.items()}
    return found


def keep_unchanged(found: Recurrences, previous: Recurrences) -> None:
    """Put back the previous build's tuple wherever the new one holds the same pairs of the
    same incident objects, so that `mkdocs serve` reuses the pages made from them (the page
    cache compares inputs by identity)."""
    _keep(found.of_later, previous.of_later)
    _keep(found.of_earlier, previous.of_earlier)
    _keep(found.of_action, previous.of_action)
    _keep(found.of_lesson, previous.of_lesson)


def _keep(mine: dict[Key, tuple[Recurrence, ...]], theirs: Mapping[Key, tuple[Recurrence, ...]]) -> None:
    for key, items in mine.items():
        old = theirs.get(key)
        if old is not None and len(old) == len(items) and all(a.same_as(b) for a, b in zip(old, items, strict=True)):
            mine[key] = old
