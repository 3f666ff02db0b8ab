"""The systematization's numeric charts, redrawn from ``data/raw/published`` tables.

Each function takes the published DataFrame(s) and ``lang`` and returns a matplotlib Figure
(no saving: ``numbering.Report`` does that). Labels come from ``i18n/figures.yaml``; colours
are the Okabe–Ito colour-blind-safe palette.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch  # noqa: E402

from analysis.published import translate as pi  # noqa: E402
from analysis.labels import t  # noqa: E402
from analysis.report.numbering import OKABE_ITO, format_number, set_house_style  # noqa: E402

CHAIN_COLOURS = {"mango": "#E69F00", "lacteos": "#0072B2"}
PERIOD_COLOURS = {"initial": "#999999", "current": "#009E73"}
SEX_COLOURS = {"men": "#0072B2", "women": "#D55E00"}
CHAINS = ("mango", "lacteos")
# channel indicators of chain_indicators.csv that split a chain's sales by buyer
BUYER_SHARES = {"lacteos": ("share_collector_pct", "share_redeslac_pct", "share_direct_pct"),
                "mango": ("share_mebol_pct", "share_perufrut_pct", "share_direct_pct",
                          "share_collectors_pct")}
BUYER_COLOURS = {"share_collector_pct": "#0072B2", "share_collectors_pct": "#0072B2",
                 "share_direct_pct": "#009E73", "share_redeslac_pct": "#E69F00",
                 "share_mebol_pct": "#CC79A7", "share_perufrut_pct": "#D55E00"}
FUNDER_ALIASES = {"Red": "Redes"}


def _f(key: str, lang: str, **kw) -> str:
    return t(f"figures.{key}", lang, **kw)


def _new(nrows: int = 1, ncols: int = 1, figsize=(6.4, 4.0), **kw):
    set_house_style()
    return plt.subplots(nrows, ncols, figsize=figsize, **kw)


def _need(df: pd.DataFrame, cols: list[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}")


def _pct_label(v: float) -> str:
    return f"{v:.1f}%".replace(".0%", "%")


def _value_label(v: float) -> str:
    """``20`` -> ``"20"``, ``14.5`` -> ``"14.5"``, ``11.75`` -> ``"11.75"`` (at most 2 decimals)."""
    if float(v).is_integer():
        return format_number(v, 0)
    return format_number(v, 2).rstrip("0").rstrip(".")


CURRENCY_SIGN = {"PEN": "S/", "USD": "US$"}


def money(value: float, currency: str = "PEN") -> str:
    """``31000`` -> ``"S/ 31,000"`` (Peruvian usage, as the document); US dollars as ``US$``."""
    return f"{CURRENCY_SIGN[currency]} {format_number(value, 0)}"


def _thousands(axis) -> None:
    """Tick labels with the report's thousands separator (``format_number``)."""
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda v, _pos: format_number(v, 0 if float(v).is_integer() else 1)))


def pea_by_sector(pea: pd.DataFrame, lang: str = "es") -> Figure:
    """Gráfico N°05: economically active population by sector, horizontal bars."""
    _need(pea, ["sector", "share_pct"], "pea_by_sector.csv")
    fig, ax = _new(figsize=(6.4, 2.8))
    labels = [_f(f"sector_{s}", lang) for s in pea["sector"]]
    y = np.arange(len(pea))[::-1]
    ax.barh(y, pea["share_pct"], color=OKABE_ITO[: len(pea)])
    for yi, v in zip(y, pea["share_pct"]):
        ax.text(v + 0.5, yi, _pct_label(v), va="center")
    ax.set_yticks(y, labels)
    ax.set_xlabel(_f("pea_xlabel", lang))
    ax.set_xlim(0, pea["share_pct"].max() * 1.15)
    ax.grid(axis="y", visible=False)
    return fig


