"""The files `outagekb new` and `outagekb init` write: an incident to fill in, a whole
new knowledge base that builds at once, and the repository's copy of the schemas.

Nothing here overwrites a person's file: incidents and a new knowledge base's files are
opened with mode "x", so a file that appears between the check and the write is still
safe, and a schema file is replaced only when its `$comment` says outagekb wrote it.
Required fields left to fill are written empty, so `outagekb validate` keeps failing
until someone fills them in.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from importlib import metadata

from . import __version__, paths, schema, spec
from .model import TIMESTAMP_FIELDS, Catalog

SCHEMA_COMMENT = "# yaml-language-server: $schema={url}\n"

# fmt: off
STOP_WORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "nor", "by", "with", "without",
    "from", "after", "before", "during", "into", "onto", "over", "under", "as", "than", "then", "its", "it",
    "is", "was", "are", "were", "be", "been", "being", "that", "which", "while", "when",
})
# fmt: on
"""Words an id's slug never ends on: `…-after-the` reads as a title cut short."""

ARTICLES = frozenset({"a", "an", "the"})
"""Words an id's slug does not start with: `the-api-was-down` says no more than `api-was-down`."""


def _words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_text.lower())


def _fit(words: list[str], limit: int) -> list[str]:
    """The leading words that fit in `limit` characters once joined by hyphens."""
    kept: list[str] = []
    for word in words:
        if len("-".join([*kept, word])) > limit:
            break
        kept.append(word)
    return kept


def slug(text: str, limit: int = 40) -> str:
    """`Acme Chat: API down!` -> `acme-chat-api-down`: ASCII words joined by single hyphens."""
    words = _words(text)
    return "-".join(_fit(words, limit)) or (words[0][:limit] if words else "")


def title_slug(title: str, limit: int) -> str:
    """A title's words for an id, cut at a word boundary and never after a word such as
    `the` or `of` (`The outage of the API after the deploy` -> `outage-of-the-api-after-the-deploy`,
    or `outage-of-the-api` when only that fits), so that a cut id still reads as a phrase."""
    words = _words(title)
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    kept = _fit(words, limit)
    while len(kept) > 1 and kept[-1] in STOP_WORDS:
        kept.pop()
    return "-".join(kept) or (words[0][:limit] if words else "")


def incident_id(started: date, organization: str, title: str) -> str:
    """`<date>-<org>-<slug>`, 80 characters at most, as the format's convention asks."""
    org = slug(organization, 20) or "org"
    rest = spec.ID_MAX - len(f"{started:%Y-%m-%d}-{org}-")
    return f"{started:%Y-%m-%d}-{org}-{title_slug(title, rest) or 'incident'}"


def _yaml_string(value: str) -> str:
    """A one-line value as YAML: plain when safe, else double-quoted (JSON strings are YAML)."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._/()'+-]*", value) and not value.endswith(" ") and ": " not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def markdown_block(name: str, text: str, indent: str = "") -> list[str]:
    """A Markdown field as a literal block (`summary: |`), which needs no quoting whatever the
    text holds; the lines YAML would read as line breaks (U+2028, U+2029) become line breaks."""
    for separator in ("\r\n", "\r", "\u2028", "\u2029"):
        text = text.replace(separator, "\n")
    lines = text.strip("\n").rstrip().split("\n")
    header = "|2" if lines[0][:1] in (" ", "\t") else "|"  # an indented first line would set the indentation
    return [f"{indent}{name}: {header}"] + [f"{indent}  {line}" if line.strip() else "" for line in lines]


@dataclass
class NewIncident:
    """What `outagekb new` knows so far; None or empty means "write it for the author to fill in"."""

    title: str | None = None
    organization: str | None = None
    services: list[str] = field(default_factory=list)
    severity: str | None = None
    started: datetime | None = None
    summary: str | None = None
    causes: list[str] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def missing(self, default_organization: str | None = None) -> list[str]:
        """The required fields still to fill in, in the file's order."""
        given = {
            "title": self.title,
            "organization": self.organization or default_organization,
            "services": self.services,
            "severity": self.severity,
            "started": self.started,
            "summary": self.summary,
            "causes": self.causes,
        }
        return [name for name, value in given.items() if not value]


