"""`outagekb similar`: paraphrased write-ups of showcase incidents find their originals, a
broken draft still gets results and its problems, the index cache, and the step the
workflows of `outagekb init` run on a pull or merge request."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import outagekb
from conftest import ROOT
from outagekb import similar as similar_module
from outagekb.cli import main
from outagekb.similar import CACHE_FILE, parse_partially, stem, words

FIXTURES = ROOT / "tests/fixtures/similar"

PARAPHRASES = {
    "2021-10-05-fb-backbone-drill.yaml": "2021-10-04-meta-bgp-withdrawal",
    "2024-07-19-endpoint-agent-bluescreen.yaml": "2024-07-19-crowdstrike-channel-file-291",
    "2019-07-02-edge-proxy-cpu-pegged.yaml": "2019-07-02-cloudflare-waf-regex-cpu-exhaustion",
    "2017-02-01-hosted-git-postgres-wiped.yaml": "2017-01-31-gitlab-database-deletion",
    "2017-03-01-object-store-typo.yaml": "2017-02-28-aws-s3-capacity-removal",
    "2021-06-08-cdn-tenant-setting-crash.yaml": "2021-06-08-fastly-customer-config-latent-bug",
    "broken-draft-dynamodb-endpoint.yaml": "2025-10-20-aws-dynamodb-dns-race",
}
"""Each fixture is a write-up, in other words and with fields missing, of the showcase incident named."""


def similar_json(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    code = main(["similar", *arguments, "--format", "json", "--no-cache"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out else [], captured.err


@pytest.mark.parametrize("fixture", sorted(PARAPHRASES))
def test_a_paraphrase_of_a_showcase_incident_ranks_the_original_first(
    fixture: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, results, _ = similar_json([str(FIXTURES / fixture)], capsys)
    assert code == 0
    (result,) = results
    ranked = result["similar"]
    assert isinstance(ranked, list) and len(ranked) == 5
    first, second = ranked[0], ranked[1]
    assert first["id"] == PARAPHRASES[fixture]
    assert first["path"] == f"incidents/{PARAPHRASES[fixture]}.yaml"
    assert first["score"] > second["score"]
    reasons = first["reasons"]
    assert reasons["words"], reasons  # the words weigh in every time: the texts are paraphrases
    assert [r["kind"] for r in reasons["shared"]] or reasons["days_apart"] is not None, reasons


def test_the_reasons_are_shown_in_words(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["similar", str(FIXTURES / "2017-03-01-object-store-typo.yaml"), "--top", "2", "--no-cache", "-q"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Incidents most like tests/fixtures/similar/2017-03-01-object-store-typo.yaml:"
    assert out[1] == " 1. 2017-02-28-aws-s3-capacity-removal (score " + out[1].split("(score ")[1]
    assert out[3] == "    incidents/2017-02-28-aws-s3-capacity-removal.yaml"
    why = out[4]
    assert why.startswith("    shares tag human-error, service Amazon S3, organization AWS; words: ")
    assert "placement" in why and "index" in why and why.endswith("; started the same day")
    assert len([line for line in out if line[:3].strip().rstrip(".").isdigit()]) == 2


def test_a_broken_draft_gets_results_and_its_problems_are_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, results, err = similar_json(["tests/fixtures/similar/broken-draft-dynamodb-endpoint.yaml"], capsys)
    assert code == 0
    path = "tests/fixtures/similar/broken-draft-dynamodb-endpoint.yaml"
    lines = err.splitlines()
    for where, what in (
        ("3:1", "incident: missing required field `severity`"),
        ("5:11", "services: expected a list, found text"),
        ("6:10", "started: `yesterday evening` is not a timestamp"),
        ("13:9", "impact: a value that starts with `[` is a YAML list"),  # the YAML breaks here
        ("15:12", "causes[0].cause: unknown cause `dns-race`"),  # ids are checked as validate checks them
    ):
        assert any(line.startswith(f"{path}:{where}: error: {what}") for line in lines), (where, err)
    (result,) = results
    assert [p["line"] for p in result["problems"]] == [3, 5, 6, 13, 15]  # type: ignore[index]
    first = result["similar"][0]  # type: ignore[index]
    assert first["id"] == "2025-10-20-aws-dynamodb-dns-race"
    # the fields after the YAML error were read: its cause and its tags
    assert {"kind": "cause", "value": "dns"} in first["reasons"]["shared"]
    assert {"kind": "tag", "value": "dynamodb"} in first["reasons"]["shared"]


def test_reading_past_a_yaml_error_keeps_each_field_at_its_line() -> None:
    text = "title: A\nimpact: [open\nsummary: |\n  resolver down\ntags: [dns]\n"
    root, problems = parse_partially("x.yaml", text)
    assert root is not None
    assert [(key.text, key.line) for key, _ in root.entries] == [("title", 1), ("summary", 3), ("tags", 5)]
    assert [(p.line, p.column) for p in problems] == [(2, 9)]
    assert parse_partially("x.yaml", "- a\n- b\n")[0] is None  # no mapping anywhere: nothing to read


def test_words_meet_across_endings() -> None:
    assert {stem(w) for w in ("resolver", "resolvers")} == {"resolver"}
    assert {stem(w) for w in ("resolve", "resolved", "resolving", "resolves")} == {"resolv"}
    assert stem("stopped") == stem("stops") == "stop" and stem("dependencies") == "dependency"
    assert stem("dns") == "dns" and stem("status") == "status" and stem("redis") == "redis"
    assert [word for _, word in words("The [post-mortem](https://example.com/pm) of a DNS outage")] == [
        "post",
        "mortem",
        "dns",
        "outage",
    ]


def test_an_incident_of_the_knowledge_base_is_left_out_of_its_own_results(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "incidents")  # the knowledge base is found from a folder inside it
    code, results, err = similar_json(["2021-10-04-meta-bgp-withdrawal.yaml"], capsys)
    assert code == 0 and "error" not in err
    ids = [match["id"] for match in results[0]["similar"]]  # type: ignore[union-attr]
    assert "2021-10-04-meta-bgp-withdrawal" not in ids and len(ids) == 5


def test_a_placeholder_is_not_compared_and_says_what_to_compare_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    placeholder = tmp_path / "2021-10-05-meta-outage-again.yaml"
    placeholder.write_text("duplicate_of: 2021-10-04-meta-bgp-withdrawal\n", encoding="utf-8")
    code, results, _ = similar_json([str(placeholder)], capsys)
    assert code == 0 and results[0]["similar"] == []
    (problem,) = results[0]["problems"]  # type: ignore[misc]
    assert problem["severity"] == "warning" and (problem["line"], problem["column"]) == (1, 15)
    assert "compare `2021-10-04-meta-bgp-withdrawal` instead" in problem["message"]


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["similar", "draft.yaml"]) == 2
    assert "outagekb similar: no knowledge base here" in capsys.readouterr().err
    monkeypatch.chdir(ROOT)
    assert main(["similar", "no-such-draft.yaml"]) == 2
    assert "outagekb similar: no-such-draft.yaml: no such file" in capsys.readouterr().err
    assert main(["similar"]) == 2
    assert "name an incident FILE, or --changed-since BASE" in capsys.readouterr().err
    assert main(["similar", str(FIXTURES / "2017-03-01-object-store-typo.yaml"), "--top", "0"]) == 2
    assert "--top: `0`: give 1 or more" in capsys.readouterr().err
    assert main(["similar", "--changed-since", "--output=x"]) == 2


def copy_knowledge_base(folder: Path, ids: list[str]) -> Path:
    """A small knowledge base of showcase incidents (with the showcase's catalog)."""
    incidents = folder / "incidents"
    incidents.mkdir(parents=True)
    shutil.copyfile(ROOT / "incidents/catalog.yaml", incidents / "catalog.yaml")
    for incident_id in ids:
        shutil.copyfile(ROOT / f"incidents/{incident_id}.yaml", incidents / f"{incident_id}.yaml")
    return folder


def test_the_index_is_kept_between_runs_and_read_again_where_files_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = copy_knowledge_base(tmp_path / "kb", sorted(set(PARAPHRASES.values())))
    monkeypatch.chdir(kb)
    draft = str(FIXTURES / "2021-06-08-cdn-tenant-setting-crash.yaml")

    def run() -> tuple[list[str], str]:
        assert main(["similar", draft, "--format", "json", "--top", "10"]) == 0
        captured = capsys.readouterr()
        return [m["id"] for m in json.loads(captured.out)[0]["similar"]], captured.err

    first, err = run()
    assert "7 incidents (7 read, the rest from the cache)" in err and (kb / CACHE_FILE).is_file()
    again, err = run()
    assert again == first and "(0 read, the rest from the cache)" in err
    # an edited file is read again, and what it now says counts
    edited = kb / "incidents/2017-01-31-gitlab-database-deletion.yaml"
    text = edited.read_text(encoding="utf-8").replace("organization: GitLab", "organization: Fastly")
    edited.write_text(text.replace("tags: [", "tags: [customer-configuration, ") + "\n", encoding="utf-8")
    changed, err = run()
    assert "(1 read, the rest from the cache)" in err
    assert changed.index("2017-01-31-gitlab-database-deletion") < first.index("2017-01-31-gitlab-database-deletion")
    # a fresh checkout (every file written again with the same bytes: other times and inodes,
    # as in CI with the cache kept) reads nothing again
    for path in (kb / "incidents").glob("*.yaml"):
        copy = path.with_suffix(".new")
        copy.write_bytes(path.read_bytes())
        os.utime(copy, (1_000_000_000, 1_000_000_000))
        os.replace(copy, path)
    checked_out, err = run()
    assert checked_out == changed and "(0 read, the rest from the cache)" in err
    hashed: list[str] = []
    digest = similar_module._digest
    monkeypatch.setattr(similar_module, "_digest", lambda path: hashed.append(path) or digest(path))
    checked_out, err = run()  # and the new signatures were kept: no file is even hashed again
    assert "(0 read, the rest from the cache)" in err and hashed == []
    # a removed file is gone from the results; a damaged cache is read as no cache
    (kb / "incidents/2017-02-28-aws-s3-capacity-removal.yaml").unlink()
    (kb / CACHE_FILE).write_text('{"format": 1, "files": [[', encoding="utf-8")
    after, err = run()
    assert "2017-02-28-aws-s3-capacity-removal" not in after and "6 incidents (6 read" in err
    monkeypatch.chdir(tmp_path)
    assert main(["similar", draft, "--no-cache"]) == 2  # tmp_path is no knowledge base
    capsys.readouterr()


# the step of the workflows that `outagekb init` writes ---------------------------------------


def git(cwd: Path, *arguments: str) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, env=environment, check=True)
    return done.stdout.strip()


