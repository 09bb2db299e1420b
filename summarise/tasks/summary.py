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
from summarise.errors import UnusableAnswer
from summarise.grounding.summary import read_summary, strip_citations, summary_sentences
from summarise.model import Message, Request
from summarise.tasks.chosen_facts import figure_lines
from summarise.tasks.common import Answer, AnyStep, SingleStep, TaskContext, Work, glossary_note, with_task
from summarise.tasks.translation_numbers import tasks_need, tasks_prefix

# The cap ends the summary; code cuts it at its last complete sentence. Asked for "3 to 5
# sentences, at most 120 words" under a cap of 300, the bundled model wrote 7 sentences (279
# tokens) on the 2022 seed, and code threw 2 of them away: ~100 tokens generated for nothing,
# at ~10 tokens/s. Four sentences of ~40 tokens with their citations fit in 200; an answer the
# cap stops keeps its complete sentences, which is the design, not a fault to report.
SUMMARY_MAX_TOKENS = 200
SENTENCES = (3, 5)
RETRY_TOKENS = 64  # the length retry's request, beyond the answer it carries back
# Two sentences say the same when this share of the shorter one's words (4+ letters) is in the
# other: the model restates its first sentence ("Morocco hosts the meeting of the Coalition
# against Daech in Marrakech" / "The ministerial meeting of the Coalition is hosted by Morocco").
REPEATS = 0.75
# The summary is asked to name the figures of at most this many lines (the lines with most).
FIGURE_LINES = 3


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


def _words(sentence: str) -> set[str]:
    return {word for word in re.findall(r"\w{4,}", strip_citations(sentence).casefold())}


def repeats(sentence: str, other: str) -> bool:
    """Whether one sentence says (nearly) what the other says: most of the shorter one's words
    are in the longer one (figures count as words, so "7.7 million" and "3.8 million" differ)."""
    mine, theirs = _words(sentence) | _figures(sentence), _words(other) | _figures(other)
    shorter, longer = sorted((mine, theirs), key=len)
    if not shorter:
        return not strip_citations(sentence).strip() or mine == theirs
    return len(shorter & longer) / len(shorter) >= REPEATS


def _figures(sentence: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)*", strip_citations(sentence)))


def _distinct(sentences: list[str]) -> list[str]:
    """The sentences, each once: one that repeats an earlier one is dropped."""
    kept: list[str] = []
    for sentence in sentences:
        if strip_citations(sentence).strip() and not any(repeats(sentence, earlier) for earlier in kept):
            kept.append(sentence)
    return kept


def repair_runaway(text: str, language: str) -> str:
    """A looping or cut-off answer: its distinct complete sentences, in order."""
    sentences = summary_sentences(text, language)
    if sentences and not re.search(r"[.!?…»”\"')\]]\s*$", sentences[-1]):
        sentences = sentences[:-1]  # cut off mid-sentence
    return " ".join(_distinct(sentences))


@dataclass(frozen=True)
class Draft:
    """A summary's first answer, its runaway repaired: what the length retry reads."""

    text: str
    count: int  # its sentences
    notes: list[str]


def _low(context: TaskContext) -> int:
    low = SENTENCES[0]
    return 1 if len(context.document.sentences) < low else low  # two lines need no three-sentence summary


def _off_by(count: int, low: int, high: int) -> int:
    """How many sentences a summary of `count` is outside low-high."""
    return count - high if count > high else max(0, low - count)


def _asked(answer: Answer) -> tuple[str, bool]:
    if isinstance(answer, UnusableAnswer):
        raise answer  # a summary the brief cannot do without: the brief fails with the reason
    assert answer is not None, "a summary is always asked for"
    return answer.text.strip(), answer.finish_reason == "length"


def read_draft(context: TaskContext, answer: Answer) -> Draft:
    """The first answer at its distinct complete sentences: one the cap stopped loses its
    unfinished sentence, a sentence that repeats an earlier one is dropped (said under -v;
    the reader has nothing to fix)."""
    language = context.target.code
    text, cut = _asked(answer)
    count = len(summary_sentences(text, language))
    if cut or len(_distinct(summary_sentences(text, language))) < count:
        text = repair_runaway(text, language)
        kept = len(summary_sentences(text, language))
        why = "stopped at the token cap" if cut else "it repeated itself"
        context.log(f"summary: kept {kept} of the answer's {count} sentence(s) ({why})")
        count = kept
    return Draft(text, count, [])


