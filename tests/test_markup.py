"""The loader's reading of contributor Markdown (`markup`, no Markdown run) agrees with the
converter that makes the pages (`prose`): the images it checks are the images Markdown
makes, and the raw HTML it warns about is what the page shows as text."""

from __future__ import annotations

import html
import re

import markdown
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from outagekb import markup, prose


def _plain_converter() -> markdown.Markdown:
    """The page converter's Markdown, without outagekb's own image step, to see what Markdown makes."""
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_MD = _plain_converter()
_IMG = re.compile(r'<img alt="[^"]*" src="([^"]*)"')


def markdown_images(text: str) -> list[str]:
    _MD.reset()
    return sorted(html.unescape(src) for src in _IMG.findall(_MD.convert(text)))


def shown_as_text(text: str) -> list[str]:
    """The tags and comment starts the page shows as text, outside code."""
    page = re.sub(r"<code>.*?</code>", "", prose.to_html(text).replace("&#10;", "\n"), flags=re.S)
    return re.findall(r"&lt;(/?[A-Za-z][A-Za-z0-9]*|!--)", page)


IMAGE_CASES = [
    "![alt](x/y.png)",
    '![a b](<my file.png> "Title")',
    "![a](x(1).png)",
    "![a](x.png 't')",
    "![a](  x.png  )",
    "![a](\nx.png)",
    "[![a](i.png)](https://example.com)",
    "![a][r]\n\n[r]: x.png",
    "![a][]\n\n[a]: x.png",
    "![a]\n\n[a]: x.png",
    "![a] [r]\n\n[r]: x.png",
    "![a][R]\n\n[r]: x.png",
    '![a][r]\n\n  [r]: <x.png> "t"',
    r"![a](a\_b.png)",
    r"\![a](x.png)",
    r"\\![a](x.png)",
    "`![a](x.png)`",
    "``![a](x.png)``",
    "```\n![a](x.png)\n```",
    "~~~\n![a](x.png)\n~~~",
    "text\n\n    ![a](code.png)\n\n![b](real.png)",
    "- item\n\n    ![b](continued.png)",
    "    ![a](code.png)\nafter ![b](b.png)",
    "*![a](x.png)*",
    "| h |\n|---|\n| ![a](x.png) |",
    "> ![q](x.png)",
    "# ![h](x.png)",
    "![a]  (x.png)",
    "![a](x.png",
    "![a]",
    "![unclosed [bracket](x.png)",
    "![nested [brackets] ok](x.png)",
    "![a](https://example.com/x.png) and ![b](data:image/png;base64,AAAA)",
]


@pytest.mark.parametrize("text", IMAGE_CASES)
def test_images_are_the_ones_markdown_makes(text: str) -> None:
    assert sorted(image.src for image in markup.images(text)) == markdown_images(text)


INLINE = st.lists(
    st.sampled_from(
        ["x", " ", "\n\n", "- ", "`", "``", "\\", "[", "]", "(", ")", "!", "*", "<b>", "</b>", "<br>", "a<b", "<https://e.com>"]
        + ["![a](p.png)", "![b](<q r.png>)", "![c][r]", "[r]: s.png\n", "<!-- c -->", "<details>", "List<Object>", "<time>"]
    ),
    max_size=16,
).map("".join)


def converted_whole(text: str) -> bool:
    """Whether Python-Markdown converted the text without losing part of it: on some nested
    emphasis (`*x**x*<b>`) it leaves one of its own placeholders (`klzzwxh:0000`) in the page
    instead of what followed, a slip of the converter that no reading of the text can match."""
    return "klzzwxh" not in prose.to_html(text)


@settings(max_examples=400, deadline=None)
@given(INLINE)
def test_every_image_markdown_shows_on_generated_text_is_one_the_loader_checked(text: str) -> None:
    """The safety half of the agreement that `IMAGE_CASES` holds exactly: an image the page
    would show always went through the loader's checks. Random text also finds nestings the
    loader reads as an image and Markdown does not (`![c][r](![a](p.png))`); there the loader
    checks an image the page does not show, which costs a check and hides nothing."""
    assume(converted_whole(text))
    checked = [image.src for image in markup.images(text)]
    assert all(src in checked for src in markdown_images(text)), (checked, markdown_images(text))


HTML_CASES = {
    "a <b>bold</b> c": ["<b>"],
    "<details>\n<summary>x</summary>\n\nbody\n</details>": ["<details>"],
    "line<br>next<br/> and <BR>": ["<br>", "<br/>", "<BR>"],
    "x <!-- note --> y": ["<!--"],
    '<a href="https://example.com">l</a>': ['<a href="https://example.com">'],
    '<time datetime="2024">then</time>': ['<time datetime="2024">'],
    "- item\n\n    <b>continued</b>": ["<b>"],
    "```\n<b>\n```\nafter <i>x</i>": ["<i>"],
    "orphan </b> closing": ["</b>"],
    # not HTML, or meant as text
    "<https://example.com> and <ops@example.com>": [],
    "a <b and c, x<5": [],
    "List<Object>, Map<K>, Option<T>, p <S> q": [],
    "the folder <id>/ and the field <time>": [],
    "`<b>` and ``<br>``": [],
    "    <b>indented code</b>": [],
    r"\<b> escaped": [],
    "![a](<q r.png>) [l](<x y>)\n\n[r]: <z w.png>": [],
}


@pytest.mark.parametrize("text", list(HTML_CASES), ids=range(len(HTML_CASES)))
def test_raw_html_found_is_what_the_page_shows_as_text(text: str) -> None:
    found = markup.raw_html(text)
    assert [
        re.search(r"`(.*?)` is shown", f.message).group(1) if "`<!--`" not in f.message else "<!--" for f in found
    ] == HTML_CASES[text]  # type: ignore[union-attr]
    shown = shown_as_text(text)
    for finding in found:  # each warning is true: the page shows the tag as text
        name = re.match(r"<(/?[A-Za-z0-9]+|!--)", text[finding.offset :])
        assert name is not None and name.group(1) in shown, (text, shown)


@settings(max_examples=400, deadline=None)
@given(INLINE)
def test_every_warning_is_true_on_generated_text(text: str) -> None:
    assume(converted_whole(text))
    shown = shown_as_text(text)
    for finding in markup.raw_html(text):
        name = re.match(r"<(/?[A-Za-z0-9]+|!--)", text[finding.offset :])
        assert name is not None and name.group(1) in shown, (text, shown)
