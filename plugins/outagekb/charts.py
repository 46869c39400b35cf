"""SVG charts for the statistics page, drawn at build time: no JavaScript, no network.

Each chart is a string of inline SVG with a title and a text alternative (`<desc>`) that
summarises the numbers, plus a plain HTML table of the same numbers for screen readers
and copying. Colours are CSS classes whose values are custom properties set per Material
palette (`outagekb.css`), so one SVG reads in the light and the dark scheme; text uses
`currentColor`. Every contributor string (organization names, cause titles, incident
titles) is escaped here, since the SVG reaches the page as raw HTML. The output is one
line, so it survives Markdown's HTML-block rules.

The data steps (`count_by_year`, `duration_rows`, `first_update_rows`) are one pass over
the incidents, plus a sort per row for the medians; the drawing steps draw at most
`MAX_POINTS` marks per row and `MAX_ORGANIZATIONS` organizations, so a knowledge base of
thousands of incidents still gives a page of reasonable weight. Every word is one of the
build's labels (`messages`, under `charts.`), in the site's language.
"""

from __future__ import annotations

import math
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from . import figures
from .figures import format_duration
from .messages import Messages, english
from .model import Catalog, Incident
from .prose import escape

WIDTH = 720
PALETTE_SIZE = 12  # colour classes okb-c0 ... okb-c11; outagekb.css sets each per scheme
MAX_ORGANIZATIONS = 20
MAX_POINTS = 250  # a row with more incidents shows its box only, not every incident
ROW_HEIGHT = 24
LABEL_WIDTH = 215
JITTER = 6.0

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0
TICKS: tuple[float, ...] = (1.0, 10.0, MINUTE, 10 * MINUTE, HOUR, 6 * HOUR, DAY, 7 * DAY, 30 * DAY, 365 * DAY, 3650 * DAY)
"""The grid lines of the log time axis, each a round span of a bigger unit."""


def tick_label(seconds: float, messages: Messages) -> str:
    """A grid line's span: `1 min`, `6 h`, `1 w`, `10 y` (in English)."""
    if seconds >= 365 * DAY:
        return messages.text("duration.years", count=round(seconds / (365 * DAY)))
    if seconds == 7 * DAY:
        return messages.text("duration.weeks", count=1)
    return format_duration(seconds, messages.durations)


@dataclass(frozen=True)
class Chart:
    """One drawn chart: the SVG, the same numbers as an HTML table (empty when there are
    none), and the text alternative the SVG carries in `<desc>`."""

    svg: str
    table: str
    summary: str

    @property
    def empty(self) -> bool:
        return not self.table


# numbers and text -----------------------------------------------------------------


def _num(value: float) -> str:
    """A coordinate, short: `12`, `12.5`."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _colour(index: int) -> str:
    return f"okb-c{index % PALETTE_SIZE}"


def _open_svg(id_prefix: str, height: float, title: str, desc: str, kind: str) -> str:
    return (
        f'<svg class="okb-chart__svg okb-chart--{kind}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="{WIDTH}" height="{_num(height)}" '
        f'aria-labelledby="{id_prefix}-title" aria-describedby="{id_prefix}-desc">'
        f'<title id="{id_prefix}-title">{escape(title)}</title><desc id="{id_prefix}-desc">{escape(desc)}</desc>'
    )


def _empty_chart(id_prefix: str, title: str, message: str, kind: str, messages: Messages) -> Chart:
    height = 80
    said = messages.text("charts.no_data", reason=message)
    svg = (
        _open_svg(id_prefix, height, title, said, kind)
        + f'<rect class="okb-frame" x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1}" rx="4"/>'
        + f'<text class="okb-nodata" x="{WIDTH / 2}" y="{height / 2 + 5}" text-anchor="middle">{escape(said)}</text>'
        + "</svg>"
    )
    return Chart(svg, "", said)


def _table(caption: str, head: Sequence[str], rows: Iterable[Sequence[str]], note: str = "") -> str:
    """The chart's numbers as a collapsed table, left out of the search index (numbers are not
    what a reader searches for); every cell is escaped here."""
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    extra = f'<p class="okb-muted">{escape(note)}</p>' if note else ""
    return (
        f'<details class="okb-chart-data" data-search-exclude><summary>{escape(caption)}</summary>'
        # a box that scrolls on a phone: reachable and named for keyboard and screen reader users
        f'<div class="okb-table md-typeset__scrollwrap" tabindex="0" role="region" aria-label="{escape(caption)}">'
        '<div class="md-typeset__table">'
        f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table></div></div>{extra}</details>"
    )


# causes -----------------------------------------------------------------------------


def primary_cause(incident: Incident) -> str:
    """The cause an incident is counted under when it must be counted once: the trigger,
    else a root cause, else the first cause listed; `` while its causes are not yet classified."""
    for role in ("trigger", "root"):
        for ref in incident.causes:
            if role in ref.roles:
                return ref.cause
    return incident.causes[0].cause if incident.causes else ""


def _colour_of(catalog: Catalog, cause_id: str) -> int:
    """The colour of a cause's top-level cause: its place among the roots."""
    tree = catalog.tree
    root = tree.root_of(cause_id)
    return tree.roots.index(root) if root in tree.roots else len(tree.roots)


