"""Build real Material sites into temporary folders and check the HTML they contain."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from mkdocs.exceptions import Abort, PluginError

from conftest import MINIMAL_INCIDENT, ROOT, build, make_project, page_file, parse_html, write
from outagekb.loader import load_knowledge_base

SHOWCASE_KB, SHOWCASE_PROBLEMS = load_knowledge_base(str(ROOT / "incidents"))


def copy_showcase(tmp_path: Path, use_directory_urls: bool) -> Path:
    project = tmp_path / "showcase"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "incidents", project / "incidents")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    write(project / "mkdocs.yml", config + f"\nuse_directory_urls: {str(use_directory_urls).lower()}\n")
    return project


def internal_targets(site: Path, page: Path) -> list[tuple[str, Path]]:
    """Every link on a page that stays inside the site, with the file it must reach."""
    result = []
    for link in parse_html(page).links:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or link.startswith(("#", "mailto:", "data:")) or not parts.path:
            continue
        target = Path(posixpath.normpath(os.path.join(page.parent, unquote(parts.path))))
        if link.endswith("/") or target.is_dir():
            target = target / "index.html"
        result.append((link, target))
    return result


@pytest.fixture(scope="module", params=[True, False], ids=["directory-urls", "file-urls"])
def showcase_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bool]:
    use_directory_urls: bool = request.param
    project = copy_showcase(tmp_path_factory.mktemp("site"), use_directory_urls)
    return build(project, strict=True), use_directory_urls


def test_showcase_loads_cleanly() -> None:
    assert SHOWCASE_PROBLEMS == []
    assert len(SHOWCASE_KB.incidents) >= 6


def test_every_page_exists(showcase_site: tuple[Path, bool]) -> None:
    site, directory_urls = showcase_site
    for incident in SHOWCASE_KB.published:
        assert page_file(site, f"incidents/{incident.id}", directory_urls).is_file()
    for cause_id in SHOWCASE_KB.catalog.causes:
        assert page_file(site, f"causes/{cause_id}", directory_urls).is_file()
    for lesson_id in SHOWCASE_KB.catalog.lessons:
        assert page_file(site, f"lessons/{lesson_id}", directory_urls).is_file()
    for section in ("incidents", "causes", "lessons", "actions"):
        assert (site / section / "index.html").is_file()
    assert (site / "assets/outagekb/outagekb.css").is_file()


def test_every_internal_link_resolves(showcase_site: tuple[Path, bool]) -> None:
    site, _ = showcase_site
    broken = []
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue
        for link, target in internal_targets(site, page):
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert broken == []


def linked_pages(site: Path, page: Path) -> set[Path]:
    return {target.resolve() for _, target in internal_targets(site, page)}


def test_incidents_link_to_causes_and_lessons_and_back(showcase_site: tuple[Path, bool]) -> None:
    site, directory_urls = showcase_site
    for incident in SHOWCASE_KB.published:
        page = page_file(site, f"incidents/{incident.id}", directory_urls)
        links = linked_pages(site, page)
        for cause_id in incident.cause_ids:
            cause_page = page_file(site, f"causes/{cause_id}", directory_urls)
            assert cause_page.resolve() in links, (incident.id, cause_id)
            assert page.resolve() in linked_pages(site, cause_page), (cause_id, incident.id)
        for lesson_id in incident.lesson_ids:
            lesson_page = page_file(site, f"lessons/{lesson_id}", directory_urls)
            assert lesson_page.resolve() in links, (incident.id, lesson_id)
            assert page.resolve() in linked_pages(site, lesson_page), (lesson_id, incident.id)
        for other in incident.related:
            assert page_file(site, f"incidents/{other}", directory_urls).resolve() in links


def test_parent_cause_lists_children_incidents(showcase_site: tuple[Path, bool]) -> None:
    site, directory_urls = showcase_site
    catalog = SHOWCASE_KB.catalog
    for cause_id in catalog.causes:
        page = page_file(site, f"causes/{cause_id}", directory_urls)
        links = linked_pages(site, page)
        tree = {cause_id, *catalog.descendants(cause_id)}
        for incident in SHOWCASE_KB.published:
            if tree & set(incident.cause_ids):
                assert page_file(site, f"incidents/{incident.id}", directory_urls).resolve() in links


def test_nav_lists_sections_not_incidents(showcase_site: tuple[Path, bool]) -> None:
    site, _ = showcase_site
    html = (site / "index.html").read_text(encoding="utf-8")
    nav_links = re.findall(r'<a href="([^"]*)" class="md-nav__link', html)
    assert any(link.startswith("causes/") for link in nav_links), nav_links
    assert any(link.startswith("lessons/") for link in nav_links), nav_links
    assert all(incident.id not in link for link in nav_links for incident in SHOWCASE_KB.published)


def test_incident_page_content(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2024-05-01-example-config-push.yaml": MINIMAL_INCIDENT})
    site = build(project)
    html = (site / "incidents/2024-05-01-example-config-push/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2024-05-01T10:00:00+02:00">2024-05-01 10:00 UTC+02:00</time>' in html
    assert "2 h 30 min" in html  # duration, in the incident's own offset
    assert "5 min after start" in html
    assert "Push configuration region by region." in html
    cause = (site / "causes/config-change/index.html").read_text(encoding="utf-8")
    assert "The push went to every region at once." in cause
    parent = (site / "causes/deployment/index.html").read_text(encoding="utf-8")
    assert "2024-05-01-example-config-push" in parent


def test_drafts_are_left_out_of_build(tmp_path: Path) -> None:
    draft = (
        MINIMAL_INCIDENT.replace("title: Example", "title: Secret draft").replace("2024-05-01T", "2024-06-01T") + "draft: true\n"
    )
    project = make_project(
        tmp_path, {"2024-05-01-example-config-push.yaml": MINIMAL_INCIDENT, "2024-06-01-draft-one.yaml": draft}
    )
    site = build(project)
    assert not (site / "incidents/2024-06-01-draft-one").exists()
    for page in site.rglob("*.html"):
        assert "Secret draft" not in page.read_text(encoding="utf-8"), page
    assert "Secret draft" not in (site / "search/search_index.json").read_text(encoding="utf-8")


def test_drafts_are_shown_by_serve(tmp_path: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    draft = MINIMAL_INCIDENT.replace("2024-05-01T", "2024-06-01T") + "draft: true\n"
    project = make_project(tmp_path, {"2024-06-01-draft-one.yaml": draft})
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "served"))
    config.plugins.on_startup(command="serve", dirty=False)
    mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
    html = (tmp_path / "served/incidents/2024-06-01-draft-one/index.html").read_text(encoding="utf-8")
    assert "okb-draft" in html
    assert "2024-06-01-draft-one" not in (tmp_path / "served/incidents/index.html").read_text(encoding="utf-8")
    assert str(project / "incidents") in config.watch


def test_bad_input_fails_before_touching_site_dir(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    bad = MINIMAL_INCIDENT.replace("severity: major", "severity: huge")
    project = make_project(tmp_path, {"2024-05-01-example-config-push.yaml": bad})
    site = tmp_path / "site"
    write(site / "index.html", "last good site")
    with pytest.raises((PluginError, Abort)):
        build(project, site_dir=site)
    assert (site / "index.html").read_text(encoding="utf-8") == "last good site"
    assert any(":4:11: error: severity: `huge` is not one of" in r.getMessage() for r in caplog.records)


def test_hand_written_page_at_generated_path_is_an_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path, {"2024-05-01-example-config-push.yaml": MINIMAL_INCIDENT})
    write(project / "docs/causes/dns.md", "# My own DNS page\n")
    with pytest.raises((PluginError, Abort)):
        build(project)
    assert any("causes/dns.md:1:1: error: outagekb generates this page" in r.getMessage() for r in caplog.records)


def test_incidents_folder_is_relative_to_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "kb", {"2024-05-01-example-config-push.yaml": MINIMAL_INCIDENT})
    monkeypatch.chdir(tmp_path)
    site = build(project)
    assert (site / "incidents/2024-05-01-example-config-push/index.html").is_file()


def test_build_writes_nothing_into_sources(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2024-05-01-example-config-push.yaml": MINIMAL_INCIDENT})
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    build(project)
    after = sorted(p.relative_to(project) for p in project.rglob("*") if not str(p.relative_to(project)).startswith("site"))
    assert before == after


def test_search_exclude_leaves_sections_and_boilerplate_out_of_the_index(tmp_path: Path) -> None:
    incident = (
        MINIMAL_INCIDENT
        + "approximate: [resolved]\ntimeline:\n  - at: 2024-05-01T10:01:00+02:00\n    event: Zanzibar happened.\n"
    )
    plugin = "  - outagekb:\n      search_exclude: [timeline]\n"
    project = make_project(tmp_path, {"2024-05-01-example.yaml": incident})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - outagekb\n", plugin), encoding="utf-8")
    site = build(project)
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    texts = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("incidents/2024-05-01-example/"))
    assert "Zanzibar" not in texts and "Push configuration region by region" in texts
    assert "approximately known" not in texts and "Since start" not in texts  # notes and table headings
    page = page_file(site, "incidents/2024-05-01-example").read_text(encoding="utf-8")
    assert "Zanzibar" in page and "approximately known" in page and "Since start" in page  # still on the page


def test_material_search_finds_an_incident_by_its_causes_aliases_that_its_page_does_not_carry(tmp_path: Path) -> None:
    """The aliases are words of the incident's entry in the index, not hidden text in every
    page; its tags are on that entry only; and cells and facts are words apart in the index,
    not run together."""
    incident = MINIMAL_INCIDENT + (
        "tags: [routing]\ntimeline:\n  - at: 2024-05-01T10:01:00+02:00\n    event: Zanzibar happened.\n    kind: detect\n"
    )
    again = MINIMAL_INCIDENT.replace("2024-05-01T", "2024-06-01T").replace("bad configuration push", "second push")
    site = build(make_project(tmp_path, {"2024-05-01-example.yaml": incident, "2024-06-01-again.yaml": again}))
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    entries = {doc["location"]: doc["text"] for doc in index["docs"]}
    assert "#related-incidents" in page_file(site, "incidents/2024-05-01-example").read_text(encoding="utf-8")
    assert "incidents/2024-05-01-example/#related-incidents" not in entries  # its list is left out: no empty entry
    tagged = [doc["location"] for doc in index["docs"] if doc.get("tags") and doc["location"].startswith("incidents/2")]
    assert tagged == ["incidents/2024-05-01-example/"]  # the page's tags once, not on each of its sections
    assert all(doc["text"] for doc in index["docs"] if doc["location"].startswith("incidents/2024-05-01-example/#"))
    first = entries["incidents/2024-05-01-example/"]
    assert first.endswith("config configuration misconfiguration feature flag settings"), first
    assert "Organization Example" in first and "OrganizationExample" not in first
    assert "detect Zanzibar happened." in entries["incidents/2024-05-01-example/#timeline"]
    page = page_file(site, "incidents/2024-05-01-example").read_text(encoding="utf-8")
    assert "misconfiguration" not in page and "<span hidden>" not in page
    assert "misconfiguration" in page_file(site, "causes/config-change").read_text(encoding="utf-8")


def test_serve_remakes_and_rebuilds_only_what_a_change_touched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs serve --dirty`: a second build after editing one incident rewrites that
    incident's page (and the pages that list it) and leaves the others alone."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    second = (  # shares nothing with the first, so the first's related incidents do not name it
        MINIMAL_INCIDENT.replace("2024-05-01T", "2024-06-01T")
        .replace("cause: config-change", "cause: power")
        .replace("organization: Example", "organization: Other")
        .replace("services: [Web, API]", "services: [Mobile]")
    )
    third = second.replace("2024-06-01T", "2024-07-01T")  # shares everything with the second
    incidents = {"2024-05-01-first.yaml": MINIMAL_INCIDENT, "2024-06-01-second.yaml": second, "2024-07-01-third.yaml": third}
    project = make_project(tmp_path, incidents)
    site = tmp_path / "served"
    import outagekb.graph

    computed: list[int] = []
    original = outagekb.graph.compute_related
    monkeypatch.setattr(outagekb.graph, "compute_related", lambda *a, **k: computed.append(1) or original(*a, **k))
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        mkdocs_build(config, dirty=True)
        first_page, second_page = page_file(site, "incidents/2024-05-01-first"), page_file(site, "incidents/2024-06-01-second")
        before = {path: path.stat().st_mtime_ns for path in (first_page, second_page)}
        time.sleep(0.05)
        edited = project / "incidents/2024-06-01-second.yaml"
        edited.write_text(second.replace("title: Example service down", "title: Edited service down"), encoding="utf-8")
        # as `mkdocs serve` does on a change: a fresh configuration, the same plugin instance
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
        mkdocs_build(config, dirty=True)
        assert first_page.stat().st_mtime_ns == before[first_page]  # untouched: not rebuilt
        assert second_page.stat().st_mtime_ns > before[second_page]
        assert "Edited service down" in second_page.read_text(encoding="utf-8")
        assert "Edited service down" in page_file(site, "incidents").read_text(encoding="utf-8")
        # related incidents were not computed again (nothing they read changed), yet show the new title
        assert computed == [1]
        assert "Edited service down" in page_file(site, "incidents/2024-07-01-third").read_text(encoding="utf-8")
    finally:
        config.plugins.on_shutdown()
