"""Facts: place each on the source line that says it, and check it there.

The line a model cites is a hint, not the truth: the bundled model numbers its facts 1, 2,
3 like a list, or drifts a line off. So code compares each fact with every nearby line's
translation (grounding/support.py: like with like, in the target language) and places the
facts together, best match first, at most one fact a line while free lines say them. A fact
counts as supported only when its line says it (its content is found there) and its
numbers, dates, qualifiers and units agree with the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from summarise.brief import NOT_FOUND, Fact, MatchKind, RawFact
from summarise.documents import Document, Sentence
from summarise.documents.languages import Language
from summarise.grounding.claims import qualifier_problems, unit_problems
from summarise.grounding.quantities import extract_quantities, missing_quantities
from summarise.grounding.quotes import find_quote, normalise_text
from summarise.grounding.support import SUPPORTED, LineIndex

# The cited line wins a near tie: the model's number is a hint worth this much of the score,
# and a line further from it loses a little for each line between (at most DISTANCE).
HINT, STEP, DISTANCE = 0.05, 0.002, 0.1
# Lines further than this from the cited one are not looked at: a fact is asked about a
# group of ~6 lines of a chunk of ~50; this keeps a 2,000-line document's facts quick.
WINDOW = 100
# A fact's numbers found in a line count this much beside its words.
NUMBERS = 0.2


def missing_line(number: int) -> str:
    return f"cites line {number}, which the document does not have"


def out_of_range(document: Document, cited: list[int], what: str) -> list[str]:
    """Problems for the brief (it is not complete): `what` cites lines the document does not have."""
    missing = sorted({n for n in cited if document.sentence(n) is None})
    if not missing:
        return []
    return [f"{what}: line(s) {', '.join(map(str, missing))} cited, which the document does not have"]


def distinct(raw_facts: list[RawFact]) -> list[RawFact]:
    """The facts without near-copies of an earlier one."""
    seen: list[str] = []
    kept: list[RawFact] = []
    for raw in raw_facts:
        key = normalise_text(raw.statement)
        if not any(fuzz.ratio(key, other) >= 90 for other in seen):
            seen.append(key)
            kept.append(raw)
    return kept


def line_index(document: Document, translated: Mapping[int, str] | None) -> LineIndex:
    lines = translated or {}
    return LineIndex({s.number: (s.text, lines.get(s.number, "")) for s in document.sentences})


@dataclass(frozen=True)
class Placed:
    line: Sentence
    content: float  # how much of the fact that line says (grounding/support.py)


def _numbers_held(raw: RawFact, target: Language, line: str, source_language: str) -> float:
    wanted = extract_quantities(raw.statement, target.code)
    missing = missing_quantities(raw.statement, target.code, line, source_language)
    return 1 - len(missing) / len(wanted)


def place_facts(document: Document, raw_facts: list[RawFact], target: Language, index: LineIndex) -> dict[int, Placed]:
    """Each line fact (by position in `raw_facts`) on the line that best says it.

    Every (fact, nearby line) pair is scored; pairs are taken best first, a line going to one
    fact, so a run of facts each cited a line early all move together. A fact whose
    supporting lines all went to better matches, or that no line supports, keeps its best
    line anyway (it is flagged later if that line does not say it)."""
    scores: list[tuple[float, float, int, int]] = []  # (rank score, content, fact, line)
    best: dict[int, tuple[float, float, int]] = {}
    for position, raw in enumerate(raw_facts):
        if raw.quote or document.sentence(raw.sentence) is None:
            continue
        nearby = [s for s in document.sentences if abs(s.number - raw.sentence) <= WINDOW]
        contents = index.each(raw.statement, (s.number for s in nearby))
        has_numbers = bool(extract_quantities(raw.statement, target.code))
        for line in nearby:
            content = contents[line.number]
            rank = content
            if has_numbers and content >= SUPPORTED / 2:  # numbers only decide between lines that say much of it
                rank += NUMBERS * _numbers_held(raw, target, line.text, document.language)
            rank += HINT if line.number == raw.sentence else -min(DISTANCE, STEP * abs(line.number - raw.sentence))
            scores.append((rank, content, position, line.number))
            if position not in best or rank > best[position][0]:
                best[position] = (rank, content, line.number)
    placed, taken = _kept_where_cited(document, raw_facts, target, index)
    for _rank, content, position, number in sorted(scores, key=lambda s: (-s[0], s[2], s[3])):
        if position in placed or number in taken or content < SUPPORTED:
            continue
        placed[position] = Placed(document.sentences[number - 1], content)
        taken.add(number)
    for position, (_rank, content, number) in best.items():
        placed.setdefault(position, Placed(document.sentences[number - 1], content))
    return placed


def _kept_where_cited(
    document: Document, raw_facts: list[RawFact], target: Language, index: LineIndex
) -> tuple[dict[int, Placed], set[int]]:
    """The facts whose cited line says them (their content, and every number of them): they stay
    there. Another line may score higher (it shares a name, or a conversion made the cited line's
    numbers look changed), but a right fact moved to a wrong line shows the wrong source sentence."""
    placed: dict[int, Placed] = {}
    taken: set[int] = set()
    supported = []
    for position, raw in enumerate(raw_facts):
        line = None if raw.quote else document.sentence(raw.sentence)
        if line is None:
            continue
        content = index.each(raw.statement, [line.number])[line.number]
        if content >= SUPPORTED and not _problems(
            raw, target, line.text, index.translation(line.number), document.language
        ):
            supported.append((content, position, line))
    for content, position, line in sorted(supported, key=lambda found: (-found[0], found[1])):
        if line.number not in taken:
            placed[position] = Placed(line, content)
            taken.add(line.number)
    return placed, taken


def _problems(raw: RawFact, target: Language, evidence: str, translation: str, source_language: str) -> list[str]:
    """What in the fact disagrees with its line: numbers and dates, their qualifier, what they count."""
    missing = missing_quantities(raw.statement, target.code, evidence, source_language)
    # A small model sometimes writes the fact in the source's language ("575 millions"):
    # read it that way too before calling its numbers unsupported.
    if missing and not missing_quantities(raw.statement, source_language, evidence, source_language):
        missing = []
    problems = [f"“{q.surface}” is not in the quoted sentence" for q in missing]
    problems += qualifier_problems(raw.statement, target.code, evidence, source_language)
    if translation:
        problems += unit_problems(raw.statement, translation, target.code)
    return problems


def _left_untranslated(line: Sentence, translated: Mapping[int, str], document: Document, target: Language) -> bool:
    """The line has no translation: the pipeline keeps its source text in its place."""
    return document.language != target.code and translated.get(line.number) == line.text


def verify_facts(
    document: Document, raw_facts: list[RawFact], target: Language, translated: Mapping[int, str] | None = None
) -> list[Fact]:
    """Merge duplicates, place each fact on the line that says it, and check it there."""
    raw_facts = distinct(raw_facts)
    lines = translated or {}
    index = line_index(document, translated)
    placed = place_facts(document, raw_facts, target, index)
    facts: list[Fact] = []
    for position, raw in enumerate(raw_facts):
        note = ""
        kind: MatchKind = "exact"
        problems: list[str] = []
        located: Sentence | None = None
        if raw.quote:
            match = find_quote(raw.quote, document.text)
            kind, evidence = match.kind, raw.quote
            if match.start >= 0:
                located = document.sentence_at(match.start)
                evidence = document.text[match.start : match.end]  # what the source really says
            if kind == "absent":
                problems.append("the quote is not in the source")
        elif position in placed:
            # The evidence is the line itself: never searched for in the text, where the same
            # words may come earlier and would put the fact on another fact's line.
            where = placed[position]
            located, evidence = where.line, where.line.text
            cited = document.sentence(raw.sentence)
            if where.content < SUPPORTED and cited is not None and _left_untranslated(cited, lines, document, target):
                # No translation to compare it with: not judged, shown on the line it cites.
                located, evidence = cited, cited.text
                problems.append(f"not checked: line {cited.number} was left untranslated")
            elif where.content < SUPPORTED:  # its best line does not say it
                problems.append(NOT_FOUND)
            if located.number != raw.sentence:
                note = f"re-anchored: the model cited line {raw.sentence}"
        else:  # a line the document does not have: shown, flagged, never dropped unseen
            facts.append(Fact(raw.statement, raw.category, 0, 0, "", "absent", (missing_line(raw.sentence),)))
            continue
        if not evidence:
            continue
        number, paragraph = (located.number, located.paragraph) if located else (0, 0)
        problems += _problems(raw, target, evidence, lines.get(number, ""), document.language)
        page, heading = (located.page, located.heading) if located else (0, "")
        facts.append(
            Fact(raw.statement, raw.category, number, paragraph, evidence, kind, tuple(problems), note, page, heading)
        )
    return facts
