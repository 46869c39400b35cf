"""The knowledge base for machines: the JSON export (with its schema) and Atom feeds.

Both hold published incidents only; drafts never leave `mkdocs serve`. Both are built as
data (a dict for `json.dumps`, an element tree for XML), never by pasting strings, so no
contributor text can break out of its field. Nothing depends on the build's date, so
building the same files twice gives the same bytes. The feeds' own words (titles, the line
of causes) are the build's labels (`messages`), in the site's language.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from . import model, paths, prose, schema
from .cache import ReuseOrMake, make_fresh
from .figures import Figure, IncidentFigures
from .graph import Graph
from .messages import Messages, english
from .model import Catalog, Incident

EXPORT_PATH = paths.EXPORT_PATH
EXPORT_SCHEMA_PATH = paths.EXPORT_SCHEMA_PATH
FEED_PATH = paths.FEED_PATH
FEED_ENTRIES = 50
"""How many of the newest incidents a feed holds; readers poll it, so it stays small."""

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry; the loader refuses them already, this is the last guard."""


cause_feed_path = paths.cause_feed_path


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _seconds(figure: Figure) -> float | int | None:
    if figure.seconds is None:
        return None
    return int(figure.seconds) if float(figure.seconds).is_integer() else figure.seconds


def export_record(incident: Incident, figures: IncidentFigures, url: str) -> dict[str, Any]:
    """One incident as the export describes it (see `export_schema`)."""
    return {
        "id": incident.id,
        "url": url,
        "title": incident.title,
        "organization": incident.organization,
        "services": list(incident.services),
        "severity": incident.severity,
        "started": _iso(incident.started),
        "detected": _iso(incident.detected),
        "mitigated": _iso(incident.mitigated),
        "resolved": _iso(incident.resolved),
        "approximate": sorted(incident.approximate),
        "duration_seconds": _seconds(figures.duration),
        "time_to_detect_seconds": _seconds(figures.time_to_detect),
        "time_to_mitigate_seconds": _seconds(figures.time_to_mitigate),
        "time_to_first_update_seconds": _seconds(figures.time_to_first_update),
        "causes": [{"cause": ref.cause, "roles": list(ref.roles)} for ref in incident.causes],
        "unclassified": incident.unclassified,
        "lessons": list(incident.lesson_ids),
        "tags": list(incident.tags),
        "upstream": list(incident.upstream),
        "regions": list(incident.regions),
        "source": None
        if incident.source is None
        else {"kind": incident.source.kind, "id": incident.source.id, "url": incident.source.url},
        "visibility": incident.visibility,
    }


def export_json(graph: Graph, *, use_directory_urls: bool, site_url: str | None, reuse: ReuseOrMake[str] = make_fresh) -> str:
    """`incidents.json`: `{"version": 1, "incidents": [...]}`, the published incidents newest first.

    Each record is encoded on its own, so that `reuse(key, inputs, make)` can hand back the
    text of an unchanged incident from an earlier build (see `cache.PageCache.reuse`)."""
    figures = graph.figures

    def record(incident: Incident) -> str:
        url = paths.page_address(paths.incident_page(incident.id), use_directory_urls, site_url)
        # compact: json's C encoder runs only without indentation, and the file is for programs
        return json.dumps(export_record(incident, figures[incident.id], url), ensure_ascii=False, separators=(",", ":"))

    records = [reuse(("export-record", id(i)), (i, figures[i.id]), lambda i=i: record(i)) for i in graph.incidents]  # type: ignore[misc]
    return '{"version":1,"incidents":[' + ",".join(records) + "]}\n"


def export_schema(catalog: Catalog) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `incidents.json`, with the catalog's severity scale."""
    text = {"type": "string"}
    texts = {"type": "array", "items": text}
    stamp = {"type": ["string", "null"], "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([+-]\\d{2}:\\d{2}|Z)$"}
    seconds = {"type": ["number", "null"]}
    properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": paths.ID_RE.pattern},
        "url": {"type": "string", "description": "the incident's page, absolute when the site sets site_url"},
        "title": text,
        "organization": text,
        "services": texts,
        "severity": {"enum": list(catalog.severity_ids)},
        "started": {**stamp, "type": "string"},
        "detected": stamp,
        "mitigated": stamp,
        "resolved": stamp,
        "approximate": {"type": "array", "items": {"enum": list(model.TIMESTAMP_FIELDS)}},
        "duration_seconds": seconds,
        "time_to_detect_seconds": {**seconds, "description": "negative when detected before impact began"},
        "time_to_mitigate_seconds": seconds,
        "time_to_first_update_seconds": seconds,
        "causes": {
            "type": "array",
            "description": "empty while the causes are not yet classified (unclassified: true)",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["cause", "roles"],
                "properties": {
                    "cause": text,
                    "roles": {"type": "array", "minItems": 1, "items": {"enum": list(model.ROLES)}},
                },
            },
        },
        "unclassified": {"type": "boolean"},
        "lessons": texts,
        "tags": texts,
        "upstream": texts,
        "regions": texts,
        "source": {
            "type": ["object", "null"],
            "description": "where the incident was imported from",
            "additionalProperties": False,
            "required": ["kind", "id", "url"],
            "properties": {"kind": {"enum": list(model.SOURCE_KINDS)}, "id": text, "url": {"type": ["string", "null"]}},
        },
        "visibility": {
            "enum": [model.PUBLIC, model.INTERNAL],
            "description": "who may read it; a public site's export holds only public incidents",
        },
    }
    record = {"type": "object", "additionalProperties": False, "properties": properties, "required": list(properties)}
    return {
        "$schema": schema.DRAFT,
        "title": "outagekb export",
        "description": "Every published incident of an outagekb knowledge base, newest first.",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "incidents"],
        "properties": {
            "version": {"const": 1},
            "incidents": {"type": "array", "items": record},
        },
    }


