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


def design_of(panel: pd.DataFrame) -> dict:
    """Networks, comparison producers and comparison clusters per chain (the ``G₀`` of the
    one-treated-cluster method: comparison producers' ``cluster_id``) of a panel or a draw."""
    member = panel["member"].astype(bool)
    comp = panel.loc[~member]
    return {"n_networks": int(panel.loc[member, "network_id"].nunique()),
            "n_comparison": int(comp["producer_id"].nunique()),
            "clusters": {c: int(g.nunique()) for c, g in comp.groupby("chain")["cluster_id"]}}


def simulated_design() -> dict:
    """The design the coverage simulation drew (:func:`analysis.coverage.design.draw`: the 12
    Laredo networks and their comparison producers); the same for every seed."""
    from .design import draw

    return design_of(draw(0))


def _bound(g0: int) -> str:
    """Smallest p-value of a permutation over one network and g0 comparison clusters: '1/9 ≈ 0.11'."""
    k = g0 + 1
    value = f"{1 / k:.2f}"
    return f"1/{k} {'=' if abs(float(value) - 1 / k) < 1e-12 else '≈'} {value}"


def _design_sentences(data: dict, sim: dict, lang: str, scope=None) -> dict:
    """The sentences of the method paragraph that depend on the survey's design: the simulated
    design's own words when the survey has it (the Laredo demo), else the survey's numbers and a
    sentence saying its design was not simulated (e.g. the programme demo's 118 networks)."""
    g = data["clusters"]
    g_l, g_m = g.get("lacteos", 0), g.get("mango", 0)
    if data == sim:
        return {"design_note": "",
                "clusters": t("coverage.clusters_sim", lang, g_lacteos=g_l, g_mango=g_m),
                "permutation": t("coverage.permutation_sim", lang, k_lacteos=g_l + 1,
                                 p_lacteos=f"{1 / (g_l + 1):.2f}", k_mango=g_m + 1)}
    regions = ""
    if scope is not None and scope.regions:
        from analysis.report.scope import _join

        regions = t("report.scope_in_regions", lang, regions=_join(scope.regions, lang))
    note = " " + t("coverage.design_note", lang, n_networks=data["n_networks"], regions=regions,
             n_comparison=data["n_comparison"], g_total=g_l + g_m, g_lacteos=g_l, g_mango=g_m)
    if min(g_l, g_m) < 2:  # a chain without the comparison clusters the method needs
        return {"design_note": note, "clusters": "", "permutation": t("coverage.permutation_none", lang)}
    never = [c for c, g0 in (("lacteos", g_l), ("mango", g_m)) if 1 / (g0 + 1) > 0.05]
    if len(never) == 2:
        tail = t("coverage.perm_never", lang)
    elif never:
        tail = t("coverage.perm_never_in", lang, chain=t(f"report.scope_chain_{never[0]}", lang))
    else:
        tail = ""
    return {"design_note": note,
            "clusters": t("coverage.clusters_data", lang, g_lacteos=g_l, g_mango=g_m,
                          df_lacteos=g_l - 1, df_mango=g_m - 1),
            "permutation": t("coverage.permutation_data", lang, bound_lacteos=_bound(g_l),
                             bound_mango=_bound(g_m), tail=tail)}


def coverage_text(cov: pd.DataFrame, lang: str = "es", panel: pd.DataFrame | None = None,
                  scope=None) -> str:
    """Method paragraph: what was simulated, how many draws, the rule for publishing; with
    ``panel`` (the edition's survey), its comparison clusters, and, when its design is not the
    simulated one, a sentence that says so (``scope``: the survey's regions, analysis.report.scope)."""
    sim = simulated_design()
    data = design_of(panel) if panel is not None else sim
    return t("coverage.text", lang, draws=int(cov["draws"].max()), low=f"{LOW:.2f}", high=f"{HIGH:.2f}",
             mc_se=f"{cov['mc_se'].max():.3f}", **_design_sentences(data, sim, lang, scope))
