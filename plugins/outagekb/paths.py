"""The one place that maps entities to page paths and URLs, and that knows the id rules.

Pages are named by their source path in the docs tree (`incidents/<id>.md`), as MkDocs
names files; `url_for` and `relative_url` turn those into the URLs MkDocs will publish,
for `use_directory_urls` on and off, so that links computed here match MkDocs' own.
"""

from __future__ import annotations

import os
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import quote, urlencode

from . import spec
from .problems import OutagekbError

ID_RE = re.compile(spec.ID_PATTERN)
WINDOWS_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)})

INCIDENTS_INDEX = "incidents/index.md"
CAUSES_INDEX = "causes/index.md"
LESSONS_INDEX = "lessons/index.md"
ACTIONS_INDEX = "actions/index.md"
STATS_INDEX = "stats/index.md"
TRIAGE_INDEX = "triage/index.md"
"""The incidents whose causes are not yet classified, oldest first."""
STYLESHEET = "assets/outagekb/outagekb.css"
BROWSE_INDEX = "browse/index.md"
BROWSE_DATA = "browse/index.json"
BROWSE_SCRIPT = "assets/outagekb/browse.js"
SEARCH_SCRIPT = "assets/outagekb/search.js"
"""The header search box's script with `search_engine: pagefind` (only then written)."""
BROWSE_FACETS = ("cause", "lesson", "severity", "organization", "service", "tag", "upstream", "year", "q")
UNCLASSIFIED = "_unclassified"
"""The cause facet's value for incidents whose causes are not yet classified; no cause id can be it."""
FEED_PATH = "feed.xml"
EXPORT_PATH = "incidents.json"
EXPORT_SCHEMA_PATH = "incidents.schema.json"
INCIDENTS_CSV_PATH = "incidents.csv"
"""The export for spreadsheets: one row per published incident (`exports`)."""
ACTIONS_CSV_PATH = "actions.csv"
"""One row per follow-up action of a published incident (`exports`)."""
INCIDENT_SCHEMA_PATH = "schema/incident.schema.json"
CATALOG_SCHEMA_PATH = "schema/catalog.schema.json"

INDEX_PAGES = (INCIDENTS_INDEX, CAUSES_INDEX, LESSONS_INDEX, ACTIONS_INDEX, BROWSE_INDEX, STATS_INDEX, TRIAGE_INDEX)
"""The section pages every site has, in the order the renderer makes them."""
FIXED_FILES = (
    STYLESHEET,
    BROWSE_SCRIPT,
    BROWSE_DATA,
    INCIDENT_SCHEMA_PATH,
    CATALOG_SCHEMA_PATH,
    EXPORT_PATH,
    EXPORT_SCHEMA_PATH,
    INCIDENTS_CSV_PATH,
    ACTIONS_CSV_PATH,
    FEED_PATH,
)
"""The files every site has that are not pages (stylesheet, script, data, schemas, the feed)."""


def id_problem(stem: str, suffix: str = "") -> str | None:
    """Why a file stem cannot be an id, or None when it can; given the file's `suffix`
    (`.yaml`), with the name to rename the file to when one is plain."""
    if stem.lower() in WINDOWS_DEVICE_NAMES:
        return f"`{stem}` is a Windows device name and cannot be a file name on Windows; choose another id"
    if stem != stem.lower() and ID_RE.match(stem.lower()):
        return f"ids are lowercase; rename the file to `{stem.lower()}{suffix}`"
    if not ID_RE.match(stem):
        ascii_stem = unicodedata.normalize("NFKD", stem.lower()).encode("ascii", "ignore").decode()
        slug = _SLUG_BREAK.sub("-", ascii_stem).strip("-")
        rename = f"; rename the file to `{slug}{suffix}`" if suffix and ID_RE.match(slug) and _id_length_ok(slug) else ""
        return (
            f"an id is lowercase ASCII letters, digits and single hyphens, such as `2024-12-11-openai-telemetry-rollout`{rename}"
        )
    if not _id_length_ok(stem):
        return f"an id is {spec.ID_MIN} to {spec.ID_MAX} characters long; this one has {len(stem)}"
    return None


