"""Source text made acceptable to the loader without changing what it says.

Status pages and spreadsheets carry carriage returns, stray control characters and
titles longer than a line; the loader refuses those, so they are normalised here once:
line breaks become `\\n`, control characters other than tab and line feed are dropped
from prose, and one-line fields fold every run of whitespace into one space. Markup is
left exactly as written: the site sanitises prose when it renders it.
"""

from __future__ import annotations

import re

from ..convert import LINE_FORBIDDEN_CHARS
from ..spec import LINE_MAX

_NONCHARACTERS = "\ufeff\ufffe\uffff\ud800-\udfff"
"""A byte-order mark inside text, non-characters, and lone surrogates (which `json.loads`
lets through from `\\ud800` escapes)."""

_PROSE_ODD = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_NONCHARACTERS}]")
"""Anything `prose` changes besides trimming; most text has none, and is only trimmed."""
_BREAKS = re.compile("\r\n|\r|\x85|\u2028|\u2029")
_PROSE_DROP = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f{_NONCHARACTERS}]")
"""Control characters other than tab and line feed, once line breaks are `\\n`."""

_LINE_ODD = re.compile(f"[^\\S ]| {{2}}|[{LINE_FORBIDDEN_CHARS}{_NONCHARACTERS}]")
"""Anything `one_line` changes besides trimming and cutting."""
_SPACES = re.compile(r"\s+")
_LINE_DROP = re.compile(f"[{LINE_FORBIDDEN_CHARS}{_NONCHARACTERS}]")
"""What one-line fields may not hold once whitespace is folded: the rest of the control
characters, and bidirectional controls (which make text display differently from what it is)."""


def prose(text: str) -> str:
    """Markdown text as the loader accepts it: `\\n` line breaks, no control characters,
    no leading or trailing blank lines, no trailing spaces at the end."""
    if _PROSE_ODD.search(text) is not None:
        text = _PROSE_DROP.sub("", _BREAKS.sub("\n", text))
    return text.strip("\n").rstrip()


def one_line(text: str, limit: int = LINE_MAX) -> str:
    """One line of at most `limit` characters: whitespace and control characters fold into
    single spaces; longer text is cut at a word boundary and ends with `…`."""
    if _LINE_ODD.search(text) is not None:
        text = _SPACES.sub(" ", _LINE_DROP.sub("", _SPACES.sub(" ", text)))
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def first_paragraph_line(text: str) -> str:
    """The first non-empty line of some prose, without Markdown heading marks."""
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            return stripped
    return ""
