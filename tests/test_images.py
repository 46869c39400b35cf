"""Images in incident text: copied into real sites and shown with their alt text, hostile
paths refused, remote images linked unless the site opts in, `outagekb render` copying
them, and raw HTML reported by `validate` as warnings."""

from __future__ import annotations

import json
import os
import posixpath
import re
import struct
import zlib
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

from conftest import build, page_file, write
from outagekb import images
from outagekb.cache import PageCache
from outagekb.cli import main
from outagekb.graph import build_graph
from outagekb.loader import load_knowledge_base
from outagekb.problems import errors
from outagekb.render import CopiedFile, Renderer, RenderOptions

ID = "2024-05-01-example"


def png(width: int, height: int) -> bytes:
    """A real PNG of the given size, red."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


GIF = b"GIF89a\x05\x00\x07\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x05\x00\x07\x00\x00\x02\x02D\x01\x00;"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><title>Push path</title><rect width="40" height="20"/></svg>'


def incident(summary: str, *, detail: str = "The push went to every region at once.", impact: str = "") -> str:
    impact_line = f"impact: {json.dumps(impact)}\n" if impact else ""
    return f"""\
title: Example service down after a bad configuration push
organization: Example
services: [Web, API]
severity: major
started: 2024-05-01T10:00:00+02:00
resolved: 2024-05-01T12:30:00+02:00
summary: {json.dumps(summary)}
{impact_line}causes:
  - cause: config-change
    role: trigger
    detail: {json.dumps(detail)}
lessons:
  - lesson: staged-rollout
    detail: Push configuration region by region.
