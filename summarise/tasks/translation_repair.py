"""Translation's repairs: the lines of a chunk asked for again, and the better version kept.

Lines the model skipped, lines where it left source-language words as they were or did not
write a glossary term as the glossary says (`translate again`), then lines whose numbers or
dates it dropped or changed (`translate numbers`, after tasks/translation_slid.py), are asked
for once more, by number, naming the problem, after the same document (so the server reuses
its prefill). A line asked again replaces the first only where it has fewer problems.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from summarise.chunking import count_tokens
from summarise.config.glossary import Entry
from summarise.documents import Sentence
from summarise.grounding.claims import translation_problems
from summarise.grounding.glossary_checks import line_misses
from summarise.grounding.vocabulary import untranslated_words
from summarise.model import Request
from summarise.tasks.common import Answer, Step, TaskContext, Work, after, glossary_note
from summarise.tasks.translation import (
    NUMBERS,
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


def _changed(context: TaskContext, sentence: Sentence, text: str) -> list[str]:
    return translation_problems(sentence.text, context.document.language, text, context.target.code)


def line_faults(context: TaskContext, sentence: Sentence, text: str) -> int:
    kept, missed = _kept_words(context, sentence, text), _missed_terms(context, sentence, text)
    return len(kept) + len(missed) + len(_changed(context, sentence, text))


def _found(
    work: Work, translated: dict[int, str], find: Callable[[TaskContext, Sentence, str], list[T]]
) -> dict[int, list[T]]:
    """What `find` finds in each translated line of the chunk, for the lines where it finds something
    (a line from the translation memory is the reviewer's: it is never asked again)."""
    found: dict[int, list[T]] = {}
    for sentence in work.the_chunk.sentences:
        if sentence.number in work.context.remembered:
            continue
        if sentence.number in translated and (what := find(work.context, sentence, translated[sentence.number])):
            found[sentence.number] = what
    return found


def _again(work: Work) -> tuple[tuple[Sentence, ...], str]:
    """Lines skipped, that kept source-language words, or missed a glossary term; and the task
    that asks for them again (after the same document: the server still holds its prefill)."""
    context, chunk = work.context, work.the_chunk
    translated: dict[int, str] = work.result(TRANSLATE.name)
    if not translates(context.document, context.target):
        return (), ""
    kept = _found(work, translated, _kept_words)
    missed = _found(work, translated, _missed_terms)
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


def _numbers(work: Work) -> tuple[tuple[Sentence, ...], str]:
    """Lines whose numbers or dates were dropped or changed: asked apart, after the lines above,
    since listed with missing lines the bundled model answered the listed ones and skipped the rest."""
    context, chunk = work.context, work.the_chunk
    translated: dict[int, str] = work.result(SLID)
    if not translates(context.document, context.target):
        return (), ""
    numbers = _found(work, translated, _changed)
    if not numbers:
        return (), ""
    wrong = tuple(s for s in chunk.sentences if s.number in numbers)
    values = context.template_values()
    repair = context.prompts.render("translation_repair", **values, lines=line_ranges(list(numbers)))
    listed = "; ".join(f"[{n}] " + ", ".join(problems) for n, problems in numbers.items())
    repair += "\n" + context.prompts.render("translation_numbers", **values, problems=listed)
    return wrong, glossary_note(context, wrong) + repair


# Which lines a repair asks for again, and its task.
Asked = Callable[[Work], tuple[tuple[Sentence, ...], str]]


def repair_asker(name: str, lines: Asked) -> Callable[..., Any]:
    def ask(work: Work, _item: None) -> Request | None:
        wanted, task = lines(work)
        if not wanted:
            return None
        tokens = sum(count_tokens(s.text) for s in wanted)
        return lines_request(work, name, task, wanted, tokens, step_label(work, repair=True))

    return ask


def keep_better(
    work: Work, before: str, lines: Asked, answer: Answer, faults: Callable[[Sentence, str], Any] | None = None
) -> dict[int, str]:
    """The lines asked again replace the first translation only where they have fewer problems
    (as `faults` ranks them; by default, how many problems code finds)."""
    rank = faults or (lambda sentence, text: line_faults(work.context, sentence, text))
    translated = dict(work.result(before))
    if answer is None:
        return translated
    wanted = lines(work)[0]
    answers = answered_lines(work, answer, wanted, step_label(work, repair=True))
    for sentence in wanted:
        text = answers.get(sentence.number)
        if text is None:
            continue
        first = translated.get(sentence.number)
        if first is None or rank(sentence, text) < rank(sentence, first):
            translated[sentence.number] = text
    return translated


def _read_numbers(work: Work, _item: None, answer: Answer) -> dict[int, str]:
    """The chunk's translation, finished: a line that still has none is left out (Line.translated)."""
    translated = keep_better(work, SLID, _numbers, answer)
    chunk = work.the_chunk
    untranslated = [s.number for s in chunk.sentences if s.number not in translated]
    if untranslated:  # the brief says so, and is not "complete": a re-run asks again
        work.context.usage.problem(f"translation: line(s) {line_ranges(untranslated)} left untranslated")
    return translated  # a line missing from it could not be translated (Line.translated)


# missing lines, kept words or glossary terms; then lines whose numbers or dates changed
TRANSLATE_AGAIN = Step(
    "translate again",
    "translation",
    after(TRANSLATE.name),
    repair_asker("translate again", _again),
    lambda work, _item, answer: keep_better(work, TRANSLATE.name, _again, answer),
    estimate_call,
    repair=True,
    templates=("translation_repair", "translation_words"),
    glossary_templates=("translation_glossary",),
)
SLID = "translate slid"  # between the two: tasks/translation_slid.py
TRANSLATE_NUMBERS = Step(
    NUMBERS,
    "translation",
    after(SLID),
    repair_asker("translate numbers", _numbers),
    _read_numbers,
    estimate_call,
    repair=True,
    templates=("translation_repair", "translation_numbers"),
)
