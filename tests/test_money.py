"""One money format in published text (issue 11 item 6): ``money.money_text`` rewrites the
transcribed spellings ("S/.", "soles", "nuevos soles", "PEN", "USD") as "S/ 1,234" / "US$ 1,234",
and ``numbering.Report`` and ``render`` apply it to every table, export and text node."""

import pandas as pd
import pytest

from analysis.money import money_problems, money_text
from analysis.report.numbering import Report


@pytest.mark.parametrize("raw, es, en", [
    # the transcriptions of data/raw/published/ as they are
    ("Mejorar ingresos por planta de S/.10.00 a S/.20.00 en un periodo de 10 meses",
     "Mejorar ingresos por planta de S/ 10 a S/ 20 en un periodo de 10 meses", None),
    ("Precio pagado por acopiadores locales (S/. 0.73 a 0.87)",
     "Precio pagado por acopiadores locales (S/ 0.73 a 0.87)", None),
    ("clientes que paguen más de S/. 1.20 por litro", "clientes que paguen más de S/ 1.20 por litro",
     None),
    ("precio de 0.98 a 1.03 soles por litro", "precio de S/ 0.98 a S/ 1.03 por litro", None),
    ("(no más de 2500 soles por red)", "(no más de S/ 2,500 por red)", None),
    ("(no more than 2,500 soles per network)", "(no more than S/ 2,500 per network)", None),
    ("un fondo de 1500 nuevos soles", "un fondo de S/ 1,500", None),
    ("Sección 4.3.1 Fase 4, texto (dólares USA)", "Sección 4.3.1 Fase 4, texto (US$)", None),
    # currency codes: as a cell, as a unit, with an amount
    ("PEN", "S/", "S/"),
    ("USD", "US$", "US$"),
    ("PEN/l", "S/ por litro", "S/ per litre"),
    ("PEN/mes", "S/ por mes", "S/ per month"),
    ("PEN/planta", "S/ por planta", "S/ per plant"),
    ("PEN/ha", "S/ por ha", "S/ per hectare"),
    ("1302 USD", "US$ 1,302", "US$ 1,302"),
    ("PEN 36065", "S/ 36,065", "S/ 36,065"),
    # already right, or not money: unchanged
    ("S/ 1,234 por año", "S/ 1,234 por año", None),
    ("S/ 0.05", "S/ 0.05", None),
    ("PENDIENTE: 2500 personas; la pendiente", "PENDIENTE: 2500 personas; la pendiente", None),
    ("Gráfico N°10 (en insumos)", "Gráfico N°10 (en insumos)", None),
])
def test_money_text_writes_one_format(raw, es, en):
    assert money_text(raw, "es") == es
    assert money_text(raw, "en") == (en or es)
    assert money_problems(money_text(raw, "en")) == []


def test_money_problems_names_every_other_spelling():
    found = money_problems("a S/. 3; 5 soles; 6 nuevos soles; 7 PEN; 8 USD; S/ 9 ok")
    assert len(found) == 5 and "S/. 3" in found[0] and "7 PEN" in found[3]
    assert money_problems("S/ 1,234 y US$ 1,302") == []


def test_report_table_and_exports_write_money_one_way(tmp_path):
    rep = Report(name="t", reports_dir=tmp_path, display=False)
    df = pd.DataFrame({"Aportante": ["APOMIPE", "Red"], "Monto": [1302.0, 36065.0],
                       "Moneda": ["USD", "PEN"], "Unidad": ["PEN/l", "PEN/ha"],
                       "Descripción": ["no más de 2500 soles", "de S/.10.00 a S/.20.00"]})
    entry = rep.table(df, key="cof", caption="Montos en PEN", source="Sección 4 (dólares USA)",
                      decimals={"Monto": 0})
    csv = (tmp_path / "t" / "tablas" / "tabla_01_cof.csv").read_text(encoding="utf-8-sig")
    for text in (entry.html, csv, entry.caption, entry.source):
        assert money_problems(text) == [], text
    assert "US$" in csv and "S/ por litro" in csv and "S/ 2,500" in csv and "S/ 10 a S/ 20" in csv
    assert entry.caption == "Montos en S/" and entry.source == "Sección 4 (US$)"
    assert ">1,302<" in entry.html and ">36,065<" in entry.html  # amounts stay numbers


def test_rendered_html_writes_money_one_way_in_every_text_node():
    from analysis.report.render import _write_money
    import lxml.html

    doc = lxml.html.document_fromstring(
        "<html><head><title>Montos en PEN</title><style>.PEN{}</style></head><body>"
        "<p>Meta: S/. 1.20 <b>por</b> litro; tope de 2500 soles</p><td>USD</td>"
        '<img alt="x" src="data:image/png;base64,PENUSD"></body></html>')
    _write_money(doc, "en")
    html = lxml.html.tostring(doc, encoding="unicode")
    assert "Montos en S/" in html and "S/ 1.20 <b>por</b>" in html and "S/ 2,500" in html
    assert "<td>US$</td>" in html
    assert ".PEN{}" in html and "base64,PENUSD" in html  # styles and attributes untouched


def test_published_text_and_unit_cells_use_the_same_rule_in_both_languages():
    """analysis.published.translate.text()/unit() (the cells of the transcribed tables) go through money_text:
    one rule for the whole project."""
    from analysis.published import translate as pi

    assert pi.money_spelling("10,000 PEN") == "S/ 10,000"
    assert pi.unit("PEN/ha", "es") == "S/ por ha"
    assert pi.unit("PEN/l", "es") == money_text("PEN/l") == "S/ por litro"
    assert pi.text("no más de 2500 soles por red", "es") == "no más de S/ 2,500 por red"
    assert money_problems(pi.unit("PEN/ha", "en")) == []
    assert pi.text("(S/. 1.00 a 1.20)", "es") == "(S/ 1.00 a 1.20)"
