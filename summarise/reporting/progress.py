"""What a run is doing while it waits on the model: never a silent wait.

At a terminal one status line is redrawn: the stage (assembling the model, starting the
engine) or the task with its tokens so far, tokens/s and an estimate of the time left.
Off a terminal (logs, pipes) each stage gets one plain line on stderr; `-q` shows nothing.

Token counts come from the embedded engine's own `/slots` endpoint, polled while a call
runs, so request bodies (and the recorded cassettes) stay exactly as they are. A remote
endpoint shows the elapsed time of each call instead.

`Progress` is the one family of displays: these for one brief, and a batch's (a bar, or
one line per document) in batch/progress.py. The run's `Reporter` holds the display.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TextIO

from summarise.brief import Usage

POLL_SECONDS = 0.5
TokenSource = Callable[[], int | None]  # tokens generated so far by the running call, None if unknown


def slots_token_source(base_url: str) -> TokenSource:
    """Tokens decoded so far by the busy slots of a llama.cpp server (its `/slots` endpoint)."""
    url = base_url.removesuffix("/").removesuffix("/v1") + "/slots"

    def tokens() -> int | None:
        try:
            with urllib.request.urlopen(url, timeout=POLL_SECONDS) as response:  # 127.0.0.1 only
                slots = json.loads(response.read())
        except (OSError, ValueError):
            return None
        return sum(decoded(slot) for slot in slots if isinstance(slot, dict) and slot.get("is_processing"))

    return tokens


def decoded(slot: dict[str, Any]) -> int:
    """llama.cpp reports `next_token` as an object or (newer) a list of objects."""
    next_token = slot.get("next_token")
    entries = next_token if isinstance(next_token, list) else [next_token]
    return sum(int(entry.get("n_decoded", 0)) for entry in entries if isinstance(entry, dict))


class Finished(Protocol):
    """A document of a batch that has finished, as a display shows it (batch/outcomes.Outcome)."""

    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def output(self) -> str: ...
    @property
    def usage(self) -> Usage: ...
    @property
    def seconds(self) -> float: ...


class Progress:
    """Silent: the base for `-q`, and what the library uses when nobody is watching."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def begin(self, text: str) -> None:
        """What starts now: reading a command's input, or one document of a batch (from its
        worker thread). Only a status line or a bar shows it: in a log what follows says it."""

    def stage(self, text: str) -> None:
        """A step that is not a model call: assembling a model, starting the engine."""

    @contextmanager
    def call(self, label: str, expected_tokens: int, tokens: TokenSource | None) -> Iterator[None]:
        """One model call: `expected_tokens` is the call's budget, an upper bound for the ETA."""
        yield

    def finished(self, outcome: Finished) -> None:
        """One document of a batch has finished (told from the main thread)."""

    def close(self) -> None:
        pass


class LineProgress(Progress):
    """Off a terminal: one line per stage on stderr, with the time since the start."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()

    def _line(self, text: str) -> None:
        print(f"summarise: [{time.monotonic() - self.started:5.1f} s] {text}", file=self.stream, flush=True)

    def stage(self, text: str) -> None:
        self._line(text)

    @contextmanager
    def call(self, label: str, expected_tokens: int, tokens: TokenSource | None) -> Iterator[None]:
        self._line(f"{label} (up to {expected_tokens} tokens)")
        yield


class TerminalProgress(Progress):
    """At a terminal: one redrawn status line (rich) with tokens, tokens/s and time left."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.status import Status

        self.console = Console(stderr=True)
        self.status = Status("starting", console=self.console)
        self.status.start()
        self.running = True

    def begin(self, text: str) -> None:
        self.status.update(text)

    def stage(self, text: str) -> None:
        self.status.update(text)

    @contextmanager
    def call(self, label: str, expected_tokens: int, tokens: TokenSource | None) -> Iterator[None]:
        began = time.monotonic()
        done = threading.Event()

        def redraw() -> None:
            first_token_at: float | None = None  # generation starts after the prefill
            while not done.wait(POLL_SECONDS):
                now, count = time.monotonic(), tokens() if tokens else None
                if count and first_token_at is None:
                    first_token_at = now - POLL_SECONDS / 2
                generating = now - first_token_at if first_token_at is not None else 0.0
                self.status.update(describe(label, expected_tokens, count, now - began, generating))

        self.status.update(f"{label}: waiting for the model")
        poller = threading.Thread(target=redraw, name="progress", daemon=True)
        poller.start()
        try:
            yield
        finally:
            done.set()
            poller.join()
            self.console.print(f"[dim]{label}: {time.monotonic() - began:.1f} s[/dim]")

    def close(self) -> None:
        if self.running:
            self.running = False
            self.status.stop()


def describe(label: str, expected: int, tokens: int | None, elapsed: float, generating: float) -> str:
    """`translate chunk 1: 312 tokens, 21.4 tok/s, at most 18 s left (20 s)`. Before the first
    token the server is reading the document (prefill); the rate counts generation only."""
    if tokens is None:
        return f"{label}: {elapsed:.0f} s"
    if tokens == 0 or generating <= 0:
        return f"{label}: reading the document ({elapsed:.0f} s)"
    rate = tokens / generating
    left = max(expected - tokens, 0) / rate
    return f"{label}: {tokens} tokens, {rate:.1f} tok/s, at most {left:.0f} s left ({elapsed:.0f} s)"


def for_output(quiet: bool, stream: TextIO | None = None, interactive: bool = True) -> Progress:
    """Quiet, a status line at a terminal, or plain lines for logs and pipes (and for -v,
    whose own lines a redrawn status line would tear)."""
    stream = stream or sys.stderr
    if quiet:
        return Progress()
    if interactive and stream.isatty():
        return TerminalProgress()
    return LineProgress(stream)