_SLUG_BREAK = re.compile(r"[^a-z0-9]+")


def _id_length_ok(stem: str) -> bool:
    return spec.ID_MIN <= len(stem) <= spec.ID_MAX


def safe_output_path(path: str) -> bool:
    """Whether a generated file's site path stays inside the site folder: relative, no `..`,
    no backslash or drive, nothing but the characters our own paths use."""
    if not path or path.startswith("/") or "\\" in path or ":" in path:
        return False
    parts = path.split("/")
    return all(part not in ("", ".", "..") and _SAFE_PART.match(part) for part in parts)


def check_outputs(made: Iterable[str]) -> None:
    """Raise `OutagekbError` when a generated path would leave the output folder. Ids are
    checked on loading; this guards the folder should a rule ever slip, for the plugin and
    `render` alike."""
    unsafe = [path for path in made if not safe_output_path(path)]
    if unsafe:
        raise OutagekbError(f"refusing to write outside the output folder: {', '.join(map(repr, unsafe))}")


_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def is_inside(path: str, folder: str) -> bool:
    """Whether `path`, links resolved, lies in `folder` (or is it)."""
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


HAND_WRITTEN_CLASH = "outagekb generates this page; rename or remove the hand-written file"
"""The error at a hand-written file in the docs folder whose path a generated page or file has."""


def generated_paths(incident_ids: Iterable[str], cause_ids: Iterable[str], lesson_ids: Iterable[str]) -> list[str]:
    """Every page and file outagekb adds to a site, by its path in the docs tree, without
    making any: what `outagekb validate` checks hand-written pages against, and what the
    renderer's outputs are (a test holds the two together)."""
    causes = list(cause_ids)
    return [
        *INDEX_PAGES,
        *map(incident_page, incident_ids),
        *map(cause_page, causes),
        *map(lesson_page, lesson_ids),
        *FIXED_FILES,
        *map(cause_feed_path, causes),
    ]


THEME_DIR = os.path.join(os.path.dirname(__file__), "theme")
"""outagekb's own theme templates, after the site's theme in its folders: a custom_dir may replace them."""
SEARCH_THEME_DIR = os.path.join(THEME_DIR, "pagefind")
"""With `search_engine: pagefind`, the theme folder whose `partials/search.html` (the header's
search box) replaces Material's: before Material's templates, after a site's custom_dir."""
REDIRECT_TEMPLATE = "outagekb-redirect.html"
"""The theme template of a merged incident's page: the site's page with a refresh and a canonical link."""


def cause_feed_path(cause_id: str) -> str:
    return f"causes/{cause_id}/feed.xml"


def incident_page(incident_id: str) -> str:
    return f"incidents/{incident_id}.md"


def cause_page(cause_id: str) -> str:
    return f"causes/{cause_id}.md"


def lesson_page(lesson_id: str) -> str:
    return f"lessons/{lesson_id}.md"


@lru_cache(maxsize=65536)
def url_for(src_path: str, use_directory_urls: bool) -> str:
    """The site-relative URL MkDocs gives a Markdown page at `src_path`."""
    stem, _ = posixpath.splitext(src_path)
    directory, name = posixpath.split(stem)
    if name in ("index", "README"):
        if use_directory_urls:
            return f"{directory}/" if directory else ""
        return f"{directory}/index.html" if directory else "index.html"
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


@lru_cache(maxsize=4096)
def root_prefix(from_src: str, use_directory_urls: bool) -> str:
    """The way from a page's address up to the site root: `../../` from `incidents/x/`."""
    from_url = url_for(from_src, use_directory_urls)
    base_dir = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    depth = len([part for part in base_dir.split("/") if part])
    return "../" * depth


