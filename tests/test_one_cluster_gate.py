"""One-treated-cluster inference per network, and the coverage gate on published intervals."""

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.coverage import fast
from analysis.coverage.design import draw
from analysis.coverage.gate import COVERAGE_CSV, HIGH, LOW, apply_gate, load_coverage
from analysis.coverage.run import _Sample
from analysis.effects.one_cluster import one_cluster_rows
from analysis.effects.project import prepare_panel, subsets


@pytest.fixture(scope="module")
def network_sample():
    warnings.simplefilter("ignore")
    df = prepare_panel(draw(3))
    return [s for s in subsets(df) if s[3] == "network"]


@pytest.mark.parametrize("k", [0, 7, 9])   # two dairy networks (2007 and 2011 cohorts), one mango
@pytest.mark.parametrize("log", [False, True])
def test_one_cluster_rows_equal_the_closed_form(network_sample, k, log):
    _, net, sub, _ = network_sample[k]
    y = "sales_value_pen"
    row = one_cluster_rows(sub, y, period="year", cluster="cluster_id", first_post="first_post_year",
                           log=log, lang="en")[0]
    s = _Sample(sub).balanced(y, "_cluster")
    if log:
        s = fast.Balanced(np.log(s.y), s.d, s.cluster, s.ever)
    est, se, lo, hi = fast.cluster_t(s, int(s.cluster[s.ever.argmax()]))
    if log:
        tr = lambda v: 100 * (np.exp(v) - 1)  # noqa: E731
        est, lo, hi = tr(est), tr(lo), tr(hi)
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == pytest.approx((est, lo, hi), rel=1e-10)
    g0 = sub.loc[~sub["member"], "cluster_id"].nunique()
    assert row["n_clusters"] == g0 + 1
    assert row["method"] == ("pct_cluster_t" if log else "did_cluster_t")


def test_one_cluster_needs_one_treated_cluster(network_sample):
    sub = pd.concat([network_sample[0][2], network_sample[1][2]])
    with pytest.raises(ValueError, match="the sample has 2 treated clusters, needs 1"):
        one_cluster_rows(sub, "sales_value_pen", period="year", cluster="cluster_id",
                         first_post="first_post_year", log=False)


def _effects(rows):
    cols = ["outcome", "level", "group_value", "method", "estimate", "std_error", "ci_low", "ci_high",
            "p_value", "note"]
    return pd.DataFrame(rows, columns=cols)


def test_gate_keeps_only_intervals_with_nominal_coverage():
    cov = pd.DataFrame({"method": ["did_twfe", "did_twfe", "pct_cluster_t"],
                        "level": ["chain:mango", "network:lacteos", "network:lacteos"],
                        "outcome": ["y", "y", "y"], "coverage": [0.951, 0.47, 0.97], "draws": 1000})
    eff = _effects([
        ["y", "chain", "mango", "did_twfe", 1.0, 0.5, 0.0, 2.0, 0.04, ""],
        ["y", "network_id", "n1", "did_twfe", 1.0, 0.5, 0.0, 2.0, 0.04, "a"],
        ["y", "network_id", "n1", "pct_cluster_t", 9.0, 3.0, 1.0, 20.0, 0.01, ""],
        ["y", "sex", "F", "did_twfe", 1.0, 0.5, 0.0, 2.0, 0.04, ""],
    ])
    out = apply_gate(eff, cov, {"n1": "lacteos"}, lang="en")
    assert out["sim_coverage"].tolist()[:3] == [0.951, 0.47, 0.97] and np.isnan(out["sim_coverage"].iloc[3])
    assert out["ci_low"].notna().tolist() == [True, False, True, False]
    assert out["p_value"].notna().tolist() == [True, False, True, False]
    assert out["estimate"].tolist() == [1.0, 1.0, 9.0, 1.0]          # estimates stay
    assert out["note"].iloc[1] == ("a; interval and p-value not published: in the simulation of the design "
                                   "their coverage is 0.470 (0.93–0.97 required); the estimate is descriptive")
    assert out["note"].iloc[3].startswith("interval and p-value not published: the simulation of the design "
                                          "does not evaluate")


def test_committed_coverage_table_is_a_full_simulation():
    cov = load_coverage(COVERAGE_CSV)
    assert (cov["draws"] >= 1000).all()
    # the per-network intervals clustered by producer are the ones the review found wanting
    bad = cov[(cov["method"] == "pct_effect") & cov["level"].str.startswith("network:")]
    assert len(bad) == 6 and (bad[bad["outcome"] != "employment_fte"]["coverage"] < LOW).all()
    assert {"overall", "chain:lacteos", "chain:mango", "network:lacteos", "network:mango", "sex:F",
            "sex:M", "phase:1", "phase:2"} <= set(cov["level"])
    assert LOW < HIGH


def test_report_coverage_table_summarises_the_committed_run():
    from analysis.coverage.report import coverage_table, coverage_text

    cov = load_coverage(COVERAGE_CSV)
    tab = coverage_table(cov, "es")
    assert len(tab) == 31 and list(tab.columns) == [
        "Método", "Nivel", "Cobertura (mín.–máx. de ingreso, ventas y empleo)", "Intervalo publicado"]
    row = tab[(tab["Método"] == "Dif. en dif. en logaritmos, %") & (tab["Nivel"] == "Cadena de lácteos")].iloc[0]
    sel = cov[(cov["method"] == "pct_effect") & (cov["level"] == "chain:lacteos")]["coverage"]
    assert row.iloc[2] == f"{sel.min():.3f}–{sel.max():.3f}"
    assert row["Intervalo publicado"] == ("Sí" if sel.between(LOW, HIGH).all() else row["Intervalo publicado"])
    en = coverage_table(cov, "en")
    assert en.iloc[1]["Level"] == "Dairy chain"
    assert "1000" in coverage_text(cov, "es") and "0.93" in coverage_text(cov, "en")
