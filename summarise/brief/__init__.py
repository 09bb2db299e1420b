"""The brief package: what a brief is. Exports the frozen records (here); where its files go and how
they are written is brief/files.py; the package's version is brief/version.py (it imports nothing).

The records a brief is made of: Brief, Fact, SummarySentence, Check, Usage. Frozen: built once, then read.

Also what the tasks read from an answer for grounding/ to check (RawFact, CitedSentence):
records both layers share, so neither imports the other's.

Rendering them (Markdown, JSON, front matter) is summarise/render/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

# How a line the model could not translate shows, before its source text, wherever the
# translation is shown (Markdown, page, JSON). The state itself is Line.translated.
UNTRANSLATED_MARK = "[untranslated]"

# How a fact's evidence was found in the source (summarise/grounding/quotes.py).
MatchKind = Literal["exact", "normalised", "fuzzy", "absent"]

# What a fact or summary sentence no line of the source says is flagged with.
NOT_FOUND = "not found in the source: no line says this"


@dataclass(frozen=True)
class RawFact:
    """A fact as the model gave it (tasks/fact_answers.py), before code finds it in the source."""

    sentence: int  # the numbered source line ("line" method), 0 when the model quoted instead
    category: str
    statement: str
    quote: str = ""  # the model's verbatim quote ("quote" method)


@dataclass(frozen=True)
class Fact:
    statement: str  # in the target language
    category: str
    sentence: int  # the numbered source line that supports it
    paragraph: int
    evidence: str  # that source line, verbatim
    match: MatchKind = "exact"
    problems: tuple[str, ...] = ()  # e.g. "2023 is not in the evidence"
    note: str = ""  # e.g. the evidence was re-anchored from the line the model cited
    page: int = 0  # of a PDF: where a reviewer finds the evidence in the original
    heading: str = ""  # the heading above the evidence (Word, HTML, Markdown)

    @property
    def supported(self) -> bool:
        """Code saw the fact on its line: its content there, its numbers agreeing (grounding/facts.py)."""
        return self.match != "absent" and not self.problems

    @property
    def status(self) -> str:
        """ "supported" (seen on its line), "not found" (no line of the source says it) or
        "flagged" (on its line, but a number, qualifier or term there disagrees)."""
        if self.supported:
            return "supported"
        return "not found" if self.match == "absent" or NOT_FOUND in self.problems else "flagged"


@dataclass(frozen=True)
class CitedSentence:
    """One sentence of the summary as the model wrote it: its words without the `[n]` markers,
    and the lines those named (read once from the answer: grounding/summary.read_summary)."""

    text: str
    cited: tuple[int, ...] = ()


@dataclass(frozen=True)
class SummarySentence:
    """One sentence of the summary, the source lines it cites, and what code found wrong in it."""

    text: str  # without its `[n]` citations
    lines: tuple[int, ...] = ()  # the source lines that say it (grounding/summary.py)
    problems: tuple[str, ...] = ()
    named: bool = False  # the summary cited these lines itself (else code found them)
    note: str = ""  # e.g. "re-linked: the summary cited line 3"


@dataclass(frozen=True)
class Finding:
    """One item a failed check names: a source line or a fact (1-based), and why, in words."""

    number: int
    reason: str


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str
    # What the check names, so a page can link each to its line, fact or summary sentence.
    lines: tuple[Finding, ...] = ()
    facts: tuple[Finding, ...] = ()
    sentences: tuple[Finding, ...] = ()  # summary sentences, 1-based


@dataclass(frozen=True)
class Usage:
    """What a brief (or a batch) cost; the server's prompt cache is counted apart."""

    llm_calls: int = 0  # requests actually sent
    cache_hits: int = 0  # answers served from our disk cache
    prompt_tokens: int = 0
    prompt_tokens_cached_by_server: int = 0  # prompt tokens the server reused from its own prompt cache
    completion_tokens: int = 0

    @property
    def prompt_tokens_processed(self) -> int:
        return self.prompt_tokens - self.prompt_tokens_cached_by_server

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.llm_calls + other.llm_calls,
            self.cache_hits + other.cache_hits,
            self.prompt_tokens + other.prompt_tokens,
            self.prompt_tokens_cached_by_server + other.prompt_tokens_cached_by_server,
            self.completion_tokens + other.completion_tokens,
        )

    def as_dict(self) -> dict[str, int]:
        """As the front matter and the batch state file show it."""
        return {
            "llm_calls": self.llm_calls,
            "cache_hits": self.cache_hits,
            "prompt_tokens": self.prompt_tokens,
            "prompt_tokens_cached_by_server": self.prompt_tokens_cached_by_server,
            "prompt_tokens_processed": self.prompt_tokens_processed,
            "completion_tokens": self.completion_tokens,
        }


