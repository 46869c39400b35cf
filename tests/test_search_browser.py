"""Material's search on the showcase, typed into the search box in headless Chromium:
incidents are found by cause names and aliases, organization, tag and summary words,
and cause pages rank above incidents for their own names."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import Watch, serve
from conftest import ROOT, build
from outagekb.loader import load_knowledge_base

KB, _ = load_knowledge_base(str(ROOT / "incidents"))


def with_cause(cause_id: str) -> set[str]:
    """Published incidents that name the cause or one of its narrower causes."""
    found = set()
    for incident in KB.published:
        for ref in incident.causes:
            if ref.cause == cause_id or cause_id in KB.catalog.ancestors(ref.cause):
                found.add(f"incidents/{incident.id}/")
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("search") / "showcase"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "incidents", project / "incidents")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return build(project)


@pytest.fixture(scope="module")
def page(chromium: Any, site: Path) -> Iterator[tuple[Any, Watch]]:
    with serve(site) as base:
        context = chromium.new_context()
        tab = context.new_page()
        watch = Watch(base)
        watch.attach(tab)
        tab.goto(base)
        yield tab, watch
        context.close()


def search(tab: Any, query: str) -> list[str]:
    """Type into Material's search box; the result pages' addresses, best first."""
    box = tab.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.type(query, delay=20)
    # Material's meta line says "Initializing search" while its worker still builds the index
    # (slow on a loaded machine), then how many documents match: wait for the count
    tab.wait_for_function(
        "q => { const meta = document.querySelector('.md-search-result__meta');"
        " const text = meta ? meta.textContent.trim() : '';"
        " return text !== '' && !/^initializ/i.test(text) && document.querySelector('input.md-search__input').value === q; }",
        arg=query,
        timeout=30_000,
    )
    tab.wait_for_timeout(300)  # the worker answers each keystroke; let the last answer land
    count = -1
    while count != (count := tab.locator("li.md-search-result__item").count()):
        # Material renders the first results, then more as its list scrolls to the end
        tab.evaluate("document.querySelector('.md-search__scrollwrap').scrollTo(0, 1e9)")
        tab.wait_for_timeout(250)
    hrefs = tab.eval_on_selector_all(
        "li.md-search-result__item > a.md-search-result__link", "links => links.map(a => a.getAttribute('href'))"
    )
    base = tab.evaluate("location.origin + '/'")
    # addresses without Material's highlight parameter (`?h=dns`) and section anchors, in order, once each
    return list(dict.fromkeys(href.replace(base, "").split("#")[0].split("?")[0] for href in hrefs))


def test_searching_dns_lists_the_cause_first_then_its_incidents(page: tuple[Any, Watch]) -> None:
    tab, watch = page
    results = search(tab, "DNS")
    assert results[0] == "causes/dns/"
    expected = with_cause("dns")
    assert expected and expected <= set(results), (expected - set(results), results)
    watch.assert_clean()


def test_an_alias_finds_the_cause_and_its_incidents(page: tuple[Any, Watch]) -> None:
    tab, watch = page
    results = search(tab, "SSL")  # an alias of expired-credential, written in no incident file
    assert results[0] == "causes/expired-credential/", results
    assert with_cause("expired-credential") <= set(results), results
    watch.assert_clean()


def test_words_of_summaries_organizations_and_tags_find_incidents(page: tuple[Any, Watch]) -> None:
    tab, watch = page
    kubernetes = {f"incidents/{i.id}/" for i in KB.published if "kubernetes" in (i.summary + " ".join(i.tags)).lower()}
    assert kubernetes and kubernetes <= set(search(tab, "Kubernetes"))
    roblox = {f"incidents/{i.id}/" for i in KB.published if i.organization == "Roblox"}
    assert roblox and roblox <= set(search(tab, "Roblox"))
    tagged = {f"incidents/{i.id}/" for i in KB.published if "bgp" in i.tags}
    assert tagged and tagged <= set(search(tab, "bgp"))
    watch.assert_clean()
