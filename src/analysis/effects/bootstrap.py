"""Wild (cluster) bootstrap p-value of the DiD coefficient and its CI by test inversion.

Fast WCR (null imposed) bootstrap after absorbing the fixed effects (Frisch–Waugh–Lovell).
With ``M`` the annihilator of the fixed effects and controls, the coefficient on ``x`` is
``a'y``, ``a = Mx / x'Mx``. Under H0: beta = b0 the restricted residuals are
``u = My − b0·Mx``; for cluster weights ``v`` the bootstrap numerator is ``a'(u∘v)`` and the
bootstrap residuals are ``M(u∘v) − Mx·numerator``. ``M(u∘v)`` is not ``u∘v`` when a fixed
effect crosses clusters (period effects do), so it is computed exactly as ``Σ_g v_g M(u∘1_g)``
(2G columns demeaned with pyfixest's ``demean``). All of it is linear in b0: the bootstrap
t-statistics for any b0 follow from five B-vectors, so each p-value of the CI inversion costs
O(B). Weights are drawn exactly as the ``wildboottest`` package draws them
(``WildboottestCL.get_weights`` / ``WildboottestHC``, ``default_rng(seed)``, full enumeration
for Rademacher when 2^G < B), so p-values equal pyfixest's ``Feols.wildboottest`` (which builds
one-hot fixed effects) with the same seed. Small-sample factors cancel in the p-value; the
reported s.e. stays the analytic one (CRV1 / hetero) of the pyfixest fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyfixest.core.demean import demean  # = pyfixest.estimation.demean, without its 2 s import

from analysis.labels import t
from .did import comparison_label, dropped_note, fit_treat_post, n_units_used
from .result import make_row
from .weights import draw_weights
from .spec import TREAT_POST, EffectSpec

WEBB_MAX_CLUSTERS = 12  # Webb six-point weights at or below this many clusters

DEMEAN_TOL = 1e-10
CHUNK_BYTES = 256 * 2**20  # draw-by-draw path: demean at most this much at once
TIE_RTOL = 1e-9
MAX_K_CLUSTERS = 64        # above this many clusters, demean draw by draw instead of 2G columns


@dataclass
class WildStats:
    """Bootstrap ingredients, linear in the null value b0 (see module docstring)."""

    beta: float        # OLS coefficient on x (FWL)
    se_raw: float      # sqrt of the unadjusted sandwich (small-sample factors cancel)
    n_y: np.ndarray    # numerator at b0 = 0 ...
    n_x: np.ndarray    # ... minus b0 * n_x
    d_yy: np.ndarray   # denominator^2 = d_yy - 2 b0 d_xy + b0^2 d_xx
    d_xy: np.ndarray
    d_xx: np.ndarray
    reps: int          # draws actually used (2^G under full enumeration)
    full_enumeration: bool

    def pvalue(self, b0: float = 0.0) -> float:
        """Two-sided WCR p-value of H0: beta = b0, as ``wildboottest`` (|t| < |t*|)."""
        t_hat = (self.beta - b0) / self.se_raw
        num = self.n_y - b0 * self.n_x
        den = np.maximum(self.d_yy - 2 * b0 * self.d_xy + b0 * b0 * self.d_xx, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_boot = num / np.sqrt(den)
        # a draw that reproduces the sample (v = ±1, certain under full enumeration) ties with
        # t_hat; rounding must not decide it: ties do not count, as in pyfixest's result
        return float(np.mean(np.abs(t_boot) > np.abs(t_hat) * (1 + TIE_RTOL)))

    def pvalue_floor(self, b0: float = 0.0) -> float:
        """Reported p-value, never exactly 0: (1 + #{|t*| ≥ |t|})/(B + 1) (the sample counts as one
        draw; ties count). Under full enumeration the draws already include the sample itself
        (v = ±1), so the exact randomisation p-value #{|t*| ≥ |t|}/2^G is used (≥ 2/2^G)."""
        t_hat = abs(self.beta - b0) / self.se_raw
        with np.errstate(divide="ignore", invalid="ignore"):
            hits = int(np.sum(np.abs(self.t_boot(b0)) >= t_hat * (1 - TIE_RTOL)))
        if self.full_enumeration:
            return hits / self.reps
        return (1 + hits) / (self.reps + 1)

    def t_boot(self, b0: float = 0.0) -> np.ndarray:
        den = self.d_yy - 2 * b0 * self.d_xy + b0 * b0 * self.d_xx
        return (self.n_y - b0 * self.n_x) / np.sqrt(den)


def cluster_weights(n_clusters: int, reps: int, weights: str, seed: int) -> tuple[np.ndarray, bool]:
    """G × B weights, drawn as ``WildboottestCL.get_weights`` with ``default_rng(seed)``."""
    full = weights == "rademacher" and 2**n_clusters < reps
    v, _ = draw_weights(weights, full, n_clusters, reps, np.random.default_rng(seed))
    return np.asarray(v, dtype=float), full


