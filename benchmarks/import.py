"""How long `outagekb import` takes on a whole status-page history.

Generates a deterministic (seeded) Statuspage v2 history of N incidents, as the folder of
single-incident files an older history needs (or `--layout list`: one list response),
and a later version of it in which every open incident gained updates and was resolved.
Then it times, each as a whole `outagekb` process:

1. the first import into an empty knowledge base (writes N files);
2. the same import again (writes nothing; reads the folder to find what it wrote);
3. `--update` with the later history (appends updates, adds resolved times);
4. `outagekb validate` of the result, which must report no problems;
5. with `--build`, `mkdocs build --strict` of the knowledge base.

Usage: python benchmarks/import.py --incidents 10000 [--build] [--runs 3]
Everything goes to benchmarks/out/import-n<N>/ (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from outagekb import scaffold

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SEED = 20241211
BIN = os.path.dirname(sys.executable)

COMPONENTS = [
    "API",
    "Dashboard",
    "Checkout",
    "Payouts",
    "Webhooks",
    "Card payments",
    "Bank transfers",
    "Mobile app",
    "Login",
    "Search",
    "Notifications",
    "Reporting",
    "Invoicing",
    "Fraud checks",
    "Status emails",
    "Developer portal",
]
PROBLEMS = [
    "elevated error rates",
    "slow responses",
    "failed requests",
    "delays",
    "timeouts",
    "an outage",
    "degraded performance",
]
CAUSE_WORDS = [
    "a configuration change",
    "a DNS resolver failure",
    "a database failover",
    "a traffic spike",
    "an expired certificate",
    "a bad deploy",
    "a network partition",
    "a third-party provider outage",
    "disk exhaustion on a queue broker",
    "a race condition in the scheduler",
]
WORDS = (
    "we are working on it and will post again within the hour while engineers look at dashboards and logs "
    "customers may see retries succeed some requests are queued and will be processed once the backlog drains"
)
FILLER = WORDS.split(" ")
IMPACTS = ["none", "minor", "minor", "major", "major", "major", "critical"]
OFFSETS = [timezone(timedelta(hours=1)), timezone(timedelta(hours=2))]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(words)).capitalize() + "."


def stamp(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds")


def incident(rng: random.Random, index: int, start: datetime) -> dict[str, Any]:
    """One resolved incident of the page, with its updates (newest first, as the API lists them)."""
    code = f"bench{index:07d}"
    components = rng.sample(COMPONENTS, rng.randint(1, 3))
    problem = rng.choice(PROBLEMS)
    cause = rng.choice(CAUSE_WORDS)
    duration = timedelta(minutes=int(min(rng.lognormvariate(4.2, 0.9), 3 * 24 * 60)) + 5)
    times = sorted(start + duration * rng.random() for _ in range(rng.randint(0, 6))) + [start + duration]
    updates = []
    for number, at in enumerate(times):
        status = "resolved" if number == len(times) - 1 else ("investigating", "identified", "monitoring")[min(number, 2)]
        text = f"We are seeing {problem} on {', '.join(components)}. " if number == 0 else ""
        text += f"The cause looks like {cause}. " if status == "identified" else ""
        text += sentence(rng, rng.randint(8, 40))
        affected = [
            {"code": f"c{COMPONENTS.index(c)}", "name": c, "old_status": "operational", "new_status": "partial_outage"}
            for c in components
        ]
        updates.append(
            {
                "id": f"{code}u{number}",
                "status": status,
                "body": text,
                "incident_id": code,
                "created_at": stamp(at),
                "updated_at": stamp(at),
                "display_at": stamp(at),
                "affected_components": affected if number == 0 else None,
                "deliver_notifications": True,
            }
        )
    resolved = start + duration
    postmortem = None
    if rng.random() < 0.12:
        postmortem = "\n\n".join(
            [
                f"## What happened\n\n{sentence(rng, 60)}",
                f"## Why\n\n{cause.capitalize()}. {sentence(rng, 40)}",
                f"## What we changed\n\n{sentence(rng, 30)}",
            ]
        )
    maintenance = rng.random() < 0.02
    return {
        "id": code,
        "name": f"{problem.capitalize()} on {components[0]}" if not maintenance else f"Scheduled maintenance of {components[0]}",
        "status": "completed" if maintenance else ("postmortem" if postmortem else "resolved"),
        "created_at": updates[0]["created_at"],
        "updated_at": updates[-1]["created_at"],
        "monitoring_at": next((u["created_at"] for u in updates if u["status"] == "monitoring"), None),
        "resolved_at": stamp(resolved),
        "impact": "maintenance" if maintenance else rng.choice(IMPACTS),
        "shortlink": f"https://stspg.example.com/{code}",
        "started_at": stamp(start),
        "page_id": "benchpage001",
        "incident_updates": list(reversed(updates)),
        "components": [{"id": f"c{COMPONENTS.index(c)}", "name": c, "status": "operational"} for c in components],
        "postmortem_body": postmortem,
        "postmortem_published_at": stamp(resolved + timedelta(days=3)) if postmortem else None,
    }


def still_open(resolved: dict[str, Any]) -> dict[str, Any]:
    """The same incident as the page showed it while it was open: its first update only."""
    first = resolved["incident_updates"][-1]
    return resolved | {
        "status": "investigating",
        "updated_at": first["created_at"],
        "monitoring_at": None,
        "resolved_at": None,
        "incident_updates": [first | {"status": "investigating"}],
        "postmortem_body": None,
        "postmortem_published_at": None,
    }


def history(count: int, seed: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The page, its incidents (3% still open), and the same incidents later, all resolved;
    newest first, as the API lists them."""
    rng = random.Random(seed)
    page = {"id": "benchpage001", "name": "Example Payments", "url": "https://status.example.com", "time_zone": "Europe/Berlin"}
    first = datetime(2015, 1, 1, tzinfo=UTC)
    span = (datetime(2024, 12, 31, tzinfo=UTC) - first).total_seconds()
    starts = sorted(first + timedelta(seconds=int(span * rng.random())) for _ in range(count))
    incidents, later = [], []
    for index, start in enumerate(starts):
        local = start.astimezone(OFFSETS[index % 2]).replace(second=0, microsecond=0)
        resolved = incident(rng, index, local)
        later.append(resolved)
        incidents.append(still_open(resolved) if rng.random() < 0.03 else resolved)
    return page, list(reversed(incidents)), list(reversed(later))


