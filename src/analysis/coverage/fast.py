"""The project's estimators in closed form for balanced panels (fast enough for 1,000 draws).

Each function reproduces one method of :mod:`analysis.effects` exactly on a balanced panel
(``tests/test_coverage_fast.py`` checks them against ``estimate_effects`` to 1e-8):

* :func:`twfe` — ``did_twfe``: y ~ D | unit + period, CRV1 s.e. with pyfixest's small-sample
  factor G/(G−1)·(N−1)/(N−K) (K = 1 + T: the coefficient and the T period levels, as
  pyfixest counts them; unit effects are nested in the clusters), t(G−1) interval;
* :func:`before_after` — ``before_after`` and ``before_after_pct`` (paired, t(n−1));
* :func:`pct_from_log` — ``pct_effect``: 100·(exp(b)−1) from the TWFE on log y;
* :func:`wild` — ``did_wild``: the project's WCR bootstrap (:mod:`analysis.effects.bootstrap`),
  returning the p-value at any null value and the test-inversion interval;
* :func:`cluster_t` — the per-network candidate: one treated cluster against the chain's G₀
  comparison clusters, on cluster means, with the spread of the comparison clusters as the
  variance and t(G₀−1) critical values (Donald & Lang 2007; the "one treated group" case of
  Conley & Taber 2011 with a normal-theory reference distribution).

A sample is a frame sorted by unit then period, every unit observed in every period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from analysis.effects.bootstrap import invert, weights_for, wild_stats


@dataclass
class Balanced:
    """A balanced sample as matrices: ``y[i, t]``, ``d[i, t]`` (treated cell), cluster per unit."""

    y: np.ndarray         # n_units × T outcome
    d: np.ndarray         # n_units × T treatment indicator (0/1)
    cluster: np.ndarray   # n_units cluster codes 0..G−1
    ever: np.ndarray      # n_units: 1 if ever treated
    block: np.ndarray | None = None   # n_units chain codes: period effects per chain (pooled samples)

    @property
    def n_blocks(self) -> int:
        return 1 if self.block is None else int(self.block.max()) + 1

    @property
    def n_clusters(self) -> int:
        return int(self.cluster.max()) + 1


def _demean2(m: np.ndarray, block: np.ndarray | None = None) -> np.ndarray:
    """Two-way (unit, period) demeaning of a balanced n × T matrix; period effects per block."""
    if block is None:
        return m - m.mean(1, keepdims=True) - m.mean(0, keepdims=True) + m.mean()
    out = np.empty_like(m, dtype=float)
    for b in np.unique(block):
        r = block == b
        out[r] = _demean2(m[r])
    return out


def _tcrit(alpha: float, df: float) -> float:
    return float(stats.t.ppf(1 - alpha / 2, df)) if df >= 1 else np.nan


def twfe(s: Balanced, y: np.ndarray | None = None, alpha: float = 0.05) -> tuple[float, float, float, float]:
    """(estimate, s.e., ci_low, ci_high) of did_twfe with CRV1 by ``s.cluster``."""
    ym = s.y if y is None else y
    x = _demean2(s.d.astype(float), s.block)
    yy = _demean2(ym, s.block)
    sxx = float((x * x).sum())
    b = float((x * yy).sum() / sxx)
    e = yy - b * x
    score = np.bincount(s.cluster, weights=(x * e).sum(1), minlength=s.n_clusters)
    g = s.n_clusters
    # K as pyfixest counts it: the coefficient, the T period levels and, for pooled chains, the
    # (B − 1)(T − 1) chain × period dummies; unit effects are nested in the clusters
    t = x.shape[1]
    n, k = x.size, 1 + t + (s.n_blocks - 1) * (t - 1)
    factor = g / (g - 1) * (n - 1) / (n - k)
    se = float(np.sqrt(factor * (score ** 2).sum()) / sxx)
    q = _tcrit(alpha, g - 1)
    return b, se, b - q * se, b + q * se


def pct_from_log(s: Balanced, alpha: float = 0.05) -> tuple[float, float, float, float]:
    """pct_effect on the log path: 100·(exp(b)−1), its delta s.e., transformed t interval."""
    b, se, lo, hi = twfe(s, np.log(s.y), alpha)
    tr = lambda v: 100 * (np.exp(v) - 1)  # noqa: E731
    return tr(b), 100 * np.exp(b) * se, tr(lo), tr(hi)


def before_after(s: Balanced, alpha: float = 0.05) -> tuple[tuple, tuple]:
    """((est, se, lo, hi) level, (est, se, lo, hi) percent) for the ever-treated, last vs first."""
    m = s.ever == 1
    y0, y1 = s.y[m, 0], s.y[m, -1]
    n = int(m.sum())
    q = _tcrit(alpha, n - 1)
    d = y1 - y0
    est, se = float(d.mean()), float(d.std(ddof=1) / np.sqrt(n))
    m0, m1 = y0.mean(), y1.mean()
    cov = np.cov(y0, y1, ddof=1) / n
    r = m1 / m0
    var_r = (cov[1, 1] + r ** 2 * cov[0, 0] - 2 * r * cov[0, 1]) / m0 ** 2
    pct, pse = 100 * (r - 1), 100 * np.sqrt(max(var_r, 0.0))
    return (est, se, est - q * se, est + q * se), (pct, pse, pct - q * pse, pct + q * pse)


def wild(s: Balanced, reps: int, seed: int, alpha: float = 0.05, ci: bool = True):
    """The project's did_wild on this sample: (WildStats, ci_low, ci_high)."""
    n_units, t = s.y.shape
    unit = np.repeat(np.arange(n_units), t)
    period = np.tile(np.arange(t), n_units)
    if s.block is not None:
        period = period + t * np.repeat(s.block, t)   # chain × period effects
    fe = np.ascontiguousarray(np.column_stack([unit, period]), dtype=np.uint64)
    x = _demean2(s.d.astype(float), s.block).ravel()
    yy = _demean2(s.y, s.block).ravel()
    codes = np.repeat(s.cluster, t)
    st = wild_stats(yy, x, None, fe, codes, reps, weights_for(s.n_clusters), seed)
    lo = hi = np.nan
    if ci:
        b, se, _, _ = twfe(s, alpha=alpha)
        lo, hi = invert(st, alpha, b, se, floor=True)   # as the project: the reported (floored) p-value
    return st, lo, hi


