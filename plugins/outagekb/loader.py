"""Read the incidents folder and the catalog into the model, collecting every problem.

The loader never raises for bad input: each problem is recorded with its file, line and
column, all files are read, and ids are checked only once every file is known, so that
one run reports everything a contributor has to fix.
"""

from __future__ import annotations

import gc
import os
import re
from collections import abc
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import lru_cache

from . import duplicates, images, markup, model, spec
from .convert import Converter, IdUse, Invalid, Value, Values, one_of, quote, suggestion
from .paths import id_problem, is_inside
from .problems import WARNING, Problem, display_path, errors
from .yamlread import CATALOG_FILE, Mapping, Node, Scalar, Sequence, position, read_file, read_text

CATALOG_NAME = "catalog.yaml"
IGNORED_NAMES = frozenset({"readme.md"})
INCIDENT_SUFFIXES = (".yaml", ".yml")
_ANALYSIS_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters refused in an analysis file (tab and line breaks are text)."""
SHIPPED_CATALOG = os.path.join(os.path.dirname(__file__), "defaults", CATALOG_NAME)


@dataclass
class Listing:
    """What the incidents folder holds, after the file-system rules were applied."""

    incidents: list[tuple[str, str]] = field(default_factory=list)  # (id, path), sorted by id
    analyses: dict[str, str] = field(default_factory=dict)  # id -> path of <id>.md
    internal_analyses: dict[str, str] = field(default_factory=dict)  # id -> path of <id>.internal.md
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Loaded:
    """One incident file's result: the incident (or None) and what still needs checking."""

    path: str
    incident: model.Incident | None
    id_uses: list[IdUse]
    problems: list[Problem]
    started: datetime | None = None
    """When impact began, also for a file with problems: lists of valid ids put the newest first."""
    images: list[markup.ImageUse] = field(default_factory=list)
    """The images its Markdown names, checked against the files on every load (`images.check_uses`)."""
    span: duplicates.Span | None = None
    """What the check for possible duplicates reads of the incident, also without `incident`."""
    placeholder: model.Placeholder | None = None
    """The file is a placeholder (`duplicate_of`) without problems of its own."""
    draft: bool = False
    """`draft: true`, also for a file with problems: a placeholder cannot name a draft."""
    visibility: str | None = None
    """`public` or `internal` (given, or the site's default), also for a file with problems; None
    when it could not be read: `check_visibility` compares it across files."""


EDITOR_FILES = re.compile(r"^(?:\..*\.sw[a-px]|.*~|\.#.*|#.*#|4913|\.DS_Store|.*\.tmp)$")
"""Swap, backup and lock files that editors keep beside a file while it is open (vim's
`.x.yaml.swp` and its `4913` probe, Emacs' `x.yaml~`, `.#x.yaml` and `#x.yaml#`, macOS'
`.DS_Store`, `*.tmp`): not incidents, and not a mistake to report."""


