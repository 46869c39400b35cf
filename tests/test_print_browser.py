"""An incident page printed with Chromium (its PDF): the incident without the site around
it (header, tabs, navigation, table of contents, search, footer), every section that
matters in a post-mortem review, and the address of each reference written out."""

from __future__ import annotations

from typing import Any

import pytest

from browser import serve
from conftest import MINIMAL_INCIDENT, build, make_project

INCIDENT = (
    MINIMAL_INCIDENT
    + """\
timeline:
  - at: 2024-05-01T10:05:00+02:00
    event: Alerts fired for the web tier.
    kind: detect
updates:
  - at: 2024-05-01T10:20:00+02:00
    status: investigating
    text: We are looking into errors on the web tier.
references:
  - title: The provider's own post-mortem
    url: https://status.example.test/incidents/42
    kind: postmortem
"""
)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, chromium: Any) -> str:
    """The text of the incident page's PDF, as Chromium prints it (A4, backgrounds off)."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the printed PDF (pip install -e '.[test]')")
    tmp = tmp_path_factory.mktemp("print")
    site = build(make_project(tmp, {"2024-05-01-example-config-push.yaml": INCIDENT}))
    with serve(site) as base:
        page = chromium.new_page()
        page.goto(base + "incidents/2024-05-01-example-config-push/", wait_until="networkidle")
        pdf = tmp / "incident.pdf"
        page.pdf(path=str(pdf), format="A4")
        page.close()
    reader = pypdf.PdfReader(str(pdf))
    return "\n".join(sheet.extract_text() for sheet in reader.pages)


def squeezed(text: str) -> str:
    return " ".join(text.split())


def test_the_printed_incident_keeps_what_a_review_needs(printed: str) -> None:
    text = squeezed(printed)
    assert "Example service down after a bad configuration push" in text
    for heading in ("Summary", "Causes", "Lessons", "Timeline", "Public updates", "References"):
        assert heading in text, heading
    assert "A configuration push broke routing to the web tier." in text
    assert "We are looking into errors on the web tier." in text


def test_references_print_with_their_addresses(printed: str) -> None:
    assert "https://status.example.test/incidents/42" in printed.replace("\n", "")


def test_the_site_around_the_incident_is_not_printed(printed: str) -> None:
    text = squeezed(printed)
    for chrome in ("Test knowledge base", "Table of contents", "Search", "Made with", "Skip to content"):
        assert chrome not in text, chrome
    assert "An outage of" in text  # the strip's caption is content, printed with the drawing
