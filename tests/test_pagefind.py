"""`search_engine: pagefind`: real sites built with Pagefind's program, read back from the
index Pagefind wrote (its fragments: each page's words, filters and facts, as a reader's
search gets them), and the ways a build refuses to go on without what it needs."""

from __future__ import annotations

import gzip
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import Abort

from conftest import MINIMAL_INCIDENT, build, write
from outagekb import search
from outagekb.cli import main as outagekb
from outagekb.problems import OutagekbError

PAGEFIND_YML = """\
site_name: Test knowledge base
use_directory_urls: {use_directory_urls}
theme:
  name: material
  font: false  # no web fonts: the browser tests refuse every request that leaves the site
plugins:
{search}  - outagekb:
      search_engine: pagefind
"""

SECOND_INCIDENT = """\
title: Resolver fleet answered nothing after a certificate expired
organization: Initech
services: [DNS]
severity: minor
started: 2023-02-03T04:00:00Z
resolved: 2023-02-03T05:00:00Z
summary: The resolvers' upstream certificate lapsed and every lookup failed quietly.
causes:
  - cause: expired-credential
    role: trigger
"""


def pagefind_project(tmp_path: Path, *, use_directory_urls: bool = True, material_search: bool = True) -> Path:
    project = tmp_path / "kb"
    yml = PAGEFIND_YML.format(
        use_directory_urls=str(use_directory_urls).lower(), search="  - search\n" if material_search else ""
    )
    write(project / "mkdocs.yml", yml)
    write(project / "docs" / "index.md", "# Home\n\nWelcome to the runbook.\n")
    write(project / "incidents" / "2024-05-01-example-config-push.yaml", MINIMAL_INCIDENT)
    write(project / "incidents" / "2023-02-03-initech-resolver-certificate.yaml", SECOND_INCIDENT)
    return project


def fragments(site: Path) -> dict[str, dict[str, Any]]:
    """Every page Pagefind indexed, by its address: the fragment a search downloads for a result
    (gzip-compressed JSON after Pagefind's signature), with the page's words, filters and facts."""
    found = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        start = data.index(b"{")
        fragment = json.loads(data[start:])
        found[fragment["url"]] = fragment
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(pagefind_project(tmp_path_factory.mktemp("pagefind")))


def test_the_site_has_pagefinds_index_and_not_materials(site: Path) -> None:
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert not (site / "search" / "search_index.json").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    # the header's box is outagekb's, with nothing that would start Material's own search
    assert 'class="md-search okb-search"' in home
    assert 'data-md-component="search' not in home and 'name="search"' not in home
    assert "assets/outagekb/search.js" in home
    script = (site / "assets" / "outagekb" / "search.js").read_text(encoding="utf-8")
    words = json.loads(script[script.rindex("})(") + 3 : script.rindex(");")])
    assert words["language"] == "en" and words["labels"]["start"] == "Type to start searching"
    for key in words["labels"]:
        assert f'say("{key}"' in script, f"search.script.{key} is never written"


def test_incident_pages_carry_their_filters_and_facts(site: Path) -> None:
    incident = fragments(site)["/incidents/2024-05-01-example-config-push/"]
    # a cause narrows with its broader causes, as browse does
    assert incident["filters"] == {
        "cause": ["Configuration change", "Deployment or change"],
        "lesson": ["Roll out in stages and roll back fast"],
        "severity": ["major"],
        "organization": ["Example"],
        "year": ["2024"],
    }
    assert incident["meta"]["title"] == "Example service down after a bad configuration push"
    assert (incident["meta"]["organization"], incident["meta"]["severity"], incident["meta"]["year"]) == (
        "Example",
        "major",
        "2024",
    )
    words = incident["content"]
    assert "A configuration push broke routing to the web tier." in words
    assert "misconfiguration, feature flag" in words  # the cause's aliases, as words of their own
    # boilerplate is left out: the facts' labels, the strip, the permalink signs, the filters' own text
    for left_out in ("Organization", "Severity", "Duration", "¶", "Deployment or change"):
        assert left_out not in words, left_out


