"""effects_figures: tables and figures from small constructed effects/panel frames."""

import numpy as np
import pandas as pd
import pytest

from analysis.report import effects_figures as ef

NETWORKS = pd.DataFrame({
    "network_id": ["m_a", "m_b", "l_c"],
    "short_name": ["Red A", "Red B", "Red C"],
    "chain": ["mango", "mango", "lacteos"],
    "total": [8, 3, 11],
})


def row(level, value, method, est, lo, hi, p, n, **kw):
    base = {"outcome": "net_income_pen", "level": level, "group_value": value, "method": method,
            "event_time": np.nan, "estimate": est, "ci_low": lo, "ci_high": hi, "p_value": p,
            "n_units": n, "n_clusters": 4, "comparison": "miembros vs comparación", "note": ""}
    base.update(kw)
    return base


@pytest.fixture
def effects():
    rows = [
        row("overall", np.nan, "before_after", 500.0, 400.0, 600.0, 0.0001, 22),
        row("overall", np.nan, "did_twfe", 300.0, 100.0, 500.0, 0.004, 72),
        row("overall", np.nan, "did_wild", 300.0, 50.0, 550.0, 0.031, 72),
        row("overall", np.nan, "pct_effect", 45.2, 10.0, 90.0, 0.02, 72),
        row("chain", "mango", "before_after", 200.0, 100.0, 300.0, 0.01, 11),
        row("chain", "mango", "did_twfe", 150.0, -20.0, 320.0, 0.08, 61),
        row("chain", "lacteos", "before_after", 900.0, 700.0, 1100.0, 0.001, 3),
        row("chain", "lacteos", "did_twfe", 800.0, 300.0, 1300.0, 0.002, 53),
        row("chain", "lacteos", "pct_effect", 120.4, 80.0, 160.0, 0.001, 53),
        row("network_id", "m_a", "before_after", 210.0, 100.0, 320.0, 0.01, 8),
        row("network_id", "m_a", "did_twfe", 160.0, 10.0, 310.0, 0.04, 58),
        row("network_id", "m_b", "before_after", 190.0, 0.0, 380.0, 0.05, 3),
        row("network_id", "m_b", "did_twfe", 140.0, -90.0, 370.0, 0.2, 53),
        row("network_id", "l_c", "before_after", 905.0, 700.0, 1110.0, 0.001, 11),
        row("network_id", "l_c", "did_twfe", 810.0, 310.0, 1310.0, 0.002, 61),
        row("sex", "F", "before_after", 1.0, 0.0, 2.0, 0.5, 12),
        row("sex", "F", "did_twfe", 350.0, 150.0, 550.0, 0.001, 62),
        row("sex", "M", "before_after", 1.0, 0.0, 2.0, 0.5, 4),
        row("sex", "M", "did_twfe", 250.0, 50.0, 450.0, 0.01, 54),
        row("overall", np.nan, "cs_notyet_event", 10.0, -50.0, 70.0, 0.7, 70, event_time=-2.0),
        row("overall", np.nan, "cs_notyet_event", 310.0, 110.0, 510.0, 0.002, 70, event_time=0.0),
        row("overall", np.nan, "cs_notyet_event", 420.0, 120.0, 720.0, 0.006, 70, event_time=2.0),
        row("chain", "mango", "did_twfe", 0.12, 0.05, 0.19, 0.001, 61, outcome="employment_fte"),
    ]
    return pd.DataFrame(rows)


def test_forest_rows_drop_network_with_three_members(effects):
    d, left_out = ef.network_forest_rows(effects, "net_income_pen", NETWORKS, min_cell=5)
    assert d["network_id"].tolist() == ["m_a", "l_c"]  # mango first, then dairy
    assert d["n_members"].tolist() == [8, 11]
    assert left_out == ["Red B"]


def test_forest_plot_has_one_row_per_shown_network(effects):
    fig = ef.network_forest(effects, "net_income_pen", NETWORKS, min_cell=5, method="did_twfe")
    ax = fig.axes[0]
    labels = [tl.get_text() for tl in ax.get_yticklabels()]
    assert labels == ["Red A (Mango, n=8)", "Red C (Lácteos, n=11)"]
    assert any("Red B" in txt.get_text() for txt in fig.texts)


def test_forest_plot_says_why_some_rows_have_no_interval(effects):
    """Issue 11: a forest where only some rows carry an interval says why the others have none."""
    gated = effects.copy()
    mask = (gated["level"] == "network_id") & (gated["group_value"] == "m_a")
    gated.loc[mask, ["ci_low", "ci_high"]] = np.nan
    fig = ef.network_forest(gated, "net_income_pen", NETWORKS, min_cell=5, method="did_twfe")
    notes = " ".join(txt.get_text() for txt in fig.texts)
    assert notes.startswith("Filas sin intervalo: la simulación del diseño no muestra una cobertura")
    full = ef.network_forest(effects, "net_income_pen", NETWORKS, min_cell=5, method="did_twfe")
    assert "Filas sin intervalo" not in " ".join(txt.get_text() for txt in full.texts)

