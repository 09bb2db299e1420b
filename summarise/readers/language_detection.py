"""Which language a text is in, and how much of a document is in each language.

py3langid guesses on any input, however short; the thresholds here turn a guess it cannot
back into "unknown" (a text) or into the document's own language (a part of a document).
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # documents/__init__.py identifies each document's language with this module
    from summarise.documents import Document
    from summarise.model.cache import ResponseCache

# Below this many letters, or this confidence, language identification guesses
# ("Hello world." -> fuv, "Le budget 2023: 7,5 M€." -> da): say "unknown" instead.
UNKNOWN_LANGUAGE = "unknown"
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.5
# A part of a document counts as another language only when identified this surely, in
# at least this many letters (markup and entities otherwise pass for Irish or Danish).
MIX_CONFIDENCE = 0.7
MIX_LETTERS = 30
# Paragraphs of several sentences are judged sentence by sentence (a French quote in English
# prose), up to this much text: beyond, paragraph by paragraph (~0.5 ms a sentence adds up).
SENTENCE_BY_SENTENCE = 300_000


# Identifications kept on disk, by the text's sha256: loading the identifier's model takes
# 0.6 s, which a re-run of the same documents (answers all cached) need not spend.
_MEMO_KEY = "langid-1:"
_memo: ResponseCache | None = None


def remember_in(directory: Path | None) -> None:
    """Keep identifications in `directory` (in the cache folder), or, with None, nowhere."""
    from summarise.errors import CacheUnusable
    from summarise.model.cache import ResponseCache
    from summarise.reporting import SILENT

    global _memo
    try:
        _memo = ResponseCache(directory, SILENT) if directory is not None else None
    except CacheUnusable:  # a read-only cache folder: identify each time, as without a cache
        _memo = None


def identify(text: str) -> tuple[str, float]:
    """(ISO code, confidence 0-1), or ("unknown", 0) when the text is too short to tell."""
    sample = text[:20000]
    if len(re.findall(r"[^\W\d_]", sample)) < MIN_LETTERS:
        return UNKNOWN_LANGUAGE, 0.0
    memo, key = _memo, _MEMO_KEY + hashlib.sha256(sample.encode("utf-8", "surrogatepass")).hexdigest()
    known = memo.get(key) if memo is not None else None
    if known is not None and isinstance(known.get("code"), str) and isinstance(known.get("confidence"), float):
        return known["code"], known["confidence"]
    import py3langid  # loads its model on first use: only when an identification is not remembered

    ranked = py3langid.rank(sample)  # log-probabilities, best first
    best = ranked[0][1]
    confidence = 1.0 / sum(math.exp(score - best) for _code, score in ranked[:20])
    if memo is not None:
        memo.set(key, {"code": str(ranked[0][0]), "confidence": confidence})
    return str(ranked[0][0]), confidence


def detect_language(text: str) -> str:
    code, confidence = identify(text)
    return code if confidence >= MIN_CONFIDENCE else UNKNOWN_LANGUAGE


def language_mix(document: Document) -> dict[str, float]:
    """Share of the document's letters in each language, judged sentence by sentence (paragraph
    by paragraph in very long documents). A part too short or too unclear to tell is taken to be in the document's
    language (itself "unknown" when the whole text is too short to tell)."""
    letters: dict[str, int] = {}
    by_sentence = len(document.text) <= SENTENCE_BY_SENTENCE
    for paragraph in document.paragraphs():
        units = [s.text for s in paragraph] if by_sentence else [" ".join(s.text for s in paragraph)]
        for unit in units:
            code, confidence = identify(unit)
            count = len(re.findall(r"[^\W\d_]", unit))
            if code != document.language and (confidence < MIX_CONFIDENCE or count < MIX_LETTERS):
                code = document.language
            letters[code] = letters.get(code, 0) + count
    total = sum(letters.values()) or 1
    return {code: round(count / total, 2) for code, count in sorted(letters.items(), key=lambda kv: -kv[1]) if count}
