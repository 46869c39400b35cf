"""The browse page at scale: the index's download size and the filter time in headless Chromium.

For each N (default 1,000 and 10,000) this generates N synthetic incidents in memory (with
`generate.py`, the other benchmarks' generator), builds the browse index exactly as a site
build does, and reports its size raw and gzipped. Because that generator's prose comes from
a few sentence templates, which compress unusually well, the size is also reported with the
titles and summaries replaced by random words from a 4,000-word vocabulary: text that gzip
compresses about as well as real English, so the honest upper figure.

Then it builds a one-incident Material site, puts the N-incident index in place of its own,
opens `browse/` in headless Chromium (the system's, as in the browser tests) and measures,
inside the page with performance.now(), each of a series of filter operations (checking and
unchecking facet values, typing words, clearing): the script's filtering, the DOM update and
the layout they force. It prints the median and the slowest.

Targets (issue 6): under 1 MB gzipped and under 100 ms per filter at 10,000 incidents.

Usage: .venv/bin/python benchmarks/browse.py [--incidents 1000 10000] [--no-browser]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]

import generate  # noqa: E402  (benchmarks/generate.py)

from outagekb import browse  # noqa: E402
from outagekb.graph import build_graph  # noqa: E402
from outagekb.loader import shipped_catalog  # noqa: E402
from outagekb.model import CauseRef, Incident, KnowledgeBase, LessonRef  # noqa: E402

TARGET_BYTES = 1_000_000
TARGET_MS = 100.0


# --- the incidents -------------------------------------------------------------------------------


def knowledge_base(count: int, seed: int = generate.DEFAULT_SEED) -> KnowledgeBase:
    """`count` incidents from generate.py, as the loader's model (no files written)."""
    incidents = []
    for made in generate.generate_incidents(count, seed):
        incidents.append(
            Incident(
                id=made.id,
                path=f"incidents/{made.id}.yaml",
                title=made.title,
                organization=made.organization,
                services=tuple(made.services),
                severity=made.severity,
                started=made.started,
                summary=made.summary,
                causes=tuple(CauseRef(ref.cause, tuple(ref.roles), ref.detail) for ref in made.causes),
                detected=made.detected,
                mitigated=made.mitigated,
                resolved=made.resolved,
                regions=tuple(made.regions),
                upstream=tuple(made.upstream),
                lessons=tuple(LessonRef(ref.lesson, ref.detail) for ref in made.lessons),
                tags=tuple(made.tags),
            )
        )
    return KnowledgeBase(shipped_catalog(), tuple(incidents))


def with_random_words(kb: KnowledgeBase, seed: int = 1) -> KnowledgeBase:
    """The same incidents with titles and summaries of random words (compressible like English)."""
    rng = random.Random(seed)
    consonants, vowels = "bcdfghklmnprstvw", "aeiou"
    vocabulary = [
        rng.choice(consonants) + rng.choice(vowels) + rng.choice(consonants) + rng.choice(("", "er", "ing", "ed", "ion", "s"))
        for _ in range(4000)
    ]

    def words(low: int, high: int) -> str:
        return " ".join(rng.choices(vocabulary, k=rng.randint(low, high)))

    incidents = tuple(dataclasses.replace(i, title=words(8, 16)[:200], summary=words(60, 200)) for i in kb.incidents)
    return dataclasses.replace(kb, incidents=incidents)


def index_text(kb: KnowledgeBase) -> tuple[str, float, float]:
    """The index as a build writes it; seconds for the graph (shared by every page) and for the index itself."""
    started = time.perf_counter()
    graph = build_graph(kb)
    built = time.perf_counter()
    text = browse.index_json(graph)
    return text, built - started, time.perf_counter() - built


def sizes(text: str) -> tuple[int, int]:
    raw = text.encode("utf-8")
    return len(raw), len(gzip.compress(raw, 6))


# --- the browser -----------------------------------------------------------------------------------

SITE_YML = """\
site_name: Browse benchmark
theme:
  name: material
  font: false
plugins:
  - search
  - outagekb
"""

ONE_INCIDENT = """\
title: Placeholder, replaced by the synthetic index
organization: Example
services: [Web]
severity: minor
started: 2024-01-01T00:00:00Z
summary: Placeholder.
causes:
  - cause: capacity
"""

# Each operation runs inside the page; what is timed is the click (or input) and the layout it forces.
MEASURE = """
async (operations) => {
  const results = [];
  const box = (facet, value) => document.querySelector(`.okb-facet input[name="${facet}"][value="${CSS.escape(value)}"]`);
  for (const [kind, facet, value] of operations) {
    const started = performance.now();
    if (kind === "toggle") box(facet, value).click();
    else if (kind === "type") {
      const input = document.getElementById("okb-browse-q");
      input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    } else if (kind === "clear") document.querySelector(".okb-browse__clear").click();
    void document.body.offsetHeight; // style and layout of what changed
    const elapsed = performance.now() - started;
    results.push([kind + " " + (facet || "") + (value ? "=" + value : ""), elapsed, document.querySelectorAll(".okb-browse__results li").length]);
    await new Promise(requestAnimationFrame); // let the frame paint between operations
  }
  return results;
}
"""


