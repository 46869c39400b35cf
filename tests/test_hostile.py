"""Hostile text in every field is shown as text: no element, attribute or URL goes live.

The hostile incident and catalog are generated from the field table, so a field added to
the format is attacked here the day it is added. Every output file is parsed: HTML pages,
Material's search index and our JSON files.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from conftest import build, make_project
from outagekb import spec

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '" onmouseover="alert(3)" x="',
    "' onfocus='alert(4)' autofocus '",
    "{{ 7*7 }}{% raw %}{# c #}",
    "<svg onload=alert(5)>",
    "<a href=javascript:alert(6)>a</a>",
    "<iframe src=data:text/html;base64,PHNjcmlwdD4=></iframe>",
    "javascript:alert(7)",
    "&lt;script&gt;alert(8)&lt;/script&gt;",
]
MARKDOWN_PAYLOADS = [
    "[click](javascript:alert(9)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox)",
    '<a href="javascript:alert(10)">a</a> <div onclick="alert(11)">div</div> ![img](https://example.com/x.png)',
    "[ok](https://example.com/ok){: onclick=alert(12) } <details open ontoggle=alert(13)>",
    "```\n</code><script>alert(14)</script>\n```",
    "--8<-- /etc/passwd\n{{ config.site_name }}\n!!! note\n    text",
]
HOSTILE_LINE = " ".join(p for p in PAYLOADS if "\n" not in p)[:200]
HOSTILE_MARKDOWN = "\n\n".join(PAYLOADS + MARKDOWN_PAYLOADS)

ID_VALUES = {"cause": "attack", "lesson": "monitoring", "incident": None, "severity": "major"}
VALID = {
    spec.TIMESTAMP: "2024-05-01T10:00:00Z",
    spec.DATE: "2024-06-01",
    spec.BOOL: False,
    spec.URL: 'https://example.com/"><script>alert(15)</script>?a=<b>',
}


def hostile_value(f: spec.Field) -> Any:
    """The nastiest value the loader accepts for a field, or None to leave it out."""
    if f.kind == spec.LINE:
        return HOSTILE_LINE[: f.max_length]
    if f.kind == spec.MARKDOWN:
        return HOSTILE_MARKDOWN
    if f.kind == spec.ENUM:
        return f.choices[0]
    if f.kind == spec.ROLES:
        return ["trigger"]
    if f.kind == spec.ID:
        return ID_VALUES[f.refers] if f.refers else "hostile-id"
    if f.kind == spec.RECORD:
        assert f.record is not None
        return hostile_record(f.record)
    if f.kind == spec.LIST:
        assert f.item is not None
        item = hostile_value(f.item)
        return None if item is None else [item]
    return VALID[f.kind]


def hostile_record(record: spec.Record) -> dict[str, Any]:
    values = {f.name: hostile_value(f) for f in record.fields}
    return {name: value for name, value in values.items() if value is not None}


def hostile_incident(**overrides: Any) -> str:
    document = hostile_record(spec.INCIDENT) | overrides
    document["approximate"] = ["started"]
    document.pop("draft")
    document["timeline"][0]["approximate"] = True
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def hostile_catalog() -> str:
    """The shipped catalog's ids with hostile titles, summaries, aliases and practices."""
    shipped = yaml.safe_load(Path(spec.__file__).with_name("defaults").joinpath("catalog.yaml").read_text(encoding="utf-8"))
    for kind, record in (("causes", spec.CATALOG_CAUSE), ("lessons", spec.CATALOG_LESSON)):
        for entry in shipped[kind]:
            for f in record.fields:
                if f.name not in ("id", "parent"):
                    entry[f.name] = hostile_value(f)
    return yaml.safe_dump(shipped, allow_unicode=True, sort_keys=False)


class LiveCheck(HTMLParser):
    """Collects anything in a page that would run or load something the payload asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "svg", "img", "details", "object", "embed") and any(
            "alert" in (v or "") or "data:" in (v or "") for _, v in attrs
        ):
            self.live.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in ("autofocus", "formaction", "srcdoc"):
                self.live.append(f"{tag} {name}")
            if name in ("href", "src", "action", "xlink:href") and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.live.append(f"{tag} {name}={value}")

    def handle_data(self, data: str) -> None:
        # inline scripts are the theme's own; none may carry the payload
        start = self.get_starttag_text() or ""
        if "alert(" in data and start.startswith("<script"):
            self.live.append(f"script text {data[:40]}")


def test_hostile_text_in_every_field_runs_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2024-05-01-hostile.yaml": hostile_incident(), "catalog.yaml": hostile_catalog()})
    site = build(project)
    page = (site / "incidents/2024-05-01-hostile/index.html").read_text(encoding="utf-8")
    shown = html.unescape(page)
    assert "<script>alert(1)</script>" in shown  # the reader sees the text as written
    assert "{{ 7*7 }}" in shown and "{{ 7*7 }}" not in page  # braces are entities: no later template pass sees them
    article = shown.split("<article", 1)[1].split("</article>", 1)[0]
    assert "{{ config.site_name }}" in article and "Test knowledge base" not in article
    assert "--8&lt;-- /etc/passwd" in page or "--8<-- /etc/passwd" in shown  # no snippet inclusion
    assert "root:x:" not in page
    pages = list(site.rglob("*.html"))
    assert len(pages) > 20
    for html_file in pages:
        checker = LiveCheck()
        checker.feed(html_file.read_text(encoding="utf-8"))
        assert checker.live == [], (html_file, checker.live)
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "text", "location"):
            value = doc.get(key, "")
            for tag in ("<script", "<img", "<svg", "<iframe", "<div onclick", "<details", "<a href=javascript"):
                assert tag not in value, (key, tag, value[:200])
    for json_file in site.rglob("*.json"):
        json.loads(json_file.read_text(encoding="utf-8"))  # built as data, never by pasting strings together
    feeds = list(site.rglob("*.xml"))
    assert site / "feed.xml" in feeds
    for feed_file in feeds:
        tree = ET.parse(feed_file)  # well-formed whatever the titles held
        for summary in tree.iter("{http://www.w3.org/2005/Atom}summary"):
            checker = LiveCheck()
            checker.feed(summary.text or "")  # what a feed reader renders
            assert checker.live == [], (feed_file, checker.live)
    head_title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert head_title is not None and "<" not in head_title.group(1) and "&lt;script&gt;" in head_title.group(1)


def test_template_syntax_is_shown_not_evaluated(tmp_path: Path) -> None:
    text = hostile_incident(title="{{ 6*7 }} {% if true %}yes{% endif %}")
    site = build(make_project(tmp_path, {"2024-05-01-hostile.yaml": text}))
    shown = html.unescape((site / "incidents/2024-05-01-hostile/index.html").read_text(encoding="utf-8"))
    assert "{{ 6*7 }} {% if true %}yes{% endif %}" in shown
    assert ">42<" not in shown