# incidents per year, stacked by top-level cause -----------------------------------


@dataclass(frozen=True)
class YearCounts:
    """Incidents per year of their start, each counted once under the root of its
    primary cause. `series` are those roots in catalog order, `years` a continuous run
    (only the years with incidents when the run would be longer than a century)."""

    years: list[int]
    series: list[str]
    counts: dict[tuple[int, str], int]
    totals: dict[int, int]
    colours: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def count_by_year(incidents: Iterable[Incident], catalog: Catalog) -> YearCounts:
    tree = catalog.tree
    counts: dict[tuple[int, str], int] = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    seen: set[str] = set()
    for incident in incidents:
        root = tree.root_of(primary_cause(incident))
        year = incident.started.year
        counts[(year, root)] += 1
        totals[year] += 1
        seen.add(root)
    rank = {root: index for index, root in enumerate(tree.roots)}
    series = sorted(seen, key=lambda root: (rank.get(root, len(rank)), root))
    if totals:
        first, last = min(totals), max(totals)
        years = list(range(first, last + 1)) if last - first < 100 else sorted(totals)
    else:
        years = []
    colours = {root: _colour_of(catalog, root) for root in series}
    return YearCounts(years, series, dict(counts), dict(totals), colours)


def nice_step(maximum: float, target: int = 5) -> int:
    """A whole step of 1, 2 or 5 times a power of ten giving about `target` ticks up to `maximum`."""
    if maximum <= target:
        return 1
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return int(multiple * magnitude)
    return int(10 * magnitude)  # pragma: no cover - the loop always returns


