"""Derived figures against values computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from outagekb import figures
from outagekb.model import CauseRef, Incident, Update


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
