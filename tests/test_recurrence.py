"""Lessons not learned (`recurrence`) and how often a cause comes back (`figures.recurrence`):
the rule on small hand-made knowledge bases, then a real site built from files, read as HTML."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import build, make_project, page_file
from outagekb import figures
from outagekb.graph import build_graph
from outagekb.loader import load_knowledge_base
from outagekb.model import Action, CauseRef, Incident, KnowledgeBase, LessonRef
from outagekb.recurrence import LIMIT, find_recurrences

START = datetime(2023, 1, 10, 9, 0, tzinfo=UTC)


def incident(
    key: str,
    days: float,
    *,
    organization: str = "Acme",
    causes: tuple[str, ...] = ("dns",),
    lessons: tuple[str, ...] = (),
    actions: tuple[Action, ...] = (),
    draft: bool = False,
) -> Incident:
    return Incident(
        id=f"2023-01-10-{key}",
        path=f"incidents/{key}.yaml",
        title=f"Outage {key}",
        organization=organization,
        services=("API",),
        severity="major",
        started=START + timedelta(days=days),
        summary="An outage.",
        causes=tuple(CauseRef(c) for c in causes),
        lessons=tuple(LessonRef(lesson) for lesson in lessons),
        actions=actions,
        draft=draft,
    )


def pairs(incidents: list[Incident]) -> set[tuple[str, str, int, str | None, tuple[str, ...]]]:
    """Every recurrence as (later key, earlier key, action position, lesson, shared causes)."""
    found = find_recurrences(incidents)
    return {
        (r.later.id[11:], r.earlier.id[11:], r.position, r.lesson, r.causes) for items in found.of_later.values() for r in items
    }


STAGE = Action("Stage pushes region by region.", lesson="staged-rollout")
PAGE = Action("Page the on-call on NXDOMAIN spikes.")


def test_an_open_action_recurs_through_its_lesson_or_a_shared_cause() -> None:
    earlier = incident("first", 0, causes=("dns", "config-change"), actions=(STAGE, PAGE))
    by_lesson = incident("lesson-again", 30, causes=("capacity",), lessons=("staged-rollout",))
    by_cause = incident("cause-again", 60, causes=("config-change",))
    assert pairs([earlier, by_lesson, by_cause]) == {
        ("lesson-again", "first", 0, "staged-rollout", ()),
        # no lesson taught again: every open action of an incident with the same cause counts
        ("cause-again", "first", 0, None, ("config-change",)),
        ("cause-again", "first", 1, None, ("config-change",)),
    }


def test_what_does_not_count() -> None:
    earlier = incident(
        "first",
        0,
        causes=("dns",),
        actions=(
            STAGE,
            replace(PAGE, status="done"),
            replace(PAGE, status="wont-do"),
            replace(PAGE, action="Tracked.", status="in-progress"),
        ),
    )
    others = [
        incident("other-org", 10, organization="Globex", lessons=("staged-rollout",)),  # another organization's promise
        incident("sibling", 20, causes=("routing",)),  # dns and routing share only their parent, network
        incident("parent", 25, causes=("network",)),  # the broader cause is a category, not the same cause
        incident("same-moment", 0, lessons=("staged-rollout",)),  # not strictly later
        incident("draft", 40, lessons=("staged-rollout",), draft=True),
    ]
    published = [i for i in [earlier, *others] if not i.draft]
    assert pairs(published) == set()
    # an in-progress action counts, a done or won't-do one does not, and the later incident
    # never lends its own open actions to an earlier one
    later = incident("later", 90)
    assert pairs([earlier, later]) == {("later", "first", 0, None, ("dns",)), ("later", "first", 3, None, ("dns",))}
    assert pairs([later, replace(earlier, started=START + timedelta(days=120))]) == set()


def test_an_incident_keeps_the_newest_actions_and_says_there_were_more() -> None:
    many = [incident(f"n{n:04d}", n, actions=(PAGE,)) for n in range(3 * LIMIT)]
    last = incident("last", 10_000)
    found = find_recurrences([*many, last])
    kept = found.of_later[last.id]
    assert [r.earlier.id for r in kept] == [i.id for i in reversed(many[-LIMIT:])]
    assert last.id in found.more
    assert many[LIMIT + 1].id in found.more and many[LIMIT].id not in found.more  # ten earlier ones: all kept
    assert len(found.of_later[many[1].id]) == 1
    # the first incident's action recurred in each of the next LIMIT incidents, then fell out of their windows
    assert [r.later.id for r in found.of_action[(many[0].id, 0)]] == [i.id for i in many[1 : LIMIT + 1]]


def test_thousands_of_incidents_of_one_cause_stay_within_the_limit() -> None:
    """One organization, one cause, an open action each: the pairs would be millions; each
    incident looks at most LIMIT entries back per lesson and cause."""
    many = [incident(f"m{n:05d}", n / 10, lessons=("staged-rollout",), actions=(STAGE, PAGE)) for n in range(5000)]
    found = find_recurrences(many)
    assert len(found.of_later) == len(many) - 1
    assert max(len(items) for items in found.of_later.values()) == LIMIT
    assert sum(len(items) for items in found.of_action.values()) <= LIMIT * len(many)


def test_a_serve_rebuild_keeps_the_lists_of_unchanged_incidents() -> None:
    earlier = incident("first", 0, actions=(STAGE,))
    later = incident("later", 30, lessons=("staged-rollout",))
    other = incident("other", 40, organization="Globex", actions=(PAGE,))
    third = incident("third", 50, organization="Globex")
    catalog = load_knowledge_base(str(Path(__file__).parent / "golden" / "pages" / "incidents"))[0].catalog
    first_graph = build_graph(KnowledgeBase(catalog, (earlier, later, other, third)))
    edited = replace(third, title="Edited")
    second_graph = build_graph(KnowledgeBase(catalog, (earlier, later, other, edited)), first_graph)
    assert second_graph.recurrences.of_later[later.id] is first_graph.recurrences.of_later[later.id]
    assert second_graph.recurrences.of_earlier[earlier.id] is first_graph.recurrences.of_earlier[earlier.id]
    assert second_graph.recurrences.of_later[edited.id] is not first_graph.recurrences.of_later[third.id]
    assert second_graph.recurrences.of_later[edited.id][0].later is edited


def test_how_often_a_cause_comes_back() -> None:
    group = [
        incident("a1", 0),
        incident("a2", 10),
        incident("a3", 40),
        incident("b1", 5, organization="Globex"),  # alone in its organization: no gap
        incident("c1", 100, organization="Initech"),
        incident("c2", 101, organization="Initech"),
    ]
    found = figures.recurrence(group, years=2.0)
    assert found.gaps == 3  # a1-a2 (10 days), a2-a3 (30 days), c1-c2 (1 day); never across organizations
    assert found.gap_median.seconds == 10 * figures.DAY
    assert found.per_year == 3.0
    assert figures.recurrence([], 2.0) == figures.RecurrenceFigures(figures.UNKNOWN, 0, None)
    assert figures.years_covered(group[:2]) == 1.0  # at least one year
    assert figures.years_covered([incident("x", 0), incident("y", 730.485)]) == pytest.approx(2.0)


# a real site ------------------------------------------------------------------------------

EARLIER = """\
title: Resolver push took the API down
organization: Acme
services: [API]
severity: critical
started: 2023-03-01T10:00:00+00:00
resolved: 2023-03-01T11:00:00+00:00
summary: A resolver configuration push removed a zone.
causes:
  - cause: dns
    role: trigger