def pull_request(tmp_path: Path, ci: str) -> tuple[Path, str]:
    """A knowledge base made by `outagekb init` with some showcase incidents, pushed to its
    origin's `main`, and a clone with one commit on top adding a paraphrase of one of them
    and editing another incident: the checkout a pull request's CI job sees. Returns the
    clone and the base commit."""
    origin = tmp_path / "origin"
    assert main(["init", str(origin), "--ci", ci]) == 0
    for incident_id in (
        "2021-10-04-meta-bgp-withdrawal",
        "2024-07-19-crowdstrike-channel-file-291",
        "2023-03-20-openai-redis-py-bug",
    ):
        shutil.copyfile(ROOT / f"incidents/{incident_id}.yaml", origin / f"incidents/{incident_id}.yaml")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    base = git(origin, "rev-parse", "HEAD")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    git(clone, "checkout", "-q", "-b", "new-incident")
    shutil.copyfile(FIXTURES / "2021-10-05-fb-backbone-drill.yaml", clone / "incidents/2021-10-05-fb-backbone-drill.yaml")
    edited = clone / "incidents/2023-03-20-openai-redis-py-bug.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# checked against the post-mortem\n", encoding="utf-8")
    (clone / "incidents/2024-07-19-crowdstrike-channel-file-291.yaml").unlink()  # deleted: nothing to compare
    (clone / "incidents/Draft `notes`.yaml").write_text("title: x\n", encoding="utf-8")  # no id: validate's to report
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "a new incident")
    return clone, base


