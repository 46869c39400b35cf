"""What `mkdocs serve` keeps between rebuilds: pages, and pieces of pages, whose inputs
did not change.

A change to one incident file must not make a preview of thousands of incidents wait for
every page and every index row to be made again. The loader hands back the same incident
object for an unchanged file and the same catalog object for an unchanged catalog, and the
graph keeps the same figures for an unchanged incident; so what was made from those
objects can be reused as long as they are the very same objects (compared by identity,
which costs nothing and cannot be fooled by equal-looking values).

Entries not used during a build are dropped at the start of the next one, so that
removed or renamed incidents do not pile up over a long session.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

ReuseOrMake = Callable[[Hashable, tuple[object, ...], Callable[[], T]], T]
"""`reuse(key, inputs, make)`: a piece made earlier from the same inputs, or `make()`
(`PageCache.reuse`, or `make_fresh` where nothing is kept)."""


def make_fresh(key: Hashable, inputs: tuple[object, ...], make: Callable[[], T]) -> T:
    """The `ReuseOrMake` of a build that keeps nothing: every piece is made."""
    return make()


class PageCache:
    """Pages, and pieces of the pages that list many incidents (a table row, an open action,
    a browse record, an export record), made in this process."""

    def __init__(self) -> None:
        self.context: object = None
        self.pieces: dict[Hashable, tuple[tuple[object, ...], Any]] = {}
        self._old_pieces: dict[Hashable, tuple[tuple[object, ...], Any]] = {}
        self.hits = 0
        self.misses = 0

    def begin(self, context: object) -> None:
        """Start a build made with `context` (options, the day): anything made under other
        options is dropped, and so is anything the previous build did not use."""
        self._old_pieces = self.pieces if context == self.context else {}
        self.pieces = {}
        self.context = context

    def reuse(self, key: Hashable, inputs: tuple[object, ...], make: Callable[[], T]) -> T:
        """The piece stored under `key` if it was made from the same `inputs` (by identity),
        else what `make()` returns, stored for the next build."""
        entry = self.pieces.get(key) or self._old_pieces.get(key)
        if entry is not None and len(entry[0]) == len(inputs) and all(a is b for a, b in zip(entry[0], inputs, strict=True)):
            self.pieces[key] = entry
            self.hits += 1
            return entry[1]
        self.misses += 1
        value = make()
        self.pieces[key] = (inputs, value)
        return value
