"""A team's own practice: its severity scale, one organization for every file, incidents in
sub-folders, and actions tracked in its ticket system, all in one knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import build, make_project, write
from outagekb.cli import main
from outagekb.loader import SHIPPED_CATALOG, load_knowledge_base

SCALE = """
severities:
  - id: sev1
    title: SEV-1
    description: Customer-facing outage of a core service.
  - id: sev2
    title: SEV-2
    description: A core feature degraded for some customers.
  - id: sev3
    title: SEV-3
    description: Limited impact, with a workaround.
  - id: sev4
    title: SEV-4
    description: No customer impact.
"""

INCIDENT = """\
title: {title}
services: [Checkout]
severity: {severity}
started: {started}
resolved: {resolved}
summary: Checkout failed for some customers.
causes:
  - cause: config-change
    role: trigger
{extra}"""

ACTIONS = """\
actions:
  - action: Stage configuration pushes.
    status: in-progress
    ticket: https://jira.example.com/browse/OPS-123
    due: 2020-01-31
  - action: Add a canary region.
    ticket: https://github.com/acme/platform/issues/42
  - action: Rewrite the proxy.
    status: wont-do
  - action: Alert on checkout errors.
    status: done
    ticket: https://tickets.example.com/view?id=7
"""

FILES = {
    "2023/2023-03-01-acme-checkout-config.yaml": INCIDENT.format(
        title="Checkout failed after a config push",
        severity="sev2",
        started="2023-03-01T10:00:00Z",
        resolved="2023-03-01T11:00:00Z",
        extra=ACTIONS,
    ),
    "2024/q1/2024-02-01-acme-checkout-again.yaml": INCIDENT.format(
        title="Checkout failed again after a config push",
        severity="sev1",
        started="2024-02-01T10:00:00Z",
        resolved="2024-02-01T10:30:00Z",
        extra="organization: Acme Payments\n",
    ),
}


def team_project(tmp_path: Path) -> Path:
    project = make_project(tmp_path, FILES, mkdocs_extra="")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - outagekb\n", "  - outagekb:\n      organization: Acme\n"))
    write(project / "incidents" / "catalog.yaml", Path(SHIPPED_CATALOG).read_text(encoding="utf-8") + SCALE)
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(team_project(tmp_path_factory.mktemp("team")))


def article(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8").split("<article", 1)[1].split("</article>", 1)[0]


def test_files_in_sub_folders_are_published_at_their_usual_address(site: Path) -> None:
    assert (site / "incidents" / "2023-03-01-acme-checkout-config" / "index.html").is_file()
    assert (site / "incidents" / "2024-02-01-acme-checkout-again" / "index.html").is_file()


def test_the_default_organization_fills_files_that_name_none(site: Path) -> None:
    page = article(site, "incidents/2023-03-01-acme-checkout-config/index.html")
    assert 'href="../../browse/?organization=Acme">Acme</a>' in page
    other = article(site, "incidents/2024-02-01-acme-checkout-again/index.html")
    assert ">Acme Payments</a>" in other  # a file that names one keeps it
    schema = json.loads((site / "schema" / "incident.schema.json").read_text(encoding="utf-8"))
    # a file that is no placeholder must have the required fields (`else`): organization is not among them
    assert "organization" not in schema["else"]["required"] and schema["properties"]["organization"]["default"] == "Acme"


def test_pages_show_the_teams_scale(site: Path) -> None:
    page = article(site, "incidents/2023-03-01-acme-checkout-config/index.html")
    assert '<span class="okb-severity okb-severity--sev2 okb-severity--rank-2">SEV-2</span>' in page
    index = article(site, "incidents/index.html")
    assert 'okb-severity--rank-1">SEV-1</span>' in index and "critical" not in index


def test_browse_charts_feeds_export_and_schema_use_the_scale(site: Path) -> None:
    browse = json.loads((site / "browse" / "index.json").read_text(encoding="utf-8"))
    severity = next(facet for facet in browse["facets"] if facet["name"] == "severity")
    assert severity["values"] == ["sev1", "sev2", "sev3", "sev4"]
    assert severity["labels"] == ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]
    stats = article(site, "stats/index.html")
    assert "(Acme, 2023-03-01, SEV-2)" in stats  # the charts' marks name the level
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "Severity: SEV-1." in feed and "Severity: SEV-2." in feed
    export = json.loads((site / "incidents.json").read_text(encoding="utf-8"))
    assert {record["severity"] for record in export["incidents"]} == {"sev1", "sev2"}
    export_schema = json.loads((site / "incidents.schema.json").read_text(encoding="utf-8"))
    assert export_schema["properties"]["incidents"]["items"]["properties"]["severity"]["enum"] == ["sev1", "sev2", "sev3", "sev4"]
    schema = json.loads((site / "schema" / "incident.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["severity"]["enum"] == ["sev1", "sev2", "sev3", "sev4"]
    assert schema["properties"]["severity"]["markdownEnumDescriptions"][0] == "SEV-1: Customer-facing outage of a core service."


def test_actions_carry_their_ticket_and_status(site: Path) -> None:
    page = article(site, "incidents/2023-03-01-acme-checkout-config/index.html")
    assert (
        '<a class="okb-ticket" href="https://jira.example.com/browse/OPS-123" rel="noopener noreferrer">OPS-123 on jira.example.com</a>'
        in page
    )
    assert ">#42 on github.com</a>" in page and ">tickets.example.com</a>" in page
    assert "okb-action-status--in-progress" in page and "okb-action-status--wont-do" in page
    actions = article(site, "actions/index.html")
    assert "Stage configuration pushes." in actions and "Add a canary region." in actions
    assert "Rewrite the proxy." not in actions and "Alert on checkout errors." not in actions
    assert "overdue" in actions.split("Stage configuration pushes.", 1)[1].split("</li>", 1)[0]
    assert "in progress" in actions


def test_an_unknown_level_suggests_the_closest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = team_project(tmp_path)
    path = project / "incidents" / "2024" / "q1" / "2024-02-01-acme-checkout-again.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("severity: sev1", "severity: sev-1"), encoding="utf-8")
    monkeypatch.chdir(project)
    # a file in a sub-folder is checked with its whole knowledge base (catalog, default organization)
    assert main(["validate", "-q", "incidents/2024/q1/2024-02-01-acme-checkout-again.yaml"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "incidents/2024/q1/2024-02-01-acme-checkout-again.yaml:3:11: error: severity: "
        "`sev-1` is not one of `sev1`, `sev2`, `sev3` or `sev4`; did you mean `sev1`?"
    ]
    assert main(["validate", "-q", "incidents/2023/2023-03-01-acme-checkout-config.yaml"]) == 0


def test_new_leaves_the_organization_to_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = team_project(tmp_path)
    monkeypatch.chdir(project)
    assert (
        main(["new", "--no-input", "-q", "--title", "Search down", "--severity", "sev3", "--started", "2025-01-02T03:04:00Z"])
        == 0
    )
    (written,) = (project / "incidents").glob("2025-01-02-*.yaml")
    text = written.read_text(encoding="utf-8")
    assert "\norganization:" not in text and "# organization: Acme" in text
    assert "severity: sev3" in text
    assert main(["new", "--no-input", "-q", "--title", "Other", "--severity", "critical"]) == 2


def test_duplicate_ids_in_two_folders_name_both(tmp_path: Path) -> None:
    project = team_project(tmp_path)
    write(project / "incidents" / "2024" / "2023-03-01-acme-checkout-config.yaml", "title: x\n")
    _, problems = load_knowledge_base(str(project / "incidents"), organization="Acme")
    assert [p.message for p in problems] == [
        "duplicate id `2023-03-01-acme-checkout-config`: `2023/2023-03-01-acme-checkout-config.yaml` and "
        "`2024/2023-03-01-acme-checkout-config.yaml` have the same id; keep one file"
    ]
