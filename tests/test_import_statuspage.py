"""`outagekb import statuspage`: list and single-incident responses, a folder of them, an
address (a local server here), and the mapping of every field docs/import.md describes."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from outagekb.cli import main

FIXTURES = ROOT / "tests" / "fixtures" / "import" / "statuspage"


def run(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read(path: Path) -> dict:
    """An incident file as plain text values (YAML 1.1 would turn times into datetimes)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def the_file(folder: Path, source_id: str) -> Path:
    (found,) = [p for p in folder.rglob("*.yaml") if f"\n  id: {source_id}\n" in p.read_text(encoding="utf-8")]
    return found


def test_a_list_response_and_a_single_incident(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        tmp_path, monkeypatch, capsys, "statuspage", str(FIXTURES / "incidents.json"), str(FIXTURES / "incident-single.json")
    )
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "incidents").iterdir())
    assert names == [
        "2023-11-02-example-pay-webhooks-delivered-twice.yaml",
        "2024-01-15-example-pay-elevated-api-error-rates.yaml",
        "2024-03-05-example-pay-card-payments-failing-in-all-regions.yaml",
        "2024-07-01-example-pay-delayed-payout-notifications.yaml",
    ]
    assert out.count("\nwrote ") + out.startswith("wrote ") == 4
    assert "ex3maint0001" in out and "a scheduled maintenance, not an outage" in out
    assert "5 incidents read, 4 written, 0 already imported, 1 maintenance skipped, 0 problems" in err


