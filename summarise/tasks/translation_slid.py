"""The translation step for lines that hold a neighbour's translation.

The bundled model sometimes skips a line and keeps counting: from there its line 19 says
what source line 20 says; or it writes one line's translation on two lines
(grounding/alignment.py finds both). Told "translate [19]" again, the model that slid once
slides again; so each line is asked with its own source text in the task, after the lines
repaired before it and before the numbers repair (a line that says another line's numbers
is not a numbers problem).
"""

from __future__ import annotations

from summarise.documents import Sentence
from summarise.grounding.alignment import says_another, slid_lines
from summarise.tasks.common import Lines, Work, glossary_note
from summarise.tasks.translation import line_ranges, translates
from summarise.tasks.translation_repair import TRANSLATE_AGAIN, LinesAgain, line_faults


def _slid(work: Work) -> tuple[tuple[Sentence, ...], str]:
    """The chunk's lines that say a neighbouring line, and the task that shows each its own text."""
    context, chunk = work.context, work.the_chunk
    if not translates(context.document, context.target):
        return (), ""
    translated = work.result(TRANSLATE_AGAIN)
    own = {s.number for s in chunk.sentences}
    mine = {n: t for n, t in translated.items() if n in own and n not in context.remembered}  # not a reviewer's
    slid = slid_lines(_sources(work), mine)
    if not slid:
        return (), ""
    wrong = tuple(s for s in chunk.sentences if s.number in slid)
    values = context.template_values()
    repair = context.prompts.render("translation_repair", **values, lines=line_ranges(list(slid)))
    listed = "; ".join(f"[{n}] said what [{other}] says" for n, other in slid.items())
    quoted = "\n".join(f"[{s.number}] {s.text}" for s in wrong)
    repair += "\n" + context.prompts.render("translation_slid", **values, problems=listed, source_lines=quoted)
    return wrong, glossary_note(context, wrong) + repair


def _sources(work: Work) -> dict[int, str]:
    return {s.number: s.text for s in work.context.document.sentences}


class TranslateSlid(LinesAgain):
    name = "translate slid"
    before = TRANSLATE_AGAIN
    templates = ("translation_repair", "translation_slid")

    def lines(self, work: Work) -> tuple[tuple[Sentence, ...], str]:
        return _slid(work)

    def rank(self, work: Work, sentence: Sentence, text: str) -> tuple[int, ...]:
        """A line asked again replaces the first where it no longer slid, or has fewer problems."""
        before: Lines = work.result(TRANSLATE_AGAIN)
        slid = says_another(_sources(work), before, sentence.number, text)
        return int(slid), line_faults(work.context, sentence, text)


TRANSLATE_SLID = TranslateSlid()
