"""The statistics charts: numbers against hand-computed values, escaping, empty data, a real
site build, and the page in headless Chromium in Material's light and dark palettes."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import MINIMAL_INCIDENT, build, make_project, write
from outagekb import charts, figures
from outagekb.model import Catalog, Cause, CauseRef, Incident, Update

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script>"onload=alert(2) {{ x }}'

NOW = datetime(2030, 1, 1, tzinfo=UTC)
CATALOG = Catalog(
    causes={
        "alpha": Cause("alpha", "Alpha"),
        "alpha-child": Cause("alpha-child", "Alpha child", parent="alpha"),
        "beta": Cause("beta", "Beta"),
        "gamma": Cause("gamma", "Gamma"),
    }
)


def incident(
    id: str,
    started: datetime,
    causes: tuple[CauseRef, ...] = (CauseRef("alpha"),),
    *,
    minutes: float | None = None,
    first_update: float | None = None,
    organization: str = "Org",
    approximate: frozenset[str] = frozenset(),
) -> Incident:
    return Incident(
        id=id,
        path=f"{id}.yaml",
        title=f"Incident {id}",
        organization=organization,
        services=("s",),
        severity="minor",
        started=started,
        summary="s",
        causes=causes,
        resolved=started + timedelta(minutes=minutes) if minutes is not None else None,
        updates=(Update(started + timedelta(minutes=first_update), "investigating", "t"),) if first_update is not None else (),
        approximate=approximate,
    )


def at(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


def parse(svg: str) -> ET.Element:
    """The SVG as XML: it must be well-formed on its own, not only as HTML."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}text") if cls in (e.get("class") or "").split()]


def own_text(element: ET.Element) -> str:
    """The text an element shows, leaving out its `<title>` tooltip."""
    return (element.text or "") + "".join(child.tail or "" for child in element)


def accessible_parts(root: ET.Element) -> tuple[str, str]:
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby"), root.get("aria-describedby")
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert title.get("id") == title_id and desc.get("id") == desc_id
    return title.text or "", desc.text or ""


# incidents per year -------------------------------------------------------------------


def year_corpus() -> list[Incident]:
    return [
        # 2020: alpha-child as trigger counts under its root alpha
        incident("a", at(2020, 3), (CauseRef("beta"), CauseRef("alpha-child", ("trigger",)))),
        # no trigger: the root-role cause wins over the first listed
        incident("b", at(2020, 6), (CauseRef("beta"), CauseRef("alpha", ("root",)))),
        # nothing but contributing causes: the first listed
        incident("c", at(2020, 9), (CauseRef("beta"), CauseRef("alpha"))),
        incident("d", at(2022, 1), (CauseRef("beta", ("trigger", "root")),)),
    ]


def test_counts_per_year_stack_each_incident_once_under_its_root_cause() -> None:
    data = charts.count_by_year(year_corpus(), CATALOG)
    assert data.years == [2020, 2021, 2022]  # the empty year stays on the axis
    assert data.series == ["alpha", "beta"]  # catalog order, only causes with incidents
    assert data.counts == {(2020, "alpha"): 2, (2020, "beta"): 1, (2022, "beta"): 1}
    assert data.totals == {2020: 3, 2022: 1}
    assert data.total == 4


