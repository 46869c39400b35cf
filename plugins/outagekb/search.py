"""Pagefind: the search engine for knowledge bases too large for Material's own.

Material's search sends its whole index to the reader's browser on the first search (tens of
megabytes at ten thousand incidents); Pagefind splits its index into small chunks, and a
search fetches only the few it needs. This module runs Pagefind's program over a finished
site: after `mkdocs build` (the plugin's `on_post_build`), after each rebuild of `mkdocs
serve`, or, for a site another generator built from `outagekb render`'s pages, by the
command `pagefind_command` prints.

What is indexed is said here once, as Pagefind's options: each page's article (Material's
`article.md-content__inner`) without what outagekb and the site already mark for Material's
search to leave out (`data-search-exclude`) and without boilerplate (`LEFT_OUT`), so that
the two engines agree on what a page says and the pages are the same for both.

Words a page is found by without showing them (a cause's aliases on each of its incidents)
reach each engine its own way: Pagefind's as hidden terms in the page (`render`'s
`search_facets`), Material's as words of the page's entry in its index (`tidy_material_entries`).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import paths
from .model import Catalog, Incident
from .problems import OutagekbError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

MATERIAL, PAGEFIND = "material", "pagefind"
SEARCH_ENGINES = (MATERIAL, PAGEFIND)
"""The `search_engine` option's choices: Material's own search (lunr, one index file), or Pagefind."""

BUNDLE_DIR = "pagefind"
"""The folder of the site that Pagefind writes its script and index into."""

MATERIAL_INDEX = "search/search_index.json"
"""Material's index file, which a site searched by Pagefind must not carry."""

ARTICLE = "article.md-content__inner"
"""Where a page's own text is, in Material's pages: the header, navigation, table of contents
and footer around it are left out."""

LEFT_OUT = (
    "[data-search-exclude]",  # what outagekb and the site leave out of Material's search
    ".headerlink",  # the permalink sign after each heading
    ".md-source-file",  # the page's dates
    ".md-content__button",  # edit and view buttons
    # facts lists (an incident's facts and its updates' figures, a cause's or lesson's figures):
    # labels, dates, durations and counts that every page has; the words among an incident's
    # facts, such as its organization and tags, are its hidden search terms instead
    "dl.okb-facts",
    ".okb-timeline td:nth-child(-n+3), .okb-updates td:nth-child(-n+3)",  # times, kinds, statuses, channels
    ".okb-table thead",  # the column headings of every table
)
"""Boilerplate every page repeats, left out of Pagefind's index (CSS selectors)."""

INSTALL_HINT = "pip install 'outagekb[pagefind]'"

PAGEFIND_SUGGESTED_ABOVE = 3000
"""Incidents above which a build with Material's search suggests Pagefind: its index is then
over 20 MB, which each reader's first search downloads and builds (`docs/search.md`)."""


def engine_hint(engine: str, incidents: int) -> str | None:
    """A line for the build's log when the knowledge base has outgrown Material's search; None otherwise.
    The engine is not switched: a site changes engine on purpose (results look different, and
    the build needs Pagefind's program)."""
    if engine != MATERIAL or incidents <= PAGEFIND_SUGGESTED_ABOVE:
        return None
    return (
        f"{incidents:,} incidents: Material's search sends its whole index to every reader's first search; "
        f"search_engine: pagefind fetches only the few small pieces a search needs ({INSTALL_HINT})"
    )


@dataclass(frozen=True)
class Indexed:
    """What one run of Pagefind did: the pages it indexed and how long it took."""

    pages: int
    seconds: float


def material_terms(catalog: Catalog, incidents: Iterable[Incident]) -> dict[str, str]:
    """For Material's search, by each incident page's source path: the words the page should be
    found by that it does not show, its causes' aliases (the cause's own page shows them)."""
    return {
        paths.incident_page(incident.id): " ".join(
            dict.fromkeys(alias for ref in incident.causes for alias in catalog.causes[ref.cause].aliases)
        )
        for incident in incidents
    }


