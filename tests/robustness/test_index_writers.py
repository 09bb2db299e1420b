"""Promise: the folder's index lists every brief, whoever writes it last.

Two processes on one output folder (two batches, a batch and the review desk) each write
`index.md` and `index.html` when they finish. Each lists the folder, then writes: without a
lock between the two, the one that writes last may have listed before the other's last
brief, and its index (without that brief) wins. The other process here is real (a
subprocess), and it writes its brief and its index at the worst moment: just after the
writer under test listed the folder. No timing: where the index's lock is held then, the
other process, blocked on it as it would be, runs once the writer has finished.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from briefs import make_brief
from filelock import FileLock, Timeout

from summarise.batch import catalog
from summarise.batch.reports import INDEX_LOCK, write_index
from summarise.batch.state import LOCKS, STATE_FILE
from summarise.render.publish import write_brief
from summarise.review import JOURNAL, finish_interrupted, record_review, write_journal
from summarise.review.index_later import IndexLater

# The other process's end: `summarise batch` writes its index last (batch/__init__.run_folder).
OTHER_PROCESS = "import sys, pathlib, summarise.batch.reports as r; r.write_index(pathlib.Path(sys.argv[1]))"


def _folder(tmp_path: Path) -> Path:
    out = tmp_path / "outputs"
    out.mkdir()
    (out / STATE_FILE).write_text("{}", encoding="utf-8")  # a batch's folder: review finds its index
    write_brief(out / "lyon.md", make_brief(title="Lyon"), html=True, index="index.html")
    write_index(out)
    return out


def _held(folder: Path) -> bool:
    """Whether a writer holds the index's lock now (another process would wait for it)."""
    path = folder / LOCKS / INDEX_LOCK
    if not path.is_file():
        return False
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def _desk(folder: Path) -> None:
    index = IndexLater(folder, threading.Lock(), delay=3600)  # redrawn by flush, not by the clock
    record_review(folder / "lyon.md", "approved", "Alice", index_later=True)
    index.soon()
    index.flush()


def _after_a_kill(folder: Path) -> None:
    write_journal(folder / JOURNAL, folder / "lyon.md")
    finish_interrupted(folder)


WRITERS: dict[str, Callable[[Path], object]] = {
    "a batch's end": write_index,
    "summarise review": lambda folder: record_review(folder / "lyon.md", "approved", "Alice"),
    "the review desk": _desk,
    "a desk's start after a kill": _after_a_kill,
}


@pytest.mark.parametrize("writer", WRITERS)
def test_a_brief_written_by_another_process_while_the_index_is_drawn_is_in_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    folder = _folder(tmp_path)
    deferred: list[str] = []
    real_listing = catalog.briefs_on_disk

    def listing_then_the_other_process(where: Path) -> object:
        listed = real_listing(where)
        if not deferred:  # the first listing: the other process writes its brief and its index now
            deferred.append("nice.md")
            write_brief(folder / "nice.md", make_brief(title="Nice"), html=True, index="index.html")
            if not _held(folder):
                subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(folder)], check=True)
                deferred.append("ran")
        return listed

    monkeypatch.setattr(catalog, "briefs_on_disk", listing_then_the_other_process)

    WRITERS[writer](folder)
    if deferred == ["nice.md"]:  # it waited on the lock: it goes on once the writer let it go
        subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(folder)], check=True)

    assert deferred[0] == "nice.md"  # the writer listed the folder
    index, page = ((folder / name).read_text(encoding="utf-8") for name in ("index.md", "index.html"))
    assert "2 brief(s)." in index and "(lyon.md)" in index and "(nice.md)" in index
    assert 'href="lyon.html"' in page and 'href="nice.html"' in page
