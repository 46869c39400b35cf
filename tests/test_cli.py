"""`outagekb validate`: the same messages as the build, and documented exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from conftest import MINIMAL_INCIDENT, ROOT, build, make_project
from outagekb.cli import main


def test_showcase_is_clean(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["validate"]) == 0
    assert "no problems" in capsys.readouterr().err


def test_problems_exit_1_with_annotations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"2024-05-01-example-config-push.yaml": MINIMAL_INCIDENT.replace("major", "huge")})
    monkeypatch.chdir(project)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["validate"]) == 1
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert "1 incident file(s) checked" in captured.err and "1 error" in captured.err
    assert out[0].startswith("incidents/2024-05-01-example-config-push.yaml:4:11: error: severity: `huge`")
    assert out[1].startswith("::error file=incidents/2024-05-01-example-config-push.yaml,line=4,col=11::severity")


def test_build_and_validate_print_the_same_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = MINIMAL_INCIDENT.replace("major", "huge").replace("cause: config-change", "cause: confg-change")
    project = make_project(tmp_path, {"2024-05-01-example-config-push.yaml": broken, "2024-05-02-other.yaml": "title: [\n"})
    monkeypatch.chdir(project)
    assert main(["validate", "-q"]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 3
    with pytest.raises(Abort):
        build(project)
    logged = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
    # the build logs through MkDocs' plugin logger, which names the plugin first
    assert all(line.startswith("outagekb: ") for line in logged if ": error: " in line)
    assert [line.removeprefix("outagekb: ").replace(str(project) + "/", "") for line in logged if ": error: " in line] == printed


def test_single_file_and_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, {"2024-05-01-example-config-push.yaml": MINIMAL_INCIDENT})
    monkeypatch.chdir(project)
    assert main(["validate", "incidents/2024-05-01-example-config-push.yaml"]) == 0
    assert main(["validate", "incidents/nope.yaml"]) == 2
    assert main(["frobnicate"]) == 2
    assert main([]) == 2


def test_console_script_version() -> None:
    result = subprocess.run([sys.executable, "-m", "outagekb.cli", "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("outagekb ")
