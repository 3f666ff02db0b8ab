"""Inference defaults, estimand column, p-value floor, zero baselines, designs through the CLI."""

import numpy as np
import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.effects import COLUMNS, estimate_effects
from analysis.effects.bootstrap import WildStats


def make_panel(n=120, seed=1, zero_base=False):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n), 2)
    period = np.tile([1, 2], n)
    treated = (unit % 2).astype(int)
    net = unit % 10
    y = 5 + rng.normal(size=n)[unit] + 0.5 * (period == 2) + 1.0 * treated * (period == 2) + rng.normal(size=2 * n)
    df = pd.DataFrame(dict(unit=unit, period=period, treated=treated, net=net, y=y))
    if zero_base:
        df.loc[(df.period == 1) & (df.treated == 1), "y"] = 0.0
        df.loc[(df.period == 1) & (df.treated == 1) & (df.unit % 4 == 1), "y"] = 1.0
        df.loc[(df.period == 1) & (df.treated == 1) & (df.unit % 4 == 3), "y"] = -1.0
    return df


def test_default_is_crv1_by_unit_and_said_in_inference():
    df = make_panel()
    out = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2,
                           methods=["did_twfe", "cs_never"], lang="en").set_index("method")
    assert out.loc["did_twfe", "inference"] == "cluster CRV1 by unit (unit)"
    assert out.loc["did_twfe", "n_clusters"] == 120
    assert "clustered by unit (G=120)" in out.loc["cs_never", "inference"]
    crv = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2,
                           cluster="unit", methods=["did_twfe"]).iloc[0]
    assert out.loc["did_twfe", "std_error"] == pytest.approx(crv["std_error"], rel=1e-12)
    het = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2,
                           vcov="hetero", methods=["did_twfe"], lang="en").iloc[0]
    assert het["inference"] == "heteroskedasticity-robust (HC1)" and pd.isna(het["n_clusters"])


def test_wild_pvalue_floor():
    # a t-statistic no draw reaches: p = 1/(B+1), never 0
    st = WildStats(beta=10.0, se_raw=1.0, n_y=np.ones(99), n_x=np.zeros(99), d_yy=np.ones(99),
                   d_xy=np.zeros(99), d_xx=np.ones(99), reps=99, full_enumeration=False)
    assert st.pvalue(0.0) == 0.0
    assert st.pvalue_floor(0.0) == 1 / 100
    # ties count: |t*| = |t| for every draw gives p = 1
    tie = WildStats(beta=1.0, se_raw=1.0, n_y=np.ones(9), n_x=np.zeros(9), d_yy=np.ones(9),
                    d_xy=np.zeros(9), d_xx=np.ones(9), reps=9, full_enumeration=False)
    assert tie.pvalue_floor(0.0) == 1.0


def test_wild_row_pvalue_never_zero():
    df = make_panel(n=200)
    df["y"] += 5.0 * df.treated * (df.period == 2)  # huge effect
    row = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2, cluster="net",
                           methods=["did_wild"], wild_reps=99, wild_ci=False).iloc[0]
    assert row["p_value"] == 1 / 100
    assert "(B + 1)" in row["note"] and row["estimand"] == "att_level"


def test_zero_baseline_gives_nan_and_note():
    df = make_panel(zero_base=True)
    df.loc[(df.period == 2) & (df.treated == 1), "y"] = df.loc[(df.period == 2) & (df.treated == 1), "y"] - 6.5
    out = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2,
                           methods=["before_after"], lang="en").set_index("method")
    ba = out.loc["before_after_pct"]
    assert np.isnan(ba["estimate"]) and ba["note"].startswith("baseline mean = 0")
    assert np.isfinite(out.loc["before_after", "estimate"])


def test_ratio_counterfactual_zero_gives_nan():
    df = make_panel()
    df["y"] -= 5.0  # some values <= 0: ratio version
    tp = (df.treated == 1) & (df.period == 2)
    out = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2,
                           methods=["did_twfe"]).iloc[0]
    m = df.loc[tp, "y"].mean()
    # shifting treated post rows by c moves both m and b by c: m - b is invariant, so set
    # the treated pre and comparison rows instead: cf = m - b = mean(treated pre) + trend
    pre = (df.treated == 1) & (df.period == 1)
    cf = m - out["estimate"]
    df.loc[pre, "y"] -= cf
    row = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2,
                           methods=["pct_effect"], lang="en").iloc[0]
    assert np.isnan(row["estimate"]) and row["note"].startswith("baseline mean = ")
    assert row["estimand"] == "pct_ratio_counterfactual"


