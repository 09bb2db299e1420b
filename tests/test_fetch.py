"""Fetching URLs: fixtures served from a local HTTP server on 127.0.0.1 (loopback is the only
network a test may reach, so these tests pass allow_private=True, except those that
check that private addresses are refused)."""

from __future__ import annotations

import hashlib
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from summarise import readers
from summarise.errors import InputError
from summarise.readers.fetch import fetch

FIXTURES = Path(__file__).parent / "fixtures"
# path -> (status, headers, body)
ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/report": (200, {"Content-Type": "application/pdf"}, (FIXTURES / "report.pdf").read_bytes()),
    "/news": (200, {"Content-Type": "text/html; charset=utf-8"}, (FIXTURES / "news.html").read_bytes()),
    "/notes": (200, {"Content-Type": "text/markdown"}, (FIXTURES / "notes.md").read_bytes()),
    "/moved": (302, {"Location": "/news"}, b""),
    "/loop": (302, {"Location": "/loop"}, b""),
    "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
    "/big": (200, {"Content-Type": "text/plain"}, b"x" * 5000),
    "/gone": (404, {}, b"not here"),
    "/members": (401, {"WWW-Authenticate": 'Basic realm="members"'}, b"who are you?"),
}


HEADERS_SEEN: list[dict[str, str]] = []  # of every request, in order


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        HEADERS_SEEN.append({name.lower(): value for name, value in self.headers.items()})
        if self.path == "/slow":
            time.sleep(2)
        status, headers, body = ROUTES.get(self.path, (200, {"Content-Type": "text/plain"}, b"slow"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test): as meant
            pass

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def get(url: str, **options: object) -> readers.Document:
    fetched = fetch(url, 10**6, allow_private=True, **options)  # type: ignore[arg-type]
    return readers.read(fetched.data, url, fetched.content_type)


def test_a_pdf_url_is_read_as_pdf_with_the_url_as_source_and_the_bytes_hash_as_key(server: str) -> None:
    document = get(f"{server}/report")
    assert document.kind == "pdf" and document.pages == 2
    assert document.source == f"{server}/report"
    assert document.sha256 == hashlib.sha256((FIXTURES / "report.pdf").read_bytes()).hexdigest()


def test_the_content_type_decides_between_html_and_markdown(server: str) -> None:
    assert get(f"{server}/news").kind == "html"
    assert get(f"{server}/notes").kind == "markdown"


def test_a_redirect_is_followed_and_the_source_stays_the_url_given(server: str) -> None:
    fetched = fetch(f"{server}/moved", 10**6, allow_private=True)
    assert fetched.final_url == f"{server}/news" and fetched.url == f"{server}/moved"


@pytest.mark.parametrize(
    ("path", "options", "message"),
    [
        ("/loop", {}, "more than 5 redirects"),
        ("/to-file", {}, "only http:// and https://"),
        ("/big", {"max_bytes": 1000}, "5,000 bytes is over the 1,000-byte limit"),
        ("/gone", {}, "the server answered 404"),
        ("/slow", {"timeout": 0.5}, "timed out"),
    ],
)
def test_bad_urls_fail_with_one_line(server: str, path: str, options: dict[str, object], message: str) -> None:
    max_bytes = options.pop("max_bytes", 10**6)
    with pytest.raises(InputError, match=message) as raised:
        fetch(f"{server}{path}", max_bytes, allow_private=True, **options)  # type: ignore[arg-type]
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/doc.pdf",
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://[::1]:9/x",
        "http://10.0.0.8/intranet",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "http://[::ffff:127.0.0.1]:9/",
    ],
)
def test_local_and_private_addresses_are_refused_without_the_flag(url: str) -> None:
    with pytest.raises(InputError, match=r"on this machine or a private network|only http"):
        fetch(url, 10**6)


