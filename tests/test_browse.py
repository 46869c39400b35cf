"""The browse index (outagekb/browse.py) and the browse page as built: content, escaping, size."""

from __future__ import annotations

import gzip
import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import MINIMAL_INCIDENT, build, make_project
from outagekb import browse, paths
from outagekb.graph import build_graph
from outagekb.loader import load_knowledge_base, shipped_catalog
from outagekb.model import CauseRef, Incident, KnowledgeBase, LessonRef
from outagekb.problems import errors

HOSTILE_TITLE = '</script><img src=x onerror=alert(1)>{{ 7*7 }} & "quoted"'

CORPUS = {
    "2024-05-01-example-config.yaml": MINIMAL_INCIDENT,
    "2023-02-10-other-dns.yaml": """\
        title: Other DNS resolvers failed
        organization: Other
        services: [Resolver]
        severity: critical
        started: 2023-02-10T08:00:00Z
        upstream: [AWS]
        summary: |
          The resolvers **stopped** answering after a [bad zone](https://example.com/zone) push.
        causes:
          - cause: dns
        tags: [dns, bind]
        """,
    "2022-01-01-hostile.yaml": f"""\
        title: {json.dumps(HOSTILE_TITLE)}
        organization: "<svg onload=alert(2)>"
        services: ["<iframe src=javascript:alert(3)>"]
        severity: minor
        started: 2022-01-01T00:00:00-05:00
        summary: "<script>alert(4)</script>"
        causes:
          - cause: race-condition
        tags: ["<b>bold</b>"]
        """,
    "2025-01-01-secret-draft.yaml": """\
        title: A draft nobody may see yet
        organization: Drafty
        services: [Undercover]
        severity: major
        started: 2025-01-01T00:00:00Z
        summary: Not yet.
        causes:
          - cause: power
        tags: [draft-only]
        draft: true
        """,
}


def corpus_index(tmp_path: Path, use_directory_urls: bool = True) -> dict[str, Any]:
    project = make_project(tmp_path, CORPUS)
    kb, problems = load_knowledge_base(str(project / "incidents"))
    assert errors(problems) == []  # the hostile summary's `<script>` is only a warning: it shows as text
    return browse.build_index(build_graph(kb), use_directory_urls=use_directory_urls)


def values_of(index: dict[str, Any], incident_id: str) -> dict[str, list[str]]:
    """An incident's facet values, decoded from the index's positions."""
    row = index["incidents"]["id"].index(incident_id)
    result = {}
    for facet in index["facets"]:
        cell = index["incidents"][facet["name"]][row]
        positions = [cell] if facet.get("single") else cell
        result[facet["name"]] = [facet["values"][p] for p in positions]
    return result


def test_index_lists_published_incidents_newest_first(tmp_path: Path) -> None:
    index = corpus_index(tmp_path)
    assert index["version"] == 1
    assert index["incidents"]["id"] == ["2024-05-01-example-config", "2023-02-10-other-dns", "2022-01-01-hostile"]
    assert index["count"] == 3
    assert index["incidents"]["date"] == ["2024-05-01", "2023-02-10", "2022-01-01"]
    assert [f["name"] for f in index["facets"]] == list(browse.FACET_NAMES)
    columns = index["incidents"]
    assert all(len(column) == 3 for column in columns.values())


def test_drafts_leave_no_trace(tmp_path: Path) -> None:
    text = browse.dumps(corpus_index(tmp_path))
    for secret in ("secret-draft", "A draft nobody", "Drafty", "Undercover", "draft-only"):
        assert secret not in text


def test_a_parent_cause_includes_its_children(tmp_path: Path) -> None:
    index = corpus_index(tmp_path)
    assert values_of(index, "2023-02-10-other-dns")["cause"] == ["dns", "network"]
    assert values_of(index, "2024-05-01-example-config")["cause"] == ["config-change", "deployment"]
    assert values_of(index, "2022-01-01-hostile")["cause"] == ["race-condition", "software-bug"]
    causes = index["facets"][0]
    # every cause of the catalog, in tree order, children indented under their parent
    assert causes["values"] == [cause_id for _, cause_id in shipped_catalog().tree.order]
    assert set(causes["values"]) == set(shipped_catalog().causes)
    position = {value: i for i, value in enumerate(causes["values"])}
    assert causes["depth"][position["network"]] == 0 and causes["depth"][position["dns"]] == 1
    assert position["network"] < position["dns"] < position["hardware"]
    assert causes["labels"][position["dns"]] == shipped_catalog().causes["dns"].title


