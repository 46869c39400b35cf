"""Golden cases of the loader's problem messages: tests/golden/problems/<topic>/<case>.yml.

Each case is one YAML document: a first-line comment saying what it is about, `files` (the
incident folder's contents, file name -> text, written exactly as given; a `catalog.yaml`
among them replaces the shipped catalog), optionally `files_base64` (file name -> the file's
bytes in base64, for what a YAML string cannot hold, such as bytes that are not UTF-8), and
`problems`: every line `outagekb validate` would print for the folder, paths relative to it.

`pytest --update-golden` rewrites the `problems` lists from the current code (the comment and
the files stay as written); read every rewritten line before committing it.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
import yaml

from conftest import Golden
from outagekb.loader import load_knowledge_base

CASES = Path(__file__).resolve().parent / "golden" / "problems"
CASE_FILES = sorted(CASES.rglob("*.yml"))
KEYS = {"files", "files_base64", "problems"}


def case_id(path: Path) -> str:
    return path.relative_to(CASES).as_posix()


def write_case(case: Path, folder: Path) -> None:
    """Write the case's files into `folder`, after checking the case's own form."""
    text = case.read_text(encoding="utf-8")
    assert text.startswith("# "), f"{case_id(case)}: the first line must be a comment saying what the case is about"
    document = yaml.safe_load(text)
    assert isinstance(document, dict), f"{case_id(case)}: a case is a mapping"
    assert set(document) <= KEYS, f"{case_id(case)}: unknown keys {sorted(set(document) - KEYS)}"
    files = document.get("files") or {}
    binary = document.get("files_base64") or {}
    assert files or binary, f"{case_id(case)}: no files"
    assert not set(files) & set(binary), f"{case_id(case)}: a file given twice"
    folder.mkdir(parents=True)
    for name, body in [*files.items(), *binary.items()]:
        assert isinstance(name, str) and ".." not in Path(name).parts and not Path(name).is_absolute(), name
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name in binary:
            target.write_bytes(base64.b64decode(body, validate=True))
        else:
            assert isinstance(body, str), f"{case_id(case)}: {name} must be text"
            target.write_bytes(body.encode("utf-8"))


def test_there_are_cases() -> None:
    assert len(CASE_FILES) >= 40
    assert all(case.parent.parent == CASES for case in CASE_FILES), "cases live in tests/golden/problems/<topic>/"


@pytest.mark.parametrize("case", CASE_FILES, ids=case_id)
def test_problems(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, golden: Golden) -> None:
    folder = Path(os.path.realpath(tmp_path)) / "incidents"
    write_case(case, folder)
    monkeypatch.chdir(folder)  # Problem.format() shows paths relative to the working directory
    _, problems = load_knowledge_base(str(folder))
    golden.key(case, "problems", [problem.format() for problem in problems])
