"""Callaway & Sant'Anna group-time ATT via the ``differences`` package (ATTgt).

``differences`` 0.3.0 passes a Series where it expects a DataFrame when ``cluster_var`` is a
column other than the unit (fails under pandas 3); ``_patch_cluster_groups`` wraps that one
helper so the Series becomes a one-column frame. The estimator itself is untouched.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd

from analysis.labels import t
from .result import make_row, normal_ci
from .spec import COHORT, EffectSpec

_CONTROL = {"cs_never": "never_treated", "cs_notyet": "not_yet_treated"}
_patched = False


def _patch_cluster_groups() -> None:
    global _patched
    if _patched:
        return
    import differences.models.attgt.attgt as attgt_mod

    original = attgt_mod.get_cluster_groups

    def get_cluster_groups(data, cluster_var):
        if isinstance(data, pd.Series):
            data = data.to_frame()
        return original(data=data, cluster_var=cluster_var)

    attgt_mod.get_cluster_groups = get_cluster_groups
    _patched = True


def _columns(res: pd.DataFrame) -> pd.DataFrame:
    """Flatten ATTgt's 3-level column index to ATT, std_error, lower, upper."""
    out = res.copy()
    out.columns = [c[-1] if isinstance(c, tuple) else c for c in out.columns]
    return out[["ATT", "std_error", "lower", "upper"]]


def _stat_row(method, r, alpha, **extra) -> dict:
    est, se = float(r["ATT"]), float(r["std_error"])
    _, _, p = normal_ci(est, se, alpha)
    return make_row(method, est, se, float(r["lower"]), float(r["upper"]), p, **extra)


def cs_rows(df: pd.DataFrame, y: str, spec: EffectSpec, method: str, lang: str) -> list[dict]:
    """Overall (simple), event-study and group-time ATT rows for one control group."""
    _patch_cluster_groups()
    from differences import ATTgt

    data = df[[spec.unit, spec.period, y, COHORT, *spec.controls]
              + ([spec.cluster] if spec.cluster and spec.cluster != spec.unit else [])].copy()
    data = data.dropna(subset=[y, *spec.controls])
    n_periods = data[spec.period].nunique()
    complete = data.groupby(spec.unit)[spec.period].transform("nunique") == n_periods
    dropped_units = data.loc[~complete, spec.unit].nunique()
    data = data[complete].set_index([spec.unit, spec.period]).sort_index()
    formula = y if not spec.controls else f"{y} ~ {' + '.join(spec.controls)}"
    boot = spec.wild_reps if spec.cluster else 0
    cluster = spec.cluster if spec.cluster and spec.cluster != spec.unit else None
    kw = dict(boot_iterations=boot, random_state=spec.seed, alpha=spec.alpha)
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        att = ATTgt(data=data, cohort_column=COHORT)
        att.fit(formula, control_group=_CONTROL[method], est_method="reg",
                cluster_var=cluster, progress_bar=False, **kw)
        gt = _columns(att.results())
        simple = _columns(att.aggregate("simple", cluster_var=cluster, **kw))
        event = _columns(att.aggregate("event", cluster_var=cluster, **kw))
    cmp = t(f"effects.cmp_{'never' if method == 'cs_never' else 'notyet'}", lang)
    if boot:
        inf = t("effects.inf_cs_boot", lang, reps=boot, cluster=spec.cluster)
    else:
        inf = t("effects.inf_cs_analytic", lang)
    band = t("effects.note_cs_band", lang) if boot else ""
    balance = t("effects.note_cs_balanced", lang, k=dropped_units) if dropped_units else ""
    common = dict(comparison=cmp, inference=inf, n_units=data.index.get_level_values(0).nunique())
    n_obs = len(data)
    rows = [_stat_row(method, simple.iloc[0], spec.alpha, n_obs=n_obs, note="; ".join(filter(None, [t("effects.note_cs_simple", lang), balance])), **common)]
    for k, r in event.iterrows():
        rows.append(_stat_row(f"{method}_event", r, spec.alpha, event_time=float(k), n_obs=n_obs,
                              note="; ".join(filter(None, [t("effects.note_cs_event", lang), band, balance])), **common))
    for idx, r in gt.iterrows():
        g, _base, per = idx
        rows.append(_stat_row(f"{method}_gt", r, spec.alpha, cohort=float(g), period=float(per),
                              n_obs=n_obs, note="; ".join(filter(None, [t("effects.note_cs_gt", lang), balance])), **common))
    return rows