def scan_directory(directory: str, root: str | None = None, skip: abc.Collection[str] = ()) -> Listing:
    """Sort the folder's entries, at any depth, into incidents and analyses; report everything
    else. An id is a file's stem and must be unique across the whole tree.

    A folder named like an incident file beside it (`x/` beside `x.yaml`) holds that
    incident's images, not incidents: only images may be in it. Folders in `skip` (the site's
    image folders, by their real paths) are not read at all."""
    listing = Listing()
    root = root or os.path.dirname(os.path.abspath(directory))
    markdown: dict[tuple[str, str], str] = {}  # (folder, stem) -> path of an `<id>.md`
    where: dict[str, str] = {}  # id, lowercased -> the path that has it
    visited: set[str] = set()  # folders by their real path, so that a link cannot loop

    def scan(folder: str, top: bool) -> None:
        visited.add(os.path.realpath(folder))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            listing.problems.append(Problem(folder, 1, 1, f"cannot read the incidents folder: {error.strerror or error}"))
            return
        names = {entry.name for entry in entries}
        for entry in entries:
            name, path = entry.name, entry.path
            stem, suffix = os.path.splitext(name)
            if name.lower() in IGNORED_NAMES or (top and name == CATALOG_NAME) or EDITOR_FILES.match(name):
                continue
            if entry.is_symlink() and not is_inside(path, root):
                listing.problems.append(
                    Problem(path, 1, 1, "a link that points outside the repository; copy the file in instead")
                )
                continue
            if name.startswith("."):
                listing.problems.append(Problem(path, 1, 1, "hidden files are not read in the incidents folder; remove it"))
                continue
            if entry.is_dir():
                if any(name + suffix in names for suffix in INCIDENT_SUFFIXES):
                    scan_images(path, name)
                elif os.path.realpath(path) not in visited and os.path.realpath(path) not in skip:
                    scan(path, False)
                continue
            if not entry.is_file():
                listing.problems.append(Problem(path, 1, 1, "not a regular file; remove it from the incidents folder"))
                continue
            if stem.lower() == "catalog" and suffix.lower() in INCIDENT_SUFFIXES:
                message = (
                    f"the catalog must be named `{CATALOG_NAME}`; rename it"
                    if top
                    else (f"the catalog belongs at the top of the incidents folder, as `{CATALOG_NAME}`; move it there")
                )
                listing.problems.append(Problem(path, 1, 1, message))
                continue
            if suffix == ".md":
                markdown[(folder, stem)] = path
                continue
            if suffix not in INCIDENT_SUFFIXES:
                near = suggestion(suffix.lstrip("."), ["yaml", "yml"]) if suffix else ""
                message = f"not an incident file: only `.yaml` and `.yml` files (and `<id>.md` analyses) belong here{near}"
                if suffix.lower() in images.KINDS:
                    message = "an image belongs in the folder of the incident that shows it: `<id>/` beside `<id>.yaml`"
                elif suffix.lower() in INCIDENT_SUFFIXES:
                    message = f"use a lowercase extension: rename to `{stem}{suffix.lower()}`"
                listing.problems.append(Problem(path, 1, 1, message))
                continue
            why = id_problem(stem, suffix)
            if why is not None:
                why = _lowercase_twin(stem, name, names) or why
                listing.problems.append(Problem(path, 1, 1, f"bad file name: {why}"))
                continue
            twin = where.get(stem.lower())
            if twin is not None:
                first, again = (_relative(p, directory) for p in (twin, path))
                message = f"duplicate id `{stem}`: `{first}` and `{again}` have the same id; keep one file"
                listing.problems.append(Problem(path, 1, 1, message))
                continue
            where[stem.lower()] = path
            listing.incidents.append((stem, path))

    def scan_images(folder: str, owner: str) -> None:
        """An incident's image folder, at any depth: images, and nothing that would be missed."""
        visited.add(os.path.realpath(folder))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            listing.problems.append(Problem(folder, 1, 1, f"cannot read the folder: {error.strerror or error}"))
            return
        for entry in entries:
            name, path = entry.name, entry.path
            if name.lower() in IGNORED_NAMES or EDITOR_FILES.match(name):
                continue
            if entry.is_symlink() and not is_inside(path, root):
                listing.problems.append(
                    Problem(path, 1, 1, "a link that points outside the repository; copy the file in instead")
                )
            elif name.startswith("."):
                listing.problems.append(Problem(path, 1, 1, "hidden files are not read in the incidents folder; remove it"))
            elif entry.is_dir():
                if os.path.realpath(path) not in visited:
                    scan_images(path, owner)
            elif os.path.splitext(name)[1].lower() in INCIDENT_SUFFIXES + (".md",):
                listing.problems.append(
                    Problem(
                        path,
                        1,
                        1,
                        f"this folder holds the images of `{owner}`, so `{name}` in it is not read; "
                        f"move it beside `{owner}.yaml`",
                    )
                )
            elif os.path.splitext(name)[1].lower() not in images.KINDS:
                listing.problems.append(
                    Problem(
                        path,
                        1,
                        1,
                        f"this folder holds the images of `{owner}`, and `{name}` is not one (PNG, JPEG, GIF, WebP or SVG); "
                        "move it out",
                    )
                )

    scan(directory, True)
    listing.incidents.sort()
    folder_of = {incident_id: os.path.dirname(path) for incident_id, path in listing.incidents}
    for (folder, stem), path in sorted(markdown.items()):
        owner, internal = (stem[: -len(INTERNAL_SUFFIX)], True) if stem.endswith(INTERNAL_SUFFIX) else (stem, False)
        if folder_of.get(owner) == folder:
            (listing.internal_analyses if internal else listing.analyses)[owner] = path
        else:
            beside = " beside it" if owner in folder_of else ""
            what = "internal analysis" if internal else "analysis"
            listing.problems.append(
                Problem(path, 1, 1, f"`{os.path.basename(path)}` is no incident's {what}: there is no `{owner}.yaml`{beside}")
            )
    return listing


INTERNAL_SUFFIX = ".internal"
"""`<id>.internal.md` beside `<id>.yaml`: the analysis only the internal site shows."""


def _lowercase_twin(stem: str, name: str, names: set[str]) -> str | None:
    """For a file name with capitals: the file beside it that already has its id in lowercase."""
    for twin in (stem.lower() + suffix for suffix in INCIDENT_SUFFIXES):
        if twin != name and twin in names:
            return f"ids are lowercase, and `{twin}` beside it already has the id `{stem.lower()}`; keep one of the two files"
    return None


def _relative(path: str, folder: str) -> str:
    """A path as the incidents folder's own, for messages that name two files."""
    return os.path.relpath(path, folder).replace(os.sep, "/")


def read_analysis(path: str) -> tuple[str | None, list[Problem]]:
    """The text of a sibling `<id>.md` analysis, with the same size and encoding rules."""
    text, problems = read_text(path)
    if text is None:
        return None, problems
    bad = _ANALYSIS_CONTROL.search(text)
    if bad is not None:
        line, column = position(text, bad.start())
        return None, [Problem(path, line, column, f"control character U+{ord(bad.group()):04X} is not allowed; remove it")]
    return text.strip(), []


def _node_at(root: Mapping, *steps: str | int) -> Node:
    """The node at a path, or the closest existing ancestor, for an error's position."""
    node: Node = root
    for step in steps:
        child: Node | None = None
        if isinstance(step, str) and isinstance(node, Mapping):
            child = node.get(step)
        elif isinstance(step, int) and isinstance(node, Sequence) and step < len(node.items):
            child = node.items[step]
        if child is None:
            return node
        node = child
    return node


