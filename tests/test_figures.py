"""Derived figures against values computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from outagekb import figures
from outagekb.model import Catalog, Cause, CauseRef, Incident, Update


def incident(**kwargs: object) -> Incident:
    base: dict[str, object] = dict(
        id="2024-01-01-x",
        path="x.yaml",
        title="t",
        organization="o",
        services=("s",),
        severity="minor",
        started=datetime(2024, 1, 1, 10, 0, tzinfo=UTC),
        summary="s",
        causes=(CauseRef("capacity"),),
    )
    base.update(kwargs)
    return Incident(**base)  # type: ignore[arg-type]


def test_duration_and_unknowns() -> None:
    i = incident(resolved=datetime(2024, 1, 1, 14, 22, tzinfo=UTC), detected=datetime(2024, 1, 1, 9, 57, tzinfo=UTC))
    assert figures.duration(i) == figures.Figure(4 * 3600 + 22 * 60)
    assert figures.time_to_detect(i).seconds == -180
    assert figures.time_to_mitigate(i) == figures.UNKNOWN
    assert figures.time_to_first_update(i) == figures.UNKNOWN
    assert figures.format_figure(figures.duration(i)) == "4 h 22 min"
    assert figures.format_figure(figures.time_to_mitigate(i)) == "unknown"


def test_offsets_do_not_matter_and_approximate_is_carried() -> None:
    minus8 = timezone(timedelta(hours=-8))
    i = incident(
        started=datetime(2024, 12, 11, 15, 16, tzinfo=minus8),
        resolved=datetime(2024, 12, 12, 3, 38, tzinfo=UTC),
        approximate=frozenset({"resolved"}),
        updates=(Update(datetime(2024, 12, 11, 15, 40, tzinfo=minus8), "investigating", "x"),),
    )
    assert figures.duration(i) == figures.Figure(4 * 3600 + 22 * 60, approximate=True)
    assert figures.format_figure(figures.duration(i)) == "~4 h 22 min"
    assert figures.time_to_first_update(i) == figures.Figure(24 * 60)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (43, "43 s"),
        (60, "1 min"),
        (3599, "1 h"),
        (3600, "1 h"),
        (15720, "4 h 22 min"),
        (90000, "1 d 1 h"),
        (86400 * 3, "3 d"),
        (-180, "−3 min"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert figures.format_duration(seconds) == text


def test_aggregate_uses_medians_with_sample_size() -> None:
    hours = [1, 2, 3, 10]
    group = [incident(resolved=datetime(2024, 1, 1, 10, tzinfo=UTC) + timedelta(hours=h)) for h in hours]
    group.append(incident())  # ongoing: no duration, still counted
    stats = figures.aggregate(group)
    assert stats.count == 5
    assert stats.duration_samples == 4
    assert stats.duration_median.seconds == 2.5 * 3600
    assert stats.duration_p90.seconds == pytest.approx((3 + 0.7 * 7) * 3600)
    assert stats.first_update_median == figures.UNKNOWN and stats.first_update_samples == 0


def test_percentile_edges() -> None:
    assert figures.percentile([], 50) is None
    assert figures.percentile([5.0], 90) == 5.0


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1, 1, hour, minute, tzinfo=UTC)


def test_update_figures() -> None:
    catalog = Catalog(causes={"capacity": Cause("capacity", "Capacity", aliases=("load", "overload"))})
    updates = (
        Update(at(9, 50), "investigating", "Planned maintenance notice."),  # before the start: not a silence
        Update(at(10, 20), "investigating", "We are looking into errors."),
        Update(at(10, 30), "identified", "Found it."),
        Update(at(11, 45), "monitoring", "A fix is out."),
        Update(at(12, 0), "resolved", "Resolved: an unexpected OVERLOAD of the queue."),
    )
    i = incident(updates=updates, resolved=at(12, 5))
    found = figures.incident_figures(i, catalog, at(23))
    assert found.update_count == 5
    assert found.longest_silence == figures.Figure(75 * 60)  # 10:30 to 11:45
    assert found.last_update_names_cause is True  # the alias `overload`, any case
    assert found.time_to_first_update.seconds == -600  # the notice came before impact


def test_longest_silence_from_the_start_is_approximate_when_the_start_is() -> None:
    i = incident(
        updates=(Update(at(12), "investigating", "x"), Update(at(12, 30), "resolved", "y")),
        approximate=frozenset({"started"}),
        resolved=at(12, 30),
    )
    assert figures.longest_silence(i, at(23)) == figures.Figure(2 * 3600, approximate=True)


def test_longest_silence_ends_with_the_outage_not_with_a_later_post_mortem() -> None:
    """A two-hour outage whose post-mortem came two days later was silent for at most its
    two hours, not for the days until the post-mortem."""
    updates = (
        Update(at(10, 20), "investigating", "Looking into it."),
        Update(at(11, 0), "identified", "Found it."),
        Update(at(12, 0), "resolved", "Resolved."),
        Update(datetime(2024, 1, 3, 17, 0, tzinfo=UTC), "postmortem", "What happened."),
    )
    i = incident(updates=updates, resolved=at(12))
    assert figures.longest_silence(i, at(23)) == figures.Figure(3600)  # 11:00 to 12:00
    assert figures.format_figure(figures.longest_silence(i, at(23))) == "1 h"


def test_longest_silence_counts_the_stretch_before_resolution_and_runs_until_now_while_ongoing() -> None:
    one_word = (Update(at(10, 10), "investigating", "Looking into it."),)
    resolved_late = incident(updates=one_word, resolved=at(14), approximate=frozenset({"resolved"}))
    assert figures.longest_silence(resolved_late, at(23)) == figures.Figure(3 * 3600 + 50 * 60, approximate=True)
    ongoing = incident(updates=one_word)
    assert figures.longest_silence(ongoing, at(16, 10)) == figures.Figure(6 * 3600)
    only_after = incident(updates=(Update(at(20), "postmortem", "Later."),), resolved=at(11))
    assert figures.longest_silence(only_after, at(23)) == figures.Figure(3600)  # no word while it ran


def test_the_build_time_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704103200")
    assert figures.build_time() == at(10)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert abs((figures.build_time() - datetime.now(UTC)).total_seconds()) < 60


def test_update_figures_unknown_without_updates_and_names_need_whole_words() -> None:
    catalog = Catalog(causes={"capacity": Cause("capacity", "Capacity")})
    assert figures.longest_silence(incident(), at(23)) == figures.UNKNOWN
    assert figures.last_update_names_cause(incident(), catalog) is None
    assert figures.incident_figures(incident(), catalog, at(23)).update_count == 0
    wordy = incident(updates=(Update(at(11), "resolved", "Capacityplanning is fine; resolved."),))
    assert figures.last_update_names_cause(wordy, catalog) is False
    by_id = incident(causes=(CauseRef("expired-credential"),), updates=(Update(at(11), "resolved", "An expired credential."),))
    assert figures.last_update_names_cause(by_id, Catalog()) is True


def test_aggregate_first_last_and_first_update_median() -> None:
    group = [
        incident(
            started=datetime(2023, 5, 1, tzinfo=UTC),
            updates=(Update(datetime(2023, 5, 1, 0, 10, tzinfo=UTC), "investigating", "x"),),
        ),
        incident(
            started=datetime(2021, 2, 3, tzinfo=UTC),
            updates=(Update(datetime(2021, 2, 3, 0, 30, tzinfo=UTC), "investigating", "x"),),
        ),
        incident(
            started=datetime(2022, 7, 9, tzinfo=UTC),
            approximate=frozenset({"started"}),
            updates=(Update(datetime(2022, 7, 9, 1, 0, tzinfo=UTC), "investigating", "x"),),
        ),
    ]
    stats = figures.aggregate(group)
    assert (stats.first, stats.last) == (date(2021, 2, 3), date(2023, 5, 1))
    assert stats.first_update_median == figures.Figure(30 * 60, approximate=True)
    assert stats.first_update_samples == 3
