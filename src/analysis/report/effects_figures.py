"""Figures and tables of estimated effects for reports (pure: DataFrames in, Figure/DataFrame out).

Input is the tidy table of ``analysis.effects.estimate_effects`` (``effects.csv``: outcome, level,
group_value, method, event_time, estimate, ci_low, ci_high, p_value, n_units, ...) and the survey
panel (``panel.parquet``). Cells describing fewer than ``min_cell`` network members are suppressed.
Text comes from ``i18n/effects_report.yaml``.
"""

from __future__ import annotations

import math

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.report.frames import group_key as _key, require_columns as _need  # noqa: E402
from analysis.labels import t  # noqa: E402
from analysis.report.numbering import format_number, set_house_style  # noqa: E402
from analysis.report.suppression import suppress_small_cells  # noqa: E402

CHAINS = ("mango", "lacteos")
CHAIN_COLOURS = {"mango": "#E69F00", "lacteos": "#0072B2"}
MEMBER_COLOURS = {True: "#D55E00", False: "#555555"}
TABLE_METHODS = ("before_after", "did_twfe", "cs_never", "cs_notyet", "pct_effect")
REQUIRED = ["outcome", "level", "group_value", "method", "estimate", "ci_low", "ci_high",
            "p_value", "n_units"]


def _l(key: str, lang: str, **kw) -> str:
    return t(f"effects_report.{key}", lang, **kw)



def _num(x, decimals: int = 2) -> str:
    return format_number(x, decimals)


def _decimals(outcome: str) -> int:
    return 2 if outcome == "employment_fte" else 0


def _rows(effects: pd.DataFrame, outcome: str, method: str, level: str) -> pd.DataFrame:
    return effects[(effects["outcome"] == outcome) & (effects["method"] == method)
                   & (effects["level"] == level)]


def member_counts(effects: pd.DataFrame, outcome: str, level: str) -> pd.Series:
    """Members per group = ``n_units`` of the members-only before–after rows (key: group_value)."""
    ba = _rows(effects, outcome, "before_after", level)
    keys = ba["group_value"].map(_key)
    return pd.Series(pd.to_numeric(ba["n_units"]).to_numpy(), index=keys.to_numpy())



def _level_label(level: str, value, lang: str) -> str:
    if level == "overall":
        return _l("lvl_overall", lang)
    if level == "chain":
        return t(f"common.chain_{value}", lang)
    if level == "sex":
        return _l(f"sex_{value}", lang)
    if level == "programme_phase":
        return _l("phase_n", lang, n=_key(value))
    return _key(value)


def effects_table(effects: pd.DataFrame, outcome: str, min_cell: int, lang: str = "es",
                  methods=TABLE_METHODS) -> pd.DataFrame:
    """One row per method for all networks and per chain: estimate, CI, p, wild p, counts.

    The wild-bootstrap p-value and interval (``did_wild`` row) are shown on the DiD row. Rows with fewer than
    ``min_cell`` members have estimate, CI and p-values suppressed.
    """
    _need(effects, REQUIRED + ["comparison"], "effects.csv")
    dec = _decimals(outcome)
    out = []
    for level, values in (("overall", [np.nan]), ("chain", CHAINS)):
        members = member_counts(effects, outcome, level)
        for value in values:
            wild = _rows(effects, outcome, "did_wild", level)
            wild = wild[wild["group_value"].map(_key) == _key(value)]
            for method in methods:
                sel = _rows(effects, outcome, method, level)
                sel = sel[sel["group_value"].map(_key) == _key(value)]
                if sel.empty:
                    continue
                r = sel.iloc[0]
                pct = method == "pct_effect"
                d = 1 if pct else dec
                on_did = method == "did_twfe" and len(wild)
                wp = wild["p_value"].iloc[0] if on_did else np.nan
                wci = _ci_text(wild["ci_low"].iloc[0], wild["ci_high"].iloc[0], d, lang) if on_did else np.nan
                out.append({
                    _l("col_level", lang): _level_label(level, value, lang),
                    _l("col_method", lang): _l(f"m_{method}", lang),
                    _l("col_estimate", lang): (_num(r["estimate"], d) + ("%" if pct else "")
                                               if pd.notna(r["estimate"]) else np.nan),
                    _l("col_ci", lang): _ci_text(r["ci_low"], r["ci_high"], d, lang),
                    _l("col_p", lang): _p_text(r["p_value"]),
                    _l("col_p_wild", lang): _p_text(wp),
                    _l("col_ci_wild", lang): wci,
                    _l("col_n_members", lang): members.get(_key(value), np.nan),
                    _l("col_n_units", lang): r["n_units"],
                    _l("col_comparison", lang): r["comparison"] if pd.notna(r["comparison"]) else "",
                })
    table = pd.DataFrame(out)
    if table.empty:
        return table
    table[_l("col_n_members", lang)] = pd.array(table[_l("col_n_members", lang)], dtype="Int64")
    table[_l("col_n_units", lang)] = pd.array(pd.to_numeric(table[_l("col_n_units", lang)]),
                                              dtype="Int64")
    return suppress(table, [_l(k, lang) for k in ("col_estimate", "col_ci", "col_p", "col_p_wild",
                                                  "col_ci_wild")],
                    _l("col_n_members", lang), min_cell, lang)


