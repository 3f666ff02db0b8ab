"""Two-way fixed-effects DiD (pyfixest) and the percentage effect."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyfixest as pf

from analysis.labels import t
from .result import fmt_num, make_row, t_ci
from .spec import GROUP_FE, TREAT_POST, EffectSpec


def vcov_arg(spec_vcov: str, cluster: str | None):
    """pyfixest vcov argument: CRV1 by cluster, else 'hetero' or 'iid'."""
    return {"CRV1": cluster} if cluster else spec_vcov


def inference_label(spec_vcov: str | None, cluster: str | None, lang: str, unit: str | None = None) -> str:
    if cluster and cluster == unit and spec_vcov is None:
        return t("effects.inf_crv1_unit", lang, cluster=cluster)
    if cluster:
        return t("effects.inf_crv1", lang, cluster=cluster)
    return t(f"effects.inf_{spec_vcov}", lang)


def comparison_label(df: pd.DataFrame, spec: EffectSpec, lang: str) -> str:
    per = df[spec.period]
    key = "effects.cmp_did" if spec.unit_fe else "effects.cmp_did_pooled"
    return t(key, lang, first=fmt_num(per.min()), last=fmt_num(per.max()))


def _formula(y: str, spec: EffectSpec) -> str:
    rhs = " + ".join([TREAT_POST, *spec.controls])
    fe = f"{spec.unit} + {spec.period}" if spec.unit_fe else f"{GROUP_FE} + {spec.period}"
    return f"{y} ~ {rhs} | {fe}"


def model_columns(y: str, spec: EffectSpec) -> list[str]:
    """The columns the DiD model reads: outcome, treatment, controls, fixed effects, cluster."""
    fe = [spec.unit] if spec.unit_fe else [GROUP_FE, spec.unit]   # the unit counts n_units
    cols = [y, TREAT_POST, *spec.controls, *fe, spec.period, *([spec.cluster] if spec.cluster else [])]
    return list(dict.fromkeys(cols))


# The last fits, by sample object and model: did_twfe, did_wild and the level pct_effect of one
# outcome fit the same model on the same sample (one fit instead of three at 10^6 rows). An entry
# holds its sample frame, so an id is never reused while it is cached.
_FITS: list[tuple[pd.DataFrame, tuple, object]] = []
_FITS_KEPT = 2


def fit_treat_post(df: pd.DataFrame, y: str, spec: EffectSpec):
    """Fit the DiD model for outcome column ``y``; returns the pyfixest model.

    Only the model's columns go to pyfixest (it copies and re-indexes the frame it is given; the
    survey's text columns cost more than the regression on a big panel). A repeated call with
    the same frame object and model returns the cached fit.

    pyfixest drops singleton fixed effects; the count is reported in the row note instead of
    as a warning.
    """
    cols = model_columns(y, spec)
    key = (_formula(y, spec), repr(vcov_arg(spec.vcov, spec.cluster)), tuple(cols))
    for frame, k, fit in _FITS:
        if frame is df and k == key:
            return fit
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*singleton fixed effect")
        fit = pf.feols(key[0], data=df[cols], vcov=vcov_arg(spec.vcov, spec.cluster))
    _FITS.insert(0, (df, key, fit))
    del _FITS[_FITS_KEPT:]
    return fit


def n_units_used(fit, unit: str) -> int:
    """Units in the estimation sample of a pyfixest fit."""
    return int(fit._data[unit].nunique())


def _coef(fit, term: str) -> tuple[float, float, float, float, float]:
    tidy = fit.tidy().loc[term]
    return (float(tidy["Estimate"]), float(tidy["Std. Error"]), float(tidy["2.5%"]),
            float(tidy["97.5%"]), float(tidy["Pr(>|t|)"]))


def _ci(fit, term: str, alpha: float) -> tuple[float, float]:
    ci = fit.confint(alpha=alpha).loc[term]
    return float(ci.iloc[0]), float(ci.iloc[1])


def twfe_rows(df: pd.DataFrame, y: str, spec: EffectSpec, lang: str) -> list[dict]:
    """did_twfe: y ~ treat_post (+ controls) | unit + period."""
    fit = fit_treat_post(df, y, spec)
    b, se, _, _, p = _coef(fit, TREAT_POST)
    lo, hi = _ci(fit, TREAT_POST, spec.alpha)
    return [make_row("did_twfe", b, se, lo, hi, p, estimand="att_level", n_obs=int(fit._N), n_units=n_units_used(fit, spec.unit),
                     comparison=comparison_label(df, spec, lang),
                     inference=inference_label(spec.vcov, spec.cluster, lang, spec.unit),
                     note=dropped_note(df, y, fit, lang))]


def dropped_note(df: pd.DataFrame, y: str, fit, lang: str) -> str:
    """Say how many rows with an outcome the model did not use (never silent)."""
    k = int(df[y].notna().sum()) - int(fit._N)
    return t("effects.note_dropped", lang, k=k) if k > 0 else ""


def pct_rows(df: pd.DataFrame, y: str, spec: EffectSpec, lang: str) -> list[dict]:
    """pct_effect: 100(exp(b)-1) from a log-outcome DiD, or ATT over the counterfactual mean."""
    vals = df[y].dropna()
    common = dict(comparison=comparison_label(df, spec, lang),
                  inference=inference_label(spec.vcov, spec.cluster, lang, spec.unit))
    if (vals > 0).all():
        logdf = df.assign(**{f"_log_{y}": np.log(df[y])})
        fit = fit_treat_post(logdf, f"_log_{y}", spec)
        b, se, _, _, p = _coef(fit, TREAT_POST)
        lo, hi = _ci(fit, TREAT_POST, spec.alpha)
        tr = lambda v: 100 * (np.exp(v) - 1)  # noqa: E731
        return [make_row("pct_effect", tr(b), 100 * np.exp(b) * se, tr(lo), tr(hi), p, estimand="pct_exp_log_did",
                         n_obs=int(fit._N), n_units=n_units_used(fit, spec.unit), note=t("effects.note_pct_log", lang), **common)]
    fit = fit_treat_post(df, y, spec)
    b = float(fit.coef()[TREAT_POST])
    pct, pct_se, cf = ratio_pct(fit, y, spec)
    base = dict(n_obs=int(fit._N), n_units=n_units_used(fit, spec.unit), estimand="pct_ratio_counterfactual", **common)
    if not np.isfinite(cf) or is_zero(cf, pct_scale(df, y)):
        return [make_row("pct_effect", np.nan, note=t("effects.note_zero_baseline", lang, mean=0), **base)]
    lo, hi, p = t_ci(pct, pct_se, int(fit._df_t), spec.alpha)
    return [make_row("pct_effect", pct, pct_se, lo, hi, p, note=t("effects.note_pct_ratio_delta", lang), **base)]


def pct_scale(df: pd.DataFrame, y: str) -> float:
    vals = df[y].abs()
    return float(vals.max()) if vals.notna().any() else 1.0


def is_zero(value: float, scale: float) -> bool:
    """A baseline mean that is 0 up to rounding (1e-12 of the outcome's scale)."""
    return abs(value) <= 1e-12 * max(scale, 1.0)


def ratio_pct(fit, y: str, spec: EffectSpec) -> tuple[float, float, float]:
    """100·b/(m − b) and its delta-method s.e. with the counterfactual mean m − b estimated.

    m = mean of ``y`` over the treated post rows of the estimation sample (n1 rows). With the
    gradient of g(b, m) = 100·b/(m − b), ∇g = 100·(m, −b)/(m − b)², Var(g) = ∇g' V ∇g where V is
    the joint covariance of (b, m) from their influence functions: ψ_b = (X̃(X̃'X̃)⁻¹)_i·û_i
    (demeaned design, OLS residual) and ψ_m = 1[treated post]·(y_i − m)/n1, summed within
    clusters (each row its own cluster without clustering) and scaled by one factor so that
    V_bb equals the model's Var(b) (its small-sample correction applies to the whole V).
    Returns (pct, se, m − b).
    """
    data = fit._data
    j = list(fit._coefnames).index(TREAT_POST)
    b = float(fit.coef()[TREAT_POST])
    se_b = float(fit.se()[TREAT_POST])
    x = np.asarray(fit._X, dtype=float)
    a = (x @ np.linalg.pinv(x.T @ x))[:, j]
    u = np.ravel(np.asarray(fit._u_hat, dtype=float))
    yv = data[y].to_numpy(dtype=float)
    tp = data[TREAT_POST].to_numpy() == 1
    n1 = int(tp.sum())
    m = float(yv[tp].mean())
    cf = m - b
    psi = np.column_stack([a * u, np.where(tp, yv - m, 0.0) / n1])
    if spec.cluster:
        codes = pd.factorize(data[spec.cluster])[0]
        s = np.column_stack([np.bincount(codes, psi[:, k]) for k in range(2)])
    else:
        s = psi
    v = s.T @ s
    v *= se_b**2 / v[0, 0] if v[0, 0] > 0 else np.nan
    if not np.isfinite(cf) or is_zero(cf, float(np.nanmax(np.abs(yv))) if len(yv) else 1.0):
        return np.nan, np.nan, cf
    grad = 100 * np.array([m, -b]) / cf**2
    return 100 * b / cf, float(np.sqrt(max(grad @ v @ grad, 0.0))), cf


def fit_twfe(panel: pd.DataFrame, outcome: str, regressors: list[str], unit: str,
             period: str | None = None, controls: list[str] = (), vcov: str = "iid",
             cluster: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Fixed-effects regression ``outcome ~ regressors + controls | unit (+ period)``.

    For designs the tidy ``estimate_effects`` cannot express (several treatment terms,
    e.g. ``grant`` and ``grant_1``). ``vcov``: "iid" or "hetero"; ``cluster`` overrides with CRV1.
    Returns one row per term: term, estimate, std_error, ci_low, ci_high, p_value, n_obs, n_units.
    """
    cols = [outcome, unit, *regressors, *controls] + ([period] if period else []) + ([cluster] if cluster else [])
    for c in cols:
        if c not in panel.columns:
            raise ValueError(f"column {c!r} not found in panel; available columns: {', '.join(map(str, panel.columns))}")
    if vcov not in ("iid", "hetero"):
        raise ValueError(f"vcov {vcov!r} not supported; use 'iid' or 'hetero'")
    fe = f"{unit} + {period}" if period else unit
    fit = pf.feols(f"{outcome} ~ {' + '.join([*regressors, *controls])} | {fe}", data=panel,
                   vcov=vcov_arg(vcov, cluster))
    tidy = fit.tidy()
    ci = fit.confint(alpha=alpha)
    return pd.DataFrame({
        "term": tidy.index, "estimate": tidy["Estimate"].to_numpy(),
        "std_error": tidy["Std. Error"].to_numpy(), "ci_low": ci.iloc[:, 0].to_numpy(),
        "ci_high": ci.iloc[:, 1].to_numpy(), "p_value": tidy["Pr(>|t|)"].to_numpy(),
        "n_obs": int(fit._N), "n_units": n_units_used(fit, unit),
    })
