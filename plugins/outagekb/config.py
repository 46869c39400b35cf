"""The plugin's options in `mkdocs.yml`, each documented where it is declared."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from .audience import AUDIENCES
from .images import folder_problem
from .model import INTERNAL
from .preview import DEFAULT_EDITOR_URL
from .render import SEARCH_SECTIONS
from .search import MATERIAL, SEARCH_ENGINES
from .spec import VISIBILITIES


class EditorUrl(c.Type[str]):
    """An address with `{path}`, `{line}` and `{column}` to fill in, checked when the site's
    configuration is read, not at the first problem."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        address = super().run_validation(value)
        try:
            address.format(path="/x", line=1, column=1)
        except KeyError as error:
            raise base.ValidationError(
                f"only {{path}}, {{line}} and {{column}} can be filled in, not {{{error.args[0]}}}"
            ) from None
        except (IndexError, ValueError) as error:
            raise base.ValidationError(f"{error}; write braces that are not {{path}}, {{line}} or {{column}} twice") from None
        return address


class ImageFolder(c.Type[str]):
    """A folder of images inside the repository, relative to `mkdocs.yml`: its name becomes
    part of the images' addresses, so it is checked when the configuration is read."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        name = super().run_validation(value)
        problem = folder_problem(name)
        if problem is not None:
            raise base.ValidationError(problem)
        return name


class OutagekbConfig(base.Config):
    incidents = c.Type(str, default="incidents")
    """The folder of incident files, relative to `mkdocs.yml`."""

    catalog = c.Optional(c.Type(str))
    """The catalog of causes and lessons, relative to `mkdocs.yml`.

    Default: `<incidents>/catalog.yaml` when it exists, else the catalog shipped with outagekb.
    """

    organization = c.Optional(c.Type(str))
    """The organization of every incident file that names none: a one-company knowledge base
    need not repeat it in every file."""

    search_exclude = c.ListOfItems(c.Choice(SEARCH_SECTIONS), default=[])
    """Sections of incident pages to leave out of the search index, to keep it small at
    thousands of incidents: any of timeline, updates, actions, retrospective, analysis, references."""

    search_engine = c.Choice(SEARCH_ENGINES, default=MATERIAL)
    """What the header's search box searches: `material`, Material's own search (its `search`
    plugin builds one index file, which the browser downloads whole on the first search), or
    `pagefind`, Pagefind's index in small chunks, of which a search fetches only what it needs
    (needs `pip install 'outagekb[pagefind]'`; keep `- search` in the plugins, for its box).
    Pagefind is the choice above a few thousand incidents; see docs/search.md."""

    editor_url = EditorUrl(default=DEFAULT_EDITOR_URL)
    """Under `mkdocs serve`, where the banner's link to a problem leads: an address that opens
    the editor at the line, with `{path}`, `{line}` and `{column}`; `""` for no links."""

    images = c.ListOfItems(ImageFolder(), default=[])
    """Folders of images that any incident may show, relative to `mkdocs.yml` (such as
    `images`), besides each incident's own `<id>/` folder beside its file."""

    remote_images = c.Type(bool, default=False)
    """Show images at `https://` addresses on incident pages. By default such an image is a
    link to it: a published runbook should not load other sites' content."""

    default_visibility = c.Choice(VISIBILITIES, default=INTERNAL)
    """The visibility of every incident whose file gives none: `internal` (the default: nothing
    is published unless its file says `visibility: public`) or `public`."""

    audience = c.Optional(c.Choice(AUDIENCES))
    """Who the site is for: `internal`, the whole knowledge base with its internal parts marked,
    or `public`, only what is public. Unset: the `OUTAGEKB_AUDIENCE` environment variable,
    else `internal`."""
