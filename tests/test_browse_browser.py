"""The browse page in headless Chromium, against the data.

On the showcase, every value of every facet is opened as `browse/?<facet>=<value>` and the
incidents listed must be exactly those that have it, newest first, as computed here from the
loaded knowledge base (not from the browse index). Then combinations, counts, clicks, the
URL, back and forward, the keyboard, no JavaScript at all, and, on a small hostile site with
Material's instant navigation and `.html` URLs, escaping and the index loaded once.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest

from browser import Watch, serve
from conftest import MINIMAL_INCIDENT, ROOT, build, write
from outagekb import browse
from outagekb.loader import load_knowledge_base
from outagekb.model import SEVERITIES, Incident

KB, PROBLEMS = load_knowledge_base(str(ROOT / "incidents"))
PUBLISHED = sorted(KB.published, key=lambda i: (i.started, i.id), reverse=True)
FACETS = browse.FACET_NAMES
READY = '#okb-browse[data-okb-state="ready"]'
# what the site build needs; the rest of the repository (virtualenv, site, benchmarks) stays behind
IGNORED = shutil.ignore_patterns(".venv", "site", ".git", "benchmarks", "__pycache__", ".*_cache", "*.egg-info", "node_modules")


def facet_values(incident: Incident) -> dict[str, set[str]]:
    causes: set[str] = set()
    for cause_id in incident.cause_ids:
        causes |= {cause_id, *KB.catalog.ancestors(cause_id)}
    return {
        "cause": causes,
        "lesson": set(incident.lesson_ids),
        "severity": {incident.severity},
        "organization": {incident.organization},
        "service": set(incident.services),
        "tag": set(incident.tags),
        "upstream": set(incident.upstream),
        "year": {str(incident.started.year)},
    }


VALUES = {incident.id: facet_values(incident) for incident in PUBLISHED}


def all_values(facet: str) -> set[str]:
    found = {value for values in VALUES.values() for value in values[facet]}
    if facet == "cause":
        found |= set(KB.catalog.causes)
    if facet == "lesson":
        found |= set(KB.catalog.lessons)
    if facet == "severity":
        found |= set(SEVERITIES)
    return found


EVERY_VALUE = [(facet, value) for facet in FACETS for value in sorted(all_values(facet))]


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not "\u0300" <= c <= "\u036f").lower()


def expected(selection: dict[str, list[str]], q: str = "") -> list[str]:
    """Ids of the published incidents that pass every facet (any of its values) and every word, newest first."""
    words = fold(q).split()
    result = []
    for incident in PUBLISHED:
        if any(values and not set(values) & VALUES[incident.id][facet] for facet, values in selection.items()):
            continue
        text = "\n".join(
            [incident.title, browse.summary_text(incident.summary), incident.organization, *incident.services, *incident.tags]
        )
        if any(word not in fold(text) for word in words):
            continue
        result.append(incident.id)
    return result


def query(selection: dict[str, list[str]], q: str = "") -> str:
    pairs = [(facet, value) for facet in FACETS for value in selection.get(facet, [])] + ([("q", q)] if q else [])
    return "?" + urlencode(pairs, quote_via=quote) if pairs else ""


# --- the showcase, built and served once for the module ------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert PROBLEMS == []
    project = tmp_path_factory.mktemp("browse") / "showcase"
    shutil.copytree(ROOT, project, ignore=IGNORED)
    site = build(project)
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def tab(chromium: Any, base: str) -> Iterator[tuple[Any, Watch]]:
    context = chromium.new_context()
    page = context.new_page()
    watch = Watch(base)
    watch.attach(page)
    yield page, watch
    context.close()


def open_browse(page: Any, base: str, search: str = "") -> None:
    page.goto(base + "browse/" + search)
    page.wait_for_selector(READY)


def shown(page: Any) -> list[str]:
    """The incident ids the results list links to, in order; each link must reach an incident page."""
    hrefs: list[str] = page.eval_on_selector_all(".okb-browse__results a", "links => links.map(a => a.href)")
    ids = []
    for href in hrefs:
        match = re.fullmatch(r"/incidents/([a-z0-9-]+)/", urlsplit(href).path)
        assert match, f"not a link to an incident page: {href}"
        ids.append(match.group(1))
    return ids


def facet_counts(page: Any) -> dict[tuple[str, str], tuple[int, bool]]:
    """Every checkbox on the page: (facet, value) -> (the count it shows, checked)."""
    rows = page.eval_on_selector_all(
        ".okb-facet input[type=checkbox]",
        "boxes => boxes.map(b => [b.name, b.value, b.closest('label').querySelector('.okb-facet__count').textContent, b.checked])",
    )
    return {(name, value): (int(count), checked) for name, value, count, checked in rows}


def search_of(page: Any) -> list[tuple[str, str]]:
    # read in the page: Playwright's page.url follows history.replaceState only a moment later
    return parse_qsl(str(page.evaluate("location.search")).lstrip("?"))


def assert_counts(page: Any, selection: dict[str, list[str]], q: str = "") -> None:
    """Each value shows how many incidents it would leave, given the other facets' choices and the words."""
    counts = facet_counts(page)
    assert {key for key in counts} == {(facet, value) for facet, value in EVERY_VALUE}
    for (facet, value), (count, checked) in counts.items():
        others = {**selection, facet: [value]}
        assert count == len(expected(others, q)), f"{facet}={value}"
        assert checked == (value in selection.get(facet, []))


