"""`outagekb import csv`: columns found by their headers or by `--column`, spreadsheet dates
with a time zone for times without an offset, and a sheet's own causes and lessons."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from outagekb.cli import main

SHEETS = ROOT / "tests" / "fixtures" / "import" / "csv"


def run(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    code = main(["import", "csv", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def incidents(folder: Path) -> dict[str, dict]:
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "catalog.yaml":
            continue
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        found[data["source"]["id"]] = data | {"_text": path.read_text(encoding="utf-8")}
    return found


def sheet(tmp_path: Path, text: str, name: str = "sheet.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_default_columns_and_a_time_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(tmp_path, monkeypatch, capsys, str(SHEETS / "outages.csv"), "--timezone", "Europe/Paris")
    assert code == 0, err
    assert "columns not imported: Owner (map one with --column FIELD=HEADER)" in err
    found = incidents(tmp_path / "incidents")
    assert sorted(found) == ["INC-101", "INC-102", "INC-103", "INC-104", "INC-105"]
    checkout = found["INC-101"]
    assert checkout["title"] == "Checkout down after a certificate expired"
    assert checkout["organization"] == "Example Shop"
    assert checkout["services"] == ["Checkout", "Mobile app"]
    assert checkout["severity"] == "critical" and "# 'Sev1' in the sheet" in checkout["_text"]
    assert checkout["started"] == "2024-03-05T14:02:00+01:00"  # winter time in Paris
    assert checkout["resolved"] == "2024-03-05T15:10:00+01:00"
    # the team's own classification is data, with no role guessed
    assert checkout["causes"] == [{"cause": "expired-credential"}] and "unclassified" not in checkout
    assert checkout["lessons"] == [{"lesson": "monitoring"}]
    assert checkout["source"] == {"kind": "csv", "id": "INC-101"}
    search = found["INC-102"]
    assert search["started"] == "2024-07-14T09:30:00+02:00"  # summer time, `T` form
    assert search["causes"] == [{"cause": "automation"}, {"cause": "data-loss"}]
    assert search["lessons"] == [{"lesson": "testing"}, {"lesson": "staged-rollout"}]
    uploads = found["INC-103"]
    assert uploads["started"] == "2024-10-27T02:30:00+02:00"  # the repeated hour takes the earlier offset
    assert uploads["resolved"] == "2024-10-27T03:15:00+01:00"
    assert uploads["unclassified"] == "true" and "causes" not in uploads
    assert uploads["summary"] == "Slow image uploads"  # no summary: the title stands in, and a comment says so
    webhooks = found["INC-104"]
    assert webhooks["started"] == "2024-11-02T00:00:00+01:00" and webhooks["approximate"] == ["started"]  # a date only
    assert webhooks["severity"] == "major"  # P2
    login = found["INC-105"]
    assert login["started"] == "2024-12-01T08:00:00Z" and login["resolved"] == "2024-12-01T09:00:00Z"  # offsets in the cells kept
    assert login["causes"] == [{"cause": "dns"}, {"cause": "third-party"}]


def test_a_fixed_offset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, monkeypatch, capsys, str(SHEETS / "outages.csv"), "--timezone", "+05:30")[0] == 0
    assert incidents(tmp_path / "incidents")["INC-102"]["started"] == "2024-07-14T09:30:00+05:30"


def test_times_without_an_offset_need_a_time_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(tmp_path, monkeypatch, capsys, str(SHEETS / "outages.csv"))
    assert code == 1
    assert (
        "outages.csv:2: row at line 2 (id 'INC-101'): error: `Started`: '2024-03-05 14:02' has no UTC offset; give --timezone"
        in err
    )
    assert "4 problems" in err
    assert list(incidents(tmp_path / "incidents")) == ["INC-105"]  # its cells carry offsets


def test_named_columns_day_first_dates_and_severity_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    columns = [
        "--column",
        "title=Störung",
        "--column",
        "started=Beginn",
        "--column",
        "resolved=ende",
        "--column",
        "severity=Schwere",
    ]
    columns += ["--column", "services=Dienst", "--column", "summary=Beschreibung", "--column", "id=Nr"]
    base = [str(SHEETS / "outages-eu.csv"), "--timezone", "Europe/Berlin", "--organization", "Example Markt", *columns]
    code, _, err = run(tmp_path, monkeypatch, capsys, *base, "--severity", "hoch=major", "--severity", "niedrig=minor")
    assert code == 1 and "could be day/month or month/day; give --date-order dmy" in err
    code, _, err = run(tmp_path, monkeypatch, capsys, *base, "--severity", "hoch=major", "--date-order", "dmy")
    assert (
        code == 1
        and "`Schwere`: 'niedrig' is not a severity this import knows; map it with --severity niedrig=critical|major|minor" in err
    )
    code, _, err = run(
        tmp_path, monkeypatch, capsys, *base, "--severity", "hoch=major", "--severity", "niedrig=minor", "--date-order", "dmy"
    )
    assert code == 0, err
    found = incidents(tmp_path / "incidents")
    assert found["A-1"]["started"] == "2024-03-05T14:02:00+01:00"  # 5 March
    assert found["A-1"]["title"] == "Newsletter-Versand hängt" and found["A-1"]["severity"] == "major"
    assert found["A-2"]["started"] == "2024-07-13T09:00:00+02:00"


def test_month_first_and_twelve_hour_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = sheet(tmp_path, "Title,Start,Severity,Organization\nAPI slow,05/03/2024 2:02 PM,minor,Example Shop\n")
    assert run(tmp_path, monkeypatch, capsys, source, "--timezone", "America/New_York", "--date-order", "mdy")[0] == 0
    (only,) = incidents(tmp_path / "incidents").values()
    assert only["started"] == "2024-05-03T14:02:00-04:00"
    assert only["source"]["id"] == "05/03/2024 2:02 PM API slow"  # no id column: the start and the title
    code, out, _ = run(tmp_path, monkeypatch, capsys, source, "--timezone", "America/New_York", "--date-order", "mdy")
    assert code == 0 and "already imported from csv 05/03/2024 2:02 PM API slow" in out


def test_row_problems_name_the_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    source = sheet(
        tmp_path,
        "id,title,started,severity,causes,organization\n"
        "1,Good row,2024-03-05 10:00,minor,dns,Example\n"
        "2,Unknown cause,2024-03-05 11:00,minor,dsn,Example\n"
        "3,Clocks skipped it,2024-03-31 02:30,minor,,Example\n"
        "4,Impossible day,2024-02-30 10:00,minor,,Example\n"
        "5,No severity,2024-03-05 10:00,,,Example\n"
        "1,Same id twice,2024-03-06 10:00,minor,,Example\n"
        "\n"
        "7,,2024-03-06 10:00,minor,,Example\n",
    )
    code, _, err = run(tmp_path, monkeypatch, capsys, source, "--timezone", "Europe/Paris")
    assert code == 1
    assert "sheet.csv:3: row at line 3 (id '2'): error: `causes`: not cause ids of the catalog: 'dsn'; did you mean `dns`?" in err
    assert "sheet.csv:4: row at line 4 (id '3'): error: `started`: '2024-03-31 02:30' does not exist in Europe/Paris" in err
    assert "sheet.csv:5: row at line 5 (id '4'): error: `started`: '2024-02-30 10:00' is not a real date and time" in err
    assert "sheet.csv:6: row at line 6 (id '5'): error: no severity (`severity`)" in err
    assert "sheet.csv:7: row at line 7 (id '1'): error: same id '1' as the row at line 2" in err
    assert "sheet.csv:9: row at line 9 (id '7'): error: `title` is empty" in err
    assert "7 incidents read, 1 written" in err
    assert [i["title"] for i in incidents(tmp_path / "incidents").values()] == ["Good row"]


def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(SHEETS / "outages.csv")
    assert run(tmp_path, monkeypatch, capsys, source, "--timezone", "Mars/Olympus")[0] == 2
    assert run(tmp_path, monkeypatch, capsys, source, "--column", "colour=Title")[0] == 2
    code, _, err = run(tmp_path, monkeypatch, capsys, source, "--column", "title=Headline", "--timezone", "UTC")
    assert code == 2 and "--column title=Headline: " in err and "has no such column" in err
    assert run(tmp_path, monkeypatch, capsys, source, "--severity", "P1=huge")[0] == 2
    assert not (tmp_path / "incidents").exists()


def test_a_sheet_without_the_needed_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(tmp_path, monkeypatch, capsys, sheet(tmp_path, "what,when\nx,y\n"))
    assert code == 1 and "no column for `title`" in err and "--column title=HEADER" in err
    code, _, err = run(tmp_path, monkeypatch, capsys, sheet(tmp_path, "PK\x03\x04\x00\x00binary", "book.csv"))
    assert code == 1 and "NUL bytes" in err


def test_prose_columns_can_be_left_out_and_other_encodings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "Title;Started;Severity;Organization;Lessons\nCaisse arrêtée;2024-03-05 10:00;major;Exemple;Ajouter une alerte\n".encode(
            "cp1252"
        )
    )
    code, _, err = run(tmp_path, monkeypatch, capsys, str(path), "--timezone", "Europe/Paris")
    assert code == 1 and "cannot decode as utf-8" in err and "--encoding cp1252" in err
    code, _, err = run(tmp_path, monkeypatch, capsys, str(path), "--timezone", "Europe/Paris", "--encoding", "cp1252")
    assert code == 1 and "if the column is prose, leave it out with --column lessons=" in err
    code, _, err = run(
        tmp_path, monkeypatch, capsys, str(path), "--timezone", "Europe/Paris", "--encoding", "cp1252", "--column", "lessons="
    )
    assert code == 0, err
    (only,) = incidents(tmp_path / "incidents").values()
    assert only["title"] == "Caisse arrêtée" and "lessons" not in only


SCALE = """
severities:
  - id: sev1
    title: SEV-1
  - id: sev2
    title: SEV-2
  - id: sev3
    title: SEV-3
  - id: sev4
    title: SEV-4
