"""The `outagekb` command: check incident files the way the build does, and print the
format's JSON Schema for editors.

Exit codes: 0 no problems, 1 problems found, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

from . import __version__, schema
from .loader import CATALOG_NAME, catalog_file, load_catalog, load_knowledge_base, scan_directory
from .problems import Problem

EPILOG_VALIDATE = """\
examples:
  outagekb validate                      check the folder named in ./mkdocs.yml (else ./incidents)
  outagekb validate incidents            check a folder
  outagekb validate incidents/x.yaml     check one file (with its folder's catalog and ids)

exit codes: 0 no problems, 1 problems found, 2 usage error.
Under GitHub Actions (GITHUB_ACTIONS=true) each problem is also printed as an
::error annotation so that the pull request shows it on the line.
"""


def _incidents_from_mkdocs_yml(path: str = "mkdocs.yml") -> tuple[str, str | None]:
    """The incidents folder and catalog that ./mkdocs.yml configures for outagekb."""
    default = "incidents"
    if not os.path.exists(path):
        return default, None
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml may hold tags such as !ENV or !!python/name: read them as plain values
    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        with open(path, encoding="utf-8") as stream:
            config = yaml.load(stream, Loader=_Loader) or {}
    except (OSError, yaml.YAMLError, ValueError):
        return default, None
    base = os.path.dirname(os.path.abspath(path))
    options = _outagekb_options(config.get("plugins") if isinstance(config, dict) else None) or {}
    catalog = options.get("catalog")
    return os.path.join(base, str(options.get("incidents", default))), os.path.join(base, str(catalog)) if catalog else None


def _outagekb_options(plugins: object) -> dict[str, object] | None:
    """outagekb's options from `plugins:` written as a list or as a mapping; None when it is not listed."""
    if isinstance(plugins, dict):
        pairs = list(plugins.items())
    elif isinstance(plugins, list):
        pairs = [
            (entry, None) if isinstance(entry, str) else next(iter(entry.items()))
            for entry in plugins
            if entry and isinstance(entry, (str, dict))
        ]
    else:
        return None
    for name, options in pairs:
        if name == "outagekb":
            return options if isinstance(options, dict) else {}
    return None


def validate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    targets: list[str] = args.paths
    catalog: str | None = None
    if not targets:
        folder, catalog = _incidents_from_mkdocs_yml()
        targets = [folder]
    folders: list[str] = []
    files: dict[str, set[str]] = {}  # folder -> the files asked for in it
    for target in targets:
        if os.path.isdir(target):
            folders.append(target)
        elif os.path.exists(target):
            files.setdefault(os.path.dirname(target) or ".", set()).add(os.path.abspath(target))
        else:
            print(f"outagekb validate: {target}: no such file or folder", file=sys.stderr)
            return 2
    problems: list[Problem] = []
    checked = 0
    for folder in folders:
        _, found = load_knowledge_base(folder, catalog)
        problems += found
        checked += len(scan_directory(folder).incidents)  # every incident file read, loaded cleanly or not
    for folder, wanted in files.items():
        # the whole folder is read once: ids are checked against every incident and the catalog
        _, found = load_knowledge_base(folder, catalog)
        with_catalog = any(os.path.basename(path) == CATALOG_NAME for path in wanted)
        problems += [p for p in found if os.path.abspath(p.path) in wanted or (with_catalog and p.path.endswith(CATALOG_NAME))]
        checked += len(wanted)
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in sorted(set(problems)):
        print(problem.format())
        if annotate:
            print(problem.github_annotation())
    elapsed = time.perf_counter() - started
    if not args.quiet:
        summary = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}" if problems else "no problems"
        print(f"outagekb: {checked} incident file(s) checked in {elapsed:.2f} s, {summary}", file=sys.stderr)
    return 1 if problems else 0


EPILOG_SCHEMA = """\
examples:
  outagekb schema > incident.schema.json        the incident file's schema, with this knowledge base's ids
  outagekb schema --catalog-file                 the schema of incidents/catalog.yaml

The site publishes the same schemas at schema/incident.schema.json and
schema/catalog.schema.json. To have VS Code's YAML extension complete and check an
incident, start the file with
  # yaml-language-server: $schema=<site URL>/schema/incident.schema.json
exit codes: 0 printed, 1 the catalog has problems, 2 usage error.
"""


def print_schema(args: argparse.Namespace) -> int:
    """The schema of an incident file; cause and lesson ids come from the knowledge base's catalog."""
    if args.catalog_file:
        print(schema.dumps(schema.catalog_schema()), end="")
        return 0
    folder, catalog_path = _incidents_from_mkdocs_yml()
    catalog, problems = load_catalog(catalog_path or catalog_file(folder))
    if problems:
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        return 1
    print(schema.dumps(schema.incident_schema(catalog)), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outagekb",
        description="Work with an outagekb knowledge base: incident files in YAML, published with MkDocs.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"outagekb {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "validate",
        help="check incident files and the catalog; print every problem as path:line:column: error: message",
        description="Check incident files and the catalog exactly as `mkdocs build` does.",
        epilog=EPILOG_VALIDATE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="incident folders or files (default: from ./mkdocs.yml)")
    check.add_argument("-q", "--quiet", action="store_true", help="print only the problems")
    check.set_defaults(run=validate)
    show = commands.add_parser(
        "schema",
        help="print the JSON Schema of incident files (or of the catalog) for editors",
        description="Print the JSON Schema (draft 2020-12) of an incident file, with the cause and lesson ids "
        "of the knowledge base that ./mkdocs.yml names (else ./incidents, else the shipped catalog).",
        epilog=EPILOG_SCHEMA,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show.add_argument("--catalog-file", action="store_true", help="print the schema of the catalog file instead")
    show.set_defaults(run=print_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 for --help
        return int(exit_.code or 0)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
