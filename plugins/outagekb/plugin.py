"""The MkDocs adapter: options, loading at the start of a build, and generated pages.

Everything else lives in the MkDocs-free core; this module only coordinates.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from typing import Any, Literal

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import paths, prose
from .cache import PageCache
from .graph import Graph
from .loader import load_knowledge_base
from .model import KnowledgeBase
from .problems import annotating
from .rebuilds import FolderWatcher, HeapSettler, TemplateBytecode
from .render import Page as GeneratedPage
from .render import Renderer, lift_html_blocks, restore_html_blocks

log = logging.getLogger("mkdocs.plugins.outagekb")


SEARCH_SECTIONS = ("timeline", "updates", "actions", "retrospective", "analysis", "references")


class OutagekbConfig(base.Config):
    incidents = c.Type(str, default="incidents")
    """The folder of incident files, relative to `mkdocs.yml`."""

    catalog = c.Optional(c.Type(str))
    """The catalog of causes and lessons, relative to `mkdocs.yml`.

    Default: `<incidents>/catalog.yaml` when it exists, else the catalog shipped with outagekb.
    """

    search_exclude = c.ListOfItems(c.Choice(SEARCH_SECTIONS), default=[])
    """Sections of incident pages to leave out of the search index, to keep it small at
    thousands of incidents: any of timeline, updates, actions, retrospective, analysis, references."""


def links_inside(folder: str) -> bool:
    """Whether any entry of the folder is a symbolic link."""
    try:
        with os.scandir(folder) as entries:
            return any(entry.is_symlink() for entry in entries)
    except OSError:
        return True  # unreadable now: leave the folder to MkDocs' own watching


class ServedPage(File):
    """A generated page that `mkdocs serve --dirty` reads from serve_dir.

    MkDocs decides whether to rebuild a page from the modification times of its source and
    its output, three file-system calls per page, twice per build: 60,000 calls at 10,000
    incidents. The plugin knows which pages it wrote since the last finished build, and
    asks the file system only whether the output still exists."""

    def __init__(self, *args: Any, unbuilt: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unbuilt = unbuilt

    def is_modified(self) -> bool:
        return self.src_uri in self.unbuilt or not os.path.isfile(self.abs_dest_path)


class OutagekbPlugin(BasePlugin[OutagekbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str = "build"
        self.kb: KnowledgeBase | None = None
        self.incidents_dir = ""
        self.blocks: dict[str, list[str]] = {}  # generated page -> its HTML blocks, put back after Markdown
        self.marker = "okbblock" + secrets.token_hex(6) + "x"  # a word no page contains by chance
        self.page_cache: PageCache | None = None
        self.serve_dir: str | None = None
        self.served: dict[str, bytes] = {}  # page -> digest of the text last written into serve_dir
        self.unbuilt: set[str] = set()  # pages written into serve_dir since the last build that finished
        self.lifted: dict[str, tuple[GeneratedPage, str, list[str], bytes]] = {}  # serve: page -> its lifted form
        self.graph: Graph | None = None  # serve: the last build's graph
        self.settler: HeapSettler | None = None  # serve: garbage collected between rebuilds, not during them
        self.template_bytecode: TemplateBytecode | None = None  # serve: the theme's templates, compiled once
        self.watcher: FolderWatcher | None = None  # serve: the incidents folder, watched without polling

    def _served_file(self, config: MkDocsConfig, src: str, skeleton: str, digest: bytes, inclusion: InclusionLevel) -> File:
        """A generated page backed by a file in serve_dir, rewritten only when the page's text
        (skeleton and HTML blocks, by digest) changed, so that a dirty rebuild skips every page
        the change did not touch."""
        assert self.serve_dir is not None
        if self.served.get(src) != digest:
            target = os.path.join(self.serve_dir, *src.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(skeleton)
            self.served[src] = digest
            self.unbuilt.add(src)
        return ServedPage(
            src, self.serve_dir, config.site_dir, config.use_directory_urls, inclusion=inclusion, unbuilt=self.unbuilt
        )

    @event_priority(100)  # first: other plugins see the whole page, as if its HTML had gone through Markdown
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        blocks = self.blocks.pop(page.file.src_uri, None)  # once back in the page, not kept twice
        return restore_html_blocks(html, self.marker, blocks) if blocks else html

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # This instance lives for the whole `mkdocs serve` session (MkDocs keeps plugins that
        # define on_startup): drafts are shown only there, and pages are remade only on change.
        self.command = command
        self.on_shutdown()  # MkDocs may hand this instance to a later build in the same process
        self.page_cache, self.served, self.unbuilt, self.lifted, self.graph = None, {}, set(), {}, None
        self.settler, self.template_bytecode = None, None
        if command == "serve":
            self.page_cache = PageCache()
            self.settler, self.template_bytecode = HeapSettler(), TemplateBytecode()
            if dirty:
                # `mkdocs serve --dirty` rebuilds only pages whose source file is newer than its
                # output: generated pages get files here, rewritten only when their text changes
                self.serve_dir = tempfile.mkdtemp(prefix="outagekb-serve-")

    def on_shutdown(self) -> None:
        if self.settler is not None:
            self.settler.close()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        if self.serve_dir:
            shutil.rmtree(self.serve_dir, ignore_errors=True)
            self.serve_dir = None

    @event_priority(50)  # early: fail before other plugins spend time, and before site_dir is cleaned
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load and check every incident; any problem stops the build before `site_dir` is touched."""
        self.kb = None
        if self.settler is not None:
            self.settler.cancel()  # a rebuild starts: the heap is settled after it, not during it
        root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        self.incidents_dir = os.path.normpath(os.path.join(root, self.config.incidents))
        catalog = os.path.normpath(os.path.join(root, self.config.catalog)) if self.config.catalog else None
        if self.incidents_dir not in config.watch and os.path.isdir(self.incidents_dir):
            config.watch.append(self.incidents_dir)
        if catalog and catalog not in config.watch and os.path.exists(catalog):
            config.watch.append(catalog)
        if paths.STYLESHEET not in config.extra_css:
            config.extra_css.append(paths.STYLESHEET)
        # on every page, so that it also starts after Material's instant navigation; it acts only on browse/
        if not any(str(getattr(script, "path", script)) == paths.BROWSE_SCRIPT for script in config.extra_javascript):
            config.extra_javascript.append(paths.BROWSE_SCRIPT)
        kb, problems = load_knowledge_base(self.incidents_dir, catalog, root, cache=self.command == "serve")
        if problems:
            annotate = annotating()
            for problem in problems:
                log.error(problem.format())
                if annotate:
                    print(problem.github_annotation(), file=sys.stdout)
            count = len(problems)
            raise PluginError(f"outagekb: {count} problem{'s' if count != 1 else ''} in the incident files; nothing was built")
        self.kb = kb
        return config

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if self.template_bytecode is not None and env.bytecode_cache is None:
            self.template_bytecode.serve(env)  # MkDocs makes a new environment for every rebuild
        return env

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        """Watch the incidents folder through the system's change reports, not MkDocs' polling
        (which reads every file's metadata twice a second); see `rebuilds.FolderWatcher`."""
        watchable = (
            self.incidents_dir in config.watch
            and not paths.is_inside(self.incidents_dir, config.docs_dir)  # MkDocs polls docs_dir anyway
            and not links_inside(self.incidents_dir)  # the system reports no edit to a link's target elsewhere
        )
        if watchable and self.watcher is None:
            watcher = FolderWatcher(self.incidents_dir)
            if watcher.start():
                config.watch.remove(self.incidents_dir)  # MkDocs watches what is left after this event
                server.watch(watcher.signal_dir)
                self.watcher = watcher
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.unbuilt.clear()  # every page written for this build has been built
        if self.settler is not None:
            self.settler.after_build()

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add the generated pages; a hand-written page at a generated path is an error."""
        assert self.kb is not None
        for file in list(files):
            # incident files kept inside docs_dir are sources, not pages or assets
            if file.abs_src_path and paths.is_inside(file.abs_src_path, self.incidents_dir):
                files.remove(file)
        renderer = Renderer(
            self.kb,
            use_directory_urls=config.use_directory_urls,
            include_drafts=self.command == "serve",
            site_url=config.site_url,
            search_exclude=frozenset(self.config.search_exclude),
            cache=self.page_cache,
            previous_graph=self.graph if self.page_cache is not None else None,
        )
        if self.page_cache is not None:
            self.graph = renderer.graph  # the next rebuild of this serve session starts from it
        # each page's HTML blocks are lifted as it is made, so the whole pages are never all held at once
        self.blocks = {}
        skeletons: list[tuple[str, str, bool, bytes]] = []
        for page in renderer.iter_pages():
            lifted = self.lifted.get(page.src)
            if lifted is not None and lifted[0] is page:  # the same page as last time, from the page cache
                _, skeleton, blocks, digest = lifted
            else:
                skeleton, blocks = lift_html_blocks(page.text, self.marker)
                digest = hashlib.blake2b(page.text.encode("utf-8"), digest_size=16).digest() if self.serve_dir else b""
                if self.page_cache is not None:
                    self.lifted[page.src] = (page, skeleton, blocks, digest)
            self.blocks[page.src] = blocks
            skeletons.append((page.src, skeleton, page.in_nav, digest))
        assets = renderer.assets()
        paths_made = [src for src, _, _, _ in skeletons] + [asset.path for asset in assets]
        unsafe = paths.unsafe_outputs(paths_made)
        if unsafe:
            raise PluginError(f"outagekb: {unsafe}")
        taken = [path for path in paths_made if files.get_file_from_path(path) is not None]
        if taken:
            for src in taken:
                log.error(
                    f"{os.path.join(config.docs_dir, src)}:1:1: error: outagekb generates this page; "
                    "rename or remove the hand-written file"
                )
            raise PluginError(f"outagekb: {len(taken)} hand-written file(s) at generated paths; nothing was built")
        for src, skeleton, in_nav, digest in skeletons:
            inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
            if self.serve_dir:
                files.append(self._served_file(config, src, skeleton, digest, inclusion))
            else:
                files.append(File.generated(config, src, content=skeleton, inclusion=inclusion))
        for asset in assets:
            files.append(File.generated(config, asset.path, content=asset.text))
        if self.command != "serve":
            prose.to_html.cache_clear()  # kept only for serve's rebuilds; a build has no further use for it
        return files
