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


def inference_label(spec_vcov: str, cluster: str | None, lang: str) -> str:
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


def fit_treat_post(df: pd.DataFrame, y: str, spec: EffectSpec):
    """Fit the DiD model for outcome column ``y``; returns the pyfixest model.

    pyfixest drops singleton fixed effects; the count is reported in the row note instead of
    as a warning.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*singleton fixed effect")
        return pf.feols(_formula(y, spec), data=df, vcov=vcov_arg(spec.vcov, spec.cluster))


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
    return [make_row("did_twfe", b, se, lo, hi, p, n_obs=int(fit._N), n_units=n_units_used(fit, spec.unit),
                     comparison=comparison_label(df, spec, lang),
                     inference=inference_label(spec.vcov, spec.cluster, lang),
                     note=dropped_note(df, y, fit, lang))]


def dropped_note(df: pd.DataFrame, y: str, fit, lang: str) -> str:
    """Say how many rows with an outcome the model did not use (never silent)."""
    k = int(df[y].notna().sum()) - int(fit._N)
    return t("effects.note_dropped", lang, k=k) if k > 0 else ""


def pct_rows(df: pd.DataFrame, y: str, spec: EffectSpec, lang: str) -> list[dict]:
    """pct_effect: 100(exp(b)-1) from a log-outcome DiD, or ATT over the counterfactual mean."""
    vals = df[y].dropna()
    common = dict(comparison=comparison_label(df, spec, lang),
                  inference=inference_label(spec.vcov, spec.cluster, lang))
    if (vals > 0).all():
        logdf = df.assign(**{f"_log_{y}": np.log(df[y])})
        fit = fit_treat_post(logdf, f"_log_{y}", spec)
        b, se, _, _, p = _coef(fit, TREAT_POST)
        lo, hi = _ci(fit, TREAT_POST, spec.alpha)
        tr = lambda v: 100 * (np.exp(v) - 1)  # noqa: E731
        return [make_row("pct_effect", tr(b), 100 * np.exp(b) * se, tr(lo), tr(hi), p,
                         n_obs=int(fit._N), n_units=n_units_used(fit, spec.unit), note=t("effects.note_pct_log", lang), **common)]
    fit = fit_treat_post(df, y, spec)
    b, se, _, _, _ = _coef(fit, TREAT_POST)
    post = df.loc[(df[TREAT_POST] == 1) & df[y].notna(), y].mean()
    cf = post - b
    pct = 100 * b / cf
    pct_se = 100 * abs(post) / cf**2 * se
    lo, hi, p = t_ci(pct, pct_se, int(fit._df_t), spec.alpha)
    return [make_row("pct_effect", pct, pct_se, lo, hi, p, n_obs=int(fit._N), n_units=n_units_used(fit, spec.unit),
                     note=t("effects.note_pct_ratio", lang), **common)]


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
