"""The brief as JSON, for tools: the front matter plus every part, facts with `supported`.

The same record rides inside each HTML page, so `summarise review` can redraw a page
without the model: `brief_from_record` reads it back.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from summarise.brief import REVIEW_DECISIONS, Brief, Check, Fact, Line, Review, SummarySentence, Usage
from summarise.render.front_matter import front_matter


def brief_record(brief: Brief) -> dict[str, Any]:
    # The front matter has usage, title and review already, in their written form.
    parts = {k: v for k, v in asdict(brief).items() if k not in ("usage", "title", "review")}
    data: dict[str, Any] = {**front_matter(brief), **parts, "metadata": dict(brief.metadata)}
    data["facts"] = [{**asdict(fact), "supported": fact.supported} for fact in brief.facts]
    return data


def render_json(brief: Brief) -> str:
    return json.dumps(brief_record(brief), ensure_ascii=False, indent=2) + "\n"


_FIELDS = (
    "title", "source", "source_sha256", "source_language", "target_language", "model", "endpoint",
    "created", "brief_key", "summary", "chunks",
)  # fmt: skip


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(kind)}
    return {key: value for key, value in data.items() if key in names}


def brief_from_record(data: dict[str, Any]) -> Brief:
    """The Brief back from `brief_record`. Raises ValueError if `data` is not such a record."""
    try:
        review = data.get("review") or {}
        return Brief(
            **{name: data[name] for name in _FIELDS},
            facts=tuple(
                Fact(**_known(Fact, fact) | {"problems": tuple(fact.get("problems", ()))}) for fact in data["facts"]
            ),
            translation=tuple(data["translation"]),
            usage=Usage(**_known(Usage, data.get("usage", {}))),
            checks=tuple(Check(**_known(Check, check)) for check in data.get("checks", [])),
            problems=tuple(data.get("problems", [])),
            metadata=dict(data.get("metadata", {})),
            dropped=tuple(data.get("dropped", [])),
            source_format=str(data.get("source_format", "text")),
            source_pages=int(data.get("source_pages", 0)),
            verbatim=tuple((int(after), str(text)) for after, text in data.get("verbatim", [])),
            source_languages={str(k): float(v) for k, v in data.get("source_languages", {}).items()},
            lines=tuple(
                Line(**_known(Line, line) | {"problems": tuple(line.get("problems", ()))})
                for line in data.get("lines", [])
            ),
            summary_sentences=tuple(
                SummarySentence(str(s["text"]), tuple(s.get("lines", ())), tuple(s.get("problems", ())))
                for s in data.get("summary_sentences", [])
            ),
            review=Review(**_known(Review, review)) if review.get("decision") in REVIEW_DECISIONS else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"not a brief record ({type(exc).__name__}: {exc})") from exc
