"""Hostile text in every field is shown as text: no element, attribute or URL goes live."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

from conftest import build, make_project

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>{{ 7*7 }}{% raw %}"
HOSTILE = f"""\
title: '{PAYLOAD} " onmouseover="alert(3)'
organization: '<svg onload=alert(4)>'
services: ['<iframe src=javascript:alert(5)>']
severity: critical
started: 2024-05-01T10:00:00Z
regions: ['<b onclick=alert(6)>']
tags: ['<a href=javascript:alert(7)>x</a>']
summary: |
  {PAYLOAD}
  [click](javascript:alert(8)) [data](data:text/html;base64,PHNjcmlwdD4=) <a href="javascript:alert(9)">a</a>
  <div onclick="alert(10)">div</div> ![img](https://example.com/x.png)
causes:
  - cause: attack
    detail: '{PAYLOAD}'
timeline:
  - at: 2024-05-01T10:00:00Z
    event: '<img src=x onerror=alert(11)>'
updates:
  - at: 2024-05-01T10:05:00Z
    status: investigating
    channel: '<script>alert(12)</script>'
    text: '<script>alert(13)</script>'
actions:
  - action: '<script>alert(14)</script>'
    owner: '<script>alert(15)</script>'
references:
  - title: '<script>alert(16)</script>'
    url: 'https://example.com/"><script>alert(17)</script>'
"""


class LiveCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "svg", "img") and any("alert" in (v or "") for _, v in attrs):
            self.live.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.live.append(f"{tag} {name}")
            if name in ("href", "src") and value and value.strip().lower().startswith(("javascript:", "data:")):
                self.live.append(f"{tag} {name}={value}")

    def handle_data(self, data: str) -> None:
        # inline scripts are the theme's own; none may carry the payload
        start = self.get_starttag_text() or ""
        if "alert(" in data and start.startswith("<script"):
            self.live.append(f"script text {data[:40]}")


def test_hostile_incident_runs_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2024-05-01-hostile.yaml": HOSTILE})
    site = build(project)
    page = (site / "incidents/2024-05-01-hostile/index.html").read_text(encoding="utf-8")
    assert "alert(1)" in page  # shown as text
    assert "{{ 7*7 }}" not in page  # braces are entities, so no later template pass can evaluate them
    assert "{{ 7*7 }}" in html.unescape(page)  # and the reader sees the text as written
    for html_file in site.rglob("*.html"):
        checker = LiveCheck()
        checker.feed(html_file.read_text(encoding="utf-8"))
        assert checker.live == [], (html_file, checker.live)
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "text"):
            value = doc.get(key, "")
            for tag in ("<script", "<img", "<svg", "<iframe", "<div onclick", "<b onclick"):
                assert tag not in value, (key, tag, value[:200])