def load_incident(
    incident_id: str,
    path: str,
    analysis_path: str | None = None,
    organization: str | None = None,
    *,
    internal_analysis_path: str | None = None,
    visibility: str = model.INTERNAL,
) -> Loaded:
    """Read, check and convert one incident file (ids it names are checked later);
    `organization` and `visibility` are the site's defaults for a file that names none."""
    root, problems = read_file(path)
    if root is None:
        return Loaded(path, None, [], problems)
    if _is_placeholder(root):
        return load_placeholder(incident_id, path, root, problems, analysis_path)
    converter = Converter(path, {"organization": organization} if organization else None)
    values = converter.record(root, spec.INCIDENT, "", partial=True)
    problems += converter.problems
    if isinstance(values, Invalid):
        return Loaded(path, None, [], problems)

    def error(message: str, *steps: str | int) -> None:
        node = _node_at(root, *steps)
        problems.append(Problem(path, node.line, node.column, message))

    def line_of(*steps: str | int) -> int:
        return _node_at(root, *steps).line

    prose_warnings, image_uses = markup.check_fields(root, path)
    problems += prose_warnings
    analysis = _text(values, "analysis")
    if analysis_path is not None:
        text, analysis_problems = read_analysis(analysis_path)
        problems += analysis_problems
        if text:
            analysis_warnings, analysis_images = markup.check_analysis(analysis_path, text)
            problems += analysis_warnings
            image_uses += analysis_images
        if "analysis" in values:
            error(f"analysis: given both here and in `{os.path.basename(analysis_path)}`; keep one", "analysis")
        analysis = text or ""
    internal_analysis = ""
    if internal_analysis_path is not None:
        text, analysis_problems = read_analysis(internal_analysis_path)
        problems += analysis_problems
        if text:
            analysis_warnings, analysis_images = markup.check_analysis(internal_analysis_path, text)
            problems += analysis_warnings
            image_uses += analysis_images
        internal_analysis = text or ""

    started = _timestamp(values, "started")
    stamps = {name: _timestamp(values, name) for name in model.TIMESTAMP_FIELDS}
    if started is not None:
        for name in ("mitigated", "resolved"):
            value = stamps[name]
            if value is not None and value < started:
                error(f"{name}: {value.isoformat()} is before `started` ({started.isoformat()}, line {line_of('started')})", name)
        named_for = _date_in_id(incident_id)
        if named_for is not None and abs((started.date() - named_for).days) > 1:
            problems.append(_date_mismatch(path, _node_at(root, "started"), started, named_for))
    mitigated, resolved = stamps["mitigated"], stamps["resolved"]
    if mitigated is not None and resolved is not None and resolved < mitigated:
        error(
            f"resolved: {resolved.isoformat()} is before `mitigated` ({mitigated.isoformat()}, line {line_of('mitigated')})",
            "resolved",
        )
    approximate = _items(values, "approximate")
    for index, named in enumerate(approximate):
        if isinstance(named, str) and root.get(named) is None:
            error(
                f"approximate[{index}]: names `{named}`, which this file does not give; add `{named}:` or take it off the list",
                "approximate",
                index,
            )
    _report_repeats(error, line_of, "approximate", approximate, "field")

    causes = [_cause_ref(entry) for entry in _items(values, "causes")]
    triggers = [i for i, ref in enumerate(causes) if ref is not None and "trigger" in ref.roles]
    for count, index in enumerate(triggers[1:], 2):
        first = triggers[0]
        error(
            f"causes[{index}].role: {_ORDINALS.get(count, 'another')} `trigger` (the trigger is causes[{first}], "
            f"line {line_of('causes', first, 'role')}); only one cause can be the trigger, use `root` or `contributing`",
            "causes",
            index,
            "role",
        )
    _report_repeats(error, line_of, "causes", [ref.cause if ref else None for ref in causes], "cause")
    lessons = [_lesson_ref(entry) for entry in _items(values, "lessons")]
    _report_repeats(error, line_of, "lessons", [ref.lesson if ref else None for ref in lessons], "lesson")
    raw_related = _items(values, "related")
    related = [r for r in raw_related if isinstance(r, str)]
    _report_repeats(error, line_of, "related", raw_related, "incident")
    for index, other in enumerate(raw_related):
        if other == incident_id:
            error(f"related[{index}]: an incident cannot be related to itself", "related", index)

    id_uses = converter.id_uses
    shown_to = _text(values, "visibility", visibility)
    draft = values.get("draft") is True
    if errors(problems) or started is None or any(name not in values for name in _required(values)):
        return Loaded(path, None, id_uses, problems, started, image_uses, draft=draft, visibility=shown_to)
    incident = model.Incident(
        id=incident_id,
        path=path,
        title=_required_text(values, "title"),
        organization=_required_text(values, "organization"),
        services=tuple(_texts(values, "services")),
        severity=_required_text(values, "severity"),
        started=started,
        detected=stamps["detected"],
        mitigated=mitigated,
        resolved=resolved,
        regions=tuple(_texts(values, "regions")),
        upstream=tuple(_texts(values, "upstream")),
        approximate=frozenset(_texts(values, "approximate")),
        summary=_required_text(values, "summary"),
        impact=_text(values, "impact"),
        causes=tuple(ref for ref in causes if ref is not None),
        lessons=tuple(ref for ref in lessons if ref is not None),
        timeline=tuple(sorted(map(_timeline, _entries(values, "timeline")), key=lambda t: t.at)),
        updates=tuple(sorted(map(_update, _entries(values, "updates")), key=lambda u: u.at)),
        actions=tuple(map(_action, _entries(values, "actions"))),
        references=tuple(map(_reference, _entries(values, "references"))),
        tags=tuple(dict.fromkeys(_texts(values, "tags"))),
        related=tuple(related),
        analysis=analysis,
        analysis_path=analysis_path,
        retrospective=_retrospective(values.get("retrospective")),
        draft=draft,
        unclassified=values.get("unclassified") is True,
        source=_source(values.get("source")),
        visibility=shown_to,
        internal_notes=_text(values, "internal_notes"),
        internal_analysis=internal_analysis,
        internal_analysis_path=internal_analysis_path,
    )
    at = _node_at(root, "started")
    span = duplicates.span_of(incident, at.line, at.column)
    return Loaded(path, incident, id_uses, problems, started, image_uses, span, draft=draft, visibility=shown_to)


