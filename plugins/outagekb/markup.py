"""Contributor Markdown read without converting it: the raw HTML the site will show as
text, and the images the text names, each at its place in the file.

`validate` must stay fast at thousands of files, so nothing here runs Markdown: one
precompiled pattern tells almost every text apart at once (no `<` before a letter, no
`![`), and only a text that passes it is read closer, with code spans and code blocks
blanked out, since HTML in code is meant to show as text. `prose` converts the same text
for the pages; the tests hold the two to the same answer.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from . import spec
from .problems import WARNING, Problem
from .yamlread import Mapping, Node, Scalar, Sequence, echo, position, read_text

QUICK = re.compile(r"<[!/A-Za-z]|!\[")
"""What a text must hold to need a closer look: the start of a tag, or of an image."""

_FENCE = re.compile(r"^(?P<fence>~{3,}|`{3,})[^\n]*\n.*?(?<=\n)(?P=fence)[ ]*$", re.MULTILINE | re.DOTALL)
"""A fenced code block, as the converter's `fenced_code` reads one (fences at the start of a line)."""
_BACKTICKS = re.compile(r"`+")
"""An inline code span: a run of backticks, text within one paragraph, the same run again."""
_BLOCKS = re.compile(r"\n[ \t]*\n")
_UNINDENTED = re.compile(r"\n(?! {4}|\t)")
"""The line break before a line that is not indented as code."""
_LIST_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d+[.)])[ \t]")

_TAG = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9]*)(?:[ \t/][^<>]*)?>")
"""An HTML comment's start, or a whole opening or closing tag (attributes within one tag)."""

_FORMATTING = {
    **dict.fromkeys(("b", "strong"), "for bold, write `**bold**`"),
    **dict.fromkeys(("i", "em"), "for italics, write `*italics*`"),
    "br": "for a line break, end the line with two spaces; for a new paragraph, leave a blank line",
    "p": "leave a blank line between paragraphs instead",
    "a": "for a link, write `[text](https://…)`",
    "img": "for an image, write `![what it shows](<id>/file.png)` (see the format reference)",
    **dict.fromkeys(
        ("details", "summary"),
        "the page has no collapsible sections: write the text out, and move long material (logs, command output) "
        "into the analysis (`analysis`, or the `<id>.md` file)",
    ),
    **dict.fromkeys(("code", "tt", "kbd", "samp"), "for code, put it between backticks"),
    "pre": "for a block of code, put a line of three backticks above it and below it",
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "for a heading, start the line with `#`"),
    **dict.fromkeys(("ul", "ol", "li"), "for a list, start each item's line with `- ` (or `1. `)"),
    **dict.fromkeys(
        ("table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption"), "for a table, write Markdown rows: `| a | b |`"
    ),
    "blockquote": "for a quotation, start its lines with `> `",
    "hr": "for a rule, write `---` on a line of its own, with a blank line above it",
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_PLAIN = _words(
    "u ins mark s strike del small big sub sup font center span div abbr cite q dfn dl dt dd figure "
    "figcaption nobr wbr bdi bdo ruby rt rp"
)
_EMBEDDED = _words("script style iframe frame frameset embed video audio picture svg math noscript canvas applet marquee")
_AMBIGUOUS = _words(
    "time data source address map area label title option select input output form button menu section "
    "header footer main nav article aside body head html link meta base template var col track object "
    "param"
)
"""Element names that are also words people put in angle brackets (`<time>`, `<address>`):
HTML only with an attribute (`<time datetime="…">`)."""

ADVICE: dict[str, str] = {
    **_FORMATTING,
    **dict.fromkeys(
        _PLAIN, "remove the tag and keep the text; Markdown here has `**bold**`, `*italics*` and code between backticks"
    ),
    **dict.fromkeys(_EMBEDDED + _AMBIGUOUS, "remove it: incident text never embeds or runs HTML"),
}
"""What to write instead of each HTML element the check knows, in the contributor's terms."""
COMMENT_ADVICE = "remove it; a note for other contributors can go in a YAML comment (`# …`) on a line of its own"


class Found(NamedTuple):
    """Something in a Markdown text, at a character offset of the text as written."""

    offset: int
    needle: re.Pattern[str]
    """What marks it in the file's own text, to find the same place there."""
    message: str