def test_ratio_pct_se_hand_delta_method():
    df = make_panel(n=80, seed=4)
    df["y"] -= 4.0
    assert (df["y"] <= 0).any()
    row = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2,
                           cluster="net", methods=["pct_effect", "did_twfe"]).set_index("method")
    # hand: two periods, unit FE → first differences; b = diff of mean changes
    w = df.pivot(index="unit", columns="period", values="y")
    info = df.groupby("unit")[["treated", "net"]].first()
    d = w[2] - w[1]
    tr = info.treated == 1
    b = d[tr].mean() - d[~tr].mean()
    m = w.loc[tr, 2].mean()
    assert row.loc["did_twfe", "estimate"] == pytest.approx(b, abs=1e-10)
    # influence functions per unit: b = mean(d|T) - mean(d|C); m = mean(y2|T)
    n1, n0 = tr.sum(), (~tr).sum()
    psi_b = np.where(tr, (d - d[tr].mean()) / n1, -(d - d[~tr].mean()) / n0)
    psi_m = np.where(tr, (w[2] - m) / n1, 0.0)
    s = pd.DataFrame({"b": psi_b, "m": psi_m}, index=w.index).groupby(info.net).sum().to_numpy()
    v = s.T @ s
    se_b = row.loc["did_twfe", "std_error"]
    v *= se_b**2 / v[0, 0]  # the model's small-sample factor on the whole V
    cf = m - b
    grad = 100 * np.array([m, -b]) / cf**2
    pct = row.loc["pct_effect"]
    assert pct["estimate"] == pytest.approx(100 * b / cf, rel=1e-10)
    assert pct["std_error"] == pytest.approx(np.sqrt(grad @ v @ grad), rel=1e-8)
    assert pct["estimand"] == "pct_ratio_counterfactual"


def test_estimand_column_filled_for_every_method():
    df = make_panel()
    out = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2, wild_reps=99,
                           wild_ci=False)
    assert COLUMNS[-1] == "estimand"
    assert out["estimand"].ne("").all() and out["estimand"].notna().all()
    e = out.drop_duplicates("method").set_index("method")["estimand"]
    assert e["did_twfe"] == "att_level" and e["did_wild"] == "att_level"
    assert e["pct_effect"] == "pct_exp_log_did"
    assert e["before_after"] == "before_after_change" and e["before_after_pct"] == "before_after_pct_ratio"
    assert e["cs_never"] == "cs_att" and e["cs_never_pretest"] == "wald_pretest"


