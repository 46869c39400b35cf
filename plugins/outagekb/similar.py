"""Which incidents of a knowledge base are most like one file: `outagekb similar`.

Made for the moment someone writes up an outage (has this happened before? is it
already written up?) and for the reviewer of that pull request. The file is often a
draft that does not validate, so it is read as far as it can be: field by field through
the format's converter, and, where the YAML itself breaks, block by block of top-level
fields. Incidents are compared on what they share (causes and their broader causes,
services within an organization, the organization, upstream providers, tags), how close
in time they started, and the words of their title, summary, impact and cause details,
ranked with BM25 over an index built in the process.

Reading ten thousand YAML files takes seconds, so the index is kept between runs in
`.cache/outagekb/similar.json` beside `mkdocs.yml`, each file by its size, modification
time and inode; a run reads again only the files that changed.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from . import __version__, spec
from .convert import Converter, IdUse, Value
from .loader import CATALOG_NAME, INCIDENT_SUFFIXES, Loaded, check_ids, scan_directory
from .model import Catalog
from .paths import id_problem
from .problems import WARNING, Problem
from .yamlread import Mapping, Scalar, parse_text, read_text

# words ----------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<?https?://\S+")
"""Markdown link targets and bare addresses: their words (`https`, `com`) say nothing."""
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he her
    here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who whom why will with
    would you your yours one two three per via within without cannot could let nobody roughly""".split()  # noqa: SIM905
)


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A word without its commonest English endings, so that `resolvers`, `resolved` and
    `resolving` meet; deliberately small (no dictionary, no model), and never below three letters."""
    for suffix, instead in (("ies", "y"), ("ing", ""), ("edly", ""), ("ed", ""), ("ly", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) + len(instead) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: len(word) - len(suffix)] + instead
            if suffix in ("ing", "ed", "edly") and len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # stopped -> stop
            break
    return word.removesuffix("e") if len(word) > 3 else word


def words(text: str) -> list[tuple[str, str]]:
    """Each word of a text as (stem, the word as written, lowercased), stopwords left out."""
    found: list[tuple[str, str]] = []
    for match in _WORD.finditer(_LINK_TARGET.sub(" ", text)):
        word = match.group().casefold()
        if len(word) > 1 and word not in STOPWORDS:
            found.append((stem(word), word))
    return found


# one file ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    """What one incident file gives the ranking, read from a clean file or a broken draft alike."""

    path: str
    id: str
    title: str = ""
    organization: str | None = None
    services: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()
    started: float | None = None
    """When impact began, as a POSIX timestamp (UTC)."""
    terms: dict[str, int] = field(default_factory=dict)
    """Stem -> how often the title (counted twice), summary, impact and cause details use it."""
    length: int = 0
    shown: dict[str, str] = field(default_factory=dict)
    """Stem -> the word as this file first writes it, for the reasons."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A file read as far as it could be: its profile, what could not be read, and the ids it names."""

    profile: Profile
    problems: list[Problem]
    id_uses: list[IdUse]


TEXT_FIELDS = ("summary", "impact")
TITLE_REPEAT = 2
"""A title word counts as often as two in the summary: the title is the write-up's gist."""


RANKED_FIELDS = frozenset({"title", "organization", "services", "upstream", "tags", "causes", "started", *TEXT_FIELDS})
"""The fields the ranking reads; of an incident of the knowledge base only these are converted
(`validate` checks the rest), of the file asked about every field, to report every problem."""


