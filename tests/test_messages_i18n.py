"""The site in the reader's language: every label outagekb writes comes from one table of
messages per language, chosen by `theme.language`, with English for what a language lacks;
a team changes a label or adds a language with a file in `<custom_dir>/outagekb/messages/`."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import feedparser
import pytest

from conftest import MINIMAL_INCIDENT, ROOT, build, make_project, page_file, write
from outagekb import messages
from outagekb.cli import main
from outagekb.figures import format_duration
from outagekb.messages import Messages, placeholders, plural_forms
from outagekb.templating import override_dirs

PACKAGE = ROOT / "plugins" / "outagekb"
LANGUAGES = messages.shipped_languages()
INCIDENT = "2024-05-01-example.yaml"
UNCLASSIFIED = """\
title: Imported outage waiting for its causes
organization: Example
services: [Web]
severity: minor
started: 2024-06-01T10:00:00+00:00
resolved: 2024-06-01T10:40:00+00:00
summary: Imported from a status page.
unclassified: true
"""
UPDATES = """\
updates:
  - at: 2024-05-01T10:20:00+02:00
    status: investigating
    text: We are looking into errors on the website.
  - at: 2024-05-01T12:30:00+02:00
    status: resolved
    text: A configuration change was rolled back.
timeline:
  - at: 2024-05-01T10:05:00+02:00
    kind: detect
    event: Alerts fire.
"""


def site_config(language: str | None, custom_dir: bool = False) -> str:
    theme = "theme:\n  name: material\n"
    if language:
        theme += f"  language: {language}\n"
    if custom_dir:
        theme += "  custom_dir: overrides\n"
    return f"site_name: Test knowledge base\n{theme}plugins:\n  - search\n  - outagekb\n"


def project(tmp_path: Path, language: str | None, overrides: dict[str, str] | None = None) -> Path:
    folder = make_project(tmp_path, {INCIDENT: MINIMAL_INCIDENT + UPDATES, "2024-06-01-imported.yaml": UNCLASSIFIED})
    write(folder / "mkdocs.yml", site_config(language, custom_dir=bool(overrides)))
    for name, text in (overrides or {}).items():
        write(folder / "overrides" / "outagekb" / "messages" / name, text)
    return folder


def text_of(html: str) -> str:
    """The page's words: tags dropped, entities of ours read back."""
    words = re.sub(r"<[^>]+>", " ", html)
    return " ".join(words.replace("&#x27;", "'").replace("&amp;", "&").split())


# the message files ----------------------------------------------------------------------


def test_outagekb_ships_english_german_french_and_japanese() -> None:
    assert {"en", "de", "fr", "ja"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_exactly_the_english_labels(language: str) -> None:
    """Same keys, no more and no fewer; one text where English has one text; the forms by
    number the language's plural rule uses; the same placeholders; no problem in the file."""
    english, _ = messages.file_entries(str(PACKAGE / "messages" / "en.yaml"))
    entries, problems = messages.file_entries(str(PACKAGE / "messages" / f"{language}.yaml"))
    assert not problems, [p.format() for p in problems]
    assert sorted(set(english) - set(entries)) == [], "missing"
    assert sorted(set(entries) - set(english)) == [], "not in English"
    forms = plural_forms(language)
    for key, entry in entries.items():
        reference = english[key].message
        message = entry.message
        assert isinstance(message, str) == isinstance(reference, str), key
        if not isinstance(message, str):
            assert tuple(form for form in forms if form in message) == forms and set(message) == set(forms), key
        assert placeholders(message) == placeholders(reference), key
    loaded = Messages.for_language(language)
    assert loaded.language == language and not loaded.problems and not loaded.notes


DYNAMIC = ("page.", "role.", "kind.", "status.", "action_status.", "reference_kind.", "strip.key.")
DYNAMIC += ("incident.reasons.", "incident.went_", "incident.lucky", "browse.facets.", "browse.facets_in_text.")
DYNAMIC += ("browse.script.", "duration.", "charts.columns.", "charts.legend.", "recurrence.state.")
DYNAMIC += ("visibility.public", "visibility.internal", "search.script.")
"""Labels whose keys the code builds from a value (`role.` + the role), or hands on as a group."""


def test_every_english_label_is_used() -> None:
    """A label no page writes is a translator's wasted work: each key appears in the code or a
    template, or belongs to a group whose keys the code builds."""
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [*PACKAGE.glob("*.py"), *(PACKAGE / "templates").glob("*.j2")]
        if path.name != "messages.py"
    )
    unused = [
        key
        for key in messages.english().table
        if f'"{key}"' not in sources and f"'{key}'" not in sources and not key.startswith(DYNAMIC)
    ]
    assert unused == []