def test_every_field_of_an_incident(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    run(tmp_path, monkeypatch, capsys, "statuspage", str(FIXTURES / "incidents.json"))
    path = the_file(tmp_path / "incidents", "ex2postmrtm1")
    text = path.read_text(encoding="utf-8")
    incident = read(path)
    assert incident["title"] == "Card payments failing in all regions"
    assert incident["organization"] == "Example Pay"  # page.name
    assert incident["services"] == ["Card payments", "Checkout API"]  # components, then those updates name
    assert incident["severity"] == "critical"
    assert incident["started"] == "2024-03-05T14:02:00+01:00"  # started_at, offset kept, to the second
    assert incident["mitigated"] == "2024-03-05T15:10:02+01:00"  # monitoring_at
    assert incident["resolved"] == "2024-03-05T15:48:44+01:00"
    assert incident["summary"].startswith("## What happened")  # the postmortem body
    assert "# summary: the postmortem published on the status page" in text
    assert incident["unclassified"] == "true" and "causes" not in incident
    assert "# likely causes (from the text; check before classifying): " in text
    assert [(u["at"], u["status"]) for u in incident["updates"]] == [
        ("2024-03-05T14:09:30+01:00", "investigating"),
        ("2024-03-05T14:31:00+01:00", "identified"),
        ("2024-03-05T15:10:02+01:00", "monitoring"),
        ("2024-03-05T15:48:44+01:00", "resolved"),
    ]
    assert (
        incident["updates"][0]["text"].rstrip() == "Card payments are failing for most merchants.\nWe are investigating."
    )  # was \r\n
    assert all("channel" not in u for u in incident["updates"])  # the default, `status page`
    assert incident["references"] == [
        {"title": "Status page: Card payments failing in all regions", "url": "https://stspg.example.com/ex2", "kind": "status"}
    ]
    assert incident["source"] == {
        "kind": "statuspage",
        "id": "ex2postmrtm1",
        "url": "https://status.example.com/incidents/ex2postmrtm1",
    }
    assert path.name == "2024-03-05-example-pay-card-payments-failing-in-all-regions.yaml"


def test_words_the_format_does_not_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(tmp_path, monkeypatch, capsys, "statuspage", str(FIXTURES / "incidents.json"), str(FIXTURES / "incident-single.json"))
    folder = tmp_path / "incidents"
    api = the_file(folder, "ex1resolved1")
    updates = read(api)["updates"]
    # `verifying` is not ours: the update keeps the status before it, and a comment names the word
    assert [u["status"] for u in updates] == ["investigating", "investigating", "monitoring", "resolved"]
    assert "  # status on the page: `verifying`\n" in api.read_text(encoding="utf-8")
    assert updates[2]["text"] == "(no text)"
    assert read(api)["summary"] == "We are investigating elevated error rates on the API."  # no postmortem: the first update
    webhooks = read(the_file(folder, "ex6single001"))
    assert webhooks["severity"] == "minor"  # impact `none`
    assert webhooks["started"] == "2023-11-02T16:30:00Z"
    ongoing = read(the_file(folder, "ex4ongoing01"))
    assert "resolved" not in ongoing and "mitigated" not in ongoing
    assert ongoing["services"] == ["Notifications"]  # named only by an update's affected_components


def test_organization_option_and_a_page_without_components(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads((FIXTURES / "incident-single.json").read_text(encoding="utf-8"))
    document["incident"]["components"] = []
    for update in document["incident"]["incident_updates"]:
        update["affected_components"] = None
    source = tmp_path / "one.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run(
        tmp_path, monkeypatch, capsys, "statuspage", str(source), "--organization", "Example Payments Ltd", "--into", "kb"
    )
    assert code == 0, err
    (path,) = (tmp_path / "kb").iterdir()
    incident = read(path)
    assert incident["organization"] == "Example Payments Ltd"
    assert incident["services"] == ["Example Payments Ltd"]
    assert "# the page names no component; the organization stands in" in path.read_text(encoding="utf-8")
    assert path.name.startswith("2023-11-02-example-payments-ltd-")


def test_a_folder_of_single_incident_files_and_overlapping_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The way to get more than the list's 50 newest: one file per incident, in a folder."""
    later = json.loads((FIXTURES / "later" / "incidents.json").read_text(encoding="utf-8"))
    history = tmp_path / "history"
    history.mkdir()
    for incident in later["incidents"]:
        (history / f"{incident['id']}.json").write_text(
            json.dumps({"page": later["page"], "incident": incident}), encoding="utf-8"
        )
    (history / "notes.txt").write_text("not a source", encoding="utf-8")
    # the older list names the same incidents: each is imported once, in its newest version
    code, _, err = run(tmp_path, monkeypatch, capsys, "statuspage", str(FIXTURES / "incidents.json"), str(history))
    assert code == 0, err
    assert len(list((tmp_path / "incidents").iterdir())) == 4  # ex1, ex2, ex4 and ex5; ex3 is a maintenance
    resolved = read(the_file(tmp_path / "incidents", "ex4ongoing01"))
    assert resolved["resolved"] == "2024-07-01T23:05:00+02:00" and len(resolved["updates"]) == 3


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, directory=str(FIXTURES), **kwargs)

    def do_GET(self) -> None:
        if self.path == "/away":
            self.send_response(302)
            self.send_header("Location", "http://example.com/api/v2/incidents.json")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_import_from_an_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], server: str
) -> None:
    code, out, err = run(
        tmp_path, monkeypatch, capsys, "statuspage", f"{server}/incidents.json", f"{server}/incident-single.json"
    )
    assert code == 0, err
    assert len(list((tmp_path / "incidents").iterdir())) == 4
    code, _, err = run(tmp_path, monkeypatch, capsys, "statuspage", f"{server}/missing.json")
    assert code == 1 and "the server answered HTTP 404" in err
    code, _, err = run(tmp_path, monkeypatch, capsys, "statuspage", f"{server}/away")
    assert code == 1 and "redirected to http://example.com/api/v2/incidents.json" in err


def test_plain_http_only_on_loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path, monkeypatch, capsys, "statuspage", "http://status.example.com/api/v2/incidents.json")
    assert code == 1
    assert "only https:// addresses are fetched (http:// only on 127.0.0.1 or localhost)" in err
    assert not (tmp_path / "incidents").exists()


def test_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, monkeypatch, capsys, "statuspage", "no-such-file.json")[0] == 2
    assert run(tmp_path, monkeypatch, capsys, "statuspage")[0] == 2
    assert run(tmp_path, monkeypatch, capsys, "pagerduty", "x.json")[0] == 2


def test_the_command_loads_the_import_code_only_when_it_runs() -> None:
    program = "import sys, outagekb.cli; print(sorted(m for m in sys.modules if m.startswith('outagekb.importing')))"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
