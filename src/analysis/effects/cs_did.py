"""Callaway & Sant'Anna (2021) group-time ATTs, their aggregations and a pre-trend Wald test.

Written with numpy following Callaway & Sant'Anna (2021) and the panel estimators of Sant'Anna &
Zhao (2020) as R's ``did`` (``att_gt`` / ``aggte``) and ``DRDID`` compute them:

* ATT(g,t) for every cohort ``g`` and period ``t`` (base period ``varying`` = t−1 before treatment,
  ``universal`` = g−1 always, its own cell normalised to 0), comparison ``never`` treated or
  ``notyet`` treated (never treated or first treated after max(t, base), not cohort g);
* 2×2 estimators ``reg`` (outcome regression), ``ipw`` (normalised inverse probability weighting)
  and ``dr`` (doubly robust, ``DRDID::drdid_panel``), covariates taken in the earlier period of
  each 2×2 comparison (R's rule for balanced panels);
* influence functions of each ATT(g,t) (scaled n/n_gt, as R) and of each aggregation (``simple``,
  ``group``, ``dynamic``, ``calendar``), including the term for estimated cohort weights (R's
  ``wif``).

Inference: ``R``'s analytic variance is Σ = ψ'ψ / n² (units as clusters, no small-sample factor);
:func:`cluster_se` sums ψ within clusters and applies G/(G−1), and the caller uses t(G−1).
Everything is vectorised; one fit on a ~200-unit, 3-period panel takes about a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

EST_METHODS = ("dr", "reg", "ipw")
BASE_PERIODS = ("varying", "universal")
AGGREGATIONS = ("simple", "group", "dynamic", "calendar")
CONTROL_GROUPS = ("never", "notyet")
_TRIM = 0.995  # DRDID trim.level: comparison units with propensity ≥ 0.995 get weight 0


@dataclass
class Estimate:
    """One parameter: point estimate and its influence function (length n units)."""

    kind: str                    # gt, simple, group, dynamic, calendar
    estimate: float
    inf: np.ndarray
    cohort: float = np.nan
    period: float = np.nan
    event_time: float = np.nan
    reference: bool = False      # universal base period cell, 0 by construction


@dataclass
class CSFit:
    n: int                       # units in the balanced panel
    periods: np.ndarray
    cohorts: np.ndarray          # unit cohort (inf = never treated)
    clusters: np.ndarray         # unit cluster codes 0..G-1
    n_clusters: int
    gt: list[Estimate]
    aggregates: dict[str, list[Estimate]] = field(default_factory=dict)
    dropped_periods: int = 0

    def se(self, inf: np.ndarray, r_style: bool = False) -> float:
        """Standard error of a parameter; ``r_style`` = R's analytic unit-level formula."""
        if r_style:
            return float(np.sqrt(np.sum(inf ** 2)) / self.n)
        return cluster_se(inf, self.clusters, self.n_clusters)

    def pretest(self, r_style: bool = False) -> dict:
        """Joint Wald test that all pre-treatment ATT(g,t) are 0 (R's att_gt pre-test).

        ``r_style``: Σ = ψ'ψ/n², chi-square(q) p-value, as R prints. Otherwise Σ clustered with
        G/(G−1) and p from F(q, G−1) of W/q. NaN when there is no pre-period or Σ is singular.
        """
        pre = [e for e in self.gt if e.period < e.cohort and not e.reference]
        out = dict(W=np.nan, q=len(pre), p_chi2=np.nan, p_f=np.nan, df2=self.n_clusters - 1)
        if not pre:
            return out
        att = np.array([e.estimate for e in pre])
        psi = np.column_stack([e.inf for e in pre])
        if r_style:
            sigma = psi.T @ psi / self.n ** 2
        else:
            s = cluster_sums(psi, self.clusters, self.n_clusters)
            g = self.n_clusters
            sigma = g / (g - 1) * (s.T @ s) / self.n ** 2
        if not np.isfinite(sigma).all() or np.linalg.cond(sigma) > 1 / np.finfo(float).eps:
            return out
        w = float(att @ np.linalg.solve(sigma, att))
        q = len(pre)
        out.update(W=w, p_chi2=float(stats.chi2.sf(w, q)))
        if self.n_clusters - 1 >= 1:
            out["p_f"] = float(stats.f.sf(w / q, q, self.n_clusters - 1))
        return out


def cluster_sums(psi: np.ndarray, codes: np.ndarray, n_clusters: int) -> np.ndarray:
    """Sum rows of ψ (n or n×k) within clusters → (G,) or (G×k)."""
    if psi.ndim == 1:
        return np.bincount(codes, weights=psi, minlength=n_clusters)
    return np.column_stack([np.bincount(codes, weights=psi[:, j], minlength=n_clusters)
                            for j in range(psi.shape[1])])