def test_plural_rules_follow_each_language() -> None:
    assert plural_forms("en") == plural_forms("de") == ("one", "other")
    assert plural_forms("ja") == ("other",)
    assert plural_forms("ru") == ("one", "few", "many")
    french = Messages.for_language("fr")
    assert french.text("incidents_index.count", count=0) == "0 incident, du plus récent au plus ancien."
    assert french.text("incidents_index.count", count=2) == "2 incidents, du plus récent au plus ancien."
    english = Messages.for_language("en")
    assert english.text("incidents_index.count", count=0) == "0 incidents, newest first."
    assert english.text("incidents_index.count", count=1) == "1 incident, newest first."
    assert Messages.for_language("ja").text("incidents_index.count", count=1) == "1件のインシデント（新しい順）。"


def test_durations_are_written_in_each_language() -> None:
    seconds = 4 * 3600 + 22 * 60
    assert format_duration(seconds) == "4 h 22 min"
    assert format_duration(seconds, Messages.for_language("ja").durations) == "4時間22分"
    assert format_duration(3 * 86400 + 3600, Messages.for_language("fr").durations) == "3\u00a0j\u00a01\u00a0h"
    assert format_duration(None, Messages.for_language("de").durations) == "unbekannt"


def test_html_labels_escape_values_and_show_code() -> None:
    english = Messages.for_language("en")
    assert english.html("draft.text").startswith("This incident is a draft: <code>mkdocs serve</code> shows it")
    assert english.html("actions.from", incident="<b>x</b>") == "from &lt;b&gt;x&lt;/b&gt;"
    assert english.text("draft.text").startswith("This incident is a draft: mkdocs serve shows it")


@pytest.mark.parametrize(("code", "language"), [("de-CH", "de"), ("pt_BR", "en"), ("FR", "fr"), ("ja_JP", "ja"), (None, "en")])
def test_a_regional_code_falls_back_to_its_language(code: str | None, language: str) -> None:
    assert Messages.for_language(code).language == language


def test_an_unknown_language_shows_english_and_says_so_once() -> None:
    unknown = Messages.for_language("xx")
    assert unknown.language == "en"
    assert unknown.text("facts.started") == "Started"
    assert len(unknown.notes) == 1 and "`xx`" in unknown.notes[0] and "outagekb/messages/xx.yaml" in unknown.notes[0]


def test_the_preview_banner_is_in_the_sites_language_and_its_problems_in_english() -> None:
    from outagekb.preview import banner
    from outagekb.problems import Problem

    problem = Problem("/kb/incidents/2024-05-01-x.yaml", 3, 5, "`title` is missing; every incident needs one")
    html = banner([problem], "/kb", "", Messages.for_language("de"))
    assert "1 Fehler in den Vorfallsdateien: Diese Vorschau lässt 1 Datei aus, bis sie behoben sind" in html
    assert "<code>mkdocs build</code> schlägt fehl" in html
    assert "<code>title</code> is missing; every incident needs one" in html


# a site in German -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(project(tmp_path_factory.mktemp("de"), "de"))


