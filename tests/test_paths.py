"""Links computed for HTML blocks must match the URLs MkDocs gives the pages."""

from __future__ import annotations

import pytest

from outagekb import paths
from outagekb.paths import id_problem, relative_url, url_for


@pytest.mark.parametrize(
    ("src", "directory", "flat"),
    [
        ("incidents/index.md", "incidents/", "incidents/index.html"),
        ("causes/dns.md", "causes/dns/", "causes/dns.html"),
        ("index.md", "", "index.html"),
    ],
)
def test_url_for(src: str, directory: str, flat: str) -> None:
    assert url_for(src, True) == directory
    assert url_for(src, False) == flat


@pytest.mark.parametrize(
    ("from_src", "to_src", "directory", "flat"),
    [
        ("incidents/a.md", "causes/dns.md", "../../causes/dns/", "../causes/dns.html"),
        ("incidents/index.md", "incidents/a.md", "a/", "a.html"),
        ("causes/dns.md", "causes/index.md", "../", "index.html"),
        (
            "incidents/a.md",
            "assets/outagekb/outagekb.css",
            "../../assets/outagekb/outagekb.css",
            "../assets/outagekb/outagekb.css",
        ),
    ],
)
def test_relative_url(from_src: str, to_src: str, directory: str, flat: str) -> None:
    assert relative_url(from_src, to_src, True) == directory
    assert relative_url(from_src, to_src, False) == flat


@pytest.mark.parametrize("stem", ["NUL", "com1", "2024-Bad", "a", "x" * 81, "a--b", "-ab", "ab_c"])
def test_bad_ids(stem: str) -> None:
    assert id_problem(stem) is not None


@pytest.mark.parametrize("stem", ["2024-12-11-openai-telemetry-rollout", "abc", "x" * 80, "console"])
def test_good_ids(stem: str) -> None:
    assert id_problem(stem) is None


def test_output_paths_stay_inside_the_site() -> None:
    for good in ("incidents/2024-05-01-x.md", "schema/incident.schema.json", "assets/outagekb/outagekb.css", "feed.xml"):
        assert paths.safe_output_path(good), good
    for bad in ("", "/etc/passwd", "../x.md", "a/../../x", "a//b", "./a", "a\\b", "C:/x", "a/.hidden", "a/ b", "a/é"):
        assert not paths.safe_output_path(bad), bad
