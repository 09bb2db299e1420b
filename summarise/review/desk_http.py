"""The review desk's HTTP side: who may ask (token, Host, Origin, Sec-Fetch-Site), and how
an answer is sent (no caching, no referrer beyond the desk, no framing).

The Desk (desk.py) answers each request; this module only checks and sends, so that
every page and every refusal goes out with the same headers.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from summarise.render.desk_page import desk_link, render_message, render_opening

MAX_FORM = 1_000_000  # bytes of a posted form: a decision and its notes, never more


@dataclass(frozen=True)
class Answer:
    status: int
    body: str = ""
    location: str = ""  # a redirect


class Answering(Protocol):
    """What the handler asks of the desk (desk.py's Desk): its address and key, and its answers."""

    host: str
    origin: str
    token: str

    def queue(self, query: dict[str, list[str]] | None = None) -> Answer: ...

    def brief_page(self, name: str, error: str = "", status: int = HTTPStatus.OK) -> Answer: ...

    def not_found(self) -> Answer: ...

    def decide(self, form: dict[str, list[str]]) -> Answer: ...

    def undo(self) -> Answer: ...

    def correct(self, form: dict[str, list[str]]) -> Answer: ...

    def keep_draft(self, form: dict[str, list[str]]) -> Answer: ...


def handler_for(desk: Answering) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "summarise-review-desk"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal shows the URL, not every request (which would print the token)

        def _refusal(self, token: str, opening: bool = False) -> str:
            if self.headers.get("Host") != desk.host:
                return "not this desk's address"
            origin = self.headers.get("Origin")
            if origin is not None and origin != desk.origin:
                return "a request from another site"
            # A browser says where a request comes from: only the desk's own pages, or the address typed in;
            # the launcher file (a file:// page, so "cross-site") may only open the desk, which changes nothing.
            site = self.headers.get("Sec-Fetch-Site", "none")
            if site not in ("same-origin", "none") and not (
                opening and self.headers.get("Sec-Fetch-Mode") == "navigate"
            ):
                return "a request from another site"
            if not hmac.compare_digest(token.encode(), desk.token.encode()):
                return "no valid token"
            return ""

        def _send(self, answer: Answer) -> None:
            body = answer.body.encode()
            self.send_response(answer.status)
            if answer.location:
                self.send_header("Location", answer.location)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Referrer-Policy", "same-origin")  # see desk_page.REFERRER
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy", "frame-ancestors 'none'")
            self.end_headers()
            self.wfile.write(body)

        def _refuse(self, why: str) -> None:
            self._send(Answer(HTTPStatus.FORBIDDEN, render_message("Refused", f"Refused: {why}.", "")))

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            why = self._refusal((query.get("token") or [""])[0], opening=url.path == "/open")
            if why:
                return self._refuse(why)
            if url.path == "/":
                return self._send(desk.queue(query))
            if url.path == "/open":  # from the launcher file: on to the queue, now from the desk's own page
                return self._send(Answer(HTTPStatus.OK, render_opening(desk_link(desk.token))))
            if url.path == "/ping":  # an open page asking whether the desk is there (desk.js): nothing to send
                return self._send(Answer(HTTPStatus.NO_CONTENT))
            if url.path == "/brief":
                return self._send(desk.brief_page((query.get("path") or [""])[0]))
            return self._send(desk.not_found())

        def do_POST(self) -> None:
            given = self.headers.get("Content-Length", "")
            length = int(given) if given.isdigit() else -1
            path = urlsplit(self.path).path
            if path not in ("/decide", "/undo", "/edit", "/draft") or not 0 <= length <= MAX_FORM:
                return self._send(Answer(HTTPStatus.NOT_FOUND, "not found"))
            form = parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"), keep_blank_values=True)
            why = self._refusal((form.get("token") or [""])[0])
            if why:
                return self._refuse(why)
            actions = {"/decide": desk.decide, "/edit": desk.correct, "/draft": desk.keep_draft}
            self._send(actions[path](form) if path in actions else desk.undo())

    return Handler
