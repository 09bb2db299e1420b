"""The reduce step's shape: chunk summaries combined in groups that each fit the context.

One prompt with every chunk summary does not scale (a 1 MB document made a 22k-token
reduce prompt for a 16k context). Consecutive summaries are packed into groups that fit
`budget` tokens; each group is combined into one summary, and those are combined the
same way, until one is left. Both the run (tasks/summary.py) and the dry run
(pipeline.planned_calls) follow this one plan, so they count the same calls.
"""

from __future__ import annotations

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
