"""`outagekb render`: every page and file the plugin generates, written to a folder as
Markdown and data, so that any generator (plain MkDocs, Zensical, ...) can publish the
knowledge base with no outagekb code in its build.

The plugin and this writer share one code path, `Renderer.iter_pages()`,
`Renderer.assets()` and `Renderer.copied_files()` (`Renderer.outputs()` here); only the
destination differs. A manifest records what was written, so that a second run can
replace its own files, remove pages whose incident is gone, and refuse to touch anything
else.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import paths
from .problems import OutagekbError

if TYPE_CHECKING:
    from .render import CopiedFile

MANIFEST = ".outagekb-render.json"
"""The list of files the last `render` wrote into the folder, kept in the folder itself."""


@dataclass
class Written:
    """What one run did, for the command to report."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class NotOurs(OutagekbError):
    """The folder holds files `render` did not create; the message names a few."""


def _previous(folder: str) -> list[str]:
    try:
        with open(os.path.join(folder, MANIFEST), encoding="utf-8") as stream:
            listed = json.load(stream).get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [p for p in listed if isinstance(p, str) and paths.safe_output_path(p)]


def _present(folder: str) -> list[str]:
    found: list[str] = []
    for directory, folders, names in os.walk(folder):
        folders.sort()
        for name in sorted(names):
            relative = os.path.relpath(os.path.join(directory, name), folder).replace(os.sep, "/")
            if relative != MANIFEST:
                found.append(relative)
    return found


def write_folder(folder: str, files: Mapping[str, str | CopiedFile], *, force: bool = False) -> Written:
    """Write `files` (text, or a file to copy) into `folder`; files a previous run wrote and
    no longer generated are removed.

    Raises NotOurs when the folder holds other files, unless `force`: then those are kept
    (and overwritten only where a generated file has the same path)."""
    previous = set(_previous(folder))
    foreign = [p for p in _present(folder) if p not in previous] if os.path.isdir(folder) else []
    if foreign and not force:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise NotOurs(f"{folder} holds files outagekb render did not create ({shown}); choose an empty folder or use --force")
    result = Written()
    for relative, content in sorted(files.items()):
        target = os.path.join(folder, *relative.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if isinstance(content, str):
            with open(target, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(content)
        else:
            shutil.copyfile(content.source, target)
        result.written.append(relative)
    for relative in sorted(previous - set(files)):
        target = os.path.join(folder, *relative.split("/"))
        if os.path.isfile(target):
            os.remove(target)
            result.removed.append(relative)
    with open(os.path.join(folder, MANIFEST), "w", encoding="utf-8") as stream:
        json.dump({"generator": "outagekb render", "files": sorted(files)}, stream, indent=1)
        stream.write("\n")
    return result
