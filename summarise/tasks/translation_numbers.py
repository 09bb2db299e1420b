"""The last repair of a chunk's translation, and the finished translation summary and facts read.

Lines whose numbers or dates the model dropped or changed ("près de 90 millions" as "more than
90 million") are asked for once more, by number, naming each problem, after the lines repaired
before them (tasks/translation_repair.py, translation_slid.py). What this step gives is the
chunk's translation, finished: with the "translation" layout, summary and facts are asked on it.
"""

from __future__ import annotations

from dataclasses import replace

from summarise.documents import Sentence
from summarise.model import Message
from summarise.tasks.common import Answer, AnyStep, Lines, TaskContext, Work, chunk_prefix, glossary_note
from summarise.tasks.translation import line_ranges, translates, translates_first
from summarise.tasks.translation_repair import LinesAgain, changed_numbers, found_in
from summarise.tasks.translation_slid import TRANSLATE_SLID


def _numbers(work: Work) -> tuple[tuple[Sentence, ...], str]:
    """Lines whose numbers or dates were dropped or changed: asked apart, after the lines above,
    since listed with missing lines the bundled model answered the listed ones and skipped the rest."""
    context, chunk = work.context, work.the_chunk
    translated = work.result(TRANSLATE_SLID)
    if not translates(context.document, context.target):
        return (), ""
    numbers = found_in(work, translated, changed_numbers)
    if not numbers:
        return (), ""
    wrong = tuple(s for s in chunk.sentences if s.number in numbers)
    values = context.template_values()
    repair = context.prompts.render("translation_repair", **values, lines=line_ranges(list(numbers)))
    listed = "; ".join(f"[{n}] " + ", ".join(problems) for n, problems in numbers.items())
    repair += "\n" + context.prompts.render("translation_numbers", **values, problems=listed)
    return wrong, glossary_note(context, wrong) + repair


class TranslateNumbers(LinesAgain):
    name = "translate numbers"
    before = TRANSLATE_SLID
    templates = ("translation_repair", "translation_numbers")

    def lines(self, work: Work) -> tuple[tuple[Sentence, ...], str]:
        return _numbers(work)

    def read(self, work: Work, item: None, answer: Answer) -> Lines:
        """The chunk's translation, finished: a line that still has none is left out (Line.translated)."""
        translated = super().read(work, item, answer)
        chunk = work.the_chunk
        untranslated = [s.number for s in chunk.sentences if s.number not in translated]
        if untranslated:  # the brief says so, and is not "complete": a re-run asks again
            work.context.usage.problem(f"translation: line(s) {line_ranges(untranslated)} left untranslated")
        return translated  # a line missing from it could not be translated (Line.translated)


TRANSLATE_NUMBERS = TranslateNumbers()


def finished(work: Work) -> Lines:
    """The chunk's translation, finished: its last step's result."""
    return work.result(TRANSLATE_NUMBERS)


def tasks_need(context: TaskContext) -> tuple[AnyStep, ...]:
    """What summary and facts wait for: the finished translation when they are asked on it."""
    return (TRANSLATE_NUMBERS,) if translates_first(context) else ()


def tasks_prefix(work: Work) -> list[Message]:
    """The prefix summary and facts are asked on: the source's, or (translate first) the
    translation's, with the same line numbers and layout (a line left untranslated stays in
    the source language)."""
    if not translates_first(work.context):
        return work.prefix
    translated = finished(work)
    chunk = work.the_chunk
    lines = tuple(replace(s, text=translated.get(s.number, "").strip() or s.text) for s in chunk.sentences)
    return chunk_prefix(work.context, replace(chunk, sentences=lines), language=work.context.target.name)