"""


def project(tmp_path: Path, *, use_directory_urls: bool = True, options: str = "") -> Path:
    """A site whose incident sits in a sub-folder, `incidents/2024/`, with its image folder beside it."""
    root = tmp_path / "kb"
    plugin = "  - outagekb" + (":\n" + options if options else "")
    write(
        root / "mkdocs.yml",
        f"site_name: Images\nuse_directory_urls: {str(use_directory_urls).lower()}\ntheme:\n  name: material\n"
        f"plugins:\n  - search\n{plugin}\n",
    )
    write(root / "docs" / "index.md", "# Home\n")
    folder = root / "incidents" / "2024" / ID
    (folder / "graphs").mkdir(parents=True)
    (folder / "latency.png").write_bytes(png(4, 3))
    (folder / "graphs" / "errors.gif").write_bytes(GIF)
    return root


def img_tags(html: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<img [^>]*>", html)]


def shown(site: Path, page: Path, tag: dict[str, str]) -> Path:
    """The file an `<img>` on `page` loads."""
    return Path(posixpath.normpath(os.path.join(page.parent, tag["src"])))


@pytest.mark.parametrize("use_directory_urls", [True, False], ids=["directory-urls", "file-urls"])
def test_images_of_the_incident_folder_are_copied_and_shown(tmp_path: Path, use_directory_urls: bool) -> None:
    root = project(tmp_path, use_directory_urls=use_directory_urls)
    write(
        root / "incidents" / "2024" / f"{ID}.yaml",
        incident(
            f'Routing broke.\n\n![p99 latency rose to 9 s]({ID}/latency.png "Latency")',
            detail=f"Errors rose: ![error rate by region]({ID}/graphs/errors.gif)",
        ),
    )
    write(root / "incidents" / "2024" / f"{ID}.md", f"## Deep dive\n\nAgain: ![p99 latency, once more](<{ID}/latency.png>)\n")
    site = build(root)
    page = page_file(site, f"incidents/{ID}", use_directory_urls)
    html = page.read_text(encoding="utf-8")
    tags = img_tags(html)
    assert [tag["alt"] for tag in tags] == ["p99 latency rose to 9 s", "error rate by region", "p99 latency, once more"]
    assert tags[0] | {"src": ""} == {
        "alt": "p99 latency rose to 9 s",
        "src": "",
        "title": "Latency",
        "loading": "lazy",
        "width": "4",
        "height": "3",
    }
    assert (tags[1]["width"], tags[1]["height"]) == ("5", "7")
    source = root / "incidents" / "2024" / ID
    assert shown(site, page, tags[0]).read_bytes() == (source / "latency.png").read_bytes()
    assert shown(site, page, tags[1]).read_bytes() == GIF
    assert shown(site, page, tags[2]) == shown(site, page, tags[0])
    assert (site / "incidents" / ID / "latency.png").is_file()  # beside the page, whatever the folder in the repository
    # the cause's page lists the detail with the image's alt text, and no image
    cause = page_file(site, "causes/config-change", use_directory_urls).read_text(encoding="utf-8")
    assert "error rate by region" in cause and "<img" not in cause.split('class="md-content"')[1].split("</article>")[0]


def test_a_folder_the_site_names(tmp_path: Path) -> None:
    root = project(tmp_path, options="      images: [shared/diagrams]")
    (root / "shared" / "diagrams").mkdir(parents=True)
    (root / "shared" / "diagrams" / "push.svg").write_bytes(SVG)
    (root / "incidents" / "shared.png").parent.mkdir(exist_ok=True)
    write(
        root / "incidents" / "2024" / f"{ID}.yaml",
        incident("The path of the push: ![the push's path](../../shared/diagrams/push.svg)"),
    )
    site = build(root)
    page = page_file(site, f"incidents/{ID}")
    [tag] = img_tags(page.read_text(encoding="utf-8"))
    assert (tag["alt"], tag["width"], tag["height"]) == ("the push's path", "40", "20")
    assert shown(site, page, tag) == site / "assets" / "outagekb" / "images" / "shared" / "diagrams" / "push.svg"
    assert shown(site, page, tag).read_bytes() == SVG


def test_the_site_folder_inside_the_incidents_folder_is_not_read_as_incidents(tmp_path: Path) -> None:
    root = project(tmp_path, options="      images: [incidents/common]")
    (root / "incidents" / "common").mkdir()
    (root / "incidents" / "common" / "logo.png").write_bytes(png(2, 2))
    write(root / "incidents" / "common" / "notes.yaml", "not: an incident\n")
    write(root / "incidents" / "2024" / f"{ID}.yaml", incident("Our logo: ![the logo](../common/logo.png)"))
    site = build(root)
    [tag] = img_tags(page_file(site, f"incidents/{ID}").read_text(encoding="utf-8"))
    assert tag["src"] == "../../assets/outagekb/images/incidents/common/logo.png"


def test_image_folder_option_is_checked(tmp_path: Path) -> None:
    for bad in ("../outside", "/abs", "my images"):
        root = project(
            tmp_path / bad.strip("/").replace(" ", "-").replace(".", "d"), options=f"      images: [{json.dumps(bad)}]"
        )
        write(root / "incidents" / "2024" / f"{ID}.yaml", incident("Nothing to see."))
        with pytest.raises(Abort):
            build(root)


def test_remote_images_are_links_unless_the_site_opts_in(tmp_path: Path) -> None:
    text = "The status graph: ![status graph](https://status.example.com/graph.png)"
    root = project(tmp_path / "default")
    write(root / "incidents" / "2024" / f"{ID}.yaml", incident(text))
    html = page_file(build(root), f"incidents/{ID}").read_text(encoding="utf-8")
    assert "<img" not in html.split('class="md-content"')[1]
    assert '<a href="https://status.example.com/graph.png" rel="noopener noreferrer nofollow">status graph</a>' in html

    root = project(tmp_path / "opted-in", options="      remote_images: true")
    write(root / "incidents" / "2024" / f"{ID}.yaml", incident(text))
    [tag] = img_tags(page_file(build(root), f"incidents/{ID}").read_text(encoding="utf-8"))
    assert tag == {
        "alt": "status graph",
        "loading": "lazy",
        "referrerpolicy": "no-referrer",
        "src": "https://status.example.com/graph.png",
    }


def test_other_schemes_are_never_images(tmp_path: Path) -> None:
    from outagekb import prose

    context = prose.ImageContext(str(tmp_path / f"{ID}.yaml"), ID, f"incidents/{ID}.md", remote=True)
    with prose.showing_images(context):
        for src in ("data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)", "file:///etc/passwd", "vbscript:x"):
            html = prose.to_html(f"before ![the picture]({src}) after")
            assert "<img" not in html and "href" not in html and "the picture" in html, html


def test_hostile_paths_fail_the_build_and_copy_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(1, 1))
    folder = root / "incidents" / "2024" / ID
    (folder / "escape.png").symlink_to(secret)  # a link inside the image folder to a file outside the repository
    (folder / "inside.png").symlink_to(root / "incidents" / "2024" / "beside.png")  # inside the repository, outside the folder
    (root / "incidents" / "2024" / "beside.png").write_bytes(png(1, 1))
    cases = {
        "../../../secret.png": "leads outside the folders images come from",
        f"{ID}/../../../../secret.png": "leads outside the folders images come from",
        f"{ID}/%2e%2e/%2e%2e/%2e%2e/secret.png": "leads outside the folders images come from",
        str(secret): "an image's path is relative to this file",
        f"{ID}\\latency.png": "an image's path is relative to this file",
        f"{ID}/escape.png": "is a link to a file outside",
        f"{ID}/inside.png": "is a link to a file outside",
        f"file://{secret}": "`file:` is not an image address the site shows",
    }
    summary = " ".join(f"![case {index}]({src})" for index, src in enumerate(cases))
    write(root / "incidents" / "2024" / f"{ID}.yaml", incident(summary))
    _, problems = load_knowledge_base(str(root / "incidents"), root=str(root))
    messages = [p.message for p in errors(problems)]
    for src, why in cases.items():
        named = src if not src.startswith("file:") else "`file:`"  # a scheme is named, not the address
        assert any(named in message and why in message for message in messages), (src, messages)
    with pytest.raises((PluginError, Abort)):
        build(root, site_dir=tmp_path / "site")
    assert not (tmp_path / "site").exists() or not list((tmp_path / "site").rglob("*.png"))


def test_an_edited_image_shows_on_the_next_rebuild(tmp_path: Path) -> None:
    """What `mkdocs serve` does: the same page cache across rebuilds, the loader's cache of
    unchanged files; an image replaced with another size must remake its incident's page."""
    root = project(tmp_path)
    write(root / "incidents" / "2024" / f"{ID}.yaml", incident(f"![p99 latency]({ID}/latency.png)"))
    cache = PageCache()

    def rebuild(previous: object = None) -> tuple[dict[str, object], object]:
        kb, problems = load_knowledge_base(str(root / "incidents"), cache=True)
        assert problems == []
        graph = build_graph(kb, previous)  # type: ignore[arg-type]
        return Renderer(graph, RenderOptions(include_drafts=True), cache=cache).outputs(), graph  # type: ignore[return-value]

    def size(made: dict[str, object]) -> tuple[str, str]:
        [tag] = img_tags(str(made[f"incidents/{ID}.md"]))
        return tag["width"], tag["height"]

    first, graph = rebuild()
    assert size(first) == ("4", "3")
    image = root / "incidents" / "2024" / ID / "latency.png"
    stamp = image.stat().st_mtime_ns
    image.write_bytes(png(8, 6))
    os.utime(image, ns=(stamp + 1_000_000, stamp + 1_000_000))
    second, _ = rebuild(graph)
    assert size(second) == ("8", "6")
    copied = second[f"incidents/{ID}/latency.png"]
    assert isinstance(copied, CopiedFile) and Path(copied.source).read_bytes() == png(8, 6)


