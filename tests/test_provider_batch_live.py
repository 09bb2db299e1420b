"""Live: the batch-file loop on the real embedded engine (select with -m live; run under the engine lock).

The exported requests go to the engine line by line, as `vllm run_batch` would send
them to its model; the imported answers then serve both `summarise batch` and a plain
`summarise brief` of the same document with zero calls: the keys are a direct run's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_batch import NANTES, front, write
from test_provider_batch import run_requests_file

from summarise.cli import main
from summarise.config import default_cache_dir
from summarise.model.engine import EmbeddedEngine, EngineConfig, ensure_bundled_model

pytestmark = pytest.mark.live


def test_exported_requests_run_on_the_engine_come_back_as_a_direct_runs_answers(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = ensure_bundled_model(default_cache_dir())  # the user's assembled copy; our cache stays in tmp_path
    model_file = ["--model-file", str(model.path)]
    write(tmp_path / "in" / "nantes.txt", NANTES)

    # Round by round (translation first, then the summary, then any retry), each
    # round's requests run on the engine as a provider would, their results imported.
    engine = EmbeddedEngine(EngineConfig(model, context_per_slot=8192, parallel=1, threads=2))
    answered = 0
    try:
        for round_number in range(1, 6):
            requests, results = Path(f"r{round_number}.jsonl"), Path(f"out{round_number}.jsonl")
            exported = runner.invoke(main, ["batch", "in", *model_file, "--export-requests", str(requests)])
            assert exported.exit_code == 0, exported.output
            if not requests.exists():
                break
            body = json.loads(requests.read_text(encoding="utf-8").splitlines()[0])["body"]
            assert body["model"] == model.name and "embedded" not in json.dumps(body)
            answered += run_requests_file(requests, results, engine.start())
            imported = runner.invoke(main, ["batch", "in", *model_file, "--import-results", str(results)])
            assert imported.exit_code == 0, imported.output
            if "done 1" in imported.stdout:
                break
    finally:
        engine.stop()
    assert 2 <= answered <= 3  # translation (maybe one repair), summary; the facts are chosen by code
    data = front(Path("outputs/nantes.md"))
    assert data["status"] == "complete" and data["endpoint"] == "embedded"
    assert data["usage"]["llm_calls"] == 0 and data["usage"]["cache_hits"] == answered
    direct = runner.invoke(main, ["brief", "in/nantes.txt", *model_file, "-o", "direct.md"])
    assert direct.exit_code == 0, direct.output
    assert f"0 calls, {answered} cache hits" in direct.stderr  # the engine did not even start