def year_chart(
    data: YearCounts, catalog: Catalog, *, id_prefix: str = "okb-chart-years", messages: Messages | None = None
) -> Chart:
    words = messages or english()
    text = words.text
    title = text("charts.years.title")
    if not data.years:
        return _empty_chart(id_prefix, title, text("charts.years.empty"), "years", words)
    names = {root: catalog.causes[root].title if root else text("unclassified.title") for root in data.series}
    by_cause = sorted(data.series, key=lambda root: -sum(data.counts.get((y, root), 0) for y in data.years))
    top = words.separator.join(f"{names[r]} {sum(data.counts.get((y, r), 0) for y in data.years)}" for r in by_cause[:5])
    per_year = "; ".join(f"{year}: {data.totals[year]}" for year in data.years if data.totals.get(year))
    summary = text("charts.years.summary", count=data.total, first=data.years[0], last=data.years[-1], per_year=per_year, top=top)

    left, right, top_margin = 48.0, 12.0, 16.0
    plot_w = WIDTH - left - right
    plot_h = 220.0
    base = top_margin + plot_h
    columns = 3
    legend_rows = math.ceil(len(data.series) / columns)
    height = base + 48 + legend_rows * 20 + 8
    peak = max(data.totals.values())
    step = nice_step(peak)
    y_max = max(step, math.ceil(peak / step) * step)

    def y(value: float) -> float:
        return base - plot_h * value / y_max

    parts = [_open_svg(id_prefix, height, title, summary, "years")]
    grid = []
    for tick in range(0, y_max + 1, step):
        grid.append(
            f'<line class="okb-grid" x1="{_num(left)}" x2="{_num(WIDTH - right)}" y1="{_num(y(tick))}" y2="{_num(y(tick))}"/>'
            f'<text class="okb-tick" x="{_num(left - 6)}" y="{_num(y(tick) + 4)}" text-anchor="end">{tick}</text>'
        )
    parts.append("<g>" + "".join(grid) + "</g>")
    band = plot_w / len(data.years)
    bar = min(band * 0.72, 48.0)
    label_every = math.ceil(len(data.years) / 16)
    bars = []
    for index, year in enumerate(data.years):
        x = left + band * index + (band - bar) / 2
        level = 0
        for root in data.series:
            count = data.counts.get((year, root), 0)
            if not count:
                continue
            top_y, bottom_y = y(level + count), y(level)
            bars.append(
                f'<rect class="okb-bar {_colour(data.colours[root])}" x="{_num(x)}" y="{_num(top_y)}" '
                f'width="{_num(bar)}" height="{_num(bottom_y - top_y)}"><title>{year} · {escape(names[root])}: {count}</title></rect>'
            )
            level += count
        centre = x + bar / 2
        if level and len(data.years) <= 40:
            bars.append(
                f'<text class="okb-value" x="{_num(centre)}" y="{_num(y(level) - 4)}" text-anchor="middle">{level}</text>'
            )
        if index % label_every == 0:
            bars.append(f'<text class="okb-tick" x="{_num(centre)}" y="{_num(base + 16)}" text-anchor="middle">{year}</text>')
    parts.append("<g>" + "".join(bars) + "</g>")
    parts.append(f'<line class="okb-axis" x1="{_num(left)}" x2="{_num(WIDTH - right)}" y1="{_num(base)}" y2="{_num(base)}"/>')
    parts.append(
        f'<text class="okb-axis-title" x="{_num(left + plot_w / 2)}" y="{_num(base + 34)}" text-anchor="middle">'
        f"{escape(text('charts.years.axis'))}</text>"
        f'<text class="okb-axis-title" transform="translate(12 {_num(top_margin + plot_h / 2)}) rotate(-90)" text-anchor="middle">'
        f"{escape(text('charts.years.axis_count'))}</text>"
    )
    legend = []
    column_w = plot_w / columns
    for index, root in enumerate(data.series):
        lx = left + column_w * (index % columns)
        ly = base + 48 + 20 * (index // columns)
        legend.append(
            f'<rect class="okb-swatch {_colour(data.colours[root])}" x="{_num(lx)}" y="{_num(ly)}" width="11" height="11" rx="2"/>'
            f'<text class="okb-legend" x="{_num(lx + 16)}" y="{_num(ly + 10)}">{escape(_clip(names[root], 34))}</text>'
        )
    parts.append('<g class="okb-legend-items">' + "".join(legend) + "</g></svg>")

    table = _table(
        text("charts.years.table"),
        [text("charts.years.year"), *(names[root] for root in data.series), text("charts.years.total")],
        (
            [str(year), *(str(data.counts.get((year, root), 0)) for root in data.series), str(data.totals.get(year, 0))]
            for year in data.years
        ),
    )
    return Chart("".join(parts), table, summary)


# strip plots on a log time axis -------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One incident on a strip: seconds, whether approximate, a tooltip, a jitter key."""

    seconds: float
    approximate: bool
    label: str
    key: str


@dataclass
class Row:
    """One strip: a cause or an organization and its incidents' figures."""

    label: str
    points: list[Point]
    depth: int = 0
    colour: int = 0

    def percentile(self, q: float) -> float | None:
        return figures.percentile([p.seconds for p in self.points], q)

    @property
    def approximate(self) -> int:
        return sum(1 for p in self.points if p.approximate)


def log_domain(values: Iterable[float]) -> tuple[float, float]:
    """Tick values around the data, from at most 1 min to at least 1 d."""
    data = list(values)
    positive = [v for v in data if v > 0]
    smallest = min(positive, default=MINUTE)
    largest = max(data, default=DAY)
    lo = max((t for t in TICKS if t <= max(smallest, TICKS[0])), default=TICKS[0])
    hi = min((t for t in TICKS if t >= largest), default=TICKS[-1])
    return min(lo, MINUTE), max(hi, DAY)


def log_position(seconds: float, lo: float, hi: float, x0: float, x1: float) -> float:
    """Where `seconds` falls between x0 (at `lo`) and x1 (at `hi`) on a log scale; clamped."""
    clamped = min(max(seconds, lo), hi)
    return x0 + (x1 - x0) * math.log(clamped / lo) / math.log(hi / lo)


def _jitter(key: str) -> float:
    """A stable vertical offset in [-JITTER, JITTER], so builds do not differ."""
    return (zlib.crc32(key.encode("utf-8")) % 1001 / 1000 - 0.5) * 2 * JITTER


def _strip_chart(
    rows: list[Row],
    *,
    id_prefix: str,
    title: str,
    summary: str,
    axis_title: str,
    kind: str,
    messages: Messages,
) -> str:
    text = messages.text
    lo, hi = log_domain(p.seconds for row in rows for p in row.points)
    x0, x1 = LABEL_WIDTH + 10.0, WIDTH - 20.0
    top = 8.0
    plot_h = ROW_HEIGHT * len(rows)
    base = top + plot_h
    height = base + 72

    def x(seconds: float) -> float:
        return log_position(seconds, lo, hi, x0, x1)

    parts = [_open_svg(id_prefix, height, title, summary, kind)]
    grid = []
    for value in TICKS:
        if lo <= value <= hi:
            gx = _num(x(value))
            grid.append(
                f'<line class="okb-grid" x1="{gx}" x2="{gx}" y1="{_num(top)}" y2="{_num(base)}"/>'
                f'<text class="okb-tick" x="{gx}" y="{_num(base + 16)}" text-anchor="middle">{escape(tick_label(value, messages))}</text>'
            )
    parts.append("<g>" + "".join(grid) + "</g>")
    marks = []
    for index, row in enumerate(rows):
        cy = top + ROW_HEIGHT * (index + 0.5)
        colour = _colour(row.colour)
        marks.append(
            f'<text class="okb-label" x="{_num(6 + 12 * row.depth)}" y="{_num(cy + 4)}">'
            f"<title>{escape(text('charts.row_title', label=row.label, count=len(row.points)))}</title>"
            f"{'› ' if row.depth else ''}{escape(_clip(row.label, 30 - 2 * row.depth))} ({len(row.points)})</text>"
        )
        q1, median, q3 = row.percentile(25), row.percentile(50), row.percentile(75)
        group = [f'<g class="{colour}">']
        if q1 is not None and q3 is not None and len(row.points) >= 5:
            group.append(
                f'<rect class="okb-box" x="{_num(x(q1))}" y="{_num(cy - 7)}" width="{_num(max(x(q3) - x(q1), 1))}" height="14" rx="2"/>'
            )
        if len(row.points) <= MAX_POINTS:
            for point in row.points:
                hollow = " okb-approx" if point.approximate else ""
                marks_y = cy + _jitter(point.key)
                group.append(
                    f'<circle class="okb-dot{hollow}" cx="{_num(x(point.seconds))}" cy="{_num(marks_y)}" r="3.5">'
                    f"<title>{escape(point.label)}</title></circle>"
                )
        if median is not None:
            mx = _num(x(median))
            group.append(
                f'<line class="okb-median" x1="{mx}" x2="{mx}" y1="{_num(cy - 9)}" y2="{_num(cy + 9)}">'
                f"<title>{escape(text('charts.median', duration=format_duration(median, messages.durations)))}</title></line>"
            )
        group.append("</g>")
        marks.append("".join(group))
    parts.append("".join(marks))
    parts.append(
        f'<line class="okb-axis" x1="{_num(x0)}" x2="{_num(x1)}" y1="{_num(base)}" y2="{_num(base)}"/>'
        f'<text class="okb-axis-title" x="{_num((x0 + x1) / 2)}" y="{_num(base + 34)}" text-anchor="middle">{escape(axis_title)}</text>'
    )
    ly, lx = base + 56, x0 - 120  # the legend starts under the labels, so it fits beside the plot
    exact, approximate, median_word, middle = (
        text(f"charts.legend.{name}") for name in ("exact", "approximate", "median", "middle_half")
    )
    # each key at least where it stands in English, further right when the words before it are longer
    at_approximate = max(lx + 104, lx + 12 + _text_width(exact) + 14)
    at_median = max(lx + 214, at_approximate + 8 + _text_width(approximate) + 14)
    at_middle = max(lx + 284, at_median + 8 + _text_width(median_word) + 14)
    parts.append(
        '<g class="okb-legend-items">'
        f'<circle class="okb-dot okb-key" cx="{_num(lx + 4)}" cy="{_num(ly - 4)}" r="3.5"/>'
        f'<text class="okb-legend" x="{_num(lx + 12)}" y="{_num(ly)}">{escape(exact)}</text>'
        f'<circle class="okb-dot okb-key okb-approx" cx="{_num(at_approximate)}" cy="{_num(ly - 4)}" r="3.5"/>'
        f'<text class="okb-legend" x="{_num(at_approximate + 8)}" y="{_num(ly)}">{escape(approximate)}</text>'
        f'<line class="okb-median okb-key" x1="{_num(at_median)}" x2="{_num(at_median)}" y1="{_num(ly - 11)}" y2="{_num(ly + 3)}"/>'
        f'<text class="okb-legend" x="{_num(at_median + 8)}" y="{_num(ly)}">{escape(median_word)}</text>'
        f'<rect class="okb-box okb-key" x="{_num(at_middle)}" y="{_num(ly - 10)}" width="22" height="12" rx="2"/>'
        f'<text class="okb-legend" x="{_num(at_middle + 28)}" y="{_num(ly)}">{escape(middle)}</text>'
        "</g></svg>"
    )
    return "".join(parts)


def _text_width(text: str) -> float:
    """About how wide a legend's words are drawn (12.5 px type): a wide character (CJK) about
    an em, any other about half of one."""
    return sum(12.5 if unicodedata.east_asian_width(char) in ("W", "F") else 7.0 for char in text)


def _row_facts(row: Row, messages: Messages) -> list[str]:
    values = [p.seconds for p in row.points]
    words = messages.durations
    return [
        row.label,
        str(len(row.points)),
        format_duration(row.percentile(50), words),
        format_duration(row.percentile(90), words),
        format_duration(min(values) if values else None, words),
        format_duration(max(values) if values else None, words),
        str(row.approximate),
    ]


def _crowded(rows: Iterable[Row], messages: Messages) -> str:
    crowded = sum(1 for row in rows if len(row.points) > MAX_POINTS)
    if not crowded:
        return ""
    return " " + messages.text("charts.crowded", count=crowded, limit=MAX_POINTS)


def _medians(rows: Iterable[Row], messages: Messages) -> str:
    return "; ".join(
        messages.text(
            "charts.medians_item",
            label=row.label,
            duration=format_duration(row.percentile(50), messages.durations),
            count=len(row.points),
        )
        for row in rows
    )


# duration by cause ----------------------------------------------------------------


def duration_rows(
    incidents: Iterable[Incident],
    catalog: Catalog,
    figures_by_id: Mapping[str, figures.IncidentFigures] | None = None,
    messages: Messages | None = None,
) -> list[Row]:
    """One row per cause with known durations, in the catalog's tree order; a cause's row
    holds the incidents of its narrower causes too, as its page does. `figures_by_id` holds
    each incident's figures when they are already computed."""
    words = messages or english()
    tree = catalog.tree
    points: dict[str, list[Point]] = defaultdict(list)
    for incident in incidents:
        figure = figures_by_id[incident.id].duration if figures_by_id is not None else figures.duration(incident)
        if figure.seconds is None:
            continue
        label = words.text(
            "charts.durations.point",
            title=incident.title,
            organization=incident.organization,
            date=f"{incident.started:%Y-%m-%d}",
            severity=catalog.severity_title(incident.severity),
            duration=figures.format_figure(figure, words.durations),
        )
        point = Point(figure.seconds, figure.approximate, label, incident.id)
        for cause_id in tree.with_ancestors(incident.cause_ids):
            points[cause_id].append(point)
    return [
        Row(catalog.causes[cause_id].title, points[cause_id], depth, _colour_of(catalog, cause_id))
        for depth, cause_id in tree.order
        if points.get(cause_id)
    ]


def _columns(messages: Messages, *names: str) -> list[str]:
    return [messages.text(f"charts.columns.{name}") for name in names]


def duration_chart(rows: list[Row], *, id_prefix: str = "okb-chart-durations", messages: Messages | None = None) -> Chart:
    words = messages or english()
    text = words.text
    title = text("charts.durations.title")
    if not rows:
        return _empty_chart(id_prefix, title, text("charts.durations.empty"), "durations", words)
    approximate = len({p.key for row in rows for p in row.points if p.approximate})
    summary = text("charts.durations.summary", medians=_medians(rows, words))
    if approximate:
        summary += " " + text("charts.durations.approximate", count=approximate)
    summary += _crowded(rows, words)
    svg = _strip_chart(
        rows,
        id_prefix=id_prefix,
        title=title,
        summary=summary,
        axis_title=text("charts.durations.axis"),
        kind="durations",
        messages=words,
    )
    table = _table(
        text("charts.durations.table"),
        _columns(words, "cause", "incidents", "median", "p90", "shortest", "longest", "approximate"),
        (_row_facts(row, words) for row in rows),
        text("charts.durations.note"),
    )
    return Chart(svg, table, summary)


# time to first public update per organization --------------------------------------


def first_update_rows(
    incidents: Iterable[Incident],
    catalog: Catalog,
    figures_by_id: Mapping[str, figures.IncidentFigures] | None = None,
    messages: Messages | None = None,
) -> list[Row]:
    """One row per organization with at least one known time to first update, fastest
    median first (ties: more incidents first, then by name)."""
    words = messages or english()
    points: dict[str, list[Point]] = defaultdict(list)
    for incident in incidents:
        if figures_by_id is not None:
            figure = figures_by_id[incident.id].time_to_first_update
        else:
            figure = figures.time_to_first_update(incident)
        if figure.seconds is None:
            continue
        label = words.text(
            "charts.first_update.point",
            title=incident.title,
            date=f"{incident.started:%Y-%m-%d}",
            severity=catalog.severity_title(incident.severity),
            duration=figures.format_figure(figure, words.durations),
        )
        points[incident.organization].append(Point(figure.seconds, figure.approximate, label, incident.id))
    rows = [Row(name, found) for name, found in points.items()]
    rows.sort(key=lambda row: (row.percentile(50) or 0.0, -len(row.points), row.label))
    return rows


def first_update_chart(
    rows: list[Row],
    *,
    limit: int = MAX_ORGANIZATIONS,
    id_prefix: str = "okb-chart-first-update",
    messages: Messages | None = None,
) -> tuple[Chart, int]:
    """The chart of the `limit` organizations with the most incidents (sorted by median),
    and how many organizations it leaves to the table."""
    words = messages or english()
    text = words.text
    title = text("charts.first_update.title")
    if not rows:
        return _empty_chart(id_prefix, title, text("charts.first_update.empty"), "first-update", words), 0
    shown_names = {row.label for row in sorted(rows, key=lambda row: (-len(row.points), row.label))[:limit]}
    shown = [row for row in rows if row.label in shown_names]
    left_out = len(rows) - len(shown)
    early = sum(1 for row in shown for p in row.points if p.seconds <= 0)
    summary = text("charts.first_update.summary", medians=_medians(shown, words))
    if left_out:
        summary += " " + text("charts.first_update.left_out", count=left_out)
    if early:
        summary += " " + text("charts.first_update.early", count=early)
    summary += _crowded(shown, words)
    svg = _strip_chart(
        shown,
        id_prefix=id_prefix,
        title=title,
        summary=summary,
        axis_title=text("charts.first_update.axis"),
        kind="first-update",
        messages=words,
    )
    table = _table(
        text("charts.first_update.table"),
        _columns(words, "organization", "incidents", "median", "p90", "fastest", "slowest", "approximate"),
        (_row_facts(row, words) for row in rows),
    )
    return Chart(svg, table, summary), left_out


@dataclass(frozen=True)
class Stats:
    """Everything the statistics page shows."""

    years: Chart
    durations: Chart
    first_update: Chart
    incidents: int
    organizations_left_out: int
    max_organizations: int = MAX_ORGANIZATIONS


def stats(
    incidents: Sequence[Incident],
    catalog: Catalog,
    figures_by_id: Mapping[str, figures.IncidentFigures] | None = None,
    messages: Messages | None = None,
) -> Stats:
    """The three charts for a list of published incidents (`figures_by_id`: their figures,
    when computed), in the language of `messages` (English by default)."""
    words = messages or english()
    first_update, left_out = first_update_chart(first_update_rows(incidents, catalog, figures_by_id, words), messages=words)
    return Stats(
        years=year_chart(count_by_year(incidents, catalog), catalog, messages=words),
        durations=duration_chart(duration_rows(incidents, catalog, figures_by_id, words), messages=words),
        first_update=first_update,
        incidents=len(incidents),
        organizations_left_out=left_out,
    )