def test_year_chart_draws_stacked_bars_to_scale() -> None:
    chart = charts.year_chart(charts.count_by_year(year_corpus(), CATALOG), CATALOG, id_prefix="t")
    root = parse(chart.svg)
    title, desc = accessible_parts(root)
    assert title == "Incidents per year, by top-level cause"
    assert "4 incidents from 2020 to 2022" in desc and "2020: 3; 2022: 1" in desc
    assert "Alpha 2, Beta 2" in desc
    bars = [e for e in root.iter(f"{SVG}rect") if "okb-bar" in (e.get("class") or "")]
    # peak 3 -> axis 0..3; plot 220 high with its base at y = 236: one incident is 73.33 high
    segments = {(e.findtext(f"{SVG}title")): (float(e.get("y", 0)), float(e.get("height", 0))) for e in bars}
    assert set(segments) == {"2020 · Alpha: 2", "2020 · Beta: 1", "2022 · Beta: 1"}
    assert segments["2020 · Alpha: 2"] == pytest.approx((236 - 146.67, 146.67), abs=0.06)
    assert segments["2020 · Beta: 1"] == pytest.approx((16, 73.33), abs=0.06)  # on top of alpha
    assert segments["2022 · Beta: 1"] == pytest.approx((236 - 73.33, 73.33), abs=0.06)
    # both series use different colour classes, the same in bars and legend
    classes = {e.findtext(f"{SVG}title"): (e.get("class") or "").split()[1] for e in bars}
    assert classes["2020 · Beta: 1"] == classes["2022 · Beta: 1"] != classes["2020 · Alpha: 2"]
    assert [t.text for t in texts(root, "okb-tick") if t.text and t.text.startswith("20")] == ["2020", "2021", "2022"]
    assert [t.text for t in texts(root, "okb-legend")] == ["Alpha", "Beta"]
    assert [t.text for t in texts(root, "okb-axis-title")] == ["Year the incident started", "Incidents"]
    assert "<td>2021</td><td>0</td><td>0</td><td>0</td>" in chart.table
    assert "<th>Alpha</th><th>Beta</th><th>Total</th>" in chart.table


def test_nice_steps() -> None:
    assert [charts.nice_step(n) for n in (0, 3, 5, 6, 12, 40, 99, 1000)] == [1, 1, 1, 2, 5, 10, 20, 200]


# log axis -----------------------------------------------------------------------------


def test_log_positions() -> None:
    assert charts.log_position(100, 1, 10_000, 0, 400) == pytest.approx(200)
    assert charts.log_position(600, 60, 6000, 0, 200) == pytest.approx(100)
    assert charts.log_position(3600, 60, 7 * 86400, 0, 100) == pytest.approx(100 * math.log10(60) / math.log10(10080))
    # outside the domain: clamped to the edges, never off the chart or a math error
    assert charts.log_position(0, 60, 6000, 0, 200) == 0
    assert charts.log_position(-30, 60, 6000, 0, 200) == 0
    assert charts.log_position(10**9, 60, 6000, 0, 200) == 200


def test_log_domain_snaps_to_ticks() -> None:
    assert charts.log_domain([300, 7200]) == (60, 86400)  # at least 1 min .. 1 d
    assert charts.log_domain([5, 10 * 86400]) == (1, 30 * 86400)
    assert charts.log_domain([-120, 0, 900, 3 * 86400]) == (60, 7 * 86400)  # non-positive values do not set the start
    assert charts.log_domain([]) == (60, 86400)


def test_duration_chart_ticks_and_dots_sit_on_the_log_axis() -> None:
    corpus = [
        incident("one", at(2021), minutes=1),
        incident("hour", at(2021), minutes=60),
        incident("week", at(2022), minutes=7 * 24 * 60, approximate=frozenset({"resolved"})),
        incident("ongoing", at(2023)),  # no resolution: left out, not zero
    ]
    rows = charts.duration_rows(corpus, CATALOG)
    assert [(row.label, len(row.points)) for row in rows] == [("Alpha", 3)]
    root = parse(charts.duration_chart(rows, id_prefix="d").svg)
    x0, x1 = charts.LABEL_WIDTH + 10, charts.WIDTH - 20
    ticks = {t.text: float(t.get("x", 0)) for t in texts(root, "okb-tick")}
    assert list(ticks) == ["1 min", "10 min", "1 h", "6 h", "1 d", "1 w"]
    assert ticks["1 min"] == pytest.approx(x0) and ticks["1 w"] == pytest.approx(x1)
    assert ticks["1 h"] == pytest.approx(x0 + (x1 - x0) * math.log10(60) / math.log10(10080), abs=0.06)
    dots = {c.findtext(f"{SVG}title"): c for c in root.iter(f"{SVG}circle") if c.findtext(f"{SVG}title")}
    by_id = {title.split()[1]: c for title, c in dots.items()}
    assert float(by_id["one"].get("cx", 0)) == pytest.approx(ticks["1 min"])
    assert float(by_id["hour"].get("cx", 0)) == pytest.approx(ticks["1 h"], abs=0.06)
    assert float(by_id["week"].get("cx", 0)) == pytest.approx(ticks["1 w"])
    # approximate durations are hollow, exact ones filled
    assert "okb-approx" in (by_id["week"].get("class") or "")
    assert "okb-approx" not in (by_id["one"].get("class") or "")
    _, desc = accessible_parts(root)
    assert "Alpha 1 h (n = 3)" in desc and "1 duration rests on approximate times" in desc
    median = next(e for e in root.iter(f"{SVG}line") if e.findtext(f"{SVG}title") == "median 1 h")
    assert float(median.get("x1", 0)) == pytest.approx(ticks["1 h"], abs=0.06)


