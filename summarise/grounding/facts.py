"""Facts: anchor each to the source line that supports it, and verify its numbers there."""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz

from summarise.brief import Fact, MatchKind
from summarise.documents import Document, Sentence
from summarise.grounding.claims import qualifier_problems, unit_problems
from summarise.grounding.names import extract_names, missing_names
from summarise.grounding.quantities import extract_quantities, missing_quantities
from summarise.grounding.quotes import find_quote, normalise_text
from summarise.languages import Language
from summarise.tasks.fact_answers import RawFact

# How far from the line a model cited we look for the line that really supports a fact.
ANCHOR_WINDOW = 15


def names_found(statement: str, text: str) -> int:
    """How many words of the statement's proper names `text` holds (accent- and case-insensitive)."""
    words = sorted({word for name in extract_names(statement) for word in name.split() if len(word) > 2})
    return len(words) - len(missing_names(words, text)) if text else 0


def support(statement: str, target: Language, sentence: str, source_language: str) -> int:
    """How much of a fact's checkable content a sentence holds: numbers and dates count
    double, words of proper names once."""
    wanted = {q.value for q in extract_quantities(statement, target.code)}
    missing = {q.value for q in missing_quantities(statement, target.code, sentence, source_language)}
    return 2 * len(wanted - missing) + names_found(statement, sentence)


def anchor(
    document: Document,
    raw: RawFact,
    target: Language,
    translated: Mapping[int, str] | None = None,
    taken: frozenset[int] = frozenset(),
) -> tuple[Sentence | None, str]:
    """The line that supports a fact: the cited one, unless a nearby line holds more of the
    fact's numbers and names (small models often cite the line before or after). Names are
    looked for in the line's translation when there is one: the fact is in that language.
    A fact is never moved onto a line of `taken` (another fact's): facts are asked at most
    one per line, and two on one line after re-anchoring means one of them moved wrongly."""
    cited = document.sentence(raw.sentence)
    if cited is None:
        return None, ""
    lines = translated or {}
    holds_numbers = not missing_quantities(raw.statement, target.code, cited.text, document.language)
    if holds_numbers and names_found(raw.statement, lines.get(cited.number) or cited.text):
        return cited, ""  # the cited line has the fact's numbers and some of its names: trust it
    nearby = [
        s
        for s in document.sentences
        if abs(s.number - raw.sentence) <= ANCHOR_WINDOW and (s.number == cited.number or s.number not in taken)
    ]
    scores = {
        s.number: support(raw.statement, target, s.text, document.language)
        + names_found(raw.statement, lines.get(s.number, ""))
        for s in nearby
    }
    best = max(nearby, key=lambda s: (scores[s.number], -abs(s.number - raw.sentence)))
    if scores[best.number] > scores[cited.number]:
        return best, f"re-anchored: the model cited line {cited.number}"
    return cited, ""


def verify_facts(
    document: Document, raw_facts: list[RawFact], target: Language, translated: Mapping[int, str] | None = None
) -> list[Fact]:
    """Merge duplicates, attach the source line as evidence, and check numbers and dates against
    it: with their qualifier against the source line, and what they count against its translation."""
    facts: list[Fact] = []
    seen: list[str] = []
    taken = {raw.sentence for raw in raw_facts if raw.sentence}  # the lines the model cited, then where facts went
    for raw in raw_facts:
        key = normalise_text(raw.statement)
        if any(fuzz.ratio(key, other) >= 90 for other in seen):
            continue
        seen.append(key)
        note = ""
        kind: MatchKind = "exact"
        if raw.quote:
            match = find_quote(raw.quote, document.text)
            kind, located, evidence = match.kind, None, raw.quote
            if match.start >= 0:
                located = document.sentence_at(match.start)
                evidence = document.text[match.start : match.end]  # what the source really says
        else:
            # The evidence is the line itself: never searched for in the text, where the same
            # words may come earlier (a repeated sentence, or one inside a longer line) and
            # would put the fact on another fact's line.
            located, note = anchor(document, raw, target, translated, frozenset(taken - {raw.sentence}))
            evidence = located.text if located else ""
            taken |= {located.number} if located else set()
        if not evidence:
            continue
        problems: tuple[str, ...] = ("the quote is not in the source",) if kind == "absent" else ()
        missing = missing_quantities(raw.statement, target.code, evidence, document.language)
        # A small model sometimes writes the fact in the source's language ("575 millions"):
        # read it that way too before calling its numbers unsupported.
        if missing and not missing_quantities(raw.statement, document.language, evidence, document.language):
            missing = []
        problems += tuple(f"“{q.surface}” is not in the quoted sentence" for q in missing)
        problems += tuple(qualifier_problems(raw.statement, target.code, evidence, document.language))
        number, paragraph = (located.number, located.paragraph) if located else (0, 0)
        if translated and number in translated:
            problems += tuple(unit_problems(raw.statement, translated[number], target.code))
        page, heading = (located.page, located.heading) if located else (0, "")
        facts.append(
            Fact(raw.statement, raw.category, number, paragraph, evidence, kind, problems, note, page, heading)
        )
    return facts
