"""Figures derived from an incident's timestamps, and their aggregates.

A figure whose inputs are missing is unknown (None), never zero; one built on an
approximate time carries that flag to every page that shows it. Aggregates are
medians and percentiles with their sample size: outage durations are heavily skewed,
so a mean would mostly describe the one outage that lasted a week.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise

from .model import Catalog, Incident


@dataclass(frozen=True, slots=True)
class Figure:
    """A span of time in seconds (None when unknown) and whether it rests on approximate times."""

    seconds: float | None
    approximate: bool = False

    @property
    def known(self) -> bool:
        return self.seconds is not None


UNKNOWN = Figure(None)


def _span(incident: Incident, start: datetime | None, start_field: str, end: datetime | None, end_field: str) -> Figure:
    if start is None or end is None:
        return UNKNOWN
    approximate = start_field in incident.approximate or end_field in incident.approximate
    return Figure((end - start).total_seconds(), approximate)


def duration(incident: Incident) -> Figure:
    """From impact to resolution; unknown while the outage is ongoing."""
    return _span(incident, incident.started, "started", incident.resolved, "resolved")


def time_to_detect(incident: Incident) -> Figure:
    """Negative when alerts fired before users felt it."""
    return _span(incident, incident.started, "started", incident.detected, "detected")


def time_to_mitigate(incident: Incident) -> Figure:
    return _span(incident, incident.started, "started", incident.mitigated, "mitigated")


def time_to_first_update(incident: Incident) -> Figure:
    if not incident.updates:
        return UNKNOWN
    return _span(incident, incident.started, "started", incident.updates[0].at, "")


def longest_silence(incident: Incident, now: datetime) -> Figure:
    """The longest stretch with no public word while the outage ran, from its start to its
    end (resolved, or `now` while it is ongoing): before the first update, between two, and
    after the last. Updates outside the outage (a maintenance notice before, a post-mortem
    days after) are not part of it. Unknown without updates: an incident with none may
    have had no status page at all."""
    if not incident.updates:
        return UNKNOWN
    end = incident.resolved or max(now, incident.started)
    times = [incident.started, *(u.at for u in incident.updates if incident.started <= u.at <= end), end]
    gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
    longest = max(range(len(gaps)), key=gaps.__getitem__)
    approximate = (longest == 0 and "started" in incident.approximate) or (
        longest == len(gaps) - 1 and incident.resolved is not None and "resolved" in incident.approximate
    )
    return Figure(gaps[longest], approximate)


def build_time() -> datetime:
    """The moment a build describes, for figures of outages still ongoing: `SOURCE_DATE_EPOCH`
    when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def cause_words(incident: Incident, catalog: Catalog) -> list[str]:
    """The names a reader would recognise each of the incident's causes by: its title, its
    aliases and its id read as words (`expired-credential` as `expired credential`)."""
    words: list[str] = []
    for ref in incident.causes:
        cause = catalog.causes.get(ref.cause)
        names = [ref.cause.replace("-", " ")] + ([cause.title, *cause.aliases] if cause else [])
        words += [name for name in names if name.strip()]
    return words


def last_update_names_cause(incident: Incident, catalog: Catalog) -> bool | None:
    """Whether the last public update names one of the causes (its title, an alias or its id
    as words, whole words, any case); None without updates. Readers want to know if the
    provider ever said what went wrong, not only that it was over."""
    if not incident.updates:
        return None
    text = incident.updates[-1].text.lower()
    return any(re.search(r"(?<!\w)" + re.escape(word.lower()) + r"(?!\w)", text) for word in cause_words(incident, catalog))


@dataclass(frozen=True, slots=True)
class IncidentFigures:
    """Everything derived from one incident's times and updates, computed once per build."""

    duration: Figure
    time_to_detect: Figure
    time_to_mitigate: Figure
    time_to_first_update: Figure
    update_count: int
    longest_silence: Figure
    last_update_names_cause: bool | None


def incident_figures(incident: Incident, catalog: Catalog, now: datetime) -> IncidentFigures:
    """`now`: the build's moment (`build_time`), the end of an ongoing outage."""
    return IncidentFigures(
        duration=duration(incident),
        time_to_detect=time_to_detect(incident),
        time_to_mitigate=time_to_mitigate(incident),
        time_to_first_update=time_to_first_update(incident),
        update_count=len(incident.updates),
        longest_silence=longest_silence(incident, now),
        last_update_names_cause=last_update_names_cause(incident, catalog),
    )


