"""Contributor Markdown to safe HTML, converted once per piece of text.

Contributor text arrives by pull request, so it gets a restricted Markdown (no raw HTML
passthrough: tags show as text, which `markup` warns about; no attribute lists, snippets
or macros), then an allowlist sanitiser (nh3) with links limited to http, https, mailto
and relative URLs. The result is a single line with template braces turned into
entities, so it survives any later Markdown pass, any template plugin, and CommonMark's
rule that a blank line ends an HTML block.

Images are shown on the page of the incident whose text names them: while the renderer
makes that page it says where the incident's images are (`showing_images`), and an image
the loader accepted becomes an `<img>` of its copy in the site. Everywhere else (a cause's
page listing the incident's detail, the feeds), and for any image that cannot be shown, an
image is its alt text; a remote image is a link to it unless the site opted in.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from . import images, markup, paths

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
        "img",
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
    "img": {"src", "alt", "title", "width", "height", "loading", "referrerpolicy"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_SINGLE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


@dataclass(frozen=True)
class ImageContext:
    """Where the images of the incident whose page is being made are, and how that page
    links to their copies."""

    incident_path: str
    incident_id: str
    page: str
    """The page's source path (`incidents/<id>.md`)."""
    use_directory_urls: bool = True
    link_style: str = "url"
    shared: tuple[images.SharedFolder, ...] = ()
    remote: bool = False
    """Whether remote (`https://`) images are shown, rather than linked (`remote_images`)."""
    files: tuple[images.ImageFile, ...] = ()
    """The incident's image files as this build found them: a conversion kept from an earlier
    build is used again only while they are the same (a replaced image may have another size)."""


_SHOWING: ContextVar[ImageContext | None] = ContextVar("outagekb_images", default=None)


@contextmanager
def showing_images(context: ImageContext) -> Iterator[None]:
    """Within this block, text with images is converted for the page `context` names."""
    token = _SHOWING.set(context)
    try:
        yield
    finally:
        _SHOWING.reset(token)


class _Images(Treeprocessor):
    """Every image Markdown made: the `<img>` of its copy, a link, or its alt text (see the
    module's docstring). `written` holds the images the loader's reading of the text finds
    (`markup.images`), so that the page shows no image the loader did not check."""

    context: ImageContext | None = None
    written: frozenset[str] = frozenset()

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, child in reversed(list(enumerate(parent))):
                if child.tag == "img":
                    self._replace(parent, index, child)

    def _replace(self, parent: etree.Element, index: int, image: etree.Element) -> None:
        src, alt = image.get("src", ""), image.get("alt", "")
        context = self.context
        if images.is_remote(src):
            if context is not None and context.remote:
                image.attrib = {"src": src, "alt": alt, "loading": "lazy", "referrerpolicy": "no-referrer"}
                return
            link = etree.Element("a", {"href": src})
            link.text, link.tail = alt or src, image.tail
            parent[index] = link
            return
        found = (
            images.resolve(src, context.incident_path, context.incident_id, context.shared)
            if context is not None and src in self.written
            else None
        )
        if isinstance(found, images.ImageFile) and context is not None:
            link_from_page = paths.linker(context.page, context.use_directory_urls, context.link_style)
            shown = {"src": link_from_page(found.site), "alt": alt, "loading": "lazy"}
            if found.width and found.height:
                shown.update(width=str(found.width), height=str(found.height))
            if image.get("title"):
                shown["title"] = image.get("title", "")
            image.attrib = shown
            return
        _to_text(parent, index, alt + (image.tail or ""))


def _to_text(parent: etree.Element, index: int, text: str) -> None:
    """Put `text` where the child at `index` was."""
    del parent[index]
    if index:
        before = parent[index - 1]
        before.tail = (before.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _converter() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "toc"],
        extension_configs={"toc": {"baselevel": 3, "slugify": _slug}},
        output_format="html",
    )
    # No raw HTML: without these, `<script>` stays text and is escaped on output.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_Images(md), "outagekb-images", -10)  # after `unescape`: the attributes as written
    return md


