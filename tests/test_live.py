"""Live: the real embedded engine, the bundled model, no network. Select with -m live."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summarise.cli import main
from summarise.render import read_front_matter

pytestmark = pytest.mark.live

SHORT_FRENCH = (
    "Le 3 mars 2024, la ville de Lyon a inauguré une nouvelle bibliothèque. Elle compte 120 livres rares.\n\n"
    "Le maire a remercié les habitants."
)


def test_embedded_engine_writes_a_real_brief_offline(runner, monkeypatch: pytest.MonkeyPatch) -> None:
    # The bundled model is assembled once into the user's cache folder; responses are not cached.
    monkeypatch.delenv("SUMMARISE_CACHE_DIR")
    Path("lyon.txt").write_text(SHORT_FRENCH, encoding="utf-8")
    result = runner.invoke(main, ["brief", "lyon.txt", "--no-cache"])
    assert result.exit_code == 0, result.output
    markdown = Path("outputs/lyon.md").read_text(encoding="utf-8")
    front = read_front_matter(markdown)
    assert front["endpoint"] == "embedded"
    assert front["model"] == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    assert front["source_language"] == "fr"
    assert re.findall(r"^## (.+)$", markdown, re.MULTILINE) == ["Summary", "Key facts", "Translation", "Checks"]
    translation = markdown.split("## Translation\n\n", 1)[1].split("\n\n## Checks", 1)[0]
    assert len(translation.split("\n\n")) == 2
    assert "Lyon" in translation and "library" in translation.lower()
    usage = front["usage"]
    # translation, summary, facts; and the summary's length retry when its answer was not 3-5 sentences
    assert 3 <= usage["llm_calls"] <= 4
    # Document first, task last: the tasks after the first reuse a prefilled document.
    assert usage["prompt_tokens_cached_by_server"] > 0
    assert usage["prompt_tokens_processed"] < 0.6 * usage["prompt_tokens"]


def test_engine_serves_its_metrics_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # bench/engine.py reads the prompt tokens the server really evaluated from /metrics.
    import httpx2

    from summarise.config import default_cache_dir
    from summarise.model.bundled import ensure_bundled_model
    from summarise.model.engine import EmbeddedEngine, EngineConfig

    monkeypatch.delenv("SUMMARISE_CACHE_DIR")
    model = ensure_bundled_model(default_cache_dir())
    engine = EmbeddedEngine(EngineConfig(model, context_per_slot=512, parallel=1, threads=1, metrics=True))
    try:
        root = engine.start().removesuffix("/v1")
        metrics = httpx2.get(f"{root}/metrics", timeout=30)
        assert metrics.status_code == 200 and "llamacpp:prompt_tokens_total" in metrics.text
    finally:
        engine.stop()
