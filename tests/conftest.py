"""Shared helpers: write small knowledge bases and build real Material sites from them."""

from __future__ import annotations

import inspect
import os
import re
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


# golden files -------------------------------------------------------------------------------
#
# A golden file holds the expected output of a test as a file in tests/golden/. A test hands
# the helper what the code produced; the helper compares it with the file, or, under
# `pytest --update-golden`, writes it into the file instead of failing. Review the rewritten
# files with `git diff` before committing them: they become the expectation.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files (tests/golden/) with the actual output instead of failing on a difference",
    )


_GOLDEN_REWRITTEN = pytest.StashKey[list[Path]]()


class Golden:
    """Compares actual text with a golden file; with `update`, rewrites the file instead.

    `golden(path, actual)` holds a whole file (a rendered page, a chart SVG);
    `golden.key(path, key, actual)` holds one top-level key of a YAML case file, whose other
    keys (the case's input) and comments stay exactly as written."""

    def __init__(self, update: bool, rewritten: list[Path] | None = None) -> None:
        self.update = update
        self.rewritten = rewritten if rewritten is not None else []

    def __call__(self, path: Path, actual: str) -> None:
        """The whole file `path` must be `actual`, byte for byte (UTF-8)."""
        expected = path.read_bytes().decode("utf-8") if path.exists() else None
        if expected == actual:
            return
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))
            self.rewritten.append(path)
            return
        if expected is None:
            pytest.fail(f"golden file {path} does not exist; run `pytest --update-golden` to create it", pytrace=False)
        assert actual == expected, (
            f"{path} differs from the actual output; if the change is intended, run `pytest --update-golden`"
        )

    def key(self, path: Path, key: str, actual: Any) -> None:
        """The value of top-level `key` in the YAML file `path` must equal `actual` (data that
        YAML can hold: strings, numbers, lists, mappings). Under update only that key's lines are
        rewritten (appended when absent), as block YAML with double-quoted strings."""
        import yaml

        text = path.read_bytes().decode("utf-8")
        document = yaml.safe_load(text) or {}
        if not isinstance(document, dict):
            pytest.fail(f"{path}: expected a YAML mapping at the top", pytrace=False)
        if key in document and document[key] == actual:
            return
        if not self.update:
            if key not in document:
                pytest.fail(f"{path} has no `{key}`; run `pytest --update-golden` to fill it in", pytrace=False)
            assert actual == document[key], (
                f"{path}: `{key}` differs from the actual output; if the change is intended, run `pytest --update-golden`"
            )
            return
        new_text = replace_yaml_key(text, key, dump_yaml_value(key, actual))
        rewritten = yaml.safe_load(new_text)
        assert rewritten[key] == actual, f"{path}: the rewritten `{key}` does not read back as the actual value"
        assert {k: v for k, v in rewritten.items() if k != key} == {k: v for k, v in document.items() if k != key}
        path.write_bytes(new_text.encode("utf-8"))
        self.rewritten.append(path)


def dump_yaml_value(key: str, value: Any) -> str:
    """`key:` and its value as block YAML, every string double-quoted on one line (escapes for
    anything unprintable), so that a golden line reads exactly as the output line."""
    import yaml

    return yaml.safe_dump(
        {key: value}, default_flow_style=False, default_style='"', allow_unicode=True, width=1_000_000, sort_keys=False
    ).replace(f'"{key}":', f"{key}:", 1)


def replace_yaml_key(text: str, key: str, block: str) -> str:
    """`text` with the lines of top-level `key` replaced by `block` (or `block` appended).

    A key's lines are its own line and the following lines that are blank, indented or list
    items (`- `); trailing blank lines and the next column-0 key or comment stay where they are."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None:
        return text + ("" if not text or text.endswith("\n") else "\n") + block
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t-"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """The golden-file helper of this run: `golden(path, text)`, `golden.key(path, key, value)`."""
    config = request.config
    return Golden(bool(config.getoption("--update-golden")), config.stash.setdefault(_GOLDEN_REWRITTEN, []))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    rewritten = config.stash.get(_GOLDEN_REWRITTEN, [])
    if rewritten:
        terminalreporter.section("golden files rewritten (--update-golden); review them with git diff")
        for path in rewritten:
            terminalreporter.write_line(os.path.relpath(path, ROOT))


# markers: `site` and `browser` ------------------------------------------------------------

_SITE_CALL = re.compile(r"\bbuild\(|\bmkdocs_build\(|\bload_config\(|\bmkdocs_serve\(|[\"']mkdocs[\"'],\s*[\"']serve[\"']")
"""A call that builds a real MkDocs site: conftest's `build(`, MkDocs' build or configuration
loading, `serving.mkdocs_serve(`, or a `mkdocs serve` command line."""
_BROWSER_FIXTURES = frozenset({"chromium"})
_BROWSER_CALL = re.compile(r"\bplaywright\b", re.IGNORECASE)
_TESTS_DIR = Path(__file__).resolve().parent


def _source_of(function: Any, cache: dict[Any, str]) -> str:
    """The source of a test or fixture function defined under tests/, else ``."""
    if function in cache:
        return cache[function]
    source = ""
    try:
        unwrapped = inspect.unwrap(function)
        file = inspect.getsourcefile(unwrapped)
        if file is not None and Path(file).resolve().is_relative_to(_TESTS_DIR):
            source = inspect.getsource(unwrapped)
    except (OSError, TypeError):
        pass
    cache[function] = source
    return source


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow tests `site` and `browser`, so that `make quick`
    (`pytest -m "not site and not browser"`) leaves them out; the test files carry no marks.

    The rule, one test at a time, over the source of the test function and of every fixture
    it uses (directly or through other fixtures) that is defined under tests/:

    - `site`: that source calls conftest's `build(`, MkDocs' `mkdocs_build(` or
      `load_config(`, or `serving.mkdocs_serve(`, or holds a `"mkdocs", "serve"` command line;
    - `browser`: the test uses the `chromium` fixture (directly or through a fixture), or
      that source names Playwright.

    So a module that builds one site in a module fixture has all its tests that use the
    fixture marked, and a module that mixes fast and slow tests (test_rebuilds, test_cli,
    test_charts, ...) has only the slow ones marked. A new test is marked by the same rule.
    """
    cache: dict[Any, str] = {}
    for item in items:
        function = getattr(item, "function", None)
        if function is None:
            continue
        sources = [_source_of(function, cache)]
        info = getattr(item, "_fixtureinfo", None)
        definitions = getattr(info, "name2fixturedefs", {}) if info is not None else {}
        for fixturedefs in definitions.values():
            sources += [_source_of(getattr(fixturedef, "func", None), cache) for fixturedef in fixturedefs]
        text = "\n".join(sources)
        if _SITE_CALL.search(text):
            item.add_marker(pytest.mark.site)
        if _BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())) or _BROWSER_CALL.search(text):
            item.add_marker(pytest.mark.browser)