def test_the_site_folders_are_watched(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    root = project(tmp_path, options="      images: [shared]")
    (root / "shared").mkdir()
    write(root / "incidents" / "2024" / f"{ID}.yaml", incident("Nothing to see."))
    config = load_config(config_file=str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        config = config.plugins.on_config(config)
    finally:
        config.plugins.on_shutdown()
    assert str(root / "incidents") in config.watch and os.path.realpath(root / "shared") in config.watch


@pytest.mark.parametrize("link_style", ["url", "source"])
def test_render_copies_the_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, link_style: str) -> None:
    root = project(tmp_path)
    path = root / "incidents" / "2024" / f"{ID}.yaml"
    write(path, incident(f"![p99 latency]({ID}/latency.png)"))
    monkeypatch.chdir(root)
    out = tmp_path / "out"
    assert main(["render", "-q", "--link-style", link_style, str(out)]) == 0
    page = (out / "incidents" / f"{ID}.md").read_text(encoding="utf-8")
    [tag] = img_tags(page)
    assert tag["src"] == (
        f"{ID}/latency.png" if link_style == "source" else "../2024-05-01-example/latency.png"
    )  # within incidents/: not by way of the root
    assert (out / "incidents" / ID / "latency.png").read_bytes() == png(4, 3)
    manifest = json.loads((out / ".outagekb-render.json").read_text(encoding="utf-8"))
    assert f"incidents/{ID}/latency.png" in manifest["files"]
    # a second run without the image removes its copy, as it removes a page no longer generated
    write(path, incident("No image any more."))
    assert main(["render", "-q", "--link-style", link_style, str(out)]) == 0
    assert not (out / "incidents" / ID / "latency.png").exists()


def test_validate_warns_on_raw_html_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    write(root / "incidents" / "2024" / f"{ID}.yaml", incident("Routing broke for <b>every</b> user.<br>"))
    monkeypatch.chdir(root)
    assert main(["validate"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"incidents/2024/{ID}.yaml:7:29: warning: summary: `<b>` is shown as text, not as HTML; for bold, write `**bold**`",
        f"incidents/2024/{ID}.yaml:7:47: warning: summary: `<br>` is shown as text, not as HTML; for a line break, end "
        "the line with two spaces; for a new paragraph, leave a blank line",
    ]
    assert "2 warnings" in captured.err
    assert main(["validate", "--format", "json"]) == 0
    assert [p["severity"] for p in json.loads(capsys.readouterr().out)] == ["warning", "warning"]
    assert main(["validate", "--format", "sarif"]) == 0
    assert [r["level"] for r in json.loads(capsys.readouterr().out)["runs"][0]["results"]] == ["warning", "warning"]
    assert main(["validate", "--format", "gitlab"]) == 0
    assert [p["severity"] for p in json.loads(capsys.readouterr().out)] == ["minor", "minor"]
    # and the build goes on, with the tags shown as text
    site = build(root, strict=False)
    assert "&lt;b&gt;every&lt;/b&gt;" in page_file(site, f"incidents/{ID}").read_text(encoding="utf-8")


def test_validate_reads_the_image_folders_of_mkdocs_yml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, options="      images: [shared]")
    (root / "shared").mkdir()
    (root / "shared" / "map.png").write_bytes(png(2, 2))
    write(
        root / "incidents" / "2024" / f"{ID}.yaml",
        incident("The map: ![region map](../../shared/map.png) ![gone](../../shared/gone.png)"),
    )
    monkeypatch.chdir(root)
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"incidents/2024/{ID}.yaml:7:56: error: summary: `../../shared/gone.png`: no such file (the path is read from this "
        "file's folder: `shared/gone.png`)"
    ]