def test_an_incident_page_is_in_german(german: Path) -> None:
    words = text_of(page_file(german, "incidents/2024-05-01-example").read_text(encoding="utf-8"))
    for label in (
        "Organisation",
        "Schweregrad",
        "Beginn",
        "Erkannt",
        "Eingedämmt",
        "Behoben",
        "Dauer 2 h 30 min",
        "Erste öffentliche Meldung 20 min nach Beginn",
        "alle aus 2024",
        "Zusammenfassung",
        "Ursachen",
        "Auslöser",
        "Zeitverlauf",
        "Erkennung",
        "Öffentliche Meldungen",
        "Längste Zeit ohne Meldung",
        "wird untersucht",
        "Der Ausfall im Zeitverlauf",
        "Ein Ausfall von 2 h 30 min; erkannt 5 min nach dem Beginn",
    ):
        assert label in words, label
    for english in ("Started", "Public updates", "Since start", "after start", "Timeline", "The outage over time"):
        assert english not in words, english


def test_the_indexes_are_in_german(german: Path) -> None:
    incidents = text_of(page_file(german, "incidents").read_text(encoding="utf-8"))
    assert "2 Vorfälle, die neuesten zuerst." in incidents
    assert "Datum Vorfall Organisation Schweregrad Dauer Ursachen" in incidents
    assert "Noch nicht eingeordnet" in incidents  # the imported incident's chip
    causes = text_of(page_file(german, "causes").read_text(encoding="utf-8"))
    assert "1 Vorfall ist noch nicht eingeordnet" in causes
    assert "Ursache Vorfälle Erster – letzter Median der Dauer" in causes
    cause = text_of(page_file(german, "causes/config-change").read_text(encoding="utf-8"))
    assert "Diesen Vorfall ansehen" in cause and "Atom-Feed" in cause and "Wie sie sich zeigte" in cause
    assert "<title>Vorfälle - Test knowledge base</title>" in page_file(german, "incidents").read_text(encoding="utf-8")


def test_the_statistics_page_and_its_charts_are_in_german(german: Path) -> None:
    page = page_file(german, "stats").read_text(encoding="utf-8")
    words = text_of(page)
    assert "Werte aus den 2 veröffentlichten Vorfällen" in words
    assert "Vorfälle pro Jahr" in words and "Nach Organisation" in words
    assert "Vorfälle pro Jahr, nach oberster Ursache" in page  # a chart's title
    assert "Median der Dauer, vom Beginn der Auswirkungen bis zur Behebung" in page  # its text alternative
    assert ">Dauer (logarithmische Skala)</text>" in page  # an axis
    assert ">genaue Zeiten</text>" in page  # the legend
    assert "Die Zahlen: Dauer pro Ursache" in page  # the table's summary


def test_the_feeds_and_the_browse_page_are_in_german(german: Path) -> None:
    feed = feedparser.parse((german / "feed.xml").read_text(encoding="utf-8"))
    assert feed.feed.title == "Vorfälle"
    assert feed.feed.subtitle == "Die neuesten veröffentlichten Ausfälle."
    assert any("Ursachen: Configuration change. Schweregrad: major." in entry.summary for entry in feed.entries)
    cause_feed = feedparser.parse((german / "causes" / "config-change" / "feed.xml").read_text(encoding="utf-8"))
    assert cause_feed.feed.title == "Vorfälle mit der Ursache Configuration change"
    browse = page_file(german, "browse").read_text(encoding="utf-8")
    assert "Wörter im Titel oder in der Zusammenfassung" in browse
    found = re.search(r'data-messages="([^"]*)"', browse)
    assert found is not None
    script = json.loads(found.group(1).replace("&quot;", '"').replace("&#123;", "{").replace("&#125;", "}"))
    assert script["language"] == "de" and script["labels"]["jump"]["one"] == "Den passenden Vorfall zeigen"
    index = json.loads((german / "browse" / "index.json").read_text(encoding="utf-8"))
    assert [facet["label"] for facet in index["facets"]][:3] == ["Ursache", "Erkenntnis", "Schweregrad"]


def test_render_reads_the_language_from_mkdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project(tmp_path, "fr"))
    assert main(["render", "out", "-q"]) == 0
    page = (tmp_path / "out" / "incidents" / "2024-05-01-example.md").read_text(encoding="utf-8")
    assert "<dt>Début</dt>" in page and "## Chronologie" in page


