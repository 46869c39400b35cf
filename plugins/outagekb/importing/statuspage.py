"""Statuspage v2 JSON (Atlassian Statuspage, and pages that copy its API): the list response
of `/api/v2/incidents.json` (`{page, incidents}`) and the single incident of
`/api/v2/incidents/<code>.json` (`{page, incident}`).

The mapping is documented field by field in docs/import.md; the two tables below are the
only place that says what the page's words mean in ours.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .jsonread import Fields, kind_of
from .record import Record, RecordError, Reference, SourceError, Update
from .text import one_line, prose
from .times import write_stamp

SEVERITY = {"critical": "critical", "major": "major", "minor": "minor", "none": "minor"}
"""`impact` -> `severity`. `none` (the page posted an incident but marked no impact) is
`minor`: something was reported, and minor is the least the format has."""

STATUS = {
    "investigating": "investigating",
    "identified": "identified",
    "monitoring": "monitoring",
    "resolved": "resolved",
    "postmortem": "postmortem",
}
"""An update's `status` -> ours. Any other word (the maintenance words `scheduled`,
`in_progress`, `verifying`, `completed`, or one a page invents) keeps the status of the
update before it (`investigating` for the first), with a comment naming the word."""

MAINTENANCE_STATUSES = frozenset({"scheduled", "in_progress", "verifying", "completed"})
CHANNEL = "status page"


def incidents(document: Any, where: str) -> tuple[Fields | None, list[tuple[str, Any]]]:
    """The page object and each incident of a list or single-incident response, with the
    label a message names it by."""
    if not isinstance(document, dict):
        raise SourceError(
            f"{where}: expected a Statuspage response (an object with `incidents` or `incident`), found {kind_of(document)}"
        )
    page_value = document.get("page")
    page = Fields(page_value, "page") if isinstance(page_value, dict) else None
    if "incidents" in document:
        listed = document["incidents"]
        if not isinstance(listed, list):
            raise SourceError(f"{where}: `incidents`: expected a list, found {kind_of(listed)}")
        return page, [(f"incidents[{index}]", item) for index, item in enumerate(listed)]
    if "incident" in document:
        return page, [("incident", document["incident"])]
    raise SourceError(f"{where}: not a Statuspage incidents response: it has neither `incidents` nor `incident`")


def is_maintenance(data: Any) -> bool:
    """A scheduled maintenance, which the incidents list also returns: not an outage."""
    if not isinstance(data, dict):
        return False
    return data.get("impact") == "maintenance" or data.get("status") in MAINTENANCE_STATUSES or bool(data.get("scheduled_for"))


def label_of(position: str, data: Any) -> str:
    if isinstance(data, dict):
        code = data.get("id")
        name = data.get("name")
        bits = [
            f"id {code!r}" if isinstance(code, (str, int)) else None,
            repr(one_line(name, 60)) if isinstance(name, str) else None,
        ]
        shown = ", ".join(b for b in bits if b)
        if shown:
            return f"{position} ({shown})"
    return position


def convert(data: Any, page: Fields | None, label: str, organization: str | None) -> Record:
    """One incident object as a record; RecordError names the field that is wrong."""
    if not isinstance(data, dict):
        raise RecordError(f"expected an incident object, found {kind_of(data)}")
    incident = Fields(data)
    code = incident.id_text("id")
    name = incident.required_text("name")
    page_name = page.text("name") if page else None
    org = organization or (one_line(page_name) if page_name else None)
    if not org:
        raise RecordError("`page.name` is missing; give --organization")
    notes: dict[str, str] = {}
    header: list[str] = []

    impact = incident.text("impact") or "none"
    severity = SEVERITY.get(impact)
    if severity is None:
        raise RecordError(f"`impact`: {impact!r} is not one of {', '.join(SEVERITY)}")
    notes["severity"] = f"impact `{impact}` on the status page"

    started_at, created_at = incident.stamp("started_at"), incident.stamp("created_at")
    started = started_at or created_at
    if started is None:
        raise RecordError("`started_at` and `created_at` are both missing; one is required")
    notes["started"] = "started_at" if started_at else "created_at (the page gives no started_at)"
    resolved = incident.stamp("resolved_at")
    if resolved is not None:
        if resolved < started:
            raise RecordError(f"`resolved_at` ({write_stamp(resolved)}) is before the start ({write_stamp(started)})")
        notes["resolved"] = "resolved_at"
    mitigated = incident.stamp("monitoring_at")
    if mitigated is not None:
        if mitigated < started or (resolved is not None and mitigated > resolved):
            header.append(f"mitigated: left out; monitoring_at ({write_stamp(mitigated)}) is outside started..resolved")
            mitigated = None
        else:
            notes["mitigated"] = "monitoring_at: a fix was in place and being watched"

    services: dict[str, None] = {}
    for component in incident.objects("components"):
        component_name = component.text("name")
        if component_name:
            services.setdefault(one_line(component_name), None)
    updates = list(_updates(incident, services))
    if not services:
        services[org] = None
        notes["services"] = "the page names no component; the organization stands in"

    summary, summary_note = _summary(incident, updates, name)
    notes["summary"] = summary_note
    page_url = page.text("url") if page else None
    own_page = f"{page_url.rstrip('/')}/incidents/{code}" if page_url and _web(page_url) else None
    shortlink = incident.text("shortlink")
    link = shortlink if shortlink and _web(shortlink) else own_page
    references = [Reference(one_line(f"Status page: {name}"), link, "status")] if link else []
    version = incident.stamp("updated_at")
    posted = [u.posted for u in updates if u.posted is not None]
    if posted and (version is None or max(posted) > version):
        version = max(posted)
    return Record(
        kind="statuspage",
        source_id=one_line(code),
        label=label,
        source_url=own_page or link,
        title=one_line(name),
        organization=org,
        services=list(services),
        severity=severity,
        started=started,
        mitigated=mitigated,
        resolved=resolved,
        summary=summary,
        updates=updates,
        references=references,
        version=version,
        notes=notes,
        header=header,
    )


def _updates(incident: Fields, services: dict[str, None]) -> Iterator[Update]:
    """The public updates in time order; components they name join `services`."""
    raw = []
    for index, entry in enumerate(incident.objects("incident_updates")):
        created = entry.stamp("created_at")
        same = entry.data.get("display_at") in (None, "", entry.data.get("created_at"))  # read each time once
        at = created if same else (entry.stamp("display_at") or created)
        if at is None:
            raise RecordError(f"`{entry.path}`: neither `display_at` nor `created_at` is given")
        for component in entry.objects("affected_components"):
            component_name = component.text("name")
            if component_name:
                services.setdefault(one_line(component_name), None)
        raw.append((at, index, entry, created))
    previous = "investigating"
    for at, _, entry, created in sorted(raw, key=lambda item: (item[0], item[1])):
        word = entry.text("status") or ""
        status = STATUS.get(word)
        note = ""
        if status is None:
            status = previous
            note = f"status on the page: `{one_line(word, 40) or '(none)'}`"
        previous = status
        text = prose(entry.text("body") or "")
        if not text:
            text = "(no text)"
            note = (note + "; " if note else "") + "the page shows no text for this update"
        yield Update(at=at, status=status, text=text, posted=created, note=note)


def _summary(incident: Fields, updates: list[Update], name: str) -> tuple[str, str]:
    body = prose(incident.text("postmortem_body") or "")
    if body:
        return body, "the postmortem published on the status page"
    if updates:
        return updates[0].text, "the first update's text (the page has no postmortem); rewrite it once you know more"
    return prose(name), "the incident's name (the page has no update or postmortem); rewrite it"


def _web(url: str) -> bool:
    return url.startswith(("https://", "http://")) and " " not in url and len(url) <= 200