def _partial_out(yx: np.ndarray, fe: np.ndarray, controls: np.ndarray | None) -> np.ndarray:
    """M applied to the columns of ``yx``: demean by the fixed effects, then residualise on
    the (already demeaned) controls."""
    out, ok = demean(np.ascontiguousarray(yx, dtype=np.float64), fe, np.ones(len(yx)), tol=DEMEAN_TOL)
    if not ok:
        raise RuntimeError("fixed-effect demeaning did not converge")
    if controls is not None and controls.shape[1]:
        coef, *_ = np.linalg.lstsq(controls, out, rcond=None)
        out -= controls @ coef
    return out


def wild_stats(y_dm: np.ndarray, x_dm: np.ndarray, controls_dm: np.ndarray | None, fe: np.ndarray,
               cluster: np.ndarray | None, reps: int, weights: str, seed: int,
               max_k_clusters: int = MAX_K_CLUSTERS) -> WildStats:
    """Ingredients of the WCR bootstrap of the coefficient on x.

    ``y_dm``, ``x_dm``, ``controls_dm``: outcome, regressor and controls already demeaned by
    the fixed effects ``fe`` (N × F integer codes), e.g. a pyfixest fit's ``_Y``/``_X``.
    ``cluster``: N integer codes 0..G-1 in sorted order of the original labels (None = HC).
    Up to ``max_k_clusters`` clusters use the 2G-demeaning route, beyond it draw by draw.
    """
    fe = np.ascontiguousarray(fe, dtype=np.uint64)
    y = np.asarray(y_dm, dtype=float).ravel()
    x = np.asarray(x_dm, dtype=float).ravel()
    if controls_dm is not None and controls_dm.shape[1]:
        c = np.asarray(controls_dm, dtype=float)
        coef, *_ = np.linalg.lstsq(c, np.column_stack([y, x]), rcond=None)
        y = y - c @ coef[:, 0]
        x = x - c @ coef[:, 1]
    else:
        c = None
    sxx = float(x @ x)
    if sxx <= 0:
        raise ValueError("treatment has no variation left after the fixed effects")
    a = x / sxx
    beta = float(a @ y)
    resid = y - beta * x
    if cluster is not None:
        codes = np.asarray(cluster, dtype=np.int64).ravel()
        g = int(codes.max()) + 1
        se_raw = float(np.sqrt(np.sum(np.bincount(codes, a * resid, minlength=g) ** 2)))
        v, full = cluster_weights(g, reps, weights, seed)
        if g <= max_k_clusters:
            return _cluster_stats(y, x, a, c, fe, codes, g, v, beta, se_raw, full)
        draws = lambda start, b: v[codes, start:start + b]  # noqa: E731
        return _drawwise_stats(y, x, a, c, fe, codes, v.shape[1], draws, beta, se_raw, full)
    se_raw = float(np.sqrt(np.sum((a * resid) ** 2)))
    rng = np.random.default_rng(seed)

    def hc_draws(start, b):  # WildboottestHC draws one N-vector per bootstrap draw, in order
        out = np.empty((len(y), b))
        for j in range(b):
            out[:, j] = draw_weights(weights, False, len(y), 1, rng)[0].ravel()
        return out
    return _drawwise_stats(y, x, a, c, fe, np.arange(len(y)), reps, hc_draws, beta, se_raw, False)


def _cluster_stats(y, x, a, c, fe, codes, g, v, beta, se_raw, full) -> WildStats:
    n = len(y)
    s = np.bincount(codes, a * x, minlength=g)      # a_g' x_g
    c_y = np.bincount(codes, a * y, minlength=g)    # a_g' y_g  (restricted-score part)
    # K[h, k] = a_h' (M(w ∘ 1_k))_h for w = y and w = x: 2G demeaned columns
    cols = np.zeros((n, 2 * g))
    rows = np.arange(n)
    cols[rows, codes] = y
    cols[rows, g + codes] = x
    m = _partial_out(cols, fe, c)
    del cols
    am = m * a[:, None]
    k_all = np.zeros((g, 2 * g))
    _group_sum_into(k_all, codes, am)
    del am, m
    k_y, k_x = k_all[:, :g], k_all[:, g:]
    n_y, n_x = c_y @ v, s @ v
    z_y = k_y @ v - np.outer(s, n_y)
    z_x = k_x @ v - np.outer(s, n_x)
    return WildStats(beta, se_raw, n_y, n_x, np.sum(z_y * z_y, 0), np.sum(z_y * z_x, 0),
                     np.sum(z_x * z_x, 0), v.shape[1], full)


def _group_sum_into(out: np.ndarray, codes: np.ndarray, values: np.ndarray) -> None:
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(codes, values[:, j], minlength=out.shape[0])


