"""What the incidents folder already holds: every id taken, and which file an earlier import
wrote for each source incident (`source.kind` + `source.id`), in the whole folder tree.

Files are only searched, never parsed whole, unless they hold a `source:` block whose
layout is not the one `emit` writes; so a re-import of thousands of files stays fast.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ..yamlread import Mapping, Scalar, parse_text

INCIDENT_SUFFIXES = (".yaml", ".yml")
_SOURCE_BLOCK = re.compile(
    r"^source:[ \t]*(?:#[^\n]*)?\n"
    r"([ \t]+)kind:[ \t]*([a-z]+)[ \t]*(?:[ \t]#[^\n]*)?\n"
    r"\1id:[ \t]*([A-Za-z0-9][A-Za-z0-9._:/+-]*)[ \t]*(?:[ \t]#[^\n]*)?$",
    re.MULTILINE,
)
"""The block as `emit` writes it; anything else is read with the YAML reader."""
_HAS_SOURCE = re.compile(r"^source:", re.MULTILINE)


@dataclass(slots=True)
class Existing:
    taken: set[str] = field(default_factory=set)
    """Every incident id (file stem) in the tree, lower-cased."""
    by_source: dict[tuple[str, str], str] = field(default_factory=dict)
    """(source kind, source id) -> the file's path."""
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(path, why) for files with a `source:` that could not be read."""


def scan(folder: str) -> Existing:
    found = Existing()
    if not os.path.isdir(folder):
        return found
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(names):
            stem, suffix = os.path.splitext(name)
            if suffix.lower() not in INCIDENT_SUFFIXES or name.startswith("."):
                continue
            found.taken.add(stem.lower())
            path = os.path.join(directory, name)
            key = source_of(path, found)
            if key is not None and key not in found.by_source:
                found.by_source[key] = path
    return found


def source_of(path: str, found: Existing) -> tuple[str, str] | None:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as stream:
            text = stream.read()
    except OSError as error:
        found.unreadable.append((path, error.strerror or str(error)))
        return None
    if _HAS_SOURCE.search(text) is None:
        return None
    match = _SOURCE_BLOCK.search(text)
    if match is not None:
        return match.group(2), match.group(3)
    return _parsed_source(path, text, found)


def _parsed_source(path: str, text: str, found: Existing) -> tuple[str, str] | None:
    """The source of a file whose `source:` is written some other way (a flow mapping,
    quoted id, other key order), through the loader's own YAML reader."""
    root, problems = parse_text(path, text)
    if root is None:
        found.unreadable.append((path, problems[0].message if problems else "unreadable"))
        return None
    source = root.get("source")
    if not isinstance(source, Mapping):
        return None
    kind, code = source.get("kind"), source.get("id")
    if isinstance(kind, Scalar) and isinstance(code, Scalar) and not kind.is_null and not code.is_null:
        return kind.text.strip(), code.text.strip()
    return None
