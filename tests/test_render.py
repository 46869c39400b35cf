"""`outagekb render`: the same pages as the plugin, published by a generator that runs no
outagekb code (plain MkDocs here, and Zensical when it is installed)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

from conftest import MINIMAL_INCIDENT, ROOT, build, make_project
from outagekb.cli import main
from outagekb.writer import MANIFEST

PLAIN_CONFIG = """\
site_name: outagekb showcase, without the plugin
theme:
  name: material
  font: false
extra_css:
  - assets/outagekb/outagekb.css
extra_javascript:
  - assets/outagekb/browse.js
plugins:
  - search
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
"""


def article_links(html: str) -> list[str]:
    """The links inside the page's content, where the generated pages put theirs."""
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    return sorted(re.findall(r'href="([^"]*)"', article))


def pages(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*.html")}


@pytest.fixture(scope="module")
def both_sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("render")
    project = base / "with-plugin"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "incidents", project / "incidents")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    with_plugin = build(project)
    plain = base / "plain"
    shutil.copytree(ROOT / "docs", plain / "docs")
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    (plain / "mkdocs.yml").write_text(PLAIN_CONFIG + "nav:\n" + nav, encoding="utf-8")
    os.chdir(project)  # render reads ./mkdocs.yml for the incidents folder, as a user would run it
    try:
        assert main(["render", str(plain / "docs"), "--force", "-q"]) == 0
    finally:
        os.chdir(ROOT)
    without_plugin = build(plain)
    return with_plugin, without_plugin, plain


def test_plain_mkdocs_builds_the_same_pages_and_links(both_sites: tuple[Path, Path, Path]) -> None:
    with_plugin, without_plugin, _ = both_sites
    assert pages(with_plugin) == pages(without_plugin)
    generated = [
        p for p in pages(with_plugin) if p.split("/")[0] in ("incidents", "causes", "lessons", "actions", "browse", "stats")
    ]
    assert len(generated) > 60
    for page in generated:
        expected = article_links((with_plugin / page).read_text(encoding="utf-8"))
        assert article_links((without_plugin / page).read_text(encoding="utf-8")) == expected, page
    for data in ("incidents.json", "feed.xml", "schema/incident.schema.json", "browse/index.json", "causes/dns/feed.xml"):
        assert (without_plugin / data).read_bytes() == (with_plugin / data).read_bytes(), data


def test_zensical_builds_the_rendered_pages(both_sites: tuple[Path, Path, Path]) -> None:
    beside = Path(sys.executable).parent / "zensical"  # installed in the same virtual environment
    command = str(beside) if beside.exists() else shutil.which("zensical")
    if not command:
        pytest.skip("Zensical is not installed here (make test installs it when the package registry offers it)")
    with_plugin, _, plain = both_sites
    zensical_project = plain.parent / "zensical"
    shutil.copytree(ROOT / "docs", zensical_project / "docs")
    shutil.copy(plain / "mkdocs.yml", zensical_project / "mkdocs.yml")
    result = subprocess.run(
        [sys.executable, "-m", "outagekb.cli", "render", "docs", "--force", "-q", "--link-style", "source"]
        + ["--incidents", str(ROOT / "incidents")],
        cwd=zensical_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run([command, "build"], cwd=zensical_project, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    built = zensical_project / "site"
    generated = {p for p in pages(with_plugin) if p.startswith(("incidents/", "causes/", "lessons/"))}
    assert generated <= pages(built)
    for page in sorted(generated):
        # Zensical may spell a link differently (`../dns/feed.xml` for `feed.xml`); the target must be the same
        base = "https://site.example/" + page
        expected = sorted(urljoin(base, link) for link in article_links((with_plugin / page).read_text(encoding="utf-8")))
        found = sorted(urljoin(base, link) for link in article_links((built / page).read_text(encoding="utf-8")))
        assert found == expected, page


def test_render_refuses_foreign_files_and_cleans_up_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, {"2024-05-01-first.yaml": MINIMAL_INCIDENT, "2024-06-01-second.yaml": MINIMAL_INCIDENT})
    monkeypatch.chdir(project)
    out = tmp_path / "out"
    assert main(["render", str(out), "-q"]) == 0
    assert (out / "incidents/2024-06-01-second.md").exists() and (out / MANIFEST).exists()
    (project / "incidents/2024-06-01-second.yaml").unlink()
    assert main(["render", str(out), "-q"]) == 0  # its own files: replaced, and the gone incident removed
    assert not (out / "incidents/2024-06-01-second.md").exists()
    (out / "notes.md").write_text("mine\n", encoding="utf-8")
    assert main(["render", str(out), "-q"]) == 1
    assert main(["render", str(out), "-q", "--force"]) == 0
    assert (out / "notes.md").read_text(encoding="utf-8") == "mine\n"


def test_render_writes_nothing_when_an_incident_has_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, {"2024-05-01-first.yaml": MINIMAL_INCIDENT.replace("major", "huge")})
    monkeypatch.chdir(project)
    assert main(["render", str(tmp_path / "out")]) == 1
    assert not (tmp_path / "out").exists()


def test_a_page_description_is_plain_text_with_images_as_their_alt_text() -> None:
    from outagekb.render import _first_sentence

    summary = "![Error rate graph](2024-05-01-x/errors.png) The **API** failed; see [the report](https://example.test/r)."
    assert _first_sentence(summary) == "Error rate graph The API failed; see the report."
    assert _first_sentence("word " * 60).endswith("word…") and len(_first_sentence("word " * 60)) <= 160
