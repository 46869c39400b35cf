"""No input crashes the loader: random bytes, random YAML-ish text and mutations of valid
incidents each give a model or problems with positions, never an exception."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL_INCIDENT, ROOT
from outagekb import spec, yamlread
from outagekb.graph import build_graph
from outagekb.loader import load_catalog, load_incident, load_knowledge_base
from outagekb.render import Renderer, RenderOptions

FUZZ = settings(
    max_examples=int(os.environ.get("OUTAGEKB_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=os.environ.get("OUTAGEKB_FUZZ_RANDOM") != "1",  # reproducible in CI; set to 1 to explore
)

SEED_FILES = [MINIMAL_INCIDENT] + [path.read_text(encoding="utf-8") for path in sorted((ROOT / "incidents").glob("2*.yaml"))[:6]]

# pieces that exercise the reader's refusals and the converter's checks
YAML_PIECES = [
    "&a ",
    "*a",
    "!!binary ",
    "!!python/object:os.system ",
    "<<: ",
    "---\n",
    "...\n",
    "? ",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "|\n",
    ">-\n",
    "#",
    "\t",
    "\n",
    "  ",
    "~",
    "null",
    "yes",
    "0644",
    "1:30",
    "2024-02-30",
    "2024-05-01T10:00:00+99:00",
    "\\u0000",
    "\x07",
    "\u202e",
    "\ufeff",
    "%YAML 1.1\n",
    "%TAG ! tag:x:\n",
    "title",
    "causes",
    "role",
    "trigger",
    "cause",
    "lesson",
    "timeline",
    "at",
    "approximate",
    "due",
    "url",
    "javascript:",
    "<script>",
    "{{ x }}",
    "\ud800",
    "é",
    "9" * 30,
]


def check(path: str, run: object) -> None:
    """Problems must point at real lines and columns and format as path:line:column."""
    problems = getattr(run, "problems", None)
    if problems is None:
        _, problems = run  # type: ignore[misc]
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1
        assert problem.format().startswith(f"{problem.path}:{problem.line}:{problem.column}: {problem.severity}: ")


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    root, problems = yamlread.parse_bytes("x.yaml", data)
    assert root is not None or problems


@FUZZ
@given(st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=8), max_size=60))
def test_random_yaml_pieces_never_raise(tmp_path: Path, pieces: list[str]) -> None:
    path = tmp_path / "2024-01-01-fuzz.yaml"
    path.write_bytes("".join(pieces).encode("utf-8", "surrogatepass"))
    check(str(path), load_incident("2024-01-01-fuzz", str(path)))
    check(str(path), load_catalog(str(path)))


@FUZZ
@given(
    st.sampled_from(SEED_FILES),
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=12), st.sampled_from(YAML_PIECES)
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_mutated_incidents_never_raise(tmp_path: Path, seed: str, edits: list[tuple[int, int, str]]) -> None:
    """Cut a few characters somewhere and splice in a piece of YAML or of the format."""
    text = seed
    for position, cut, piece in edits:
        at = position % (len(text) + 1)
        text = text[:at] + piece + text[at + cut :]
    path = tmp_path / "2024-01-01-fuzz.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    check(str(path), load_incident("2024-01-01-fuzz", str(path)))


@FUZZ
@given(st.integers(min_value=1, max_value=400), st.sampled_from(["[", "{", "- ", "a:\n" + " " * 2]))
def test_deep_nesting_never_recurses(tmp_path: Path, depth: int, opener: str) -> None:
    path = tmp_path / "2024-01-01-deep.yaml"
    path.write_text("title: " + opener * depth + "x\n", encoding="utf-8")
    check(str(path), load_incident("2024-01-01-deep", str(path)))


FIELD_NAMES = sorted(
    {
        f.name
        for record in (
            spec.INCIDENT,
            spec.CAUSE_ENTRY,
            spec.TIMELINE_ENTRY,
            spec.UPDATE_ENTRY,
            spec.ACTION_ENTRY,
            spec.REFERENCE_ENTRY,
            spec.RETROSPECTIVE,
            spec.LESSON_ENTRY,
        )
        for f in record.fields
    }
)
SCALARS = st.sampled_from(
    [p for p in YAML_PIECES if "\ud800" not in p]
    + ["2024-05-01T10:00:00Z", "config-change", "dns", "staged-rollout", "trigger", "major", "true", "https://example.com", ""]
) | st.text(max_size=12)
VALUES = st.recursive(
    SCALARS | st.none() | st.integers() | st.booleans(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=25,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), VALUES, max_size=14), st.booleans())
def test_well_formed_yaml_of_the_wrong_shape_never_raises(tmp_path: Path, document: dict[str, object], flow: bool) -> None:
    """Valid YAML whose keys are the format's own names and whose values are anything."""
    path = tmp_path / "2024-01-01-shape.yaml"
    path.write_text(yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True), encoding="utf-8")
    check(str(path), load_incident("2024-01-01-shape", str(path)))


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 3, 10))
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), VALUES, max_size=14))
def test_whatever_loads_also_renders(tmp_path: Path, extra: dict[str, object]) -> None:
    """Fields that pass the loader, however odd, render into pages without an exception."""
    folder = tmp_path / "incidents"
    folder.mkdir(exist_ok=True)
    text = MINIMAL_INCIDENT + yaml.safe_dump(extra, allow_unicode=True) if extra else MINIMAL_INCIDENT
    (folder / "2024-05-01-example.yaml").write_text(text, encoding="utf-8")
    kb, problems = load_knowledge_base(str(folder))
    for use_directory_urls in (True, False):
        renderer = Renderer(build_graph(kb), RenderOptions(use_directory_urls=use_directory_urls, include_drafts=True))
        assert renderer.pages() and renderer.assets()
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1