def write_history(folder: str, page: dict[str, Any], incidents: list[dict[str, Any]], layout: str) -> str:
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    if layout == "list":
        path = os.path.join(folder, "incidents.json")
        with open(path, "w", encoding="utf-8") as stream:
            json.dump({"page": page, "incidents": incidents}, stream, indent=1)
        return path
    for item in incidents:
        with open(os.path.join(folder, f"{item['id']}.json"), "w", encoding="utf-8") as stream:
            json.dump({"page": page, "incident": item}, stream, indent=1)
    return folder


def fresh_project(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "docs"))
    os.makedirs(os.path.join(folder, "incidents"))
    with open(os.path.join(folder, "mkdocs.yml"), "w", encoding="utf-8") as stream:
        # the site configuration `outagekb init` writes: the build measured is the one a team runs
        stream.write(scaffold.MKDOCS_YML.format(site_name=json.dumps("Imported history"), repo="imported-history"))
    with open(os.path.join(folder, "docs", "index.md"), "w", encoding="utf-8") as stream:
        stream.write("# Imported history\n")


def timed(command: Sequence[str], cwd: str, log: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    with open(log, "a", encoding="utf-8") as stream:
        stream.write(f"$ {' '.join(command)}\n{result.stdout[-2000:]}{result.stderr[-4000:]}\n")
    return elapsed, result.returncode, result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", "-n", type=int, default=1000, help="how many incidents (default 1000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--runs", "-k", type=int, default=3, help="runs of each import; medians are reported (default 3)")
    parser.add_argument(
        "--layout", choices=("folder", "list"), default="folder", help="one file per incident (default) or one list response"
    )
    parser.add_argument("--build", action="store_true", help="also time mkdocs build --strict of the imported knowledge base")
    parser.add_argument("--out", default=None, help="working folder (default benchmarks/out/import-n<N>)")
    args = parser.parse_args(argv)
    out = os.path.abspath(args.out or os.path.join(HERE, "out", f"import-n{args.incidents}"))
    os.makedirs(out, exist_ok=True)
    log = os.path.join(out, "log.txt")
    open(log, "w").close()
    page, incidents, later = history(args.incidents, args.seed)
    first_source = write_history(os.path.join(out, "history"), page, incidents, args.layout)
    later_source = write_history(os.path.join(out, "history-later"), page, later, args.layout)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(out, "history")) for f in fs)
    project = os.path.join(out, "kb")
    outagekb = os.path.join(BIN, "outagekb")
    rows: dict[str, list[float]] = {"first import": [], "same import again": [], "--update from the later history": []}
    summaries: dict[str, str] = {}
    for _ in range(args.runs):
        fresh_project(project)
        for name, command in (
            ("first import", [outagekb, "import", "statuspage", first_source, "-q"]),
            ("same import again", [outagekb, "import", "statuspage", first_source, "-q"]),
            ("--update from the later history", [outagekb, "import", "statuspage", later_source, "-q", "--update"]),
        ):
            elapsed, code, summary = timed(command, project, log)
            if code != 0:
                print(f"{name} failed (exit {code}); see {log}", file=sys.stderr)
                return 1
            rows[name].append(elapsed)
            summaries[name] = summary
    files = len([n for n in os.listdir(os.path.join(project, "incidents")) if n.endswith(".yaml")])
    validate_time, code, validate_summary = timed([outagekb, "validate", "-q"], project, log)
    print(f"# outagekb import: {args.incidents:,} incidents ({args.layout}, {size / 1e6:.1f} MB of JSON), seed {args.seed}\n")
    print("| step | median | each run | what it printed |")
    print("|---|---:|---|---|")
    for name, values in rows.items():
        each = ", ".join(f"{v:.2f}" for v in values)
        print(
            f"| {name} | **{statistics.median(values):.2f} s** | {each} s | {summaries[name].removeprefix('outagekb import: ')} |"
        )
    print(
        f"| `outagekb validate` of the {files:,} files | {validate_time:.2f} s | | {'no problems' if code == 0 else f'exit {code}: see log'} |"
    )
    if args.build:
        elapsed, code, _ = timed([os.path.join(BIN, "mkdocs"), "build", "--strict", "-q"], project, log)
        print(f"| `mkdocs build --strict` | {elapsed:.1f} s | | {'built' if code == 0 else f'exit {code}: see log'} |")
    print(f"\nLog: {log}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