def retry_request(context: TaskContext, step: str, label: str, messages: list[Message], draft: Draft) -> Request | None:
    """The length retry, on the same prefix, naming the count: only for a summary too short (one
    too long is cut by code: asking again costs a whole summary's tokens for the same result)."""
    low, high = _low(context), SENTENCES[1]
    if draft.count >= low:
        return None
    count = draft.count
    retry: list[Message] = [
        *messages,
        {"role": "assistant", "content": draft.text},
        {
            "role": "user",
            "content": f"That summary has {count} sentence{'' if count == 1 else 's'}. "
            f"Write it again in {low} to {high} sentences, "
            "each ending with the line numbers it comes from in square brackets. Write only the summary.",
        },
    ]
    return Request(step, f"{label} (length)", retry, SUMMARY_MAX_TOKENS, allow_truncated=True, keep_cut=True)


def _held(context: TaskContext, draft: Draft, answer: Answer) -> Summary:
    """The better of the first answer and its retry; one still too long is trimmed and flagged."""
    language = context.target.code
    low, high = _low(context), SENTENCES[1]
    text, count, notes = draft.text, draft.count, list(draft.notes)
    if answer is not None:
        again, cut = _asked(answer)
        again = repair_runaway(again, language) if cut else again
        again_count = len(summary_sentences(again, language))
        if again_count and _off_by(again_count, low, high) < _off_by(count, low, high):
            text, count = again, again_count
    if count > high:
        text = " ".join(summary_sentences(text, language)[:high])
        context.log(f"summary: kept the first {high} of {count} sentences")
        count = high
    if count < low:
        notes.append(f"only {count} sentence(s)")
    return Summary(text, notes, read_summary(text, language))


def figures_hint(lines: list[int]) -> str:
    """ " (lines [4], [7] and [9])": where the summary finds the figures it is asked to name. A
    small model asked for "the key figures" wrote the first lines' events and none of the 2018
    seed's four amounts; named, the lines are a few prompt tokens and no generated ones."""
    if not lines:
        return ""
    cited = [f"[{n}]" for n in lines]
    listed = cited[0] if len(cited) == 1 else f"{', '.join(cited[:-1])} and {cited[-1]}"
    return f" (line{'s' if len(cited) > 1 else ''} {listed})"


def _chunk_messages(work: Work) -> list[Message]:
    context = work.context
    figures = figure_lines(work.the_chunk.sentences, context.document.language, FIGURE_LINES)
    task = glossary_note(context, work.the_chunk.sentences) + context.prompts.render(
        "summary", **context.template_values(), figures=figures_hint(figures)
    )
    return with_task(tasks_prefix(work), task)


def _chunk_label(work: Work) -> str:
    return f"summary   chunk {work.the_chunk.index}"


class SummaryStep(SingleStep[Draft]):
    """The chunk's summary: its first answer, at its distinct complete sentences."""

    name = task = "summary"
    templates = ("summary",)

    def needs(self, context: TaskContext) -> tuple[AnyStep, ...]:
        return tasks_need(context)

    def ask(self, work: Work, _item: None) -> Request:
        return Request(
            self.name,
            _chunk_label(work),
            _chunk_messages(work),
            SUMMARY_MAX_TOKENS,
            allow_truncated=True,
            keep_cut=True,
        )

    def read(self, work: Work, _item: None, answer: Answer) -> Draft:
        return read_draft(work.context, answer)

    def estimate(self, context: TaskContext, prompt: int, source: int) -> tuple[int, int]:
        return prompt, SUMMARY_MAX_TOKENS


SUMMARY = SummaryStep()


class LengthRetry(SingleStep[Summary]):
    """A summary's length retry, asked only for one too short; the better of the two is kept."""

    task = "summary"
    repair = True
    first: SingleStep[Draft]  # the summary it retries

    def needs(self, context: TaskContext) -> tuple[AnyStep, ...]:
        return (self.first,)

    def read(self, work: Work, _item: None, answer: Answer) -> Summary:
        return _held(work.context, work.result(self.first), answer)

    def estimate(self, context: TaskContext, prompt: int, source: int) -> tuple[int, int]:
        """The retry carries the first answer back."""
        return prompt + SUMMARY_MAX_TOKENS + RETRY_TOKENS, SUMMARY_MAX_TOKENS


class SummaryLength(LengthRetry):
    name = "summary length"
    first = SUMMARY

    def ask(self, work: Work, _item: None) -> Request | None:
        return retry_request(
            work.context, self.name, _chunk_label(work), _chunk_messages(work), work.result(self.first)
        )


SUMMARY_LENGTH = SummaryLength()


def chunk_summary(work: Work) -> Summary:
    """The chunk's summary, finished: its last step's result."""
    return work.result(SUMMARY_LENGTH)