"""


def test_a_team_scale_and_a_default_organization(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sheet's own levels are the team's ids; the common words land on the scale by place;
    rows without an organization take the site's default."""
    from outagekb.loader import SHIPPED_CATALOG, load_knowledge_base

    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / "catalog.yaml").write_text(
        Path(SHIPPED_CATALOG).read_text(encoding="utf-8") + SCALE, encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - outagekb:\n      organization: Acme\n", encoding="utf-8")
    rows = sheet(
        tmp_path,
        "id,title,started,severity,services\n"
        "A-1,Checkout down,2024-03-05T14:02:00Z,SEV-4,Checkout\n"
        "A-2,Search slow,2024-03-06T10:00:00Z,minor,Search\n"
        "A-3,Login failed,2024-03-07T10:00:00Z,critical,Login\n",
    )
    code, _, err = run(tmp_path, monkeypatch, capsys, rows)
    assert code == 0, err
    found = incidents(tmp_path / "incidents")
    assert [found[key]["severity"] for key in ("A-1", "A-2", "A-3")] == ["sev4", "sev3", "sev1"]
    assert {found[key]["organization"] for key in found} == {"Acme"}
    _, problems = load_knowledge_base(str(tmp_path / "incidents"), organization="Acme")
    assert problems == []
    code, _, err = run(tmp_path, monkeypatch, capsys, rows, "--severity", "Sev-4=p9")
    assert code == 2 and "LEVEL one of sev1, sev2, sev3, sev4, critical, major, minor" in err


def test_the_default_levels_land_on_any_scale_by_place() -> None:
    from outagekb.importing.record import on_scale
    from outagekb.model import Catalog, Severity

    two = Catalog(severities=(Severity("p1", "P1"), Severity("p2", "P2")))
    assert [on_scale(level, two) for level in ("critical", "major", "minor", "p2")] == ["p1", "p2", "p2", "p2"]
    assert [on_scale(level, Catalog()) for level in ("critical", "major", "minor")] == ["critical", "major", "minor"]
