"""The steps of a brief, listed once: the run, the dry run's plan and the provider rounds all walk this list.

Each step (a `Step` subclass, tasks/common.py) names the steps it needs, builds its request
and reads its answer into a typed result; the steps are declared beside their task
(translation*.py, summary.py, facts.py).
On a chunk they run in one of two swappable layouts (Settings.layout):

- "translation": translate the chunk first, then write the summary and the facts from the
  line-numbered translation. A small model does better in one language than across two:
  fewer source words left in English text, and the facts' names and numbers are already
  in the target language. Line numbers are the source's, so evidence still maps to the
  source line. Summary and facts share the translation's prefix; reading the
  translation once more is the price.
- "source": summary and facts on the source chunk, then its translation, one shared prefix.
  Cheapest in prompt tokens; the right choice for a strong endpoint that works across languages.
bench/quality.py measures the two side by side (docs/history/quality.md).

The chunk summaries are then combined by the reduce steps, in groups that fit the context
(tasks/reduce.py). `run` asks a Model (summarise/model) for each step whose needs are met: the
direct client answers them all; the provider rounds' collector answers from the cache and
leaves the others "not answered yet", and with them every step that needs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import groupby

from summarise.brief import RawFact
from summarise.chunking import ESTIMATE_HEADROOM, Chunk
from summarise.errors import UnusableAnswer
from summarise.model import Model, Request
from summarise.tasks.common import FRAME_TEMPLATES, GLOSSARY_NOTE, Answer, AnyStep, TaskContext, Work
from summarise.tasks.facts import FACTS, FACTS_REPAIR, chunk_facts
from summarise.tasks.reduce import PART_LABEL_TOKENS, REDUCE, REDUCE_LENGTH, reduce_budget, reduce_calls, reduce_groups
from summarise.tasks.summary import (
    RETRY_TOKENS,
    SUMMARY,
    SUMMARY_LENGTH,
    SUMMARY_MAX_TOKENS,
    Summary,
    chunk_summary,
)
from summarise.tasks.translation import TRANSLATE, translates_first
from summarise.tasks.translation_numbers import TRANSLATE_NUMBERS, finished
from summarise.tasks.translation_repair import TRANSLATE_AGAIN
from summarise.tasks.translation_slid import TRANSLATE_SLID

TRANSLATION: tuple[AnyStep, ...] = (TRANSLATE, TRANSLATE_AGAIN, TRANSLATE_SLID, TRANSLATE_NUMBERS)
TASKS: tuple[AnyStep, ...] = (SUMMARY, SUMMARY_LENGTH, FACTS, FACTS_REPAIR)
COMBINE: tuple[AnyStep, ...] = (REDUCE, REDUCE_LENGTH)


# Everything else about the steps follows from these lists, read when asked (a step added to a
# list is planned, run, collected, counted in rounds and part of the brief's key with no other edit).


def all_steps() -> tuple[AnyStep, ...]:
    """Every step of a brief, once."""
    return TRANSLATION + TASKS + COMBINE


def template_names() -> tuple[str, ...]:
    """The templates a brief is written from: its key changes when one of them does."""
    return tuple(dict.fromkeys(FRAME_TEMPLATES + tuple(name for step in all_steps() for name in step.templates)))


def glossary_template_names() -> tuple[str, ...]:
    """The templates a brief is written from only with a glossary: in its key only then."""
    return tuple(dict.fromkeys((GLOSSARY_NOTE, *(name for step in all_steps() for name in step.glossary_templates))))


def task_templates() -> tuple[str, ...]:
    """Each chunk task's own template (the longest decides a prompt's overhead: pipeline.prompt_overhead)."""
    return tuple(step.templates[0] for step in TRANSLATION + TASKS if not step.repair and step.templates)


def final_steps() -> dict[str, AnyStep]:
    """The step whose result is each task's final one on a chunk: the last of its task in the list."""
    return {step.task: step for step in TRANSLATION + TASKS}


def chunk_steps(context: TaskContext) -> tuple[AnyStep, ...]:
    """A chunk's steps in the order they are asked: the tasks that share a prefix one after
    another, so the server prefills it once."""
    return TRANSLATION + TASKS if translates_first(context) else TASKS + TRANSLATION


def run(steps: Sequence[AnyStep], work: Work, model: Model, *, collect: bool = False) -> list[Request]:
    """Ask `model` for each step whose needs are met, in order; the requests left unanswered.

    Consecutive steps with the same `items` run item by item (a group's facts, then its
    repair). A step left unanswered, or (when collecting) one whose answer could not be
    used, leaves out every step that needs it; a run that is not collecting raises that
    UnusableAnswer, as a brief cannot do without it."""
    missing: list[Request] = []
    # Grouped by the function that gives their items (one class's `items`, inherited by both facts steps).
    for _items, grouped in groupby(steps, key=lambda step: type(step).items):
        together = list(grouped)
        for item in together[0].items(work):
            for step in together:
                needs = step.needs(work.context)
                if not all(work.has(need, item if need.per_item() else None) for need in needs):
                    continue
                request = step.ask(work, item)
                answer: Answer = None
                if request is not None:
                    try:
                        answer = model.answer(request, work.context.usage, work.context.reporter)
                    except UnusableAnswer as unusable:
                        answer = unusable
                    if answer is None:
                        missing.append(request)
                        continue
                try:
                    work.keep(step, item, step.read(work, item, answer))
                except UnusableAnswer:
                    if not collect:
                        raise
    return missing


