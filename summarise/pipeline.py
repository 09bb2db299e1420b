"""One document in, one Brief out: load -> chunk -> tasks -> checks -> brief."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from summarise import __version__, checks
from summarise.brief import Brief, Check, Fact
from summarise.chunking import Chunk, chunk_budget, count_tokens, fit_sentences, plan_chunks
from summarise.config import Language, language_name
from summarise.documents import Document, Sentence
from summarise.errors import UnusableAnswer
from summarise.llm import CACHE_SCHEMA, LLM, Usage
from summarise.prompts import TEMPLATE_NAMES, Prompts
from summarise.tasks.common import TaskContext, chunk_prefix
from summarise.tasks.facts import FACTS_MAX_TOKENS, RawFact, extract_facts
from summarise.tasks.summary import SUMMARY_MAX_TOKENS, combine_summaries, summarise_chunk
from summarise.tasks.translation import UNTRANSLATED_MARK, assemble_paragraphs, translate_chunk, translation_budget


@lru_cache(maxsize=8)  # the same for every document of a run; rendering and counting it cost ~0.5 ms
def prompt_overhead(prompts: Prompts, target: Language) -> int:
    """Tokens of everything but the document: system, fence, and the longest task."""
    values = {"target_language": target.name, "source_language": "English", "first": 1, "last": 9999, "total": 9999}
    fixed = prompts.render("system", **values) + prompts.render(
        "document", **values, fence="DOC-" + "0" * 16, document=""
    )
    tasks = [
        prompts.render(name, **values, max_facts=8, fact_key="fact_in_English")
        for name in ("summary", "translation", "facts")
    ]
    return count_tokens(fixed) + max(count_tokens(task) for task in tasks) + 32


def plan(
    document: Document, llm: LLM, prompts: Prompts, target: Language, cap: int | None
) -> tuple[Document, list[Chunk]]:
    budget = chunk_budget(llm.context_tokens, prompt_overhead(prompts, target), cap)
    fitted = fit_sentences(document, budget)
    return fitted, plan_chunks(fitted, budget)


def translates(document: Document, target: Language) -> bool:
    """A document already in the target language is its own translation: no call."""
    return document.language != target.code


@dataclass(frozen=True)
class PlannedCall:
    """One request build_brief may send; `repair` ones only when the first answer falls short."""

    task: str
    chunk: int  # 0 for the reduce step
    prompt_tokens: int  # estimated with cl100k: exact for OpenAI models, close for others
    max_tokens: int  # the most the call may write: a ceiling
    repair: bool = False


def planned_calls(document: Document, chunks: list[Chunk], prompts: Prompts, target: Language) -> list[PlannedCall]:
    """The calls build_brief makes for a planned document (see `plan`), without making any.

    Kept beside build_brief so the dry run and the run count the same tasks. Repairs are
    listed as ceilings: facts are re-asked once when unreadable, translation lines once
    when skipped. A response format the endpoint refuses is re-sent in the next format;
    that costs a request, not tokens, and is not counted.
    """
    overhead = prompt_overhead(prompts, target)
    calls: list[PlannedCall] = []
    for chunk in chunks:
        prompt = overhead + chunk.tokens
        calls.append(PlannedCall("summary", chunk.index, prompt, SUMMARY_MAX_TOKENS))
        calls.append(PlannedCall("facts", chunk.index, prompt, FACTS_MAX_TOKENS))
        # The repair carries the unreadable answer back to the model.
        calls.append(PlannedCall("facts", chunk.index, prompt + FACTS_MAX_TOKENS, FACTS_MAX_TOKENS, repair=True))
        if translates(document, target):
            budget = translation_budget(chunk.tokens)
            calls.append(PlannedCall("translation", chunk.index, prompt, budget))
            calls.append(PlannedCall("translation", chunk.index, prompt, budget, repair=True))
    if len(chunks) > 1:  # the reduce step combines the chunk summaries
        calls.append(PlannedCall("summary", 0, overhead + len(chunks) * SUMMARY_MAX_TOKENS, SUMMARY_MAX_TOKENS))
    return calls


def brief_key(document: Document, llm: LLM, prompts: Prompts, target: Language, cap: int | None) -> str:
    """Source hash plus every setting that shapes the brief: equal keys mean the brief is up to date."""
    templates = {name: prompts.text(name) for name in TEMPLATE_NAMES}
    material = {
        "source": document.sha256,
        "endpoint": llm.endpoint,
        "model": llm.model,
        "target": target.code,
        "templates": templates,
        "context": llm.context_tokens,
        "chunk_tokens": cap,
        "facts_method": llm.settings.facts_method,
        "schema": CACHE_SCHEMA,
        "version": __version__,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:16]


def title_for(document: Document, translation: list[str]) -> str:
    """The document's own heading (translated) when it opens with one, else its file name."""
    paragraphs = document.paragraphs()
    first = paragraphs[0] if paragraphs else []
    if len(first) == 1 and len(first[0].text) <= 120 and not first[0].text.endswith((".", "!", "?")):
        candidate = translation[0].replace(UNTRANSLATED_MARK, "").strip()
        if candidate:
            return candidate
    stem = Path(document.source).stem if document.source != "-" else "standard input"
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Brief"


