"""Inference for one treated cluster: a network against its chain's comparison clusters.

A network is one treated cluster. Clustering by producer ignores the shocks its members share
(in the project's simulation such intervals cover the truth about half of the time). The method
here works on cluster means (Donald & Lang 2007; the one-treated-group case of Conley & Taber
2011, with a normal-theory reference distribution):

* for every cluster c of the sample, Δ_c = mean of its post-period cell means − mean of its
  pre-period cell means, where "post" are the periods in which the network is treated and a cell
  mean is the mean outcome of the cluster's producers observed in that period;
* estimate = Δ_network − mean of Δ over the G₀ comparison clusters;
* s.e. = sd(Δ_comparison) · sqrt(1 + 1/G₀), interval and p-value with t(G₀ − 1).

Assumption: the network's cluster-level error has the same spread as a comparison cluster's.
Limitation: with G₀ comparison clusters there are G₀ − 1 degrees of freedom (1 in the mango
chain of the demo: t(1), very wide intervals); with G₀ < 2 there is no interval. On the log
path (``log=True``) the estimate is a difference of mean log changes and the row reports
100·(exp(b) − 1) with the interval transformed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.effects.result import make_row, t_ci
from analysis.labels import t


def cluster_deltas(df: pd.DataFrame, y: str, period: str, cluster: str,
                   post_periods: set) -> pd.Series:
    """Δ_c per cluster: mean of post-period cell means − mean of pre-period cell means."""
    d = df[df[y].notna()]
    cells = d.groupby([cluster, period], sort=True)[y].mean().unstack(period)
    post = [p for p in cells.columns if p in post_periods]
    pre = [p for p in cells.columns if p not in post_periods]
    return cells[post].mean(axis=1) - cells[pre].mean(axis=1)


def one_cluster_rows(df: pd.DataFrame, y: str, *, period: str, cluster: str, first_post: str,
                     log: bool, lang: str = "es", alpha: float = 0.05) -> list[dict]:
    """``did_cluster_t`` (level) or ``pct_cluster_t`` (log path) row for the sample's one treated cluster.

    ``first_post``: column with the first treated period (NaN for comparison producers). Raises
    ValueError when the sample does not hold exactly one treated cluster.
    """
    method = "pct_cluster_t" if log else "did_cluster_t"
    treated = df[first_post].notna()
    tclusters = df.loc[treated, cluster].unique()
    if len(tclusters) != 1:
        raise ValueError(f"one_cluster_rows: the sample has {len(tclusters)} treated clusters, needs 1")
    work = df[[period, cluster, first_post, y]].copy()
    if log:
        bad = work[y].notna() & (work[y] <= 0)
        if bad.any():
            return [make_row(method, np.nan, note=t("effects_report.note_cluster_t_nonpositive", lang,
                                                    k=int(bad.sum())))]
        work[y] = np.log(work[y])
    fp = float(work.loc[treated, first_post].iloc[0])
    post = {p for p in work[period].unique() if p >= fp}
    deltas = cluster_deltas(work, y, period, cluster, post)
    comp_clusters = [c for c in work.loc[~treated, cluster].unique() if c != tclusters[0]]
    dc = deltas.reindex(comp_clusters).dropna()
    g0 = len(dc)
    est = float(deltas.get(tclusters[0], np.nan) - dc.mean())
    common = dict(n_obs=int(work[y].notna().sum()), n_clusters=g0 + 1,
                  comparison=t("effects_report.cmp_cluster_t", lang, g0=g0),
                  inference=t("effects_report.inf_cluster_t", lang, df=max(g0 - 1, 0)))
    if g0 < 2:
        return [make_row(method, _pct(est) if log else est, note=t("effects_report.note_cluster_t_few", lang, g0=g0),
                         **common)]
    note = t("effects_report.note_cluster_t", lang, g0=g0, df=g0 - 1, g=g0 + 1, pmin=f"{1 / (g0 + 1):.3f}")
    se = float(dc.std(ddof=1) * np.sqrt(1 + 1 / g0))
    lo, hi, p = t_ci(est, se, g0 - 1, alpha)
    if log:
        return [make_row(method, _pct(est), 100 * np.exp(est) * se, _pct(lo), _pct(hi), p,
                         note=note + "; " + t("effects_report.note_cluster_t_log", lang), **common)]
    return [make_row(method, est, se, lo, hi, p, note=note, **common)]


def _pct(b: float) -> float:
    return float(100 * (np.exp(b) - 1))
