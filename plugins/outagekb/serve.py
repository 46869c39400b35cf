"""What one `mkdocs serve` session keeps between rebuilds, in one object.

A plain build keeps nothing. A serve session keeps the pages and rows it made (reused
while their inputs are the same objects, `cache.PageCache`), the last graph (figures and
related incidents of unchanged incidents carry over), each page's lifted form, and, with
`--dirty`, a folder of generated page files that are rewritten only when their text
changed, so that MkDocs rebuilds only those. It also owns the three mechanisms of
`rebuilds` that keep MkDocs' own costs off the path from saving a file to seeing it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files, InclusionLevel

from . import paths, preview
from .blocks import lift_html_blocks
from .cache import PageCache
from .graph import Graph, build_graph
from .messages import Messages
from .model import Incident, KnowledgeBase
from .problems import Problem
from .rebuilds import FolderWatcher, HeapSettler, TemplateBytecode
from .render import Page


class LiftedPage(NamedTuple):
    """A generated page as MkDocs gets it: the skeleton that goes through Markdown, the HTML
    blocks put back afterwards, and (with --dirty) the digest of the page's text. The
    page's whole text is not kept: a build holds only this of each page."""

    src: str
    in_nav: bool
    skeleton: str
    blocks: list[str]
    digest: bytes


def lift(page: Page, marker: str, *, digest: bool = False) -> LiftedPage:
    skeleton, blocks = lift_html_blocks(page.text, marker)
    made = hashlib.blake2b(page.text.encode("utf-8"), digest_size=16).digest() if digest else b""
    return LiftedPage(page.src, page.in_nav, skeleton, blocks, made)


