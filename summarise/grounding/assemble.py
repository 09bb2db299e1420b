"""Every check of a brief, run in one order on its parts: the pipeline runs it on the model's
answers, the review desk on a brief a reviewer corrected (grounding/recheck.py), so a correction is
checked by exactly the code that checked the model's text."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from summarise.brief import Check, CitedSentence, Fact, RawFact, SummarySentence
from summarise.config.glossary import Glossary
from summarise.documents import Document
from summarise.documents.languages import Language
from summarise.grounding.facts import verify_facts
from summarise.grounding.glossary_checks import review_glossary
from summarise.grounding.report import cross_checks, problems_by_line
from summarise.grounding.summary import ground_summary


@dataclass(frozen=True)
class Checked:
    facts: tuple[Fact, ...]
    sentences: tuple[SummarySentence, ...]
    checks: tuple[Check, ...]
    on_line: dict[int, tuple[str, ...]]  # what the checks found in each line


def ground_parts(
    document: Document,
    target: Language,
    *,
    summary: Sequence[CitedSentence],
    raw_facts: list[RawFact],
    translated: Mapping[int, str],
) -> tuple[list[Fact], list[SummarySentence]]:
    """Each fact placed on the line that says it and checked there; each summary sentence linked to its lines."""
    facts = verify_facts(document, raw_facts, target, translated)
    return facts, ground_summary(summary, document, dict(translated), target)


def check_parts(
    document: Document,
    target: Language,
    glossary: Glossary | None,
    *,
    facts: Sequence[Fact],
    sentences: Sequence[SummarySentence],
    summary_notes: Sequence[str],
    translation: Sequence[str],
    translated: Mapping[int, str],
    untranslated: Collection[int],
    glossary_notes: Sequence[str] = (),
) -> Checked:
    """Glossary misses flagged, the checks run, on grounded parts (`ground_parts`). `translated`
    holds every line (an untranslated one with its source text); `glossary_notes` says where
    code set a glossary term."""
    reviewed = review_glossary(glossary, document, translated, facts, sentences, list(glossary_notes))
    checks = tuple(
        cross_checks(
            document,
            target,
            summary=reviewed.sentences,
            summary_notes=summary_notes,
            facts=reviewed.facts,
            translation=translation,
            translated=translated,
            untranslated=untranslated,
            glossary=reviewed,
        )
    )
    on_line = problems_by_line(checks)
    for number, misses in reviewed.lines.items():
        on_line[number] = tuple(dict.fromkeys((*on_line.get(number, ()), *misses)))
    return Checked(tuple(reviewed.facts), tuple(reviewed.sentences), checks, on_line)