def test_pages_that_materials_search_leaves_out_are_left_out(site: Path) -> None:
    found = fragments(site)
    assert found["/incidents/"]["word_count"] <= 1  # the index of titles: at most its own title
    assert found["/causes/expired-credential/"]["word_count"] > 50  # a cause page is searched
    assert "Welcome to the runbook." in found["/"]["content"]  # and so are hand-written pages


def test_a_custom_dir_may_replace_the_box(tmp_path: Path) -> None:
    project = pagefind_project(tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    )
    write(project / "overrides" / "partials" / "search.html", '<div class="md-search team-search"></div>\n')
    home = (build(project) / "index.html").read_text(encoding="utf-8")
    assert "team-search" in home and "okb-search" not in home


def test_without_directory_urls_results_lead_to_html_files(tmp_path: Path) -> None:
    site = build(pagefind_project(tmp_path, use_directory_urls=False))
    addresses = set(fragments(site))
    assert {"/incidents/2024-05-01-example-config-push.html", "/index.html"} <= addresses, addresses


def test_a_dirty_build_replaces_the_whole_index(tmp_path: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    project = pagefind_project(tmp_path)
    site = build(project)
    incident = project / "incidents" / "2023-02-03-initech-resolver-certificate.yaml"
    incident.write_text(incident.read_text(encoding="utf-8").replace("lapsed", "wilted"), encoding="utf-8")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=True)
    try:
        mkdocs_build(config, dirty=True)
    finally:
        config.plugins.on_shutdown()
    found = fragments(site)
    words = found["/incidents/2023-02-03-initech-resolver-certificate/"]["content"]
    assert "wilted" in words and "lapsed" not in words
    assert len(list((site / "pagefind" / "fragment").iterdir())) == len(found)  # no fragment of the first build is left


def test_without_materials_search_plugin_the_build_says_what_to_add(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(Abort):
        build(pagefind_project(tmp_path, material_search=False))
    assert any("keep `- search` in the plugins of mkdocs.yml" in record.getMessage() for record in caplog.records)


def test_without_pagefinds_program_the_build_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-program"))
    with pytest.raises(Abort):
        build(pagefind_project(tmp_path))
    assert any("install it with pip install 'outagekb[pagefind]'" in record.getMessage() for record in caplog.records)
    assert not (tmp_path / "kb" / "site").exists()  # it stops before anything is built


def test_without_the_pagefind_package_the_message_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pagefind.service", None)  # as if it were not installed
    with pytest.raises(OutagekbError, match=r"needs the Python package `pagefind` with its program; install it with pip install"):
        search.pagefind_program()


def test_a_rendered_site_is_indexed_by_the_command_render_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another generator (here plain MkDocs, without the plugin) builds `outagekb render`'s pages;
    the command `render` prints indexes the built site with the same filters."""
    project = pagefind_project(tmp_path)
    other = tmp_path / "other"
    write(other / "mkdocs.yml", "site_name: Other\ntheme:\n  name: material\nplugins:\n  - search\n")
    write(other / "docs" / "index.md", "# Other\n")
    assert (
        outagekb(["render", "--incidents", str(project / "incidents"), "--search-engine", "pagefind", str(other / "docs" / "kb")])
        == 0
    )
    printed = capsys.readouterr().err
    line = next(line for line in printed.splitlines() if "python -m pagefind" in line)
    command = shlex.split(line[line.index("python -m pagefind") :].replace("SITE_DIR", str(other / "site")))
    assert (other / "docs" / "kb" / "assets" / "outagekb" / "search.js").is_file()
    build(other, strict=False)
    subprocess.run([sys.executable, *command[1:]], check=True, capture_output=True, timeout=300)
    incident = fragments(other / "site")["/kb/incidents/2023-02-03-initech-resolver-certificate/"]
    assert incident["filters"]["cause"] == ["Expired or removed credential"]
    assert incident["filters"]["organization"] == ["Initech"]


def test_a_large_knowledge_base_on_materials_search_is_told_of_pagefind() -> None:
    from outagekb.search import PAGEFIND_SUGGESTED_ABOVE, engine_hint

    assert engine_hint("material", PAGEFIND_SUGGESTED_ABOVE) is None
    assert engine_hint("pagefind", 10_000) is None
    hint = engine_hint("material", 10_000)
    assert hint is not None and hint.startswith("10,000 incidents: ") and "search_engine: pagefind" in hint