@dataclass(frozen=True)
class TemplateContext:
    """What the knowledge base offers the new file's comments, so that they point only at
    things that exist in it."""

    schema_url: str | None = None
    """The `$schema` address: the repository's copy (relative), else the published site's;
    None when neither exists, and then the file says how to get one."""
    default_organization: str | None = None
    """The plugin's `organization` option: then the file need not name one."""
    other_incident: str | None = None
    """An incident of the same knowledge base, for the `related` hint; None when there is none."""


EXAMPLE_STARTED = datetime(2025, 3, 4, 15, 16, tzinfo=timezone(timedelta(hours=-8)))
"""The time the hints' timestamps are made from when the author gave no `started`."""


def incident_text(new: NewIncident, catalog: Catalog, context: TemplateContext | None = None) -> str:
    """The new file: every required field (empty where unknown), and the optional ones as
    commented blocks, each valid YAML once its `# ` is removed (with ids from `catalog`, and
    times that fit `started`); no `organization` when the site has a default one."""
    context = context or TemplateContext()
    lines: list[str] = []
    if context.schema_url:
        lines.append(SCHEMA_COMMENT.format(url=context.schema_url).rstrip("\n"))
        lines.append("# A new incident: fill in every empty field; `outagekb validate` names what is missing or wrong.")
        lines.append("# The schema named above describes each field; an editor with YAML support shows it as you type.")
    else:
        lines.append("# A new incident: fill in every empty field; `outagekb validate` names what is missing or wrong.")
        lines.append("# `outagekb schema --write` puts the format's schema in the repository, so that editors complete fields.")
    lines.append("# Optional fields are the commented blocks: remove the `# ` in front of a block's lines to use it.")

    def scalar(name: str, value: str | None, hint: str, *, plain: bool = False) -> None:
        if value:
            lines.append(f"{name}: {value if plain else _yaml_string(value)}")
        else:
            lines.append(f"{name}:  # required: {hint}")

    base = new.started or EXAMPLE_STARTED

    def at(minutes: int) -> str:
        return (base + timedelta(minutes=minutes)).isoformat(timespec="seconds")

    scalar("title", new.title, "one line, what failed and how")
    default_organization = context.default_organization
    if new.organization or not default_organization:
        scalar("organization", new.organization, "whose service failed")
    else:
        # no comment after the value: YAML would read it as a comment of the line, which the loader refuses
        lines.append("# The site's default organization; to name another, write it here:")
        lines.append(f"# organization: {_yaml_string(default_organization)}")
    if new.services:
        lines.append("services: [" + ", ".join(_yaml_string(s) for s in new.services) + "]")
    else:
        lines.append("services:  # required: [Product, API]")
    scalar("severity", new.severity, " | ".join(catalog.severity_ids))
    started = new.started.isoformat() if new.started else None
    scalar("started", started, f"when impact began, with its UTC offset: {EXAMPLE_STARTED.isoformat()}", plain=True)
    lines += [
        f"# detected: {at(3)}  # when the operators knew (may be before started)",
        f"# mitigated: {at(60)}  # when most users had service again",
        f"# resolved: {at(120)}  # when it was over; leave it out while the outage goes on",
        f"# approximate: [started]  # the times only approximately known, of {', '.join(TIMESTAMP_FIELDS)}",
        "# regions: [global]",
        "# upstream: [AWS]  # organizations whose failure caused or worsened this one",
    ]
    if new.summary:
        lines += markdown_block("summary", new.summary)
    else:
        lines.append("summary:  # required: what happened, a paragraph or two (write `summary: |` and indent the text below)")
    lines += ["# impact: |", "#   Who could not do what, for how long, with numbers where they are known."]
    if not new.causes:
        lines.append("# Causes not known yet? Leave `causes` out and write `unclassified: true` instead.")
    lines.append("causes:  # required; ids from the catalog (incidents/catalog.yaml):")
    lines += _id_list_comment(list(catalog.causes))
    if new.causes:
        for index, cause_id in enumerate(new.causes):
            lines.append(f"  - cause: {cause_id}")
            lines.append("    role: trigger" if index == 0 else "    role: contributing")
            lines.append("    detail:  # how this cause showed up here")
    else:
        lines += ["  - cause:  # required", f"    role: trigger  # {_choices('role', spec.CAUSE_ENTRY)}", "    detail:"]
    lesson_ids = list(catalog.lessons)
    example_lesson = next(iter(new.lessons or lesson_ids), None)
    if new.lessons:
        lines.append("lessons:")
        for lesson_id in new.lessons:
            lines += [f"  - lesson: {lesson_id}", "    detail:  # what this incident taught about it"]
    elif lesson_ids:
        lines += ["# What it taught: lesson ids from the catalog:"] + _id_list_comment(lesson_ids)
        lines += ["# lessons:", f"#   - lesson: {lesson_ids[0]}", "#     detail: What this incident taught about it."]
    lines += [
        "# timeline:",
        f"#   - at: {at(3)}",
        f"#     kind: detect  # {_choices('kind', spec.TIMELINE_ENTRY)}",
        "#     event: Alerts fire for failing requests.",
        "# updates:  # public communication during the outage",
        f"#   - at: {at(20)}",
        f"#     status: investigating  # {_choices('status', spec.UPDATE_ENTRY)}",
        "#     text: We are investigating elevated error rates.",
        "# actions:",
        "#   - action: Add a break-glass path to the cluster API.",
    ]
    if example_lesson:
        lines.append(f"#     lesson: {example_lesson}")
    lines += [
        f"#     status: open  # {_choices('status', spec.ACTION_ENTRY)}",
        "#     owner: Platform team",
        f"#     due: {(base + timedelta(days=30)).date().isoformat()}",
        "#     ticket: https://tracker.example.com/browse/OPS-123",
        "# references:",
        "#   - title: Post-mortem",
        "#     url: https://status.example.com/incidents/123",
        f"#     kind: postmortem  # {_choices('kind', spec.REFERENCE_ENTRY)}",
        "# retrospective:",
        "#   went_well:",
        "#     - The rollback took five minutes.",
        "#   went_wrong:",
        "#     - Alerts went to a channel nobody watched.",
        "#     - text: The largest customer heard of it from their own users first.",
        "#       internal: true  # this item only on the internal site",
        "#   lucky:",
        "#     - It happened during office hours.",
    ]
    if new.tags:
        lines.append("tags: [" + ", ".join(_yaml_string(t) for t in new.tags) + "]")
    else:
        lines.append("# tags: [kubernetes, dns]")
    if context.other_incident:
        lines.append(f"# related: [{context.other_incident}]  # ids of other incidents in the incidents folder")
    else:
        lines.append("# Related incidents: add `related: [<id>, <id>]` with the ids (file names) of other incident files.")
    lines += [
        "# draft: true  # keeps it off the published site; mkdocs serve still shows it",
        f"# visibility: public  # {_choices('visibility')}; `public` puts it on the public site too",
        "# internal_notes: Names, figures and links that stay on the internal site.",
        "# A long post-mortem goes in `analysis: |`, or in a Markdown file of the same name beside this one",
        "# (and what only the internal site may show in `<id>.internal.md`).",
    ]
    return "\n".join(lines) + "\n"