@dataclass
class ChunkResult:
    summary: Summary
    facts: list[RawFact]
    translated: dict[int, str]
    problems: list[str]


def brief_chunk(
    context: TaskContext, model: Model, chunk: Chunk, *, collect: bool = False
) -> tuple[ChunkResult | None, list[Request]]:
    """A chunk's steps; its result, or None while a step is unanswered (or unusable when collecting)."""
    work = Work(context, chunk)
    missing = run(chunk_steps(context), work, model, collect=collect)
    if not all(work.has(step, item) for step in final_steps().values() for item in step.items(work)):
        return None, missing
    facts, problems = chunk_facts(work)
    return ChunkResult(chunk_summary(work), facts, finished(work), problems), missing


def combine(
    context: TaskContext, model: Model, parts: list[Summary], *, collect: bool = False
) -> tuple[Summary | None, list[Request]]:
    """The chunk summaries combined into one: each group that fits a prompt, then what they gave."""
    if len(parts) == 1:
        return parts[0], []
    groups = reduce_groups(context, parts)
    if len(groups) > 1:  # too many for one prompt (tasks/reduce.py); every group is asked in the same round
        combined = [combine(context, model, [parts[i] for i in group], collect=collect) for group in groups]
        missing = [request for _summary, requests in combined for request in requests]
        summaries = [summary for summary, _requests in combined if summary is not None]
        if len(summaries) < len(combined):
            return None, missing
        return combine(context, model, summaries, collect=collect)
    work = Work(context, parts=tuple(part.text for part in parts))
    missing = run(COMBINE, work, model, collect=collect)
    return work.get(REDUCE_LENGTH), missing


@dataclass(frozen=True)
class PlannedCall:
    """One request the run may send; `repair` ones only when the first answer falls short."""

    task: str
    chunk: int  # 0 for the reduce step
    prompt_tokens: int  # estimated with cl100k: exact for OpenAI models, close for others
    max_tokens: int  # the most the call may write: a ceiling
    repair: bool = False
    step: str = ""
    request: Request | None = None  # what is asked, where it is known before any answer
    round: int = 1  # the provider round it goes out in at the latest: 1 + the calls it waits on, in a chain


def plan(context: TaskContext, chunks: list[Chunk], overhead: int) -> list[PlannedCall]:
    """The calls of every step, without making any: each at its ceiling, every repair counted.

    A chunk's steps are planned at the chunk's prompt (summary and facts read the chunk or
    its translation: about as long); a request that needs no answer is built as it will be
    sent. The reduce steps are planned as they run (tasks/reduce.py), in rounds within the
    context, each summary at its ceiling. A response format the endpoint refuses is re-sent
    in the next format; that costs a request, not tokens, and is not counted."""
    calls: list[PlannedCall] = []
    chunk_rounds = 0
    for chunk in chunks:
        work = Work(context, chunk)
        calling = {step.name for step in chunk_steps(context) if step.estimate(context, overhead + chunk.tokens, 0)}
        rounds = _rounds(chunk_steps(context), context, calling)
        chunk_rounds = max(chunk_rounds, *rounds.values())
        for step in chunk_steps(context):
            for item in step.items(work):
                estimate = step.estimate(context, overhead + chunk.tokens, chunk.tokens)
                if estimate is not None:
                    known = not step.needs(context) and not step.repair
                    request = step.ask(work, item) if known else None
                    planned = PlannedCall(step.task, chunk.index, *estimate, step.repair, step.name, request)
                    calls.append(replace(planned, round=rounds[step.name]))
    budget = reduce_budget(context.prompts, context.template_values(), context.context_tokens)
    fixed = int(context.context_tokens / ESTIMATE_HEADROOM) - 2 * SUMMARY_MAX_TOKENS - RETRY_TOKENS - budget
    part = SUMMARY_MAX_TOKENS + PART_LABEL_TOKENS
    combine_rounds = _rounds(COMBINE, context, {step.name for step in COMBINE})
    span = max(combine_rounds.values())  # the rounds one level of reduce steps takes
    for parts, level in reduce_calls([part] * len(chunks), budget, SUMMARY_MAX_TOKENS):
        for step in COMBINE:
            estimate = step.estimate(context, fixed + parts, 0)
            if estimate is not None:
                after_chunks = chunk_rounds + (level - 1) * span + combine_rounds[step.name]
                calls.append(PlannedCall(step.task, 0, *estimate, step.repair, step.name, round=after_chunks))
    return calls


def _rounds(steps: Sequence[AnyStep], context: TaskContext, calling: set[str]) -> dict[str, int]:
    """The provider round each step goes out in at the latest: a step waits for the steps it needs
    (`run` leaves it for a later round), and one not `calling` (a document already in the target
    language is not translated) takes no round of its own."""
    rounds: dict[str, int] = {}
    for step in steps:
        waited = max((rounds.get(need.name, 0) for need in step.needs(context)), default=0)
        rounds[step.name] = waited + (step.name in calling)
    return rounds
