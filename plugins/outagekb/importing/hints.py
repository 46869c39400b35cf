"""Likely causes, for a comment a person reads before classifying: the catalog's cause ids,
titles and aliases found as whole words in an incident's text.

This is a reading aid, never data: an imported incident is `unclassified` until a person
writes its causes. Texts and phrases are compared as sequences of words (letters, digits,
`_` and `-`, without case), so `DNS` does not match `DNSSEC` nor `load` `load-balancer`;
the longest phrase at a place wins (`configuration change`, not also `change`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Catalog

_WORD = re.compile(r"[\w-]+")


class CauseHints:
    """Finds the catalog's causes named in a text; built once per import."""

    def __init__(self, catalog: Catalog) -> None:
        self.order = list(catalog.causes)
        self.phrases: dict[tuple[str, ...], tuple[str, set[str]]] = {}
        """The words of a phrase -> (the phrase as the catalog writes it, the causes it names)."""
        for cause in catalog.causes.values():
            for phrase in (cause.id, cause.title, *cause.aliases):
                words = tuple(_WORD.findall(phrase.lower()))
                if words:
                    self.phrases.setdefault(words, (phrase, set()))[1].add(cause.id)
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in sorted(self.phrases, key=len, reverse=True):
            self.by_first.setdefault(words[0], []).append(words)

    def find(self, texts: Iterable[str]) -> list[tuple[str, list[str]]]:
        """(cause id, the catalog's phrases that named it, other than its id) in catalog order."""
        found: dict[str, dict[str, None]] = {}
        by_first = self.by_first
        for text in dict.fromkeys(texts):
            words = _WORD.findall(text.lower())
            index, count = 0, len(words)
            while index < count:
                candidates = by_first.get(words[index])
                index += 1
                if candidates is None:
                    continue
                for phrase in candidates:
                    end = index - 1 + len(phrase)
                    if len(phrase) == 1 or tuple(words[index - 1 : end]) == phrase:
                        written, causes = self.phrases[phrase]
                        for cause_id in causes:
                            found.setdefault(cause_id, {})[written] = None
                        index = end
                        break
        result = []
        for cause_id in self.order:
            if cause_id in found:
                named = [w for w in found[cause_id] if w != cause_id][:3]
                result.append((cause_id, named))
        return result

    def comment(self, texts: Iterable[str]) -> str | None:
        """`# likely causes (from the text; check before classifying): dns (DNS failure), config-change`."""
        found = self.find(texts)
        if not found:
            return None
        parts = [f"{cause_id} ({', '.join(named)})" if named else cause_id for cause_id, named in found]
        return "# likely causes (from the text; check before classifying): " + ", ".join(parts)