def test_unsafe_svg_content_is_refused() -> None:
    refused = {
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>': "`<foreignObject>`",
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>': "`<a>`",
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>': "`<image>`",
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>': "a style that loads",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://x.example/p)"/></svg>': "a `url(",
        b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:alert(1)"/></svg>': "`<set>`",
        b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>': "XML entities",
        b'<?xml-stylesheet href="https://x.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>': "stylesheet",
        b"<svg": "not a well-formed SVG file",
        b'<html xmlns="http://www.w3.org/1999/xhtml"/>': "does not hold an SVG image",
    }
    for data, why in refused.items():
        found = images._svg(data)
        assert isinstance(found, str) and why in found, (data, found)
    inkscape = (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="120px" '
        b'height="80"><inkscape:grid/><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="1" height="1"/>'
        b'<use href="#g"/></svg>'
    )
    assert images._svg(inkscape) == (120, 80)


def test_raster_sizes() -> None:
    assert images._raster_size("PNG", png(640, 480)[:64], None) == (640, 480)
    assert images._raster_size("GIF", GIF[:64], None) == (5, 7)
    jpeg = (
        b"\xff\xd8\xff\xe0"
        + struct.pack(">H", 16)
        + b"JFIF\x00"
        + b"\x00" * 9
        + b"\xff\xdb"
        + struct.pack(">H", 67)
        + b"\x00" * 65
        + b"\xff\xc0"
        + struct.pack(">HBHHB", 11, 8, 300, 500, 1)
        + b"\x01\x11\x00"
    )
    import io

    stream = io.BytesIO(jpeg)
    head = stream.read(64)
    assert images._raster_size("JPEG", head, stream) == (500, 300)
    assert images._raster_size("PNG", b"<html>", None) is None
