"""Measure outagekb against plain MkDocs building the same knowledge base as hand-written pages.

    .venv/bin/python benchmarks/run.py --incidents 1000 [--runs 3] [--phases]

Generates both projects (see generate.py and handwritten.py) into benchmarks/out/run-n<N>/,
then measures, each as a whole fresh process and reporting the median of --runs runs:

- (a) `mkdocs build` of the outagekb site and (b) of the plain site, the ratio a/b;
- the peak memory (maximum resident set size) of each build;
- the HTML pages each built and the size of Material's search index, raw and gzipped;
- `outagekb validate` throughput in files/s against bare `yaml.load(f, Loader=yaml.CSafeLoader)`
  on the same files.

`--phases` also builds the outagekb site in-process twice more, once with timers around
MkDocs' stages, every plugin event and the plugin's main steps, once under cProfile, and
prints where the time goes. The tables are Markdown; the figures are also written to
benchmarks/out/run-n<N>/results.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.dirname(sys.executable)


def tool(name: str, module: str) -> list[str]:
    """The venv's console script when there is one, else `python -m module`."""
    script = os.path.join(BIN, name)
    return [script] if os.path.exists(script) else [sys.executable, "-m", module]


# --- running one fresh process ----------------------------------------------------------------


@dataclass
class Run:
    seconds: float  # wall time
    cpu_seconds: float  # user + system time of the process: less sensitive than wall time to a busy machine
    max_rss_mib: float
    returncode: int


def run_process(command: Sequence[str], log_path: str, cwd: str | None = None) -> Run:
    """Run a command to completion; its wall time and its own peak memory (wait4's rusage)."""
    with open(log_path, "ab") as log:
        log.write(f"\n$ {' '.join(command)}\n".encode())
        log.flush()
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss / 1024, process.returncode)  # ru_maxrss is in KiB on Linux


def fail(message: str, log_path: str | None = None) -> None:
    print(f"run.py: {message}", file=sys.stderr)
    if log_path and os.path.exists(log_path):
        with open(log_path, encoding="utf-8", errors="replace") as stream:
            tail = stream.read()[-4000:]
        print(f"--- last lines of {log_path} ---\n{tail}", file=sys.stderr)
    sys.exit(1)


# --- what a build produced --------------------------------------------------------------------


@dataclass
class SiteFacts:
    html_pages: int
    search_index_bytes: int
    search_index_gzip_bytes: int
    warnings: int
    incident_pages: int = 0
    incident_page_bytes: int = 0  # every incident page, whole
    incident_page_gzip_bytes: int = 0
    incident_article_bytes: int = 0  # the part of them that is the page's own (Material's `<article>`)


_ARTICLE = re.compile(rb"<article\b[^>]*>(.*?)</article>", re.DOTALL)


def site_facts(site_dir: str, log_path: str) -> SiteFacts:
    pages = sum(1 for _, _, names in os.walk(site_dir) for name in names if name.endswith(".html"))
    incident_pages = page_bytes = page_gzip = article_bytes = 0
    incidents = os.path.join(site_dir, "incidents")
    for entry in os.scandir(incidents) if os.path.isdir(incidents) else ():
        page = os.path.join(entry.path, "index.html") if entry.is_dir() else entry.path
        if not page.endswith(".html") or entry.name == "index.html" or not os.path.isfile(page):
            continue  # the incidents index is not an incident page
        with open(page, "rb") as stream:
            html = stream.read()
        incident_pages += 1
        page_bytes += len(html)
        page_gzip += len(gzip.compress(html, compresslevel=6))
        found = _ARTICLE.search(html)
        article_bytes += len(found.group(1)) if found else 0
    index = os.path.join(site_dir, "search", "search_index.json")
    raw = b""
    if os.path.exists(index):
        with open(index, "rb") as stream:
            raw = stream.read()
    with open(log_path, encoding="utf-8", errors="replace") as stream:
        warnings = sum(1 for line in stream if line.startswith("WARNING"))
    # gzip level 6: what web servers use by default for on-the-fly compression
    return SiteFacts(
        pages,
        len(raw),
        len(gzip.compress(raw, compresslevel=6)) if raw else 0,
        warnings,
        incident_pages,
        page_bytes,
        page_gzip,
        article_bytes,
    )


# --- the measurements -------------------------------------------------------------------------


