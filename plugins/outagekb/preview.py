"""What `mkdocs serve` shows while incident files have problems.

A contributor who saves a file with a mistake wants to see the mistake, not a browser
that waits for a build that cannot finish. So under serve the build goes on without the
files that have errors; every page starts with a banner that lists the problems, each
linked to its line for the editor (`editor_url`); and the page of an incident left out
keeps its address, with a line that says why it is empty, so that the page the
contributor was reading reloads into the explanation, not into "not found". `mkdocs
build` never gets here: errors fail it. The banner's own words are the build's labels
(`messages`, under `preview.`); the problems themselves stay in English, as the terminal
prints them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from markupsafe import Markup, escape

from . import paths
from .messages import Messages, english
from .problems import Problem, errors
from .render import Page

BANNER_LIMIT = 50
"""Problems the banner lists; the rest are counted (the terminal prints them all)."""

DEFAULT_EDITOR_URL = "vscode://file{path}:{line}:{column}"
"""Where a problem's link leads: an address that opens the editor at the line. `{path}` is
the file's absolute path with forward slashes, starting with `/` (`/C:/…` on Windows),
URL-quoted; `{line}` and `{column}` count from 1."""

_CODE = re.compile(r"`([^`\n]+)`")


def banner(problems: Sequence[Problem], root: str, editor_url: str = DEFAULT_EDITOR_URL, messages: Messages | None = None) -> str:
    """The banner's HTML for these problems ("" when there are none): one line per
    problem, `path:line:column` as a link to the editor, the message with its `code`."""
    if not problems:
        return ""
    words = messages or english()
    text = words.text
    found = errors(problems)
    left_out = len({problem.path for problem in found})
    if found:
        title = text(
            "preview.title_errors",
            errors=text("preview.errors", count=len(found)),
            files=text("preview.files", count=left_out),
        )
        note = words.html("preview.note_errors")
    else:
        title = text("preview.title_warnings", warnings=text("preview.warnings", count=len(problems)))
        note = words.html("preview.note_warnings")
    items = "".join(_item(problem, root, editor_url) for problem in problems[:BANNER_LIMIT])
    more = len(problems) - BANNER_LIMIT
    if more > 0:
        items += f"<li>{words.html('preview.more', count=more)}</li>"
    kind = "failure" if found else "warning"
    return (
        # Material's admonition look, in both palettes; left out of the search index
        f'<div class="admonition {kind} okb-problems" data-search-exclude>'
        f'<p class="admonition-title">{escape(title)}</p>'
        f'<ul class="okb-problems__list">{items}</ul>'
        f"<p>{note}</p></div>\n"
    )


def left_out_pages(
    problems: Iterable[Problem], incidents_dir: str, published: Iterable[str], messages: Messages | None = None
) -> list[Page]:
    """A page at the address of each incident file left out for its errors, so that the page
    a contributor was reading reloads into the reason, with the banner above it."""
    kept = set(published)
    reason = (messages or english()).text("preview.left_out_page")
    pages: dict[str, Page] = {}
    for problem in errors(problems):
        stem, extension = os.path.splitext(os.path.basename(problem.path))
        if extension not in (".yaml", ".yml") or not paths.is_inside(problem.path, incidents_dir):
            continue
        if stem in kept or stem in pages or paths.id_problem(stem) is not None or stem == "catalog":
            continue
        text = f"# {stem}\n\n{reason}\n"
        pages[stem] = Page(paths.incident_page(stem), text)
    return list(pages.values())


def _item(problem: Problem, root: str, editor_url: str) -> str:
    shown = os.path.relpath(problem.path, root) if paths.is_inside(problem.path, root) else problem.path
    place = escape(f"{shown.replace(os.sep, '/')}:{problem.line}:{problem.column}")
    if editor_url:
        absolute = os.path.abspath(problem.path).replace(os.sep, "/")
        address = editor_url.format(path=quote("/" + absolute.lstrip("/")), line=problem.line, column=problem.column)
        place = Markup(f'<a href="{escape(address)}"><code>{place}</code></a>')
    else:
        place = Markup(f"<code>{place}</code>")
    return f"<li>{place} {problem.severity}: {_with_code(problem.message)}</li>"


def _with_code(text: str) -> str:
    """The message escaped, its `backticked` parts as code."""
    return _CODE.sub(r"<code>\1</code>", str(escape(text)))