def _drawwise_stats(y, x, a, c, fe, codes, reps, draws, beta, se_raw, full) -> WildStats:
    """M(u∘v) demeaned draw by draw (many clusters, or HC), in chunks of draws."""
    n = len(y)
    g = int(codes.max()) + 1
    chunk = max(1, min(reps, CHUNK_BYTES // (16 * n)))
    parts = []
    for start in range(0, reps, chunk):
        b = min(chunk, reps - start)
        v = draws(start, b)
        yv, xv = y[:, None] * v, x[:, None] * v
        m = _partial_out(np.hstack([yv, xv]), fe, c)
        n_y, n_x = a @ yv, a @ xv
        del yv, xv
        z_y = a[:, None] * (m[:, :b] - np.outer(x, n_y))
        z_x = a[:, None] * (m[:, b:] - np.outer(x, n_x))
        del m
        zy_g, zx_g = np.zeros((g, b)), np.zeros((g, b))
        _group_sum_into(zy_g, codes, z_y)
        _group_sum_into(zx_g, codes, z_x)
        parts.append((n_y, n_x, np.sum(zy_g * zy_g, 0), np.sum(zy_g * zx_g, 0), np.sum(zx_g * zx_g, 0)))
    cat = [np.concatenate(p) for p in zip(*parts)]
    return WildStats(beta, se_raw, *cat, reps=reps, full_enumeration=full)


def invert(stats: WildStats, alpha: float, est: float, se: float, k_max: float = 8.0,
           steps: int = 60, floor: bool = False) -> tuple[float, float]:
    """CI {b0 : p(b0) >= alpha} by bisection on each side of est (brackets ±2, 4, k_max s.e.).

    ``floor``: invert the reported p-value (``pvalue_floor``) instead of wildboottest's."""
    pv = stats.pvalue_floor if floor else stats.pvalue
    return (_bound(pv, alpha, est, se, -1, k_max, steps), _bound(pv, alpha, est, se, +1, k_max, steps))


def _bound(pv, alpha, est, se, direction, k_max, steps) -> float:
    inside, outside = est, None
    for k in (2.0, 4.0, k_max):
        cand = est + direction * k * se
        if pv(cand) < alpha:
            outside = cand
            break
        inside = cand
    if outside is None:
        return np.nan
    for _ in range(steps):
        mid = (inside + outside) / 2
        if pv(mid) < alpha:
            outside = mid
        else:
            inside = mid
    return (inside + outside) / 2


def weights_for(n_clusters: int | None) -> str:
    return "webb" if n_clusters is not None and n_clusters <= WEBB_MAX_CLUSTERS else "rademacher"


def stats_from_fit(fit, spec: EffectSpec, weights: str) -> WildStats:
    """Bootstrap ingredients for the TREAT_POST coefficient of a pyfixest DiD fit."""
    names = list(fit._coefnames)
    j = names.index(TREAT_POST)
    fe = np.ascontiguousarray(fit._fe.to_numpy(), dtype=np.uint64)
    yx = _partial_out(np.column_stack([np.ravel(fit._Y), fit._X]), fe, None)  # re-demean at DEMEAN_TOL
    others = [k for k in range(len(names)) if k != j]
    controls = yx[:, 1:][:, others] if others else None
    codes = None
    if spec.cluster:
        codes = np.unique(fit._data[spec.cluster].to_numpy(), return_inverse=True)[1].ravel()
    return wild_stats(yx[:, 0], yx[:, 1 + j], controls, fe, codes, spec.wild_reps, weights, spec.seed)


def wild_rows(df: pd.DataFrame, y: str, spec: EffectSpec, lang: str, n_clusters: int | None,
              ci: bool = True) -> list[dict]:
    """did_wild: WCR bootstrap p-value (null imposed) and test-inversion CI."""
    fit = fit_treat_post(df, y, spec)
    est = float(fit.coef()[TREAT_POST])
    se = float(fit.se()[TREAT_POST])
    weights = weights_for(n_clusters if spec.cluster else None)
    stats = stats_from_fit(fit, spec, weights)
    p = stats.pvalue_floor(0.0)
    notes = [t("effects.note_wild_se", lang), t("effects.note_wild_p_floor", lang)]
    lo = hi = np.nan
    if ci:
        lo, hi = invert(stats, spec.alpha, est, se, floor=True)
        notes.append(t("effects.note_wild_ci", lang, seed=spec.seed))
        if not (np.isfinite(lo) and np.isfinite(hi)):
            notes.append(t("effects.note_wild_ci_failed", lang, k=8))
    notes.append(dropped_note(df, y, fit, lang))
    wname = "Webb" if weights == "webb" else "Rademacher"
    if spec.cluster:
        inf = t("effects.inf_wild", lang, weights=wname, reps=spec.wild_reps, cluster=spec.cluster)
    else:
        inf = t("effects.inf_wild_hc", lang, weights=wname, reps=spec.wild_reps)
    return [make_row("did_wild", est, se, lo, hi, p, estimand="att_level", n_obs=int(fit._N), n_units=n_units_used(fit, spec.unit),
                     comparison=comparison_label(df, spec, lang), inference=inf,
                     note="; ".join(filter(None, notes)))]