def cluster_t(s: Balanced, treated_cluster: int, alpha: float = 0.05) -> tuple[float, float, float, float]:
    """One treated cluster vs the comparison clusters, on cluster means (see module docstring).

    For each cluster c: Δ_c = mean of its post-period cell means − mean of its pre-period cell
    means, with post = the treated cluster's treated periods. Estimate Δ_t − mean(Δ_comparison);
    s.e. = sd(Δ_comparison)·sqrt(1 + 1/G₀); interval with t(G₀−1). Assumes the treated cluster's
    error has the spread of a comparison cluster's.
    """
    tmask = s.cluster == treated_cluster
    post = s.d[tmask].max(0) == 1
    comp = np.flatnonzero(np.bincount(s.cluster[s.ever == 0], minlength=s.n_clusters) > 0)
    comp = comp[comp != treated_cluster]
    g0 = len(comp)

    def delta(c):
        cell = s.y[s.cluster == c].mean(0)
        return cell[post].mean() - cell[~post].mean()

    dc = np.array([delta(c) for c in comp])
    est = float(delta(treated_cluster) - dc.mean())
    if g0 < 2:
        return est, np.nan, np.nan, np.nan
    se = float(dc.std(ddof=1) * np.sqrt(1 + 1 / g0))
    q = _tcrit(alpha, g0 - 1)
    return est, se, est - q * se, est + q * se