@dataclass(frozen=True, slots=True)
class DurationWords:
    """How a language writes a span of time: a format per unit, filled in with `count` (or
    `hours`, `minutes`, `days`). English by default; `messages` makes one per language."""

    seconds: str = "{count} s"
    minutes: str = "{count} min"
    hours: str = "{count} h"
    hours_minutes: str = "{hours} h {minutes} min"
    days: str = "{count} d"
    days_hours: str = "{days} d {hours} h"
    unknown: str = "unknown"


ENGLISH_DURATIONS = DurationWords()


def format_duration(seconds: float | None, words: DurationWords = ENGLISH_DURATIONS) -> str:
    """Human units: `43 s`, `12 min`, `4 h 22 min`, `3 d 1 h` (in English); a minus sign for negative spans."""
    if seconds is None:
        return words.unknown
    sign = "−" if seconds < 0 else ""
    total = round(abs(seconds))
    if total < 60:
        return sign + words.seconds.format(count=total)
    minutes = round(total / 60)
    if minutes < 60:
        return sign + words.minutes.format(count=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return sign + (words.hours_minutes.format(hours=hours, minutes=minutes) if minutes else words.hours.format(count=hours))
    days, hours = divmod(hours, 24)
    return sign + (words.days_hours.format(days=days, hours=hours) if hours else words.days.format(count=days))


def format_figure(figure: Figure, words: DurationWords = ENGLISH_DURATIONS) -> str:
    """A figure for display: `~` in front when it rests on approximate times."""
    if not figure.known:
        return words.unknown
    return ("~" if figure.approximate else "") + format_duration(figure.seconds, words)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """What a group of incidents (a cause, a lesson, a year) looks like in numbers."""

    count: int
    first: date | None
    last: date | None
    duration_median: Figure
    duration_p90: Figure
    duration_samples: int
    first_update_median: Figure
    first_update_samples: int


def _summary(figures: list[Figure], q: float) -> Figure:
    known = [f.seconds for f in figures if f.seconds is not None]
    value = percentile(known, q)
    return Figure(value, any(f.approximate for f in figures if f.known)) if value is not None else UNKNOWN


def aggregate(incidents: Iterable[Incident], known: Mapping[str, IncidentFigures] | None = None) -> Aggregate:
    """The group's figures; `known` holds each incident's figures when they are already computed."""
    group = list(incidents)
    if known is not None:
        durations = [d for d in (known[i.id].duration for i in group) if d.known]
        first_updates = [f for f in (known[i.id].time_to_first_update for i in group) if f.known]
    else:
        durations = [d for d in (duration(i) for i in group) if d.known]
        first_updates = [f for f in (time_to_first_update(i) for i in group) if f.known]
    days = sorted(i.started.date() for i in group)
    return Aggregate(
        count=len(group),
        first=days[0] if days else None,
        last=days[-1] if days else None,
        duration_median=_summary(durations, 50),
        duration_p90=_summary(durations, 90),
        duration_samples=len(durations),
        first_update_median=_summary(first_updates, 50),
        first_update_samples=len(first_updates),
    )


# recurrence ---------------------------------------------------------------------

DAY = 86400.0
YEAR = 365.2425 * DAY


@dataclass(frozen=True, slots=True)
class RecurrenceFigures:
    """How often a group of incidents (a cause, its narrower causes included) comes back."""

    gap_median: Figure
    """The median time between consecutive incidents of one organization (every
    organization's gaps pooled); unknown without a gap."""
    gaps: int
    """How many such gaps there are: the n of the median."""
    per_year: float | None
    """Its incidents divided by the years the knowledge base covers (`years_covered`)."""


def years_covered(incidents: Iterable[Incident]) -> float:
    """The years from the first incident's start to the last one's, at least one: what a rate
    per year is counted over (a knowledge base of one month does not make twelve a year)."""
    starts = [i.started for i in incidents]
    if not starts:
        return 1.0
    return max(1.0, (max(starts) - min(starts)).total_seconds() / YEAR)


def recurrence(incidents: Iterable[Incident], years: float) -> RecurrenceFigures:
    """`incidents`' gaps within each organization and their rate over `years`. Gaps are
    counted within one organization, since two organizations' outages of the same kind are
    not one outage coming back; the median, not the mean, since a cause quiet for years
    and then three times in a week would otherwise read as every few months."""
    by_organization: dict[str, list[datetime]] = {}
    count = 0
    for incident in incidents:
        by_organization.setdefault(incident.organization, []).append(incident.started)
        count += 1
    gaps = [(b - a).total_seconds() for starts in by_organization.values() for a, b in pairwise(sorted(starts))]
    median = percentile(gaps, 50)
    return RecurrenceFigures(
        gap_median=Figure(median) if median is not None else UNKNOWN,
        gaps=len(gaps),
        per_year=count / years if count else None,
    )
