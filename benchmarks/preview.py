"""How long a contributor waits, with `mkdocs serve`, between saving an incident file and
seeing the change in the browser, in a knowledge base of N synthetic incidents.

The script starts `mkdocs serve` (with `--dirty` unless told otherwise) on the project that
`generate.py` writes, waits for the first build, then edits one incident's title (with
`--edit cause`, its first cause too) several times and, each time, measures from the save
to the moment the served page shows the new title. MkDocs serves no page while a rebuild
runs, so that moment is the end of the rebuild, as a browser sees it. It reports every
wait and their median.

    python benchmarks/preview.py --incidents 10000
    python benchmarks/preview.py --incidents 10000 --edit cause  # a change related incidents read
    python benchmarks/preview.py --incidents 1000 --no-dirty   # full rebuilds, to compare
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate  # noqa: E402  (the benchmark's own generator, beside this file)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, text: str, deadline: float) -> float | None:
    """Poll `url` until it contains `text`; the time it appeared, or None at the deadline."""
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return time.monotonic()
        time.sleep(0.05)
    return None


def project_for(count: int, seed: int) -> str:
    # a folder of its own: the script edits a file in it while it runs
    folder = os.path.join(HERE, "out", f"preview-n{count}", "outagekb")
    if not os.path.exists(os.path.join(folder, "mkdocs.yml")):
        incidents = generate.generate_incidents(count, seed)
        generate.write_outagekb_project(folder, incidents, generate.load_catalog(), seed)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--edits", type=int, default=5, help="edits to time (default 5)")
    parser.add_argument("--no-dirty", action="store_true", help="plain `mkdocs serve`: every change rebuilds the whole site")
    parser.add_argument(
        "--edit",
        choices=("title", "cause"),
        default="title",
        help="what each edit changes: the title (default), or the title and the first cause, "
        "which makes related incidents be scored again",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for a build")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the edited file is put back
    project = project_for(args.incidents, args.seed)
    incidents = sorted(name for name in os.listdir(os.path.join(project, "incidents")) if name != "catalog.yaml")
    target = os.path.join(project, "incidents", incidents[len(incidents) // 2])
    incident_id = os.path.splitext(os.path.basename(target))[0]
    with open(target, encoding="utf-8") as stream:
        original = stream.read()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", os.path.join(project, "mkdocs.yml"), "-a", f"127.0.0.1:{port}"]
    if not args.no_dirty:
        command.append("--dirty")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    log_path = os.path.join(HERE, "out", f"preview-n{args.incidents}.log")
    waits: list[float] = []
    with open(log_path, "w", encoding="utf-8") as log:
        started = time.monotonic()
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            page_url = f"{base}incidents/{incident_id}/"
            first = wait_for(page_url, "<title>", started + args.timeout)
            if first is None:
                print(f"the first build did not finish in {args.timeout:.0f} s; see {log_path}", file=sys.stderr)
                return 1
            print(f"first build and serve: {first - started:.1f} s ({args.incidents} incidents)")
            title = re.search(r"^title: (.*)$", original, re.MULTILINE)
            assert title is not None, "every generated incident has a title line"
            for number in range(1, args.edits + 1):
                marker = f"edited {number} {os.getpid()}"
                edited = original.replace(title.group(0), f"title: {json.dumps('Preview check, ' + marker)}", 1)
                if args.edit == "cause":
                    cause = re.search(r"^  - cause: (\S+)$", original, re.MULTILINE)
                    assert cause is not None, "every generated incident has a cause"
                    listed = set(re.findall(r"^  - cause: (\S+)$", original, re.MULTILINE))
                    choices = [c for c in ("dns", "power", "capacity", "attack", "data-loss") if c not in listed]
                    edited = edited.replace(cause.group(0), f"  - cause: {choices[number % 2]}", 1)
                time.sleep(1.5)  # let the watcher settle after the previous build
                saved = time.monotonic()
                with open(target, "w", encoding="utf-8") as stream:
                    stream.write(edited)
                seen = wait_for(page_url, marker, saved + args.timeout)
                if seen is None:
                    print(f"edit {number}: not shown after {args.timeout:.0f} s; see {log_path}", file=sys.stderr)
                    return 1
                waits.append(seen - saved)
                print(f"edit {number}: shown {seen - saved:.2f} s after the save")
        finally:
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(original)
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    mode = (
        "mkdocs serve"
        + ("" if args.no_dirty else " --dirty")
        + f", editing the {'title and a cause' if args.edit == 'cause' else 'title'}"
    )
    print(f"{mode}, {args.incidents} incidents: median {statistics.median(waits):.2f} s from save to page (n = {len(waits)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