def cluster_se(inf: np.ndarray, codes: np.ndarray, n_clusters: int) -> float:
    """sqrt(G/(G−1) · Σ_c (Σ_{i∈c} ψ_i)²) / n, ψ the unit influence function (mean-zero)."""
    n = len(inf)
    if n_clusters < 2:
        return np.nan
    s = cluster_sums(inf, codes, n_clusters)
    return float(np.sqrt(n_clusters / (n_clusters - 1) * np.sum(s ** 2)) / n)


# --------------------------------------------------------------------------------------------
# 2×2 panel estimators (Sant'Anna & Zhao 2020; DRDID reg_did_panel, std_ipw_did_panel,
# drdid_panel with unit weights 1). Inputs on the g-t subsample: D (0/1), dy = Y_t − Y_base,
# X (n1×k, first column the intercept). Return ATT and its influence function (length n1).

def _ols(dy, d, x):
    c = d == 0
    xc = x[c]
    beta = np.linalg.lstsq(xc, dy[c], rcond=None)[0]
    fitted = x @ beta
    n1 = len(dy)
    xpx_inv = np.linalg.inv(xc.T @ xc / n1)
    lin_rep = ((1 - d) * (dy - fitted))[:, None] * x @ xpx_inv
    return fitted, lin_rep


def _logit(d, x):
    n1 = len(d)
    if x.shape[1] == 1:           # intercept only: the MLE is the share treated
        p = np.full(n1, d.mean())
    else:
        beta = np.zeros(x.shape[1])
        beta[0] = np.log(d.mean() / (1 - d.mean()))
        for _ in range(50):
            p = 1 / (1 + np.exp(-(x @ beta)))
            h = x.T @ (x * (p * (1 - p))[:, None])
            step = np.linalg.solve(h, x.T @ (d - p))
            beta = beta + step
            if np.max(np.abs(step)) < 1e-12:
                break
        p = 1 / (1 + np.exp(-(x @ beta)))
    w = p * (1 - p)
    hess_inv = np.linalg.inv(x.T @ (x * w[:, None]) / n1)
    lin_rep = ((d - p)[:, None] * x) @ hess_inv
    return np.minimum(p, 1 - 1e-6), lin_rep


def att_reg(dy, d, x):
    fitted, lin_ols = _ols(dy, d, x)
    w_t = d
    w_c = d
    att_t, att_c = w_t * dy, w_c * fitted
    eta_t, eta_c = att_t.mean() / w_t.mean(), att_c.mean() / w_c.mean()
    inf_t = (att_t - w_t * eta_t) / w_t.mean()
    m1 = (w_c[:, None] * x).mean(axis=0)
    inf_c = (att_c - w_c * eta_c + lin_ols @ m1) / w_c.mean()
    return eta_t - eta_c, inf_t - inf_c


def _trim(p, d):
    keep = np.ones_like(p, dtype=bool)
    keep[d == 0] = p[d == 0] < _TRIM
    return keep.astype(float)


def att_ipw(dy, d, x):
    p, lin_ps = _logit(d, x)
    tr = _trim(p, d)
    w_t = tr * d
    w_c = tr * p * (1 - d) / (1 - p)
    att_t, att_c = w_t * dy, w_c * dy
    eta_t, eta_c = att_t.mean() / w_t.mean(), att_c.mean() / w_c.mean()
    inf_t = (att_t - w_t * eta_t) / w_t.mean()
    m2 = ((w_c * (dy - eta_c))[:, None] * x).mean(axis=0)
    inf_c = (att_c - w_c * eta_c + lin_ps @ m2) / w_c.mean()
    return eta_t - eta_c, inf_t - inf_c


def att_dr(dy, d, x):
    p, lin_ps = _logit(d, x)
    fitted, lin_ols = _ols(dy, d, x)
    tr = _trim(p, d)
    w_t = tr * d
    w_c = tr * p * (1 - d) / (1 - p)
    r = dy - fitted
    att_t, att_c = w_t * r, w_c * r
    eta_t, eta_c = att_t.mean() / w_t.mean(), att_c.mean() / w_c.mean()
    m1 = (w_t[:, None] * x).mean(axis=0)
    inf_t = (att_t - w_t * eta_t - lin_ols @ m1) / w_t.mean()
    m2 = ((w_c * (r - eta_c))[:, None] * x).mean(axis=0)
    m3 = (w_c[:, None] * x).mean(axis=0)
    inf_c = (att_c - w_c * eta_c + lin_ps @ m2 - lin_ols @ m3) / w_c.mean()
    return eta_t - eta_c, inf_t - inf_c


