"""Possible duplicates and placeholders: the sweep agrees with comparing every pair, the
schema accepts a placeholder, and a build publishes one as a redirect (site tests below).

The exact messages are golden cases in tests/golden/problems/duplicates/."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from conftest import MINIMAL_INCIDENT, build, make_project, page_file
from outagekb import duplicates, schema
from outagekb.duplicates import Span
from test_site import internal_targets

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def span(
    incident_id: str,
    organization: str,
    services: tuple[str, ...],
    started: datetime,
    resolved: datetime | None,
    related: frozenset[str] = frozenset(),
    last_known: datetime | None = None,
) -> Span:
    return Span(
        incident_id, f"{incident_id}.yaml", 5, 10, organization, services, started, resolved, last_known or started, related
    )


def pairs(spans: list[Span], survivors: dict[str, str] | None = None) -> set[tuple[str, str]]:
    """(warned file's id, the other's id) of every warning the sweep gives."""
    found = duplicates.possible_duplicates(spans, lambda path: path, survivors, NOW)
    return {(p.path.removesuffix(".yaml"), p.message.split("`")[1]) for p in found}


def every_pair(spans: list[Span], survivors: dict[str, str]) -> set[tuple[str, str]]:
    """The same, by comparing every pair: the rule as the docs state it."""
    found = set()
    for a in spans:
        for b in spans:
            if a is b or (a.started, a.id) > (b.started, b.id):
                continue  # a is the earlier one, b the later
            same = a.organization.casefold() == b.organization.casefold()
            shared = {s.casefold() for s in a.services} & {s.casefold() for s in b.services}
            overlap = b.started < a.ends(NOW) or b.started == a.started
            named = any(t.id in {survivors.get(n, n) for n in s.related} or t.id in s.related for s, t in ((a, b), (b, a)))
            if same and shared and overlap and not named:
                found.add((b.id, a.id))
    return found


def test_the_sweep_finds_what_comparing_every_pair_finds() -> None:
    rng = random.Random(20)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    warned = 0
    for _ in range(30):
        spans = []
        for n in range(60):
            began = start + timedelta(minutes=rng.randrange(0, 20 * 24 * 60, 30))
            resolved = None if rng.random() < 0.15 else began + timedelta(minutes=rng.choice([0, 10, 90, 600, 3000]))
            related = frozenset(f"i{rng.randrange(60)}" for _ in range(rng.choice([0, 0, 1, 3])))
            spans.append(
                span(
                    f"i{n}",
                    rng.choice(["Acme", "acme", "Beta"]),
                    tuple(rng.sample(["API", "api", "Web", "Mobile"], rng.randint(1, 2))),
                    began,
                    resolved,
                    related,
                    began + timedelta(hours=rng.choice([0, 2, 40])),
                )
            )
        survivors = {f"i{n}": f"i{rng.randrange(60)}" for n in range(0, 60, 7)}
        found = pairs(spans, survivors)
        assert found == every_pair(spans, survivors)
        warned += len(found)
    assert warned > 100  # the cases hold many duplicates, not only clean data


def test_an_ongoing_incident_lasts_a_day_or_until_its_latest_moment_but_not_past_now() -> None:
    began = datetime(2024, 12, 31, 20, tzinfo=UTC)
    assert span("a", "A", ("x",), began, None).ends(NOW) == NOW  # 4 hours before now: until now
    old = datetime(2020, 1, 1, tzinfo=UTC)
    assert span("a", "A", ("x",), old, None).ends(NOW) == old + duplicates.ONGOING_SPAN
    later = old + timedelta(days=3)
    assert span("a", "A", ("x",), old, None, last_known=later).ends(NOW) == later
    future = datetime(2030, 1, 1, tzinfo=UTC)  # a slip of the year: it ends where it starts
    assert span("a", "A", ("x",), future, None).ends(NOW) == future


def test_the_schema_accepts_a_placeholder_and_only_duplicate_of_in_it() -> None:
    document = schema.incident_schema()
    validator = jsonschema.Draft202012Validator(document)
    assert not list(validator.iter_errors({"duplicate_of": "2024-05-01-example-web"}))
    assert list(validator.iter_errors({"duplicate_of": "2024-05-01-example-web", "title": "x"}))
    assert list(validator.iter_errors({"duplicate_of": "Not An Id"}))
    assert list(validator.iter_errors({"duplicate_of": None}))  # `duplicate_of:` alone: an incident missing everything
    assert list(validator.iter_errors({"title": "x"}))  # an incident still needs its required fields


@pytest.mark.parametrize("organization", [None, "Example"])
def test_the_schema_with_a_default_organization_keeps_the_placeholder_rule(organization: str | None) -> None:
    validator = jsonschema.Draft202012Validator(schema.incident_schema(organization=organization))
    assert not list(validator.iter_errors({"duplicate_of": "2024-05-01-example-web"}))


# a site with a placeholder -----------------------------------------------------

SURVIVOR = "2024-05-01-example-config-push"
PLACEHOLDER = "2024-05-01-example-site-down"
NAMING = "2024-06-01-example-api-errors"
NAMING_INCIDENT = (
    MINIMAL_INCIDENT.replace("title: Example service down after a bad configuration push", "title: Example API errors")
    .replace("2024-05-01T", "2024-06-01T")
    .replace("services: [Web, API]", "services: [API]")
    .replace("organization: Example", "organization: Other Corp")
    .replace("cause: config-change", "cause: capacity")
    + f"related: [{PLACEHOLDER}]\n"
)
"""Shares nothing with the incident that stays, so that only `related` can link the two."""


@pytest.fixture(scope="module", params=[True, False], ids=["directory-urls", "file-urls"])
def merged_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bool]:
    use_directory_urls: bool = request.param
    project = make_project(
        tmp_path_factory.mktemp("merged"),
        {
            f"{SURVIVOR}.yaml": MINIMAL_INCIDENT,
            f"2024/{PLACEHOLDER}.yaml": f"duplicate_of: {SURVIVOR}\n",
            f"{NAMING}.yaml": NAMING_INCIDENT,
        },
        use_directory_urls=use_directory_urls,
        mkdocs_extra="site_url: https://kb.example.com/runbook/\n",
    )
    return build(project, strict=True), use_directory_urls


class HeadParser(HTMLParser):
    """The refresh and canonical links of a page's head."""

    def __init__(self) -> None:
        super().__init__()
        self.refresh: list[str] = []
        self.canonical: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and (found.get("http-equiv") or "").lower() == "refresh":
            self.refresh.append(found.get("content") or "")
        if tag == "link" and found.get("rel") == "canonical":
            self.canonical.append(found.get("href") or "")


