"""Before-after change among treated units (first vs last period), level and percent."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.labels import t
from .result import fmt_num, make_row, t_ci
from .spec import EVER, EffectSpec


def before_after_rows(df: pd.DataFrame, y: str, spec: EffectSpec, lang: str) -> list[dict]:
    """Mean paired change last − first period for ever-treated units with data in both."""
    per = df[spec.period]
    first, last = per.min(), per.max()
    members = df[df[EVER] == 1]
    wide = members.pivot(index=spec.unit, columns=spec.period, values=y)
    pair = wide[[first, last]].dropna()
    n = len(pair)
    cmp = t("effects.cmp_before_after", lang, first=fmt_num(first), last=fmt_num(last))
    common = dict(comparison=cmp, n_units=n, n_obs=2 * n)
    if n < 2:
        err = t("effects.note_failed", lang, error=f"{n} treated units with data in both {first} and {last}")
        return [make_row("before_after", np.nan, note=err, **common),
                make_row("before_after_pct", np.nan, note=err, **common)]
    d = pair[last] - pair[first]
    est, se = d.mean(), d.std(ddof=1) / np.sqrt(n)
    lo, hi, p = t_ci(est, se, n - 1, spec.alpha)
    level = make_row("before_after", est, se, lo, hi, p, estimand="before_after_change",
                     inference=t("effects.inf_paired", lang), **common)
    # percent change: ratio of means, delta method on the paired sample
    m0, m1 = pair[first].mean(), pair[last].mean()
    if abs(m0) <= 1e-12 * max(float(pair.abs().max().max()), 1.0):
        return [level, make_row("before_after_pct", np.nan, estimand="before_after_pct_ratio",
                                inference=t("effects.inf_paired_delta", lang),
                                note=t("effects.note_zero_baseline", lang, mean=0), **common)]
    cov = np.cov(pair[first], pair[last], ddof=1) / n
    r = m1 / m0
    var_r = (cov[1, 1] + r**2 * cov[0, 0] - 2 * r * cov[0, 1]) / m0**2
    pct, pct_se = 100 * (r - 1), 100 * np.sqrt(max(var_r, 0.0))
    plo, phi, pp = t_ci(pct, pct_se, n - 1, spec.alpha)
    pct_row = make_row("before_after_pct", pct, pct_se, plo, phi, pp, estimand="before_after_pct_ratio",
                       inference=t("effects.inf_paired_delta", lang),
                       note=t("effects.note_ba_pct", lang), **common)
    return [level, pct_row]
