"""Translation's repairs: the lines of a chunk asked for again, and the better version kept.

Lines the model skipped, lines where it left source-language words as they were or did not
write a glossary term as the glossary says (`translate again`), then lines whose numbers or
dates it dropped or changed (`translate numbers`, tasks/translation_numbers.py, after
tasks/translation_slid.py), are asked
for once more, by number, naming the problem, after the same document (so the server reuses
its prefill). A line asked again replaces the first only where it has fewer problems.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from summarise.chunking import count_tokens
from summarise.config.glossary import Entry
from summarise.documents import Sentence
from summarise.grounding.claims import translation_problems
from summarise.grounding.glossary_checks import line_misses
from summarise.grounding.vocabulary import untranslated_words
from summarise.model import Request
from summarise.tasks.common import Answer, AnyStep, Lines, SingleStep, TaskContext, Work, glossary_note
from summarise.tasks.translation import (
    TRANSLATE,
    answered_lines,
    estimate_call,
    line_ranges,
    lines_request,
    step_label,
    translates,
)

T = TypeVar("T")


def _kept_words(context: TaskContext, sentence: Sentence, text: str) -> list[str]:
    return untranslated_words(text, sentence.text, context.document.language, context.target.code)


def _missed_terms(context: TaskContext, sentence: Sentence, text: str) -> list[Entry]:
    glossary = context.options.glossary
    return line_misses(glossary, sentence.text, text) if glossary else []


def changed_numbers(context: TaskContext, sentence: Sentence, text: str) -> list[str]:
    return translation_problems(sentence.text, context.document.language, text, context.target.code)


def line_faults(context: TaskContext, sentence: Sentence, text: str) -> int:
    kept, missed = _kept_words(context, sentence, text), _missed_terms(context, sentence, text)
    return len(kept) + len(missed) + len(changed_numbers(context, sentence, text))


def found_in(
    work: Work, translated: Lines, find: Callable[[TaskContext, Sentence, str], list[T]]
) -> dict[int, list[T]]:
    """What `find` finds in each translated line of the chunk, for the lines where it finds something
    (a line from the translation memory is the reviewer's: it is never asked again)."""
    where: dict[int, list[T]] = {}
    for sentence in work.the_chunk.sentences:
        if sentence.number in work.context.remembered:
            continue
        if sentence.number in translated and (what := find(work.context, sentence, translated[sentence.number])):
            where[sentence.number] = what
    return where


def _again(work: Work) -> tuple[tuple[Sentence, ...], str]:
    """Lines skipped, that kept source-language words, or missed a glossary term; and the task
    that asks for them again (after the same document: the server still holds its prefill)."""
    context, chunk = work.context, work.the_chunk
    translated = work.result(TRANSLATE)
    if not translates(context.document, context.target):
        return (), ""
    kept = found_in(work, translated, _kept_words)
    missed = found_in(work, translated, _missed_terms)
    again = tuple(s for s in chunk.sentences if s.number not in translated or s.number in kept or s.number in missed)
    if not again:
        return (), ""
    values = context.template_values()
    repair = context.prompts.render("translation_repair", **values, lines=line_ranges([s.number for s in again]))
    if kept:
        listed = ", ".join(dict.fromkeys(w for ws in kept.values() for w in ws))
        repair += "\n" + context.prompts.render("translation_words", **values, words=listed)
    if missed:
        terms = ", ".join(dict.fromkeys(f"“{e.source}” as “{e.target}”" for es in missed.values() for e in es))
        repair += "\n" + context.prompts.render("translation_glossary", **values, terms=terms)
    return again, glossary_note(context, again) + repair


class LinesAgain(SingleStep[Lines]):
    """A repair of the chunk's translation: some of its lines asked for again, by number, naming
    the problem, after the same document; a line asked again replaces the one `before` gave only
    where it has fewer problems (as `rank` ranks them)."""

    task = "translation"
    repair = True
    before: SingleStep[Lines]  # the step whose lines it repairs

    def lines(self, work: Work) -> tuple[tuple[Sentence, ...], str]:
        """The lines it asks for again, and the task that asks for them."""
        raise NotImplementedError

    def rank(self, work: Work, sentence: Sentence, text: str) -> tuple[int, ...]:
        """How bad a line's translation is: by default, how many problems code finds in it."""
        return (line_faults(work.context, sentence, text),)

    def needs(self, context: TaskContext) -> tuple[AnyStep, ...]:
        return (self.before,)

    def ask(self, work: Work, _item: None) -> Request | None:
        wanted, task = self.lines(work)
        if not wanted:
            return None
        tokens = sum(count_tokens(s.text) for s in wanted)
        return lines_request(work, self.name, task, wanted, tokens, step_label(work, repair=True))

    def read(self, work: Work, _item: None, answer: Answer) -> Lines:
        """The lines asked again replace the first translation only where they have fewer problems."""
        before: Lines = work.result(self.before)
        translated = dict(before)
        if answer is None:
            return translated
        wanted = self.lines(work)[0]
        answers = answered_lines(work, answer, wanted, step_label(work, repair=True))
        for sentence in wanted:
            text = answers.get(sentence.number)
            if text is None:
                continue
            first = translated.get(sentence.number)
            if first is None or self.rank(work, sentence, text) < self.rank(work, sentence, first):
                translated[sentence.number] = text
        return translated

    def estimate(self, context: TaskContext, prompt: int, source: int) -> tuple[int, int] | None:
        return estimate_call(context, prompt, source)


class TranslateAgain(LinesAgain):
    """Lines skipped, with source-language words kept, or a glossary term missed."""

    name = "translate again"
    before = TRANSLATE
    templates = ("translation_repair", "translation_words")
    glossary_templates = ("translation_glossary",)

    def lines(self, work: Work) -> tuple[tuple[Sentence, ...], str]:
        return _again(work)


TRANSLATE_AGAIN = TranslateAgain()
# then lines that slid (tasks/translation_slid.py), then numbers (tasks/translation_numbers.py)
