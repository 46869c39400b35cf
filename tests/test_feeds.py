"""The Atom feeds and the JSON export, read the way their consumers read them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from jsonschema import Draft202012Validator

from conftest import MINIMAL_INCIDENT, build, make_project, page_file
from outagekb import figures

SECOND = (
    MINIMAL_INCIDENT.replace("2024-05-01T", "2024-06-01T")
    .replace("cause: config-change", "cause: dns")
    .replace("title: Example service down after a bad configuration push", "title: Example DNS records vanished")
    + "updates:\n  - at: 2024-06-01T13:05:00+02:00\n    status: resolved\n    text: Fixed.\n"
)
DRAFT = MINIMAL_INCIDENT.replace("2024-05-01T", "2024-07-01T") + "draft: true\n"
ONGOING = (
    MINIMAL_INCIDENT.replace("2024-05-01T", "2024-08-01T")
    .replace("resolved: 2024-08-01T12:30:00+02:00\n", "")
    .replace("title: Example service down after a bad configuration push", "title: Still down")
    + "approximate: [started]\n"
)
INCIDENTS = {
    "2024-05-01-first.yaml": MINIMAL_INCIDENT,
    "2024-06-01-second.yaml": SECOND,
    "2024-07-01-draft.yaml": DRAFT,
    "2024-08-01-ongoing.yaml": ONGOING,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(make_project(tmp_path_factory.mktemp("feeds"), INCIDENTS))


@pytest.fixture(scope="module")
def site_with_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(
        tmp_path_factory.mktemp("feeds-url"), INCIDENTS, mkdocs_extra="site_url: https://kb.example.org/ops/\n"
    )
    return build(project)


def test_main_feed_is_valid_atom_with_the_published_incidents(site: Path) -> None:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Still down", "Example DNS records vanished", feed.entries[2].title]
    assert len(feed.entries) == 3  # the draft is left out
    second = feed.entries[1]
    assert second.link == "incidents/2024-06-01-second/"
    assert second.id == "urn:outagekb:incident:2024-06-01-second"
    assert [tag.term for tag in second.tags] == ["dns"] and second.tags[0].label == "DNS failure"
    assert second.updated == "2024-06-01T13:05:00+02:00"  # the newest timestamp in the file (the update)
    assert second.published == "2024-06-01T10:00:00+02:00"
    assert "Causes: DNS failure. Severity: major." in second.summary
    assert feed.feed.updated == "2024-08-01T11:00:00+02:00"


def test_cause_feeds_hold_the_cause_and_its_narrower_causes(site: Path) -> None:
    network = feedparser.parse((site / "causes/network/feed.xml").read_bytes())
    assert not network.bozo
    assert [e.title for e in network.entries] == ["Example DNS records vanished"]  # dns is under network
    deployment = feedparser.parse((site / "causes/deployment/feed.xml").read_bytes())
    assert len(deployment.entries) == 2  # config-change is under deployment; the draft is out
    assert network.entries[0].link == "../../incidents/2024-06-01-second/"
    empty = feedparser.parse((site / "causes/power/feed.xml").read_bytes())
    assert not empty.bozo and empty.entries == []


def test_feed_links_are_absolute_with_a_site_url(site_with_url: Path) -> None:
    feed = feedparser.parse((site_with_url / "causes/dns/feed.xml").read_bytes())
    assert feed.entries[0].link == "https://kb.example.org/ops/incidents/2024-06-01-second/"
    assert feed.entries[0].id == feed.entries[0].link
    assert feed.feed.id == "https://kb.example.org/ops/causes/dns/feed.xml"


def test_feeds_hold_no_control_characters(site: Path) -> None:
    for path in site.rglob("feed.xml"):
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", path.read_text(encoding="utf-8")), path


def test_export_validates_against_its_schema_and_leaves_drafts_out(site: Path) -> None:
    export = json.loads((site / "incidents.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "incidents.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(export))
    assert not errors, [e.message for e in errors]
    assert export["version"] == 1
    assert [i["id"] for i in export["incidents"]] == ["2024-08-01-ongoing", "2024-06-01-second", "2024-05-01-first"]
    ongoing, second, first = export["incidents"]
    assert ongoing["resolved"] is None and ongoing["duration_seconds"] is None and ongoing["approximate"] == ["started"]
    assert first["duration_seconds"] == 2.5 * 3600 and first["time_to_detect_seconds"] == 300
    assert first["time_to_mitigate_seconds"] == 3600 and first["time_to_first_update_seconds"] is None
    assert second["time_to_first_update_seconds"] == 3 * 3600 + 5 * 60
    assert first["causes"] == [{"cause": "config-change", "roles": ["trigger"]}]
    assert first["lessons"] == ["staged-rollout"] and first["services"] == ["Web", "API"]
    assert first["started"] == "2024-05-01T10:00:00+02:00"


def test_export_agrees_with_the_incident_pages(site: Path, site_with_url: Path) -> None:
    for record in json.loads((site / "incidents.json").read_text(encoding="utf-8"))["incidents"]:
        page = site / record["url"] / "index.html"
        text = page.read_text(encoding="utf-8")
        assert "<h1" in text and record["title"] in text
        approximate = bool({"started", "resolved"} & set(record["approximate"])) and record["duration_seconds"] is not None
        shown = figures.format_figure(figures.Figure(record["duration_seconds"], approximate))
        assert f"<dt>Duration</dt> <dd>{shown}</dd>" in text
    absolute = json.loads((site_with_url / "incidents.json").read_text(encoding="utf-8"))["incidents"]
    assert absolute[0]["url"] == "https://kb.example.org/ops/incidents/2024-08-01-ongoing/"
    assert page_file(site_with_url, "incidents/2024-08-01-ongoing").exists()
