"""Promise: the size limit (SUMMARISE_MAX_BYTES) applies to the text a reader extracts,
not only to the file. A small DOCX or PDF that unpacks to more text than the limit is
refused with one `Error:` line before any model call, and the reader stops at the limit
rather than extracting everything first (a merged table cell repeated down a thousand rows
would otherwise come out as hundreds of millions of characters). Fixtures are built here:
a DOCX of one run repeated, a DOCX with a tall merged cell, a PDF page of many lines."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document as new_docx

from summarise.cli import main
from summarise.documents import segment

LIMIT = 100_000
SENTENCE = "The council approved the library budget. "


def docx_with(body_xml: str, path: Path) -> Path:
    """A real Word file (python-docx's own template) whose body is `body_xml`."""
    template = io.BytesIO()
    new_docx().save(template)
    source = zipfile.ZipFile(io.BytesIO(template.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + body_xml.encode(), 1)
            archive.writestr(info.filename, data)
    return path


def paragraphs(text: str, count: int) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" * count


def tall_merged_cell(text: str, rows: int) -> str:
    """One column; the first cell's text merged down `rows` rows (each row reads it again)."""
    cell = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    first = f'<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>{cell}</w:tc></w:tr>'
    rest = "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>" * (rows - 1)
    return f"<w:tbl><w:tblGrid><w:gridCol w:w='5000'/></w:tblGrid>{first}{rest}</w:tbl>"


def pdf_page_of(lines: int, path: Path) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pageCompression=1)
    for number in range(lines):
        page.drawString(10, 10 + (number % 80) * 10, f"Line {number}: the budget rose by {number % 97} per cent.")
    page.showPage()
    page.save()
    return path


def fixtures(tmp_path: Path) -> dict[str, Path]:
    return {
        "repeated run": docx_with(paragraphs(SENTENCE * 20, 400), tmp_path / "run.docx"),  # 328,000 characters
        "tall merged cell": docx_with(tall_merged_cell(SENTENCE * 1000, 20_000), tmp_path / "merged.docx"),
        "pdf page": pdf_page_of(4_000, tmp_path / "page.pdf"),  # ~200,000 characters on one page
    }


@pytest.mark.parametrize("kind", ["repeated run", "tall merged cell", "pdf page"])
def test_text_over_the_limit_is_refused_before_any_call(step_endpoint, runner, tmp_path, monkeypatch, kind) -> None:
    monkeypatch.setenv("SUMMARISE_MAX_BYTES", str(LIMIT))
    stub = step_endpoint
    source = fixtures(tmp_path)[kind]
    assert source.stat().st_size < LIMIT  # the file itself is within the limit

    result = runner.invoke(main, ["brief", str(source)])

    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and f"{LIMIT:,}-character limit" in lines[0], lines
    assert stub.requests == [] and not Path("outputs").exists()


def test_in_a_batch_the_unpacked_file_fails_alone(step_endpoint, runner, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARISE_MAX_BYTES", str(LIMIT))
    folder = tmp_path / "in"
    folder.mkdir()
    docx_with(paragraphs(SENTENCE * 20, 400), folder / "bomb.docx")
    (folder / "leeds.txt").write_text("The council met in Leeds on 4 May 2024. It approved a budget.\n")

    plan = runner.invoke(main, ["batch", "in", "--dry-run"])
    assert "unreadable: in/bomb.docx: its text runs over" in plan.output or "character limit" in plan.output
    result = runner.invoke(main, ["batch", "in"])
    assert "done 1" in result.output and "failed 1" in result.output, result.output
    assert Path("outputs/leeds.md").is_file() and not Path("outputs/bomb.md").exists()


def test_a_text_within_the_limit_still_reads_whole(tmp_path) -> None:
    """The same readers, under the limit: every character is there."""
    from summarise import readers

    source = docx_with(paragraphs(SENTENCE * 20, 40), tmp_path / "fine.docx")
    document = readers.read(source.read_bytes(), "fine.docx", max_chars=LIMIT)
    assert len(document.text) == 40 * len((SENTENCE * 20).strip()) + 2 * 39


def test_a_very_long_paragraph_splits_as_its_sentences() -> None:
    """A paragraph far longer than the segmenter is given at once (it is cut at sentence
    ends first, to keep the time linear) still comes back sentence by sentence."""
    text = " ".join(f"Sentence number {n} says the budget rose by {n % 13} per cent." for n in range(3_000))
    parts = segment(text, "en")
    assert len(parts) == 3_000 and parts[1234] == "Sentence number 1234 says the budget rose by 12 per cent."
