"""analysis.report.numbering.Report and analysis.report.suppression: numbering, captions, files, suppression."""

import csv

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.report.numbering import Report, format_number, notice_html  # noqa: E402
from analysis.report.suppression import suppress_small_cells  # noqa: E402


def _fig():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([2005, 2011], [1.0, 2.0])
    return fig


def _redes():
    return pd.DataFrame({
        "Red": ["Red A", "Red B", "Red C", "Red D"],
        "Productores": [12, 3, 4, 9],
        "Ingreso": [1234.5, 20000.0, 5.25, 987654.321],
    })


@pytest.fixture
def rep(tmp_path):
    return Report("prueba", reports_dir=tmp_path, lang="es", display=False)


def test_numbering_order_and_captions(rep):
    f1 = rep.figure(_fig(), key="pea_sector", caption="Distribución de la PEA de Laredo",
                    source="Gráfico N°05 de la sistematización")
    t1 = rep.table(_redes(), key="redes", caption="Redes empresariales", source="Tabla N°02")
    f2 = rep.figure(_fig(), key="ventas", caption="Ventas", source="Simulación")
    assert [e.label for e in rep.entries] == ["Gráfico N°1", "Tabla N°1", "Gráfico N°2"]
    assert (f1.number, t1.number, f2.number) == (1, 1, 2)
    assert "Gráfico N°1: </span>Distribución de la PEA de Laredo" in f1.html
    assert "<figcaption>" in f1.html and f1.html.startswith('<figure class="fig"')
    assert "Fuente: Gráfico N°05 de la sistematización" in f1.html
    assert "data:image/png;base64," in f1.html
    # Table: caption above the table, source below it.
    assert t1.html.index("Tabla N°1: </span>Redes empresariales") < t1.html.index("<table")
    assert t1.html.index("<table") < t1.html.index("Fuente: Tabla N°02")


def test_english_labels(tmp_path):
    rep = Report("english", reports_dir=tmp_path, lang="en", display=False)
    f = rep.figure(_fig(), key="a", caption="Sales", source="Simulation")
    t = rep.table(_redes(), key="b", caption="Networks", source="Table 2")
    assert (f.label, t.label) == ("Figure 1", "Table 1")
    assert "Source: Simulation" in f.html


def test_files_written_and_index(rep, tmp_path):
    rep.figure(_fig(), key="pea_sector", caption="PEA", source="G5")
    rep.table(_redes(), key="redes", caption="Redes", source="T2")
    root = tmp_path / "prueba"
    png = root / "figuras" / "grafico_01_pea_sector.png"
    svg = root / "figuras" / "grafico_01_pea_sector.svg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:1000]
    # 4 in wide at 300 dpi (print resolution) with a tight bounding box: about 1,200 px.
    width = int.from_bytes(png.read_bytes()[16:20], "big")
    assert 975 <= width <= 1275
    # SVG text stays text (svg.fonttype none), not outlines
    assert b"<text" in svg.read_bytes() or b"font-family" in svg.read_bytes()
    csv_path = root / "tablas" / "tabla_01_redes.csv"
    assert csv_path.read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM for Excel
    back = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert list(back.columns) == ["Red", "Productores", "Ingreso"]
    assert back["Productores"].tolist() == [12, 3, 4, 9]
    xlsx = pd.read_excel(root / "tablas" / "tabla_01_redes.xlsx", sheet_name=None)
    assert set(xlsx) == {"tabla", "info"}
    assert xlsx["tabla"]["Ingreso"].tolist() == [1234.5, 20000.0, 5.25, 987654.321]
    assert xlsx["info"]["valor"].tolist()[:3] == ["Tabla N°1", "Redes", "T2"]
    with (root / "indice.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["number"], r["kind"], r["key"], r["label"]) for r in rows] == [
        ("1", "figure", "pea_sector", "Gráfico N°1"), ("1", "table", "redes", "Tabla N°1")]
    assert rows[0]["files"] == "figuras/grafico_01_pea_sector.png;figuras/grafico_01_pea_sector.svg"
    assert plt.get_fignums() == []  # figures closed after saving



