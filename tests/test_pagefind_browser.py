"""`search_engine: pagefind` in headless Chromium: the header's box asks Pagefind's index on
the showcase, on a site without directory URLs and under `mkdocs serve`, opened from the
keyboard as Material's is, readable in both palettes, with every request the page makes
checked to stay on the site (the others are refused and fail the test)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import Watch, axe_violations, screenshot_folder, serve
from conftest import ROOT, build
from outagekb.loader import load_knowledge_base
from serving import mkdocs_serve, wait_until
from test_pagefind import pagefind_project

KB, _ = load_knowledge_base(str(ROOT / "incidents"))

axe_module = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")


def with_cause(cause_id: str) -> set[str]:
    """Published incidents that name the cause or one of its narrower causes."""
    return {
        f"incidents/{incident.id}/"
        for incident in KB.published
        for ref in incident.causes
        if ref.cause == cause_id or cause_id in KB.catalog.ancestors(ref.cause)
    }


def word_of_one_summary() -> tuple[str, str]:
    """A long word of one incident's summary that no other file of the showcase has (no other
    incident, the catalog, the hand-written pages), and that incident's page."""
    files = [*(ROOT / "incidents").rglob("*.y*ml"), *(ROOT / "docs").rglob("*.md")]
    texts = {path.stem: path.read_text(encoding="utf-8").lower() for path in files}
    for incident in sorted(KB.published, key=lambda i: i.id):
        for word in sorted(set(re.findall(r"\b[a-z]{9,}\b", incident.summary.lower()))):
            if not any(word[:7] in text for name, text in texts.items() if name != incident.id):
                return word, f"incidents/{incident.id}/"
    raise AssertionError("no incident summary has a word of its own")


def closed_network(context: Any, base: str) -> list[str]:
    """Refuse, and record, every request that would leave the site at `base`."""
    outside: list[str] = []

    def route(handler: Any) -> None:
        url = handler.request.url
        if url.startswith((base, "data:", "blob:")):
            handler.continue_()
        else:
            outside.append(url)
            handler.abort()

    context.route("**/*", route)
    return outside


def search(tab: Any, query: str) -> list[str]:
    """Type into the header's box; the result pages' addresses below the site, best first (all
    of them: the list is scrolled to its end, as it writes ten more each time)."""
    box = tab.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.type(query, delay=20)
    tab.wait_for_function(
        "q => document.querySelector('.okb-search').getAttribute('data-okb-results') === q", arg=query, timeout=30_000
    )
    return all_results(tab)


def all_results(tab: Any) -> list[str]:
    count = -1
    while count != (count := tab.locator("li.md-search-result__item").count()):
        tab.evaluate("document.querySelector('.md-search__scrollwrap').scrollTo(0, 1e9)")
        tab.wait_for_timeout(300)
    hrefs: list[str] = tab.eval_on_selector_all(
        "li.md-search-result__item > a.md-search-result__link", "a => a.map(l => l.pathname)"
    )
    return [href.lstrip("/") for href in hrefs]


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = tmp_path_factory.mktemp("pagefind-showcase") / "showcase"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "incidents", project / "incidents")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "      default_visibility: public\n" in config
    config = config.replace(
        "      default_visibility: public\n", "      default_visibility: public\n      search_engine: pagefind\n"
    )
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    with serve(build(project)) as base:
        yield base


@pytest.fixture
def tab(chromium: Any, showcase: str) -> Iterator[tuple[Any, Watch, list[str]]]:
    context = chromium.new_context()
    outside = closed_network(context, showcase)
    page = context.new_page()
    watch = Watch(showcase)
    watch.attach(page)
    page.goto(showcase)
    yield page, watch, outside
    context.close()


def test_a_word_of_one_incidents_summary_finds_that_incident_first(tab: tuple[Any, Watch, list[str]]) -> None:
    page, watch, outside = tab
    word, incident = word_of_one_summary()
    results = search(page, word)
    assert results and results[0] == incident, (word, results)
    assert not outside
    watch.assert_clean()


def test_a_cause_alias_finds_the_cause_and_its_incidents(tab: tuple[Any, Watch, list[str]]) -> None:
    page, watch, outside = tab
    results = search(page, "SSL")  # an alias of expired-credential, written in no incident file
    assert results[0] == "causes/expired-credential/", results
    assert with_cause("expired-credential") <= set(results), results
    assert not outside
    watch.assert_clean()


def test_an_organization_finds_its_incidents_with_their_facts(tab: tuple[Any, Watch, list[str]]) -> None:
    page, watch, outside = tab
    roblox = {f"incidents/{i.id}/" for i in KB.published if i.organization == "Roblox"}
    assert roblox and roblox <= set(search(page, "Roblox"))
    facts = page.locator("li.md-search-result__item .okb-search__facts").all_text_contents()
    assert any(line.startswith("Roblox · ") for line in facts), facts
    assert not outside
    watch.assert_clean()