# How far from the line a model cited we look for the line that really supports a fact.
ANCHOR_WINDOW = 15


def support(statement: str, target: Language, sentence: str, source_language: str) -> int:
    """How much of a fact's checkable content a sentence holds: numbers and dates count
    double, words of proper names once (accent- and case-insensitive)."""
    wanted = {q.value for q in checks.extract_quantities(statement, target.code)}
    missing = {q.value for q in checks.missing_quantities(statement, target.code, sentence, source_language)}
    words = sorted({word for name in checks.extract_names(statement) for word in name.split() if len(word) > 2})
    return 2 * len(wanted - missing) + len(words) - len(checks.missing_names(words, sentence))


def anchor(document: Document, raw: RawFact, target: Language) -> tuple[Sentence | None, str]:
    """The line that supports a fact: the cited one, unless a nearby line holds more of the
    fact's numbers and names (small models often cite the line before or after)."""
    cited = document.sentence(raw.sentence)
    if cited is None:
        return None, ""
    nearby = [s for s in document.sentences if abs(s.number - raw.sentence) <= ANCHOR_WINDOW]
    scores = {s.number: support(raw.statement, target, s.text, document.language) for s in nearby}
    best = max(nearby, key=lambda s: (scores[s.number], -abs(s.number - raw.sentence)))
    if scores[best.number] > scores[cited.number]:
        return best, f"re-anchored: the model cited line {cited.number}"
    return cited, ""


def verify_facts(document: Document, raw_facts: list[RawFact], target: Language) -> list[Fact]:
    """Merge duplicates, attach the source line as evidence, and check numbers and dates against it."""
    facts: list[Fact] = []
    seen: list[str] = []
    for raw in raw_facts:
        key = checks.normalise_text(raw.statement)
        if any(fuzz.ratio(key, other) >= 90 for other in seen):
            continue
        seen.append(key)
        note = ""
        if raw.quote:
            evidence = raw.quote
        else:
            sentence, note = anchor(document, raw, target)
            evidence = sentence.text if sentence else ""
        if not evidence:
            continue
        match = checks.find_quote(evidence, document.text)
        located = document.sentence_at(match.start) if match.start >= 0 else None
        if match.kind != "exact" and match.start >= 0:
            evidence = document.text[match.start : match.end]  # show what the source really says
        problems: tuple[str, ...] = ("the quote is not in the source",) if match.kind == "absent" else ()
        missing = checks.missing_quantities(raw.statement, target.code, evidence, document.language)
        # A small model sometimes writes the fact in the source's language ("575 millions"):
        # read it that way too before calling its numbers unsupported.
        if missing and not checks.missing_quantities(raw.statement, document.language, evidence, document.language):
            missing = []
        problems += tuple(f"“{q.surface}” is not in the quoted sentence" for q in missing)
        number, paragraph = (located.number, located.paragraph) if located else (0, 0)
        facts.append(Fact(raw.statement, raw.category, number, paragraph, evidence, match.kind, problems, note))
    return facts


