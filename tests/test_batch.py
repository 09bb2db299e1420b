"""`summarise batch`: a folder in, mirrored briefs, an index and a resumable record out.

Recorded tests replay exchanges recorded from the embedded engine (re-record with
`SUMMARISE_RECORD=1 pytest tests/test_batch.py`); the documents are tiny so recording
stays quick. The rate-limit and kill tests run against a fault-injection stub on
127.0.0.1 instead: no model is involved, only how the batch copes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import pytest
from conftest import RECORDING, recorder
from planned import planned_calls
from stub_server import Reply

from summarise import batch
from summarise.batch import runner
from summarise.cli import main
from summarise.model.ratelimit import retry_after
from summarise.render import read_front_matter
from summarise.tasks import steps

LYON = "La réunion annuelle de la coalition s’est tenue à Lyon le 12 mars 2023. Quarante délégués de douze pays y ont participé.\n"  # noqa: E501
NANTES = "Le nouveau pont de Nantes ouvrira en septembre 2025. Sa construction a coûté 80 millions d’euros.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def front(path: Path) -> dict:
    data = read_front_matter(path.read_text(encoding="utf-8"))
    assert data is not None, f"{path} has no front matter"
    return data


def requests_sent(cassette) -> int:
    """Requests that reached the (recorded) endpoint so far."""
    return len(cassette.requests) if RECORDING else cassette.play_count


# --- recorded: the embedded engine's answers, replayed ---------------------------------


def test_a_folder_with_bad_files_gives_mirrored_briefs_a_report_and_an_index(cassette, runner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "lyon.txt", LYON)
    write(tmp_path / "in" / "sub" / "nantes.txt", NANTES)
    write(tmp_path / "in" / "empty.txt", "")
    write(tmp_path / "in" / "sub" / "picture.txt", PNG)  # a PNG saved with a .txt name
    (tmp_path / "in" / "gone.txt").symlink_to(tmp_path / "in" / "deleted.txt")  # a dangling link
    write(tmp_path / "in" / "table.csv", "a,b\n1,2\n")  # not matched by the default *.txt, *.md

    good = planned_calls("in/lyon.txt", "in/sub/nantes.txt")
    result = runner.invoke(main, ["batch", "in", "--jobs", "1"])

    assert result.exit_code == 1, result.output  # some documents failed
    # the planned calls (translation, summary) of the 2 good documents (two lines each: no length retry)
    assert requests_sent(cassette) == good
    briefs = sorted(p.relative_to("outputs").as_posix() for p in Path("outputs").rglob("*.md"))
    assert briefs == ["index.md", "lyon.md", "sub/nantes.md"]  # mirrors in/, nothing for the bad ones
    for name, source in (("lyon.md", "in/lyon.txt"), ("sub/nantes.md", "in/sub/nantes.txt")):
        data = front(Path("outputs") / name)
        assert (data["source"], data["source_language"], data["status"]) == (source, "fr", "complete")
    # The closing table on stdout: counts, then each failure with its reason.
    assert "done 2" in result.stdout and "failed 3" in result.stdout
    reasons = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("failed ")}
    assert "empty" in reasons["empty.txt"]
    assert "PNG image" in reasons["sub/picture.txt"]
    assert "a symbolic link to" in reasons["gone.txt"] and "which does not exist" in reasons["gone.txt"]
    # Not a terminal: one plain line per document on stderr, no bar.
    assert len(re.findall(r"^\[\d/5\] ", result.stderr, re.MULTILINE)) == 5
    # The index lists both briefs with links relative to it, and what could not be summarised.
    index = Path("outputs/index.md").read_text(encoding="utf-8")
    assert "](lyon.md)" in index and "](sub/nantes.md)" in index
    assert index.count("fr → en") == 2 and "| complete |" in index
    not_summarised = index.split("## Not summarised", 1)[1]
    assert all(name in not_summarised for name in ("empty.txt", "gone.txt", "sub/picture.txt"))
    state = json.loads(Path("outputs/.summarise-batch.json").read_text(encoding="utf-8"))["documents"]
    assert {name: entry["status"] for name, entry in state.items()} == {
        "empty.txt": "failed",
        "gone.txt": "failed",
        "lyon.txt": "done",
        "sub/nantes.txt": "done",
        "sub/picture.txt": "failed",
    }

    # --retry-failed runs only those three. The empty file now holds Lyon's text, whose
    # answers are cached: it succeeds with no request; the other two fail again.
    write(tmp_path / "in" / "empty.txt", LYON)
    retry = runner.invoke(main, ["batch", "in", "--jobs", "1", "--retry-failed"])
    assert retry.exit_code == 1, retry.output
    assert requests_sent(cassette) == good
    assert len(re.findall(r"^\[\d/3\] ", retry.stderr, re.MULTILINE)) == 3
    lyon = planned_calls("in/empty.txt")  # Lyon's text: each of its calls answered from the cache
    assert "done 1" in retry.stdout and "failed 2" in retry.stdout and f"{lyon} cache hits" in retry.stdout
    assert front(Path("outputs/empty.md"))["status"] == "complete"
    assert "](empty.md)" in Path("outputs/index.md").read_text(encoding="utf-8")


def test_a_second_run_skips_finished_briefs_with_zero_model_calls(cassette, runner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "nantes.txt", NANTES)
    first = runner.invoke(main, ["batch", "in", "-o", "briefs", "--jobs", "1"])
    assert first.exit_code == 0, first.output
    brief = Path("briefs/nantes.md")
    written = brief.read_bytes()
    sent = requests_sent(cassette)
    assert sent >= 2  # translation, summary (and any repair the answers needed); facts chosen by code

    second = runner.invoke(main, ["batch", "in", "-o", "briefs", "--jobs", "1"])

    assert second.exit_code == 0, second.output
    # Playback repeats are off, so any request would have failed; the count proves none was sent.
    assert requests_sent(cassette) == sent
    assert "skipped 1" in second.stdout and "0 calls, 0 cache hits" in second.stdout
    assert "nantes.txt: up to date" in second.stderr
    assert brief.read_bytes() == written  # not even rewritten
    assert "](nantes.md)" in Path("briefs/index.md").read_text(encoding="utf-8")
    # The dry run agrees: nothing left to do.
    plan = runner.invoke(main, ["batch", "in", "-o", "briefs", "--dry-run"])
    assert plan.exit_code == 0 and "up to date" in plan.stdout
    assert re.search(r"^total \(1 documents\)\s+-\s+0\s+0\s+0\s+0\s", plan.stdout, re.MULTILINE), plan.stdout


def test_an_interrupted_batch_resumes_without_redoing_finished_work(endpoint, runner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "1-lyon.txt", LYON)
    write(tmp_path / "in" / "2-nantes.txt", NANTES)
    nantes: set[bytes] = set()
    sending = threading.Event()  # vcrpy also shows this hook the recorded requests as it loads them

    def ctrl_c_during_nantes(request):
        """Ctrl-C while the second document's second request is out: Lyon finished, Nantes half done."""
        if sending.is_set() and b"Nantes" in request.body:
            nantes.add(request.body)
            if len(nantes) == 2:
                raise KeyboardInterrupt
        return request

    lyon_calls, nantes_calls = planned_calls("in/1-lyon.txt"), planned_calls("in/2-nantes.txt")
    # Replayed even when recording: the exchanges are the first test's, and re-recording them
    # here would leave that cassette holding an interrupted run.
    with recorder.use_cassette(
        f"{BAD_FILES_CASSETTE}.yaml", before_record_request=ctrl_c_during_nantes, record_mode="none"
    ) as cassette:
        sending.set()
        interrupted = runner.invoke(main, ["batch", "in", "--jobs", "1"])
    assert interrupted.exit_code == 130, interrupted.output
    assert "interrupted: run the same command again to resume" in interrupted.stdout
    assert requests_sent(cassette) == lyon_calls + 1  # Lyon's, and Nantes' first
    lyon = Path("outputs/1-lyon.md")
    assert front(lyon)["status"] == "complete"
    finished = lyon.read_bytes()
    assert not Path("outputs/2-nantes.md").exists()
    assert not list(Path("outputs").rglob("*.tmp"))  # nothing half-written
    with recorder.use_cassette(f"{BAD_FILES_CASSETTE}.yaml") as resumed_cassette:
        resumed = runner.invoke(main, ["batch", "in", "--jobs", "1"])

    assert resumed.exit_code == 0, resumed.output
    assert "1-lyon.txt: up to date" in resumed.stderr
    assert lyon.read_bytes() == finished
    # Nantes: its one answered request came from the cache, only the others were sent.
    assert front(Path("outputs/2-nantes.md"))["usage"]["cache_hits"] == 1
    assert front(Path("outputs/2-nantes.md"))["usage"]["llm_calls"] == nantes_calls - 1
    assert requests_sent(resumed_cassette) == nantes_calls - 1  # each recorded exchange played exactly once in all


