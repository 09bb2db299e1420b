"""Readers: reading speed of each format, and the three PDF libraries compared.

    python bench/readers.py [--pages 60] [--repeat 3]

Inputs are made here, by the tools that make such files (as tests/fixtures/make_fixtures.py
does): a PDF of `--pages` pages typeset by reportlab (running header, page numbers,
hyphenated words; every page a second, two-column layout page), a Word file of the same
paragraphs by python-docx, a saved news page and a Markdown file holding them, and the
plain text. Two tables, each figure the best of `--repeat` runs:
  1. each reader, bytes -> Document (sentences split, language found): MB/s of input
     (and the size of the text found: a .docx is zipped) and pages/s;
  2. the PDF libraries (pypdfium2, the one summarise uses; pypdf; pdfminer.six), each
     giving positioned lines to the same layout rules (summarise/readers/reading_order.py):
     pages/s for the lines alone, and paragraph quality: how many of the source's
     paragraphs come back exactly, and how many running headers or page numbers leak.
"""

from __future__ import annotations

import argparse
import io
import itertools
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import ROOT, SEEDS, machine

sys.path.insert(0, str(ROOT / "tests"))
from fixtures import make_fixtures as made

from summarise import readers
from summarise.readers import reading_order
from summarise.readers.pdf import pages_of
from summarise.readers.reading_order import Line, Page

HEADER = "Rapport annuel — document de travail"


def corpus() -> list[str]:
    """The seeds' paragraphs (French press releases), without their page furniture."""
    paragraphs: list[str] = []
    for seed in SEEDS:
        document = readers.read(seed.read_bytes(), seed.name)
        paragraphs += [" ".join(s.text for s in p) for p in document.paragraphs() if len(p) > 1]
    return paragraphs


def make_pdf(paragraphs: list[str], pages: int) -> tuple[bytes, list[str]]:
    """`pages` pages; odd ones one column, even ones two. Returns the PDF and the paragraphs set."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    placed: list[str] = []
    source = itertools.cycle(paragraphs)

    def measure(line: str) -> float:
        return float(stringWidth(line, "Helvetica", 10))

    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 8)
        canvas.drawString(56, height - 36, HEADER)
        canvas.drawCentredString(width / 2, 28, f"- {number} -")
        canvas.setFont("Helvetica", 10)
        columns = [(56.0, width - 112)] if number % 2 else [(56.0, 226.0), (312.0, 226.0)]
        for x, column_width in columns:
            y = height - 80
            while True:
                text = next(source)
                lines = made._wrap(text, column_width, measure)
                if y - 13 * len(lines) < 60:
                    break
                for line in lines:
                    canvas.drawString(x, y, line)
                    y -= 13
                y -= 9
                placed.append(text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue(), placed


def pdfium_lines(data: bytes) -> list[Page]:
    return pages_of(data, "bench.pdf")[0]


def pdfminer_lines(data: bytes) -> list[Page]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    pages: list[Page] = []
    for number, page in enumerate(extract_pages(io.BytesIO(data)), start=1):
        lines = [
            Line(number, line.x0, line.y0, line.x1, line.y1, line.get_text().strip())
            for box in page
            if isinstance(box, LTTextContainer)
            for line in box
            if isinstance(line, LTTextLine) and line.get_text().strip()
        ]
        pages.append(Page(number, page.width, page.height, tuple(lines)))
    return pages


def pypdf_lines(data: bytes) -> list[Page]:
    """pypdf gives text runs with their matrices; a run's width is estimated from its font size."""
    from pypdf import PdfReader

    pages: list[Page] = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        runs: list[Line] = []

        def visit(
            text: str, cm: Any, tm: Any, _font: Any, size: float, runs: list[Line] = runs, number: int = number
        ) -> None:
            if text.strip():
                x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
                runs.append(Line(number, x, y, x + 0.5 * size * len(text.strip()), y + size, text.strip()))

        page.extract_text(visitor_text=visit)
        box = page.mediabox
        pages.append(Page(number, float(box.width), float(box.height), tuple(runs)))
    return pages


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def make_inputs(paragraphs: list[str], folder: Path) -> dict[str, bytes]:
    from docx import Document

    docx = Document()
    for paragraph in paragraphs:
        docx.add_paragraph(paragraph)
    buffer = io.BytesIO()
    docx.save(buffer)
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    page = made.news_page().replace("<h2>", body + "\n<h2>", 1)
    return {
        "docx": buffer.getvalue(),
        "html": page.encode(),
        "markdown": ("# Rapport\n\n" + "\n\n".join(paragraphs)).encode(),
        "text": "\n\n".join(paragraphs).encode(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    paragraphs = corpus()
    pdf, placed = make_pdf(paragraphs, args.pages)
    with tempfile.TemporaryDirectory() as folder:
        inputs = {"pdf": pdf, **make_inputs(placed, Path(folder))}
    print(f"\n1. Readers, bytes -> Document ({args.pages}-page PDF; the same {len(placed)} paragraphs in each)")
    print(f"{'reader':<10} {'input':>9} {'text':>8} {'seconds':>8} {'MB/s':>7} {'pages/s':>8} {'paragraphs':>11}")
    for kind, data in inputs.items():
        name = {"markdown": "x.md"}.get(kind, f"x.{kind}")
        assert readers.sniff(data, name) == kind, kind
        seconds = best(lambda data=data, name=name: readers.read(data, name), args.repeat)
        document = readers.read(data, name)
        pages = f"{args.pages / seconds:8.1f}" if kind == "pdf" else f"{'-':>8}"
        text = len(document.text.encode()) / 1e6  # a .docx is zipped: its text is larger than the file
        print(
            f"{kind:<10} {len(data) / 1e6:7.2f}MB {text:6.2f}MB {seconds:8.2f} {len(data) / 1e6 / seconds:7.2f} "
            f"{pages} {document.paragraph_count:>11}"
        )
    print("\n2. PDF libraries: positioned lines -> the same layout rules")
    print(f"{'library':<12} {'lines s':>8} {'pages/s':>8} {'paragraphs exact':>17} {'furniture leaked':>17}")
    expected = [" ".join(text.split()) for text in placed]
    for library, extract in (("pypdfium2", pdfium_lines), ("pypdf", pypdf_lines), ("pdfminer.six", pdfminer_lines)):
        seconds = best(lambda extract=extract: extract(pdf), args.repeat)
        blocks, _dropped = reading_order.paragraphs(extract(pdf))
        found = [block.text for block in blocks]
        exact = sum(text in found for text in set(expected))
        leaked = sum(bool(re.search(rf"{re.escape(HEADER)}|- \d+ -", text)) for text in found)
        print(
            f"{library:<12} {seconds:8.2f} {args.pages / seconds:8.1f} {exact:>8}/{len(set(expected)):<8} {leaked:>17}"
        )


if __name__ == "__main__":
    main()
