"""Glossary terms set by code where the model left them as the source writes them.

A small model asked to write "Daesh" for "Daech" often copies "Daech", or writes a near form
of a longer term ("Global Coalition against Daech" for "Global Coalition to Defeat
Daesh/ISIS"). Code knows the term, where it occurs in the source and what the model wrote,
so it writes the glossary's term there instead of only flagging it:

- only where the source line (a fact's line; the lines a summary sentence rests on) holds
  the source term: a term is never put where the source does not have it;
- only over the source term as written ("Daech", "PNUD") or, for a term of several words, a
  stretch the names check takes for the same name (name_forms.forms_in) that holds two of
  the term's own words ("Global Coalition against Daech"): one word ("the Coalition") is a
  short mention and is left alone;
- only as many times as the target term is missing ("PNUD" twice in the source line and
  "UNDP" once in its translation: one is set; a fact that says "PNUD" twice about a line that
  says it once: one is set, the other flagged);
- keeping the grammar around it: "the", "'s" and the rest of the sentence stay, a term at a
  sentence's start takes a capital, "a"/"an" follows the new word (English).

What is set is said on the line, the fact or the sentence ("term set by the glossary");
what code cannot place stays for the checks (glossary_checks.py) to flag.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from summarise.brief import Fact, SummarySentence
from summarise.config.glossary import Entry, Glossary
from summarise.config.place_names import BUILT_IN, names_of_places
from summarise.config.term_index import find_terms, words
from summarise.documents import Document
from summarise.grounding.glossary_checks import distinctive
from summarise.grounding.name_forms import COGNATE, forms_in

SET_NOTE = "term set by the glossary"
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*)[\"“«(]?\s*$")
_ARTICLE_BEFORE = re.compile(r"\b([Aa]n?)\s+$")
_LOWER = re.compile(r"[^\W\d_]+")
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
# English names of places that keep "the" ("the United States", "the Gambia"); every other
# country or region goes without ("le Maroc" is "Morocco", never "the Morocco").
_WITH_THE = frozenset({
    "Islands", "Republic", "Kingdom", "United", "Territories", "Netherlands", "Philippines", "Bahamas",
    "Maldives", "Comoros", "Seychelles", "Gambia", "Caribbean", "Americas", "Union", "Isle", "Lands", "Grenadines",
})  # fmt: skip


@dataclass(frozen=True)
class TermsSet:
    """A text with glossary terms set, and what was changed: (as written, as the glossary says)."""

    text: str
    changes: tuple[tuple[str, str], ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(f"{SET_NOTE}: {_change(change)}" for change in self.changes)


def set_terms(glossary: Glossary, source: str, text: str, *, english: bool = True) -> TermsSet:
    """`text` with the glossary's target term written over the forms of source terms that
    `source` holds (see the module's docstring): no more often than `source` holds a term
    and `text` lacks its target. A place name (built in, or a user's term CLDR names a place)
    loses the "the" the source's article left before it, unless English keeps one there."""
    found = glossary.find(source)
    if not found or not text:
        return TermsSet(text)
    wanted = Counter(match.entry for match in found)
    # A term the source holds only inside a longer one ("Daech" in "Coalition mondiale contre
    # Daech") that the text writes on its own as the source does ("the campaign against Daech"):
    # the source has it, so setting it inserts nothing. Only a term of several words can hold
    # another: most lines skip the second search.
    if any(len(entry.source_keys) > 1 for entry in wanted):
        for entry in {match.entry for match in glossary.find(text)} - set(wanted):
            if inside := len(find_terms(source, [entry], "source")):
                wanted[entry] = inside
    targets = find_terms(text, wanted, "target")
    written = Counter(match.entry.target_keys for match in targets)
    taken: list[tuple[int, int]] = [(match.start, match.end) for match in targets]  # never written over
    spans: list[tuple[int, int, Entry]] = []
    lower = {w for w in _LOWER.findall(text) if w.islower()}
    # Longer terms first: "Global Coalition against Daech" is the coalition's, not "Daech"'s.
    for entry in sorted(wanted, key=lambda e: -len(e.source_keys)):
        if entry.source_keys == entry.target_keys:
            continue  # the glossary keeps the term as it is: any form is the model's choice
        room = max(0, wanted[entry] - written[entry.target_keys])
        for start, end in _forms(text, entry, lower):
            if room <= 0:
                break
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            spans.append((start, end, entry))
            taken.append((start, end))
            room -= 1
    changes: list[tuple[str, str]] = []
    for start, end, entry in sorted(spans, key=lambda span: span[0], reverse=True):
        before, after = text[:start], text[end:]
        if english and _place(entry.target, glossary) and not _WITH_THE.intersection(entry.target.split()):
            before = _THE_BEFORE.sub("", before)
        term, before = _fitted(entry.target, before, english)
        changes.append((text[start:end], term))
        text = before + term + after
    return TermsSet(text, tuple(reversed(changes)))


def _place(target: str, glossary: Glossary) -> bool:
    """Whether a target term names a country or region: a built-in name, or a user's that CLDR has."""
    return glossary.path == BUILT_IN or target in names_of_places("en")


def _forms(text: str, entry: Entry, lower: set[str]) -> list[tuple[int, int]]:
    """Where `text` writes the entry's source term as written, or a near form of a longer term."""
    spans = [(m.start, m.end) for m in find_terms(text, [entry], "source")]
    if len(entry.source_keys) < 2:
        return spans
    own = distinctive(entry.source) | distinctive(entry.target)
    for form in forms_in(text, entry.source, len(text), lower):
        start = text.find(form)
        while start >= 0 and any(start < s_end and s_start < start + len(form) for s_start, s_end in spans):
            start = text.find(form, start + 1)
        if start < 0:
            continue
        start, end = _trimmed(text, start, start + len(form), entry)
        end = _absorb_target_tail(text, end, entry)
        # Two words of the form must be the term's own: "Daech" alone is like both "Daech" and
        # "Daesh", but one word is the "Daech" entry's, not the coalition's.
        held = [word for word, _, _ in words(text[start:end]) if _of_term(word, own)]
        if len(held) >= 2:
            spans.append((start, end))
    return sorted(spans)


def _trimmed(text: str, start: int, end: int, entry: Entry) -> tuple[int, int]:
    """A form without the words at its edges that are no word of the term ("The" before
    "Global Coalition…" at a sentence's start): those stay as the model wrote them."""
    terms = set(entry.source_keys) | set(entry.target_keys)
    inside = [(start + a, start + b) for key, a, b in words(text[start:end]) if _of_term(key, terms)]
    return (inside[0][0], inside[-1][1]) if inside else (start, end)


def _of_term(key: str, terms: set[str]) -> bool:
    return key in terms or any(fuzz.ratio(key, term) >= COGNATE for term in terms)


def _absorb_target_tail(text: str, end: int, entry: Entry) -> int:
    """A near form followed by the rest of the target term ("…Daech" + "/ISIS"): that rest is
    part of the form, so it is not written twice."""
    target_words = set(entry.target_keys)
    for key, start, stop in words(text[end:]):
        gap = text[end : end + start]
        if key not in target_words or len(gap) > 2 or (gap and gap.isspace() and len(gap) > 1):
            break
        end += stop
        target_words.discard(key)
    return end


def _fitted(term: str, before: str, english: bool) -> tuple[str, str]:
    """The term as it fits after `before`: a capital at a sentence's start, no "the the",
    "a"/"an" for its first sound (English). Returns (term, `before` with its article adjusted)."""
    if _SENTENCE_START.search(before) and term[:1].islower():
        term = term[0].upper() + term[1:]
    first, _, rest = term.partition(" ")
    if rest and first.casefold() == "the" and re.search(r"\bthe\s+$", before, re.IGNORECASE):
        term = rest
    if english and (article := _ARTICLE_BEFORE.search(before)):
        wanted = "an" if _vowel_sound(term) else "a"
        written = article.group(1)
        if written.casefold() != wanted:
            fixed = wanted.capitalize() if written[0].isupper() else wanted
            before = before[: article.start(1)] + fixed + before[article.end(1) :]
    return term, before


def _vowel_sound(term: str) -> bool:
    """Whether an English word starts with a vowel sound: "an UN agency" is wrong, "an NGO" right."""
    first = term.split(" ")[0].strip('"“(')
    if len(first) > 1 and first.isupper():  # read letter by letter
        return first[0] in "AEFHILMNORSX"
    return first[:1].casefold() in "aeiou"


def _noted(note: str, terms: TermsSet) -> str:
    return "; ".join(part for part in (note, *terms.notes) if part)


def _english(language: str) -> bool:
    return language.split("-")[0].casefold() == "en"


def _set_each(glossaries: Sequence[Glossary | None], source: str, text: str, english: bool) -> TermsSet:
    """The terms of each glossary set in turn: the user's first, so theirs win over the built-in names."""
    changes: list[tuple[str, str]] = []
    for glossary in glossaries:
        if glossary is not None:
            terms = set_terms(glossary, source, text, english=english)
            text, changes = terms.text, changes + list(terms.changes)
    return TermsSet(text, tuple(changes))


def set_line_terms(
    glossaries: Sequence[Glossary | None],
    document: Document,
    translated: Mapping[int, str],
    untranslated: frozenset[int],
    target_language: str,
) -> tuple[dict[int, str], dict[int, tuple[str, ...]]]:
    """Each translated line with the glossaries' terms set (about its source line), and what was
    set on which line. A line left untranslated is its source: setting one term would half-translate it."""
    fixed: dict[int, str] = dict(translated)
    notes: dict[int, tuple[str, ...]] = {}
    if not any(glossaries):
        return fixed, notes
    for sentence in document.sentences:
        if sentence.number in untranslated or sentence.number not in fixed:
            continue
        terms = _set_each(glossaries, sentence.text, fixed[sentence.number], _english(target_language))
        if terms.changes:
            fixed[sentence.number], notes[sentence.number] = terms.text, terms.notes
    return fixed, notes


@dataclass(frozen=True)
class StatementTerms:
    """Facts, summary sentences and the summary's prose with the glossary's terms set."""

    facts: list[Fact]
    sentences: list[SummarySentence]
    prose: str
    where: list[str] = field(default_factory=list)  # "fact 2: “PNUD” → “UNDP”", for the Checks


def set_statement_terms(
    glossaries: Sequence[Glossary | None],
    document: Document,
    facts: Sequence[Fact],
    sentences: Sequence[SummarySentence],
    prose: str,
    target_language: str,
) -> StatementTerms:
    """Each fact with the terms of its evidence line set; each summary sentence with those of
    the lines it rests on (the whole document when it rests on none), and the prose with it."""
    if not any(glossaries):
        return StatementTerms(list(facts), list(sentences), prose)
    english = _english(target_language)
    where: list[str] = []
    new_facts = []
    for number, fact in enumerate(facts, start=1):
        terms = _set_each(glossaries, fact.evidence, fact.statement, english)
        if terms.changes:
            fact = replace(fact, statement=terms.text, note=_noted(fact.note, terms))
            where += [f"fact {number}: {_change(change)}" for change in terms.changes]
        new_facts.append(fact)
    new_sentences = []
    for number, sentence in enumerate(sentences, start=1):
        about = "\n".join(s.text for n in sentence.lines if (s := document.sentence(n)) is not None)
        terms = _set_each(glossaries, about or document.text, sentence.text, english)
        if terms.changes:
            prose = prose.replace(sentence.text, terms.text, 1)
            sentence = replace(sentence, text=terms.text, note=_noted(sentence.note, terms))
            where += [f"summary sentence {number}: {_change(change)}" for change in terms.changes]
        new_sentences.append(sentence)
    return StatementTerms(new_facts, new_sentences, prose, where)


def _change(change: tuple[str, str]) -> str:
    return f"“{change[0]}” → “{change[1]}”"