def read_incident(
    path: str, incident_id: str | None = None, organization: str | None = None, *, every_field: bool = True
) -> Reading:
    """Read one incident file for the ranking; nothing in it raises. `organization` is the
    site's default, for a file that names none; `every_field=False` converts only the
    `RANKED_FIELDS`, and its problems are not all of the file's."""
    incident_id = incident_id or os.path.splitext(os.path.basename(path))[0]
    text, problems = read_text(path)
    if text is None:
        return Reading(Profile(path, incident_id), problems, [])
    root, parse_problems = parse_partially(path, text)
    problems += parse_problems
    if root is None:
        return Reading(Profile(path, incident_id), problems, [])
    merged = root.get(spec.PLACEHOLDER_FIELD)
    if merged is not None:  # a merged incident's placeholder: no content of its own to compare
        if every_field:
            into = f"`{merged.text.strip()}`" if isinstance(merged, Scalar) else "the incident it names"
            message = f"{spec.PLACEHOLDER_FIELD}: this file is a placeholder, with nothing to compare; compare {into} instead"
            problems.append(Problem(path, merged.line, merged.column, message, WARNING))
        return Reading(Profile(path, incident_id), problems, [])
    if not every_field:
        root.entries = [(key, value) for key, value in root.entries if key.text in RANKED_FIELDS]
    converter = Converter(path, {"organization": organization} if organization else None)
    values = converter.record(root, spec.INCIDENT, "", partial=True)
    problems += converter.problems
    if not isinstance(values, dict):
        return Reading(Profile(path, incident_id), problems, converter.id_uses)
    return Reading(profile_of(path, incident_id, values), problems, converter.id_uses)


def profile_of(path: str, incident_id: str, values: dict[str, Value]) -> Profile:
    """The profile of a file's converted values; a field that failed its check is simply absent."""
    title = _text(values.get("title"))
    causes: list[str] = []
    texts = [title] * TITLE_REPEAT + [_text(values.get(name)) for name in TEXT_FIELDS]
    for entry in _list(values.get("causes")):
        if isinstance(entry, dict):
            cause = _text(entry.get("cause"))
            if cause and cause not in causes:
                causes.append(cause)
            texts.append(_text(entry.get("detail")))
    found = [pair for text in texts if text for pair in words(text)]
    shown: dict[str, str] = {}
    for stemmed, word in found:
        shown.setdefault(stemmed, word)
    started = values.get("started")
    return Profile(
        path=path,
        id=incident_id,
        title=title,
        organization=_text(values.get("organization")) or None,
        services=_texts(values.get("services")),
        upstream=_texts(values.get("upstream")),
        tags=_texts(values.get("tags")),
        causes=tuple(causes),
        started=started.astimezone(UTC).timestamp() if isinstance(started, datetime) else None,
        terms=dict(Counter(stemmed for stemmed, _ in found)),
        length=len(found),
        shown=shown,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _texts(value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in _list(value) if isinstance(item, str)))


_TOP_LEVEL = re.compile(r"^[^\s#\-.]", re.MULTILINE)
"""The start of a line that begins a top-level field (not indented, no comment, no list dash,
no `---` or `...` marker)."""


def parse_partially(path: str, text: str) -> tuple[Mapping | None, list[Problem]]:
    """The file's top-level mapping; when the YAML breaks somewhere, the top-level fields
    around the break, each block of lines from one field to the next parsed on its own,
    with the problem of each block that does not parse (at its own line and column)."""
    root, problems = parse_text(path, text)
    if root is not None or not text.strip():
        return root, problems
    starts = [match.start() for match in _TOP_LEVEL.finditer(text)]
    if len(starts) < 2:
        return None, problems
    entries: list[tuple[Scalar, object]] = []
    seen: set[str] = set()
    block_problems: list[Problem] = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        # blank lines in front keep every line and column where it is in the file
        block, found = parse_text(path, "\n" * text.count("\n", 0, start) + text[start:end])
        block_problems += [p for p in found if not p.message.startswith(("the file is empty", "the document is empty"))]
        for key, value in block.entries if block is not None else ():
            if key.text not in seen:
                seen.add(key.text)
                entries.append((key, value))
    if not entries:
        return None, problems
    merged = Mapping(entries[0][0].line, entries[0][0].column)  # where the file's mapping begins
    merged.entries = entries  # type: ignore[assignment]
    return merged, block_problems or problems


# the knowledge base's index ---------------------------------------------------------------------


CACHE_FORMAT = 3
CACHE_FILE = os.path.join(".cache", "outagekb", "similar.json")
"""Where the index is kept between runs, relative to the knowledge base's folder."""


