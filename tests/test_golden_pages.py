"""Golden files of what the renderer makes from a small knowledge base: the Markdown of every
page, the data files and feeds, and the statistics page's chart SVGs.

The knowledge base is `tests/golden/pages/incidents/` (its own small catalog, a draft, a
related link, approximate times, open and done actions, every section of a page). The
expected outputs are in `tests/golden/pages/expected/`; after an intended change, run
`pytest tests/test_golden_pages.py --update-golden` and review the diff.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import Golden
from outagekb.charts import stats
from outagekb.graph import build_graph
from outagekb.loader import load_knowledge_base
from outagekb.render import Renderer, RenderOptions

HERE = Path(__file__).resolve().parent / "golden" / "pages"
EXPECTED = HERE / "expected"
TODAY = date(2025, 3, 1)  # the day overdue actions are judged against
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)  # the build's moment: an ongoing outage runs until it
STATIC = {"assets/outagekb/outagekb.css", "assets/outagekb/browse.js"}
"""Copies of package files, not made from the knowledge base."""


def made() -> dict[str, str]:
    kb, problems = load_knowledge_base(str(HERE / "incidents"))
    assert not problems, [p.format() for p in problems]
    graph = build_graph(kb, now=NOW)
    outputs = Renderer(graph, RenderOptions(today=TODAY, site_url="https://kb.example.test/")).outputs()
    found = {path: text for path, text in outputs.items() if path not in STATIC}
    charts = stats(graph.incidents, kb.catalog, graph.figures)
    for name, chart in (("years", charts.years), ("durations", charts.durations), ("first-update", charts.first_update)):
        found[f"charts/{name}.svg"] = chart.svg + "\n"
        found[f"charts/{name}.table.html"] = chart.table + "\n"
    return found


OUTPUTS = made()


@pytest.mark.parametrize("path", sorted(OUTPUTS))
def test_each_output_matches_its_golden_file(path: str, golden: Golden) -> None:
    golden(EXPECTED / path, OUTPUTS[path])


def test_no_golden_file_is_left_without_an_output(golden: Golden) -> None:
    """A page that is no longer made (a renamed template, a removed section page) is noticed."""
    stale = sorted(
        str(p.relative_to(EXPECTED)) for p in EXPECTED.rglob("*") if p.is_file() and str(p.relative_to(EXPECTED)) not in OUTPUTS
    )
    if stale and golden.update:
        for path in stale:
            (EXPECTED / path).unlink()
        return
    assert not stale, f"golden files no output matches (run `pytest --update-golden` to remove them): {stale}"


def test_the_draft_has_no_page_and_is_in_no_index() -> None:
    assert "incidents/2025-02-02-globex-draft-followup.md" not in OUTPUTS
    assert all("draft-followup" not in text for text in OUTPUTS.values())
