"""Aggregates on the pages that show them, against values computed by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import MINIMAL_INCIDENT, build, make_project, page_file

# Example (2024): 2 h 30 min, first update unknown; Example (2023): 1 h, first update after 10 min,
# resolved only approximately; Other (2023): ongoing, first update after 20 min.
FIRST = MINIMAL_INCIDENT
SECOND = (
    MINIMAL_INCIDENT.replace("2024-05-01T", "2023-03-01T")
    .replace("resolved: 2023-03-01T12:30:00+02:00", "resolved: 2023-03-01T11:00:00+02:00")
    .replace("mitigated: 2023-03-01T11:00:00+02:00", "mitigated: 2023-03-01T10:30:00+02:00")
    + "approximate: [resolved]\nupdates:\n  - at: 2023-03-01T10:10:00+02:00\n    status: investigating\n    text: Looking.\n"
)
THIRD = (
    MINIMAL_INCIDENT.replace("2024-05-01T", "2023-09-01T")
    .replace("organization: Example", "organization: Other")
    .replace("resolved: 2023-09-01T12:30:00+02:00\n", "")
    .replace("cause: config-change", "cause: dns")
    + "updates:\n  - at: 2023-09-01T10:20:00+02:00\n    status: investigating\n    text: Looking.\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    incidents = {"2024-05-01-first.yaml": FIRST, "2023-03-01-second.yaml": SECOND, "2023-09-01-third.yaml": THIRD}
    return build(make_project(tmp_path_factory.mktemp("aggregates"), incidents))


def rows(html: str, table_class: str) -> list[list[str]]:
    table = html.split(f'class="{table_class}"', 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1])
    ]


def test_stats_page_aggregates_by_year_and_organization(site: Path) -> None:
    html = page_file(site, "stats").read_text(encoding="utf-8")
    by_year, by_organization = html.split('id="by-year"', 1)[1].split('id="by-organization"', 1)
    assert rows(by_year, "okb-aggregates") == [
        ["2024", "1", "2024-05-01 – 2024-05-01", "2 h 30 min (n = 1)", "2 h 30 min", "unknown"],
        ["2023", "2", "2023-03-01 – 2023-09-01", "~1 h (n = 1)", "~1 h", "15 min (n = 2)"],
    ]
    assert rows(by_organization, "okb-aggregates") == [
        ["Example", "2", "2023-03-01 – 2024-05-01", "~1 h 45 min (n = 2)", "~2 h 21 min", "10 min (n = 1)"],
        ["Other", "1", "2023-09-01 – 2023-09-01", "unknown", "unknown", "20 min (n = 1)"],
    ]


def test_cause_pages_and_index_count_children_and_mark_approximate(site: Path) -> None:
    index = rows(page_file(site, "causes").read_text(encoding="utf-8"), "okb-cause-tree")
    by_cause = {row[0].lstrip("└ ").strip(): row[1:] for row in index}
    assert by_cause["Deployment or change"] == ["2", "2023 – 2024", "~1 h 45 min (n = 2)", "~2 h 21 min", "10 min (n = 1)"]
    assert by_cause["DNS failure"] == ["1", "2023 – 2023", "unknown", "unknown", "20 min (n = 1)"]
    assert by_cause["Power failure"] == ["0", "", "unknown", "unknown", "unknown"]
    page = page_file(site, "causes/network").read_text(encoding="utf-8")
    assert "<dt>Incidents</dt> <dd>1 (first 2023-09-01, last 2023-09-01)</dd>" in page


def test_incident_page_communication_figures(site: Path) -> None:
    page = page_file(site, "incidents/2023-03-01-second").read_text(encoding="utf-8")
    assert "<dt>Updates</dt> <dd>1</dd>" in page
    # from the update at 10:10 to the resolution at about 11:00, the longer of the two stretches
    assert "<dt>Longest silence</dt> <dd>~50 min</dd>" in page  # resolved: no note on how an ongoing silence is counted
    assert "<dt>Last update names the cause</dt> <dd>no</dd>" in page
    assert "<dt>Duration</dt> <dd>~1 h</dd>" in page