def _choices(name: str, record: spec.Record = spec.INCIDENT) -> str:
    """A field's allowed values as a hint, `critical | major | minor`, from the format's table."""
    found = record.field(name)
    assert found is not None and found.choices, name
    return " | ".join(found.choices)


def _id_list_comment(ids: list[str]) -> list[str]:
    rows, current = [], "#   "
    for index, item in enumerate(ids):
        piece = item + (", " if index < len(ids) - 1 else "")
        if len(current) + len(piece) > 100:
            rows.append(current.rstrip())
            current = "#   "
        current += piece
    if current.strip("# "):
        rows.append(current.rstrip())
    return rows


def write_new(path: str, text: str) -> None:
    """Create the file; FileExistsError when it exists (never overwrite)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "x", encoding="utf-8") as stream:
        stream.write(text)


# the repository's copy of the schemas ----------------------------------------------

REPOSITORY_SCHEMA = "schema/incident.schema.json"
"""Where `outagekb schema --write` puts the incident schema, relative to the folder of
`mkdocs.yml`: outside the incidents folder (the loader would report it) and outside
`docs/` (MkDocs would publish it beside the generated one)."""
REPOSITORY_CATALOG_SCHEMA = "schema/catalog.schema.json"

SCHEMA_MARKER = "Written by `outagekb schema --write`"
"""How a schema file in the repository says that outagekb wrote it, and may replace it."""


def repository_schemas(catalog: Catalog, catalog_name: str, organization: str | None = None) -> dict[str, str]:
    """The two schema files for the repository, by path, each with a `$comment` that marks it
    as outagekb's and says how to bring it up to date."""
    documents = {
        REPOSITORY_SCHEMA: (
            schema.incident_schema(catalog, organization=organization),
            f"the causes and lessons of {catalog_name}",
        ),
        REPOSITORY_CATALOG_SCHEMA: (schema.catalog_schema(), "outagekb's catalog format"),
    }
    files = {}
    for path, (document, source) in documents.items():
        comment = f"{SCHEMA_MARKER} from {source}; run it again after changing the catalog. It replaces this file while this comment is here."
        marked = {"$schema": document["$schema"], "$comment": comment, **document}
        files[path] = schema.dumps(marked)
    return files


