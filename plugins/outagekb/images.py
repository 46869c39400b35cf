"""Images in incident text: which file a Markdown image names, whether the site may show
it, and where its copy goes in the site.

A path is read relative to the incident file, as MkDocs reads one in a page of docs/. It
must lead into the incident's own folder, `<id>/` beside `<id>.yaml`, or into one of the
folders the site names (`images` option); a file there must be a PNG, JPEG, GIF, WebP or
SVG whose content matches its name. An SVG file is XML that can hold scripts and load
other sites' content when opened on its own, so only one that holds drawing alone is
accepted. The loader reports every image that breaks these rules at its place; the
renderer shows the ones that keep them, and `Renderer.copied_files` lists their copies.
"""

from __future__ import annotations

import os
import posixpath
import re
import struct
import urllib.parse
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from . import markup, model, paths
from .markup import ImageUse
from .problems import ERROR, Problem, display_path

KINDS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WebP", ".svg": "SVG"}
"""The image files a page can show, by their extension (in lowercase)."""
SHARED_PREFIX = "assets/outagekb/images/"
"""Where the copies of images from the site's `images` folders go, by their path in the repository."""
REMOTE_SCHEMES = ("https", "http")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class SharedFolder(NamedTuple):
    """A folder of images any incident may show: where it is, and where its copies go."""

    path: str
    """Absolute, links resolved."""
    site: str
    """`assets/outagekb/images/<its path in the repository>/`."""


def shared_folders(root: str, names: Iterable[str]) -> tuple[SharedFolder, ...]:
    """The site's `images` folders (relative to `root`, the folder of mkdocs.yml), as the
    loader and the renderer use them; the option's own check refused unusable names."""
    folders: list[SharedFolder] = []
    for name in names:
        relative = posixpath.normpath(name.replace(os.sep, "/")).strip("/")
        folders.append(SharedFolder(os.path.realpath(os.path.join(root, relative)), SHARED_PREFIX + relative + "/"))
    return tuple(folders)


def folder_problem(name: str) -> str | None:
    """Why a name cannot be one of the `images` folders, or None when it can."""
    relative = posixpath.normpath(name.replace("\\", "/"))
    if not name.strip() or relative in (".", "") or posixpath.isabs(relative) or _SCHEME.match(name):
        return f"`{name}` must be a folder inside the repository, relative to mkdocs.yml, such as `images`"
    parts = relative.split("/")
    if ".." in parts:
        return f"`{name}` leads outside the repository; name a folder inside it, relative to mkdocs.yml"
    if not all(_SAFE_NAME.match(part) for part in parts):
        return f"`{name}`: its name becomes part of the images' addresses; use letters, digits, `-`, `_` and `.` only"
    return None


@dataclass(frozen=True)
class ImageFile:
    """An image the site shows: the file, its copy's path in the site, and its size in
    pixels when the file says it (None when not)."""

    source: str
    site: str
    width: int | None = None
    height: int | None = None


def is_remote(src: str) -> bool:
    scheme = _SCHEME.match(src)
    return scheme is not None and scheme.group(1).lower() in REMOTE_SCHEMES


def own_folder(incident_path: str, incident_id: str) -> str:
    """`<id>/` beside the incident file: the folder of its images."""
    return os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(incident_path))), incident_id)


