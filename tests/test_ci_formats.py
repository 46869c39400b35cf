"""What CI reads from outagekb: `outagekb validate --format gitlab|sarif|json` against the
published schemas, the pipelines `outagekb init` writes for GitHub and GitLab, the severity
scale `init --severities` writes, and the requirement line `init` writes for each way
outagekb can have been installed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import build, page_file
from outagekb import __version__
from outagekb.cli import main
from outagekb.loader import load_catalog
from outagekb.problems import FORMATS, Problem, code_quality, print_problems
from outagekb.scaffold import EXAMPLE_ID, outagekb_requirement, requirements, severity_levels, severity_title

FIXTURES = Path(__file__).parent / "fixtures" / "ci"

BROKEN = """\
title: Checkout down
organization: Acme
services: [Checkout]
severity: huge
started: 2025-03-04T15:16:00Z
summary: The checkout failed.
causes:
  - cause: dnss
    role: trigger
"""


@pytest.fixture
def broken_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new knowledge base with one bad file in a sub-folder; the working directory is its root."""
    assert main(["init", str(tmp_path / "kb")]) == 0
    (tmp_path / "kb/incidents/2025").mkdir()
    (tmp_path / "kb/incidents/2025/2025-03-04-acme-checkout.yaml").write_text(BROKEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "kb")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path / "kb"


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def schema_validator(name: str) -> Any:
    """The validator of the draft the schema declares (SARIF's is draft-04), checking the schema first."""
    schema = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


# validate --format --------------------------------------------------------------------------


def test_text_is_the_default_and_unchanged(broken_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, default, _ = validate(capsys)
    assert code == 1
    assert validate(capsys, "--format", "text")[:2] == (1, default)
    assert default == (
        "incidents/2025/2025-03-04-acme-checkout.yaml:4:11: error: severity: `huge` is not one of "
        "`critical`, `major` or `minor`\n"
        "incidents/2025/2025-03-04-acme-checkout.yaml:8:12: error: causes[0].cause: unknown cause `dnss`; did you mean `dns`?\n"
    )


def test_annotations_only_in_text(broken_kb: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert "::error file=incidents/2025/2025-03-04-acme-checkout.yaml,line=4,col=11::" in validate(capsys)[1]
    for output_format in ("gitlab", "sarif", "json"):
        code, out, _ = validate(capsys, "--format", output_format)
        assert code == 1 and "::error" not in out
        json.loads(out)  # nothing but the report on standard output


def test_gitlab_code_quality_report_follows_the_documented_format(broken_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = validate(capsys, "--format", "gitlab")
    assert code == 1 and "2 errors" in err
    report = json.loads(out)
    schema_validator("gitlab-code-quality.schema.json").validate(report)
    assert [(r["location"]["path"], r["location"]["lines"]["begin"], r["severity"]) for r in report] == [
        ("incidents/2025/2025-03-04-acme-checkout.yaml", 4, "major"),
        ("incidents/2025/2025-03-04-acme-checkout.yaml", 8, "major"),
    ]
    assert report[1]["description"].startswith("causes[0].cause: unknown cause `dnss`; did you mean `dns`?")
    assert len({r["fingerprint"] for r in report}) == len(report)


def test_an_empty_report_when_there_are_no_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "kb")]) == 0
    monkeypatch.chdir(tmp_path / "kb")
    assert validate(capsys, "--format", "gitlab")[:2] == (0, "[]\n")
    assert validate(capsys, "--format", "json")[:2] == (0, "[]\n")
    code, out, _ = validate(capsys, "--format", "sarif")
    assert code == 0 and json.loads(out)["runs"][0]["results"] == []
    schema_validator("sarif-schema-2.1.0.json").validate(json.loads(out))


def test_fingerprints_survive_lines_added_above_and_tell_twins_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "a.yaml"
    path.write_text("title: x\nseverity: huge\n", encoding="utf-8")
    before = code_quality([Problem(str(path), 2, 11, "severity: bad")])[0]["fingerprint"]
    path.write_text("# a comment\ntitle: x\nseverity: huge\n", encoding="utf-8")
    after = code_quality([Problem(str(path), 3, 11, "severity: bad")])[0]["fingerprint"]
    assert before == after
    twins = code_quality([Problem(str(path), 3, 11, "severity: bad"), Problem(str(path), 3, 11, "severity: bad")])
    assert twins[0]["fingerprint"] == after and twins[1]["fingerprint"] != after
    # a folder has no line to read: its position stands in
    folder = code_quality([Problem(str(tmp_path), 1, 1, "the incidents folder does not exist")])[0]
    assert folder["fingerprint"] and folder["location"] == {"path": ".", "lines": {"begin": 1}}


