"""Issue 11 item 2: the print-layout check finds stray pages and captions torn from their figure,
and the layout pass sets a chapter "snug" when its tail would be a stray line (analysis.report.render)."""

from __future__ import annotations

import base64

import pytest

pytest.importorskip("weasyprint")

from analysis.report.render import _mark_sections, layout_problems  # noqa: E402

PAGE = "<style>@page { size: A4; margin: 2cm; } main h1 { break-before: page; }</style>"
PARA = "<p>" + "Texto de relleno para ocupar la página. " * 40 + "</p>"


def _doc(body: str) -> str:
    return f"<!DOCTYPE html><html><head>{PAGE}</head><body><main>{body}</main></body></html>"


def test_a_caption_on_another_page_than_its_figure_is_reported():
    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    img = f'<img src="data:image/svg+xml;base64,{svg.decode()}" style="width:10cm;height:10cm">'
    html = _doc(f'<h1 id="sec-1">Uno</h1>{PARA}'
                f'<figure class="fig" id="grafico-1">{img}'
                f'<figcaption style="break-before: page"><p class="caption">Gráfico N°1: Ventas</p>'
                f'</figcaption></figure>{PARA * 4}')
    problems = layout_problems(html, name="x.pdf")
    assert [p for p in problems if "caption" in p] == [
        "x.pdf p. 2: caption of grafico-1 separated from its figure or table"]


def test_a_page_holding_a_stray_line_is_reported_and_names_the_page():
    html = _doc(f'<h1 id="sec-1">Uno</h1>{PARA}<p style="break-before: page">Una línea sola.</p>'
                f'<h1 id="sec-2">Dos</h1>{PARA}')
    problems = layout_problems(html, name="x.pdf")
    assert len(problems) == 1 and problems[0].startswith("x.pdf p. 2: page nearly empty (")


def test_a_full_document_has_no_problem():
    assert layout_problems(_doc(f'<h1 id="sec-1">Uno</h1>{PARA * 2}<h1 id="sec-2">Dos</h1>{PARA}'),
                           name="x.pdf") == []


def test_snug_marks_the_chapter_and_the_contents_only():
    html = _doc('<nav class="toc"><ol class="toc-list"></ol></nav>'
                '<div><h1 id="sec-1">Uno</h1></div><p>a</p><div><h1 id="sec-2">Dos</h1></div><p>b</p>')
    out = _mark_sections(html, {"sec-1", "toc"}, "snug")
    assert out.count("snug") == 3  # the toc, sec-1's block and its paragraph; not sec-2's
    assert '<p class="snug">a</p>' in out and "<p>b</p>" in out and 'class="toc snug"' in out


def test_a_table_leaving_one_row_on_a_page_is_reported():
    rows = "".join(f"<tr><td>fila {i}</td></tr>" for i in range(6))
    # a spacer that leaves room for the caption and one row at the foot of page 1 (no print.css)
    html = _doc('<h1 id="sec-1">Uno</h1><div style="height: 21.75cm"></div>'
                '<figure class="tbl long" id="tabla-1"><figcaption>Tabla N°1</figcaption>'
                f'<table class="data"><tbody>{rows}</tbody></table></figure>')
    lone = [p for p in layout_problems(html, name="x.pdf") if "single row" in p]
    assert lone == ["x.pdf p. 1: tabla-1 leaves a single row on this page"]