def cross_checks(document: Document, brief: Brief, target: Language) -> list[Check]:
    """Plain-words checks a reviewer can act on; code, not the model, decides them."""
    translation = "\n\n".join(brief.translation)
    results: list[Check] = []
    same_count = len(brief.translation) == document.paragraph_count
    untranslated = translation.count(UNTRANSLATED_MARK)
    results.append(
        Check(
            "Translation complete",
            same_count and not untranslated,
            f"{len(brief.translation)} of {document.paragraph_count} paragraphs"
            + (f"; {untranslated} line(s) left untranslated" if untranslated else "; every line translated"),
        )
    )
    dropped = checks.missing_quantities(document.text, document.language, translation, target.code)
    results.append(
        Check(
            "Numbers and dates kept in the translation",
            not dropped,
            "all present" if not dropped else "missing: " + ", ".join(f"“{q.surface}”" for q in dropped),
        )
    )
    invented = checks.missing_quantities(brief.summary, target.code, document.text, document.language)
    results.append(
        Check(
            "Numbers in the summary found in the source",
            not invented,
            "all found" if not invented else "not in the source: " + ", ".join(f"“{q.surface}”" for q in invented),
        )
    )
    names = checks.extract_names(" ".join(fact.statement for fact in brief.facts))
    lost = checks.missing_names(names, translation)
    results.append(
        Check(
            "Names from the facts found in the translation",
            not lost,
            f"{len(names)} names checked" if not lost else "not in the translation: " + ", ".join(lost),
        )
    )
    flagged = len(brief.facts) - brief.supported_facts
    results.append(
        Check(
            "Facts supported by their quoted sentence",
            flagged == 0,
            f"{brief.supported_facts} of {len(brief.facts)} supported"
            + (f"; {flagged} flagged above" if flagged else ""),
        )
    )
    return results


@dataclass
class ChunkResult:
    summary: str
    facts: list[RawFact]
    translated: dict[int, str]
    problems: list[str]


def brief_chunk(context: TaskContext, chunk: Chunk) -> ChunkResult:
    """The three tasks on one chunk, in turn, on one prefix: the server prefills the chunk once."""
    prefix = chunk_prefix(context, chunk)
    summary = summarise_chunk(context, prefix, chunk)
    problems: list[str] = []
    try:
        facts = extract_facts(context, prefix, chunk)
    except UnusableAnswer as exc:
        facts, problems = [], [str(exc)]
    if translates(context.document, context.target):
        translated = translate_chunk(context, prefix, chunk)
    else:
        translated = {s.number: s.text for s in chunk.sentences}
    return ChunkResult(summary, facts, translated, problems)


def build_brief(
    document: Document, llm: LLM, prompts: Prompts, target: Language, cap: int | None = None, workers: int = 1
) -> Brief:
    """`workers` > 1 runs chunks concurrently (worth it against remote endpoints)."""
    usage = Usage()
    key = brief_key(document, llm, prompts, target, cap)
    document, chunks = plan(document, llm, prompts, target, cap)
    context = TaskContext(llm, prompts, document, target, usage)
    if workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chunk") as pool:
            results = list(pool.map(lambda chunk: brief_chunk(context, chunk), chunks))
    else:
        results = [brief_chunk(context, chunk) for chunk in chunks]
    summaries = [result.summary for result in results]
    raw_facts = [fact for result in results for fact in result.facts]
    translated = {number: text for result in results for number, text in result.translated.items()}
    problems = [problem for result in results for problem in result.problems]
    translation = assemble_paragraphs(document.sentences, translated)
    summary = combine_summaries(context, summaries)
    brief = Brief(
        title=title_for(document, translation),
        source=document.source,
        source_sha256=document.sha256,
        source_language=document.language,
        target_language=target.code,
        model=llm.model,
        endpoint=llm.endpoint_label,
        created=datetime.now(UTC).replace(microsecond=0).isoformat(),
        brief_key=key,
        summary=summary,
        facts=verify_facts(document, raw_facts, target),
        translation=translation,
        usage=usage.as_dict(),
        chunks=len(chunks),
        problems=problems,
        metadata=dict(document.metadata),
        dropped=list(document.dropped),
    )
    brief.checks = cross_checks(document, brief, target)
    if not translates(document, target):
        brief.checks.insert(0, Check("Translation", True, f"the source is already in {language_name(target.code)}"))
    return brief
