"""Shared helpers: write small knowledge bases and build real Material sites from them."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

MINIMAL_INCIDENT = """\
title: Example service down after a bad configuration push
organization: Example
services: [Web, API]
severity: major
started: 2024-05-01T10:00:00+02:00
detected: 2024-05-01T10:05:00+02:00
mitigated: 2024-05-01T11:00:00+02:00
resolved: 2024-05-01T12:30:00+02:00
summary: A configuration push broke routing to the web tier.
causes:
  - cause: config-change
    role: trigger
    detail: The push went to every region at once.
lessons:
  - lesson: staged-rollout
    detail: Push configuration region by region.
"""

MKDOCS_YML = """\
site_name: Test knowledge base
use_directory_urls: {use_directory_urls}
theme:
  name: material
plugins:
  - search
  - outagekb
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def make_project(
    tmp_path: Path, incidents: dict[str, str] | None = None, *, use_directory_urls: bool = True, mkdocs_extra: str = ""
) -> Path:
    """A project folder with mkdocs.yml, docs/index.md and the given incident files."""
    write(tmp_path / "mkdocs.yml", MKDOCS_YML.format(use_directory_urls=str(use_directory_urls).lower()) + mkdocs_extra)
    write(tmp_path / "docs" / "index.md", "# Home\n\nWelcome.\n")
    (tmp_path / "incidents").mkdir(exist_ok=True)
    for name, text in (incidents or {}).items():
        write(tmp_path / "incidents" / name, text)
    return tmp_path


def build(project: Path, *, strict: bool = True, site_dir: Path | None = None) -> Path:
    """Build the project in this process, as `mkdocs build` would; returns the site folder."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    site = site_dir or project / "site"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return site


class LinkParser(HTMLParser):
    """Collects the href and src attributes of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def parse_html(path: Path) -> LinkParser:
    parser = LinkParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def page_file(site: Path, url_path: str, use_directory_urls: bool = True) -> Path:
    """The HTML file of a page given as `incidents/<id>` (no trailing slash)."""
    return site / url_path / "index.html" if use_directory_urls else site / f"{url_path}.html"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The system's headless Chromium through Playwright; skipped, with the reason, when absent.

    `make test` installs Chromium from the system's packages, so there it always runs."""
    from browser import CHROMIUM, CHROMIUM_ARGS

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (make test installs it with apt-get)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