def test_a_redirect_to_a_private_address_is_refused_too(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first hop is public (a name that resolves to a public address); its redirect is not."""
    real = socket.getaddrinfo

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
        if host == "public.example":  # stands for a public site that redirects into the intranet
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    ROUTES["/to-private"] = (302, {"Location": f"{server}/news"}, b"")
    from summarise.readers import fetch as fetch_module

    def connect(_scheme: str, host: str, port: int, address: str, deadline: object):  # type: ignore[no-untyped-def]
        # The public site is played by the local server; the redirect target is checked for real.
        return real_connection(_scheme, host, int(server.rsplit(":", 1)[1]), "127.0.0.1", deadline)

    real_connection = fetch_module._connection
    monkeypatch.setattr(fetch_module, "_connection", connect)
    with pytest.raises(InputError, match=r"127\.0\.0\.1.*refused"):
        fetch("http://public.example/to-private", 10**6)


def test_a_user_name_and_password_in_a_url_are_neither_sent_nor_repeated(server: str) -> None:
    with pytest.raises(InputError) as raised:
        fetch(server.replace("http://", "http://alice:S3cretPW@") + "/members", 10**6, allow_private=True)
    message = str(raised.value)
    assert message.startswith(f"{server}/members: the server answered 401") and "were not sent" in message
    assert "S3cretPW" not in message and "alice" not in message
    assert "authorization" not in HEADERS_SEEN[-1] and HEADERS_SEEN[-1]["host"] == server.removeprefix("http://")
    fetched = fetch(server.replace("http://", "http://alice:S3cretPW@") + "/moved", 10**6, allow_private=True)
    assert (fetched.url, fetched.final_url) == (f"{server}/moved", f"{server}/news")


@pytest.mark.parametrize(
    ("url", "inside"),
    [
        ("http://[64:ff9b::7f00:1]/", "127.0.0.1"),  # NAT64, well-known prefix
        ("http://[64:ff9b::10.0.0.8]/", "10.0.0.8"),
        ("http://[64:ff9b:1::a9fe:a9fe]/latest/meta-data/", "169.254.169.254"),  # NAT64, local-use prefix
        ("http://[64:ff9b:1:c0a8:1:100::]/", "192.168.1.1"),  # the same prefix, /48 layout (RFC 6052)
        ("http://[2002:7f00:1::]/", "127.0.0.1"),  # 6to4
        ("http://[2002:a00:8::1]:8080/", "10.0.0.8"),
        ("http://[::127.0.0.1]/", "127.0.0.1"),  # IPv4-compatible
        ("http://[::ffff:0:a00:8]/", "10.0.0.8"),  # IPv4-translated (SIIT)
        ("http://[::ffff:10.0.0.8]/", "10.0.0.8"),  # IPv4-mapped
        ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "127.0.0.1"),  # Teredo: the client, obfuscated
        ("http://[2a00:1450::5efe:c0a8:101]/", "192.168.1.1"),  # ISATAP
    ],
)
def test_ipv6_addresses_that_carry_a_private_ipv4_are_refused(url: str, inside: str) -> None:
    with pytest.raises(InputError, match=r"on this machine or a private network") as raised:
        fetch(url, 10**6, timeout=2)
    assert f"({inside})" in str(raised.value)


@pytest.mark.parametrize("url", ["http://[64:ff9b::808:808]/", "http://[::ffff:0:808:808]/", "http://[::8.8.8.8]/"])
def test_ipv6_addresses_that_carry_a_public_ipv4_pass_the_filter(url: str) -> None:
    # They pass the address check and go on to connect, which the tests' network guard refuses.
    with pytest.raises(InputError, match=r"cannot fetch it") as raised:
        fetch(url, 10**6, timeout=2)
    assert "private network" not in str(raised.value)


# --- a server that is slow on purpose, never pausing long enough for a socket timeout -------

DRIP_EVERY = 0.2  # seconds between two sends: far under the deadline the tests give
DRIP_FOR = 4.0  # then it gives up, so a client without a total deadline is slow, not stuck


class Dripping(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        request = self.request.recv(65536).decode("latin-1")
        path = request.split(" ")[1] if " " in request else "/"
        started = time.monotonic()
        try:
            for piece in self.pieces(path):
                if time.monotonic() - started > DRIP_FOR:
                    return
                self.request.sendall(piece)
                time.sleep(DRIP_EVERY)
        except OSError:  # the client gave up: as meant
            return

    @staticmethod
    def pieces(path: str) -> Iterator[bytes]:
        if path == "/body":  # the headers at once, then the body two bytes at a time
            yield b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
            while True:
                yield b"ab"
        elif path == "/body-until-closed":  # no length: the body ends when the connection does
            yield b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
            while True:
                yield b"a"
        elif path == "/headers":  # one header line at a time
            yield b"HTTP/1.1 200 OK\r\n"
            for number in range(10**6):
                yield f"X-Line-{number}: slow\r\n".encode()
        elif path == "/status":  # the status line a byte at a time
            yield from (bytes([byte]) for byte in b"HTTP/1.1 200 OK" + b" " * 10**6)
        elif path.startswith("/hop/"):  # each redirect just in time, five of them
            hop = int(path.rsplit("/", 1)[1])
            yield b""
            yield b""
            if hop < 5:
                yield f"HTTP/1.1 302 Found\r\nLocation: /hop/{hop + 1}\r\nContent-Length: 0\r\n\r\n".encode()
            else:
                yield b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


@pytest.fixture(scope="module")
def dripping() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Dripping)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/body", "/body-until-closed", "/headers", "/status", "/hop/1"])
def test_the_url_deadline_covers_the_whole_fetch_however_slowly_the_server_sends(dripping: str, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=r"timed out after 1\.2 s$"):
        fetch(f"{dripping}{path}", 10**6, timeout=1.2, allow_private=True)
    assert time.monotonic() - started < 2.0  # the deadline, and not a moment of sending more
