"""XLSX exports (issue 11 item 9): numbers as numbers, intervals in two columns, number formats,
bold header, widths, frozen header row; the info sheet keeps caption, source and note."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from analysis.report.numbering import Report
from analysis.report.xlsx_export import typed_columns

TABLE = pd.DataFrame({
    "Ámbito": ["Todas las redes", "Mango", "Lácteos"],
    "Estimación": ["4,285", "1,066", "n<5"],
    "IC 95 %": ["3,710 a 4,861", "–", "105.3 a 148.4"],
    "p": ["< 0.001", "0.040", "–"],
    "Cambio": ["97.3 %", "12.0 %", ""],
    "Valor": ["S/ 1,013", "S/ 20", "S/ 3"],
    "Código": ["01", "Tabla N°02", "x"],   # mixed: stays text
})


def test_formatted_numbers_become_numbers_only_when_the_whole_column_reads_so():
    cols = {c.name: c for c in typed_columns(TABLE, "es", markers=["n<5"])}
    assert list(cols) == ["Ámbito", "Estimación", "IC 95 % (mín.)", "IC 95 % (máx.)", "p", "Cambio",
                          "Valor", "Código"]
    assert cols["Estimación"].values == [4285.0, 1066.0, "n<5"]      # the marker stays, as text
    assert cols["Estimación"].number_format == "#,##0"
    assert cols["IC 95 % (mín.)"].values == [3710.0, None, 105.3]
    assert cols["IC 95 % (máx.)"].values == [4861.0, None, 148.4]
    assert cols["Cambio"].values == [97.3, 12.0, None] and cols["Cambio"].number_format == '#,##0.0"%"'
    assert cols["Valor"].number_format == '"S/ "#,##0'
    assert cols["p"].values == ["< 0.001", 0.04, None]               # a bound stays as text
    assert cols["p"].number_format == "#,##0.000"
    assert cols["Código"].values == ["01", "Tabla N°02", "x"]
    en = [c.name for c in typed_columns(TABLE.rename(columns={"IC 95 %": "95% CI"}), "en")]
    assert "95% CI (low)" in en and "95% CI (high)" in en


def test_report_table_xlsx_is_typed_and_styled(tmp_path):
    rep = Report(name="prueba", reports_dir=tmp_path, lang="es", display=False)
    rep.table(TABLE, key="efectos", caption="Efectos", source="Encuesta demo")
    wb = load_workbook(tmp_path / "prueba" / "tablas" / "tabla_01_efectos.xlsx")
    ws = wb["tabla"] if "tabla" in wb.sheetnames else wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]][:4] == ["Ámbito", "Estimación", "IC 95 % (mín.)", "IC 95 % (máx.)"]
    assert all(c.font.bold for c in ws[1])
    assert ws["B2"].value == 4285 and ws["B2"].number_format == "#,##0"
    assert ws["C2"].value == 3710 and ws["D2"].value == 4861
    assert ws.column_dimensions["A"].width >= len("Todas las redes")
    info = wb.worksheets[1]
    assert [info.cell(row=r, column=2).value for r in (2, 3, 4)] == ["Tabla N°1", "Efectos", "Encuesta demo"]



def test_mixed_levels_percentages_and_points_in_an_interval_column_are_numbers():
    """Issue 11 item 9: an effects column mixing levels and percentages, and a change column mixing
    ranges and single values, are typed cell by cell (each number keeps its own format)."""
    mixed = pd.DataFrame({"Estimación": ["4,285", "45.2%", "S/ 1,013", "n<5"],
                          "Cambio %": ["69 – 140", "0.25", "+25", "–"]})
    cols = {c.name: c for c in typed_columns(mixed, "es", markers=["n<5"])}
    est = cols["Estimación"]
    assert est.values == [4285.0, 45.2, 1013.0, "n<5"]
    assert est.formats == ["#,##0", '#,##0.0"%"', '"S/ "#,##0', None]
    assert cols["Cambio % (mín.)"].values == [69.0, 0.25, 25.0, None]
    assert cols["Cambio % (máx.)"].values == [140.0, 0.25, 25.0, None]


def test_a_column_of_words_stays_text():
    cols = typed_columns(pd.DataFrame({"Red": ["Santa Rosa", "12", "x"]}), "es")
    assert cols[0].values == ["Santa Rosa", "12", "x"] and cols[0].number_format is None