def operations(index: dict[str, Any]) -> list[tuple[str, str, str]]:
    """A reader's session: facet values of every kind (a parent cause, a big organization, years), words, clearing."""
    facets = {facet["name"]: facet["values"] for facet in index["facets"]}
    counts: dict[str, dict[int, int]] = {}
    for name, column in index["incidents"].items():
        if name in facets:
            tally: dict[int, int] = {}
            for cell in column:
                for position in [cell] if isinstance(cell, int) else cell:
                    tally[position] = tally.get(position, 0) + 1
            counts[name] = tally

    def common(name: str, rank: int = 0) -> str:
        ranked = sorted(counts[name], key=lambda p: -counts[name][p])
        return facets[name][ranked[min(rank, len(ranked) - 1)]]

    steps: list[tuple[str, str, str]] = [
        ("toggle", "severity", "critical"),
        ("toggle", "cause", "deployment"),
        ("toggle", "cause", "network"),
        ("toggle", "lesson", common("lesson")),
        ("toggle", "year", common("year")),
        ("toggle", "year", common("year", 1)),
        ("toggle", "organization", common("organization")),
        ("toggle", "organization", common("organization")),
        ("toggle", "service", common("service")),
        ("toggle", "tag", common("tag")),
        ("toggle", "tag", common("tag")),
        ("toggle", "severity", "critical"),
        ("clear", "", ""),
        ("type", "q", "d"),
        ("type", "q", "da"),
        ("type", "q", "database"),
        ("type", "q", "database fail"),
        ("toggle", "cause", "capacity"),
        ("type", "q", ""),
        ("toggle", "severity", "major"),
        ("toggle", "cause", "capacity"),
        ("clear", "", ""),
    ]
    return steps


def measure_in_browser(index_json: str, repeat: int = 3) -> dict[str, Any]:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, CHROMIUM_ARGS, serve

    index = json.loads(index_json)
    with tempfile.TemporaryDirectory(prefix="okb-browse-bench-") as folder:
        project = Path(folder)
        (project / "docs").mkdir()
        (project / "incidents").mkdir()
        (project / "mkdocs.yml").write_text(SITE_YML, encoding="utf-8")
        (project / "docs" / "index.md").write_text("# Browse benchmark\n", encoding="utf-8")
        (project / "incidents" / "2024-01-01-placeholder.yaml").write_text(ONE_INCIDENT, encoding="utf-8")
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(project / "site"))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
        (project / "site" / "browse" / "index.json").write_text(index_json, encoding="utf-8")

        timings: list[float] = []
        ready: list[float] = []
        slowest: tuple[str, float] = ("", 0.0)
        errors: list[str] = []
        with serve(project / "site") as base, sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                for _ in range(repeat):
                    page = chromium.new_page(viewport={"width": 1280, "height": 900})
                    page.on("pageerror", lambda error: errors.append(str(error)))
                    # when the page becomes usable, in the page's own clock (ms since navigation start)
                    page.add_init_script(
                        "new MutationObserver((_, observer) => {"
                        " const root = document.getElementById('okb-browse');"
                        " if (root && root.getAttribute('data-okb-state') === 'ready') { window.okbReadyAt = performance.now(); observer.disconnect(); }"
                        "}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-okb-state']})"
                    )
                    page.goto(base + "browse/")
                    page.wait_for_selector('#okb-browse[data-okb-state="ready"]', timeout=60_000)
                    ready.append(page.evaluate("window.okbReadyAt"))
                    for name, elapsed, _shown in page.evaluate(MEASURE, operations(index)):
                        timings.append(elapsed)
                        if elapsed > slowest[1]:
                            slowest = (name, elapsed)
                    page.close()
            finally:
                chromium.close()
        if errors:
            raise RuntimeError(f"page errors: {errors}")
        return {
            "median_ms": statistics.median(timings),
            "p90_ms": sorted(timings)[int(0.9 * (len(timings) - 1))],
            "max_ms": slowest[1],
            "slowest": slowest[0],
            "operations": len(timings),
            "ready_ms": statistics.median(ready),
        }


# --- the report ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--incidents", "-n", type=int, nargs="+", default=[1000, 10000], help="sizes to measure (default 1000 10000)"
    )
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="page loads per size; each runs the whole series of filters")
    parser.add_argument("--no-browser", action="store_true", help="sizes only")
    args = parser.parse_args(argv)

    failed = False
    for count in args.incidents:
        started = time.perf_counter()
        kb = knowledge_base(count, args.seed)
        generated = time.perf_counter() - started
        text, graphed, built = index_text(kb)
        raw, packed = sizes(text)
        worst_raw, worst_packed = sizes(index_text(with_random_words(kb))[0])
        print(
            f"N={count:,} incidents (generated in {generated:.1f} s; graph {graphed:.1f} s, then browse index built in {built * 1000:.0f} ms)"
        )
        print(
            f"  browse index, generate.py prose: {raw / 1e6:6.2f} MB raw, {packed / 1e6:5.3f} MB gzipped ({packed / count:.0f} B per incident)"
        )
        print(
            f"  browse index, random-word prose: {worst_raw / 1e6:6.2f} MB raw, {worst_packed / 1e6:5.3f} MB gzipped ({worst_packed / count:.0f} B per incident)"
        )
        if count >= 10_000 and max(packed, worst_packed) >= TARGET_BYTES:
            print(f"  !! over the {TARGET_BYTES / 1e6:.0f} MB target")
            failed = True
        if not args.no_browser:
            figures = measure_in_browser(text, args.repeat)
            print(
                f"  filter in Chromium: median {figures['median_ms']:.1f} ms, 90th percentile {figures['p90_ms']:.1f} ms, "
                f"slowest {figures['max_ms']:.1f} ms ({figures['slowest']}), over {figures['operations']} operations"
            )
            print(
                f"  page usable {figures['ready_ms']:.0f} ms after navigation start (local server, index fetched and first list drawn)"
            )
            if count >= 10_000 and figures["median_ms"] >= TARGET_MS:
                print(f"  !! over the {TARGET_MS:.0f} ms target")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
