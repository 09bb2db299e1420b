"""One document in, one Brief out: load -> chunk -> tasks -> checks -> brief."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from summarise.brief import Brief, Line
from summarise.brief.files import BriefFiles, Identity
from summarise.brief.version import __version__
from summarise.chunking import Chunk, chunk_budget, count_tokens, fit_sentences, plan_chunks, remember_counts_in
from summarise.config import DEFAULT_ENGINE_CONTEXT, BriefOptions
from summarise.config.place_names import below, place_names
from summarise.documents import Document
from summarise.documents.languages import Language, language_name
from summarise.errors import EndpointError
from summarise.grounding.assemble import check_parts, ground_parts
from summarise.grounding.facts import out_of_range
from summarise.grounding.glossary_terms import set_line_terms, set_statement_terms
from summarise.grounding.vocabulary import remember_in as remember_words_in
from summarise.model import Described, Model, Request
from summarise.model.answers import CACHE_SCHEMA
from summarise.model.cache import ResponseCache
from summarise.model.usage import UsageMeter
from summarise.readers.language_detection import language_mix
from summarise.render.sanitise import plain_model_text as shown
from summarise.reporting import SILENT, Reporter
from summarise.tasks.brief_inputs import from_memory, glossary_used, title_for
from summarise.tasks.common import TaskContext, assemble_paragraphs, glossary_block
from summarise.tasks.facts import one_fact_a_line
from summarise.tasks.prompts import Prompts
from summarise.tasks.steps import (
    PlannedCall,
    brief_chunk,
    combine,
    glossary_template_names,
    task_templates,
    template_names,
)
from summarise.tasks.steps import plan as plan_steps

T = TypeVar("T")


def remember_in(folder: Path | None) -> None:
    """Keep token counts and word verdicts in `folder` (in the cache folder), or, with None,
    nowhere: a re-run whose answers are all cached then loads neither the encoding nor the
    word lists (~1.3 s of start-up)."""
    from summarise.errors import CacheUnusable

    try:
        memo = ResponseCache(folder, SILENT) if folder is not None else None
    except CacheUnusable:  # a read-only cache folder: count and judge each time, as without a cache
        memo = None
    remember_counts_in(memo)
    remember_words_in(memo)


@lru_cache(maxsize=8)  # the same for every document of a run; rendering and counting it cost ~0.5 ms
def prompt_overhead(prompts: Prompts, target: Language) -> int:
    """Tokens of everything but the document: system, fence, and the longest task."""
    values = {"target_language": target.name, "source_language": "English", "first": 1, "last": 9999, "total": 9999}
    fixed = prompts.render("system", **values) + prompts.render(
        "document", **values, fence="DOC-" + "0" * 16, document=""
    )
    tasks = [
        prompts.render(name, **values, max_facts=8, fact_key="fact_in_English", figures=" (lines [9997] and [9998])")
        for name in task_templates()
    ]
    return count_tokens(fixed) + max(count_tokens(task) for task in tasks) + 32


def glossary_tokens(document: Document, prompts: Prompts, options: BriefOptions) -> int:
    """Tokens of the glossary entries the whole document uses: the most any of its requests carries."""
    if options.glossary is None:
        return 0
    entries = options.glossary.for_languages(document.language, options.target.code).select(document.text)
    values = {"target_language": options.target.name, "source_language": language_name(document.language)}
    return count_tokens(glossary_block(prompts, values, entries))


def plan(document: Document, model: Described, prompts: Prompts, options: BriefOptions) -> tuple[Document, list[Chunk]]:
    overhead = prompt_overhead(prompts, options.target) + glossary_tokens(document, prompts, options)
    budget = chunk_budget(model.context_tokens, overhead, options.chunk_tokens)
    fitted = fit_sentences(document, budget)
    if not fitted.languages:  # which languages, paragraph by paragraph: decides what is translated
        fitted = replace(fitted, languages=tuple(language_mix(fitted).items()))
    return fitted, plan_chunks(fitted, budget)


def planned_calls(
    document: Document,
    chunks: list[Chunk],
    prompts: Prompts,
    options: BriefOptions,
    context_tokens: int = DEFAULT_ENGINE_CONTEXT,
) -> list[PlannedCall]:
    """The calls build_brief makes for a planned document (see `plan`), without making any:
    the same steps (tasks/steps.py), each at its ceiling, every repair counted."""
    overhead = prompt_overhead(prompts, options.target) + glossary_tokens(document, prompts, options)
    return plan_steps(TaskContext(prompts, document, options, context_tokens), chunks, overhead)


def brief_key(document: Document, model: Described, prompts: Prompts, options: BriefOptions) -> str:
    """Source hash plus every setting that shapes the brief: equal keys mean the brief is up to date."""
    templates = {name: prompts.text(name) for name in template_names()}
    material = {
        "source": document.sha256,
        "endpoint": model.identity,
        "model": model.name,
        "target": options.target.code,
        "templates": templates,
        "context": model.context_tokens,
        "chunk_tokens": options.chunk_tokens,
        "facts_method": str(options.facts_method),
        "layout": str(options.layout),
        "schema": CACHE_SCHEMA,
        "version": __version__,
    }
    if options.glossary is not None:  # only the entries this document uses: editing another changes nothing
        entries = options.glossary.for_languages(document.language, options.target.code).select(document.text)
        material["glossary"] = [[e.source, e.target] for e in entries]
        material["glossary_templates"] = [prompts.text(name) for name in glossary_template_names()]
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Prelude:
    """What a run knows of a document before its first call."""

    document: Document
    key: str  # brief_key: the source and every setting that shapes its brief
    up_to_date: bool  # the brief on disk was made with this key, completely: nothing to do


def prelude(
    files: BriefFiles,
    inputs: frozenset[Identity],
    read: Callable[[], Document],
    model: Described,
    prompts: Prompts,
    options: BriefOptions,
) -> Prelude:
    """The per-document prelude the batch run, the provider rounds and the dry run share, in this
    order: every file of the brief may be written (a refusal costs nothing, not even a read), the
    document is read (`read` raises for an unreadable one), its key is made, and the brief on disk
    is compared with it (an up-to-date brief costs no call and starts no engine)."""
    files.check(inputs)
    document = read()
    key = brief_key(document, model, prompts, options)
    return Prelude(document, key, files.is_up_to_date(key))


def answered(result: T | None, missing: list[Request]) -> T:
    """A result the model answered every step of: a model that leaves one unanswered (a collector
    asked to build a brief it has not got every answer for) fails the brief, naming the first."""
    if result is None:
        first = missing[0].label if missing else "a step"
        raise EndpointError(f"{first}: no answer yet ({len(missing)} request(s) unanswered)")
    return result


def build_brief(
    document: Document,
    llm: Model,
    prompts: Prompts,
    options: BriefOptions | None = None,
    model: Model | None = None,
    *,
    reporter: Reporter = SILENT,
) -> Brief:
    """One document in, one Brief out. `options.workers` > 1 runs chunks concurrently.

    `llm` is the Model (summarise/model) the brief is of: its identity, name and context size;
    the steps are asked of `model`, by default `llm` itself, each told of `reporter`: its -v lines
    and its calls' progress go there."""
    options = options or BriefOptions()
    asked: Model = model or llm
    target = options.target
    usage = UsageMeter()
    key = brief_key(document, llm, prompts, options)
    if options.glossary is not None:  # only the entries for this document's language and the target
        options = replace(options, glossary=options.glossary.for_languages(document.language, target.code))
    document, chunks = plan(document, llm, prompts, options)
    context = TaskContext(prompts, document, options, llm.context_tokens, usage, reporter)
    if options.workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=options.workers, thread_name_prefix="chunk") as pool:
            results = [answered(*done) for done in pool.map(lambda chunk: brief_chunk(context, asked, chunk), chunks)]
    else:
        results = [answered(*brief_chunk(context, asked, chunk)) for chunk in chunks]
    summaries = [result.summary for result in results]
    # The checks judge what the brief shows: the model's words as the renderers keep them (no
    # terminal sequences, no link targets, no markup), not the raw answer.
    raw_facts = [replace(fact, statement=shown(fact.statement)) for result in results for fact in result.facts]
    translated = {number: shown(text) for result in results for number, text in result.translated.items()}
    # A line the model could not translate is checked, and kept, with its source text in its place.
    untranslated = frozenset(s.number for s in document.sentences if s.number not in translated)
    # Glossary terms the model left as the source writes them are set by code, before any check reads the lines.
    # The user's glossary first, then the country names CLDR knows in both languages (theirs win).
    glossaries = (options.glossary, below(options.glossary, place_names(document.language, target.code)))
    kept = untranslated | frozenset(context.remembered)  # a reviewer's line (the memory) is theirs: not rewritten
    translated, terms_set = set_line_terms(glossaries, document, translated, kept, target.code)
    translation = assemble_paragraphs(document.sentences, translated)
    translated = {s.number: translated.get(s.number, s.text) for s in document.sentences}
    summary = answered(*combine(context, asked, summaries))
    summary = replace(summary, sentences=tuple(replace(s, text=shown(s.text)) for s in summary.sentences))
    facts, sentences = ground_parts(
        document, target, summary=summary.sentences, raw_facts=raw_facts, translated=translated
    )
    facts = one_fact_a_line(facts, context.log)
    statements = set_statement_terms(glossaries, document, facts, sentences, summary.prose, target.code)
    set_here = [f"line {n}: {note.split(': ', 1)[1]}" for n, notes in terms_set.items() for note in notes]
    checked = check_parts(
        document,
        target,
        options.glossary,
        facts=statements.facts,
        sentences=statements.sentences,
        summary_notes=summary.notes,
        translation=translation,
        translated=translated,
        untranslated=untranslated,
        glossary_notes=set_here + statements.where,
    )
    # Problems the tasks and the one LLM call found in answers (cut off, untranslated, an echoed key).
    problems = [problem for result in results for problem in result.problems] + usage.problems
    # Lines cited that the document does not have: the facts and sentences are shown, flagged,
    # and the brief is not complete.
    problems += out_of_range(document, [fact.sentence for fact in raw_facts if not fact.quote], "facts")
    problems += out_of_range(document, [n for s in summary.sentences for n in s.cited], "summary")
    on_line = checked.on_line
    origins, suggestions = from_memory(document, options)
    return Brief(
        title=title_for(document, translated),
        source=document.source,
        source_sha256=document.sha256,
        source_language=document.language,
        source_languages=dict(document.languages),
        target_language=target.code,
        model=llm.name,
        endpoint=llm.label,
        created=datetime.now(UTC).replace(microsecond=0).isoformat(),
        brief_key=key,
        summary=statements.prose,
        facts=checked.facts,
        translation=tuple(translation),
        usage=usage.snapshot(),
        chunks=len(chunks),
        checks=checked.checks,
        problems=tuple(problems),
        metadata=dict(document.metadata),
        dropped=tuple(document.dropped),
        source_format=document.kind,
        source_pages=document.pages,
        verbatim=document.verbatim,
        lines=tuple(
            Line(
                s.number,
                s.paragraph,
                s.text,
                translated[s.number],
                on_line.get(s.number, ()),
                s.number not in untranslated,
                terms_set.get(s.number, ()),
                origins.get(s.number, ""),
                suggestions.get(s.number, ""),
            )
            for s in document.sentences
        ),
        summary_sentences=checked.sentences,
        glossary=glossary_used(options, document),
    )