def test_duration_rows_follow_the_cause_tree() -> None:
    corpus = [
        incident("p", at(2021), (CauseRef("alpha-child"),), minutes=30),
        incident("q", at(2021), (CauseRef("alpha-child"), CauseRef("alpha")), minutes=90),
        incident("r", at(2021), (CauseRef("gamma"),), minutes=10),
    ]
    rows = charts.duration_rows(corpus, CATALOG)
    # a parent's row holds its children's incidents (once each); tree order; causes without data left out
    assert [(row.label, row.depth, len(row.points), row.percentile(50)) for row in rows] == [
        ("Alpha", 0, 2, 3600),
        ("Alpha child", 1, 2, 3600),
        ("Gamma", 0, 1, 600),
    ]
    assert rows[0].colour == rows[1].colour != rows[2].colour


def test_crowded_rows_show_the_box_not_every_incident() -> None:
    corpus = [incident(f"i{n}", at(2021), minutes=10 + n) for n in range(charts.MAX_POINTS + 1)]
    chart = charts.duration_chart(charts.duration_rows(corpus, CATALOG))
    root = parse(chart.svg)
    assert [c for c in root.iter(f"{SVG}circle") if "okb-key" not in (c.get("class") or "")] == []
    assert any("okb-box" in (r.get("class") or "") for r in root.iter(f"{SVG}rect"))
    assert f"1 row with more than {charts.MAX_POINTS} incidents shows the middle half and median only" in chart.summary


# time to first public update ---------------------------------------------------------------


def test_first_update_rows_sorted_by_median_and_capped() -> None:
    corpus = [
        incident("a1", at(2021), first_update=30, organization="Slow"),
        incident("a2", at(2021), first_update=90, organization="Slow"),
        incident("b1", at(2021), first_update=5, organization="Fast"),
        incident("c1", at(2021), organization="Silent"),  # no updates: not on the chart
    ]
    rows = charts.first_update_rows(corpus, CATALOG)
    assert [(row.label, row.percentile(50)) for row in rows] == [("Fast", 300), ("Slow", 3600)]
    chart, left_out = charts.first_update_chart(rows, id_prefix="f")
    assert left_out == 0
    root = parse(chart.svg)
    labels = [own_text(t) for t in texts(root, "okb-label")]
    assert labels == ["Fast (1)", "Slow (2)"]
    _, desc = accessible_parts(root)
    assert "Fast 5 min (n = 1); Slow 1 h (n = 2)" in desc

    many = [
        incident(f"o{n}-{k}", at(2021), first_update=n + 1, organization=f"Org {n:02d}")
        for n in range(25)
        for k in range(1 + (n % 3))
    ]
    rows = charts.first_update_rows(many, CATALOG)
    chart, left_out = charts.first_update_chart(rows, limit=20)
    assert left_out == 5
    shown = [own_text(t) for t in texts(parse(chart.svg), "okb-label")]
    assert len(shown) == 20
    medians = [float(r.percentile(50) or 0) for r in rows if f"{r.label} ({len(r.points)})" in shown]
    assert medians == sorted(medians)
    # the organizations with the fewest incidents are the ones left to the table
    dropped = {r.label for r in rows} - {label.rsplit(" (", 1)[0] for label in shown}
    assert all(len(r.points) == 1 for r in rows if r.label in dropped)
    assert chart.table.count("<tr><td>Org ") == 25
    assert "5 more organizations with fewer incidents are in the table only" in chart.summary


