"""End-to-end: the whole pipeline and the main reports built into a temporary folder.

Runs the step notebooks and the report notebooks with papermill exactly as the Makefile does
(``analysis.report.build``), but with processed/report folders under ``tmp_path``, then checks what a
reader gets: an offline HTML file and a PDF with the expected chapters, the synthetic-data notice
on page 1 and no "XX" placeholder left.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis import paths
from analysis.report.render import find_external_refs

pytestmark = pytest.mark.e2e

MAIN_CHAPTERS = [
    "Resumen",
    "El programa y su método",
    "El distrito de Laredo",
    "Las redes empresariales",
    "Auditoría de consistencia",
    "Efectos implícitos",
    "Efectos estimados",
    "Conclusiones",
]


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


@pytest.fixture(scope="module")
def built(e2e_editions):
    """The Spanish edition, built once per session (``conftest.build_edition``)."""
    return e2e_editions("es")


def test_processed_outputs_written_to_the_temporary_folder(built):
    processed = built["tmp"] / "processed"
    for name in ("audit.csv", "implied_effects.csv", "panel.parquet", "cleaning_log.csv", "effects.csv"):
        assert (processed / name).exists(), name


@pytest.mark.parametrize("stem", ["informe", "calidad"])
def test_html_is_self_contained(built, stem):
    html = built[stem][0].read_text(encoding="utf-8")
    assert find_external_refs(html) == []
    assert "<script" not in html.lower()
    assert "injected-parameters" not in html


def test_main_pdf_has_every_chapter_and_no_placeholder(built):
    pages = pdf_text(built["informe"][1])
    text = "\n".join(pages)
    for chapter in MAIN_CHAPTERS:
        assert chapter in text, chapter
    assert not re.search(r"\bXX\b", text)
    assert "sintética" in pages[0].lower() or "sintetica" in pages[0].lower()
    assert "Gráfico N°1" in text and "Tabla N°1" in text


def test_quality_pdf_states_synthetic_data_on_first_page(built):
    first = pdf_text(built["calidad"][1])[0].lower()
    assert "sintétic" in first


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_word_outside_the_text_block(e2e_editions, lang):
    """Issue 11: every word of every PDF of both editions (main report, data-quality report, the
    factsheets of the e2e build) lies inside the text block (WeasyPrint's layout of the HTML; and
    poppler's word boxes of the PDF when installed); no page but the cover holds only a stray line
    or two; no caption sits on a page without its figure or table (``render.layout_problems``)."""
    from layout_check import has_pdftotext, words_outside_pdf

    from analysis.report.render import layout_problems

    edition = e2e_editions(lang)
    fichas = {p.stem: p for p in edition["fichas"]}
    pairs = [edition["informe"], edition["calidad"],
             *[(fichas[s].with_suffix(".html"), fichas[s].with_suffix(".pdf"))
               for s in sorted(fichas) if fichas[s].suffix == ".pdf"]]
    assert len(pairs) == 4
    problems = []
    for html_path, pdf_path in pairs:
        problems += layout_problems(html_path.read_text(encoding="utf-8"), name=pdf_path.name)
        if has_pdftotext():
            problems += words_outside_pdf(pdf_path)
    assert problems == [], "\n".join(problems[:40])