# --- every value of every facet --------------------------------------------------------------------


def test_the_showcase_has_values_for_every_facet() -> None:
    for facet in FACETS:
        assert any(VALUES[i][facet] for i in VALUES), f"no incident of the showcase has a {facet}"


def check_value(page: Any, facet: str, value: str) -> list[str]:
    """What is wrong with the page showing `?<facet>=<value>`, if anything."""
    want = expected({facet: [value]})
    problems = []
    if shown(page) != want:
        problems.append(f"{facet}={value}: shows {shown(page)}, expected {want}")
    if search_of(page) != [(facet, value)]:
        problems.append(f"{facet}={value}: the URL became {page.url}")
    if not page.is_checked(f".okb-facet input[name={facet}][value={quote_css(value)}]"):
        problems.append(f"{facet}={value}: its checkbox is not checked")
    count = page.text_content(".okb-browse__count") or ""
    if not ((f"{len(want)} of {len(PUBLISHED)} incidents match" in count) if want else count.startswith("No incident matches")):
        problems.append(f"{facet}={value}: the count says {count!r} for {len(want)}")
    return problems


def open_in_page(page: Any, search: str) -> None:
    """Open a browse URL without reloading the page: the URL changes, the page reads it (as on back and forward)."""
    page.evaluate(
        "search => { history.pushState(null, '', location.pathname + search); dispatchEvent(new PopStateEvent('popstate')); }",
        search,
    )


@pytest.mark.parametrize("facet", FACETS)
def test_every_facet_value_shows_exactly_its_incidents(tab: tuple[Any, Watch], base: str, facet: str) -> None:
    """All values of one facet, each URL read by the page in place (a full load each would take minutes)."""
    page, watch = tab
    open_browse(page, base)
    problems = []
    for each, value in EVERY_VALUE:
        if each == facet:
            open_in_page(page, query({facet: [value]}))
            problems += check_value(page, facet, value)
    assert not problems, "\n".join(problems)
    watch.assert_clean()


# by a full page load: the first and last value of each facet, and every value with characters beyond letters, digits, spaces and hyphens
LOADED = sorted(
    {
        pair
        for facet in FACETS
        for pair in (EVERY_VALUE[[f for f, _ in EVERY_VALUE].index(facet)], [p for p in EVERY_VALUE if p[0] == facet][-1])
    }
    | {(f, v) for f, v in EVERY_VALUE if not re.fullmatch(r"[A-Za-z0-9 -]+", v)}
)


@pytest.mark.parametrize(("facet", "value"), LOADED, ids=[f"{f}={v}" for f, v in LOADED])
def test_facet_value_urls_open_from_a_full_page_load(tab: tuple[Any, Watch], base: str, facet: str, value: str) -> None:
    page, watch = tab
    open_browse(page, base, query({facet: [value]}))
    assert not check_value(page, facet, value)
    watch.assert_clean()