def relative_url(from_src: str, to_src: str, use_directory_urls: bool) -> str:
    """A link from a page (or from a file that is not a page, such as a feed) to another page
    or file, relative to where the first one is published."""
    from_url = url_for(from_src, use_directory_urls) if from_src.endswith(".md") else from_src
    to_url = url_for(to_src, use_directory_urls) if to_src.endswith(".md") else to_src
    base_dir = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    rel = posixpath.relpath(to_url or ".", base_dir.rstrip("/") or ".")
    if not to_url or to_url.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


def relative_source(from_src: str, to_src: str) -> str:
    """A link from one source file to another as a relative path (`../causes/dns.md`), for
    generators that resolve links against source files rather than published addresses."""
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


LINK_STYLES = ("url", "source")
"""`url`: links between published addresses, as MkDocs needs inside HTML blocks; `source`:
relative `.md` paths, for generators that resolve links in HTML against source files (Zensical)."""


def linker(from_src: str, use_directory_urls: bool, style: str = "url") -> Callable[[str], str]:
    """The function that makes every link of the page at `from_src`: to a page (`x.md`) or
    to a file (`feed.xml`), given by its path in the docs tree."""
    if style == "source":
        return lambda target: relative_source(from_src, target)
    root = root_prefix(from_src, use_directory_urls)
    # a link within the page's own top folder skips going up to the root and back down:
    # `../other/` from `incidents/x/`, not `../../incidents/other/`
    from_url = url_for(from_src, use_directory_urls)
    folder = from_url.split("/", 1)[0] + "/" if root and "/" in from_url else None
    up = root[3:]

    def link(target: str) -> str:
        # by way of the site root: computed once per page, not once per link
        url = url_for(target, use_directory_urls) if target.endswith(".md") else target
        if folder is not None and url.startswith(folder):
            return (up + url[len(folder) :]) or "./"
        return (root + url) or "./"

    return link


def absolute_url(site_url: str, path: str) -> str:
    """`path` (relative to the site root) under the published address `site_url`."""
    return site_url.rstrip("/") + "/" + path


def page_address(src: str, use_directory_urls: bool, site_url: str | None) -> str:
    """A page's address for readers outside the site (the export): absolute with a site URL,
    else relative to the site root."""
    url = url_for(src, use_directory_urls)
    return absolute_url(site_url, url) if site_url else url


def browse_query(**facets: str | int | Iterable[str | int] | None) -> str:
    """The query string of a filtered browse page, `?cause=dns&cause=routing&year=2024`, or ``.

    Each keyword is a facet (`cause`, `lesson`, `severity`, `organization`, `service`, `tag`,
    `upstream`, `year`, `q`) with one value or several (OR within a facet); None and empty
    values are left out. Values are the ids (cause, lesson) or the text as written in the
    incident files. Parameters come in the browse page's own order, so equal filters give
    equal URLs."""
    unknown = sorted(set(facets) - set(BROWSE_FACETS))
    if unknown:
        raise ValueError(f"unknown browse facet(s) {', '.join(unknown)}; use {', '.join(BROWSE_FACETS)}")
    pairs: list[tuple[str, str]] = []
    for name in BROWSE_FACETS:
        value = facets.get(name)
        values = [value] if isinstance(value, str | int) else list(value or ())
        pairs += [(name, str(v)) for v in values if str(v)]
    return "?" + urlencode(pairs, quote_via=quote) if pairs else ""


def browse_url(from_src: str, use_directory_urls: bool, **facets: str | int | Iterable[str | int] | None) -> str:
    """A link from the page at `from_src` to the browse page filtered by `facets` (see `browse_query`):
    `browse_url("causes/dns.md", True, cause="dns")` is `../../browse/?cause=dns`."""
    return relative_url(from_src, BROWSE_INDEX, use_directory_urls) + browse_query(**facets)
