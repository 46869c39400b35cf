"""Three costs of `mkdocs serve` that are not outagekb's pages, kept off the path between
saving a file and seeing the page.

- The theme's templates: MkDocs makes a new Jinja environment for every rebuild, which
  compiles Material's templates again (about half a second). `TemplateBytecode` keeps
  their compiled code for the session; Jinja checks each template's source against it,
  so an edited template is compiled afresh.
- Python's cyclic garbage collector: a knowledge base of 10,000 incidents, its caches and
  MkDocs' own structures are about a million objects, and every full collection during a
  rebuild walks all of them (about a second per rebuild, measured at 10,000 incidents).
  `HeapSettler` collects once while the preview sits idle after a build, then freezes
  what survived (`gc.freeze`), so that collections during the next rebuild only walk
  what that rebuild made. The frozen objects that later become garbage are freed as
  usual when nothing refers to them, and the few caught in reference cycles are
  collected by every tenth settling, which unfreezes everything first.
- Watching the incidents folder: MkDocs polls every watched folder twice a second,
  listing and reading the metadata of every file in it (60 ms for 10,000 incidents, in
  the same process as the build). `FolderWatcher` has the operating system report changes
  to the incidents folder instead (inotify on Linux, FSEvents on macOS), and touches a
  file in a folder of its own, which MkDocs polls at no cost, to start the rebuild.
  Where the system cannot report changes, where the folder holds symbolic links (an edit
  to a link's target elsewhere is not reported), or where the folder is inside `docs_dir`
  (which MkDocs polls anyway), MkDocs keeps polling the folder as before.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import threading
import time
from typing import TYPE_CHECKING

import jinja2

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver

IDLE_SECONDS = 1.0
"""How long after a build the heap is settled: after the browser has reloaded the page."""


FULL_EVERY = 10
"""Every how many settlings the frozen objects are collected too."""


class TemplateBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the session, keyed by template and checked
    against the template's source by Jinja."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}
        self.settings: tuple[object, ...] | None = None

    def serve(self, env: jinja2.Environment) -> None:
        """Give `env` this cache; code compiled under other settings (a changed mkdocs.yml)
        is dropped, since Jinja keys compiled code by template source alone."""
        settings = (
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.is_async,
            tuple(sorted(env.extensions)),
        )
        if settings != self.settings:
            self.compiled.clear()
            self.settings = settings
        env.bytecode_cache = self

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self.compiled.clear()


class HeapSettler:
    """Collects garbage and freezes the survivors once the preview is idle after a build."""

    def __init__(self, delay: float | None = None) -> None:
        self.delay = IDLE_SECONDS if delay is None else delay
        self.timer: threading.Timer | None = None
        self.settled = 0  # how many times the heap was settled, for tests
        self.lock = threading.Lock()

    def after_build(self) -> None:
        """Settle the heap after `delay` seconds, unless a build starts first."""
        self.cancel()
        timer = threading.Timer(self.delay, self.settle)
        timer.daemon = True  # never keeps the process alive
        self.timer = timer
        timer.start()

    def settle(self) -> None:
        with self.lock:
            if self.settled % FULL_EVERY == 0:
                # the first time, and now and then: whatever was frozen and has since become
                # cyclic garbage is collected too; in between, collecting what the builds since
                # the last settling made is enough, and walks a fraction of the heap
                gc.unfreeze()
            gc.collect()
            gc.freeze()
            self.settled += 1

    def cancel(self) -> None:
        """A build is starting: no settling during it."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def close(self) -> None:
        """The session ends: the collector works on every object again, as before it began."""
        self.cancel()
        with self.lock:
            gc.unfreeze()


CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed", "attrib"})
"""The file events that are changes (watchdog's names)."""


class FolderWatcher:
    """Turns the system's reports of changes in one folder into a change MkDocs sees."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.signal_dir = ""
        self.observer: BaseObserver | None = None

    def start(self) -> bool:
        """Watch the folder; False when the system cannot report its changes (then MkDocs
        should go on polling it)."""
        try:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers import Observer
            from watchdog.observers.polling import PollingObserver
        except ImportError:  # MkDocs depends on watchdog, but a future one may not
            return False

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                # not "opened" or "closed_no_write": the build reading a file is no change
                if not event.is_directory and event.event_type in CHANGES:
                    watcher.changed()

        if Observer is PollingObserver:
            return False  # no native reports here: polling twice would only cost more
        self.signal_dir = tempfile.mkdtemp(prefix="outagekb-watch-")
        observer = Observer()
        observer.daemon = True
        try:
            observer.schedule(Handler(), self.folder, recursive=True)
            observer.start()
        except OSError:  # out of inotify watches, a file system without events
            shutil.rmtree(self.signal_dir, ignore_errors=True)
            self.signal_dir = ""
            return False
        self.observer = observer
        return True

    def changed(self) -> None:
        """Something in the folder changed: write the signal file, which MkDocs watches."""
        try:
            with open(os.path.join(self.signal_dir, "changed"), "w", encoding="utf-8") as stream:
                stream.write(str(time.time_ns()))
        except OSError:  # the session is ending
            pass

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer = None
        if self.signal_dir:
            shutil.rmtree(self.signal_dir, ignore_errors=True)
            self.signal_dir = ""
