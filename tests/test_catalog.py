"""The shipped catalog: every id the format lists, with text a team can use."""

from __future__ import annotations

import re

from conftest import ROOT
from outagekb.loader import SHIPPED_CATALOG, load_catalog, shipped_catalog

FORMAT_CAUSES = {
    "capacity": None,
    "software-bug": None,
    "deployment": None,
    "config-change": "deployment",
    "maintenance": "deployment",
    "automation": None,
    "race-condition": "software-bug",
    "hidden-dependency": None,
    "third-party": None,
    "network": None,
    "dns": "network",
    "routing": "network",
    "hardware": None,
    "power": "hardware",
    "expired-credential": None,
    "data-loss": None,
    "attack": None,
}
FORMAT_LESSONS = [
    "redundancy",
    "monitoring",
    "communication",
    "scalability",
    "testing",
    "staged-rollout",
    "dependency-diversity",
    "backups",
    "incident-response",
]


def test_shipped_catalog_is_valid_and_complete() -> None:
    catalog, problems = load_catalog(SHIPPED_CATALOG)
    assert problems == []
    assert {c.id: c.parent for c in catalog.causes.values()} == FORMAT_CAUSES
    assert list(catalog.lessons) == FORMAT_LESSONS
    for entry in [*catalog.causes.values(), *catalog.lessons.values()]:
        assert entry.title and entry.summary and len(entry.description.split()) >= 80, entry.id
    for lesson in catalog.lessons.values():
        assert 4 <= len(lesson.practices) <= 8, lesson.id


def test_seed_article_lessons_are_in_the_catalog_words() -> None:
    lessons = shipped_catalog().lessons

    def text(lesson_id: str) -> str:
        lesson = lessons[lesson_id]
        return " ".join([lesson.summary, lesson.description, *lesson.practices]).lower()

    expectations = {
        "redundancy": [r"backup", r"redundan", r"keeps? running|continu"],
        "monitoring": [r"continuous", r"proactive", r"before"],
        "communication": [r"timely", r"transparent", r"regular", r"maintenance window"],
        "scalability": [r"spike", r"demand"],
        "testing": [r"testing", r"quality assurance"],
        "dependency-diversity": [r"third-party|vendor", r"divers|reliance"],
    }
    for lesson_id, patterns in expectations.items():
        for pattern in patterns:
            assert re.search(pattern, text(lesson_id)), (lesson_id, pattern)


def test_showcase_catalog_keeps_every_shipped_id() -> None:
    showcase, problems = load_catalog(str(ROOT / "incidents" / "catalog.yaml"))
    assert problems == []
    shipped = shipped_catalog()
    assert set(shipped.causes) <= set(showcase.causes)
    assert set(shipped.lessons) <= set(showcase.lessons)
