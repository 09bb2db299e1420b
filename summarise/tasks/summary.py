"""Summary: one call for a one-chunk document, map-reduce for a longer one."""

from __future__ import annotations

from summarise.chunking import ESTIMATE_HEADROOM, Chunk, count_tokens
from summarise.llm import Message
from summarise.prompts import Prompts
from summarise.tasks.common import TaskContext, fence_code, with_task
from summarise.tasks.reduce import PART_LABEL_TOKENS, group_parts

SUMMARY_MAX_TOKENS = 500


def summarise_chunk(context: TaskContext, prefix: list[Message], chunk: Chunk) -> str:
    task = context.prompts.render("summary", **context.template_values())
    completion = context.llm.complete(
        with_task(prefix, task),
        usage=context.usage,
        label=f"summary   chunk {chunk.index}",
        max_tokens=SUMMARY_MAX_TOKENS,
    )
    return completion.text.strip()


def reduce_budget(prompts: Prompts, values: dict[str, object], context_tokens: int) -> int:
    """Tokens of summaries one reduce prompt may hold: the context, less the template and the answer."""
    fixed = prompts.render("system", **values) + prompts.render(
        "summary_reduce", **values, fence="DOC-" + "0" * 16, summaries=""
    )
    return int(context_tokens / ESTIMATE_HEADROOM) - count_tokens(fixed) - SUMMARY_MAX_TOKENS


def combine_summaries(context: TaskContext, parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    budget = reduce_budget(context.prompts, context.template_values(), context.llm.context_tokens)
    groups = group_parts([count_tokens(part) + PART_LABEL_TOKENS for part in parts], budget)
    if len(groups) > 1:  # too many for one prompt: combine each group, then what they gave (tasks/reduce.py)
        return combine_summaries(context, [combine_summaries(context, [parts[i] for i in g]) for g in groups])
    joined = "\n\n".join(f"Part {index}: {text}" for index, text in enumerate(parts, start=1))
    content = context.prompts.render(
        "summary_reduce", **context.template_values(), fence=fence_code(joined), summaries=joined
    )
    messages: list[Message] = [
        {"role": "system", "content": context.prompts.render("system", **context.template_values())},
        {"role": "user", "content": content},
    ]
    completion = context.llm.complete(
        messages, usage=context.usage, label="summary   reduce", max_tokens=SUMMARY_MAX_TOKENS
    )
    return completion.text.strip()