@dataclass(frozen=True)
class ImageUse:
    """An image a Markdown field names, where it is written, to be checked against the files."""

    src: str
    """The image's path or address as written (`2024-12-11-x/latency.png`), without `<>`."""
    alt: str
    where: str
    """The field (`summary`, `causes[0].detail`), or `""` in an analysis file."""
    line: int
    column: int


def blank_code(text: str) -> str:
    """The text with every character of code (fenced and indented blocks, spans) turned into
    a space, line breaks kept, so that offsets stay the same."""
    pieces = list(text)

    def blank(start: int, end: int) -> None:
        for index in range(start, end):
            if pieces[index] != "\n":
                pieces[index] = " "

    for found in _FENCE.finditer(text):
        blank(found.start(), found.end())
    # indented code: the lines indented four spaces (or a tab) that start a block, unless the
    # block continues a list item; the lines after them make a block of their own
    start, in_list = 0, False
    for block in [*_BLOCKS.finditer(text), None]:
        end = block.start() if block is not None else len(text)
        while start < end:
            head = text[start:end].lstrip("\n")
            start = end - len(head)
            if not head.startswith(("    ", "\t")):
                in_list = bool(_LIST_ITEM.match(head)) if head else in_list
                break
            code_end = _UNINDENTED.search(text, start, end)
            stop = code_end.start() + 1 if code_end is not None else end
            if not in_list:
                blank(start, stop)
            start = stop
        start = block.end() if block is not None else end
    partly = "".join(pieces)
    for start, end in code_spans(partly):
        blank(start, end)
    return "".join(pieces)


def code_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where the code spans are, as Python-Markdown reads them: a run of backticks (not
    escaped) opens one that the next run of the same length closes, within the paragraph.
    Without one, the longest later run that is shorter closes it, and the opening's extra
    backticks are text; with neither, the run is text and reading goes on after it."""
    runs = list(_BACKTICKS.finditer(text))
    # Markdown takes a reference definition's line out of its paragraph before it reads code
    # spans, so a span never runs across one
    definitions = [found.start() for found in _REFERENCE.finditer(text)] if "]:" in text else []
    index = 0
    while index < len(runs):
        opening = runs[index]
        index += 1
        start, ticks = opening.start(), opening.end() - opening.start()
        if _escaped(text, start):  # `\`` is a backtick as text; the rest of the run may open a span
            start, ticks = start + 1, ticks - 1
            if not ticks:
                continue
        longest, longest_at, closed = 0, 0, False
        paragraph_end = _BLANK_LINE.search(text, opening.end())
        limit = paragraph_end.start() if paragraph_end is not None else len(text)
        following = bisect.bisect_right(definitions, opening.end())
        if following < len(definitions):
            limit = min(limit, definitions[following])
        for later in range(index, len(runs)):
            closing = runs[later]
            if closing.start() > limit:
                break
            length = closing.end() - closing.start()
            if length == ticks:
                yield start, closing.end()
                index, closed = later + 1, True
                break
            if length > longest:
                longest, longest_at = length, later
        if not closed and 0 < longest < ticks:
            yield start + ticks - longest, runs[longest_at].end()
            index = longest_at + 1


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def raw_html(text: str, blanked: str | None = None) -> list[Found]:
    """Every HTML tag and comment the converter will show as text, with what to write instead.

    Autolinks (`<https://…>`), comparisons (`a <b`), placeholders (`<id>`, `<time>`) and
    anything in code are not HTML; a closing tag whose opening tag was reported is not
    reported again."""
    blanked = blank_code(text) if blanked is None else blanked
    found: list[Found] = []
    opened: set[str] = set()
    for match in _TAG.finditer(blanked):
        start = match.start()
        if _escaped(blanked, start) or _DESTINATION_BEFORE.search(blanked, 0, start):
            continue
        if match.group(2) is None:
            found.append(Found(start, _COMMENT_NEEDLE, f"an HTML comment (`<!--`) is shown as text; {COMMENT_ADVICE}"))
            continue
        written = match.group(2)
        name = written.lower()
        if written != name and not (written.isupper() and (len(written) > 1 or written in "BI")):
            continue  # `List<Object>`, `Map<K>`: words in angle brackets, not HTML
        advice = ADVICE.get(name)
        tag = match.group()
        if advice is None or (name in _AMBIGUOUS and not re.search(r"\s\w+=", tag)):
            continue
        closing = bool(match.group(1))
        if (closing and name in opened) or (name == "summary" and "details" in opened):
            continue
        opened.add(name)
        shown = echo(tag if len(tag) <= 40 else tag[:39] + "…")
        found.append(
            Found(start, _needle(("</" if closing else "<") + written), f"`{shown}` is shown as text, not as HTML; {advice}")
        )
    return found


_DESTINATION_BEFORE = re.compile(r"(?:\]\(\s*|^ {0,3}\[[^\[\]\n]+\]:[ \t]*\n?[ \t]*)\Z", re.MULTILINE)
"""What comes before the `<` of a link's or image's `<address>`, which is no tag."""


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` follows an odd number of backslashes."""
    before = index
    while before and text[before - 1] == "\\":
        before -= 1
    return (index - before) % 2 == 1


