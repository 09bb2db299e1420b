"""`summarise review FOLDER --serve`: a local review desk for a folder of briefs.

The standard library's ThreadingHTTPServer, bound to 127.0.0.1 on a port the system
picks; nothing listens on another address. Every request must carry the desk's random
token and come to the desk's own host (a page elsewhere, or a DNS-rebound name, is
refused with 403), and a request whose Origin is another site is refused too. Decisions
are written by record_review, exactly as `summarise review --approve/--reject` writes
them, so the files stay the record and the static pages keep working without the desk.
"""

from __future__ import annotations

import threading
import webbrowser
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import chain
from operator import attrgetter
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode

from summarise.batch.catalog import Catalog, Entry
from summarise.brief import Brief
from summarise.brief.header import read_brief
from summarise.errors import InputError, SummariseError
from summarise.render import render_markdown
from summarise.render.desk_page import (
    DeskView,
    QueueRow,
    QueueView,
    desk_link,
    progress,
    render_desk_brief,
    render_message,
    render_queue,
)
from summarise.render.front_matter import body_sha256
from summarise.review import batch_root, finish_interrupted
from summarise.review.access import Access, load_access, save_access, write_launcher
from summarise.review.desk_forms import correct, decide, keep_draft
from summarise.review.desk_http import Answer, handler_for
from summarise.review.drafts import drafted_facts, drafted_in, load_draft
from summarise.review.index_later import IndexLater
from summarise.review.queue import NEEDS_REVIEW, REVIEW_FILTERS, SORTS, QueueQuery, queue_row
from summarise.review.records import brief_record
from summarise.review.undo import Undo, load_undo, save_undo, take_back

QUEUE_ROWS = 500  # rows on one queue page: a folder of 10,000 is searched and filtered, not scrolled


