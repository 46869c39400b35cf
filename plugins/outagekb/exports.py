"""The knowledge base for spreadsheets: `incidents.csv` and `actions.csv`, beside `incidents.json`.

Analysts open CSV, not JSON. Each file has a header row and one row per published incident
or per follow-up action of one (drafts never leave `mkdocs serve`). The incident columns are
the JSON export's record (`feeds.export_record`) laid flat, so that the two cannot disagree:

- a list is one cell, its items one per line (a line break between two items: no item
  of the format holds one, so the cell splits back exactly);
- the causes are one column of ids and one per role (`trigger_causes`, ...);
- true and false are `true` and `false`, an unknown value an empty cell, a number as JSON
  writes it (whole seconds without a decimal point).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and some
start one after a tab or a carriage return), so a text cell that starts with one of these
gets a `'` in front: the cell shows as text and runs nothing. To read the value back, drop
a leading `'` that stands before one of those characters. Numbers are written as they are:
a negative duration (`-120`, detected before impact) is a number, not a formula.

The text is UTF-8 with a byte-order mark, which Excel needs to read it as UTF-8 (Python:
`encoding="utf-8-sig"`); rows end with CRLF, as RFC 4180 has it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import paths
from .cache import ReuseOrMake, make_fresh
from .feeds import export_record
from .graph import Graph
from .model import ROLES, Action, Incident

INCIDENTS_CSV_PATH = paths.INCIDENTS_CSV_PATH
ACTIONS_CSV_PATH = paths.ACTIONS_CSV_PATH

LIST_SEPARATOR = "\n"
"""Between the items of a list in one cell."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a text cell may not start with (see the module docstring)."""
BOM = "\ufeff"


def neutralised(text: str) -> str:
    """A text cell a spreadsheet shows and does not run."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> str:
    """One value of the JSON record as a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return neutralised(LIST_SEPARATOR.join(str(item) for item in value))
    return neutralised(str(value))


Column = tuple[str, Callable[[dict[str, Any]], Any]]


def _field(name: str) -> Column:
    return name, lambda record: record[name]


def _role(role: str) -> Column:
    return f"{role}_causes", lambda record: [c["cause"] for c in record["causes"] if role in c["roles"]]


def _source(part: str) -> Column:
    return f"source_{part}", lambda record: record["source"][part] if record["source"] else None


INCIDENT_COLUMNS: tuple[Column, ...] = (
    *map(_field, ("id", "url", "title", "organization", "services", "severity")),
    *map(_field, ("started", "detected", "mitigated", "resolved", "approximate")),
    *map(_field, ("duration_seconds", "time_to_detect_seconds", "time_to_mitigate_seconds", "time_to_first_update_seconds")),
    ("causes", lambda record: [c["cause"] for c in record["causes"]]),
    *map(_role, ROLES),
    *map(_field, ("unclassified", "lessons", "tags", "upstream", "regions")),
    *map(_source, ("kind", "id", "url")),
    *map(_field, ("visibility",)),
)
"""`incidents.csv`'s columns, in order: each a name and how it reads the JSON record."""

ACTION_COLUMNS: tuple[str, ...] = (
    "incident",
    "incident_url",
    "incident_title",
    "organization",
    "started",
    "action_number",
    "action",
    "status",
    "open",
    "lesson",
    "owner",
    "due",
    "ticket",
    "needed_again_by",
    "internal",
)
"""`actions.csv`'s columns, in order (see `action_row`)."""


def _line(cells: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def _address(incident: Incident, use_directory_urls: bool, site_url: str | None) -> str:
    return paths.page_address(paths.incident_page(incident.id), use_directory_urls, site_url)


def incidents_csv(graph: Graph, *, use_directory_urls: bool, site_url: str | None, reuse: ReuseOrMake[str] = make_fresh) -> str:
    """`incidents.csv`: the published incidents newest first, as `incidents.json` lists them."""
    figures = graph.figures

    def row(incident: Incident) -> str:
        record = export_record(incident, figures[incident.id], _address(incident, use_directory_urls, site_url))
        return _line([cell(read(record)) for _, read in INCIDENT_COLUMNS])

    rows = [reuse(("csv-incident", id(i)), (i, figures[i.id]), lambda i=i: row(i)) for i in graph.incidents]  # type: ignore[misc]
    return BOM + _line([name for name, _ in INCIDENT_COLUMNS]) + "".join(rows)


def action_row(incident: Incident, number: int, action: Action, url: str, needed_again_by: Iterable[str]) -> list[str]:
    """One action as `actions.csv` writes it: its incident, its place (from 1), its fields,
    and the later incidents that needed it again while it was open (`recurrence`)."""
    values: list[Any] = [
        incident.id,
        url,
        incident.title,
        incident.organization,
        incident.started.isoformat(),
        number,
        action.action,
        action.status,
        action.is_open,
        action.lesson,
        action.owner,
        action.due.isoformat() if action.due else None,
        action.ticket,
        list(needed_again_by),
        action.internal,
    ]
    return [cell(value) for value in values]


def actions_csv(graph: Graph, *, use_directory_urls: bool, site_url: str | None, reuse: ReuseOrMake[str] = make_fresh) -> str:
    """`actions.csv`: every action of the published incidents, newest incident first, each
    incident's actions in the order its file lists them."""
    of_action = graph.recurrences.of_action

    def rows(incident: Incident, recurrences: tuple[object, ...]) -> str:
        url = _address(incident, use_directory_urls, site_url)
        return "".join(
            _line(
                action_row(
                    incident,
                    position + 1,
                    action,
                    url,
                    (r.later.id for r in of_action.get((incident.id, position), ())),
                )
            )
            for position, action in enumerate(incident.actions)
        )

    made = []
    for incident in graph.incidents:
        if not incident.actions:
            continue
        recurrences = tuple(of_action.get((incident.id, p)) for p in range(len(incident.actions)))
        made.append(
            reuse(("csv-actions", id(incident)), (incident, *recurrences), lambda i=incident, r=recurrences: rows(i, r))  # type: ignore[misc]
        )
    return BOM + _line(ACTION_COLUMNS) + "".join(made)
