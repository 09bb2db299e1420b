"""`summarise review FOLDER --serve`: a local review desk for a folder of briefs.

The standard library's ThreadingHTTPServer, bound to 127.0.0.1 on a port the system
picks; nothing listens on another address. Every request must carry the desk's random
token and come to the desk's own host (a page elsewhere, or a DNS-rebound name, is
refused with 403), and a request whose Origin is another site is refused too. Decisions
are written by record_review, exactly as `summarise review --approve/--reject` writes
them, so the files stay the record and the static pages keep working without the desk.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qs, urlsplit

from summarise.brief import FACT_VERDICTS, REVIEW_DECISIONS, Brief, FactVerdict
from summarise.brief.files import BriefFiles
from summarise.brief.header import read_brief
from summarise.errors import SummariseError
from summarise.render import render_markdown
from summarise.render.desk_page import (
    DeskView,
    QueueRow,
    desk_link,
    progress,
    render_desk_brief,
    render_message,
    render_queue,
)
from summarise.render.front_matter import body_sha256, review_from
from summarise.render.problems import fact_problems
from summarise.review import record_review

MAX_FORM = 1_000_000  # bytes of a posted form: a decision and its notes, never more


@dataclass(frozen=True)
class Answer:
    status: int
    body: str = ""
    location: str = ""  # a redirect


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _brief_of(path: Path) -> Brief | None:
    """The brief a Markdown file was written from: the record its page (or JSON) carries."""
    from summarise.render.html import read_page_record
    from summarise.render.json import brief_from_record

    files = BriefFiles(path, json=True, html=True)
    page, data = files.page, files.json_path
    try:
        if page.is_file():
            return read_page_record(page.read_text(encoding="utf-8", errors="replace"))
        if data.is_file():
            return brief_from_record(json.loads(data.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
    return None


class Desk:
    """The desk for one folder. `url` is what the reviewer opens; `serve()` runs until `close()`."""

    def __init__(self, folder: Path, reviewer: str) -> None:
        self.folder = folder.resolve()
        self.reviewer = reviewer
        self.token = secrets.token_urlsafe(24)
        self.lock = threading.Lock()  # one decision at a time: each rewrites the folder's index
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.origin = f"http://{self.host}"
        self.url = self.origin + desk_link(self.token)

    def serve(self) -> None:
        self.server.serve_forever()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the folder holds ------------------------------------------------------

    def rows(self) -> list[QueueRow]:
        return self._briefs()[0]

    def _briefs(self) -> tuple[list[QueueRow], list[tuple[str, str]]]:
        """The queue's rows, and the briefs it cannot read (a damaged or hostile front matter), with why."""
        from summarise.batch.reports import collect_briefs
        from summarise.render.page import model_words

        rows: list[QueueRow] = []
        briefs = collect_briefs(self.folder)
        for relative, front in briefs.found:
            facts = front["facts"] if isinstance(front.get("facts"), dict) else {}
            checks = front["checks"] if isinstance(front.get("checks"), dict) else {}
            review = review_from(front)
            rows.append(
                QueueRow(
                    brief=relative.as_posix(),
                    title=model_words(str(front.get("title", relative.stem))),
                    review=review.decision if review else "needs review",
                    reviewer=review.by if review else "",
                    flagged=_count(facts.get("flagged")),
                    failed_checks=_count(checks.get("failed")),
                )
            )
        return rows, [(relative.as_posix(), why) for relative, why in briefs.unreadable]

    def _next(self, rows: list[QueueRow], after: str) -> str:
        """The next brief needing review after `after` (in the queue's order), wrapping round."""
        waiting = sorted(row.brief for row in rows if row.review == "needs review" and row.brief != after)
        later = [name for name in waiting if name > after]
        return (later or waiting or [""])[0]

    # --- pages ----------------------------------------------------------------------

    def queue(self) -> Answer:
        rows, unreadable = self._briefs()
        return Answer(HTTPStatus.OK, render_queue(rows, self.token, self.folder.name or str(self.folder), unreadable))

    def brief_page(self, name: str, error: str = "", status: int = HTTPStatus.OK) -> Answer:
        rows = self.rows()
        if name not in {row.brief for row in rows}:  # only the folder's own briefs, by their listed name
            return self._message(HTTPStatus.NOT_FOUND, "No such brief", f"{name} is not a brief in this folder.")
        path = self.folder / name
        brief = _brief_of(path)
        if brief is None:
            text = f"{name} has no page or JSON record to show; decide with summarise review {name} --approve."
            return self._message(HTTPStatus.NOT_FOUND, "No page for this brief", text)
        try:
            markdown = read_brief(path)
        except (OSError, UnicodeDecodeError) as exc:
            return self._message(HTTPStatus.CONFLICT, "Cannot read this brief", f"{name}: cannot read it ({exc}).")
        if body_sha256(render_markdown(brief)) != body_sha256(markdown):
            page = PurePosixPath(name).with_suffix(".html").as_posix()
            text = f"{page} shows another version of this brief; run summarise batch to redraw it."
            return self._message(HTTPStatus.CONFLICT, "This page is out of date", text)
        from summarise.render.publish import carry_review

        brief = carry_review(markdown, brief)
        nxt = self._next(rows, name)
        view = DeskView(
            token=self.token,
            brief=name,
            action="/decide",
            queue=desk_link(self.token),
            next=desk_link(self.token, nxt) if nxt else "",
            progress=progress(rows),
            error=error,
        )
        return Answer(status, render_desk_brief(brief, view))

    def _message(self, status: int, title: str, text: str) -> Answer:
        return Answer(status, render_message(title, text, desk_link(self.token)))

    # --- a decision -----------------------------------------------------------------

    def decide(self, form: dict[str, list[str]]) -> Answer:
        def field(name: str) -> str:
            return (form.get(name) or [""])[0].strip()

        name, decision, reason = field("brief"), field("decision"), field("reason")
        if decision not in REVIEW_DECISIONS:
            return self.brief_page(name, "Choose approve or reject.", HTTPStatus.BAD_REQUEST)
        if decision == "rejected" and not reason:
            return self.brief_page(name, "A rejection needs a reason: say what is wrong.", HTTPStatus.BAD_REQUEST)
        shown = self.brief_page(name)
        if shown.status != HTTPStatus.OK:
            return shown
        brief = _brief_of(self.folder / name)
        assert brief is not None  # brief_page showed it
        problems = sum(not check.passed for check in brief.checks) + len(fact_problems(brief))
        if decision == "approved" and problems and field("acknowledged") != "1":
            text = "This brief has failed checks or facts with a problem: confirm you have seen them to approve it."
            return self.brief_page(name, text, HTTPStatus.CONFLICT)
        verdicts = tuple(
            FactVerdict(number, verdict, field(f"note-{number}"))
            for number in range(1, len(brief.facts) + 1)
            if (verdict := field(f"verdict-{number}")) in FACT_VERDICTS
        )
        try:
            with self.lock:
                record_review(
                    self.folder / name, decision, self.reviewer, reason if decision == "rejected" else "", verdicts
                )
        except SummariseError as exc:
            return self.brief_page(name, f"Not recorded: {exc}", HTTPStatus.BAD_REQUEST)
        nxt = self._next(self.rows(), name)
        return Answer(HTTPStatus.SEE_OTHER, location=desk_link(self.token, nxt) if nxt else desk_link(self.token))


