"""Small pieces of HTML that pages use many times: links to facets, chips, badges, titles.

They are built in Python for one page at a time, because a Jinja macro call costs more
than the markup it makes and the incident lists repeat them thousands of times. Every
value is escaped here, and every word comes from the build's labels (`messages`).
Templates receive a page's `Snippets` as `snippets`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from markupsafe import Markup

from . import figures, paths, prose
from .messages import Messages, english
from .model import Action, Incident
from .recurrence import Recurrence

if TYPE_CHECKING:
    from .render import Renderer


def escape(value: object) -> str:
    return prose.escape(str(value))


_TICKET_KEY = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9]{1,9}-\d+)(?![A-Za-z0-9])")
"""A tracker's key in a ticket URL: Jira's `OPS-123`, Linear's `ENG-42`, YouTrack's `PRJ-7`."""
_ISSUE_NUMBER = re.compile(r"/(?:-/)?(?:issues|pull|merge_requests|work_items)/(\d+)(?:$|[/?#])")
"""An issue or pull request number in a GitHub or GitLab URL."""


def ticket_label(url: str, messages: Messages | None = None) -> str:
    """How a ticket is named on a page: `OPS-123 on jira.example.com`, `#42 on github.com`, or
    its host when the URL carries no key."""
    parts = urlsplit(url)
    host = parts.hostname or url
    key = _TICKET_KEY.search(f"{parts.path}?{parts.query}")
    if key:
        name = key.group(1)
    else:
        number = _ISSUE_NUMBER.search(parts.path)
        if number is None:
            return host
        name = f"#{number.group(1)}"
    return (messages or english()).text("actions.ticket", key=name, host=host)


class Snippets:
    """The HTML pieces of the page at `src`, with links computed from it."""

    def __init__(self, renderer: Renderer, src: str) -> None:
        self.renderer = renderer
        self.src = src
        self.catalog = renderer.graph.catalog
        self.link = renderer.linker(src)
        self.messages = renderer.messages

    def browse_url(self, facet: str, value: object) -> str:
        """The browse page filtered to one facet value (`?cause=dns`)."""
        return self.renderer.browse_link(self.src, facet, value)

    def severity(self, value: str) -> Markup:
        """A severity badge: the scale's title, coloured by its place on the scale (1 the most severe)."""
        rank = self.catalog.severity_rank[value]
        return Markup(
            f'<span class="okb-severity okb-severity--{escape(value)} okb-severity--rank-{rank}">'
            f"{escape(self.catalog.severity_title(value))}</span>"
        )

    def cause_chip(self, cause_id: str) -> Markup:
        href = self.link(paths.cause_page(cause_id))
        return Markup(f'<a class="md-tag okb-cause" href="{escape(href)}">{escape(self.catalog.causes[cause_id].title)}</a>')

    def lesson_chip(self, lesson_id: str) -> Markup:
        href = self.link(paths.lesson_page(lesson_id))
        return Markup(f'<a class="md-tag okb-lesson" href="{escape(href)}">{escape(self.catalog.lessons[lesson_id].title)}</a>')

    def cause_chips(self, incident: Incident) -> Markup:
        """Every cause of the incident as a chip, each followed by a space; while its causes are
        not yet classified, one chip that says so, linked to the triage queue."""
        if incident.unclassified:
            href = self.link(paths.TRIAGE_INDEX)
            title = self.messages.text("unclassified.title")
            return Markup(f'<a class="md-tag okb-unclassified" href="{escape(href)}">{escape(title)}</a> ')
        return Markup("".join(f"{self.cause_chip(ref.cause)} " for ref in incident.causes))

    def facet(self, name: str, value: object, text: object = None) -> Markup:
        """A value shown on a page, linked to the browse page filtered to it: a plain link (the
        browse page's own filter boxes are `okb-facet`)."""
        href = self.browse_url(name, value)
        shown = text if isinstance(text, Markup) else escape(value if text is None else text)
        return Markup(f'<a class="okb-browse-link" href="{escape(href)}">{shown}</a>')

    def incident_title(self, incident: Incident) -> Markup:
        """The incident's title, linked to its page when the page is in this build."""
        url = self.renderer.incident_link(self.src, incident.id)
        return Markup(f'<a href="{escape(url)}">{escape(incident.title)}</a>' if url else escape(incident.title))

    def rows(
        self,
        kind: str,
        items: Iterable[tuple[Incident, Any]],
        make: Callable[[Incident, Any], str],
        also: Callable[[Incident, Any], object] | None = None,
    ) -> Markup:
        """One line of HTML per item, each made from one incident (and the catalog), so that
        `mkdocs serve` remakes only the lines of a changed incident; `also(incident, extra)`:
        what else a line is made from (compared by identity, as the rest)."""
        reuse, catalog, src = self.renderer.reuse, self.catalog, self.src
        return Markup(
            "".join(
                reuse(
                    (kind, src, id(extra)),
                    (incident, extra, catalog) if also is None else (incident, extra, catalog, also(incident, extra)),
                    lambda i=incident, x=extra: make(i, x),  # type: ignore[misc]
                )
                + "\n"
                for incident, extra in items
            )
        )

    def elapsed(self, seconds: float) -> str:
        """The time between two incidents: whole days (`260 days`), or hours and minutes under a day."""
        if seconds >= figures.DAY:
            return self.messages.text("recurrence.days", count=int(seconds // figures.DAY))
        return figures.format_duration(seconds, self.messages.durations)

    def per_year(self, value: float) -> str:
        """A rate with one decimal, in the language's way of writing it (`1.3`, `1,3`)."""
        return f"{value:.1f}".replace(".", self.messages.text("recurrence.decimal_point"))

    def recurred(self, recurrences: Sequence[Recurrence]) -> Markup:
        """An open action's mark: the first later incident that needed it again, how long after,
        and how many more did."""
        if not recurrences:
            return Markup("")
        first = recurrences[0]
        words = self.messages.html
        text = words("recurrence.marker", incident=self.incident_title(first.later), elapsed=self.elapsed(first.seconds))
        if len(recurrences) > 1:
            text = words("recurrence.marker_more", marker=text, count=len(recurrences) - 1)
        return Markup(f'<span class="okb-recurred">{text}</span>')

    def ticket(self, action: Action) -> Markup:
        """The action's ticket as a link named by its key and host, or nothing."""
        if not action.ticket:
            return Markup("")
        return Markup(
            f'<a class="okb-ticket" href="{escape(action.ticket)}" rel="noopener noreferrer">'
            f"{escape(ticket_label(action.ticket, self.messages))}</a>"
        )

    def internal(self, entry: object) -> Markup:
        """A mark on an entry kept off the public site (`internal: true`), or nothing; the public
        site never has such entries, so it never shows the mark."""
        if not getattr(entry, "internal", False):
            return Markup("")
        title, text = self.messages.html("visibility.mark_title"), self.messages.html("visibility.mark")
        return Markup(f' <span class="okb-internal" title="{title}">{text}</span>')

    def action_status(self, action: Action) -> Markup:
        """A badge for the statuses a checkbox cannot say: in progress, won't do."""
        if action.status not in ("in-progress", "wont-do"):
            return Markup("")
        text = self.messages.html(f"action_status.{action.status}")
        return Markup(f'<span class="okb-action-status okb-action-status--{action.status}">{text}</span>')

    def open_actions(self, items: Iterable[tuple[Incident, Action]]) -> Markup:
        """Open follow-up actions as list items, each with its incident, owner, due date,
        whether it is overdue on the day of the build, and whether a later incident of the same
        organization needed it again (see `recurrence`)."""
        today = self.renderer.options.today
        of_action = self.renderer.graph.recurrences.of_action

        def recurrences(incident: Incident, action: Action) -> tuple[Recurrence, ...] | None:
            position = next(p for p, each in enumerate(incident.actions) if each is action)
            return of_action.get((incident.id, position))

        html = self.messages.html
        overdue_badge = f' <span class="okb-overdue">{html("actions.overdue")}</span>'

        def item(incident: Incident, action: Action) -> str:
            owner = html("actions.owner", owner=action.owner) if action.owner else ""
            due = html("actions.due", date=f"{action.due:%Y-%m-%d}") if action.due else ""
            overdue = overdue_badge if action.due and action.due < today else ""
            status = f" {self.action_status(action)}" if action.status != "open" else ""
            ticket = f" {self.ticket(action)}" if action.ticket else ""
            source = html("actions.from", incident=self.incident_title(incident))
            again = recurrences(incident, action)
            recurred = f" {self.recurred(again)}" if again else ""
            return (
                f"<li>{prose.to_inline_html(action.action or '')}{status}{ticket}{self.internal(action)} "
                f'<span class="okb-muted">{source}{owner}{due}</span>{overdue}{recurred}</li>'
            )

        return self.rows("open-action", items, item, recurrences)
