"""Loading documents from several threads at once gives each its own sentences."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from summarise.readers.text import parse_document


def test_sentence_splitting_is_safe_across_threads() -> None:
    texts = [" ".join(f"Phrase {n} du document {d}, avec quelques mots de plus." for n in range(30)) for d in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        documents = list(pool.map(lambda text: parse_document(text.encode(), "x"), texts * 4))
    for text, document in zip(texts * 4, documents, strict=True):
        assert [s.text for s in document.sentences] == [f"{p.strip()}." for p in text.split(".") if p.strip()]