@dataclass
class Index:
    """Every incident of the knowledge base as a profile without its words, and the words as
    postings (stem -> {position in `profiles`: count}), which is what BM25 reads. Postings
    from the cache stay as the cache writes them until a word is asked for: a query needs
    the postings of its own few dozen words, not of every word."""

    profiles: list[Profile]
    postings: dict[str, dict[int, int]]
    read: int = 0
    """How many files this run had to read (the others came from the cache)."""
    encoded: dict[str, str] = field(default_factory=dict)
    """Postings not decoded yet, as the cache writes them (`3:1 17:2`)."""

    def counts(self, term: str) -> dict[int, int]:
        """Which incidents use a word, and how often."""
        found = self.postings.get(term)
        if found is None:
            found = self.postings[term] = _decode(self.encoded.pop(term, ""), len(self.profiles))
        return found

    def holders(self, term: str) -> int:
        """How many incidents use a word, without decoding its postings."""
        found = self.postings.get(term)
        if found is not None:
            return len(found)
        encoded = self.encoded.get(term, "")
        positions = encoded[: encoded.find(";")] if ";" in encoded else ""
        return positions.count(" ") + 1 if positions else 0

    def every_posting(self) -> dict[str, dict[int, int]]:
        for term in list(self.encoded):
            self.counts(term)
        return self.postings

    @property
    def average_length(self) -> float:
        return sum(p.length for p in self.profiles) / len(self.profiles) if self.profiles else 0.0