class Desk:
    """The desk for one folder. `url` is what the reviewer opens; `serve()` runs until `close()`.

    `port` 0 means the port the desk had last time on this folder if it is free, else any.
    """

    def __init__(self, folder: Path, reviewer: str, port: int = 0, memory: Path | None = None) -> None:
        self.folder = folder.resolve()
        self.reviewer = reviewer
        self.memory = memory  # the cache folder whose translation memory an approval feeds; None: none
        access = load_access(self.folder)
        self.token = access.token
        self.lock = threading.Lock()  # one decision at a time: each rewrites the folder's index
        self.catalog = Catalog.of(self.folder)
        self.serving = threading.Event()
        self._last = load_undo(self.folder)  # the last decision made here, which `undo` takes back
        self.server = _bind(handler_for(self), port, access.port)
        self.server.daemon_threads = True
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.origin = f"http://{self.host}"
        self.url = self.origin + desk_link(self.token)
        save_access(self.folder, Access(self.token, self.server.server_address[1]))
        root = batch_root(self.folder / "index.md")
        if root is not None:  # a decision or correction cut off last time (Ctrl-C, kill) is finished first
            finish_interrupted(root)
        # The folder's index is redrawn once decisions pause, not within each (review/index_later.py).
        self.index = IndexLater(root, self.lock) if root is not None else None

    def launcher(self) -> Path | None:
        """A file (the user's alone) that opens the desk: what the browser is given instead of the token."""
        return write_launcher(self.folder, self.origin + "/open?" + urlencode({"token": self.token}))

    def serve(self) -> None:
        self.serving.set()
        self.server.serve_forever()

    def close(self) -> None:
        if self.serving.is_set():  # shutdown() waits for serve_forever, which may never have started
            self.server.shutdown()
        self.server.server_close()
        if self.index is not None:
            self.index.flush()  # the last decisions into the index before the desk is gone

    # --- what the folder holds ------------------------------------------------------

    def rows(self) -> list[QueueRow]:
        """The folder's briefs as they are now, for the queue: a listing and a stat per brief, and the drafts."""
        drafted = drafted_in(self.folder)  # a verdict saved as a draft is judged work
        return [queue_row(entry, drafted.get(entry.name)) for entry in self.catalog.refresh()]

    def known(self) -> list[Entry]:
        """The folder's briefs as the last listing saw them, for a page or a decision: nothing that grows
        with the folder is read (the desk tells the catalog of each brief it writes: `written`)."""
        return self.catalog.known()

    def written(self, name: str) -> None:
        """The desk wrote this brief: the catalog reads it again, the index is redrawn soon."""
        self.catalog.refresh([name])
        if self.index is not None:
            self.index.soon()

    def has(self, name: str) -> bool:
        """Whether `name` is a brief of the folder (one the last listing missed: the folder listed again)."""
        for entries in (self.known(), None):
            entries = self.catalog.refresh() if entries is None else entries
            at = bisect_left(entries, name, key=attrgetter("name"))  # the catalog keeps them in name order
            if at < len(entries) and entries[at].name == name:
                return True
        return False

    def next_after(self, entries: list[Entry], after: str) -> str:
        """The next brief needing review after `after` (in name order, the queue's), wrapping round."""
        at = bisect_right(entries, after, key=attrgetter("name"))
        for entry in chain(entries[at:], entries[:at]):
            if entry.review == NEEDS_REVIEW and entry.name != after:
                return entry.name
        return ""

    # --- pages ----------------------------------------------------------------------

    def queue(self, query: dict[str, list[str]] | None = None) -> Answer:
        asked = QueueQuery.from_query(query or {})
        everything = self.rows()
        matching = self.catalog.matching(asked.search) if asked.search else None
        found = asked.ordered([row for row in everything if asked.keeps(row, matching)])
        view = QueueView(
            search=asked.search,
            review=asked.review,
            problems=asked.problems,
            by=asked.by,
            sort=asked.sort,
            sorts=tuple(SORTS.items()),
            reviews=tuple(REVIEW_FILTERS.items()),
            reviewers=tuple(sorted({row.reviewer for row in everything if row.reviewer})),
            shown=min(len(found), QUEUE_ROWS),
            matched=len(found),
            undo=self._undo_label(),
        )
        folder = self.folder.name or str(self.folder)
        unreadable = self.catalog.unreadable
        from summarise.review.memory import glossary_offers

        offers = glossary_offers(self.memory) if self.memory is not None else []
        page = render_queue(found[:QUEUE_ROWS], self.token, folder, everything, view, unreadable, offers)
        return Answer(HTTPStatus.OK, page)

    def shown(self, name: str) -> tuple[list[Entry], Brief, str] | Answer:
        """The folder's briefs (as last listed), and the brief `name` as its page shows it, with its
        Markdown; or why not."""
        if not self.has(name):  # only the folder's own briefs, by their listed name
            return self._message(HTTPStatus.NOT_FOUND, "No such brief", f"{name} is not a brief in this folder.")
        path = self.folder / name
        brief = brief_record(path)
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
        return self.known(), brief, markdown

    def brief_page(
        self, name: str, error: str = "", status: int = HTTPStatus.OK, drafted: dict[str, str] | None = None
    ) -> Answer:
        shown = self.shown(name)
        if isinstance(shown, Answer):
            return shown
        entries, brief, markdown = shown
        from summarise.render.publish import carry_review

        brief = carry_review(markdown, brief)
        nxt = self.next_after(entries, name)
        drafted = load_draft(self.folder, name) if drafted is None else drafted
        judged = drafted_facts(drafted) | {v.fact for v in (brief.review.facts if brief.review else ())}
        view = DeskView(
            token=self.token,
            brief=name,
            action="/decide",
            queue=desk_link(self.token),
            next=desk_link(self.token, nxt) if nxt else "",
            progress=progress(entries),
            error=error,
            version=body_sha256(markdown),
            drafted=drafted,
            judged=len(judged & set(range(1, len(brief.facts) + 1))),
            undo=self._undo_label(),
        )
        return Answer(status, render_desk_brief(brief, view))

    def not_found(self) -> Answer:
        return self._message(HTTPStatus.NOT_FOUND, "Not found", "The desk has no such page.")

    def _message(self, status: int, title: str, text: str) -> Answer:
        return Answer(status, render_message(title, text, desk_link(self.token)))

    # --- the posted forms (desk_forms.py) -------------------------------------------

    def decide(self, form: dict[str, list[str]]) -> Answer:
        return decide(self, form)

    def correct(self, form: dict[str, list[str]]) -> Answer:
        return correct(self, form)

    def keep_draft(self, form: dict[str, list[str]]) -> Answer:
        return keep_draft(self, form)

    # --- undo -----------------------------------------------------------------------

    @property
    def last(self) -> Undo | None:
        """The last decision made at a desk on this folder, which `undo` takes back (kept across restarts)."""
        return self._last

    @last.setter
    def last(self, undo: Undo | None) -> None:
        self._last = undo
        save_undo(self.folder, undo)

    def _undo_label(self) -> str:
        return self.last.label if self.last else ""

    def undo(self) -> Answer:
        """Take back the last decision made at this desk: the brief's review as it was before it."""
        with self.lock:
            last = self.last
            if last is None:
                return self._message(HTTPStatus.CONFLICT, "Nothing to undo", "No decision was made at this desk yet.")
            self.last = None
            try:  # a brief the folder no longer lists is not ours to write (the kept file named it)
                done = self.has(last.brief) and take_back(self.folder, last, self.reviewer, self.index is not None)
            except SummariseError as exc:
                return self._message(HTTPStatus.CONFLICT, "Not undone", f"Not undone: {exc}")
            if not done:
                text = f"{last.brief} changed after that decision (another decision, or a new run): nothing was undone."
                return self._message(HTTPStatus.CONFLICT, "Not undone", text)
            self.written(last.brief)
        return Answer(HTTPStatus.SEE_OTHER, location=desk_link(self.token, last.brief))


def _bind(handler: type[BaseHTTPRequestHandler], port: int, last_port: int) -> ThreadingHTTPServer:
    """On `port` if given (an error if it is taken), else on the last port if free, else on any."""
    if port:
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as exc:
            raise InputError(f"port {port} on 127.0.0.1: {exc.strerror or exc}; choose another --port") from exc
    for candidate in (last_port, 0) if last_port else (0,):
        try:
            return ThreadingHTTPServer(("127.0.0.1", candidate), handler)
        except OSError:
            continue
    return ThreadingHTTPServer(("127.0.0.1", 0), handler)


def announce(desk: Desk, open_browser: bool, say: Callable[[str], None], opener: Callable[[str], object]) -> None:
    """Say where the desk is, and open it: the browser gets the launcher file, never the token."""
    launcher = desk.launcher()
    say(f"Review desk for {desk.folder} at {desk.origin}/")
    if launcher is None:  # the folder cannot hold the launcher: the address with its key, for this terminal only
        say(f"Open it at {desk.url}")
    else:
        say(f"Open it with {launcher.as_uri()} (readable by you alone; it holds the desk's key).")
    say("Only this machine can reach it; the address and key stay the same the next time. Ctrl-C to stop.")
    if open_browser and launcher is not None:  # never the key on a command line: every local user can read one
        opener(launcher.as_uri())


def run_desk(
    folder: Path, by: str, open_browser: bool, say: Callable[[str], None], port: int = 0, memory: Path | None = None
) -> None:
    """Run the review desk until Ctrl-C."""
    desk = Desk(folder, by, port, memory)
    announce(desk, open_browser, say, webbrowser.open)
    try:
        desk.serve()
    except KeyboardInterrupt:
        pass
    finally:
        desk.close()