BAD_FILES_CASSETTE = "test_batch/test_a_folder_with_bad_files_gives_mirrored_briefs_a_report_and_an_index"
HELD_FOR = 8.0  # seconds: on code that waits on a pipe, the test ends the wait then (and fails on time)


@pytest.fixture
def pipes_unblocked():
    """Pipes (paths) this test makes: after HELD_FOR seconds, whoever waits to read one gets an end of file."""
    pipes: list[Path] = []
    stop = threading.Event()

    def watch() -> None:
        if stop.wait(HELD_FOR):
            return
        while not stop.is_set():
            for pipe in pipes:
                with contextlib.suppress(OSError):  # opens only while a reader waits: it then reads an empty file
                    os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
            stop.wait(0.1)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield pipes
    stop.set()
    thread.join()


@pytest.mark.cassette(BAD_FILES_CASSETTE)
def test_a_named_pipe_in_a_folder_fails_alone_and_never_holds_the_batch(
    cassette, runner, tmp_path: Path, pipes_unblocked: list[Path]
) -> None:
    write(tmp_path / "in" / "lyon.txt", LYON)
    write(tmp_path / "in" / "sub" / "nantes.txt", NANTES)
    os.mkfifo(tmp_path / "in" / "k-pipe.txt")  # listed before lyon.txt: read first
    (tmp_path / "in" / "link-to-pipe.txt").symlink_to("k-pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "in" / "sock.txt"))
    pipes_unblocked.append(tmp_path / "in" / "k-pipe.txt")
    started = time.monotonic()

    plan = runner.invoke(main, ["batch", "in", "--dry-run"])
    result = runner.invoke(main, ["batch", "in", "--jobs", "1"])

    sock.close()
    assert time.monotonic() - started < HELD_FOR, "a pipe held the batch"
    assert plan.exit_code == 0 and "named pipe" in plan.stdout, plan.output
    assert result.exit_code == 1, result.output
    reasons = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("failed ")}
    assert set(reasons) == {"k-pipe.txt", "link-to-pipe.txt", "sock.txt"}
    assert "a named pipe, not a file" in reasons["k-pipe.txt"] and "named pipe" in reasons["link-to-pipe.txt"]
    assert "a socket, not a file" in reasons["sock.txt"]
    assert front(Path("outputs/lyon.md"))["status"] == front(Path("outputs/sub/nantes.md"))["status"] == "complete"
    assert "k-pipe.txt" in Path("outputs/index.md").read_text(encoding="utf-8").split("## Not summarised", 1)[1]


