"""The browse page's data: a compact index of the published incidents, built once per build.

The page (`browse/`) filters in the reader's browser, so the index holds only what filtering
and listing need, not the full export. Facet values are stored once, in one list per facet,
and each incident refers to them by position: a knowledge base of 10,000 incidents stays
well under a megabyte compressed. Causes are expanded with their ancestors, so that choosing
a parent cause also finds the incidents of its children.

The index is JSON, fetched once by `browse.js` from a path relative to the page, so it works
on any static host and with MkDocs' two URL styles. Its shape (version 1)::

    {
      "version": 1,
      "count": 2,
      "incident_url": ["../incidents/", "/"],     # prefix + id + suffix, relative to the page
      "facets": [
        {"name": "cause", "label": "Cause", "values": ["network", "dns"],
         "labels": ["Network failure", "DNS failure"], "depth": [0, 1]},
        {"name": "severity", "label": "Severity", "values": ["critical", "major", "minor"],
         "labels": ["critical", "major", "minor"]},      # the catalog's scale, most severe first
        ...
      ],
      "incidents": {
        "id": [...], "title": [...], "date": ["2024-05-01", ...], "text": [...],
        "cause": [[0, 1], [0]], "severity": [0, 1], ...        # positions in the facet's values
      }
    }

Single-valued facets (severity, organization, year) hold one position per incident, the
others a list. `text` is the start of the summary as plain text, for the free-text filter
(`q`), which matches every word it is given, anywhere in the title, that text, the
organization, the services or the tags.

The facets' names (`label`) are the build's labels (`messages`, under `browse.facets`), in
the site's language; so are the words the script writes (`script_messages`, which the page
hands to it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import paths
from .cache import ReuseOrMake, make_fresh
from .graph import Graph
from .messages import Messages, english
from .model import Catalog, Incident

VERSION = 1
SUMMARY_CHARS = 100
"""How much of each summary the free-text filter sees: its start, as plain text. A median
showcase summary is ~1,000 characters; whole summaries would multiply the download, and at
10,000 incidents even 160 characters each take the index past 1 MB compressed. The filter
also reads the title, organization, services and tags, which cost nothing extra."""


@dataclass(frozen=True)
class Facet:
    name: str  # the URL parameter; the fieldset's legend is the label `browse.facets.<name>`
    single: bool  # one value per incident (severity, organization, year)
    values_of: Callable[[Incident], Iterable[str]]


def _facets(catalog: Catalog) -> tuple[Facet, ...]:
    with_ancestors = catalog.tree.with_ancestors
    unclassified = [paths.UNCLASSIFIED]
    return (
        Facet("cause", False, lambda i: unclassified if i.unclassified else with_ancestors(i.cause_ids)),
        Facet("lesson", False, lambda i: i.lesson_ids),
        Facet("severity", True, lambda i: (i.severity,)),
        Facet("organization", True, lambda i: (i.organization,)),
        Facet("service", False, lambda i: i.services),
        Facet("tag", False, lambda i: i.tags),
        Facet("upstream", False, lambda i: i.upstream),
        Facet("year", True, lambda i: (f"{i.started.year:04d}",)),
    )


FACET_NAMES = tuple(name for name in paths.BROWSE_FACETS if name != "q")

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LINE_MARKS = re.compile(r"(?m)^[ \t]{0,3}(?:#{1,6}|>|[-*+]|\d+\.)[ \t]+")  # headings, quotes, list items
_UNDERSCORES = re.compile("_+")


def _underscore(match: re.Match[str]) -> str:
    """Emphasis (`_word_`) goes, snake_case stays."""
    text, (start, end) = match.string, match.span()
    inside = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return match.group() if inside else ""


def _plain(markdown: str) -> str:
    text = _LINK.sub(r"\1", markdown) if "](" in markdown else markdown
    text = _LINE_MARKS.sub("", text).replace("*", "").replace("`", "")
    if "_" in text:
        text = _UNDERSCORES.sub(_underscore, text)
    return " ".join(text.split())


def summary_text(markdown: str, limit: int = SUMMARY_CHARS) -> str:
    """The start of a Markdown summary as plain one-line text, cut at a word boundary."""
    head = markdown[: limit * 4 + 400]  # plenty for `limit` plain characters; the rest is never read
    flat = _plain(head)
    if len(head) < len(markdown) and (len(flat) < limit or "](" in flat[:limit]):  # mostly markup: read it all
        flat = _plain(markdown)
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut or flat[:limit]


def _by_text(values: Iterable[str]) -> list[str]:
    return sorted(set(values), key=lambda value: (value.casefold(), value))


Entry = tuple[str, str, tuple[list[str], ...]]
"""What the index holds of one incident besides its id and title: its date, the start of
its summary as text, and its values of each facet."""


def build_index(
    graph: Graph,
    *,
    use_directory_urls: bool = True,
    summary_chars: int = SUMMARY_CHARS,
    reuse: ReuseOrMake[Entry] = make_fresh,
    messages: Messages | None = None,
) -> dict[str, Any]:
    """The browse index of the graph's published incidents, newest first (see the module docstring).

    `reuse(key, inputs, make)` may hand back an incident's entry from an earlier build made
    from the same inputs (see `cache.PageCache.reuse`); by default every entry is made."""
    catalog = graph.catalog
    words = messages or english()
    incidents: Sequence[Incident] = graph.incidents
    facets = _facets(catalog)
    sentinel = "\x00"
    prefix, suffix = paths.relative_url(paths.BROWSE_INDEX, paths.incident_page(sentinel), use_directory_urls).split(sentinel)

    def make_entry(incident: Incident) -> Entry:
        return (
            incident.started.strftime("%Y-%m-%d"),
            summary_text(incident.summary, summary_chars),
            tuple(list(dict.fromkeys(facet.values_of(incident))) for facet in facets),
        )

    entries = [
        reuse(("browse-entry", summary_chars, id(i)), (i, catalog), lambda i=i: make_entry(i))  # type: ignore[misc]
        for i in incidents
    ]
    described: list[dict[str, Any]] = []
    columns: dict[str, list[Any]] = {
        "id": [i.id for i in incidents],
        "title": [i.title for i in incidents],
        "date": [date for date, _, _ in entries],
        "text": [text for _, text, _ in entries],
    }
    for number, facet in enumerate(facets):
        per_incident = [values[number] for _, _, values in entries]
        seen = {value for values in per_incident for value in values}
        entry: dict[str, Any] = {"name": facet.name, "label": words.text(f"browse.facets.{facet.name}")}
        if facet.single:
            entry["single"] = True
        if facet.name == "cause":
            tree = catalog.tree.order
            values = [cause_id for _, cause_id in tree]
            entry["labels"] = [catalog.causes[v].title for v in values]
            entry["depth"] = [depth for depth, _ in tree]
            if paths.UNCLASSIFIED in seen:  # last: a state, not a cause
                values.append(paths.UNCLASSIFIED)
                entry["labels"].append(words.text("unclassified.title"))
                entry["depth"].append(0)
        elif facet.name == "lesson":
            values = list(catalog.lessons)
            entry["labels"] = [catalog.lessons[v].title for v in values]
        elif facet.name == "severity":
            values = list(catalog.severity_ids)
            entry["labels"] = [level.title for level in catalog.severities]
        elif facet.name == "year":
            values = sorted(seen, reverse=True)
        else:
            values = _by_text(seen)
        entry["values"] = values
        position = {value: index for index, value in enumerate(values)}
        if facet.single:
            columns[facet.name] = [position[values_[0]] for values_ in per_incident]
        else:
            columns[facet.name] = [[position[v] for v in values_] for values_ in per_incident]
        described.append(entry)
    return {
        "version": VERSION,
        "count": len(incidents),
        "incident_url": [prefix, suffix],
        "facets": described,
        "incidents": columns,
    }


def dumps(index: dict[str, Any]) -> str:
    """Compact JSON; `<`, `>` and `&` as escapes, so the text is inert even if a host serves it as HTML."""
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def index_json(
    graph: Graph, *, use_directory_urls: bool = True, reuse: ReuseOrMake[Entry] = make_fresh, messages: Messages | None = None
) -> str:
    return dumps(build_index(graph, use_directory_urls=use_directory_urls, reuse=reuse, messages=messages))


def script_messages(messages: Messages) -> str:
    """The words `browse.js` writes, as JSON for the page's `data-messages`: the language (for
    the browser's plural rules), the script's labels (`browse.script`, one text or its forms
    by number) and each facet's name as it reads inside a sentence."""
    prefix = "browse.script."
    labels = {key[len(prefix) :]: messages.forms(key) for key in messages.table if key.startswith(prefix)}
    nouns = messages.words("browse.facets_in_text")
    return json.dumps(
        {"language": messages.language, "labels": labels, "facets": nouns}, ensure_ascii=False, separators=(",", ":")
    )
