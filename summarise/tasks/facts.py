"""Facts with evidence, by one of three swappable methods.

- "chosen" (default): code picks the lines that state key facts, figures first, and each
  fact is its line's translation, shortened at a clause boundary (tasks/chosen_facts.py):
  no model call, every fact on its line by construction. On 12 dev articles with the bundled
  model it beat "line" on recall, facts on their line and time (docs/history/quality.md).
- "line": the model names the numbered line that states each fact. Asked to
  copy verbatim quotes, the bundled 1.5B model copied 0 of 9 correctly; asked for a line
  number, the evidence is exact by construction and code checks the rest.
- "quote": the model copies a verbatim quote; code finds it in the source (exact,
  normalised or fuzzy) and flags it when absent. For strong endpoints.

With "line" (and "chosen"), facts are taken per group of about 6 lines (split at paragraph
ends), up to 4 per group (3 with "chosen") and at most one per line, so they cover the whole
document instead of bunching on its first lines. Structured output is requested as a JSON schema (llama.cpp turns it
into a grammar), falling back to JSON mode, then to plain text parsed tolerantly; an
unreadable answer gets one repair attempt, then that group's facts are reported missing,
never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from summarise.brief import Fact, RawFact
from summarise.chunking import Chunk
from summarise.config import FactsMethod
from summarise.errors import FactsUnreadable, UnusableAnswer
from summarise.model import Completion, Message, Request
from summarise.tasks.chosen_facts import FACTS_PER_GROUP as CHOSEN_PER_GROUP
from summarise.tasks.chosen_facts import Group, chosen_facts
from summarise.tasks.common import Answer, AnyStep, Step, TaskContext, Work, glossary_note, with_task
from summarise.tasks.fact_answers import MAX_FACTS_PER_CHUNK, fact_key, facts_schema, parse_facts
from summarise.tasks.translation_numbers import finished, tasks_need, tasks_prefix

FACTS_MAX_TOKENS = 1200


def _formats(lines: LineRange, key: str, method: str) -> list[dict[str, Any] | None]:
    schema = facts_schema(lines.first, lines.last, key, method, lines.max_facts)
    return [{"type": "json_schema", "json_schema": {"name": "facts", "schema": schema}}, {"type": "json_object"}, None]


# Facts are asked per group of about this many lines, so they cover the whole document
# (asked once per chunk, the bundled model put three of eight facts on line 1). Groups of
# 8 lines with 3 facts each gave an 11-line article 3 facts and a key-fact recall of 0.62
# on the quality dev set: most missed facts were details the cap left out.
FACT_GROUP_LINES = 6
FACTS_PER_GROUP = 4


@dataclass(frozen=True)
class LineRange:
    """The lines one facts call is about, and how many facts it may give."""

    first: int
    last: int
    max_facts: int = MAX_FACTS_PER_CHUNK


def line_groups(chunk: Chunk, method: str = "line", size: int = FACT_GROUP_LINES) -> list[LineRange]:
    """What the facts calls of a chunk cover: with the "line" method, consecutive ranges of
    about `size` lines, split at a paragraph end where one is near, each allowed a fact per
    line (at most FACTS_PER_GROUP); with "quote", the whole chunk in one call."""
    if method == FactsMethod.QUOTE:
        return [LineRange(chunk.first, chunk.last)]
    bounds: list[tuple[int, int]] = []
    start = chunk.first
    sentences = chunk.sentences
    for index, sentence in enumerate(sentences):
        length = sentence.number - start + 1
        last = index == len(sentences) - 1
        paragraph_ends = last or sentences[index + 1].paragraph != sentence.paragraph
        if last or (length >= size and paragraph_ends) or length >= size + size // 2:
            bounds.append((start, sentence.number))
            start = sentence.number + 1
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] + 1 < size // 2:  # a short tail joins the group before
        tail = bounds.pop()
        bounds[-1] = (bounds[-1][0], tail[1])
    return [LineRange(a, b, min(FACTS_PER_GROUP, b - a + 1)) for a, b in bounds]


def one_per_line(facts: list[RawFact]) -> list[RawFact]:
    """At most one fact per cited line: the first the model gave (it lists the main one first)."""
    seen: set[int] = set()
    kept: list[RawFact] = []
    for fact in facts:
        if fact.sentence and fact.sentence in seen:
            continue
        seen.add(fact.sentence)
        kept.append(fact)
    return kept


def _messages(work: Work, lines: LineRange) -> list[Message]:
    context = work.context
    asked = [s for s in work.the_chunk.sentences if lines.first <= s.number <= lines.last]
    task = glossary_note(context, asked) + context.prompts.render(
        "facts" if context.options.facts_method == "line" else "facts_quote",
        **context.template_values(),
        first=lines.first,
        last=lines.last,
        max_facts=lines.max_facts,
        fact_key=fact_key(context.target.name),
    )
    return with_task(tasks_prefix(work), task)


def _label(work: Work, lines: LineRange) -> str:
    return f"facts     chunk {work.the_chunk.index} lines {lines.first}-{lines.last}"


def _readable(lines: LineRange) -> Callable[[str], object]:
    return lambda text: parse_facts(text, lines.first, lines.last)  # only an answer that parses is usable (and cached)


def _facts(context: TaskContext, completion: Completion, lines: LineRange) -> list[RawFact]:
    if completion.finish_reason == "length":
        return cut_off_facts(context, completion.text, lines)
    return parse_facts(completion.text, lines.first, lines.last)[: lines.max_facts]


@dataclass(frozen=True)
class GroupFacts:
    facts: list[RawFact]
    unusable: UnusableAnswer | None = None  # the first answer, unusable: the repair carries it back
    problem: str | None = None  # none came back readable: for the brief


class _GroupStep(Step[LineRange, GroupFacts]):
    """A step with one call per group of lines (both facts steps share `items`: they run group by group)."""

    task = "facts"

    def items(self, work: Work) -> list[LineRange]:
        """The facts calls of a chunk: none when code chooses the facts from the translation."""
        context = work.context
        if context.options.facts_method == FactsMethod.CHOSEN:
            return []
        return line_groups(work.the_chunk, context.options.facts_method)


class FactsStep(_GroupStep):
    name = "facts"
    templates = ("facts", "facts_quote")

    def needs(self, context: TaskContext) -> tuple[AnyStep, ...]:
        return tasks_need(context)

    def ask(self, work: Work, lines: LineRange) -> Request:
        """Structured output as a JSON schema, falling back to JSON mode, then plain text."""
        first, *fallback = _formats(lines, fact_key(work.context.target.name), work.context.options.facts_method)
        return Request(
            self.name,
            _label(work, lines),
            _messages(work, lines),
            FACTS_MAX_TOKENS,
            first,
            tuple(fallback),
            allow_truncated=True,  # keep the facts that were complete before the cut
            validate=_readable(lines),
        )

    def read(self, work: Work, lines: LineRange, answer: Answer) -> GroupFacts:
        if isinstance(answer, UnusableAnswer):  # asked again, with the answer and what was wrong with it
            return GroupFacts([], answer)
        assert answer is not None, "facts are always asked for"
        return GroupFacts(_facts(work.context, answer, lines))

    def estimate(self, context: TaskContext, prompt: int, source: int) -> tuple[int, int]:
        return prompt, FACTS_MAX_TOKENS


FACTS = FactsStep()


class FactsRepair(_GroupStep):
    name = "facts repair"
    repair = True

    def needs(self, context: TaskContext) -> tuple[AnyStep, ...]:
        return (FACTS,)

    def ask(self, work: Work, lines: LineRange) -> Request | None:
        unusable = work.result_for(FACTS, lines).unusable
        if unusable is None:
            return None
        repair = [
            *_messages(work, lines),
            {"role": "assistant", "content": unusable.text[:REPAIR_ECHO_CHARS]},
            {
                "role": "user",
                "content": f"That answer was not usable: {_reason(unusable)}. Answer again with only the JSON object.",
            },
        ]
        label = f"{_label(work, lines)} (repair)"
        return Request(self.name, label, repair, FACTS_MAX_TOKENS, allow_truncated=True, validate=_readable(lines))

    def read(self, work: Work, lines: LineRange, answer: Answer) -> GroupFacts:
        """The group's facts; or none, and a problem for the brief (the other groups still count)."""
        if answer is None:
            return work.result_for(FACTS, lines)
        if isinstance(answer, UnusableAnswer):
            why = _reason(answer)
            return GroupFacts([], problem=f"facts for lines {lines.first}-{lines.last} could not be read: {why}")
        return GroupFacts(_facts(work.context, answer, lines))

    def estimate(self, context: TaskContext, prompt: int, source: int) -> tuple[int, int]:
        return prompt + FACTS_MAX_TOKENS, FACTS_MAX_TOKENS  # the repair carries the unreadable answer back