@pytest.mark.cassette(BAD_FILES_CASSETTE)
def test_a_loop_of_symbolic_links_in_a_folder_fails_alone(cassette, runner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "lyon.txt", LYON)
    write(tmp_path / "in" / "sub" / "nantes.txt", NANTES)
    (tmp_path / "in" / "loop-a.txt").symlink_to("loop-b.txt")
    (tmp_path / "in" / "loop-b.txt").symlink_to("loop-a.txt")
    (tmp_path / "in" / "self.txt").symlink_to("self.txt")
    (tmp_path / "in" / "sub" / "up").symlink_to("../sub")  # a folder that leads to itself: not walked

    result = runner.invoke(main, ["batch", "in", "--jobs", "1"])

    assert result.exit_code == 1, result.output
    reasons = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("failed ")}
    assert set(reasons) == {"loop-a.txt", "loop-b.txt", "self.txt"}
    assert all("a loop of symbolic links" in reason for reason in reasons.values())
    assert front(Path("outputs/lyon.md"))["status"] == front(Path("outputs/sub/nantes.md"))["status"] == "complete"
    state = json.loads(Path("outputs/.summarise-batch.json").read_text(encoding="utf-8"))["documents"]
    assert state["self.txt"]["status"] == "failed" and state["lyon.txt"]["status"] == "done"