def test_facet_values_and_labels(tmp_path: Path) -> None:
    index = corpus_index(tmp_path)
    facets = {f["name"]: f for f in index["facets"]}
    assert facets["lesson"]["values"] == list(shipped_catalog().lessons)
    assert (
        facets["lesson"]["labels"][facets["lesson"]["values"].index("staged-rollout")] == "Roll out in stages and roll back fast"
    )
    assert facets["severity"]["values"] == ["critical", "major", "minor"]
    assert facets["organization"]["values"] == ["<svg onload=alert(2)>", "Example", "Other"]
    assert facets["service"]["values"] == ["<iframe src=javascript:alert(3)>", "API", "Resolver", "Web"]
    assert facets["tag"]["values"] == ["<b>bold</b>", "bind", "dns"]
    assert facets["upstream"]["values"] == ["AWS"]
    assert facets["year"]["values"] == ["2024", "2023", "2022"]  # the year in the incident's own offset
    assert {name for name, f in facets.items() if f.get("single")} == {"severity", "organization", "year"}
    assert values_of(index, "2023-02-10-other-dns") == {
        "cause": ["dns", "network"],
        "lesson": [],
        "severity": ["critical"],
        "organization": ["Other"],
        "service": ["Resolver"],
        "tag": ["dns", "bind"],
        "upstream": ["AWS"],
        "year": ["2023"],
    }
    assert values_of(index, "2024-05-01-example-config")["lesson"] == ["staged-rollout"]


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_incident_urls_are_relative_to_the_browse_page(tmp_path: Path, use_directory_urls: bool) -> None:
    index = corpus_index(tmp_path, use_directory_urls)
    prefix, suffix = index["incident_url"]
    for incident_id in index["incidents"]["id"]:
        expected = paths.relative_url(paths.BROWSE_INDEX, paths.incident_page(incident_id), use_directory_urls)
        assert prefix + incident_id + suffix == expected
    assert (prefix, suffix) == (("../incidents/", "/") if use_directory_urls else ("../incidents/", ".html"))


def test_summary_text_is_plain_and_short() -> None:
    text = browse.summary_text(
        "The **resolvers** stopped after a [bad zone](https://example.com/zone) push.\n\n> Second `para`, _see_ db_pool_size."
    )
    assert text == "The resolvers stopped after a bad zone push. Second para, see db_pool_size."
    assert browse.summary_text("## Heading\n\n- one\n- two 3 > 2") == "Heading one two 3 > 2"
    long = browse.summary_text("word " * 100, limit=30)
    assert len(long) <= 30 and long.endswith("word") and "  " not in long


def test_hostile_text_is_data_and_inert(tmp_path: Path) -> None:
    index = corpus_index(tmp_path)
    text = browse.dumps(index)
    # JSON that stays inert even if served or embedded as HTML: no raw angle brackets or ampersands
    assert "<" not in text and ">" not in text and "&" not in text
    decoded = json.loads(text)
    assert decoded == index
    assert decoded["incidents"]["title"][2] == HOSTILE_TITLE
    assert decoded["incidents"]["text"][2] == "<script>alert(4)</script>"