def resolve(src: str, incident_path: str, incident_id: str, shared: Sequence[SharedFolder] = ()) -> ImageFile | str:
    """The image file a path names (not a remote address: see `is_remote`), or why it cannot
    be shown, as a message without the field."""
    shown = f"`{_echo(src)}`"
    if not src.strip():
        return f"the image has no path; write `![what it shows]({incident_id}/file.png)`"
    scheme = _SCHEME.match(src)
    if scheme is not None and len(scheme.group(1)) > 1:  # `C:` is a drive, not a scheme
        name = scheme.group(1).lower()
        if name in REMOTE_SCHEMES:
            return f"{shown} is an address, not a file in the repository"
        if name == "data":
            return (
                f"`data:` images are not shown; save the image as a file in `{incident_id}/` beside this file and write its path"
            )
        return f"`{name}:` is not an image address the site shows; use a file in `{incident_id}/` beside this file, or an `https://` address"
    if src.startswith("//"):
        return f"{shown}: write the address with `https:`"
    written = urllib.parse.unquote(src.split("#", 1)[0].split("?", 1)[0])
    if written.startswith(("/", "\\")) or "\\" in written or scheme is not None:
        return f"{shown}: an image's path is relative to this file, such as `{incident_id}/graph.png`"
    base = os.path.realpath(os.path.dirname(os.path.abspath(incident_path)))
    target = os.path.normpath(os.path.join(base, *written.split("/")))
    own = own_folder(incident_path, incident_id)
    roots = [(own, posixpath.splitext(paths.incident_page(incident_id))[0] + "/")] + [(f.path, f.site) for f in shared]
    for folder, site in roots:
        lexical = os.path.normpath(folder)
        if not target.startswith(lexical + os.sep):
            continue
        relative = os.path.relpath(target, lexical).split(os.sep)
        found = _walk(lexical, relative, shown, src)
        if isinstance(found, str):
            return found
        if not paths.is_inside(target, folder):
            return f"{shown} is a link to a file outside `{_folder_name(folder, base)}`; copy the image in instead"
        kind = KINDS.get(os.path.splitext(target)[1].lower())
        if kind is None:
            return f"{shown} is not an image the site shows: use PNG, JPEG, GIF, WebP or SVG"
        unsafe = next((part for part in relative if not _SAFE_NAME.match(part)), None)
        if unsafe is not None:
            return (
                f"{shown}: the name `{_echo(unsafe)}` becomes part of the image's address; "
                f"rename it with letters, digits, `-`, `_` and `.` only, such as `{_safe(unsafe)}`"
            )
        found_file = _image_file(target, site + "/".join(relative), kind)
        return found_file if isinstance(found_file, ImageFile) else f"{shown} {found_file}"
    allowed = [f"`{incident_id}/` beside this file"] + [f"`{display_path(f.path)}/`" for f in shared]
    named = ", ".join(allowed[:-1]) + (" or " if len(allowed) > 1 else "") + allowed[-1]
    near = os.path.join(own, os.path.basename(target))
    hint = f"; did you mean `{incident_id}/{os.path.basename(target)}`?" if os.path.isfile(near) else ""
    return f"{shown} leads outside the folders images come from: {named}{hint}"


def _walk(folder: str, parts: list[str], shown: str, src: str) -> str | None:
    """Why the path does not name a file, written as it is named (the site's server tells
    capitals apart even where this file system does not); None when it does."""
    looked = display_path(os.path.join(folder, *parts)).replace(os.sep, "/")
    where = "" if looked == src else f" (the path is read from this file's folder: `{_echo(looked)}`)"
    current = folder
    for part in parts:
        try:
            names = os.listdir(current)
        except OSError:
            names = []
        if part not in names:
            near = next((name for name in names if name.lower() == part.lower()), None)
            if near is not None:
                return f"{shown}: the file is named `{_echo(near)}`; write the name as the file has it"
            return f"{shown}: no such file{where}"
        current = os.path.join(current, part)
    if not os.path.isfile(current):
        return f"{shown} is a folder, not an image file"
    return None


def _folder_name(folder: str, base: str) -> str:
    return os.path.relpath(folder, base).replace(os.sep, "/") + "/"


def _safe(name: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]", "-", name)).strip("-._") or "image.png"


def _echo(text: str) -> str:
    shown = text if len(text) <= 80 else text[:79] + "…"
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in shown)


def check_uses(uses: Sequence[ImageUse], path: str, incident_id: str, shared: Sequence[SharedFolder] = ()) -> list[Problem]:
    """Every image of one incident that the site cannot show, at its place in the file."""
    problems: list[Problem] = []
    for use in uses:
        prefix = f"{use.where}: " if use.where else ""
        if not use.alt.strip():
            problems.append(
                Problem(
                    path,
                    use.line,
                    use.column,
                    f"{prefix}the image `{_echo(use.src)}` has no alt text: between `![` and `]`, say what it shows; "
                    "readers who cannot see the image, and pages that list the incident, get only these words",
                    ERROR,
                )
            )
        if is_remote(use.src):
            continue
        found = resolve(use.src, path, incident_id, shared)
        if isinstance(found, str):
            problems.append(Problem(path, use.line, use.column, prefix + found))
    return problems


