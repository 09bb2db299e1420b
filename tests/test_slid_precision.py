"""The slid-line detector judged by its false alarms too: right human translations of the dev set
(bench/ntrex-dev: line k of the French translates line k of the English) are not called slid, and
the same translations moved up a line (a skipped line) still are."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.grounding.alignment import slid_lines
from summarise.readers import load_document

DEV_SET = Path(__file__).resolve().parent.parent / "bench" / "ntrex-dev"
ARTICLES = sorted(path.name.removesuffix(".fr.txt") for path in DEV_SET.glob("*.fr.txt"))


def _aligned(name: str) -> tuple[dict[int, str], dict[int, str]]:
    """Source lines and their human English, for the paragraphs summarise reads as one line."""
    document = load_document(DEV_SET / f"{name}.fr.txt", 10**7)
    english = [p.strip() for p in (DEV_SET / f"{name}.en.ref").read_text(encoding="utf-8").split("\n") if p.strip()]
    sources: dict[int, str] = {}
    translated: dict[int, str] = {}
    for lines, paragraph in zip(document.paragraphs(), english, strict=True):
        if len(lines) == 1:
            sources[lines[0].number] = lines[0].text
            translated[lines[0].number] = paragraph
    return sources, translated


def test_the_dev_set_has_its_twelve_articles() -> None:
    assert len(ARTICLES) == 12


@pytest.mark.parametrize("name", ARTICLES)
def test_a_right_human_translation_is_not_called_slid(name: str) -> None:
    sources, translated = _aligned(name)
    assert slid_lines(sources, translated) == {}


def test_translations_moved_up_a_line_are_still_found() -> None:
    found = could = 0
    for name in ARTICLES:
        sources, translated = _aligned(name)
        numbers = sorted(translated)
        middle = len(numbers) // 2
        # from the middle on, each line holds the next line's English (the model skipped one)
        shifted = dict(translated)
        moved = [n for n, after in zip(numbers[middle:], numbers[middle + 1 :], strict=False) if after == n + 1]
        for number in moved:
            shifted[number] = translated[number + 1]
        slid = slid_lines(sources, {n: shifted[n] for n in numbers if n in moved or n < numbers[middle]})
        found += sum(n in slid for n in moved)
        could += len(moved)
    assert could > 50 and found / could >= 0.7, (found, could)
