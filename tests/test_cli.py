"""`outagekb validate`: the same messages as the build, and documented exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from conftest import MINIMAL_INCIDENT, ROOT, build, make_project
from outagekb.cli import main
from outagekb.loader import load_knowledge_base
from outagekb.problems import errors


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


# hand-written pages at generated paths ------------------------------------------------------


def test_validate_reports_a_hand_written_page_as_the_build_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(tmp_path, {"2024-05-01-example-config-push.yaml": MINIMAL_INCIDENT})
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text() + "docs_dir: pages\n")
    (project / "docs").rename(project / "pages")
    for hand_written in ("incidents/2024-05-01-example-config-push.md", "causes/dns.md", "lessons/index.md", "feed.xml"):
        (project / "pages" / hand_written).parent.mkdir(parents=True, exist_ok=True)
        (project / "pages" / hand_written).write_text("mine\n", encoding="utf-8")
    (project / "pages" / "incidents" / "notes.md").write_text("no generated page has this path\n", encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["validate", "-q"]) == 1
    printed = capsys.readouterr().out.splitlines()
    message = "1:1: error: outagekb generates this page; rename or remove the hand-written file"
    assert printed == [
        f"pages/causes/dns.md:{message}",
        f"pages/feed.xml:{message}",
        f"pages/incidents/2024-05-01-example-config-push.md:{message}",
        f"pages/lessons/index.md:{message}",
    ]
    with pytest.raises(Abort):
        build(project)
    logged = [r.getMessage().removeprefix("outagekb: ") for r in caplog.records if r.levelname == "ERROR"]
    assert sorted(line.replace(str(project) + "/", "") for line in logged if ": error: " in line) == printed


def test_the_generated_paths_are_what_the_renderer_makes() -> None:
    from outagekb.graph import build_graph
    from outagekb.paths import generated_paths
    from outagekb.render import Renderer

    kb, problems = load_knowledge_base(str(ROOT / "incidents"))
    assert not errors(problems)
    made = Renderer(build_graph(kb)).outputs()
    ids = [incident.id for incident in kb.incidents if not incident.draft]
    listed = generated_paths(ids, kb.catalog.causes, kb.catalog.lessons)
    assert sorted(listed) == sorted(made) and len(listed) == len(set(listed))


# where the knowledge base is -----------------------------------------------------------------


def test_commands_find_the_knowledge_base_from_a_folder_inside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = MINIMAL_INCIDENT.replace("major", "huge")
    project = make_project(tmp_path / "kb", {"2024/2024-05-01-example-config-push.yaml": bad})
    monkeypatch.chdir(project / "incidents")
    assert main(["validate", "-q"]) == 1
    assert capsys.readouterr().out.startswith("2024/2024-05-01-example-config-push.yaml:4:11: error: severity: `huge`")
    monkeypatch.chdir(project / "incidents" / "2024")
    assert main(["validate", "-q"]) == 1
    assert capsys.readouterr().out.startswith("2024-05-01-example-config-push.yaml:4:11: error: severity: `huge`")
    assert main(["render", "-q", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().out.startswith("2024-05-01-example-config-push.yaml:4:11: error: severity: `huge`")

    (project / "incidents" / "2024" / "2024-05-01-example-config-push.yaml").write_text(MINIMAL_INCIDENT, encoding="utf-8")
    assert main(["validate", "-q"]) == 0
    assert main(["render", "-q", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "incidents" / "2024-05-01-example-config-push.md").is_file()


def test_outside_any_knowledge_base_every_command_says_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    said = []
    for command in (["validate"], ["render", str(tmp_path / "out")]):
        assert main(command) == 2
        said.append(capsys.readouterr().err.split(": ", 1)[1].split("; run it inside", 1)[0])
    assert said == ["no knowledge base here: no mkdocs.yml and no incidents folder in this folder or any folder above it"] * 2
    assert not (tmp_path / "out").exists()
    assert main(["render", "--incidents", "nope", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == "outagekb render: nope: no such folder\n"
    assert main(["validate", "nope"]) == 2
    assert capsys.readouterr().err == "outagekb validate: nope: no such file or folder\n"
