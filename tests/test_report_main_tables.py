"""analysis.report.tables on the published CSVs, and the structure of notebooks/report_main.ipynb."""

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.published import load as published
from analysis.report import tables as rt

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tables():
    return published.load_all()


def test_networks_table_has_totals_row(tables):
    tab = rt.networks_table(tables["networks"])
    assert list(tab.columns) == ["Red", "Cadena", "Fase", "Hombres", "Mujeres", "Total", "Inicio"]
    assert len(tab) == 13
    assert tab.iloc[-1][["Red", "Hombres", "Mujeres", "Total"]].tolist() == ["Total", 63, 53, 116]
    assert tab["Cadena"].iloc[:4].tolist() == ["Mango"] * 4


def test_socioeconomic_values_as_printed(tables):
    tab = rt.socioeconomic_table(tables["laredo_socioeconomic"]).set_index("Indicador")
    assert tab.loc["Población (Tabla N°01)", "Valor"] == "32,825"
    assert tab.loc["Índice de desarrollo humano", "Valor"] == "0.61"
    assert tab.loc["Población urbana", "Valor"] == "71.6"
    bad = tables["laredo_socioeconomic"].head(2).assign(indicator=["urban_pct", "nuevo"])
    with pytest.raises(ValueError, match=r"laredo_socioeconomic.csv row 2, column 'indicator': "
                                         r"no label 'ind_nuevo'"):
        rt.socioeconomic_table(bad)


def test_projects_grouped_and_groups_named(tables):
    proj = tables["projects"]
    n_in = int(proj["project_type"].isin(["piloto", "estrategico"]).sum())
    tab = rt.projects_table(proj, tables["networks"])
    assert len(tab) < n_in
    # every pilot/strategic network appears exactly once in the Red column
    listed = ", ".join(tab["Red"]).split(", ")
    assert "REDESLAC (asociación de las redes lácteas)" in listed
    bad = proj.head(3).assign(network_id="nadie", project_type="piloto")
    with pytest.raises(ValueError, match=r"projects.csv row 1, column 'network_id': 'nadie'"):
        rt.projects_table(bad, tables["networks"])


def test_chain_indicator_table_ranges(tables):
    tab = rt.chain_indicator_table(tables["chain_indicators"], tables["networks"], "lacteos")
    assert len(tab) == int((tables["chain_indicators"]["chain"] == "lacteos").sum())
    first = tab.iloc[0]
    assert (first["Valor"], first["Rango"], first["Ámbito"]) == ("1.5", "1–2", "Territorio (productores de Laredo, antes del programa)")


def test_failed_checks_table():
    audit = pd.DataFrame({"rule": ["sum_matches_total", "dates_in_order"],
                          "description": ["a", "b"], "sources": ["Tabla N°02", "texto"],
                          "expected": [65, ">= 2006-07"], "found": [75, "2006-06"],
                          "passed": [False, True]})
    tab = rt.failed_checks_table(audit)
    assert tab.to_dict("records") == [{"Regla": "Las partes suman el total", "Qué se comprueba": "a",
                                       "Esperado": "65", "Encontrado": "75", "Fuente": "Tabla N°02"}]
    assert list(tab.index) == [0]


def test_conclusions_table_labels_synthetic_column():
    concl = pd.DataFrame({"placeholder": ["mango_income", "jobs_created"],
                          "label": ["incremento de ingresos de mango", "puestos generados"],
                          "value_text": ["entre 69% y 229%", "no determinable"]})
    tab = rt.conclusions_table(concl, {"mango_income": "Mango: +46 %", "jobs_created": "x"}, True)
    assert list(tab.columns)[2] == "Encuesta sintética de demostración (no es un hallazgo)"
    assert tab.iloc[0].tolist() == ["Incremento de ingresos de mango", "entre 69% y 229%", "Mango: +46 %"]
    assert list(rt.conclusions_table(concl, {}, False).columns)[2] == "Según la encuesta"
    assert rt.conclusions_table(concl, None, True).shape == (2, 2)


