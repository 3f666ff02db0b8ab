"""Pure helpers of the factsheet notebook: one network or one chain, DataFrames in, tables/figures out.

``unit_kind`` is "network" (``unit_id`` = networks.csv ``network_id``) or "chain" ("mango" /
"lacteos"). Effects come from ``effects.csv`` (``analysis.effects.project``); survey cells
describing fewer than ``min_cell`` producers are suppressed. Text: ``i18n/factsheet.yaml``.
"""

from __future__ import annotations

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.published import translate as pi  # noqa: E402
from analysis.report.effects_figures import plot_member_lines  # noqa: E402
from analysis.report.frames import group_key as _key, require_columns as _need  # noqa: E402
from analysis.labels import network_name, t  # noqa: E402
from analysis.report.numbering import format_number, set_house_style  # noqa: E402
from analysis.report.tables import published_value  # noqa: E402
from analysis.report.narrative import published_text  # noqa: E402

UNIT_KINDS = ("network", "chain")
OUTCOMES = ("net_income_pen", "sales_value_pen", "employment_fte")


def _l(key: str, lang: str, **kw) -> str:
    return t(f"factsheet.{key}", lang, **kw)




# ------------------------------------------------------------------ identity
def unit_networks(networks: pd.DataFrame, unit_kind: str, unit_id: str) -> pd.DataFrame:
    """Rows of networks.csv covered by the unit (one network, or every network of a chain)."""
    _need(networks, ["network_id", "chain"], "networks.csv")
    if unit_kind not in UNIT_KINDS:
        raise ValueError(f"unit_kind {unit_kind!r} not supported; use one of {list(UNIT_KINDS)}")
    col = "network_id" if unit_kind == "network" else "chain"
    rows = networks[networks[col] == unit_id]
    if rows.empty:
        known = sorted(networks[col].unique())
        raise ValueError(f"networks.csv: no row with {col} = {unit_id!r}; known values: {known}")
    return rows.reset_index(drop=True)


def unit_chain(networks: pd.DataFrame, unit_kind: str, unit_id: str) -> str:
    return str(unit_networks(networks, unit_kind, unit_id)["chain"].iloc[0])


def unit_title(networks: pd.DataFrame, unit_kind: str, unit_id: str, lang: str = "es") -> str:
    rows = unit_networks(networks, unit_kind, unit_id)
    if unit_kind == "network":
        return network_name(rows["name"].iloc[0], rows["short_name"].iloc[0] if "short_name" in rows else "")
    return _l("chain_title", lang, chain=t(f"common.chain_{unit_id}", lang))


def identity_text(networks: pd.DataFrame, network_id: str, lang: str = "es") -> str:
    """One line: name · chain · phase · start · members by sex (networks.csv)."""
    r = unit_networks(networks, "network", network_id).iloc[0]
    if not _has_sizes(r):  # a survey's networks table without members by sex
        return _l("identity_line_nosize", lang, name=network_name(r["name"], r.get("short_name", "")),
                  chain=t(f"common.chain_{r['chain']}", lang).lower(),
                  phase=int(r["programme_phase"]), start=str(r["start_date"]))
    return _l("identity_line", lang, name=network_name(r["name"], r.get("short_name", "")), chain=t(f"common.chain_{r['chain']}", lang).lower(),
              phase=int(r["programme_phase"]), start=str(r["start_date"]), total=int(r["total"]),
              women=int(r["women"]), men=int(r["men"]))


SIZE_COLUMNS = ("men", "women", "total")


def _has_sizes(row) -> bool:
    return all(str(row.get(c, "")).strip() not in ("", "nan", "None", "<NA>") for c in SIZE_COLUMNS)


def identity_table(networks: pd.DataFrame, unit_kind: str, unit_id: str, lang: str = "es") -> pd.DataFrame:
    """Network: field/value rows. Chain: one row per network (name, phase, start, women, men, total);
    the member counts are left out when the networks table has none (a survey's own table)."""
    rows = unit_networks(networks, unit_kind, unit_id)
    _need(rows, ["name", "short_name", "programme_phase", "start_date"], "networks.csv")
    if not all(_has_sizes(r) for _, r in rows.iterrows()):
        return pd.DataFrame({
            _l("col_network", lang): rows["short_name"],
            _l("col_phase", lang): [_l("phase_n", lang, n=int(p)) for p in rows["programme_phase"]],
            _l("col_start", lang): rows["start_date"].astype(str)})
    if unit_kind == "network":
        r = rows.iloc[0]
        fields = [("f_name", network_name(r["name"], r.get("short_name", ""))), ("f_chain", t(f"common.chain_{r['chain']}", lang)),
                  ("f_phase", _l("phase_n", lang, n=int(r["programme_phase"]))),
                  ("f_start", str(r["start_date"])), ("f_women", int(r["women"])),
                  ("f_men", int(r["men"])), ("f_total", int(r["total"]))]
        return pd.DataFrame({_l("col_field", lang): [_l(k, lang) for k, _ in fields],
                             _l("col_value", lang): [str(v) for _, v in fields]})
    out = pd.DataFrame({
        _l("col_network", lang): rows["short_name"],
        _l("col_phase", lang): [_l("phase_n", lang, n=int(p)) for p in rows["programme_phase"]],
        _l("col_start", lang): rows["start_date"].astype(str),
        _l("f_women", lang): rows["women"].astype(int),
        _l("f_men", lang): rows["men"].astype(int),
        _l("f_total", lang): rows["total"].astype(int),
    })
    total = {c: "" for c in out.columns}
    total[_l("col_network", lang)] = _l("total_row", lang)
    for k in ("f_women", "f_men", "f_total"):
        total[_l(k, lang)] = int(out[_l(k, lang)].sum())
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


# ------------------------------------------------------------------ projects
def unit_projects(projects: pd.DataFrame, networks: pd.DataFrame, unit_kind: str, unit_id: str) -> pd.DataFrame:
    """projects.csv rows of the network, or of the chain (incl. second-tier organisations)."""
    _need(projects, ["project_id", "network_id", "chain", "project_type", "name", "reported_results",
                     "cofinancing_id", "start"], "projects.csv")
    unit_networks(networks, unit_kind, unit_id)
    col = "network_id" if unit_kind == "network" else "chain"
    return projects[projects[col] == unit_id].reset_index(drop=True)


def projects_table(projects: pd.DataFrame, lang: str = "es",
                   short_names: dict | None = None, results: bool = True) -> pd.DataFrame:
    """Type, name, start and reported results of each project (text as published).

    With ``short_names`` (network_id → short name; chain factsheets) projects that several
    networks share (same type, name, start, results) are one row listing those networks.
    ``results=False`` leaves out the reported-results column. Chain tables have no start column.
    """
    d = projects.assign(start=projects["start"].fillna("").astype(str),
                        name=[pi.text(published_text(x), lang) for x in projects["name"]],
                        reported_results=[pi.text(published_text(x), lang)
                                          for x in projects["reported_results"]])
    cols = {_l("col_type", lang): [_l(f"ptype_{p}", lang) for p in d["project_type"]],
            _l("col_project", lang): d["name"].astype(str).to_numpy(),
            _l("col_start", lang): d["start"].to_numpy(),
            _l("col_results", lang): d["reported_results"].to_numpy()}
    if short_names is None:
        out = pd.DataFrame(cols)
        return out if results else out.drop(columns=_l("col_results", lang))
    d = d.assign(_net=[_network_label(n, short_names, lang) for n in d["network_id"]])
    keys = ["project_type", "name", "start", "reported_results"]
    g = d.groupby(keys, sort=False)["_net"].agg(lambda s: ", ".join(dict.fromkeys(s))).reset_index()
    out = pd.DataFrame({_l("col_network", lang): g["_net"],
                        _l("col_type", lang): [_l(f"ptype_{p}", lang) for p in g["project_type"]],
                        _l("col_project", lang): g["name"],
                        _l("col_results", lang): g["reported_results"]})
    return out if results else out.drop(columns=_l("col_results", lang))


