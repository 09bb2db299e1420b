"""Facts with evidence, by one of two swappable methods.

- "line" (default): the model names the numbered line that states each fact. Asked to
  copy verbatim quotes, the bundled 1.5B model copied 0 of 9 correctly; asked for a line
  number, the evidence is exact by construction and code checks the rest.
- "quote": the model copies a verbatim quote; code finds it in the source (exact,
  normalised or fuzzy) and flags it when absent. For strong endpoints.

With "line", facts are asked per group of about 6 lines (split at paragraph ends), up to
4 per group and at most one per line, so they cover the whole document instead of bunching
on its first lines. Structured output is requested as a JSON schema (llama.cpp turns it
into a grammar), falling back to JSON mode, then to plain text parsed tolerantly; an
unreadable answer gets one repair attempt, then that group's facts are reported missing,
never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from summarise.brief import RawFact
from summarise.chunking import Chunk
from summarise.errors import FactsUnreadable, FormatNotSupported, UnusableAnswer
from summarise.llm import Message
from summarise.tasks.common import TaskContext, glossary_note, with_task
from summarise.tasks.fact_answers import MAX_FACTS_PER_CHUNK, fact_key, facts_schema, parse_facts

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
    if method != "line":
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


def extract_facts(context: TaskContext, prefix: list[Message], chunk: Chunk) -> tuple[list[RawFact], list[str]]:
    """The facts of a chunk, group by group (see line_groups), and a problem for the brief
    for each group whose answer could not be read: the others still count."""
    facts: list[RawFact] = []
    problems: list[str] = []
    for lines in line_groups(chunk, context.options.facts_method):
        try:
            facts += extract_group(context, prefix, chunk, lines)
        except UnusableAnswer as exc:
            problems.append(str(exc))
    return one_per_line(facts), problems


def extract_group(context: TaskContext, prefix: list[Message], chunk: Chunk, lines: LineRange) -> list[RawFact]:
    """Raises UnusableAnswer (with a message for the brief) when no readable answer came back."""
    key = fact_key(context.target.name)
    method = context.options.facts_method
    first, last = lines.first, lines.last
    asked = [s for s in chunk.sentences if first <= s.number <= last]
    task = glossary_note(context, asked) + context.prompts.render(
        "facts" if method == "line" else "facts_quote",
        **context.template_values(),
        first=first,
        last=last,
        max_facts=lines.max_facts,
        fact_key=key,
    )
    messages = with_task(prefix, task)
    label = f"facts     chunk {chunk.index} lines {first}-{last}"

    def readable(text: str) -> None:  # only an answer that parses is usable (and cached)
        parse_facts(text, first, last)

    problem: FactsUnreadable | UnusableAnswer
    for response_format in _formats(lines, key, method):
        try:
            completion = context.llm.complete(
                messages,
                usage=context.usage,
                label=label,
                max_tokens=FACTS_MAX_TOKENS,
                response_format=response_format,
                allow_truncated=True,  # keep the facts that were complete before the cut
                validate=readable,
            )
        except FormatNotSupported:
            continue
        except UnusableAnswer as unusable:
            answer, problem = unusable.text, unusable
            break
        if completion.finish_reason == "length":
            return cut_off_facts(context, completion.text, lines)
        return parse_facts(completion.text, first, last)[: lines.max_facts]
    else:  # the last format (plain text) is never refused as a format
        raise UnusableAnswer(f"facts for lines {first}-{last}: the endpoint refused every format")
    repair = [
        *messages,
        {"role": "assistant", "content": answer[:REPAIR_ECHO_CHARS]},
        {
            "role": "user",
            "content": f"That answer was not usable: {_reason(problem)}. Answer again with only the JSON object.",
        },
    ]
    try:
        retry = context.llm.complete(
            repair,
            usage=context.usage,
            label=f"{label} (repair)",
            max_tokens=FACTS_MAX_TOKENS,
            allow_truncated=True,
            validate=readable,
        )
    except UnusableAnswer as again:
        raise UnusableAnswer(f"facts for lines {first}-{last} could not be read: {_reason(again)}") from again
    if retry.finish_reason == "length":
        return cut_off_facts(context, retry.text, lines)
    return parse_facts(retry.text, first, last)[: lines.max_facts]


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
