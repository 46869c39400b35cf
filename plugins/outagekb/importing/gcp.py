"""Google Cloud's status feed, `https://status.cloud.google.com/incidents.json`: a list of
incidents, each with its updates (newest first), products and locations.

The mapping is documented field by field in docs/import.md; the tables below are the only
place that says what the feed's words mean in ours.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from .jsonread import Fields, kind_of
from .record import Record, RecordError, Reference, SourceError, Update
from .text import first_paragraph_line, one_line, prose
from .times import write_stamp

ORGANIZATION = "Google Cloud"
BASE_URL = "https://status.cloud.google.com/"
"""What a relative `uri` (`incidents/<id>`) is resolved against."""

SEVERITY = {"high": "critical", "medium": "major", "low": "minor"}
"""`severity` -> ours. Where `severity` is missing, `status_impact` decides (next table)."""

IMPACT_SEVERITY = {"SERVICE_OUTAGE": "critical", "SERVICE_DISRUPTION": "major", "SERVICE_INFORMATION": "minor"}
"""`status_impact` -> ours, used only when the incident has no `severity`."""

STATUS = {
    "AVAILABLE": "resolved",
    "SERVICE_INFORMATION": "investigating",
    "SERVICE_DISRUPTION": "investigating",
    "SERVICE_OUTAGE": "investigating",
}
"""An update's `status` (the state of the service when it was posted, not a phase of the
response) -> ours: `AVAILABLE` is `resolved`, every impaired state `investigating`, since the
feed does not say whether the cause was identified. An update whose text opens with an
incident report heading (`# Incident Report`, `Mini Incident Report`) is `postmortem`.
Any other word keeps the previous update's status, with a comment naming it."""

CHANNEL = "status page"


def incidents(document: Any, where: str) -> list[tuple[str, Any]]:
    if not isinstance(document, list):
        raise SourceError(f"{where}: expected Google Cloud's incidents.json (a list of incidents), found {kind_of(document)}")
    return [(f"[{index}]", item) for index, item in enumerate(document)]


def label_of(position: str, data: Any) -> str:
    if isinstance(data, dict):
        code = data.get("id")
        number = data.get("number")
        bits = [
            f"id {code!r}" if isinstance(code, (str, int)) else None,
            f"number {number}" if isinstance(number, (str, int)) else None,
        ]
        shown = ", ".join(b for b in bits if b)
        if shown:
            return f"incident {position} ({shown})"
    return f"incident {position}"


def convert(data: Any, label: str, organization: str | None) -> Record:
    if not isinstance(data, dict):
        raise RecordError(f"expected an incident object, found {kind_of(data)}")
    incident = Fields(data)
    code = incident.id_text("id")
    description = incident.required_text("external_desc")
    notes: dict[str, str] = {}
    header: list[str] = []
    started = incident.stamp("begin") or incident.stamp("created")
    if started is None:
        raise RecordError("`begin` is missing; it is required")
    notes["started"] = "begin" if incident.text("begin") else "created (the feed gives no begin)"
    resolved = incident.stamp("end")
    if resolved is not None:
        if resolved < started:
            raise RecordError(f"`end` ({write_stamp(resolved)}) is before `begin` ({write_stamp(started)})")
        notes["resolved"] = "end"

    word = incident.text("severity")
    impact = incident.text("status_impact")
    if word is not None:
        severity = SEVERITY.get(word.lower())
        if severity is None:
            raise RecordError(f"`severity`: {word!r} is not one of {', '.join(SEVERITY)}")
        notes["severity"] = f"severity `{word}` on Google Cloud's status page"
    elif impact is not None:
        severity = IMPACT_SEVERITY.get(impact)
        if severity is None:
            raise RecordError(f"`status_impact`: {impact!r} is not one of {', '.join(IMPACT_SEVERITY)}")
        notes["severity"] = f"status_impact `{impact}` (the feed gives no severity)"
    else:
        raise RecordError("`severity` and `status_impact` are both missing; one is required")

    services = list(dict.fromkeys(one_line(p.required_text("title")) for p in incident.objects("affected_products")))
    if not services:
        service_name = incident.text("service_name")
        if not service_name:
            raise RecordError("neither `affected_products` nor `service_name` names a product")
        services = [one_line(service_name)]
        notes["services"] = "service_name (the feed lists no affected_products)"

    regions: dict[str, None] = {}
    for key in ("previously_affected_locations", "currently_affected_locations"):
        for location in incident.objects(key):
            regions.setdefault(one_line(location.text("id") or location.required_text("title")), None)
    updates = list(_updates(incident, regions))

    uri = incident.text("uri")
    joined = urljoin(BASE_URL, uri) if uri else urljoin(BASE_URL, f"incidents/{code}")
    link = joined if joined.startswith("https://") and len(joined) <= 200 and " " not in joined else None
    number = incident.id_text("number") if data.get("number") not in (None, "") else None
    references = [Reference(f"Google Cloud Service Health: incident {number or code}", link, "status")] if link else []
    summary, summary_note = _summary(updates, description)
    notes["summary"] = summary_note
    if not updates:
        header.append("updates: the feed has none for this incident")
    title = one_line(description)
    if title != " ".join(description.split()):
        notes["summary"] += "; the title is external_desc cut to one line"
    version = incident.stamp("modified")
    posted = [u.posted for u in updates if u.posted is not None]
    if posted and (version is None or max(posted) > version):
        version = max(posted)
    return Record(
        kind="gcp",
        source_id=one_line(code),
        label=label,
        source_url=link,
        title=title,
        organization=organization or ORGANIZATION,
        services=services,
        severity=severity,
        started=started,
        resolved=resolved,
        regions=list(regions),
        summary=summary,
        updates=updates,
        references=references,
        version=version,
        notes=notes,
        header=header,
    )


def _updates(incident: Fields, regions: dict[str, None]) -> Iterator[Update]:
    raw = []
    for index, entry in enumerate(incident.objects("updates")):
        at = entry.stamp("when") or entry.stamp("created")
        if at is None:
            raise RecordError(f"`{entry.path}`: neither `when` nor `created` is given")
        for location in entry.objects("affected_locations"):
            regions.setdefault(one_line(location.text("id") or location.required_text("title")), None)
        raw.append((at, -index, entry))  # the feed lists the newest first: ties keep time order
    previous = "investigating"
    for at, _, entry in sorted(raw, key=lambda item: (item[0], item[1])):
        word = entry.text("status") or ""
        text = prose(entry.text("text") or "")
        status = STATUS.get(word)
        note = ""
        if _is_report(text):
            status = "postmortem"
        elif status is None:
            status = previous
            note = f"status on the feed: `{one_line(word, 40) or '(none)'}`"
        previous = status
        if not text:
            text = "(no text)"
            note = (note + "; " if note else "") + "the feed shows no text for this update"
        yield Update(at=at, status=status, text=text, posted=entry.stamp("created"), note=note)


def _is_report(text: str) -> bool:
    return "incident report" in first_paragraph_line(text).lower()


def _summary(updates: list[Update], description: str) -> tuple[str, str]:
    reports = [u for u in updates if u.status == "postmortem"]
    if reports:
        return reports[-1].text, "the incident report posted as an update (the last one, if several)"
    if updates:
        return updates[0].text, "the first update's text (no incident report yet); rewrite it once you know more"
    return prose(description), "external_desc (the feed has no update text); rewrite it"
