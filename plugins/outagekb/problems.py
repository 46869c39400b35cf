"""Problems found in input files, in the one form editors and CI understand, and in the
report formats CI systems read (GitLab Code Quality, SARIF, plain JSON)."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from . import __version__

ERROR = "error"
WARNING = "warning"
"""A warning names something the site will show differently from what the writer probably
meant (raw HTML shown as text); it is printed, but fails neither `validate` nor a build."""


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one input file, with its 1-based line and column; an `error` unless
    made a `warning`."""

    path: str
    line: int
    column: int
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        """`path:line:column: error: message` (or `warning:`), the form compilers and linters use."""
        return f"{display_path(self.path)}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def github_annotation(self) -> str:
        """A GitHub Actions workflow command that shows the problem on the pull request."""
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        file = display_path(self.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{self.severity} file={file},line={self.line},col={self.column}::{message}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that fail a build or `validate`: all but the warnings."""
    return [problem for problem in problems if problem.is_error]


def counted(problems: Sequence[Problem]) -> str:
    """`2 errors and 1 warning`, `1 error`, `no problems`: a summary line's count."""
    found = errors(problems)
    warned = len(problems) - len(found)
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((len(found), "error"), (warned, "warning")) if n]
    return " and ".join(parts) or "no problems"


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


# reports for CI ----------------------------------------------------------------------------

FORMATS = ("text", "gitlab", "sarif", "json")
"""What `outagekb validate --format` can print; `text` is the default."""

INFORMATION_URI = "https://github.com/outagekb/outagekb"
RULE_ID = "incident-format"
RULE_HELP = INFORMATION_URI + "/blob/main/docs/format.md"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def write_report(
    problems: Sequence[Problem], output_format: str, stream: TextIO | None = None, *, annotate: bool = False
) -> None:
    """The problems in one of `FORMATS`: `text` is `print_problems` (with GitHub annotations
    when asked); the others are one JSON document, so that nothing else may go to `stream`."""
    out = stream or sys.stdout
    if output_format == "text":
        print_problems(problems, out, annotate=annotate)
        return
    makers: dict[str, Callable[[Sequence[Problem]], object]] = {"gitlab": code_quality, "sarif": sarif, "json": plain_json}
    if output_format not in makers:
        raise ValueError(f"unknown report format {output_format!r}; known: {', '.join(FORMATS)}")
    # ASCII with \u escapes: the report stays valid JSON whatever the encoding of standard output
    json.dump(makers[output_format](problems), out, indent=2)
    out.write("\n")


def report_path(path: str) -> str:
    """`display_path` with forward slashes: reports are read on other systems than the one that wrote them."""
    return display_path(path).replace(os.sep, "/")


def plain_json(problems: Sequence[Problem]) -> list[dict[str, object]]:
    """`[{path, line, column, severity, message}]`: the simplest form a script can read."""
    return [
        {"path": report_path(p.path), "line": p.line, "column": p.column, "severity": p.severity, "message": p.message}
        for p in problems
    ]


def code_quality(problems: Sequence[Problem]) -> list[dict[str, object]]:
    """A GitLab Code Quality report (a subset of Code Climate's issue format): GitLab shows
    each problem in the merge request, and compares fingerprints with the target branch's
    report to tell new problems from old ones."""
    fingerprints = Fingerprints()
    return [
        {
            "description": p.message,
            "check_name": f"outagekb/{RULE_ID}",
            "fingerprint": fingerprints.of(p),
            "severity": "major" if p.is_error else "minor",  # an error fails the build, a warning does not
            "location": {"path": report_path(p.path), "lines": {"begin": max(p.line, 1)}},
        }
        for p in problems
    ]


def sarif(problems: Sequence[Problem]) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one run, for code-scanning tools (GitHub code scanning among them).
    Every problem breaks the same rule, the format of docs/format.md: the message says which
    field and why, which no finer rule list would say better."""
    fingerprints = Fingerprints()
    rule = {
        "id": RULE_ID,
        "name": "IncidentFormat",
        "shortDescription": {"text": "An incident file or the catalog does not follow the outagekb format."},
        "fullDescription": {
            "text": "The file is not valid YAML, misses a required field, has an unknown field or value, or names an id "
            "that does not exist. `mkdocs build` fails on it."
        },
        "helpUri": RULE_HELP,
        "defaultConfiguration": {"level": "error"},
    }
    results = [
        {
            "ruleId": RULE_ID,
            "ruleIndex": 0,
            "level": p.severity,  # SARIF's levels include `error` and `warning`
            "message": {"text": p.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact_location(p.path),
                        "region": {"startLine": max(p.line, 1), "startColumn": max(p.column, 1)},
                    }
                }
            ],
            "partialFingerprints": {"outagekb/v1": fingerprints.of(p)},
        }
        for p in problems
    ]
    driver = {"name": "outagekb", "version": __version__, "informationUri": INFORMATION_URI, "rules": [rule]}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        # the reader counts columns in characters (code points), as the YAML parser does
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }


def _artifact_location(path: str) -> dict[str, str]:
    """A relative URI against the checkout's root (`%SRCROOT%`), or a file: URI for a path outside it."""
    shown = report_path(path)
    if os.path.isabs(shown):
        return {"uri": "file://" + urllib.parse.quote(os.path.abspath(path).replace(os.sep, "/"))}
    return {"uri": urllib.parse.quote(shown), "uriBaseId": "%SRCROOT%"}


class Fingerprints:
    """Stable identities of problems across runs, for GitLab to tell a new problem from one
    the target branch already had.

    A fingerprint is the SHA-256 of the path, the message and the text of the problem's line
    (stripped of surrounding spaces), so that adding an incident or a line above does not make
    every problem below look new; where the line cannot be read (a folder, a missing file, an
    empty line) the line and column stand in. Identical problems on identical lines of one
    file are told apart by their order, since GitLab keeps only one problem per fingerprint."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}
        self._seen: dict[str, int] = {}

    def of(self, problem: Problem) -> str:
        path = report_path(problem.path)
        anchor = self._line_text(problem.path, problem.line) or f"{problem.line}:{problem.column}"
        key = "\0".join((path, problem.message, anchor))
        occurrence = self._seen.get(key, 0)
        self._seen[key] = occurrence + 1
        return hashlib.sha256(f"{key}\0{occurrence}".encode()).hexdigest()

    def _line_text(self, path: str, line: int) -> str:
        if path not in self._lines:
            try:
                with open(path, encoding="utf-8", errors="replace") as stream:
                    self._lines[path] = stream.read().splitlines()
            except OSError:
                self._lines[path] = None
        lines = self._lines[path]
        return lines[line - 1].strip() if lines is not None and 1 <= line <= len(lines) else ""
