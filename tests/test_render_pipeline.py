"""analysis.report.render: papermill-executed smoke notebook -> self-contained HTML -> A4 PDF."""

import datetime as dt
import json
import shutil
import subprocess

import nbformat
import pytest

from analysis.report import render as rmod
from analysis.paths import ROOT
from analysis.report.render import RenderError, find_external_refs, format_date, render

SMOKE = ROOT / "tests" / "fixtures" / "render_smoke.ipynb"
TITLE = "Informe de prueba: redes de Laredo"
SUBTITLE = "Cuaderno de humo del sistema de informes"
CHAPTERS = ["Contexto de las redes empresariales", "Resultados por red"]


def _pdf_text_and_pages(pdf_path, html, use_pdftotext=True):
    """Text of each PDF page: pdftotext when installed, else WeasyPrint's layout of the HTML."""
    if use_pdftotext and shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True,
                             capture_output=True, text=True).stdout
        return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")
    from weasyprint import HTML

    pages = []
    for page in HTML(string=html).render().pages:
        pages.append(" ".join(getattr(b, "text", "") or "" for b in
                              page._page_box.descendants()))
    return pages


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    papermill = pytest.importorskip("papermill")
    folder = tmp_path_factory.mktemp("smoke")
    out = folder / "smoke_executed.ipynb"
    papermill.execute_notebook(
        str(SMOKE), str(out), kernel_name="redes-laredo", cwd=str(folder), progress_bar=False,
        parameters={"reports_dir": str(folder / "reports"), "report_name": "humo"},
    )
    return folder, out


@pytest.fixture(scope="module")
def rendered(executed):
    folder, nb = executed
    res = render(nb, folder / "out" / "informe.html", folder / "out" / "informe.pdf",
                 title=TITLE, subtitle=SUBTITLE, lang="es", date=dt.date(2011, 12, 5))
    html = res.html_path.read_text(encoding="utf-8")
    return folder, res, html[html.index("<body"):]  # body only: the stylesheet names classes