# placeholders -----------------------------------------------------------------


def _is_placeholder(root: Node) -> bool:
    """Whether the file is a placeholder: `duplicate_of` is given. `duplicate_of:` with nothing
    after it means "not given", as for every other field, unless the file holds nothing else."""
    if not isinstance(root, Mapping):
        return False
    node = root.get(spec.PLACEHOLDER_FIELD)
    return node is not None and (not (isinstance(node, Scalar) and node.is_null) or len(root.entries) == 1)


PLACEHOLDER_NAMES_SHOWN = 3
"""How many of the fields given beside `duplicate_of` its message names."""


def load_placeholder(
    incident_id: str, path: str, root: Mapping, problems: list[Problem], analysis_path: str | None = None
) -> Loaded:
    """A merged incident's file: `duplicate_of` and nothing else. Another field beside it is an
    error, not ignored, since what it says would vanish from the site; the id it names is
    checked with the others once every file is read (`check_placeholders`)."""
    name = spec.PLACEHOLDER_FIELD
    node = root.get(name)
    assert node is not None
    converter = Converter(path)
    target = converter.value(node, spec.INCIDENT.by_name[name], name)
    problems = problems + converter.problems
    into = f"`{target}`" if isinstance(target, str) else "the incident that stays"
    others = [key for key, _ in root.entries if key.text != name]
    if others:
        names = [f"`{key.text}`" for key in others]
        if len(names) > PLACEHOLDER_NAMES_SHOWN + 1:
            names = [*names[:PLACEHOLDER_NAMES_SHOWN], f"{len(names) - PLACEHOLDER_NAMES_SHOWN} more fields"]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        message = (
            f"{others[0].text}: `{name}` (line {node.line}) makes this file a placeholder, which shows nothing else, "
            f"so {listed} would vanish; move what {'it says' if len(others) == 1 else 'they say'} into {into} and "
            f"remove {'it' if len(others) == 1 else 'them'}, or remove `{name}` if this incident is not a duplicate"
        )
        problems.append(Problem(path, others[0].line, others[0].column, message))
    if analysis_path is not None:
        problems.append(
            Problem(
                analysis_path,
                1,
                1,
                f"the analysis of a placeholder (`{name}` in `{os.path.basename(path)}`, line {node.line}), which shows "
                f"none; move it into the analysis of {into} and remove this file",
            )
        )
    if target is None:
        problems.append(
            Problem(path, node.line, node.column, f"{name}: is empty; write the id of the incident this one duplicates")
        )
    if target == incident_id:
        problems.append(
            Problem(path, node.line, node.column, f"{name}: names this incident itself; name the incident it duplicates")
        )
    if errors(problems) or not isinstance(target, str):
        return Loaded(path, None, converter.id_uses, problems)
    return Loaded(path, None, converter.id_uses, problems, placeholder=model.Placeholder(incident_id, path, target))


def check_placeholders(loaded: abc.Sequence[Loaded], incident_ids: abc.Container[str]) -> list[Problem]:
    """A placeholder must name an incident that stays and is published: not another
    placeholder (one step leads readers on, so the chain is shortened to its end) and not
    a draft. Unknown ids are `check_ids`' to report."""
    by_id = {os.path.splitext(os.path.basename(item.path))[0]: item for item in loaded}
    problems: list[Problem] = []
    name = spec.PLACEHOLDER_FIELD
    for item in loaded:
        placeholder = item.placeholder
        if placeholder is None or placeholder.duplicate_of not in incident_ids:
            continue
        use = next(use for use in item.id_uses if use.where == name)
        target = by_id.get(placeholder.duplicate_of)
        if target is None:
            continue
        message = None
        further = target.placeholder
        if further is not None:
            end = _chain_end(further, by_id)
            stays = f"name `{end}`, the incident that stays" if end is not None else "name the incident that stays"
            message = f"{name}: `{further.id}` is a placeholder too (a duplicate of `{further.duplicate_of}`); {stays}"
        elif target.draft:
            message = (
                f"{name}: `{placeholder.duplicate_of}` is a draft, which the site does not publish; publish it "
                "(remove `draft: true`) before merging into it, or merge the other way"
            )
        if message is not None:
            problems.append(Problem(item.path, use.line, use.column, message))
    return problems


def _chain_end(placeholder: model.Placeholder, by_id: abc.Mapping[str, Loaded]) -> str | None:
    """The incident a chain of placeholders ends at, or None when it ends nowhere (a loop,
    or a file that is no incident)."""
    seen = {placeholder.id}
    while True:
        item = by_id.get(placeholder.duplicate_of)
        if item is None:
            return None
        if item.placeholder is None:
            return placeholder.duplicate_of
        placeholder = item.placeholder
        if placeholder.id in seen:
            return None
        seen.add(placeholder.id)


_ORDINALS = {2: "a second", 3: "a third", 4: "a fourth"}
_DATED_ID = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-")


def _date_in_id(incident_id: str) -> date | None:
    """The date an id starts with (`2024-12-11-...`, the form `outagekb new` gives), or None."""
    match = _DATED_ID.match(incident_id)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _date_mismatch(path: str, node: Node, started: datetime, named_for: date) -> Problem:
    """A warning: the file is named for one day and `started` is on another (a day apart
    is allowed, for time zones). The id is the page's address, so `started` is the likelier slip."""
    name = os.path.basename(path)
    return Problem(
        path,
        node.line,
        node.column,
        f"started: {started.date().isoformat()}, but the file name `{name}` says {named_for.isoformat()}; "
        "correct `started`, or, if the name is wrong and the page is not yet published, rename the file",
        WARNING,
    )