def mipes_by_activity(mipes: pd.DataFrame, lang: str = "es") -> Figure:
    """Gráfico N°06: urban micro-enterprises by activity, sorted horizontal bars."""
    _need(mipes, ["activity", "share_pct"], "mipes_by_activity.csv")
    d = mipes.sort_values("share_pct")
    fig, ax = _new(figsize=(6.4, 4.8))
    ax.barh([pi.text(a, lang) for a in d["activity"]], d["share_pct"], color=OKABE_ITO[0])
    for i, v in enumerate(d["share_pct"]):
        ax.text(v + 0.4, i, _pct_label(v), va="center", fontsize=8)
    ax.set_xlabel(_f("mipes_xlabel", lang))
    ax.set_xlim(0, d["share_pct"].max() * 1.12)
    ax.grid(axis="y", visible=False)
    return fig


def _project_label(row, lang: str) -> str:
    return (f"{_f('cof_' + row.project_type, lang)} – {t('common.chain_' + row.chain, lang)}, "
            f"{_f('cof_phase', lang, n=row.programme_phase)}")


def cofinancing(cof: pd.DataFrame, lang: str = "es") -> Figure:
    """Gráficos N°10–12 and text amounts: stacked bars per project by funder.

    Like every chart here it has no title inside the image: the report's numbered caption is
    the title (one style for all reports, captions outside images).

    Projects in soles and in US dollars get separate panels. A diamond marks a stated total
    that differs from the sum of the parts.
    """
    _need(cof, ["project_id", "project_type", "chain", "programme_phase", "funder", "amount",
                "currency", "kind"], "cofinancing.csv")
    parts = cof[cof["kind"] == "part"].copy()
    parts["funder"] = parts["funder"].replace(FUNDER_ALIASES)
    totals = cof[cof["kind"] == "stated_total"].set_index("project_id")["amount"]
    funders = list(dict.fromkeys(parts["funder"]))
    colours = dict(zip(funders, OKABE_ITO))
    currencies = [c for c in ("PEN", "USD") if c in set(parts["currency"])]
    counts = [parts.loc[parts.currency == c, "project_id"].nunique() for c in currencies]
    fig, axes = _new(len(currencies), 1, figsize=(7.2, 1.2 + 0.6 * sum(counts) + 0.6 * len(currencies)),
                     gridspec_kw={"height_ratios": counts}, squeeze=False)
    marker_shown = False
    for ax, cur in zip(axes[:, 0], currencies):
        sub = parts[parts.currency == cur]
        projects = list(dict.fromkeys(sub["project_id"]))
        meta = sub.drop_duplicates("project_id").set_index("project_id")
        for i, pid in enumerate(projects):
            left = 0.0
            for _, r in sub[sub.project_id == pid].iterrows():
                ax.barh(i, r.amount, left=left, color=colours[r.funder], edgecolor="white")
                left += r.amount
            # One label per bar, right of everything drawn on the row: the sum of the parts;
            # where the document states a different total, a diamond marks it and the label
            # names both (the diamond's value first, so the text beside it is its own total).
            if pid in totals.index and not math.isclose(totals[pid], left):
                ax.plot(totals[pid], i, marker="D", color="black", markersize=7, zorder=5,
                        label=_f("cof_stated_total", lang) if not marker_shown else None)
                marker_shown = True
                text = _f("cof_stated_vs_sum", lang, stated=money(totals[pid], cur),
                          parts=money(left, cur))
            else:
                text = money(left, cur)
            ax.annotate(text, (max(left, totals.get(pid, 0.0)), i), xytext=(7, 0),
                        textcoords="offset points", va="center", fontsize=8, gid=f"total_{pid}")
        ax.set_yticks(range(len(projects)), [_project_label(meta.loc[p], lang) for p in projects])
        ax.invert_yaxis()
        ax.set_xlabel(_f("cof_xlabel_pen" if cur == "PEN" else "cof_xlabel_usd", lang))
        ax.set_xlim(0, max(sub.groupby("project_id")["amount"].sum().max(),
                           totals.reindex(projects).max() if len(totals) else 0) * 1.22)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        _thousands(ax.xaxis)
        ax.grid(axis="y", visible=False)
    handles = [Patch(color=colours[f], label=_f(f"funder_{f}", lang)) for f in funders]
    if marker_shown:
        handles.append(plt.Line2D([], [], marker="D", color="black", linestyle="",
                                  label=_f("cof_stated_total", lang)))
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8,
               bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.04 * math.ceil(len(handles) / 2) + 0.02, 1, 1))
    return fig


def members_by_network_sex(networks: pd.DataFrame, lang: str = "es") -> Figure:
    """Tabla N°02: men and women per network, stacked horizontal bars grouped by chain."""
    _need(networks, ["short_name", "chain", "men", "women"], "networks.csv")
    d = pd.concat([networks[networks.chain == c] for c in CHAINS])
    fig, ax = _new(figsize=(6.8, 5.0))
    y, labels, pos = [], [], 0
    for c in CHAINS:
        for name in d.loc[d.chain == c, "short_name"]:
            y.append(pos)
            labels.append(name)
            pos += 1
        pos += 0.6
    y = np.array(y)
    ax.barh(y, d["men"], color=SEX_COLOURS["men"], label=_f("men", lang))
    ax.barh(y, d["women"], left=d["men"], color=SEX_COLOURS["women"], label=_f("women", lang))
    for yi, m, w in zip(y, d["men"], d["women"]):
        if m:
            ax.text(m / 2, yi, str(int(m)), ha="center", va="center", color="white", fontsize=8)
        if w:
            ax.text(m + w / 2, yi, str(int(w)), ha="center", va="center", color="white", fontsize=8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    start = 0
    xmax = float((d["men"] + d["women"]).max())
    for c in CHAINS:
        n = int((d.chain == c).sum())
        ax.text(xmax * 1.02, (y[start] + y[start + n - 1]) / 2, t(f"common.chain_{c}", lang),
                rotation=-90, va="center", ha="left", fontweight="bold",
                color=CHAIN_COLOURS[c])
        start += n
    ax.set_xlim(0, xmax * 1.08)
    ax.set_xlabel(_f("members_xlabel", lang))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    return fig


def _year(date: str) -> float:
    """'2008-07' -> 2008.5 (month start); '2008' -> 2008.0."""
    s = str(date)
    return int(s[:4]) + ((int(s[5:7]) - 1) / 12 if len(s) >= 7 else 0.0)


def _event_label(event: str, width: int = 36) -> str:
    """Label of an event: an acronym in parentheses if there is one, else the name before '(',
    wrapped (never cut) to lines of at most ``width`` characters."""
    head, _, tail = event.partition("(")
    tail = tail.rstrip(")").strip()
    text = tail if tail and tail.isupper() and " " not in tail else head.strip()
    return "\n".join(textwrap.wrap(text, width))


def network_timeline(timeline: pd.DataFrame, networks: pd.DataFrame, lang: str = "es") -> Figure:
    """Network timeline 2005–2011: one row per network, phases shaded, associations marked."""
    _need(timeline, ["event", "kind", "chain", "network_id", "date"], "timeline.csv")
    _need(networks, ["network_id", "short_name", "chain", "start_date"], "networks.csv")
    d = pd.concat([networks[networks.chain == c] for c in CHAINS]).reset_index(drop=True)
    fig, ax = _new(figsize=(7.2, 6.0))
    phases = timeline[timeline.kind == "programme_phase"]
    ph = {}
    for _, r in phases.iterrows():
        if r.chain != "all":
            continue
        n = 1 if "1" in str(r.event).split("(")[0] else 2
        ph.setdefault(n, []).append(_year(r.date))
    for n, colour in ((1, "#f2f2f2"), (2, "#e0ecf4")):
        if n in ph:
            ax.axvspan(min(ph[n]), max(ph[n]), color=colour, zorder=0,
                       label=_f(f"timeline_phase{n}", lang))
    end = max(_year(x) for x in timeline["date"]) + 0.25
    starts = timeline[timeline.kind == "network_start"].set_index("network_id")["date"]
    for i, r in d.iterrows():
        x0 = _year(starts.get(r.network_id, r.start_date))
        ax.plot([x0, end], [i, i], color=CHAIN_COLOURS[r.chain], linewidth=2.5, alpha=0.45)
        ax.plot(x0, i, marker="o", color=CHAIN_COLOURS[r.chain], markersize=8,
                label=_f("timeline_start", lang) if i == 0 else None)
    ax.set_yticks(range(len(d)), [f"{n} ({t('common.chain_' + c, lang)})"
                                  for n, c in zip(d.short_name, d.chain)])
    ax.invert_yaxis()
    # Events below the networks, one row each, earliest first; each dashed line runs from the
    # top down to its own label only, and a label ends just left of its line, so no line of a
    # later event (further right) crosses an earlier label and labels never overlap each other.
    events = timeline[timeline.kind.isin(["association", "cooperative"])].copy()
    events["x"] = [_year(v) for v in events["date"]]
    events = events.sort_values("x", kind="stable").reset_index(drop=True)
    row = len(d) - 0.1
    for j, r in events.iterrows():
        label = _event_label(pi.text(str(r.event), lang))
        lines = label.count("\n") + 1
        row += 0.3 + 0.32 * lines
        ax.plot([r.x, r.x], [-0.7, row], color="#555555", linestyle="--", linewidth=1,
                label=_f("timeline_event", lang) if j == 0 else None)
        ax.text(r.x - 0.06, row, label, fontsize=8.5, ha="right", va="center", linespacing=1.1,
                gid="event_label")
        row += 0.32 * lines - 0.1
    years = range(int(min(_year(x) for x in timeline.date)), int(end) + 1)
    ax.set_xticks(list(years))
    ax.set_xlim(min(years) - 0.2, end + 0.1)
    ax.set_ylim(row + 0.3, -0.7)
    ax.set_xlabel(_f("timeline_xlabel", lang))
    ax.grid(axis="y", visible=False)
    # the legend under the axis, so the years get the figure's whole width
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def _indicator_pairs(indicators: pd.DataFrame) -> pd.DataFrame:
    """Whole-chain indicators published both initially and currently (sales shares excluded)."""
    d = indicators[(indicators["network_id"].fillna("") == "")
                   & indicators["period"].isin(["initial", "current"])
                   & ~indicators["indicator_id"].str.startswith("share_")]
    both = d.groupby(["chain", "indicator_id"])["period"].transform("nunique") == 2
    return d[both]


def chain_indicators_initial_vs_current(indicators: pd.DataFrame, lang: str = "es") -> Figure:
    """Per chain, small multiples: initial vs current value with low–high error bars."""
    _need(indicators, ["indicator_id", "chain", "network_id", "period", "value", "low", "high",
                       "measure"], "chain_indicators.csv")
    d = _indicator_pairs(indicators)
    keys = [(c, i) for c in CHAINS for i in dict.fromkeys(d.loc[d.chain == c, "indicator_id"])]
    ncols = 3
    nrows = math.ceil(len(keys) / ncols)
    fig, axes = _new(nrows, ncols, figsize=(8.0, 2.4 * nrows + 0.6), squeeze=False)
    for ax, (chain, ind) in zip(axes.ravel(), keys):
        sub = d[(d.chain == chain) & (d.indicator_id == ind)].set_index("period")
        vals = [sub.loc[p, "value"] for p in ("initial", "current")]
        err = [[sub.loc[p, "value"] - sub.loc[p, "low"] for p in ("initial", "current")],
               [sub.loc[p, "high"] - sub.loc[p, "value"] for p in ("initial", "current")]]
        ax.bar([0, 1], vals, color=[PERIOD_COLOURS["initial"], PERIOD_COLOURS["current"]])
        ranged = [x for x in (0, 1) if err[0][x] > 0 or err[1][x] > 0]
        if ranged:  # a single published value has no range: no bar, no cap on the bar's top
            ax.errorbar(ranged, [vals[x] for x in ranged],
                        yerr=[[err[0][x] for x in ranged], [err[1][x] for x in ranged]],
                        fmt="none", ecolor="black", elinewidth=1, capsize=4, gid="range")
        for x, v, hi in zip((0, 1), vals, err[1]):
            # above the cap (or the bar's top), a few points clear of it: never struck through
            ax.annotate(_value_label(v), (x, v + hi), xytext=(0, 4), textcoords="offset points", ha="center",
                        va="bottom", fontsize=8, gid="value")
        ax.set_xticks([0, 1], [t("common.period_initial", lang), t("common.period_current", lang)])
        try:
            title = _f(f"ind_{ind}", lang)
        except KeyError:
            title = pi.text(sub["measure"].iloc[0], lang)
        ax.set_title(f"{t('common.chain_' + chain, lang)}: " + "\n".join(textwrap.wrap(title, 28)),
                     fontsize=9, color=CHAIN_COLOURS[chain])
        ax.set_ylim(0, max(sub["high"].max(), sub["value"].max()) * 1.3)
        try:
            unit = _f(f"unit_{ind}", lang)
        except KeyError:
            unit = pi.text(str(sub["unit"].iloc[0]), lang) if "unit" in sub else ""
        if unit:
            ax.set_ylabel(unit, fontsize=8)
        ax.grid(axis="x", visible=False)
    for ax in axes.ravel()[len(keys):]:
        ax.set_visible(False)
    fig.text(0.5, 0.0, _f("ind_range_note", lang), ha="center", fontsize=8)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def methodology_phases(phases: pd.DataFrame, lang: str = "es") -> Figure:
    """Gráfico N°01: the six phases as a flow, coloured by social vs economic process."""
    _need(phases, ["phase", "name", "process"], "methodology_phases.csv")
    d = phases.sort_values("phase").reset_index(drop=True)
    colours = {"social": "#56B4E9", "economic": "#E69F00"}
    fig, ax = _new(figsize=(9.0, 3.0))
    n, w, gap = len(d), 1.0, 0.35
    for i, r in d.iterrows():
        x = i * (w + gap)
        ax.add_patch(FancyBboxPatch((x, 0), w, 1.4, boxstyle="round,pad=0.03",
                                    facecolor=colours[r.process], edgecolor="#333333"))
        ax.text(x + w / 2, 1.22, _f("phase_n", lang, n=int(r.phase)), ha="center",
                fontweight="bold", fontsize=9)
        ax.text(x + w / 2, 0.6, "\n".join(textwrap.wrap(pi.text(r["name"], lang), 14)), ha="center",
                va="center", fontsize=7)
        if i < n - 1:
            ax.add_patch(FancyArrowPatch((x + w + 0.03, 0.7), (x + w + gap - 0.03, 0.7),
                                         arrowstyle="-|>", mutation_scale=14, color="#333333"))
    ax.set_xlim(-0.1, n * (w + gap) - gap + 0.1)
    ax.set_ylim(-0.5, 1.6)
    ax.axis("off")
    ax.legend(handles=[Patch(color=colours[p], label=_f(f"process_{p}", lang))
                       for p in dict.fromkeys(d.process)], loc="lower center", ncol=2,
              bbox_to_anchor=(0.5, -0.12))
    return fig


def sales_shares_by_buyer(indicators: pd.DataFrame, lang: str = "es") -> Figure:
    """Per chain, initial vs current sales split by buyer as 100% stacked bars."""
    _need(indicators, ["indicator_id", "chain", "network_id", "period", "value"],
          "chain_indicators.csv")
    whole = indicators[indicators["network_id"].fillna("") == ""]
    fig, axes = _new(len(CHAINS), 1, figsize=(7.2, 4.4), squeeze=False)
    for ax, chain in zip(axes[:, 0], CHAINS):
        ids = BUYER_SHARES[chain]
        colours = {i: BUYER_COLOURS.get(i, c) for i, c in zip(ids, OKABE_ITO)}
        for y, period in enumerate(("initial", "current")):
            sub = whole[(whole.chain == chain) & (whole.period == period)
                        & whole.indicator_id.isin(ids)].set_index("indicator_id")
            if sub.empty:
                ax.text(1, y, _f("shares_no_data", lang), va="center", fontsize=8,
                        style="italic", color="#555555")
                continue
            left = 0.0
            for i in ids:
                if i not in sub.index:
                    continue
                v = float(sub.loc[i, "value"])
                ax.barh(y, v, left=left, color=colours[i], edgecolor="white")
                if v >= 6:
                    ax.text(left + v / 2, y, f"{v:g}%", ha="center", va="center", fontsize=8,
                            color="black" if colours[i] in ("#E69F00", "#F0E442", "#56B4E9",
                                                            "#CC79A7") else "white")
                left += v
        ax.set_yticks([0, 1], [t("common.period_initial", lang), t("common.period_current", lang)])
        ax.set_ylim(1.6, -0.6)
        ax.set_xlim(0, 100)
        ax.set_title(t(f"common.chain_{chain}", lang), loc="left", fontsize=10,
                     color=CHAIN_COLOURS[chain])
        ax.grid(axis="y", visible=False)
        ax.legend(handles=[Patch(color=colours[i], label=_f(f"buyer_{chain}_{i}", lang)) for i in ids],
                  loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
        ax.set_xlabel(_f("shares_xlabel", lang), fontsize=8)  # every panel shows its own % ticks
    fig.tight_layout()
    return fig


def implied_effects_intervals(effects: pd.DataFrame, lang: str = "es",
                              level: str = "per_producer") -> Figure:
    """Intervals of the implied % change per chain (from ``analysis.published.implied``)."""
    _need(effects, ["chain", "level", "quantity", "pct_low", "pct_high", "status"],
          "implied effects")
    d = effects[(effects.level == level) & effects.pct_low.notna()
                & effects.quantity.isin(["production", "income"])].copy()
    if "scenario" not in d:
        d["scenario"] = "principal"
    if "prices" not in d:
        d["prices"] = ""
    if "consistency" in d:  # a scenario the document contradicts is in the table, not here
        d = d[d["consistency"].fillna("").astype(str) != "contradicho"]
    d["prices"] = d["prices"].fillna("").astype(str)
    # Production does not depend on prices: one bar per scenario; income per price variant.
    d = d[(d.quantity != "production") | ~d.duplicated(subset=["chain", "scenario", "quantity"])]
    d = pd.concat([d[d.chain == c] for c in CHAINS]).reset_index(drop=True)
    fig, ax = _new(figsize=(7.2, 0.55 * len(d) + 1.0))
    ax.axvline(0, color="#333333", linewidth=0.8, zorder=1, gid="zero")
    for i, r in d.iterrows():
        colour = CHAIN_COLOURS[r.chain]
        ax.plot([r.pct_low, r.pct_high], [i, i], color=colour, linewidth=6, alpha=0.8,
                solid_capstyle="butt", zorder=2)
        # One label, "low to high", right of the interval and of the zero line: it never
        # sits on the zero line or on a bar.
        ax.annotate(_f("implied_range", lang, low=format_number(r.pct_low, 0),
                       high=format_number(r.pct_high, 0)),
                    (max(r.pct_high, 0.0), i), xytext=(6, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=8, gid="range_label")
    labels = [f"{t('common.chain_' + r.chain, lang)}: {_f('q_' + r.quantity, lang)}"
              f"{_f('scenario_' + r.scenario, lang)}"
              f"{_f('prices_' + r.prices, lang) if r.quantity != 'production' and r.prices else ''}"
              for r in d.itertuples()]
    ax.set_yticks(range(len(d)), ["\n".join(textwrap.wrap(x, 34)) for x in labels], fontsize=9)
    ax.invert_yaxis()
    lo = min(0.0, float(d.pct_low.min()))
    span = float(d.pct_high.max()) - lo
    ax.set_xlim(lo - 0.05 * span, float(d.pct_high.max()) + 0.32 * span)
    _thousands(ax.xaxis)
    ax.set_xlabel(_f("implied_xlabel", lang))
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


ALL_CHARTS = ("pea_by_sector", "mipes_by_activity", "cofinancing", "members_by_network_sex",
              "network_timeline", "chain_indicators_initial_vs_current", "methodology_phases",
              "sales_shares_by_buyer", "implied_effects_intervals")