def tidy_material_entries(config: MkDocsConfig, url: str, words: str) -> bool:
    """Material's search has just made the entries of the page at `url`, one per section: add
    `words` to the first (the page's own), so that it is found by them without the page
    carrying them; keep the page's tags on that entry only (Material repeats them on every
    section: at ten thousand incidents, megabytes of the index say the same tags again); and
    drop the sections left with no text (those whose content the index leaves out, such as
    the related incidents), which a search would find by their heading alone.

    Material keeps its entries in memory until it writes the index at the end of the build;
    this reaches them through its plugin (`search_index.entries`), and does nothing (False)
    where a version of Material keeps them otherwise."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    entries = getattr(getattr(plugin, "search_index", None), "entries", None)
    if not isinstance(entries, list):
        return False
    for position in range(len(entries) - 1, -1, -1):  # the page's entries are the last ones added
        entry = entries[position]
        location = entry.get("location") if isinstance(entry, dict) else None
        if not isinstance(location, str) or not location.startswith(url):
            return False
        if location == url:
            if words:  # escaped as Material's own text is: its results are written as HTML
                entry["text"] = f"{entry.get('text', '')} {html.escape(words, quote=False)}".strip()
            return True
        if not entry.get("text"):
            del entries[position]
        else:
            entry.pop("tags", None)
    return False


def pagefind_program() -> str:
    """The Pagefind program that the `pagefind` package installed (with `pagefind-bin` or
    `pagefind-bin-extended`); raises `OutagekbError` in plain words when there is none."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise OutagekbError(
            f"search_engine: pagefind needs the Python package `pagefind` with its program; install it with {INSTALL_HINT}"
        ) from None
    program = get_executable()
    if program is None or not os.access(program, os.X_OK):
        where = f" (PAGEFIND_BINARY_PATH names {program}, which is not a program)" if os.getenv("PAGEFIND_BINARY_PATH") else ""
        raise OutagekbError(
            f"search_engine: pagefind found the `pagefind` package but not its program{where}; install it with {INSTALL_HINT}"
        )
    return str(program)


def pagefind_arguments(site_dir: str, *, use_directory_urls: bool = True) -> list[str]:
    """Pagefind's options for a site of outagekb's pages: where its article is, what to leave
    out, and (without directory URLs) addresses that keep their `index.html`, as the site's own links do."""
    arguments = ["--site", site_dir, "--output-subdir", BUNDLE_DIR, "--root-selector", ARTICLE]
    arguments += ["--exclude-selectors", ", ".join(LEFT_OUT)]
    if not use_directory_urls:
        arguments.append("--keep-index-url")
    return arguments


def pagefind_command(site_dir: str, *, use_directory_urls: bool = True) -> str:
    """The command that indexes a site another generator built from `outagekb render`'s pages,
    as a person types it (the package's module, so that no program need be on the PATH)."""
    words = ["python", "-m", "pagefind", *pagefind_arguments(site_dir, use_directory_urls=use_directory_urls)]
    return " ".join(_quoted(word) for word in words)


def _quoted(word: str) -> str:
    return word if re.fullmatch(r"[\w./:=-]+", word) else "'" + word.replace("'", "'\\''") + "'"


_PAGES = re.compile(r"Indexed (\d+) pages?")


def index_site(site_dir: str, *, use_directory_urls: bool = True) -> Indexed:
    """Index the finished site in `site_dir` with Pagefind, replacing the index of an earlier
    build and any index of Material's; raises `OutagekbError` with Pagefind's own words when it fails.

    Pagefind reads the site's files and writes `pagefind/`; it fetches nothing."""
    program = pagefind_program()
    bundle = os.path.join(site_dir, BUNDLE_DIR)
    if os.path.isdir(bundle):  # its chunks are named by content: the old ones would pile up under serve
        shutil.rmtree(bundle)
    stale = os.path.join(site_dir, *MATERIAL_INDEX.split("/"))
    if os.path.exists(stale):  # left by an earlier build with Material's search, under --dirty
        os.remove(stale)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [program, *pagefind_arguments(site_dir, use_directory_urls=use_directory_urls)],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except OSError as error:
        raise OutagekbError(f"Pagefind could not be started ({program}): {error.strerror or error}") from None
    seconds = time.perf_counter() - started
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        last = " / ".join(line.strip() for line in output.splitlines()[-5:] if line.strip())
        raise OutagekbError(f"Pagefind could not index {site_dir} (exit status {done.returncode}): {last or 'no output'}")
    found = _PAGES.search(output)
    return Indexed(int(found.group(1)) if found else 0, seconds)


def pagefind_content(html: str, meta: Mapping[str, Any]) -> str:
    """A page's content as Pagefind should read it: a page that Material's search leaves out
    (front matter `search: exclude: true`) is wrapped so that Pagefind indexes none of it either."""
    search = meta.get("search")
    if isinstance(search, Mapping) and search.get("exclude") is True:
        return f'<div data-pagefind-ignore="all">{html}</div>'
    return html
