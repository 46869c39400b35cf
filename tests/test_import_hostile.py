"""Bad and hostile sources: each gets a message naming the source and the record, never a
traceback, and nothing is written for that record; script in a body stays text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from outagekb.cli import main
from outagekb.yamlread import parse_text

HOSTILE = ROOT / "tests" / "fixtures" / "import" / "hostile"
PAGE = {"id": "exbig0000001", "name": "Example Big", "url": "https://status.example.com"}


def run(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(project)
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def written(project: Path) -> list[Path]:
    folder = project / "incidents"
    return sorted(folder.glob("*.yaml")) if folder.exists() else []


def test_script_stays_text_and_control_characters_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(tmp_path, monkeypatch, capsys, "statuspage", str(HOSTILE / "script.json"))
    assert code == 0, err
    (path,) = written(tmp_path)
    text = path.read_text(encoding="utf-8")
    root, problems = parse_text(str(path), text)
    assert root is not None and not problems
    incident = yaml.load(text, Loader=yaml.BaseLoader)
    assert incident["title"] == "<script>alert('title')</script> Login down"  # the site escapes it when it renders
    assert incident["organization"] == "Example <b>Bold</b> Co"
    body = incident["updates"][0]["text"]
    assert body.startswith("<script>alert('body')</script><img src=x onerror=alert(2)> [click](javascript:alert(3))")
    assert "\x00" not in body and "\x1b" not in body and "[31mred" in body and "\ud800" not in body
    assert incident["updates"][1]["text"].rstrip() == "null"  # text, not YAML's null
    assert incident["services"] == ["Loginevil"]  # the bidirectional control is dropped
    assert incident["references"][0]["url"] == "https://status.example.org/incidents/exscript0001"  # not javascript:
    assert path.name == "2024-04-01-example-b-bold-b-co-script-alert-title-script-login-down.yaml"


def test_a_body_too_large_for_an_incident_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def incident(code: str, body: str) -> dict:
        update = {"id": f"{code}-u", "status": "investigating", "body": body, "created_at": "2024-04-01T10:05:00Z"}
        return {
            "id": code,
            "name": f"Incident {code}",
            "impact": "minor",
            "started_at": "2024-04-01T10:00:00Z",
            "incident_updates": [update],
        }

    source = tmp_path / "big.json"
    source.write_text(
        json.dumps({"page": PAGE, "incidents": [incident("exhuge", "x" * (5 * 1024 * 1024)), incident("exsmall", "ok")]})
    )
    code, _, err = run(tmp_path, monkeypatch, capsys, "statuspage", str(source))
    assert code == 1
    assert "big.json: incidents[0] (id 'exhuge', 'Incident exhuge'): error: the incident file would be 10,48" in err
    assert "over the 1 MiB an incident file may have; nothing written" in err
    assert [p.name for p in written(tmp_path)] == ["2024-04-01-example-big-incident-exsmall.yaml"]


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [
        ("statuspage", "nan.json", "nan.json: error: refused: NaN is not a JSON number"),
        ("gcp", "infinity.json", "infinity.json: error: refused: -Infinity is not a JSON number"),
        ("statuspage", "not-json.json", "not-json.json: error: not JSON: Expecting value at line 1, column 1"),
    ],
)
def test_sources_that_are_refused_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kind: str, name: str, message: str
) -> None:
    code, _, err = run(tmp_path, monkeypatch, capsys, kind, str(HOSTILE / name))
    assert code == 1
    assert message in err
    assert not written(tmp_path)


def test_wrong_types_and_missing_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(tmp_path, monkeypatch, capsys, "statuspage", str(HOSTILE / "wrong-types.json"))
    assert code == 1
    expected = [
        "incidents[1] (id 'exnum0000001'): error: `name`: expected text, found a number",
        "incidents[2] (id 'exupd0000001', 'Updates as text'): error: `incident_updates`: expected a list, found text",
        "incidents[3] (id 'exlist000001', 'A list for a time'): error: `started_at`: expected text, found a list",
        "incidents[4] (id 'excomp000001', 'A component that is text'): error: `components[0]`: expected an object, found text",
        "incidents[5] (id 'exdate000001', 'An impossible date'): error: `started_at`: '2024-02-30T08:00:00+02:00' is not a real date and time (day is out of range for month)",
        "incidents[6] (id 'exnooff00001', 'A time without offset'): error: `started_at`: '2024-05-01T08:00:00' is not a timestamp with a UTC offset",
        "incidents[7] (id 'exback000001', 'Resolved before it began'): error: `resolved_at` (2024-05-01T07:00:00+02:00) is before the start",
        "incidents[8] (id 'eximpact0001', 'An impact we do not know'): error: `impact`: 'catastrophic' is not one of critical, major, minor, none",
        "incidents[9] ('No id at all'): error: `id` is missing; it is required",
        "incidents[10] (id 'exnoname0001'): error: `name` is missing; it is required",
        "incidents[11] (id 'exnotime0001', 'No time at all'): error: `started_at` and `created_at` are both missing; one is required",
        "incidents[12]: error: expected an incident object, found text",
        "incidents[13] (id 'exbool000001', 'A boolean for a body'): error: `incident_updates[0].body`: expected text, found true/false",
    ]
    for line in expected:
        assert line in err
    assert "14 incidents read, 1 written, 0 already imported, 13 problems" in err
    assert "Traceback" not in err
    assert [p.name for p in written(tmp_path)] == [
        "2024-05-01-example-types-one-good-incident.yaml"
    ]  # a leading "the" is left out of ids


def test_shapes_and_json_tricks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "list.json": ("[]", "expected a Statuspage response (an object with `incidents` or `incident`), found a list"),
        "other.json": (
            '{"page": {}, "components": []}',
            "not a Statuspage incidents response: it has neither `incidents` nor `incident`",
        ),
        "twice.json": (
            '{"incidents": [], "incidents": [{"id": "hidden"}]}',
            "refused: the key 'incidents' appears twice in one object",
        ),
        "deep.json": ("[" * 100_000 + "]" * 100_000, "refused: nested too deeply"),
        "digits.json": ('{"incidents": [{"id": ' + "9" * 5000 + "}]}", "refused: Exceeds the limit"),
        "latin1.json": (None, "not UTF-8 text"),
        "incidents-text.json": ('{"incidents": "none"}', "`incidents`: expected a list, found text"),
    }
    for name, (body, _) in cases.items():
        path = tmp_path / name
        if body is None:
            path.write_bytes('{"name": "caf\u00e9"}'.encode("latin-1"))
        else:
            path.write_text(body, encoding="utf-8")
    for name, (_, message) in cases.items():
        code, _, err = run(tmp_path, monkeypatch, capsys, "statuspage", str(tmp_path / name))
        assert code == 1, name
        assert f"{name}: error: " in err and message in err, (name, err)
    assert not written(tmp_path)


def test_long_titles_are_cut_to_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = {
        "id": "exlong",
        "name": "Checkout\nis " + "very " * 80 + "slow",
        "impact": "major",
        "started_at": "2024-04-01T10:00:00Z",
    }
    source = tmp_path / "long.json"
    source.write_text(json.dumps({"page": PAGE, "incident": incident}), encoding="utf-8")
    assert run(tmp_path, monkeypatch, capsys, "statuspage", str(source))[0] == 0
    (path,) = written(tmp_path)
    title = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["title"]
    assert title.startswith("Checkout is very very") and title.endswith("…") and len(title) <= 200
    assert len(path.stem) <= 80
