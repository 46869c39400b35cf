"""The preview keeps serving: under `mkdocs serve`, a file with errors is left out, every page
shows the problems in a banner, and fixing the file clears it; `mkdocs build` still fails."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import MINIMAL_INCIDENT, build, make_project, write
from serving import mkdocs_serve, wait_until

GOOD = "2024-05-01-example-config-push.yaml"
BROKEN = "2024-06-01-example-queue-stall.yaml"
BROKEN_TEXT = MINIMAL_INCIDENT.replace("Example service down after a bad configuration push", "Queue stalled").replace(
    "2024-05-01", "2024-06-01"
)
MISTAKE = ("severity: major", "severity: crtical")
"""Line 4, column 11 of the file: the typo the banner must show."""


def serve_build(project: Path, site: Path, **options: object) -> None:
    """One build as `mkdocs serve` makes it, in this process."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site), **options)
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()


def timed(fetch: object) -> tuple[str, float]:
    started = time.monotonic()
    text = fetch()  # type: ignore[operator]
    return text, time.monotonic() - started


@pytest.mark.parametrize("dirty", [False, True], ids=["serve", "serve --dirty"])
def test_mkdocs_serve_shows_the_problem_on_every_page_and_clears_it_when_fixed(tmp_path: Path, dirty: bool) -> None:
    project = make_project(tmp_path, {GOOD: MINIMAL_INCIDENT, BROKEN: BROKEN_TEXT})
    good, broken = project / "incidents" / GOOD, project / "incidents" / BROKEN
    pages = ["", "incidents/", "incidents/2024-05-01-example-config-push/", "incidents/2024-06-01-example-queue-stall/"]
    pages += ["causes/config-change/"]
    with mkdocs_serve(project, *(["--dirty"] if dirty else [])) as served:
        assert wait_until(lambda: "Queue stalled" in served.page(pages[3]), 120), served.output()

        broken.write_text(BROKEN_TEXT.replace(*MISTAKE), encoding="utf-8")
        good.write_text(MINIMAL_INCIDENT.replace("Example service down", "Edited while broken"), encoding="utf-8")
        place = f"incidents/{BROKEN}:4:11"
        assert wait_until(lambda: place in served.page(), 120), served.output()
        for page in pages:
            text, seconds = timed(lambda page=page: served.page(page, timeout=5))
            assert seconds < 1, f"{page or 'home'} answered in {seconds:.2f} s"
            assert 'class="admonition failure okb-problems"' in text, page or "home"
            assert f"<code>{place}</code></a> error: severity: <code>crtical</code> is not one of" in text
            assert (
                f'href="vscode://file{broken.resolve().as_posix()}:4:11"' in text or f'href="vscode://file{broken}:4:11"' in text
            )
        # the good file's edit is in, the broken one is left out, and its page says why
        assert "Edited while broken" in served.page(pages[2])
        assert (
            "2024-06-01-example-queue-stall"
            not in served.page("incidents/").split("okb-problems__list")[-1].split("</ul>", 1)[-1]
        )
        assert "left out of the preview until the errors listed above are fixed" in served.page(pages[3])
        assert f"incidents/{BROKEN}:4:11: error: severity:" in served.output()

        broken.write_text(BROKEN_TEXT, encoding="utf-8")
        assert wait_until(lambda: "okb-problems" not in served.page(), 120), served.output()
        for page in pages:
            assert "okb-problems" not in served.page(page), page or "home"
        assert "Queue stalled" in served.page(pages[3])


def test_mkdocs_build_still_fails_on_the_same_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path, {GOOD: MINIMAL_INCIDENT, BROKEN: BROKEN_TEXT.replace(*MISTAKE)})
    with pytest.raises(Abort):
        build(project)
    assert "outagekb: 1 error in the incident files; nothing was built" in caplog.text
    assert not (tmp_path / "site").exists()