def _signature(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _digest(path: str) -> str | None:
    """What a file holds, in 32 hex digits: a file whose size, time or inode changed but whose
    bytes did not (a fresh checkout in CI, a `touch`) need not be read again."""
    try:
        with open(path, "rb") as stream:
            return hashlib.blake2b(stream.read(), digest_size=16).hexdigest()
    except OSError:
        return None


def _same_content(
    folder: str, current: dict[str, list[int] | None], signatures: dict[str, list[int] | None], digests: dict[str, str]
) -> dict[str, str]:
    """Take as unchanged, in `signatures`, each file whose signature changed but whose content
    is what the cache read (its digest): it is then not read again. Returns the digests it
    computed, so that the cache written afterwards does not hash those files a second time."""
    fresh: dict[str, str] = {}
    for relative, signature in current.items():
        known = digests.get(relative)
        if known is None or signature is None or signature == signatures.get(relative):
            continue
        digest = _digest(os.path.join(folder, relative))
        if digest is not None:
            fresh[relative] = digest
        if digest == known:
            signatures[relative] = signature
    return fresh


def _digests_of(
    folder: str,
    current: dict[str, list[int] | None],
    signatures: dict[str, list[int] | None],
    digests: dict[str, str],
    fresh: dict[str, str],
) -> dict[str, str]:
    """Each file's digest for the cache: the one known while its signature is unchanged, the
    one `_same_content` just computed, else read."""
    found: dict[str, str] = {}
    for relative, signature in current.items():
        known = digests.get(relative) if signature is not None and signature == signatures.get(relative) else None
        digest = known or fresh.get(relative) or _digest(os.path.join(folder, relative))
        if digest is not None:
            found[relative] = digest
    return found


def build_index(folder: str, cache_path: str | None = None) -> Index:
    """The index of the incidents in `folder`: from the cache at `cache_path` for the files
    whose signature it holds (or, when that changed, whose content it holds), read anew for
    the others; the cache is rewritten when anything changed (and not at all when it cannot
    be: the index is then only this run's)."""
    listing = scan_directory(folder)
    wanted = [(incident_id, path, _signature(path)) for incident_id, path in listing.incidents]
    current = {_relative(path, folder): signature for _, path, signature in wanted}
    cached = _load_cache(cache_path, folder) if cache_path else None
    digests: dict[str, str] = {}
    fresh: dict[str, str] = {}
    if cached is not None:
        signatures, index, digests = cached
        if current == signatures:
            return index
        fresh = _same_content(folder, current, signatures, digests)
        if current == signatures:  # only signatures changed: keep the index, note the new ones
            if cache_path:
                _save_cache(cache_path, folder, current, index, _digests_of(folder, current, signatures, digests, fresh))
            return index
        if list(current) == [p.path for p in index.profiles]:
            index = _read_changed(folder, wanted, signatures, index)
            if cache_path:
                _save_cache(cache_path, folder, current, index, _digests_of(folder, current, signatures, digests, fresh))
            return index
        kept = {
            p.path: (position, p) for position, p in enumerate(index.profiles) if current.get(p.path) == signatures.get(p.path)
        }
        terms: dict[int, dict[str, int]] = {}
        for term, counts in index.every_posting().items():
            for held_by, times in counts.items():
                terms.setdefault(held_by, {})[term] = times
    else:
        kept, terms = {}, {}
    collecting = gc.isenabled()
    gc.disable()  # thousands of small objects that all live on
    try:
        profiles: list[Profile] = []
        postings: dict[str, dict[int, int]] = {}
        read = 0
        for incident_id, path, _ in wanted:
            relative = _relative(path, folder)
            known = kept.get(relative)
            if known is not None:
                profile, own_terms = known[1], terms.get(known[0], {})
            else:
                full = read_incident(path, incident_id, every_field=False).profile
                read += 1
                profile, own_terms = _stored(full, relative), full.terms
            position = len(profiles)
            profiles.append(profile)
            for word, times in own_terms.items():
                postings.setdefault(word, {})[position] = times
    finally:
        if collecting:
            gc.enable()
    index = Index(profiles, postings, read)
    if cache_path:
        kept_signatures = {relative: current[relative] for relative in kept}
        _save_cache(cache_path, folder, current, index, _digests_of(folder, current, kept_signatures, digests, fresh))
    return index


def _read_changed(
    folder: str, wanted: list[tuple[str, str, list[int] | None]], signatures: dict[str, list[int] | None], index: Index
) -> Index:
    """The cached index with the files that changed read again, when the folder holds the same
    files as when it was cached (each keeps its position): a word's postings are decoded only
    when a changed file used it before or uses it now; the others are written back as they were read."""
    changed: list[tuple[int, Profile]] = []
    for position, (incident_id, path, signature) in enumerate(wanted):
        relative = _relative(path, folder)
        if signatures.get(relative) != signature:
            changed.append((position, read_incident(path, incident_id, every_field=False).profile))
    moved = {position for position, _ in changed}
    size = len(index.profiles)
    encoded = dict(index.encoded)
    postings = dict(index.postings)
    tokens = [f" {position} " for position in moved]
    for term, text in list(encoded.items()):
        if any(token in f" {text[: text.find(';')]} " for token in tokens):  # a changed file used it
            postings[term] = _decode(encoded.pop(term), size)
    for counts in postings.values():
        for position in moved:
            counts.pop(position, None)
    profiles = list(index.profiles)
    for position, full in changed:
        profiles[position] = _stored(full, profiles[position].path)
        for word, times in full.terms.items():
            if word in encoded:
                postings[word] = _decode(encoded.pop(word), size)
            postings.setdefault(word, {})[position] = times
    return Index(profiles, {term: counts for term, counts in postings.items() if counts}, len(changed), encoded)


def _relative(path: str, folder: str) -> str:
    """A path below the folder, relative to it (by its text: `relpath` costs more than the rest of a warm run)."""
    prefix = folder.rstrip(os.sep) + os.sep
    return path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, folder)


def _stored(profile: Profile, relative: str) -> Profile:
    """A profile as the index keeps it: its path relative to the folder, its words in the postings."""
    return Profile(
        relative,
        profile.id,
        profile.title,
        profile.organization,
        profile.services,
        profile.upstream,
        profile.tags,
        profile.causes,
        profile.started,
        length=profile.length,
    )