def _network_label(network_id, short_names: dict, lang: str) -> str:
    """Short name of a network; a second-tier organisation by its label (never its id)."""
    if network_id in short_names:
        return short_names[network_id]
    try:
        return t(f"narrative.group_{network_id}", lang)
    except KeyError:
        return str(network_id).replace("_", " ")


def cofinancing_table(cofinancing: pd.DataFrame, projects: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """cofinancing.csv rows whose project_id is the ``cofinancing_id`` of one of ``projects``."""
    _need(cofinancing, ["project_id", "project_type", "chain", "programme_phase", "funder", "amount", "currency",
                        "kind"], "cofinancing.csv")
    ids = [i for i in projects["cofinancing_id"].fillna("").astype(str).unique() if i]
    rows = cofinancing[cofinancing["project_id"].isin(ids)]
    return pd.DataFrame({
        _l("col_cof_project", lang): [
            _l("cof_project_label", lang, ptype=_l(f"ptype_{p}", lang), chain=t(f"common.chain_{c}", lang),
               phase=ph)
            for p, c, ph in zip(rows["project_type"], rows["chain"], rows["programme_phase"])],
        _l("col_funder", lang): [_l("funder_total", lang) if k == "stated_total" else pi.text(f, lang)
                                 for f, k in zip(rows["funder"], rows["kind"])],
        _l("col_amount", lang): rows["amount"].astype(float).to_numpy(),
        _l("col_currency", lang): [pi.unit(str(c), lang) for c in rows["currency"]],
    })


def cofinancing_wide(table: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """``cofinancing_table`` with one row per project and currency, one column per funder."""
    if table.empty:
        return table
    p, f, a, c = (_l(k, lang) for k in ("col_cof_project", "col_funder", "col_amount", "col_currency"))
    wide = table.pivot_table(index=[p, c], columns=f, values=a, aggfunc="sum", sort=False)
    total = _l("funder_total", lang)
    cols = [x for x in wide.columns if x != total] + ([total] if total in wide.columns else [])
    return wide[cols].reset_index()


def cofinancing_shared_by(projects_all: pd.DataFrame, cofinancing_ids) -> int:
    """Number of networks whose projects point to the given co-financing ids (shared funding)."""
    sel = projects_all[projects_all["cofinancing_id"].isin(list(cofinancing_ids))]
    return int(sel["network_id"].nunique())


def cofinancing_text(projects_all: pd.DataFrame, cofinancing_ids, lang: str = "es") -> str:
    """The sentence before the co-financing table, in the singular or plural."""
    n = cofinancing_shared_by(projects_all, cofinancing_ids)
    return _l("txt_cofinancing_one" if n <= 1 else "txt_cofinancing", lang, n=n)


# ------------------------------------------------------------------ published indicators
def indicators_table(indicators: pd.DataFrame, chain: str, network_id: str | None = None,
                     lang: str = "es", paired_only: bool = True) -> pd.DataFrame:
    """Initial / current / target values of the chain's indicators.

    Chain-wide rows (empty network_id) and, for a network, its own rows (marked in the scope
    column); rows of other networks are left out. One row per indicator × scope. With
    ``paired_only`` a chain-wide indicator is kept only if it has an initial and a current value.
    """
    _need(indicators, ["indicator_id", "chain", "network_id", "period", "value", "unit", "measure"],
          "chain_indicators.csv")
    d = indicators[indicators["chain"] == chain].copy()
    d["network_id"] = d["network_id"].fillna("").astype(str)
    keep = (d["network_id"] == "") | (d["network_id"] == (network_id or "\0"))
    d = d[keep & d["period"].isin(["initial", "current", "target"])]
    if paired_only:  # chain-wide indicators need both an initial and a current value
        both = d.groupby(["indicator_id", "network_id"])["period"].transform(
            lambda p: {"initial", "current"} <= set(p))
        d = d[both | (d["network_id"] != "")]
    if d.empty:
        return pd.DataFrame()
    first = d.drop_duplicates(["indicator_id", "network_id"])[["indicator_id", "network_id", "measure", "unit"]]
    wide = d.pivot_table(index=["indicator_id", "network_id"], columns="period", values="value",
                         aggfunc="first").reset_index()
    wide = first.merge(wide, on=["indicator_id", "network_id"], how="left")
    for p in ("initial", "current", "target"):
        if p not in wide.columns:
            wide[p] = np.nan
    wide = wide.sort_values(["network_id", "indicator_id"], ascending=[False, True], kind="stable")
    scope = [_l("scope_network", lang) if n else _l("scope_chain", lang) for n in wide["network_id"]]
    return pd.DataFrame({
        _l("col_indicator", lang): [_indicator_label(i, m, lang)
                                    for i, m in zip(wide["indicator_id"], wide["measure"])],
        _l("col_scope", lang): scope,
        _l("col_unit", lang): [pi.unit(u, lang) for u in wide["unit"]],
        # as printed in the main report: "1.5", "90", "1,200" (not "1.50", "90.00")
        _l("col_initial", lang): [published_value(v) for v in wide["initial"]],
        _l("col_current", lang): [published_value(v) for v in wide["current"]],
        _l("col_target", lang): [published_value(v) for v in wide["target"]],
    })


def _indicator_label(indicator_id: str, measure, lang: str) -> str:
    """The chart's short name of an indicator published before and after ("Milk per cow
    (l/day)"), not the wording of its first row ("... before the pilots"); else the measure."""
    try:
        return t(f"figures.ind_{indicator_id}", lang)
    except KeyError:
        return pi.text(measure, lang)


def implied_table(implied: pd.DataFrame, chain: str, lang: str = "es") -> pd.DataFrame:
    """Per-producer changes implied by the document for the chain (implied_effects.csv)."""
    _need(implied, ["chain", "level", "quantity", "unit", "pct_low", "pct_high", "status", "scenario"],
          "implied_effects.csv")
    d = implied[(implied["chain"] == chain) & implied["level"].isin(["per_producer", "stated"])]
    if "consistency" in d:  # a scenario the document contradicts is not shown on a factsheet
        d = d[d["consistency"].fillna("").astype(str) != "contradicho"]
    d = d[d["quantity"] != "sales_value"]  # equal to the gross income row here
    if "prices" in d:  # production does not depend on prices: shown once per scenario
        d = d.assign(prices=d["prices"].fillna("").astype(str))
        d = d[(d["quantity"] != "production") | ~d.duplicated(subset=["scenario", "quantity"])]
    else:
        d = d.assign(prices="")
    # The computation's status is not a column: a range that could not be computed says so in
    # its own cell ("no determinable"), a computed one is just the range.
    computed = {t("implied.status_calculated", x) for x in ("es", "en")}
    return pd.DataFrame({
        _l("col_quantity", lang): [_l(f"q_{q}", lang) for q in d["quantity"]],
        _l("col_scenario", lang): [_l(f"scn_{s}", lang)
                                    + (", " + _l(f"prices_{pr}", lang) if pr and q != "production" else "")
                                    + (f" ({note})" if lv == "stated" and note else "")
                                    for s, lv, note, pr, q in zip(d["scenario"], d["level"],
                                                                  d["note"].fillna("") if "note" in d
                                                                  else [""] * len(d), d["prices"],
                                                                  d["quantity"])],
        _l("col_unit", lang): [pi.unit(u, lang) for u in d["unit"]],
        _l("col_pct_range", lang): [_range(lo, hi, lang=lang) if str(st) in computed or pd.notna(lo) else str(st)
                                    for lo, hi, st in zip(d["pct_low"], d["pct_high"], d["status"])],
    })


def _range(lo, hi, decimals: int = 0, lang: str = "es") -> str:
    if pd.isna(lo) or pd.isna(hi):
        return "–"
    a, b = format_number(lo, decimals), format_number(hi, decimals)
    if lang != "es":  # English: "+69% to +229%"
        return f"+{a}%" if a == b else f"+{a}% to +{b}%"
    return f"+{a}%" if a == b else f"+{a}% a +{b}%"  # one way in both editions: "24%"


# ------------------------------------------------------------------ survey effects
def effect_level(unit_kind: str) -> str:
    return "network_id" if unit_kind == "network" else "chain"


def effect_methods(unit_kind: str) -> tuple[str, str]:
    """Rows of a factsheet's effects table: the level DiD and a percentage effect.

    A network is one treated cluster, so its percentage row is ``pct_cluster_t`` (cluster means
    against the chain's comparison clusters, :mod:`analysis.effects.one_cluster`); a chain's is the log
    DiD ``pct_effect``. Intervals appear only where the coverage gate kept them.
    """
    return ("did_twfe", "pct_cluster_t") if unit_kind == "network" else ("did_twfe", "pct_effect")


BEFORE_AFTER_METHODS = ("before_after", "before_after_pct")


def has_comparison(effects: pd.DataFrame, unit_kind: str, unit_id: str) -> bool:
    """Whether the unit has members-vs-comparison rows (a chain without comparison producers has
    only before–after rows: :func:`analysis.effects.project.chains_without_comparison`)."""
    level = effect_level(unit_kind)
    sel = effects[(effects["level"] == level) & (effects["group_value"].map(_key) == unit_id)]
    return bool((~sel["method"].isin(BEFORE_AFTER_METHODS)).any())


def effects_table(effects: pd.DataFrame, unit_kind: str, unit_id: str, min_cell: int,
                  lang: str = "es", outcomes=OUTCOMES) -> tuple[pd.DataFrame, int]:
    """DiD (level) and percentage effect per outcome for the unit, with 95% CI, p, n.

    Members = ``n_units`` of the unit's before_after row (members only); comparison = DiD
    ``n_units`` − members. Estimates of a unit with fewer than ``min_cell`` members or comparison
    producers are suppressed. Returns (table, number of suppressed rows).
    """
    _need(effects, ["outcome", "level", "group_value", "method", "estimate", "ci_low", "ci_high",
                    "p_value", "n_units"], "effects.csv")
    level = effect_level(unit_kind)
    sel = effects[(effects["level"] == level) & (effects["group_value"].map(_key) == unit_id)]
    if sel.empty:
        raise ValueError(f"effects.csv: no rows with level = {level!r} and group_value = {unit_id!r}")
    marker = t("report.suppression_marker", lang, min_count=min_cell)
    rows, n_supp = [], 0
    methods = (effect_methods(unit_kind) if has_comparison(effects, unit_kind, unit_id)
               else BEFORE_AFTER_METHODS)
    for y in outcomes:
        ys = sel[sel["outcome"] == y]
        ba = ys[ys["method"] == "before_after"]
        members = int(ba["n_units"].iloc[0]) if len(ba) else 0
        for method in methods:
            r = ys[ys["method"] == method]
            if r.empty:
                continue
            r = r.iloc[0]
            n_all = int(r["n_units"]) if pd.notna(r["n_units"]) else 0
            before_after = method in BEFORE_AFTER_METHODS
            comp = 0 if before_after else n_all - members
            pct = method in ("pct_effect", "pct_cluster_t", "before_after_pct")
            dec = 1 if pct else (2 if y == "employment_fte" else 0)
            small = members < min_cell or (comp < min_cell and not before_after)
            n_supp += small
            est = marker if small else _fmt(r["estimate"], dec, pct, lang)
            ci = marker if small else (_l("ci_format", lang, low=_fmt(r["ci_low"], dec, pct, lang),
                                          high=_fmt(r["ci_high"], dec, pct, lang))
                                       if pd.notna(r["ci_low"]) else "–")
            p = marker if small else _p(r["p_value"])
            rows.append({_l("col_outcome", lang): _l(f"out_{y}", lang),
                         _l("col_measure", lang): _l(f"m_{method}", lang),
                         _l("col_estimate", lang): est, _l("col_ci", lang): ci, _l("col_p", lang): p,
                         _l("col_members", lang): members, _l("col_comparison_n", lang): comp})
    return pd.DataFrame(rows), int(n_supp)


def _fmt(x, decimals: int, pct: bool = False, lang: str = "es") -> str:
    if pd.isna(x):
        return "–"
    return format_number(float(x), decimals) + ("%" if pct else "")


def _p(p) -> str:
    if pd.isna(p):
        return "–"
    return "<\u00a00.001" if p < 0.001 else f"{p:.3f}"


def group_means(panel: pd.DataFrame, networks: pd.DataFrame, unit_kind: str, unit_id: str,
                min_cell: int, outcomes=OUTCOMES) -> pd.DataFrame:
    """Mean outcome by year for the unit's members and the same-chain comparison producers.

    Columns: outcome, year, member, n, mean (NaN where n < ``min_cell``).
    """
    _need(panel, ["producer_id", "network_id", "chain", "member", "year", *outcomes], "panel.parquet")
    chain = unit_chain(networks, unit_kind, unit_id)
    nets = set(unit_networks(networks, unit_kind, unit_id)["network_id"])
    member = panel["member"].astype(bool)
    mask = (member & panel["network_id"].isin(nets)) | (~member & (panel["chain"] == chain))
    d = panel[mask]
    out = []
    for y in outcomes:
        g = d[d[y].notna()].groupby(["year", "member"])[y].agg(["size", "mean"]).reset_index()
        g.insert(0, "outcome", y)
        out.append(g.rename(columns={"size": "n"}))
    res = pd.concat(out, ignore_index=True)
    res["year"] = res["year"].astype(int)
    res["member"] = res["member"].astype(bool)
    res.loc[res["n"] < min_cell, "mean"] = np.nan
    return res


def means_chart(means: pd.DataFrame, lang: str = "es", outcomes=OUTCOMES) -> Figure:
    """One small panel per outcome: members (solid) vs comparison (dashed) by survey year."""
    _need(means, ["outcome", "year", "member", "mean"], "group means")
    set_house_style()
    fig, axes = plt.subplots(1, len(outcomes), figsize=(7.2, 2.8), squeeze=False)
    for ax, y in zip(axes[0], outcomes):
        sub = means[means["outcome"] == y]
        plot_member_lines(ax, sub, _l("members", lang), _l("comparison", lang))
        ax.set_title(_l(f"out_{y}", lang), fontsize=9)
        ax.set_xticks(sorted(sub["year"].unique()))
        ax.tick_params(labelsize=8)
        ax.set_xlabel(_l("means_xlabel", lang), fontsize=8)
        ax.set_ylabel(_l("means_ylabel", lang, unit=_l(f"unit_{y}", lang)), fontsize=8)
        dec = 2 if y == "employment_fte" else 0
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda v, _p, dec=dec: format_number(v, dec)))
    axes[0, 0].legend(loc="upper left", fontsize=7.5)
    fig.tight_layout()
    return fig


def has_effects(effects: pd.DataFrame, unit_kind: str, unit_id: str) -> bool:
    """Whether effects.csv holds any row for this unit (a network nobody surveyed has none)."""
    level = effect_level(unit_kind)
    return bool(((effects["level"] == level) & (effects["group_value"].map(_key) == unit_id)).any())


def comparison_clusters(effects: pd.DataFrame, unit_id: str) -> int:
    """G₀: the comparison clusters a network's one-cluster rows (pct_cluster_t) compare it with."""
    sel = effects[(effects["level"] == effect_level("network")) & (effects["group_value"].map(_key) == unit_id)
                  & (effects["method"] == "pct_cluster_t") & effects["n_clusters"].notna()]
    return int(sel["n_clusters"].max()) - 1 if len(sel) else 0
