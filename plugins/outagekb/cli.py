"""The `outagekb` command: check incident files the way the build does, and print the
format's JSON Schema for editors.

Exit codes: 0 no problems, 1 problems found, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]  # MkDocs' own !ENV

from . import __version__, model, paths, schema, search, spec
from .audience import AUDIENCES, audience_note, chosen_audience, for_audience
from .convert import Converter, closest, one_of, quote, suggestion
from .images import SharedFolder, folder_problem, shared_folders
from .loader import CATALOG_NAME, SHIPPED_CATALOG, catalog_file, load_catalog, load_knowledge_base
from .messages import Messages, theme_language
from .model import Catalog

if TYPE_CHECKING:
    from .scaffold import NewIncident
from .problems import OutagekbError, Problem, annotating, counted, display_path, errors, print_problems
from .yamlread import Scalar

EPILOG_VALIDATE = """\
examples:
  outagekb validate                      check the knowledge base this folder is in (its mkdocs.yml
                                         or incidents folder, here or above), and hand-written pages
  outagekb validate incidents            check a folder
  outagekb validate incidents/x.yaml     check one file (with its folder's catalog and ids)
  outagekb validate --format gitlab > gl-code-quality-report.json   for GitLab's Code Quality
  outagekb validate --format sarif > outagekb.sarif                 for code-scanning tools

exit codes: 0 no problems, 1 problems found, 2 usage error (in every format).
Under GitHub Actions (GITHUB_ACTIONS=true) each problem is also printed as an
::error annotation so that the pull request shows it on the line (text format only).
The gitlab, sarif and json formats print one JSON document on standard output
(an empty report when there are no problems); the summary goes to standard error.
"""


@dataclass(frozen=True)
class Project:
    """What ./mkdocs.yml says about the knowledge base (defaults when there is none)."""

    incidents: str = "incidents"
    catalog: str | None = None
    site_url: str | None = None
    site_dir: str = "site"
    custom_dir: str | None = None  # the theme's custom_dir, whose outagekb/ folder overrides templates
    organization: str | None = None  # the plugin's default organization
    config_file: str | None = None  # the mkdocs.yml read, if any
    docs_dir: str = "docs"  # the hand-written pages, which generated pages must not replace
    image_folders: tuple[SharedFolder, ...] = ()  # the plugin's `images` folders
    remote_images: bool = False  # the plugin's `remote_images`
    language: str = "en"  # the theme's language, which chooses outagekb's labels as Material's
    root: str = "."  # the knowledge base's folder: that of its mkdocs.yml
    default_visibility: str = model.INTERNAL  # the plugin's `default_visibility`
    audience: str | None = None  # the plugin's `audience`, when mkdocs.yml sets it
    search_engine: str = search.MATERIAL  # the plugin's `search_engine`


CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
"""The names MkDocs looks for its configuration under."""


def _find_project() -> Project | None:
    """The knowledge base the working directory is in, found the way git finds its repository:
    the nearest folder, this one or above, that holds a `mkdocs.yml` (or, without one, an
    `incidents` folder); None when there is none. Paths in it are absolute, so that messages
    show them relative to the working directory."""
    folder = os.path.abspath(os.curdir)
    while True:
        for name in CONFIG_NAMES:
            if os.path.isfile(os.path.join(folder, name)):
                return _project(os.path.join(folder, name))
        if os.path.isdir(os.path.join(folder, "incidents")):
            return Project(incidents=os.path.join(folder, "incidents"), docs_dir=os.path.join(folder, "docs"), root=folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _catalog(project: Project, folder: str) -> Catalog | None:
    """The catalog of the incidents in `folder` (the configured one, else the folder's own, else
    the shipped one); None, after printing its problems, when it has any."""
    catalog, problems = load_catalog(project.catalog or catalog_file(folder))
    if problems:
        print_problems(problems, sys.stderr)
        return None
    return catalog


def _no_knowledge_base(command: str, instead: str) -> int:
    """The one message, and exit code, of a command run outside any knowledge base."""
    print(
        f"outagekb {command}: no knowledge base here: no mkdocs.yml and no incidents folder in this folder or any "
        f"folder above it; run it inside the knowledge base, or {instead}",
        file=sys.stderr,
    )
    return 2


def _project(path: str = "mkdocs.yml") -> Project:
    """The incidents folder, catalog, site URL and site folder that ./mkdocs.yml configures."""
    if not os.path.exists(path):
        return Project()
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    # !ENV reads the environment as MkDocs does; other tags (!!python/name: ...) are read as nothing
    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    _Loader.add_constructor("!ENV", construct_env_tag)
    try:
        with open(path, encoding="utf-8") as stream:
            config = yaml.load(stream, Loader=_Loader) or {}
    except (OSError, yaml.YAMLError, ValueError):
        return Project()
    if not isinstance(config, dict):
        return Project()
    base = os.path.dirname(os.path.abspath(path))
    options = _outagekb_options(config.get("plugins")) or {}
    catalog = options.get("catalog")
    site_url = config.get("site_url")
    theme = config.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    return Project(
        incidents=os.path.join(base, str(options.get("incidents", "incidents"))),
        catalog=os.path.join(base, str(catalog)) if catalog else None,
        site_url=site_url if isinstance(site_url, str) and site_url else None,
        site_dir=os.path.join(base, str(config.get("site_dir") or "site")),
        custom_dir=os.path.join(base, custom_dir) if isinstance(custom_dir, str) and custom_dir else None,
        organization=str(options["organization"]) if options.get("organization") else None,
        config_file=os.path.abspath(path),
        docs_dir=os.path.join(base, str(config.get("docs_dir") or "docs")),
        image_folders=_image_folders(base, options.get("images")),
        remote_images=options.get("remote_images") is True,
        language=theme_language(theme) if isinstance(theme, dict) else "en",
        root=base,
        default_visibility=_choice(options.get("default_visibility"), spec.VISIBILITIES, None) or model.INTERNAL,
        audience=_choice(options.get("audience"), AUDIENCES, None),
        search_engine=_choice(options.get("search_engine"), search.SEARCH_ENGINES, None) or search.MATERIAL,
    )


def _choice(value: object, choices: tuple[str, ...], default: str | None) -> str | None:
    """An option's value when it is one of `choices`; a wrong one is left to the build to report."""
    return value if isinstance(value, str) and value in choices else default


def _audience(command: str, project: Project, given: str | None) -> str | None:
    """The audience a command reads the knowledge base for (see `audience.chosen_audience`);
    None, after saying why, when the environment variable holds no audience."""
    audience, refused = chosen_audience(project.audience, given)
    if refused:
        print(f"outagekb {command}: {refused}", file=sys.stderr)
        return None
    return audience


def _image_folders(base: str, names: object) -> tuple[SharedFolder, ...]:
    """The `images` option's folders; names the plugin would refuse are left to the build to report."""
    if not isinstance(names, list):
        return ()
    return shared_folders(base, [name for name in names if isinstance(name, str) and folder_problem(name) is None])


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
    found_project = _find_project()
    project = found_project or Project()
    catalog: str | None = None
    if not targets:
        if found_project is None:
            return _no_knowledge_base("validate", "name the incidents folder: outagekb validate FOLDER")
        catalog = project.catalog
        targets = [project.incidents]
    organization = project.organization
    audience = _audience("validate", project, args.audience)
    if audience is None:
        return 2
    folders: list[str] = []
    files: dict[str, set[str]] = {}  # knowledge base folder -> the files asked for in it
    for target in targets:
        if os.path.isdir(target):
            folders.append(target)
        elif os.path.exists(target):
            # a file is checked with its whole knowledge base: the one mkdocs.yml names when the
            # file lies in it (at any depth), else the file's own folder
            inside = os.path.isdir(project.incidents) and paths.is_inside(target, project.incidents)
            files.setdefault(project.incidents if inside else os.path.dirname(target) or ".", set()).add(os.path.abspath(target))
        else:
            print(f"outagekb validate: {target}: no such file or folder", file=sys.stderr)
            return 2
    problems: list[Problem] = []
    checked = public = 0
    for folder in folders:
        counts: dict[str, int] = {}
        ids: set[str] = set()
        kb, found = load_knowledge_base(
            folder,
            catalog,
            counts=counts,
            models=False,
            organization=organization,
            ids=ids,
            image_folders=project.image_folders,
            visibility=project.default_visibility,
        )
        problems += found
        checked += counts.get("files", 0)  # every incident file read, loaded cleanly or not
        public += counts.get("public", 0)
        if project.config_file and os.path.realpath(folder) == os.path.realpath(project.incidents):
            generated = paths.generated_paths(sorted(ids), kb.catalog.causes, kb.catalog.lessons)
            problems += _hand_written_clashes(project.docs_dir, generated)
    for folder, wanted in files.items():
        # the whole folder is read once: ids are checked against every incident and the catalog
        _, found = load_knowledge_base(
            folder,
            catalog,
            models=False,
            organization=organization,
            image_folders=project.image_folders,
            visibility=project.default_visibility,
        )
        with_catalog = any(os.path.basename(path) == CATALOG_NAME for path in wanted)
        problems += [p for p in found if os.path.abspath(p.path) in wanted or (with_catalog and p.path.endswith(CATALOG_NAME))]
        checked += len(wanted)
    from .problems import write_report

    write_report(sorted(set(problems)), args.format, annotate=annotating())
    elapsed = time.perf_counter() - started
    if not args.quiet:
        shown = f"; the public site shows {public} of them" if audience == model.PUBLIC and folders else ""
        print(f"outagekb: {checked} incident file(s) checked in {elapsed:.2f} s, {counted(problems)}{shown}", file=sys.stderr)
    return 1 if errors(problems) else 0


def _hand_written_clashes(docs_dir: str, generated: list[str]) -> list[Problem]:
    """A hand-written file in the docs folder at a path outagekb generates: the build's own error."""
    return [
        Problem(os.path.join(docs_dir, *path.split("/")), 1, 1, paths.HAND_WRITTEN_CLASH)
        for path in generated
        if os.path.isfile(os.path.join(docs_dir, *path.split("/")))
    ]


EPILOG_SIMILAR = """\
examples:
  outagekb similar incidents/2025-03-04-acme-checkout-cert.yaml    the 5 incidents most like this one
  outagekb similar draft.yaml --top 10                             a draft anywhere, even one that does not validate
  outagekb similar draft.yaml --format json                        for other tools (fields: docs/similar.md)
  outagekb similar --changed-since origin/main --format markdown   every incident file a branch adds or changes

Ranks the incidents of the knowledge base this folder is in by what they share with
FILE (causes and their broader causes, services, organization, upstream, tags), how
close in time they started, and the words of title, summary, impact and cause details
(BM25). Each result says why. A file that does not validate is read as far as it can
be, and what could not be read is printed on standard error as path:line:column
messages. An incident of the knowledge base given as FILE is left out of its own
results. --changed-since BASE takes the files from `git diff --name-only
--diff-filter=AM BASE...HEAD` under the incidents folder (the workflows of
`outagekb init` run it on every pull or merge request). The index is kept in
.cache/outagekb/similar.json beside mkdocs.yml, so that only changed files are read again.
exit codes: 0 ranked (also when nothing is alike), 2 usage error.
"""


def similar(args: argparse.Namespace) -> int:
    """`outagekb similar`: the options and the files are checked here, the ranking is in `similar`."""
    from .loader import load_catalog_cached
    from .similar import CACHE_FILE, incident_files, json_report, markdown_report, similar_to, text_report

    started = time.perf_counter()
    project = _find_project()
    if project is None:
        return _no_knowledge_base("similar", "run it where the knowledge base is")
    if not os.path.isdir(project.incidents):
        print(f"outagekb similar: {display_path(project.incidents)}: the incidents folder does not exist", file=sys.stderr)
        return 2
    files: list[str] = list(args.files)
    for path in files:
        if not os.path.isfile(path):
            why = "a folder; name the incident files in it" if os.path.isdir(path) else "no such file"
            print(f"outagekb similar: {path}: {why}", file=sys.stderr)
            return 2
    if args.changed_since is not None:
        changed, failure = _changed_files(project.incidents, args.changed_since)
        if failure:
            print(f"outagekb similar: --changed-since {args.changed_since}: {failure}", file=sys.stderr)
            return 2
        files += [path for path in incident_files(changed, project.incidents) if path not in files]
    elif not files:
        print("outagekb similar: name an incident FILE, or --changed-since BASE", file=sys.stderr)
        return 2
    catalog, _ = load_catalog_cached(project.catalog or catalog_file(project.incidents))  # its problems are validate's
    cache = None if args.no_cache else os.path.join(project.root, CACHE_FILE)
    results, index = similar_to(
        files, project.incidents, catalog, top=args.top, organization=project.organization, cache_path=cache
    )
    for result in results:
        print_problems(result.problems, sys.stderr)
    if args.format == "json":
        print(json_report(results, project.incidents), end="")
    elif args.format == "markdown":
        print(markdown_report(results, project.incidents, project.site_url), end="")
    else:
        print(text_report(results, project.incidents), end="")
    if not args.quiet:
        elapsed = time.perf_counter() - started
        print(
            f"outagekb: {len(files)} file(s) compared with {len(index.profiles)} incidents "
            f"({index.read} read, the rest from the cache) in {elapsed:.2f} s",
            file=sys.stderr,
        )
    return 0


def _changed_files(folder: str, base: str) -> tuple[list[str], str | None]:
    """The files under `folder` that the commits since `base` added or changed (relative to
    it), as git lists them; or why git could not."""
    if base.startswith("-"):
        return [], "a branch, tag or commit, not an option"
    command = ["git", "diff", "--name-only", "--diff-filter=AM", "--relative", "-z", f"{base}...HEAD", "--", "."]
    try:
        done = subprocess.run(command, cwd=folder, capture_output=True, check=False)
    except OSError as error:
        return [], f"cannot run git: {error.strerror or error}"
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return [], (message[0] if message else f"git diff exited with {done.returncode}")
    return [name for name in done.stdout.decode("utf-8", "replace").split("\0") if name], None


EPILOG_SCHEMA = """\
examples:
  outagekb schema > incident.schema.json        the incident file's schema, with this knowledge base's ids
  outagekb schema --catalog-file                 the schema of incidents/catalog.yaml
  outagekb schema --write                        both, into schema/ beside mkdocs.yml, for editors

--write puts schema/incident.schema.json and schema/catalog.schema.json in the
repository, beside mkdocs.yml (outagekb init does it too): run it again after
changing the catalog. It replaces a file only when outagekb wrote it (its
`$comment` says so), never a person's. Files made by outagekb new start with
  # yaml-language-server: $schema=../schema/incident.schema.json
which VS Code's YAML extension reads to complete and check them. The site
publishes the same schemas at schema/incident.schema.json and schema/catalog.schema.json.
exit codes: 0 printed or written, 1 the catalog has problems or a schema file there
is a person's, 2 usage error.
"""


def print_schema(args: argparse.Namespace) -> int:
    """The schema of an incident file; cause and lesson ids come from the knowledge base's catalog."""
    if args.write:
        return write_schemas()
    if args.catalog_file:
        print(schema.dumps(schema.catalog_schema()), end="")
        return 0
    project = _find_project() or Project()
    catalog = _catalog(project, project.incidents)
    if catalog is None:
        return 1
    print(schema.dumps(schema.incident_schema(catalog, organization=project.organization)), end="")
    return 0


def write_schemas() -> int:
    """`outagekb schema --write`: both schemas into the repository (the folder of its mkdocs.yml,
    found from any folder inside it); nothing is written when either file there is a person's."""
    project = _find_project()
    if project is None:
        return _no_knowledge_base("schema --write", "create one with: outagekb init DIR")
    plan = _schema_plan(project.root, project)
    if plan is None:
        return 1
    foreign = [relative for relative, _, state in plan if state == "foreign"]
    if foreign:
        print(
            f"outagekb schema --write: {foreign[0]} exists and outagekb did not write it (its `$comment` does not say "
            "so), so it is not replaced and nothing was written; move it away and run this again, or print the schema "
            "elsewhere: outagekb schema > FILE",
            file=sys.stderr,
        )
        return 1
    for relative, text, state in plan:
        target = os.path.join(project.root, relative)
        if not _write_schema(display_path(target), text, state):
            return 1
        print(f"{SCHEMA_OUTCOMES[state]} {display_path(target)}")
    return 0


SCHEMA_OUTCOMES = {"missing": "created", "stale": "updated", "current": "unchanged"}
"""What `schema --write` and `init` say they did to a schema file, by its state before."""


def _schema_plan(root: str, project: Project) -> list[tuple[str, str, str]] | None:
    """The repository's schema files for `root`, made from the knowledge base's catalog:
    (path relative to `root`, text, state now: `missing`, `stale`, `current` or `foreign`).
    None, after printing them, when the catalog has problems."""
    from .scaffold import repository_schemas, schema_file_state

    path = project.catalog or catalog_file(project.incidents)
    catalog, problems = load_catalog(path)
    if problems:
        print_problems(problems, sys.stderr)
        print("outagekb: the schema files are made from the catalog; fix its problems first", file=sys.stderr)
        return None
    shipped = os.path.abspath(path) == os.path.abspath(SHIPPED_CATALOG)
    name = "the catalog shipped with outagekb" if shipped else os.path.relpath(path, root).replace(os.sep, "/")
    texts = repository_schemas(catalog, name, project.organization)
    return [(relative, text, schema_file_state(os.path.join(root, relative), text)) for relative, text in texts.items()]


def _write_schema(path: str, text: str, state: str) -> bool:
    """Write a schema file that is missing or stale; False, after saying why, when that fails."""
    from .scaffold import write_schema_file

    if state not in ("missing", "stale"):
        return True
    try:
        write_schema_file(path, text)
    except OSError as error:
        print(f"outagekb: cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return False
    return True


EPILOG_NEW = """\
examples:
  outagekb new                                   ask for each required field (in a terminal)
  outagekb new --title "Checkout down after a certificate expired" --organization Acme \\
      --service Checkout --severity major --started 2025-03-04T15:16:00-08:00 \\
      --summary "An expired certificate failed every payment." \\
      --cause expired-credential --lesson monitoring
  outagekb new --title "Search down" --edit      then open the file in $VISUAL or $EDITOR
  git log -1 --format=%b | outagekb new --title "..." --summary -    the summary from standard input
  outagekb new --id 2025-03-04-acme-checkout-cert --no-input

The file is incidents/<id>.yaml (the folder named in ./mkdocs.yml). The id is made
from the date, the organization and the title's first words, cut at a word; in a
terminal it is shown before anything is written and Enter accepts it, or type
another. It is the page's permanent address. Required fields you do not give are
written empty, and `outagekb validate` reports them until they are filled in; the
optional ones are commented blocks, each valid once its `# ` is removed. In a
terminal, with $VISUAL or $EDITOR set, it offers to open the file when fields are
left to fill in. An existing file is never overwritten.
exit codes: 0 written, 1 the file exists, input ended or the editor did not start
(the file is written then), 2 usage error (a bad value).
"""


def _check(value: str, f: spec.Field) -> tuple[object, str | None]:
    """A value given on the command line or typed at a prompt, checked as the loader would;
    the message names no field (the caller says which flag or prompt it was)."""
    converter = Converter("input")
    node = Scalar(1, 1, value, False)
    result = converter.timestamp(node, "") if f.kind == spec.TIMESTAMP else converter.scalar(node, f, "")
    if converter.problems:
        return None, converter.problems[0].message
    return result, None


def _about(subject: str, message: str) -> str:
    """`--title is empty`, `--started: `x` has no UTC offset…`: the flag or field once, then the message."""
    return f"{subject} {message}" if message.startswith(("is ", "must ")) else f"{subject}: {message}"


def _field(name: str) -> spec.Field:
    found = spec.INCIDENT.field(name)
    assert found is not None
    return found


def _item(name: str) -> spec.Field:
    """The field of one item of a list field (`services`, `tags`)."""
    item = _field(name).item
    assert item is not None
    return item


def _severity(value: str, catalog: Catalog) -> tuple[object, str | None]:
    """A severity given on the command line or at a prompt: one of the catalog's scale."""
    levels = catalog.severity_ids
    if value in levels:
        return value, None
    return None, f"`{value}` is not one of {one_of(levels)}{suggestion(value, levels)}"


def _check_ids(values: list[str], known: Mapping[str, object], what: str) -> str | None:
    """Why one of the cause or lesson ids is not the catalog's, with the closest one or the list."""
    for value in values:
        if value not in known:
            near = closest(value, list(known))
            if near:
                return f"`{value}` is not a {what} in the catalog; did you mean `{near}`?"
            return f"`{value}` is not a {what} in the catalog, whose {what}s are: {', '.join(known)}"
    return None


def _check_id(value: str) -> tuple[object, str | None]:
    """An incident id typed at the prompt or given with --id (a `.yaml` ending is dropped)."""
    chosen = value.removesuffix(".yaml").removesuffix(".yml")
    if chosen != chosen.lower() and paths.id_problem(chosen.lower()) is None:
        return None, f"ids are lowercase; write `{chosen.lower()}`"
    why = paths.id_problem(chosen)
    return (None, why) if why else (chosen, None)


def _split(answer: str) -> list[str]:
    return [part.strip() for part in answer.split(",") if part.strip()]


def _check_list(values: list[str], item: spec.Field) -> str | None:
    for value in values:
        _, error = _check(value, item)
        if error:
            return _about(quote(value), error) if value.strip() else error
    return None


def _given(args: argparse.Namespace, new: NewIncident, catalog: Catalog) -> str | None:
    """Fill `new` from the flags, each checked as the loader would; the first problem, naming its flag."""
    for name in ("title", "organization"):
        value = getattr(args, name)
        if value is not None:
            checked, error = _check(value, _field(name))
            if error:
                return _about(f"--{name}", error)
            setattr(new, name, checked)
    for flag, name, values in (("--service", "services", new.services), ("--tag", "tags", new.tags)):
        error = _check_list(values, _item(name))
        if error:
            return _about(flag, error)
        values[:] = [value.strip() for value in values]
    if args.severity is not None:
        severity, error = _severity(args.severity, catalog)
        if error:
            return f"--severity: {error}"
        new.severity = str(severity)
    if args.started is not None:
        started, error = _check(args.started, _field("started"))
        if error:
            return _about("--started", error)
        new.started = started  # type: ignore[assignment]
    if args.summary is not None:
        text = sys.stdin.read() if args.summary == "-" else args.summary
        summary, error = _check(text.replace("\r\n", "\n"), _field("summary"))
        if error:
            return _about("--summary" if args.summary != "-" else "--summary - (standard input)", error)
        new.summary = str(summary)
    for values, known, what in ((new.causes, catalog.causes, "cause"), (new.lessons, catalog.lessons, "lesson")):
        error = _check_ids(values, known, what)
        if error:
            return f"--{what}: {error}"
    return None


def _editor() -> str | None:
    """The command that edits a file: $VISUAL, else $EDITOR (as git and crontab read them)."""
    return (os.environ.get("VISUAL") or os.environ.get("EDITOR") or "").strip() or None


LINE_EDITORS = frozenset({"vi", "vim", "nvim", "view", "gvim", "nano", "emacs", "emacsclient", "micro", "mg", "joe", "ne"})
"""Editors that open a file at a line given as `+LINE`, so that the cursor waits at the first empty field."""


def _open_in_editor(command: str, path: str, line: int | None) -> str | None:
    """Run the editor on the file and wait for it; why it could not start, or None."""
    try:
        argv = shlex.split(command)
    except ValueError as error:
        return f"cannot read the editor command `{command}`: {error}"
    if not argv:
        return "the editor command is empty"
    if line and os.path.basename(argv[0]) in LINE_EDITORS:
        argv.append(f"+{line}")
    try:
        subprocess.run([*argv, path], check=False)
    except OSError as error:
        return f"cannot start the editor `{command}`: {error.strerror or error}"
    return None


def new_incident(args: argparse.Namespace) -> int:
    from .scaffold import NewIncident, TemplateContext, incident_text, write_new

    project = _find_project() or Project()
    folder = args.dir or project.incidents
    catalog = _catalog(project, folder)
    if catalog is None:
        return 1
    new = NewIncident(services=list(args.service or []), causes=list(args.cause or []), lessons=list(args.lesson or []))
    new.tags = list(args.tag or [])
    editor = _editor()
    if args.edit and not editor:
        print(
            "outagekb new: --edit: set VISUAL or EDITOR to the command of your editor, such as `vim` or `code --wait`",
            file=sys.stderr,
        )
        return 2
    problem = _given(args, new, catalog)
    if problem:
        print(f"outagekb new: {problem}", file=sys.stderr)
        return 2
    chosen: str | None = None
    if args.id:
        checked, why = _check_id(args.id)
        if why:
            print(f"outagekb new: --id: {why}", file=sys.stderr)
            return 2
        chosen = str(checked)
    interactive = not args.no_input and args.summary != "-" and sys.stdin.isatty()
    try:
        if interactive:
            _ask_missing(new, catalog, project.organization)
        proposed = _proposed_id(new)
        if interactive and chosen is None:
            chosen = _ask_id(proposed, folder)
    except EOFError:
        print("\noutagekb new: input ended; nothing was written", file=sys.stderr)
        return 1
    chosen = chosen or proposed
    if chosen is None:
        print("outagekb new: give --title (the file name is made from it) or --id", file=sys.stderr)
        return 2
    target = os.path.join(folder, f"{chosen}.yaml")
    taken = _taken(folder, chosen)
    if taken:
        print(f"outagekb new: {taken} already exists; nothing was written", file=sys.stderr)
        return 1
    context = TemplateContext(
        schema_url=_schema_url(folder, project),
        default_organization=project.organization,
        other_incident=_other_incident(folder, chosen),
    )
    text = incident_text(new, catalog, context)
    try:
        write_new(target, text)
    except FileExistsError:
        print(f"outagekb new: {target} already exists; nothing was written", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"outagekb new: cannot write {target}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(os.path.relpath(target))
    missing = new.missing(project.organization)
    if not args.quiet:
        _note_stale_schema(folder, project)
    wanted = bool(args.edit)
    if interactive and not wanted and editor and missing:
        try:
            wanted = _ask_yes(f"Open it in {editor} to fill in the rest? [Y/n] ")
        except EOFError:
            print(file=sys.stderr)
    if wanted and editor:
        line = _first_line(text, missing)
        failed = _open_in_editor(editor, target, line)
        if failed:
            print(f"outagekb new: {failed}; the file is written: {os.path.relpath(target)}", file=sys.stderr)
            return 1
        if not args.quiet:
            print("Check it with `outagekb validate`.", file=sys.stderr)
    elif not args.quiet:
        still = f"Still to fill in: {', '.join(missing)}. Then run" if missing else "Check it with"
        print(f"{still} `outagekb validate`.", file=sys.stderr)
    return 0


def _proposed_id(new: NewIncident) -> str | None:
    """The id made from the date, organization and title; None without a title."""
    from .scaffold import incident_id

    if not new.title:
        return None
    return incident_id(new.started.date() if new.started else date.today(), new.organization or "", new.title)


def _taken(folder: str, chosen: str) -> str | None:
    """The path of an incident file that already has this id (`.yaml` or `.yml`, any case), or None."""
    for name in _listdir(folder):
        if os.path.splitext(name)[0].lower() == chosen and name.endswith((".yaml", ".yml")):
            return os.path.join(folder, name)
    return None


def _schema_url(folder: str, project: Project) -> str | None:
    """The `$schema` address of a new file in `folder`: the repository's copy (`schema --write`)
    by a relative path, else the published one under `site_url`, else None."""
    from .scaffold import REPOSITORY_SCHEMA

    copy = os.path.join(_repository_root(folder, project), REPOSITORY_SCHEMA)
    if os.path.isfile(copy):
        return os.path.relpath(copy, os.path.abspath(folder)).replace(os.sep, "/")
    if project.site_url:
        return paths.absolute_url(project.site_url, schema.INCIDENT_SCHEMA_PATH)
    return None


def _repository_root(folder: str, project: Project) -> str:
    """Where `schema --write` puts the schemas for this incidents folder: the knowledge base's
    folder (that of its mkdocs.yml) when the folder lies inside, else the folder above it."""
    root = os.path.abspath(project.root)
    return root if paths.is_inside(folder, root) else os.path.dirname(os.path.abspath(folder))


def _note_stale_schema(folder: str, project: Project) -> None:
    """Say so when the repository's incident schema is not what `schema --write` would write now."""
    from .scaffold import REPOSITORY_SCHEMA

    root = _repository_root(folder, project)
    if not os.path.isfile(os.path.join(root, REPOSITORY_SCHEMA)) or root != os.path.abspath(project.root):
        return
    plan = _schema_plan(root, project)
    if plan and any(relative == REPOSITORY_SCHEMA and state == "stale" for relative, _, state in plan):
        print(
            f"note: {REPOSITORY_SCHEMA} is out of date (made from another catalog, or by another outagekb); "
            "`outagekb schema --write` brings it up to date",
            file=sys.stderr,
        )


def _other_incident(folder: str, chosen: str) -> str | None:
    """The newest other incident of the folder, whose id makes a `related` hint that validates."""
    from .loader import scan_directory

    if not os.path.isdir(folder):
        return None
    ids = [incident_id for incident_id, _ in scan_directory(folder).incidents if incident_id != chosen]
    return max(ids) if ids else None


def _first_line(text: str, missing: list[str]) -> int | None:
    """The line number of the first required field left empty, where the editor's cursor should wait."""
    if not missing:
        return None
    key = "  - cause:" if missing[0] == "causes" else f"{missing[0]}:"
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(key):
            return number
    return None


def _listdir(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _ask(prompt: str, check: Callable[[str], tuple[object, str | None]]) -> object:
    """Ask until the answer passes `check`; an empty answer leaves the field to fill in later."""
    while True:
        answer = input(prompt).strip()
        if not answer:
            return None
        value, error = check(answer)
        if error is None:
            return value
        print(f"  {error}", file=sys.stderr)


def _ask_yes(prompt: str) -> bool:
    """A yes-or-no question whose answer by Enter is yes."""
    while True:
        answer = input(prompt).strip().lower()
        if answer in ("", "y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        print("  answer y or n", file=sys.stderr)


def _ask_id(proposed: str | None, folder: str) -> str:
    """Show the id the file will have and let the author change it; Enter accepts it."""
    print(
        "The id is the file's name and the incident's permanent address (incidents/<id>/); it cannot change once published.",
        file=sys.stderr,
    )
    taken = _taken(folder, proposed) if proposed else None
    if taken:
        print(f"  {taken} already exists; type another id", file=sys.stderr)
    elif not proposed:
        print("  With no title to make it from, type one: <YYYY-MM-DD>-<org>-<a-few-words>", file=sys.stderr)
    offer = proposed if proposed and not taken else None
    while True:
        answer = input(f"Id [{offer}]: " if offer else "Id: ").strip()
        if not answer:
            if offer:
                return offer
            print("  an id is needed: it names the file", file=sys.stderr)
            continue
        checked, why = _check_id(answer)
        if why:
            print(f"  {why}", file=sys.stderr)
            continue
        taken = _taken(folder, str(checked))
        if taken:
            print(f"  {taken} already exists; type another id", file=sys.stderr)
            continue
        return str(checked)


def _ask_missing(new: NewIncident, catalog: Catalog, default_organization: str | None) -> None:
    print("New incident. Press Enter to leave a field empty and fill it in later.", file=sys.stderr)
    for name, prompt in (("title", "Title (what failed, and how): "), ("organization", "Organization: ")):
        if name == "organization" and default_organization:
            continue  # the site's default: the file need not name it
        if getattr(new, name) is None:
            f = _field(name)
            setattr(new, name, _ask(prompt, lambda answer, f=f, name=name: _named(name, _check(answer, f))))  # type: ignore[misc]
    if not new.services:
        item = _item("services")
        answer = _ask(
            "Services affected (comma-separated): ",
            lambda a: (None, error) if (error := _check_list(_split(a), item)) else (_split(a), None),
        )
        new.services = list(answer) if isinstance(answer, list) else []
    if new.severity is None:
        answer = _ask(f"Severity ({', '.join(catalog.severity_ids)}): ", lambda a: _severity(a, catalog))
        new.severity = str(answer) if answer else None
    if new.started is None:
        f = _field("started")
        prompt = "Started (with UTC offset, e.g. 2025-03-04T15:16:00-08:00): "
        new.started = _ask(prompt, lambda a: _named("started", _check(a, f)))  # type: ignore[assignment]
    if new.summary is None:
        f = _field("summary")
        answer = _ask("Summary (what happened, in a sentence or two): ", lambda a: _named("summary", _check(a, f)))
        new.summary = str(answer) if answer else None
    if not new.causes:
        print("Causes: " + ", ".join(catalog.causes), file=sys.stderr)
        answer = _ask("Causes (comma-separated ids, the trigger first): ", lambda a: _ids(a, catalog.causes, "cause"))
        new.causes = list(answer) if isinstance(answer, list) else []
    if not new.lessons and catalog.lessons:
        print("Lessons: " + ", ".join(catalog.lessons), file=sys.stderr)
        answer = _ask("Lessons (comma-separated ids, optional): ", lambda a: _ids(a, catalog.lessons, "lesson"))
        new.lessons = list(answer) if isinstance(answer, list) else []


def _named(name: str, checked: tuple[object, str | None]) -> tuple[object, str | None]:
    """A prompt's check, its message naming the field once (`title is 250 characters long…`)."""
    value, error = checked
    return value, _about(name, error) if error else None


def _ids(answer: str, known: Mapping[str, object], what: str) -> tuple[object, str | None]:
    values = _split(answer)
    error = _check_ids(values, known, what)
    return (None, error) if error else (values, None)


EPILOG_INIT = """\
examples:
  outagekb init our-outages
  outagekb init our-outages --ci gitlab                 a GitLab pipeline instead of a GitHub workflow
  outagekb init our-outages --severities sev1,sev2,sev3,sev4   your own scale, most severe first
  outagekb init . --name "Payments outages" --force     an existing folder: only missing files are added

Writes mkdocs.yml, docs/index.md, incidents/catalog.yaml (the shipped catalog, with
--severities your scale at its top), one example incident, the schemas for editors
(schema/incident.schema.json and schema/catalog.schema.json, as `outagekb schema
--write` does), requirements.txt (this same outagekb, from where it was installed, and
the versions it runs with) and the CI file: .github/workflows/outagekb.yml (--ci github, the default: checks pull requests
and lists the incidents most like each changed file in the run's summary, deploys main to
GitHub Pages, and rebuilds it daily) or .gitlab-ci.yml (--ci gitlab: checks merge requests
with a Code Quality report and lists similar incidents in an artifact, deploys the default
branch to GitLab Pages; add a daily pipeline schedule). Then: cd DIR && mkdocs serve.
exit codes: 0 created, 1 DIR is not empty (without --force) or cannot be written, 2 usage error.
"""


def init_knowledge_base(args: argparse.Namespace) -> int:
    from .scaffold import knowledge_base_files, severity_levels, write_new

    severities: list[str] | None = None
    if args.severities is not None:
        try:
            severities = severity_levels(args.severities)
        except ValueError as error:
            print(f"outagekb init: --severities: {error}", file=sys.stderr)
            return 2
    folder: str = args.dir
    if os.path.exists(folder) and not os.path.isdir(folder):
        print(f"outagekb init: {folder} is a file, not a folder", file=sys.stderr)
        return 1
    existing = _listdir(folder)
    if existing and not args.force:
        print(
            f"outagekb init: {folder} is not empty; use --force to add the missing files (existing files are never replaced)",
            file=sys.stderr,
        )
        return 1
    with open(SHIPPED_CATALOG, encoding="utf-8") as stream:
        catalog_text = stream.read()
    name = args.name or os.path.basename(os.path.abspath(folder)).replace("-", " ").replace("_", " ").strip().capitalize()
    written: list[tuple[str, str]] = []  # (path, what was done)
    kept: list[tuple[str, str]] = []  # (path, why)
    files = knowledge_base_files(name or "Our outages", catalog_text, ci=args.ci, severities=severities)
    for relative, text in files.items():
        target = os.path.join(folder, relative)
        try:
            write_new(target, text)
            written.append((relative, "created"))
        except FileExistsError:
            kept.append((relative, "exists"))
        except OSError as error:
            print(f"outagekb init: cannot write {target}: {error.strerror or error}", file=sys.stderr)
            return 1
    # the schemas come from the catalog now in the folder (a kept one, with --force)
    for relative, text, state in _schema_plan(folder, _project(os.path.join(folder, "mkdocs.yml"))) or []:
        if state == "foreign":
            kept.append((relative, "exists; outagekb did not write it"))
        elif not _write_schema(os.path.join(folder, relative), text, state):
            return 1
        elif state == "current":
            kept.append((relative, "exists"))
        else:
            written.append((relative, SCHEMA_OUTCOMES[state]))
    for relative, done in written:
        print(f"{done} {os.path.join(folder, relative)}")
    for relative, why in kept:
        print(f"kept    {os.path.join(folder, relative)} ({why})")
    print(f"Next: cd {folder} && pip install -r requirements.txt && mkdocs serve", file=sys.stderr)
    return 0


EPILOG_RENDER = """\
examples:
  outagekb render docs/kb                  write every generated page into docs/kb
  outagekb render out --no-directory-urls  links for a site built with use_directory_urls: false
  outagekb render docs/kb --link-style source   for Zensical, which resolves links against source files

Writes the pages the plugin generates (incidents, causes, lessons, indexes, browse,
stats, actions) as Markdown with front matter, and incidents.json, the browse index,
the feeds, the schemas, the stylesheet and the script, with links relative to each
other, so that another generator can publish them with no outagekb code. List the
stylesheet and the script in that generator's configuration (see the docs page
"Using outagekb without the plugin"). Drafts are left out.
exit codes: 0 written, 1 problems in the incident files or a folder holding other
files (without --force), 2 usage error.
"""


def render_folder(args: argparse.Namespace) -> int:
    # the page machinery (Jinja, Markdown, the sanitiser) is imported only by the commands that
    # make pages, so that `validate` starts fast
    from .graph import build_graph
    from .render import Renderer, RenderOptions
    from .templating import Templates, override_dirs
    from .writer import write_folder

    found_project = _find_project()
    project = found_project or Project()
    if args.incidents and not os.path.isdir(args.incidents):
        print(f"outagekb render: {args.incidents}: no such folder", file=sys.stderr)
        return 2
    if not args.incidents and found_project is None:
        return _no_knowledge_base("render", "name the incidents folder: outagekb render --incidents FOLDER OUT_DIR")
    folder = args.incidents or project.incidents
    audience = _audience("render", project, args.audience)
    if audience is None:
        return 2
    kb, problems = load_knowledge_base(
        folder,
        project.catalog if not args.incidents else None,
        organization=project.organization,
        image_folders=project.image_folders,
        visibility=project.default_visibility,
    )
    folders = override_dirs([project.custom_dir] if project.custom_dir else [])
    messages = Messages.for_language(project.language, folders)
    problems += messages.problems
    print_problems(problems)
    for note in messages.notes:
        print(f"outagekb render: {note}", file=sys.stderr)
    if errors(problems):
        print(f"outagekb render: {counted(problems)} in the incident files; nothing was written", file=sys.stderr)
        return 1
    kb, left_out = for_audience(kb, audience)  # the one gate, as in the plugin: everything below is made from it
    if not args.quiet:
        print(f"outagekb render: {audience_note(kb, left_out)}", file=sys.stderr)
    options = RenderOptions(
        use_directory_urls=not args.no_directory_urls,
        site_url=args.site_url or project.site_url,
        link_style=args.link_style,
        image_folders=project.image_folders,
        remote_images=project.remote_images,
        search_engine=args.search_engine or project.search_engine,
    )
    templates = Templates(folders, messages)
    try:
        result = write_folder(args.out_dir, Renderer(build_graph(kb), options, templates=templates).outputs(), force=args.force)
    except OutagekbError as refusal:
        print_problems(refusal.problems)
        print(f"outagekb render: {refusal.summary}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"outagekb render: cannot write {error.filename or args.out_dir}: {error.strerror or error}", file=sys.stderr)
        return 1
    if not args.quiet:
        removed = f", removed {len(result.removed)} no longer generated" if result.removed else ""
        print(f"outagekb: wrote {len(result.written)} files into {args.out_dir}{removed}", file=sys.stderr)
    if options.search_engine == search.PAGEFIND and not args.quiet:
        # the other generator builds the site; Pagefind indexes it afterwards, as the plugin would
        command = search.pagefind_command("SITE_DIR", use_directory_urls=options.use_directory_urls)
        print(f"Next, after the site is built into SITE_DIR: {command}", file=sys.stderr)
    return 0


EPILOG_IMPORT = """\
examples:
  outagekb import statuspage https://status.example.com/api/v2/incidents.json
  outagekb import statuspage history/                  a folder of incidents/<code>.json files
  outagekb import gcp https://status.cloud.google.com/incidents.json --dry-run
  outagekb import csv outages.csv --timezone Europe/Paris --column title="What broke"
  outagekb import statuspage incidents.json --update   bring in new updates and resolved times

Writes one incident file per source incident into the incidents folder of ./mkdocs.yml
(or --into), marked `unclassified: true` with the likely causes in a comment: the
causes are yours to write. Running the same import again changes no file; --update
adds only what the source posted since, and never changes what a person wrote.
The mapping of every field: docs/import.md.
exit codes: 0 all imported or skipped, 1 some record or source had problems, 2 usage error.
"""


def import_incidents(args: argparse.Namespace) -> int:
    """`outagekb import KIND SOURCE...`: the options are checked here, the work is in `importing`."""
    from .importing import run as importing
    from .importing import sheet, times
    from .importing.record import UsageError

    name = f"outagekb import {args.kind}"
    project = _find_project() or Project()
    folder = args.into or project.incidents
    catalog = _catalog(project, folder)
    if catalog is None:
        return 1
    sheet_options = sheet.SheetOptions()
    if args.kind == "csv":
        try:
            zone = times.zone(args.timezone) if args.timezone else None
        except ValueError as error:
            print(f"{name}: --timezone: {error}", file=sys.stderr)
            return 2
        columns: dict[str, str] = {}
        for given in args.column or []:
            field, equals, header = given.partition("=")
            field = field.strip().lower()
            if not equals or field not in sheet.COLUMNS:
                known = ", ".join(sheet.COLUMNS)
                print(f"{name}: --column {given}: write FIELD=HEADER with FIELD one of {known}", file=sys.stderr)
                return 2
            columns[field] = header.strip()
        severities: dict[str, str] = {}
        levels = list(dict.fromkeys([*catalog.severity_ids, *model.SEVERITIES]))  # the team's scale, or the default words
        for given in args.severity or []:
            word, equals, level = given.rpartition("=")
            if not equals or not word.strip() or level.strip() not in levels:
                print(f"{name}: --severity {given}: write WORD=LEVEL with LEVEL one of {', '.join(levels)}", file=sys.stderr)
                return 2
            severities[word.strip()] = level.strip()
        delimiter = {"tab": "\t", "\\t": "\t"}.get(args.delimiter or "", args.delimiter)
        if delimiter is not None and len(delimiter) != 1:
            print(f"{name}: --delimiter: one character (or `tab`)", file=sys.stderr)
            return 2
        sheet_options = sheet.SheetOptions(
            clock=times.SheetClock(zone, args.date_order),
            columns=columns,
            severities=severities,
            delimiter=delimiter,
            encoding=args.encoding,
            default_organization=project.organization,
        )
    for source in args.sources:
        if not os.path.exists(source) and not source.lower().startswith(("https://", "http://")):
            print(f"{name}: {source}: no such file or folder", file=sys.stderr)
            return 2
    options = importing.Options(
        kind=args.kind,
        sources=list(args.sources),
        into=folder,
        catalog=catalog,
        organization=args.organization,
        update=args.update,
        dry_run=args.dry_run,
        quiet=args.quiet,
        sheet_options=sheet_options,
    )
    try:
        return importing.run(options)
    except UsageError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2


def _import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bring = commands.add_parser(
        "import",
        help="write incident files from a status page, Google Cloud's status feed or a spreadsheet",
        description="Bring past incidents in: one incident file per incident of the source, never over a file it did not write.",
        epilog=EPILOG_IMPORT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = bring.add_subparsers(dest="kind", metavar="SOURCE_KIND", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--into", metavar="FOLDER", help="the incidents folder to write into (default: from ./mkdocs.yml, else ./incidents)"
    )
    common.add_argument("--organization", metavar="NAME", help="whose outages these are (default: the page's name; Google Cloud)")
    common.add_argument(
        "--update", action="store_true", help="bring new updates and a missing mitigated/resolved time into files imported before"
    )
    common.add_argument("--dry-run", action="store_true", help="say what would be written, write nothing")
    common.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")
    for kind, sources, text in (
        (
            "statuspage",
            "+",
            "Statuspage v2 JSON: /api/v2/incidents.json, /api/v2/incidents/<code>.json, a folder of them, or their https:// address",
        ),
        ("gcp", 1, "Google Cloud's status incidents.json (a file or its https:// address)"),
        ("csv", 1, "a spreadsheet exported as CSV, one row per incident, with a header row"),
    ):
        sub = kinds.add_parser(
            kind,
            parents=[common],
            help=text,
            description=text,
            epilog=EPILOG_IMPORT,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("sources", nargs=sources, metavar="SOURCE" if kind != "csv" else "FILE")
        if kind == "csv":
            sub.add_argument(
                "--column",
                action="append",
                metavar="FIELD=HEADER",
                help="read FIELD from the column HEADER (repeat); FIELD= leaves a field out",
            )
            sub.add_argument(
                "--timezone",
                metavar="ZONE",
                help="for times without an offset: an IANA name (Europe/Paris) or an offset (+01:00)",
            )
            sub.add_argument("--date-order", choices=("dmy", "mdy"), help="how to read 05/03/2024: dmy (5 March) or mdy (May 3)")
            sub.add_argument(
                "--severity",
                action="append",
                metavar="WORD=LEVEL",
                help="read a severity word of the sheet as one of the catalog's levels (critical, major, minor by default; repeat)",
            )
            sub.add_argument(
                "--delimiter", metavar="CHAR", help="the column separator (default: the one the header row uses: , ; or tab)"
            )
            sub.add_argument(
                "--encoding", default="utf-8", help="the file's encoding (default utf-8; cp1252 for some Excel exports)"
            )
        sub.set_defaults(run=import_incidents)


AUDIENCE_HELP = (
    "internal: the whole knowledge base; public: only public incidents, without their internal parts "
    "(default: mkdocs.yml's audience, else $OUTAGEKB_AUDIENCE, else internal)"
)


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
    check.add_argument("--audience", choices=AUDIENCES, help=AUDIENCE_HELP)
    from .problems import FORMATS

    check.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default): path:line:column: error: message; gitlab: a Code Quality report; "
        "sarif: SARIF 2.1.0; json: [{path, line, column, severity, message}]",
    )
    check.set_defaults(run=validate)
    show = commands.add_parser(
        "schema",
        help="print the JSON Schema of incident files (or of the catalog) for editors, or write both into the repository",
        description="Print the JSON Schema (draft 2020-12) of an incident file, with the cause and lesson ids "
        "of the knowledge base that ./mkdocs.yml names (else ./incidents, else the shipped catalog).",
        epilog=EPILOG_SCHEMA,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    given = show.add_mutually_exclusive_group()
    given.add_argument("--catalog-file", action="store_true", help="print the schema of the catalog file instead")
    given.add_argument(
        "--write",
        action="store_true",
        help="write both schemas into schema/ beside mkdocs.yml, replacing only files outagekb wrote",
    )
    show.set_defaults(run=print_schema)
    create = commands.add_parser(
        "new",
        help="create an incident file to fill in, from flags or by asking",
        description="Create incidents/<date>-<org>-<slug>.yaml with every required field and hints for the rest; "
        "in a terminal, ask for each required field you do not give, and for the id.",
        epilog=EPILOG_NEW,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    create.add_argument("--title", help="one line: what failed, and how")
    create.add_argument("--organization", help="whose service failed")
    create.add_argument("--service", action="append", metavar="NAME", help="a service affected (repeat for several)")
    create.add_argument("--severity", metavar="ID", help="one of the catalog's severities (critical, major, minor by default)")
    create.add_argument("--started", metavar="TIMESTAMP", help="when impact began, with its offset: 2025-03-04T15:16:00-08:00")
    create.add_argument(
        "--summary", metavar="TEXT", help="what happened (Markdown); - reads it from standard input, and then nothing is asked"
    )
    create.add_argument("--cause", action="append", metavar="ID", help="a cause id from the catalog (repeat; the trigger first)")
    create.add_argument("--lesson", action="append", metavar="ID", help="a lesson id from the catalog (repeat)")
    create.add_argument("--tag", action="append", metavar="TAG", help="a keyword (repeat)")
    create.add_argument("--id", help="the file's id instead of one made from the date, organization and title")
    create.add_argument("--dir", metavar="FOLDER", help="the incidents folder (default: from ./mkdocs.yml, else ./incidents)")
    create.add_argument("--no-input", action="store_true", help="never ask, even in a terminal")
    create.add_argument("--edit", action="store_true", help="open the new file in $VISUAL or $EDITOR once it is written")
    create.add_argument("-q", "--quiet", action="store_true", help="print only the new file's path")
    create.set_defaults(run=new_incident)
    start = commands.add_parser(
        "init",
        help="start a new knowledge base that builds at once",
        description="Create a complete knowledge base in DIR: site configuration, catalog, an example incident, CI.",
        epilog=EPILOG_INIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    start.add_argument("dir", metavar="DIR", help="the folder to create (or an empty one)")
    start.add_argument("--name", help="the site's name (default: from the folder's name)")
    start.add_argument("--force", action="store_true", help="add the missing files to a folder that is not empty")
    from .scaffold import CI_SYSTEMS

    start.add_argument(
        "--ci",
        choices=CI_SYSTEMS,
        default="github",
        help="github (default): .github/workflows/outagekb.yml for GitHub Pages; gitlab: .gitlab-ci.yml for GitLab Pages",
    )
    start.add_argument(
        "--severities",
        metavar="ID,ID,...",
        help="the team's severity scale, most severe first (sev1,sev2,sev3,sev4); default: critical, major, minor",
    )
    start.set_defaults(run=init_knowledge_base)
    out = commands.add_parser(
        "render",
        help="write the generated pages as Markdown for another generator",
        description="Write every page and file the plugin generates into OUT_DIR, for publishing without the plugin.",
        epilog=EPILOG_RENDER,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    out.add_argument("out_dir", metavar="OUT_DIR", help="the folder to write (inside the other generator's docs folder)")
    out.add_argument("--incidents", metavar="FOLDER", help="the incidents folder (default: from ./mkdocs.yml, else ./incidents)")
    out.add_argument("--no-directory-urls", action="store_true", help="links for page.html addresses instead of page/")
    out.add_argument(
        "--link-style",
        choices=paths.LINK_STYLES,
        default="url",
        help="url (default): links between published addresses, for MkDocs; "
        "source: relative .md paths, for generators that resolve links in HTML against source files (Zensical)",
    )
    out.add_argument("--site-url", help="the published address, for absolute links in feeds and the export")
    out.add_argument("--force", action="store_true", help="write into a folder that holds other files (they are kept)")
    out.add_argument("--audience", choices=AUDIENCES, help=AUDIENCE_HELP)
    out.add_argument(
        "--search-engine",
        choices=search.SEARCH_ENGINES,
        help="pagefind: pages with Pagefind's filters and the search box's script, and the command that indexes "
        "the built site (default: the plugin's search_engine in ./mkdocs.yml, else material)",
    )
    out.add_argument("-q", "--quiet", action="store_true", help="print nothing when all goes well")
    out.set_defaults(run=render_folder)
    like = commands.add_parser(
        "similar",
        help="rank the incidents most like a file (a draft, or one in review), each with its reasons",
        description="Rank the knowledge base's incidents by how alike they are to each FILE: "
        "shared causes, services, organization, upstream, tags, time and words.",
        epilog=EPILOG_SIMILAR,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    like.add_argument("files", nargs="*", metavar="FILE", help="incident files, drafts included")
    like.add_argument("--top", type=_positive, default=5, metavar="N", help="how many incidents to show per file (default 5)")
    like.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default); json: documented in docs/similar.md; markdown: for a pull request's job summary",
    )
    like.add_argument(
        "--changed-since",
        metavar="BASE",
        help="also every incident file added or changed since BASE (git diff BASE...HEAD), as CI runs it",
    )
    like.add_argument("--no-cache", action="store_true", help="read every file; neither read nor write the cache")
    like.add_argument("-q", "--quiet", action="store_true", help="no summary line on standard error")
    like.set_defaults(run=similar)
    _import_parser(commands)
    return parser


def _positive(text: str) -> int:
    """A count given on the command line: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"`{text}`: give 1 or more")
    return value


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
