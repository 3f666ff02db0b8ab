"""Callaway-Sant'Anna: parity with R `did` on mpdta, few-cluster arithmetic, CLI options."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.__main__ import main
from analysis.effects import estimate_effects
from analysis.effects.cs_did import fit_cs

DATA = Path(__file__).parent / "data" / "validation"
_STAT = {"gt": "_gt", "simple": "", "group": "_group", "dynamic": "_event", "calendar": "_calendar"}


@pytest.fixture(scope="module")
def mpdta():
    return pd.read_csv(DATA / "mpdta.csv")


@pytest.fixture(scope="module")
def published():
    return pd.read_csv(DATA / "did_mpdta_published.csv")


def _run(mpdta, spec, **kw):
    control, xf, est = spec.split("|")
    method = "cs_never" if control == "never" else "cs_notyet"
    out = estimate_effects(mpdta, "countyreal", "year", ["lemp"], cohort="first.treat",
                           controls=[] if xf == "none" else [xf], methods=[method],
                           est_method=est, **kw)
    return method, out


def _pick(out, name, r):
    d = out[out["method"] == name]
    cols = ("cohort", "period") if name.endswith("_gt") else ("cohort", "period", "event_time")
    for col in cols:
        d = d[d[col].isna()] if pd.isna(r[col]) else d[d[col] == r[col]]
    assert len(d) == 1, (name, dict(r))
    return d.iloc[0]


@pytest.mark.parametrize("spec", ["never|none|reg", "never|none|dr", "never|lpop|dr", "notyet|lpop|dr"])
def test_point_estimates_match_published_r_did(mpdta, published, spec):
    pub = published[(published["spec"] == spec) & (published["statistic"] != "pretest_p")]
    method, out = _run(mpdta, spec)
    for _, r in pub.iterrows():
        name = method + _STAT[r["statistic"]]
        if r["statistic"] == "dynamic" and pd.isna(r["event_time"]):
            name = f"{method}_event_avg"
        row = _pick(out, name, r)
        assert round(row["estimate"], int(r["decimals"])) == pytest.approx(r["estimate"], abs=1e-12), (name, dict(r))
    assert len(pub) >= 12


@pytest.mark.parametrize("spec", ["never|none|dr", "never|lpop|dr", "notyet|lpop|dr"])
def test_pretest_matches_published_r_did(mpdta, published, spec):
    p_pub = published[(published["spec"] == spec) & (published["statistic"] == "pretest_p")]["estimate"].item()
    control, xf, est = spec.split("|")
    fit = fit_cs(mpdta, "countyreal", "year", "lemp", "first.treat",
                 controls=[] if xf == "none" else [xf], control_group=control, est_method=est)
    r = fit.pretest(r_style=True)
    assert r["q"] == 5
    assert round(r["p_chi2"], 5) == pytest.approx(p_pub, abs=1e-12)
    # tidy row: unit clusters → Σ scaled by n/(n−1), W by (n−1)/n, p from F(5, n−1)
    method, out = _run(mpdta, spec)
    row = out[out["method"] == f"{method}_pretest"].iloc[0]
    assert row["estimate"] == pytest.approx(r["W"] * 499 / 500, rel=1e-10)
    assert row["p_value"] == pytest.approx(stats.f.sf(row["estimate"] / 5, 5, 499), rel=1e-10)


def test_unit_clustered_se_is_r_analytic_times_small_sample_factor(mpdta):
    fit = fit_cs(mpdta, "countyreal", "year", "lemp", "first.treat", controls=["lpop"])
    for e in fit.gt + fit.aggregates["dynamic"]:
        assert fit.se(e.inf) == pytest.approx(fit.se(e.inf, r_style=True) * np.sqrt(500 / 499), rel=1e-12)


def test_methods_agree_without_covariates(mpdta):
    est = {m: _run(mpdta, f"never|none|{m}")[1].set_index("method").loc["cs_never"] for m in ("dr", "reg", "ipw")}
    for m in ("reg", "ipw"):
        assert est[m]["estimate"] == pytest.approx(est["dr"]["estimate"], abs=1e-12)
        assert est[m]["std_error"] == pytest.approx(est["dr"]["std_error"], rel=1e-9)


def test_universal_base_period(mpdta):
    _, var = _run(mpdta, "never|none|dr")
    _, uni = _run(mpdta, "never|none|dr", base_period="universal")
    gv, gu = (d[d["method"] == "cs_never_gt"].set_index(["cohort", "period"]) for d in (var, uni))
    assert len(gv) == 12 and len(gu) == 15
    post = [k for k in gv.index if k[1] >= k[0]]
    np.testing.assert_allclose(gu.loc[post, "estimate"], gv.loc[post, "estimate"], atol=1e-12)
    ref = gu.loc[[(2004.0, 2003.0), (2006.0, 2005.0), (2007.0, 2006.0)]]
    assert (ref["estimate"] == 0).all() and ref["std_error"].isna().all()
    ev = uni[uni["method"] == "cs_never_event"].set_index("event_time")
    assert ev.loc[-1.0, "estimate"] == 0 and sorted(ev.index) == [-4.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]


def test_few_cluster_se_equals_hand_computation():
    # 12 units in 6 clusters, 2 periods, cohort 2 treated; ATT = difference of mean changes
    dy = np.array([1.0, 2.5, 0.3, 4.0, 2.2, 3.1, 0.5, -0.2, 1.1, 0.4, 0.9, -0.6])
    d = np.array([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    cl = np.array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    panel = pd.DataFrame({"id": np.repeat(np.arange(12), 2), "t": np.tile([1, 2], 12),
                          "y": np.column_stack([np.zeros(12), dy]).ravel(),
                          "g": np.repeat(np.where(d == 1, 2, 0), 2), "cl": np.repeat(cl, 2)})
    out = estimate_effects(panel, "id", "t", ["y"], cohort="g", cluster="cl", methods=["cs_never"],
                           aggregations=["simple"]).set_index("method").loc["cs_never"]
    m1, m0 = dy[d == 1].mean(), dy[d == 0].mean()
    att = m1 - m0
    psi = np.where(d == 1, (dy - m1) / d.mean(), -(dy - m0) / (1 - d.mean()))
    s = np.bincount(cl, weights=psi)
    se = np.sqrt(6 / 5 * np.sum(s ** 2)) / 12
    q = stats.t.ppf(0.975, 5)
    assert out["estimate"] == pytest.approx(att, abs=1e-12)
    assert out["std_error"] == pytest.approx(se, rel=1e-12)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((att - q * se, att + q * se), rel=1e-12)
    assert out["p_value"] == pytest.approx(2 * stats.t.sf(abs(att / se), 5), rel=1e-12)
    # CI = {b : p(b) ≥ 0.05}: at either end the t(5) p-value is exactly alpha
    for b in (out["ci_low"], out["ci_high"]):
        assert 2 * stats.t.sf(abs((att - b) / se), 5) == pytest.approx(0.05, rel=1e-9)
    assert out["inference"].endswith("factor G/(G−1), t(5)")
    assert "G=6" in out["inference"]


def test_cli_new_flags(mpdta, tmp_path):
    src = tmp_path / "mpdta.csv"
    mpdta.assign(state=mpdta["countyreal"] // 1000).to_csv(src, index=False)
    dst = tmp_path / "out.csv"
    rc = main(["effects", "--input", str(src), "--unit", "countyreal", "--period", "year", "--outcome", "lemp",
               "--cohort", "first.treat", "--methods", "cs_never", "--cluster", "state", "--controls", "lpop",
               "--aggregations", "group", "dynamic", "--base-period", "universal", "--est-method", "reg",
               "--lang", "en", "--output", str(dst)])
    assert rc == 0
    out = pd.read_csv(dst)
    counts = out["method"].value_counts().to_dict()
    assert counts == {"cs_never_gt": 15, "cs_never_event": 8, "cs_never_group": 4, "cs_never_event_avg": 1,
                      "cs_never_pretest": 1}
    g = mpdta.assign(state=mpdta["countyreal"] // 1000)["state"].nunique()
    assert (out["n_clusters"] == g).all()
    assert out["inference"].iloc[0].startswith(f"analytic clustered by state (G={g})")
    assert "outcome-regression estimator, universal (g−1) base period" in out["note"].iloc[0]


def test_bad_cs_option_message(mpdta):
    with pytest.raises(ValueError, match=r"^est_method 'ols' not supported; use one of \['dr', 'reg', 'ipw'\]$"):
        estimate_effects(mpdta, "countyreal", "year", ["lemp"], cohort="first.treat", est_method="ols")
    with pytest.raises(ValueError, match=r"^unknown aggregation\(s\) \['event'\]"):
        estimate_effects(mpdta, "countyreal", "year", ["lemp"], cohort="first.treat", aggregations=["event"])


def test_notyet_without_never_treated_uses_last_cohort_as_r(mpdta):
    treated = mpdta[mpdta["first.treat"] > 0]
    out = estimate_effects(treated, "countyreal", "year", ["lemp"], cohort="first.treat",
                           methods=["cs_notyet", "cs_never"], lang="en")
    gt = out[out["method"] == "cs_notyet_gt"]
    assert set(gt["cohort"]) == {2004.0, 2006.0} and gt["period"].max() == 2006.0
    assert "the last cohort is the comparison" in out["note"].iloc[0]
    never = out[out["method"] == "cs_never"].iloc[0]
    assert never["note"] == "not estimable: ValueError: no never-treated units for the never-treated comparison"
