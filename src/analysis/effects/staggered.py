"""Callaway & Sant'Anna rows (``cs_never`` / ``cs_notyet``) from :mod:`analysis.effects.cs_did`.

Inference for every row: standard error from the influence function summed within clusters
(``cluster``, else each unit its own cluster), factor G/(G−1), Student t(G−1) critical value and
p-value, so that the CI is exactly the set of values with p ≥ alpha (pointwise, no band).

Rows (``method``): ``cs_never`` simple aggregation; ``cs_never_group`` per cohort (``cohort``) and
overall (cohort empty); ``cs_never_event`` per event time; ``cs_never_event_avg`` the overall
average of event times ≥ 0 (own name: the report's event-study chart reads ``_event`` rows by
event time); ``cs_never_calendar`` per period and overall (period empty); ``cs_never_gt`` each
ATT(g,t); ``cs_never_pretest`` the joint Wald test of the pre-treatment ATT(g,t) (estimate = W,
p from F(q, G−1)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.labels import t
from .cs_did import fit_cs
from .result import make_row, t_ci
from .spec import COHORT, EffectSpec

_CONTROL = {"cs_never": "never", "cs_notyet": "notyet"}
_SUFFIX = {"simple": "", "group": "_group", "dynamic": "_event", "calendar": "_calendar"}


def cs_rows(df: pd.DataFrame, y: str, spec: EffectSpec, method: str, lang: str) -> list[dict]:
    """All Callaway-Sant'Anna rows for one outcome and one comparison group."""
    cluster = spec.cluster if spec.cluster and spec.cluster != spec.unit else None
    data = df.dropna(subset=[y, *spec.controls])
    n_per = data[spec.period].nunique()
    complete = data.groupby(spec.unit)[spec.period].transform("nunique") == n_per
    dropped_units = int(data.loc[~complete, spec.unit].nunique())
    aggs = list(getattr(spec, "aggregations", None) or ("simple", "group", "dynamic", "calendar"))
    base = getattr(spec, "base_period", "varying")
    est_method = getattr(spec, "est_method", "dr")
    fit = fit_cs(data, spec.unit, spec.period, y, COHORT, controls=spec.controls,
                 control_group=_CONTROL[method], base_period=base, est_method=est_method,
                 cluster=cluster, aggregations=aggs)
    g = fit.n_clusters
    df_t = g - 1
    inf = t("effects.inf_cs_cluster", lang, cluster=cluster or spec.unit, g=g, df=df_t)
    cmp = t(f"effects.cmp_{'never' if method == 'cs_never' else 'notyet'}", lang)
    est_note = t("effects.note_cs_method", lang, est=t(f"effects.cs_est_{est_method}", lang),
                 base=t(f"effects.cs_base_{base}", lang))
    balance = t("effects.note_cs_balanced", lang, k=dropped_units) if dropped_units else ""
    if fit.dropped_periods:
        balance = "; ".join(filter(None, [balance, t("effects.note_cs_last_cohort", lang, k=fit.dropped_periods)]))
    common = dict(comparison=cmp, inference=inf, n_units=fit.n, n_obs=fit.n * len(fit.periods))

    def row(name, e, note_key, **key):
        se = fit.se(e.inf)
        if e.reference or not np.isfinite(se) or se <= 0:
            se, lo, hi, p = np.nan, np.nan, np.nan, np.nan
            extra = t("effects.note_cs_reference", lang) if e.reference else ""
        else:
            lo, hi, p = t_ci(e.estimate, se, df_t, spec.alpha)
            extra = ""
        note = "; ".join(filter(None, [t(note_key, lang), extra, est_note, balance]))
        return make_row(name, e.estimate, se, lo, hi, p, note=note, **key, **common)

    rows: list[dict] = []
    for agg in aggs:
        name = method + _SUFFIX[agg]
        for e in fit.aggregates[agg]:
            if agg == "simple":
                rows.append(row(name, e, "effects.note_cs_simple"))
            elif agg == "group":
                overall = np.isnan(e.cohort)
                rows.append(row(name, e, "effects.note_cs_group_all" if overall else "effects.note_cs_group",
                                cohort=e.cohort))
            elif agg == "dynamic":
                if np.isnan(e.event_time):
                    rows.append(row(f"{name}_avg", e, "effects.note_cs_event_avg"))
                else:
                    rows.append(row(name, e, "effects.note_cs_event", event_time=float(e.event_time)))
            else:
                overall = np.isnan(e.period)
                rows.append(row(name, e, "effects.note_cs_calendar_all" if overall else "effects.note_cs_calendar",
                                period=e.period))
    for e in fit.gt:
        rows.append(row(f"{method}_gt", e, "effects.note_cs_gt", cohort=float(e.cohort),
                        period=float(e.period), event_time=float(e.event_time)))
    pt = fit.pretest()
    note = t("effects.note_cs_pretest", lang, q=pt["q"], df=df_t) if np.isfinite(pt["W"]) else \
        t("effects.note_cs_pretest_na", lang, q=pt["q"])
    rows.append(make_row(f"{method}_pretest", pt["W"], p_value=pt["p_f"],
                         note="; ".join(filter(None, [note, est_note, balance])), **common))
    return rows
