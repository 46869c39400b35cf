"""`outagekb init` makes a knowledge base that builds at once; `outagekb new` makes an
incident file that validates once its empty fields are filled in."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import build, page_file
from outagekb.cli import main
from outagekb.scaffold import EXAMPLE_ID, incident_id, slug
from terminal import expect

FILLED_SUMMARY = "summary: The certificate expired and every handshake failed."


def fill_summary(text: str) -> str:
    """Replace the empty `summary:` line (and its hint) with a real summary."""
    return re.sub(r"^summary:.*$", FILLED_SUMMARY, text, count=1, flags=re.MULTILINE)


def test_init_builds_a_complete_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "our-outages"
    assert main(["init", str(folder)]) == 0
    created = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert created == sorted(
        [
            ".github/workflows/outagekb.yml",
            ".gitignore",
            "docs/index.md",
            f"incidents/{EXAMPLE_ID}.yaml",
            "incidents/catalog.yaml",
            "mkdocs.yml",
            "requirements.txt",
            "schema/catalog.schema.json",
            "schema/incident.schema.json",
        ]
    )
    # the shipped catalog, after a line that gives editors its schema
    catalog = (folder / "incidents/catalog.yaml").read_bytes()
    assert catalog.startswith(b"# yaml-language-server: $schema=../schema/catalog.schema.json\n")
    assert catalog.split(b"\n", 1)[1] == (Path(__file__).parent.parent / "incidents/catalog.yaml").read_bytes()
    site = build(folder)
    for page in (
        "",
        "incidents",
        f"incidents/{EXAMPLE_ID}",
        "causes/expired-credential",
        "lessons/monitoring",
        "browse",
        "stats",
    ):
        assert page_file(site, page).exists() if page else (site / "index.html").exists(), page
    assert (site / "feed.xml").exists() and (site / "schema/incident.schema.json").exists()
    assert "Our outages" in (site / "index.html").read_text(encoding="utf-8")
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(("outagekb==", "outagekb @ ")) for line in requirements)  # see test_install.py
    assert any(line.startswith("mkdocs-material==") for line in requirements)


def test_init_workflow_validates_and_builds_every_pull_request(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "kb")]) == 0
    workflow = yaml.safe_load((tmp_path / "kb/.github/workflows/outagekb.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true, as PyYAML does
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    steps = {step.get("name"): step for step in workflow["jobs"]["build"]["steps"]}
    assert steps["Validate incident files"]["run"] == "outagekb validate --audience public"
    assert steps["Install"]["run"] == "pip install -r requirements.txt"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "github.ref == 'refs/heads/main'" in deploy["if"]
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_init_workflow_publishes_only_the_public_site_to_pages(tmp_path: Path) -> None:
    """The two build steps, run as the workflow runs them (their command and environment), on
    a knowledge base with an internal incident: GitHub Pages, which anyone can read, gets
    the public site; the internal one is kept as an artifact."""
    kb = tmp_path / "kb"
    assert main(["init", str(kb)]) == 0
    internal_id = "2025-02-01-example-billing-internal"
    example = (kb / "incidents" / f"{EXAMPLE_ID}.yaml").read_text(encoding="utf-8")
    (kb / "incidents" / f"{internal_id}.yaml").write_text(example.replace("visibility: public\n", ""), encoding="utf-8")
    workflow = yaml.safe_load((kb / ".github/workflows/outagekb.yml").read_text(encoding="utf-8"))
    steps = {step.get("name"): step for step in workflow["jobs"]["build"]["steps"]}
    pages, kept = steps["Upload the public site"], steps["Keep the internal site"]
    assert pages["uses"].startswith("actions/upload-pages-artifact@") and kept["uses"].startswith("actions/upload-artifact@")
    environment = {k: v for k, v in os.environ.items() if k not in ("OUTAGEKB_AUDIENCE", "GITHUB_ACTIONS")}
    environment["PATH"] = os.path.dirname(sys.executable) + os.pathsep + environment.get("PATH", "")
    for name in ("Build the internal site", "Build the public site"):
        step = steps[name]
        done = subprocess.run(
            ["sh", "-e", "-c", step["run"]], cwd=kb, capture_output=True, text=True, env={**environment, **step["env"]}
        )
        assert done.returncode == 0, done.stderr
    public, internal = kb / pages["with"]["path"], kb / kept["with"]["path"]
    assert page_file(public, f"incidents/{EXAMPLE_ID}").is_file()
    assert not page_file(public, f"incidents/{internal_id}").exists()
    assert internal_id not in (public / "incidents.json").read_text(encoding="utf-8")
    assert page_file(internal, f"incidents/{internal_id}").is_file()


def test_init_refuses_a_folder_that_is_not_empty_and_never_replaces_files(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs/index.md").write_text("# Ours\n", encoding="utf-8")
    assert main(["init", str(folder)]) == 1
    assert not (folder / "mkdocs.yml").exists()
    assert main(["init", str(folder), "--force"]) == 0
    assert (folder / "docs/index.md").read_text(encoding="utf-8") == "# Ours\n"
    assert (folder / "mkdocs.yml").exists()
    assert main(["init", str(tmp_path / "kb/mkdocs.yml")]) == 1


def test_new_from_flags_validates_once_filled_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["init", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    args = ["new", "--title", "Checkout down after a certificate expired", "--organization", "Acme Inc."]
    args += ["--service", "Checkout", "--severity", "major", "--started", "2025-03-04T15:16:00-08:00"]
    args += ["--cause", "expired-credential", "--lesson", "monitoring", "--tag", "tls", "--no-input"]
    assert main(args) == 0
    path = tmp_path / "incidents/2025-03-04-acme-inc-checkout-down-after-a-certificate-expired.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/incident.schema.json\n")  # init wrote it
    assert main(["validate", "-q"]) == 1  # the summary is still empty
    path.write_text(fill_summary(text), encoding="utf-8")
    assert main(["validate", "-q"]) == 0
    assert main(args) == 1  # never overwritten
    assert path.read_text(encoding="utf-8").count(FILLED_SUMMARY) == 1


def test_new_with_nothing_given_leaves_every_required_field_to_fill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["init", str(tmp_path)]) == 0
    (tmp_path / "mkdocs.yml").write_text(
        (tmp_path / "mkdocs.yml").read_text(encoding="utf-8").replace("# site_url:", "site_url:"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--id", "2025-02-02-acme-unknown", "--no-input"]) == 0
    path = tmp_path / "incidents/2025-02-02-acme-unknown.yaml"
    text = path.read_text(encoding="utf-8")
    # the repository's copy of the schema comes first, even when the site has an address
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/incident.schema.json"
    filled = {
        "title:": "title: Acme down",
        "organization:": "organization: Acme",
        "services:": "services: [Web]",
        "severity:": "severity: minor",
        "started:": "started: 2025-02-02T10:00:00Z",
        "summary:": FILLED_SUMMARY,
        "  - cause:": "  - cause: power",
    }
    lines = [next((v for k, v in filled.items() if line.startswith(k)), line) for line in text.splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", "-q"]) == 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--title", "x", "--cause", "dnss"], "did you mean `dns`?"),
        (["--title", "x", "--started", "2025-03-04 15:16"], "has no UTC offset"),
        (["--id", "Bad_Id"], "an id is lowercase ASCII letters"),
        (["--organization", "Acme"], "give --title"),
        (["--title", "x", "--lesson", "patience"], "--lesson: `patience` is not a lesson in the catalog, whose lessons are: "),
    ],
)
def test_new_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--no-input", *args]) == 2
    assert fragment in capsys.readouterr().err
    assert not (tmp_path / "incidents").exists() or not list((tmp_path / "incidents").iterdir())


def test_ids_follow_the_convention() -> None:
    from datetime import date

    assert slug("Café: API down!") == "cafe-api-down"
    made = incident_id(date(2025, 3, 4), "Amazon Web Services", "S3 " + "very long title " * 10)
    assert made.startswith("2025-03-04-amazon-web-services-s3-very") and len(made) <= 80


def test_new_asks_for_each_missing_field_in_a_terminal(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "outagekb.cli", "new"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=tmp_path,
        close_fds=True,
        env={key: value for key, value in os.environ.items() if key not in ("VISUAL", "EDITOR")},
    )
    os.close(terminal)
    seen: list[str] = []
    try:
        for prompt, answer in [
            ("Title", "Search down after an index rebuild"),
            ("Organization", "Acme"),
            ("Services", "Search, API"),
            ("Severity", "huge"),  # refused, asked again
            ("is not one of", None),
            ("Severity", "major"),
            ("Started", "2025-05-06T07:08:00+02:00"),
            ("Summary", "The search index was rebuilt in place, and queries failed until it was done."),
            ("Causes (", "capacity, softwre-bug"),  # a typo gets a suggestion
            ("did you mean `software-bug`", None),
            ("Causes (", "capacity, software-bug"),
            ("Lessons (", "testing"),
            ("Id [2025-05-06-acme-search-down-after-an-index-rebuild]: ", ""),  # Enter accepts it
        ]:
            expect(controller, prompt, seen)
            if answer is not None:  # None only waits for the message
                os.write(controller, (answer + "\n").encode())
        assert process.wait(timeout=20) == 0
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    path = tmp_path / "incidents/2025-05-06-acme-search-down-after-an-index-rebuild.yaml"
    text = path.read_text(encoding="utf-8")
    assert "services: [Search, API]" in text and "severity: major" in text
    assert "  - cause: capacity\n    role: trigger" in text and "  - cause: software-bug\n" in text
    assert "  - lesson: testing" in text
    assert "summary: |\n  The search index was rebuilt in place, and queries failed until it was done.\n" in text
    result = subprocess.run(
        [sys.executable, "-m", "outagekb.cli", "validate", "-q"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
