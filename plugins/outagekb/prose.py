"""Contributor Markdown to safe HTML, converted once per piece of text.

Contributor text arrives by pull request, so it gets a restricted Markdown (no raw HTML
passthrough: tags show as text; no attribute lists, snippets or macros), then an
allowlist sanitiser (nh3) with links limited to http, https, mailto and relative URLs.
The result is a single line with template braces turned into entities, so it survives
any later Markdown pass, any template plugin, and CommonMark's rule that a blank line
ends an HTML block.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "del",
        "sup",
        "sub",
        "kbd",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "ol": {"start"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_SINGLE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def _converter() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "toc"],
        extension_configs={"toc": {"baselevel": 3, "slugify": _slug}},
        output_format="html",
    )
    # No raw HTML: without these, `<script>` stays text and is escaped on output.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def _slug(value: str, separator: str) -> str:
    words = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return "okb-" + re.sub(r"[\s_-]+", separator, words)


_MD = _converter()


def protect(fragment: str) -> str:
    """One line, with braces and newlines as character references (same meaning in HTML)."""
    return fragment.replace("{", "&#123;").replace("}", "&#125;").replace("\r", "").replace("\n", "&#10;")


_PLAIN_CHARS = re.compile(r"^[A-Za-z0-9 \n.,;:'\"?!/%$@=(){}+\-\u00c0-\u024f\u2010-\u2027\u2030-\u205e]*$")
"""Text made only of these characters is plain prose unless a line starts like a block."""
_BLOCK_START = re.compile(r"^(?:[ \t]|[-+=]|\d+[.)])|[ \t]$|\n\n\n", re.MULTILINE)
"""A line that could open a list, a heading underline or code, or end in a hard break."""


def _plain_paragraphs(text: str) -> str | None:
    """The HTML Markdown gives plain prose (paragraphs of words and punctuation only),
    made without running it; None when the text might hold any Markdown at all."""
    if not _PLAIN_CHARS.match(text) or _BLOCK_START.search(text):
        return None
    paragraphs = text.split("\n\n")
    if any(not part for part in paragraphs):
        return None
    return "\n".join(f"<p>{part}</p>" for part in paragraphs)


@lru_cache(maxsize=65536)  # every detail of every incident, so that serve's rebuilds convert only new text
def to_html(text: str) -> str:
    """Block HTML for a Markdown field (paragraphs, lists, code, tables)."""
    if not text:
        return ""
    plain = _plain_paragraphs(text)
    if plain is not None:  # most prose: the same HTML without the Markdown and sanitiser passes
        return protect(plain)
    _MD.reset()
    rendered = _MD.convert(text)
    clean = nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return protect(clean)


def forget_conversions() -> None:
    """Drop the conversions kept for `mkdocs serve`'s rebuilds: a build has no further use for them."""
    to_html.cache_clear()


def to_inline_html(text: str) -> str:
    """HTML for short Markdown (a timeline event, a detail): one paragraph loses its `<p>`."""
    block = to_html(text)
    match = _SINGLE_PARAGRAPH.match(block)
    if match and "<p>" not in match.group(1):
        return match.group(1)
    return block


def escape(text: str) -> str:
    """A one-line string for HTML text or an attribute value."""
    return protect(html.escape(text, quote=True))
