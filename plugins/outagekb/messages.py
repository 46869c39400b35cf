"""The words outagekb writes into a site, in the site's language.

Every label of the generated pages, charts, the incident strip, feeds and the browse page
comes from one table of messages per language, `messages/<language>.yaml`, chosen by
`theme.language` (the setting that also chooses Material's own labels). A label a
language lacks is shown in English, label by label, so that a partial translation still
builds. A team changes a label or adds a language with a file of the same name in the
`outagekb/messages/` folder of its theme's folders (`<custom_dir>/outagekb/messages/de.yaml`):
its labels replace the package's, the others stay.

A message is text with `{name}` placeholders, or, when it depends on a number, its forms
by that number (`one`, `other`, ... as the language's plural rule names them, Unicode
CLDR's categories), chosen by the value `count`. In page HTML, text in `backticks` is code.
Problems in a team's file (not YAML, a label that does not exist, a placeholder the label
does not have) are reported at their line; problem messages themselves stay English.
"""

from __future__ import annotations

import difflib
import os
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from markupsafe import Markup

from . import yamlread
from .figures import DurationWords
from .problems import WARNING, Problem

PACKAGE_MESSAGES = os.path.join(os.path.dirname(__file__), "messages")
FOLDER = "messages"
"""The folder of a team's message files inside each `outagekb/` override folder."""
DEFAULT_LANGUAGE = "en"
MESSAGES_FILE = "a messages file"

PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
"""The names of a message's forms by number (CLDR's plural categories)."""

Message = str | Mapping[str, str]
"""One text, or its forms by number."""


# plural rules -----------------------------------------------------------------------


def _one_other(n: int) -> str:
    return "one" if n == 1 else "other"


def _zero_one_other(n: int) -> str:
    return "one" if n in (0, 1) else "other"


def _other(n: int) -> str:
    return "other"


