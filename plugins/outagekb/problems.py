"""Problems found in input files, in the one form editors and CI understand."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
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


def annotating() -> bool:
    """Whether problems should also be printed as GitHub Actions annotations."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def print_problems(problems: Iterable[Problem], stream: TextIO | None = None, *, annotate: bool = False) -> None:
    """Each problem as `path:line:column: error: message`, and, with `annotate`, as `::error` too."""
    out = stream or sys.stdout
    for problem in problems:
        print(problem.format(), file=out)
        if annotate:
            print(problem.github_annotation(), file=out)


def display_path(path: str) -> str:
    """The path relative to the working directory when it lies below it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative
