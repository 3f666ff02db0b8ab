"""Baseline balance of network members vs comparison producers (means, difference, normalized difference)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

DEFAULT_VARIABLES = (
    "net_income_pen", "sales_value_pen", "family_labour_days", "hired_labour_days",
    "employment_fte", "cows", "milk_yield_l_cow_day", "hectares", "kg_sold", "price_pen_unit",
)

BALANCE_COLUMNS = ["chain", "variable", "n_members", "mean_members", "n_comparison",
                   "mean_comparison", "difference", "normalized_difference"]


def normalized_difference(treated: pd.Series, control: pd.Series) -> float:
    """(mean1 - mean0) / sqrt((var1 + var0) / 2), sample variances (ddof=1); NaN if undefined."""
    x1 = pd.to_numeric(treated, errors="raise").dropna().astype(float)
    x0 = pd.to_numeric(control, errors="raise").dropna().astype(float)
    if len(x1) < 2 or len(x0) < 2:
        return math.nan
    pooled = (x1.var(ddof=1) + x0.var(ddof=1)) / 2
    if pooled <= 0:
        return math.nan
    return float((x1.mean() - x0.mean()) / math.sqrt(pooled))


def baseline_balance(panel: pd.DataFrame, variables=DEFAULT_VARIABLES, baseline_round: int = 0,
                     by: str = "chain") -> pd.DataFrame:
    """One row per chain x variable at the baseline round; variables all-missing in a chain are skipped.

    ``n_*`` count producers with a non-missing value, so small-cell suppression can use them.
    """
    missing = [c for c in ("member", "round", by) if c not in panel.columns]
    if missing:
        raise KeyError(f"panel lacks column(s) {missing} needed for the balance table")
    base = panel[panel["round"] == baseline_round]
    rows = []
    for group, df in base.groupby(by, sort=True):
        is_member = df["member"].astype("boolean").fillna(False).astype(bool)
        for var in variables:
            if var not in df.columns:
                continue
            values = pd.to_numeric(df[var], errors="raise").astype(float)
            x1, x0 = values[is_member].dropna(), values[~is_member].dropna()
            if x1.empty and x0.empty:
                continue
            m1 = x1.mean() if len(x1) else np.nan
            m0 = x0.mean() if len(x0) else np.nan
            rows.append({by: group, "variable": var, "n_members": len(x1), "mean_members": m1,
                         "n_comparison": len(x0), "mean_comparison": m0, "difference": m1 - m0,
                         "normalized_difference": normalized_difference(x1, x0)})
    out = pd.DataFrame(rows, columns=[by] + BALANCE_COLUMNS[1:])
    return out.astype({"n_members": "int64", "n_comparison": "int64"})


def flag_imbalance(balance: pd.DataFrame, threshold: float = 0.25) -> pd.Series:
    """True where |normalized difference| exceeds ``threshold`` (Imbens-Rubin rule of thumb)."""
    return balance["normalized_difference"].abs() > threshold