# a team's own labels --------------------------------------------------------------------


def test_an_override_file_changes_one_label_and_keeps_the_rest(tmp_path: Path) -> None:
    site = build(project(tmp_path, "de", {"de.yaml": "facts:\n  started: Störungsbeginn\n"}))
    words = text_of(page_file(site, "incidents/2024-05-01-example").read_text(encoding="utf-8"))
    assert "Störungsbeginn" in words and "Eingedämmt" in words
    assert "<dt>Beginn</dt>" not in page_file(site, "incidents/2024-05-01-example").read_text(encoding="utf-8")


def test_a_team_can_change_an_english_label(tmp_path: Path) -> None:
    site = build(project(tmp_path, None, {"en.yaml": 'incident:\n  timeline: "What happened, minute by minute"\n'}))
    page = page_file(site, "incidents/2024-05-01-example").read_text(encoding="utf-8")
    assert "What happened, minute by minute" in page and "<dt>Started</dt>" in page


def test_a_team_adds_a_language_of_its_own(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    dutch = (
        'facts:\n  started: Begonnen\nincidents_index:\n  count:\n    one: "{count} incident"\n    other: "{count} incidenten"\n'
    )
    with caplog.at_level(logging.INFO):
        site = build(project(tmp_path, "nl", {"nl.yaml": dutch}))
    assert "<dt>Begonnen</dt>" in page_file(site, "incidents/2024-05-01-example").read_text(encoding="utf-8")
    assert "2 incidenten" in page_file(site, "incidents").read_text(encoding="utf-8")
    assert "<dt>Detected</dt>" in page_file(site, "incidents/2024-05-01-example").read_text(encoding="utf-8")
    notes = [r.getMessage() for r in caplog.records if "labels in `nl`" in r.getMessage()]
    assert len(notes) == 1 and "shown in English" in notes[0]


def test_a_language_outagekb_lacks_builds_in_english_with_one_note(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Italian: Material has its labels, outagekb not (yet)."""
    with caplog.at_level(logging.INFO):
        site = build(project(tmp_path, "it"))
    assert "<dt>Started</dt>" in page_file(site, "incidents/2024-05-01-example").read_text(encoding="utf-8")
    notes = [r for r in caplog.records if "no labels in `it`" in r.getMessage()]
    assert len(notes) == 1 and notes[0].levelname == "INFO"


def test_mistakes_in_a_teams_file_are_reported_at_their_line(tmp_path: Path) -> None:
    folder = tmp_path / "theme"
    write(
        folder / "outagekb" / "messages" / "de.yaml",
        """\
        facts:
          startd: Beginn
          detected: "Erkannt {when}"
        incidents_index:
          count: "{count} Vorfälle"
        """,
    )
    found = Messages.for_language("de", override_dirs([str(folder)]))
    path = str(folder / "outagekb" / "messages" / "de.yaml")
    assert [p.format().replace(path, "de.yaml") for p in found.problems] == [
        "de.yaml:2:11: warning: `facts.startd` is not a label outagekb shows, so it is not used; did you mean `facts.started`?",
        "de.yaml:3:13: error: `facts.detected` has no placeholder `{when}`; it has none",
        "de.yaml:5:10: error: `incidents_index.count` is forms by number (`one` and `other`) in outagekb's labels; "
        "write it the same way",
    ]
    # what is wrong is not used: the package's German stays
    assert (
        found.text("facts.detected") == "Erkannt"
        and found.text("incidents_index.count", count=2) == "2 Vorfälle, die neuesten zuerst."
    )


def test_an_error_in_a_teams_file_fails_the_build(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.exceptions import Abort, PluginError

    folder = project(tmp_path, "de", {"de.yaml": 'facts:\n  detected: "Erkannt {wann}"\n'})
    with pytest.raises((PluginError, Abort)):
        build(folder)
    assert "de.yaml:2:13: error: `facts.detected` has no placeholder `{wann}`; it has none" in caplog.text
