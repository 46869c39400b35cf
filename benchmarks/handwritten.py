"""The baseline: the same knowledge base as natural Markdown a person would write by hand.

One page per incident, cause and lesson, plus the incidents, causes, lessons and actions
index pages, with the same navigation as the outagekb site (section pages only). Pages
use headings, a facts table, tables, lists and relative `.md` links; no raw HTML. The
site is plain MkDocs + Material + search, without the outagekb plugin.

The templates are the benchmark's own (Python string formatting); the figures (durations,
medians, counts) are computed here with simple code, as a person's script would.
"""

from __future__ import annotations

import os
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from generate import HOME, MKDOCS_COMMON, Catalog, Incident, reset_folder

# --- figures ---------------------------------------------------------------------------------


def minutes_text(minutes: float) -> str:
    """`45 min`, `2 h 14 min`, `3 d 4 h`."""
    minutes = int(round(abs(minutes)))
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def since(start: datetime, moment: datetime | None, approximate: bool = False) -> str:
    if moment is None:
        return "unknown"
    minutes = (moment - start).total_seconds() / 60
    word = "before" if minutes < 0 else "after"
    return f"{'~' if approximate else ''}{minutes_text(minutes)} {word} start"


def when(moment: datetime, approximate: bool = False) -> str:
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        zone = "UTC"
    else:
        total = int(offset.total_seconds() // 60)
        hours, rest = divmod(abs(total), 60)
        zone = f"UTC{'+' if total >= 0 else '−'}{hours:02d}:{rest:02d}"
    return f"{'~' if approximate else ''}{moment:%Y-%m-%d %H:%M} {zone}"


def duration_minutes(incident: Incident) -> float | None:
    if incident.resolved is None:
        return None
    return (incident.resolved - incident.started).total_seconds() / 60


def first_update_minutes(incident: Incident) -> float | None:
    if not incident.updates:
        return None
    return (min(u.at for u in incident.updates) - incident.started).total_seconds() / 60


def duration_text(incident: Incident) -> str:
    minutes = duration_minutes(incident)
    if minutes is None:
        return "ongoing"
    approximate = bool({"started", "resolved"} & set(incident.approximate))
    return f"{'~' if approximate else ''}{minutes_text(minutes)}"


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def facts(incidents: Sequence[Incident]) -> str:
    """The aggregate figures of a cause or lesson, as a list."""
    durations = [d for d in (duration_minutes(i) for i in incidents) if d is not None]
    updates = [u for u in (first_update_minutes(i) for i in incidents) if u is not None]
    lines = []
    if incidents:
        first, last = min(i.started for i in incidents), max(i.started for i in incidents)
        lines.append(f"- **Incidents**: {len(incidents)} (first {first:%Y-%m-%d}, last {last:%Y-%m-%d})")
    else:
        lines.append("- **Incidents**: 0")
    if durations:
        lines.append(f"- **Median duration**: {minutes_text(statistics.median(durations))} (n = {len(durations)})")
        lines.append(f"- **90th percentile duration**: {minutes_text(percentile(durations, 0.9))}")
    else:
        lines.append("- **Median duration**: unknown")
    if updates:
        lines.append(f"- **Median time to first public update**: {minutes_text(statistics.median(updates))} (n = {len(updates)})")
    else:
        lines.append("- **Median time to first public update**: unknown")
    return "\n".join(lines)


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- pages -----------------------------------------------------------------------------------


class Site:
    """The pages of the hand-written site, as {path under docs/: Markdown}."""

    def __init__(self, incidents: Sequence[Incident], catalog: Catalog) -> None:
        self.catalog = catalog
        self.incidents = sorted(incidents, key=lambda i: i.started, reverse=True)  # newest first
        self.by_id = {i.id: i for i in incidents}
        self.by_cause: dict[str, list[Incident]] = defaultdict(list)  # the cause or any of its descendants
        self.by_lesson: dict[str, list[Incident]] = defaultdict(list)
        self.open_actions: dict[str | None, list[tuple[Incident, int]]] = defaultdict(list)
        for incident in self.incidents:
            tree: set[str] = set()
            for ref in incident.causes:
                tree.add(ref.cause)
                tree.update(catalog.ancestors(ref.cause))
            for cause_id in tree:
                self.by_cause[cause_id].append(incident)
            for lref in incident.lessons:
                self.by_lesson[lref.lesson].append(incident)
            for index, action in enumerate(incident.actions):
                if action.status == "open":
                    self.open_actions[action.lesson].append((incident, index))
        self.today = date.today()

    # links, relative to the page that holds them

    def cause_link(self, cause_id: str, prefix: str) -> str:
        return f"[{self.catalog.causes[cause_id].title}]({prefix}{cause_id}.md)"

    def lesson_link(self, lesson_id: str, prefix: str) -> str:
        return f"[{self.catalog.lessons[lesson_id].title}]({prefix}{lesson_id}.md)"

    def incident_link(self, incident: Incident, prefix: str) -> str:
        return f"[{incident.title}]({prefix}{incident.id}.md)"

    def pages(self) -> Iterable[tuple[str, str]]:
        """Every page but the home page, which both projects share."""
        yield "incidents/index.md", self.incidents_index()
        yield "causes/index.md", self.causes_index()
        yield "lessons/index.md", self.lessons_index()
        yield "actions/index.md", self.actions_index()
        for incident in self.incidents:
            yield f"incidents/{incident.id}.md", self.incident_page(incident)
        for cause_id in self.catalog.causes:
            yield f"causes/{cause_id}.md", self.cause_page(cause_id)
        for lesson_id in self.catalog.lessons:
            yield f"lessons/{lesson_id}.md", self.lesson_page(lesson_id)

    def incident_page(self, i: Incident) -> str:
        approx = set(i.approximate)
        rows = [
            ("Organization", i.organization),
            ("Services", ", ".join(i.services)),
            ("Severity", i.severity),
            ("Started", when(i.started, "started" in approx)),
        ]
        if i.detected:
            rows.append(("Detected", f"{when(i.detected, 'detected' in approx)} ({since(i.started, i.detected)})"))
        if i.mitigated:
            rows.append(("Mitigated", f"{when(i.mitigated, 'mitigated' in approx)} ({since(i.started, i.mitigated)})"))
        rows.append(("Resolved", when(i.resolved, "resolved" in approx) if i.resolved else "**ongoing**"))
        rows.append(("Duration", duration_text(i)))
        first_update = min((u.at for u in i.updates), default=None)
        rows.append(("First public update", since(i.started, first_update)))
        if i.regions:
            rows.append(("Regions", ", ".join(i.regions)))
        if i.upstream:
            rows.append(("Upstream", ", ".join(i.upstream)))
        rows.append(("Causes", ", ".join(self.cause_link(ref.cause, "../causes/") for ref in i.causes)))
        if i.lessons:
            rows.append(("Lessons", ", ".join(self.lesson_link(ref.lesson, "../lessons/") for ref in i.lessons)))
        if i.tags:
            rows.append(("Tags", ", ".join(i.tags)))
        out = [f"# {i.title}", "", "| | |", "|---|---|"]
        out += [f"| **{name}** | {value} |" for name, value in rows]
        if approx:
            out += ["", "*~ marks times that are only approximately known.*"]
        out += ["", "## Summary", "", i.summary]
        if i.impact:
            out += ["", "## Impact", "", i.impact]
        out += ["", "## Causes"]
        for ref in i.causes:
            out += ["", f"### {self.cause_link(ref.cause, '../causes/')} ({', '.join(ref.roles)})", "", ref.detail]
        if i.lessons:
            out += ["", "## Lessons"]
            for lref in i.lessons:
                out += ["", f"### {self.lesson_link(lref.lesson, '../lessons/')}", "", lref.detail]
        if i.timeline:
            out += ["", "## Timeline", "", "| Time | Since start | Kind | Event |", "|---|---|---|---|"]
            for entry in sorted(i.timeline, key=lambda e: e.at):
                out.append(
                    f"| {when(entry.at, entry.approximate)} | {since(i.started, entry.at, entry.approximate)} "
                    f"| {entry.kind} | {one_line(entry.event)} |"
                )
        if i.updates:
            out += ["", "## Public updates", "", "| Time | Status | Channel | Message |", "|---|---|---|---|"]
            for update in i.updates:
                out.append(f"| {when(update.at)} | {update.status} | {update.channel} | {one_line(update.text)} |")
        if i.actions:
            out += ["", "## Follow-up actions", ""]
            for action in i.actions:
                line = f"- [{'x' if action.status == 'done' else ' '}] {one_line(action.action)}"
                if action.lesson:
                    line += f" ({self.lesson_link(action.lesson, '../lessons/')})"
                extra = ([f"owner: {action.owner}"] if action.owner else []) + (
                    [f"due {action.due:%Y-%m-%d}"] if action.due else []
                )
                out.append(line + (f" — {', '.join(extra)}" if extra else ""))
        if i.retrospective:
            out += ["", "## Retrospective"]
            for key, heading in (
                ("went_well", "What went well"),
                ("went_wrong", "What went wrong"),
                ("lucky", "Where we got lucky"),
            ):
                if i.retrospective.get(key):
                    out += ["", f"### {heading}", ""] + [f"- {item}" for item in i.retrospective[key]]
        if i.analysis:
            out += ["", "## Analysis", "", i.analysis]
        if i.references:
            out += ["", "## References", ""]
            for source in i.references:
                line = f"- [{source.title}]({source.url})"
                if source.kind:
                    line += f" ({source.kind})"
                if source.archived:
                    line += f" ([archived copy]({source.archived}))"
                out.append(line)
        related = [self.by_id[r] for r in i.related if r in self.by_id]
        if related:
            out += ["", "## Related incidents", ""]
            out += [f"- {r.started:%Y-%m-%d} · {self.incident_link(r, '')} ({r.organization})" for r in related]
        return "\n".join(out) + "\n"

    def cause_page(self, cause_id: str) -> str:
        cause = self.catalog.causes[cause_id]
        incidents = self.by_cause.get(cause_id, [])
        out = [f"# {cause.title}", "", cause.summary, ""]
        ancestors = list(reversed(self.catalog.ancestors(cause_id)))
        if ancestors:
            out += ["Part of " + " › ".join(self.cause_link(a, "") for a in ancestors), ""]
        out.append(facts(incidents))
        if cause.aliases:
            out += ["", f"Also known as: {', '.join(cause.aliases)}"]
        if cause.description:
            out += ["", "## What it is", "", cause.description]
        children = self.catalog.children(cause_id)
        if children:
            out += ["", "## Narrower causes", ""]
            out += [f"- {self.cause_link(c, '')} ({len(self.by_cause.get(c, []))} incidents)" for c in children]
        out += ["", "## Incidents", ""]
        if incidents:
            out += ["| Date | Incident | Severity | Role | How it showed up |", "|---|---|---|---|---|"]
            for incident in incidents:
                own = [ref for ref in incident.causes if ref.cause == cause_id]
                if own:
                    role, detail = ", ".join(own[0].roles), own[0].detail
                else:
                    via = [ref for ref in incident.causes if cause_id in self.catalog.ancestors(ref.cause)]
                    role = ", ".join(f"via {self.cause_link(ref.cause, '')}" for ref in via)
                    detail = " ".join(ref.detail for ref in via)
                out.append(
                    f"| {incident.started:%Y-%m-%d} | {self.incident_link(incident, '../incidents/')} ({incident.organization}) "
                    f"| {incident.severity} | {role} | {one_line(detail)} |"
                )
        else:
            out.append("No incident names this cause yet.")
        lessons = Counter(lref.lesson for incident in incidents for lref in incident.lessons).most_common(5)
        if lessons:
            out += ["", "## Lessons most often learned", ""]
            out += [f"- {self.lesson_link(lesson, '../lessons/')}: from {count} of these incidents" for lesson, count in lessons]
        return "\n".join(out) + "\n"

    def lesson_page(self, lesson_id: str) -> str:
        lesson = self.catalog.lessons[lesson_id]
        incidents = self.by_lesson.get(lesson_id, [])
        out = [f"# {lesson.title}", "", lesson.summary]
        if lesson.practices:
            out += ["", "## Runbook checklist", ""] + [f"- [ ] {one_line(p)}" for p in lesson.practices]
        out += ["", facts(incidents)]
        if lesson.aliases:
            out += ["", f"Also known as: {', '.join(lesson.aliases)}"]
        if lesson.description:
            out += ["", "## About this lesson", "", lesson.description]
        out += ["", "## Incidents that taught it", ""]
        if incidents:
            out += ["| Date | Incident | Causes | What it taught |", "|---|---|---|---|"]
            for incident in incidents:
                lref = next(ref for ref in incident.lessons if ref.lesson == lesson_id)
                causes = ", ".join(self.cause_link(ref.cause, "../causes/") for ref in incident.causes)
                out.append(
                    f"| {incident.started:%Y-%m-%d} | {self.incident_link(incident, '../incidents/')} ({incident.organization}) "
                    f"| {causes} | {one_line(lref.detail)} |"
                )
        else:
            out.append("No incident names this lesson yet.")
        actions = self.open_actions.get(lesson_id, [])
        if actions:
            out += ["", "## Open actions that serve it", ""] + [self.action_line(i, n) for i, n in actions]
        return "\n".join(out) + "\n"

    def action_line(self, incident: Incident, index: int) -> str:
        action = incident.actions[index]
        line = f"- {one_line(action.action)} — from {self.incident_link(incident, '../incidents/')}"
        if action.owner:
            line += f", owner: {action.owner}"
        if action.due:
            line += f", due {action.due:%Y-%m-%d}"
            if action.due < self.today:
                line += " **overdue**"
        return line

    def incidents_index(self) -> str:
        out = ["# Incidents", "", f"{len(self.incidents)} incidents, newest first.", ""]
        out += ["| Date | Incident | Organization | Severity | Duration | Causes |", "|---|---|---|---|---|---|"]
        for i in self.incidents:
            causes = ", ".join(self.cause_link(ref.cause, "../causes/") for ref in i.causes)
            out.append(
                f"| {i.started:%Y-%m-%d} | {self.incident_link(i, '')} | {i.organization} | {i.severity} | {duration_text(i)} | {causes} |"
            )
        return "\n".join(out) + "\n"

    def causes_index(self) -> str:
        out = ["# Causes", "", "| Cause | Incidents | Median duration | 90th percentile | Summary |", "|---|---|---|---|---|"]

        def walk(cause_id: str, depth: int) -> None:
            incidents = self.by_cause.get(cause_id, [])
            durations = [d for d in (duration_minutes(i) for i in incidents) if d is not None]
            median = f"{minutes_text(statistics.median(durations))} (n = {len(durations)})" if durations else "unknown"
            p90 = minutes_text(percentile(durations, 0.9)) if durations else "unknown"
            name = ("└ " * min(depth, 1)) + ("  " * max(depth - 1, 0)) + self.cause_link(cause_id, "")
            summary = one_line(self.catalog.causes[cause_id].summary)
            out.append(f"| {name} | {len(incidents)} | {median} | {p90} | {summary} |")
            for child in self.catalog.children(cause_id):
                walk(child, depth + 1)

        for cause in self.catalog.causes.values():
            if not cause.parent:
                walk(cause.id, 0)
        out += ["", "A cause's counts include the incidents of its narrower causes."]
        return "\n".join(out) + "\n"

    def lessons_index(self) -> str:
        out = ["# Lessons", "", "| Lesson | Incidents | Checklist | Summary |", "|---|---|---|---|"]
        for lesson in self.catalog.lessons.values():
            count = len(self.by_lesson.get(lesson.id, []))
            out.append(
                f"| {self.lesson_link(lesson.id, '')} | {count} | {len(lesson.practices)} practices | {one_line(lesson.summary)} |"
            )
        return "\n".join(out) + "\n"

    def actions_index(self) -> str:
        count = sum(len(items) for items in self.open_actions.values())
        out = ["# Open actions", "", f"{count} open follow-up actions across all incidents, by the lesson they serve."]
        groups: list[tuple[str | None, str]] = [(lid, lesson.title) for lid, lesson in self.catalog.lessons.items()]
        groups.append((None, "Not tied to a lesson"))
        for lesson_id, heading in groups:
            items = self.open_actions.get(lesson_id, [])
            if items:
                out += ["", f"## {heading}", ""] + [self.action_line(i, n) for i, n in items]
        return "\n".join(out) + "\n"


def write_plain_project(folder: str, incidents: Sequence[Incident], catalog: Catalog, seed: int) -> None:
    """Plain MkDocs + Material + search: the hand-written pages under docs/ and the same nav."""
    reset_folder(folder)
    docs = os.path.join(folder, "docs")
    for sub in ("incidents", "causes", "lessons", "actions"):
        os.makedirs(os.path.join(docs, sub))
    pages = [("index.md", HOME.format(name="Hand-written benchmark", count=len(incidents), seed=seed))]
    for path, text in [*pages, *Site(incidents, catalog).pages()]:
        with open(os.path.join(docs, path), "w", encoding="utf-8") as stream:
            stream.write(text)
    with open(os.path.join(folder, "mkdocs.yml"), "w", encoding="utf-8") as stream:
        # pages left out of the nav on purpose: say so, as a person keeping thousands of pages would
        stream.write("site_name: Hand-written benchmark\n\nplugins:\n  - search\n\n")
        stream.write("not_in_nav: |\n  /incidents/\n  /causes/\n  /lessons/\n\n")
        stream.write(MKDOCS_COMMON)
