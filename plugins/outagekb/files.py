"""The renderer's pages and files as MkDocs `File`s, added to the build's files, and what
every outagekb site adds to its MkDocs configuration.

One function, so that `on_files` is one call: each page is lifted (its HTML blocks kept
aside for `on_page_content`) as it is made, so the whole pages are never all held at
once; then the paths are checked (inside the site folder, no hand-written file at a
generated path) before anything is added.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from . import paths, prose, search
from .problems import OutagekbError, Problem
from .render import Renderer
from .serve import LiftedPage, ServeSession, lift


def add_to_config(config: MkDocsConfig, watched: Iterable[str | None], search_engine: str) -> str | None:
    """What every outagekb site needs in its configuration: the input folders watched by
    `mkdocs serve`, the stylesheet, the browse page's script, outagekb's theme templates
    (a merged incident's page) and the search engine's parts (`use_search_engine`). Returns
    what the site lacks for its search engine, in plain words, or None."""
    for folder in watched:
        if folder and folder not in config.watch and os.path.exists(folder):
            config.watch.append(folder)
    if paths.THEME_DIR not in config.theme.dirs:  # last: the site's theme and custom_dir come first
        config.theme.dirs.append(paths.THEME_DIR)
    if paths.STYLESHEET not in config.extra_css:
        config.extra_css.append(paths.STYLESHEET)
    # on every page, so that it also starts after Material's instant navigation; it acts only on browse/
    if not any(str(getattr(script, "path", script)) == paths.BROWSE_SCRIPT for script in config.extra_javascript):
        config.extra_javascript.append(paths.BROWSE_SCRIPT)
    return use_search_engine(config, search_engine)


def use_search_engine(config: MkDocsConfig, engine: str) -> str | None:
    """With `search_engine: pagefind`, the header's search box asks Pagefind, and Material's
    search builds no index.

    Material draws its box only while its `search` plugin is on, so that plugin stays: its two
    handlers that collect the pages and write `search_index.json` are taken out of this build's
    event lists (`config.plugins.events`, rebuilt with every configuration), and outagekb's
    theme folder, whose `partials/search.html` is the box that asks Pagefind, goes before
    Material's templates (after the site's custom_dir, which may replace it). Returns why it
    cannot, in plain words: the site has no Material search plugin, or Pagefind is not installed."""
    if engine != search.PAGEFIND:
        return None
    try:
        search.pagefind_program()  # before anything is built
    except OutagekbError as missing:
        return missing.summary
    material = config.plugins.get("material/search")
    if material is None or not getattr(material.config, "enabled", True):
        return (
            "search_engine: pagefind shows its results in Material's search box, which Material draws only"
            " with its search plugin: keep `- search` in the plugins of mkdocs.yml (outagekb turns its index off)"
        )
    for event, handler in (("page_context", material.on_page_context), ("post_build", material.on_post_build)):
        if handler in config.plugins.events[event]:
            config.plugins.events[event].remove(handler)
    if paths.SEARCH_THEME_DIR not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, paths.SEARCH_THEME_DIR)
    if not any(str(getattr(script, "path", script)) == paths.SEARCH_SCRIPT for script in config.extra_javascript):
        config.extra_javascript.append(paths.SEARCH_SCRIPT)
    return None


def drop_incident_sources(files: Files, incidents_dir: str) -> None:
    """Incident files kept inside docs_dir are sources, not pages or assets."""
    for file in list(files):
        if file.abs_src_path and paths.is_inside(file.abs_src_path, incidents_dir):
            files.remove(file)


def add_generated(
    files: Files,
    config: MkDocsConfig,
    renderer: Renderer,
    marker: str,
    session: ServeSession | None,
    incidents_dir: str,
) -> dict[str, list[str]]:
    """Add every generated page and file to `files`; returns each page's HTML blocks.

    Raises `OutagekbError` when a path would leave the site folder or a hand-written file
    has a generated page's path (a silent winner would lose someone's work). The preview
    (`session`) instead keeps the hand-written file, shows the problem in its banner, and
    adds a page for each incident it left out (see `preview`)."""
    made_pages = list(renderer.iter_pages())
    if session is not None:
        made_pages += session.left_out_pages(incidents_dir, (page.src for page in made_pages))
    lifted: list[LiftedPage] = [session.lift(page, marker) if session is not None else lift(page, marker) for page in made_pages]
    assets = renderer.assets()
    copies = renderer.copied_files()
    made = [item.src for item in lifted] + [asset.path for asset in assets] + [copy.path for copy in copies]
    paths.check_outputs(made)
    taken = {path for path in made if files.get_file_from_path(path) is not None}
    if taken:
        problems = [Problem(os.path.join(config.docs_dir, src), 1, 1, paths.HAND_WRITTEN_CLASH) for src in sorted(taken)]
        if session is None:
            raise OutagekbError(f"{len(taken)} hand-written file(s) at generated paths; nothing was built", problems)
        session.add_problems(problems)
        lifted = [item for item in lifted if item.src not in taken]
        assets = [asset for asset in assets if asset.path not in taken]
        copies = [copy for copy in copies if copy.path not in taken]
    if session is not None:
        session.rebuild_all_on_banner_change(files)
    for item in lifted:
        inclusion = InclusionLevel.UNDEFINED if item.in_nav else InclusionLevel.NOT_IN_NAV
        if session is not None:
            files.append(session.file(config, item, inclusion))
        else:
            files.append(File.generated(config, item.src, content=item.skeleton, inclusion=inclusion))
    for asset in assets:
        files.append(File.generated(config, asset.path, content=asset.text))
    for copy in copies:  # MkDocs copies the file itself, and only when changed under `serve --dirty`
        files.append(File.generated(config, copy.path, abs_src_path=copy.source))
    if session is None:
        prose.forget_conversions()  # kept only for serve's rebuilds
    return {item.src: item.blocks for item in lifted}
