"""Two audiences from one knowledge base: nothing internal reaches the public site.

The proof is from the outside: every internal part of a knowledge base carries a marker, and
every byte the public build writes (compressed files opened) is scanned for it; the internal
build must show each marker. The public build must also equal, file for file, the build of a
knowledge base that only ever held the public parts: same pages, counts, figures and charts.
"""

from __future__ import annotations

import gzip
import json
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, build, write
from outagekb import audience
from outagekb.loader import load_knowledge_base
from outagekb.model import PUBLIC, Incident

MARKER = b"zqx"
"""In every internal part below, in some letter case; nothing else in a site holds it."""

PUBLIC_ID = "2024-05-01-example-checkout-down"
INTERNAL_ID = "2023-02-03-zqxbank-ledger-outage"
OTHER_PUBLIC_ID = "2024-06-10-example-login-slow"


def png(width: int = 2, height: int = 1) -> bytes:
    """A real PNG file of the given size, which the image checks accept."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def public_incident(*, with_internal_parts: bool) -> str:
    """A public incident; with its internal parts, each holding the marker."""
    internal = with_internal_parts
    lines = [
        "title: Example checkout down after a bad configuration push",
        "organization: Example",
        "services: [Checkout, API]",
        "severity: major",
        "started: 2024-05-01T10:00:00+02:00",
        "detected: 2024-05-01T10:05:00+02:00",
        "mitigated: 2024-05-01T11:00:00+02:00",
        "resolved: 2024-05-01T12:30:00+02:00",
        "visibility: public",
        "summary: A configuration push broke routing to the checkout tier.",
        "causes:",
        "  - cause: config-change",
        "    role: trigger",
        "    detail: The push went to every region at once.",
        "lessons:",
        "  - lesson: staged-rollout",
        "timeline:",
        "  - at: 2024-05-01T10:05:00+02:00",
        "    kind: detect",
        "    event: The error-rate alert fires.",
    ]
    if internal:
        lines += [
            "  - at: 2024-05-01T09:40:00+02:00",
            "    kind: escalate",
            "    event: Zqx-timeline the bank's account manager is called.",
            "    internal: true",
        ]
    lines += [
        "updates:",
        "  - at: 2024-05-01T10:30:00+02:00",
        "    status: investigating",
        "    text: We are looking into failed checkouts.",
    ]
    if internal:
        lines += [
            "  - at: 2024-05-01T10:20:00+02:00",
            "    status: identified",
            "    channel: Zqx-channel",
            "    text: Zqx-update sent to the enterprise customers only.",
            "    internal: true",
        ]
    lines += [
        "actions:",
        "  - action: Stage configuration pushes.",
        "    lesson: staged-rollout",
    ]
    if internal:
        lines += [
            "  - action: Zqx-action credit the three largest accounts.",
            "    owner: Zqx-owner",
            "    ticket: https://jira.zqx.test/browse/FIN-1",
            "    lesson: communication",
            "    internal: true",
        ]
    lines += [
        "references:",
        "  - title: Status page entry",
        "    url: https://status.example.test/incidents/1",
    ]
    if internal:
        lines += [
            "  - title: Zqx-reference review notes",
            "    url: https://wiki.zqx.test/reviews/1",
            "    internal: true",
        ]
    lines += [
        "retrospective:",
        "  went_well: [The rollback took one command.]",
    ]
    if internal:
        lines += [
            "  went_wrong:",
            "    - text: Zqx-retro the largest customer heard first from their users.",
            "      internal: true",
            "internal_notes: |",
            "  Zqx-notes: credits owed.",
            "",
            f"  ![Zqx notes chart]({PUBLIC_ID}/zqx-notes.png)",
            f"related: [{OTHER_PUBLIC_ID}, {INTERNAL_ID}]",
        ]
    else:
        lines += [f"related: [{OTHER_PUBLIC_ID}]"]
    return "\n".join(lines) + "\n"


OTHER_PUBLIC = """\
title: Example login slow after a cache eviction storm
organization: Example
services: [Login]
severity: minor
started: 2024-06-10T08:00:00Z
resolved: 2024-06-10T09:00:00Z
visibility: public
summary: Logins took seconds while the session cache refilled.
causes:
  - cause: capacity
tags: [cache]
"""

INTERNAL = f"""\
title: Zqx-title ledger writes failed for the bank's region
organization: Zqxbank
services: [Zqx-ledger]
severity: critical
started: 2019-02-03T01:00:00Z
resolved: 2019-02-05T01:00:00Z
regions: [zqx-region]
upstream: [Zqx-vendor]
tags: [zqx-tag]
summary: |
  Zqx-summary: the ledger refused writes for two days.

  ![Zqx diagram]({INTERNAL_ID}/zqx-diagram.png)
impact: Zqx-impact of 4,000 payments.
causes:
  - cause: dns
    role: trigger
    detail: Zqx-cause-detail the resolver lost the zone.
lessons:
  - lesson: communication
    detail: Zqx-lesson-detail
