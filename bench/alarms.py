"""False alarms and missed errors of the checks, with a translator that is perfect, in one run.

    python bench/alarms.py [--articles A,B] [--show]

No engine: every request is answered by a stand-in for a perfect endpoint, built on the
tests' FakeModel (tests/fake_model.py), from the dev set's English originals
(bench/ntrex-dev: line k of NAME.fr.txt translates line k of NAME.en.ref):
- a translation step answers each line it is shown with the English of that line (a
  paragraph the splitter cut into several lines gets its English cut the same way);
- the summary is the article's first few English lines, each with its `[n]`;
- the facts of each group of lines are English lines of the group, with their numbers
  (lines with a figure first), as JSON, as the facts task asks.
Every check that fails on such a brief is a false alarm. Printed per article and in all:
perfect briefs with no alarm, failed checks, flagged facts, lines marked as problems, and
failed checks by name.

Then, per article, one number is changed (a digit of the first figure of the first line
with one, +7 mod 10: "802.11a" -> "809.11a", "1930s" -> "1937s") in that line's first
translation and in the fact from that line. Caught: the line is marked as a problem or put
right by the repair calls (which the stand-in answers perfectly), and the fact is flagged.
Exits 1 when a goal of issue 35 is missed (>= 90% clean briefs; 100% caught).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tests' FakeModel: the bench answers through it

from fake_model import FakeModel  # noqa: E402

from summarise.brief import Brief  # noqa: E402
from summarise.config import DEFAULT_ENGINE_CONTEXT, BriefOptions  # noqa: E402
from summarise.documents import Document, split_sentences  # noqa: E402
from summarise.grounding.alignment import slid_lines  # noqa: E402
from summarise.model import Completion, Request  # noqa: E402
from summarise.model.endpoint import Endpoint  # noqa: E402
from summarise.model.llm import LLM  # noqa: E402
from summarise.model.usage import UsageMeter  # noqa: E402
from summarise.pipeline import build_brief  # noqa: E402
from summarise.readers import load_document  # noqa: E402
from summarise.reporting import SILENT, Reporter  # noqa: E402
from summarise.tasks.prompts import Prompts  # noqa: E402

DEV_SET = Path(__file__).with_name("ntrex-dev")
CLEAN_GOAL = 0.9
_SHOWN_LINE = re.compile(r"^\[(\d+)\] ", re.MULTILINE)
_GROUP = re.compile(r"lines \[(\d+)\] to \[(\d+)\]")
_MAX_FACTS = re.compile(r"up to (\d+) key facts")
_FIGURE = re.compile(r"\d+")
_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")
_NUMBER_WORD = re.compile(rf"\b(?:{'|'.join(_NUMBER_WORDS)})\b", re.IGNORECASE)


def english_lines(document: Document, reference: str) -> dict[int, str]:
    """Line number -> the English original of that line.

    Paragraph k of the French is paragraph k of the English. Where summarise cut a paragraph
    into several lines, the English paragraph is cut the same way when its own sentences are
    as many; otherwise its words are shared out in proportion to the French lines' lengths."""
    paragraphs = [p.strip() for p in reference.split("\n") if p.strip()]
    by_paragraph = document.paragraphs()
    if len(paragraphs) != len(by_paragraph):
        raise SystemExit(f"{document.source}: {len(by_paragraph)} paragraphs, {len(paragraphs)} in the English")
    english: dict[int, str] = {}
    for lines, paragraph in zip(by_paragraph, paragraphs, strict=True):
        sentences = [s.text for s in split_sentences(paragraph, "en")]
        if len(sentences) != len(lines):
            words = paragraph.split()
            total = sum(len(s.text) for s in lines)
            sentences, start, seen = [], 0, 0
            for line in lines:
                seen += len(line.text)
                end = round(len(words) * seen / total)
                sentences.append(" ".join(words[start:end]))
                start = end
        for line, text in zip(lines, sentences, strict=True):
            english[line.number] = text
    return english


@dataclass(frozen=True)
class Injection:
    line: int
    right: str
    wrong: str


