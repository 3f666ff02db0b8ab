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
]


def make_row(method: str, estimate: float, std_error: float = np.nan, ci_low: float = np.nan,
             ci_high: float = np.nan, p_value: float = np.nan, **extra) -> dict:
    """One result row; missing context columns default to NaN / empty string."""
    row = {c: np.nan for c in COLUMNS}
    row.update(comparison="", inference="", note="")
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