_REQUIRED = tuple(f for f in spec.INCIDENT.fields if f.required)


def _required(values: Values) -> list[str]:
    """The fields this file must give: `causes` may be left out while `unclassified: true`."""
    return [f.name for f in _REQUIRED if not (f.unless and values.get(f.unless) is True)]


def _source(value: object) -> model.Source | None:
    if not isinstance(value, dict):
        return None
    return model.Source(_required_text(value, "kind"), _required_text(value, "id"), _optional_text(value, "url"))


_CACHE: dict[tuple[str, str, str | None, str | None, str | None, str], tuple[tuple[object, ...], Loaded]] = {}
"""Incidents read in this process, by id and paths, with the stat of their files when read.

`mkdocs serve` loads the knowledge base again on every change; a file whose size and
modification time are unchanged is not read again, so a rebuild reads only what changed."""


def _file_signature(path: str | None) -> tuple[object, ...]:
    """What tells a changed file from an unchanged one: size, modification time, inode."""
    if path is None:
        return (None,)
    try:
        info = os.stat(path)
    except OSError:
        return ("missing",)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def load_incident_cached(
    incident_id: str,
    path: str,
    analysis_path: str | None = None,
    organization: str | None = None,
    *,
    internal_analysis_path: str | None = None,
    visibility: str = model.INTERNAL,
) -> Loaded:
    """`load_incident`, reusing the last result while the file (and its analyses) are unchanged."""
    key = (incident_id, path, analysis_path, organization, internal_analysis_path, visibility)
    signature = _file_signature(path) + _file_signature(analysis_path) + _file_signature(internal_analysis_path)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == signature:
        return cached[1]
    loaded = load_incident(
        incident_id, path, analysis_path, organization, internal_analysis_path=internal_analysis_path, visibility=visibility
    )
    _CACHE[key] = (signature, loaded)
    return loaded


def _report_repeats(
    error: abc.Callable[[str, str, int], None],
    line_of: abc.Callable[[str, int], int],
    field_name: str,
    ids: abc.Sequence[object],
    what: str,
) -> None:
    """Each value listed again, named with the first one's place (index and line)."""
    first: dict[str, int] = {}
    for index, value in enumerate(ids):
        if not isinstance(value, str):
            continue
        if value in first:
            earlier = first[value]
            error(
                f"{field_name}[{index}]: {what} `{value}` is listed twice (first at {field_name}[{earlier}], "
                f"line {line_of(field_name, earlier)}); {'merge them' if what in ('cause', 'lesson') else 'remove this one'}",
                field_name,
                index,
            )
        else:
            first[value] = index


# typed reads of converted values ----------------------------------------------
#
# The converter checked every value against its field's kind, so each read below finds the
# type it asks for; the isinstance checks tell mypy so, at the cost of one check per value.


def _text(values: Values, name: str, default: str = "") -> str:
    """A text field's value; `default` when it is absent (or empty)."""
    value = values.get(name)
    return value if isinstance(value, str) and value else default


def _optional_text(values: Values, name: str) -> str | None:
    value = values.get(name)
    return value if isinstance(value, str) else None


def _required_text(values: Values, name: str) -> str:
    """A required text field's value; the loader checked that the field is there."""
    value = values[name]
    if isinstance(value, str):
        return value
    raise TypeError(f"`{name}` holds {value!r}, not text")


def _timestamp(values: Values, name: str) -> datetime | None:
    value = values.get(name)
    return value if isinstance(value, datetime) else None


def _required_timestamp(values: Values, name: str) -> datetime:
    value = values[name]
    if isinstance(value, datetime):
        return value
    raise TypeError(f"`{name}` holds {value!r}, not a timestamp")


def _date(values: Values, name: str) -> date | None:
    value = values.get(name)
    return value if isinstance(value, date) else None


def _items(values: Values, name: str) -> abc.Sequence[Value | Invalid]:
    """A list field's items in file order, those that failed their check as INVALID."""
    value = values.get(name)
    return value if isinstance(value, list) else ()


def _texts(values: Values, name: str) -> abc.Iterator[str]:
    """The items of a list of text (or of roles) that passed their check."""
    for item in _items(values, name):
        if isinstance(item, str):
            yield item


def _entries(values: Values, name: str) -> abc.Iterator[Values]:
    """The entries of a list of records that passed their check."""
    for item in _items(values, name):
        if isinstance(item, dict):
            yield item


def _cause_ref(entry: Value | Invalid) -> model.CauseRef | None:
    if not isinstance(entry, dict):
        return None
    roles = tuple(_texts(entry, "role"))
    return model.CauseRef(_required_text(entry, "cause"), roles or ("contributing",), _text(entry, "detail"))


def _lesson_ref(entry: Value | Invalid) -> model.LessonRef | None:
    if not isinstance(entry, dict):
        return None
    return model.LessonRef(_required_text(entry, "lesson"), _text(entry, "detail"))


def _timeline(entry: Values) -> model.TimelineEntry:
    return model.TimelineEntry(
        _required_timestamp(entry, "at"),
        _required_text(entry, "event"),
        _text(entry, "kind", "other"),
        entry.get("approximate") is True,
        entry.get("internal") is True,
    )


def _update(entry: Values) -> model.Update:
    return model.Update(
        _required_timestamp(entry, "at"),
        _required_text(entry, "status"),
        _required_text(entry, "text"),
        _text(entry, "channel", "status page"),
        entry.get("internal") is True,
    )