def incident_texts(incident: model.Incident) -> Iterator[str]:
    """Every Markdown text of an incident, where its images may be."""
    yield incident.summary
    yield incident.impact
    yield incident.analysis
    yield incident.internal_analysis
    yield incident.internal_notes
    for cause in incident.causes:
        yield cause.detail
    for lesson in incident.lessons:
        yield lesson.detail
    for entry in incident.timeline:
        yield entry.event
    for update in incident.updates:
        yield update.text
    for action in incident.actions:
        yield action.action
    if incident.retrospective is not None:
        for points in (incident.retrospective.went_well, incident.retrospective.went_wrong, incident.retrospective.lucky):
            yield from (point.text for point in points)


def incident_images(incident: model.Incident, shared: Sequence[SharedFolder] = ()) -> tuple[ImageFile, ...]:
    """The image files an incident's page shows, each once, in the order its text names them."""
    found: dict[str, ImageFile] = {}
    for text in incident_texts(incident):
        for image in markup.images(text):
            if not is_remote(image.src):
                resolved = resolve(image.src, incident.path, incident.id, shared)
                if isinstance(resolved, ImageFile):
                    found.setdefault(resolved.site, resolved)
    return tuple(found.values())


# what a file holds ----------------------------------------------------------------------------

_FILES: dict[tuple[str, str, int, int], ImageFile | str] = {}
"""Image files looked at in this process, by path, site path and what tells a changed file
apart; the same `ImageFile` object while the file is unchanged, so that `mkdocs serve`
remakes the page of an incident only when one of its images changed."""


def _image_file(path: str, site: str, kind: str) -> ImageFile | str:
    """The image, or why the file is not the image its name says (the rest of a sentence)."""
    try:
        info = os.stat(path)
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    key = (path, site, info.st_size, info.st_mtime_ns)
    known = _FILES.get(key)
    if known is None:
        size = _inspect(path, kind)
        known = _FILES[key] = ImageFile(path, site, *size) if isinstance(size, tuple) else size
    return known


def _inspect(path: str, kind: str) -> tuple[int | None, int | None] | str:
    try:
        with open(path, "rb") as stream:
            if kind == "SVG":
                return _svg(stream.read())
            head = stream.read(64)
            size = _raster_size(kind, head, stream)
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    if size is None:
        return f"does not hold a {kind} image; save it again as {kind}"
    return size


