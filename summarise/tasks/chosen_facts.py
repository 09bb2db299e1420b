"""Facts chosen, not rewritten (`--facts-method chosen`).

Code picks the lines of a chunk that state key facts, the lines with figures (numbers,
amounts, dates) first, and each fact is that line's translation, shortened at a clause
boundary when it is long. No model call: every fact is on its line by construction.

Why: asked to restate a line, the bundled 1.5B model spent ~60 generated tokens a fact (336
of a 1,224-token cold brief), cited a neighbour's line for many, stopped mid-word at the
schema's length bound ("…in the multil"), and left the lines with figures out (none of the
2018 seed's four figures among its 13 facts). A fact copied from its line's translation says
what that translation says; the translation is already checked line by line (numbers,
qualifiers, words left in the source language), so the fact carries no new error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from summarise.brief import RawFact
from summarise.documents import Sentence
from summarise.grounding.alignment import slid_lines
from summarise.grounding.quantities import extract_quantities

# A fact is at most about this many words; a longer line is cut at the last clause boundary
# within it, or shown whole when it has none. The facts prompt of the "line" method asks for
# 25 words; a clause boundary rarely falls on the 25th. A cut that would save fewer than SAVED
# words is not worth a "…"; one that keeps fewer than MIN_WORDS may leave an opening phrase
# without its verb ("As the host of this meeting and co-chair of the Africa Focus Group …").
FACT_WORDS = 35
SAVED = 10
MIN_WORDS = 20
# A line of fewer words is a heading, a date line or a byline, not a fact.
FACT_MIN_WORDS = 5
# Facts a group of about 6 lines gives (tasks/facts.py: line_groups allows the model 4). On the
# dev set's 12 articles 3 kept the key-fact recall of 4 with a fifth fewer facts for a reviewer
# to read; 2 lost recall (docs/history/quality.md, 2026-12-08).
FACTS_PER_GROUP = 3
MORE = " …"  # the reader sees where a shortened fact stops (its line, shown under it, has the rest)

_CLAUSE_END = re.compile(r"[,;:]$")
_DASHES = {"–", "—", "-"}
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"), ("«", "»"))


@dataclass(frozen=True)
class Candidate:
    number: int
    figures: int  # numbers, amounts and dates in the source line
    names: int  # capitalised words after the first, in the translation
    words: int

    @property
    def rank(self) -> tuple[int, int, int, int]:
        """Figures first, then names, then length; the earlier line on a tie."""
        return (-min(self.figures, 1), -min(self.names, 4), -min(self.words, 30), self.number)


def _balanced(words: Sequence[str]) -> bool:
    text = " ".join(words)
    if any(text.count(opening) != text.count(closing) for opening, closing in _PAIRS):
        return False
    return text.count('"') % 2 == 0


def _boundaries(words: Sequence[str]) -> list[int]:
    """How many words a clause boundary keeps: after a word ending in , ; : or before a dash,
    where the next word does not start with a capital (which would go on with a name or a title:
    "Washington, D.C.", "Nasser Bourita, Minister of …")."""
    found: list[int] = []
    for kept in range(1, len(words)):
        following = words[kept]
        at_dash = following in _DASHES
        after = words[kept + 1] if at_dash and kept + 1 < len(words) else following
        if not (_CLAUSE_END.search(words[kept - 1]) or at_dash) or after[:1].isupper() or after[:1].isdigit():
            continue
        if _balanced(words[:kept]):
            found.append(kept)
    return found


def clause_cut(words: Sequence[str]) -> str:
    """Words stopped in the middle, maybe inside their last word: up to their last clause
    boundary before that word (all the whole words when there is none), marked " …"."""
    found = _boundaries(words)
    head = " ".join(words[: found[-1]] if found else words[:-1])
    return head.rstrip(",;:–—- ") + MORE


def shorten(text: str, language: str, limit: int = FACT_WORDS) -> str:
    """`text` whole when it is within `limit` words; else cut at a clause boundary that keeps
    all its figures, marked with " …"; else whole. Never cut inside a word, a number or a name."""
    words = text.split()
    if len(words) <= limit + SAVED:
        return text.strip()
    figures = [q.surface for q in extract_quantities(text, language)]
    kept = [n for n in _boundaries(words) if n >= MIN_WORDS and n <= len(words) - SAVED]
    heads = [" ".join(words[:n]) for n in kept]
    whole = [head for head in heads if all(surface in head for surface in figures)]
    # The last boundary within the limit; where the figures come later, the first after them
    # (a line chosen for its figures keeps them), up to twice the limit.
    within = [head for head in whole if len(head.split()) <= limit]
    later = [head for head in whole if limit < len(head.split()) <= 2 * limit]
    head = within[-1] if within else later[0] if later else ""
    return head.rstrip(",;: ") + MORE if head else text.strip()


def figure_lines(lines: Sequence[Sentence], language: str, most: int) -> list[int]:
    """The (at most `most`) lines with most figures, amounts before dates, in order: what the
    summary is asked to name. A line too short to be a statement (a date line) is left out."""
    counted = []
    for line in lines:
        found = extract_quantities(line.text, language)
        if found and len(line.text.split()) >= FACT_MIN_WORDS:
            amounts = sum(q.kind not in ("date", "year") for q in found)
            counted.append((-amounts, -len(found), line.number))
    return sorted(number for *_rank, number in sorted(counted)[:most])


def _candidate(line: Sentence, translation: str, source_language: str) -> Candidate:
    words = translation.split()
    names = sum(1 for word in words[1:] if word[:1].isupper())
    return Candidate(line.number, len(extract_quantities(line.text, source_language)), names, len(words))


@dataclass(frozen=True)
class Group:
    """Lines first..last, of which at most `most` may give a fact (tasks/facts.py: line_groups)."""

    first: int
    last: int
    most: int


def choose_lines(
    lines: Sequence[Sentence], translated: Mapping[int, str], source_language: str, groups: Sequence[Group]
) -> list[int]:
    """The lines that give the chunk's facts, in order: every line with a figure first (as many
    as the groups' limits allow in all), then the others, one group at a time so the facts
    cover the whole chunk, the line with most names and words first in each group.

    A line with no translation, or whose translation says another line (grounding/alignment.py),
    gives no fact: its fact would not be its own."""
    sources = {line.number: line.text for line in lines}
    slid = slid_lines(sources, translated)
    usable = [
        _candidate(line, translated[line.number], source_language)
        for line in lines
        if translated.get(line.number, "").strip()
        and line.number not in slid
        and len(translated[line.number].split()) >= FACT_MIN_WORDS
    ]
    total = sum(group.most for group in groups)
    chosen = {c.number for c in sorted((c for c in usable if c.figures), key=lambda c: c.rank)[:total]}

    def group_of(number: int) -> Group | None:
        return next((g for g in groups if g.first <= number <= g.last), None)

    def room(group: Group) -> bool:
        return sum(group.first <= n <= group.last for n in chosen) < group.most

    while len(chosen) < total:
        added = False
        for group in groups:  # one line a group a round: the facts cover the chunk
            free = (c for c in usable if c.number not in chosen and group_of(c.number) == group)
            rest = sorted(free, key=lambda c: c.rank)
            if rest and room(group) and len(chosen) < total:
                chosen.add(rest[0].number)
                added = True
        if not added:
            break
    return sorted(chosen)


def chosen_facts(
    lines: Sequence[Sentence],
    translated: Mapping[int, str],
    source_language: str,
    target_language: str,
    groups: Sequence[Group],
) -> list[RawFact]:
    """The chunk's facts: each chosen line's translation, shortened at a clause boundary."""
    return [
        RawFact(number, "", shorten(translated[number].strip(), target_language))
        for number in choose_lines(lines, translated, source_language, groups)
    ]
