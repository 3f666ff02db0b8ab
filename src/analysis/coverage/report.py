"""The coverage simulation as the report shows it: a method paragraph and one table.

The table has one row per method × level the reports use, with the simulated coverage of the
nominal 95 % interval over the three main outcomes (lowest–highest), and whether the reports
publish the interval (all outcomes, some, none). Text lives in ``i18n/coverage.yaml``.
"""

from __future__ import annotations

import pandas as pd

from analysis.labels import t
from .gate import HIGH, LOW

# Shown rows (the full table is references/coverage.csv): Callaway–Sant'Anna's two comparisons
# and the sexes / phases are each one row (range over both), before–after in levels only.
METHODS = ("did_twfe", "did_wild", "pct_effect", "cs", "before_after", "did_cluster_t", "pct_cluster_t")
METHOD_OF = {"cs_never": "cs", "cs_notyet": "cs"}
LEVEL_ORDER = ("overall", "chain:lacteos", "chain:mango", "network:lacteos", "network:mango", "sex", "phase")
LEVEL_OF = {"sex:F": "sex", "sex:M": "sex", "phase:1": "phase", "phase:2": "phase"}


def _level(level: str, lang: str) -> str:
    kind, _, value = level.partition(":")
    if kind == "overall":
        return t("coverage.lvl_overall", lang)
    if kind in ("chain", "network"):
        text = t(f"coverage.lvl_{kind}", lang, chain=t(f"common.chain_{value}", lang).lower())
        return text[0].upper() + text[1:]
    return t(f"coverage.lvl_{kind}", lang)


def _num(x: float) -> str:
    return f"{x:.3f}"


def coverage_table(cov: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """Method × level → coverage range over outcomes (and groups), published or not."""
    d = cov.assign(method=cov["method"].replace(METHOD_OF), level=cov["level"].replace(LEVEL_OF))
    d = d[d["method"].isin(METHODS) & d["level"].isin(LEVEL_ORDER)].copy()
    d["_m"] = d["method"].map({m: i for i, m in enumerate(METHODS)})
    d["_l"] = d["level"].map({lv: i for i, lv in enumerate(LEVEL_ORDER)})
    rows = []
    for (_, _, method, level), g in d.groupby(["_m", "_l", "method", "level"], sort=True):
        ok = g["coverage"].between(LOW, HIGH)
        pub = "all" if ok.all() else ("some" if ok.any() else "none")
        lo, hi = g["coverage"].min(), g["coverage"].max()
        rows.append({
            t("coverage.col_method", lang): t(f"coverage.m_{method}", lang),
            t("coverage.col_level", lang): _level(level, lang),
            t("coverage.col_coverage", lang): _num(lo) if lo == hi else f"{_num(lo)}–{_num(hi)}",
            t("coverage.col_published", lang): t(f"coverage.pub_{pub}", lang),
        })
    return pd.DataFrame(rows)


def coverage_text(cov: pd.DataFrame, lang: str = "es") -> str:
    """Method paragraph: what was simulated, how many draws, the rule for publishing."""
    return t("coverage.text", lang, draws=int(cov["draws"].max()), low=f"{LOW:.2f}", high=f"{HIGH:.2f}",
             mc_se=f"{cov['mc_se'].max():.3f}")
