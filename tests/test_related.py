"""Related incidents: explicit ones first, then the strongest shared values, with reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import MINIMAL_INCIDENT, build, make_project, page_file
from outagekb import related
from outagekb.loader import shipped_catalog
from outagekb.model import CauseRef, Incident


def incident(number: int, *, causes: tuple[str, ...] = ("capacity",), tags: tuple[str, ...] = (), **kwargs: object) -> Incident:
    base: dict[str, object] = dict(
        id=f"2024-01-{number:02d}-x",
        path="x.yaml",
        title=f"incident {number}",
        organization="Org",
        services=(f"service {number}",),
        severity="minor",
        started=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=number),
        summary="s",
        causes=tuple(CauseRef(c) for c in causes),
        tags=tags,
    )
    base.update(kwargs)
    return Incident(**base)  # type: ignore[arg-type]


def suggest(incidents: list[Incident]) -> dict[str, list[related.Suggestion]]:
    catalog = shipped_catalog()
    newest_first = sorted(incidents, key=lambda i: i.started, reverse=True)
    return related.compute_related(newest_first, catalog)


def test_rare_shared_values_outrank_common_ones_and_reasons_are_named() -> None:
    a = incident(1, causes=("dns",), tags=("bgp",), upstream=("Transit Co",))
    b = incident(2, causes=("dns",), tags=("bgp",), upstream=("transit co",))  # upstream matched without case
    c = incident(3, causes=("capacity",))
    d = incident(4, causes=("routing",))  # shares only the broader cause `network` with a
    commons = [incident(10 + n, causes=("capacity",)) for n in range(10)]
    found = suggest([a, b, c, d, *commons])
    first = found[a.id][0]
    assert first.incident.id == b.id
    assert first.reasons == (("cause", "dns"), ("upstream", "Transit Co"), ("tag", "bgp"), ("broader cause", "network"))
    assert related.describe(first.reasons) == "shares cause dns, upstream Transit Co, tag bgp, broader cause network"
    assert [s.incident.id for s in found[a.id]] == [b.id, d.id]  # nothing else shares anything with a
    assert all(s.incident.id != a.id for s in found[a.id])


def test_services_count_only_within_one_organization() -> None:
    a = incident(1, causes=("dns",), services=("API",), organization="One")
    b = incident(2, causes=("power",), services=("API",), organization="Two")
    c = incident(3, causes=("power",), services=("api",), organization="one")
    found = suggest([a, b, c])
    assert [(s.incident.id, s.reasons) for s in found[a.id]] == [(c.id, (("service", "API"),))]


def test_ties_go_to_the_nearest_in_time_and_at_most_the_limit() -> None:
    group = [incident(n, causes=("power",)) for n in range(1, 21)]
    found = suggest(group)
    middle = group[10]
    assert len(found[middle.id]) == related.LIMIT
    days = sorted(abs((s.incident.started - middle.started).days) for s in found[middle.id])
    assert related.LIMIT == 3 and days == [1, 1, 2]


def test_a_value_shared_by_thousands_scores_only_a_bounded_set_of_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The work per incident is bounded: with every incident sharing one cause, each one
    scores no more than CANDIDATES others and still finds its nearest neighbours."""
    group = [incident(n, causes=("deployment",), id=f"2024-{n:05d}") for n in range(1, 1501)]
    indexes: list[related.RelatedIndex] = []
    monkeypatch.setattr(related, "RelatedIndex", _recording(indexes))
    found = suggest(group)
    for item in group[100:1400:100]:  # away from the ends, neighbours lie on both sides
        neighbours = {abs((s.incident.started - item.started).days) for s in found[item.id]}
        assert neighbours <= {1, 2, 3}, (item.id, neighbours)
    (index,) = indexes
    assert index.scored <= len(group) * related.CANDIDATES
    assert index.scored < len(group) * (len(group) - 1) / 4  # far below comparing every pair


def _recording(indexes: list[related.RelatedIndex]) -> type[related.RelatedIndex]:
    class Recording(related.RelatedIndex):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)  # type: ignore[arg-type]
            indexes.append(self)

    return Recording


