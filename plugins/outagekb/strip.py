"""A picture of one incident: an SVG strip drawn at build time, like the statistics charts.

The strip runs along the outage's time: a bar from the start to the resolution (darker
until mitigation), a mark where it was detected, a tick for each public update above the
bar, so that a long silence shows as an empty stretch, and a dot for each timeline entry
below it. The drawing stretches to the page's width at a fixed height (its strokes do not
scale), and times and labels are HTML under it, not SVG text, so that they stay readable
on a phone. The SVG is named by its title and the figure's caption says in words what it
shows; the moments themselves are the page's facts, timeline and updates, so the strip does
not list them again.

What lies far outside the outage (a post-mortem days later, a change a week before) is not
drawn, so that it does not squash the outage into a sliver; the text alternative counts it.
Its words are the build's labels (`messages`, under `strip.`), in the site's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .figures import IncidentFigures, format_duration, format_figure
from .messages import Messages, english
from .model import Incident
from .prose import escape

WIDTH = 720
HEIGHT = 56
BAR_TOP, BAR_HEIGHT = 22, 14
TICK_TOP, TICK_BOTTOM = 4, 20
DOT_Y = 46
MARGIN = 8
"""Room at each end, so that a mark at the start or the end is drawn whole."""

BEFORE_SHARE = 1.0
"""Moments before the start are drawn back to this share of the outage's length earlier."""
AFTER_SHARE = 0.25
"""Moments after the end are drawn up to this share of the outage's length later."""

KEY = ("impact", "mitigated", "detected", "update", "timeline")
"""The legend's entries (the CSS class `okb-key-<name>` draws each, `strip.key.<name>` names
it), in this order."""


@dataclass(frozen=True, slots=True)
class Moment:
    """One thing the strip shows: when, and which row draws it."""

    at: datetime
    row: str  # "span" (start, detected, mitigated, resolved), "update" or "timeline"
    approximate: bool = False


@dataclass(frozen=True)
class Strip:
    """The drawing, its text alternative, and the moments it shows (the first and last label its ends)."""

    svg: str
    summary: str
    moments: tuple[Moment, ...]
    key: tuple[tuple[str, str], ...]
    """What the drawing shows, for its legend: (name, words) in `KEY` order."""
    ongoing: bool
    left_out: int


def incident_strip(incident: Incident, figures: IncidentFigures, now: datetime, messages: Messages | None = None) -> Strip:
    """The strip of one incident; `now` ends an ongoing outage (the build's time)."""
    words = messages or english()
    text = words.text
    started = incident.started
    end = incident.resolved or max(now, started)
    ongoing = incident.resolved is None
    approximate = incident.approximate

    moments = [Moment(started, "span", "started" in approximate)]
    detected_at = None
    if incident.detected is not None:
        moments.append(Moment(incident.detected, "span", "detected" in approximate))
        detected_at = moments[-1]
    if incident.mitigated is not None:
        moments.append(Moment(incident.mitigated, "span", "mitigated" in approximate))
    moments.append(Moment(end, "span", "resolved" in approximate))
    moments += [Moment(u.at, "update") for u in incident.updates]
    moments += [Moment(t.at, "timeline", t.approximate) for t in incident.timeline]

    length = max((end - started).total_seconds(), 60.0)
    earliest = started.timestamp() - BEFORE_SHARE * length
    latest = end.timestamp() + AFTER_SHARE * length
    shown = [m for m in moments if earliest <= m.at.timestamp() <= latest]  # start and end always are
    left_out = len(moments) - len(shown)
    first = min(m.at for m in shown).timestamp()
    last = max(m.at for m in shown).timestamp()
    scale = (WIDTH - 2 * MARGIN) / max(last - first, 60.0)

    def x(at: datetime) -> str:
        return _num(MARGIN + (at.timestamp() - first) * scale)

    shapes: list[str] = []
    mitigated = incident.mitigated if incident.mitigated is not None and incident.mitigated <= end else None
    impact_end = mitigated or end
    shapes.append(_rect(x(started), x(impact_end), "okb-strip-impact"))
    if mitigated is not None:
        shapes.append(_rect(x(mitigated), x(end), "okb-strip-mitigated"))
    # one path per kind of mark, a short move-and-line per mark: a page of a hundred entries
    # stays light; a zero-length line with round caps is a dot however much the drawing is squeezed
    ticks = "".join(f"M{x(m.at)} {TICK_TOP}V{TICK_BOTTOM}" for m in shown if m.row == "update")
    dots = "".join(f"M{x(m.at)} {DOT_Y}h0" for m in shown if m.row == "timeline")
    if ticks:
        shapes.append(f'<path class="okb-strip-update" d="{ticks}"/>')
    if dots:
        shapes.append(f'<path class="okb-strip-entry" d="{dots}"/>')
    if detected_at is not None and detected_at in shown:
        top, bottom = BAR_TOP - 4, BAR_TOP + BAR_HEIGHT + 4
        shapes.append(f'<path class="okb-strip-detected" d="M{x(detected_at.at)} {top}V{bottom}"/>')

    summary = _summary(incident, figures, end, ongoing, left_out, words)
    title = escape(text("strip.title"))
    svg = (
        f'<svg class="okb-strip-svg" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" role="img" '
        # named by its title; the figure's caption, which screen readers also read, describes it
        f'aria-labelledby="okb-strip-title">'
        f'<title id="okb-strip-title">{title}</title>'
        f'<line class="okb-strip-axis" x1="{MARGIN}" x2="{WIDTH - MARGIN}" y1="{DOT_Y}" y2="{DOT_Y}"/>'
        + "".join(shapes)
        + "</svg>"
    )
    drawn = {"impact"} | ({"mitigated"} if mitigated is not None else set())
    drawn |= {"detected" if m is detected_at else m.row for m in shown if m.row != "span" or m is detected_at}
    key = tuple((name, text(f"strip.key.{name}")) for name in KEY if name in drawn)
    return Strip(svg, summary, tuple(sorted(shown, key=lambda m: m.at)), key, ongoing, left_out)


def _rect(left: str, right: str, kind: str) -> str:
    width = _num(max(float(right) - float(left), 1.0))
    return f'<rect class="{kind}" x="{left}" y="{BAR_TOP}" width="{width}" height="{BAR_HEIGHT}" rx="2"/>'


def _summary(incident: Incident, figures: IncidentFigures, end: datetime, ongoing: bool, left_out: int, words: Messages) -> str:
    """The drawing in one paragraph: what a sighted reader takes from it at a glance."""
    text, durations = words.text, words.durations
    length = format_duration((end - incident.started).total_seconds(), durations)
    parts = [text("strip.ongoing_for" if ongoing else "strip.outage_of", duration=length)]
    for key, figure in (("strip.detected_at", figures.time_to_detect), ("strip.mitigated_at", figures.time_to_mitigate)):
        if figure.known:
            parts.append(text(key, when=_relative(figure.seconds or 0.0, figure.approximate, words)))
    count = len(incident.updates)
    if count:
        parts.append(text("strip.updates", count=count, silence=format_figure(figures.longest_silence, durations)))
    else:
        parts.append(text("strip.no_updates"))
    parts.append(text("strip.entries", count=len(incident.timeline)))
    summary = text("strip.end", parts=text("strip.parts_separator").join(parts))
    if left_out:
        summary += " " + text("strip.left_out", count=left_out)
    return summary


def _relative(seconds: float, approximate: bool, words: Messages) -> str:
    span = ("~" if approximate else "") + format_duration(abs(seconds), words.durations)
    return words.text("strip.before_start" if seconds < 0 else "strip.after_start", duration=span)


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