def test_sarif_log_validates_against_the_official_schema(broken_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = validate(capsys, "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    schema_validator("sarif-schema-2.1.0.json").validate(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "outagekb" and driver["version"] == __version__ and driver["informationUri"].startswith("https://")
    rule_ids = {rule["id"] for rule in driver["rules"]}
    first = run["results"][0]
    assert first["level"] == "error" and first["ruleId"] in rule_ids
    assert first["message"]["text"].startswith("severity: `huge` is not one of")
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "incidents/2025/2025-03-04-acme-checkout.yaml"
    assert location["region"] == {"startLine": 4, "startColumn": 11}


def test_json_is_a_plain_list(broken_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = validate(capsys, "--format", "json", "-q")
    assert code == 1
    problems = json.loads(out)
    assert problems[0] == {
        "path": "incidents/2025/2025-03-04-acme-checkout.yaml",
        "line": 4,
        "column": 11,
        "severity": "error",
        "message": problems[0]["message"],
    }
    assert [sorted(p) for p in problems] == [["column", "line", "message", "path", "severity"]] * 2


def test_paths_are_relative_to_the_working_directory(
    broken_kb: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(broken_kb.parent)
    code, out, _ = validate(capsys, "--format", "json", "kb/incidents")
    assert code == 1 and {p["path"] for p in json.loads(out)} == {"kb/incidents/2025/2025-03-04-acme-checkout.yaml"}


def test_an_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "xml"]) == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
    assert FORMATS == ("text", "gitlab", "sarif", "json")


def test_print_problems_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    print_problems([Problem("a.yaml", 1, 2, "m")], annotate=True)
    assert capsys.readouterr().out == "a.yaml:1:2: error: m\n::error file=a.yaml,line=1,col=2::m\n"


# the pipelines init writes -----------------------------------------------------------------


def test_github_workflow_builds_daily_and_deploys_from_that_run(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "kb")]) == 0
    workflow = yaml.safe_load((tmp_path / "kb/.github/workflows/outagekb.yml").read_text(encoding="utf-8"))
    schedule = workflow[True]["schedule"]  # YAML 1.1 reads the key `on` as true
    assert len(schedule) == 1 and len(schedule[0]["cron"].split()) == 5 and schedule[0]["cron"].endswith("* * *")
    deploy_if = workflow["jobs"]["deploy"]["if"]
    upload_if = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("name") == "Upload the public site")["if"]
    # a scheduled run is no pull request and runs on the default branch: it uploads and deploys
    assert deploy_if == upload_if == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert not (tmp_path / "kb/.gitlab-ci.yml").exists()


