"""The brief as JSON, for tools: the front matter plus every part, facts with `supported`.

The same record rides inside each HTML page, so `summarise review` can redraw a page
without the model: `brief_from_record` reads it back.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from summarise.brief import (
    REVIEW_DECISIONS,
    UNTRANSLATED_MARK,
    Brief,
    Check,
    Fact,
    Finding,
    Line,
    Review,
    SummarySentence,
    Usage,
)
from summarise.render.front_matter import edits_from, fact_verdicts, front_matter
from summarise.reporting.terminal import visible_text


def brief_record(brief: Brief) -> dict[str, Any]:
    # The front matter has usage, title and review already, in their written form.
    parts = {k: v for k, v in asdict(brief).items() if k not in ("usage", "title", "review")}
    data: dict[str, Any] = {**front_matter(brief), **parts, "metadata": dict(brief.metadata)}
    data["facts"] = [{**asdict(fact), "supported": fact.supported, "status": fact.status} for fact in brief.facts]
    # A line left untranslated is written as the brief shows it: its source, marked (read back by _line).
    data["lines"] = [
        {
            "number": x.number,
            "paragraph": x.paragraph,
            "source": x.source,
            "translation": x.shown,
            "problems": x.problems,
            "notes": x.notes,
            **({"origin": x.origin} if x.origin else {}),
            **({"suggestion": x.suggestion} if x.suggestion else {}),
        }
        for x in brief.lines
    ]
    return data


def render_json(brief: Brief) -> str:
    # The same rule for hidden controls as every other output; the record inside a page is
    # escaped by the page's own rule (page.py) when it is shown.
    return visible_text(json.dumps(brief_record(brief), ensure_ascii=False, indent=2)) + "\n"


_FIELDS = (
    "title", "source", "source_sha256", "source_language", "target_language", "model", "endpoint",
    "created", "brief_key", "summary", "chunks",
)  # fmt: skip


def _known(kind: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(kind)}
    return {key: value for key, value in data.items() if key in names}


def _check(data: dict[str, Any]) -> Check:
    findings = {
        key: tuple(Finding(int(f["number"]), str(f["reason"])) for f in data.get(key, ()))
        for key in ("lines", "facts", "sentences")
    }
    return Check(**_known(Check, data) | findings)


def _review(data: dict[str, Any]) -> Review | None:
    if data.get("decision") not in REVIEW_DECISIONS:
        return None
    return Review(**_known(Review, data) | {"facts": fact_verdicts(data.get("facts"))})


def _line(data: dict[str, Any]) -> Line:
    """A line back from its written form: the untranslated mark is where the record keeps that state."""
    translation = str(data.get("translation", ""))
    translated = not translation.startswith(UNTRANSLATED_MARK)
    if not translated:
        translation = translation.removeprefix(UNTRANSLATED_MARK).strip()
    fields = _known(Line, data) | {"translation": translation, "problems": tuple(data.get("problems", ()))}
    fields["notes"] = tuple(data.get("notes", ()))
    return Line(**fields | {"translated": translated})


def brief_from_record(data: dict[str, Any]) -> Brief:
    """The Brief back from `brief_record`. Raises ValueError if `data` is not such a record.

    A record rides in a page or a JSON file anyone may edit: it is data from outside, so the
    Brief it gives is rendered once here, and one whose fields are not of their kinds (a title
    that is a list, a fact that is a number) is refused now rather than failing wherever it
    is used."""
    from summarise.render.markdown import render_markdown

    brief = _brief(data)
    try:
        render_markdown(brief)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise ValueError(f"not a brief record ({type(exc).__name__}: {exc})") from exc
    return brief


def _brief(data: dict[str, Any]) -> Brief:
    try:
        review = data.get("review") or {}
        return Brief(
            **{name: data[name] for name in _FIELDS},
            facts=tuple(
                Fact(**_known(Fact, fact) | {"problems": tuple(fact.get("problems", ()))}) for fact in data["facts"]
            ),
            translation=tuple(data["translation"]),
            usage=Usage(**_known(Usage, data.get("usage", {}))),
            checks=tuple(_check(check) for check in data.get("checks", [])),
            problems=tuple(data.get("problems", [])),
            metadata=dict(data.get("metadata", {})),
            dropped=tuple(data.get("dropped", [])),
            source_format=str(data.get("source_format", "text")),
            source_pages=int(data.get("source_pages", 0)),
            verbatim=tuple((int(after), str(text)) for after, text in data.get("verbatim", [])),
            source_languages={str(k): float(v) for k, v in data.get("source_languages", {}).items()},
            lines=tuple(_line(line) for line in data.get("lines", [])),
            summary_sentences=tuple(
                SummarySentence(
                    **_known(SummarySentence, s)
                    | {"lines": tuple(s.get("lines", ())), "problems": tuple(s.get("problems", ()))}
                )
                for s in data.get("summary_sentences", [])
            ),
            review=_review(review),
            edits=edits_from(data.get("edits")),
            glossary=tuple((str(source), str(target)) for source, target in data.get("glossary", [])),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"not a brief record ({type(exc).__name__}: {exc})") from exc
