"""outagekb's page templates and static files, with a team's overrides found first.

A knowledge base can replace any template or static file of `templates/` by a file of the
same name in an `outagekb/` folder of its theme's folders (`<theme.custom_dir>/outagekb/`),
the way Material's tags plugin lets `custom_dir` override its fragments; everything else
comes from the package. An override may also extend the package's template of its name
(`package/<name>`) and replace only some of its blocks. The environment escapes every value (`{{ value }}` is HTML-escaped
and its braces made inert), so an override cannot forget to.

Templates write their words through `t("key", ...)`, the build's `messages.Messages` (the
site's language, with a team's `outagekb/messages/` files first); the filters that write
durations and times use the same language.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, cast

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

from . import figures, prose
from .messages import Messages, english

PACKAGE_TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")
OVERRIDES = "outagekb"
"""The folder, inside each of the theme's folders, whose files replace the package's."""
PACKAGE_PREFIX = "package"
"""`package/<name>` is always the package's template, so that an override can extend it."""


def override_dirs(theme_dirs: Sequence[str]) -> tuple[str, ...]:
    """The `outagekb/` folders of the theme's folders (custom_dir first) that exist."""
    found = (os.path.join(folder, OVERRIDES) for folder in theme_dirs)
    return tuple(folder for folder in found if os.path.isdir(folder))


class Templates:
    """The templates of one build: the overrides in `override_dirs`, then the package's, with
    the labels of the build's language (`messages`; English by default)."""

    def __init__(self, override_dirs: Sequence[str] = (), messages: Messages | None = None) -> None:
        self.override_dirs = tuple(override_dirs)
        self.messages = messages or english()
        self.env = _environment(self.override_dirs, self.messages)

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def text(self, name: str) -> str:
        """A static file kept beside the templates (the stylesheet, the script), as text."""
        assert self.env.loader is not None
        source, _, _ = self.env.loader.get_source(self.env, name)
        return source

    def signature(self) -> tuple[tuple[str, int, int], ...]:
        """Each override file with its modification time and size: pages that `mkdocs serve`
        keeps are made again when an override changes."""
        found = []
        for folder in self.override_dirs:
            for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
                info = entry.stat()
                found.append((entry.path, info.st_mtime_ns, info.st_size))
        # the labels: another language, or an edited message file, remakes every page
        return (*found, (self.messages.language, 0, 0), *self.messages.signature)

    def overridden(self) -> list[str]:
        """The names of the package's files that this build takes from an override folder."""
        names = set(os.listdir(PACKAGE_TEMPLATES))
        return sorted({name for folder in self.override_dirs for name in os.listdir(folder) if name in names})


def join_text(items: Any, separator: Any) -> Markup:
    """Contributor strings joined by a label: each escaped with braces made inert, as
    `_finalize` does. Jinja's own `join` with a label (`Markup`) as separator escapes the
    items without making braces inert."""
    escaped = [item if isinstance(item, Markup) else Markup(prose.escape(str(item))) for item in items]
    return Markup(str(separator) if isinstance(separator, Markup) else prose.escape(str(separator))).join(escaped)


def _finalize(value: Any) -> Any:
    """Every `{{ value }}` in a template: escaped, and braces made inert."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return Markup(prose.escape(str(value)))


class _FixedLabels(Extension):
    """`{{ t("facts.started") }}` compiled as the label's text itself: a label without values
    is the same on every page of a build (the environment is one language's), so it costs a
    page nothing. Any other use of `t` is called as it is written."""

    _SHAPE = ("variable_begin", "name", "lparen", "string", "rparen", "variable_end")

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        label = cast(Callable[[str], Markup], self.environment.globals["t"])
        pending: list[Token] = []  # the tokens of a `{{ ... }}` that may still be `{{ t("key") }}`
        for token in stream:
            if not pending and token.type != "variable_begin":
                yield token
                continue
            pending.append(token)
            types = tuple(each.type for each in pending)
            if types != self._SHAPE[: len(types)] or (len(types) == 2 and token.value != "t"):
                yield from pending
                pending = []
            elif len(types) == len(self._SHAPE):
                yield Token(pending[0].lineno, "data", str(label(pending[3].value)))
                pending = []
        yield from pending


@lru_cache(maxsize=8)
def _environment(override_dirs: tuple[str, ...], words: Messages) -> jinja2.Environment:
    """One environment per set of override folders, language and process, so that templates
    compile once, not on every rebuild of `mkdocs serve` (Jinja checks an override's
    modification time, so an edited override is compiled again)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader([*override_dirs, PACKAGE_TEMPLATES]),
                # the package's own, for an override that extends it: {% extends "package/incident.md.j2" %}
                jinja2.PrefixLoader({PACKAGE_PREFIX: jinja2.FileSystemLoader(PACKAGE_TEMPLATES)}),
            ]
        ),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = lambda text: Markup(prose.to_html(text or ""))
    env.filters["md_inline"] = lambda text: Markup(prose.to_inline_html(text or ""))
    durations = words.durations
    env.globals["t"] = words.html
    env.add_extension(_FixedLabels)
    env.filters["join_text"] = join_text
    env.filters["duration"] = lambda figure: figures.format_figure(figure, durations)
    env.filters["since_start"] = lambda figure: since_start(figure, words)
    env.filters["when"] = lambda value, approximate=False: format_when(value, approximate, durations.unknown)
    env.filters["at"] = format_at
    env.filters["day"] = format_day
    return env


def since_start(figure: figures.Figure, words: Messages | None = None) -> str:
    """`12 min after start`, or `3 min before start` when alerts beat the users."""
    words = words or english()
    if not figure.known or figure.seconds is None:
        return words.durations.unknown
    flipped = figures.format_figure(figures.Figure(abs(figure.seconds), figure.approximate), words.durations)
    return words.text("duration.before_start" if figure.seconds < 0 else "duration.after_start", duration=flipped)


def format_offset(value: datetime) -> str:
    offset = value.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def format_when(value: datetime | None, approximate: bool = False, unknown: str = "unknown") -> Markup:
    """A timestamp in the incident's own offset, machine-readable in `<time>`."""
    if value is None:
        return Markup(prose.escape(unknown))
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), format_at(value, approximate))


def format_at(value: datetime, approximate: bool = False) -> str:
    """A timestamp as text, for table rows where a `<time>` element per row adds only weight."""
    return f"{'~' if approximate else ''}{value:%Y-%m-%d %H:%M} {format_offset(value)}"


def format_day(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""