def test_links_to_folders_and_loops_are_said_in_the_table_and_the_index(runner, tmp_path: Path, fault_stub) -> None:
    """Issue 36: a link to a folder (inside the input folder, outside it, or back to one that holds it)
    and a loop of links were silently left out of a batch. Each is now a row of the closing table and
    of the index, "skipped" with why; the walk never loops and the batch does not fail for them."""
    fault_stub()
    write(tmp_path / "in" / "lyon.txt", LYON)
    write(tmp_path / "in" / "sub" / "nantes.txt", NANTES)
    write(tmp_path / "elsewhere" / "far.txt", NANTES)
    (tmp_path / "in" / "again").symlink_to("sub")  # a folder of the input folder, read where it is
    (tmp_path / "in" / "far").symlink_to(tmp_path / "elsewhere")  # outside the input folder
    (tmp_path / "in" / "sub" / "up").symlink_to("..")  # back to a folder that holds it: a loop
    (tmp_path / "in" / "round").symlink_to("round")  # a loop of links, named like no document

    result = runner.invoke(main, ["batch", "in", "--jobs", "1"])
    plan = runner.invoke(main, ["batch", "in", "--dry-run"])

    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith("skipped ")}
    assert set(rows) == {"again", "far", "sub/up", "round"}, result.stdout
    assert "(sub), whose files are read there; not followed" in rows["again"]
    assert "outside the input folder; not followed" in rows["far"]
    assert "a loop; not followed" in rows["sub/up"] and "a loop of symbolic links" in rows["round"]
    index = Path("outputs/index.md").read_text(encoding="utf-8").split("## Not summarised", 1)[1]
    assert all(f"| {name} |" in index for name in rows), index
    assert "far" not in Path("outputs/index.md").read_text(encoding="utf-8").split("## Not summarised", 1)[0]
    assert sorted(path.name for path in Path("outputs").rglob("*.md") if path.name != "index.md") == [
        "lyon.md",
        "nantes.md",
    ]
    assert "4 not followed" in plan.stdout, plan.stdout


# --- without any model ----------------------------------------------------------------


