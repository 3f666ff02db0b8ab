"""Years, rounds and phases print as labels (no thousands separator) in report tables."""

import pandas as pd

from analysis.report.numbering import Report


def test_year_column_has_no_thousands_separator(tmp_path):
    rep = Report(name="t", reports_dir=tmp_path, display=False)
    df = pd.DataFrame({"Año": [2005, 2011], "Ronda": [0, 2], "Ventas (S/.)": [12000.0, 1500.5]})
    entry = rep.table(df, key="years", caption="Años", source="prueba")
    html = entry.html
    assert ">2005<" in html and "2,005" not in html
    assert "12,000.00" in html
