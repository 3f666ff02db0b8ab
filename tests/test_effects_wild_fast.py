"""Fast wild (cluster) bootstrap: same p-values as pyfixest's one-hot ``Feols.wildboottest``."""

import warnings

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
from pyfixest.estimation import demean
from wildboottest.wildboottest import WildboottestCL

from analysis.effects import estimate_effects
from analysis.effects.bootstrap import invert, wild_stats

SEED = 42


def make_panel(n_units=200, n_clusters=12, seed=3):
    """Three-period panel, units nested in clusters, a control z, cluster-specific trends."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), 3)
    period = np.tile([2005, 2007, 2011], n_units)
    net = unit % n_clusters
    treated = (net < n_clusters * 2 // 3).astype(int)
    tp = treated * (period >= 2007)
    z = rng.normal(size=len(unit))
    y = (rng.normal(size=len(unit)) + 0.3 * tp + 0.2 * net + rng.normal(size=n_units)[unit]
         + 0.4 * (period == 2011) * net / n_clusters + 0.5 * z)
    return pd.DataFrame(dict(unit=unit, period=period, y=y, tp=tp, net=net, z=z, treated=treated))


def fit(df, formula="y ~ tp | unit + period", cluster="net"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.feols(formula, data=df, vcov={"CRV1": cluster} if cluster else "hetero")


def pyfixest_boot(model, reps, weights, cluster):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res, t_boot = model.wildboottest(param="tp", reps=reps, seed=SEED, weights_type=weights,
                                         cluster=cluster, return_bootstrapped_t_stats=True)
    return float(res["Pr(>|t|)"]), np.asarray(t_boot, dtype=float).ravel()


def fast_boot(model, df, reps, weights, cluster, controls=False, **kw):
    codes = None if cluster is None else np.unique(df[cluster].to_numpy(), return_inverse=True)[1]
    return wild_stats(model._Y, model._X[:, 0], model._X[:, 1:] if controls else None,
                      model._fe.to_numpy(), codes, reps, weights, SEED, **kw)


@pytest.mark.parametrize("n_clusters, weights, reps, controls, cluster", [
    (12, "webb", 999, False, "net"),          # the project's default: Webb, <= 12 clusters
    (12, "rademacher", 999, False, "net"),    # 2^12 = 4096 > 999: random draws
    (8, "rademacher", 999, False, "net"),     # 2^8 = 256 < 999: full enumeration
    (12, "webb", 199, True, "net"),           # a control partialled out with the fixed effects
    (12, "rademacher", 199, False, "unit"),   # 200 clusters: draw-by-draw demeaning route
    (12, "rademacher", 199, False, None),     # heteroskedastic wild bootstrap (no cluster)
])
def test_fast_pvalue_equals_pyfixest_one_hot(n_clusters, weights, reps, controls, cluster):
    df = make_panel(n_clusters=n_clusters)
    formula = "y ~ tp + z | unit + period" if controls else "y ~ tp | unit + period"
    model = fit(df, formula, cluster)
    p_ref, t_ref = pyfixest_boot(model, reps, weights, cluster)
    stats = fast_boot(model, df, reps, weights, cluster, controls)
    assert stats.pvalue(0.0) == p_ref
    # same draws, same bootstrap t-statistics up to one constant (pyfixest's small-sample
    # factor counts every one-hot dummy; it cancels in the p-value)
    t_fast = stats.t_boot(0.0)
    assert len(t_fast) == len(t_ref) == (256 if n_clusters == 8 and weights == "rademacher" else reps)
    ratio = t_fast / t_ref
    assert np.allclose(ratio, ratio[0], rtol=1e-9)


def test_full_enumeration_ties_do_not_count():
    # with full enumeration the draws v = +1 and v = -1 reproduce the sample: |t*| = |t| exactly
    df = make_panel(n_clusters=8)
    model = fit(df)
    stats = fast_boot(model, df, 999, "rademacher", "net")
    assert stats.full_enumeration and stats.reps == 256
    t_hat = stats.beta / stats.se_raw
    ties = np.isclose(np.abs(stats.t_boot(0.0)), abs(t_hat), rtol=1e-9)
    assert ties.sum() == 2
    assert stats.pvalue(0.0) == np.mean(np.abs(stats.t_boot(0.0))[~ties] > abs(t_hat)) * 254 / 256


def _wildboottest_cl(X, Y, cluster, reps):
    R = np.zeros(X.shape[1])
    R[0] = 1
    boot = WildboottestCL(X=X, Y=Y, cluster=cluster, R=R, B=reps, seed=SEED, parallel=False)
    boot.get_scores(bootstrap_type="11", impose_null=True)
    boot.get_weights(weights_type="webb")
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue()
    return float(boot.pvalue)


def test_why_naive_demeaned_bootstrap_differs():
    """wildboottest on two-way demeaned arrays is not the one-hot bootstrap: period effects
    cross clusters, so bootstrap residuals must be demeaned again. Demeaning by unit only
    (nested in clusters) and keeping period dummies reproduces pyfixest exactly."""
    df = make_panel(seed=0)
    model = fit(df)
    p_ref, _ = pyfixest_boot(model, 999, "webb", "net")
    cl = df["net"].to_numpy()
    naive = _wildboottest_cl(model._X, np.ravel(model._Y), cl, 999)
    dummies = pd.get_dummies(df["period"], drop_first=True).to_numpy(float)
    within, _ = demean(np.column_stack([df["tp"], dummies, df["y"]]).astype(float),
                       df[["unit"]].to_numpy().astype(np.uint64), np.ones(len(df)), tol=1e-10)
    nested = _wildboottest_cl(within[:, :-1], within[:, -1], cl, 999)
    assert (round(p_ref * 999), round(naive * 999)) == (706, 690)
    assert nested == p_ref
    assert fast_boot(model, df, 999, "webb", "net").pvalue(0.0) == p_ref


def test_ci_bounds_are_pvalue_crossings_of_shifted_outcome():
    # the test of beta = b0 is the test of beta = 0 for y - b0 * tp (how the CI was computed before)
    df = make_panel(n_units=120, seed=5)
    model = fit(df)
    est, se = float(model.coef()["tp"]), float(model.se()["tp"])
    stats = fast_boot(model, df, 199, "webb", "net")
    lo, hi = invert(stats, 0.05, est, se)
    assert lo < est < hi
    for b0, side in [(lo - 1e-6 * se, "out"), (lo + 1e-6 * se, "in"), (hi - 1e-6 * se, "in"),
                     (hi + 1e-6 * se, "out"), (est + 0.7 * se, "in")]:
        shifted = fit(df.assign(y=df["y"] - b0 * df["tp"]))
        p_ref, _ = pyfixest_boot(shifted, 199, "webb", "net")
        assert stats.pvalue(b0) == p_ref
        assert (p_ref >= 0.05) == (side == "in")


def test_estimate_effects_did_wild_row():
    df = make_panel(n_units=240, seed=11)
    out = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2007,
                           cluster="net", methods=["did_twfe", "did_wild"], wild_reps=999,
                           seed=SEED).set_index("method")
    twfe, wild = out.loc["did_twfe"], out.loc["did_wild"]
    model = fit(df)
    p_ref, _ = pyfixest_boot(model, 999, "webb", "net")
    # reported p = (1 + #{|t*| >= |t|})/(B + 1); pyfixest counts |t*| > |t| (no ties with random draws)
    assert wild["p_value"] == (1 + round(p_ref * 999)) / 1000
    assert wild["estimate"] == pytest.approx(float(model.coef()["tp"]), abs=1e-10)
    # reported s.e. = analytic CRV1 of the DiD; unit effects nested in clusters are not counted:
    # se^2 = G/(G-1) * (N-1)/(N-K) * sandwich with K = 1 coefficient + 3 period levels
    assert wild["std_error"] == twfe["std_error"]
    stats = fast_boot(model, df, 999, "webb", "net")
    n, g = len(df), 12
    assert wild["std_error"] ** 2 == pytest.approx(g / (g - 1) * (n - 1) / (n - 4) * stats.se_raw**2, rel=1e-9)
    assert wild["ci_low"] < wild["estimate"] < wild["ci_high"]
    assert wild["inference"] == "bootstrap salvaje Webb 999, conglomerados: net (WCR, nula impuesta)"
    assert wild["note"] == ("e.e. mostrado = analítico del modelo de dif. en dif.; "
                            "p = (1 + #{|t*| ≥ |t|})/(B + 1), nunca 0 (enumeración completa: #{|t*| ≥ |t|}/2^G); "
                            f"IC por inversión del test (misma semilla {SEED})")
    assert (wild["n_obs"], wild["n_units"], wild["n_clusters"]) == (720, 240, 12)


def test_singleton_missing_outcome_and_string_clusters_match_pyfixest():
    df = make_panel(n_units=120, seed=2)
    df.loc[7, "y"] = np.nan                                     # one missing outcome
    df = df[~((df["unit"] == 9) & (df["period"] > 2005))]       # unit 9 becomes a singleton
    df = df.assign(netname=df["net"].map(lambda v: f"red {v:02d}"))
    out = estimate_effects(df, "unit", "period", ["y"], treated="treated", first_post=2007,
                           cluster="netname", methods=["did_wild"], wild_reps=199, seed=SEED).iloc[0]
    # pyfixest's wildboottest cannot take string cluster labels (numba typing error); the
    # integer codes sort in the same order, so they get the same weights
    model = fit(df, cluster="net")
    p_ref, _ = pyfixest_boot(model, 199, "webb", "net")
    assert out["p_value"] == (1 + round(p_ref * 199)) / 200
    assert (out["n_obs"], model._N) == (356, 356)
    assert out["note"].endswith("1 filas con resultado no faltante excluidas por el modelo (efectos fijos "
                                "singleton o controles faltantes); 1 filas sin dato del resultado excluidas")


@pytest.mark.parametrize("kind", ["rademacher", "mammen", "norm", "webb"])
@pytest.mark.parametrize("g,b,full", [(7, 99, False), (4, 999, True), (1, 1, False)])
def test_own_weights_equal_wildboottest_draw_for_draw(kind, g, b, full):
    """analysis.effects.weights replaces wildboottest.weights at runtime: same matrix, same B."""
    from wildboottest.weights import draw_weights as original

    from analysis.effects.weights import draw_weights as ours

    full = full and kind == "rademacher"
    v0, b0 = original(t=kind, full_enumeration=full, N_G_bootcluster=g, boot_iter=b,
                      rng=np.random.default_rng(11))
    v1, b1 = ours(kind, full, g, b, np.random.default_rng(11))
    assert b1 == b0 == (2**g if full else b)
    np.testing.assert_array_equal(v1, v0)
