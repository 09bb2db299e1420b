"""The review desk on a big folder: the queue, a brief's page and a decision, before and after.

    python bench/desk_scale.py [--briefs 10000] [--baseline REV] [--repeat 3] [--folder DIR]

Writes `--briefs` small briefs into a temporary folder with summarise's own renderer
(write_brief, then the folder's index, as `summarise batch` leaves it), each made from one
of the real briefs in outputs/ (its first two paragraphs, its facts there, a title and a
source of its own). Then the same measurements run twice, side by side in one run, each in
a fresh process: with the code of `--baseline` (a revision of this repository, exported
with `git archive`; default: the commit before issue 37's scale work) and with this tree's.

For each: the desk's start, the first queue (front matter not yet cached), the queue, a
brief's page and a decision (approve, written with the brief's page and, in the code before
issue 37's third round, the folder's index), medians of `--repeat`; then what one redraw of
the folder's index costs (within each decision before; once decisions pause, after). Goals
(issue 37, deliverable 5): queue <= 1 s, a brief's page <= 0.5 s, a decision <= 1 s at
10,000 briefs.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from pathlib import Path
from typing import Any

from _common import ROOT, machine

BASELINE = "1b6f399"  # main before issue 37 (its queue re-read every brief; a decision rewrote the index)
TIMINGS = ("start", "first queue", "queue", "brief page", "decision", "index redraw")
GOALS = {"queue": 1.0, "brief page": 0.5, "decision": 1.0}  # seconds, at 10,000 briefs


# --- the folder ------------------------------------------------------------------------


def _small(record: Any, number: int) -> Any:
    """One real brief cut to its first two paragraphs, under a title and source of its own."""
    keep = 2
    lines = tuple(line for line in record.lines if line.paragraph <= keep)
    return dataclasses.replace(
        record,
        title=f"{record.title} ({number})",
        source=f"inputs/document-{number:05}.txt",
        brief_key=f"{number:016x}",
        translation=record.translation[:keep],
        lines=lines,
        facts=tuple(fact for fact in record.facts if fact.paragraph <= keep),
        review=None,
    )


def make_folder(folder: Path, count: int) -> None:
    from summarise.batch.reports import write_index
    from summarise.batch.state import STATE_FILE

    try:
        from summarise.render.publish import write_brief
    except ImportError:  # the tree before issue 39
        from summarise.publish import write_brief  # type: ignore[no-redef]
    from summarise.render.json import brief_from_record

    records = [
        brief_from_record(json.loads(path.read_text())) for path in sorted((ROOT / "outputs").glob("[!.]*.json"))
    ]
    if not records:
        sys.exit("no real brief in outputs/*.json to make the folder from")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STATE_FILE).write_text("{}", encoding="utf-8")
    for number in range(count):
        brief = _small(records[number % len(records)], number)
        write_brief(folder / f"brief-{number:05}.md", brief, html=True, index="index.html")
    write_index(folder)


# --- one side: a desk on the folder, driven over HTTP ------------------------------------


def _desk_class() -> Any:
    try:
        from summarise.review.desk import Desk  # the regrouped tree (issue 39)
    except ImportError:
        from summarise.review_desk import Desk  # type: ignore[no-redef]
    return Desk


def _request(desk: Any, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
    data = "&".join(f"{key}={urllib.parse.quote(value)}" for key, value in form.items()).encode() if form else None
    request = urllib.request.Request(desk.origin + path, data=data, headers={"Origin": desk.origin})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read().decode()


def _timed(action: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _form_of(page: str) -> dict[str, str]:
    """The hidden fields of the page's decision form, whatever they are in this version."""
    form = page[page.index('id="decision"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def measure(folder: Path, repeat: int) -> dict[str, float]:
    import threading

    names = list(folder.glob("brief-*.md"))
    started = time.perf_counter()
    desk = _desk_class()(folder, "bench")
    threading.Thread(target=desk.serve, daemon=True).start()
    timings: dict[str, list[float]] = {name: [] for name in TIMINGS}
    timings["start"].append(time.perf_counter() - started)
    token = urllib.parse.quote(desk.token)
    queue = f"/?token={token}"
    seconds, (status, _) = _timed(lambda: _request(desk, queue))
    assert status == HTTPStatus.OK, status
    timings["first queue"].append(seconds)
    for attempt in range(repeat):
        seconds, (status, _) = _timed(lambda: _request(desk, queue))
        timings["queue"].append(seconds)
        name = f"brief-{len(names) // 2 + attempt * 7:05}.md"
        seconds, (status, page) = _timed(lambda name=name: _request(desk, f"/brief?path={name}&token={token}"))
        assert status == HTTPStatus.OK, (status, page[:300])
        timings["brief page"].append(seconds)
        form = {**_form_of(page), "decision": "approved", "acknowledged": "1"}
        seconds, (status, answer) = _timed(lambda form=form: _request(desk, "/decide", form))
        assert status == HTTPStatus.SEE_OTHER, (status, answer[:300])
        timings["decision"].append(seconds)
    desk.close()  # a desk that redraws its index after its decisions does it now, untimed
    # What redrawing the folder's index costs, wherever the code does it (within each decision, or after).
    from summarise.batch.reports import write_index

    seconds, _ = _timed(lambda: write_index(folder))
    timings["index redraw"].append(seconds)
    return {name: statistics.median(values) for name, values in timings.items()}


# --- both sides, each in its own process ---------------------------------------------------


def _export(revision: str, into: Path) -> Path:
    archive = into / "baseline.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), revision, "summarise"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "baseline", filter="data")
    return into / "baseline"


def _side(code: Path, folder: Path, repeat: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, __file__, "--measure", str(folder), "--repeat", str(repeat)]
    output = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    return dict(json.loads(output.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, default=10_000)
    parser.add_argument("--baseline", default=BASELINE, help="the revision to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--folder",
        type=Path,
        help="keep the folder written here, or take it from here if an earlier run kept it (copied, never changed)",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one side, in its own process
    args = parser.parse_args()
    if args.measure:
        import summarise

        print(f"code: {Path(summarise.__file__).parent}", file=sys.stderr)
        print(json.dumps(measure(args.measure, args.repeat)))
        return
    print(machine())
    with tempfile.TemporaryDirectory(prefix="desk-scale-") as scratch:
        folder = Path(scratch) / "outputs"
        kept = args.folder
        if kept is not None and (kept / "index.html").is_file():  # writing 10,000 briefs is most of a run
            shutil.copytree(kept, folder, symlinks=True)
            print(f"{len(list(folder.glob('brief-*.md'))):,} briefs copied from {kept}")
        else:
            seconds, _ = _timed(lambda: make_folder(folder, args.briefs))
            print(f"{args.briefs:,} briefs written in {seconds:.0f} s")
            if kept is not None:
                shutil.copytree(folder, kept, symlinks=True)
        print(f"index.html {(folder / 'index.html').stat().st_size / 1e6:.1f} MB")
        before = _side(_export(args.baseline, Path(scratch)), folder, args.repeat)
        after = _side(ROOT, folder, args.repeat)
    print(f"{'':<12} {'before (' + args.baseline + ')':>18} {'after':>10} {'ratio':>8}")
    for name in TIMINGS:
        ratio = before[name] / after[name] if after[name] else float("inf")
        print(f"{name:<12} {before[name]:>16.3f} s {after[name]:>8.3f} s {ratio:>7.1f}x")
    print(machine())  # the load during the run, which every figure above depends on
    missed = [f"{name} {after[name]:.2f} s > {goal} s" for name, goal in GOALS.items() if after[name] > goal]
    print("goals met" if not missed else "goals missed: " + "; ".join(missed))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