def test_discovery_follows_globs_recursion_and_mirrors_sub_folders(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    for name in ["a.txt", "b.md", "c.csv", "sub/d.txt", "sub/deep/e.txt", ".git/f.txt", "sub/.hidden.txt"]:
        write(root / name, "text")
    write(root / "notes.txt", "text")
    write(root / "notes.md", "text")  # both would become notes.md
    write(root / "index.txt", "text")  # would overwrite the index
    write(root / "outputs" / "old.md", "a brief from an earlier run")  # our own outputs, inside the input
    outputs = root / "outputs"

    def found(**options: object) -> list[str]:
        return [item.name for item in batch.discover(root, outputs, **options)]

    assert found() == ["a.txt", "b.md", "index.txt", "notes.md", "notes.txt", "sub/d.txt", "sub/deep/e.txt"]
    assert found(recursive=False) == ["a.txt", "b.md", "index.txt", "notes.md", "notes.txt"]
    assert found(include=["*.csv", "sub/deep/*"]) == ["c.csv", "sub/deep/e.txt"]
    assert found(exclude=["sub/*", "notes.*"]) == ["a.txt", "b.md", "index.txt"]
    briefs = {item.name: item.brief for item in batch.discover(root, outputs)}
    assert briefs == {
        "a.txt": "a.md",
        "b.md": "b.md",
        "index.txt": "index.txt.md",
        "notes.md": "notes.md",
        "notes.txt": "notes.txt.md",
        "sub/d.txt": "sub/d.md",
        "sub/deep/e.txt": "sub/deep/e.md",
    }
    assert all(item.output == outputs.resolve() / item.brief for item in batch.discover(root, outputs))


def test_a_users_own_page_beside_a_brief_is_refused_before_any_call(runner, tmp_path: Path, step_endpoint) -> None:
    """Issue 38.8: a batch writes a page (NAME.html) beside every brief, but checked only NAME.md (and
    NAME.json) before the calls, so a user's own outputs/lyon.html was refused once the model had been
    paid (3 calls; the closing line said 0). Every file of a brief (brief/files.BriefFiles) is checked
    first, by brief and batch alike, and the dry run says so too."""
    server = step_endpoint
    write(tmp_path / "in" / "lyon.txt", LYON)
    mine = write(tmp_path / "outputs" / "lyon.html", "<!doctype html>\n<title>My own report</title>\n")

    plan = runner.invoke(main, ["batch", "in", "--dry-run"])
    result = runner.invoke(main, ["batch", "in", "--json"])

    assert "refused" in plan.stdout and "lyon.html exists and summarise did not write it" in plan.stdout
    assert result.exit_code == 1, result.output
    assert "lyon.html exists and summarise did not write it" in result.output
    assert server.requests == []  # nothing paid for
    assert mine.read_text() == "<!doctype html>\n<title>My own report</title>\n"
    assert not Path("outputs/lyon.md").exists() and not Path("outputs/lyon.json").exists()


def test_a_dry_run_needs_no_bundled_model(runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without the bundled model (no `[local]` extra), and no endpoint: the dry run plans the
    folder all the same. It used to open the model for the context size and the resume key, and
    failed with "the model ... is not installed"."""
    monkeypatch.setattr("summarise.model.bundled.part_paths", lambda spec: None)  # no model part installed
    write(tmp_path / "in" / "lyon.txt", LYON)

    result = runner.invoke(main, ["batch", "in", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "not installed" not in result.output
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.split()}
    assert rows["lyon.txt"][1] == "fr" and int(rows["lyon.txt"][5]) >= 2  # planned: a translation, a summary
    assert not list((tmp_path / "cache").rglob("*.gguf"))  # nothing assembled


def test_dry_run_shows_chunks_tokens_calls_and_cost_without_calling_a_model(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault_stub
) -> None:
    server = fault_stub()  # the endpoint: a dry run must send it nothing
    monkeypatch.setenv("SUMMARISE_PRICE_PROMPT", "0.15")
    monkeypatch.setenv("SUMMARISE_PRICE_COMPLETION", "0.60")
    write(tmp_path / "in" / "lyon.txt", LYON)
    write(tmp_path / "in" / "long" / "report.txt", "\n\n".join([LYON.strip(), NANTES.strip()] * 6))
    write(tmp_path / "in" / "english.txt", "The council met in Leeds on 4 May 2024. It approved a new budget.")
    write(tmp_path / "in" / "empty.txt", "")

    # The facts asked of the model (not chosen by code, the default), so every step of the list calls.
    result = runner.invoke(main, ["batch", "in", "--dry-run", "--chunk-tokens", "64", "--facts-method", "line"])

    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.split()}
    # language, pages (none: text), characters, then chunks, calls (translation, summary,
    # facts per group of lines) and at most a repair of each (the summary's: its length retry)
    assert rows["lyon.txt"][1:3] == ["fr", "-"] and rows["lyon.txt"][3] == str(len(LYON.strip()))
    # a chunk's steps from the list: each first try a call, each repair a ceiling (the translation
    # may be repaired three times: lines again, lines that slid, numbers); a short text is one group of lines
    chunk_steps = steps.TRANSLATION + steps.TASKS
    asked = sum(not step.repair for step in chunk_steps)  # translation, summary, facts
    repaired = sum(step.repair for step in chunk_steps)
    translation_repairs = sum(step.repair for step in steps.TRANSLATION)
    assert rows["lyon.txt"][4:7] == ["1", str(asked), str(repaired)]
    # already English: no translation
    english = (asked - sum(not step.repair for step in steps.TRANSLATION), repaired - translation_repairs)
    assert rows["english.txt"][4:7] == ["1", str(english[0]), str(english[1])]
    chunks = int(rows["long/report.txt"][4])
    report_calls = int(rows["long/report.txt"][5])
    # per chunk a translation, a summary and a facts call per ~8 lines; + the reduce step
    assert chunks > 1 and report_calls >= asked * chunks + 1
    # every call may be repaired once, the translation three times (lines missing, slid, numbers changed)
    assert rows["long/report.txt"][6] == str(report_calls + (translation_repairs - 1) * chunks)
    assert "unreadable: the file is empty" in " ".join(rows["empty.txt"])
    # total (4 documents) <pages> <characters> <chunks> <calls> <repairs> <prompt> <completion> <cost>
    total = rows["total"]
    assert total[1:4] == ["(4", "documents)", "-"] and total[5] == str(1 + 1 + chunks)
    calls, repairs, cost = int(total[6]), int(total[7]), float(total[10])
    prompt, completion = (int(value.strip("~").replace(",", "")) for value in total[8:10])
    assert calls == asked + english[0] + report_calls
    assert repairs == repaired + english[1] + report_calls + (translation_repairs - 1) * chunks
    assert cost == pytest.approx((prompt * 0.15 + completion * 0.60) / 1e6, abs=1e-4)
    assert "no model was called" in result.stdout and not server.requests
    assert not Path("outputs").exists()  # nothing written


# --- against the FaultInjectionStub (tests/stub_server.py): rate limits, kills, Ctrl-C ---


LEEDS = "The council met in Leeds on 4 May 2024. It approved a new budget for the library.\n"
ZANZIBAR = "The river festival in Zanzibar drew many visitors. Boats raced for two days.\n"


def test_a_429_slows_every_thread_down_and_no_document_fails(fault_stub, runner, tmp_path: Path) -> None:
    # The other thread's first answer arrives after the 429 closed the gate (latency 0.2 s);
    # the SDK's own retry re-sends the limited request (retries=2).
    stub = fault_stub([Reply(429, headers={"retry-after": "1"})], retries=2, latency=0.2)
    write(tmp_path / "in" / "leeds.txt", LEEDS)
    write(tmp_path / "in" / "zanzibar.txt", ZANZIBAR)

    # English: summary and facts each (the facts asked of the model: enough calls to see the gate)
    line_facts = ("--facts-method", "line")
    calls = planned_calls("in/leeds.txt", "in/zanzibar.txt", args=line_facts)
    result = runner.invoke(main, ["batch", "in", "--jobs", "2", *line_facts])

    assert result.exit_code == 0, result.output
    assert "done 2" in result.stdout and "failed 0" in result.stdout
    assert "rate-limited 1 time(s)" in result.stdout
    assert all(front(Path(f"outputs/{name}.md"))["status"] == "complete" for name in ("leeds", "zanzibar"))
    limited = stub.requests[0]
    assert limited.status == 429 and len(stub.requests) == calls + 1  # the 2 documents' calls + the retry
    # Only a request already on its way (the other thread's first) arrived right after the 429;
    # every later one, from either thread, waited out the Retry-After second.
    after = [request.at - limited.at for request in stub.requests[1:]]
    # (Counted, not timed to the tenth: on a loaded machine the one on its way may land late.)
    assert len([delay for delay in after if delay < 0.95]) <= 1, after
    assert sum(delay >= 0.95 for delay in after) >= 3, after


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [({"retry-after": "2"}, 2.0), ({"retry-after-ms": "1500"}, 1.5), ({"retry-after": "soon"}, 1.0), ({}, 1.0)],
)
def test_retry_after_is_read_in_all_its_forms(headers: dict[str, str], seconds: float) -> None:
    assert retry_after(httpx2.Headers(headers), default=1.0, cap=120.0) == seconds


def test_a_killed_batch_keeps_finished_briefs_and_resumes_the_rest(fault_stub, runner, tmp_path: Path) -> None:
    stub = fault_stub()
    stub.hold_when = "Zanzibar"  # the second document hangs, so the kill lands in the middle of it
    write(tmp_path / "in" / "1-leeds.txt", LEEDS)
    write(tmp_path / "in" / "2-zanzibar.txt", ZANZIBAR)
    command = [sys.executable, "-m", "summarise", "batch", "in", "--jobs", "1"]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not any("Zanzibar" in request.task for request in stub.requests):
            assert process.poll() is None and time.monotonic() < deadline, "the batch never reached document 2"
            time.sleep(0.05)
    finally:
        process.kill()  # SIGKILL: no clean-up code runs
        process.wait()
    leeds = Path("outputs/1-leeds.md")
    assert front(leeds)["status"] == "complete"
    finished = leeds.read_bytes()
    assert not Path("outputs/2-zanzibar.md").exists()
    assert not [p for p in Path("outputs").rglob("*") if p.name.endswith(".tmp")]
    seen = len(stub.requests)

    stub.release.set()
    resumed = runner.invoke(main, ["batch", "in", "--jobs", "1"])

    assert resumed.exit_code == 0, resumed.output
    assert "1-leeds.txt: up to date" in resumed.stderr, resumed.output
    assert leeds.read_bytes() == finished
    again = stub.requests[seen:]
    assert again and not [request for request in again if "Leeds" in request.task]  # nothing re-sent for Leeds
    assert front(Path("outputs/2-zanzibar.md"))["status"] == "complete"


def test_ctrl_c_finishes_the_document_in_flight_and_a_second_ctrl_c_leaves_at_once(fault_stub, tmp_path: Path) -> None:
    stub = fault_stub()
    stub.hold_when = "Zanzibar"
    write(tmp_path / "in" / "1-leeds.txt", LEEDS)
    write(tmp_path / "in" / "2-zanzibar.txt", ZANZIBAR)
    write(tmp_path / "in" / "3-york.txt", "York opened a new bridge in 2021. It carries trams and bicycles.\n")

    def start(output: str, *options: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "summarise", "batch", "in", "-o", output, "--jobs", "1", *options]
        process = subprocess.Popen(
            command, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline, seen = time.monotonic() + 60, len(stub.requests)
        while not any("Zanzibar" in request.task for request in stub.requests[seen:]):
            assert process.poll() is None and time.monotonic() < deadline, "the batch never reached Zanzibar"
            time.sleep(0.05)
        return process

    # One Ctrl-C: York (not started) is dropped; Zanzibar (in flight) is finished and recorded.
    process = start("first")
    process.send_signal(signal.SIGINT)
    time.sleep(0.5)
    assert process.poll() is None, "it should wait for the document in flight"
    stub.release.set()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "finishing 1 document(s) in progress" in stderr and "interrupted" in stdout
    assert front(Path("first/2-zanzibar.md"))["status"] == "complete"
    assert not Path("first/3-york.md").exists()
    state = json.loads(Path("first/.summarise-batch.json").read_text(encoding="utf-8"))
    assert state["interrupted"] and set(state["documents"]) == {"1-leeds.txt", "2-zanzibar.txt"}

    # Two Ctrl-Cs: it leaves at once, and the held document leaves nothing behind.
    stub.release = threading.Event()
    process = start("second", "--no-cache")  # so Zanzibar is asked (and held) again
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 130, stderr
    assert front(Path("second/1-leeds.md"))["status"] == "complete"
    assert not Path("second/2-zanzibar.md").exists()
    assert not [p for p in Path("second").rglob("*") if p.name.endswith(".tmp")]


def test_documents_load_in_order_and_only_a_window_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A batch of thousands of files must not hold them all in memory before their turn.
    for index in range(12):
        write(tmp_path / "in" / f"doc-{index:02d}.txt", f"Document numéro {index}. Il est court.")
    items = batch.discover(tmp_path / "in", tmp_path / "out", batch.DEFAULT_INCLUDE, (), False)
    taken = -1  # the last document a worker asked for
    loaded: list[tuple[int, int]] = []  # (document, last taken when its load started)
    real_load = runner.load

    def spy(item: batch.Item, limit: int, *rest: bool):
        loaded.append((int(item.name[4:6]), taken))
        return real_load(item, limit, *rest)

    monkeypatch.setattr(runner, "load", spy)
    loader = runner.LoadAhead(items, 10**6, window=3)
    try:
        for index in range(12):
            taken = index
            assert f"Document numéro {index}." in loader.take(index).result().text
            time.sleep(0.02)  # a slow worker: a loader without a window would run ahead meanwhile
    finally:
        loader.close()
    assert [document for document, _ in loaded] == list(range(12))
    assert all(document - last <= 2 for document, last in loaded)  # at most the window (3) from the last taken
