"""Fetch a document from an http(s) URL: bounded in time, size and redirects; no private networks.

A URL may come from a file of URLs someone else wrote, so it must not be a way into the
machine's own services or an intranet (SSRF): every address a host name resolves to is
checked, on every redirect hop, and the connection goes to the very address that was
checked (a second DNS answer cannot swap it). Built on http.client so that pinning is
a one-line seam rather than a fight with a client library's connection pool.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from concurrent.futures import Future
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from summarise.brief.version import __version__
from summarise.errors import InputError, too_large
from summarise.readers.addresses import judged_by

MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 30.0
ACCEPT = "text/html, application/xhtml+xml, application/pdf, text/markdown, text/plain;q=0.9, */*;q=0.5"
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@dataclass(frozen=True)
class Fetched:
    url: str  # as given, minus any user name and password: what the brief names as its source
    final_url: str  # after redirects
    data: bytes
    content_type: str


def looks_like_url(text: str) -> bool:
    """http://…, https://…, and also file://… or ftp://…, so those are refused with a reason."""
    return bool(_URL.match(text))


def without_credentials(url: str) -> str:
    """The URL minus any user name and password (http://user:pw@host/ -> http://host/).

    They are never sent (nothing here speaks HTTP authentication), so they are never
    written either: not in a brief, a page, an index, the batch state or an error line.
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # an unreadable host ("[::1"): fetch refuses it, and nothing of it is repeated
        return url.split("://", 1)[0] + "://…"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))  # the host follows the last "@"


def bad_authority(url: str) -> str | None:
    """Why the URL's host and port cannot be read, or None. Said without the URL: what stands
    there may be a password with a "/", "?" or "#" in it (http://user:pa/ss@host/)."""
    try:
        urlsplit(url).port  # noqa: B018 (urllib checks the port, and a [...] host, when they are read)
    except ValueError:
        return "the host or port of this URL cannot be read (a password in it? summarise never sends one); not shown"
    return None


def url_path(url: str) -> str:
    """Where a URL's brief goes, as a relative path: host/path, safe characters only, no suffix."""
    parts = urlsplit(without_credentials(url))
    segments = [parts.hostname or "page", *(s for s in parts.path.split("/") if s)]
    safe = [re.sub(r"[^\w.-]+", "-", segment).strip(".-") or "page" for segment in segments]
    last = safe[-1].rsplit(".", 1)[0] if "." in safe[-1] and len(safe) > 1 else safe[-1]
    return "/".join([*safe[:-1], last or "page"])


def url_name(url: str) -> str:
    """A file name for a URL's brief: the last part of its path, or its host."""
    return url_path(url).rsplit("/", 1)[-1]


class Deadline:
    """One clock for a whole fetch: name lookups, connections, TLS, headers, every redirect, the body.

    A socket timeout bounds each read alone, so a server that sends a byte just before it
    runs out holds the fetch for ever. At the deadline a timer shuts every socket of the
    fetch, which ends at once whatever read or handshake is waiting on it.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        """The seconds left; TimeoutError when there are none."""
        left = self._end - time.monotonic()
        if left <= 0 or self.expired:
            raise TimeoutError
        return left

    def watch(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            if self.expired:
                sock.close()
                raise TimeoutError
            # A descriptor of our own: shutting it ends reads on the connection's copy (and on
            # the TLS socket made from it), and its number cannot be reused while we hold it.
            self._sockets.append(sock.dup())
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _lookup(host: str, port: int, deadline: Deadline) -> list[str]:
    """The host's addresses, within the deadline: a resolver that does not answer cannot hold the fetch."""
    found: Future[list[str]] = Future()

    def resolve() -> None:
        try:
            found.set_result([str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)])
        except BaseException as exc:  # handed to the caller, whatever it is
            found.set_exception(exc)

    threading.Thread(target=resolve, daemon=True, name="summarise-resolve").start()
    return found.result(timeout=deadline.left())


def _check_address(url: str, host: str, port: int, allow_private: bool, deadline: Deadline) -> str:
    """The address to connect to; refuse if any address of the host is not on the public internet."""
    try:
        addresses = _lookup(host, port, deadline)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"{url}: cannot find the host {host!r}") from exc
    for address in addresses:
        for ip in judged_by(ipaddress.ip_address(address.split("%")[0])):
            if not allow_private and (not ip.is_global or ip.is_multicast):
                raise InputError(
                    f"{url}: {host} is on this machine or a private network ({ip}); refused. "
                    "Pass --allow-private-urls if you mean it"
                )
    return addresses[0]