def test_the_results_are_narrowed_by_a_cause(tab: tuple[Any, Watch, list[str]]) -> None:
    page, watch, outside = tab
    everything = search(page, "DNS")
    assert "causes/dns/" in everything and with_cause("dns") <= set(everything)
    page.wait_for_selector(".okb-search__filter:not([hidden])")  # counted once the results are shown
    options = page.eval_on_selector_all("#okb-search-cause option", "o => o.map(x => [x.value, x.textContent])")
    assert options[0] == ["", "Any cause"]
    assert ["DNS failure", f"DNS failure ({len(with_cause('dns'))})"] in options, options
    page.select_option("#okb-search-cause", "DNS failure")
    page.wait_for_function("() => document.querySelector('.okb-search').getAttribute('data-okb-results') === 'DNS'")
    narrowed = all_results(page)
    assert set(narrowed) == with_cause("dns"), narrowed  # the incidents only: a cause's own page has no cause
    status = page.locator(".okb-search__status").text_content()
    assert status == f"{len(narrowed)} matching pages with the cause DNS failure"
    assert not outside
    watch.assert_clean()


@pytest.mark.parametrize("key", ["/", "s", "f"])
def test_the_keyboard_opens_and_closes_the_box(tab: tuple[Any, Watch, list[str]], key: str) -> None:
    page, watch, outside = tab
    page.keyboard.press(key)
    page.wait_for_selector("input.md-search__input:focus")
    assert page.evaluate("document.getElementById('__search').checked")
    assert page.input_value("input.md-search__input") == ""  # the key opened the box, it was not typed
    page.keyboard.type("Roblox", delay=20)
    page.wait_for_function("() => document.querySelector('.okb-search').getAttribute('data-okb-results') === 'Roblox'")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    # Enter in the box follows the first result
    page.keyboard.press(key)
    page.wait_for_selector("input.md-search__input:focus")
    first = page.eval_on_selector("li.md-search-result__item > a", "a => a.href")
    page.keyboard.press("Enter")
    page.wait_for_url(first)
    assert not outside
    watch.assert_clean()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_open_box_meets_wcag_22_aa(chromium: Any, showcase: str, tmp_path: Path, scheme: str, width: int) -> None:
    context = chromium.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    outside = closed_network(context, showcase)
    page = context.new_page()
    watch = Watch(showcase)
    watch.attach(page)
    try:
        page.goto(showcase)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == ("slate" if scheme == "dark" else "default")
        page.keyboard.press("/")
        page.wait_for_selector("input.md-search__input:focus")
        page.keyboard.type("DNS", delay=20)
        page.wait_for_function("() => document.querySelector('.okb-search').getAttribute('data-okb-results') === 'DNS'")
        page.wait_for_selector(".okb-search__filter select", state="visible")
        page.screenshot(path=str(screenshot_folder(tmp_path) / f"pagefind-search-{scheme}-{width}.png"))
        problems = axe_violations(page, axe_module.Axe())
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert not outside
    watch.assert_clean()


def test_without_directory_urls_a_result_opens_its_page(chromium: Any, tmp_path: Path) -> None:
    site = build(pagefind_project(tmp_path, use_directory_urls=False))
    with serve(site) as base:
        context = chromium.new_context()
        outside = closed_network(context, base)
        page = context.new_page()
        watch = Watch(base)
        watch.attach(page)
        page.goto(base + "incidents/index.html")
        assert search(page, "lapsed") == ["incidents/2023-02-03-initech-resolver-certificate.html"]
        page.click("li.md-search-result__item > a")
        page.wait_for_url(base + "incidents/2023-02-03-initech-resolver-certificate.html")
        assert page.locator("h1").first.text_content() == "Resolver fleet answered nothing after a certificate expired"
        context.close()
    assert not outside
    watch.assert_clean()


@pytest.mark.parametrize("options", [(), ("--dirty",)], ids=["serve", "serve-dirty"])
def test_under_serve_an_edit_is_searchable_after_the_rebuild(chromium: Any, tmp_path: Path, options: tuple[str, ...]) -> None:
    project = pagefind_project(tmp_path)
    incident = project / "incidents" / "2023-02-03-initech-resolver-certificate.yaml"
    with mkdocs_serve(project, *options) as served:
        assert wait_until(lambda: "okb-search" in served.page(), 120), served.output()
        playwright_error = pytest.importorskip("playwright.sync_api").Error
        context = chromium.new_context()
        outside = closed_network(context, served.base)
        page = context.new_page()
        page.goto(served.base)
        assert search(page, "lapsed") == ["incidents/2023-02-03-initech-resolver-certificate/"]
        incident.write_text(incident.read_text(encoding="utf-8").replace("lapsed", "wilted"), encoding="utf-8")
        address = "incidents/2023-02-03-initech-resolver-certificate/"
        assert wait_until(lambda: "wilted" in served.page(address), 120), served.output()

        def found_again() -> bool:
            try:
                page.goto(served.base)
                return search(page, "wilted") == [address]
            except playwright_error:  # serve's live reload reloaded the page under the search
                return False

        assert wait_until(found_again, 60), served.output()
        assert search(page, "lapsed") == []
        context.close()
    assert not outside
