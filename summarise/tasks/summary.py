"""Summary: one call for a one-chunk document, map-reduce for a longer one.

The summary is held to 3-5 sentences that cite their lines (`[n]`, kept for checking,
stripped when shown). A summary of the wrong length gets one retry that names its count,
on the same prefix; one still too long is trimmed and flagged. A summary that loops or is
cut off at the token cap keeps its complete, distinct sentences and is flagged: a long
summary is a quality problem to report, never a reason to lose the brief.

The answer is read once, here: `Summary.sentences` carries each sentence with the lines it
cites (the `[n]` reader is grounding/summary.py's, which links them to the source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarise.brief import CitedSentence
from summarise.chunking import ESTIMATE_HEADROOM, Chunk, count_tokens
from summarise.grounding.summary import read_summary, strip_citations, summary_sentences
from summarise.llm import Message
from summarise.prompts import Prompts
from summarise.tasks.common import TaskContext, fence_code, glossary_note, with_task
from summarise.tasks.reduce import PART_LABEL_TOKENS, group_parts

# Five sentences with their citations are ~200 tokens. Reading its own translation, the
# bundled model sometimes copies it line by line to the cap: 500 tokens cost 55-85 s of a
# brief there, so the cap is lower and a cut-off answer keeps its complete sentences.
SUMMARY_MAX_TOKENS = 300
SENTENCES = (3, 5)
RETRY_TOKENS = 64  # the length retry's request, beyond the answer it carries back


@dataclass
class Summary:
    text: str  # prose with its `[n]` citations
    notes: list[str] = field(default_factory=list)  # what was repaired: for the reader, as a check
    # The same, read once: each sentence without its `[n]`, with the lines those named
    sentences: tuple[CitedSentence, ...] = ()

    @property
    def prose(self) -> str:
        """As the brief shows it: without its `[n]`."""
        return strip_citations(self.text)


def _distinct(sentences: list[str]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for sentence in sentences:
        key = re.sub(r"\W+", " ", strip_citations(sentence).casefold()).strip()
        if key and key not in seen:
            seen.add(key)
            kept.append(sentence)
    return kept


def repair_runaway(text: str, language: str) -> str:
    """A looping or cut-off answer: its distinct complete sentences, in order."""
    sentences = summary_sentences(text, language)
    if sentences and not re.search(r"[.!?…»”\"')\]]\s*$", sentences[-1]):
        sentences = sentences[:-1]  # cut off mid-sentence
    return " ".join(_distinct(sentences))


def _ask(context: TaskContext, messages: list[Message], label: str) -> tuple[str, bool]:
    completion = context.llm.complete(
        messages, usage=context.usage, label=label, max_tokens=SUMMARY_MAX_TOKENS, allow_truncated=True
    )
    return completion.text.strip(), completion.finish_reason == "length"


def _off_by(count: int, low: int, high: int) -> int:
    """How many sentences a summary of `count` is outside low-high."""
    return count - high if count > high else max(0, low - count)


def held_to_length(context: TaskContext, messages: list[Message], label: str) -> Summary:
    """Ask, repair a runaway answer, retry once with the count named, then trim and flag."""
    language = context.target.code
    low, high = SENTENCES
    if len(context.document.sentences) < low:  # a document of two lines needs no three-sentence summary
        low = 1
    text, cut = _ask(context, messages, label)
    notes: list[str] = []
    count = len(summary_sentences(text, language))
    if cut or len(_distinct(summary_sentences(text, language))) < count:
        text = repair_runaway(text, language)
        notes.append(f"the model's summary ran on ({'cut off at the token cap' if cut else 'it repeated itself'})")
        count = len(summary_sentences(text, language))
    if _off_by(count, low, high):
        retry: list[Message] = [
            *messages,
            {"role": "assistant", "content": text},
            {
                "role": "user",
                "content": f"That summary has {count} sentence{'' if count == 1 else 's'}. "
                f"Write it again in {low} to {high} sentences, "
                "each ending with the line numbers it comes from in square brackets. Write only the summary.",
            },
        ]
        again, cut = _ask(context, retry, f"{label} (length)")
        again = repair_runaway(again, language) if cut else again
        again_count = len(summary_sentences(again, language))
        if again_count and _off_by(again_count, low, high) < _off_by(count, low, high):
            text, count = again, again_count
        if count > high:
            text = " ".join(summary_sentences(text, language)[:high])
            notes.append(f"trimmed from {count} to {high} sentences")
            count = high
    if count < low:
        notes.append(f"only {count} sentence(s)")
    return Summary(text, notes, read_summary(text, language))


def summarise_chunk(context: TaskContext, prefix: list[Message], chunk: Chunk) -> Summary:
    task = glossary_note(context, chunk.sentences) + context.prompts.render("summary", **context.template_values())
    return held_to_length(context, with_task(prefix, task), f"summary   chunk {chunk.index}")


def reduce_budget(prompts: Prompts, values: dict[str, object], context_tokens: int) -> int:
    """Tokens of summaries one reduce prompt may hold: the context, less the template and the
    answer, twice: a length retry carries the first answer back and asks for another."""
    fixed = prompts.render("system", **values) + prompts.render(
        "summary_reduce", **values, fence="DOC-" + "0" * 16, summaries=""
    )
    return int(context_tokens / ESTIMATE_HEADROOM) - count_tokens(fixed) - 2 * SUMMARY_MAX_TOKENS - RETRY_TOKENS


def combine_summaries(context: TaskContext, parts: list[Summary]) -> Summary:
    if len(parts) == 1:
        return parts[0]
    budget = reduce_budget(context.prompts, context.template_values(), context.llm.context_tokens)
    groups = group_parts([count_tokens(part.text) + PART_LABEL_TOKENS for part in parts], budget)
    if len(groups) > 1:  # too many for one prompt: combine each group, then what they gave (tasks/reduce.py)
        return combine_summaries(context, [combine_summaries(context, [parts[i] for i in g]) for g in groups])
    joined = "\n\n".join(f"Part {index}: {part.text}" for index, part in enumerate(parts, start=1))
    content = context.prompts.render(
        "summary_reduce", **context.template_values(), fence=fence_code(joined), summaries=joined
    )
    if note := glossary_note(context, context.document.sentences):  # the parts cover the whole document
        content += "\n\n" + note.strip()
    messages: list[Message] = [
        {"role": "system", "content": context.prompts.render("system", **context.template_values())},
        {"role": "user", "content": content},
    ]
    # Only the summary the reader sees is held to length: the parts' own notes are about text never shown.
    return held_to_length(context, messages, "summary   reduce")