def _load_cache(path: str, folder: str) -> tuple[dict[str, list[int] | None], Index, dict[str, str]] | None:
    """The cached index, with each file's signature and digest; None when there is none or it
    is not this version's (any file that is not exactly what this code writes counts as none)."""
    try:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
        if data["format"] != CACHE_FORMAT or data["outagekb"] != __version__ or data["folder"] != os.path.abspath(folder):
            return None
        signatures: dict[str, list[int] | None] = {}
        profiles: list[Profile] = []
        for relative, signature, incident_id, title, organization, services, upstream, tags, causes, started, length in data[
            "files"
        ]:
            signatures[relative] = signature
            profiles.append(
                Profile(
                    str(relative),
                    str(incident_id),
                    str(title),
                    str(organization) if organization is not None else None,
                    tuple(map(str, services)),
                    tuple(map(str, upstream)),
                    tuple(map(str, tags)),
                    tuple(map(str, causes)),
                    float(started) if started is not None else None,
                    length=int(length),
                )
            )
        encoded = data["postings"]
        if not isinstance(encoded, dict) or not all(isinstance(counts, str) for counts in encoded.values()):
            return None
        digests = data["digests"]
        if not isinstance(digests, dict) or not all(isinstance(d, str) for d in digests.values()):
            return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return signatures, Index(profiles, {}, encoded=encoded), digests


def _decode(counts: str, size: int) -> dict[int, int]:
    """`3 17;1 2` -> {3: 1, 17: 2}: the postings of one word as the cache writes them, the
    positions then the counts (a string per word keeps the file quick to load, and `int` over
    a split string is the quickest way back); a string that does not read so, or names a
    position past `size`, gives nothing, whatever the file holds."""
    positions, _, times = counts.partition(";")
    try:
        found = dict(zip(map(int, positions.split()), map(int, times.split()), strict=True))
    except ValueError:
        return {}
    return found if not found or max(found) < size else {}


def _encode(counts: dict[int, int]) -> str:
    return " ".join(map(str, counts)) + ";" + " ".join(map(str, counts.values()))


def _save_cache(path: str, folder: str, signatures: dict[str, list[int] | None], index: Index, digests: dict[str, str]) -> None:
    """Write the cache whole into a temporary file, then put it in place, so that a run that
    stops halfway leaves the previous cache; a folder that cannot be written is no error."""
    data = {
        "format": CACHE_FORMAT,
        "outagekb": __version__,
        "folder": os.path.abspath(folder),
        "files": [
            [
                p.path,
                signatures.get(p.path),
                p.id,
                p.title,
                p.organization,
                list(p.services),
                list(p.upstream),
                list(p.tags),
                list(p.causes),
                p.started,
                p.length,
            ]
            for p in index.profiles
        ],
        "postings": {
            **index.encoded,
            **{term: _encode(counts) for term, counts in index.postings.items()},
        },
        "digests": digests,
    }
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".similar-", suffix=".json")
        os.chmod(temporary, 0o644)  # as any other file of the repository, not mkstemp's owner-only
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(data, separators=(",", ":")))  # `dumps` runs the C encoder, `dump` does not
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


# ranking --------------------------------------------------------------------------------------

WEIGHTS = {"cause": 3.0, "upstream": 2.5, "tag": 2.0, "service": 1.5, "broader cause": 1.0, "organization": 1.0}
"""What a shared value of each kind is worth before rarity (the inverse document frequency),
as for the related incidents of a page; the organization alone says least."""
TEXT_WEIGHT = 6.0
"""What the words are worth: the best BM25 score among the incidents gets this much."""
TIME_WEIGHT = 2.0
TIME_SCALE_DAYS = 3.0
TIME_HORIZON_DAYS = 90.0
"""Starting close in time adds up to TIME_WEIGHT, half of it at TIME_SCALE_DAYS apart,
nothing beyond TIME_HORIZON_DAYS: two write-ups of one outage start within hours."""
BM25_K1, BM25_B = 1.2, 0.75
WORDS_SHOWN = 5
COMMON_SHARE, COMMON_FLOOR = 0.25, 200
"""A word that more than a quarter of the incidents use (in a knowledge base of more than 800)
is left out of the words' score, as a stopword of this knowledge base: it tells incidents
apart least, and its postings are the longest to read."""