FACTS_REPAIR = FactsRepair()


def chunk_facts(work: Work) -> tuple[list[RawFact], list[str]]:
    """The facts of a chunk, group by group, and a problem for each group that could not be read."""
    context, chunk = work.context, work.the_chunk
    if context.options.facts_method == FactsMethod.CHOSEN:
        limits = [Group(g.first, g.last, min(g.max_facts, CHOSEN_PER_GROUP)) for g in line_groups(chunk)]
        translated = finished(work)
        return chosen_facts(chunk.sentences, translated, context.document.language, context.target.code, limits), []
    groups = [work.result_for(FACTS_REPAIR, lines) for lines in FACTS_REPAIR.items(work)]
    facts = [fact for group in groups for fact in group.facts]
    return one_per_line(facts), [group.problem for group in groups if group.problem]


def one_fact_a_line(facts: list[Fact], log: Callable[[str], None]) -> list[Fact]:
    """At most one fact a source line, after code placed them (grounding/facts.py): two facts
    the model cited on two lines can both be placed on the one line that says them (the 2018
    seed's facts 2 and 3). The second is dropped, or the first when only the second is
    supported; said under -v. A quote found nowhere (line 0) is kept: it is flagged."""
    kept: list[Fact] = []
    for fact in facts:
        held = next((k for k in kept if fact.sentence and k.sentence == fact.sentence), None)
        if held is None:
            kept.append(fact)
            continue
        better, worse = (fact, held) if fact.supported and not held.supported else (held, fact)
        kept[kept.index(held)] = better
        log(f"facts: line {fact.sentence} holds two facts: kept “{better.statement}”, dropped “{worse.statement}”")
    return kept


# A bad answer goes back to the model with the repair request; an endless one is cut short.
REPAIR_ECHO_CHARS = 4000


def _reason(problem: Exception) -> str:
    """The validator's words without the call's label (the repair request is read by the model)."""
    return str(problem).split(": ", 1)[-1] if isinstance(problem, UnusableAnswer) else str(problem)


def cut_off_facts(context: TaskContext, text: str, lines: LineRange) -> list[RawFact]:
    """A cut-off answer: keep the facts that were complete, and say the brief is incomplete."""
    try:
        facts = parse_facts(text, lines.first, lines.last, partial=True)[: lines.max_facts]
    except FactsUnreadable:
        facts = []
    context.usage.problem(
        f"facts for lines {lines.first}-{lines.last} were cut off at {FACTS_MAX_TOKENS} tokens; "
        f"kept the {len(facts)} complete before the cut"
    )
    return facts
