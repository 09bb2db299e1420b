"""The Checks section: plain-words checks a reviewer can act on; code, not the model, decides them."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from summarise.brief import Check, Fact, Finding, SummarySentence
from summarise.documents import Document
from summarise.documents.languages import Language, language_name
from summarise.grounding.alignment import judge_slides
from summarise.grounding.claims import qualifier_problems
from summarise.grounding.glossary_checks import GlossaryReview
from summarise.grounding.name_forms import name_forms_check
from summarise.grounding.names import extract_names, leftover_words, missing_names
from summarise.grounding.quantities import missing_quantities
from summarise.grounding.vocabulary import mostly_words_of, untranslated_words, word_lists_for
from summarise.readers.language_detection import MIX_CONFIDENCE, MIX_LETTERS, identify

# Lower-case words a line needs for its language to be judged: names say nothing of it.
_FEWEST_WORDS = 3


def in_language(text: str, code: str, source: str = "") -> bool | None:
    """True when the text is in `code`; False when it is surely in another language; None when
    nothing can tell: too short or unclear ("Reuters", "Photo: AFP"), or names with hardly a word
    around them (a byline, a dateline), which the language identifier calls French or Malagasy.

    A short text ("'Phenomenal' from Livingston - analysis") fools the language identifier;
    one whose words the target language's word list has, more than the source's, is in it."""
    found, confidence = identify(text)
    if found == code:
        return True
    if confidence < MIX_CONFIDENCE or len(re.findall(r"[^\W\d_]", text)) < MIX_LETTERS:
        return None
    if len([w for w in re.findall(r"[^\W\d_]{2,}", text) if w[0].islower()]) < _FEWEST_WORDS:
        return None
    return bool(source) and mostly_words_of(text, code, source)  # word lists: loaded only for a doubt


def _lines(document: Document, translated: Mapping[int, str], numbers: Sequence[int]) -> tuple[str, str]:
    """The source and the translation of some lines (all of them when `numbers` is empty)."""
    chosen = [s for s in document.sentences if s.number in numbers] if numbers else list(document.sentences)
    return "\n".join(s.text for s in chosen), "\n".join(translated.get(s.number, "") for s in chosen)


def _on_lines(findings: Sequence[Finding]) -> str:
    numbers = list(dict.fromkeys(f.number for f in findings))
    return f" (line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))})" if numbers else ""


def _translation_checks(
    document: Document, target: Language, translated: Mapping[int, str], untranslated: Collection[int]
) -> list[Check]:
    joined = "\n".join(translated.values())
    dropped = missing_quantities(document.text, document.language, joined, target.code)
    # Each dropped number on the lines that hold it, so the page can mark the line with the reason.
    values = {q.value for q in dropped}
    lost: dict[str, list[Finding]] = {}
    changed: list[Finding] = []
    for s in document.sentences:
        line = translated.get(s.number, "")
        for q in missing_quantities(s.text, document.language, line, target.code):
            if q.value in values:
                lost.setdefault(q.value, []).append(Finding(s.number, f"“{q.surface}” is not in the translation"))
        changed += [Finding(s.number, p) for p in qualifier_problems(line, target.code, s.text, document.language)]
    missing = ", ".join(f"“{q.surface}”" + _on_lines(lost.get(q.value, [])) for q in dropped)
    details = (["missing: " + missing] if dropped else []) + [f"line {f.number}: {f.reason}" for f in changed]
    checks = [
        Check(
            "Numbers and dates kept in the translation",
            not details,
            "; ".join(details) or "all present",
            lines=tuple(f for found in lost.values() for f in found) + tuple(changed),
        )
    ]
    if document.language != target.code:
        checks.append(_in_place(document, translated))
    if word_lists_for(document.language, target.code):  # a ✅ only where the word lists can tell
        source_name = language_name(document.language)
        # A line left untranslated is said so once, by "Translation complete": its words are not judged here.
        kept = [
            (s.number, words)
            for s in document.sentences
            if s.number not in untranslated
            and (words := untranslated_words(translated.get(s.number, ""), s.text, document.language, target.code))
        ]
        checks.append(
            Check(
                f"Every {source_name} word translated",
                not kept,
                (
                    "; ".join(f"line {number}: " + ", ".join(words) for number, words in kept)
                    or "none found by the word lists"
                )
                + (
                    f"; not judged: {_numbered('line', sorted(untranslated))} (left untranslated)"
                    if untranslated
                    else ""
                ),
                lines=tuple(Finding(n, f"{source_name} words left: " + ", ".join(words)) for n, words in kept),
            )
        )
    return checks


def _in_place(document: Document, translated: Mapping[int, str]) -> Check:
    """Lines whose translation says a neighbouring line (still so after being asked again)."""
    slid, unjudged = judge_slides({s.number: s.text for s in document.sentences}, translated)
    found = [Finding(n, f"its translation reads like line {other}'s") for n, other in sorted(slid.items())]
    # Said once, in the check: a line it cannot judge is neither flagged nor vouched for.
    not_judged = f"; not judged: {_numbered('line', unjudged)} (too short, or nothing tells which line)"
    return Check(
        "Every line translated in its place",
        not found,
        ("; ".join(f"line {f.number}: {f.reason}" for f in found) or "each translation resembles its own line most")
        + (not_judged if unjudged else ""),
        lines=tuple(found),
    )


def _numbered(noun: str, numbers: Sequence[int]) -> str:
    return f"{noun}{'s' if len(numbers) > 1 else ''} " + ", ".join(map(str, numbers))


def problems_by_line(checks: Sequence[Check]) -> dict[int, tuple[str, ...]]:
    """What the failed checks say about each source line: Line.problems."""
    found: dict[int, list[str]] = {}
    for check in checks:
        for finding in check.lines if not check.passed else ():
            found.setdefault(finding.number, []).append(finding.reason)
    return {number: tuple(dict.fromkeys(reasons)) for number, reasons in found.items()}


def _length(summary: Sequence[SummarySentence], document: Document) -> str:
    lines = len(document.sentences)
    count = f"{len(summary)} sentence{'' if len(summary) == 1 else 's'}"
    return count + (f" (the document has {lines} line{'' if lines == 1 else 's'})" if lines < 3 else "")


def _left_in(text: str, source: str, translation: str, document: Document, target: Language) -> list[str]:
    """Source words in `text`: where the translation has its own word for them, or where the
    word lists say they are not target-language words (the translation kept them too)."""
    words = leftover_words(text, source, translation) + untranslated_words(text, source, document.language, target.code)
    return list(dict.fromkeys(words))


def _leftovers(
    document: Document,
    target: Language,
    translated: Mapping[int, str],
    summary: Sequence[SummarySentence],
    facts: Sequence[Fact],
) -> tuple[list[str], list[Finding], list[Finding]]:
    """Source-language words left in the summary and the facts: the details, the facts named and
    the summary sentences named."""
    found: list[str] = []
    named: list[Finding] = []
    sentences: list[Finding] = []
    for number, sentence in enumerate(summary, start=1):
        if words := _left_in(sentence.text, *_lines(document, translated, sentence.lines), document, target):
            found.append(f"summary sentence {number}: " + ", ".join(words))
            sentences.append(Finding(number, f"{language_name(document.language)} words left: " + ", ".join(words)))
    for number, fact in enumerate(facts, start=1):
        if words := _left_in(fact.statement, fact.evidence, translated.get(fact.sentence, ""), document, target):
            found.append(f"fact {number}: " + ", ".join(words))
            named.append(Finding(number, f"{language_name(document.language)} words left: " + ", ".join(words)))
    return found, named, sentences


def _names_check(
    document: Document, translated: Mapping[int, str], facts: Sequence[Fact], untranslated: Collection[int]
) -> Check:
    """Each fact's names against the translation of its own line: like with like, so
    "Morocco" is checked against "Morocco", never against the source's "Maroc"."""
    checked = 0
    lost: list[str] = []
    named: list[Finding] = []
    unjudged = [n for n, fact in enumerate(facts, start=1) if fact.sentence in untranslated]
    for number, fact in enumerate(facts, start=1):
        line = translated.get(fact.sentence, "")
        if not line or fact.sentence == 0 or number in unjudged:
            continue
        names = extract_names(fact.statement)
        checked += len(names)
        leftover = set(leftover_words(fact.statement, fact.evidence, line))
        missing = [n for n in missing_names(names, line) if not set(n.split()) & leftover]  # reported apart
        if missing:
            lost.append(f"fact {number}: " + ", ".join(missing))
            named.append(Finding(number, f"not in the translation of line {fact.sentence}: " + ", ".join(missing)))
    return Check(
        "Names in the facts found in the translation of their line",
        not lost,
        (f"{checked} names checked" if not lost else "; ".join(lost))
        + (f"; not judged: {_numbered('fact', unjudged)} (its line left untranslated)" if unjudged else ""),
        facts=tuple(named),
    )


