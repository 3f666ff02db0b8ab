"""Small checks on DataFrames shared by the report-building modules."""

from __future__ import annotations

import pandas as pd


def require_columns(df: pd.DataFrame, cols: list[str], name: str) -> None:
    """Raise ValueError naming the table and the missing columns (and the columns it has)."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}; columns are {list(df.columns)}")


def group_key(value) -> str:
    """Group values read back from CSV may be 1.0 or '1': compare them as text ('' if missing)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
