"""``estimate_effects``: run every requested method per outcome × level into one tidy table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from analysis.labels import t
from .before_after import before_after_rows
from .bootstrap import wild_rows
from .designs import DESIGNS, ESTIMATORS, diff_means_rows, fd_rows
from .did import pct_rows, twfe_rows
from .result import default_estimand, fmt_num, make_row, to_frame
from .spec import METHODS, EffectSpec, prepare, validate, validate_cross_section
from .staggered import cs_rows


def estimate_effects(
    panel: pd.DataFrame, unit: str, period: str, outcomes: Sequence[str],
    treated: str | None = None, first_post: int | None = None, cohort: str | None = None,
    groups: Sequence[str] = (), cluster: str | None = None,
    methods: Sequence[str] = METHODS, wild_reps: int = 999, seed: int = 20111231,
    alpha: float = 0.05, controls: Sequence[str] = (), vcov: str | None = None,
    unit_fe: bool = True, wild_ci: bool = True, lang: str = "es", progress: bool = False,
    aggregations: Sequence[str] = ("simple", "group", "dynamic", "calendar"),
    base_period: str = "varying", est_method: str = "dr",
    estimator: str = "twfe", design: str | None = None,
) -> pd.DataFrame:
    """Treatment effects of a panel, one row per outcome × level × method (tidy).

    Treatment: ``treated`` (0/1 per unit) + ``first_post`` (first post period), or ``cohort``
    (first treated period; 0/NaN = never treated). ``groups``: columns whose values get their own
    results (level = column, group_value = value). Inference: ``cluster`` = CRV1 column; with
    ``cluster=None`` and ``vcov=None`` (default) every method clusters by ``unit`` (CRV1 for the
    DiD rows, wild cluster bootstrap by unit, Callaway-Sant'Anna by unit), said in ``inference``;
    ``vcov="hetero"`` (HC1) or ``"iid"`` asks explicitly for no clustering. ``unit_fe=False`` replaces unit fixed effects by treatment-group fixed
    effects (pooled DiD of the means of each period). ``controls`` enter the DiD formula and the
    Callaway-Sant'Anna outcome regression. ``wild_ci=False`` skips the test-inversion CI.
    Methods: before_after (+ before_after_pct), did_twfe, did_wild, cs_never / cs_notyet
    (+ _event and _gt rows), pct_effect. Raises ValueError on a missing column or bad spec.
    Callaway-Sant'Anna options: ``aggregations`` (simple, group, dynamic, calendar: rows cs_*,
    cs_*_group, cs_*_event + cs_*_event_avg, cs_*_calendar; _gt and _pretest rows always),
    ``base_period`` varying|universal, ``est_method`` dr|reg|ipw (covariates = ``controls``);
    s.e. clustered by ``cluster`` (else by unit) with G/(G-1) and t(G-1) intervals.
    Designs (:mod:`analysis.effects.designs`): ``estimator="fd"`` gives one ``fd`` row per
    outcome × level (first differences with period effects) instead of the methods;
    ``design="cross_section"`` (automatic when ``period`` has one value) gives one ``diff_means``
    row (treated = 0/1 column, last period; default s.e. HC1). Repeated cross-sections with unit
    fixed effects raise ValueError naming ``--no-unit-fe``.
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator {estimator!r} not supported; use one of {list(ESTIMATORS)}")
    if design is not None and design not in DESIGNS:
        raise ValueError(f"design {design!r} not supported; use one of {list(DESIGNS)}")
    spec = EffectSpec(unit=unit, period=period, outcomes=list(outcomes), treated=treated,
                      first_post=first_post, cohort=cohort, groups=list(groups), cluster=cluster,
                      controls=list(controls), methods=list(methods), vcov=vcov, unit_fe=unit_fe,
                      wild_reps=wild_reps, seed=seed, alpha=alpha,
                      aggregations=list(aggregations), base_period=base_period, est_method=est_method)
    one_period = period in getattr(panel, "columns", []) and panel[period].nunique() == 1
    if design == "cross_section" or (design is None and one_period):
        validate_cross_section(panel, spec)
        last = panel[period].max()
        spec.methods = ["diff_means"]
        df = panel[panel[period] == last].copy()
        pnote = "" if one_period else t("effects.note_last_period", lang, period=fmt_num(last))
    else:
        validate(panel, spec)
        if spec.cluster is None and spec.vcov is None:
            spec.cluster = unit  # default: cluster by unit, the same for every method
        if estimator == "fd":
            spec.methods = ["fd"]
        df = prepare(panel, spec)
        pnote = ""
    subsets = [("overall", np.nan, df, "")]
    for g in spec.groups:
        varies = df.groupby(unit)[g].nunique(dropna=False).max() > 1
        note = t("effects.note_group_varies", lang, group=g) if varies else ""
        for v in pd.unique(df[g]):
            mask = df[g].isna() if pd.isna(v) else df[g] == v
            subsets.append((g, v, df[mask], note))
    tasks = [(s, y, m) for s in subsets for y in spec.outcomes for m in spec.methods]
    rows: list[dict] = []
    for (level, value, sub, gnote), y, method in tqdm(tasks, disable=not progress, desc="effects"):
        rows.extend(_run(sub, y, method, spec, lang, level, value, "; ".join(filter(None, [gnote, pnote])), wild_ci))
    return to_frame(rows)


def _run(sub, y, method, spec, lang, level, value, gnote, wild_ci) -> list[dict]:
    have = sub[sub[y].notna()]
    n_clusters = int(have[spec.cluster].nunique()) if spec.cluster else None
    try:
        if method == "fd":
            out = fd_rows(sub, y, spec, lang)
        elif method == "diff_means":
            out = diff_means_rows(sub, y, spec, lang)
        elif method == "before_after":
            out = before_after_rows(sub, y, spec, lang)
        elif method == "did_twfe":
            out = twfe_rows(sub, y, spec, lang)
        elif method == "did_wild":
            out = wild_rows(sub, y, spec, lang, n_clusters, ci=wild_ci)
        elif method == "pct_effect":
            out = pct_rows(sub, y, spec, lang)
        else:
            out = cs_rows(sub, y, spec, method, lang)
    except Exception as exc:  # a subset may lack comparison units etc.: say so in the row
        out = [make_row(method, np.nan, n_obs=len(have),
                        note=t("effects.note_failed", lang, error=f"{type(exc).__name__}: {exc}"))]
    missing = int(sub[y].isna().sum())
    extra = t("effects.note_missing_outcome", lang, k=missing) if missing else ""
    for r in out:
        r.update(outcome=y, level=level, group_value=value)
        if pd.isna(r.get("n_units")):
            r["n_units"] = have[spec.unit].nunique()
        if pd.isna(r.get("n_obs")):
            r["n_obs"] = len(have)
        r["n_clusters"] = n_clusters if n_clusters is not None else np.nan
        r["note"] = "; ".join(filter(None, [r["note"], gnote, extra]))
        if not r.get("estimand"):
            r["estimand"] = default_estimand(r["method"])
    return out
