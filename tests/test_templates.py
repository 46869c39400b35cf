"""A team's own templates: a file in `<theme.custom_dir>/outagekb/` replaces the package's
template of that name, in the plugin's build and in `outagekb render`; nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_INCIDENT, build, make_project, write
from outagekb.cli import main
from outagekb.templating import PACKAGE_TEMPLATES, Templates, override_dirs

INCIDENT = "2024-05-01-example.yaml"
BANNER = """\
{% extends "package/incident.md.j2" %}
{% block banner %}
<p class="acme-banner">Acme internal: {{ incident.organization }} incident, severity {{ incident.severity }}</p>

{% endblock %}
"""
LESSON = """\
<p class="acme-lesson">{{ lesson.title }}: {{ stats.count }} incident(s), {{ lesson.practices | length }} practices</p>
"""
CUSTOM_DIR = "theme:\n  name: material\n  custom_dir: overrides\n"


def with_overrides(tmp_path: Path, overrides: dict[str, str]) -> Path:
    project = make_project(tmp_path, {INCIDENT: MINIMAL_INCIDENT})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("theme:\n  name: material\n", CUSTOM_DIR), encoding="utf-8")
    for name, text in overrides.items():
        write(project / "overrides" / "outagekb" / name, text)
    return project


def html_pages(site: Path) -> dict[str, str]:
    return {str(path.relative_to(site)): path.read_text(encoding="utf-8") for path in site.rglob("*.html")}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str]]:
    plain = build(make_project(tmp_path_factory.mktemp("plain"), {INCIDENT: MINIMAL_INCIDENT}))
    custom = build(with_overrides(tmp_path_factory.mktemp("custom"), {"incident.md.j2": BANNER, "lesson.md.j2": LESSON}))
    return html_pages(plain), html_pages(custom)


def test_an_override_that_extends_the_package_template_adds_to_the_page(sites: tuple[dict[str, str], dict[str, str]]) -> None:
    plain, custom = sites
    page = custom["incidents/2024-05-01-example/index.html"]
    assert '<p class="acme-banner">Acme internal: Example incident, severity major</p>' in page
    # the rest of the package's page is still there, after the banner
    assert page.index("acme-banner") < page.index("okb-facts-box") < page.index('id="summary"')
    assert "acme-banner" not in plain["incidents/2024-05-01-example/index.html"]


def test_an_override_that_replaces_a_template_replaces_the_page(sites: tuple[dict[str, str], dict[str, str]]) -> None:
    plain, custom = sites
    page = custom["lessons/staged-rollout/index.html"]
    assert '<p class="acme-lesson">Roll out in stages and roll back fast: 1 incident(s), ' in page
    assert "Runbook checklist" not in page.split("<article", 1)[1]
    assert "Runbook checklist" in plain["lessons/staged-rollout/index.html"]


def test_pages_without_an_override_are_unchanged(sites: tuple[dict[str, str], dict[str, str]]) -> None:
    plain, custom = sites
    assert plain.keys() == custom.keys()
    changed = sorted(path for path in plain if plain[path] != custom[path])
    lesson_pages = sorted(path for path in plain if path.startswith("lessons/") and path != "lessons/index.html")
    assert changed == ["incidents/2024-05-01-example/index.html", *lesson_pages]


def test_a_static_file_can_be_overridden_too(tmp_path: Path) -> None:
    project = with_overrides(tmp_path, {"outagekb.css": ".acme { color: teal; }\n"})
    site = build(project)
    assert (site / "assets" / "outagekb" / "outagekb.css").read_text(encoding="utf-8") == ".acme { color: teal; }\n"


def test_render_uses_the_overrides_that_mkdocs_yml_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = with_overrides(tmp_path, {"lesson.md.j2": LESSON})
    monkeypatch.chdir(project)
    assert main(["render", "out", "-q"]) == 0
    assert '<p class="acme-lesson">Roll out in stages' in (project / "out" / "lessons" / "staged-rollout.md").read_text(
        encoding="utf-8"
    )
    assert "okb-facts-box" in (project / "out" / "causes" / "config-change.md").read_text(encoding="utf-8")


def test_only_existing_override_folders_count(tmp_path: Path) -> None:
    (tmp_path / "theme" / "outagekb").mkdir(parents=True)
    (tmp_path / "theme" / "outagekb" / "cause.md.j2").write_text("x", encoding="utf-8")
    (tmp_path / "theme" / "outagekb" / "notes.txt").write_text("not a template of ours", encoding="utf-8")
    folders = override_dirs([str(tmp_path / "theme"), str(tmp_path / "material")])
    assert folders == (str(tmp_path / "theme" / "outagekb"),)
    assert Templates(folders).overridden() == ["cause.md.j2"]


def test_every_documented_template_exists() -> None:
    """docs/customising.md names every template and static file the package has, and no other."""
    from conftest import ROOT

    documented = (ROOT / "docs" / "customising.md").read_text(encoding="utf-8")
    shipped = sorted(path.name for path in Path(PACKAGE_TEMPLATES).iterdir())
    for name in shipped:
        assert f"`{name}`" in documented, f"docs/customising.md does not describe {name}"


def test_the_examples_in_the_docs_work(tmp_path: Path) -> None:
    """Each Jinja example of docs/customising.md, as an override, changes the incident page as the page says."""
    import re

    from conftest import ROOT

    examples = re.findall(r"```jinja\n(.*?)```", (ROOT / "docs" / "customising.md").read_text(encoding="utf-8"), re.S)
    assert len(examples) == 2
    expected = ["Ask #incident-review before quoting this page.", "Incident commander: see the timeline."]
    for number, (example, text) in enumerate(zip(examples, expected, strict=True)):
        site = build(with_overrides(tmp_path / str(number), {"incident.md.j2": example}))
        page = (site / "incidents" / "2024-05-01-example" / "index.html").read_text(encoding="utf-8")
        assert text in page and "okb-facts-box" in page and 'id="summary"' in page