SCHEMA_FILE_STATES = ("missing", "current", "stale", "foreign")


def schema_file_state(path: str, text: str) -> str:
    """`missing`; `current` (it holds `text`); `stale` (outagekb wrote it, from another
    catalog or version); or `foreign`: a person's file, a link or a folder, never replaced."""
    if os.path.islink(path) or (os.path.exists(path) and not os.path.isfile(path)):
        return "foreign"
    try:
        with open(path, encoding="utf-8") as stream:
            found = stream.read()
    except FileNotFoundError:
        return "missing"
    except (OSError, UnicodeDecodeError):
        return "foreign"
    if found == text:
        return "current"
    try:
        document = json.loads(found)
    except ValueError:
        return "foreign"
    marked = isinstance(document, dict) and str(document.get("$comment", "")).startswith(SCHEMA_MARKER)
    return "stale" if marked else "foreign"


def write_schema_file(path: str, text: str) -> None:
    """Write through a temporary file beside it, so that an editor never reads half a schema."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


# outagekb init ------------------------------------------------------------------

MKDOCS_YML = """\
site_name: {site_name}
# Set this to the address the site is published at: feeds, the export and editors'
# schema links then use absolute addresses.
# site_url: https://your-org.github.io/{repo}/

theme:
  name: material
  font: false  # no web fonts: the site works on a closed network
  features:
    - navigation.tabs
    - navigation.top
    - search.suggest
    - search.highlight
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode

plugins:
  - search
  - outagekb:
      incidents: incidents
      # An incident is internal unless its file says `visibility: public`. The workflow
      # builds two sites: the public one (OUTAGEKB_AUDIENCE=public, for GitHub or GitLab
      # Pages) and the internal one, with everything, to publish inside the company.
      default_visibility: internal

markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true