def _action(entry: Values) -> model.Action:
    return model.Action(
        _required_text(entry, "action"),
        _text(entry, "status", "open"),
        _optional_text(entry, "lesson"),
        _optional_text(entry, "owner"),
        _date(entry, "due"),
        _optional_text(entry, "ticket"),
        entry.get("internal") is True,
    )


def _reference(entry: Values) -> model.Reference:
    return model.Reference(
        _required_text(entry, "title"),
        _required_text(entry, "url"),
        _optional_text(entry, "kind"),
        _optional_text(entry, "archived"),
        entry.get("internal") is True,
    )


def _retrospective(values: Value | None) -> model.Retrospective | None:
    if not isinstance(values, dict) or not values:
        return None
    return model.Retrospective(_points(values, "went_well"), _points(values, "went_wrong"), _points(values, "lucky"))


def _points(values: Values, name: str) -> tuple[model.Point, ...]:
    """A retrospective list's items that passed their check: a text, or a `text:` entry."""
    points: list[model.Point] = []
    for item in _items(values, name):
        if isinstance(item, str):
            points.append(model.Point(item))
        elif isinstance(item, dict):
            points.append(model.Point(_required_text(item, "text"), item.get("internal") is True))
    return tuple(points)


# catalog ----------------------------------------------------------------------


def load_catalog(path: str) -> tuple[model.Catalog, list[Problem]]:
    """Read a catalog file; duplicate ids, unknown parents and cycles are problems."""
    root, problems = read_file(path, CATALOG_FILE)
    if root is None:
        return model.Catalog(path=path), problems
    converter = Converter(path)
    values = converter.record(root, spec.CATALOG, "", partial=True)
    problems += converter.problems + markup.catalog_problems(root, path)
    if isinstance(values, Invalid):
        return model.Catalog(path=path), problems
    causes: dict[str, model.Cause] = {}
    lessons: dict[str, model.Lesson] = {}
    severities: list[model.Severity] = []
    cause_index: dict[str, int] = {}  # id -> position in the file, for errors about parents
    broken: list[tuple[str, str, int]] = []
    for kind in ("causes", "lessons", "severities"):
        seen: dict[str, int] = {}
        for index, entry in enumerate(_items(values, kind)):
            if not isinstance(entry, dict):
                written = _node_at(root, kind, index, "id")
                if isinstance(written, Scalar) and written.text.strip():
                    broken.append((_SINGULAR[kind], written.text.strip(), written.line))
                continue
            node = _node_at(root, kind, index, "id")
            entry_id = _required_text(entry, "id")
            if entry_id in seen:
                first = _node_at(root, kind, seen[entry_id], "id")
                message = f"{kind}[{index}].id: duplicate id `{entry_id}` (first at line {first.line}); keep one"
                problems.append(Problem(path, node.line, node.column, message))
                continue
            seen[entry_id] = index
            title = _required_text(entry, "title")
            if kind == "severities":
                severities.append(model.Severity(entry_id, title, _text(entry, "description")))
                continue
            summary, description = _text(entry, "summary"), _text(entry, "description")
            aliases = tuple(_texts(entry, "aliases"))
            if kind == "causes":
                cause_index[entry_id] = index
                parent = _optional_text(entry, "parent")
                causes[entry_id] = model.Cause(
                    id=entry_id, title=title, summary=summary, description=description, aliases=aliases, parent=parent
                )
            else:
                practices = tuple(_texts(entry, "practices"))
                lessons[entry_id] = model.Lesson(
                    id=entry_id, title=title, summary=summary, description=description, aliases=aliases, practices=practices
                )
    for cause in causes.values():
        if cause.parent is None:
            continue
        node = _node_at(root, "causes", cause_index[cause.id], "parent")
        where = f"causes[{cause_index[cause.id]}].parent"
        if cause.parent not in causes:
            problems.append(
                Problem(
                    path,
                    node.line,
                    node.column,
                    f"{where}: unknown parent cause {quote(cause.parent)}{suggestion(cause.parent, list(causes))}",
                )
            )
            continue
        if cause.parent == cause.id:
            message = f"{where}: `{cause.id}` is its own parent; remove `parent`, or name a broader cause"
            problems.append(Problem(path, node.line, node.column, message))
            continue
        cycle = _parent_cycle(cause.id, causes)
        if cycle is not None and cycle[0] == cause.id:
            others = ", ".join(
                f"`{member}`'s at line {_node_at(root, 'causes', cause_index[member], 'parent').line}" for member in cycle[1:]
            )
            loop = " -> ".join([*cycle, cause.id])
            message = (
                f"{where}: the parents form a cycle, {loop} (the other `parent` fields: {others}); "
                "remove one of them, so that the cycle has a top"
            )
            problems.append(Problem(path, node.line, node.column, message))
    return model.Catalog(causes, lessons, path, tuple(severities) or model.DEFAULT_SEVERITIES, tuple(broken)), problems


_SINGULAR = {"causes": "cause", "lessons": "lesson", "severities": "severity"}


def _parent_cycle(cause_id: str, causes: dict[str, model.Cause]) -> list[str] | None:
    """The cycle of parents `cause_id` belongs to, from the member first in the file (dicts
    keep file order) and on through each one's parent; None when it belongs to none."""
    chain = [cause_id]
    current = causes.get(cause_id)
    while current is not None and current.parent is not None and current.parent in causes:
        if current.parent == cause_id:
            start = min(chain, key=list(causes).index)
            at = chain.index(start)
            return chain[at:] + chain[:at]
        if current.parent in chain:
            return None  # a cycle above this cause, which is not in it
        chain.append(current.parent)
        current = causes[current.parent]
    return None


