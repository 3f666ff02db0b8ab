"""Pandera schema of the canonical panel, run lazily so every problem is reported at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.survey.parse import unique_map
import pandera.pandas as pa

from analysis.survey.errors import Problem, SurveyValidationError

_NONNEG = ("sales_value_pen", "family_labour_days", "hired_labour_days", "employment_fte", "cows",
           "milk_yield_l_cow_day", "hectares", "kg_sold", "price_pen_unit")


def _f(*checks) -> pa.Column:
    return pa.Column("float64", list(checks), nullable=True)


PANEL_SCHEMA = pa.DataFrameSchema(
    {
        "producer_id": pa.Column("string", pa.Check.str_matches(r"^P[0-9a-f]{12}$")),
        "network_id": pa.Column("string", nullable=True),
        "cluster_id": pa.Column("string", pa.Check.str_length(min_value=1)),
        "sector": pa.Column("string", pa.Check.str_length(min_value=1)),
        "chain": pa.Column("string", pa.Check.isin(["mango", "lacteos"])),
        "sex": pa.Column("string", pa.Check.isin(["F", "M"])),
        "member": pa.Column("boolean"),
        "programme_phase": pa.Column("Int64", pa.Check.isin([1, 2]), nullable=True),
        "cohort_year": pa.Column("Int64", pa.Check.in_range(1990, 2100), nullable=True),
        "round": pa.Column("Int64", pa.Check.isin([0, 1, 2])),
        "year": pa.Column("Int64", pa.Check.in_range(1990, 2100)),
        "net_income_pen": _f(),
        **{c: _f(pa.Check.ge(0)) for c in _NONNEG},
        "share_main_buyer_pct": _f(pa.Check.in_range(0, 100)),
        "share_direct_pct": _f(pa.Check.in_range(0, 100)),
    },
    checks=[
        pa.Check(lambda d: ~(d["member"].fillna(False) & d["network_id"].isna()),
                 name="member_has_network"),
        pa.Check(lambda d: (d["share_main_buyer_pct"].fillna(0) + d["share_direct_pct"].fillna(0))
                 <= 100 + 1e-9, name="shares_sum_at_most_100"),
    ],
    strict=False,
)


FRAME_CHECK_COLUMN = {"member_has_network": "network_id",
                      "shares_sum_at_most_100": "share_direct_pct"}
STRING_COLUMNS = ("producer_id", "network_id", "cluster_id", "sector", "chain", "sex")


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """Cast the cleaned frame to the panel dtypes (nullable, so failed cells stay visible)."""
    out = df.copy(deep=False)  # copy-on-write: the replaced columns leave df as it is
    for c in STRING_COLUMNS:
        out[c] = pd.Series(_as_text(out[c]), index=out.index, dtype="string")
    out["member"] = pd.Series(unique_map(out["member"], lambda v: v if isinstance(v, bool)
                                         else None), index=out.index, dtype="boolean")
    return out


def _as_text(s: pd.Series):
    """Each cell as text, None for None / NA / NaN: a column of text and missing cells is
    passed to the string dtype as it is (same result), any other through str() per value."""
    arr = np.asarray(s.array, dtype=object)
    if pd.api.types.infer_dtype(arr, skipna=True) in ("string", "empty"):
        return arr
    return unique_map(s, lambda v: None if v is None or v is pd.NA or (
        isinstance(v, float) and v != v) else str(v))


def panel_problems(df: pd.DataFrame) -> list[Problem]:
    """Validate ``df`` (canonical columns + _file/_sheet/_row); one Problem per failure."""
    try:  # the schema's columns only: pandera then copies and checks no other column
        PANEL_SCHEMA.validate(df[[c for c in df.columns if c in PANEL_SCHEMA.columns]], lazy=True)
    except pa.errors.SchemaErrors as exc:
        out, seen = [], set()
        for _, fc in exc.failure_cases.iterrows():
            idx = fc["index"]
            col = fc["column"] if isinstance(fc["column"], str) else None
            if fc["check"] in FRAME_CHECK_COLUMN:  # frame-wide check: one problem per row
                if (idx, fc["check"]) in seen:
                    continue
                seen.add((idx, fc["check"]))
                col = FRAME_CHECK_COLUMN[fc["check"]]
            if idx is not None and not pd.isna(idx) and idx in df.index:
                r = df.loc[idx]
                value = r[col] if col in df.columns else fc["failure_case"]
                out.append(Problem(r["_file"], r["_sheet"], r["_row"], col, _plain(value),
                                   f"schema: {fc['check']}"))
            else:
                out.append(Problem("-", None, None, col, _plain(fc["failure_case"]),
                                   f"schema: {fc['check']}"))
        return out
    return []


def _plain(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v.item() if hasattr(v, "item") else v


def validate_panel(df: pd.DataFrame) -> None:
    """Raise SurveyValidationError listing every schema problem."""
    problems = panel_problems(df)
    if problems:
        raise SurveyValidationError(problems)
