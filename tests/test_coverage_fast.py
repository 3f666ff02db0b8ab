"""The coverage simulation runs the project's own estimators: closed forms equal analysis.effects.

Also checks the simulated design is the project's (its clusters) and the arithmetic of the
coverage summary on a small fixed-seed run.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.coverage import fast
from analysis.coverage.design import OUTCOMES, draw
from analysis.coverage.run import _Sample, one_draw, simulate, summarize
from analysis.effects.project import _est, prepare_panel, subsets


@pytest.fixture(scope="module")
def panel():
    warnings.simplefilter("ignore")
    return prepare_panel(draw(7))


def test_design_has_the_project_clusters(panel):
    members = panel[panel["member"]]
    comp = panel[~panel["member"]]
    # 12 networks are 12 clusters; comparison producers sit in their own sector clusters
    assert members["cluster_id"].nunique() == 12
    assert comp.groupby("chain")["cluster_id"].nunique().to_dict() == {"lacteos": 8, "mango": 2}
    assert not set(members["cluster_id"]) & set(comp["cluster_id"])
    assert panel.groupby("chain")["cluster_id"].nunique().to_dict() == {"lacteos": 16, "mango": 6}
    assert len(panel) == 3 * (116 + 100)


def test_untreated_potential_outcomes_differ_only_in_treated_cells(panel):
    tp = panel["first_post_year"].notna() & (panel["year"] >= panel["first_post_year"])
    for y in OUTCOMES:
        same = np.isclose(panel[y], panel[y + "__y0"])
        assert same[~tp].all()
        assert (panel.loc[tp, y] > panel.loc[tp, y + "__y0"]).mean() > 0.9


@pytest.mark.parametrize("which", [0, 1, 2, 3, 15, 17])
def test_fast_estimators_equal_estimate_effects(panel, which):
    level, value, sub, kind = list(subsets(panel))[which]
    by = "_unit" if kind == "network" else "_cluster"
    y = "sales_value_pen"
    s = _Sample(sub).balanced(y, by)
    ref = _est(sub, [y], ["before_after", "did_twfe", "pct_effect"], by, 99, 1, "en").set_index("method")
    for got, m in [(fast.twfe(s), "did_twfe"), (fast.pct_from_log(s), "pct_effect"),
                   (fast.before_after(s)[0], "before_after"), (fast.before_after(s)[1], "before_after_pct")]:
        want = ref.loc[m, ["estimate", "std_error", "ci_low", "ci_high"]].to_numpy(float)
        np.testing.assert_allclose(got, want, rtol=1e-8, err_msg=f"{level}={value} {m}")


@pytest.mark.parametrize("which", [0, 2])   # overall (chain × period effects), mango (Webb weights)
def test_fast_wild_equals_project_wild(panel, which):
    sub = list(subsets(panel))[which][2]
    y = "net_income_pen"
    st, lo, hi = fast.wild(_Sample(sub).balanced(y, "_cluster"), 199, 5)
    ref = _est(sub, [y], ["did_wild"], "_cluster", 199, 5, "en", wild_ci=True).iloc[0]
    assert st.pvalue_floor(0.0) == pytest.approx(ref["p_value"], abs=1e-12)
    assert (lo, hi) == pytest.approx((ref["ci_low"], ref["ci_high"]), rel=1e-6)


def test_cluster_t_by_hand():
    # 1 treated cluster (0) and 3 comparison clusters, 2 units each, periods pre/post
    y = np.array([[1, 5], [3, 7], [0, 1], [2, 3], [0, 2], [2, 4], [1, 4], [1, 4]], float)
    d = np.array([[0, 1], [0, 1]] + [[0, 0]] * 6, float)
    s = fast.Balanced(y=y, d=d, cluster=np.array([0, 0, 1, 1, 2, 2, 3, 3]), ever=np.array([1, 1] + [0] * 6))
    est, se, lo, hi = fast.cluster_t(s, 0)
    deltas = np.array([1.0, 2.0, 3.0])          # comparison clusters' mean changes
    assert est == pytest.approx(4.0 - 2.0)
    assert se == pytest.approx(np.std(deltas, ddof=1) * np.sqrt(1 + 1 / 3))
    assert hi - est == pytest.approx(4.302652729911275 * se)   # t(2) 97.5% quantile


def test_summary_arithmetic_small_run():
    rec = simulate(draws=3, seed=11, methods=("did_wild",), progress=False)
    one = pd.DataFrame(one_draw(11, methods=("did_wild",)),
                       columns=["method", "level", "group", "outcome", "estimate", "ci_low", "ci_high", "truth"])
    # every record of one draw is in the run, in seed order
    assert len(rec) == 3 * len(one)
    np.testing.assert_allclose(rec["estimate"].to_numpy()[: len(one)], one["estimate"].to_numpy())
    table = summarize(rec, 3)
    row = table[(table["method"] == "did_twfe") & (table["level"] == "network:mango")
                & (table["outcome"] == "sales_value_pen")].iloc[0]
    sel = rec[(rec["method"] == "did_twfe") & (rec["level"] == "network:mango") & (rec["outcome"] == "sales_value_pen")]
    assert len(sel) == 3 * 4                      # 4 mango networks × 3 draws
    cov = ((sel["ci_low"] <= sel["truth"]) & (sel["truth"] <= sel["ci_high"])).mean()
    assert row["coverage"] == pytest.approx(cov)
    assert row["mc_se"] == pytest.approx(np.sqrt(cov * (1 - cov) / 3))
    assert row["bias"] == pytest.approx((sel["estimate"] - sel["truth"]).mean())
    assert row["draws"] == 3