@dataclass(frozen=True, slots=True)
class Match:
    """An incident like the file, its score, and why: the values both have (kind, value as
    the file writes it), the words that weighed most, and the days between their starts."""

    profile: Profile
    score: float
    shared: tuple[tuple[str, str], ...]
    words: tuple[str, ...]
    days_apart: int | None

    def reasons(self) -> str:
        """`shares cause dns, service API; words: resolver, TTL; started 2 days apart`."""
        parts = []
        if self.shared:
            kinds: dict[str, list[str]] = {}
            for kind, value in self.shared:
                kinds.setdefault(kind, []).append(value)
            parts.append("shares " + ", ".join(f"{kind} {' and '.join(values)}" for kind, values in kinds.items()))
        if self.words:
            parts.append("words: " + ", ".join(self.words))
        if self.days_apart is not None:
            parts.append("started the same day" if self.days_apart == 0 else f"started {_days(self.days_apart)} apart")
        return "; ".join(parts)


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _features(profile: Profile, organization: str | None) -> dict[tuple[str, str], str]:
    """The values other than causes a profile can share, keyed for matching, with the text
    shown as a reason."""
    found: dict[tuple[str, str], str] = {}
    org = profile.organization or organization
    if org:
        found[("organization", org.casefold())] = org
    for service in profile.services:
        # a service is compared within its organization: every company has an `API`
        found[("service", f"{(org or '').casefold()}\0{service.casefold()}")] = service
    for name in profile.upstream:
        found[("upstream", name.casefold())] = name
    for tag in profile.tags:
        found[("tag", tag.casefold())] = tag
    return found


