"""Possible duplicates and placeholders: the sweep agrees with comparing every pair, the
schema accepts a placeholder, and a build publishes one as a redirect (site tests below).

The exact messages are golden cases in tests/golden/problems/duplicates/."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import jsonschema
import pytest

from outagekb import duplicates, schema
from outagekb.duplicates import Span

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
