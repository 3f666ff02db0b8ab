"""analysis.report.factsheet_content helpers on small inputs, and one executed factsheet notebook."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis.report import factsheet_content as fc
from analysis import paths
from analysis.labels import t

NETWORKS = pd.DataFrame({
    "network_id": ["lac_a", "lac_b", "man_c"], "name": ["Red A de leche", "Red B", "Red C mango"],
    "short_name": ["A", "B", "C"], "chain": ["lacteos", "lacteos", "mango"],
    "programme_phase": [1, 2, 2], "start_date": ["2006-07", "2008-07", "2008-07"],
    "men": [2, 3, 4], "women": [5, 1, 0], "total": [7, 4, 4],
})


def _effects(members: int, comparison: int, unit="lac_a", level="network_id"):
    rows = []
    for y in fc.OUTCOMES:
        rows.append(dict(outcome=y, level=level, group_value=unit, method="before_after",
                         estimate=1.0, ci_low=0.5, ci_high=1.5, p_value=0.01, n_units=members))
        rows.append(dict(outcome=y, level=level, group_value=unit, method="did_twfe",
                         estimate=1234.5, ci_low=1000.0, ci_high=1500.0, p_value=0.0004,
                         n_units=members + comparison))
        for m in ("pct_effect", "pct_cluster_t"):   # chains show pct_effect, networks pct_cluster_t
            rows.append(dict(outcome=y, level=level, group_value=unit, method=m,
                             estimate=25.04, ci_low=10.0, ci_high=40.0, p_value=0.02,
                             n_units=members + comparison))
    return pd.DataFrame(rows)


def test_unit_networks_and_unknown_unit():
    assert fc.unit_networks(NETWORKS, "chain", "lacteos")["network_id"].tolist() == ["lac_a", "lac_b"]
    assert fc.unit_chain(NETWORKS, "network", "man_c") == "mango"
    with pytest.raises(ValueError, match=r"networks.csv: no row with network_id = 'zzz'; known values: \['lac_a', 'lac_b', 'man_c'\]"):
        fc.unit_networks(NETWORKS, "network", "zzz")
    with pytest.raises(ValueError, match="unit_kind 'region' not supported"):
        fc.unit_networks(NETWORKS, "region", "x")


def test_identity_text_and_chain_table():
    text = fc.identity_text(NETWORKS, "lac_a")
    assert text == ("**Red A de leche** · cadena de lácteos · fase 1 del programa · inicio 2006-07 · "
                    "7 integrantes (5 mujeres, 2 hombres)")
    table = fc.identity_table(NETWORKS, "chain", "lacteos")
    assert table["Red"].tolist() == ["A", "B", "Total"]
    assert table["Mujeres"].tolist() == [5, 1, 6] and table["Total"].tolist() == [7, 4, 11]


def test_projects_collapse_shared_projects_for_chain():
    projects = pd.DataFrame({
        "project_id": ["p1", "p2", "p3"], "network_id": ["lac_a", "lac_b", "lac_a"],
        "chain": "lacteos", "project_type": ["piloto", "piloto", "estrategico"],
        "name": ["Piloto común", "Piloto común", "Acopio"], "start": ["2008", "2008", ""],
        "reported_results": ["+10% litros", "+10% litros", ""], "cofinancing_id": ["c1", "c1", ""],
    })
    sub = fc.unit_projects(projects, NETWORKS, "network", "lac_a")
    assert sub["project_id"].tolist() == ["p1", "p3"]
    net = fc.projects_table(sub)
    assert list(net.columns) == ["Tipo", "Proyecto", "Inicio", "Resultados reportados"]
    chain = fc.projects_table(projects, short_names={"lac_a": "A", "lac_b": "B"}, results=False)
    assert chain["Red"].tolist() == ["A, B", "A"]
    assert chain["Tipo"].tolist() == ["Proyecto piloto", "Proyecto estratégico"]
    cof = pd.DataFrame({"project_id": ["c1", "c1", "c1", "c9"], "project_type": "piloto",
                        "chain": "lacteos", "programme_phase": 2,
                        "funder": ["APOMIPE", "Redes", "total", "APOMIPE"],
                        "amount": [100.0, 50.0, 150.0, 7.0], "currency": "PEN",
                        "kind": ["part", "part", "stated_total", "part"]})
    table = fc.cofinancing_table(cof, sub)
    assert table["Aportante"].tolist() == ["APOMIPE", "Redes", "Total declarado"]
    assert table["Monto"].tolist() == [100.0, 50.0, 150.0]
    assert table["Proyecto cofinanciado"].iloc[0] == "Proyecto piloto (Lácteos, fase 2 del programa)"
    wide = fc.cofinancing_wide(table)
    assert wide.columns.tolist() == ["Proyecto cofinanciado", "Moneda", "APOMIPE", "Redes", "Total declarado"]
    assert fc.cofinancing_shared_by(projects, ["c1"]) == 2


def test_indicators_keep_chain_pairs_and_own_network_rows():
    ind = pd.DataFrame({
        "indicator_id": ["y", "y", "y", "y", "x", "z", "z"],
        "chain": "lacteos", "network_id": ["", "", "lac_a", "lac_b", "", "lac_a", "lac_a"],
        "period": ["initial", "current", "current", "current", "current", "initial", "current"],
        "value": [11.0, 19.0, 18.0, 20.0, 5.0, 30.0, 5.0], "unit": "u", "measure": ["Y", "Y", "Y", "Y", "X", "Z", "Z"],
    })
    t = fc.indicators_table(ind, "lacteos", "lac_a")
    assert t["Indicador"].tolist() == ["Y", "Z", "Y"]  # own network rows first; x has no initial
    assert t["Ámbito"].tolist() == ["red", "red", "cadena"]
    # printed as the main report prints published values: "11", not "11.00"; empty when missing
    assert t["Inicial"].tolist()[2] == "11" and t["Actual"].tolist()[2] == "19"
    assert t["Inicial"].iloc[0] == ""
    ind.loc[1, "value"] = 1.5
    assert fc.indicators_table(ind, "lacteos", None)["Actual"].tolist() == ["1.5"]
    assert len(fc.indicators_table(ind, "lacteos", None, paired_only=False)) == 2


def test_implied_table_ranges():
    imp = pd.DataFrame({"chain": ["mango", "mango", "lacteos"], "level": ["per_producer", "chain", "per_producer"],
                        "quantity": ["income", "income", "income"], "unit": "S/ por año",
                        "pct_low": [69.3, 69.3, 1.0], "pct_high": [229.1, 229.1, 1.0],
                        "status": "calculado", "scenario": "principal"})
    t = fc.implied_table(imp, "mango")
    assert t["Cambio %"].tolist() == ["+69% a +229%"]
    assert fc.implied_table(imp, "lacteos")["Cambio %"].tolist() == ["+1%"]


def test_effects_table_counts_and_formatting():
    table, n_supp = fc.effects_table(_effects(7, 50), "network", "lac_a", min_cell=5)
    assert n_supp == 0 and len(table) == 6
    first = table.iloc[0]
    assert first["Estimación"] == "1,234"  # round half to even, as format_number
    assert first["IC 95%"] == "1,000 a 1,500"
    assert first["p"] == "<\u00a00.001"
    assert first["Miembros"] == 7 and first["Comparación"] == 50
    assert table.iloc[1]["Estimación"] == "25.0%"
    emp = table[table["Resultado"] == "Empleo"].iloc[0]
    assert emp["Estimación"] == "1,234.50"


def test_effects_table_suppresses_small_units():
    table, n_supp = fc.effects_table(_effects(4, 50), "network", "lac_a", min_cell=5)
    assert n_supp == 6
    marker = t("report.suppression_marker", "es", min_count=5)
    assert set(table["Estimación"]) == set(table["IC 95%"]) == set(table["p"]) == {marker}
    assert table["Miembros"].tolist() == [4] * 6
    with pytest.raises(ValueError, match="effects.csv: no rows with level = 'chain' and group_value = 'mango'"):
        fc.effects_table(_effects(7, 50), "chain", "mango", 5)


def test_group_means_pick_members_and_same_chain_comparison():
    panel = pd.DataFrame({
        "producer_id": ["a1", "a2", "b1", "k1", "k2", "m1"] * 2,
        "network_id": ["lac_a", "lac_a", "lac_b", None, None, None] * 2,
        "chain": ["lacteos"] * 5 + ["mango"] + ["lacteos"] * 5 + ["mango"],
        "member": [True, True, True, False, False, False] * 2,
        "year": [2005] * 6 + [2011] * 6,
        "net_income_pen": [10.0, 20.0, 99.0, 1.0, 3.0, 500.0, 30.0, 40.0, 99.0, 2.0, 4.0, 500.0],
        "sales_value_pen": 1.0, "employment_fte": 1.0,
    })
    m = fc.group_means(panel, NETWORKS, "network", "lac_a", min_cell=1)
    inc = m[m.outcome == "net_income_pen"].set_index(["year", "member"])["mean"]
    assert inc[(2005, True)] == 15.0 and inc[(2011, True)] == 35.0
    assert inc[(2005, False)] == 2.0 and inc[(2011, False)] == 3.0
    small = fc.group_means(panel, NETWORKS, "network", "lac_a", min_cell=3)
    assert small["mean"].isna().all()
    fig = fc.means_chart(m)
    assert len(fig.axes) == 3


def test_factsheet_notebook_executes_for_one_network(tmp_path):
    papermill = pytest.importorskip("papermill")
    from analysis.published import implied as implied_mod, load as published
    from analysis.effects.project import run_project_effects
    from analysis.survey import pipeline

    processed = tmp_path / "processed"
    pipeline.run(paths.CONFIG / "demo.yaml", processed)
    run_project_effects(pd.read_parquet(processed / "panel.parquet"), processed, progress=False)
    res = implied_mod.compute_implied(published.load("chain_indicators"), published.load("networks"),
                                      network_totals=published.load("network_totals"))
    implied_mod.write_implied(res, processed)
    out = tmp_path / "ficha.ipynb"
    papermill.execute_notebook(
        str(paths.ROOT / "notebooks" / "factsheet.ipynb"), str(out), kernel_name="redes-laredo",
        cwd=str(paths.ROOT / "notebooks"), progress_bar=False,
        parameters={"raw_dir": str(paths.DATA_RAW), "processed_dir": str(processed),
                    "reports_dir": str(tmp_path / "reports"), "config_path": str(paths.CONFIG / "demo.yaml"),
                    "unit_kind": "network", "unit_id": "lacteos_san_pachusco"})
    from analysis.report.render import notebook_to_html

    html, _ = notebook_to_html(out, title="Red San Pachusco")
    assert 'RP Agropecuarios "San Pachusco"' in html or "RP Agropecuarios &quot;San Pachusco&quot;" in html
    assert 'class="aviso"' in html and "Datos sintéticos. La encuesta a productores" in html
    assert "Tabla N°" in html and "Gráfico N°1" in html
    figs = tmp_path / "reports" / "fichas" / "lacteos_san_pachusco" / "figuras"
    assert (figs / "grafico_01_promedios_por_ronda.png").exists()


def test_no_internal_notes_in_factsheet_tables():
    """Issue 11: transcriber's notes, status column, ids and file names stay out of the tables."""
    from analysis.published import load as published

    projects, networks = published.load("projects"), published.load("networks")
    short = dict(zip(networks["network_id"], networks["short_name"]))
    for unit_kind, unit_id in (("network", "lacteos_agancosad"), ("chain", "mango"), ("chain", "lacteos")):
        sub = fc.unit_projects(projects, networks, unit_kind, unit_id)
        tab = fc.projects_table(sub, short_names=None if unit_kind == "network" else short)
        text = " ".join(tab.astype(str).to_numpy().ravel())
        for leak in ("aplanado", "no recuperable", "asoc_pampas_san_juan", "redeslac,"):
            assert leak not in text, (unit_id, leak)
    imp = pd.DataFrame({"chain": ["mango"] * 2, "level": ["per_producer"] * 2,
                        "quantity": ["income", "production"], "unit": "S/ por año",
                        "pct_low": [69.3, np.nan], "pct_high": [229.1, np.nan],
                        "status": ["calculado", "no determinable"], "scenario": "principal"})
    tab = fc.implied_table(imp, "mango")
    assert "Estado" not in tab.columns
    assert tab["Cambio %"].tolist() == ["+69% a +229%", "no determinable"]
    assert fc.cofinancing_text(projects, ["mango_p1_piloto"]).endswith("proyectos.")
    assert "red(es)" not in fc.cofinancing_text(projects, ["lacteos_p2_piloto"])
    for key in ("src_networks", "src_projects", "src_cofinancing", "src_indicators", "src_implied",
                "src_survey", "src_means", "txt_implied"):
        text = t(f"factsheet.{key}", "es", source_name="Encuesta demo (sintética)", chain="mango")
        assert not re.search(r"\.(csv|parquet|xlsx)\b|paso 0\d", text), key


def test_implied_table_on_the_real_changes_shows_both_price_variants_once():
    """Dairy: production once (published volume), gross income at nominal and constant prices,
    the document's stated +25%; the contradicted herd scenario and the sales-value rows not."""
    from analysis.published import implied as im
    inp = im.load_inputs()
    res = im.compute_implied(inp["indicators"], inp["networks"], im.ImpliedParams(),
                             inp["network_totals"], inp["claims"])
    tab = fc.implied_table(res.effects, "lacteos")
    assert tab["Cambio %"].tolist() == ["+61% a +346%", "+86% a +515%", "+65% a +372%", "+25%"]
    assert tab["Escenario"].str.contains("precios constantes").sum() == 1
    assert not tab["Escenario"].str.contains("principal").any()
