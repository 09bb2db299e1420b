"""Translation: line by line, chunk by chunk, in order; nothing may be dropped.

The model answers with numbered lines; code puts them back into the source's
paragraphs. Lines it skipped, lines where it left source-language words as they were
("déraisonnable" in English) or did not write a glossary term as the glossary says, and
lines whose numbers or dates it dropped or changed ("près de 90 millions" as "more than 90
million") are asked for once more, by number, naming the problem, after the same document
(so the server reuses its prefill: tasks/translation_repair.py); so are lines holding a
neighbour's translation (tasks/translation_slid.py). A line that still has no translation
keeps its source text, marked, so nothing silently disappears; one that still has a problem
keeps its better version and is flagged in the brief's checks.
"""

from __future__ import annotations

import re

from summarise.chunking import TRANSLATION_EXPANSION, count_tokens
from summarise.config import Layout
from summarise.documents import Document, Sentence
from summarise.documents.languages import Language
from summarise.grounding.alignment import runaway
from summarise.model import Completion, Request
from summarise.tasks.common import Answer, Lines, SingleStep, TaskContext, Work, glossary_note, with_task

_NUMBERED_LINE = re.compile(r"^\s*(?:\[(\d+)\]|\((\d+)\)|(\d+)[.):])\s*(.*)$")


def parse_numbered_lines(text: str, wanted: set[int]) -> tuple[dict[int, str], list[str]]:
    """`[N] text` lines -> {N: text}, and the other lines, dropped.

    A line numbered twice is dropped (both copies): it is then asked again as a missing line,
    and marked untranslated if it stays so, never shown with a copy the model made up. Only
    numbered lines are kept: what follows the last one is the model talking ("I hope
    this helps!"), and glued onto that line it would pass for the translation."""
    lines: dict[int, str] = {}
    twice: set[int] = set()  # numbered twice: which copy is invented cannot be told, so neither is kept
    dropped: list[str] = []
    for raw in text.splitlines():
        match = _NUMBERED_LINE.match(raw)
        if match:
            number = int(next(group for group in match.groups()[:3] if group))
            if number in wanted and match.group(4).strip():
                if number in lines or number in twice:
                    twice.add(number)
                    dropped.append(raw.strip())
                    dropped += [f"[{number}] {lines.pop(number)}"] if number in lines else []
                else:
                    lines[number] = match.group(4).strip()
        elif raw.strip():
            dropped.append(raw.strip())
    return lines, dropped


def translation_budget(source_tokens: int) -> int:
    return int(source_tokens * TRANSLATION_EXPANSION) + 64


def line_ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> "[3] to [5], [9]": short enough to name every missing line."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(f"[{a}]" if a == b else f"[{a}] to [{b}]" for a, b in spans)


def translates(document: Document, target: Language) -> bool:
    """A document wholly in the target language is its own translation: no call. Any part in
    another language, or a text too short to tell ("unknown"), is translated."""
    languages = dict(document.languages) or {document.language: 1.0}
    return document.language != target.code or any(code != target.code for code in languages)


def translates_first(context: TaskContext) -> bool:
    """The "translation" layout (Settings.layout): summary and facts are asked on the translation."""
    return translates(context.document, context.target) and context.options.layout == Layout.TRANSLATION


def lines_request(work: Work, step: str, task: str, wanted: tuple[Sentence, ...], tokens: int, label: str) -> Request:
    numbers = {s.number for s in wanted}

    def numbered(text: str) -> None:  # an answer with none of the lines asked for is unusable (not cached)
        if not parse_numbered_lines(text, numbers)[0]:
            raise ValueError("no numbered line of those asked for")

    # allow_truncated: a cut-off answer still gives its complete lines; the rest is re-asked
    messages = with_task(work.prefix, task)
    return Request(step, label, messages, translation_budget(tokens), allow_truncated=True, validate=numbered)


def answered_lines(work: Work, answer: Answer, wanted: tuple[Sentence, ...], label: str) -> dict[int, str]:
    if not isinstance(answer, Completion):
        return {}  # unusable: every line is missing, asked again, then marked untranslated
    lines, dropped = parse_numbered_lines(answer.text, {s.number for s in wanted})
    # A line that loops is no translation: dropped, it is asked again like a missing line.
    looped = [s.number for s in wanted if s.number in lines and runaway(s.text, lines[s.number])]
    dropped += [f"[{number}] (looped) {lines.pop(number)[:80]}" for number in looped]
    if dropped:
        work.context.log(f"dropped    {label}: {len(dropped)} unnumbered line(s): " + " | ".join(dropped)[:300])
    return lines


def step_label(work: Work, repair: bool = False) -> str:
    return f"translate chunk {work.the_chunk.index}" + (" (repair)" if repair else "")


def _asked(work: Work) -> tuple[Sentence, ...]:
    """The chunk's lines the model is asked for: all but those a reviewer already translated."""
    return tuple(s for s in work.the_chunk.sentences if s.number not in work.context.remembered)


class Translate(SingleStep[Lines]):
    """The chunk's first translation; its repairs follow (tasks/translation_repair.py)."""

    name, task = "translate", "translation"
    templates = ("translation",)

    def ask(self, work: Work, _item: None) -> Request | None:
        context, chunk = work.context, work.the_chunk
        if not translates(context.document, context.target):
            return None
        wanted = _asked(work)
        if not wanted:  # every line from the translation memory: no call
            return None
        if len(wanted) == len(chunk.sentences):  # byte for byte the request made without a memory
            task = glossary_note(context, chunk.sentences) + context.prompts.render(
                "translation", **context.template_values(), first=chunk.first, last=chunk.last
            )
            return lines_request(work, self.name, task, chunk.sentences, chunk.tokens, step_label(work))
        numbers = line_ranges([s.number for s in wanted])
        task = glossary_note(context, wanted) + context.prompts.render(
            "translation_repair", **context.template_values(), lines=numbers
        )
        tokens = sum(count_tokens(s.text) for s in wanted)
        return lines_request(work, self.name, task, wanted, tokens, step_label(work))

    def read(self, work: Work, _item: None, answer: Answer) -> Lines:
        context, chunk = work.context, work.the_chunk
        if not translates(context.document, context.target):  # a document in the target language is its own translation
            return {s.number: s.text for s in chunk.sentences}
        lines = answered_lines(work, answer, _asked(work), step_label(work)) if answer is not None else {}
        own = {s.number for s in chunk.sentences}
        return lines | {number: text for number, text in context.remembered.items() if number in own}

    def estimate(self, context: TaskContext, prompt: int, source: int) -> tuple[int, int] | None:
        return estimate_call(context, prompt, source)


def estimate_call(context: TaskContext, prompt: int, source: int) -> tuple[int, int] | None:
    """Each translation call at the chunk's size (a repair asks for fewer lines: a ceiling)."""
    return (prompt, translation_budget(source)) if translates(context.document, context.target) else None


TRANSLATE = Translate()
# then its repairs (tasks/translation_repair.py, translation_slid.py, translation_numbers.py)
