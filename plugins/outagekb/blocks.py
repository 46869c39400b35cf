"""Lifting a generated page's HTML blocks out of MkDocs' Markdown pass, and putting them back.

A generated page is Markdown headings around single-line HTML blocks. The plugin sends
only a skeleton (front matter, headings, one marker word per block) through the site's
Markdown and puts the blocks back into the HTML it returns: Python-Markdown would
otherwise parse every tag of every block once more, only to pass it through.
"""

from __future__ import annotations

import re
import secrets


def new_marker() -> str:
    """A word no page contains by chance, chosen once per build process."""
    return "okbblock" + secrets.token_hex(6) + "x"


def lift_html_blocks(text: str, marker: str) -> tuple[str, list[str]]:
    """The page with each HTML block replaced by a one-word paragraph (`<marker>0`, ...),
    and the blocks in order."""
    head, separator, body = text.partition("\n---\n") if text.startswith("---\n") else ("", "", text)
    blocks: list[str] = []
    out: list[str] = []
    for group in re.split(r"\n[ \t]*\n", body):
        block = group.strip("\n")  # the first one follows the front matter's blank line
        if block.startswith("<"):
            out.append(f"{marker}{len(blocks)}")
            blocks.append(block)
        else:
            out.append(group)
    return head + separator + "\n\n".join(out), blocks


def restore_html_blocks(html: str, marker: str, blocks: list[str]) -> str:
    """Put the blocks back where Markdown left their marker paragraphs."""
    return re.sub(rf"<p>{re.escape(marker)}(\d+)</p>", lambda m: blocks[int(m.group(1))], html)