nav:
  - Home: index.md
  - Incidents: incidents/index.md
  - Browse: browse/index.md
  - Causes: causes/index.md
  - Lessons: lessons/index.md
  - Open actions: actions/index.md
  - Statistics: stats/index.md
"""

INDEX_MD = """\
# {site_name}

Our outages, one page each, linked to what caused them and what they taught us.
When something breaks, start here: has it happened before?

- [Browse incidents](browse/index.md) by cause, service, severity or year.
- [Causes](causes/index.md): the cause tree, with how long outages of each kind lasted.
- [Lessons](lessons/index.md): the checklists our incidents taught us.
- [Open actions](actions/index.md): follow-up work that is not done yet.

To add an incident, run `outagekb new` and open a pull request; `outagekb validate`
checks the file the way the build does.
"""

EXAMPLE_ID = "2025-01-15-example-login-certificate"
EXAMPLE_INCIDENT = """\
# This example shows the format; replace it with your own first incident.
# `visibility: public` puts it on the public site too; without it, only the internal site has it.
visibility: public
title: Example login service refused sign-ins after its TLS certificate expired
organization: Example
services: [Login, Mobile app]
severity: {severity}
started: 2025-01-15T09:00:00+00:00
detected: 2025-01-15T09:06:00+00:00
mitigated: 2025-01-15T10:10:00+00:00
resolved: 2025-01-15T10:40:00+00:00
summary: |
  The certificate on the login service's load balancer expired at 09:00. Browsers and
  the mobile app refused the connection, so nobody could sign in until a renewed
  certificate was deployed.
impact: Sign-ins failed for every user for 70 minutes; sessions already open kept working.
causes:
  - cause: expired-credential
    role: [trigger, root]
    detail: The certificate had been renewed by hand the year before, and nobody owned the next renewal.
lessons:
  - lesson: monitoring
    detail: Alert on certificate expiry weeks ahead, not on the first failed handshake.
timeline:
  - at: 2025-01-15T09:06:00+00:00
    kind: detect
    event: Sign-in error rate alert fires.
  - at: 2025-01-15T10:10:00+00:00
    kind: mitigate
    event: Renewed certificate deployed to the load balancer.
updates:
  - at: 2025-01-15T09:20:00+00:00
    status: investigating
    text: Some users cannot sign in; we are investigating.
  - at: 2025-01-15T10:40:00+00:00
    status: resolved
    text: Sign-ins work again. An expired certificate caused the failures.
actions:
  - action: Renew certificates automatically and alert 30 days before any expiry.
    lesson: monitoring
    owner: Platform team
    due: 2025-03-01
tags: [tls, certificates]
"""

WORKFLOW = """\
# Checks every pull request (problems appear on the changed lines) and builds two sites
# from main:
# - the public site: only incidents marked `visibility: public`, without their internal
#   entries and notes (OUTAGEKB_AUDIENCE=public); published to GitHub Pages, which anyone
#   can read. Enable Pages with "GitHub Actions" as the source in the settings.
# - the internal site: the whole knowledge base, kept as the workflow artifact
#   "internal-site" (readable by those who can read this repository). Publish it where
#   only your company can read it: add a step that copies `site-internal` to your internal
#   web server, or to access-controlled Pages if your plan offers them.
# It also builds once a day: overdue actions are flagged on the day the site is built,
# so a site nobody pushes to must still be rebuilt.
name: outagekb

