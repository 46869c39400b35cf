"""`mkdocs serve` reuses pages and rows made in earlier rebuilds; after any edit, what it
makes must be exactly what a fresh build makes."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT
from outagekb.cache import PageCache
from outagekb.graph import Graph, build_graph
from outagekb.loader import load_knowledge_base
from outagekb.model import KnowledgeBase
from outagekb.render import Renderer, RenderOptions

TODAY = date(2025, 1, 15)
GITLAB = "2017-01-31-gitlab-database-deletion.yaml"
DYN = "2016-10-21-dyn-mirai-ddos.yaml"
TELEMETRY = "2024-12-11-openai-telemetry-rollout.yaml"  # named in several incidents' related lists


def renderer(kb: KnowledgeBase, *, cache: PageCache | None = None, previous: Graph | None = None, **options: object) -> Renderer:
    """A renderer as the plugin makes one: with `cache`, for a rebuild of a serve session."""
    return Renderer(build_graph(kb, previous), RenderOptions(**options), cache=cache)  # type: ignore[arg-type]


def outputs(made: Renderer) -> dict[str, str]:
    return made.outputs()


def rewrite(path: Path, change: Callable[[str], str]) -> None:
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the edit did not change {path.name}"
    stamp = path.stat().st_mtime_ns
    path.write_text(after, encoding="utf-8")
    os.utime(path, ns=(stamp + 1_000_000, stamp + 1_000_000))  # a new time even on a coarse clock


def sub(pattern: str, replacement: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, replacement, text, count=1, flags=re.M)


EDITS: dict[str, Callable[[Path], None]] = {
    "title": lambda folder: rewrite(folder / GITLAB, sub(r"^title: .*$", "title: A title edited during the preview")),
    "resolved time": lambda folder: rewrite(folder / GITLAB, sub(r"^(resolved: \S+T)\d\d", r"\g<1>23")),
    "causes": lambda folder: rewrite(folder / GITLAB, sub(r"^  - cause: [a-z-]+", "  - cause: dns")),
    "organization": lambda folder: rewrite(folder / DYN, sub(r"^organization: .*$", "organization: Renamed Org")),
    "open action": lambda folder: rewrite(
        folder / GITLAB,
        lambda text: (
            text + "\nactions:\n  - action: Test the restore path weekly.\n    status: open\n    due: 2024-01-01\n"
            if "\nactions:" not in text
            else re.sub(
                r"^actions:\n", "actions:\n  - action: Test the restore path weekly.\n    status: open\n", text, flags=re.M
            )
        ),
    ),
    "draft": lambda folder: rewrite(folder / DYN, lambda text: text + "\ndraft: true\n"),
    # two files saved in one rebuild: related incidents rescored for one, the other's title
    # shown in lists that are not rescored
    "causes and another title": lambda folder: (
        EDITS["causes"](folder),
        rewrite(folder / TELEMETRY, sub(r"^title: .*$", "title: A suggested incident renamed")),
    ),
    "removed": lambda folder: (folder / DYN).unlink(),
    # a copy a year later: the same times would be a possible duplicate (a warning)
    "added": lambda folder: (folder / "2017-10-21-dyn-mirai-ddos-again.yaml").write_text(
        (folder / DYN).read_text(encoding="utf-8").replace("2016-10-2", "2017-10-2"), encoding="utf-8"
    ),
    "catalog title": lambda folder: rewrite(
        folder / "catalog.yaml", sub(r"^(\s+title: ).*$", r"\g<1>A cause renamed in the catalog")
    ),
}


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_serve_rebuild_equals_a_fresh_build(tmp_path: Path, edit: str, use_directory_urls: bool) -> None:
    folder = tmp_path / "incidents"
    shutil.copytree(ROOT / "incidents", folder)
    cache = PageCache()
    options = dict(use_directory_urls=use_directory_urls, include_drafts=True, today=TODAY)

    kb, problems = load_knowledge_base(str(folder), cache=True)
    assert not problems
    first = renderer(kb, cache=cache, **options)
    outputs(first)
    EDITS[edit](folder)
    kb, problems = load_knowledge_base(str(folder), cache=True)
    assert not problems, problems
    second = renderer(kb, cache=cache, previous=first.graph, **options)
    hits = cache.hits
    rebuilt = outputs(second)
    if edit != "catalog title":  # a new catalog: nothing made from the old one is reused
        assert cache.hits > hits  # the cache was used, not bypassed
    fresh = outputs(renderer(kb, **options))
    assert rebuilt.keys() == fresh.keys()
    for path, text in fresh.items():
        assert rebuilt[path] == text, f"{path} differs from a fresh build after the edit: {edit}"


def test_a_changed_option_or_day_drops_what_the_cache_holds(tmp_path: Path) -> None:
    kb, problems = load_knowledge_base(str(ROOT / "incidents"), cache=True)
    assert not problems
    cache = PageCache()
    outputs(renderer(kb, cache=cache, include_drafts=True, today=TODAY))
    for changed in (dict(today=date(2030, 1, 1)), dict(use_directory_urls=False), dict(site_url="https://kb.example/")):
        options = dict(include_drafts=True, today=TODAY) | changed
        rebuilt = outputs(renderer(kb, cache=cache, **options))
        assert rebuilt == outputs(renderer(kb, **options)), changed


def test_an_edit_remakes_only_the_incident_pages_that_show_it(tmp_path: Path) -> None:
    """Changing an incident's causes changes some incidents' related lists; every other
    incident page is the very page object made before."""
    from outagekb import paths

    folder = tmp_path / "incidents"
    shutil.copytree(ROOT / "incidents", folder)
    cache = PageCache()
    kb, _ = load_knowledge_base(str(folder), cache=True)
    first = renderer(kb, cache=cache, include_drafts=True, today=TODAY)
    before = {page.src: page for page in first.iter_pages()}
    EDITS["causes"](folder)
    kb, _ = load_knowledge_base(str(folder), cache=True)
    second = renderer(kb, cache=cache, previous=first.graph, include_drafts=True, today=TODAY)
    after = {page.src: page for page in second.iter_pages()}

    def shown(made: Renderer, incident_id: str) -> list[tuple[int, object]]:
        """The suggested incidents (as objects: a changed file is a new object) and the reasons."""
        return [(id(s.incident), s.reasons) for s in made.graph.suggested.get(incident_id, [])]

    remade = []
    for incident in kb.incidents:
        src = paths.incident_page(incident.id)
        unchanged = first.graph.by_id.get(incident.id) is incident and shown(first, incident.id) == shown(second, incident.id)
        unchanged = unchanged and not first.graph.related.get(incident.id)  # the showcase's explicit links: none changed
        if unchanged:
            assert after[src] is before[src], f"{src} was made again though nothing it shows changed"
        if after[src] is not before[src]:
            remade.append(incident.id)
    assert GITLAB.removesuffix(".yaml") in remade
    assert len(remade) < len(kb.incidents) / 2, remade