def test_smoke_notebook_is_committed_without_outputs():
    nb = json.loads(SMOKE.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert nb["metadata"]["kernelspec"]["name"] == "redes-laredo"


def test_html_has_no_code_or_parameters(executed, rendered):
    folder, res, html = rendered
    nb = nbformat.read(executed[1], as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and str(folder / "reports") in injected[0].source
    assert str(folder / "reports") not in html  # injected-parameters cell removed
    assert 'report_name = "smoke"' not in html  # parameters cell removed
    assert "from analysis.report.numbering import Report" not in html  # no code input
    assert "rep.figure(" not in html and "jp-InputPrompt" not in html and "In&nbsp;[" not in html
    assert "CELDA_ELIMINADA_POR_ETIQUETA" not in html  # cell tagged "remove"
    assert "MENSAJE_STDERR_QUE_NO_DEBE_SALIR" not in html  # stderr warnings dropped
    assert "Salida de texto visible en el informe." in html  # stdout kept
    assert "<script" not in html.lower()


def test_html_is_self_contained(rendered):
    _, res, html = rendered
    assert find_external_refs(res.html_path.read_text(encoding="utf-8")) == []
    assert html.count("data:image/png;base64,") == 2
    # the external markdown link survives as text, not as a reference
    assert "el programa (https://www.example.org/apomipe)" in html


def test_cover_toc_and_numbering_in_html(rendered):
    _, res, html = rendered
    assert res.headings == [(1, CHAPTERS[0]), (2, "Evolución de las ventas"),
                            (1, CHAPTERS[1]), (2, "Conclusión de la prueba")]
    cover = html[html.index('<section class="cover">'):html.index("</section>")]
    assert TITLE in cover and SUBTITLE in cover and "5 de diciembre de 2011" in cover
    assert '<div class="aviso">Documento de prueba del sistema de informes' in cover
    assert html.count('class="aviso"') == 1  # moved, not copied
    assert '<li class="toc-h1"><a href="#sec-1">Contexto de las redes empresariales</a></li>' in html
    assert '<h1 id="sec-3">Resultados por red</h1>' in html
    assert "Gráfico N°1: </span>Distribución simulada de la PEA por sector" in html
    assert "Gráfico N°2: </span>Ventas simuladas por cadena, 2005–2011" in html
    assert "Tabla N°1: </span>Redes simuladas y su ingreso medio" in html
    assert html.count("n&lt;5") == 4
    assert "anchor-link" not in html


@pytest.mark.parametrize("use_pdftotext", [True, False], ids=["pdftotext", "layout"])
def test_pdf_pages_and_text(rendered, use_pdftotext):
    folder, res, _ = rendered
    assert res.pdf_path.read_bytes()[:5] == b"%PDF-"
    assert res.pages >= 3
    html = res.html_path.read_text(encoding="utf-8")
    pages = _pdf_text_and_pages(res.pdf_path, html, use_pdftotext)
    assert len(pages) == res.pages
    text = " ".join(" ".join(p.split()) for p in pages)
    for chapter in CHAPTERS:
        assert chapter in text
    assert "Gráfico N°1: Distribución simulada de la PEA por sector" in text
    assert "Tabla N°1: Redes simuladas y su ingreso medio" in text
    first = " ".join(pages[0].split())
    assert TITLE in first and "Documento de prueba del sistema de informes" in first
    assert f"Página 2 de {res.pages}" in " ".join(pages[1].split())
    # chapter 1 opens page 3 (cover, contents, chapter): the contents list it there
    assert "Contexto de las redes empresariales" in " ".join(pages[2].split())
    toc = " ".join(pages[1].split())
    assert "Contenido" in toc and "Contexto de las redes empresariales ." in toc
    no_temp = [p.name for p in (folder / "out").iterdir() if p.name.endswith(".tmp")]
    assert no_temp == []


def test_figures_written_by_notebook(executed):
    folder, _ = executed
    figs = sorted(p.name for p in (folder / "reports" / "humo" / "figuras").iterdir())
    assert figs == ["grafico_01_pea_simulada.png", "grafico_01_pea_simulada.svg",
                    "grafico_02_ventas_simuladas.png", "grafico_02_ventas_simuladas.svg"]


def test_find_external_refs():
    html = """<link rel="stylesheet" href="https://cdn.example.com/a.css">
    <script src='//cdn.example.com/require.js'></script>
    <style>@import "http://fonts.example.com/f.css"; .x{background:url( 'https://x.example/i.png')}</style>
    <img src="data:image/png;base64,AAAA//BB"> <a href="#sec-1">x</a> <img src="local.png">
    <div data-mime-type="text/html">see http://not-a-ref.example in text</div>
    <svg xmlns="http://www.w3.org/2000/svg"></svg>"""
    assert find_external_refs(html) == [
        "https://cdn.example.com/a.css", "//cdn.example.com/require.js",
        "http://fonts.example.com/f.css", "https://x.example/i.png"]
    assert find_external_refs("<p>nada</p>") == []


def test_external_resource_fails_and_writes_nothing(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Capítulo"),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": '<img src="https://cdn.example.com/x.png">'})]),
    ])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(RenderError, match=r"nb.ipynb: the report would load 1 external "
                                          r"resource\(s\): \['https://cdn.example.com/x.png'\]"):
        render(path, tmp_path / "o.html", tmp_path / "o.pdf", title="T")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.ipynb"]


def test_failed_pdf_keeps_previous_report(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Capítulo único")])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    (tmp_path / "o.html").write_text("anterior", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disco lleno")

    monkeypatch.setattr(rmod, "html_to_pdf", boom)
    with pytest.raises(OSError, match="disco lleno"):
        render(path, tmp_path / "o.html", tmp_path / "o.pdf", title="T")
    assert (tmp_path / "o.html").read_text(encoding="utf-8") == "anterior"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.ipynb", "o.html"]


