"""The format reference in docs/ cannot drift from the field table the loader checks."""

from __future__ import annotations

import re

from conftest import ROOT
from outagekb import spec

RECORDS = [
    spec.INCIDENT,
    spec.CAUSE_ENTRY,
    spec.LESSON_ENTRY,
    spec.TIMELINE_ENTRY,
    spec.UPDATE_ENTRY,
    spec.ACTION_ENTRY,
    spec.REFERENCE_ENTRY,
    spec.RETROSPECTIVE,
    spec.RETROSPECTIVE_ITEM,
    spec.SOURCE,
    spec.CATALOG_CAUSE,
    spec.CATALOG_LESSON,
    spec.CATALOG_SEVERITY,
]


def documented_tables() -> dict[str, list[tuple[str, str]]]:
    """For each `## heading`, the (field, required) rows of the first table below it."""
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    tables: dict[str, list[tuple[str, str]]] = {}
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = section.partition("\n")
        rows = []
        in_table = False
        for line in body.splitlines():
            if line.startswith("|"):
                in_table = True
                cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
                match = re.fullmatch(r"`([a-z_]+)`", cells[0])
                if match:
                    rows.append((match.group(1), cells[2]))
            elif in_table:
                break
        tables[heading.strip()] = rows
    return tables


def test_every_record_is_documented_exactly() -> None:
    tables = documented_tables()
    for record in RECORDS:
        assert record.name in tables, f"docs/format.md has no '## {record.name}' section"
        expected = [(f.name, "yes" if f.required else "no") for f in record.fields]
        assert tables[record.name] == expected, record.name


def test_nav_pages_exist() -> None:
    # every page the showcase nav names is hand-written in docs/ or generated; test_site checks every link
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in re.findall(r":\s*([\w/-]+\.md)\s*$", config, flags=re.MULTILINE):
        generated = page.split("/")[0] in ("incidents", "causes", "lessons", "actions", "browse", "stats")
        assert generated or (ROOT / "docs" / page).is_file(), page
