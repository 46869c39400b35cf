"""The MkDocs adapter: it only coordinates.

`on_config` loads and checks the knowledge base (the loader), `on_files` asks the renderer
for the pages and hands them to `files.add_generated`, `on_page_content` puts each page's
HTML blocks back. What a `mkdocs serve` session keeps between rebuilds is one object,
`serve.ServeSession`. Every problem reaches MkDocs the same way: the core raises
`OutagekbError`, and `_failure` prints its problems through the plugin logger and turns
it into a `PluginError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Literal

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from .audience import audience_note, chosen_audience, for_audience
from .blocks import new_marker, restore_html_blocks
from .config import OutagekbConfig
from .files import add_generated, add_to_config, drop_incident_sources
from .graph import build_graph
from .images import SharedFolder, shared_folders
from .loader import load_knowledge_base
from .messages import Messages, theme_language
from .model import KnowledgeBase
from .problems import ERROR, WARNING, OutagekbError, Problem, annotating, counted, errors, print_problems
from .render import Renderer, RenderOptions
from .search import PAGEFIND, engine_hint, index_site, material_terms, pagefind_content, tidy_material_entries
from .serve import ServeSession
from .templating import Templates, override_dirs

log = get_plugin_logger(__name__)


class OutagekbPlugin(BasePlugin[OutagekbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str = "build"
        self.kb: KnowledgeBase | None = None
        self.incidents_dir = ""
        self.marker = new_marker()
        self.blocks: dict[str, list[str]] = {}  # generated page -> its HTML blocks, put back after Markdown
        self.serve: ServeSession | None = None  # only under `mkdocs serve`
        self.image_folders: tuple[SharedFolder, ...] = ()
        self.messages: Messages | None = None  # the labels of the site's language, read in on_config
        self.search_terms: dict[str, str] = {}  # incident page -> words its entry in Material's index gets

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # This instance lives for the whole `mkdocs serve` session (MkDocs keeps plugins that
        # define on_startup): drafts are shown only there, and pages are remade only on change.
        self.command = command
        self.on_shutdown()  # MkDocs may hand this instance to a later build in the same process
        if command == "serve":
            self.serve = ServeSession(dirty=dirty)

    def on_shutdown(self) -> None:
        if self.serve is not None:
            self.serve.close()
            self.serve = None

    @event_priority(50)  # early: fail before other plugins spend time, and before site_dir is cleaned
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load and check every incident; any problem stops the build before `site_dir` is touched."""
        self.kb = None
        if self.serve is not None:
            self.serve.build_started()
        root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        self.incidents_dir = os.path.normpath(os.path.join(root, self.config.incidents))
        catalog = os.path.normpath(os.path.join(root, self.config.catalog)) if self.config.catalog else None
        self.image_folders = shared_folders(root, self.config.images)
        watched = (self.incidents_dir, catalog, *(folder.path for folder in self.image_folders))
        lacking = add_to_config(config, watched, self.config.search_engine)  # what its search engine needs, if missing
        audience, refused = chosen_audience(self.config.audience)
        if lacking or refused:
            raise PluginError(f"outagekb: {lacking or refused}")
        kb, problems = load_knowledge_base(
            self.incidents_dir,
            catalog,
            root,
            cache=self.serve is not None,
            organization=self.config.organization,
            image_folders=self.image_folders,
            visibility=self.config.default_visibility,
        )
        # outagekb's labels in the language that also chooses Material's (theme.language)
        self.messages = Messages.for_language(theme_language(config.theme), override_dirs(config.theme.dirs))
        problems = [*problems, *self.messages.problems]
        for note in self.messages.notes:
            log.info(note)
        if self.serve is not None:  # the preview goes on without the files that have errors
            _report(problems, preview=True, strict=bool(config.strict))
            self.serve.show_problems(problems, root, self.config.editor_url, self.messages)
        elif errors(problems):
            raise _failure(OutagekbError(f"{counted(problems)} in the incident files; nothing was built", problems))
        else:
            _report(problems)
        # the one gate: every page, index, feed and export below is made from what it lets through
        self.kb, left_out = for_audience(kb, audience, self.serve.public_parts if self.serve is not None else None)
        log.info(audience_note(self.kb, left_out))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add the generated pages; a hand-written page at a generated path is an error."""
        assert self.kb is not None
        drop_incident_sources(files, self.incidents_dir)
        if hint := engine_hint(self.config.search_engine, len(self.kb.published)):
            log.info(hint)
        serve = self.serve
        options = RenderOptions(
            use_directory_urls=config.use_directory_urls,
            include_drafts=serve is not None,
            site_url=config.site_url or None,
            search_exclude=frozenset(self.config.search_exclude),
            image_folders=self.image_folders,
            remote_images=self.config.remote_images,
            search_engine=self.config.search_engine,
        )
        renderer = Renderer(
            serve.next_graph(self.kb) if serve is not None else build_graph(self.kb),
            options,
            templates=Templates(override_dirs(config.theme.dirs), self.messages),
            cache=serve.page_cache if serve is not None else None,
        )
        try:
            self.blocks = add_generated(files, config, renderer, self.marker, serve, self.incidents_dir)
            if self.config.search_engine != PAGEFIND:  # Pagefind's pages carry theirs (`search_facets`)
                self.search_terms = material_terms(self.kb.catalog, self.kb.incidents)
        except OutagekbError as error:
            raise _failure(error) from None
        return files

    @event_priority(100)  # first: other plugins see the whole page, as if its HTML had gone through Markdown
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        blocks = self.blocks.pop(page.file.src_uri, None)  # once back in the page, not kept twice
        if page.meta.get("outagekb_redirect"):
            # a merged incident's page: its canonical address is the incident that stays, which its
            # template names; without its own, MkDocs' sitemap (written before the pages) leaves it out
            page.canonical_url = page.abs_url = None
        html = restore_html_blocks(html, self.marker, blocks) if blocks else html
        if self.config.search_engine == PAGEFIND:
            html = pagefind_content(html, page.meta)
        return self.serve.banner + html if self.serve is not None else html

    @event_priority(-50)  # after Material's search has indexed the page
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        words = self.search_terms.get(page.file.src_uri)
        if words is not None:
            tidy_material_entries(config, page.url, words)
        return context

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if self.serve is not None:
            self.serve.serve_env(env)
        return env

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        if self.serve is not None:
            self.serve.watch(server, config, self.incidents_dir)
        return server

    @event_priority(-50)  # late: the site is finished, whatever other plugins wrote
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.serve is not None:
            self.serve.build_finished()
        if self.config.search_engine == PAGEFIND:  # on every build, and every rebuild of serve
            try:
                indexed = index_site(config.site_dir, use_directory_urls=config.use_directory_urls)
            except OutagekbError as error:
                raise _failure(error) from None
            log.info(f"Pagefind indexed {indexed.pages} pages in {indexed.seconds:.1f} s")


def _failure(error: OutagekbError) -> PluginError:
    """The one way a problem that stops the build reaches MkDocs: each problem through the
    plugin logger (see `_report`), then the summary as the build's error."""
    _report(error.problems)
    return PluginError(f"outagekb: {error.summary}")


def _report(problems: Sequence[Problem], *, preview: bool = False, strict: bool = False) -> None:
    """Each problem through the plugin logger (and as a GitHub annotation under GitHub Actions).
    An error is logged as an error; in the preview, which goes on, as a warning, or under
    `--strict` as information, since a logged warning would stop it. A warning of ours is
    logged as information: it must not fail the build, not even `mkdocs build --strict`."""
    annotate = annotating()
    error_log = (log.info if strict else log.warning) if preview else log.error
    print_problems([p for p in problems if p.severity == ERROR], write=error_log, annotate=annotate)
    print_problems([p for p in problems if p.severity == WARNING], write=log.info, annotate=annotate)