def test_cli_and_english(tmp_path, capsys):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Chapter one")])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    code = rmod.main([str(path), "--html", str(tmp_path / "o.html"), "--title", "Report",
                      "--lang", "en", "--date", "2011-07-04"])
    assert code == 0
    html = (tmp_path / "o.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Contents" in html and '"Page " counter(page)' in html
    assert "July 4, 2011" in html
    assert "o.html" in capsys.readouterr().out
    assert rmod.main([str(tmp_path / "missing.ipynb"), "--html", str(tmp_path / "x.html"),
                      "--title", "R"]) == 1
    assert "missing.ipynb does not exist" in capsys.readouterr().err


def test_no_headings_no_contents_page(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Solo texto, sin títulos.")])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    res = render(path, tmp_path / "o.html", tmp_path / "o.pdf", title="T")
    html = res.html_path.read_text(encoding="utf-8")
    assert 'class="toc"' not in html and res.headings == []
    assert res.pages == 2  # cover + text


def test_format_date():
    assert format_date(dt.date(2011, 3, 9), "es") == "9 de marzo de 2011"
    assert format_date(dt.date(2011, 3, 9), "en") == "March 9, 2011"


# ---------------------------------------------------------------- issue 11: tables fit the page
WIDE_HEAD = ["Ámbito", "Método", "Estimación", "IC 95 %", "p", "p wild", "IC 95 % wild",
             "Miembros", "N", "Comparación con el grupo de productores"]
WIDE_ROW = ["Todas las redes", "DiD (EF productor y ronda)", "4,285", "3,710 a 4,861", "< 0.001",
            "0.005", "1,532 a 1,961", "116", "216", "miembros vs comparación, 2005 vs 2011"]


def _wide_table_notebook(tmp_path, ncols=len(WIDE_HEAD), rows=8):
    head = "".join(f'<th class="txt">{h}</th>' for h in (WIDE_HEAD * 2)[:ncols])
    body = "".join("<tr>" + "".join(f'<td class="txt">{c}</td>' for c in (WIDE_ROW * 2)[:ncols])
                   + "</tr>" for _ in range(rows))
    table = (f'<figure class="tbl"><figcaption class="caption">Tabla N°1: ancha</figcaption>'
             f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
             f'<p class="source">Fuente: prueba</p></figure>')
    cell = nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": table})])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Efectos"), cell])
    path = tmp_path / "wide.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("ncols", [10, 14])
def test_wide_table_stays_inside_the_text_block(tmp_path, ncols):
    from layout_check import has_pdftotext, words_outside_pdf

    res = render(_wide_table_notebook(tmp_path, ncols), tmp_path / "w.html", tmp_path / "w.pdf",
                 title="T")
    html = res.html_path.read_text(encoding="utf-8")
    assert "very-wide" in html and f"cols-{ncols}" in html
    # short tokens are glued: "< 0.001", "2005 vs 2011", "Todas las redes" never wrap
    assert "&lt;\u00a00.001" in html and "2005\u00a0vs\u00a02011" in html
    assert "Todas\u00a0las\u00a0redes" in html
    # number-like text columns are right-aligned and unbreakable like numeric ones
    assert '<td class="num">3,710\u00a0a\u00a04,861</td>' in html or "num range" in html
    assert rmod.layout_problems(html, name="w.pdf") == []
    if has_pdftotext():
        assert words_outside_pdf(tmp_path / "w.pdf") == []


def test_layout_problems_names_page_and_text():
    cells = "".join(f'<td style="white-space: nowrap">celda ancha número {i}</td>' for i in range(12))
    bad = rmod.layout_problems(f"<html><body><table><tr>{cells}</tr></table></body></html>",
                               name="x.pdf")
    assert bad and bad[0].startswith("x.pdf p. 1: ") and any("celda ancha" in b for b in bad)


def test_glue_and_numeric_text():
    assert rmod.glue_short_tokens("< 0.001") == "<\u00a00.001"
    assert rmod.glue_short_tokens("solo miembros, 2005 vs 2011") == "solo miembros, 2005\u00a0vs\u00a02011"
    assert rmod.glue_short_tokens("89.2 %") == "89.2\u00a0%"
    assert rmod.glue_short_tokens("from 3,710 to 4,861") == "from 3,710\u00a0to\u00a04,861"  # English range
    assert rmod.glue_short_tokens("Todas las redes", short=True) == "Todas\u00a0las\u00a0redes"
    for text in ("4,285", "3,710 a 4,861", "3,710 to 4,861", "< 0.001", "89.2 %", "–", "0.810–0.953",
                 "-0.01"):
        assert rmod.is_numeric_text(text), text
    for text in ("Todas las redes", "Fase 1", "DiD (EF)", "Phase 1 to 2"):
        assert not rmod.is_numeric_text(text), text