def _connection(scheme: str, host: str, port: int, address: str, deadline: Deadline) -> http.client.HTTPConnection:
    connection: http.client.HTTPConnection
    timeout = deadline.left()
    if scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    # Connect to the checked address (TLS still verifies the certificate for `host`), on the deadline's watch.
    connection._create_connection = lambda _address, _timeout, source: deadline.watch(  # type: ignore[attr-defined]
        socket.create_connection((address, port), deadline.left(), source)
    )
    return connection


def _body(response: http.client.HTTPResponse, url: str, max_bytes: int, deadline: Deadline) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise too_large(url, int(length), max_bytes)
    encoding = (response.getheader("Content-Encoding") or "identity").lower()
    inflate = zlib.decompressobj(wbits=47) if encoding in ("gzip", "deflate") else None  # 47: gzip or zlib
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(65536):
        deadline.left()  # a server that sends a byte at a time still has a deadline
        if inflate is not None:
            chunk = inflate.decompress(chunk, max_bytes + 1 - size)
        size += len(chunk)
        if size > max_bytes:
            raise too_large(url, None, max_bytes)
        chunks.append(chunk)
    deadline.left()  # a body cut short by the deadline is not the whole body
    return b"".join(chunks)


def fetch(
    url: str,
    max_bytes: int,
    *,
    timeout: float = TIMEOUT_SECONDS,
    max_redirects: int = MAX_REDIRECTS,
    allow_private: bool = False,
) -> Fetched:
    """GET `url` within `timeout` seconds in all, following at most `max_redirects` redirects,
    each hop checked like the first."""
    if (problem := bad_authority(url)) is not None:
        raise InputError(f"{url.split('://', 1)[0]}://…: {problem}")
    given, url = url, without_credentials(url)
    deadline = Deadline(timeout)
    try:
        return _fetch(url, max_bytes, deadline, max_redirects, allow_private)
    except InputError as exc:
        if url != given and re.search(r"answered 40[13] ", str(exc)):
            raise InputError(
                f"{exc}; the user name and password in the URL were not sent: summarise never sends them"
            ) from exc
        raise
    finally:
        deadline.close()


def _fetch(url: str, max_bytes: int, deadline: Deadline, max_redirects: int, allow_private: bool) -> Fetched:
    current = url
    for _hop in range(max_redirects + 1):
        current = without_credentials(current)  # a redirect may name some too
        parts = urlsplit(current)
        if parts.scheme.lower() not in ("http", "https"):
            raise InputError(f"{url}: only http:// and https:// addresses are fetched (not {parts.scheme}://)")
        if not parts.hostname:
            raise InputError(f"{url}: no host name in {current}")
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError as exc:
            raise InputError(f"{url}: {bad_authority(current)}") from exc
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": f"summarise/{__version__}", "Accept": ACCEPT, "Accept-Encoding": "gzip, identity"}
        connection = None
        try:
            address = _check_address(url, parts.hostname, port, allow_private, deadline)
            connection = _connection(parts.scheme.lower(), parts.hostname, port, address, deadline)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                current = urljoin(current, response.getheader("Location", ""))
                continue
            if response.status >= 400:
                raise InputError(f"{url}: the server answered {response.status} {response.reason}")
            data = _body(response, url, max_bytes, deadline)
            return Fetched(url, current, data, response.getheader("Content-Type") or "")
        except (OSError, http.client.HTTPException, zlib.error) as exc:  # TimeoutError and SSLError among them
            raise _failure(url, exc, deadline) from exc
        finally:
            if connection is not None:
                connection.close()
    raise InputError(f"{url}: more than {max_redirects} redirects; not followed")


def _failure(url: str, exc: BaseException, deadline: Deadline) -> InputError:
    """What went wrong, in one line; whatever the deadline cut short is a timeout."""
    if deadline.expired or isinstance(exc, TimeoutError):
        return InputError(f"{url}: timed out after {deadline.seconds:g} s")
    if isinstance(exc, ssl.SSLError):
        return InputError(f"{url}: secure connection failed ({exc.reason or exc})")
    return InputError(f"{url}: cannot fetch it ({exc.__class__.__name__}: {exc})")