def suppress(table: pd.DataFrame, columns: list[str], count_col: str, min_cell: int,
             lang: str = "es") -> pd.DataFrame:
    """Replace ``columns`` by the suppression marker where ``count_col`` < ``min_cell``."""
    marker = t("report.suppression_marker", lang, min_count=min_cell)
    out, _ = suppress_small_cells(table, {c: count_col for c in columns}, min_cell, marker=marker)
    return out


def _ci_text(low, high, decimals: int, lang: str):
    if pd.isna(low) or pd.isna(high):
        return np.nan
    return _l("ci_format", lang, low=_num(low, decimals), high=_num(high, decimals))


def _p_text(p):
    if pd.isna(p):
        return np.nan
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


FOREST_MAX_LABELLED = 30  # more networks than this: a ranked plot without names (one row each)


def network_forest_rows(effects: pd.DataFrame, outcome: str, networks: pd.DataFrame,
                        min_cell: int, method: str = "did_twfe") -> tuple[pd.DataFrame, list[str]]:
    """Networks to plot (members ≥ ``min_cell`` and an estimate) and short names of those left out.

    Returns a frame with network_id, short_name, chain, n_members, estimate, ci_low, ci_high in
    the order of ``networks.csv`` grouped by chain.
    """
    _need(effects, REQUIRED, "effects.csv")
    _need(networks, ["network_id", "short_name", "chain"], "networks.csv")
    rows = _rows(effects, outcome, method, "network_id").copy()
    rows["network_id"] = rows["group_value"].map(_key)
    unknown = sorted(set(rows["network_id"]) - set(networks["network_id"]))
    if unknown:
        raise ValueError(f"effects.csv: level 'network_id' has group_value(s) {unknown} not in "
                         f"networks.csv column 'network_id'")
    counts = member_counts(effects, outcome, "network_id")
    rows["n_members"] = rows["network_id"].map(counts)
    rows["n_members"] = rows["n_members"].fillna(pd.to_numeric(rows["n_units"]))
    order = pd.concat([networks[networks["chain"] == c] for c in CHAINS])
    merged = order[["network_id", "short_name", "chain"]].merge(
        rows[["network_id", "n_members", "estimate", "ci_low", "ci_high"]], on="network_id")
    keep = (merged["n_members"] >= min_cell) & merged["estimate"].notna()
    left_out = merged.loc[~keep, "short_name"].tolist()
    return merged[keep].reset_index(drop=True), left_out


