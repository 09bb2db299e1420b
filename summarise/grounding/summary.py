"""Each summary sentence checked against the lines it cites, in code.

The summary cites its lines (`[n]`); a sentence is checked against those lines only, not
the whole document: its numbers must be there with their qualifier ("nearly" is not
"more than") and count what the line counts ("7.7 million people" is not "7.7 million
fighters"), and it must not keep words of the source that the translation renders
otherwise. A sentence that cites no line is checked against the whole document, and says so.
"""

from __future__ import annotations

from summarise.brief import SummarySentence
from summarise.documents import Document
from summarise.grounding.claims import qualifier_problems, unit_problems
from summarise.grounding.quantities import missing_quantities
from summarise.languages import Language
from summarise.tasks.summary import CITATION, cited_lines, strip_citations, summary_sentences


def ground_summary(
    summary: str, document: Document, translated: dict[int, str], target: Language
) -> list[SummarySentence]:
    sentences: list[SummarySentence] = []
    whole_source = document.text
    whole_translation = "\n".join(translated[s.number] for s in document.sentences if s.number in translated)
    cites = bool(CITATION.search(summary))
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