def _east_slavic(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def _polish(n: int) -> str:
    if n == 1:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def _czech(n: int) -> str:
    return "one" if n == 1 else "few" if 2 <= n <= 4 else "other"


PLURAL_RULES: dict[str, Callable[[int], str]] = {
    **dict.fromkeys(("fr", "pt", "pt-br", "hi", "fa", "hy"), _zero_one_other),
    **dict.fromkeys(("ja", "zh", "zh-hant", "zh-tw", "ko", "vi", "th", "id", "ms", "my", "lo", "km"), _other),
    **dict.fromkeys(("ru", "uk", "be"), _east_slavic),
    "pl": _polish,
    **dict.fromkeys(("cs", "sk"), _czech),
    "pt-pt": _one_other,
}
"""Which form of a message a whole number takes, by language (regional code first, then the
base language), after CLDR; every other language has `one` for 1 and `other` for the rest."""


def plural_rule(language: str) -> Callable[[int], str]:
    code = normalise(language)
    return PLURAL_RULES.get(code) or PLURAL_RULES.get(code.split("-")[0]) or _one_other


@cache
def plural_forms(language: str) -> tuple[str, ...]:
    """The forms a message by number needs in this language, in CLDR's order: `one`, `other` in English."""
    rule = plural_rule(language)
    found = {rule(n) for n in range(1000)}
    return tuple(form for form in PLURAL_FORMS if form in found)


# language codes ---------------------------------------------------------------------


def normalise(code: str) -> str:
    """`de_CH`, `de-ch` and `DE-CH` are one language: `de-ch`."""
    return code.strip().replace("_", "-").lower()


def candidates(code: str | None) -> list[str]:
    """The languages whose labels a site in `code` shows, most specific first: `de-ch`, `de`."""
    language = normalise(code or DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE
    found = [language]
    while "-" in language:
        language = language.rsplit("-", 1)[0]
        found.append(language)
    return found


def theme_language(theme: Mapping[str, Any] | Any) -> str:
    """The language of a theme's configuration (`theme.language`, as Material reads it; another
    theme's `locale`), `en` when it names none."""
    for name in ("language", "locale"):
        value = theme.get(name) if hasattr(theme, "get") else None
        if value:
            return str(value)
    return DEFAULT_LANGUAGE


# reading files ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One message as a file writes it, and where."""

    message: Message
    line: int
    column: int


def _files_in(folder: str) -> dict[str, str]:
    """The message files of a folder by their language: `{"de": ".../de.yaml"}`."""
    try:
        names = os.listdir(folder)
    except OSError:
        return {}
    found: dict[str, str] = {}
    for name in sorted(names):
        stem, extension = os.path.splitext(name)
        if extension in (".yaml", ".yml") and os.path.isfile(os.path.join(folder, name)):
            found.setdefault(normalise(stem), os.path.join(folder, name))
    return found


def _stamp(path: str) -> tuple[str, int, int]:
    info = os.stat(path)
    return (path, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=64)
def _read(path: str, mtime_ns: int, size: int) -> tuple[dict[str, Entry], tuple[Problem, ...]]:
    """A message file's messages by key (nested mappings joined with dots), read once per
    version of the file."""
    root, problems = yamlread.read_file(path, MESSAGES_FILE)
    found: dict[str, Entry] = {}
    if root is not None:
        _flatten(path, root, "", found, problems)
    return found, tuple(problems)


def _flatten(path: str, node: yamlread.Mapping, prefix: str, found: dict[str, Entry], problems: list[Problem]) -> None:
    for key, value in node.entries:
        name = prefix + key.text
        if isinstance(value, yamlread.Scalar):
            if value.is_null:
                problems.append(
                    Problem(path, value.line, value.column, f"`{name}` has no text; write the label, or remove the line")
                )
            else:
                found[name] = Entry(value.text, value.line, value.column)
        elif isinstance(value, yamlread.Mapping) and _is_plural(value):
            forms: dict[str, str] = {}
            for form, text in value.entries:
                if not isinstance(text, yamlread.Scalar) or text.is_null:
                    problems.append(Problem(path, text.line, text.column, f"`{name}.{form.text}` must be text"))
                else:
                    forms[form.text] = text.text
            found[name] = Entry(forms, value.line, value.column)
        elif isinstance(value, yamlread.Mapping):
            _flatten(path, value, name + ".", found, problems)
        else:
            problems.append(
                Problem(
                    path,
                    value.line,
                    value.column,
                    f"`{name}` must be text or a mapping of labels, not {yamlread.kind_name(value)}",
                )
            )


def _is_plural(node: yamlread.Mapping) -> bool:
    """A mapping of forms (`one`, `other`, ...; `other` always) is a message by number, not a group of labels."""
    return node.get("other") is not None and all(key.text in PLURAL_FORMS for key, _ in node.entries)


def placeholders(message: Message) -> set[str]:
    """The `{name}`s a message uses, in any of its forms."""
    texts = [message] if isinstance(message, str) else list(message.values())
    found: set[str] = set()
    for text in texts:
        found |= {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return found


def check(path: str, entries: Mapping[str, Entry], english: Mapping[str, Message], language: str) -> list[Problem]:
    """What is wrong in one file's messages, compared with the English table they translate:
    a label outagekb does not have (a warning: it is left unused), and, as errors, a message
    that is one text where English has forms by number or the other way round, forms the
    language does not use or misses, and placeholders that are not the English label's."""
    problems: list[Problem] = []
    forms = plural_forms(language)
    for key, entry in entries.items():
        where = (path, entry.line, entry.column)
        reference = english.get(key)
        if reference is None:
            near = difflib.get_close_matches(key, list(english), n=1)
            hint = f"; did you mean `{near[0]}`?" if near else "; see the English file for every label"
            problems.append(Problem(*where, f"`{key}` is not a label outagekb shows, so it is not used{hint}", WARNING))
            continue
        message = entry.message
        if isinstance(reference, str) != isinstance(message, str):
            shape = "one text" if isinstance(reference, str) else f"forms by number ({_listed(forms)})"
            problems.append(Problem(*where, f"`{key}` is {shape} in outagekb's labels; write it the same way"))
            continue
        if not isinstance(message, str):
            wrong = [form for form in message if form not in forms]
            missing = [form for form in forms if form not in message]
            if wrong or missing:
                problems.append(
                    Problem(*where, f"`{key}` needs the forms {_listed(forms)} in `{language}`, not {_listed(list(message))}")
                )
                continue
        try:
            used = placeholders(message)
        except ValueError as error:
            problems.append(Problem(*where, f"`{key}`: {error}; write a brace as part of a placeholder such as `{{count}}`"))
            continue
        allowed = placeholders(reference)
        unknown = sorted(used - allowed)
        if unknown:
            offer = f"it can show {_listed([f'{{{name}}}' for name in sorted(allowed)])}" if allowed else "it has none"
            problems.append(Problem(*where, f"`{key}` has no placeholder {_listed([f'{{{n}}}' for n in unknown])}; {offer}"))
    return problems


def _listed(names: Sequence[str]) -> str:
    quoted = [f"`{name}`" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


# the table of one build -----------------------------------------------------------------

_CODE = re.compile(r"`([^`\n]+)`")


def _html_text(text: str) -> str:
    """A message's own text for HTML, its `code` marked. Apostrophes stay as they are: every
    attribute of ours is in double quotes."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return _CODE.sub(r"<code>\1</code>", escaped) if "`" in escaped else escaped


@cache
def _value_escape() -> Callable[[str], str]:
    """How a value is escaped in page HTML: `prose.escape`, imported on first use, so that
    `validate`, which writes no page, does not load Markdown."""
    from .prose import escape

    return escape


class Messages:
    """The labels of one build, in one language, English where it lacks one.

    `text(key, **values)` gives plain text (for SVG, feeds, front matter, which escape it
    themselves); `html(key, **values)` gives escaped HTML, the values escaped unless they are
    `Markup` (a link made by the template). A message by number takes its form from `count`."""

    def __init__(
        self,
        language: str,
        table: Mapping[str, Message],
        *,
        problems: Sequence[Problem] = (),
        notes: Sequence[str] = (),
        signature: tuple[tuple[str, int, int], ...] = (),
    ) -> None:
        self.language = language
        """The language the labels are in (`de`; `en` when no other was found)."""
        self.table = dict(table)
        self.problems = list(problems)
        """Problems in a team's message files."""
        self.notes = list(notes)
        """What a build should say once: a language without labels, labels missing."""
        self.signature = signature
        """Each file read, with its modification time and size: another version is another table."""
        self._rule = plural_rule(language)
        self._html: dict[str, Markup] = {}
        self._escaped: dict[str, str] = {}
        self._groups: dict[str, dict[str, str]] = {}
        self.durations = DurationWords(
            seconds=self.text_of("duration.seconds"),
            minutes=self.text_of("duration.minutes"),
            hours=self.text_of("duration.hours"),
            hours_minutes=self.text_of("duration.hours_minutes"),
            days=self.text_of("duration.days"),
            days_hours=self.text_of("duration.days_hours"),
            unknown=self.text_of("duration.unknown"),
        )
        """How durations are written (see `figures.format_duration`)."""
        self.separator = self.text("list.separator")
        """Between the items of a list written in a line: `, `."""

    @classmethod
    def for_language(cls, code: str | None, override_dirs: Sequence[str] = ()) -> Messages:
        """The labels of a site in `code` (`de`, `de-CH`, `pt_BR`), with the overrides of a
        team's `outagekb/messages/` folders in `override_dirs` (custom_dir first)."""
        return load(code, override_dirs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Messages) and (self.language, self.signature) == (other.language, other.signature)

    def __hash__(self) -> int:
        return hash((self.language, self.signature))

    def __repr__(self) -> str:
        return f"Messages({self.language!r}, {len(self.table)} labels)"

    def text_of(self, key: str) -> str:
        """A one-text message as it is written, placeholders unfilled."""
        message = self.table[key]
        assert isinstance(message, str), f"{key} has forms by number"
        return message

    def plural(self, count: int) -> str:
        """The form a message takes for this number in this language (`one`, `other`, ...)."""
        return self._rule(count)

    def _pick(self, key: str, values: Mapping[str, object]) -> str:
        message = self.table[key]
        if isinstance(message, str):
            return message
        count = values["count"]
        assert isinstance(count, int), f"{key} needs a whole number as count"
        return message.get(self._rule(count)) or message["other"]

    def text(self, key: str, /, **values: object) -> str:
        """The message as plain text, its placeholders filled in (its `backticks` dropped)."""
        message = self._pick(key, values)
        if values:
            message = message.format(**values)
        return message.replace("`", "") if "`" in message else message

    def html(self, key: str, /, **values: object) -> Markup:
        """The message as HTML: its text escaped, `backticks` as code, each value escaped
        unless it is `Markup`. Templates call this as `t`."""
        if not values:
            made = self._html.get(key)
            if made is None:
                made = self._html[key] = Markup(self._html_form(self.text_of(key)))
            return made
        escape = _value_escape()
        filled = {name: value if isinstance(value, Markup) else escape(str(value)) for name, value in values.items()}
        return Markup(self._html_form(self._pick(key, values)).format(**filled))

    def _html_form(self, message: str) -> str:
        """A message's text as HTML, made once per build and text (pages repeat the same few)."""
        made = self._escaped.get(message)
        if made is None:
            made = self._escaped[message] = _html_text(message)
        return made

    def words(self, prefix: str) -> dict[str, str]:
        """The one-text messages under `prefix.` by their last part: `words("role")` is
        `{"trigger": ...}`; found once per build."""
        found = self._groups.get(prefix)
        if found is None:
            start = prefix + "."
            found = self._groups[prefix] = {
                key[len(start) :]: value for key, value in self.table.items() if key.startswith(start) and isinstance(value, str)
            }
        return found

    def forms(self, key: str) -> Message:
        """A message as it is written (one text or its forms), for the browser's script."""
        return self.table[key]


def load(code: str | None, override_dirs: Sequence[str] = ()) -> Messages:
    """The labels of a site in `code`, with the overrides of `override_dirs` (see `Messages.for_language`)."""
    folders = [os.path.join(folder, FOLDER) for folder in override_dirs]
    team = [_files_in(folder) for folder in folders]
    package = _files_in(PACKAGE_MESSAGES)
    wanted = candidates(code)
    requested = wanted[0]
    language = next((lang for lang in wanted if lang in package or any(lang in files for files in team)), DEFAULT_LANGUAGE)
    chain = wanted[wanted.index(language) :] if language in wanted else []
    if DEFAULT_LANGUAGE not in chain:
        chain.append(DEFAULT_LANGUAGE)
    english_path = package[DEFAULT_LANGUAGE]
    english_entries, english_problems = _read(*_stamp(english_path))
    english = {key: entry.message for key, entry in english_entries.items()}
    problems: list[Problem] = list(english_problems)
    signature: list[tuple[str, int, int]] = []
    table: dict[str, Message] = {}
    translated: set[str] = set()
    # most specific first: a team's file before the package's, a regional language before its base
    for lang in chain:
        for path in [files[lang] for files in team if lang in files] + ([package[lang]] if lang in package else []):
            stamp = _stamp(path)
            signature.append(stamp)
            entries, read_problems = _read(*stamp)
            found = check(path, entries, english, lang) if path != english_path else []
            problems += [*read_problems, *found]
            bad = {(p.line, p.column) for p in found if p.is_error}
            for key, entry in entries.items():
                if key in english and (entry.line, entry.column) not in bad and key not in table:
                    table[key] = entry.message
                    if lang != DEFAULT_LANGUAGE:
                        translated.add(key)
    notes: list[str] = []
    if requested != DEFAULT_LANGUAGE and language == DEFAULT_LANGUAGE and requested.split("-")[0] != DEFAULT_LANGUAGE:
        notes.append(
            f"no labels in `{code}` (theme.language): the pages show English labels; to translate them, write "
            f"outagekb/messages/{requested}.yaml in the theme's custom_dir (see Customising pages)"
        )
    elif language != DEFAULT_LANGUAGE:
        missing = [key for key in english if key not in translated]
        if missing:
            shown = ", ".join(f"`{key}`" for key in missing[:5]) + (", …" if len(missing) > 5 else "")
            notes.append(f"labels in `{language}` lack {len(missing)} of {len(english)}, shown in English: {shown}")
    return Messages(language, table, problems=problems, notes=notes, signature=tuple(signature))


@cache
def english() -> Messages:
    """outagekb's own English labels: the default of every function that writes words."""
    return load(DEFAULT_LANGUAGE)


def shipped_languages() -> list[str]:
    """The languages outagekb ships labels for."""
    return sorted(_files_in(PACKAGE_MESSAGES))


def file_entries(path: str) -> tuple[dict[str, Entry], tuple[Problem, ...]]:
    """One message file's entries and reading problems (for tests and tools)."""
    return _read(*_stamp(path))