_COMMENT_NEEDLE = re.compile(re.escape("<!--"))
_IMAGE_NEEDLE = re.compile(re.escape("!["))


def _needle(start: str) -> re.Pattern[str]:
    return re.compile(re.escape(start) + r"(?![A-Za-z0-9])")


# images -------------------------------------------------------------------------------------

_REFERENCE = re.compile(
    r"^(?:[ \t]*(?:[-*+]|\d+[.)]|>)[ \t]+)*[ \t]{0,3}\[([^\[\]]+)\]:[ \t]*\n?[ \t]*(<[^<>\n]*>|\S+)", re.MULTILINE
)
"""A reference definition, `[label]: path`, which `![alt][label]` uses; also one that starts
a list item or a quoted line, where Markdown reads definitions too."""


class ImageSyntax(NamedTuple):
    offset: int
    alt: str
    src: str


def images(text: str, blanked: str | None = None) -> list[ImageSyntax]:
    """Every Markdown image outside code: `![alt](src "title")`, `![alt][label]`, `![alt][]`
    and `![label]` with a `[label]: src` definition in the same text."""
    if "![" not in text:
        return []
    blanked = blank_code(text) if blanked is None else blanked
    definitions = list(_REFERENCE.finditer(blanked))
    references = {_label(m.group(1)): m.group(2).strip("<>") for m in definitions}
    # a definition's title may stand on the next line, `(…)` or quoted: Markdown takes that
    # line as part of the definition, so an image written in it is not shown
    titles = [title.span() for m in definitions if (title := _TITLE_LINE.match(blanked, m.end())) is not None]
    found: list[ImageSyntax] = []
    at = blanked.find("![")
    while at >= 0:
        image = None if any(start <= at < end for start, end in titles) else _image_at(blanked, at, references)
        if image is not None:
            found.append(image)
        at = blanked.find("![", at + 2)
    return found


_TITLE_LINE = re.compile(r"[ \t]*\n[ \t]*(?:\(.*\)|\".*\"|'.*')[ \t]*$", re.MULTILINE)
"""The title of a reference definition on the line after it."""


_REFERENCE_USE = re.compile(r"\s?\[([^\]]*)\]")
"""The `[label]` of `![alt][label]`, which may follow after one space or line break."""
_FOLLOWING_LABEL = re.compile(r" ?\[([^\]\n]*)\]")
"""A second `[label]` on the same line (on the next, it may be a definition, which Markdown
has taken out of the text before it reads links)."""
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!])")
"""A backslash escape in a destination, which Markdown reads as the character alone."""


def _label(text: str) -> str:
    return " ".join(text.split()).lower()


def _image_at(text: str, at: int, references: dict[str, str]) -> ImageSyntax | None:
    if _escaped(text, at):
        return None
    end = _closing_bracket(text, at + 2)
    if end is None:
        return None
    alt = re.sub(r"\\(.)", r"\1", text[at + 2 : end]).replace("`", "")
    after = end + 1
    if text.startswith("(", after):
        src = _inline_destination(text, after + 1)
        return ImageSyntax(at, alt, _ESCAPE.sub(r"\1", src)) if src is not None else None
    label = alt
    reference = _REFERENCE_USE.match(text, after)
    if reference is not None:
        label = reference.group(1) or alt
        # Markdown reads reference links before reference images: in `![c][r][x]`, `[r][x]`
        # is a link when `x` (or, for `[r][]`, `r`) is defined, and `![c]` stays text
        following = _FOLLOWING_LABEL.match(text, reference.end())
        if following is not None and _label(following.group(1) or reference.group(1)) in references:
            return None
    src = references.get(_label(label))
    return ImageSyntax(at, alt, src) if src is not None else None


