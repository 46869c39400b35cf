"""Problems found in input files, in the one form editors and CI understand."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one input file, with its 1-based line and column."""

    path: str
    line: int
    column: int
    message: str

    def format(self) -> str:
        """`path:line:column: error: message`, the form compilers and linters use."""
        return f"{display_path(self.path)}:{self.line}:{self.column}: error: {self.message}"

    def github_annotation(self) -> str:
        """A GitHub Actions workflow command that shows the problem on the pull request."""
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        file = display_path(self.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::error file={file},line={self.line},col={self.column}::{message}"


class OutagekbError(Exception):
    """A build or command that cannot go on: a one-line summary, and the problems behind it
    (each to be printed at its place). The MkDocs adapter turns it into a `PluginError`, the
    commands into an exit code."""

    def __init__(self, summary: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problems = list(problems)


def annotating() -> bool:
    """Whether problems should also be printed as GitHub Actions annotations."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def print_problems(
    problems: Iterable[Problem],
    stream: TextIO | None = None,
    *,
    annotate: bool = False,
    write: Callable[[str], object] | None = None,
) -> None:
    """Each problem as `path:line:column: error: message` (to `stream`, or through `write`,
    such as a logger's), and, with `annotate`, as a GitHub `::error` workflow command on
    standard output, where the runner reads them."""
    out = stream or sys.stdout
    for problem in problems:
        if write is not None:
            write(problem.format())
        else:
            print(problem.format(), file=out)
        if annotate:
            print(problem.github_annotation(), file=out if write is None else sys.stdout)


def display_path(path: str) -> str:
    """The path relative to the working directory when it lies below it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative
