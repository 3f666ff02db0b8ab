"""Validate an effects request and derive the treatment columns (cohort, treat_post)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

METHODS = ("before_after", "did_twfe", "did_wild", "cs_never", "cs_notyet", "pct_effect")
VCOV_TYPES = ("hetero", "iid")

# internal column names added to the working panel
COHORT = "g_cohort_"        # first treated period, NaN = never treated
EVER = "_ever_treated"    # 1 if the unit is ever treated
TREAT_POST = "_treat_post"  # 1 in treated unit-periods
GROUP_FE = "_treat_group"  # treatment-group id (cohort, -1 never) for pooled DiD


@dataclass
class EffectSpec:
    """A validated request: column names, design and inference options."""

    unit: str
    period: str
    outcomes: list[str]
    treated: str | None = None
    first_post: int | None = None
    cohort: str | None = None
    groups: list[str] = field(default_factory=list)
    cluster: str | None = None
    controls: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=lambda: list(METHODS))
    vcov: str | None = None   # None: CRV1 by cluster, else by unit; "hetero"/"iid" = no clustering
    unit_fe: bool = True
    wild_reps: int = 999
    seed: int = 20111231
    alpha: float = 0.05
    # Callaway-Sant'Anna options (cs_never / cs_notyet), as R did's aggte / att_gt
    aggregations: list[str] = field(default_factory=lambda: ["simple", "group", "dynamic", "calendar"])
    base_period: str = "varying"
    est_method: str = "dr"


def _require(panel: pd.DataFrame, column: str | None, role: str) -> None:
    if column is not None and column not in panel.columns:
        raise ValueError(
            f"column {column!r} ({role}) not found in panel; available columns: "
            f"{', '.join(map(str, panel.columns))}"
        )


def validate(panel: pd.DataFrame, spec: EffectSpec) -> None:
    """Raise ValueError naming the missing column or the bad treatment spec."""
    if not isinstance(panel, pd.DataFrame):
        raise ValueError("panel must be a pandas DataFrame")
    if not spec.outcomes:
        raise ValueError("outcomes: give at least one outcome column")
    _require(panel, spec.unit, "unit")
    _require(panel, spec.period, "period")
    for y in spec.outcomes:
        _require(panel, y, "outcome")
    for g in spec.groups:
        _require(panel, g, "group")
    for c in spec.controls:
        _require(panel, c, "control")
    _require(panel, spec.cluster, "cluster")
    _require(panel, spec.treated, "treated")
    _require(panel, spec.cohort, "cohort")
    has_flag = spec.treated is not None
    if has_flag and spec.cohort is not None:
        raise ValueError("treatment spec: give either treated + first_post or cohort, not both")
    if not has_flag and spec.cohort is None:
        raise ValueError("treatment spec: give treated + first_post, or cohort")
    if has_flag and spec.first_post is None:
        raise ValueError(f"treatment spec: treated={spec.treated!r} needs first_post (first post-treatment period)")
    if not has_flag and spec.first_post is not None:
        raise ValueError("treatment spec: first_post is only used with treated; with cohort leave it None")
    unknown = [m for m in spec.methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown method(s) {unknown}; choose from {list(METHODS)}")
    if spec.vcov is not None and spec.vcov not in VCOV_TYPES:
        raise ValueError(f"vcov {spec.vcov!r} not supported; use one of {list(VCOV_TYPES)}")
    _validate_cs_options(spec)
    if not 0 < spec.alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {spec.alpha}")
    if panel[spec.period].isna().any() or not pd.api.types.is_numeric_dtype(panel[spec.period]):
        raise ValueError(f"column {spec.period!r} (period) must be numeric without missing values")
    if panel[spec.unit].isna().any():
        rows = list(panel.index[panel[spec.unit].isna()][:5])
        raise ValueError(f"column {spec.unit!r} (unit) has missing values in rows {rows}")
    dup = panel.duplicated([spec.unit, spec.period])
    if dup.any():
        rows = list(panel.index[dup][:5])
        raise ValueError(f"duplicate {spec.unit!r} × {spec.period!r} pairs in rows {rows}")
    periods = np.sort(panel[spec.period].unique())
    _validate_repeated(panel, spec)
    if len(periods) < 2:
        raise ValueError(f"column {spec.period!r} (period) needs at least two distinct periods")
    if has_flag:
        _validate_flag(panel, spec, periods)
    else:
        _validate_cohort(panel, spec, periods)


def validate_cross_section(panel: pd.DataFrame, spec: EffectSpec) -> None:
    """Single-period comparison: columns exist, ``treated`` is 0/1 with both groups in the last period."""
    if not isinstance(panel, pd.DataFrame):
        raise ValueError("panel must be a pandas DataFrame")
    if not spec.outcomes:
        raise ValueError("outcomes: give at least one outcome column")
    for col, role in [(spec.unit, "unit"), (spec.period, "period"), (spec.cluster, "cluster"),
                      (spec.treated, "treated"), *[(y, "outcome") for y in spec.outcomes],
                      *[(g, "group") for g in spec.groups]]:
        _require(panel, col, role)
    if spec.treated is None or spec.cohort is not None:
        raise ValueError("cross_section design: give treated (0/1 column); cohort is for panels")
    if spec.vcov is not None and spec.vcov not in VCOV_TYPES:
        raise ValueError(f"vcov {spec.vcov!r} not supported; use one of {list(VCOV_TYPES)}")
    if not 0 < spec.alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {spec.alpha}")
    last = panel[panel[spec.period] == panel[spec.period].max()]
    if not last[spec.treated].isin([0, 1, True, False]).all():
        raise ValueError(f"column {spec.treated!r} (treated) must be 0/1")
    if last[spec.treated].astype(int).nunique() < 2:
        raise ValueError(f"treatment spec: column {spec.treated!r} (treated) has no treated or no comparison units")
    if last.duplicated([spec.unit]).any():
        raise ValueError(f"duplicate {spec.unit!r} in period {last[spec.period].iloc[0]}")


UNIT_FE_METHODS = ("did_twfe", "did_wild", "pct_effect", "cs_never", "cs_notyet")
MIN_REPEATED_SHARE = 0.5  # below this share of units seen in 2+ periods: repeated cross-sections


def _validate_repeated(panel: pd.DataFrame, spec: EffectSpec) -> None:
    """Repeated cross-sections (a different sample each round) cannot take unit fixed effects."""
    if not spec.unit_fe or not any(m in UNIT_FE_METHODS for m in spec.methods):
        return
    seen = panel.groupby(spec.unit)[spec.period].nunique()
    share = float((seen >= 2).mean()) if len(seen) else 0.0
    if share < MIN_REPEATED_SHARE:
        raise ValueError(
            f"repeated cross-sections: only {share:.0%} of {spec.unit!r} units are observed in 2+ periods, "
            f"unit fixed effects are not identified; use --no-unit-fe (unit_fe=False) for a pooled DiD "
            f"of group means, or --methods without did_twfe/did_wild/pct_effect/cs_*")


def _validate_cs_options(spec: EffectSpec) -> None:
    from .cs_did import AGGREGATIONS, BASE_PERIODS, EST_METHODS
    bad = [a for a in spec.aggregations if a not in AGGREGATIONS]
    if bad:
        raise ValueError(f"unknown aggregation(s) {bad}; choose from {list(AGGREGATIONS)}")
    if spec.base_period not in BASE_PERIODS:
        raise ValueError(f"base_period {spec.base_period!r} not supported; use one of {list(BASE_PERIODS)}")
    if spec.est_method not in EST_METHODS:
        raise ValueError(f"est_method {spec.est_method!r} not supported; use one of {list(EST_METHODS)}")


def _validate_flag(panel: pd.DataFrame, spec: EffectSpec, periods: np.ndarray) -> None:
    flag = panel[spec.treated]
    bad = ~flag.isin([0, 1, True, False])
    if bad.any():
        rows = list(panel.index[bad][:5])
        raise ValueError(f"column {spec.treated!r} (treated) must be 0/1; bad values in rows {rows}")
    if panel.groupby(spec.unit)[spec.treated].nunique().max() > 1:
        raise ValueError(f"column {spec.treated!r} (treated) must be constant within each {spec.unit!r}")
    if not (periods.min() < spec.first_post <= periods.max()):
        raise ValueError(
            f"treatment spec: first_post={spec.first_post} must be after the first period "
            f"{periods.min()} and not after the last period {periods.max()}"
        )
    if flag.astype(int).nunique() < 2:
        raise ValueError(f"treatment spec: column {spec.treated!r} (treated) has no treated or no comparison units")


def _validate_cohort(panel: pd.DataFrame, spec: EffectSpec, periods: np.ndarray) -> None:
    c = panel[spec.cohort]
    if not pd.api.types.is_numeric_dtype(c):
        raise ValueError(f"column {spec.cohort!r} (cohort) must be numeric (first treated period; 0/NaN never treated)")
    if panel.groupby(spec.unit)[spec.cohort].nunique(dropna=False).max() > 1:
        raise ValueError(f"column {spec.cohort!r} (cohort) must be constant within each {spec.unit!r}")
    treated = c.fillna(0) != 0
    if not treated.any():
        raise ValueError(f"treatment spec: column {spec.cohort!r} (cohort) has no treated units")
    early = treated & (c <= periods.min())
    if early.any():
        rows = list(panel.index[early][:5])
        raise ValueError(
            f"treatment spec: column {spec.cohort!r} (cohort) has units treated in or before the first "
            f"period {periods.min()} (rows {rows}); they have no pre-treatment period"
        )


def prepare(panel: pd.DataFrame, spec: EffectSpec) -> pd.DataFrame:
    """Copy of the panel with COHORT, EVER, TREAT_POST and GROUP_FE columns added."""
    df = panel.copy()
    if spec.treated is not None:
        flag = df[spec.treated].astype(int)
        df[COHORT] = np.where(flag == 1, float(spec.first_post), np.nan)
    else:
        df[COHORT] = df[spec.cohort].astype(float).replace(0.0, np.nan)
    df[EVER] = df[COHORT].notna().astype(int)
    df[TREAT_POST] = (df[COHORT].notna() & (df[spec.period] >= df[COHORT])).astype(int)
    df[GROUP_FE] = df[COHORT].fillna(-1).astype(float)
    return df