def _raster_size(kind: str, head: bytes, stream: object) -> tuple[int | None, int | None] | None:
    """Width and height from a PNG, GIF, WebP or JPEG file's first bytes; None when the
    bytes are not of that kind."""
    if kind == "PNG":
        if not head.startswith(b"\x89PNG\r\n\x1a\n") or head[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", head[16:24])
        return width, height
    if kind == "GIF":
        if head[:6] not in (b"GIF87a", b"GIF89a"):
            return None
        width, height = struct.unpack("<HH", head[6:10])
        return width, height
    if kind == "WebP":
        if head[:4] != b"RIFF" or head[8:12] != b"WEBP":
            return None
        chunk = head[12:16]
        if chunk == b"VP8X":
            return 1 + int.from_bytes(head[24:27], "little"), 1 + int.from_bytes(head[27:30], "little")
        if chunk == b"VP8L" and head[20:21] == b"\x2f":
            bits = int.from_bytes(head[21:25], "little")
            return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
        if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
            width, height = struct.unpack("<HH", head[26:30])
            return width & 0x3FFF, height & 0x3FFF
        return None, None
    return _jpeg_size(head, stream)


_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
"""JPEG markers of a frame header, which holds the image's size."""


def _jpeg_size(head: bytes, stream: object) -> tuple[int | None, int | None] | None:
    if not head.startswith(b"\xff\xd8\xff"):
        return None
    read = stream.read  # type: ignore[attr-defined]
    data = head[2:]
    for _ in range(1000):  # segments before the frame header: metadata, tables
        while len(data) < 9:
            more = read(4096)
            if not more:
                return None, None
            data += more
        if data[0] != 0xFF:
            return None, None
        marker = data[1]
        if marker == 0xFF:
            data = data[1:]
            continue
        length = struct.unpack(">H", data[2:4])[0]
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[5:9])
            return width, height
        skip = 2 + length
        while len(data) < skip:
            more = read(max(4096, skip - len(data)))
            if not more:
                return None, None
            data += more
        data = data[skip:]
    return None, None


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_SVG_NS = "http://www.w3.org/2000/svg"
_XHTML_NS = "http://www.w3.org/1999/xhtml"
_SVG_DRAWING = frozenset(
    _words(
        "svg g defs symbol use title desc metadata switch view style path rect circle ellipse line polyline "
        "polygon text tspan textPath linearGradient radialGradient stop pattern clipPath mask marker filter "
        "feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting "
        "feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur "
        "feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile "
        "feTurbulence"
    )
)
"""SVG elements that only draw. Left out: `script`, `foreignObject` (HTML inside), `a`,
`image` and `feImage` (other files), and the animations, which can change a link."""
_NEVER = frozenset({"script", "foreignobject", "iframe", "object", "embed", "image", "feimage", "a", "handler", "listener"})
_URL_REF = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def _svg(data: bytes) -> tuple[int | None, int | None] | str:
    """An SVG file's size, or what in it a page may not publish."""
    lowered = data.lower()
    if b"<!entity" in lowered:
        return "declares XML entities, which a drawing does not need; remove the `<!ENTITY` declarations"
    if b"<?xml-stylesheet" in lowered:
        return "loads a stylesheet (`<?xml-stylesheet`); remove it, or export the image as PNG"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return f"is not a well-formed SVG file ({error}); save it again, or export the image as PNG"
    except (ValueError, LookupError):
        return "is not a well-formed SVG file; save it again as UTF-8, or export the image as PNG"
    if root.tag not in (f"{{{_SVG_NS}}}svg", "svg"):
        return "does not hold an SVG image; save it again as SVG"
    for element in root.iter():
        namespace, _, local = element.tag.rpartition("}") if isinstance(element.tag, str) else ("", "", "")
        namespace = namespace.lstrip("{")
        if local.lower() in _NEVER or namespace == _XHTML_NS or (namespace in ("", _SVG_NS) and local not in _SVG_DRAWING):
            return _svg_refusal(f"`<{local}>`")
        for name, value in element.attrib.items():
            attribute = name.rpartition("}")[2].lower()
            if attribute.startswith("on"):
                return _svg_refusal(f"an `{attribute}` attribute")
            if attribute == "href" and not value.strip().startswith("#"):
                return _svg_refusal("a link to another file")
            if any(not ref.startswith("#") for ref in _URL_REF.findall(value)):
                return _svg_refusal("a `url(…)` of another file")
        style = element.text or "" if local == "style" else ""
        if "@import" in style.lower() or any(not ref.startswith("#") for ref in _URL_REF.findall(style)):
            return _svg_refusal("a style that loads another file")
    return _svg_size(root)


def _svg_refusal(what: str) -> str:
    return f"holds {what}, which a drawing does not need and which would act when the file is opened on its own; remove it, or export the image as PNG"


def _svg_size(root: ElementTree.Element) -> tuple[int | None, int | None]:
    def pixels(value: str | None) -> float | None:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*", value or "")
        return float(match.group(1)) if match else None

    width, height = pixels(root.get("width")), pixels(root.get("height"))
    if width is None or height is None:
        box = (root.get("viewBox") or "").replace(",", " ").split()
        try:
            width, height = (float(box[2]), float(box[3])) if len(box) == 4 else (None, None)
        except ValueError:
            width = height = None
    if not width or not height:
        return None, None
    return round(width), round(height)
