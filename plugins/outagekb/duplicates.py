"""Possible duplicates: two write-ups of one outage, found before both are published.

Two incidents of one organization that share a service and overlap in time are most
likely the same outage written up twice (two people on call, an import beside a
hand-written file). The check sorts the incidents by organization and start and sweeps
through them, keeping only those still going on at each start, so that it costs
N log N and not N squared: a knowledge base of 10,000 incidents is checked in a few
milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from . import model
from .problems import WARNING, Problem

ONGOING_SPAN = timedelta(days=1)
"""How long an incident without `resolved` is taken to last at least, for this check: an
ongoing outage written up twice is caught, and one whose `resolved` was forgotten years
ago does not overlap everything after it."""


@dataclass(frozen=True, slots=True)
class Span:
    """What the check reads of one incident: who, which services, when, which it names."""

    id: str
    path: str
    line: int
    """The line of `started`, where a warning about this incident is reported."""
    column: int
    organization: str
    services: tuple[str, ...]
    started: datetime
    resolved: datetime | None
    last_known: datetime
    """The latest moment the file names (`started`, `detected`, `mitigated`, a timeline entry,
    an update): how long an ongoing incident lasted at least."""
    related: frozenset[str]
    start_at: float = field(init=False, repr=False, compare=False)
    """`started` as a number: the sweep compares numbers, ten times cheaper than datetimes of
    different offsets. Worked out once per file read, so a serve rebuild reuses it."""
    end_at: float = field(init=False, repr=False, compare=False)
    """`ends` as a number, before the cap at now that an ongoing incident gets."""
    folded: tuple[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    """The organization and the services as they are compared: without regard to case."""

    def __post_init__(self) -> None:
        services = frozenset(service.casefold() for service in self.services)
        object.__setattr__(self, "folded", (self.organization.casefold(), services))
        object.__setattr__(self, "start_at", self.started.timestamp())
        bound = self.resolved or max(self.last_known, self.started + ONGOING_SPAN)
        object.__setattr__(self, "end_at", bound.timestamp())

    def ends_at(self, now: float) -> float:
        """`ends` as a number, for a `now` given as one."""
        return self.end_at if self.resolved is not None else max(self.start_at, min(self.end_at, now))

    def ends(self, now: datetime) -> datetime:
        """When the incident is over, for this check: `resolved` when given; else the latest
        moment its file names, at least a day after `started` (`ONGOING_SPAN`), and never
        later than `now` (nor earlier than `started`)."""
        if self.resolved is not None:
            return self.resolved
        return max(self.started, min(max(self.last_known, self.started + ONGOING_SPAN), now))


def span_of(incident: model.Incident, line: int, column: int) -> Span:
    """The incident as the check reads it; `line` and `column` are those of its `started`."""
    known = [incident.started, *(moment for moment in (incident.detected, incident.mitigated) if moment is not None)]
    known += [entry.at for entry in incident.timeline] + [update.at for update in incident.updates]
    return Span(
        incident.id,
        incident.path,
        line,
        column,
        incident.organization,
        incident.services,
        incident.started,
        incident.resolved,
        max(known),
        frozenset(incident.related),
    )


def possible_duplicates(
    spans: Iterable[Span],
    name: Callable[[str], str],
    survivors: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> list[Problem]:
    """A warning for each pair of incidents of one organization (compared without regard to
    case) that share a service (likewise) and overlap in time, unless either names the other
    in `related` (directly, or through a placeholder that `survivors` maps to it).

    Two incidents overlap when each starts before the other ends, or both start at the same
    moment. The warning is at the `started` of the one that starts later (the later id, when
    both start at once), the likelier second write-up, and names the other's file (`name`
    gives a path as the message shows it) and line. `now`: the end of ongoing incidents."""
    survivors = survivors or {}
    now = now or datetime.now(UTC)
    # moments as numbers: comparing datetimes of different offsets costs ten times more
    ordered = sorted((s.folded[0], s.start_at, s.id, s) for s in spans)
    moment = now.timestamp()
    problems: list[Problem] = []
    # the incidents of the current organization not over yet: start, end, services casefolded
    going: list[tuple[float, float, Span, frozenset[str]]] = []
    organization = None
    for folded, start, _, span in ordered:
        if folded != organization:
            organization, going = folded, []
        elif going:
            going = [entry for entry in going if start < entry[1] or start == entry[0]]
        services = span.folded[1]
        end = span.ends_at(moment)
        for _, _, other, other_services in going:
            shared = services & other_services
            if shared and not _named(span, other, survivors):
                problems.append(_warning(span, other, _named_once(span.services, shared), now, name))
        going.append((start, end, span, services))
    return problems


def _named(span: Span, other: Span, survivors: Mapping[str, str]) -> bool:
    """Whether either incident names the other in `related`, itself or by a placeholder's id."""
    return any(
        target.id in source.related or any(survivors.get(named) == target.id for named in source.related)
        for source, target in ((span, other), (other, span))
    )


def _named_once(services: tuple[str, ...], shared: frozenset[str]) -> list[str]:
    """The shared services as this file writes them, each once whatever its letter case."""
    found: dict[str, str] = {}
    for service in services:
        if service.casefold() in shared:
            found.setdefault(service.casefold(), service)
    return list(found.values())


def _warning(span: Span, other: Span, shared: list[str], now: datetime, name: Callable[[str], str]) -> Problem:
    until = min(span.ends(now), other.ends(now))
    services = ", ".join(f"`{s}`" for s in shared[:-1]) + " and " if len(shared) > 1 else ""
    services += f"`{shared[-1]}`"
    what = "services" if len(shared) > 1 else "service"
    until = until.astimezone(span.started.tzinfo)  # both ends in the offset of the file the warning is in
    return Problem(
        span.path,
        span.line,
        span.column,
        f"started: possible duplicate of `{other.id}` (`{name(other.path)}`, line {other.line}): both are "
        f"`{span.organization}` incidents, share the {what} {services}, and overlap from {span.started.isoformat()} to "
        f"{until.isoformat()}; merge them (`duplicate_of: {other.id}` in this file, its content moved there) "
        "or name each other in `related`",
        WARNING,
    )