def quote_css(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_no_filter_lists_everything_with_counts(tab: tuple[Any, Watch], base: str) -> None:
    page, watch = tab
    open_browse(page, base)
    assert shown(page) == [i.id for i in PUBLISHED]
    assert page.text_content(".okb-browse__count") == f"{len(PUBLISHED)} incidents, newest first."
    # on small screens, where the results come after the facets, a link leads down to them
    assert page.text_content(".okb-browse__jump a") == f"Show the {len(PUBLISHED)} matching incidents"
    assert_counts(page, {})
    # the parent's count includes its children's incidents
    counts = facet_counts(page)
    assert counts[("cause", "network")][0] >= max(counts[("cause", "dns")][0], counts[("cause", "routing")][0])
    watch.assert_clean()


# --- combinations ------------------------------------------------------------------------------------

COMBINATIONS: list[tuple[dict[str, list[str]], str]] = [
    ({"cause": ["dns", "routing"]}, ""),
    ({"cause": ["network"], "severity": ["critical"]}, ""),
    ({"cause": ["deployment"], "lesson": ["staged-rollout", "testing"]}, ""),
    ({"severity": ["major", "minor"], "year": sorted({y for v in VALUES.values() for y in v["year"]})[-3:]}, ""),
    ({"organization": ["AWS", "Google Cloud", "Microsoft"], "cause": ["capacity", "config-change"]}, ""),
    ({}, "DNS"),
    ({}, "configuration change"),
    ({}, "telefonica"),  # accents folded: O2 (Telefónica UK)
    ({"severity": ["critical"]}, "aws"),
    ({"cause": ["dns"]}, "nonexistentword"),
]


@pytest.mark.parametrize(("selection", "q"), COMBINATIONS, ids=[query(s, q) for s, q in COMBINATIONS])
def test_combinations_or_within_and_across(tab: tuple[Any, Watch], base: str, selection: dict[str, list[str]], q: str) -> None:
    page, watch = tab
    open_browse(page, base, query(selection, q))
    assert shown(page) == expected(selection, q)
    assert page.input_value("#okb-browse-q") == q
    assert search_of(page) == parse_qsl(query(selection, q)[1:])
    # `q` is also Material's deep link into its search; on the browse page it must not open the search
    assert page.evaluate("document.querySelector('[data-md-toggle=search]').checked") is False
    assert_counts(page, selection, q)
    watch.assert_clean()


def test_some_combinations_are_non_trivial() -> None:
    """The combinations above really test OR and AND: neither empty nor everything."""
    assert len(expected({"cause": ["dns", "routing"]})) > max(
        len(expected({"cause": ["dns"]})), len(expected({"cause": ["routing"]}))
    )
    both = expected({"cause": ["network"], "severity": ["critical"]})
    assert 0 < len(both) < min(len(expected({"cause": ["network"]})), len(expected({"severity": ["critical"]})))
    assert 0 < len(expected({}, "DNS")) < len(PUBLISHED)
    assert expected({}, "telefonica")


# --- clicks, the URL, back and forward, the keyboard ----------------------------------------------


def test_clicks_change_url_and_list_and_history_undoes_them(tab: tuple[Any, Watch], base: str) -> None:
    page, watch = tab
    open_browse(page, base)
    page.check(".okb-facet input[name=cause][value=network]")
    assert search_of(page) == [("cause", "network")]
    assert shown(page) == expected({"cause": ["network"]})
    page.check(".okb-facet input[name=severity][value=critical]")
    assert search_of(page) == [("cause", "network"), ("severity", "critical")]
    assert shown(page) == expected({"cause": ["network"], "severity": ["critical"]})
    page.check(".okb-facet input[name=cause][value=hardware]")
    assert search_of(page) == [("cause", "network"), ("cause", "hardware"), ("severity", "critical")]
    assert shown(page) == expected({"cause": ["network", "hardware"], "severity": ["critical"]})
    page.uncheck(".okb-facet input[name=cause][value=network]")
    assert search_of(page) == [("cause", "hardware"), ("severity", "critical")]
    assert shown(page) == expected({"cause": ["hardware"], "severity": ["critical"]})

    page.click(".okb-browse__clear")
    assert page.evaluate("location.search") == ""
    assert shown(page) == [i.id for i in PUBLISHED]
    assert not any(checked for _, checked in facet_counts(page).values())

    page.go_back()
    assert search_of(page) == [("cause", "hardware"), ("severity", "critical")]
    assert shown(page) == expected({"cause": ["hardware"], "severity": ["critical"]})
    assert page.is_checked(".okb-facet input[name=cause][value=hardware]")
    page.go_back()
    page.go_back()
    assert search_of(page) == [("cause", "network"), ("severity", "critical")]
    assert shown(page) == expected({"cause": ["network"], "severity": ["critical"]})
    page.go_back()
    page.go_back()
    assert page.evaluate("location.search") == ""
    assert shown(page) == [i.id for i in PUBLISHED]
    page.go_forward()
    assert search_of(page) == [("cause", "network")]
    assert shown(page) == expected({"cause": ["network"]})
    assert_counts(page, {"cause": ["network"]})
    watch.assert_clean()


def test_typing_words_filters_and_replaces_the_url(tab: tuple[Any, Watch], base: str) -> None:
    page, watch = tab
    open_browse(page, base, "?severity=critical")
    page.fill("#okb-browse-q", "dns")
    assert search_of(page) == [("severity", "critical"), ("q", "dns")]
    assert shown(page) == expected({"severity": ["critical"]}, "dns")
    page.fill("#okb-browse-q", "")
    assert search_of(page) == [("severity", "critical")]
    page.keyboard.press("Enter")  # no form submission, no reload
    assert search_of(page) == [("severity", "critical")]
    assert shown(page) == expected({"severity": ["critical"]})
    watch.assert_clean()


def test_keyboard_only(tab: tuple[Any, Watch], base: str) -> None:
    page, watch = tab
    open_browse(page, base)
    page.focus("#okb-browse-q")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('okb-facet__filter')")  # the cause facet's filter box
    page.keyboard.type("dns")
    visible = page.eval_on_selector_all(".okb-facet--cause li:not([hidden]) input", "boxes => boxes.map(b => b.value)")
    assert visible == ["dns"]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name + '=' + document.activeElement.value") == "cause=dns"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "keyboard focus must be visible"
    page.keyboard.press("Space")
    assert search_of(page) == [("cause", "dns")]
    assert shown(page) == expected({"cause": ["dns"]})
    live = page.get_attribute(".okb-browse__count", "aria-live")
    assert live == "polite"
    assert (
        page.text_content(".okb-browse__count")
        == f"{len(expected({'cause': ['dns']}))} of {len(PUBLISHED)} incidents match, newest first."
    )
    # every checkbox has a label and every facet a legend
    assert page.eval_on_selector_all(
        ".okb-facet input[type=checkbox]",
        "boxes => boxes.every(b => b.closest('label') && b.closest('label').textContent.trim())",
    )
    assert page.eval_on_selector_all(
        ".okb-facet", "sets => sets.every(s => s.tagName === 'FIELDSET' && s.querySelector('legend').textContent.trim())"
    )
    watch.assert_clean()


def test_unknown_values_match_nothing_and_can_be_cleared(tab: tuple[Any, Watch], base: str) -> None:
    page, watch = tab
    open_browse(page, base, "?cause=DNS&organization=Nobody%20Inc")
    assert search_of(page) == [("cause", "dns"), ("organization", "Nobody Inc")]  # another case is accepted and corrected
    assert shown(page) == []
    assert page.text_content(".okb-browse__count") == f"No incident matches these filters (of {len(PUBLISHED)})."
    unknown = '.okb-facet input[name=organization][value="Nobody Inc"]'
    assert page.is_checked(unknown)
    page.uncheck(unknown)
    assert search_of(page) == [("cause", "dns")]
    assert shown(page) == expected({"cause": ["dns"]})
    assert page.evaluate("document.activeElement.value") == "Nobody Inc"  # still there: focus is not lost
    page.check(unknown)
    assert search_of(page) == [("cause", "dns"), ("organization", "Nobody Inc")]
    assert shown(page) == []
    watch.assert_clean()


def test_without_javascript_the_page_points_to_the_incidents_index(chromium: Any, base: str) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + "browse/?cause=dns")
        fallback = page.locator(".okb-browse__fallback")
        assert fallback.is_visible()
        assert "needs JavaScript" in (fallback.text_content() or "")
        assert not page.locator(".okb-browse__ui").is_visible()
        fallback.locator("a").click()
        page.wait_for_url("**/incidents/")
        assert page.locator("table.okb-incidents").is_visible()
    finally:
        context.close()