_CATALOGS: dict[str, tuple[tuple[object, ...], tuple[model.Catalog, list[Problem]]]] = {}


def load_catalog_cached(path: str) -> tuple[model.Catalog, list[Problem]]:
    """`load_catalog`, giving the same catalog object while the file is unchanged, so that
    pages made from it can be reused (see cache.PageCache)."""
    signature = _file_signature(path)
    cached = _CATALOGS.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1][0], list(cached[1][1])
    result = load_catalog(path)
    _CATALOGS[path] = (signature, result)
    return result[0], list(result[1])


@lru_cache(maxsize=1)
def shipped_catalog() -> model.Catalog:
    """The catalog that ships with outagekb, used when a knowledge base has none."""
    catalog, problems = load_catalog(SHIPPED_CATALOG)
    if problems:  # pragma: no cover - guarded by the test suite
        raise RuntimeError("the shipped catalog is invalid: " + "; ".join(p.format() for p in problems))
    return catalog


# the whole knowledge base -----------------------------------------------------


def check_ids(
    loaded: list[Loaded], catalog: model.Catalog, incident_ids: set[str], newest: abc.Sequence[str] | None = None
) -> list[Problem]:
    """Every cause, lesson, severity and related id must exist; suggest the closest one when
    not, else name the valid ones (`newest`: the incident ids, newest first)."""
    problems: list[Problem] = []
    shipped = shipped_catalog()
    severities = catalog.severity_ids
    defined_ids = {
        "cause": set(catalog.causes),
        "lesson": set(catalog.lessons),
        "incident": incident_ids,
        "severity": set(severities),
    }
    in_order = {
        "cause": list(catalog.causes),
        "lesson": list(catalog.lessons),
        "incident": list(newest) if newest is not None else sorted(incident_ids, reverse=True),
    }
    broken = {(kind, entry_id): line for kind, entry_id, line in catalog.broken}
    for item in loaded:
        own_id = os.path.splitext(os.path.basename(item.path))[0]
        for use in item.id_uses:
            if use.value in defined_ids[use.kind]:
                continue
            entry_line = broken.get((use.kind, use.value))
            if entry_line is not None:
                message = (
                    f"{use.where}: {use.kind} {quote(use.value)} is in `{display_path(catalog.path)}`, but its entry there "
                    f"(line {entry_line}) has a problem; fix the entry"
                )
            elif use.kind == "severity":  # a short scale: all of it, in its order
                message = f"{use.where}: {quote(use.value)} is not one of {one_of(severities)}{suggestion(use.value, severities)}"
            elif use.kind == "incident":
                others = [other for other in in_order["incident"] if other != own_id]
                hint = suggestion(use.value, others) or _valid_ids("incident", others, "incidents/", newest=True)
                message = f"{use.where}: no incident has the id {quote(use.value)}{hint}"
            else:
                shipped_ids = shipped.causes if use.kind == "cause" else shipped.lessons
                hint = suggestion(use.value, defined_ids[use.kind])
                if use.value in shipped_ids and catalog.path != SHIPPED_CATALOG:
                    hint = f"; it is in the shipped catalog, but `{os.path.basename(catalog.path)}` no longer defines it: add it back"
                elif not hint:
                    own = None if catalog.path == SHIPPED_CATALOG else display_path(catalog.path)
                    hint = _valid_ids(use.kind, in_order[use.kind], f"{use.kind}s/", catalog=own)
                message = f"{use.where}: unknown {use.kind} {quote(use.value)}{hint}"
            problems.append(Problem(item.path, use.line, use.column, message))
    return problems


VALID_IDS_SHOWN = 12
"""How many valid ids a message about an unknown id names when no near miss stands out."""


def check_visibility(loaded: list[Loaded]) -> list[Problem]:
    """A public incident's `related` that names an internal one: the public site leaves that
    link out, which its writer should know (a warning: the internal site keeps the link)."""
    shown_to = {os.path.splitext(os.path.basename(item.path))[0]: item.visibility for item in loaded}
    problems: list[Problem] = []
    for item in loaded:
        if item.visibility != model.PUBLIC:
            continue
        for use in item.id_uses:
            if use.kind == "incident" and use.where.startswith("related") and shown_to.get(use.value) == model.INTERNAL:
                message = (
                    f"{use.where}: `{use.value}` is internal, so the public site leaves this link out (the internal "
                    f"site keeps it); to show it there too, give `{use.value}` `visibility: public`"
                )
                problems.append(Problem(item.path, use.line, use.column, message, WARNING))
    return problems


def _valid_ids(kind: str, ids: abc.Sequence[str], page: str, *, catalog: str | None = None, newest: bool = False) -> str:
    """`; known causes: `a`, `b` and 5 more; ...`: the first valid ids in a sensible order, and
    where to see them all (the catalog file, the site's page)."""
    if not ids:
        where = f" (`{catalog}`)" if catalog else ""
        return "; the knowledge base has no other incident" if kind == "incident" else f"; the catalog{where} defines no {kind}s"
    label = f"{kind}s, newest first" if newest else f"{kind}s"
    if len(ids) <= VALID_IDS_SHOWN:
        return f"; known {label}: " + ", ".join(f"`{i}`" for i in ids)
    shown = ", ".join(f"`{i}`" for i in ids[:VALID_IDS_SHOWN])
    where = (
        f"all {len(ids)} are in `{catalog}` and on the site's `{page}` page"
        if catalog
        else (f"the site's `{page}` page lists all {len(ids)}")
    )
    return f"; known {label}: {shown} and {len(ids) - VALID_IDS_SHOWN} more; {where}"