def test_updates_before_the_start_are_drawn_at_the_edge() -> None:
    rows = charts.first_update_rows(
        [incident("early", at(2021), first_update=-5), incident("late", at(2021), first_update=20)], CATALOG
    )
    chart, _ = charts.first_update_chart(rows)
    root = parse(chart.svg)
    x0 = charts.LABEL_WIDTH + 10
    dot = next(c for c in root.iter(f"{SVG}circle") if "Incident early" in (c.findtext(f"{SVG}title") or ""))
    assert float(dot.get("cx", 0)) == pytest.approx(x0)
    assert "1 first update came at or before the recorded start" in chart.summary
    assert "−5 min" in chart.table


# escaping, ids, empty data -------------------------------------------------------------


def test_contributor_text_is_escaped_everywhere() -> None:
    catalog = Catalog(causes={"evil": Cause("evil", HOSTILE)})
    corpus = [
        incident("x1", at(2021), (CauseRef("evil"),), minutes=30, first_update=3, organization=HOSTILE),
        incident("x2", at(2022), (CauseRef("evil"),), minutes=60, first_update=4, organization=HOSTILE),
    ]
    found = charts.stats(corpus, catalog)
    for chart in (found.years, found.durations, found.first_update):
        for markup in (chart.svg, chart.table):
            assert "<script" not in markup
            assert '"onload' not in markup
            assert "{{" not in markup  # template braces made inert too
            assert "\n" not in markup  # one line: Markdown keeps it as one HTML block
        root = parse(chart.svg)
        assert not [e for e in root.iter() if e.tag.endswith("script")]
        assert all(not name.startswith("on") for e in root.iter() for name in e.attrib)
        # the text still reads as written (the XML parser decodes the entities)
        assert any("<script>alert(1)</script>" in (e.text or "") for e in root.iter())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onload=alert(2) &#123;&#123; x &#125;&#125;" in found.first_update.table


def test_ids_are_unique_and_labelled() -> None:
    found = charts.stats(year_corpus(), CATALOG)
    ids = Counter(
        e.get("id")
        for chart in (found.years, found.durations, found.first_update)
        for e in parse(chart.svg).iter()
        if e.get("id")
    )
    assert ids and all(count == 1 for count in ids.values()), ids
    for chart in (found.years, found.durations, found.first_update):
        root = parse(chart.svg)
        assert {root.get("aria-labelledby"), root.get("aria-describedby")} <= set(ids)


def test_empty_data_says_so() -> None:
    found = charts.stats([], CATALOG)
    for chart in (found.years, found.durations, found.first_update):
        root = parse(chart.svg)
        title, desc = accessible_parts(root)
        assert title and desc.startswith("No data")
        assert [t.text for t in texts(root, "okb-nodata")][0].startswith("No data")
        assert chart.empty and chart.table == ""
    # incidents without resolutions or updates: the two strip charts are empty, the year chart is not
    found = charts.stats([incident("open", at(2024))], CATALOG)
    assert not found.years.empty and found.durations.empty and found.first_update.empty
    assert found.organizations_left_out == 0


# the page in a real build ------------------------------------------------------------------


def incident_yaml(title: str, organization: str, started: str, resolved: str | None, cause: str, update: str | None) -> str:
    text = MINIMAL_INCIDENT.replace("Example service down after a bad configuration push", title)
    text = text.replace("organization: Example", f"organization: {organization}")
    text = text.replace("2024-05-01T10:00:00+02:00", started).replace("cause: config-change", f"cause: {cause}")
    text = text.replace("detected: 2024-05-01T10:05:00+02:00\n", "").replace("mitigated: 2024-05-01T11:00:00+02:00\n", "")
    text = text.replace("resolved: 2024-05-01T12:30:00+02:00\n", f"resolved: {resolved}\n" if resolved else "")
    if update:
        text += f"updates:\n  - at: {update}\n    status: investigating\n    text: Looking into it.\n"
    return text


