"""The plugin's options in `mkdocs.yml`, each documented where it is declared."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from .render import SEARCH_SECTIONS


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