def test_repeated_cross_sections_cli_message(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame(dict(pid=np.arange(n), round=np.repeat([1, 2], n // 2),
                           treated=rng.integers(0, 2, n), y=rng.normal(size=n)))
    path = tmp_path / "rcs.csv"
    df.to_csv(path, index=False)
    code = main(["effects", "--input", str(path), "--unit", "pid", "--period", "round", "--outcome", "y",
                 "--treated", "treated", "--first-post", "2", "--methods", "did_twfe",
                 "--output", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert lines == [f"error: {path}: repeated cross-sections: only 0% of 'pid' units are observed in 2+ periods, "
                     "unit fixed effects are not identified; use --no-unit-fe (unit_fe=False) for a pooled DiD "
                     "of group means, or --methods without did_twfe/did_wild/pct_effect/cs_*"]
    assert "Traceback" not in err
    # the pooled DiD runs and equals the difference of the four means
    ok = main(["effects", "--input", str(path), "--unit", "pid", "--period", "round", "--outcome", "y",
               "--treated", "treated", "--first-post", "2", "--methods", "did_twfe", "--no-unit-fe",
               "--vcov", "hetero", "--output", str(tmp_path / "o.csv")])
    assert ok == 0
    row = pd.read_csv(tmp_path / "o.csv").iloc[0]
    mm = df.groupby(["treated", "round"])["y"].mean()
    assert row["estimate"] == pytest.approx((mm[1, 2] - mm[1, 1]) - (mm[0, 2] - mm[0, 1]), abs=1e-10)


def _staggered(n=90, seed=3):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        first = [0, 2, 3][i % 3]
        a = rng.normal()
        for p in [1, 2, 3]:
            d = int(first > 0 and p >= first)
            rows.append((i, p, first, i % 9, a + 0.3 * p + 1.5 * d + rng.normal()))
    return pd.DataFrame(rows, columns=["id", "p", "first", "net", "y"])


def test_first_differences_cli_equals_numpy_textbook_fd(tmp_path):
    df = _staggered()
    df = df.drop(index=[4, 10])  # two missing unit-rounds: no difference across a gap
    path = tmp_path / "panel.csv"
    df.to_csv(path, index=False)
    out = tmp_path / "fd.csv"
    code = main(["effects", "--input", str(path), "--unit", "id", "--period", "p", "--outcome", "y",
                 "--cohort", "first", "--estimator", "fd", "--lang", "en", "--output", str(out)])
    assert code == 0
    row = pd.read_csv(out).iloc[0]
    assert row["method"] == "fd" and row["estimand"] == "att_level"
    assert row["inference"] == "cluster CRV1 by unit (id)"
    # numpy: consecutive-round differences, regressors ΔD and period dummies (p = 2, 3)
    d = df.assign(D=((df["first"] > 0) & (df.p >= df["first"])).astype(float)).set_index(["id", "p"])
    rows = []
    for (i, p), r in d.iterrows():
        if (i, p - 1) in d.index:
            rows.append((i, r.y - d.loc[(i, p - 1), "y"], r.D - d.loc[(i, p - 1), "D"], p == 2, p == 3))
    a = np.array(rows, dtype=float)
    x, dy = a[:, 2:], a[:, 1]
    beta, *_ = np.linalg.lstsq(x, dy, rcond=None)
    assert row["estimate"] == pytest.approx(beta[0], abs=1e-10)
    assert row["n_obs"] == len(a)
    # CRV1 by unit: G/(G-1)·(N-1)/(N-K)·(X'X)⁻¹ Σ_g s_g s_g' (X'X)⁻¹, K = 3
    u = dy - x @ beta
    codes = pd.factorize(a[:, 0])[0]
    s = np.column_stack([np.bincount(codes, x[:, j] * u) for j in range(3)])
    inv = np.linalg.inv(x.T @ x)
    n, g = len(a), codes.max() + 1
    v = g / (g - 1) * (n - 1) / (n - 3) * inv @ s.T @ s @ inv
    assert row["std_error"] == pytest.approx(np.sqrt(v[0, 0]), rel=1e-6)


@pytest.mark.parametrize("vcov, cov_type", [("iid", "nonrobust"), ("hetero", "HC1"), (None, "HC1")])
def test_single_period_diff_means_cli_equals_statsmodels(tmp_path, vcov, cov_type):
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(5)
    n = 150
    df = pd.DataFrame(dict(pid=np.arange(n), year=2011, treated=rng.integers(0, 2, n), net=np.arange(n) % 10))
    df["y"] = 2 + 0.8 * df.treated + rng.normal(size=n) * (1 + df.treated)
    path = tmp_path / "endline.csv"
    df.to_csv(path, index=False)
    out = tmp_path / "dm.csv"
    args = ["effects", "--input", str(path), "--unit", "pid", "--period", "year", "--outcome", "y",
            "--treated", "treated", "--lang", "en", "--output", str(out)] + (["--vcov", vcov] if vcov else [])
    assert main(args) == 0
    table = pd.read_csv(out)
    assert len(table) == 1 and list(table.columns) == COLUMNS
    row = table.iloc[0]
    ref = sm.OLS(df["y"], sm.add_constant(df["treated"].astype(float))).fit(cov_type=cov_type)
    assert row["method"] == "diff_means" and row["estimand"] == "att_level"
    assert row["estimate"] == pytest.approx(df.y[df.treated == 1].mean() - df.y[df.treated == 0].mean(), abs=1e-10)
    assert row["std_error"] == pytest.approx(ref.bse["treated"], rel=1e-10)
    assert row["inference"] == ("conventional (iid)" if vcov == "iid" else "heteroskedasticity-robust (HC1)")


def test_single_period_diff_means_clustered_and_design_flag(tmp_path):
    sm = pytest.importorskip("statsmodels.api")
    df = _staggered()
    df["treated"] = (df["first"] > 0).astype(int)
    path = tmp_path / "panel.csv"
    df.to_csv(path, index=False)
    out = tmp_path / "dm.csv"
    assert main(["effects", "--input", str(path), "--unit", "id", "--period", "p", "--outcome", "y",
                 "--treated", "treated", "--design", "cross_section", "--cluster", "net", "--lang", "en",
                 "--output", str(out)]) == 0
    row = pd.read_csv(out).iloc[0]
    last = df[df.p == 3]
    ref = sm.OLS(last["y"], sm.add_constant(last["treated"].astype(float))).fit(
        cov_type="cluster", cov_kwds={"groups": last["net"]})
    assert row["estimate"] == pytest.approx(ref.params["treated"], abs=1e-10)
    assert row["std_error"] == pytest.approx(ref.bse["treated"], rel=1e-10)
    assert row["note"].endswith("comparison in the last period 3; other periods not used")
