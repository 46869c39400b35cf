"""Plain prose skips the Markdown and sanitiser passes; the result must be exactly what they give."""

from __future__ import annotations

import nh3
from hypothesis import given, settings
from hypothesis import strategies as st

from outagekb import prose

PLAIN = st.text(alphabet=st.sampled_from(list("abcXYZ09 .,;:'\"?!/%$@=(){}+-\né—’")), max_size=80)
WITH_CODE = st.text(alphabet=st.sampled_from(list("abc_X09 .,:'\"()*#[]-\n`<&é")), max_size=60)
"""Prose with backticks: code spans such as `max_connections`, and what a span may not hold."""


def slow(text: str) -> str:
    prose._MD.reset()
    rendered = prose._MD.convert(text)
    clean = nh3.clean(
        rendered,
        tags=set(prose.ALLOWED_TAGS),
        attributes={k: set(v) for k, v in prose.ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(prose.URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return prose.protect(clean)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(PLAIN)
def test_fast_path_gives_what_markdown_gives(text: str) -> None:
    text = text.strip("\n").rstrip()  # as the loader hands Markdown fields over
    if not text:
        return
    fast = prose._plain_paragraphs(text)
    if fast is not None:
        assert prose.protect(fast) == slow(text), repr(text)


@settings(max_examples=2500, deadline=None, derandomize=True)
@given(WITH_CODE)
def test_fast_path_with_code_spans_gives_what_markdown_gives(text: str) -> None:
    text = text.strip("\n").rstrip()
    if not text:
        return
    fast = prose._plain_paragraphs(text)
    if fast is not None:
        assert prose.protect(fast) == slow(text), repr(text)


def test_code_spans_take_the_fast_path_and_the_rest_of_markdown_does_not() -> None:
    for text in ("A setting, `max_connections`, was lowered.", "`a_b` and `*.example.com`\n\nmore `x`"):
        assert prose._plain_paragraphs(text) is not None, text
        assert prose.to_html(text) == slow(text)
    for markdown in ("a `x` *b*", "a `x`` b", "``x``", "a `<b>` c", "a `x\ny` b", "a `x` _b_", "a ` ` b", "```\nx\n```"):
        assert prose._plain_paragraphs(markdown) is None, markdown


def test_common_prose_takes_the_fast_path() -> None:
    text = "Alerts fire for failing requests in us-east-1 (about 40% of calls).\nThe team pages on-call.\n\nA second paragraph."
    assert prose._plain_paragraphs(text) is not None
    assert prose.to_html(text) == slow(text)
    for markdown in ("- item", "1. first", "a *b*", "[a](b)", "# h", "a  \nb", "    code", "a\n===", "x & y", "<b>"):
        assert prose._plain_paragraphs(markdown) is None, markdown
