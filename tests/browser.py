"""Headless Chromium for the browser tests: the system's Chromium driven by Playwright,
a local static server for a built site, and a page that records console errors and any
request that leaves the local server (the site must work on a closed network)."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("OUTAGEKB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site on a free local port; yields the base URL (ending in `/`)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Watch:
    """What a page did that it should not: console errors, page errors, requests elsewhere."""

    base: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", lambda message: self.console_errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", self._request)

    def _request(self, request: Any) -> None:
        url: str = request.url
        if not (url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:") or url == "about:blank"):
            self.outside_requests.append(url)

    def assert_clean(self) -> None:
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.outside_requests, f"requests leaving the local server: {self.outside_requests}"


# --- how a page looks: accessibility, width, screenshots -------------------------------------

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
"""The axe-core rule tags of WCAG 2.0, 2.1 and 2.2 at levels A and AA."""


def axe_violations(page: Any, axe: Any, context: str | None = None) -> list[str]:
    """What axe-core finds against WCAG 2.2 AA on the page as it is now (or in the elements the
    CSS selector `context` selects), one line per rule and reason: `rule (impact) on N
    elements, such as <element>: why`. It waits for running transitions to end first: colours
    read halfway through a fade (Material fades its tabs in) are not the page's colours."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    page.wait_for_function(
        "() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)",
        timeout=10_000,
    )
    results = axe.run(page, context=context, options=options)
    grouped: dict[tuple[str, str], list[str]] = {}
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            why = " ".join(node.get("failureSummary", "").split("\n")[1:2]).strip()
            rule = f"{violation['id']} ({violation['impact']})"
            grouped.setdefault((rule, why), []).append(" ".join(map(str, node["target"])))
    return [f"{rule} on {len(where)} elements, such as {where[0]}: {why}" for (rule, why), where in grouped.items()]


_SIDEWAYS = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const found = [];
  const scrolled = document.scrollingElement.scrollWidth;
  if (scrolled > limit) found.push(`the page is ${scrolled} px wide in a ${limit - 1} px window`);
  const scrolls = (box) => ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
  for (const el of document.querySelectorAll(".md-main *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit || !el.checkVisibility({ visibilityProperty: true })) continue;
    let up = el.parentElement;
    while (up && up !== document.body && !scrolls(up)) up = up.parentElement;
    if (up && up !== document.body) continue;  // inside a box of its own that scrolls; that box is checked too
    const name = el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    found.push(`${name} reaches ${Math.round(box.right)} px: ${(el.textContent || "").trim().slice(0, 60)}`);
    if (found.length >= 8) break;
  }
  return found;
}"""


def sideways(page: Any) -> list[str]:
    """What makes the page wider than its window: the document itself, or content that sticks
    out to the right (and is cut off) outside a box that scrolls on its own."""
    found: list[str] = page.evaluate(_SIDEWAYS)
    return found


def screenshot_folder(fallback: Path) -> Path:
    """Where the browser tests save their screenshots: `$OUTAGEKB_SCREENSHOTS`, else `fallback`."""
    folder = Path(os.environ.get("OUTAGEKB_SCREENSHOTS") or fallback)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_LAYOUT = """() => {
  const found = [];
  const visible = (el) => el.checkVisibility({ visibilityProperty: true }) && el.getClientRects().length > 0;
  const text = (el) => (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 50);
  // links and chips: no two of them overlap (a box running into the next row), and a link
  // to the browse page is drawn as a link, not as one of the browse page's filter boxes
  const links = [...document.querySelectorAll(".md-content a")].filter(visible);
  const boxes = links.map((a) => [a, [...a.getClientRects()]]);
  const rows = new Map();
  for (const [a, rects] of boxes) for (const r of rects) {
    const key = Math.round(r.top / 40);
    for (const k of [key - 1, key, key + 1]) for (const [b, s] of rows.get(k) || []) {
      if (b === a || b.contains(a) || a.contains(b)) continue;
      const x = Math.min(r.right, s.right) - Math.max(r.left, s.left);
      const y = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
      if (x > 1 && y > 1) found.push(`"${text(a)}" overlaps "${text(b)}"`);
    }
    if (!rows.has(key)) rows.set(key, []);
    rows.get(key).push([a, r]);
  }
  for (const a of document.querySelectorAll(".md-content a.okb-browse-link")) {
    const style = getComputedStyle(a);
    if (style.borderTopStyle !== "none" || style.display === "block") found.push(`browse link "${text(a)}" is drawn as a box`);
  }
  // a title in a table wraps between words (or after a hyphen), never inside one
  for (const a of document.querySelectorAll(".md-content .okb-table td a:not(.md-tag)")) {
    if (!visible(a)) continue;
    const node = a.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE) continue;
    const words = /[^\\s\\-\u2010]+/g;  // a break after a hyphen is where the word itself breaks
    let match;
    while ((match = words.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) { found.push(`"${match[0]}" is broken across lines in "${text(a)}"`); break; }
    }
  }
  return found.slice(0, 12);
}"""


def layout_problems(page: Any) -> list[str]:
    """Links or chips that overlap, browse links drawn as filter boxes, and table titles broken
    inside a word."""
    found: list[str] = page.evaluate(_LAYOUT)
    return found
