"""Designs other than the TWFE panel: first differences (``fd``) and a single-period
comparison of means (``diff_means``, e.g. an experimental endline).

``fd``: ΔY_it = β·ΔD_it + λ_t + Δε_it over consecutive rounds of the panel's period grid (a unit
missing a round has no difference across the gap), period effects absorbed, s.e. CRV1 by
``cluster`` (default: by unit) or ``vcov`` hetero/iid when asked.

``diff_means``: OLS of Y on [1, D] in one period, β = mean(Y|D=1) − mean(Y|D=0). s.e.: ``iid``
s²(X'X)⁻¹, ``hetero`` HC1 n/(n−2)·sandwich (statsmodels HC1), CRV1 by ``cluster``
G/(G−1)·(n−1)/(n−2)·sandwich with t(G−1); t(n−2) otherwise. Default without ``cluster`` and
``vcov``: HC1 (each unit is observed once, so clustering by unit is heteroskedasticity-robust).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyfixest as pf

from analysis.labels import t
from .result import fmt_num, make_row, t_ci
from .spec import TREAT_POST, EffectSpec

DESIGNS = ("panel", "cross_section")
ESTIMATORS = ("twfe", "fd")
DY, DD = "_d_y", "_d_treat"


def first_differences(df: pd.DataFrame, y: str, spec: EffectSpec) -> pd.DataFrame:
    """Rows (unit, period t) with ΔY and ΔD between t and the previous round of the grid."""
    grid = np.sort(df[spec.period].unique())
    prev = dict(zip(grid[1:], grid[:-1]))
    keep = [spec.unit, spec.period, y, TREAT_POST] + ([spec.cluster] if spec.cluster and spec.cluster != spec.unit else [])
    cur = df[keep].dropna(subset=[y])
    cur = cur[cur[spec.period].isin(prev)]
    lag = df[[spec.unit, spec.period, y, TREAT_POST]].dropna(subset=[y])
    lag = lag.assign(**{spec.period: lag[spec.period].map({v: k for k, v in prev.items()})}).dropna(subset=[spec.period])
    out = cur.merge(lag, on=[spec.unit, spec.period], suffixes=("", "_lag"))
    out[DY] = out[y] - out[f"{y}_lag"]
    out[DD] = out[TREAT_POST] - out[f"{TREAT_POST}_lag"]
    return out


def fd_rows(df: pd.DataFrame, y: str, spec: EffectSpec, lang: str) -> list[dict]:
    from .did import inference_label, vcov_arg
    fd = first_differences(df, y, spec)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*singleton fixed effect")
        fit = pf.feols(f"{DY} ~ {DD} | {spec.period}", data=fd, vcov=vcov_arg(spec.vcov or "hetero", spec.cluster))
    tidy = fit.tidy().loc[DD]
    ci = fit.confint(alpha=spec.alpha).loc[DD]
    per = df[spec.period]
    return [make_row("fd", float(tidy["Estimate"]), float(tidy["Std. Error"]), float(ci.iloc[0]), float(ci.iloc[1]),
                     float(tidy["Pr(>|t|)"]), estimand="att_level", n_obs=int(fit._N),
                     n_units=int(fd[spec.unit].nunique()),
                     comparison=t("effects.cmp_fd", lang, first=fmt_num(per.min()), last=fmt_num(per.max())),
                     inference=inference_label(spec.vcov, spec.cluster, lang, spec.unit),
                     note=t("effects.note_fd", lang))]


def diff_means_rows(df: pd.DataFrame, y: str, spec: EffectSpec, lang: str, period_note: str = "") -> list[dict]:
    d = df.dropna(subset=[y])
    yv = d[y].to_numpy(dtype=float)
    x = np.column_stack([np.ones(len(d)), d[spec.treated].astype(float).to_numpy()])
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ yv
    u = yv - x @ beta
    cluster = spec.cluster if spec.cluster and spec.cluster != spec.unit else None
    if cluster:
        codes = pd.factorize(d[cluster])[0]
        g = int(codes.max()) + 1
        s = np.column_stack([np.bincount(codes, x[:, j] * u, minlength=g) for j in range(k)])
        v = g / (g - 1) * (n - 1) / (n - k) * xtx_inv @ (s.T @ s) @ xtx_inv
        df_t, inf = g - 1, t("effects.inf_crv1", lang, cluster=cluster)
    elif spec.vcov == "iid":
        v = (u @ u) / (n - k) * xtx_inv
        df_t, inf = n - k, t("effects.inf_iid", lang)
    else:  # hetero, the default for one observation per unit
        xu = x * u[:, None]
        v = n / (n - k) * xtx_inv @ (xu.T @ xu) @ xtx_inv
        df_t, inf = n - k, t("effects.inf_hetero", lang)
    b, se = float(beta[1]), float(np.sqrt(v[1, 1]))
    lo, hi, p = t_ci(b, se, df_t, spec.alpha)
    per = df[spec.period]
    return [make_row("diff_means", b, se, lo, hi, p, estimand="att_level", n_obs=n,
                     n_units=int(d[spec.unit].nunique()), period=float(per.max()),
                     comparison=t("effects.cmp_diff_means", lang, period=fmt_num(per.max())),
                     inference=inf, note="; ".join(filter(None, [t("effects.note_diff_means", lang), period_note])))]