def test_the_preview_keeps_a_hand_written_page_at_a_generated_path_and_says_so(tmp_path: Path) -> None:
    project = make_project(tmp_path, {GOOD: MINIMAL_INCIDENT})
    write(project / "docs" / "stats" / "index.md", "# Our own statistics\n")
    serve_build(project, tmp_path / "served")
    home = (tmp_path / "served" / "index.html").read_text(encoding="utf-8")
    assert "<code>docs/stats/index.md:1:1</code></a> error: outagekb generates this page" in home
    assert "Our own statistics" in (tmp_path / "served" / "stats" / "index.html").read_text(encoding="utf-8")
    with pytest.raises(Abort):
        build(project)


def test_editor_links_follow_editor_url_and_can_be_turned_off(tmp_path: Path) -> None:
    incidents = {GOOD: MINIMAL_INCIDENT.replace(*MISTAKE)}
    project = make_project(tmp_path / "a", incidents, mkdocs_extra="")
    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml")
        .read_text()
        .replace("  - outagekb\n", "  - outagekb:\n      editor_url: 'idea://open?file={path}&line={line}'\n")
    )
    serve_build(project, tmp_path / "a-site")
    home = (tmp_path / "a-site" / "index.html").read_text(encoding="utf-8")
    assert f'href="idea://open?file={(project / "incidents" / GOOD).resolve().as_posix()}&amp;line=4"' in home

    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml").read_text().replace("'idea://open?file={path}&line={line}'", "''")
    )
    serve_build(project, tmp_path / "b-site")
    home = (tmp_path / "b-site" / "index.html").read_text(encoding="utf-8")
    assert f"<li><code>incidents/{GOOD}:4:11</code> error: severity:" in home and "vscode:" not in home


def test_a_bad_editor_url_is_a_configuration_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path)
    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml").read_text().replace("  - outagekb\n", "  - outagekb:\n      editor_url: 'x://{file}'\n")
    )
    with pytest.raises(Abort):
        load_config(config_file=str(project / "mkdocs.yml"))
    assert "option 'editor_url': only {path}, {line} and {column} can be filled in, not {file}" in caplog.text


def test_the_banner_lists_fifty_problems_and_counts_the_rest(tmp_path: Path) -> None:
    def on(day: str) -> str:  # the incident on the day its file is named for
        return MINIMAL_INCIDENT.replace(*MISTAKE).replace("2024-05-01T", f"{day}T")

    incidents = {f"2024-05-{day:02d}-example-{n}.yaml": on(f"2024-05-{day:02d}") for n, day in enumerate(range(1, 29))}
    incidents |= {
        f"2024-07-{day:02d}-example-{n}.yaml": on(f"2024-07-{day:02d}").replace("config-change", "confg-change")
        for n, day in enumerate(range(1, 20))
    }
    project = make_project(tmp_path, incidents)
    serve_build(project, tmp_path / "served")
    home = (tmp_path / "served" / "index.html").read_text(encoding="utf-8")
    banner = home.split('okb-problems__list">', 1)[1].split("</ul>", 1)[0]
    assert (
        banner.count("<li>") == 51 and "and 16 more: the terminal that runs <code>mkdocs serve</code> prints every one" in banner
    )
    assert "66 errors in the incident files: this preview leaves out 47 files until fixed" in home


def test_a_warning_fails_no_build_not_even_a_strict_one(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """outagekb's warnings are printed as information: `--strict` fails on MkDocs' warnings,
    and a warning of ours (here a file named for another day than its `started`) must not
    stop a team's CI."""
    import logging

    named_for_another_day = {"2024-05-20-example-config-push.yaml": MINIMAL_INCIDENT}
    with caplog.at_level(logging.INFO):
        site = build(make_project(tmp_path, named_for_another_day), strict=True)
    assert (site / "incidents" / "2024-05-20-example-config-push" / "index.html").exists()
    (record,) = [r for r in caplog.records if ": warning: " in r.getMessage()]
    assert record.levelno == logging.INFO and "2024-05-20-example-config-push.yaml:5:" in record.getMessage()