def run_desk(folder: Path, by: str, open_browser: bool, say: Callable[[str], None]) -> None:
    """Run the review desk until Ctrl-C."""
    desk = Desk(folder, by)
    say(f"Review desk for {folder} at {desk.url}")
    say("Only this machine can reach it, with the address above. Ctrl-C to stop.")
    if open_browser:
        webbrowser.open(desk.url)
    try:
        desk.serve()
    except KeyboardInterrupt:
        pass
    finally:
        desk.close()


def _handler(desk: Desk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "summarise-review-desk"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal shows the URL, not every request (which would print the token)

        def _refusal(self, token: str) -> str:
            if self.headers.get("Host") != desk.host:
                return "not this desk's address"
            origin = self.headers.get("Origin")
            if origin is not None and origin != desk.origin:
                return "a request from another site"
            # A browser says where a request comes from: only the desk's own pages, or the address typed in.
            if self.headers.get("Sec-Fetch-Site", "none") not in ("same-origin", "none"):
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
            why = self._refusal((query.get("token") or [""])[0])
            if why:
                return self._refuse(why)
            if url.path == "/":
                return self._send(desk.queue())
            if url.path == "/brief":
                return self._send(desk.brief_page((query.get("path") or [""])[0]))
            return self._send(desk._message(HTTPStatus.NOT_FOUND, "Not found", "The desk has no such page."))

        def do_POST(self) -> None:
            given = self.headers.get("Content-Length", "")
            length = int(given) if given.isdigit() else -1
            if urlsplit(self.path).path != "/decide" or not 0 <= length <= MAX_FORM:
                return self._send(Answer(HTTPStatus.NOT_FOUND, "not found"))
            form = parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"), keep_blank_values=True)
            why = self._refusal((form.get("token") or [""])[0])
            if why:
                return self._refuse(why)
            self._send(desk.decide(form))

    return Handler