timeline:
  - at: 2019-02-03T01:10:00Z
    event: Zqx-internal-timeline
updates:
  - at: 2019-02-03T02:00:00Z
    status: investigating
    text: Zqx-internal-update
actions:
  - action: Zqx-internal-action
    owner: Zqx-internal-owner
references:
  - title: Zqx-internal-reference
    url: https://zqx.test/postmortem
related: [{PUBLIC_ID}]
"""

MKDOCS = """\
site_name: Two audiences
site_url: https://kb.example.test/
theme:
  name: material
plugins:
  - search
  - outagekb:
      default_visibility: internal
{audience}"""


def knowledge_base(folder: Path, *, with_internal: bool, audience_line: str = "") -> Path:
    """A project: the full knowledge base (`with_internal`), or only its public parts."""
    write(folder / "mkdocs.yml", MKDOCS.format(audience=audience_line))
    write(folder / "docs" / "index.md", "# Home\n\nOur outages.\n")
    incidents = folder / "incidents"
    write(incidents / f"{PUBLIC_ID}.yaml", public_incident(with_internal_parts=with_internal))
    write(incidents / f"{OTHER_PUBLIC_ID}.yaml", OTHER_PUBLIC)
    write(incidents / f"{PUBLIC_ID}.md", "The push skipped the canary region.\n")
    write(incidents / "2024-05-01-example-checkout-again.yaml", f"duplicate_of: {PUBLIC_ID}\n")
    if with_internal:
        write(incidents / f"{INTERNAL_ID}.yaml", INTERNAL)
        write(incidents / "2019-02-03-zqxbank-ledger-twice.yaml", f"duplicate_of: {INTERNAL_ID}\n")
        write(incidents / f"{INTERNAL_ID}.md", "Zqx-analysis of the ledger.\n")
        write(incidents / f"{PUBLIC_ID}.internal.md", f"Zqx-internal-analysis.\n\n![Zqx](./{PUBLIC_ID}/zqx-internal.png)\n")
        for owner, name in ((INTERNAL_ID, "zqx-diagram.png"), (PUBLIC_ID, "zqx-notes.png"), (PUBLIC_ID, "zqx-internal.png")):
            (incidents / owner).mkdir(exist_ok=True)
            (incidents / owner / name).write_bytes(png())
    return folder


def every_file(site: Path) -> Iterator[tuple[str, bytes]]:
    """Every file the build wrote, by its path in the site, compressed ones opened."""
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            yield str(path.relative_to(site)), gzip.decompress(data) if path.suffix == ".gz" else data


def marked(site: Path) -> list[str]:
    """The files whose path or bytes hold the marker."""
    return [name for name, data in every_file(site) if MARKER in name.lower().encode() or MARKER in data.lower()]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("audience")
    full = knowledge_base(base / "full", with_internal=True)
    public_only = knowledge_base(base / "public-only", with_internal=False)
    os.environ.pop(audience.AUDIENCE_VARIABLE, None)
    made = {"internal": build(full, site_dir=base / "site-internal")}
    os.environ[audience.AUDIENCE_VARIABLE] = "public"
    try:
        made["public"] = build(full, site_dir=base / "site-public")
        made["public-only"] = build(public_only, site_dir=base / "site-public-only")
    finally:
        del os.environ[audience.AUDIENCE_VARIABLE]
    made["project"] = full
    return made


def test_the_public_build_holds_no_internal_byte(sites: dict[str, Path]) -> None:
    site = sites["public"]
    names = [name for name, _ in every_file(site)]
    assert "sitemap.xml.gz" in names and "search/search_index.json" in names and "incidents.json" in names
    assert "feed.xml" in names and "causes/config-change/feed.xml" in names
    assert "incidents.csv" in names and "actions.csv" in names
    assert marked(site) == []
    assert not (site / "incidents" / INTERNAL_ID).exists()
    assert (site / "incidents" / "2024-05-01-example-checkout-again" / "index.html").is_file()  # merged into a public one


def test_the_internal_build_shows_every_marker(sites: dict[str, Path]) -> None:
    site = sites["internal"]
    text = "\n".join(data.decode("utf-8", "replace") for _, data in every_file(site))
    for marker in (
        "Zqx-timeline",
        "Zqx-channel",
        "Zqx-update",
        "Zqx-action",
        "Zqx-owner",
        "jira.zqx.test",
        "Zqx-reference",
        "Zqx-retro",
        "Zqx-notes",
        "Zqx-internal-analysis",
        "Zqx-title",
        "Zqxbank",
        "Zqx-summary",
        "Zqx-analysis",
        "Zqx-cause-detail",
        "zqx-tag",
    ):
        assert marker in text, marker
    page = (site / "incidents" / PUBLIC_ID / "index.html").read_text(encoding="utf-8")
    assert page.count('class="okb-internal"') == 5  # timeline entry, update, action, reference, retrospective item
    assert "Internal notes" in page and "Internal analysis" in page
    assert 'okb-visibility--public"' in page
    assert (site / "incidents" / PUBLIC_ID / "zqx-internal.png").is_file()
    internal_page = (site / "incidents" / INTERNAL_ID / "index.html").read_text(encoding="utf-8")
    assert 'okb-visibility--internal"' in internal_page
    actions = (site / "actions" / "index.html").read_text(encoding="utf-8")
    assert "Zqx-action" in actions and 'class="okb-internal"' in actions


def test_the_public_build_equals_a_knowledge_base_of_only_the_public_parts(sites: dict[str, Path]) -> None:
    """Counts, figures, charts, feeds, export and search: the same bytes as if the internal
    parts had never been written (the sitemap's dates are the build's, so it is compared
    without them)."""
    public = dict(every_file(sites["public"]))
    public_only = dict(every_file(sites["public-only"]))
    assert sorted(public) == sorted(public_only)
    differ = [name for name in public if public[name] != public_only[name]]
    assert differ == []
    export = json.loads(public["incidents.json"])
    assert [record["id"] for record in export["incidents"]] == [OTHER_PUBLIC_ID, PUBLIC_ID]
    assert {record["visibility"] for record in export["incidents"]} == {PUBLIC}
    stats = public["stats/index.html"].decode()
    assert "2019" not in stats  # the internal incident's year is in no chart or table


def test_the_gate_keeps_unchanged_incidents_as_the_same_objects(sites: dict[str, Path]) -> None:
    """Under `mkdocs serve` an unchanged incident must yield the same public part, so that its
    page is reused; and one without internal parts is passed through as it is."""
    kb, problems = load_knowledge_base(str(sites["project"] / "incidents"))
    assert not [p for p in problems if p.is_error]
    reuse: dict[str, tuple[Incident, tuple[str, ...], Incident]] = {}
    first, left_out = audience.for_audience(kb, PUBLIC, reuse)
    second, _ = audience.for_audience(kb, PUBLIC, reuse)
    assert [i.id for i in first.incidents] == sorted([PUBLIC_ID, OTHER_PUBLIC_ID])
    assert all(a is b for a, b in zip(first.incidents, second.incidents, strict=True))
    by_id = {i.id: i for i in kb.incidents}
    assert {i.id: i for i in first.incidents}[OTHER_PUBLIC_ID] is by_id[OTHER_PUBLIC_ID]
    assert left_out == audience.LeftOut(incidents=1, entries=7)
    stripped = {i.id: i for i in first.incidents}[PUBLIC_ID]
    assert stripped.related == (OTHER_PUBLIC_ID,)
    assert audience.internal_entries(stripped) == 0


def test_the_environment_chooses_the_audience_unless_mkdocs_yml_pins_it(tmp_path: Path) -> None:
    project = knowledge_base(tmp_path / "pinned", with_internal=True, audience_line="      audience: internal\n")
    os.environ[audience.AUDIENCE_VARIABLE] = "public"
    try:
        site = build(project, site_dir=tmp_path / "site")
    finally:
        del os.environ[audience.AUDIENCE_VARIABLE]
    assert (site / "incidents" / INTERNAL_ID / "index.html").is_file()
    assert audience.chosen_audience(None, "public") == ("public", None)
    assert audience.chosen_audience("public", "internal") == ("internal", None)


def run(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != audience.AUDIENCE_VARIABLE} | (env or {})
    command = [sys.executable, "-m", "outagekb.cli", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=environment, timeout=120)


def test_render_and_validate_take_the_audience(sites: dict[str, Path], tmp_path: Path) -> None:
    project = sites["project"]
    out = tmp_path / "rendered"
    result = run(project, "render", "--audience", "public", str(out))
    assert result.returncode == 0, result.stderr
    assert "building the public site: 2 incidents; left out: 1 internal incident and 7 internal entries" in result.stderr
    assert marked(out) == []
    assert (out / "incidents" / f"{PUBLIC_ID}.md").is_file()
    internal = run(project, "render", str(tmp_path / "internal"))
    assert internal.returncode == 0 and marked(tmp_path / "internal")
    checked = run(project, "validate", "--audience", "public")
    assert checked.returncode == 0, checked.stderr
    assert "the public site shows 2 of them" in checked.stderr
    assert f"warning: related[1]: `{INTERNAL_ID}` is internal" in checked.stdout
    refused = run(project, "validate", env={audience.AUDIENCE_VARIABLE: "everyone"})
    assert refused.returncode == 2
    assert "OUTAGEKB_AUDIENCE is `everyone`, which is not an audience" in refused.stderr


def test_a_bad_audience_in_the_environment_stops_the_build(tmp_path: Path) -> None:
    project = knowledge_base(tmp_path / "kb", with_internal=False)
    environment = os.environ | {audience.AUDIENCE_VARIABLE: "Public!", "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "site")]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, env=environment, timeout=120)
    assert result.returncode == 1
    assert "OUTAGEKB_AUDIENCE is `Public!`, which is not an audience; set it to `internal` or `public`" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_the_showcase_is_public() -> None:
    """The showcase's outages are public post-mortems: its mkdocs.yml says so."""
    assert "default_visibility: public" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
