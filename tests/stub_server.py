"""FaultInjectionStub: a tiny OpenAI-compatible HTTP server on 127.0.0.1.

For fault injection (429, 500, timeouts, malformed output) and load tests ONLY. It is
not a model: its default answers are mechanical (it echoes the numbered lines it is
asked to translate), so tests built on it check how summarise copes, never quality.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Reply:
    status: int = 200
    content: str | None = None  # None: a mechanical answer to whatever task was asked
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: bytes | None = None  # sent as is (malformed JSON, truncated body)
    delay: float = 0.0  # seconds before answering (read timeouts, latency)
    error: dict[str, Any] | None = None  # an OpenAI-style error body for non-200 replies
    # "summary", "facts" or "translation": the reply answers the next request for that task,
    # whatever the order summarise asks in; "" answers the next request of any task.
    task: str = ""


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float
    status: int = 200  # what the stub answered

    @property
    def task(self) -> str:
        """The last message: which document and which task the request was for."""
        return str(self.body["messages"][-1]["content"])


def asked_lines(tail: str) -> set[int]:
    """The line numbers a translation task names: "[3] to [5], [9]" -> {3, 4, 5, 9}."""
    numbers: set[int] = set()
    for first, last in re.findall(r"\[(\d+)\](?: to \[(\d+)\])?", tail):
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers


PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def _opening(name: str) -> str:
    """The words a prompt template starts with, up to its first placeholder. The stub tells
    tasks apart by these, read from the templates, so rewording a prompt does not break it."""
    first = (PROMPTS / f"{name}.md").read_text(encoding="utf-8").splitlines()[0]
    return first.split("$", 1)[0].strip()


OPENINGS = {
    "translation repair": (_opening("translation_repair"),),
    "translation": (_opening("translation"),),
    "facts": (_opening("facts"), _opening("facts_quote")),
}


def step_of(body: dict[str, Any]) -> str:
    """Which request this is: "translation", "translation repair", "facts" or "summary". A
    follow-up (the facts' repair, the summary's retry) belongs to the task it follows."""
    messages = [str(m["content"]) for m in body.get("messages", [])]
    for text in (messages[-1:], messages):
        found = [step for step, openings in OPENINGS.items() if any(o in part for o in openings for part in text)]
        if found:
            return found[0]
    return "summary"


def task_of(body: dict[str, Any]) -> str:
    """Which task a request is for: summary, facts or translation (a repair counts as its task)."""
    return step_of(body).removesuffix(" repair")


# The words of a number or a date, "translated", so a mechanical line keeps its figures as a
# translation would ("le 4 mai 2024" -> "w 4 May 2024"): summarise re-asks lines that lose one.
FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre")
FRENCH_MONTHS += ("novembre", "décembre")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
ENGLISH_MONTHS += ("November", "December")
_NUMBER_WORDS = {
    **dict(zip(FRENCH_MONTHS, ENGLISH_MONTHS, strict=True)),
    "million": "million",
    "millions": "million",
    "milliard": "billion",
    "milliards": "billion",
    "mille": "thousand",
}


def mechanical_translation(text: str) -> str:
    """A line "translated": its names, numbers, dates and punctuation kept, every other lower-case
    word replaced, so no source-language word is left for summarise to re-ask (an echo would be)."""

    def word(match: re.Match[str]) -> str:
        found = match.group()
        return _NUMBER_WORDS.get(found, "w" if found.islower() else found)

    return re.sub(r"[^\W\d_]+", word, text)


def mechanical_lines(task: str) -> str:
    """The numbered lines a translation task asks for, each "translated" mechanically."""
    document, tail = task.split("\n\n<<<", 1)[1].rsplit(">>>", 1)
    wanted = asked_lines(tail)
    lines = re.findall(r"^\[(\d+)\] (.*)$", document, re.MULTILINE)
    return "\n".join(f"[{n}] (en) {mechanical_translation(text)}" for n, text in lines if int(n) in wanted)


def mechanical_facts(task: str) -> str:
    """One fact, on the first line the task shows."""
    first = re.search(r"^\[(\d+)\]", task, re.MULTILINE)
    line = int(first.group(1)) if first else 1
    return json.dumps({"facts": [{"line": line, "fact_in_English": "The text has a first line.", "category": "other"}]})


# Three sentences that cite line 1: the length summarise asks for, so no retry.
MECHANICAL_SUMMARY = "A stub summary of the document [1]. It has a second sentence [1]. And a third one [1]."


def mechanical_answer(body: dict[str, Any]) -> str:
    """Translate the numbered lines asked for mechanically; one fact; a fixed summary."""
    task = body["messages"][-1]["content"]
    if task_of(body) == "translation":
        return mechanical_lines(task)
    if task_of(body) == "facts":
        return mechanical_facts(task)
    return MECHANICAL_SUMMARY


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A killed client's request fails when answered; its traceback, printed from this
        # thread, would land in the stderr a concurrent CliRunner captures.
        pass


class FaultInjectionStub:
    def __init__(self, replies: list[Reply] | None = None, latency: float = 0.0) -> None:
        self.script = list(replies or [])
        self.latency = latency
        self.requests: list[SeenRequest] = []
        self.hold_when = ""  # a request whose last message contains this waits for `release`
        self.models = ["stub-model"]  # what GET /models lists (summarise doctor asks)
        self.models_reply: Reply | None = None  # a fault for GET /models instead of the list
        self.release = threading.Event()
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                with stub._lock:
                    headers = {name.lower(): value for name, value in self.headers.items()}
                    reply = stub.models_reply or Reply()
                    stub.requests.append(SeenRequest(self.path, headers, {}, time.monotonic(), reply.status))
                if not self.path.rstrip("/").endswith("/models"):
                    reply = Reply(404, error={"message": "no such route", "type": "not_found"})
                listing = {"object": "list", "data": [{"id": name, "object": "model"} for name in stub.models]}
                if reply.raw_body is not None:
                    payload = reply.raw_body
                elif reply.status != 200:
                    payload = json.dumps({"error": reply.error or {"message": f"stub error {reply.status}"}}).encode()
                else:
                    payload = json.dumps(listing).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with stub._lock:
                    headers = {name.lower(): value for name, value in self.headers.items()}
                    reply = stub._next_reply(body)
                    seen = SeenRequest(self.path, headers, body, time.monotonic(), reply.status)
                    stub.requests.append(seen)
                if stub.hold_when and stub.hold_when in seen.task:
                    stub.release.wait(60)
                time.sleep(reply.delay or stub.latency)
                payload = reply.raw_body if reply.raw_body is not None else stub._payload(reply, body)
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (a timeout) or was killed: nothing to do

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        """The first scripted reply for this request's task (or for any), else a mechanical one."""
        task = task_of(body) if body.get("messages") else ""
        for index, reply in enumerate(self.script):
            if not reply.task or reply.task == task:
                return self.script.pop(index)
        return Reply()

    @staticmethod
    def _payload(reply: Reply, body: dict[str, Any]) -> bytes:
        if reply.status != 200:
            error = reply.error or {"message": f"stub error {reply.status}", "type": "server_error"}
            return json.dumps({"error": error}).encode()
        content = mechanical_answer(body) if reply.content is None else reply.content
        return json.dumps(
            {
                "id": "chatcmpl-stub",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "stub"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": reply.finish_reason,
                    }
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
            }
        ).encode()

    def tasks(self) -> list[str]:
        """Which task each request asked for: summary, facts or translation (a repair counts as its task)."""
        return [task_of(r.body) for r in self.requests if r.body.get("messages")]

    @contextmanager
    def running(self) -> Iterator[FaultInjectionStub]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()  # let held requests go, so shutdown does not wait on them
            self.server.shutdown()
            self.server.server_close()
