"""Small-cell suppression for published tables.

A cell whose producer count is below ``min_count`` is replaced by a marker such as ``"n<5"`` so
that no published figure describes fewer than ``min_count`` producers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd


def normalise_count_map(count_columns: str | Iterable[str] | Mapping[str, str]) -> dict:
    """``{value column: count column}`` from a mapping, one column name or a list of names.

    A bare name (or list of names) means the column holds counts itself and is checked against
    its own value.
    """
    if isinstance(count_columns, str):
        return {count_columns: count_columns}
    if isinstance(count_columns, Mapping):
        return dict(count_columns)
    return {c: c for c in count_columns}


def suppress_small_cells(
    df: pd.DataFrame,
    count_col_map: Mapping[str, str] | str | Iterable[str],
    min_count: int,
    marker: str | None = None,
) -> tuple[pd.DataFrame, int]:
    """Replace cells whose producer count is below ``min_count`` by ``marker``.

    ``count_col_map`` maps each column to suppress to the column holding its producer count
    (a count column may map to itself). Returns a new frame and the number of cells replaced.
    Rows whose count is missing are left as they are (no count, no basis to suppress).
    """
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count must be a positive integer, got {min_count!r}")
    mapping = normalise_count_map(count_col_map)
    if not mapping:
        raise ValueError("count_col_map is empty: name at least one column to suppress")
    marker = f"n<{min_count}" if marker is None else marker
    columns = list(df.columns)
    for value_col, count_col in mapping.items():
        for col, role in ((value_col, "column to suppress"), (count_col, "count column")):
            if col not in columns:
                raise KeyError(f"{role} {col!r} not in table columns {columns}")
    # Evaluate every mask on the original counts before any column is overwritten.
    masks = {}
    for value_col, count_col in mapping.items():
        counts = df[count_col]
        numeric = pd.to_numeric(counts, errors="coerce")
        bad = counts.notna() & numeric.isna()
        if bad.any():
            row = df.index[bad.to_numpy()][0]
            raise ValueError(
                f"count column {count_col!r} holds a non-numeric value {counts[bad].iloc[0]!r} "
                f"at row {row!r}"
            )
        masks[value_col] = (numeric < min_count).fillna(False).to_numpy(dtype=bool)
    out = df.copy()
    n_suppressed = 0
    for value_col, mask in masks.items():
        if mask.any():
            col = out[value_col].astype(object)
            col[mask] = marker
            out[value_col] = col
            n_suppressed += int(mask.sum())
    return out, n_suppressed