# Atom --------------------------------------------------------------------------


def newest_time(incident: Incident) -> datetime:
    """When the incident file last had something happen: its newest timestamp."""
    stamps = [incident.started, incident.detected, incident.mitigated, incident.resolved]
    stamps += [entry.at for entry in incident.timeline] + [update.at for update in incident.updates]
    return max(s for s in stamps if s is not None)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def link_from(feed_path: str, page_src: str, use_directory_urls: bool, site_url: str | None) -> str:
    """A page's address as a feed at `feed_path` should give it: absolute with a site URL,
    else relative to the feed's own location, which feed readers resolve against."""
    if site_url:
        return paths.page_address(page_src, use_directory_urls, site_url)
    return paths.relative_url(feed_path, page_src, use_directory_urls)


def atom_feed(
    incidents: Sequence[Incident],
    catalog: Catalog,
    *,
    feed_path: str,
    title: str,
    subtitle: str,
    home_src: str,
    use_directory_urls: bool,
    site_url: str | None,
    messages: Messages | None = None,
) -> str:
    """An Atom feed (RFC 4287) of the newest incidents, one entry each with its causes as categories."""
    words = messages or english()
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    entries = list(incidents)[:FEED_ENTRIES]
    feed_id = paths.absolute_url(site_url, feed_path) if site_url else f"urn:outagekb:feed:{feed_path}"
    _sub(feed, "title", title)
    _sub(feed, "subtitle", subtitle)
    _sub(feed, "id", feed_id)
    home = link_from(feed_path, home_src, use_directory_urls, site_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=home)
    self_href = feed_id if site_url else posixpath.basename(feed_path)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_href)
    newest = [newest_time(i) for i in entries]
    _sub(feed, "updated", max(newest).isoformat() if newest else "1970-01-01T00:00:00+00:00")
    _sub(feed, "generator", "outagekb")
    for incident, updated in zip(entries, newest, strict=True):
        page = paths.incident_page(incident.id)
        entry = _sub(feed, "entry")
        _sub(entry, "title", incident.title)
        url = link_from(feed_path, page, use_directory_urls, site_url)
        _sub(entry, "id", url if site_url else f"urn:outagekb:incident:{incident.id}")
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        _sub(entry, "published", incident.started.isoformat())
        _sub(entry, "updated", updated.isoformat())
        author = _sub(entry, "author")
        _sub(author, "name", incident.organization)
        titles = [catalog.causes[ref.cause].title for ref in incident.causes]
        for ref, cause_title in zip(incident.causes, titles, strict=True):
            _sub(entry, "category", term=ref.cause, label=cause_title)
        causes = words.separator.join(titles) if titles else words.text("feeds.unclassified")
        line = words.text("feeds.entry", causes=causes, severity=catalog.severity_title(incident.severity))
        summary = prose.to_html(incident.summary) + f"<p>{prose.escape(line)}</p>"
        _sub(entry, "summary", summary, type="html")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def site_feeds(
    graph: Graph, *, use_directory_urls: bool, site_url: str | None, messages: Messages | None = None
) -> list[tuple[str, str]]:
    """Every feed of the site as (path, text): `feed.xml` of the newest incidents, and one
    feed per cause (its narrower causes included)."""
    catalog = graph.catalog
    words = messages or english()
    common: dict[str, Any] = dict(use_directory_urls=use_directory_urls, site_url=site_url, messages=words)
    feeds = [
        (
            FEED_PATH,
            atom_feed(
                graph.incidents,
                catalog,
                feed_path=FEED_PATH,
                title=words.text("feeds.title"),
                subtitle=words.text("feeds.subtitle"),
                home_src=paths.INCIDENTS_INDEX,
                **common,
            ),
        )
    ]
    for cause_id, cause in catalog.causes.items():
        path = cause_feed_path(cause_id)
        text = atom_feed(
            graph.by_cause_tree.get(cause_id, []),
            catalog,
            feed_path=path,
            title=words.text("feeds.cause_title", cause=cause.title),
            subtitle=words.text("feeds.cause_subtitle", cause=cause.title),
            home_src=paths.cause_page(cause_id),
            **common,
        )
        feeds.append((path, text))
    return feeds
