"""The glossary, checked in code: each line's translation, each fact and each summary sentence.

- A line: every occurrence of a source term must come out as its target term in that
  line's translation (as many times: "PNUD" twice needs "UNDP" twice).
- A fact or a summary sentence about a line (its evidence; the lines it cites, or the whole
  document when it cites none) that names a term must use the target term: the source
  term kept ("PNUD"), or another form of it ("Coalition for Daech": two words of the term
  without the whole), is a miss. A fact that does not name the term at all is fine.

Misses are flagged where they are (the line, the fact, the sentence) and counted in one
check; the translation's repair call asks again for lines with a miss (tasks/translation.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from summarise.brief import Check, Fact, Finding, SummarySentence
from summarise.config.glossary import Entry, Glossary
from summarise.config.term_index import Match, find_terms, words
from summarise.documents import Document

CHECK_NAME = "Glossary terms as the glossary writes them"


def _quoted(text: str) -> str:
    return f"“{text}”"


def target_matches(text: str, entries: Iterable[Entry]) -> list[Match]:
    return find_terms(text, entries, "target")


def line_misses(glossary: Glossary, source: str, translation: str) -> list[Entry]:
    """The entries whose source term occurs in `source` more often than its target term in `translation`."""
    found = glossary.find(source)
    if not found:
        return []
    wanted = Counter(match.entry.target_keys for match in found)
    written = Counter(match.entry.target_keys for match in target_matches(translation, {m.entry for m in found}))
    missed = {keys for keys, count in wanted.items() if written[keys] < count}
    return list(dict.fromkeys(match.entry for match in found if match.entry.target_keys in missed))


def describe_line_miss(entry: Entry) -> str:
    return f"glossary: {_quoted(entry.source)} not written {_quoted(entry.target)}"


def distinctive(term: str) -> set[str]:
    """The words of a term that say which term it is: long words and acronyms, not "de" or "the"."""
    return {key for key, start, end in words(term) if end - start >= 4 or term[start:end].isupper()}


def other_form(text: str, entry: Entry) -> str:
    """A part of `text` that names the term another way: two words of the source or target
    term close together without the whole ("Coalition for the Global War on Daech"). One
    word is not enough: "the Coalition" is a short mention, and "Daech" alone is the
    "Daech" entry's to flag, not "Coalition mondiale contre Daech"'s. "" when there is none."""
    wanted = distinctive(entry.source) | distinctive(entry.target)
    found = [(key, start, end) for key, start, end in words(text) if key in wanted]
    window = max(len(entry.source_keys), len(entry.target_keys)) + 3
    all_words = words(text)
    positions = {start: index for index, (_, start, _) in enumerate(all_words)}
    for i, (_, start, _) in enumerate(found):
        near = [f for f in found[i:] if positions[f[1]] - positions[start] < window]
        if len({f[0] for f in near}) >= 2:
            return text[start : near[-1][2]]
    return ""


def text_misses(glossary: Glossary, text: str, about: str) -> list[str]:
    """What a fact or summary sentence `text`, about the source lines `about`, writes otherwise than the glossary."""
    entries = glossary.select(about)
    kept = [m.entry for m in glossary.find(text) if m.entry.source_keys != m.entry.target_keys]
    # Only the entries in question are looked for as targets: one small index, not the glossary's.
    written = {match.entry.target_keys for match in target_matches(text, {*entries, *kept})}
    problems: list[str] = []
    for entry in dict.fromkeys([*entries, *kept]):
        if entry.target_keys in written:
            continue
        form = entry.source if entry in kept else other_form(text, entry)
        if form:
            problems.append(f"glossary: {_quoted(form)} is not {_quoted(entry.target)}")
    return list(dict.fromkeys(problems))


@dataclass(frozen=True)
class GlossaryReview:
    """The brief's facts and summary sentences with their glossary misses added, and what was found."""

    facts: tuple[Fact, ...]
    sentences: tuple[SummarySentence, ...]
    lines: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # line number -> its misses
    terms: int = 0  # occurrences of glossary terms in the source
    active: bool = False  # a glossary was given
    set_by_code: tuple[str, ...] = ()  # "line 2: “Daech” → “Daesh”": terms code wrote (glossary_terms.py)

    def check(self) -> Check:
        found = [f"line {n}: " + "; ".join(_own(p)) for n, p in sorted(self.lines.items())]
        found += [f"fact {n}: " + "; ".join(_own(f.problems)) for n, f in enumerate(self.facts, 1) if _own(f.problems)]
        found += [
            f"summary sentence {n}: " + "; ".join(_own(s.problems))
            for n, s in enumerate(self.sentences, 1)
            if _own(s.problems)
        ]
        checked = f"{self.terms} occurrence{'' if self.terms == 1 else 's'} of glossary terms checked"
        detail = f"{len(found)} flagged: " + " · ".join(found) if found else checked
        if self.set_by_code:
            detail += f"; {len(self.set_by_code)} set by the glossary: " + " · ".join(self.set_by_code)
        return Check(  # what it names, linked: the page marks and links each
            CHECK_NAME,
            not found,
            detail,
            # the problems as the line, fact or sentence shows them, so each is listed there once
            lines=tuple(Finding(n, p) for n, problems in sorted(self.lines.items()) for p in _glossary(problems)),
            facts=tuple(Finding(n, p) for n, f in enumerate(self.facts, 1) for p in _glossary(f.problems)),
            sentences=tuple(Finding(n, p) for n, s in enumerate(self.sentences, 1) for p in _glossary(s.problems)),
        )


def _glossary(problems: Sequence[str]) -> list[str]:
    return [problem for problem in problems if problem.startswith("glossary: ")]


def _own(problems: Sequence[str]) -> list[str]:
    return [problem.removeprefix("glossary: ") for problem in problems if problem.startswith("glossary: ")]


def review_glossary(
    glossary: Glossary | None,
    document: Document,
    translated: Mapping[int, str],
    facts: Sequence[Fact],
    sentences: Sequence[SummarySentence],
    set_by_code: Sequence[str] = (),
) -> GlossaryReview:
    """Flag every glossary miss on the line, the fact or the sentence it is in (`set_by_code`:
    what code already set, said in the check)."""
    if glossary is None:
        return GlossaryReview(tuple(facts), tuple(sentences))
    lines: dict[int, tuple[str, ...]] = {}
    terms = 0
    for sentence in document.sentences:
        terms += len(glossary.find(sentence.text))
        missed = line_misses(glossary, sentence.text, translated.get(sentence.number, ""))
        if missed:
            lines[sentence.number] = tuple(describe_line_miss(entry) for entry in missed)
    flagged_facts = tuple(
        replace(fact, problems=fact.problems + tuple(text_misses(glossary, fact.statement, fact.evidence)))
        for fact in facts
    )
    whole = document.text
    flagged_sentences = tuple(
        replace(
            sentence,
            problems=sentence.problems
            + tuple(text_misses(glossary, sentence.text, _cited(document, sentence.lines) or whole)),
        )
        for sentence in sentences
    )
    return GlossaryReview(flagged_facts, flagged_sentences, lines, terms, active=True, set_by_code=tuple(set_by_code))


def _cited(document: Document, numbers: Sequence[int]) -> str:
    return "\n".join(s.text for n in numbers if (s := document.sentence(n)) is not None)