@dataclass(frozen=True)
class Line:
    """One numbered source line beside its translation: what the side-by-side view shows."""

    number: int
    paragraph: int
    source: str
    translation: str  # "" when the brief was made before lines were kept one by one
    problems: tuple[str, ...] = ()  # what code found wrong with this line's translation, in words
    # False when the model gave no translation: `translation` is then the source line, shown marked
    translated: bool = True
    notes: tuple[str, ...] = ()  # what code changed in the translation ("term set by the glossary: …")
    # Where a translation no model wrote came from: "from review of NAME by X on DATE" (the
    # translation memory, config/memory.py); "" for the model's own.
    origin: str = ""
    suggestion: str = ""  # a near match in the translation memory, offered to the reviewer, never used

    @property
    def shown(self) -> str:
        """The translation as a brief shows it: a line left untranslated marked as such."""
        return self.translation if self.translated else shown_untranslated(self.translation)


def shown_untranslated(source: str) -> str:
    return f"{UNTRANSLATED_MARK} {source}"


FACT_VERDICTS = ("right", "wrong", "unsure")


@dataclass(frozen=True)
class FactVerdict:
    """A reviewer's verdict on one fact (1-based), recorded with the brief's decision."""

    fact: int
    verdict: str  # one of FACT_VERDICTS
    note: str = ""


REVIEW_DECISIONS = ("approved", "rejected")

EDIT_KINDS = ("line", "fact", "summary")  # what a reviewer can correct in the desk


@dataclass(frozen=True)
class Edit:
    """A reviewer's correction of one translation line, fact or summary sentence (1-based):
    kept with the brief, re-applied when a re-run writes the same `before` again."""

    kind: str  # one of EDIT_KINDS
    number: int
    before: str
    after: str  # equal to `before`: the reviewer confirmed the text as it is
    by: str
    at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class Review:
    """A reviewer's decision, bound to the exact brief text they read (summarise/review/__init__.py)."""

    decision: str  # one of REVIEW_DECISIONS
    by: str
    at: str  # ISO 8601, UTC
    reason: str = ""
    reviewed_sha256: str = ""  # of the Markdown below the front matter: a changed brief needs review again
    facts: tuple[FactVerdict, ...] = ()  # per-fact verdicts given in the review desk


@dataclass(frozen=True)
class Brief:
    title: str
    source: str
    source_sha256: str
    source_language: str
    target_language: str
    model: str
    endpoint: str
    created: str
    brief_key: str  # source hash + settings: a brief with the same key is up to date
    summary: str
    facts: tuple[Fact, ...]
    translation: tuple[str, ...]  # one entry per source paragraph
    usage: Usage
    chunks: int
    checks: tuple[Check, ...] = ()
    problems: tuple[str, ...] = ()  # tasks that failed for part of the document
    metadata: Mapping[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    source_format: str = "text"  # the reader that read it: text, pdf, docx, html, markdown
    source_pages: int = 0
    # (paragraph it follows, text): code and front matter of the source, kept as they are
    verbatim: tuple[tuple[int, str], ...] = ()
    source_languages: Mapping[str, float] = field(default_factory=dict)  # share of the text in each
    lines: tuple[Line, ...] = ()  # every source line with its translation, in order
    review: Review | None = None  # set when a brief is written over one a reviewer decided on
    summary_sentences: tuple[SummarySentence, ...] = ()  # the summary, sentence by sentence, with its evidence
    edits: tuple[Edit, ...] = ()  # the reviewer's corrections, in the order they were made
    # (source term, target term): the glossary entries this brief was checked with, so that a
    # correction made later is checked against the same terms
    glossary: tuple[tuple[str, str], ...] = ()

    @property
    def supported_facts(self) -> int:
        return sum(fact.supported for fact in self.facts)

    @property
    def complete(self) -> bool:
        return not self.problems