def test_notebook_parameters_and_notice_first():
    nb = nbformat.read(ROOT / "notebooks" / "report_main.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = code[0]
    assert params.metadata["tags"] == ["parameters"]
    for line in ('raw_dir: str = "../data/raw"', 'processed_dir: str = "../data/processed"',
                 'reports_dir: str = "../reports"', 'lang: str = "es"', 'config_path: str = "../config/demo.yaml"'):
        assert line in params.source
    setup = code[1].source
    assert "rep.notice(rx.notice_text(cfg, lang))\nrep.cover_line(rx.data_line(processed, lang))" in setup
    assert "display(" not in setup.replace("md = lambda text: display(Markdown(text))", "")
    assert all(not c.get("outputs") for c in code)
    chapters = [c.source.split("(")[2].split(",")[0] for c in code if "rx.chapter(" in c.source]
    assert chapters == [str(i) for i in range(1, 10)]


def test_networks_table_prints_one_spelling_per_network():
    """Issue 11: the registered names' typing slips (double spaces, "Lucia", " -Galindo") are
    evened out to the short name's spelling."""
    from analysis.published import load as published
    from analysis.report.tables import networks_table

    names = list(networks_table(published.load_all()["networks"], "es").iloc[:, 0])
    assert "RP Santa Lucía-Barraza" in names and "RP San Carlos-Galindo" in names
    assert 'RP "Lácteos San Juan"' in names
    assert not [n for n in names if "  " in n or " -" in n.replace(" - ", "")]


# ---------------------------------------------------------------- issue 9: printed plan tables, scope
import pytest as _pytest  # noqa: E402


@_pytest.mark.parametrize("exhibit,networks,rows,other", [("Tabla N°03 (mango)", 3, 1, 4),
                                                         ("Tabla N°06", 8, 1, 3),
                                                         ("Tabla N°03 (lácteos)", 6, 2, 3)])
@_pytest.mark.parametrize("lang", ["es", "en"])
def test_exhibit_counterparts_have_every_printed_cell(exhibit, networks, rows, other, lang):
    from analysis.published import load as published, translate as pi
    from analysis.report import tables as rt
    tabs = published.load_all()
    tab = rt.exhibit_counterpart_table(tabs["exhibit_tables"], tabs["networks"], exhibit, lang)
    assert len(tab) == rows + other  # networks with the same cells share a row
    listed = "; ".join(tab.iloc[:rows, 0])
    assert sorted(int(x.split(".")[0]) for x in listed.split("; ")) == list(range(1, networks + 1))
    src = tabs["exhibit_tables"][tabs["exhibit_tables"].exhibit == exhibit]
    cells = src[src.column != src.column.iloc[0]]
    own = cells[cells.assignment == "exact"]
    filled = int((tab.iloc[:, 1:] != "").to_numpy().sum())
    # every shared/unassigned cell once; a network's own cell once per distinct value
    assert filled == len(cells) - len(own) + own.drop_duplicates(["column", "value"]).shape[0]
    if lang == "en":
        assert all(pi.has(v) for v in cells.value if not v[:4].isdigit())
        assert "Network" == tab.columns[0]


def test_chain_indicator_scope_column_says_who():
    from analysis.published import load as published
    from analysis.report import tables as rt
    tabs = published.load_all()
    tab = rt.chain_indicator_table(tabs["chain_indicators"], tabs["networks"], "lacteos", "es")
    ind = tabs["chain_indicators"][tabs["chain_indicators"].chain == "lacteos"].reset_index(drop=True)
    scope = tab["Ámbito"]
    assert (scope[ind.scope == "territory"] == "Territorio (productores de Laredo, antes del programa)").all()
    assert (scope[(ind.scope == "phase1") & ind.network_id.isna()] == "Redes de la fase 1").all()
    assert (scope[ind.scope == "all"] == "Todas las redes de la cadena").all()
    assert "Toda la cadena" not in set(scope)