on:
  pull_request:
  push:
    branches: [main]
  schedule:
    - cron: "17 5 * * *"  # every day at 05:17 UTC, on the default branch
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: pages-${{ github.ref }}
  cancel-in-progress: true

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the history, so that a pull request can be compared with its base
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
          cache: pip
      - name: Install
        run: pip install -r requirements.txt
      - name: Validate incident files
        run: outagekb validate --audience public
      # the incidents most like each incident file the pull request adds or changes, in the
      # run's summary: likely duplicates, and incidents to name in `related`. Their index is
      # kept between runs (files are known by their content), and main keeps it current.
      - name: Restore the index of similar incidents
        uses: actions/cache@v4
        with:
          path: .cache/outagekb
          key: outagekb-similar-${{ github.sha }}
          restore-keys: outagekb-similar-
      - name: Similar incidents
        if: ${{ !cancelled() && github.event_name == 'pull_request' }}
        run: outagekb similar --changed-since "origin/$GITHUB_BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"
      - name: Index similar incidents for pull requests
        if: github.event_name != 'pull_request'
        run: outagekb similar --changed-since HEAD --quiet > /dev/null
      - name: Build the internal site
        run: mkdocs build --strict -d site-internal
        env:
          OUTAGEKB_AUDIENCE: internal
      - name: Build the public site
        run: mkdocs build --strict -d site
        env:
          OUTAGEKB_AUDIENCE: public
      - name: Keep the internal site
        if: github.event_name != 'pull_request' && github.ref == 'refs/heads/main'
        uses: actions/upload-artifact@v4
        with:
          name: internal-site
          path: site-internal
          retention-days: 7
      - name: Upload the public site
        if: github.event_name != 'pull_request' && github.ref == 'refs/heads/main'
        uses: actions/upload-pages-artifact@v3
        with:
          path: site

  deploy:
    if: github.event_name != 'pull_request' && github.ref == 'refs/heads/main'
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"""

GITLAB_CI = """\
# Checks every merge request and builds two sites from the default branch:
# - the public site, only incidents marked `visibility: public` without their internal
#   entries and notes (OUTAGEKB_AUDIENCE=public), published to GitLab Pages;
# - the internal site, the whole knowledge base, kept as the artifact of the job
#   `internal-site`. Publish it where only your company can read it. (With Pages access
#   control, Settings > General > Visibility > Pages: "Only project members", Pages can
#   serve the internal site instead: set OUTAGEKB_AUDIENCE to internal in `pages`.)
# Problems in incident files show in the merge request as a Code Quality report, each at
# its file and line (and on the changed lines themselves where the GitLab tier offers it).
#
# Daily build: overdue actions are flagged on the day the site is built, so add a
# pipeline schedule (Build > Pipeline schedules > New schedule, for example "17 5 * * *",
# target branch: the default branch). Its pipeline validates, builds and publishes the
# site as a push to the default branch does.

default:
  image: python:3.12  # has git, which a `git+https://` line in requirements.txt needs
  before_script:
    - pip install -r requirements.txt

variables:
  PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"

cache:
  key: pip
  paths:
    - .cache/pip

workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH  # pushes, schedules and manual runs

stages:
  - validate
  - build
  - deploy

validate:
  stage: validate
  script:
    # `validate` exits 1 when it finds problems: the report is written all the same, and
    # the second run prints the problems in the job log and fails the job
    - outagekb validate --format gitlab > gl-code-quality-report.json || true
    - outagekb validate
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json

# the incidents most like each incident file the merge request adds or changes: likely
# duplicates, and incidents to name in `related` (the merge request links the file)
similar:
  stage: validate
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  variables:
    GIT_DEPTH: "0"  # the history, so that the merge request can be compared with its base
  cache:  # pip's, and the index of similar incidents, kept between merge requests
    - key: pip
      paths:
        - .cache/pip
    - key: outagekb-similar
      paths:
        - .cache/outagekb
  script:
    - outagekb similar --changed-since "$CI_MERGE_REQUEST_DIFF_BASE_SHA" --format markdown > similar-incidents.md
  artifacts:
    when: always
    expose_as: similar incidents
    paths:
      - similar-incidents.md

build:
  stage: build
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - OUTAGEKB_AUDIENCE=internal mkdocs build --strict -d site-internal
    - OUTAGEKB_AUDIENCE=public mkdocs build --strict -d site

