"""Summary: one call for a one-chunk document, map-reduce for a longer one."""

from __future__ import annotations

from summarise.chunking import Chunk
from summarise.llm import Message
from summarise.tasks.common import TaskContext, fence_code, with_task

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


def combine_summaries(context: TaskContext, parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
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
