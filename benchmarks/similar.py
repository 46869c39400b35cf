"""How long `outagekb similar` takes on a knowledge base of N incidents.

    .venv/bin/python benchmarks/similar.py --incidents 1000 10000 [--runs 5]

For each N, generates the incidents with generate.py (seeded: the same files every time)
into benchmarks/out/similar-n<N>/, writes a draft beside them (one generated incident
with its times, severity and causes taken out and its id changed), then times, each as a
whole fresh `outagekb similar draft.yaml` process and reporting the median of --runs:

- `--no-cache`: every incident file read and the index built in the process;
- the first run with the cache (reads every file, then writes .cache/outagekb/similar.json);
- warm: the cache holds every file;
- one file edited before each run: that file is read again and the cache rewritten.

Then, in-process, where a warm and a cold run spend their time (reading the files,
loading the cache, ranking), and the start-up of a bare `outagekb --version` process.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate  # noqa: E402  (the benchmark's own generator, beside this file)

BIN = os.path.dirname(sys.executable)


def outagekb() -> list[str]:
    script = os.path.join(BIN, "outagekb")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "outagekb.cli"]


def timed(command: Sequence[str], cwd: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"similar.py: {' '.join(command)} exited with {done.returncode}")
    return seconds


def median_of(runs: int, once: Callable[[], float]) -> tuple[float, list[float]]:
    times = [once() for _ in range(runs)]
    return statistics.median(times), times


def draft_of(source: str) -> str:
    """A draft made from a generated incident: no times, severity or causes (other words are
    the paraphrase tests' job; here the cost is what is measured)."""
    kept: list[str] = []
    skipping = False
    for line in source.splitlines():
        top = re.match(r"^([a-z_]+):", line)
        if top:
            skipping = top.group(1) in ("started", "detected", "mitigated", "resolved", "severity", "causes", "approximate")
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n"


def prepare(count: int, seed: int) -> tuple[str, str]:
    folder = os.path.join(HERE, "out", f"similar-n{count}")
    catalog = generate.load_catalog()
    generate.write_outagekb_project(folder, generate.generate_incidents(count, seed, catalog), catalog, seed)
    incidents = sorted(name for name in os.listdir(os.path.join(folder, "incidents")) if name != "catalog.yaml")
    with open(os.path.join(folder, "incidents", incidents[len(incidents) // 2]), encoding="utf-8") as stream:
        draft = draft_of(stream.read())
    with open(os.path.join(folder, "draft.yaml"), "w", encoding="utf-8") as stream:
        stream.write(draft)
    return folder, incidents[len(incidents) // 2]


def in_process(folder: str) -> dict[str, float]:
    """Where one run's time goes: the files read (cold), the cache loaded (warm), the ranking."""
    from outagekb.loader import catalog_file, load_catalog
    from outagekb.similar import CACHE_FILE, build_index, rank, read_incident

    incidents = os.path.join(folder, "incidents")
    catalog, _ = load_catalog(catalog_file(incidents))
    found: dict[str, float] = {}
    started = time.perf_counter()
    index = build_index(incidents)
    found["read every file and build the index"] = time.perf_counter() - started
    cache = os.path.join(folder, CACHE_FILE)
    build_index(incidents, cache)  # writes the cache
    started = time.perf_counter()
    build_index(incidents, cache)
    found["load the index from the cache (stat every file)"] = time.perf_counter() - started
    started = time.perf_counter()
    draft = read_incident(os.path.join(folder, "draft.yaml")).profile
    found["read the draft"] = time.perf_counter() - started
    started = time.perf_counter()
    rank(draft, index, catalog)
    found["rank"] = time.perf_counter() - started
    return found


def measure(count: int, runs: int, seed: int, command: list[str]) -> tuple[str, ...]:
    """One size: the medians as a table row; each run and the in-process phases are printed."""
    folder, original = prepare(count, seed)
    cache = os.path.join(folder, ".cache")
    first = subprocess.run(command, cwd=folder, capture_output=True, text=True).stdout.splitlines()
    ranked_first = first[1].split()[1] if len(first) > 1 else "?"
    start_up = median_of(runs, lambda: timed([*outagekb(), "--version"], folder))[0]
    no_cache = median_of(runs, lambda: timed([*command, "--no-cache"], folder))

    def cold() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        return timed(command, folder)

    first_run = median_of(runs, cold)
    warm = median_of(runs, lambda: timed(command, folder))
    edited_path = os.path.join(folder, "incidents", original)

    def edited() -> float:
        with open(edited_path, "a", encoding="utf-8") as stream:
            stream.write("# edited\n")
        return timed(command, folder)

    one_edited = median_of(runs, edited)
    phases = in_process(folder)
    print(f"\nN = {count:,}: each run")
    for label, (_, times) in (("--no-cache", no_cache), ("first", first_run), ("warm", warm), ("one edited", one_edited)):
        print(f"  {label}: " + ", ".join(f"{t:.2f}" for t in times) + " s")
    print("  in-process: " + "; ".join(f"{label} {seconds:.3f} s" for label, seconds in phases.items()))
    return (
        f"{count:,}",
        f"{no_cache[0]:.2f} s",
        f"{first_run[0]:.2f} s",
        f"**{warm[0]:.2f} s**",
        f"{one_edited[0]:.2f} s",
        f"{start_up:.2f} s",
        "yes" if ranked_first == original.removesuffix(".yaml") else f"no ({ranked_first})",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", "-n", type=int, nargs="+", default=[1000, 10000], help="sizes (default 1000 10000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement, median reported (default 5)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    args = parser.parse_args(argv)
    command = [*outagekb(), "similar", "draft.yaml", "-q"]
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    rows = [measure(count, args.runs, args.seed, command) for count in args.incidents]
    print(f"\nload average after: {os.getloadavg()[0]:.1f}\n")
    print(
        "| incidents | `--no-cache` | first run (writes the cache) | warm cache | one file edited "
        "| `outagekb --version` | the draft's source ranked first |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