def rank(
    draft: Profile,
    index: Index,
    catalog: Catalog,
    *,
    top: int = 5,
    organization: str | None = None,
    leave_out: Iterable[str] = (),
) -> list[Match]:
    """The `top` incidents of the index most like `draft`, best first; incidents whose
    path (relative to the index's folder) is in `leave_out` are not candidates."""
    excluded = set(leave_out)
    profiles = index.profiles
    total = len(profiles)
    if not total:
        return []
    tree = catalog.tree
    own = _features(draft, organization)
    own_causes = set(draft.causes)
    own_under = set(tree.with_ancestors(draft.causes))
    # the causes under which an incident shares one of the draft's causes or their broader ones
    related_causes = {cause for cause in catalog.causes if own_under.intersection(tree.with_ancestors([cause]))}
    related_causes |= own_causes  # a cause the catalog does not know matches only itself
    own_org = (draft.organization or organization or "").casefold()
    own_tags = {value for kind, value in own if kind == "tag"}
    own_upstream = {value for kind, value in own if kind == "upstream"}
    # what each incident shares with the draft, and how many incidents hold each shared value
    found: list[tuple[set[tuple[str, str]], set[str], set[str]] | None] = []
    holders: Counter[tuple[str, str]] = Counter()
    for profile in profiles:
        org = (profile.organization or organization or "").casefold()
        hits = related_causes.intersection(profile.causes)
        if (
            org != own_org  # then no organization and no service in common
            and not hits
            and not (own_tags and any(tag.casefold() in own_tags for tag in profile.tags))
            and not (own_upstream and any(name.casefold() in own_upstream for name in profile.upstream))
        ):
            found.append(None)  # nothing to share: the common case, kept cheap
            continue
        values = _features(profile, organization).keys() & own.keys()
        exact = own_causes.intersection(hits)
        under = own_under.intersection(tree.with_ancestors(hits)) if hits else set()
        if not values and not hits:
            found.append(None)
            continue
        holders.update(values)
        holders.update(("cause", cause) for cause in exact)
        holders.update(("broader cause", cause) for cause in under)
        found.append((values, exact, under))
    scores = [0.0] * total
    shared: list[list[tuple[str, str]]] = [[] for _ in range(total)]
    for position, shares in enumerate(found):
        if shares is None:
            continue
        values, exact, under = shares
        implied = set(tree.with_ancestors(exact))  # a shared cause's broader causes say nothing more
        keys = [*values, *(("cause", c) for c in exact), *(("broader cause", c) for c in under - implied)]
        for key in keys:
            kind = key[0]
            scores[position] += WEIGHTS[kind] * math.log(1 + total / holders[key])
            shared[position].append((kind, own.get(key, key[1])))
    # words: BM25 of the draft's stems as the query
    text = [0.0] * total
    average = index.average_length or 1.0
    norm = [BM25_K1 * (1 - BM25_B + BM25_B * p.length / average) for p in profiles]
    weights: dict[str, float] = {}
    common = max(COMMON_FLOOR, total * COMMON_SHARE)
    for term in draft.terms:
        if not 0 < index.holders(term) <= common:
            continue
        counts = index.counts(term)
        weight = weights[term] = math.log(1 + (total - len(counts) + 0.5) / (len(counts) + 0.5)) * (BM25_K1 + 1)
        for position, count in counts.items():
            text[position] += weight * count / (count + norm[position])
    best_text = max((t for position, t in enumerate(text) if profiles[position].path not in excluded), default=0.0)
    days: list[int | None] = [None] * total
    for position, profile in enumerate(profiles):
        if best_text > 0:
            scores[position] += TEXT_WEIGHT * text[position] / best_text
        if draft.started is not None and profile.started is not None:
            apart = abs(draft.started - profile.started) / 86400
            if apart <= TIME_HORIZON_DAYS:
                scores[position] += TIME_WEIGHT / (1 + apart / TIME_SCALE_DAYS)
                days[position] = round(apart)
    candidates = [position for position in range(total) if scores[position] > 0 and profiles[position].path not in excluded]
    candidates.sort(
        key=lambda position: (-scores[position], days[position] if days[position] is not None else 1e9, profiles[position].id)
    )
    order = list(WEIGHTS)
    matches = []
    for position in candidates[:top]:
        gains = {
            term: weight * times / (times + norm[position])
            for term, weight in weights.items()
            if (times := index.counts(term).get(position))
        }
        weighty = sorted(gains.items(), key=lambda item: (-item[1], item[0]))[:WORDS_SHOWN]
        matches.append(
            Match(
                profiles[position],
                round(scores[position], 3),
                tuple(sorted(shared[position], key=lambda reason: (order.index(reason[0]), reason[1].casefold()))),
                tuple(draft.shown.get(term, term) for term, _ in weighty),
                days[position],
            )
        )
    return matches


# a whole run ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    """One file's reading and its matches."""

    path: str
    problems: list[Problem]
    matches: list[Match]


def similar_to(
    paths: Sequence[str],
    folder: str,
    catalog: Catalog,
    *,
    top: int = 5,
    organization: str | None = None,
    cache_path: str | None = None,
) -> tuple[list[Result], Index]:
    """Rank the incidents of `folder` against each file; a file inside the folder is left
    out of its own results. Unknown ids in a file are reported as `validate` reports them."""
    index = build_index(folder, cache_path)
    known = {p.id for p in index.profiles}
    results = []
    for path in paths:
        reading = read_incident(path, organization=organization)
        problems = list(reading.problems)
        own_id = reading.profile.id
        problems += check_ids([Loaded(path, None, reading.id_uses, [])], catalog, known - {own_id})
        inside = os.path.relpath(os.path.realpath(path), os.path.realpath(folder))
        matches = rank(reading.profile, index, catalog, top=top, organization=organization, leave_out=[inside])
        results.append(Result(path, sorted(set(problems)), matches))
    return results, index


