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
from conftest import CASSETTES, RECORDED_CONTEXT, RECORDED_MODEL, REPLAY_BASE_URL, recorder, seed
from conftest import LONG_SEED, SHORT_SEED
from provider_stub import BatchAPIStandIn, Script, recorded_answers
from test_batch import LYON, NANTES, front, write

from summarise.cli import main

NANTES_ONLY = CASSETTES / "test_batch" / "test_a_second_run_skips_finished_briefs_with_zero_model_calls.yaml"
LYON_AND_NANTES = CASSETTES / "test_batch" / "test_a_folder_with_bad_files_gives_mirrored_briefs_a_report_and_an_index.yaml"  # noqa: E501
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

    exported = runner.invoke(main, ["batch", "in", "-o", "viafile", "--export-requests", "round1.jsonl"])

    assert exported.exit_code == 0, exported.output
    assert "waiting 1" in exported.stdout and not Path("viafile/nantes.md").exists()
    lines = [json.loads(line) for line in Path("round1.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3  # summary, facts and translation: no call waits on another's answer
    assert all(set(line) == {"custom_id", "method", "url", "body"} for line in lines)
    assert all(re.fullmatch(r"chat-[0-9a-f]{64}", line["custom_id"]) for line in lines)
    # The same command again does not overwrite the file it wrote (nor any other).
    again = runner.invoke(main, ["batch", "in", "-o", "viafile", "--export-requests", "round1.jsonl"])
    assert again.exit_code == 2 and "already exists" in again.stderr

    with recorder.use_cassette(str(NANTES_ONLY), record_mode="none") as engine:
        assert run_requests_file(Path("round1.jsonl"), Path("results1.jsonl"), replayed) == 3
        assert engine.play_count == 3
    with recorder.use_cassette(str(NANTES_ONLY), record_mode="none") as engine:
        imported = runner.invoke(main, ["batch", "in", "-o", "viafile", "--import-results", "results1.jsonl"])
        assert engine.play_count == 0  # the import run sends nothing: every answer is in the cache

    assert imported.exit_code == 0, imported.output
    assert "imported 3 answer(s)" in imported.stderr and "done 1" in imported.stdout
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
    assert refused.stderr.startswith("Error: results.jsonl: 1 result line(s) answer no request") and "chat-fff" in refused.stderr
    assert "nothing imported" in refused.stderr and not Path("outputs/nantes.md").exists()