# --- a hostile incident, instant navigation and .html URLs -----------------------------------------

HOSTILE_TITLE = '</a><img src=x onerror="alert(1)">{{ 7*7 }} & "quoted"'
HOSTILE = f"""\
title: '{HOSTILE_TITLE}'
organization: '<svg onload=alert(2)>'
services: ['<iframe src=javascript:alert(3)>']
severity: minor
started: 2023-03-01T10:00:00Z
summary: "<script>alert(4)</script> hostile words"
causes:
  - cause: dns
tags: ['<b onclick=alert(5)>tag</b>']
"""

INSTANT_YML = """\
site_name: Instant browse
site_url: {base}
use_directory_urls: false
theme:
  name: material
  font: false
  features:
    - navigation.instant
plugins:
  - search
  - outagekb
"""


@pytest.fixture(scope="module")
def instant_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = tmp_path_factory.mktemp("instant")
    site = project / "site"
    site.mkdir()
    # Material's instant navigation follows only links found in the sitemap, whose URLs come
    # from `site_url` and must carry the server's port: serve first, then build.
    with serve(site) as url:
        write(project / "mkdocs.yml", INSTANT_YML.format(base=url))
        write(project / "docs" / "index.md", "# Home\n\n[Browse the incidents](browse/index.md)\n")
        write(project / "incidents" / "2024-05-01-example-config.yaml", MINIMAL_INCIDENT)
        write(project / "incidents" / "2023-03-01-hostile.yaml", HOSTILE)
        build(project, site_dir=site)
        yield url


