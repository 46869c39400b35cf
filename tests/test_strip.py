"""The incident strip: what it draws, what it leaves out, and what it says in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from conftest import MINIMAL_INCIDENT, build, make_project
from outagekb.figures import incident_figures
from outagekb.model import Catalog, CauseRef, Incident, TimelineEntry, Update
from outagekb.strip import WIDTH, Strip, incident_strip


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1, day, hour, minute, tzinfo=UTC)


def incident(**kwargs: object) -> Incident:
    values: dict[str, object] = dict(
        id="2024-01-01-x", path="x.yaml", title="t", organization="o", services=("s",), severity="minor",
        started=at(1, 10), summary="s", causes=(CauseRef("capacity"),),
    )  # fmt: skip
    values.update(kwargs)
    return Incident(**values)  # type: ignore[arg-type]


LATER = datetime(2024, 1, 9, tzinfo=UTC)


def strip_of(i: Incident, now: datetime = LATER) -> Strip:
    return incident_strip(i, incident_figures(i, Catalog(), now), now)


def xs(svg: str, kind: str) -> list[float]:
    """Where the marks of one kind are: each mark of a path starts with `M<x> <y>`."""
    path = re.search(rf'class="{kind}" d="([^"]*)"', svg)
    return [float(x) for x in re.findall(r"M([\d.]+) ", path[1])] if path else []


def test_the_bar_runs_from_start_to_resolution_darker_until_mitigation() -> None:
    strip = strip_of(incident(mitigated=at(1, 11), resolved=at(1, 14)))
    impact = re.search(r'class="okb-strip-impact" x="([\d.]+)" y="\d+" width="([\d.]+)"', strip.svg)
    mitigated = re.search(r'class="okb-strip-mitigated" x="([\d.]+)" y="\d+" width="([\d.]+)"', strip.svg)
    assert impact and mitigated
    assert float(impact[1]) == 8 and abs(float(impact[2]) - (WIDTH - 16) / 4) < 0.2  # one hour of four
    assert abs(float(mitigated[1]) + float(mitigated[2]) - (WIDTH - 8)) < 0.2
    assert strip.summary == "An outage of 4 h; mitigated 1 h after the start; no public updates recorded; 0 timeline entries."
    assert [name for name, _ in strip.key] == ["impact", "mitigated"]


def test_updates_are_ticks_so_that_a_silence_is_an_empty_stretch_and_a_post_mortem_is_left_out() -> None:
    updates = (
        Update(at(1, 10, 30), "investigating", "Looking."),
        Update(at(1, 13, 50), "resolved", "Fixed."),
        Update(at(4, 9), "postmortem", "What happened."),
    )
    strip = strip_of(incident(resolved=at(1, 14), updates=updates, detected=at(1, 9, 50)))
    ticks = xs(strip.svg, "okb-strip-update")
    assert len(ticks) == 2 and ticks[1] - ticks[0] > (WIDTH - 16) * 0.75  # 3 h 20 min of 4 h 10 min drawn
    assert len(xs(strip.svg, "okb-strip-detected")) == 1
    assert "2 public updates" not in strip.summary and "3 public updates, the longest silence 3 h 20 min" in strip.summary
    assert strip.summary.endswith("1 moment lies far outside the outage and is not drawn.")
    assert "detected 10 min before the start" in strip.summary
    assert [m.row for m in strip.moments][:2] == ["span", "span"] and strip.moments[0].at < strip.moments[1].at
    assert "update" not in [m.row for m in strip.moments][-1:]  # the post-mortem days later is not among them


def test_an_ongoing_outage_runs_until_the_build_and_says_so() -> None:
    timeline = (TimelineEntry(at(1, 10, 5), "Paged.", "escalate"), TimelineEntry(at(1, 10, 40), "Rolled back.", "rollback"))
    strip = strip_of(incident(timeline=timeline), now=at(1, 12))
    assert strip.ongoing and strip.summary.startswith("Ongoing for 2 h;")
    assert strip.moments[-1].at == at(1, 12) and strip.moments[-1].row == "span"  # the end is the build's time
    assert [m.at for m in strip.moments if m.row == "timeline"] == [at(1, 10, 5), at(1, 10, 40)]
    assert len(xs(strip.svg, "okb-strip-entry")) == 2


def test_every_incident_page_starts_with_its_strip_described_once_and_not_listed_again(tmp_path: Path) -> None:
    """The caption says in words what the drawing shows; the moments are the page's facts,
    timeline and updates, so the strip carries no table of them and no second description."""
    marked = MINIMAL_INCIDENT + (
        "timeline:\n  - at: 2024-05-01T10:06:00+02:00\n    event: Paged the on-call.\n    kind: escalate\n"
        "updates:\n  - at: 2024-05-01T10:20:00+02:00\n    status: investigating\n    text: Looking.\n"
    )
    site = build(make_project(tmp_path, {"2024-05-01-example-config-push.yaml": marked}))
    html = (site / "incidents" / "2024-05-01-example-config-push" / "index.html").read_text(encoding="utf-8")
    figure = html.split('<figure class="okb-strip"', 1)[1].split("</figure>", 1)[0]
    assert html.index('<figure class="okb-strip"') < html.index('class="okb-facts-box"')
    assert 'role="img" aria-labelledby="okb-strip-title"' in figure
    caption = figure.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]
    assert caption.startswith("An outage of 2 h 30 min; detected 5 min after the start; mitigated 1 h after")
    assert "<desc" not in figure and "<table" not in figure and "<details" not in figure
    assert re.findall(r'<span class="okb-key-(\w+)"></span>', caption) == [
        "impact",
        "mitigated",
        "detected",
        "update",
        "timeline",
    ]
    ends = re.findall(r"<span>([^<]+)</span>", figure.split('class="okb-strip-ends"', 1)[1].split("</div>", 1)[0])
    assert ends == ["2024-05-01 10:00 UTC+02:00", "2024-05-01 12:30 UTC+02:00"]
    assert len(xs(figure, "okb-strip-update")) == 1 and len(xs(figure, "okb-strip-entry")) == 1
    facts = html.split('class="okb-facts-box"', 1)[1].split("</dl>", 1)[0]
    for label in ("Started", "Detected", "Mitigated", "Resolved"):
        assert f"<dt>{label}</dt>" in facts  # where the strip's moments are written out