def test_forest_rejects_unknown_network(effects):
    bad = pd.concat([effects, pd.DataFrame([row("network_id", "zz", "did_twfe", 1, 0, 2, 0.5, 9)])])
    with pytest.raises(ValueError, match=r"group_value\(s\) \['zz'\] not in networks.csv"):
        ef.network_forest_rows(bad, "net_income_pen", NETWORKS, min_cell=5)


def test_effects_table_folds_wild_p_and_suppresses_small_chain(effects):
    tab = ef.effects_table(effects, "net_income_pen", min_cell=5)
    did = tab[(tab["Ámbito"] == "Todas las redes") & (tab["Método"].str.startswith("Dif. en dif. (efectos fijos"))].iloc[0]
    assert did["Estimación"] == "300"
    assert did["IC 95%"] == "100\u00a0a\u00a0500"
    assert did["p"] == "0.004"
    assert did["p bootstrap"] == "0.031"
    assert did["IC 95% bootstrap"] == "50\u00a0a\u00a0550"
    assert did["N"] == 72 and did["Miembros"] == 22
    pct = tab[(tab["Ámbito"] == "Todas las redes") & (tab["Método"] == "Dif. en dif. en logaritmos, %")].iloc[0]
    assert pct["Estimación"] == "45.2%"
    dairy = tab[tab["Ámbito"] == "Lácteos"]
    assert len(dairy) == 3  # before_after, did_twfe, pct_effect
    assert (dairy["Estimación"] == "n<5").all() and (dairy["IC 95%"] == "n<5").all()
    assert (tab[tab["Ámbito"] == "Mango"]["Estimación"] != "n<5").all()
    assert len(tab) == 3 + 2 + 3  # overall: before_after, did_twfe, pct_effect; did_wild is folded


def test_heterogeneity_table_suppresses_group_with_four_members(effects):
    tab = ef.heterogeneity_table(effects, ["net_income_pen"], min_cell=5, levels=("sex",))
    assert tab["Grupo"].tolist() == ["Mujeres", "Hombres"]
    assert tab["Estimación"].tolist() == ["350", "n<5"]
    assert tab["Miembros"].tolist() == [12, 4]


def test_outcome_means_blank_small_groups():
    panel = pd.DataFrame({
        "chain": ["mango"] * 9, "year": [2005] * 9, "member": [True] * 6 + [False] * 3,
        "net_income_pen": [1.0, 2.0, 3.0, 4.0, 5.0, np.nan, 10.0, 20.0, 30.0],
    })
    m = ef.outcome_means(panel, "net_income_pen", min_cell=5).set_index("member")
    assert m.loc[True, "n"] == 5 and m.loc[True, "mean"] == 3.0
    assert m.loc[False, "n"] == 3 and np.isnan(m.loc[False, "mean"])
    fig = ef.before_after_chart(m.reset_index(), "net_income_pen")
    assert [ax.get_title() for ax in fig.axes] == ["Mango"]


def test_event_study_plots_each_event_time(effects):
    fig = ef.event_study_chart(effects, ["net_income_pen"], "cs_notyet")
    ax = fig.axes[0]
    assert [int(x) for x in ax.get_xticks()] == [-2, 0, 2]
    assert ax.get_title(loc="left") == "Ingreso neto anual"


def test_balance_table_suppresses_small_comparison_group():
    bal = pd.DataFrame({
        "chain": ["mango", "lacteos"], "variable": ["net_income_pen", "cows"],
        "n_members": [40, 70], "mean_members": [1000.123, 2.5], "n_comparison": [50, 3],
        "mean_comparison": [900.0, 2.0], "difference": [100.123, 0.5],
        "normalized_difference": [0.2512, 0.9],
    })
    tab = ef.balance_table(bal, min_cell=5)
    assert list(tab.columns) == ["Cadena", "Variable", "Miembros", "Media M", "Comparación",
                                 "Media C", "M − C", "Dif. norm."]
    assert tab.iloc[0]["Variable"] == "Ingreso neto anual" and tab.iloc[0]["Dif. norm."] == 0.25
    assert tab.iloc[1]["Variable"] == "Vacas en producción"
    assert tab.iloc[1]["Media M"] == "n<5" and tab.iloc[1]["Dif. norm."] == "n<5"


def test_survey_conclusions_texts(effects):
    out = ef.survey_conclusions(effects, NETWORKS)
    assert out["dairy_income"] == "Lácteos: +120% (IC 95%: 80 a 160%), diferencia en diferencias en logaritmos"
    # mango has no pct_effect row: falls back to the DiD in soles
    assert out["mango_income"] == "Mango: S/ +150 por año (IC 95%: -20 a 320), diferencia en diferencias"
    # 0.12 FTE × 11 mango members (networks.csv totals 8 + 3) = 1.32 -> "1"
    assert out["jobs_created"].startswith("Mango: +0.12 ETC por miembro (IC 95%: 0.05 a 0.19); ≈ 1 ETC en sus 11 miembros")
    assert "Lácteos: sin estimación en effects.csv" in out["jobs_created"]
    assert "XX" not in " ".join(out.values())


def test_missing_column_is_named(effects):
    with pytest.raises(ValueError, match=r"effects.csv: missing column\(s\) \['p_value'\]"):
        ef.effects_table(effects.drop(columns="p_value"), "net_income_pen", 5)
