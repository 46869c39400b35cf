"""What the check for possible duplicates adds to `outagekb validate` (issue 20, part 3).

Generates N incidents (generate.py, seeded), writes them as a knowledge base, and reports
medians of K runs of:

- the check alone (`duplicates.possible_duplicates`) on the generated incidents, and on a
  crowded worst case: N incidents of one organization and one service, one starting every
  ten minutes and each lasting an hour, so that six are going on at every start;
- loading the folder as `outagekb validate` does (`load_knowledge_base(models=False)`),
  with the check and with it switched off, interleaved, in this process: the difference
  is its cost, within the noise of reading 10,000 files.

    python benchmarks/duplicates.py --incidents 10000 --runs 5
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from generate import DEFAULT_SEED, generate_incidents, load_catalog, write_outagekb_project  # noqa: E402

from outagekb import duplicates, loader  # noqa: E402
from outagekb.duplicates import Span  # noqa: E402


def median_seconds(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The median wall time of `runs` calls of `work`, and what the last one returned; the
    garbage collector off, as the loader has it while the check runs."""
    times, result = [], None
    gc.disable()
    try:
        for _ in range(runs):
            started = time.perf_counter()
            result = work()
            times.append(time.perf_counter() - started)
    finally:
        gc.enable()
    return statistics.median(times), result


def crowded(count: int) -> list[Span]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    spans = []
    for n in range(count):
        began = start + timedelta(minutes=10 * n)
        spans.append(Span(f"i{n}", f"i{n}.yaml", 5, 10, "Acme", ("API",), began, began + timedelta(hours=1), began, frozenset()))
    return spans


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", "-n", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", default=None, help="working folder (default benchmarks/out/duplicates-n<N>)")
    args = parser.parse_args(argv)
    count, runs = args.incidents, args.runs
    out = args.out or os.path.join(HERE, "out", f"duplicates-n{count}")

    catalog = load_catalog()
    incidents = generate_incidents(count, args.seed, catalog)
    write_outagekb_project(out, incidents, catalog, args.seed)
    folder = os.path.join(out, "incidents")

    read = [loader.load_incident(incident_id, path) for incident_id, path in loader.scan_directory(folder).incidents]
    spans = [item.span for item in read if item.span is not None]
    duplicates.possible_duplicates(spans, str)  # a first run, so that both measure warm caches
    check, found = median_seconds(runs, lambda: duplicates.possible_duplicates(spans, str))
    worst = crowded(count)
    worst_check, worst_found = median_seconds(runs, lambda: duplicates.possible_duplicates(worst, str))
    load = lambda: loader.load_knowledge_base(folder, models=False)  # noqa: E731
    load()  # a first read, so that the file system's cache is warm for both
    original = duplicates.possible_duplicates
    switched_off = lambda *_args, **_kwargs: []  # noqa: E731
    timed: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(runs):  # interleaved, so that the machine's drift touches both sides
        for checking in (True, False):
            duplicates.possible_duplicates = original if checking else switched_off  # type: ignore[assignment]
            try:
                seconds, result = median_seconds(1, load)
            finally:
                duplicates.possible_duplicates = original
            timed[checking].append(seconds)
            if checking:
                problems = result[1]
    with_check, without_check = statistics.median(timed[True]), statistics.median(timed[False])
    warned = [p for p in problems if "possible duplicate" in p.message]

    print(f"| measured ({count:,} incidents, median of {runs}) | time | |")
    print("|---|---|---|")
    print(f"| the check alone, generated incidents | {check * 1000:.1f} ms | {len(found)} warnings |")
    print(
        f"| the check alone, crowded worst case (six going on at every start) | {worst_check * 1000:.1f} ms | {len(worst_found):,} warnings |"
    )
    print(f"| load as `validate` does, with the check | {with_check:.2f} s | {len(warned)} warnings |")
    print(f"| load as `validate` does, check switched off | {without_check:.2f} s | |")
    share = (with_check - without_check) / without_check * 100
    print(f"| what the check adds | {(with_check - without_check) * 1000:+.0f} ms | {share:+.1f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
