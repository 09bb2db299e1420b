"""Loading: encodings, newlines, page furniture, language, sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import LONG_SEED, SHORT_SEED, seed

from summarise.errors import InputError
from summarise.readers import load_document
from summarise.readers.text import parse_document

FRENCH = (
    "Le 11 mai 2022, le Maroc accueille à Marrakech la réunion de la Coalition. Les délégués arrivent à l’aéroport."
)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-8-sig", "utf-16"])
def test_french_text_in_any_common_encoding_comes_out_right(encoding: str) -> None:
    document = parse_document(FRENCH.replace("’", "'").encode(encoding), "x.txt")
    assert "accueille à Marrakech" in document.text
    assert "délégués" in document.text
    assert document.language == "fr"


def test_windows_and_old_mac_newlines_are_normalised() -> None:
    document = parse_document(b"Premier paragraphe.\r\n\r\nDeuxi\xc3\xa8me.\rSuite.", "x.txt")
    assert "\r" not in document.text
    assert document.paragraph_count == 2


def test_terminal_escapes_and_control_characters_are_removed() -> None:
    document = parse_document("Bonjour \x1b[31mrouge\x1b[0m et\x07 voilà tout le texte en français.".encode(), "x")
    assert "\x1b" not in document.text and "\x07" not in document.text
    assert "rouge" in document.text


def test_noisy_press_release_loses_navigation_and_footer_but_keeps_content() -> None:
    document = load_document(seed(LONG_SEED), 10**7)
    assert document.language == "fr"
    assert not document.text.startswith("rss")
    assert "English English" not in document.text
    assert "abonner" not in document.text
    assert document.text.startswith("Compte rendu de la réunion au Maroc")
    assert "7,7 millions" in document.text and "575 millions de dollars" in document.text
    assert {"rss", "English English, العربية العربية, Русский Русский"} <= set(document.dropped)


def test_leading_date_line_becomes_metadata() -> None:
    document = load_document(seed(SHORT_SEED), 10**7)
    assert document.metadata == {"date": "2022-05"}
    assert document.text.startswith("Le 11 mai 2022")


def test_sentences_are_numbered_across_paragraphs() -> None:
    document = load_document(seed(SHORT_SEED), 10**7)
    assert [s.number for s in document.sentences] == list(range(1, len(document.sentences) + 1))
    assert document.paragraph_count == 9
    assert (
        document.sentences[4].text
        == "Il y a juste quelques mois, la Coalition a annoncé la création de l’Africa Focus Group."
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The meeting in Marrakech reviewed the campaign against the terrorist group.", "en"),
        ("Die Koalition traf sich heute in Marokko, um die weltweite Kampagne zu überprüfen.", "de"),
        ("La coalición se reunió hoy en Marruecos para revisar la campaña mundial.", "es"),
    ],
)
def test_language_is_detected(text: str, language: str) -> None:
    assert parse_document(text.encode(), "x").language == language


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"%PDF-1.7\n", "PDF file"),
        (b"PK\x03\x04\x14\x00", "ZIP archive"),
        (b"abc\x00\x01\x02def", "binary file"),
    ],
)
def test_what_is_not_text_is_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_document(data, "x.bin")


def test_missing_file_folder_and_size_limit(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "nope.txt", 10**7)
    with pytest.raises(InputError, match="is a folder"):
        load_document(tmp_path, 10**7)
    big = tmp_path / "big.txt"
    big.write_text("mot " * 1000)
    with pytest.raises(
        InputError, match=r"4,000 bytes is over the 1,000-byte limit; raise it with SUMMARISE_MAX_BYTES"
    ):
        load_document(big, 1000)