INCIDENTS = {
    "2024-05-01-example-config-push.yaml": MINIMAL_INCIDENT,
    "2023-02-10-acme-dns.yaml": incident_yaml(
        "Acme lookups failed", "Acme", "2023-02-10T08:00:00Z", "2023-02-10T09:30:00Z", "dns", "2023-02-10T08:20:00Z"
    ),
    "2023-07-04-evil-power.yaml": incident_yaml(
        "Power loss in one hall",
        "'<script>alert(1)</script>\"onload=alert(2)'",
        "2023-07-04T08:00:00Z",
        "2023-07-06T08:00:00Z",
        "power",
        "2023-07-04T08:05:00Z",
    ),
    "2025-01-15-acme-ongoing.yaml": incident_yaml("Acme still down", "Acme", "2025-01-15T08:00:00Z", None, "capacity", None),
}

PALETTES = """\
theme:
  name: material
  font: false
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode
"""


@pytest.fixture(scope="module")
def stats_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("stats"), INCIDENTS)
    write(
        project / "mkdocs.yml",
        "site_name: Stats test\nuse_directory_urls: true\n" + PALETTES + "plugins:\n  - search\n  - outagekb\n",
    )
    return build(project, strict=True)


def test_stats_page_has_three_labelled_charts(stats_site: Path) -> None:
    html = (stats_site / "stats" / "index.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg class=\"okb-chart__svg.*?</svg>", html)
    assert len(svgs) == 3
    for svg in svgs:
        root = parse(svg)
        title, desc = accessible_parts(root)
        assert title and len(desc) > 40
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onload=alert(2)" in html
    assert html.count('<details class="okb-chart-data" data-search-exclude>') == 3
    for heading in ("Incidents per year", "Duration by cause", "Time to first public update"):
        assert re.search(rf"<h2 id=\"[^\"]+\">{heading}", html), heading
    assert "Statistics" in (stats_site / "index.html").read_text(encoding="utf-8")  # listed in the nav
    # one incident is ongoing and one has no update: left out, and the numbers say so
    years = parse(svgs[0])
    assert "4 incidents from 2023 to 2025" in (years.findtext(f"{SVG}desc") or "")
    assert "Configuration change 2 h 30 min (n = 1)" in (parse(svgs[1]).findtext(f"{SVG}desc") or "")
    assert "Acme 20 min (n = 1)" in (parse(svgs[2]).findtext(f"{SVG}desc") or "")