def test_gitlab_pipeline_checks_merge_requests_and_publishes_pages(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "kb"), "--ci", "gitlab"]) == 0
    assert not (tmp_path / "kb/.github").exists()
    pipeline = yaml.safe_load((tmp_path / "kb/.gitlab-ci.yml").read_text(encoding="utf-8"))
    default_branch = "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    merge_request = '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert [rule["if"] for rule in pipeline["workflow"]["rules"]] == [merge_request, default_branch]
    stages = pipeline["stages"]
    jobs = {name: job for name, job in pipeline.items() if isinstance(job, dict) and "script" in job}
    assert set(jobs) == {"validate", "similar", "build", "internal-site", "pages"}
    assert all(job["stage"] in stages for job in jobs.values())
    assert stages.index(jobs["validate"]["stage"]) < stages.index(jobs["pages"]["stage"])  # no deploy after a failed check
    assert "pip install -r requirements.txt" in pipeline["default"]["before_script"]

    pages = jobs["pages"]
    assert "public" in pages["artifacts"]["paths"]
    assert pages["script"] == ["mkdocs build --strict -d public"]
    assert pages["variables"] == {"OUTAGEKB_AUDIENCE": "public"}  # GitLab Pages may be read by anyone
    assert [rule["if"] for rule in pages["rules"]] == [default_branch]
    internal = jobs["internal-site"]
    assert internal["variables"] == {"OUTAGEKB_AUDIENCE": "internal"} and "site-internal" in internal["artifacts"]["paths"]
    assert [rule["if"] for rule in internal["rules"]] == [default_branch]
    assert [rule["if"] for rule in jobs["build"]["rules"]] == [merge_request]
    assert jobs["build"]["script"] == [
        "OUTAGEKB_AUDIENCE=internal mkdocs build --strict -d site-internal",
        "OUTAGEKB_AUDIENCE=public mkdocs build --strict -d site",
    ]

    check = jobs["validate"]
    assert "rules" not in check  # every pipeline: merge requests, pushes and schedules of the default branch
    assert check["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert check["artifacts"]["when"] == "always"  # uploaded when the job fails too
    assert check["script"][0].startswith("outagekb validate --format gitlab > gl-code-quality-report.json")
    text = (tmp_path / "kb/.gitlab-ci.yml").read_text(encoding="utf-8")
    assert "Pipeline schedules" in text  # the note on the daily build


def run_script(lines: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A job's script as GitLab's runner runs it: one shell that stops at the first failing line."""
    environment = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run(["sh", "-e", "-c", "\n".join(lines)], cwd=cwd, capture_output=True, text=True, env=environment)


def test_gitlab_validate_job_writes_the_report_and_still_fails(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "kb"), "--ci", "gitlab"]) == 0
    kb = tmp_path / "kb"
    script = yaml.safe_load((kb / ".gitlab-ci.yml").read_text(encoding="utf-8"))["validate"]["script"]
    passed = run_script(script, kb)
    assert passed.returncode == 0, passed.stderr
    assert json.loads((kb / "gl-code-quality-report.json").read_text(encoding="utf-8")) == []

    (kb / f"incidents/{EXAMPLE_ID}.yaml").write_text(BROKEN.replace("2025-03-04", EXAMPLE_ID[:10]), encoding="utf-8")
    failed = run_script(script, kb)
    assert failed.returncode == 1
    assert f"incidents/{EXAMPLE_ID}.yaml:4:11: error: severity" in failed.stdout  # readable in the job log
    report = json.loads((kb / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    schema_validator("gitlab-code-quality.schema.json").validate(report)
    assert {r["location"]["path"] for r in report} == {f"incidents/{EXAMPLE_ID}.yaml"} and len(report) == 2


# init --severities --------------------------------------------------------------------------


def test_init_writes_the_severity_scale_and_an_example_that_uses_it(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    assert main(["init", str(kb), "--severities", "sev1, sev2,sev3,sev4", "--ci", "gitlab"]) == 0
    text = (kb / "incidents/catalog.yaml").read_text(encoding="utf-8")
    shipped = (Path(__file__).parent.parent / "plugins/outagekb/defaults/catalog.yaml").read_text(encoding="utf-8")
    assert shipped.split("\ncauses:", 1)[1] in text  # the shipped causes and lessons, unchanged
    assert "describe SEV-1" in text  # a placeholder that asks the team to describe the level
    catalog, problems = load_catalog(str(kb / "incidents/catalog.yaml"))
    assert problems == []
    assert [(s.id, s.title, s.description) for s in catalog.severities] == [
        ("sev1", "SEV-1", ""),
        ("sev2", "SEV-2", ""),
        ("sev3", "SEV-3", ""),
        ("sev4", "SEV-4", ""),
    ]
    example = yaml.safe_load((kb / f"incidents/{EXAMPLE_ID}.yaml").read_text(encoding="utf-8"))
    assert example["severity"] in catalog.severity_ids
    site = build(kb)
    assert "SEV-2" in page_file(site, f"incidents/{EXAMPLE_ID}").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ("", "separated by commas"),
        ("Sev1,sev2", "ids are lowercase; write `sev1`"),
        ("sev_1", "lowercase ASCII letters, digits and single hyphens"),
        ("p1,p2", "3 to 80 characters"),
        ("sev1,sev2,sev1", "`sev1` is given twice"),
    ],
)
def test_init_refuses_severity_ids_the_catalog_would_refuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, fragment: str
) -> None:
    assert main(["init", str(tmp_path / "kb"), "--severities", given]) == 2
    assert fragment in capsys.readouterr().err
    assert not (tmp_path / "kb").exists()


def test_severity_titles_are_made_from_ids() -> None:
    assert [severity_title(level) for level in ("sev1", "sev-2", "p-1", "critical", "very-high")] == [
        "SEV-1",
        "SEV-2",
        "P-1",
        "Critical",
        "Very high",
    ]
    assert severity_levels("sev1,sev2") == ["sev1", "sev2"]


# requirements.txt: the same outagekb ---------------------------------------------------------


class FakeDistribution(metadata.Distribution):
    """An installed outagekb with the given PEP 610 direct_url.json (None: from an index)."""

    def __init__(self, direct_url: dict[str, Any] | str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, filename: str) -> str | None:
        if filename == "METADATA":
            return "Metadata-Version: 2.1\nName: outagekb\nVersion: 9.8.7\n"
        if filename == "direct_url.json" and self.direct_url is not None:
            return self.direct_url if isinstance(self.direct_url, str) else json.dumps(self.direct_url)
        return None

    def locate_file(self, path: Any) -> Any:
        return Path(path)


def requirement_lines(direct_url: dict[str, Any] | str | None) -> tuple[list[str], list[str]]:
    """(requirement lines, comment lines) for one origin."""
    lines = outagekb_requirement(FakeDistribution(direct_url))
    return [line for line in lines if not line.startswith("#")], [line for line in lines if line.startswith("#")]


def test_an_index_install_is_pinned_by_version() -> None:
    assert requirement_lines(None) == (["outagekb==9.8.7"], [])
    assert requirement_lines("not json") == (["outagekb==9.8.7"], [])


def test_a_git_install_is_pinned_to_its_commit() -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    origin = {
        "url": "https://github.com/acme/outagekb.git",
        "vcs_info": {"vcs": "git", "commit_id": commit, "requested_revision": "v1.0"},
    }
    lines, comments = requirement_lines(origin)
    assert lines == [f"outagekb @ git+https://github.com/acme/outagekb.git@{commit}"]
    assert "asked for v1.0" in comments[0]
    origin["subdirectory"] = "python"
    assert requirement_lines(origin)[0] == [f"outagekb @ git+https://github.com/acme/outagekb.git@{commit}#subdirectory=python"]


def test_a_local_wheel_is_named_by_its_file_with_a_warning() -> None:
    url = "file:///home/me/dist/outagekb-9.8.7-py3-none-any.whl"
    lines, comments = requirement_lines({"url": url, "archive_info": {"hashes": {"sha256": "ab" * 32}}})
    assert lines == [f"outagekb @ {url}"]
    assert any("installs there only" in line for line in comments)
    assert any("git+https://" in line and "./outagekb-9.8.7-py3-none-any.whl" in line for line in comments)


def test_a_remote_wheel_keeps_its_hash() -> None:
    url = "https://example.com/releases/outagekb-9.8.7-py3-none-any.whl"
    assert requirement_lines({"url": url, "archive_info": {"hashes": {"sha256": "ab" * 32}}}) == (
        [f"outagekb @ {url}#sha256={'ab' * 32}"],
        [],
    )
    assert requirement_lines({"url": url, "archive_info": {}}) == ([f"outagekb @ {url}"], [])


@pytest.mark.parametrize("editable", [True, False])
def test_a_local_folder_is_named_with_a_warning_and_what_to_use_in_ci(editable: bool) -> None:
    lines, comments = requirement_lines({"url": "file:///home/me/outagekb", "dir_info": {"editable": editable}})
    assert lines == ["outagekb @ file:///home/me/outagekb"]
    assert any("this machine only" in line or "that machine only" in line for line in comments)
    assert any("For CI" in line and "git+https://" in line for line in comments)


def test_requirements_keep_the_other_pins() -> None:
    text = requirements(FakeDistribution(None))
    lines = text.splitlines()
    assert "outagekb==9.8.7" in lines
    for name in ("mkdocs", "mkdocs-material", "PyYAML", "Markdown", "Jinja2", "nh3"):
        assert f"{name}=={metadata.version(name)}" in lines


# the docs say what the code does ----------------------------------------------------------


def test_readme_and_contributing_agree_with_the_code() -> None:
    from conftest import ROOT
    from outagekb.scaffold import WORKFLOW

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    contributing = (ROOT / "docs/contributing.md").read_text(encoding="utf-8")
    for text in ("not on PyPI yet", 'pip install "outagekb @ git+https://', "--ci gitlab", "--severities sev1,sev2,sev3,sev4"):
        assert text in readme, text
    assert all(f"`{name}`" in readme for name in FORMATS)
    # pre-commit pinned by a commit: outagekb has no release tags
    revs = re.findall(r"^\s*rev:\s*(.+?)\s*$", contributing, flags=re.MULTILINE)
    assert revs and all(re.fullmatch(r"[0-9a-f]{40}|<40-hex commit>", rev) for rev in revs), revs
    minute, hour = re.search(r'cron: "(\d+) (\d+) \* \* \*"', WORKFLOW).groups()  # type: ignore[union-attr]
    assert f"{int(hour):02d}:{int(minute):02d} UTC" in contributing