def _closing_bracket(text: str, start: int) -> int | None:
    """The `]` that closes an image's `![`, brackets inside it balanced."""
    depth = 1
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        elif char == "\n" and text.startswith("\n", index + 1):
            return None
        index += 1
    return None


_TITLE_END = {'"': '"', "'": "'", "(": ")"}


def _inline_destination(text: str, start: int) -> str | None:
    """The destination of `(src "title")` from just after `(`, or None when Markdown would
    not read an image there."""
    size = len(text)
    index = start
    while index < size and text[index] in " \t\n":
        index += 1
    if text.startswith("<", index):
        close = text.find(">", index)
        if close < 0 or "\n" in text[index:close]:
            return None
        src, index = text[index + 1 : close], close + 1
    else:
        depth, begin = 0, index
        while index < size:
            char = text[index]
            if char == "\\":
                index += 2
                continue
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            elif char in " \t\n":
                break
            index += 1
        src = text[begin:index]
    while index < size and text[index] in " \t\n":
        index += 1
    if index < size and text[index] in _TITLE_END:
        close = text.find(_TITLE_END[text[index]], index + 1)
        if close < 0:
            return None
        index = close + 1
        while index < size and text[index] in " \t\n":
            index += 1
    return src if text.startswith(")", index) else None


# one file's Markdown fields ------------------------------------------------------------------


def _prose_fields(record: spec.Record) -> dict[str, spec.Field]:
    """The fields of a record that hold Markdown, directly or below them."""

    def holds(f: spec.Field) -> bool:
        if f.kind == spec.MARKDOWN:
            return True
        if f.kind == spec.LIST and f.item is not None:
            return holds(f.item)
        return f.kind == spec.RECORD and f.record is not None and bool(_prose_fields(f.record))

    return {f.name: f for f in record.fields if holds(f)}


_FIELDS: dict[str, dict[str, spec.Field]] = {}


def _fields_of(record: spec.Record) -> dict[str, spec.Field]:
    fields = _FIELDS.get(record.name)
    if fields is None:
        fields = _FIELDS[record.name] = _prose_fields(record)
    return fields


class Steps(NamedTuple):
    """A field path, made into text (`causes[0].detail`) only for a message."""

    parent: Steps | None
    step: str | int

    def __str__(self) -> str:
        head = str(self.parent) if self.parent is not None else ""
        if isinstance(self.step, int):
            return f"{head}[{self.step}]"
        return f"{head}.{self.step}" if head else self.step


def _needs_look(text: str) -> bool:
    return ("<" in text or "![" in text) and QUICK.search(text) is not None


def _collect(node: Node, f: spec.Field, steps: Steps, found: list[tuple[Steps, Scalar]]) -> None:
    """The Markdown scalars below `node` that need a closer look (see `QUICK`), into `found`.

    Runs on every field of every file that can hold Markdown, so the common shapes (a list
    of texts, a list of entries with Markdown fields) are walked in place, without a call
    per value and without a field path until one is needed."""
    kind = f.kind
    if kind == spec.MARKDOWN:
        if type(node) is Scalar and _needs_look(node.text):
            found.append((steps, node))
    elif kind == spec.LIST:
        item = f.item
        if type(node) is not Sequence or item is None:
            return
        if item.kind == spec.MARKDOWN:
            for index, child in enumerate(node.items):
                if type(child) is Scalar and _needs_look(child.text):
                    found.append((Steps(steps, index), child))
                elif type(child) is Mapping and item.longhand is not None:  # `- text: ...` with `internal: true`
                    _collect(child, spec.Field(item.name, spec.RECORD, "", record=item.longhand), Steps(steps, index), found)
            return
        record = item.record
        if item.kind != spec.RECORD or record is None:
            return
        fields = _fields_of(record)
        for index, child in enumerate(node.items):
            if type(child) is not Mapping:
                continue
            for key, value in child.entries:
                sub = fields.get(key.text)
                if sub is None:
                    continue
                if sub.kind == spec.MARKDOWN:
                    if type(value) is Scalar and _needs_look(value.text):
                        found.append((Steps(Steps(steps, index), key.text), value))
                else:
                    _collect(value, sub, Steps(Steps(steps, index), key.text), found)
    elif kind == spec.RECORD and f.record is not None and type(node) is Mapping:
        fields = _fields_of(f.record)
        for key, value in node.entries:
            sub = fields.get(key.text)
            if sub is not None:
                _collect(value, sub, Steps(steps, key.text), found)