_ESTIMATORS = {"reg": att_reg, "ipw": att_ipw, "dr": att_dr}


# --------------------------------------------------------------------------------------------

def fit_cs(df: pd.DataFrame, unit: str, period: str, y: str, cohort: str,
           controls: list[str] | tuple = (), control_group: str = "never",
           base_period: str = "varying", est_method: str = "dr", cluster: str | None = None,
           aggregations=AGGREGATIONS) -> CSFit:
    """ATT(g,t) and aggregations on a long panel (balanced: units missing a period are dropped).

    ``cohort``: first treated period, NaN/0 never treated; cohorts after the last period are
    never treated (R). ``cluster``: column constant within unit (else each unit its own cluster).
    """
    if control_group not in CONTROL_GROUPS:
        raise ValueError(f"control_group {control_group!r}; use one of {list(CONTROL_GROUPS)}")
    if base_period not in BASE_PERIODS:
        raise ValueError(f"base_period {base_period!r}; use one of {list(BASE_PERIODS)}")
    if est_method not in EST_METHODS:
        raise ValueError(f"est_method {est_method!r}; use one of {list(EST_METHODS)}")
    controls = list(controls)
    cols = [unit, period, y, cohort, *controls] + ([cluster] if cluster and cluster != unit else [])
    data = df[list(dict.fromkeys(cols))].dropna(subset=[y, *controls])
    periods = np.sort(data[period].unique()).astype(float)
    uid, ucodes = np.unique(data[unit].to_numpy(), return_inverse=True)
    pcodes = np.searchsorted(periods, data[period].to_numpy(dtype=float))
    T, N = len(periods), len(uid)
    first = np.full(N, -1)
    first[ucodes[::-1]] = np.arange(len(ucodes))[::-1]   # first row of each unit
    g_unit = data[cohort].to_numpy(dtype=float)[first]
    g_unit = np.where(np.isnan(g_unit) | (g_unit == 0) | (g_unit > periods.max()), np.inf, g_unit)
    dropped_periods = 0
    if control_group == "notyet" and not np.isinf(g_unit).any():
        # R: no never-treated units → drop periods from the last cohort on, it becomes the control
        gmax = g_unit.max()
        in_t = periods < gmax
        dropped_periods = int((~in_t).sum())
        g_unit = np.where(g_unit == gmax, np.inf, g_unit)
        rowkeep = in_t[pcodes]
        periods = periods[in_t]
        pcodes, ucodes = pcodes[rowkeep], ucodes[rowkeep]
        data = data[rowkeep]
        T = len(periods)
    if control_group == "never" and not np.isinf(g_unit).any():
        raise ValueError("no never-treated units for the never-treated comparison")
    keep_u = np.bincount(ucodes, minlength=N) == T
    rows = keep_u[ucodes]
    new_u = np.cumsum(keep_u) - 1
    ui, pi = new_u[ucodes[rows]], pcodes[rows]
    n = int(keep_u.sum())
    Y = np.full((n, T), np.nan)
    Y[ui, pi] = data[y].to_numpy(dtype=float)[rows]
    X = np.ones((T, n, 1 + len(controls)))
    for j, c in enumerate(controls):
        X[pi, ui, 1 + j] = data[c].to_numpy(dtype=float)[rows]
    G = g_unit[keep_u]
    if cluster and cluster != unit:
        cl = data[cluster].to_numpy()[rows]
        cl_codes = pd.factorize(cl)[0]
        per_unit = np.full(n, -1)
        per_unit[ui] = cl_codes
        if (np.bincount(ui, weights=(cl_codes != per_unit[ui]), minlength=n) > 0).any():
            raise ValueError(f"cluster column {cluster!r} varies within unit")
        clusters = pd.factorize(per_unit)[0]
    else:
        clusters = np.arange(n)
    n_clusters = int(clusters.max()) + 1
    est = _ESTIMATORS[est_method]
    gt: list[Estimate] = []
    cohorts = np.sort(np.unique(G[np.isfinite(G) & (G > periods.min())]))
    start = 1 if base_period == "varying" else 0
    for g in cohorts:
        gi = int(np.searchsorted(periods, g) - 1)      # last period before g
        d_all = G == g
        for ti in range(start, T):
            post = periods[ti] >= g
            bi = ti - 1 if (base_period == "varying" and not post) else gi
            if bi < 0:
                continue
            if ti == bi:
                gt.append(Estimate("gt", 0.0, np.zeros(n), cohort=g, period=periods[ti],
                                   event_time=periods[ti] - g, reference=True))
                continue
            if control_group == "never":
                c_all = np.isinf(G)
            else:
                c_all = np.isinf(G) | ((G > periods[max(ti, bi)]) & ~d_all)
            sub = d_all | c_all
            if d_all[sub].sum() == 0 or c_all[sub].sum() == 0:
                continue
            dy = Y[sub, ti] - Y[sub, bi]
            x = X[min(ti, bi)][sub]
            att, inf1 = est(dy, d_all[sub].astype(float), x)
            inf = np.zeros(n)
            inf[sub] = n / sub.sum() * inf1
            gt.append(Estimate("gt", float(att), inf, cohort=g, period=periods[ti],
                               event_time=periods[ti] - g))
    if not gt:
        raise ValueError("no estimable group-time cell (cohorts need a period before treatment)")
    fit = CSFit(n=n, periods=periods, cohorts=G, clusters=clusters, n_clusters=n_clusters, gt=gt,
                dropped_periods=dropped_periods)
    fit.aggregates = aggregate(fit, aggregations)
    return fit