def cross_checks(
    document: Document,
    target: Language,
    *,
    summary: Sequence[SummarySentence],
    summary_notes: Sequence[str],
    facts: Sequence[Fact],
    translation: Sequence[str],
    translated: Mapping[int, str],
    untranslated: Collection[int] = frozenset(),
    glossary: GlossaryReview | None = None,
) -> list[Check]:
    """The checks of a brief, from its parts: the brief itself is built once, with them.
    `untranslated`: the lines the model could not translate (`translated` holds their source)."""
    results: list[Check] = []
    languages = dict(document.languages) or {document.language: 1.0}
    if set(languages) == {target.code}:  # wholly in the target language, not just mostly
        results.append(Check("Translation", True, f"the source is already in {language_name(target.code)}"))
    same_count = len(translation) == document.paragraph_count
    # A line the model "translated" by copying it, still in another language, is not translated.
    marked = {s.paragraph for s in document.sentences if s.number in untranslated}
    verdicts = {
        n: in_language(p, target.code, document.language) for n, p in enumerate(translation, start=1) if n not in marked
    }
    foreign_numbers = {n for n, verdict in verdicts.items() if verdict is False}
    # Said once, in the check: a paragraph nothing can judge is neither flagged nor vouched for.
    unjudged = [s.number for s in document.sentences if verdicts.get(s.paragraph, False) is None]
    foreign = [p for n, p in enumerate(translation, start=1) if n in foreign_numbers]
    not_done = [
        Finding(s.number, "left untranslated")
        if s.number in untranslated
        else Finding(s.number, f"its paragraph is not in {target.name}")
        for s in document.sentences
        if s.number in untranslated or s.paragraph in foreign_numbers
    ]
    results.append(
        Check(
            "Translation complete",
            same_count and not untranslated and not foreign,
            f"{len(translation)} of {document.paragraph_count} paragraphs"
            + (f"; {len(untranslated)} line(s) left untranslated" if untranslated else "")
            + (f"; {len(foreign)} paragraph(s) not in {target.name}" if foreign else "")
            + ("" if untranslated or foreign else "; every line translated")
            + (f"; language not judged: {_numbered('line', unjudged)} (too short, or names only)" if unjudged else ""),
            lines=tuple(not_done),
        )
    )
    results += _translation_checks(document, target, translated, untranslated)
    results.append(
        Check("Summary of 3 to 5 sentences", not summary_notes, "; ".join(summary_notes) or _length(summary, document))
    )
    flagged = [f"sentence {n}: " + "; ".join(s.problems) for n, s in enumerate(summary, start=1) if s.problems]
    results.append(
        Check(
            "Summary sentences checked against the lines they cite",
            not flagged,
            "; ".join(flagged) or f"{len(summary)} sentences: numbers, qualifiers and what they count all match",
            # each sentence named: the page links it (its lines are its own links)
            sentences=tuple(Finding(n, p) for n, s in enumerate(summary, start=1) for p in s.problems),
        )
    )
    left, named, in_summary = (
        _leftovers(document, target, translated, summary, facts) if document.language != target.code else ([], [], [])
    )
    results.append(
        Check(
            f"No {language_name(document.language)} words left in summary and facts",
            not left,
            "; ".join(left) or "none found",
            facts=tuple(named),
            sentences=tuple(in_summary),
        )
    )
    results.append(_names_check(document, translated, facts, untranslated))
    if document.language != target.code:
        results.append(name_forms_check(document, translated))
    if glossary is not None and glossary.active:
        results.append(glossary.check())
    supported = sum(fact.supported for fact in facts)
    unsupported = len(facts) - supported
    results.append(
        Check(
            "Facts seen on their line (content, numbers and dates)",
            unsupported == 0,
            (f"{supported} of {len(facts)} supported" if facts else "no facts to check")
            + (f"; {unsupported} flagged above" if unsupported else ""),
            # one finding per problem: the card lists each once, not once alone and once joined
            facts=tuple(
                Finding(n, problem)
                for n, fact in enumerate(facts, start=1)
                if not fact.supported
                for problem in fact.problems or ("evidence not found",)
            ),
        )
    )
    return results
