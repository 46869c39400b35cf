"""A real `mkdocs serve` in a child process, for the tests that must see what a contributor
sees: the served pages after an edit, and how fast they answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def wait_until(condition: Callable[[], object], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str, timeout: float = 10) -> str:
    """The page's text, or "" when the server does not answer (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError):
        return ""


@dataclass
class Served:
    base: str
    log: Path

    def page(self, path: str = "", timeout: float = 10) -> str:
        return fetch(self.base + path, timeout)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")


@contextmanager
def mkdocs_serve(project: Path, *options: str) -> Iterator[Served]:
    """`mkdocs serve` of the project on a free port, stopped (the whole process group) at the end."""
    port = free_port()
    log = project.parent / f"{project.name}-serve.log"
    command = [sys.executable, "-m", "mkdocs", "serve", *options, "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"]
    with open(log, "w", encoding="utf-8") as stream:
        server = subprocess.Popen(
            command,
            stdout=stream,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
            start_new_session=True,
        )
    try:
        yield Served(f"http://127.0.0.1:{port}/", log)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