def test_the_placeholder_page_sends_readers_to_the_incident_that_stays(merged_site: tuple[Path, bool]) -> None:
    site, directory_urls = merged_site
    page = page_file(site, f"incidents/{PLACEHOLDER}", directory_urls)
    survivor = page_file(site, f"incidents/{SURVIVOR}", directory_urls)
    head = HeadParser()
    head.feed(page.read_text(encoding="utf-8"))
    target = f"../{SURVIVOR}/" if directory_urls else f"{SURVIVOR}.html"
    assert head.refresh == [f"0; url={target}"]
    assert (page.parent / target / ("index.html" if directory_urls else "")).resolve() == survivor.resolve()
    published = f"{SURVIVOR}/" if directory_urls else f"{SURVIVOR}.html"
    assert head.canonical == [f"https://kb.example.com/runbook/incidents/{published}"]  # one: not also its own
    links = [(link, path.resolve()) for link, path in internal_targets(site, page)]
    assert any(path == survivor.resolve() for _, path in links), links
    html = page.read_text(encoding="utf-8")
    assert "Merged into another incident" in html and "Example service down after a bad configuration push" in html


def test_the_placeholder_is_in_no_index_feed_export_search_or_sitemap(merged_site: tuple[Path, bool]) -> None:
    site, directory_urls = merged_site
    own = page_file(site, f"incidents/{PLACEHOLDER}", directory_urls)
    assert own.is_file()
    checked = 0
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml") and path != own:
            assert PLACEHOLDER not in path.read_text(encoding="utf-8"), path
            checked += 1
    assert {"sitemap.xml", "feed.xml", "incidents.json", "index.json", "search_index.json"} <= {
        p.name for p in site.rglob("*") if p.is_file()
    }
    assert checked > 20
    export = json.loads((site / "incidents.json").read_text(encoding="utf-8"))
    assert sorted(record["id"] for record in export["incidents"]) == [SURVIVOR, NAMING]
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert SURVIVOR in sitemap and sitemap.count(f"incidents/{SURVIVOR}") == 1


def test_related_naming_a_placeholder_links_to_the_incident_that_stays(merged_site: tuple[Path, bool]) -> None:
    site, directory_urls = merged_site
    naming = page_file(site, f"incidents/{NAMING}", directory_urls)
    survivor = page_file(site, f"incidents/{SURVIVOR}", directory_urls)
    assert survivor.resolve() in {path.resolve() for _, path in internal_targets(site, naming)}
    # and both ways: the incident that stays lists the one that named its placeholder
    assert naming.resolve() in {path.resolve() for _, path in internal_targets(site, survivor)}