internal-site:
  stage: deploy
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  variables:
    OUTAGEKB_AUDIENCE: internal
  script:
    - mkdocs build --strict -d site-internal
  artifacts:
    expire_in: 1 week
    paths:
      - site-internal

pages:
  stage: deploy
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  variables:
    OUTAGEKB_AUDIENCE: public
  script:
    - mkdocs build --strict -d public
  artifacts:
    paths:
      - public
"""

CI_SYSTEMS = ("github", "gitlab")
"""What `outagekb init --ci` writes a pipeline for; `github` is the default."""

CI_FILES = {"github": (".github/workflows/outagekb.yml", WORKFLOW), "gitlab": (".gitlab-ci.yml", GITLAB_CI)}

GITIGNORE = "site/\nsite-internal/\n.venv/\n__pycache__/\n.cache/\n"
"""`.cache/` holds what `outagekb similar` keeps between runs."""

PINNED = ("mkdocs", "mkdocs-material", "PyYAML", "Markdown", "Jinja2", "nh3")

FOR_CI = "# For CI, write instead: outagekb @ git+https://github.com/<org>/outagekb@<commit>"


def requirements(distribution: metadata.Distribution | None = None) -> str:
    """outagekb as this installation came (see `outagekb_requirement`), and its dependencies
    pinned to the versions it runs with, so that CI builds the site as `init` did."""
    lines = ["# What the site build needs, pinned to the versions `outagekb init` ran with."]
    lines += outagekb_requirement(distribution)
    for name in PINNED:
        try:
            lines.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:  # pragma: no cover - all are dependencies of outagekb
            lines.append(name)
    return "\n".join(lines) + "\n"


def outagekb_requirement(distribution: metadata.Distribution | None = None) -> list[str]:
    """The requirement (with its comments) that installs this same outagekb, read from where
    pip installed it from (PEP 610's direct_url.json): a VCS URL at its commit, a wheel's
    address, a folder, or, from a package index (no direct_url.json), the version. outagekb
    is not on PyPI yet, so a version pin alone would not install it from anywhere else."""
    try:
        dist = distribution or metadata.distribution("outagekb")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return [f"outagekb=={__version__}"]
    pin = [f"outagekb=={dist.version}"]
    try:
        origin = json.loads(dist.read_text("direct_url.json") or "null")
    except ValueError:
        return pin
    url = origin.get("url") if isinstance(origin, dict) else None
    if not isinstance(origin, dict) or not isinstance(url, str) or not url:
        return pin
    subdirectory = origin.get("subdirectory")
    fragments = [f"subdirectory={subdirectory}"] if isinstance(subdirectory, str) and subdirectory else []
    vcs, archive = origin.get("vcs_info"), origin.get("archive_info")
    local = url.startswith("file:")
    if isinstance(vcs, dict) and isinstance(vcs.get("commit_id"), str):
        commit, asked = vcs["commit_id"], vcs.get("requested_revision")
        note = f" (asked for {asked})" if isinstance(asked, str) and asked != commit else ""
        return [
            f"# outagekb {dist.version} from {url}, at the commit `outagekb init` ran{note}",
            f"outagekb @ {vcs.get('vcs', 'git')}+{url}@{commit}" + _fragment(fragments),
        ]
    if isinstance(archive, dict) and local:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        return [
            "# The wheel `outagekb init` ran from: a file on that machine, so this line installs there only.",
            f"{FOR_CI}, or commit the wheel to this repository and write its path: ./{name}",
            f"outagekb @ {url}" + _fragment(fragments),
        ]
    if isinstance(archive, dict):
        hashes = archive.get("hashes")
        sha256 = hashes.get("sha256") if isinstance(hashes, dict) else None
        return [f"outagekb @ {url}" + _fragment(([f"sha256={sha256}"] if isinstance(sha256, str) else []) + fragments)]
    if isinstance(origin.get("dir_info"), dict) and local:
        return [
            "# The folder `outagekb init` ran from (a clone of outagekb, editable or not): it exists on that machine only.",
            f"{FOR_CI}, or a release wheel's https:// address",
            f"outagekb @ {url}" + _fragment(fragments),
        ]
    return pin


def _fragment(parts: list[str]) -> str:
    """`#sha256=…&subdirectory=…`, as pip reads a direct URL's fragment."""
    return "#" + "&".join(parts) if parts else ""


def severity_levels(text: str) -> list[str]:
    """`sev1,sev2,sev3` -> the ids of a severity scale, most severe first; ValueError with
    the reason for an id the catalog would refuse, a repeated id or an empty list."""
    levels = [part.strip() for part in text.split(",") if part.strip()]
    if not levels:
        raise ValueError("give the levels' ids separated by commas, most severe first: sev1,sev2,sev3,sev4")
    for level in levels:
        if level != level.lower() and paths.id_problem(level.lower()) is None:
            raise ValueError(f"`{level}`: ids are lowercase; write `{level.lower()}`")
        why = paths.id_problem(level)
        if why:
            raise ValueError(f"`{level}`: {why}")
    repeated = sorted({level for level in levels if levels.count(level) > 1})
    if repeated:
        raise ValueError(f"`{repeated[0]}` is given twice; each level appears once")
    return levels


def severity_title(level: str) -> str:
    """How pages show a level, made from its id: `sev1` -> `SEV-1`, `p-2` -> `P-2`,
    `critical` -> `Critical`."""
    if any(character.isdigit() for character in level):
        return "-".join(part.upper() for part in re.findall(r"[a-z]+|[0-9]+", level))
    return level.replace("-", " ").capitalize()


def catalog_with_severities(catalog_text: str, levels: list[str]) -> str:
    """The shipped catalog with a `severities` list at its top (after its opening comment),
    each level's description left for the team to write."""
    block = ["# The severity scale, most severe first: an incident's `severity` is one of these ids.", "severities:"]
    for level in levels:
        title = severity_title(level)
        block += [
            f"  - id: {level}",
            f"    title: {_yaml_string(title)}",
            f"    description:  # describe {title}: the impact that calls for it, so that everyone picks the same level",
        ]
    lines = catalog_text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), len(lines))
    return "".join(lines[:start]) + "\n".join(block) + "\n\n" + "".join(lines[start:])


