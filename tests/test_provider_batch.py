"""Provider batch jobs: requests leave as OpenAI batch files, answers come back through the cache.

The answers are the embedded engine's, recorded for test_batch and test_brief_recorded
(the same documents, so the same requests): the JSONL tests replay those cassettes with
vcrpy, and BatchAPIStandIn (tests/provider_stub.py, a stand-in for the provider's Batch
API) answers its lines from them. Re-recording those tests refreshes these answers too.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from conftest import CASSETTES, RECORDED_CONTEXT, RECORDED_MODEL, REPLAY_BASE_URL, SHORT_SEED, recorder, seed
from provider_stub import BatchAPIStandIn, Script, recorded_answers
from stub_server import step_of
from test_batch import LYON, NANTES, front, write

from summarise.cli import main
from summarise.tasks.steps import TRANSLATION

NANTES_ONLY = CASSETTES / "test_batch" / "test_a_second_run_skips_finished_briefs_with_zero_model_calls.yaml"
LYON_AND_NANTES = (
    CASSETTES / "test_batch" / "test_a_folder_with_bad_files_gives_mirrored_briefs_a_report_and_an_index.yaml"
)
LONG_DOCUMENT = CASSETTES / "test_brief_recorded" / "test_long_document_is_chunked_and_nothing_dropped.yaml"
LEDGER = ".summarise-batch-jobs.json"


@pytest.fixture
def replayed(monkeypatch: pytest.MonkeyPatch) -> str:
    """The settings the cassettes were recorded with (they replay whatever the mode)."""
    monkeypatch.setenv("OPENAI_BASE_URL", REPLAY_BASE_URL)
    monkeypatch.setenv("SUMMARISE_MODEL", RECORDED_MODEL)
    monkeypatch.setenv("SUMMARISE_CONTEXT", RECORDED_CONTEXT)
    return REPLAY_BASE_URL


def run_requests_file(requests: Path, results: Path, base_url: str) -> int:
    """What `vllm run_batch -i requests -o results` does: post each line, write one result line."""
    root = base_url.removesuffix("/v1")
    out: list[str] = []
    with httpx2.Client(timeout=600) as client:
        for raw in requests.read_text(encoding="utf-8").splitlines():
            line = json.loads(raw)
            assert line["method"] == "POST" and line["url"] == "/v1/chat/completions"
            reply = client.post(root + line["url"], json=line["body"])
            response = {"status_code": reply.status_code, "request_id": "vllm-local", "body": reply.json()}
            result = {"id": "vllm-local", "custom_id": line["custom_id"], "response": response, "error": None}
            out.append(json.dumps(result) + "\n")
    results.write_text("".join(out), encoding="utf-8")
    return len(out)


def without_run_details(markdown: str) -> str:
    """A brief minus when it was made and what it cost: the parts a batch run may change."""
    markdown = re.sub(r"^created: .*$", "", markdown, flags=re.MULTILINE)
    return re.sub(r"^usage:\n(  .*\n)+", "", markdown, flags=re.MULTILINE)


def test_requests_go_out_as_a_file_and_the_results_give_the_direct_runs_briefs(
    replayed: str, runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "in" / "nantes.txt", NANTES)
    with recorder.use_cassette(str(NANTES_ONLY), record_mode="none"):
        direct = runner.invoke(main, ["batch", "in", "-o", "direct"])
    assert direct.exit_code == 0, direct.output
    monkeypatch.setenv("SUMMARISE_CACHE_DIR", str(tmp_path / "empty-cache"))  # nothing answered yet

    # Round by round, as with a provider: export what is ready, run it, import the results.
    # The translation comes first (summary and facts are written from it), then summary and facts.
    sizes, played = [], 0
    for round_number in range(1, 6):
        requests, results = Path(f"round{round_number}.jsonl"), Path(f"results{round_number}.jsonl")
        exported = runner.invoke(main, ["batch", "in", "-o", "viafile", "--export-requests", str(requests)])
        assert exported.exit_code == 0, exported.output
        if not requests.exists():
            break
        assert "waiting 1" in exported.stdout and not Path("viafile/nantes.md").exists()
        lines = [json.loads(line) for line in requests.read_text(encoding="utf-8").splitlines()]
        assert all(set(line) == {"custom_id", "method", "url", "body"} for line in lines)
        assert all(re.fullmatch(r"chat-[0-9a-f]{64}", line["custom_id"]) for line in lines)
        if round_number == 1:
            assert all(step_of(line["body"]) == "translation" for line in lines)
            # The same command again does not overwrite the file it wrote (nor any other).
            again = runner.invoke(main, ["batch", "in", "-o", "viafile", "--export-requests", str(requests)])
            assert again.exit_code == 2 and "already exists" in again.stderr
        with recorder.use_cassette(str(NANTES_ONLY), record_mode="none") as engine:
            assert run_requests_file(requests, results, replayed) == len(lines) == engine.play_count
        with recorder.use_cassette(str(NANTES_ONLY), record_mode="none") as engine:
            imported = runner.invoke(main, ["batch", "in", "-o", "viafile", "--import-results", str(results)])
            assert engine.play_count == 0  # the import run sends nothing: every answer is in the cache
        assert imported.exit_code == 0, imported.output
        assert f"imported {len(lines)} answer(s)" in imported.stderr
        sizes.append(len(lines))
        played += len(lines)
        if "done 1" in imported.stdout:
            break
    # the translation first (and its repairs, one round each, where the answers needed them),
    # then the summary on the translation (the facts are chosen from it by code): the direct
    # run's requests, each asked once
    direct_calls = front(Path("direct/nantes.md"))["usage"]["llm_calls"]
    assert sizes[0] == 1 and sizes[-1] == 1 and played == direct_calls
    brief = Path("viafile/nantes.md").read_text(encoding="utf-8")
    assert front(Path("viafile/nantes.md"))["usage"]["llm_calls"] == 0
    assert without_run_details(brief) == without_run_details(Path("direct/nantes.md").read_text(encoding="utf-8"))


def test_a_results_file_with_a_result_nobody_asked_for_is_refused_whole(replayed: str, runner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "nantes.txt", NANTES)
    assert runner.invoke(main, ["batch", "in", "--export-requests", "r1.jsonl"]).exit_code == 0
    answers = recorded_answers(NANTES_ONLY)
    results = []
    for raw in Path("r1.jsonl").read_text(encoding="utf-8").splitlines():
        line = json.loads(raw)
        body = answers[json.dumps(line["body"], sort_keys=True, ensure_ascii=False)]
        results.append({"custom_id": line["custom_id"], "response": {"status_code": 200, "body": body}})
    results.append({"custom_id": "chat-" + "f" * 64, "response": results[0]["response"]})  # another folder's
    Path("results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in results), encoding="utf-8")

    refused = runner.invoke(main, ["batch", "in", "--import-results", "results.jsonl"])

    assert refused.exit_code == 2
    assert (
        refused.stderr.startswith("Error: results.jsonl: 1 result line(s) answer no request")
        and "chat-fff" in refused.stderr
    )
    assert "nothing imported" in refused.stderr and not Path("outputs/nantes.md").exists()


# --- the Batch API, against BatchAPIStandIn ---------------------------------------------


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch):
    """Start a BatchAPIStandIn answering from the given cassettes, and point summarise at it."""
    started = []

    def start(*cassettes: Path, scripts: list[Script] | None = None) -> BatchAPIStandIn:
        stand_in = BatchAPIStandIn(recorded_answers(*cassettes), scripts)
        running = stand_in.running()
        running.__enter__()
        started.append(running)
        monkeypatch.setenv("OPENAI_BASE_URL", stand_in.url)
        # No 8 characters in a row in common with the stand-in's messages: those would be redacted.
        monkeypatch.setenv("OPENAI_API_KEY", "sk-batch-key-0123456789abcdef")
        monkeypatch.setenv("SUMMARISE_MODEL", RECORDED_MODEL)
        monkeypatch.setenv("SUMMARISE_CONTEXT", RECORDED_CONTEXT)
        monkeypatch.setenv("SUMMARISE_BATCH_POLL", "0.01")
        return stand_in

    yield start
    for running in started:
        running.__exit__(None, None, None)


def job_input(stand_in: BatchAPIStandIn, batch_id: str) -> list[dict]:
    data = stand_in.files[stand_in.batches[batch_id]["input_file_id"]]
    return [json.loads(line) for line in data.decode().splitlines()]


def long_document(tmp_path: Path) -> None:
    # The document test_brief_recorded summarises in chunks: its recorded answers serve here.
    write(tmp_path / "in" / "long.txt", seed(SHORT_SEED).read_text(encoding="utf-8"))


def test_rounds_of_jobs_brief_a_long_document_with_the_direct_runs_calls_and_retry_failed_lines(
    provider, runner, tmp_path: Path
) -> None:
    long_document(tmp_path)
    stand_in = provider(LONG_DOCUMENT, scripts=[Script(fail_lines=2)])

    plan = runner.invoke(main, ["batch", "in", "--chunk-tokens", "300", "--via", "openai-batch", "--dry-run"])
    planned_rounds = int(re.search(r"As batch jobs: (\d+) round\(s\) at most", plan.stdout).group(1))
    result = runner.invoke(main, ["batch", "in", "--chunk-tokens", "300", "--via", "openai-batch"])

    assert result.exit_code == 0, result.output
    data = front(Path("outputs/long.md"))
    assert data["status"] == "complete" and data["chunks"] >= 3
    # Round 1: the translation of every chunk (summary and facts are written from it); then
    # summaries and facts, the retries and the reduce step, and the two lines the provider
    # failed, which were not cached and so were asked again.
    first, *later = (job_input(stand_in, batch_id) for batch_id in stand_in.created)
    assert len(first) == data["chunks"]
    assert all(step_of(line["body"]) == "translation" for line in first)
    failed = {line["custom_id"] for line in first[:2]}
    assert failed <= {line["custom_id"] for line in later[0]}
    # The reduce step waits for every chunk summary, one of which the provider failed at first.
    reduce = [line for job in later for line in job if "Part 1:" in line["body"]["messages"][-1]["content"]]
    assert len(reduce) == 1 and all("Part 1:" not in line["body"]["messages"][-1]["content"] for line in first)
    # No more model calls than the direct run that recorded these answers, plus the two failed lines.
    assert len(set(stand_in.lines_run)) <= len(recorded_answers(LONG_DOCUMENT))
    assert len(stand_in.lines_run) == len(set(stand_in.lines_run)) + 2
    # No more rounds than the dry run said, but for the one the two failed lines may add.
    assert len(stand_in.created) <= planned_rounds + 1
    assert "round 1: submitted job batch_1" in result.stderr and "in_progress" in result.stderr
    ledger = json.loads(Path("outputs", LEDGER).read_text(encoding="utf-8"))
    assert [job["id"] for job in ledger["jobs"]] == stand_in.created and all(j["imported"] for j in ledger["jobs"])
    assert "sk-batch-key" not in Path("outputs", LEDGER).read_text(encoding="utf-8")

    # Run again: everything is in the cache, nothing is submitted.
    jobs, lines_run = len(stand_in.created), len(stand_in.lines_run)
    again = runner.invoke(main, ["batch", "in", "--chunk-tokens", "300", "--via", "openai-batch"])
    assert again.exit_code == 0 and "skipped 1" in again.stdout
    assert len(stand_in.created) == jobs and len(stand_in.lines_run) == lines_run


def test_an_expired_job_is_finished_by_the_next_and_a_stranger_result_is_refused(
    provider, runner, tmp_path: Path
) -> None:
    write(tmp_path / "in" / "lyon.txt", LYON)
    write(tmp_path / "in" / "nantes.txt", NANTES)
    stand_in = provider(LYON_AND_NANTES, scripts=[Script(expire_after=2), Script(stranger=True)])

    result = runner.invoke(main, ["batch", "in", "--via", "openai-batch"])

    assert result.exit_code == 0, result.output
    assert "job batch_1 expired" in result.stderr
    # translations; summaries (two-line documents: no length retry; facts chosen by code)
    assert [len(job_input(stand_in, batch_id)) for batch_id in stand_in.created] == [2, 2]
    assert len(stand_in.lines_run) == 4  # each request answered once: the two from the expired job were kept
    assert "refused 1 result line(s) answering no request of ours" in result.stderr
    assert "batch jobs: 4 answer(s) imported" in result.stderr
    assert front(Path("outputs/lyon.md"))["status"] == front(Path("outputs/nantes.md"))["status"] == "complete"
    stats = runner.invoke(main, ["cache", "stats"])
    assert ": 4 responses" in stats.stdout  # the stranger's answer was not stored


def test_a_request_failed_by_two_jobs_fails_its_document_not_the_batch(provider, runner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "lyon.txt", LYON)
    write(tmp_path / "in" / "nantes.txt", NANTES)
    stand_in = provider(LYON_AND_NANTES, scripts=[Script(fail_lines=1), Script(fail_lines=1)])

    result = runner.invoke(main, ["batch", "in", "--via", "openai-batch"])

    assert result.exit_code == 1, result.output
    # Lyon's translation failed in both jobs: Lyon fails there, and the second job also
    # finished Nantes (its summary and facts); no third job asks the failing line again.
    assert len(stand_in.created) == 2
    assert re.search(r"failed\s+lyon\.txt\s+no usable answer to translat\w+ .*after 2 jobs: stand-in", result.stdout)
    assert front(Path("outputs/nantes.md"))["status"] == "complete" and not Path("outputs/lyon.md").exists()
    state = json.loads(Path("outputs/.summarise-batch.json").read_text(encoding="utf-8"))["documents"]
    assert state["lyon.txt"]["status"] == "failed"


def answering(content: str):
    """A provider whose every line gets `content` as its answer (a bad one: what is being checked)."""

    def answer(body: dict) -> dict:
        message = {"role": "assistant", "content": content}
        return {"id": "chatcmpl-stand-in", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}  # fmt: skip

    return answer


def start_answering(provider, content: str) -> BatchAPIStandIn:
    stand_in = provider(NANTES_ONLY)  # the environment; its answers are replaced
    stand_in.answer = answering(content)
    return stand_in


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("[1] The new bridge in Nantes. Key: sk-batch-key-0123456789abcdef", "held the API key"),  # the whole key
        ('{"translation": "[1] ok", "note": "sk\\u002dbatch-key-0123456789ab"}', "held the API key"),  # escaped, cut
        ("[1] The bridge. " + "Again and again. " * 2000, "longer than asked"),  # far past max_tokens
        ("I am sorry, I cannot translate this text.", "no numbered line"),  # fails the task's own check on reading
    ],
)
def test_an_imported_answer_gets_a_direct_answers_checks_and_a_failing_one_is_a_failed_attempt(
    provider, runner, tmp_path: Path, content: str, why: str
) -> None:
    write(tmp_path / "in" / "nantes.txt", NANTES)
    stand_in = start_answering(provider, content)

    result = runner.invoke(main, ["batch", "in", "--via", "openai-batch"])

    # Asked twice (two jobs), refused twice: the document fails and the rounds end.
    assert result.exit_code == 1, result.output
    assert len(stand_in.created) == 2, result.output
    assert re.search(rf"failed\s+nantes\.txt\s+no usable answer to translat\w+ .*after 2 jobs: .*{why}", result.stdout)
    ledger = json.loads(Path("outputs", LEDGER).read_text(encoding="utf-8"))
    assert [entry["attempts"] for entry in ledger["sent"].values()] == [2]
    assert ": 0 responses" in runner.invoke(main, ["cache", "stats"]).stdout  # nothing refused stays cached
    for path in tmp_path.rglob("*"):  # the key is nowhere: cache, ledger, state, index
        assert not path.is_file() or b"0123456789ab" not in path.read_bytes(), path
    assert "0123456789ab" not in result.output


def test_an_imported_results_file_gets_the_same_checks(replayed: str, runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-file-0123456789abcdef")
    write(tmp_path / "in" / "nantes.txt", NANTES)
    echo = answering("[1] The new bridge of Nantes (sk-file-0123456789abcdef).")
    for round_number in (1, 2, 3):
        requests, results = Path(f"r{round_number}.jsonl"), Path(f"results{round_number}.jsonl")
        if round_number > 1:
            imported = runner.invoke(main, ["batch", "in", "--import-results", f"results{round_number - 1}.jsonl",
                                            "--export-requests", str(requests)])  # fmt: skip
            assert "1 unusable" in imported.stderr and "0123456789ab" not in imported.output
        else:
            assert runner.invoke(main, ["batch", "in", "--export-requests", str(requests)]).exit_code == 0
        if not requests.exists():
            break
        lines = [json.loads(line) for line in requests.read_text(encoding="utf-8").splitlines()]
        out = [{"custom_id": line["custom_id"], "response": {"status_code": 200, "body": echo(line["body"])}}
               for line in lines]  # fmt: skip
        results.write_text("".join(json.dumps(line) + "\n" for line in out), encoding="utf-8")
    # Round 1 asked; round 2 asked again after a refused answer; after the second, no round 3.
    assert round_number == 3 and not Path("r3.jsonl").exists()
    assert imported.exit_code == 1 and re.search(r"failed\s+nantes\.txt\s+no usable answer", imported.stdout)
    for path in tmp_path.rglob("*"):
        assert not path.is_file() or path.name.startswith("results") or b"0123456789ab" not in path.read_bytes()


def test_a_run_killed_while_polling_resumes_the_same_job(provider, runner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "nantes.txt", NANTES)
    stand_in = provider(NANTES_ONLY, scripts=[Script(hold=True)])
    ledger = Path("outputs", LEDGER)
    command = [sys.executable, "-m", "summarise", "batch", "in", "--via", "openai-batch"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while not (ledger.exists() and '"id": "batch_1"' in ledger.read_text(encoding="utf-8")):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    time.sleep(0.2)  # it is polling a job held in progress
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert not Path("outputs/nantes.md").exists()

    stand_in.release.set()  # the provider finishes the job while nobody watches
    resumed = runner.invoke(main, ["batch", "in", "--via", "openai-batch"])

    assert resumed.exit_code == 0, resumed.output
    # batch_1 was not submitted again: it was imported, and the later rounds ask only new requests
    assert stand_in.created[0] == "batch_1" and "job batch_1 completed" in resumed.stderr
    assert "imported 1 answer(s)" in resumed.stderr and "submitted job batch_1" not in resumed.stderr
    first = {line["custom_id"] for line in job_input(stand_in, "batch_1")}
    assert all(not first & {line["custom_id"] for line in job_input(stand_in, b)} for b in stand_in.created[1:])
    assert front(Path("outputs/nantes.md"))["status"] == "complete"


def test_quiet_batch_jobs_say_nothing_when_all_goes_well(provider, runner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "nantes.txt", NANTES)
    provider(NANTES_ONLY)
    result = runner.invoke(main, ["batch", "in", "--via", "openai-batch", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stdout == result.stderr == ""
    assert front(Path("outputs/nantes.md"))["status"] == "complete"


def test_the_dry_run_counts_rounds_and_the_batch_price(replayed: str, runner, tmp_path: Path, monkeypatch) -> None:
    long_document(tmp_path)
    monkeypatch.setenv("SUMMARISE_PRICE_PROMPT", "0.15")
    monkeypatch.setenv("SUMMARISE_PRICE_COMPLETION", "0.60")

    plan = runner.invoke(main, ["batch", "in", "--chunk-tokens", "600", "--via", "openai-batch", "--dry-run"])

    assert plan.exit_code == 0, plan.output
    rounds = re.search(
        r"As batch jobs: (\d+) round\(s\) at most: round 1 sends (\d+) request\(s\); rounds 2 to \1 at most (\d+)",
        plan.stdout,
    )
    assert rounds, plan.stdout
    most, first, later = map(int, rounds.groups())
    row = next(line.split() for line in plan.stdout.splitlines() if line.startswith("long.txt"))
    chunks, calls, repairs = map(int, row[4:7])
    assert first + later == calls + repairs  # every planned call, in one round or another
    assert first == chunks  # translate first: round 1 is each chunk's translation, the rest waits on it
    # The longest chain of the step list (tasks/steps.py): each translation step waits on the one
    # before, the summary and the facts on the last, their repairs on them; then the reduce steps.
    chain = len(TRANSLATION) + 2 + 2
    assert most == chain
    batch, direct = map(
        float,
        re.search(
            r"batch price \(50% off SUMMARISE_PRICE_\*\): ([\d.]+) USD \(max\), against ([\d.]+) USD direct",
            plan.stdout,
        ).groups(),
    )
    assert batch == pytest.approx(direct / 2, abs=1e-4) and direct > 0


def test_via_the_batch_api_without_an_endpoint_is_refused_before_the_model_is_opened(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 38.9: on a machine without the bundled model, `--via openai-batch` with no endpoint said
    "the model ... is not installed" (exit 3): the options were checked after the model was opened.
    They are checked together first: a usage error that names the fix, and nothing opened."""
    monkeypatch.setattr("summarise.model.bundled.part_paths", lambda spec: None)  # no model part installed
    write(tmp_path / "in" / "nantes.txt", NANTES)

    result = runner.invoke(main, ["batch", "in", "--via", "openai-batch"])

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: --via openai-batch needs the Batch API of an endpoint"), result.stderr
    assert "OPENAI_API_KEY" in result.stderr and "not installed" not in result.stderr
    assert not Path("outputs/nantes.md").exists() and not Path("outputs").exists()  # nothing listed nor written


def test_via_the_batch_api_needs_an_endpoint(runner, tmp_path: Path) -> None:
    write(tmp_path / "in" / "nantes.txt", NANTES)
    result = runner.invoke(main, ["batch", "in", "--via", "openai-batch"])
    assert result.exit_code == 2 and result.stderr.startswith("Error: --via openai-batch needs the Batch API")
    assert not Path("outputs/nantes.md").exists()