def shell(command: str, cwd: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A step's command as a runner runs it, with `outagekb` on the PATH (this checkout's)."""
    tools = cwd.parent / "bin"
    tools.mkdir(exist_ok=True)
    script = tools / "outagekb"
    package = os.path.dirname(os.path.dirname(outagekb.__file__))
    script.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {package!r})\nfrom outagekb.cli import main\nsys.exit(main())\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    path = f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, **environment, "PATH": path}
    return subprocess.run(["bash", "-e", "-c", command], cwd=cwd, capture_output=True, text=True, env=env)


def check_summary(summary: str) -> None:
    """The summary lists the paraphrase's original first, with reasons, and the `related` line;
    the edited incident has its own table; the deleted one and the unchanged ones none."""
    assert summary.startswith("## Incidents like the ones in this change\n")
    sections = summary.split("\n### ")[1:]
    assert [section.split("\n", 1)[0] for section in sections] == [
        "`incidents/2021-10-05-fb-backbone-drill.yaml`",
        "`incidents/2023-03-20-openai-redis-py-bug.yaml`",
    ]
    rows = [line for line in sections[0].splitlines() if line.startswith("| 1 |") or line.startswith("| 2 |")]
    assert rows[0].startswith("| 1 | Facebook, Instagram and WhatsApp vanish")
    assert "`2021-10-04-meta-bgp-withdrawal` in `incidents/2021-10-04-meta-bgp-withdrawal.yaml`" in rows[0]
    assert "| shares cause dns and maintenance; words: " in rows[0]  # `Facebook` is not `Meta (Facebook)`
    assert "audit" in rows[0].split("; words: ")[1]
    assert "related: [2021-10-04-meta-bgp-withdrawal, " in sections[0]
    assert "problem(s) in this file" in sections[0]  # the paraphrase has no `started`
    assert "2021-10-05-fb-backbone-drill" in sections[1]  # the new file is part of the knowledge base too


def test_the_github_workflow_puts_similar_incidents_in_the_job_summary(tmp_path: Path) -> None:
    clone, _ = pull_request(tmp_path, "github")
    workflow = yaml.safe_load((clone / ".github/workflows/outagekb.yml").read_text(encoding="utf-8"))
    build = workflow["jobs"]["build"]
    assert build["steps"][0]["with"]["fetch-depth"] == 0
    step = next(step for step in build["steps"] if step.get("name") == "Similar incidents")
    assert "github.event_name == 'pull_request'" in step["if"] and "!cancelled()" in step["if"]
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier steps' text\n", encoding="utf-8")
    done = shell(step["run"], clone, {"GITHUB_BASE_REF": "main", "GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier steps' text\n")  # appended, as GitHub asks
    check_summary(text.removeprefix("earlier steps' text\n"))
    assert "incidents/2021-10-05-fb-backbone-drill.yaml:3:1: error: incident: missing required field `started`" in done.stderr


def test_the_github_workflow_keeps_the_index_between_runs_and_main_keeps_it_current(tmp_path: Path) -> None:
    clone, _ = pull_request(tmp_path, "github")
    workflow = yaml.safe_load((clone / ".github/workflows/outagekb.yml").read_text(encoding="utf-8"))
    steps = {step.get("name"): step for step in workflow["jobs"]["build"]["steps"]}
    kept = steps["Restore the index of similar incidents"]
    assert kept["uses"].startswith("actions/cache@") and kept["with"]["path"] == os.path.dirname(CACHE_FILE)
    names = list(steps)
    assert names.index("Restore the index of similar incidents") < names.index("Similar incidents")
    index_step = steps["Index similar incidents for pull requests"]
    assert index_step["if"] == "github.event_name != 'pull_request'"
    done = shell(index_step["run"], clone, {})  # as a push to main runs it: it writes the index, prints nothing
    assert done.returncode == 0 and done.stdout == "", done.stderr
    assert (clone / CACHE_FILE).is_file()


def test_the_gitlab_pipeline_keeps_similar_incidents_as_an_artifact(tmp_path: Path) -> None:
    clone, base = pull_request(tmp_path, "gitlab")
    pipeline = yaml.safe_load((clone / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    job = pipeline["similar"]
    assert {"key": "outagekb-similar", "paths": [os.path.dirname(CACHE_FILE)]} in job["cache"]
    assert [rule["if"] for rule in job["rules"]] == ['$CI_PIPELINE_SOURCE == "merge_request_event"']
    assert job["variables"]["GIT_DEPTH"] == "0" and job["stage"] in pipeline["stages"]
    assert job["artifacts"]["paths"] == ["similar-incidents.md"] and job["artifacts"]["when"] == "always"
    (command,) = job["script"]
    done = shell(command, clone, {"CI_MERGE_REQUEST_DIFF_BASE_SHA": base})
    assert done.returncode == 0, done.stderr
    check_summary((clone / "similar-incidents.md").read_text(encoding="utf-8"))


def test_changed_since_a_ref_git_does_not_know_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clone, base = pull_request(tmp_path, "github")
    monkeypatch.chdir(clone)
    assert main(["similar", "--changed-since", "no-such-branch", "--no-cache"]) == 2
    assert "outagekb similar: --changed-since no-such-branch: fatal: " in capsys.readouterr().err
    assert main(["similar", "--changed-since", "HEAD", "--format", "markdown", "--no-cache", "-q"]) == 0
    assert capsys.readouterr().out == "## Incidents like the ones in this change\n\nNo incident file was added or changed.\n"
    assert main(["similar", "--changed-since", base, "--format", "json", "--no-cache", "-q"]) == 0
    files = [result["file"] for result in json.loads(capsys.readouterr().out)]
    assert files == ["incidents/2021-10-05-fb-backbone-drill.yaml", "incidents/2023-03-20-openai-redis-py-bug.yaml"]
