"""Every page type read as its readers read it: axe-core against WCAG 2.2 AA, and no page wider
than a phone, in the light and dark palettes, at 1280 and 390 px, on the showcase and on a
knowledge base made by `outagekb init`.

Each page is also saved as a whole-page screenshot, `<site>/<light|dark>-<width>/<page type>.png`
under `$OUTAGEKB_SCREENSHOTS` when it is set, else under pytest's temporary folder (a failure
names it), so that a person can look at what was checked.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from browser import Watch, axe_violations, layout_problems, screenshot_folder, serve, sideways
from conftest import ROOT, build
from outagekb.cli import main as outagekb

axe_module = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")


@dataclass(frozen=True)
class Site:
    """A built site, and the pages of it that stand for each page type."""

    name: str
    base: str
    incident: str
    cause: str
    lesson: str
    search: str  # words typed into Material's search box


def page_types(site: Site) -> list[tuple[str, str]]:
    """(name, address below the site) of every page type; `search` is the home page with its search open."""
    return [
        ("home", ""),
        ("incidents", "incidents/"),
        ("incident", f"incidents/{site.incident}/"),
        ("causes", "causes/"),
        ("cause", f"causes/{site.cause}/"),
        ("lessons", "lessons/"),
        ("lesson", f"lessons/{site.lesson}/"),
        ("actions", "actions/"),
        ("stats", "stats/"),
        ("browse", "browse/"),
        ("browse-filtered", f"browse/?cause={site.cause}"),
        ("search", ""),
    ]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Site]]:
    """The showcase and a new knowledge base from `outagekb init`, each built once and served."""
    showcase = tmp_path_factory.mktemp("a11y") / "showcase"
    for folder in ("docs", "incidents"):
        shutil.copytree(ROOT / folder, showcase / folder)
    shutil.copy(ROOT / "mkdocs.yml", showcase / "mkdocs.yml")
    fresh = tmp_path_factory.mktemp("a11y") / "our-outages"
    assert outagekb(["init", str(fresh)]) == 0
    add_internal_parts(fresh / "incidents" / "2025-01-15-example-login-certificate.yaml")
    with serve(build(showcase)) as showcase_url, serve(build(fresh)) as fresh_url:
        yield {
            "showcase": Site("showcase", showcase_url, "2017-01-31-gitlab-database-deletion", "network", "testing", "DNS"),
            "init": Site(
                "init", fresh_url, "2025-01-15-example-login-certificate", "expired-credential", "monitoring", "certificate"
            ),
        }


def add_internal_parts(path: Path) -> None:
    """What a team adds that only its internal site shows, so that the marks are checked too."""
    text = path.read_text(encoding="utf-8")
    action = "    due: 2025-03-01\n"
    assert action in text
    internal = "  - action: Credit the two enterprise accounts.\n    owner: Finance\n    internal: true\n"
    text = text.replace(action, action + internal) + "internal_notes: Finance holds the list of credits.\n"
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_folder(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module")
def axe() -> Any:
    return axe_module.Axe()


def open_search(page: Any, words: str) -> None:
    """Open Material's search from the keyboard, as a reader does, and type; wait for its results."""
    page.keyboard.press("/")
    page.wait_for_selector("input.md-search__input:focus")
    page.keyboard.type(words, delay=20)
    page.wait_for_function(
        "q => { const meta = document.querySelector('.md-search-result__meta');"
        " const text = meta ? meta.textContent.trim() : '';"
        " return text !== '' && !/^initializ/i.test(text) && document.querySelector('input.md-search__input').value === q; }",
        arg=words,
        timeout=30_000,
    )
    page.wait_for_timeout(300)  # the worker answers each keystroke; let the last answer land


# the browse page lays out only the facet values and results in view (content-visibility);
# axe and the screenshots need all of them drawn
EVERYTHING_DRAWN = "* { content-visibility: visible !important; }"


def open_page(page: Any, site: Site, kind: str, path: str) -> None:
    page.goto(site.base + path)
    page.wait_for_load_state("load")
    if kind.startswith("browse"):
        page.wait_for_selector('#okb-browse[data-okb-state="ready"]')
        page.add_style_tag(content=EVERYTHING_DRAWN)
    if kind == "search":
        open_search(page, site.search)


HOVERED = ("home", "incident")
"""Pages whose links, tags and buttons are also checked while the pointer is on them."""


def hovered_violations(page: Any, axe: Any) -> list[str]:
    """Contrast of the first link in text, tag and button while pointed at (Material turns them
    the accent colour)."""
    found = []
    for what, selector in (
        ("link", ".md-content p a[href]:not(.md-button, .md-tag)"),
        ("tag", ".md-content a.md-tag"),
        ("button", ".md-content a.md-button"),
    ):
        target = page.locator(selector).first
        if not target.count() or not target.is_visible():
            continue
        target.hover()
        page.wait_for_timeout(300)  # Material's colour transitions (125-250 ms)
        found += [f"{what} pointed at: {problem}" for problem in axe_violations(page, axe, context=selector)]
    page.mouse.move(0, 0)
    return found


NARROW = 390
_TABLE_LAYOUT = """narrow => {
  const found = [];
  const shown = (el) => el.getClientRects().length > 0;
  // columns marked secondary (tables.py) are left out on a phone, and only there
  for (const cell of document.querySelectorAll(".okb-table .okb-secondary")) {
    if (shown(cell) === narrow) { found.push(`secondary column "${cell.textContent.trim().slice(0, 30)}" is ${narrow ? "shown" : "hidden"}`); break; }
  }
  // the timeline and public updates: on a phone each entry's text runs under its time, across the box
  for (const row of document.querySelectorAll(":is(.okb-timeline, .okb-updates) tbody tr")) {
    const first = row.cells[0].getBoundingClientRect(), last = row.cells[row.cells.length - 1].getBoundingClientRect();
    const stacked = last.top >= first.bottom - 1 && last.width >= 0.8 * row.getBoundingClientRect().width;
    if (stacked !== narrow) { found.push(`a ${row.closest("table").className} entry is ${stacked ? "" : "not "}stacked`); break; }
  }
  return found;
}"""


@pytest.mark.parametrize("width", [1280, NARROW])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("site_name", ["showcase", "init"])
def test_every_page_type_meets_wcag_22_aa_and_fits_the_window(
    chromium: Any, sites: dict[str, Site], shots: Path, axe: Any, site_name: str, scheme: str, width: int
) -> None:
    site = sites[site_name]
    # the reader's system preference picks Material's palette (its `media` queries), as on a phone
    context = chromium.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    watch = Watch(site.base)
    watch.attach(page)
    folder = shots / site.name / f"{scheme}-{width}"
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    try:
        for kind, path in page_types(site):
            open_page(page, site, kind, path)
            palette = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert palette == ("slate" if scheme == "dark" else "default"), (kind, palette)
            page.screenshot(path=str(folder / f"{kind}.png"), full_page=True)
            problems += [f"{kind}: {found}" for found in axe_violations(page, axe)]
            problems += [f"{kind}: sideways: {found}" for found in sideways(page)]
            problems += [f"{kind}: layout: {found}" for found in layout_problems(page)]
            if kind in HOVERED:
                problems += [f"{kind}: {found}" for found in hovered_violations(page, axe)]
            problems += [f"{kind}: tables: {found}" for found in page.evaluate(_TABLE_LAYOUT, width == NARROW)]
    finally:
        context.close()
    assert not problems, f"{site.name}, {scheme}, {width} px (screenshots in {folder}):\n" + "\n".join(problems)
    watch.assert_clean()
