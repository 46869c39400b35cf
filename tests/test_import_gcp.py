"""`outagekb import gcp`: Google Cloud's status incidents.json, mapped as docs/import.md says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from outagekb.cli import main

FEED = ROOT / "tests" / "fixtures" / "import" / "gcp" / "incidents.json"


def run(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def incidents(folder: Path) -> dict[str, dict]:
    """Each file's fields as text, by source id."""
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        found[data["source"]["id"]] = data | {"_path": path}
    return found


def test_the_feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(tmp_path, monkeypatch, capsys, "gcp", str(FEED), "--organization", "Example Cloud")
    assert code == 0, err
    assert "3 incidents read, 3 written" in err
    found = incidents(tmp_path / "incidents")
    storage = found["ExAmPlE1oBjStOrAgE01"]
    assert storage["title"] == "Example Object Storage: write errors in europe-west9 and us-east7"  # external_desc
    assert storage["organization"] == "Example Cloud"
    assert storage["services"] == ["Example Object Storage", "Example Batch"]  # affected_products[].title
    assert storage["severity"] == "critical"  # severity `high`
    assert storage["started"] == "2024-05-08T14:22:00Z" and storage["resolved"] == "2024-05-08T15:58:00Z"  # begin, end
    assert "mitigated" not in storage  # the feed does not say
    assert storage["regions"] == ["europe-west9", "us-east7"]
    # updates in time order (the feed lists the newest first); the incident report is a postmortem
    assert [(u["at"], u["status"]) for u in storage["updates"]] == [
        ("2024-05-08T14:40:00Z", "investigating"),
        ("2024-05-08T15:10:00Z", "investigating"),
        ("2024-05-08T16:00:00Z", "resolved"),
        ("2024-05-10T18:30:00Z", "postmortem"),
    ]
    assert storage["summary"].startswith("# Incident Report")
    assert storage["references"] == [
        {
            "title": "Google Cloud Service Health: incident 10000000000000000001",
            "url": "https://status.cloud.google.com/incidents/ExAmPlE1oBjStOrAgE01",  # the relative uri, resolved
            "kind": "status",
        }
    ]
    assert storage["source"] == {
        "kind": "gcp",
        "id": "ExAmPlE1oBjStOrAgE01",
        "url": "https://status.cloud.google.com/incidents/ExAmPlE1oBjStOrAgE01",
    }
    assert storage["unclassified"] == "true" and "causes" not in storage
    assert "config-change (Configuration change" in storage["_path"].read_text(encoding="utf-8")

    queue = found["ExAmPlE2qUeUeCoNsOlE"]
    assert queue["services"] == ["Example Queue"]  # no affected_products: service_name
    assert queue["severity"] == "minor" and "resolved" not in queue  # ongoing
    assert queue["regions"] == ["global"]
    assert queue["updates"][0]["at"] == "2024-02-20T10:02:00Z"  # `when`, not `created`
    assert queue["summary"] == queue["updates"][0]["text"]
    assert found["ExAmPlE3kUbErNeTeS03"]["severity"] == "major"


def test_organization_defaults_to_google_cloud(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = json.loads(FEED.read_text(encoding="utf-8"))[2:]
    del feed[0]["severity"]  # then status_impact decides
    feed[0]["uri"] = "https://status.cloud.google.com/incidents/other-form"
    source = tmp_path / "feed.json"
    source.write_text(json.dumps(feed), encoding="utf-8")
    assert run(tmp_path, monkeypatch, capsys, "gcp", str(source))[0] == 0
    (only,) = incidents(tmp_path / "incidents").values()
    assert only["organization"] == "Google Cloud"
    assert only["severity"] == "major"  # SERVICE_DISRUPTION
    assert only["references"][0]["url"] == "https://status.cloud.google.com/incidents/other-form"
    assert only["_path"].name.startswith("2023-12-01-google-cloud-")


def test_wrong_shapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "feed.json"
    source.write_text('{"incidents": []}', encoding="utf-8")
    code, _, err = run(tmp_path, monkeypatch, capsys, "gcp", str(source))
    assert code == 1 and "expected Google Cloud's incidents.json (a list of incidents), found an object" in err
    feed = json.loads(FEED.read_text(encoding="utf-8"))
    feed[0]["severity"] = "catastrophic"
    feed[1]["affected_products"] = "Example Queue"
    del feed[2]["begin"], feed[2]["created"]
    source.write_text(json.dumps(feed), encoding="utf-8")
    code, _, err = run(tmp_path, monkeypatch, capsys, "gcp", str(source))
    assert code == 1
    assert (
        "incident [0] (id 'ExAmPlE1oBjStOrAgE01', number 10000000000000000001): error: `severity`: 'catastrophic' is not one of high, medium, low"
        in err
    )
    assert "error: `affected_products`: expected a list, found text" in err
    assert "error: `begin` is missing; it is required" in err
    assert "3 problems" in err
    assert not (tmp_path / "incidents").exists()
