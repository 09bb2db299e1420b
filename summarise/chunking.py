"""Token counting (offline) and chunk plans that cut at paragraph, sentence, then word boundaries."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from summarise.documents import Document, Sentence

if TYPE_CHECKING:
    import tiktoken

# tiktoken downloads its BPE file on first use and fails offline, so we ship the file and
# load it ourselves; the hash is tiktoken's own for cl100k_base, so a tampered file is refused.
_CL100K_FILE = Path(__file__).parent / "data" / "cl100k_base.tiktoken"
_CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
_CL100K_PATTERN = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""  # noqa: E501
# cl100k counts are an estimate for other tokenizers (the bundled Qwen model's among them):
# plan with headroom so a chunk never overflows the real context.
ESTIMATE_HEADROOM = 1.15
# The translation of a chunk is about as long as the chunk; leave room for wordier languages.
TRANSLATION_EXPANSION = 1.6
DEFAULT_MAX_CHUNK_TOKENS = 2500


class Memo(Protocol):
    """Where counts are kept between runs: the cache folder's (model/cache.ResponseCache)."""

    def get(self, key: str, /) -> dict[str, Any] | None: ...
    def set(self, key: str, value: dict[str, Any], /) -> None: ...


# Counts kept on disk by the text's sha256: loading the encoding takes ~0.5 s, which a re-run
# whose every answer is cached (and whose every count is then known) need not spend.
_MEMO_KEY = "cl100k-1:"
_memo: Memo | None = None


def remember_counts_in(memo: Memo | None) -> None:
    """Keep token counts in `memo` (in the cache folder), or, with None, nowhere."""
    global _memo
    _memo = memo
    count_tokens.cache_clear()


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    import tiktoken  # the encoding costs ~0.5 s to build: only when a count is not remembered
    from tiktoken.load import load_tiktoken_bpe

    ranks = load_tiktoken_bpe(str(_CL100K_FILE), expected_hash=_CL100K_SHA256)
    return tiktoken.Encoding(
        name="cl100k_base",
        pat_str=_CL100K_PATTERN,
        mergeable_ranks=ranks,
        special_tokens={"<|endoftext|>": 100257},
    )


@lru_cache(maxsize=1 << 14)
def count_tokens(text: str) -> int:
    memo = _memo
    if memo is None:
        return len(encoding().encode(text, disallowed_special=()))
    key = _MEMO_KEY + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    known = memo.get(key)
    if known is not None and isinstance(known.get("tokens"), int):
        return int(known["tokens"])
    tokens = len(encoding().encode(text, disallowed_special=()))
    memo.set(key, {"tokens": tokens})
    return tokens


@dataclass(frozen=True)
class Chunk:
    index: int  # 1-based
    sentences: tuple[Sentence, ...]
    tokens: int

    @property
    def first(self) -> int:
        return self.sentences[0].number

    @property
    def last(self) -> int:
        return self.sentences[-1].number


def chunk_budget(context_tokens: int, prompt_overhead: int, cap: int | None) -> int:
    """Document tokens per chunk so that prompt + chunk + its translation fit the context."""
    room = context_tokens / ESTIMATE_HEADROOM - prompt_overhead
    budget = int(room / (1 + TRANSLATION_EXPANSION))
    return max(64, min(budget, cap or DEFAULT_MAX_CHUNK_TOKENS))


def _split_tokens(word: str, budget: int) -> list[str]:
    """A run with no spaces (a 200,000-character line, Chinese or Japanese text) cut by tokens."""
    tokens = encoding().encode(word, disallowed_special=())
    _text, offsets = encoding().decode_with_offsets(tokens)
    # A character split across tokens starts at its first token's offset: cut only where a new
    # character starts, so no piece holds half a character (and none is over by more than one).
    cuts = sorted({offsets[i] for i in range(0, len(tokens), max(1, budget - 1))} | {len(word)})
    return [word[a:b] for a, b in itertools.pairwise(cuts) if word[a:b]]


def split_to_budget(text: str, budget: int) -> list[tuple[str, str]]:
    """A sentence over the budget -> (piece, joiner) pairs of at most `budget` tokens each: cut at
    spaces where it has them, by tokens where it does not (joiner "": the text goes on unbroken)."""
    pieces: list[tuple[str, str]] = []
    current: list[str] = []
    current_tokens = 0
    for word in re.findall(r"\S+", text):
        tokens = count_tokens(" " + word)  # cl100k splits at spaces, so counts add up
        if tokens > budget:
            if current:
                pieces.append((" ".join(current), " "))
                current, current_tokens = [], 0
            parts = _split_tokens(word, budget)
            pieces += [(part, "" if index < len(parts) - 1 else " ") for index, part in enumerate(parts)]
            continue
        if current and current_tokens + tokens > budget:
            pieces.append((" ".join(current), " "))
            current, current_tokens = [], 0
        current.append(word)
        current_tokens += tokens
    if current:
        pieces.append((" ".join(current), " "))
    return pieces


def fit_sentences(document: Document, budget: int) -> Document:
    """Cut any sentence longer than the budget (at spaces, else by tokens), renumbering the rest."""
    if all(count_tokens(s.text) <= budget for s in document.sentences):
        return document
    sentences: list[Sentence] = []
    for sentence in document.sentences:
        fits = count_tokens(sentence.text) <= budget
        pieces = [(sentence.text, sentence.joiner)] if fits else split_to_budget(sentence.text, budget)
        for position, (piece, joiner) in enumerate(pieces):
            if position == len(pieces) - 1:
                joiner = sentence.joiner
            # replace() keeps the sentence's location (page, heading) on every piece
            sentences.append(replace(sentence, number=len(sentences) + 1, text=piece, joiner=joiner))
    return replace(document, sentences=tuple(sentences))


def plan_chunks(document: Document, budget: int) -> list[Chunk]:
    """Pack whole paragraphs into chunks; split a paragraph at sentences only when it cannot fit."""
    chunks: list[Chunk] = []
    current: list[Sentence] = []
    current_tokens = 0

    def close() -> None:
        nonlocal current, current_tokens
        if current:
            chunks.append(Chunk(len(chunks) + 1, tuple(current), current_tokens))
        current, current_tokens = [], 0

    for paragraph in document.paragraphs():
        paragraph_tokens = sum(count_tokens(s.text) + 1 for s in paragraph)
        if current and current_tokens + paragraph_tokens > budget:
            close()
        for sentence in paragraph:
            tokens = count_tokens(sentence.text) + 1
            if current and current_tokens + tokens > budget:
                close()
            current.append(sentence)
            current_tokens += tokens
    close()
    return chunks
