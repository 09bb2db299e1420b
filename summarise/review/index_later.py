"""The folder's index, redrawn by the desk a moment after its decisions rather than within each.

`index.md` and `index.html` hold a row per brief: in a folder of 10,000 briefs, redrawing them
lists and stats every brief and writes ~10 MB, which made each decision wait seconds. The
desk writes the decision, the brief's page and the journal (review/__init__.py) at once, and
leaves the index to this writer: it waits until decisions have paused for DELAY seconds (a
run of decisions costs one redraw), redraws the index, then removes the journal. Until then
the journal says the index is behind: a desk killed meanwhile is finished at its next start
(`finish_interrupted`), and a desk stopped with Ctrl-C redraws it before it exits (`flush`).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from summarise.errors import SummariseError
from summarise.review import JOURNAL

DELAY = 2.0  # seconds without a decision before the index is redrawn: the reviewer is reading


class IndexLater:
    def __init__(self, root: Path, lock: threading.Lock, delay: float = DELAY) -> None:
        self.root = root
        self.lock = lock  # the desk's: no decision is written while the index is drawn and the journal removed
        self.delay = delay
        self._due: float | None = None  # when the index is to be redrawn; None when it is up to date
        self._changed = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="index-later", daemon=True)
        self._thread.start()

    def soon(self) -> None:
        """A decision was written: redraw the index once decisions pause."""
        with self._changed:
            self._due = time.monotonic() + self.delay
            self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._closing and (self._due is None or time.monotonic() < self._due):
                    self._changed.wait(None if self._due is None else max(0.0, self._due - time.monotonic()))
                if self._closing:
                    return
                self._due = None
            self._write()

    def _write(self) -> None:
        from summarise.batch.reports import write_index

        with self.lock:
            try:
                write_index(self.root)
            except (OSError, SummariseError):
                return  # the journal stays: the next desk (or the next flush) tries again
            (self.root / JOURNAL).unlink(missing_ok=True)

    def flush(self) -> None:
        """Stop waiting; redraw the index now if a decision is not in it yet."""
        with self._changed:
            self._closing = True
            pending = self._due is not None
            self._due = None
            self._changed.notify()
        self._thread.join()
        if pending:
            self._write()