def knowledge_base_files(
    site_name: str, catalog_text: str, *, ci: str = "github", severities: list[str] | None = None
) -> dict[str, str]:
    """Every file of a new knowledge base, by path relative to its folder: with `severities`
    the catalog gets that scale and the example uses one of its levels; `ci` picks the pipeline."""
    repo = slug(site_name, 40) or "outages"
    schema_url = "../" + REPOSITORY_SCHEMA  # written by `init` after these files (see `repository_schemas`)
    # the example's outage (every user unable to sign in for an hour) is the default scale's
    # `major`; a team's own scale gets the same place, the second level when there are two or more
    severity = severities[min(1, len(severities) - 1)] if severities else "major"
    example = SCHEMA_COMMENT.format(url=schema_url) + EXAMPLE_INCIDENT.format(severity=severity)
    assert paths.id_problem(EXAMPLE_ID) is None
    ci_path, ci_text = CI_FILES[ci]
    return {
        "mkdocs.yml": MKDOCS_YML.format(site_name=json.dumps(site_name), repo=repo),
        "docs/index.md": INDEX_MD.format(site_name=site_name),
        "incidents/catalog.yaml": SCHEMA_COMMENT.format(url="../" + REPOSITORY_CATALOG_SCHEMA)
        + (catalog_with_severities(catalog_text, severities) if severities else catalog_text),
        f"incidents/{EXAMPLE_ID}.yaml": example,
        "requirements.txt": requirements(),
        ci_path: ci_text,
        ".gitignore": GITIGNORE + ("public/\n" if ci == "gitlab" else ""),
    }