def test_browse_query_and_url() -> None:
    assert paths.browse_query() == ""
    assert (
        paths.browse_query(year=2024, cause=["dns", "routing"], severity="critical")
        == "?cause=dns&cause=routing&severity=critical&year=2024"
    )
    assert (
        paths.browse_query(organization="Meta (Facebook)", tag="a&b c", q="")
        == "?organization=Meta%20%28Facebook%29&tag=a%26b%20c"
    )
    assert paths.browse_query(service=None, upstream=[]) == ""
    assert paths.browse_url("causes/dns.md", True, cause="dns") == "../../browse/?cause=dns"
    assert paths.browse_url("causes/dns.md", False, cause="dns") == "../browse/index.html?cause=dns"
    assert paths.browse_url("index.md", True) == "browse/"
    assert paths.browse_url("incidents/index.md", True, tag="dns") == "../browse/?tag=dns"
    with pytest.raises(ValueError, match="unknown browse facet"):
        paths.browse_query(causes="dns")


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_browse_page_in_the_built_site(tmp_path: Path, use_directory_urls: bool) -> None:
    project = make_project(tmp_path, CORPUS, use_directory_urls=use_directory_urls)
    site = build(project)
    page = site / "browse" / "index.html"  # the same file in both URL styles
    html = page.read_text(encoding="utf-8")
    root = re.search(r'<div id="okb-browse"[^>]*data-index="([^"]+)"', html)
    assert root, "the browse root names its index"
    assert (page.parent / root.group(1)).is_file()
    assert json.loads((page.parent / root.group(1)).read_text(encoding="utf-8"))["count"] == 3
    # without JavaScript: a sentence and a link to the incidents index
    fallback = re.search(r'<p class="okb-browse__fallback">(.*?)</p>', html)
    assert fallback and "needs JavaScript" in fallback.group(1)
    link = re.search(r'href="([^"]+)"', fallback.group(1))
    assert link
    target = page.parent / link.group(1)
    assert (target / "index.html" if link.group(1).endswith("/") else target).is_file()
    assert "okb-browse__count" in html and 'aria-live="polite"' in html
    assert 'src="../assets/outagekb/browse.js"' in html
    assert (site / "assets" / "outagekb" / "browse.js").is_file()
    # no incident data in the page itself, hostile or not
    assert "alert(" not in html and "Other DNS resolvers" not in html
    # the page is in the navigation
    home = (site / "index.html").read_text(encoding="utf-8")
    assert ("browse/" if use_directory_urls else "browse/index.html") in home


def synthetic_kb(count: int, seed: int = 1) -> KnowledgeBase:
    """`count` incidents in memory, with word salad of realistic variety for titles and summaries."""
    rng = random.Random(seed)
    catalog = shipped_catalog()
    words = [
        f"{rng.choice('bcdfghklmnprstvw')}{rng.choice('aeiou')}{rng.choice('bcdfgklmnprst')}{rng.choice(['', 'er', 'ing', 'ed', 'ion'])}"
        for _ in range(4000)
    ]
    organizations = [f"Org {i}" for i in range(400)]
    services = [f"Service {i}" for i in range(300)]
    tags = [f"tag-{i}" for i in range(600)]
    start = datetime(2015, 1, 1, tzinfo=UTC)
    incidents = []
    for i in range(count):
        title = " ".join(rng.choices(words, k=rng.randint(8, 16)))
        summary = " ".join(rng.choices(words, k=rng.randint(60, 200)))
        incidents.append(
            Incident(
                id=f"incident-{i:05d}-{rng.choice(words)}",
                path=f"incidents/incident-{i}.yaml",
                title=title[:200],
                organization=rng.choice(organizations),
                services=tuple(rng.sample(services, rng.randint(1, 3))),
                severity=rng.choice(("critical", "major", "minor")),
                started=start + timedelta(hours=rng.randint(0, 24 * 365 * 10)),
                summary=summary,
                causes=tuple(CauseRef(c) for c in rng.sample(list(catalog.causes), rng.randint(1, 3))),
                lessons=tuple(LessonRef(lesson) for lesson in rng.sample(list(catalog.lessons), rng.randint(0, 3))),
                upstream=tuple(rng.sample(("AWS", "Google Cloud", "Azure", "Cloudflare"), rng.choice((0, 0, 0, 1)))),
                tags=tuple(rng.sample(tags, rng.randint(0, 6))),
            )
        )
    return KnowledgeBase(catalog, tuple(incidents))


def test_ten_thousand_incidents_stay_under_a_megabyte_compressed() -> None:
    text = browse.index_json(build_graph(synthetic_kb(10_000)))
    compressed = len(gzip.compress(text.encode("utf-8"), 6))
    assert compressed < 1_000_000, f"{compressed:,} bytes gzipped"
    assert json.loads(text)["count"] == 10_000