def inject(english: dict[int, str]) -> Injection | None:
    """The first line with a figure, with one digit of that figure changed; in an article with
    no figure, the first number word changed to another ("two" -> "nine")."""
    for number in sorted(english):
        if figure := _FIGURE.search(english[number]):
            at = figure.end() - 1
            digit = str((int(english[number][at]) + 7) % 10)
            return Injection(number, english[number], english[number][:at] + digit + english[number][at + 1 :])
    for number in sorted(english):
        if word := _NUMBER_WORD.search(english[number]):
            other = _NUMBER_WORDS[(_NUMBER_WORDS.index(word.group().lower()) + 7) % len(_NUMBER_WORDS)]
            changed = english[number][: word.start()] + other + english[number][word.end() :]
            return Injection(number, english[number], changed)
    return None


def english_lines_of(name: str) -> dict[int, str]:
    document = load_document(DEV_SET / f"{name}.fr.txt", 10_000_000)
    return english_lines(document, (DEV_SET / f"{name}.en.ref").read_text(encoding="utf-8"))


class PerfectEndpoint(FakeModel):
    """A stand-in for a perfect endpoint: FakeModel, given each answer as the step asks for it."""

    def __init__(self, english: dict[int, str], injection: Injection | None = None) -> None:
        super().__init__()
        self.english = english
        self.injection = injection

    def answer(self, request: Request, usage: UsageMeter, reporter: Reporter = SILENT) -> Completion | None:
        self.enqueue(request.step, self._text(request))
        return super().answer(request, usage, reporter)

    def _line(self, number: int, wrong: bool) -> str:
        if wrong and self.injection and number == self.injection.line:
            return self.injection.wrong
        return self.english[number]

    def _text(self, request: Request) -> str:
        shown = [int(n) for n in _SHOWN_LINE.findall(request.messages[1]["content"])]  # the fenced document
        task = request.messages[-1]["content"] if request.step.startswith("facts") else ""
        if request.step.startswith("translate"):
            first = request.step == "translate"  # repairs are answered right: they put a changed line right
            return "\n".join(f"[{n}] {self._line(n, first)}" for n in shown)
        if request.step.startswith("facts"):
            group = _GROUP.findall(task)[-1]
            most = int(_MAX_FACTS.findall(task)[-1])
            lines = [n for n in shown if int(group[0]) <= n <= int(group[1])]
            wanted = {self.injection.line} if self.injection else set()
            chosen = sorted(lines, key=lambda n: (n not in wanted, not _FIGURE.search(self.english[n]), n))[:most]
            return json.dumps({"facts": [f"[{n}] {self._line(n, True)}" for n in sorted(chosen)]})
        return self._summary(shown)

    def _summary(self, shown: list[int]) -> str:
        """The first English lines that fit 3 sentences and 120 words, each with its `[n]`."""
        chosen: list[int] = []
        for number in shown:
            words = sum(len(self.english[n].split()) for n in chosen) + len(self.english[number].split())
            if words <= 110 and len(split_sentences(self.english[number], "en")) == 1:
                chosen.append(number)
            if len(chosen) == 3:
                break
        chosen = chosen or shown[:3]
        return " ".join(f"{self.english[n].rstrip('.')}. [{n}]" for n in chosen)


def brief_of(document: Document, model: PerfectEndpoint) -> Brief:
    llm = LLM(Endpoint("stand-in", "stand-in", "stand-in", "not-needed"), context_tokens=DEFAULT_ENGINE_CONTEXT)
    return build_brief(document, llm, Prompts(), BriefOptions(), model=model)


@dataclass
class Alarms:
    failed: list[str] = field(default_factory=list)  # names of failed checks
    flagged_facts: int = 0
    problem_lines: int = 0
    flagged_summary: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.failed or self.flagged_facts or self.problem_lines or self.flagged_summary)


def alarms_of(brief: Brief) -> Alarms:
    found = Alarms()
    for check in brief.checks:
        if not check.passed:
            found.failed.append(check.name)
            found.details.append(f"{check.name}: {check.detail}")
    found.flagged_facts = sum(not fact.supported for fact in brief.facts)
    found.problem_lines = sum(bool(line.problems) for line in brief.lines)
    found.flagged_summary = sum(bool(s.problems) for s in brief.summary_sentences)
    if not brief.complete:
        found.failed.append("status: incomplete")
        found.details += [f"problem: {p}" for p in brief.problems]
    return found