lessons:
  - lesson: staged-rollout
actions:
  - action: Stage resolver pushes region by region.
    lesson: staged-rollout
  - action: Page the on-call on NXDOMAIN spikes.
    status: in-progress
  - action: Add a DNS probe.
    status: done
    lesson: staged-rollout
"""

LATER = """\
title: Resolver push took the API down again
organization: Acme
services: [API]
severity: major
started: 2024-03-01T10:00:00+00:00
resolved: 2024-03-01T10:30:00+00:00
summary: Another resolver push, again to every region at once.
causes:
  - cause: dns
    role: trigger
lessons:
  - lesson: staged-rollout
"""

ELSEWHERE = """\
title: Globex resolvers failed after a push
organization: Globex
services: [Web]
severity: minor
started: 2024-06-01T10:00:00+00:00
resolved: 2024-06-01T10:20:00+00:00
summary: Globex's own resolver push.
causes:
  - cause: dns
lessons:
  - lesson: staged-rollout
"""

FILES = {
    "2023-03-01-acme-resolver.yaml": EARLIER,
    "2024-03-01-acme-resolver-again.yaml": LATER,
    "2024-06-01-globex-resolver.yaml": ELSEWHERE,
    "2024-07-01-acme-draft.yaml": LATER.replace("2024-03-01", "2024-07-01").replace("again", "a draft") + "draft: true\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(make_project(tmp_path_factory.mktemp("recurrence"), FILES), strict=True)


def text_of(site: Path, url: str, section: str | None = None) -> str:
    """A page's article (or one `##` section of it, by its heading's id) as the reader sees
    the words: tags removed, a space between list items and cells, spaces joined."""
    html = page_file(site, url).read_text(encoding="utf-8")
    html = html[html.index('<article class="md-content__inner') : html.index("</article>")]
    if section is not None:
        html = html[html.index(f'id="{section}"') :]
        html = html[: html.find("<h2") if "<h2" in html else None]
    html = re.sub(r"</(dt|dd|li|p|td|th)>|<(ul|dl|tr)[^>]*>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace("&#x27;", "'")


def test_the_later_incident_names_the_earlier_one_and_its_open_actions(site: Path) -> None:
    page = text_of(site, "incidents/2024-03-01-acme-resolver-again", "lessons-not-learned")
    html = page_file(site, "incidents/2024-03-01-acme-resolver-again").read_text(encoding="utf-8")
    assert 'id="lessons-not-learned"' in html
    assert "Earlier incidents of Acme left follow-up work open that this outage needed again:" in page
    assert "Resolver push took the API down on 2023-03-01, 366 days before this one:" in page
    assert (
        "Roll out in stages and roll back fast was taught there too; its action “Stage resolver pushes region by region.” is still open."
        in page
    )
    assert "The same cause, DNS failure: its action “Page the on-call on NXDOMAIN spikes.” is still in progress." in page
    assert "Add a DNS probe" not in page  # done
    assert 'href="../2023-03-01-acme-resolver/">Resolver push took the API down</a> on 2023-03-01' in html


def test_the_earlier_incident_names_where_its_open_actions_recurred(site: Path) -> None:
    page = text_of(site, "incidents/2023-03-01-acme-resolver", "lessons-not-learned")
    assert (
        "“Stage resolver pushes region by region.” (still open) was needed again by "
        "Resolver push took the API down again (2024-03-01, 366 days later)." in page
    )
    assert "“Page the on-call on NXDOMAIN spikes.” (still in progress) was needed again by" in page
    assert "Globex" not in page and "a draft" not in page  # another organization; a draft is in no page


def test_the_lesson_page_lists_the_lesson_taught_again(site: Path) -> None:
    page = text_of(site, "lessons/staged-rollout", "taught-again-while-an-action-was-open")
    assert "Taught again while an action was open" in page
    assert (
        "Resolver push took the API down again taught it again on 2024-03-01, 366 days after "
        "Resolver push took the API down, whose action “Stage resolver pushes region by region.” is still open." in page
    )
    assert page.count("taught it again") == 1  # the cause match is not this lesson's; Globex is another organization


def test_the_open_actions_page_marks_each_recurred_action(site: Path) -> None:
    page = text_of(site, "actions")
    html = page_file(site, "actions").read_text(encoding="utf-8")
    assert "2 of them were needed again by a later incident of the same organization" in page
    assert page.count("needed again by Resolver push took the API down again, 366 days later") == 2
    assert html.count('class="okb-recurred"') == 2


def test_the_statistics_page_counts_them_and_shows_how_often_causes_come_back(site: Path) -> None:
    page = text_of(site, "stats")
    assert "Recurred with open actions: 1 of 3 published incidents needed follow-up work" in page
    html = page_file(site, "stats").read_text(encoding="utf-8")
    table = html[html.index('class="okb-cause-recurrence"') :]
    table = table[: table.index("</table>")]
    rows = [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]]
    cells = [[cell for cell in row.split("|") if cell.strip()] for row in rows]
    # Acme had dns twice (366 days apart); network counts its narrower dns; Globex once
    # 3 incidents each, over the 15 months from the first published incident to the last
    assert cells == [["Network failure", "366 days", "1", "2.4"], ["DNS failure", "366 days", "1", "2.4"]]


def test_the_cause_page_shows_its_recurrence(site: Path) -> None:
    page = text_of(site, "causes/dns")
    assert "Median time between incidents 366 days (n = 1 gap, within one organization)" in page
    assert "Incidents per year 2.4" in page


def test_a_page_stays_short_when_an_organization_keeps_needing_the_same_open_actions(tmp_path: Path) -> None:
    """Four earlier incidents left the action open, and three later ones needed it again: the
    earliest page names the first later incident and counts the others; the latest names
    only the three newest earlier incidents and says there were more."""
    files = {
        f"2023-0{month}-01-acme-resolver-{month}.yaml": EARLIER.replace("2023-03-01", f"2023-0{month}-01").replace(
            "took the API down", f"took the API down in month {month}"
        )
        for month in range(1, 5)
    }
    files["2024-03-01-acme-resolver-again.yaml"] = LATER
    site = build(make_project(tmp_path, files), strict=True)
    first = text_of(site, "incidents/2023-01-01-acme-resolver-1", "lessons-not-learned")
    assert (
        "“Stage resolver pushes region by region.” (still open) was needed again by "
        "Resolver push took the API down in month 2 (2023-02-01, 31 days later), and by 3 more incidents since." in first
    )
    last = text_of(site, "incidents/2024-03-01-acme-resolver-again", "lessons-not-learned")
    assert [month for month in range(1, 5) if f"took the API down in month {month} on" in last] == [2, 3, 4]
    assert "Only the newest" in last and "the open actions page lists every open action" in last