def _rgba(text: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", text)]
    assert len(numbers) in (3, 4), text
    return (numbers[0], numbers[1], numbers[2], numbers[3] if len(numbers) == 4 else 1.0)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of a (possibly translucent) colour over an opaque background."""
    fr, fg, fb, alpha = _rgba(foreground)
    br, bg, bb, _ = _rgba(background)
    blended = (fr * alpha + br * (1 - alpha), fg * alpha + bg * (1 - alpha), fb * alpha + bb * (1 - alpha))
    light, dark = sorted((_luminance(blended), _luminance((br, bg, bb))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_palette_colours_stand_out_from_both_backgrounds() -> None:
    """Every series colour of the charts, and each colour of the incident strip, keeps 3:1
    (WCAG, graphical objects) against Material's light background (white) and its dark one
    (slate: hsl(232, 15%, 14%) = #1e2029)."""
    from outagekb.templating import Templates

    css = Templates().text("outagekb.css")
    for prefix, series in (("chart", [str(n) for n in range(charts.PALETTE_SIZE)]), ("strip", ["entry", "impact", "mitigated"])):
        light = re.search(rf':root, \[data-md-color-scheme="default"\] \{{([^}}]*--okb-{prefix}-[^}}]*)\}}', css)
        dark = re.search(rf'\[data-md-color-scheme="slate"\] \{{([^}}]*--okb-{prefix}-[^}}]*)\}}', css)
        assert light and dark, prefix
        for block, background in ((light.group(1), "rgb(255, 255, 255)"), (dark.group(1), "rgb(30, 32, 41)")):
            colours = dict(re.findall(rf"--okb-{prefix}-(\w+): #(\w{{6}})", block))
            assert sorted(colours) == sorted(series), (prefix, background)
            for index, value in colours.items():
                rgb = f"rgb({int(value[0:2], 16)}, {int(value[2:4], 16)}, {int(value[4:6], 16)})"
                assert contrast(rgb, background) >= 3, (prefix, index, value, background)


def test_contrast_helper() -> None:
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(1)


COLOURS_JS = """() => {
  const svg = document.querySelector("svg.okb-chart__svg");
  const tick = svg.querySelector("text.okb-tick");
  const bar = svg.querySelector("rect.okb-bar");
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    background: getComputedStyle(document.body).backgroundColor,
    tick: getComputedStyle(tick).fill,
    bar: getComputedStyle(bar).fill,
  };
}"""


@pytest.mark.parametrize(("color_scheme", "md_scheme"), [("light", "default"), ("dark", "slate")])
def test_stats_page_in_chromium(chromium: Any, stats_site: Path, tmp_path: Path, color_scheme: str, md_scheme: str) -> None:
    from browser import Watch, serve

    with serve(stats_site) as base:
        context = chromium.new_context(color_scheme=color_scheme, viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            watch = Watch(base)
            watch.attach(page)
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(base + "stats/", wait_until="networkidle")

            svgs = page.locator("svg.okb-chart__svg")
            assert svgs.count() == 3
            for index in range(3):
                svg = svgs.nth(index)
                assert svg.is_visible()
                box = svg.bounding_box()
                assert box is not None and box["width"] > 300 and box["height"] > 50
            for name in (
                "Incidents per year, by top-level cause",
                "Outage duration by cause",
                "Time to first public update, by organization",
            ):
                image = page.get_by_role("img", name=name, exact=True)
                assert image.count() == 1 and image.is_visible(), name
                description = image.get_attribute("aria-describedby") or ""
                assert len(page.locator(f"[id='{description}']").text_content() or "") > 40

            colours = page.evaluate(COLOURS_JS)
            assert colours["scheme"] == md_scheme
            assert contrast(colours["tick"], colours["background"]) >= 4.5, colours
            assert contrast(colours["bar"], colours["background"]) >= 3, colours

            shot = tmp_path / f"stats-{color_scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            data = shot.read_bytes()
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
            assert dialogs == []
            watch.assert_clean()
        finally:
            context.close()


def test_palettes_give_different_chart_colours(chromium: Any, stats_site: Path) -> None:
    """The same SVG takes its colours from the scheme: text and bars change with it."""
    from browser import serve

    found = {}
    with serve(stats_site) as base:
        for color_scheme in ("light", "dark"):
            context = chromium.new_context(color_scheme=color_scheme)
            try:
                page = context.new_page()
                page.goto(base + "stats/", wait_until="networkidle")
                found[color_scheme] = page.evaluate(COLOURS_JS)
            finally:
                context.close()
    assert found["light"]["tick"] != found["dark"]["tick"]
    assert found["light"]["bar"] != found["dark"]["bar"]
    assert found["light"]["background"] != found["dark"]["background"]


def test_figures_computed_by_the_graph_give_the_same_charts() -> None:
    corpus = [
        incident(
            f"k{n}", at(2020 + n % 3, 1 + n % 12), (CauseRef(("alpha-child", "beta")[n % 2]),), minutes=10 * n, first_update=n
        )
        for n in range(1, 9)
    ]
    known = {i.id: figures.incident_figures(i, CATALOG, NOW) for i in corpus}
    found = charts.stats(corpus, CATALOG, known)
    assert found.durations.svg.count("<circle") >= len(corpus)  # something is drawn
    assert found == charts.stats(corpus, CATALOG)
