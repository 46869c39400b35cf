"""End to end: what `outagekb import` writes passes `outagekb validate`, builds with
`mkdocs build --strict`, shows every public update of its source at the source's times,
and the export names its source."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from conftest import ROOT, build, make_project
from outagekb.cli import main
from outagekb.templating import format_offset

FIXTURES = ROOT / "tests" / "fixtures" / "import"


def shown(stamp: str) -> str:
    """A source's timestamp as an incident page's updates table shows it: its own offset, to the minute."""
    value = datetime.fromisoformat(stamp)
    return f"{value:%Y-%m-%d %H:%M} {format_offset(value)}"


def updates_table(page: Path) -> list[tuple[str, str]]:
    html = page.read_text(encoding="utf-8")
    table = html[html.index('<table class="okb-updates">') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return re.findall(r"<tr><td>([^<]*)</td> <td>([^<]*)</td>", body)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    project = make_project(tmp_path_factory.mktemp("imported"))
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.chdir(project)
    try:
        statuspage = FIXTURES / "statuspage"
        hostile = FIXTURES / "hostile" / "script.json"
        for args in (
            ["statuspage", str(statuspage / "incidents.json"), str(statuspage / "incident-single.json"), str(hostile)],
            ["statuspage", str(statuspage / "later" / "incidents.json"), "--update"],
            ["gcp", str(FIXTURES / "gcp" / "incidents.json"), "--organization", "Example Cloud"],
            ["csv", str(FIXTURES / "csv" / "outages.csv"), "--timezone", "Europe/Paris"],
        ):
            assert main(["import", *args]) == 0, args
        assert main(["validate"]) == 0
    finally:
        monkeypatch.undo()
    return project, build(project)


def files_by_source(project: Path) -> dict[tuple[str, str], Path]:
    found = {}
    for path in (project / "incidents").glob("*.yaml"):
        match = re.search(r"^source:\n  kind: (\S+)\n  id: (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        assert match, path
        found[(match.group(1), match.group(2))] = path
    return found


def test_every_update_of_the_source_at_its_time(site: tuple[Path, Path]) -> None:
    project, built = site
    files = files_by_source(project)
    assert len(files) == 6 + 3 + 5
    later = json.loads((FIXTURES / "statuspage" / "later" / "incidents.json").read_text(encoding="utf-8"))
    single = json.loads((FIXTURES / "statuspage" / "incident-single.json").read_text(encoding="utf-8"))
    for incident in [*later["incidents"], single["incident"]]:
        if incident["impact"] == "maintenance":
            continue
        page = built / "incidents" / files[("statuspage", incident["id"])].stem / "index.html"
        expected = sorted((u["display_at"] or u["created_at"] for u in incident["incident_updates"]), key=datetime.fromisoformat)
        assert [at for at, _ in updates_table(page)] == [shown(at) for at in expected], incident["id"]
    for incident in json.loads((FIXTURES / "gcp" / "incidents.json").read_text(encoding="utf-8")):
        page = built / "incidents" / files[("gcp", incident["id"])].stem / "index.html"
        expected = sorted((u["when"] for u in incident["updates"]), key=datetime.fromisoformat)
        assert [at for at, _ in updates_table(page)] == [shown(at) for at in expected], incident["id"]
    ongoing = built / "incidents" / files[("statuspage", "ex4ongoing01")].stem / "index.html"
    assert updates_table(ongoing) == [
        ("2024-07-01 21:40 UTC+02:00", "investigating"),
        ("2024-07-01 22:35 UTC+02:00", "monitoring"),
        ("2024-07-01 23:05 UTC+02:00", "resolved"),
    ]


def test_the_export_names_each_source(site: tuple[Path, Path]) -> None:
    project, built = site
    records = {r["id"]: r for r in json.loads((built / "incidents.json").read_text(encoding="utf-8"))["incidents"]}
    for (kind, source_id), path in files_by_source(project).items():
        record = records[path.stem]
        assert record["source"]["kind"] == kind and record["source"]["id"] == source_id
        assert record["unclassified"] == (kind != "csv" or source_id in ("INC-103", "INC-104"))
    assert records["2024-03-05-example-pay-card-payments-failing-in-all-regions"]["source"] == {
        "kind": "statuspage",
        "id": "ex2postmrtm1",
        "url": "https://status.example.com/incidents/ex2postmrtm1",
    }
    assert records["2024-03-05-example-shop-checkout-down-after-a-certificate-expired"]["source"]["url"] is None
    assert records["2024-03-05-example-shop-checkout-down-after-a-certificate-expired"]["causes"] == [
        {"cause": "expired-credential", "roles": ["contributing"]}
    ]


def test_script_from_a_source_is_text_on_the_page(site: tuple[Path, Path]) -> None:
    project, built = site
    page = (built / "incidents" / files_by_source(project)[("statuspage", "exscript0001")].stem / "index.html").read_text(
        encoding="utf-8"
    )
    assert "&lt;script&gt;alert('body')&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page  # shown as text
    assert "<h1>&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; Login down</h1>" in page
    assert "<script>alert" not in page and "<img src=x" not in page and 'href="javascript:' not in page
