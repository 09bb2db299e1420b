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

from summarise.brief import FACT_VERDICTS, REVIEW_DECISIONS, FactVerdict
from summarise.brief.header import read_brief
from summarise.errors import SummariseError
from summarise.grounding.recheck import current_text
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
from summarise.render.publish import brief_record_of
from summarise.review import StaleVersion, batch_root, finish_interrupted, record_review
from summarise.review.drafts import clear_draft, draft_fields, load_draft, save_draft
from summarise.review.edits import write_correction

MAX_FORM = 1_000_000  # bytes of a posted form: a decision and its notes, never more


@dataclass(frozen=True)
class Answer:
    status: int
    body: str = ""
    location: str = ""  # a redirect


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class Desk:
    """The desk for one folder. `url` is what the reviewer opens; `serve()` runs until `close()`."""

    def __init__(self, folder: Path, reviewer: str, memory: Path | None = None) -> None:
        self.folder = folder.resolve()
        self.reviewer = reviewer
        self.memory = memory  # the cache folder whose translation memory an approval feeds; None: none
        self.token = secrets.token_urlsafe(24)
        self.lock = threading.Lock()  # one decision at a time: each rewrites the folder's index
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.origin = f"http://{self.host}"
        self.url = self.origin + desk_link(self.token)
        root = batch_root(self.folder / "index.md")
        if root is not None:  # a decision or correction cut off last time (Ctrl-C, kill) is finished first
            finish_interrupted(root)

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
        from summarise.review.memory import glossary_offers

        rows, unreadable = self._briefs()
        offers = glossary_offers(self.memory) if self.memory is not None else []
        folder = self.folder.name or str(self.folder)
        return Answer(HTTPStatus.OK, render_queue(rows, self.token, folder, unreadable, offers))

    def brief_page(
        self, name: str, error: str = "", status: int = HTTPStatus.OK, drafted: dict[str, str] | None = None
    ) -> Answer:
        rows = self.rows()
        if name not in {row.brief for row in rows}:  # only the folder's own briefs, by their listed name
            return self._message(HTTPStatus.NOT_FOUND, "No such brief", f"{name} is not a brief in this folder.")
        path = self.folder / name
        brief = brief_record_of(path)
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
            version=body_sha256(markdown),
            drafted=load_draft(self.folder, name) if drafted is None else drafted,
        )
        return Answer(status, render_desk_brief(brief, view))

    def _message(self, status: int, title: str, text: str) -> Answer:
        return Answer(status, render_message(title, text, desk_link(self.token)))

    # --- a decision -----------------------------------------------------------------

    def decide(self, form: dict[str, list[str]]) -> Answer:
        def field(name: str) -> str:
            return (form.get(name) or [""])[0].strip()

        name, decision, reason = field("brief"), field("decision"), field("reason")
        if name not in {row.brief for row in self.rows()}:
            return self.brief_page(name)  # says there is no such brief
        drafted = draft_fields(form)
        save_draft(self.folder, name, drafted)  # whatever happens next, the reviewer's verdicts are kept

        def refused(status: int, text: str) -> Answer:
            return self.brief_page(name, text, status, drafted)

        if decision not in REVIEW_DECISIONS:
            return refused(HTTPStatus.BAD_REQUEST, "Choose approve or reject.")
        if decision == "rejected" and not reason:
            return refused(HTTPStatus.BAD_REQUEST, "A rejection needs a reason: say what is wrong.")
        shown = self.brief_page(name)
        if shown.status != HTTPStatus.OK:
            return shown
        brief = brief_record_of(self.folder / name)
        assert brief is not None  # brief_page showed it
        problems = sum(not check.passed for check in brief.checks) + len(fact_problems(brief))
        if decision == "approved" and problems and field("acknowledged") != "1":
            text = "This brief has failed checks or facts with a problem: confirm you have seen them to approve it."
            return refused(HTTPStatus.CONFLICT, text)
        verdicts = tuple(
            FactVerdict(number, verdict, field(f"note-{number}"))
            for number in range(1, len(brief.facts) + 1)
            if (verdict := field(f"verdict-{number}")) in FACT_VERDICTS
        )
        try:
            with self.lock:
                record_review(
                    self.folder / name,
                    decision,
                    self.reviewer,
                    reason if decision == "rejected" else "",
                    verdicts,
                    version=field("version"),
                    memory=self.memory,
                )
        except StaleVersion:
            return refused(HTTPStatus.CONFLICT, STALE)
        except SummariseError as exc:
            return refused(HTTPStatus.BAD_REQUEST, f"Not recorded: {exc}")
        clear_draft(self.folder, name)
        nxt = self._next(self.rows(), name)
        return Answer(HTTPStatus.SEE_OTHER, location=desk_link(self.token, nxt) if nxt else desk_link(self.token))

    def correct(self, form: dict[str, list[str]]) -> Answer:
        """A correction of a line, fact or summary sentence: checked, written, and the page shown again."""

        def field(name: str) -> str:
            return (form.get(name) or [""])[0].strip()

        name, kind, number = field("brief"), field("kind"), field("number")
        if name not in {row.brief for row in self.rows()}:
            return self.brief_page(name)
        path = self.folder / name
        text = field("text")
        try:
            if field("action") == "confirm":  # the text as it is, confirmed: what the page showed
                brief = brief_record_of(path)
                text = current_text(brief, kind, int(number)) if brief else text
            with self.lock:
                write_correction(
                    path, field("version"), kind, int(number) if number.isdigit() else 0, text, self.reviewer
                )
        except StaleVersion:
            return self.brief_page(name, STALE, HTTPStatus.CONFLICT)
        except (SummariseError, ValueError) as exc:
            return self.brief_page(name, f"Not corrected: {exc}", HTTPStatus.BAD_REQUEST)
        anchor = {"line": "L", "fact": "F", "summary": "summary"}.get(kind, "")
        return Answer(
            HTTPStatus.SEE_OTHER,
            location=desk_link(self.token, name) + f"#{anchor}{number if kind != 'summary' else ''}",
        )

    def keep_draft(self, form: dict[str, list[str]]) -> Answer:
        """The decision form as it stands, kept (the page's script posts it as the reviewer works)."""
        name = (form.get("brief") or [""])[0]
        if name not in {row.brief for row in self.rows()}:
            return Answer(HTTPStatus.NOT_FOUND)
        save_draft(self.folder, name, draft_fields(form))
        return Answer(HTTPStatus.NO_CONTENT)


STALE = (
    "This brief changed after your page was drawn (a re-run, or a decision or correction in another tab): "
    "nothing was recorded. Below is the text now on disk, with your verdicts and notes kept; "
    "read it, then decide again."
)


def run_desk(folder: Path, by: str, open_browser: bool, say: Callable[[str], None], memory: Path | None = None) -> None:
    """Run the review desk until Ctrl-C."""
    desk = Desk(folder, by, memory)
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
            action = {"/decide": desk.decide, "/edit": desk.correct, "/draft": desk.keep_draft}.get(
                urlsplit(self.path).path
            )
            if action is None or not 0 <= length <= MAX_FORM:
                return self._send(Answer(HTTPStatus.NOT_FOUND, "not found"))
            form = parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"), keep_blank_values=True)
            why = self._refusal((form.get("token") or [""])[0])
            if why:
                return self._refuse(why)
            self._send(action(form))

    return Handler