def network_forest(effects: pd.DataFrame, outcome: str, networks: pd.DataFrame, min_cell: int,
                   lang: str = "es", method: str = "pct_cluster_t") -> Figure:
    """Forest plot: one row per network with ≥ ``min_cell`` members, estimate and 95 % CI.

    Default ``pct_cluster_t``: the network as one treated cluster (percent, log path). Intervals
    are drawn only where ``effects.csv`` kept them (coverage gate); an interval reaching past the
    axis (few comparison clusters) is cut at the edge with an arrow and its bound written there.
    """
    d, left_out = network_forest_rows(effects, outcome, networks, min_cell, method)
    pct = method.startswith("pct")
    set_house_style()
    # More networks than fit one labelled page (a programme-scale survey): one thin unlabelled row
    # per network, ranked by the estimate, chains by colour; each network's figures are in its factsheet.
    ranked = len(d) > FOREST_MAX_LABELLED
    if ranked:
        d = d.sort_values(["estimate", "short_name"], kind="stable").reset_index(drop=True)
        fig, ax = plt.subplots(figsize=(6.8, 8.2))
    else:
        fig, ax = plt.subplots(figsize=(6.8, 0.42 * max(len(d), 1) + 1.6))
    est = d["estimate"].to_numpy(float) if len(d) else np.array([0.0])
    span = max(float(np.nanmax(np.abs(est))) if np.isfinite(est).any() else 1.0, 1e-9)
    lo_lim, hi_lim = min(0.0, float(np.nanmin(est))) - 1.5 * span, float(np.nanmax(est)) + 1.5 * span
    if pct:
        lo_lim = max(lo_lim, -100.0)
    any_ci = False
    for i, r in d.iterrows():
        colour = CHAIN_COLOURS.get(r.chain, "#333333")
        if pd.notna(r.ci_low) and pd.notna(r.ci_high):
            any_ci = True
            a, b = max(r.ci_low, lo_lim), min(r.ci_high, hi_lim)
            ax.plot([a, b], [i, i], color=colour, linewidth=1 if ranked else 2)
            for bound, edge, side in ((r.ci_low, lo_lim, "left"), (r.ci_high, hi_lim, "right")):
                if (side == "left" and bound < edge) or (side == "right" and bound > edge):
                    ax.plot(edge, i, "<" if side == "left" else ">", color=colour, markersize=3 if ranked else 6)
                    if not ranked:
                        ax.annotate(format_number(bound, 0), (edge, i), xytext=(0, 5),
                                    textcoords="offset points", ha=side, va="bottom", fontsize=7, color=colour)
        ax.plot(r.estimate, i, "o", color=colour, markersize=2.5 if ranked else 6)
    ax.set_xlim(lo_lim, hi_lim)
    if ranked:
        ax.set_yticks([])
        ax.set_ylabel(_l("forest_ranked_ylabel", lang, n=len(d)))
        for c in CHAINS:
            if (d["chain"] == c).any():
                ax.plot([], [], "o-", color=CHAIN_COLOURS.get(c, "#333333"), markersize=3, linewidth=1,
                        label=f"{t('common.chain_' + c, lang)} ({int((d['chain'] == c).sum())})")
        ax.legend(loc="lower right", fontsize=7.5)
    else:
        ax.set_yticks(range(len(d)), [f"{n} ({t('common.chain_' + c, lang)}, n={int(k)})"
                                      for n, c, k in zip(d.short_name, d.chain, d.n_members)])
    ax.set_ylim(len(d) - 0.5 if len(d) else 0.5, -0.5)
    ax.axvline(0, color="#333333", linewidth=0.8)
    if d.empty:
        ax.text(0.5, 0.5, _l("forest_empty", lang, min_cell=min_cell), transform=ax.transAxes,
                ha="center", va="center", style="italic")
    unit = "%" if pct else _l(f"unit_{outcome}", lang)
    ax.set_xlabel(_l("forest_xlabel", lang, outcome=_l(f"out_{outcome}", lang).lower(), unit=unit))
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
    _thousands(ax.xaxis)
    notes = []
    if not any_ci and len(d):
        notes.append(_l("forest_no_ci", lang))
    elif any_ci and (d["ci_low"].isna() | d["ci_high"].isna()).any():
        notes.append(_l("forest_some_no_ci", lang))
    if left_out:
        notes.append(_l("forest_suppressed", lang, min_cell=min_cell, names=", ".join(left_out)))
    if ranked:
        notes.append(_l("forest_ranked", lang, n=len(d)))
    if notes:
        fig.text(0.01, 0.005, " ".join(notes), fontsize=7.5, ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.07 if notes else 0, 1, 1))
    return fig


def outcome_means(panel: pd.DataFrame, outcome: str, min_cell: int) -> pd.DataFrame:
    """Mean ``outcome`` by chain × year × member; groups with fewer than ``min_cell`` producers
    with data get a NaN mean (their count is kept)."""
    _need(panel, ["chain", "year", "member", outcome], "panel.parquet")
    have = panel[panel[outcome].notna()]
    g = have.groupby(["chain", "year", "member"])[outcome].agg(["size", "mean"]).reset_index()
    g = g.rename(columns={"size": "n"})
    g.loc[g["n"] < min_cell, "mean"] = np.nan
    g["year"] = g["year"].astype(int)
    return g