def test_incident_page_lists_explicit_then_computed_with_reasons(tmp_path: Path) -> None:
    second = MINIMAL_INCIDENT.replace("2024-05-01T", "2024-06-01T").replace("Web, API", "Web")
    third = MINIMAL_INCIDENT.replace("2024-05-01T", "2024-07-01T") + "related: [2024-05-01-first]\n"
    project = make_project(
        tmp_path,
        {"2024-05-01-first.yaml": MINIMAL_INCIDENT, "2024-06-01-second.yaml": second, "2024-07-01-third.yaml": third},
    )
    site = build(project)
    page = page_file(site, "incidents/2024-05-01-first").read_text(encoding="utf-8")
    section = page.split('id="related-incidents"', 1)[1]
    assert section.index("2024-07-01-third") < section.index("2024-06-01-second")  # explicit (the other way) first
    assert "named in the incident file" in section
    assert "shares cause “config-change”" in section


@pytest.mark.parametrize("seed", range(12))
def test_updating_after_edits_gives_what_computing_afresh_gives(seed: int) -> None:
    """`mkdocs serve` rescores only the incidents an edit can affect; the result must be
    exactly what scoring every incident again gives."""
    import dataclasses
    import random

    rng = random.Random(seed)
    catalog = shipped_catalog()
    causes, tags = list(catalog.causes), [f"tag-{n}" for n in range(40)]

    def varied(number: int) -> Incident:
        return incident(
            number,
            causes=tuple(rng.sample(causes, rng.randint(1, 3))),
            tags=tuple(rng.sample(tags, rng.randint(0, 4))),
            organization=rng.choice(("One", "Two", "Three")),
            services=tuple(rng.sample(("API", "Web", "DNS", "Mobile"), rng.randint(1, 2))),
            upstream=tuple(rng.sample(("AWS", "Azure"), rng.choice((0, 0, 1)))),
            started=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 24 * 365 * 3)),
            id=f"2020-01-01-incident-{number:04d}",
        )

    def newest_first(items: list[Incident]) -> list[Incident]:
        return sorted(items, key=lambda i: (i.started, i.id), reverse=True)

    before = newest_first([varied(n) for n in range(300)])
    previous = related.compute_related(before, catalog)
    earlier = rng.sample(before, rng.randint(1, 4))
    replacements = {}
    for old in earlier:
        new = varied(0)  # new values for what relatedness reads, the same id
        change = rng.choice(("causes", "tags", "organization", "started", "services", "upstream"))
        replacements[old.id] = dataclasses.replace(old, **{change: getattr(new, change)})
    after = newest_first([replacements.get(i.id, i) for i in before])
    fresh = related.compute_related(after, catalog)
    updated = related.update_related(after, catalog, previous, earlier)
    assert updated.keys() == fresh.keys()
    for incident_id, suggestions in fresh.items():
        got = updated[incident_id]
        assert [(s.incident.id, s.reasons, s.score) for s in got] == [(s.incident.id, s.reasons, s.score) for s in suggestions]
        assert all(a.incident is b.incident for a, b in zip(got, suggestions, strict=True)), incident_id


def test_an_edit_rescores_only_the_holders_of_the_values_it_touches() -> None:
    catalog = shipped_catalog()
    dns = [incident(n, causes=("dns",), tags=(f"t{n % 5}",), services=(f"s{n}",)) for n in range(1, 41)]
    power = [incident(n, causes=("power",), tags=(f"u{n % 5}",), services=(f"s{n}",)) for n in range(41, 81)]
    before = sorted(dns + power, key=lambda i: i.started, reverse=True)
    previous = related.compute_related(before, catalog)
    edited = dns[0]
    after = [i if i is not edited else incident(1, causes=("dns",), tags=("t9",), services=("s1",)) for i in before]
    updated = related.update_related(after, catalog, previous, [edited])
    rescored = {i for i in updated if updated[i] is not previous[i]}
    assert edited.id in rescored
    assert rescored <= {i.id for i in dns}  # the power incidents share no value with it, before or after