class _FileText:
    """The file's own text, read again only when a finding needs its place in the file."""

    def __init__(self, path: str, root: Node) -> None:
        self.path = path
        self.root = root
        self._text: str | None = None
        self._line_starts: list[int] = []
        self._node_starts: list[tuple[int, int]] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = read_text(self.path)[0] or ""
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        return self._text

    def index(self, line: int, column: int) -> int:
        text = self.text
        starts = self._line_starts
        if not 1 <= line <= len(starts):
            return len(text)
        return min(starts[line - 1] + column - 1, len(text))

    def next_node(self, node: Node) -> int:
        """Where the node after `node` in the file begins: a value's text ends before it."""
        if self._node_starts is None:
            starts: list[tuple[int, int]] = []
            stack = [self.root]
            while stack:
                current = stack.pop()
                starts.append((current.line, current.column))
                if isinstance(current, Mapping):
                    for key, value in current.entries:
                        starts.append((key.line, key.column))
                        stack.append(value)
                elif isinstance(current, Sequence):
                    stack.extend(current.items)
            self._node_starts = sorted(set(starts))
        later = bisect.bisect_right(self._node_starts, (node.line, node.column))
        if later >= len(self._node_starts):
            return len(self.text)
        return self.index(*self._node_starts[later])

    def place(self, node: Scalar, offset: int, needle: re.Pattern[str]) -> tuple[int, int]:
        """The line and column in the file of the character at `offset` in the node's text:
        the same occurrence of `needle` in the file, between the node's start and the next
        node (for a block scalar, from the line below its `|` or `>`); the node's own place
        when it cannot be told (an escape sequence wrote the character)."""
        text = self.text
        start = self.index(node.line, node.column)
        if text[start : start + 1] in ("|", ">"):
            start = text.find("\n", start) + 1 or len(text)
        elif text[start : start + 1] in ("'", '"'):
            start += 1
        count = sum(1 for _ in needle.finditer(node.text, 0, offset))
        bound = self.next_node(node)
        for number, match in enumerate(needle.finditer(text, start, bound)):
            if number == count:
                return position(text, match.start())
        return node.line, node.column


def check_fields(root: Mapping, path: str, record: spec.Record = spec.INCIDENT) -> tuple[list[Problem], list[ImageUse]]:
    """Warnings for raw HTML in one file's Markdown fields, and the images they name, each at
    its line and column in the file."""
    fields = _fields_of(record)
    candidates: list[tuple[Steps, Scalar]] = []
    for key, value in root.entries:
        f = fields.get(key.text)
        if f is not None:
            _collect(value, f, Steps(None, key.text), candidates)
    if not candidates:
        return [], []
    source = _FileText(path, root)
    problems: list[Problem] = []
    uses: list[ImageUse] = []
    for steps, node in candidates:
        where = str(steps)
        blanked = blank_code(node.text)
        for found in raw_html(node.text, blanked):
            line, column = source.place(node, found.offset, found.needle)
            problems.append(Problem(path, line, column, f"{where}: {found.message}", WARNING))
        for image in images(node.text, blanked):
            line, column = source.place(node, image.offset, _IMAGE_NEEDLE)
            uses.append(ImageUse(image.src, image.alt, where, line, column))
    return problems, uses


def check_analysis(path: str, text: str) -> tuple[list[Problem], list[ImageUse]]:
    """The same for an `<id>.md` analysis; `text` is the file's text with its surrounding
    blank space removed, as the loader keeps it."""
    if not QUICK.search(text):
        return [], []
    raw = read_text(path)[0] or text
    lead = len(raw) - len(raw.lstrip())
    blanked = blank_code(text)
    problems = [Problem(path, *position(raw, lead + found.offset), found.message, WARNING) for found in raw_html(text, blanked)]
    uses = [ImageUse(image.src, image.alt, "", *position(raw, lead + image.offset)) for image in images(text, blanked)]
    return problems, uses


def catalog_problems(root: Mapping, path: str) -> list[Problem]:
    """Raw HTML in the catalog's Markdown, and a warning for each image: cause and lesson
    pages show an image's alt text, since images belong to incidents."""
    problems, uses = check_fields(root, path, spec.CATALOG)
    problems += [
        Problem(
            path,
            use.line,
            use.column,
            f"{use.where}: images are shown on incident pages only; here the page shows the image's alt text"
            f"{f' ({echo(use.alt)})' if use.alt.strip() else ''}",
            WARNING,
        )
        for use in uses
    ]
    return problems