def _wif(G: np.ndarray, groups: np.ndarray, pg: np.ndarray) -> np.ndarray:
    """Influence of estimating the cohort-share weights pg (R did's ``wif``), n × k."""
    ind = (G[:, None] == groups[None, :]).astype(float) - pg[None, :]
    s = pg.sum()
    return ind / s - np.outer(ind.sum(axis=1), pg / s ** 2)


def _combine(kind, att, inf, idx, weights, wif=None, **key) -> Estimate:
    a = att[idx]
    value = float(a @ weights)
    psi = inf[:, idx] @ weights
    if wif is not None:
        psi = psi + wif @ a
    return Estimate(kind, value, psi, **key)


def aggregate(fit: CSFit, aggregations=AGGREGATIONS) -> dict[str, list[Estimate]]:
    """R's aggte: simple, group, dynamic, calendar (per key first, overall last, key NaN)."""
    att = np.array([e.estimate for e in fit.gt])
    inf = np.column_stack([e.inf for e in fit.gt])
    grp = np.array([e.cohort for e in fit.gt])
    per = np.array([e.period for e in fit.gt])
    G = fit.cohorts
    share = {g: float(np.mean(G == g)) for g in np.unique(grp)}
    pg = np.array([share[g] for g in grp])
    out: dict[str, list[Estimate]] = {}
    post = grp <= per
    for agg in aggregations:
        if agg == "simple":
            k = np.flatnonzero(post)
            w = pg[k] / pg[k].sum()
            out[agg] = [_combine("simple", att, inf, k, w, _wif(G, grp[k], pg[k]))]
        elif agg == "group":
            glist = np.unique(grp[post])
            rows, vals, psis = [], [], []
            for g in glist:
                k = np.flatnonzero(post & (grp == g))
                e = _combine("group", att, inf, k, np.full(len(k), 1 / len(k)), cohort=g)
                rows.append(e); vals.append(e.estimate); psis.append(e.inf)
            pgg = np.array([share[g] for g in glist])
            w = pgg / pgg.sum()
            vals, psis = np.array(vals), np.column_stack(psis)
            overall = Estimate("group", float(vals @ w), psis @ w + _wif(G, glist, pgg) @ vals)
            out[agg] = rows + [overall]
        elif agg == "dynamic":
            ev = per - grp
            rows = []
            for e in np.unique(ev):
                k = np.flatnonzero(ev == e)
                w = pg[k] / pg[k].sum()
                ref = all(fit.gt[i].reference for i in k)
                est = _combine("dynamic", att, inf, k, w, _wif(G, grp[k], pg[k]), event_time=e)
                est.reference = ref
                rows.append(est)
            pos = [r for r in rows if r.event_time >= 0]
            vals = np.array([r.estimate for r in pos])
            psi = np.column_stack([r.inf for r in pos]).mean(axis=1)
            out[agg] = rows + [Estimate("dynamic", float(vals.mean()), psi)]
        elif agg == "calendar":
            rows = []
            for t1 in np.unique(per[per >= grp.min()]):
                k = np.flatnonzero((per == t1) & post)
                if not len(k):
                    continue
                w = pg[k] / pg[k].sum()
                rows.append(_combine("calendar", att, inf, k, w, _wif(G, grp[k], pg[k]), period=t1))
            vals = np.array([r.estimate for r in rows])
            psi = np.column_stack([r.inf for r in rows]).mean(axis=1)
            out[agg] = rows + [Estimate("calendar", float(vals.mean()), psi)]
        else:
            raise ValueError(f"aggregation {agg!r}; use some of {list(AGGREGATIONS)}")
    return out