@dataclass
class Results:
    incidents: int
    runs: int
    seed: int
    machine: dict[str, str]
    mean_file_bytes: float
    build_outagekb: list[Run] = field(default_factory=list)
    build_plain: list[Run] = field(default_factory=list)
    site_outagekb: SiteFacts | None = None
    site_plain: SiteFacts | None = None
    validate_process: list[Run] = field(default_factory=list)
    yaml_process: list[Run] = field(default_factory=list)
    loader_inprocess_s: list[float] = field(default_factory=list)
    yaml_inprocess_s: list[float] = field(default_factory=list)
    load_before: str = ""
    load_after: str = ""
    prose: str = "default"


def machine() -> dict[str, str]:
    from importlib.metadata import version

    import yaml

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            cpu = next((line.split(":", 1)[1].strip() for line in stream if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as stream:
            kib = int(stream.readline().split()[1])
            memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "outagekb": plugin_version(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "material": version("mkdocs-material"),
        "markdown": version("markdown"),
        "pyyaml": f"{yaml.__version__}{' (libyaml)' if yaml.__with_libyaml__ else ' (no libyaml)'}",
    }


def plugin_version() -> str:
    """The plugin measured: its commit, and a digest of its sources, which may carry uncommitted changes."""
    import hashlib

    import outagekb

    package = os.path.dirname(os.path.abspath(outagekb.__file__))
    digest = hashlib.sha256()
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            with open(os.path.join(folder, name), "rb") as stream:
                digest.update(name.encode() + b"\0" + stream.read())
    commit = "?"
    try:
        done = subprocess.run(["git", "-C", package, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10)
        commit = done.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        pass
    return f"{outagekb.__version__} at commit {commit}, sources {digest.hexdigest()[:12]}"


def fingerprint(out: str) -> str:
    """Names, sizes and modification times of every generated source file: `--reuse` only reuses untouched projects."""
    import hashlib

    digest = hashlib.sha256()
    for project in ("outagekb", "plain"):
        for folder, dirs, names in os.walk(os.path.join(out, project)):
            dirs.sort()
            for name in sorted(names):
                info = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def incident_files(folder: str) -> list[str]:
    names = sorted(n for n in os.listdir(folder) if n.endswith((".yaml", ".yml")) and n != "catalog.yaml")
    return [os.path.join(folder, n) for n in names]


def worker(kind: str, *args: str) -> list[str]:
    return [sys.executable, os.path.abspath(__file__), "--worker", kind, *args]


def measure(out: str, count: int, runs: int, seed: int, skip_plain: bool, prose: str = "default") -> Results:
    okb, plain = os.path.join(out, "outagekb"), os.path.join(out, "plain")
    incidents_dir = os.path.join(okb, "incidents")
    files = incident_files(incidents_dir)
    mean_bytes = statistics.fmean(os.path.getsize(f) for f in files)
    results = Results(count, runs, seed, machine(), mean_bytes, load_before=load_average(), prose=prose)
    mkdocs = tool("mkdocs", "mkdocs")
    outagekb = tool("outagekb", "outagekb.cli")
    log_a, log_b, log_v = (os.path.join(out, name) for name in ("build-outagekb.log", "build-plain.log", "validate.log"))
    for log in (log_a, log_b, log_v):
        if os.path.exists(log):
            os.remove(log)

    # every generated file must pass before anything is timed
    check = subprocess.run([*outagekb, "validate", incidents_dir], capture_output=True, text=True)
    if check.returncode != 0:
        fail(f"generated incidents do not validate:\n{check.stdout[-4000:]}{check.stderr[-2000:]}")

    # builds, interleaved so that drift of the machine touches both sides alike
    for run in range(runs):
        site_a = os.path.join(out, "site-outagekb")
        result = run_process([*mkdocs, "build", "-f", os.path.join(okb, "mkdocs.yml"), "-d", site_a], log_a)
        if result.returncode:
            fail("the outagekb build failed", log_a)
        results.build_outagekb.append(result)
        progress(f"build outagekb {run + 1}/{runs}: {result.seconds:.1f} s, {result.max_rss_mib:.0f} MiB")
        if run == 0:
            results.site_outagekb = site_facts(site_a, log_a)
        if skip_plain:
            continue
        site_b = os.path.join(out, "site-plain")
        result = run_process([*mkdocs, "build", "-f", os.path.join(plain, "mkdocs.yml"), "-d", site_b], log_b)
        if result.returncode:
            fail("the plain build failed", log_b)
        results.build_plain.append(result)
        progress(f"build plain    {run + 1}/{runs}: {result.seconds:.1f} s, {result.max_rss_mib:.0f} MiB")
        if run == 0:
            results.site_plain = site_facts(site_b, log_b)

    # reading the files: whole processes, then the loop alone inside a process
    for _ in range(runs):
        result = run_process([*outagekb, "validate", "-q", incidents_dir], log_v)
        if result.returncode:
            fail("outagekb validate failed", log_v)
        results.validate_process.append(result)
        result = run_process(worker("yaml", incidents_dir), log_v)
        if result.returncode:
            fail("the yaml baseline failed", log_v)
        results.yaml_process.append(result)
        results.loader_inprocess_s.append(inprocess("loader", incidents_dir))
        results.yaml_inprocess_s.append(inprocess("yaml", incidents_dir))
    progress("validate: done")
    results.load_after = load_average()
    return results


def load_average() -> str:
    """The machine's 1-minute load average: above the core count, other work competed with the runs."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def inprocess(kind: str, folder: str) -> float:
    done = subprocess.run(worker(kind, folder), capture_output=True, text=True, check=True)
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


# --- the report -------------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _size(count: int) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 100_000 else f"{count / 1e3:.1f} kB"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b and b == b and a == a else "—"


def report(r: Results) -> str:
    a = [run.seconds for run in r.build_outagekb]
    b = [run.seconds for run in r.build_plain]
    cpu_a = _median([run.cpu_seconds for run in r.build_outagekb])
    cpu_b = _median([run.cpu_seconds for run in r.build_plain])
    mem_a = _median([run.max_rss_mib for run in r.build_outagekb])
    mem_b = _median([run.max_rss_mib for run in r.build_plain])
    sa, sb = r.site_outagekb, r.site_plain
    lines = [
        f"### {r.incidents:,} incidents, median of {r.runs} run{'s' if r.runs != 1 else ''}",
        "",
        f"outagekb {r.machine['outagekb']}. Machine: {r.machine['cpu']}, {r.machine['cores']} cores, {r.machine['memory']}; Python {r.machine['python']}, "
        f"MkDocs {r.machine['mkdocs']}, Material {r.machine['material']}, Markdown {r.machine['markdown']}, "
        f"PyYAML {r.machine['pyyaml']}. Seed {r.seed}, {r.prose} prose; incident files {r.mean_file_bytes / 1000:.1f} kB on average. "
        f"Load average {r.load_before} before the runs, {r.load_after} after.",
        "",
        "| measure | outagekb (a) | plain MkDocs (b) | a/b |",
        "|---|---:|---:|---:|",
        f"| `mkdocs build`, median | {_median(a):.1f} s | {_median(b):.1f} s | **{_ratio(_median(a), _median(b))}** |",
        f"| each run | {', '.join(f'{x:.1f}' for x in a)} s | {', '.join(f'{x:.1f}' for x in b) or '—'} s | |",
        f"| CPU time (user + system), median | {cpu_a:.1f} s | {cpu_b:.1f} s | {_ratio(cpu_a, cpu_b)} |",
        f"| peak memory (max RSS), median | {mem_a:.0f} MiB | {mem_b:.0f} MiB | {_ratio(mem_a, mem_b)} |",
    ]
    if sa:
        pages_b = f"{sb.html_pages:,}" if sb else "—"
        lines += [
            f"| HTML pages built | {sa.html_pages:,} | {pages_b} | |",
            f"| per page | {1000 * _median(a) / sa.html_pages:.1f} ms | "
            f"{f'{1000 * _median(b) / sb.html_pages:.1f} ms' if sb and b else '—'} | |",
            f"| search_index.json, raw | {_size(sa.search_index_bytes)} | {_size(sb.search_index_bytes) if sb else '—'} | "
            f"{_ratio(sa.search_index_bytes, sb.search_index_bytes) if sb else '—'} |",
            f"| search_index.json, gzip -6 | {_size(sa.search_index_gzip_bytes)} | "
            f"{_size(sb.search_index_gzip_bytes) if sb else '—'} | "
            f"{_ratio(sa.search_index_gzip_bytes, sb.search_index_gzip_bytes) if sb else '—'} |",
            f"| warnings in the build log | {sa.warnings} | {sb.warnings if sb else '—'} | |",
        ]
        for label, key in (
            ("incident pages, bytes", "incident_page_bytes"),
            ("incident pages, gzip -6", "incident_page_gzip_bytes"),
            ("their `<article>` HTML", "incident_article_bytes"),
        ):
            mine, theirs = getattr(sa, key) / max(sa.incident_pages, 1), getattr(sb, key) / max(sb.incident_pages, 1) if sb else 0
            lines.append(
                f"| {label}, mean per page | {_size(mine)} | {_size(theirs) if sb else '—'} | "
                f"{_ratio(mine, theirs) if sb else '—'} |"
            )
    n = r.incidents
    v_proc = n / _median([run.seconds for run in r.validate_process])
    y_proc = n / _median([run.seconds for run in r.yaml_process])
    v_in = n / _median(r.loader_inprocess_s)
    y_in = n / _median(r.yaml_inprocess_s)
    lines += [
        "",
        f"| reading the {n:,} incident files | files/s | vs bare `yaml.load(f, Loader=yaml.CSafeLoader)` |",
        "|---|---:|---:|",
        f"| `outagekb validate`, whole process | {v_proc:,.0f} | **{v_proc / y_proc:.2f}** (target ≥ 0.70) |",
        f"| `yaml.load` CSafeLoader loop, whole process | {y_proc:,.0f} | 1.00 |",
        f"| `load_knowledge_base()` alone, in-process | {v_in:,.0f} | {v_in / y_in:.2f} |",
        f"| `yaml.load` CSafeLoader loop alone, in-process | {y_in:,.0f} | 1.00 |",
        f"| peak memory of `outagekb validate` | {_median([run.max_rss_mib for run in r.validate_process]):.0f} MiB | |",
    ]
    return "\n".join(lines)


# --- workers: run in a fresh process by the runner ----------------------------------------------


def worker_yaml(folder: str) -> None:
    """The baseline: every incident file through libyaml's safe loader, nothing else."""
    import yaml

    files = incident_files(folder)
    started = time.perf_counter()
    for path in files:
        with open(path, "rb") as f:
            yaml.load(f, Loader=yaml.CSafeLoader)
    print(json.dumps({"files": len(files), "seconds": time.perf_counter() - started}))


def worker_loader(folder: str) -> None:
    """What `outagekb validate` does with the folder, without the interpreter start and imports."""
    from outagekb.loader import load_knowledge_base

    started = time.perf_counter()
    kb, problems = load_knowledge_base(folder)
    seconds = time.perf_counter() - started
    print(json.dumps({"files": len(kb.incidents), "problems": len(problems), "seconds": seconds}))


class Timers:
    """Accumulated wall time and calls per label, for functions wrapped in place."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1

        return timed

    def patch(self, owner: Any, name: str, label: str) -> bool:
        """Wrap `owner.name` (a module function or a class's method) when it exists."""
        function = getattr(owner, name, None)
        if not callable(function):
            return False
        setattr(owner, name, self.wrap(label, function))
        return True


# (module, attribute path, label): the plugin's main steps, timed when they exist in this version
OUTAGEKB_STEPS = (
    ("outagekb.plugin", "load_knowledge_base", "load + check the incident files"),
    ("outagekb.plugin", "build_graph", "cross-reference graph"),
    ("outagekb.files", "add_generated", "render every page and file, lift HTML blocks (files.add_generated)"),
    ("outagekb.render", "Renderer.incident_page", "  incident pages"),
    ("outagekb.render", "Renderer.cause_page", "  cause pages"),
    ("outagekb.render", "Renderer.lesson_page", "  lesson pages"),
    ("outagekb.render", "Renderer.incidents_index", "  incidents index"),
    ("outagekb.render", "Renderer.causes_index", "  causes index"),
    ("outagekb.render", "Renderer.lessons_index", "  lessons index"),
    ("outagekb.render", "Renderer.actions_index", "  actions index"),
    ("outagekb.render", "Renderer.assets", "assets (css, data, feed)"),
    ("outagekb.prose", "to_html", "prose → HTML (block)"),
    ("outagekb.prose", "to_inline_html", "prose → HTML (inline)"),
)


def _load_config(project: str, site_dir: str) -> Any:
    from mkdocs.config import load_config

    return load_config(config_file=os.path.join(project, "mkdocs.yml"), site_dir=site_dir)


def worker_phases(project: str, site_dir: str) -> None:
    """One in-process build with timers around MkDocs' stages, plugin events and outagekb's steps."""
    import importlib
    import logging

    from mkdocs.commands import build as build_module
    from mkdocs.structure.files import Files

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    timers = Timers()
    stages = {
        "get_files": "read the docs folder (get_files)",
        "get_navigation": "navigation (get_navigation)",
        "_populate_page": "read + Markdown → HTML, per page (_populate_page)",
        "_build_page": "Jinja page template + write, per page (_build_page)",
        "_build_theme_template": "theme templates (404, sitemap)",
    }
    for name, label in stages.items():
        timers.patch(build_module, name, label)
    timers.patch(Files, "copy_static_files", "copy static files")
    found: list[str] = []
    for module_name, attribute, label in OUTAGEKB_STEPS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        owner: Any = module
        *parents, name = attribute.split(".")
        for parent in parents:
            owner = getattr(owner, parent, None)
        if owner is not None and timers.patch(owner, name, label):
            found.append(label)

    started = time.perf_counter()
    config = _load_config(project, site_dir)
    load_seconds = time.perf_counter() - started
    origins: dict[Any, str] = getattr(config.plugins, "_event_origins", {})
    for event, methods in config.plugins.events.items():
        config.plugins.events[event] = [timers.wrap(f"on_{event} [{origins.get(method, '?')}]", method) for method in methods]
    started = time.perf_counter()
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build_module.build(config)
    finally:
        config.plugins.on_shutdown()
    total = time.perf_counter() - started

    def row(label: str, seconds: float, calls: int | None = None) -> str:
        per = f"{1000 * seconds / calls:.2f} ms × {calls:,}" if calls and calls > 1 else ""
        return f"| {label} | {seconds:.2f} s | {100 * seconds / total:.0f}% | {per} |"

    print(f"\n#### Phases of one in-process build of {project} (wall time {total:.1f} s + {load_seconds:.2f} s load_config)\n")
    print("| stage | time | of build | per call |\n|---|---:|---:|---:|")
    for label in [*stages.values(), "copy static files"]:
        if label in timers.seconds:
            print(row(label, timers.seconds[label], timers.calls[label]))
    print("\nPlugin events (those inside pages are part of the per-page stages above):\n")
    print("| event [plugin] | time | of build | per call |\n|---|---:|---:|---:|")
    events = sorted((label for label in timers.seconds if label.startswith("on_")), key=lambda k: -timers.seconds[k])
    for label in events:
        if timers.seconds[label] >= 0.005:
            print(row(label, timers.seconds[label], timers.calls[label]))
    print("\noutagekb's own steps (nested: an indented step is part of the one above it):\n")
    print("| step | time | of build | per call |\n|---|---:|---:|---:|")
    for label in found:
        if label in timers.seconds:
            print(row(label, timers.seconds[label], timers.calls[label]))


def worker_profile(project: str, site_dir: str, profile_path: str, top: int) -> None:
    """One in-process build under cProfile; prints the top entries and saves the profile."""
    import cProfile
    import logging
    import pstats

    from mkdocs.commands import build as build_module

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    config = _load_config(project, site_dir)
    profiler = cProfile.Profile()
    config.plugins.on_startup(command="build", dirty=False)
    profiler.enable()
    try:
        build_module.build(config)
    finally:
        profiler.disable()
        config.plugins.on_shutdown()
    profiler.dump_stats(profile_path)
    stats: Any = pstats.Stats(profile_path)
    entries: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats
    total = max(ct for _, _, _, ct, _ in entries.values())

    def where(key: tuple[str, int, str]) -> str:
        filename, line, function = key
        filename = re.sub(r"^.*/(site-packages|lib/python3\.[0-9]+)/", "", filename)
        filename = filename.replace(os.path.dirname(HERE) + "/", "")
        return f"`{function}` {filename}:{line}" if line else f"`{function}`"

    def table(title: str, keys: list[tuple[str, int, str]]) -> None:
        print(f"\n{title}\n")
        print("| function | own time | with callees | calls |\n|---|---:|---:|---:|")
        for key in keys:
            calls, _, own, cumulative, _ = entries[key]
            print(
                f"| {where(key)} | {own:.2f} s ({100 * own / total:.0f}%) | {cumulative:.2f} s ({100 * cumulative / total:.0f}%) | {calls:,} |"
            )

    print(f"\n#### cProfile of one in-process build of {project} ({total:.1f} s under the profiler; saved to {profile_path})")
    table(f"Top {top} by own time:", sorted(entries, key=lambda k: -entries[k][2])[:top])
    table(f"Top {top} by time with callees:", sorted(entries, key=lambda k: -entries[k][3])[:top])
    mine = [k for k in entries if "/outagekb/" in k[0]]
    table("outagekb's functions by time with callees:", sorted(mine, key=lambda k: -entries[k][3])[:top])


# --- the command --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", "-n", type=int, default=1000, help="how many incidents (default 1000)")
    parser.add_argument("--runs", "-k", type=int, default=3, help="runs of each measurement; medians are reported (default 3)")
    parser.add_argument("--seed", type=int, default=None, help="generator seed (default: generate.py's)")
    parser.add_argument(
        "--prose", choices=("short", "default", "long"), default="default", help="paragraph length of the generated prose"
    )
    parser.add_argument(
        "--out", default=None, help="working folder (default benchmarks/out/run-n<N>[-s<seed>][-<prose>], gitignored)"
    )
    parser.add_argument("--phases", action="store_true", help="also time the outagekb build's phases and profile it in-process")
    parser.add_argument("--phases-only", action="store_true", help="only generate and profile, skip the whole-process table")
    parser.add_argument("--phases-site", choices=("outagekb", "plain"), default="outagekb", help="which site --phases profiles")
    parser.add_argument("--no-profile", action="store_true", help="with --phases: the timers only, no cProfile run")
    parser.add_argument("--top", type=int, default=25, help="profile entries to print (default 25)")
    parser.add_argument("--skip-plain", action="store_true", help="build the outagekb site only (no ratio)")
    parser.add_argument("--reuse", action="store_true", help="reuse the generated projects in --out if they are there")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        kind, *rest = args.worker
        if kind == "yaml":
            worker_yaml(rest[0])
        elif kind == "loader":
            worker_loader(rest[0])
        elif kind == "phases":
            worker_phases(rest[0], rest[1])
        elif kind == "profile":
            worker_profile(rest[0], rest[1], rest[2], int(rest[3]))
        else:
            parser.error(f"unknown worker {kind}")
        return 0

    sys.path.insert(0, HERE)
    import generate

    seed = generate.DEFAULT_SEED if args.seed is None else args.seed
    name = f"run-n{args.incidents}" + (f"-s{seed}" if seed != generate.DEFAULT_SEED else "")
    name += f"-{args.prose}" if args.prose != "default" else ""
    out = os.path.abspath(args.out or os.path.join(HERE, "out", name))
    stamp = os.path.join(out, "generated.json")
    wanted = {"incidents": args.incidents, "seed": seed, "prose": args.prose}
    reuse = False
    if args.reuse and os.path.exists(stamp):
        with open(stamp, encoding="utf-8") as stream:
            reuse = json.load(stream) == {**wanted, "files": fingerprint(out)}
        if not reuse:
            progress("the projects in the working folder differ from what was generated: generating again")
    if not reuse:
        started = time.perf_counter()
        os.makedirs(out, exist_ok=True)
        generate.write_projects(out, args.incidents, seed, args.prose)
        with open(stamp, "w", encoding="utf-8") as stream:
            json.dump({**wanted, "files": fingerprint(out)}, stream)
        progress(
            f"generated {args.incidents:,} incidents (seed {seed}, {args.prose} prose) in {time.perf_counter() - started:.1f} s into {out}"
        )

    if not args.phases_only:
        results = measure(out, args.incidents, max(1, args.runs), seed, args.skip_plain, args.prose)
        with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as stream:
            json.dump(asdict(results), stream, indent=2)
        print(report(results))
        sys.stdout.flush()
    if args.phases or args.phases_only:
        project = os.path.join(out, args.phases_site)
        site_dir = os.path.join(out, f"site-{args.phases_site}-phases")
        subprocess.run(worker("phases", project, site_dir), check=True)
        sys.stdout.flush()
        if args.no_profile:
            return 0
        profile = os.path.join(out, f"profile-{args.phases_site}.prof")
        subprocess.run(worker("profile", project, site_dir, profile, str(args.top)), check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