def test_english_edition_exports_carry_english_names(tmp_path):
    """Issue 11 item 3: the English edition's exports are report/figures/figure_01_*, not the
    Spanish folder and file names; a re-run cleans them the same way."""
    from analysis.labels import export_name

    for _ in range(2):
        rep = Report(export_name("main", "en"), reports_dir=tmp_path, lang="en", display=False)
        rep.figure(_fig(), key="pea_sector", caption="EAP", source="G5")
        rep.table(_redes(), key="networks", caption="Networks", source="T2")
    root = tmp_path / "report"
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == ["figures/figure_01_pea_sector.png", "figures/figure_01_pea_sector.svg",
                     "index.csv", "tables/table_01_networks.csv", "tables/table_01_networks.xlsx"]
    with (root / "index.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[1]["files"] == "tables/table_01_networks.csv;tables/table_01_networks.xlsx"
    assert [export_name(w, "en") for w in ("quality", "factsheets")] == ["data_quality", "factsheets"]
    with pytest.raises(ValueError, match="export name 'figuras' unknown"):
        export_name("figuras", "es")

def test_rerun_cleans_previous_outputs(tmp_path):
    first = Report("r", reports_dir=tmp_path, display=False)
    first.figure(_fig(), key="viejo", caption="x", source="y")
    second = Report("r", reports_dir=tmp_path, display=False)
    second.figure(_fig(), key="nuevo", caption="x", source="y")
    names = sorted(p.name for p in (tmp_path / "r" / "figuras").iterdir())
    assert names == ["grafico_01_nuevo.png", "grafico_01_nuevo.svg"]
    lines = (tmp_path / "r" / "indice.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and ",nuevo," in lines[1]


def test_table_number_formatting(rep):
    t = rep.table(_redes(), key="redes", caption="Redes", source="T2")
    assert '<td class="num">1,234.50</td>' in t.html
    assert '<td class="num">987,654.32</td>' in t.html
    assert '<td class="num">12</td>' in t.html  # integer column: no decimals
    assert "<th" in t.html and ">Red<" in t.html
    # default RangeIndex is not shown
    assert ">0<" not in t.html


def test_meaningful_index_is_shown(rep):
    df = _redes().set_index("Red")
    t = rep.table(df, key="con_indice", caption="Redes", source="T2")
    assert t.html.count("<th class=") == 3 and ">Red A<" in t.html


def test_format_number_separators():
    assert format_number(1234567.891, 2) == "1,234,567.89"
    assert format_number(1234567.891, 2, thousands=".", decimal=",") == "1.234.567,89"
    assert format_number(np.int64(32825), 0) == "32,825"
    assert format_number(float("nan"), 1) == "–"
    assert format_number("n<5", 2) == "n<5"


def test_suppress_small_cells_counts():
    df = _redes()
    out, n = suppress_small_cells(df, {"Productores": "Productores", "Ingreso": "Productores"}, 5)
    assert n == 4  # rows B and C, two columns each
    assert out["Productores"].tolist() == [12, "n<5", "n<5", 9]
    assert out["Ingreso"].tolist() == [1234.5, "n<5", "n<5", 987654.321]
    assert df["Productores"].tolist() == [12, 3, 4, 9]  # input untouched
    out2, n2 = suppress_small_cells(df, "Productores", 4, marker="*")
    assert n2 == 1 and out2["Productores"].tolist() == [12, "*", 4, 9]
    _, n3 = suppress_small_cells(df, ["Productores"], 1)
    assert n3 == 0


def test_suppress_small_cells_errors():
    df = _redes()
    with pytest.raises(KeyError, match="count column 'N' not in table columns"):
        suppress_small_cells(df, {"Ingreso": "N"}, 5)
    with pytest.raises(ValueError, match="min_count must be a positive integer, got 0"):
        suppress_small_cells(df, "Productores", 0)
    bad = df.assign(Productores=["12", "x", "4", "9"])
    with pytest.raises(ValueError, match="non-numeric value 'x' at row 1"):
        suppress_small_cells(bad, "Productores", 5)


def test_table_suppression_in_all_outputs(rep, tmp_path):
    t = rep.table(_redes(), key="redes", caption="Redes", source="T2",
                  count_columns={"Productores": "Productores", "Ingreso": "Productores"},
                  min_count=5)
    assert t.n_suppressed == 4
    assert t.html.count("n&lt;5") == 4
    assert "Se suprimen celdas con menos de 5 productores." in t.html
    folder = tmp_path / "prueba" / "tablas"
    back = pd.read_csv(folder / "tabla_01_redes.csv", encoding="utf-8-sig")
    assert back["Ingreso"].tolist() == ["1234.5", "n<5", "n<5", "987654.321"]
    xlsx = pd.read_excel(folder / "tabla_01_redes.xlsx", sheet_name=None)
    assert xlsx["tabla"]["Productores"].tolist() == [12, "n<5", "n<5", 9]
    assert xlsx["info"]["valor"].tolist()[3] == "Se suprimen celdas con menos de 5 productores."


def test_argument_errors(rep):
    with pytest.raises(ValueError, match="give both count_columns and min_count"):
        rep.table(_redes(), key="x", caption="c", source="s", min_count=5)
    with pytest.raises(ValueError, match="must match"):
        rep.figure(_fig(), key="Con Espacios", caption="c", source="s")
    rep.figure(_fig(), key="uno", caption="c", source="s")
    with pytest.raises(ValueError, match="figure key 'uno' already used by Gráfico N°1"):
        rep.figure(_fig(), key="uno", caption="c", source="s")
    with pytest.raises(TypeError, match="expected a matplotlib Figure"):
        rep.figure("no es figura", key="dos", caption="c", source="s")
    assert len(rep.entries) == 1


def test_notice_html_escapes():
    assert notice_html("Datos <simulados> & pruebas") == (
        '<div class="aviso">Datos &lt;simulados&gt; &amp; pruebas</div>')


def test_svg_embedding_and_print_width(rep):
    e = rep.figure(_fig(), key="vectorial", caption="c", source="s", embed="svg")
    assert "data:image/svg+xml;base64," in e.html
    # printed at its drawn width (PNG pixels / 300 dpi), in inches
    width_px = int.from_bytes(e.files[0].read_bytes()[16:20], "big")
    assert f'style="width: {width_px / 300:.2f}in"' in e.html
    with pytest.raises(ValueError, match="embed must be 'png' or 'svg', got 'jpg'"):
        rep.figure(_fig(), key="otra", caption="c", source="s", embed="jpg")


def test_long_tables_may_break_across_pages(rep):
    short = rep.table(_redes(), key="corta", caption="c", source="s")
    long_df = pd.DataFrame({"Productor": [f"P{i}" for i in range(26)], "Ingreso": range(26)})
    long = rep.table(long_df, key="larga", caption="c", source="s")
    assert short.html.startswith('<figure class="tbl" ')
    assert long.html.startswith('<figure class="tbl long" ')
