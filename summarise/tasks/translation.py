"""Translation: line by line, chunk by chunk, in order; nothing may be dropped.

The model answers with numbered lines; code puts them back into the source's
paragraphs. Lines it skipped, lines where it left source-language words as they were
("déraisonnable" in English) or did not write a glossary term as the glossary says, and
lines whose numbers or dates it dropped or changed ("près de 90 millions" as "more than 90
million") are asked for once more, by number, naming the problem, after the same document
(so the server reuses its prefill); so are lines holding a neighbour's translation
(tasks/translation_slid.py). A line that still has no translation keeps its source text,
marked, so nothing silently disappears; one that still has a problem keeps its better
version and is flagged in the brief's checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from summarise.chunking import TRANSLATION_EXPANSION, count_tokens
from summarise.config import Layout
from summarise.config.glossary import Entry
from summarise.documents import Document, Sentence
from summarise.documents.languages import Language
from summarise.grounding.alignment import runaway
from summarise.grounding.claims import translation_problems
from summarise.grounding.glossary_checks import line_misses
from summarise.grounding.vocabulary import untranslated_words
from summarise.model import Completion, Message, Request
from summarise.tasks.common import Answer, Step, TaskContext, Work, after, chunk_prefix, glossary_note, with_task

_NUMBERED_LINE = re.compile(r"^\s*(?:\[(\d+)\]|\((\d+)\)|(\d+)[.):])\s*(.*)$")
T = TypeVar("T")


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


def tasks_need(context: TaskContext) -> tuple[str, ...]:
    """What summary and facts wait for: the finished translation when they are asked on it."""
    return (TRANSLATE_NUMBERS.name,) if translates_first(context) else ()


def tasks_prefix(work: Work) -> list[Message]:
    """The prefix summary and facts are asked on: the source's, or (translate first) the
    translation's, with the same line numbers and layout (a line left untranslated stays in
    the source language)."""
    if not translates_first(work.context):
        return work.prefix
    translated = work.result(TRANSLATE_NUMBERS.name)
    chunk = work.the_chunk
    lines = tuple(replace(s, text=translated.get(s.number, "").strip() or s.text) for s in chunk.sentences)
    return chunk_prefix(work.context, replace(chunk, sentences=lines), language=work.context.target.name)


def _request(work: Work, step: str, task: str, wanted: tuple[Sentence, ...], tokens: int, label: str) -> Request:
    numbers = {s.number for s in wanted}

    def numbered(text: str) -> None:  # an answer with none of the lines asked for is unusable (not cached)
        if not parse_numbered_lines(text, numbers)[0]:
            raise ValueError("no numbered line of those asked for")

    # allow_truncated: a cut-off answer still gives its complete lines; the rest is re-asked
    messages = with_task(work.prefix, task)
    return Request(step, label, messages, translation_budget(tokens), allow_truncated=True, validate=numbered)


def _lines(work: Work, answer: Answer, wanted: tuple[Sentence, ...], label: str) -> dict[int, str]:
    if not isinstance(answer, Completion):
        return {}  # unusable: every line is missing, asked again, then marked untranslated
    lines, dropped = parse_numbered_lines(answer.text, {s.number for s in wanted})
    # A line that loops is no translation: dropped, it is asked again like a missing line.
    looped = [s.number for s in wanted if s.number in lines and runaway(s.text, lines[s.number])]
    dropped += [f"[{number}] (looped) {lines.pop(number)[:80]}" for number in looped]
    if dropped:
        work.context.log(f"dropped    {label}: {len(dropped)} unnumbered line(s): " + " | ".join(dropped)[:300])
    return lines


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


def _label(work: Work, repair: bool = False) -> str:
    return f"translate chunk {work.the_chunk.index}" + (" (repair)" if repair else "")


def _asked(work: Work) -> tuple[Sentence, ...]:
    """The chunk's lines the model is asked for: all but those a reviewer already translated."""
    return tuple(s for s in work.the_chunk.sentences if s.number not in work.context.remembered)


def _ask_first(work: Work, _item: None) -> Request | None:
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
        return _request(work, TRANSLATE.name, task, chunk.sentences, chunk.tokens, _label(work))
    numbers = line_ranges([s.number for s in wanted])
    task = glossary_note(context, wanted) + context.prompts.render(
        "translation_repair", **context.template_values(), lines=numbers
    )
    tokens = sum(count_tokens(s.text) for s in wanted)
    return _request(work, TRANSLATE.name, task, wanted, tokens, _label(work))


def _read_first(work: Work, _item: None, answer: Answer) -> dict[int, str]:
    context, chunk = work.context, work.the_chunk
    if not translates(context.document, context.target):  # a document in the target language is its own translation
        return {s.number: s.text for s in chunk.sentences}
    lines = _lines(work, answer, _asked(work), _label(work)) if answer is not None else {}
    own = {s.number for s in chunk.sentences}
    return lines | {number: text for number, text in context.remembered.items() if number in own}


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
        return _request(work, name, task, wanted, tokens, _label(work, repair=True))

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
    answers = _lines(work, answer, wanted, _label(work, repair=True))
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


def estimate_call(context: TaskContext, prompt: int, source: int) -> tuple[int, int] | None:
    """Each translation call at the chunk's size (a repair asks for fewer lines: a ceiling)."""
    return (prompt, translation_budget(source)) if translates(context.document, context.target) else None


TRANSLATE = Step(
    "translate", "translation", after(), _ask_first, _read_first, estimate_call, templates=("translation",)
)
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
    "translate numbers",
    "translation",
    after(SLID),
    repair_asker("translate numbers", _numbers),
    _read_numbers,
    estimate_call,
    repair=True,
    templates=("translation_repair", "translation_numbers"),
)
