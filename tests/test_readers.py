"""Readers: real PDF, Word, HTML and Markdown files (tests/fixtures/, made by make_fixtures.py)
come back as the paragraphs a reader of the original sees, each sentence with its location."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fixtures import make_fixtures as made

from summarise import readers
from summarise.errors import InputError
from summarise.readers.reading_order import Line, Page, join_lines, paragraphs

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str, as_name: str | None = None) -> readers.Document:
    return readers.read((FIXTURES / name).read_bytes(), as_name or name)


def texts(document: readers.Document) -> list[str]:
    return [" ".join(sentence.text for sentence in paragraph) for paragraph in document.paragraphs()]


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_paragraphs_are_rebuilt_across_lines_and_hyphens_without_header_footer_or_page_numbers() -> None:
    document = read("report.pdf")
    assert texts(document) == [p for page in made.REPORT_PAGES for p in page]  # "trans-ports" made whole
    assert document.kind == "pdf" and document.pages == 2 and document.language == "fr"
    assert made.REPORT_HEADER in document.dropped and "Page 1 / 2" in document.dropped
    assert made.REPORT_HEADER not in document.text and "Page 2" not in document.text
    assert document.metadata == {"title": "Rapport budgétaire 2024", "author": "Ville de Lyon"}


def test_each_pdf_sentence_knows_its_page() -> None:
    document = read("report.pdf")
    pages = {sentence.text: sentence.page for sentence in document.sentences}
    assert (
        pages["Le budget total atteint 812 millions d’euros, en hausse de 3 % par rapport à l’année précédente."] == 1
    )
    assert pages["Douze établissements bénéficieront de travaux d’isolation thermique pendant les vacances d’été."] == 2


def test_a_two_column_page_is_read_left_column_first() -> None:
    document = read("two-columns.pdf")
    assert texts(document) == [made.COLUMNS_TITLE, *made.COLUMNS_LEFT, *made.COLUMNS_RIGHT]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("scanned.pdf", "no text layer: needs OCR"),
        ("encrypted.pdf", "encrypted"),
        ("corrupt.pdf", "not a readable PDF"),
    ],
)
def test_unreadable_pdfs_get_one_clear_reason(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        read(name)
    assert "\n" not in str(raised.value) and str(raised.value).startswith(name)


def test_a_paragraph_cut_by_a_page_break_is_joined_and_a_hyphen_in_a_compound_is_kept() -> None:
    def page(number: int, *lines: str) -> Page:
        rows = [Line(number, 50, 700 - 14 * i, 300, 710 - 14 * i, text) for i, text in enumerate(lines)]
        return Page(number, 595, 842, tuple(rows))

    blocks, _dropped = paragraphs([page(1, "La séance a repris à", "dix heures avec le"), page(2, "vote du budget.")])
    assert [block.text for block in blocks] == ["La séance a repris à dix heures avec le vote du budget."]
    assert join_lines(["le Nord-", "Est du pays"]) == "le Nord- Est du pays"  # capital after: not a line-end hyphen
    assert join_lines(["dévelop-", "pement"]) == "développement"


# --- Word ----------------------------------------------------------------------------------


def test_docx_gives_headings_paragraphs_list_items_and_table_rows_in_order() -> None:
    document = read("memo.docx")
    rows = [" | ".join(row) for row in made.MEMO_TABLE]
    expected = [made.MEMO_TITLE, *made.MEMO_PARAGRAPHS, "Avant le départ", *made.MEMO_ITEMS, *rows]
    assert texts(document) == [*expected, "Merci de votre coopération."]
    assert document.kind == "docx" and document.metadata["author"] == "Service comptable"
    item = next(s for s in document.sentences if s.text == made.MEMO_ITEMS[0])
    assert item.heading == "Avant le départ"


def test_a_zip_that_is_not_a_word_file_is_refused_as_such() -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(InputError, match="ZIP archive"):
        readers.read(buffer.getvalue(), "data.docx")


# --- HTML ------------------------------------------------------------------------------------


def test_a_saved_news_page_gives_the_article_and_none_of_the_chrome() -> None:
    document = read("news.html")
    title = "Le tramway de Nantes a séduit 45 000 voyageurs"
    first, second, third = made.NEWS_PARAGRAPHS
    assert texts(document) == [title, first, second, made.NEWS_SUBHEADING, third]
    for chrome in ("cookies", "Partager", "Newsletter", "Mentions légales", "À lire aussi", "Русский", "dataLayer"):
        assert chrome not in document.text
    assert document.metadata == {
        "title": title,
        "author": "Claire Morel",
        "date": "2024-09-16",
        "site": "Ouest Info",
        "language": "fr",
    }


def test_a_web_page_saved_as_txt_is_read_as_html() -> None:
    document = read("news.html", as_name="page.txt")
    assert document.kind == "html" and "<p>" not in document.text and "cookie" not in document.text


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_keeps_structure_and_never_sends_code_or_front_matter() -> None:
    document = read("notes.md")
    assert document.kind == "markdown"
    assert texts(document)[:3] == ["Compte rendu de la réunion", texts(document)[1], "Décisions"]
    assert "Réserver la salle avant le 1er juin." in texts(document)
    assert "budget = 15_000" not in document.text and "tags:" not in document.text
    assert [text.split("\n")[0] for _after, text in document.verbatim] == ["---", "budget = 15_000  # euros"]
    assert document.metadata["date"] == "2024-05-14"
    assert next(s for s in document.sentences if "15 000 euros" in s.text).heading == "Décisions"


# --- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "as_name", "kind"),
    [
        ("report.pdf", "report.txt", "pdf"),
        ("memo.docx", "memo.bin", "docx"),
        ("news.html", "news.txt", "html"),
        ("notes.md", "notes.md", "markdown"),
    ],
)
def test_the_content_decides_the_reader_not_the_extension(name: str, as_name: str, kind: str) -> None:
    assert readers.sniff((FIXTURES / name).read_bytes(), as_name) == kind


def test_plain_text_is_read_as_it_always_was() -> None:
    from summarise.readers.text import parse_document

    data = b"rss\nTitre\n\nPremier paragraphe de texte.\nSuite du paragraphe."
    assert readers.sniff(data, "x.txt") == "text"
    assert readers.read(data, "x.txt") == parse_document(data, "x.txt")
