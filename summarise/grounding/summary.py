"""Each summary sentence checked against the lines it cites, in code.

The summary cites its lines (`[n]`); a sentence is checked against those lines only, not
the whole document: its numbers must be there with their qualifier ("nearly" is not
"more than") and count what the line counts ("7.7 million people" is not "7.7 million
fighters"), and it must not keep words of the source that the translation renders
otherwise. A sentence that cites no line is checked against the whole document, and says so.
"""

from __future__ import annotations

import re

from summarise.brief import SummarySentence
from summarise.documents import Document, split_sentences
from summarise.grounding.claims import qualifier_problems, unit_problems
from summarise.grounding.quantities import missing_quantities
from summarise.languages import Language

_CITATION = re.compile(r"\s*\[(\d+(?:\s*(?:[-–,]|and)\s*\d+)*)\]")


def strip_citations(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", _CITATION.sub("", text)).strip()


def cited_lines(sentence: str) -> list[int]:
    """[3], [3, 5], [3-5] -> the line numbers a summary sentence names."""
    lines: list[int] = []
    for group in _CITATION.findall(sentence):
        for part in re.split(r"\s*(?:,|and)\s*", group):
            bounds = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n.strip()]
            if len(bounds) == 2 and 0 < bounds[1] - bounds[0] < 50:
                lines.extend(range(bounds[0], bounds[1] + 1))
            else:
                lines.extend(bounds)
    return list(dict.fromkeys(lines))


def summary_sentences(text: str, language: str) -> list[str]:
    """The sentences of a summary, each with the citations that follow it."""
    sentences = [s.text for s in split_sentences(text.strip(), language)]
    merged: list[str] = []
    for sentence in sentences:  # a citation after the full stop belongs to the sentence before
        lead = re.match(r"(?:\s*\[[^\]]*\d\])+", sentence)
        if merged and lead and cited_lines(lead.group()):
            merged[-1] += " " + lead.group().strip()
            sentence = sentence[lead.end() :].strip()
        if sentence:
            merged.append(sentence)
    return merged


def ground_summary(
    summary: str, document: Document, translated: dict[int, str], target: Language
) -> list[SummarySentence]:
    sentences: list[SummarySentence] = []
    whole_source = document.text
    whole_translation = "\n".join(translated[s.number] for s in document.sentences if s.number in translated)
    cites = bool(_CITATION.search(summary))
    for raw in summary_sentences(summary, target.code):
        text = strip_citations(raw)
        lines = tuple(n for n in cited_lines(raw) if document.sentence(n) is not None)
        problems: list[str] = []
        if lines:
            source = "\n".join(document.sentences[n - 1].text for n in lines)
            translation = "\n".join(translated.get(n, "") for n in lines)
        else:
            source, translation = whole_source, whole_translation
            if cites:  # others do: this one should have
                problems.append("cites no line")
        for quantity in missing_quantities(text, target.code, source, document.language):
            elsewhere = lines and not missing_quantities(quantity.surface, target.code, whole_source, document.language)
            where = "the lines it cites" if elsewhere else "the source"
            problems.append(f"“{quantity.surface}” is not in {where}")
        problems += qualifier_problems(text, target.code, source, document.language)
        problems += unit_problems(text, translation, target.code)
        sentences.append(SummarySentence(text, lines, tuple(problems)))
    return sentences