def plot_member_lines(ax, means: pd.DataFrame, members_label: str, comparison_label: str) -> None:
    """Members (solid) and comparison producers (dashed): mean by survey year on ``ax``."""
    for member in (True, False):
        s = means[means["member"] == member].sort_values("year")
        if s["mean"].isna().all():
            continue   # no comparison producers (or all suppressed): no line, no legend entry
        ax.plot(s["year"], s["mean"], marker="o", color=MEMBER_COLOURS[member],
                linestyle="-" if member else "--", label=members_label if member else comparison_label)


def before_after_chart(means: pd.DataFrame, outcome: str, lang: str = "es") -> Figure:
    """Per chain, mean outcome by survey year for members and comparison producers."""
    _need(means, ["chain", "year", "member", "mean"], "outcome means")
    chains = [c for c in CHAINS if c in set(means["chain"])]
    set_house_style()
    fig, axes = plt.subplots(1, len(chains), figsize=(7.2, 3.2), squeeze=False, sharey=False)
    for ax, chain in zip(axes[0], chains):
        sub = means[means["chain"] == chain]
        plot_member_lines(ax, sub, _l("members", lang), _l("comparison", lang))
        ax.set_title(t(f"common.chain_{chain}", lang), color=CHAIN_COLOURS[chain], fontsize=10)
        ax.set_xticks(sorted(sub["year"].unique()))
        ax.set_xlabel(_l("means_xlabel", lang))
        ax.set_ylabel(_l("means_ylabel", lang, unit=_l(f"unit_{outcome}", lang)))  # own scale each
        _thousands(ax.yaxis)
    axes[0, -1].legend(loc="upper left", fontsize=8)
    fig.tight_layout()  # no title in the image: the numbered caption names the outcome
    return fig


def event_study_chart(effects: pd.DataFrame, outcomes: list[str], method: str = "cs_notyet",
                      lang: str = "es") -> Figure:
    """Event-study estimates (``<method>_event`` rows, all networks) with 95 % CI, one panel per outcome."""
    _need(effects, REQUIRED + ["event_time"], "effects.csv")
    set_house_style()
    fig, axes = plt.subplots(len(outcomes), 1, figsize=(6.4, 2.1 * len(outcomes) + 0.4),
                             squeeze=False, sharex=True)
    for ax, outcome in zip(axes[:, 0], outcomes):
        d = _rows(effects, outcome, f"{method}_event", "overall").sort_values("event_time")
        d = d[d["estimate"].notna()]
        x = d["event_time"].astype(float)
        ax.errorbar(x, d["estimate"], yerr=[d["estimate"] - d["ci_low"], d["ci_high"] - d["estimate"]],
                    fmt="o", color="#0072B2", capsize=3, elinewidth=1)
        ax.axhline(0, color="#333333", linewidth=0.8)
        if len(x):
            ax.axvline(-0.5, color="#999999", linestyle=":", linewidth=1)
            ax.set_xticks(sorted(set(x.astype(int))))
        ax.set_title(_l(f"out_{outcome}", lang), fontsize=9, loc="left")
        ax.set_ylabel(_l("event_ylabel", lang, unit=_l(f"unit_{outcome}", lang)), fontsize=8)
        _thousands(ax.yaxis)
    axes[-1, 0].set_xlabel(_l("event_xlabel", lang))
    fig.tight_layout()
    return fig


def quality_counts_chart(by_round: pd.DataFrame, lang: str = "es") -> Figure:
    """Data-quality report: producers surveyed per round, members and comparison side by side.

    ``by_round`` is ``survey.quality.counts_by_round`` (columns year, members, comparison).
    House style, the effects chapter's member/comparison colours, the legend above the plot
    (never over a bar) and without a title.
    """
    _need(by_round, ["year", "members", "comparison"], "counts by round")
    totals = by_round.groupby("year")[["members", "comparison"]].sum()
    set_house_style()
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    x = np.arange(len(totals))
    width = 0.38
    for k, (col, member) in enumerate((("members", True), ("comparison", False))):
        ax.bar(x + (k - 0.5) * width, totals[col].to_numpy(float), width,
               color=MEMBER_COLOURS[member], label=t(f"quality.group_{col}", lang))
    ax.set_xticks(x, [str(int(y)) for y in totals.index])
    ax.set_xlabel(t("quality.axis_year", lang))
    ax.set_ylabel(t("quality.axis_producers", lang))
    ax.set_ylim(0, float(totals.to_numpy().max()) * 1.08)
    ax.grid(axis="x", visible=False)
    _thousands(ax.yaxis)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=9)
    fig.tight_layout()
    return fig


