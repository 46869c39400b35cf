"""The showcase of real public outages in incidents/: it loads cleanly and covers the whole catalog."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from conftest import ROOT
from outagekb import model
from outagekb.loader import load_knowledge_base

MIN_INCIDENTS = 30
MIN_USES_PER_LESSON = 2
MIN_OPENAI_INCIDENTS = 3
OPENAI_TELEMETRY_DAY = date(2024, 12, 11)


@pytest.fixture(scope="module")
def showcase() -> tuple[model.KnowledgeBase, list]:
    incidents = ROOT / "incidents"
    return load_knowledge_base(str(incidents), str(incidents / "catalog.yaml"), root=str(ROOT))


@pytest.fixture(scope="module")
def kb(showcase: tuple[model.KnowledgeBase, list]) -> model.KnowledgeBase:
    return showcase[0]


@pytest.fixture(scope="module")
def published(kb: model.KnowledgeBase) -> list[model.Incident]:
    return [incident for incident in kb.incidents if not incident.draft]


def test_showcase_loads_without_problems(showcase: tuple[model.KnowledgeBase, list]) -> None:
    _, problems = showcase
    assert not problems, "the showcase has problems:\n" + "\n".join(str(problem) for problem in problems)


def test_showcase_has_enough_published_incidents(published: list[model.Incident]) -> None:
    assert len(published) >= MIN_INCIDENTS, (
        f"only {len(published)} published incidents, need at least {MIN_INCIDENTS}: {sorted(i.id for i in published)}"
    )


def test_every_cause_is_used(kb: model.KnowledgeBase, published: list[model.Incident]) -> None:
    used = {ref.cause for incident in published for ref in incident.causes}
    unused = sorted(set(kb.catalog.causes) - used)
    assert not unused, f"catalog causes used by no published incident: {unused}"


def test_every_lesson_is_used_twice(kb: model.KnowledgeBase, published: list[model.Incident]) -> None:
    uses = Counter(lesson for incident in published for lesson in {ref.lesson for ref in incident.lessons})
    rare = {lesson: uses[lesson] for lesson in sorted(kb.catalog.lessons) if uses[lesson] < MIN_USES_PER_LESSON}
    assert not rare, f"catalog lessons used by fewer than {MIN_USES_PER_LESSON} published incidents (id: uses): {rare}"


def test_every_incident_has_an_https_reference(published: list[model.Incident]) -> None:
    missing = sorted(
        incident.id for incident in published if not any(ref.url.startswith("https://") for ref in incident.references)
    )
    assert not missing, f"incidents without any https reference: {missing}"


def test_openai_outages_are_covered(published: list[model.Incident]) -> None:
    openai = sorted(incident.id for incident in published if incident.organization.startswith("OpenAI"))
    assert len(openai) >= MIN_OPENAI_INCIDENTS, (
        f"need at least {MIN_OPENAI_INCIDENTS} OpenAI incidents, found {len(openai)}: {openai}"
    )
    telemetry = [
        incident.id
        for incident in published
        if incident.organization.startswith("OpenAI") and incident.started.date() == OPENAI_TELEMETRY_DAY
    ]
    assert telemetry, f"no OpenAI incident starts on {OPENAI_TELEMETRY_DAY.isoformat()}; OpenAI incidents: {openai}"