def _newest_first(incidents: list[tuple[str, str]], loaded: list[Loaded]) -> list[str]:
    """The incident ids by `started`, newest first; a file whose `started` could not be read
    goes by the date its id begins with, else last."""
    started = {item.path: item.started for item in loaded}

    def when(entry: tuple[str, str]) -> tuple[int, str, str]:
        incident_id, path = entry
        moment = started.get(path)
        if moment is not None:
            return (1, moment.astimezone(UTC).isoformat(), incident_id)
        named = _date_in_id(incident_id)
        return (1, named.isoformat(), incident_id) if named is not None else (0, "", incident_id)

    return [incident_id for incident_id, _ in sorted(incidents, key=when, reverse=True)]


def catalog_file(incidents_dir: str) -> str:
    """The catalog a knowledge base uses when none is configured: its own, else the shipped one."""
    own = os.path.join(incidents_dir, CATALOG_NAME)
    return own if os.path.exists(own) else SHIPPED_CATALOG


def load_knowledge_base(
    incidents_dir: str,
    catalog_path: str | None = None,
    root: str | None = None,
    *,
    counts: dict[str, int] | None = None,
    cache: bool = False,
    models: bool = True,
    organization: str | None = None,
    ids: set[str] | None = None,
    image_folders: abc.Sequence[images.SharedFolder] = (),
    visibility: str = model.INTERNAL,
) -> tuple[model.KnowledgeBase, list[Problem]]:
    """Load the catalog and every incident in the folder; problems come sorted by file and line.

    `counts`, when given, receives `files`: how many incident files were read, clean or not,
    and `public`: how many of them are public.
    `ids`, when given, receives the id of every incident file read, clean or not.
    `cache`: reuse what this process read before from files that did not change (serve).
    `models=False`: keep only the problems (validate), so that memory does not grow with N.
    `organization`: the site's default, for incident files that name none.
    `image_folders`: the site's folders of images any incident may show (`images`).
    `visibility`: the site's `default_visibility`, for incident files that give none."""
    collecting = gc.isenabled()
    gc.disable()  # thousands of small objects that all live on: collecting them midway is wasted work
    try:
        return _load_knowledge_base(
            incidents_dir, catalog_path, root, counts, cache, models, organization, ids, image_folders, visibility
        )
    finally:
        if collecting:
            gc.enable()


def _load_knowledge_base(
    incidents_dir: str,
    catalog_path: str | None,
    root: str | None,
    counts: dict[str, int] | None,
    cache: bool,
    models: bool,
    organization: str | None,
    ids: set[str] | None = None,
    image_folders: abc.Sequence[images.SharedFolder] = (),
    visibility: str = model.INTERNAL,
) -> tuple[model.KnowledgeBase, list[Problem]]:
    problems: list[Problem] = []
    catalog_path = catalog_path or catalog_file(incidents_dir)
    if os.path.exists(catalog_path):
        catalog, catalog_problems = load_catalog_cached(catalog_path)
        problems += catalog_problems
    else:
        catalog = model.Catalog(path=catalog_path)
        problems.append(Problem(catalog_path, 1, 1, "the catalog file does not exist"))
    if not os.path.isdir(incidents_dir):
        problems.append(Problem(incidents_dir, 1, 1, "the incidents folder does not exist"))
        return model.KnowledgeBase(catalog, (), organization), problems
    listing = scan_directory(incidents_dir, root, {folder.path for folder in image_folders})
    problems += listing.problems
    if counts is not None:
        counts["files"] = len(listing.incidents)
    loaded: list[Loaded] = []
    read = load_incident_cached if cache else load_incident
    for incident_id, path in listing.incidents:
        item = read(
            incident_id,
            path,
            listing.analyses.get(incident_id),
            organization,
            internal_analysis_path=listing.internal_analyses.get(incident_id),
            visibility=visibility,
        )
        if item.images:  # the files, not the text: checked on every load, since a cached file may name a changed image
            image_problems = images.check_uses(item.images, path, incident_id, image_folders)
            problems += image_problems
            if errors(image_problems):
                item = replace(item, incident=None, images=[])
        if not models and item.incident is not None:
            item = replace(item, incident=None, images=[])
        loaded.append(item)
        problems += item.problems
    if counts is not None:
        counts["public"] = sum(item.visibility == model.PUBLIC for item in loaded)
    incident_ids = {incident_id for incident_id, _ in listing.incidents}
    if ids is not None:
        ids.update(incident_ids)
    placeholders = {item.placeholder.id for item in loaded if item.placeholder is not None}
    newest = [incident_id for incident_id in _newest_first(listing.incidents, loaded) if incident_id not in placeholders]
    id_problems = check_ids(loaded, catalog, incident_ids, newest) + check_placeholders(loaded, incident_ids)
    problems += id_problems
    problems += check_visibility(loaded)
    broken = {p.path for p in errors(id_problems)}
    incidents = tuple(item.incident for item in loaded if item.incident is not None and item.path not in broken)
    kept = tuple(item.placeholder for item in loaded if item.placeholder is not None and item.path not in broken)
    survivors = {p.id: p.duplicate_of for p in kept}
    problems += duplicates.possible_duplicates(
        (item.span for item in loaded if item.span is not None), lambda path: _relative(path, incidents_dir), survivors
    )
    return model.KnowledgeBase(catalog, incidents, organization, placeholders=kept), sorted(set(problems))
