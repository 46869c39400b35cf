"""Importing again is safe: the same import changes no file, ids do not depend on the order
or place of the input, a clash never overwrites, `--dry-run` writes nothing, and `--update`
adds what the source gained without changing what a person wrote."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from outagekb.cli import main

FIXTURES = ROOT / "tests" / "fixtures" / "import"
FIRST = str(FIXTURES / "statuspage" / "incidents.json")
LATER = str(FIXTURES / "statuspage" / "later" / "incidents.json")


def run(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def the_file(folder: Path, source_id: str) -> Path:
    (found,) = [p for p in folder.rglob("*.yaml") if f"  id: {source_id}\n" in p.read_text(encoding="utf-8")]
    return found


def import_all(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> list[str]:
    errors = []
    for args in (
        ("statuspage", FIRST, str(FIXTURES / "statuspage" / "incident-single.json")),
        ("gcp", str(FIXTURES / "gcp" / "incidents.json"), "--organization", "Example Cloud"),
        ("csv", str(FIXTURES / "csv" / "outages.csv"), "--timezone", "Europe/Paris"),
    ):
        code, out, err = run(project, monkeypatch, capsys, *args)
        assert code == 0, err
        errors.append(out)
    return errors


def test_the_same_import_again_changes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import_all(tmp_path, monkeypatch, capsys)
    before = snapshot(tmp_path / "incidents")
    assert len(before) == 12
    outputs = import_all(tmp_path, monkeypatch, capsys)
    assert snapshot(tmp_path / "incidents") == before  # bytes and modification times
    assert all("wrote" not in out for out in outputs)
    assert sum(out.count("already imported from") for out in outputs) == 12


def test_ids_and_bytes_do_not_depend_on_order_or_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(Path(FIRST).read_text(encoding="utf-8"))
    document["incidents"].reverse()
    reordered = tmp_path / "elsewhere" / "reordered.json"
    reordered.parent.mkdir()
    reordered.write_text(json.dumps(document, indent=4), encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert run(tmp_path / "a", monkeypatch, capsys, "statuspage", FIRST)[0] == 0
    assert run(tmp_path / "b", monkeypatch, capsys, "statuspage", str(reordered))[0] == 0
    first = {name: data for name, (data, _) in snapshot(tmp_path / "a" / "incidents").items()}
    second = {name: data for name, (data, _) in snapshot(tmp_path / "b" / "incidents").items()}
    assert first == second and len(first) == 3


def test_a_clash_gets_a_suffix_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    mine = folder / "2024-03-05-example-pay-card-payments-failing-in-all-regions.yaml"
    mine.write_text("title: written by hand, no source\n", encoding="utf-8")
    other = folder / "2024-01-15-example-pay-elevated-api-error-rates.yml"
    other.write_text("title: another import\nsource:\n  kind: csv\n  id: INC-9\n", encoding="utf-8")
    for _ in range(2):
        code, _, err = run(tmp_path, monkeypatch, capsys, "statuspage", FIRST, "--update")
        assert code == 0, err
    assert mine.read_text(encoding="utf-8") == "title: written by hand, no source\n"
    assert other.read_text(encoding="utf-8") == "title: another import\nsource:\n  kind: csv\n  id: INC-9\n"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "2024-01-15-example-pay-elevated-api-error-rates-ex1resolved1.yaml",
        "2024-01-15-example-pay-elevated-api-error-rates.yml",
        "2024-03-05-example-pay-card-payments-failing-in-all-regions-ex2postmrtm1.yaml",
        "2024-03-05-example-pay-card-payments-failing-in-all-regions.yaml",
        "2024-07-01-example-pay-delayed-payout-notifications.yaml",
    ]


def test_dry_run_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(tmp_path, monkeypatch, capsys, "statuspage", FIRST, "--dry-run")
    assert code == 0
    assert out.count("would write") == 3 and "(dry run: nothing was written)" in err
    assert not (tmp_path / "incidents").exists()
    run(tmp_path, monkeypatch, capsys, "statuspage", FIRST)
    before = snapshot(tmp_path / "incidents")
    code, out, err = run(tmp_path, monkeypatch, capsys, "statuspage", LATER, "--update", "--dry-run")
    assert code == 0
    assert "would update" in out and "would write" in out
    assert snapshot(tmp_path / "incidents") == before


def test_update_keeps_what_a_person_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "incidents"
    run(tmp_path, monkeypatch, capsys, "statuspage", FIRST)
    # a person works on the ongoing incident: a better title, the causes, their own summary,
    # a comment, a reworded update; and on another they delete an update they find useless
    ongoing = the_file(folder, "ex4ongoing01")
    edited = ongoing.read_text(encoding="utf-8")
    edited = edited.replace(
        "title: Delayed payout notifications", "title: Payout emails late after a mail worker hung  # retitled"
    )
    edited = edited.replace(
        "unclassified: true  # write `causes:` (and remove this line) once they are known\n",
        "causes:\n  - cause: software-bug\n    role: trigger\n    detail: The worker hung on a malformed message.\n",
    )
    edited = edited.replace(
        "summary: Payout notification emails are arriving up to an hour late. Payouts themselves are not affected.",
        "# our own words, from the on-call notes\nsummary: |\n  The mail worker hung.\n\n  Emails queued for an hour.",
    )
    edited = edited.replace("    text: Payout notification emails", "    text: Reworded by us. Payout notification emails")
    ongoing.write_text(edited, encoding="utf-8")
    cards = the_file(folder, "ex2postmrtm1")
    lines = cards.read_text(encoding="utf-8").split("\n")
    start = lines.index("  - at: 2024-03-05T15:10:02+01:00")
    del lines[start : start + 3]
    cards.write_text("\n".join(lines), encoding="utf-8")
    cards_before = cards.read_bytes()

    code, out, err = run(tmp_path, monkeypatch, capsys, "statuspage", LATER, "--update")
    assert code == 0, err
    assert f"updated      {ongoing.relative_to(tmp_path)}  (+mitigated, resolved, 2 updates)" in out
    assert f"unchanged    {cards.relative_to(tmp_path)}  (nothing new at the source)" in out
    assert "wrote        incidents/2024-07-02-example-pay-dashboard-login-loop.yaml" in out
    after = ongoing.read_text(encoding="utf-8")
    # only lines were added (and the import's own version comment moved on): the person's text is intact
    diff = [line for line in difflib.ndiff(edited.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert [line for line in diff if line.startswith("-")] == [
        "- # imported from the source as of 2024-07-01T21:40:12+02:00; `--update` adds only what the source posts after it"
    ]
    assert [line for line in diff if line.startswith("+")] == [
        "+ # imported from the source as of 2024-07-01T23:05:00+02:00; `--update` adds only what the source posts after it",
        "+ mitigated: 2024-07-01T22:35:00+02:00  # monitoring_at: a fix was in place and being watched",
        "+ resolved: 2024-07-01T23:05:00+02:00  # resolved_at",
        "+   - at: 2024-07-01T22:35:00+02:00",
        "+     status: monitoring",
        "+     text: A stuck mail queue worker was restarted. We are monitoring the backlog as it drains.",
        "+   - at: 2024-07-01T23:05:00+02:00",
        "+     status: resolved",
        "+     text: Notification emails are on time again; the backlog has been sent.",
    ]
    incident = yaml.load(after, Loader=yaml.BaseLoader)
    assert incident["title"] == "Payout emails late after a mail worker hung"
    assert [u["at"] for u in incident["updates"]] == [
        "2024-07-01T21:40:12+02:00",
        "2024-07-01T22:35:00+02:00",
        "2024-07-01T23:05:00+02:00",
    ]
    assert cards.read_bytes() == cards_before  # the deleted update stays deleted

    before = snapshot(folder)
    code, out, _ = run(tmp_path, monkeypatch, capsys, "statuspage", LATER, "--update")
    assert code == 0 and "updated" not in out and "wrote" not in out
    assert snapshot(folder) == before


def test_update_where_the_file_has_its_own_times_and_no_version_comment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "incidents"
    run(tmp_path, monkeypatch, capsys, "statuspage", FIRST)
    ongoing = the_file(folder, "ex4ongoing01")
    lines = [
        line for line in ongoing.read_text(encoding="utf-8").split("\n") if not line.startswith("# imported from the source")
    ]
    lines.insert(
        lines.index("started: 2024-07-01T21:30:00+02:00  # started_at") + 1,
        "mitigated: 2024-07-01T22:50:00+02:00  # from our pager",
    )
    ongoing.write_text("\n".join(lines).replace("\n", "\r\n"), encoding="utf-8")  # and Windows line ends
    code, out, err = run(tmp_path, monkeypatch, capsys, "statuspage", LATER, "--update")
    assert code == 0, err
    assert "(+resolved, 2 updates)" in out
    text = ongoing.read_bytes().decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")
    incident = yaml.load(text, Loader=yaml.BaseLoader)
    assert incident["mitigated"] == "2024-07-01T22:50:00+02:00"  # the person's, not monitoring_at
    assert incident["resolved"] == "2024-07-01T23:05:00+02:00"
    assert len(incident["updates"]) == 3  # the one already there is not added twice
    assert text.startswith("# Imported by") and "# imported from the source as of 2024-07-01T23:05:00+02:00;" in text


def test_files_are_found_anywhere_in_the_tree_however_source_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "incidents"
    run(tmp_path, monkeypatch, capsys, "statuspage", FIRST)
    moved = folder / "2024" / "march"
    moved.mkdir(parents=True)
    cards = the_file(folder, "ex2postmrtm1")
    shutil.move(cards, moved / cards.name)
    api = the_file(folder, "ex1resolved1")
    text = api.read_text(encoding="utf-8")
    block = text[text.index("source:\n") :]
    api.write_text(
        text.replace(
            block, 'source: {url: "https://status.example.com/incidents/ex1resolved1", id: "ex1resolved1", kind: statuspage}\n'
        )
    )
    before = snapshot(folder)
    code, out, err = run(tmp_path, monkeypatch, capsys, "statuspage", FIRST)
    assert code == 0, err
    assert "wrote" not in out and out.count("already imported") == 3
    assert snapshot(folder) == before


def test_update_from_a_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("id,title,started,severity,organization\n7,Search down,2024-03-05 10:00,major,Example\n", encoding="utf-8")
    assert run(tmp_path, monkeypatch, capsys, "csv", str(sheet), "--timezone", "UTC")[0] == 0
    sheet.write_text(
        "id,title,started,resolved,severity,organization\n7,Search fully down,2024-03-05 10:00,2024-03-05 11:30,critical,Example\n",
        encoding="utf-8",
    )
    code, out, _ = run(tmp_path, monkeypatch, capsys, "csv", str(sheet), "--timezone", "UTC", "--update")
    assert code == 0 and "(+resolved)" in out
    (path,) = (tmp_path / "incidents").iterdir()
    incident = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert incident["resolved"] == "2024-03-05T11:30:00Z"
    assert incident["title"] == "Search down" and incident["severity"] == "major"  # values already there are kept
