"""Reading a source: a file, or an `https://` address (`http://` only on this machine's
loopback, for tests and local mirrors), with the standard library only.

The body is read up to `MAX_SOURCE_BYTES` and no further, redirects must obey the same
rule as the first address, and a loopback address never goes through a proxy.
"""

from __future__ import annotations

import ipaddress
import os
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from .. import __version__
from .record import SourceError

MAX_SOURCE_BYTES = 256 * 1024 * 1024
"""Largest source read: a whole status-page history is a few tens of MB."""
TIMEOUT = 30.0


def is_url(source: str) -> bool:
    return source.lower().startswith(("https://", "http://"))


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """Why an address may not be fetched, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "not a valid address"
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and _loopback(parts.hostname):
        return None
    if parts.scheme == "http":
        return "only https:// addresses are fetched (http:// only on 127.0.0.1 or localhost)"
    return "only https:// addresses are fetched"


class _Redirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        problem = url_problem(newurl)
        if problem:
            raise urllib.error.URLError(f"redirected to {newurl}: {problem}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def read_url(url: str) -> bytes:
    problem = url_problem(url)
    if problem:
        raise SourceError(f"{url}: {problem}")
    handlers: list[urllib.request.BaseHandler] = [_Redirects()]
    if _loopback(urlsplit(url).hostname):
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"User-Agent": f"outagekb/{__version__}", "Accept": "application/json"})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            data: bytes = response.read(MAX_SOURCE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise SourceError(f"{url}: the server answered HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise SourceError(f"{url}: cannot fetch: {error.reason}") from None
    except (OSError, ValueError) as error:
        raise SourceError(f"{url}: cannot fetch: {error}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{url}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB; refused")
    return data


def read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        raise SourceError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{path}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB; refused")
    return data


def expand(source: str, suffix: str = ".json") -> list[str]:
    """A source argument as the inputs it names: an address, a file, or a folder's
    `*.json` files in name order."""
    if is_url(source) or not os.path.isdir(source):
        return [source]
    names = sorted(name for name in os.listdir(source) if name.lower().endswith(suffix) and not name.startswith("."))
    return [os.path.join(source, name) for name in names]


def read(source: str) -> bytes:
    return read_url(source) if is_url(source) else read_file(source)
