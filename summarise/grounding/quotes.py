"""Quotes: find a quoted sentence in the source, exactly, normalised or fuzzily.

Pure functions (no I/O). Normalisation (case, Unicode form, quote marks, dashes,
whitespace) is for comparing, never for display: offsets map back to the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from summarise.brief import MatchKind


@dataclass(frozen=True)
class QuoteMatch:
    kind: MatchKind
    score: float
    start: int  # offsets in the ORIGINAL source, -1 if absent
    end: int


# Typographic variants that carry no meaning for a quote check. All quote marks
# collapse to one character because translators and LLMs swap styles freely.
_CHAR_MAP = str.maketrans(
    {**dict.fromkeys('’‘‚‛′`«»“”„‟"‹›', "'"), **dict.fromkeys("–—‐‑‒−﹘", "-")}
    | dict.fromkeys("\u00ad\u200b\u200c\u200d\u200e\u200f\ufeff\u2060", "")  # soft hyphen, zero-width, bidi
)


@lru_cache(maxsize=16)  # find_quote is called once per quote on the same source
def _normalise_map(text: str) -> tuple[str, list[int], list[int]]:
    """Normalised text plus, per output char, the [start, end) span it came from."""
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1  # keep a base letter with its combining marks so NFKC can compose them
        for c in unicodedata.normalize("NFKC", text[i:j]).casefold().translate(_CHAR_MAP):
            out.append((" " if c.isspace() else c, i, j))
        i = j
    kept: list[tuple[str, int, int]] = []
    for k, item in enumerate(out):
        nxt = out[k + 1][0] if k + 1 < len(out) else " "
        # Collapse and trim whitespace, and drop it next to quote marks: French
        # writes « mot », English "word"; both must normalise the same way.
        if item[0] == " " and (not kept or kept[-1][0] in " '" or nxt in " '"):
            continue
        kept.append(item)
    return "".join(c for c, _, _ in kept), [s for _, s, _ in kept], [e for _, _, e in kept]


_WHITESPACE = re.compile(r"\s+")
_SPACE_BY_QUOTE = re.compile(r" ?' ?")


@lru_cache(maxsize=4096)
def normalise_text(text: str) -> str:
    """Casefolded NFKC text with unified quotes/dashes and collapsed whitespace.

    Every quote mark becomes "'" and spaces next to quote marks are dropped, so
    the result is for comparing, not for display. Equal to `_normalise_map(text)[0]`,
    done on the whole string at once: the checks normalise every translation and fact.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_CHAR_MAP)
    return _SPACE_BY_QUOTE.sub("'", _WHITESPACE.sub(" ", folded)).strip()


def find_quote(quote: str, source: str, fuzzy_threshold: float = 90.0) -> QuoteMatch:
    """Locate `quote` in `source`: exact, then normalised, then fuzzy."""
    if not quote.strip():
        return QuoteMatch("absent", 0.0, -1, -1)
    if (idx := source.find(quote)) >= 0:
        return QuoteMatch("exact", 100.0, idx, idx + len(quote))
    nq = normalise_text(quote)
    ns, starts, ends = _normalise_map(source)
    if not nq or not ns:
        return QuoteMatch("absent", 0.0, -1, -1)
    if (idx := ns.find(nq)) >= 0:
        return QuoteMatch("normalised", 100.0, starts[idx], ends[idx + len(nq) - 1])
    if len(nq) > len(ns):
        # partial_ratio would align the whole source inside a longer quote and
        # score it 100 even if the quote adds invented text: compare whole strings.
        score, lo, hi = fuzz.ratio(nq, ns), 0, len(ns)
    else:
        al = fuzz.partial_ratio_alignment(nq, ns)
        score, lo, hi = (al.score, al.dest_start, al.dest_end) if al is not None else (0.0, 0, 0)
    if score >= fuzzy_threshold and hi > lo:
        start, end = starts[lo], ends[hi - 1]
        # The alignment window can cut words in half ("accord" of "L’accord"): widen to whitespace.
        while start > 0 and not source[start - 1].isspace() and not source[start].isspace():
            start -= 1
        while end < len(source) and not source[end].isspace() and not source[end - 1].isspace():
            end += 1
        return QuoteMatch("fuzzy", score, start, end)
    return QuoteMatch("absent", score, -1, -1)
