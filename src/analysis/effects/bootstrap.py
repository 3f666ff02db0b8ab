"""Wild (cluster) bootstrap p-value for the DiD coefficient and its CI by test inversion.

pyfixest's ``Feols.wildboottest`` tests H0: beta = 0 only. The CI collects the values b0 not
rejected at level alpha: the test of beta = b0 is the test of beta = 0 in the model for
``y - b0 * treat_post`` (same seed, so the bootstrap draws are common to all b0). The two
bounds are found by bisection between the estimate and a bracket of ±k standard errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from analysis.labels import t
from .did import comparison_label, fit_treat_post, n_units_used
from .result import make_row
from .spec import TREAT_POST, EffectSpec

WEBB_MAX_CLUSTERS = 12  # Webb six-point weights at or below this many clusters


def weights_for(n_clusters: int | None) -> str:
    return "webb" if n_clusters is not None and n_clusters <= WEBB_MAX_CLUSTERS else "rademacher"


def _pvalue(df: pd.DataFrame, y: str, spec: EffectSpec, b0: float, weights: str) -> float:
    shifted = df.assign(_y_shift=df[y] - b0 * df[TREAT_POST])
    fit = fit_treat_post(shifted, "_y_shift", spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fit.wildboottest(param=TREAT_POST, reps=spec.wild_reps, seed=spec.seed,
                               weights_type=weights, cluster=spec.cluster)
    return float(res["Pr(>|t|)"])


def _bound(df, y, spec, weights, est, se, direction, k_max=8.0, steps=10):
    """Bisection for the b0 where the p-value crosses alpha, on one side of est."""
    inside, outside = est, None
    for k in (2.0, 4.0, k_max):
        cand = est + direction * k * se
        if _pvalue(df, y, spec, cand, weights) < spec.alpha:
            outside = cand
            break
        inside = cand
    if outside is None:
        return np.nan
    for _ in range(steps):
        mid = (inside + outside) / 2
        if _pvalue(df, y, spec, mid, weights) < spec.alpha:
            outside = mid
        else:
            inside = mid
    return (inside + outside) / 2


def wild_rows(df: pd.DataFrame, y: str, spec: EffectSpec, lang: str, n_clusters: int | None,
              ci: bool = True) -> list[dict]:
    """did_wild: WCR bootstrap p-value (null imposed) and test-inversion CI."""
    fit = fit_treat_post(df, y, spec)
    est = float(fit.coef()[TREAT_POST])
    se = float(fit.se()[TREAT_POST])
    weights = weights_for(n_clusters if spec.cluster else None)
    p = _pvalue(df, y, spec, 0.0, weights)
    notes = [t("effects.note_wild_se", lang)]
    lo = hi = np.nan
    if ci:
        lo = _bound(df, y, spec, weights, est, se, -1)
        hi = _bound(df, y, spec, weights, est, se, +1)
        notes.append(t("effects.note_wild_ci", lang, seed=spec.seed))
        if not (np.isfinite(lo) and np.isfinite(hi)):
            notes.append(t("effects.note_wild_ci_failed", lang, k=8))
    wname = "Webb" if weights == "webb" else "Rademacher"
    if spec.cluster:
        inf = t("effects.inf_wild", lang, weights=wname, reps=spec.wild_reps, cluster=spec.cluster)
    else:
        inf = t("effects.inf_wild_hc", lang, weights=wname, reps=spec.wild_reps)
    return [make_row("did_wild", est, se, lo, hi, p, n_obs=int(fit._N), n_units=n_units_used(fit, spec.unit),
                     comparison=comparison_label(df, spec, lang), inference=inf,
                     note="; ".join(notes))]