def _slug(value: str, separator: str) -> str:
    words = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return "okb-" + re.sub(r"[\s_-]+", separator, words)


_MD = _converter()
_IMAGES: _Images = _MD.treeprocessors["outagekb-images"]  # type: ignore[assignment]


_PREFORMATTED = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)


def protect(fragment: str) -> str:
    """One line, with the same meaning in HTML: braces as character references, and each
    line break a space, as HTML reads it outside `<pre>`, where it stays as `&#10;`."""
    fragment = fragment.replace("{", "&#123;").replace("}", "&#125;").replace("\r", "")
    if "\n" not in fragment:
        return fragment
    if "<pre" not in fragment:
        return fragment.replace("\n", " ")
    parts = _PREFORMATTED.split(fragment)  # odd parts are the preformatted blocks
    return "".join(part.replace("\n", "&#10;" if i % 2 else " ") for i, part in enumerate(parts))


_PLAIN_CHARS = re.compile(r"^[A-Za-z0-9 \n.,;:'\"?!/%$@=(){}+\-\u00c0-\u024f\u2010-\u2027\u2030-\u205e]*$")
"""Text made only of these characters is plain prose unless a line starts like a block."""
_BLOCK_START = re.compile(r"^(?:[ \t]|[-+=]|\d+[.)])|[ \t]$|\n\n\n", re.MULTILINE)
"""A line that could open a list, a heading underline or code, or end in a hard break."""


_CODE_SPAN = re.compile(r"`([^`\n]+)`")
"""A code span of single backticks on one line: `max_connections`."""
_CODE_CHARS = re.compile(r"^[A-Za-z0-9 .,;:'\"?!/%$@=(){}+*#~^|\[\]_\-]*$")
"""What a code span may hold and still be written without Markdown: nothing to escape."""


def _plain_paragraphs(text: str) -> str | None:
    """The HTML Markdown gives plain prose (paragraphs of words and punctuation, and code
    spans such as `max_connections`), made without running it; None when the text might
    hold any other Markdown at all."""
    text = text.strip("\n")  # as Markdown reads it: no paragraph ends in a line break
    if not text:
        return ""
    if "`" not in text:
        return _paragraphs(text) if _is_plain(text) else None
    if "``" in text:
        return None
    spans: list[str] = []

    def lift(match: re.Match[str]) -> str:
        spans.append(match.group(1).strip())
        return "x"  # a plain word in the span's place, for the check of the prose around it

    if not _is_plain(_CODE_SPAN.sub(lift, text)) or not all(span and _CODE_CHARS.match(span) for span in spans):
        return None
    written = iter(spans)  # a span becomes `<code>` with its content stripped, as Markdown writes it
    return _paragraphs(_CODE_SPAN.sub(lambda _: f"<code>{next(written)}</code>", text))


def _is_plain(text: str) -> bool:
    return bool(_PLAIN_CHARS.match(text)) and not _BLOCK_START.search(text) and "\n\n\n" not in text


def _paragraphs(text: str) -> str:
    return "\n".join(f"<p>{part}</p>" for part in text.split("\n\n"))


def to_html(text: str) -> str:
    """Block HTML for a Markdown field (paragraphs, lists, code, tables)."""
    if not text:
        return ""
    return _to_html(text, _SHOWING.get() if "![" in text else None)


@lru_cache(maxsize=65536)  # every detail of every incident, so that serve's rebuilds convert only new text
def _to_html(text: str, context: ImageContext | None) -> str:
    plain = _plain_paragraphs(text)
    if plain is not None:  # most prose: the same HTML without the Markdown and sanitiser passes
        return protect(plain)
    _MD.reset()
    _IMAGES.context = context
    _IMAGES.written = frozenset(image.src for image in markup.images(text)) if context is not None else frozenset()
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
    _to_html.cache_clear()


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