def quality_balance_chart(balance: pd.DataFrame, min_cell: int, threshold: float = 0.25,
                          lang: str = "es") -> Figure:
    """Data-quality report: normalized baseline differences per variable, one colour per chain.

    Rows where either group has fewer than ``min_cell`` producers are left out (suppressed).
    """
    _need(balance, ["chain", "variable", "n_members", "n_comparison", "normalized_difference"],
          "baseline balance")
    shown = balance[balance[["n_members", "n_comparison"]].min(axis=1) >= min_cell]
    set_house_style()
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    for x in (-threshold, 0, threshold):
        ax.axvline(x, color="#8c8c8c", lw=0.8, ls="--" if x else "-", zorder=1)
    variables = list(dict.fromkeys(shown["variable"]))
    ypos = {v: i for i, v in enumerate(variables)}
    for chain in [c for c in CHAINS if c in set(shown["chain"])]:
        df = shown[shown["chain"] == chain]
        ax.scatter(df["normalized_difference"], [ypos[v] for v in df["variable"]], zorder=3,
                   color=CHAIN_COLOURS[chain], label=t(f"common.chain_{chain}", lang))
    ax.set_yticks(range(len(variables)), [t(f"quality.col_{v}", lang) for v in variables])
    ax.invert_yaxis()
    ax.set_xlabel(t("quality.axis_normalized_difference", lang))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=9)
    fig.tight_layout()
    return fig


def _thousands(axis) -> None:
    """Tick labels with thousands separators and as many decimals as the tick step needs.

    Steps are 1, 2 or 5 times a power of ten, so 0.025-steps never print as "0.62" for 0.625.
    """
    axis.set_major_locator(matplotlib.ticker.MaxNLocator(6, steps=[1, 2, 5, 10]))

    def fmt(v, _pos):
        locs = np.asarray(axis.get_majorticklocs(), dtype=float)
        step = float(np.min(np.diff(np.sort(locs)))) if len(locs) > 1 else 1.0
        decimals = 0 if step >= 1 else min(4, int(math.ceil(-math.log10(step) - 1e-9)))
        return format_number(v, decimals)

    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(fmt))


def balance_table(balance: pd.DataFrame, min_cell: int, lang: str = "es") -> pd.DataFrame:
    """Baseline balance (``survey.balance.baseline_balance`` output) with report labels;
    means and differences suppressed where either group has fewer than ``min_cell`` producers."""
    _need(balance, ["chain", "variable", "n_members", "mean_members", "n_comparison",
                    "mean_comparison", "difference", "normalized_difference"], "baseline balance")
    d = balance.copy()
    d["chain"] = [t(f"common.chain_{c}", lang) for c in d["chain"]]
    d["variable"] = [_var_label(v, lang) for v in d["variable"]]
    d["n_min"] = d[["n_members", "n_comparison"]].min(axis=1)
    cols = {"chain": "col_chain", "variable": "col_variable", "n_members": "col_n_members",
            "mean_members": "col_mean_members", "n_comparison": "col_n_comparison",
            "mean_comparison": "col_mean_comparison", "difference": "col_difference",
            "normalized_difference": "col_norm_diff"}
    d = d[list(cols) + ["n_min"]].rename(columns={k: _l(v, lang) for k, v in cols.items()})
    values = [_l(cols[c], lang) for c in ("mean_members", "mean_comparison", "difference",
                                          "normalized_difference")]
    for c in values:
        d[c] = d[c].astype(float).round(2)
    return suppress(d, values, "n_min", min_cell, lang).drop(columns="n_min")


def _var_label(var: str, lang: str) -> str:
    try:
        return _l(f"out_{var}", lang)
    except KeyError:
        return _l(f"var_{var}", lang)