def test_hostile_text_stays_text_with_instant_navigation(chromium: Any, instant_base: str) -> None:
    context = chromium.new_context()
    try:
        page = context.new_page()
        watch = Watch(instant_base)
        watch.attach(page)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        index_requests: list[str] = []
        page.on(
            "request", lambda request: index_requests.append(request.url) if request.url.endswith("/browse/index.json") else None
        )

        page.goto(instant_base + "index.html", wait_until="networkidle")  # Material intercepts links once it has the sitemap
        page.evaluate("window.okbSamePage = true")
        page.click("article a[href*='browse']")
        page.wait_for_selector(READY)
        assert page.evaluate("window.okbSamePage === true"), "Material's instant navigation should not reload the page"
        assert page.evaluate("location.pathname") == "/browse/index.html"
        links = page.locator(".okb-browse__results a")
        assert links.count() == 2
        assert links.nth(1).text_content() == HOSTILE_TITLE
        assert page.locator(".okb-browse img, .okb-browse svg[onload], .okb-browse iframe, .okb-browse b").count() == 0
        labels = page.eval_on_selector_all(".okb-facet__label", "spans => spans.map(s => s.textContent)")
        assert {"<svg onload=alert(2)>", "<iframe src=javascript:alert(3)>", "<b onclick=alert(5)>tag</b>"} <= set(labels)

        page.check('.okb-facet input[name=organization][value="<svg onload=alert(2)>"]')
        assert search_of(page) == [("organization", "<svg onload=alert(2)>")]
        assert [a.split("/")[-1] for a in page.eval_on_selector_all(".okb-browse__results a", "l => l.map(a => a.href)")] == [
            "2023-03-01-hostile.html"
        ]
        page.fill("#okb-browse-q", "hostile words")
        assert links.count() == 1
        page.go_back()  # the word box replaced its entry; back undoes the facet
        assert page.evaluate("location.search") == ""
        assert links.count() == 2

        # to an incident page and back: Material swaps the pages, the index is not fetched again
        links.first.click()
        page.wait_for_url("**/incidents/2024-05-01-example-config.html")
        page.go_back()
        page.wait_for_selector(READY)
        assert links.count() == 2
        assert page.evaluate("window.okbSamePage === true")
        page.check(".okb-facet input[name=severity][value=major]")
        assert links.count() == 1
        assert len(index_requests) == 1, index_requests
        assert dialogs == []
        watch.assert_clean()
    finally:
        context.close()
