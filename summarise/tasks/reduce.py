"""The reduce step's shape: chunk summaries combined in groups that each fit the context.

One prompt with every chunk summary does not scale (a 1 MB document made a 22k-token
reduce prompt for a 16k context). Consecutive summaries are packed into groups that fit
`budget` tokens; each group is combined into one summary, and those are combined the
same way, until one is left. Both the run (tasks/steps.combine) and the dry run
(pipeline.planned_calls) follow this one plan, so they count the same calls. The reduce steps
are here too: a summary of the parts, read and held to length as a chunk's summary is
(tasks/summary.py).
"""

from __future__ import annotations

from summarise.chunking import ESTIMATE_HEADROOM, count_tokens
from summarise.model import Message, Request
from summarise.tasks.common import Answer, SingleStep, TaskContext, Work, fence_code, glossary_note
from summarise.tasks.prompts import Prompts
from summarise.tasks.summary import (
    RETRY_TOKENS,
    SUMMARY_MAX_TOKENS,
    Draft,
    LengthRetry,
    Summary,
    read_draft,
    retry_request,
)

# "Part N: " and the blank line between parts.
PART_LABEL_TOKENS = 8


def group_parts(sizes: list[int], budget: int) -> list[list[int]]:
    """Consecutive indices of `sizes` packed into groups of at most `budget` tokens.

    A group holds at least two parts even when two do not fit (a context too small for
    any reduce): the answer is then capped by the context, and the rounds still end."""
    groups: list[list[int]] = []
    total = 0
    for index, size in enumerate(sizes):
        if groups and (len(groups[-1]) < 2 or total + size <= budget):
            groups[-1].append(index)
            total += size
        else:
            groups.append([index])
            total = size
    return groups


def reduce_calls(sizes: list[int], budget: int, answer_tokens: int) -> list[tuple[int, int]]:
    """(prompt size (parts only), level) of every reduce call combining parts of `sizes` tokens,
    each answer counted at its ceiling `answer_tokens`: what the dry run lists. Level 1 combines
    chunk summaries; a call of level n waits for the calls of the levels below (a provider round each)."""
    if len(sizes) < 2:
        return []
    groups = group_parts(sizes, budget)
    if len(groups) == 1:
        return [(sum(sizes), 1)]
    calls: list[tuple[int, int]] = []
    combined: list[int] = []
    for group in groups:
        inner = reduce_calls([sizes[i] for i in group], budget, answer_tokens)
        calls += inner
        combined.append(answer_tokens + PART_LABEL_TOKENS if inner else sizes[group[0]])
    below = max((level for _size, level in calls), default=0)
    return calls + [(size, below + level) for size, level in reduce_calls(combined, budget, answer_tokens)]


def reduce_budget(prompts: Prompts, values: dict[str, object], context_tokens: int) -> int:
    """Tokens of summaries one reduce prompt may hold: the context, less the template and the
    answer, twice: a length retry carries the first answer back and asks for another."""
    fixed = prompts.render("system", **values) + prompts.render(
        "summary_reduce", **values, fence="DOC-" + "0" * 16, summaries=""
    )
    return int(context_tokens / ESTIMATE_HEADROOM) - count_tokens(fixed) - 2 * SUMMARY_MAX_TOKENS - RETRY_TOKENS


def reduce_groups(context: TaskContext, parts: list[Summary]) -> list[list[int]]:
    """The parts' indices in groups each reduce prompt can hold (group_parts)."""
    budget = reduce_budget(context.prompts, context.template_values(), context.context_tokens)
    return group_parts([count_tokens(part.text) + PART_LABEL_TOKENS for part in parts], budget)


def _reduce_messages(work: Work) -> list[Message]:
    context = work.context
    joined = "\n\n".join(f"Part {index}: {part}" for index, part in enumerate(work.parts, start=1))
    content = context.prompts.render(
        "summary_reduce", **context.template_values(), fence=fence_code(joined), summaries=joined
    )
    if note := glossary_note(context, context.document.sentences):  # the parts cover the whole document
        content += "\n\n" + note.strip()
    return [
        {"role": "system", "content": context.prompts.render("system", **context.template_values())},
        {"role": "user", "content": content},
    ]


REDUCE_LABEL = "summary   reduce"


class Reduce(SingleStep[Draft]):
    """The summaries of one group combined into one."""

    name, task = "reduce", "summary"
    templates = ("summary_reduce",)

    def ask(self, work: Work, _item: None) -> Request:
        return Request(
            self.name, REDUCE_LABEL, _reduce_messages(work), SUMMARY_MAX_TOKENS, allow_truncated=True, keep_cut=True
        )

    def read(self, work: Work, _item: None, answer: Answer) -> Draft:
        return read_draft(work.context, answer)

    def estimate(self, context: TaskContext, prompt: int, source: int) -> tuple[int, int]:
        return prompt, SUMMARY_MAX_TOKENS


REDUCE = Reduce()


class ReduceLength(LengthRetry):
    # Only the summary the reader sees is held to length: the parts' own notes are about text never shown.
    name = "reduce length"
    first = REDUCE

    def ask(self, work: Work, _item: None) -> Request | None:
        return retry_request(work.context, self.name, REDUCE_LABEL, _reduce_messages(work), work.result(self.first))


REDUCE_LENGTH = ReduceLength()