def incident_files(names: Iterable[str], folder: str) -> list[str]:
    """Of paths relative to the incidents folder (as `git diff --relative` gives them), the
    incident files that exist: `.yaml` or `.yml`, not the catalog, not in an image folder, and
    named as an id (a file with another name is no incident; `validate` says so)."""
    found = []
    for name in names:
        path = os.path.join(folder, name)
        stem, suffix = os.path.splitext(os.path.basename(name))
        if suffix not in INCIDENT_SUFFIXES or name == CATALOG_NAME or id_problem(stem, suffix) or not os.path.isfile(path):
            continue
        parent = os.path.dirname(path)
        if any(os.path.isfile(parent + suffix) for suffix in INCIDENT_SUFFIXES):
            continue  # inside `<id>/`, an incident's image folder: validate reports it
        found.append(path)
    return found


# reports ----------------------------------------------------------------------------------------


def _display(path: str) -> str:
    from .problems import display_path

    return display_path(path).replace(os.sep, "/")


def text_report(results: Sequence[Result], folder: str) -> str:
    """The results as a person reads them in a terminal: rank, id, score, title, file, why."""
    lines: list[str] = []
    for result in results:
        if not result.matches:
            lines.append(f"{_display(result.path)}: no incident of the knowledge base is like it")
            continue
        lines.append(f"Incidents most like {_display(result.path)}:")
        for number, match in enumerate(result.matches, 1):
            lines.append(f"{number:>2}. {match.profile.id} (score {match.score:g})")
            if match.profile.title:
                lines.append(f"    {match.profile.title}")
            lines.append(f"    {_display(os.path.join(folder, match.profile.path))}")
            lines.append(f"    {match.reasons()}")
    return "\n".join(lines) + "\n"


def json_report(results: Sequence[Result], folder: str) -> str:
    """The results as JSON (documented in docs/similar.md): one object per file read."""
    data = [
        {
            "file": _display(result.path),
            "problems": [
                {"path": _display(p.path), "line": p.line, "column": p.column, "severity": p.severity, "message": p.message}
                for p in result.problems
            ],
            "similar": [
                {
                    "id": match.profile.id,
                    "title": match.profile.title,
                    "path": _display(os.path.join(folder, match.profile.path)),
                    "score": match.score,
                    "reasons": {
                        "shared": [{"kind": kind, "value": value} for kind, value in match.shared],
                        "words": list(match.words),
                        "days_apart": match.days_apart,
                    },
                }
                for match in result.matches
            ],
        }
        for result in results
    ]
    return json.dumps(data, indent=2) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")


def _markdown_text(text: str) -> str:
    """Text shown as itself in Markdown (a title with `|`, `<b>` or `*` in it)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


MARKDOWN_HEADING = "Incidents like the ones in this change"


def markdown_report(results: Sequence[Result], folder: str, site_url: str | None = None) -> str:
    """The results for a pull request's job summary: per file, a table of the incidents most
    like it with the reasons, linked to their pages when the site's address is known, and the
    `related:` line that names them."""
    from .paths import incident_page, page_address

    lines = [f"## {MARKDOWN_HEADING}", ""]
    if not results:
        lines += ["No incident file was added or changed.", ""]
    for result in results:
        lines += [f"### `{_display(result.path)}`", ""]
        if result.problems:
            lines += [
                f"{len(result.problems)} problem(s) in this file kept part of it from being read; "
                "the check of the incident files names them.",
                "",
            ]
        if not result.matches:
            lines += ["No incident of the knowledge base is like it.", ""]
            continue
        lines += ["| | incident | why |", "|---:|---|---|"]
        for number, match in enumerate(result.matches, 1):
            profile = match.profile
            title = _markdown_text(profile.title or profile.id)
            if site_url:
                title = f"[{title}]({page_address(incident_page(profile.id), True, site_url)})"
            where = _display(os.path.join(folder, profile.path))
            lines.append(f"| {number} | {title}<br>`{profile.id}` in `{where}` | {_markdown_text(match.reasons())} |")
        ids = ", ".join(match.profile.id for match in result.matches)
        lines += [
            "",
            "If one of them is the same outage, keep one file; if some are related, name them in the file:",
            "",
            "```yaml",
            f"related: [{ids}]",
            "```",
            "",
        ]
    return "\n".join(lines)