class ServedPage(File):
    """A generated page that `mkdocs serve --dirty` reads from the session's folder.

    MkDocs decides whether to rebuild a page from the modification times of its source and
    its output, three file-system calls per page, twice per build: 60,000 calls at 10,000
    incidents. The session knows which pages it wrote since the last finished build, and
    asks the file system only whether the output still exists."""

    def __init__(self, *args: Any, unbuilt: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unbuilt = unbuilt

    def is_modified(self) -> bool:
        return self.src_uri in self.unbuilt or not os.path.isfile(self.abs_dest_path)


def _always_modified() -> bool:
    return True


def links_inside(folder: str) -> bool:
    """Whether any entry of the folder or its sub-folders is a symbolic link."""
    failed: list[OSError] = []
    for directory, folders, files in os.walk(folder, onerror=failed.append):
        if any(os.path.islink(os.path.join(directory, name)) for name in (*folders, *files)):
            return True
    return bool(failed)  # unreadable now: leave the folder to MkDocs' own watching


class ServeSession:
    """The state of one `mkdocs serve` session (see the module docstring)."""

    def __init__(self, *, dirty: bool) -> None:
        self.page_cache = PageCache()
        self.graph: Graph | None = None
        """The last build's graph; the next rebuild starts from it."""
        self.public_parts: dict[str, tuple[Incident, tuple[str, ...], Incident]] = {}
        """For the public audience: each incident's public part, kept while it is unchanged
        (see `audience.for_audience`), so that its page is not made again."""
        self.lifted: dict[str, tuple[Page, LiftedPage]] = {}
        """page -> the page last made and its lifted form."""
        self.pages_dir = tempfile.mkdtemp(prefix="outagekb-serve-") if dirty else None
        """--dirty: generated pages as files, rewritten only when their text changes."""
        self.written: dict[str, bytes] = {}
        """page -> digest of the text last written into `pages_dir`."""
        self.unbuilt: set[str] = set()
        """Pages written into `pages_dir` since the last build that finished."""
        self.problems: list[Problem] = []
        """The problems of the files this rebuild read (see `preview`)."""
        self.banner = ""
        """The HTML every page of this rebuild starts with: the problems, or nothing."""
        self.banner_changed = False
        self._problem_context: tuple[str, str, Messages | None] = ("", "", None)
        self.settler = HeapSettler()
        self.template_bytecode = TemplateBytecode()
        self.watcher: FolderWatcher | None = None

    def build_started(self) -> None:
        self.settler.cancel()  # the heap is settled after a rebuild, not during it

    def build_finished(self) -> None:
        self.unbuilt.clear()  # every page written for this build has been built
        self.settler.after_build()

    def show_problems(self, problems: Sequence[Problem], root: str, editor_url: str, messages: Messages | None = None) -> None:
        """Put these problems in every page's banner, in the site's language (with `--dirty`,
        every page is then built again, since its banner changed)."""
        self.problems = list(problems)
        self._problem_context = (root, editor_url, messages)
        made = preview.banner(self.problems, root, editor_url, messages)
        self.banner_changed = made != self.banner
        self.banner = made

    def add_problems(self, problems: Sequence[Problem]) -> None:
        """Problems found after loading (a hand-written page at a generated path), into the banner."""
        self.show_problems([*self.problems, *problems], *self._problem_context)
        self.banner_changed = True

    def left_out_pages(self, incidents_dir: str, published: Iterable[str]) -> list[Page]:
        return preview.left_out_pages(self.problems, incidents_dir, published, self._problem_context[2])

    def rebuild_all_on_banner_change(self, files: Files) -> None:
        """With --dirty, MkDocs builds only pages whose source changed; when the banner changed,
        every page must be built again to show it. A `File` lives for one build, so marking
        the hand-written pages here lasts until the next."""
        if not self.banner_changed or self.pages_dir is None:
            return
        self.unbuilt.update(self.written)
        for file in files.documentation_pages():
            if not isinstance(file, ServedPage):
                file.is_modified = _always_modified  # type: ignore[method-assign]

    def next_graph(self, kb: KnowledgeBase) -> Graph:
        """The graph of this rebuild, carried over from the last one where nothing changed."""
        self.graph = build_graph(kb, self.graph)
        return self.graph

    def lift(self, page: Page, marker: str) -> LiftedPage:
        """The page's lifted form, kept while the page cache hands back the same page."""
        kept = self.lifted.get(page.src)
        if kept is not None and kept[0] is page:
            return kept[1]
        lifted = lift(page, marker, digest=self.pages_dir is not None)
        self.lifted[page.src] = (page, lifted)
        return lifted

    def file(self, config: MkDocsConfig, lifted: LiftedPage, inclusion: InclusionLevel) -> File:
        """The page for MkDocs: with --dirty, a file in `pages_dir`, rewritten only when the
        page's text (by digest) changed, so that a dirty rebuild skips every page the change
        did not touch."""
        src = lifted.src
        if self.pages_dir is None:
            return File.generated(config, src, content=lifted.skeleton, inclusion=inclusion)
        if self.written.get(src) != lifted.digest:
            target = os.path.join(self.pages_dir, *src.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(lifted.skeleton)
            self.written[src] = lifted.digest
            self.unbuilt.add(src)
        return ServedPage(
            src, self.pages_dir, config.site_dir, config.use_directory_urls, inclusion=inclusion, unbuilt=self.unbuilt
        )

    def serve_env(self, env: jinja2.Environment) -> None:
        if env.bytecode_cache is None:
            self.template_bytecode.serve(env)  # MkDocs makes a new environment for every rebuild

    def watch(self, server: LiveReloadServer, config: MkDocsConfig, incidents_dir: str) -> None:
        """Watch the incidents folder through the system's change reports, not MkDocs' polling
        (which reads every file's metadata twice a second); see `rebuilds.FolderWatcher`."""
        watchable = (
            incidents_dir in config.watch
            and not paths.is_inside(incidents_dir, config.docs_dir)  # MkDocs polls docs_dir anyway
            and not links_inside(incidents_dir)  # the system reports no edit to a link's target elsewhere
        )
        if watchable and self.watcher is None:
            watcher = FolderWatcher(incidents_dir)
            if watcher.start():
                config.watch.remove(incidents_dir)  # MkDocs watches what is left after this event
                server.watch(watcher.signal_dir)
                self.watcher = watcher

    def close(self) -> None:
        self.settler.close()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        if self.pages_dir:
            shutil.rmtree(self.pages_dir, ignore_errors=True)
            self.pages_dir = None