def heterogeneity_table(effects: pd.DataFrame, outcomes: list[str], min_cell: int,
                        lang: str = "es", levels=("sex", "programme_phase"),
                        method: str = "did_twfe") -> pd.DataFrame:
    """DiD effect per outcome for each group of ``levels`` (sex, programme phase)."""
    _need(effects, REQUIRED, "effects.csv")
    out = []
    for outcome in outcomes:
        dec = _decimals(outcome)
        for level in levels:
            members = member_counts(effects, outcome, level)
            sel = _rows(effects, outcome, method, level)
            sel = sel.assign(_k=sel["group_value"].map(_key)).sort_values("_k")
            for _, r in sel.iterrows():
                out.append({
                    _l("col_outcome", lang): _l(f"out_{outcome}", lang),
                    _l("col_dimension", lang): _l(f"lvl_{level}", lang),
                    _l("col_group", lang): _level_label(level, r["_k"], lang),
                    _l("col_estimate", lang): (_num(r["estimate"], dec)
                                               if pd.notna(r["estimate"]) else np.nan),
                    _l("col_ci", lang): _ci_text(r["ci_low"], r["ci_high"], dec, lang),
                    _l("col_p", lang): _p_text(r["p_value"]),
                    _l("col_n_members", lang): members.get(r["_k"], np.nan),
                    _l("col_n_units", lang): r["n_units"],
                })
    table = pd.DataFrame(out)
    if table.empty:
        return table
    for c in ("col_n_members", "col_n_units"):
        table[_l(c, lang)] = pd.array(pd.to_numeric(table[_l(c, lang)]), dtype="Int64")
    return suppress(table, [_l(k, lang) for k in ("col_estimate", "col_ci", "col_p")],
                    _l("col_n_members", lang), min_cell, lang)


def survey_conclusions(effects: pd.DataFrame, networks: pd.DataFrame, lang: str = "es"
                       ) -> dict[str, str]:
    """Survey text for the four conclusion placeholders (mango_income, dairy_income,
    jobs_created, jobs_consolidated), from chain-level pct_effect (else did_twfe) and the
    employment DiD × members of the chain (networks.csv)."""
    _need(effects, REQUIRED, "effects.csv")
    out = {}
    for key, chain in (("mango_income", "mango"), ("dairy_income", "lacteos")):
        out[key] = _income_text(effects, chain, lang)
    members = networks.groupby("chain")["total"].sum()
    parts = []
    for chain in CHAINS:
        sel = _rows(effects, "employment_fte", "did_twfe", "chain")
        sel = sel[(sel["group_value"].map(_key) == chain) & sel["estimate"].notna()]
        name = t(f"common.chain_{chain}", lang)
        if sel.empty:
            parts.append(_l("concl_not_estimated", lang, chain=name))
            continue
        r = sel.iloc[0]
        n = int(members.get(chain, 0))
        key = "concl_jobs_chain" if pd.notna(r["ci_low"]) else "concl_jobs_chain_noci"
        parts.append(_l(key, lang, chain=name, estimate=_signed(r["estimate"], 2),
                        low=_num(r["ci_low"], 2), high=_num(r["ci_high"], 2),
                        total=_num(r["estimate"] * n, 0), members=n))
    out["jobs_created"] = "; ".join(parts)
    out["jobs_consolidated"] = _l("concl_consolidated", lang)
    return out


def _signed(x: float, decimals: int) -> str:
    text = _num(x, decimals)
    return text if x < 0 else "+" + text


def _income_text(effects: pd.DataFrame, chain: str, lang: str) -> str:
    name = t(f"common.chain_{chain}", lang)
    for method, key, dec in (("pct_effect", "concl_income_chain", 0),
                             ("did_twfe", "concl_income_abs", 0)):
        sel = _rows(effects, "net_income_pen", method, "chain")
        sel = sel[(sel["group_value"].map(_key) == chain) & sel["estimate"].notna()]
        if len(sel):
            r = sel.iloc[0]
            key = key if pd.notna(r["ci_low"]) else key + "_noci"
            return _l(key, lang, chain=name, estimate=_signed(r["estimate"], dec),
                      low=_num(r["ci_low"], dec), high=_num(r["ci_high"], dec),
                      method=_l("concl_method_pct" if method == "pct_effect" else "concl_method_did",
                                lang))
    return _l("concl_not_estimated", lang, chain=name)
