"""The tidy output row shared by all methods."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

COLUMNS = [
    "outcome", "level", "group_value", "method", "event_time", "cohort", "period",
    "estimate", "std_error", "ci_low", "ci_high", "p_value",
    "n_units", "n_obs", "n_clusters", "comparison", "inference", "note",
    "estimand",
]

# what ``estimate`` measures (one definition per row; the s.e. is for that quantity)
ESTIMANDS = {
    "att_level": "ATT in outcome units (DiD coefficient)",
    "pct_exp_log_did": "100·(exp(b)−1), b = DiD on log(outcome); s.e. 100·exp(b)·se(b)",
    "pct_ratio_counterfactual": "100·ATT/(m − ATT), m = mean of treated post rows; delta s.e. with m estimated",
    "before_after_change": "mean paired change last − first period of treated units",
    "before_after_pct_ratio": "100·(mean last/mean first − 1) of treated units; delta s.e.",
    "cs_att": "Callaway-Sant'Anna ATT (aggregation in method)",
    "wald_pretest": "Wald statistic of the pre-treatment ATT(g,t) = 0",
}


def default_estimand(method: str) -> str:
    """Estimand of a row by its method (rows that set their own keep it)."""
    if method.startswith("cs_"):
        return "wald_pretest" if method.endswith("_pretest") else "cs_att"
    return {"before_after": "before_after_change", "before_after_pct": "before_after_pct_ratio",
            "did_twfe": "att_level", "did_wild": "att_level", "pct_effect": "pct_ratio_counterfactual",
            "fd": "att_level", "diff_means": "att_level"}.get(method, "")


def make_row(method: str, estimate: float, std_error: float = np.nan, ci_low: float = np.nan,
             ci_high: float = np.nan, p_value: float = np.nan, **extra) -> dict:
    """One result row; missing context columns default to NaN / empty string."""
    row = {c: np.nan for c in COLUMNS}
    row.update(comparison="", inference="", note="", estimand="")
    row.update(method=method, estimate=estimate, std_error=std_error,
               ci_low=ci_low, ci_high=ci_high, p_value=p_value)
    row.update(extra)
    return row


def normal_ci(estimate: float, se: float, alpha: float) -> tuple[float, float, float]:
    """Normal-approximation CI and two-sided p-value."""
    if not np.isfinite(se) or se <= 0:
        return np.nan, np.nan, np.nan
    z = stats.norm.ppf(1 - alpha / 2)
    p = 2 * stats.norm.sf(abs(estimate / se))
    return estimate - z * se, estimate + z * se, p


def t_ci(estimate: float, se: float, df: float, alpha: float) -> tuple[float, float, float]:
    """Student-t CI and two-sided p-value with ``df`` degrees of freedom."""
    if not np.isfinite(se) or se <= 0 or df < 1:
        return np.nan, np.nan, np.nan
    q = stats.t.ppf(1 - alpha / 2, df)
    p = 2 * stats.t.sf(abs(estimate / se), df)
    return estimate - q * se, estimate + q * se, p


def to_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows → DataFrame with the fixed column order."""
    out = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("n_units", "n_obs", "n_clusters"):
        out[c] = pd.array(out[c], dtype="Int64") if len(out) else out[c]
    return out


def fmt_num(x) -> str:
    """Compact label text for a period value (2005.0 → '2005')."""
    if isinstance(x, float) and math.isfinite(x) and x.is_integer():
        return str(int(x))
    return str(x)
