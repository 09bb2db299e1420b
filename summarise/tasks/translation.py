"""Translation: line by line, chunk by chunk, in order; nothing may be dropped.

The model answers with numbered lines; code puts them back into the source's
paragraphs. Lines it skipped, lines where it left source-language words as they were
("déraisonnable" in English) or did not write a glossary term as the glossary says, and
lines whose numbers or dates it dropped or changed ("près de 90 millions" as "more than 90
million") are asked for once more, by number, naming the problem, after the same document
(so the server reuses its prefill); a line that still has no translation keeps its source
text, marked, so nothing silently disappears, and one that still has a problem keeps its
better version and is flagged in the brief's checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from summarise.chunking import TRANSLATION_EXPANSION, Chunk, count_tokens
from summarise.documents import Sentence
from summarise.errors import UnusableAnswer
from summarise.glossary import Entry
from summarise.grounding.claims import translation_problems
from summarise.grounding.glossary_checks import line_misses
from summarise.grounding.vocabulary import untranslated_words
from summarise.llm import Message
from summarise.tasks.common import TaskContext, glossary_note, with_task

_NUMBERED_LINE = re.compile(r"^\s*(?:\[(\d+)\]|\((\d+)\)|(\d+)[.):])\s*(.*)$")
UNTRANSLATED_MARK = "[untranslated]"


def parse_numbered_lines(text: str, wanted: set[int]) -> tuple[dict[int, str], list[str]]:
    """`[N] text` lines -> {N: text}, and the other lines, dropped.

    Only numbered lines are kept: what follows the last one is the model talking ("I hope
    this helps!"), and glued onto that line it would pass for the translation."""
    lines: dict[int, str] = {}
    dropped: list[str] = []
    for raw in text.splitlines():
        match = _NUMBERED_LINE.match(raw)
        if match:
            number = int(next(group for group in match.groups()[:3] if group))
            if number in wanted and number not in lines and match.group(4).strip():
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


def _ask(
    context: TaskContext, prefix: list[Message], task: str, wanted: tuple[Sentence, ...], source_tokens: int, label: str
) -> dict[int, str]:
    numbers = {s.number for s in wanted}

    def numbered(text: str) -> None:  # an answer with none of the lines asked for is unusable (not cached)
        if not parse_numbered_lines(text, numbers)[0]:
            raise ValueError("no numbered line of those asked for")

    try:
        completion = context.llm.complete(
            with_task(prefix, task),
            usage=context.usage,
            label=label,
            max_tokens=translation_budget(source_tokens),
            allow_truncated=True,  # a cut-off answer still gives its complete lines; the rest is re-asked
            validate=numbered,
        )
    except UnusableAnswer:
        return {}  # every line is missing: asked again, then marked untranslated
    lines, dropped = parse_numbered_lines(completion.text, numbers)
    if dropped:
        context.llm.reporter.detail(
            f"dropped    {label}: {len(dropped)} unnumbered line(s): " + " | ".join(dropped)[:300]
        )
    return lines


def translate_chunk(context: TaskContext, prefix: list[Message], chunk: Chunk) -> dict[int, str]:
    values = context.template_values()
    task = glossary_note(context, chunk.sentences) + context.prompts.render(
        "translation", **values, first=chunk.first, last=chunk.last
    )
    translated = _ask(context, prefix, task, chunk.sentences, chunk.tokens, f"translate chunk {chunk.index}")

    def kept_words(sentence: Sentence, text: str) -> list[str]:
        return untranslated_words(text, sentence.text, context.document.language, context.target.code)

    def missed_terms(sentence: Sentence, text: str) -> list[Entry]:
        glossary = context.options.glossary
        return line_misses(glossary, sentence.text, text) if glossary else []

    def changed(sentence: Sentence, text: str) -> list[str]:
        return translation_problems(sentence.text, context.document.language, text, context.target.code)

    def faults(sentence: Sentence, text: str) -> int:
        return len(kept_words(sentence, text)) + len(missed_terms(sentence, text)) + len(changed(sentence, text))

    kept = {
        s.number: words
        for s in chunk.sentences
        if s.number in translated and (words := kept_words(s, translated[s.number]))
    }
    missed = {
        s.number: entries
        for s in chunk.sentences
        if s.number in translated and (entries := missed_terms(s, translated[s.number]))
    }
    again = tuple(s for s in chunk.sentences if s.number not in translated or s.number in kept or s.number in missed)
    if again:
        # Ask again for just those lines, after the same document: the server still holds
        # its prefill, so only this short task is new.
        repair = context.prompts.render("translation_repair", **values, lines=line_ranges([s.number for s in again]))
        if kept:
            listed = ", ".join(dict.fromkeys(w for ws in kept.values() for w in ws))
            repair += "\n" + context.prompts.render("translation_words", **values, words=listed)
        if missed:
            terms = ", ".join(dict.fromkeys(f"“{e.source}” as “{e.target}”" for es in missed.values() for e in es))
            repair += "\n" + context.prompts.render("translation_glossary", **values, terms=terms)
        repair = glossary_note(context, again) + repair
        _replace_better(context, prefix, chunk, repair, again, translated, faults)
    # Numbers and dates a line dropped or changed: asked apart, after the lines above, since
    # listed with missing lines the bundled model answered the listed ones and skipped the rest.
    numbers = {
        s.number: problems
        for s in chunk.sentences
        if s.number in translated and (problems := changed(s, translated[s.number]))
    }
    if numbers:
        wrong = tuple(s for s in chunk.sentences if s.number in numbers)
        repair = context.prompts.render("translation_repair", **values, lines=line_ranges(list(numbers)))
        listed = "; ".join(f"[{n}] " + ", ".join(problems) for n, problems in numbers.items())
        repair += "\n" + context.prompts.render("translation_numbers", **values, problems=listed)
        repair = glossary_note(context, wrong) + repair
        _replace_better(context, prefix, chunk, repair, wrong, translated, faults)
    untranslated = [s.number for s in chunk.sentences if s.number not in translated]
    if untranslated:  # the brief says so, and is not "complete": a re-run asks again
        context.usage.problem(f"translation: line(s) {line_ranges(untranslated)} left untranslated")
    for sentence in chunk.sentences:
        translated.setdefault(sentence.number, f"{UNTRANSLATED_MARK} {sentence.text}")
    return translated


def _replace_better(
    context: TaskContext,
    prefix: list[Message],
    chunk: Chunk,
    task: str,
    lines: tuple[Sentence, ...],
    translated: dict[int, str],
    faults: Callable[[Sentence, str], int],
) -> None:
    """Ask for `lines` again; a new translation replaces the first only if it has fewer problems."""
    tokens = sum(count_tokens(s.text) for s in lines)
    answers = _ask(context, prefix, task, lines, tokens, f"translate chunk {chunk.index} (repair)")
    for sentence in lines:
        text = answers.get(sentence.number)
        if text is None:
            continue
        first = translated.get(sentence.number)
        if first is None or faults(sentence, text) < faults(sentence, first):
            translated[sentence.number] = text


def assemble_paragraphs(sentences: tuple[Sentence, ...], translated: dict[int, str]) -> list[str]:
    """Put translated lines back into the source's paragraphs: same count, same order."""
    paragraphs: list[str] = []
    current = ""
    previous = 0
    for sentence in sentences:
        if sentence.paragraph != previous:
            if previous:
                paragraphs.append(current)
            current, previous = "", sentence.paragraph
        current += translated[sentence.number] + sentence.joiner
    if previous:
        paragraphs.append(current)
    return [paragraph.strip() for paragraph in paragraphs]