def caught(brief: Brief, injection: Injection) -> tuple[bool, bool]:
    """(the changed line caught, the changed fact caught)."""
    line = next(line for line in brief.lines if line.number == injection.line)
    line_caught = bool(line.problems) or line.translation == injection.right
    fact = next((f for f in brief.facts if f.statement.strip() == injection.wrong.strip()), None)
    return line_caught, fact is None or not fact.supported


def slide_figures(document: Document, english: dict[int, str]) -> tuple[int, int, int]:
    """The slid-line detector on this article: lines of the perfect translation it calls slid;
    and with the middle line skipped (each later line holding the next one's English, as when a
    model skips a line and keeps counting), the slid lines it finds of those it could."""
    sources = {s.number: s.text for s in document.sentences}
    false = len(slid_lines(sources, english))
    skipped = len(english) // 2
    shifted = {n: english[n + 1] if n >= skipped else english[n] for n in english if n + 1 in english}
    slid = [n for n in shifted if n >= skipped and english[n + 1] != english[n]]
    found = slid_lines(sources, shifted)
    return false, sum(n in found for n in slid), len(slid)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", help="comma-separated names (default: all)")
    parser.add_argument("--show", action="store_true", help="print what each failed check says")
    args = parser.parse_args()
    names = sorted(p.name.removesuffix(".fr.txt") for p in DEV_SET.glob("*.fr.txt"))
    if args.articles:
        names = [n for n in names if n in args.articles.split(",")]
    clean = 0
    totals = Alarms()
    by_check: Counter[str] = Counter()
    lines_caught = facts_caught = injected = 0
    slide_false = slide_found = slide_total = 0
    print(f"{'article':28} {'clean':>5} {'failed':>6} {'facts':>5} {'lines':>5} {'summ':>4}  injected: line fact")
    for name in names:
        document = load_document(DEV_SET / f"{name}.fr.txt", 10_000_000)
        english = english_lines_of(name)
        found = alarms_of(brief_of(document, PerfectEndpoint(english)))
        clean += found.clean
        totals.failed += found.failed
        totals.flagged_facts += found.flagged_facts
        totals.problem_lines += found.problem_lines
        totals.flagged_summary += found.flagged_summary
        by_check.update(found.failed)
        false, found_slid, could = slide_figures(document, english)
        slide_false, slide_found, slide_total = slide_false + false, slide_found + found_slid, slide_total + could
        shown = "-"
        if injection := inject(english):
            line_ok, fact_ok = caught(brief_of(document, PerfectEndpoint(english, injection)), injection)
            injected += 1
            lines_caught += line_ok
            facts_caught += fact_ok
            shown = f"[{injection.line}] {'caught' if line_ok else 'MISSED'} {'caught' if fact_ok else 'MISSED'}"
        print(
            f"{name:28} {'yes' if found.clean else 'no':>5} {len(found.failed):>6} {found.flagged_facts:>5} "
            f"{found.problem_lines:>5} {found.flagged_summary:>4}  {shown}"
        )
        if args.show:
            for detail in found.details:
                print(f"    {detail}")
    print()
    print(f"perfect briefs with no alarm: {clean} of {len(names)}")
    print(
        f"failed checks: {len(totals.failed)}; flagged facts: {totals.flagged_facts}; "
        f"problem lines: {totals.problem_lines}; flagged summary sentences: {totals.flagged_summary}"
    )
    for check, count in by_check.most_common():
        print(f"  {count:3}  {check}")
    print(f"injected wrong numbers caught: lines {lines_caught} of {injected}, facts {facts_caught} of {injected}")
    lines = sum(len(english_lines_of(name)) for name in names)
    print(
        f"slid-line detector: {slide_false} of {lines} right lines called slid; "
        f"{slide_found} of {slide_total} slid lines found (each article's middle line skipped)"
    )
    met = clean >= CLEAN_GOAL * len(names) and lines_caught == facts_caught == injected
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
