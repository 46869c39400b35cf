"""Incidents whose causes are not yet classified: published at once, said plainly, queued
for triage, and left out of every cause's and lesson's figures."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import MINIMAL_INCIDENT, build, make_project
from outagekb.loader import load_knowledge_base

IMPORTED = """\
title: Elevated errors on the Example dashboard
organization: Example
services: [Dashboard]
severity: minor
started: {started}
resolved: {resolved}
summary: Some users see errors when loading the dashboard.
unclassified: true
lessons:
  - lesson: monitoring
updates:
  - at: {started}
    status: investigating
    text: We are investigating errors on the dashboard.
source:
  kind: statuspage
  id: {code}
  url: https://status.example.com/incidents/{code}
"""


def imported(code: str, started: str, resolved: str) -> str:
    return IMPORTED.format(code=code, started=started, resolved=resolved)


INCIDENTS = {
    "2024-05-01-example.yaml": MINIMAL_INCIDENT,
    "2023-01-10-example-older.yaml": imported("older1", "2023-01-10T08:00:00Z", "2023-01-10T09:00:00Z"),
    "2024-02-20-example-newer.yaml": imported("newer2", "2024-02-20T08:00:00Z", "2024-02-20T08:30:00Z"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(make_project(tmp_path_factory.mktemp("unclassified"), INCIDENTS))


def article(site: Path, page: str) -> str:
    html = (site / page).read_text(encoding="utf-8")
    return html.split("<article", 1)[1].split("</article>", 1)[0]


def test_its_page_says_the_causes_are_not_yet_classified(site: Path) -> None:
    page = article(site, "incidents/2023-01-10-example-older/index.html")
    assert "The causes of this incident are not yet classified." in page
    assert 'href="../../triage/"' in page
    assert "We are investigating errors on the dashboard." in page  # its history is there at once


def test_the_triage_queue_lists_them_oldest_first(site: Path) -> None:
    page = article(site, "triage/index.html")
    older, newer = page.index("2023-01-10-example-older"), page.index("2024-02-20-example-newer")
    assert older < newer
    assert "2024-05-01-example/" not in page  # a classified incident is not in the queue
    assert "2 published incidents are waiting" in page
    assert "unclassified: true" in page  # the page says how to classify one


def test_the_causes_index_links_to_the_queue_and_cause_figures_leave_them_out(site: Path) -> None:
    page = article(site, "causes/index.html")
    assert 'href="../triage/">2 incidents are not yet classified</a>' in page
    lesson = article(site, "lessons/monitoring/index.html")
    assert "older" not in lesson and "newer" not in lesson
    assert "<dt>Incidents</dt> <dd>0" in lesson  # the lesson's figures leave them out too


def test_browse_offers_not_yet_classified_as_a_cause(site: Path) -> None:
    index = json.loads((site / "browse" / "index.json").read_text(encoding="utf-8"))
    causes = index["facets"][0]
    assert causes["values"][-1] == "_unclassified" and causes["labels"][-1] == "Not yet classified"
    position = len(causes["values"]) - 1
    ids = index["incidents"]["id"]
    marked = {ids[i] for i, values in enumerate(index["incidents"]["cause"]) if position in values}
    assert marked == {"2023-01-10-example-older", "2024-02-20-example-newer"}


def test_the_export_says_so_and_carries_the_source(site: Path) -> None:
    export = json.loads((site / "incidents.json").read_text(encoding="utf-8"))
    by_id = {record["id"]: record for record in export["incidents"]}
    older = by_id["2023-01-10-example-older"]
    assert older["unclassified"] is True and older["causes"] == []
    assert older["source"] == {"kind": "statuspage", "id": "older1", "url": "https://status.example.com/incidents/older1"}
    assert by_id["2024-05-01-example"]["unclassified"] is False and by_id["2024-05-01-example"]["source"] is None
    export_schema = json.loads((site / "incidents.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(export, export_schema)


def test_the_statistics_count_them_by_year_but_not_by_cause(site: Path) -> None:
    page = article(site, "stats/index.html")
    assert "Not yet classified" in page  # the per-year chart keeps its totals true
    durations = page.split("Duration by cause", 1)[1].split("Time to first public update", 1)[0]
    assert "Not yet classified" not in durations


def test_the_loader_gives_them_no_causes(tmp_path: Path) -> None:
    project = make_project(tmp_path, INCIDENTS)
    kb, problems = load_knowledge_base(str(project / "incidents"))
    assert not problems
    older = next(i for i in kb.incidents if i.id == "2023-01-10-example-older")
    assert older.unclassified and older.causes == () and older.source is not None and older.source.id == "older1"
