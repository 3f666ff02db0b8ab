"""Effects implied by the document's before/after figures, as intervals with stated assumptions.

Every published range (e.g. 1 to 2 cows, 10 to 12 l/cow/day) and every ambiguous reading is a
set of candidate values; each quantity is evaluated over every combination and reported as
``[min, max]``. Initial and current figures of a chain are joint inputs of one model, so the
change and the % change are the min/max of the change itself (not of independent ends unless
the inputs are independent, as for dairy). Nothing here types a document number: all figures
come from ``data/raw/published/chain_indicators.csv`` and ``networks.csv``.

``python -m analysis.implied`` writes the tables to ``data/processed``.
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths, published_i18n
from analysis.labels import t

EFFECT_COLUMNS = ["chain", "level", "quantity", "unit", "initial_low", "initial_high",
                  "current_low", "current_high", "change_low", "change_high", "pct_low",
                  "pct_high", "status", "note", "scenario", "consistency"]
CONSISTENT = "consistente"
CONTRADICTED = "contradicho"
LEVEL_STATED = "stated"
SCENARIO_MAIN = "principal"
SCENARIO_REPORTED_VOLUME = "volumen_publicado"
ASSUMPTION_COLUMNS = ["chain", "assumption", "value", "source"]
INDICATOR_COLUMNS = ["indicator_id", "chain", "network_id", "period", "value", "low", "high",
                     "unit", "measure", "source"]
STATUS_OK = "calculado"
STATUS_UNDETERMINED = "no determinable"


@dataclass(frozen=True)
class ImpliedParams:
    """Analysis assumptions (not document figures); each is reported in the assumptions table."""

    days_per_year: int = 365
    cows_in_milk_fraction: float = 1.0
    # "redeslac_base": current collector price = REDESLAC's price before own collection;
    # "initial": keep the initial collector range (isolates volume and channel effects).
    collector_price_current: str = "redeslac_base"
    discard_price_ratio: tuple[float, float] = (0.25, 0.50)
    yield_net_of_waste: tuple[bool, ...] = (False, True)
    lang: str = "es"

    def __post_init__(self):
        if self.collector_price_current not in ("redeslac_base", "initial"):
            raise ValueError("ImpliedParams.collector_price_current must be 'redeslac_base' or "
                             f"'initial', got {self.collector_price_current!r}")
        if not 0 < self.cows_in_milk_fraction <= 1:
            raise ValueError("ImpliedParams.cows_in_milk_fraction must be in (0, 1], got "
                             f"{self.cows_in_milk_fraction}")
        lo, hi = self.discard_price_ratio
        if not 0 <= lo <= hi <= 1:
            raise ValueError("ImpliedParams.discard_price_ratio must satisfy 0 <= low <= high <= 1,"
                             f" got {self.discard_price_ratio}")


@dataclass
class ImpliedResult:
    effects: pd.DataFrame
    assumptions: pd.DataFrame
    employment: pd.DataFrame
    checks: pd.DataFrame = field(default_factory=pd.DataFrame)
    decomposition: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)


# ---------------------------------------------------------------- plain arithmetic

def milk_litres_per_year(cows: float, litres_cow_day: float, days: int = 365,
                         in_milk: float = 1.0) -> float:
    """Litres per producer and year."""
    return cows * in_milk * litres_cow_day * days


def blended_price(shares: Sequence[float], prices: Sequence[float]) -> float:
    """Σ share × price; shares are fractions that must add up to 1."""
    if len(shares) != len(prices):
        raise ValueError(f"{len(shares)} shares but {len(prices)} prices")
    if not math.isclose(sum(shares), 1.0, abs_tol=1e-6):
        raise ValueError(f"channel shares add up to {sum(shares):.4f}, not 1: {list(shares)}")
    return sum(s * p for s, p in zip(shares, prices))


def mango_marketable_per_ha(revenue_per_ha: float, price_first: float, discard_ratio: float,
                            discard_share: float) -> float:
    """kg/ha sold (after waste) implied by a revenue per ha and the first/discard price mix."""
    price = (1 - discard_share) * price_first + discard_share * discard_ratio * price_first
    return revenue_per_ha / price


def mango_revenue_per_ha(revenue0: float, yield_change: float, waste0: float, waste1: float,
                         discard0: float, discard1: float, discard_ratio: float,
                         net_of_waste: bool) -> float:
    """Current revenue per ha from the initial one, at constant prices by quality.

    ``yield_change`` is a fraction (+18% -> 0.18). If ``net_of_waste`` the yield figure already
    includes the waste reduction; otherwise gross production grows and waste falls on top.
    """
    waste_factor = 1.0 if net_of_waste else (1 - waste1) / (1 - waste0)
    mix = (1 - discard1 + discard1 * discard_ratio) / (1 - discard0 + discard0 * discard_ratio)
    return revenue0 * (1 + yield_change) * waste_factor * mix


def scan(model: Callable[..., Mapping[str, tuple[float, float]]],
         ranges: Mapping[str, Sequence]) -> dict[str, dict[str, tuple[float, float]]]:
    """Evaluate ``model`` over every combination of ``ranges``; min/max per output.

    ``model(**combo)`` returns ``{quantity: (initial, current)}``. The result maps each quantity
    to ``{"initial"|"current"|"change"|"pct": (low, high)}``; pct is in percent.
    """
    keys = list(ranges)
    acc: dict[str, dict[str, list[float]]] = {}
    for values in itertools.product(*(tuple(dict.fromkeys(ranges[k])) for k in keys)):
        for quantity, (ini, cur) in model(**dict(zip(keys, values))).items():
            slot = acc.setdefault(quantity, {"initial": [], "current": [], "change": [], "pct": []})
            slot["initial"].append(ini)
            slot["current"].append(cur)
            slot["change"].append(cur - ini)
            slot["pct"].append((cur / ini - 1) * 100 if ini else math.nan)
    return {q: {k: (min(v), max(v)) for k, v in slot.items()} for q, slot in acc.items()}


# ---------------------------------------------------------------- inputs

class Indicators:
    """Lookup of chain_indicators.csv rows as (low, high) ranges, with errors naming the row."""

    def __init__(self, frame: pd.DataFrame, name: str = "chain_indicators.csv"):
        missing = [c for c in INDICATOR_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"{name}: missing columns {missing}")
        self.frame = frame
        self.name = name

    def row(self, indicator_id: str, chain: str, period: str, network_id: str | None = None):
        f = self.frame
        net = f["network_id"].fillna("").astype(str)
        mask = ((f["indicator_id"] == indicator_id) & (f["chain"] == chain)
                & (f["period"] == period) & (net == (network_id or "")))
        hits = f[mask]
        where = (f"indicator_id={indicator_id!r}, chain={chain!r}, period={period!r}, "
                 f"network_id={network_id or 'blank'}")
        if hits.empty:
            raise KeyError(f"{self.name}: no row with {where} (needed by analysis.implied)")
        if len(hits) > 1:
            raise ValueError(f"{self.name}: rows {list(hits.index + 2)} all match {where}")
        return hits.iloc[0]

    def range(self, indicator_id: str, chain: str, period: str, scale: float = 1.0,
              network_id: str | None = None) -> tuple[float, float]:
        r = self.row(indicator_id, chain, period, network_id)
        lo = r["low"] if pd.notna(r["low"]) else r["value"]
        hi = r["high"] if pd.notna(r["high"]) else r["value"]
        if pd.isna(lo) or pd.isna(hi):
            raise ValueError(f"{self.name}: row {r.name + 2} ({indicator_id}, {period}) has no "
                             "value, low or high")
        if lo > hi:
            raise ValueError(f"{self.name}: row {r.name + 2} ({indicator_id}) low {lo} > high {hi}")
        return float(lo) * scale, float(hi) * scale

    def source(self, indicator_id: str, chain: str, period: str) -> str:
        return str(self.row(indicator_id, chain, period)["source"])


def producers_range(networks: pd.DataFrame, chain: str,
                    network_totals: pd.DataFrame | None = None) -> tuple[float, float]:
    """Producers of a chain: Table 02 sum, widened by any chain total quoted elsewhere."""
    sub = networks[networks["chain"] == chain]
    if sub.empty:
        raise KeyError(f"networks.csv: no network with chain={chain!r}")
    values = [float(pd.to_numeric(sub["total"]).sum())]
    if network_totals is not None and not network_totals.empty:
        quoted = network_totals[(network_totals["quantity"] == "members_total")
                                & (network_totals["chain"] == chain)]
        values += [float(v) for v in pd.to_numeric(quoted["value"])]
    return min(values), max(values)


def _load(name: str, raw_dir: Path | None = None) -> pd.DataFrame:
    """A published table from ``<raw_dir>/published`` (default data/raw/published), checked."""
    folder = Path(raw_dir) / "published" if raw_dir is not None else paths.PUBLISHED
    try:
        from analysis.published import load
    except ImportError:  # loader not available: plain CSV
        return pd.read_csv(folder / f"{name}.csv")
    return load(name, folder)


def load_inputs(raw_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """chain_indicators, networks and (if present) network_totals."""
    out = {"indicators": _load("chain_indicators", raw_dir), "networks": _load("networks", raw_dir)}
    try:
        out["network_totals"] = _load("network_totals", raw_dir)
    except (FileNotFoundError, KeyError):
        out["network_totals"] = None
    try:
        out["claims"] = _load("claims", raw_dir)
    except (FileNotFoundError, KeyError):
        out["claims"] = None
    return out


# ---------------------------------------------------------------- models

def _fmt_range(lo: float, hi: float, digits: int = 2) -> str:
    return f"{lo:g}" if lo == hi else f"{round(lo, digits):g} – {round(hi, digits):g}"


def _overlap(a: tuple[float, float], b: tuple[float, float], rel_tol: float = 0.05) -> bool:
    """True if intervals a and b overlap (b widened by ``rel_tol`` for rounding)."""
    return a[0] <= b[1] * (1 + rel_tol) and a[1] >= b[0] * (1 - rel_tol)


def _rows(chain: str, level: str, results: dict, units: dict, notes: dict, lang: str,
          scenario: str = SCENARIO_MAIN, consistency: str = "") -> list:
    rows = []
    for quantity in ("production", "sales_value", "income"):
        r = results[quantity]
        rows.append({"chain": chain, "level": level, "quantity": quantity,
                     "unit": units[quantity],
                     "initial_low": r["initial"][0], "initial_high": r["initial"][1],
                     "current_low": r["current"][0], "current_high": r["current"][1],
                     "change_low": r["change"][0], "change_high": r["change"][1],
                     "pct_low": r["pct"][0], "pct_high": r["pct"][1],
                     "status": STATUS_OK, "note": notes[quantity], "scenario": scenario,
                     "consistency": consistency})
    return rows


def dairy_effects(ind: Indicators, producers: tuple[float, float], p: ImpliedParams):
    """Effects rows, assumption rows and checks for the dairy chain."""
    lang, ch = p.lang, "lacteos"
    cows0, cows1 = ind.range("cows_per_producer", ch, "initial"), ind.range("cows_per_producer", ch, "current")
    y0, y1 = ind.range("milk_yield_l_cow_day", ch, "initial"), ind.range("milk_yield_l_cow_day", ch, "current")
    pct = 0.01
    sh0 = [ind.range("share_collector_pct", ch, "initial", pct)[0],
           ind.range("share_direct_pct", ch, "initial", pct)[0]]
    sh1 = [ind.range("share_collector_pct", ch, "current", pct)[0],
           ind.range("share_redeslac_pct", ch, "current", pct)[0],
           ind.range("share_direct_pct", ch, "current", pct)[0]]
    pc0 = ind.range("price_collector_pen_l", ch, "initial")
    pd0 = ind.range("price_direct_pen_l", ch, "initial")
    prem_r = ind.range("price_premium_redeslac_pen_l", ch, "current")
    prem_d = ind.range("price_premium_direct_pen_l", ch, "current")
    if p.collector_price_current == "redeslac_base":
        base1 = ind.range("redeslac_price_pen_l", ch, "initial")
        base_key, base_src = "a_collector_price_current_redeslac", ind.source("redeslac_price_pen_l", ch, "initial")
    else:
        base1, base_key, base_src = pc0, "a_collector_price_current_initial", ind.source("price_collector_pen_l", ch, "initial")
    days, inm = p.days_per_year, p.cows_in_milk_fraction

    def model(c0, l0, a0, d0, c1, l1, b1, pr, pdr, n):
        lit0 = milk_litres_per_year(c0, l0, days, inm)
        lit1 = milk_litres_per_year(c1, l1, days, inm)
        v0 = lit0 * blended_price(sh0, [a0, d0])
        v1 = lit1 * blended_price(sh1, [b1, b1 + pr, b1 + pdr])
        return {"production": (lit0, lit1), "sales_value": (v0, v1), "income": (v0, v1),
                "chain_production": (lit0 * n, lit1 * n), "chain_sales_value": (v0 * n, v1 * n),
                "chain_income": (v0 * n, v1 * n)}

    res = scan(model, {"c0": cows0, "l0": y0, "a0": pc0, "d0": pd0, "c1": cows1, "l1": y1,
                       "b1": base1, "pr": prem_r, "pdr": prem_d, "n": producers})
    units = {"production": t("implied.u_litres_year", lang), "sales_value": t("implied.u_pen_year", lang),
             "income": t("implied.u_pen_year", lang)}
    notes = {"production": t("implied.n_production_dairy", lang), "sales_value": t("implied.n_sales_dairy", lang),
             "income": t("implied.n_income", lang)}
    try:
        reported = ind.range("daily_volume_producers_l", ch, "current")
    except KeyError:
        reported = None
    # Check the herd scenario against the document's own daily volume: a scenario the
    # document contradicts is labelled so and never headlines (see fill_conclusions).
    main_flag = ""
    if reported is not None:
        herd_day = scan(lambda n, c, l: {"x": (n * c * inm * l, 0.0)},
                        {"n": producers, "c": cows1, "l": y1})["x"]["initial"]
        main_flag = CONSISTENT if _overlap(herd_day, reported) else CONTRADICTED
    rows = _rows(ch, "per_producer", res, units, notes, lang, SCENARIO_MAIN, main_flag)
    rows += _rows(ch, "chain", {k: res["chain_" + k] for k in units}, units, notes, lang,
                  SCENARIO_MAIN, main_flag)
    if reported is not None:
        def model_reported(c0, l0, a0, d0, vol, b1, pr, pdr, n):
            lit0 = milk_litres_per_year(c0, l0, days, inm)
            lit1 = vol * days / n
            v0 = lit0 * blended_price(sh0, [a0, d0])
            v1 = lit1 * blended_price(sh1, [b1, b1 + pr, b1 + pdr])
            return {"production": (lit0, lit1), "sales_value": (v0, v1), "income": (v0, v1),
                    "chain_production": (lit0 * n, lit1 * n),
                    "chain_sales_value": (v0 * n, v1 * n), "chain_income": (v0 * n, v1 * n)}

        res2 = scan(model_reported, {"c0": cows0, "l0": y0, "a0": pc0, "d0": pd0, "vol": reported,
                                     "b1": base1, "pr": prem_r, "pdr": prem_d, "n": producers})
        notes2 = dict(notes, production=t("implied.n_production_dairy_reported", lang))
        rows += _rows(ch, "per_producer", res2, units, notes2, lang, SCENARIO_REPORTED_VOLUME,
                      CONSISTENT)
        rows += _rows(ch, "chain", {k: res2["chain_" + k] for k in units}, units, notes2, lang,
                      SCENARIO_REPORTED_VOLUME, CONSISTENT)

    src = lambda i, per: ind.source(i, ch, per)  # noqa: E731
    own = t("implied.assumption_source", lang)
    channels0 = (f"{sh0[0]:.0%} × S/ {_fmt_range(*pc0)} + {sh0[1]:.0%} × S/ {_fmt_range(*pd0)}")
    channels1 = (f"{sh1[0]:.0%} × base + {sh1[1]:.0%} × (base + {_fmt_range(*prem_r)}) + "
                 f"{sh1[2]:.0%} × (base + {_fmt_range(*prem_d)}); base = S/ {_fmt_range(*base1)}")
    a = [("a_days_per_year", str(days), own),
         ("a_cows_in_milk", f"{inm:g}", own),
         ("a_cows", f"{_fmt_range(*cows0)} → {_fmt_range(*cows1)}",
          f"{src('cows_per_producer', 'initial')}; {src('cows_per_producer', 'current')}"),
         ("a_milk_yield", f"{_fmt_range(*y0)} → {_fmt_range(*y1)}",
          f"{src('milk_yield_l_cow_day', 'initial')}; {src('milk_yield_l_cow_day', 'current')}"),
         ("a_channels_initial", channels0, src("price_collector_pen_l", "initial")),
         ("a_channels_current", channels1, src("share_redeslac_pct", "current")),
         (base_key, f"S/ {_fmt_range(*base1)}", base_src),
         ("a_redeslac_premium_all", f"S/ {_fmt_range(*prem_r)}", src("price_premium_redeslac_pen_l", "current")),
         ("a_income_gross", "—", own),
         ("a_producers_chain", _fmt_range(*producers), "networks.csv; network_totals.csv"),
         ("a_same_producers", _fmt_range(*producers), own),
         ("a_interval", "min/max", own)]
    assumptions = [{"chain": ch, "assumption": t(f"implied.{k}", lang), "value": v, "source": s}
                   for k, v, s in a]

    checks = []
    if reported is not None:
        implied_day = scan(lambda n, c, l: {"x": (n * c * inm * l, 0.0)},
                           {"n": producers, "c": cows1, "l": y1})["x"]["initial"]
        share = scan(lambda n, c, l, r: {"x": (r / (n * c * l), 0.0)},
                     {"n": producers, "c": cows1, "l": y1, "r": reported})["x"]["initial"]
        checks += [{"chain": ch, "check": t("implied.c_dairy_daily_total", lang),
                    "implied_low": implied_day[0], "implied_high": implied_day[1],
                    "published_low": reported[0], "published_high": reported[1],
                    "source": src("daily_volume_producers_l", "current")},
                   {"chain": ch, "check": t("implied.c_dairy_in_milk_share", lang),
                    "implied_low": share[0], "implied_high": share[1],
                    "published_low": math.nan, "published_high": math.nan, "source": own}]
    return rows, assumptions, checks


def mango_effects(ind: Indicators, producers: tuple[float, float], p: ImpliedParams):
    """Effects rows and assumption rows for the mango chain."""
    lang, ch, pct = p.lang, "mango", 0.01
    ha0, ha1 = ind.range("hectares_in_production", ch, "initial"), ind.range("hectares_in_production", ch, "current")
    rev0 = ind.range("revenue_per_ha_pen", ch, "initial")
    g = ind.range("yield_change_pct", ch, "current", pct)
    w0, w1 = ind.range("waste_pct", ch, "initial", pct), ind.range("waste_pct", ch, "current", pct)
    d0, d1 = ind.range("discard_pct", ch, "initial", pct), ind.range("discard_pct", ch, "current", pct)
    price = ind.range("price_mebol_pen_kg", ch, "current")

    def model(h0, h1, r0, gc, m0, m1, x0, x1, pf, rr, net, n):
        kg0 = mango_marketable_per_ha(r0, pf, rr, x0)
        v1 = mango_revenue_per_ha(r0, gc, m0, m1, x0, x1, rr, net)
        kg1 = kg0 * (1 + gc) * (1.0 if net else (1 - m1) / (1 - m0))
        return {"chain_production": (kg0 * h0, kg1 * h1), "chain_sales_value": (r0 * h0, v1 * h1),
                "chain_income": (r0 * h0, v1 * h1),
                "production": (kg0 * h0 / n, kg1 * h1 / n), "sales_value": (r0 * h0 / n, v1 * h1 / n),
                "income": (r0 * h0 / n, v1 * h1 / n)}

    res = scan(model, {"h0": ha0, "h1": ha1, "r0": rev0, "gc": g, "m0": w0, "m1": w1, "x0": d0,
                       "x1": d1, "pf": price, "rr": p.discard_price_ratio,
                       "net": p.yield_net_of_waste, "n": producers})
    units = {"production": t("implied.u_kg_year", lang), "sales_value": t("implied.u_pen_year", lang),
             "income": t("implied.u_pen_year", lang)}
    notes = {"production": t("implied.n_production_mango", lang), "sales_value": t("implied.n_sales_mango", lang),
             "income": t("implied.n_income", lang)}
    rows = _rows(ch, "per_producer", res, units, notes, lang)
    rows += _rows(ch, "chain", {k: res["chain_" + k] for k in units}, units, notes, lang)

    src = lambda i, per: ind.source(i, ch, per)  # noqa: E731
    own = t("implied.assumption_source", lang)
    pc = lambda r: _fmt_range(r[0] * 100, r[1] * 100)  # noqa: E731
    a = [("a_mango_hectares", f"{_fmt_range(*ha0)} → {_fmt_range(*ha1)}", src("hectares_in_production", "current")),
         ("a_mango_revenue_initial", f"S/ {_fmt_range(*rev0)}", src("revenue_per_ha_pen", "initial")),
         ("a_mango_yield", f"+{pc(g)}%", src("yield_change_pct", "current")),
         ("a_mango_yield_interpretation",
          ", ".join(t("implied.yield_net" if v else "implied.yield_gross", lang)
                    for v in dict.fromkeys(p.yield_net_of_waste)), own),
         ("a_mango_waste", f"{pc(w0)}% → {pc(w1)}%", src("waste_pct", "current")),
         ("a_mango_discard", f"{pc(d0)}% → {pc(d1)}%", src("discard_pct", "current")),
         ("a_mango_price_first", f"S/ {_fmt_range(*price)} /kg", src("price_mebol_pen_kg", "current")),
         ("a_mango_price_discard", _fmt_range(*p.discard_price_ratio), own),
         ("a_mango_buyers", "—", src("share_mebol_pct", "current")),
         ("a_income_gross", "—", own),
         ("a_producers_chain", _fmt_range(*producers), "networks.csv; network_totals.csv"),
         ("a_same_producers", _fmt_range(*producers), own),
         ("a_interval", "min/max", own)]
    assumptions = [{"chain": ch, "assumption": t(f"implied.{k}", lang), "value": v, "source": s}
                   for k, v, s in a]
    return rows, assumptions


def employment_table(lang: str = "es") -> pd.DataFrame:
    """Jobs created / consolidated: not determinable from the published figures."""
    return pd.DataFrame([{"indicator": k, "label": t(f"implied.{k}", lang), "value": math.nan,
                          "status": STATUS_UNDETERMINED, "reason": t("implied.jobs_reason", lang),
                          "data_needed": t("implied.jobs_data_needed", lang)}
                         for k in ("jobs_created", "jobs_consolidated")])


def stated_changes(claims: pd.DataFrame | None, lang: str = "es") -> list[dict]:
    """The document's own stated income changes (claims whose measure ends in
    ``income_change_pct``), as effect rows of level ``stated`` with their scope."""
    if claims is None or claims.empty or "measure" not in claims:
        return []
    sel = claims[claims["measure"].astype(str).str.endswith("income_change_pct")
                 & (claims["period"] == "current")]  # targets are not results
    rows = []
    for _, r in sel.iterrows():
        net = str(r["network_id"]) if pd.notna(r.get("network_id")) else ""
        scope = t(f"implied.scope_{net}", lang) if net else t("implied.scope_all", lang)
        rows.append({"chain": r["chain"], "level": LEVEL_STATED, "quantity": r["measure"],
                     "unit": "%", **{c: math.nan for c in EFFECT_COLUMNS[4:10]},
                     "pct_low": float(r["low"]), "pct_high": float(r["high"]),
                     "status": STATUS_OK,
                     "note": t("implied.n_stated", lang, scope=scope,
                               source=published_i18n.source(r["source"], lang)),
                     "scenario": "documento", "consistency": ""})
    return rows


def dairy_decomposition(ind: Indicators, producers: tuple[float, float],
                        p: ImpliedParams) -> list[dict]:
    """Multiplicative drivers of the per-producer dairy sales-value change, at range midpoints.

    ratio(current/initial) = herd × yield × price-and-channel, for the herd scenario; in the
    published-volume scenario herd × yield is replaced by the volume ratio implied by the
    published daily total. Each factor is a ratio; their product is the total ratio.
    """
    ch, pct, mid = "lacteos", 0.01, lambda r: (r[0] + r[1]) / 2  # noqa: E731
    c0, c1 = mid(ind.range("cows_per_producer", ch, "initial")), mid(ind.range("cows_per_producer", ch, "current"))
    l0, l1 = mid(ind.range("milk_yield_l_cow_day", ch, "initial")), mid(ind.range("milk_yield_l_cow_day", ch, "current"))
    sh0 = [ind.range("share_collector_pct", ch, "initial", pct)[0], ind.range("share_direct_pct", ch, "initial", pct)[0]]
    sh1 = [ind.range("share_collector_pct", ch, "current", pct)[0], ind.range("share_redeslac_pct", ch, "current", pct)[0],
           ind.range("share_direct_pct", ch, "current", pct)[0]]
    p0 = blended_price(sh0, [mid(ind.range("price_collector_pen_l", ch, "initial")),
                             mid(ind.range("price_direct_pen_l", ch, "initial"))])
    b1 = mid(ind.range("redeslac_price_pen_l", ch, "initial") if p.collector_price_current == "redeslac_base"
             else ind.range("price_collector_pen_l", ch, "initial"))
    p1 = blended_price(sh1, [b1, b1 + mid(ind.range("price_premium_redeslac_pen_l", ch, "current")),
                             b1 + mid(ind.range("price_premium_direct_pen_l", ch, "current"))])
    out = [{"chain": ch, "scenario": SCENARIO_MAIN, "driver": "herd", "ratio": c1 / c0},
           {"chain": ch, "scenario": SCENARIO_MAIN, "driver": "yield", "ratio": l1 / l0},
           {"chain": ch, "scenario": SCENARIO_MAIN, "driver": "price_channel", "ratio": p1 / p0}]
    try:
        vol = mid(ind.range("daily_volume_producers_l", ch, "current"))
        vol_ratio = (vol / mid(producers)) / (c0 * p.cows_in_milk_fraction * l0)
        out += [{"chain": ch, "scenario": SCENARIO_REPORTED_VOLUME, "driver": "volume", "ratio": vol_ratio},
                {"chain": ch, "scenario": SCENARIO_REPORTED_VOLUME, "driver": "price_channel", "ratio": p1 / p0}]
    except KeyError:
        pass
    return out


def mango_decomposition(ind: Indicators, p: ImpliedParams) -> list[dict]:
    """Drivers of the mango sales-value change at midpoints: hectares, yield, waste, discard mix."""
    ch, pct, mid = "mango", 0.01, lambda r: (r[0] + r[1]) / 2  # noqa: E731
    ha0, ha1 = mid(ind.range("hectares_in_production", ch, "initial")), mid(ind.range("hectares_in_production", ch, "current"))
    g = mid(ind.range("yield_change_pct", ch, "current", pct))
    w0, w1 = mid(ind.range("waste_pct", ch, "initial", pct)), mid(ind.range("waste_pct", ch, "current", pct))
    d0, d1 = mid(ind.range("discard_pct", ch, "initial", pct)), mid(ind.range("discard_pct", ch, "current", pct))
    rr = mid(p.discard_price_ratio)
    mix = (1 - d1 + d1 * rr) / (1 - d0 + d0 * rr)
    return [{"chain": ch, "scenario": SCENARIO_MAIN, "driver": "hectares", "ratio": ha1 / ha0},
            {"chain": ch, "scenario": SCENARIO_MAIN, "driver": "yield", "ratio": 1 + g},
            {"chain": ch, "scenario": SCENARIO_MAIN, "driver": "waste", "ratio": (1 - w1) / (1 - w0)},
            {"chain": ch, "scenario": SCENARIO_MAIN, "driver": "discard_mix", "ratio": mix}]


def mango_sensitivity(ind: Indicators, producers: tuple[float, float], p: ImpliedParams,
                      steps: int = 5) -> list[dict]:
    """Per-producer mango income % change for discard price ratios across the stated range
    (``ImpliedParams.discard_price_ratio``) and for each reading of the +yield figure."""
    lo, hi = p.discard_price_ratio
    ratios = [lo + (hi - lo) * i / (steps - 1) for i in range(steps)] if hi > lo else [lo]
    out = []
    for net in dict.fromkeys(p.yield_net_of_waste):
        for rr in ratios:
            q = ImpliedParams(discard_price_ratio=(rr, rr), yield_net_of_waste=(net,), lang=p.lang,
                              days_per_year=p.days_per_year)
            rows, _ = mango_effects(ind, producers, q)
            r = next(x for x in rows if x["level"] == "per_producer" and x["quantity"] == "income")
            out.append({"chain": "mango", "parameter": "discard_price_ratio", "value": rr,
                        "yield_net_of_waste": net, "pct_low": r["pct_low"], "pct_high": r["pct_high"]})
    return out


def compute_implied(indicators: pd.DataFrame, networks: pd.DataFrame,
                    params: ImpliedParams = ImpliedParams(),
                    network_totals: pd.DataFrame | None = None,
                    claims: pd.DataFrame | None = None) -> ImpliedResult:
    """Implied production, sales value and income changes per producer and chain, as intervals."""
    ind = Indicators(indicators)
    d_rows, d_ass, checks = dairy_effects(ind, producers_range(networks, "lacteos", network_totals), params)
    m_rows, m_ass = mango_effects(ind, producers_range(networks, "mango", network_totals), params)
    employment = employment_table(params.lang)
    job_rows = [{"chain": "todas", "level": "territory", "quantity": r["indicator"], "unit": "",
                 **{c: math.nan for c in EFFECT_COLUMNS[4:12]}, "status": r["status"],
                 "note": f"{r['reason']}. {t('implied.data_needed_prefix', params.lang)} "
                         f"{r['data_needed']}", "scenario": SCENARIO_MAIN, "consistency": ""}
                for _, r in employment.iterrows()]
    effects = pd.DataFrame(m_rows + d_rows + stated_changes(claims, params.lang) + job_rows,
                           columns=EFFECT_COLUMNS)
    assumptions = pd.DataFrame(m_ass + d_ass, columns=ASSUMPTION_COLUMNS)
    decomposition = pd.DataFrame(dairy_decomposition(ind, producers_range(networks, "lacteos", network_totals), params)
                                 + mango_decomposition(ind, params))
    sensitivity = pd.DataFrame(mango_sensitivity(ind, producers_range(networks, "mango", network_totals), params))
    return ImpliedResult(effects, assumptions, employment, pd.DataFrame(checks), decomposition,
                         sensitivity)


# ---------------------------------------------------------------- conclusions

def _pct(x: float) -> str:
    return f"{round(x):,d}"


def _money_range(lo: float, hi: float) -> str:
    a, b = f"{round(lo):,d}", f"{round(hi):,d}"
    return a if a == b else f"{a} – {b}"


def headline_rows(sel: pd.DataFrame) -> pd.DataFrame:
    """The scenario that may headline: never one the document contradicts; among the rest,
    the main scenario if present, else the first consistent one."""
    if "consistency" in sel:
        sel = sel[sel["consistency"].fillna("").astype(str) != CONTRADICTED]
    if "scenario" in sel and len(sel) > 1:
        main = sel[sel["scenario"] == SCENARIO_MAIN]
        sel = main if len(main) else sel.iloc[:1]
    return sel


def fill_conclusions(implied: pd.DataFrame, lang: str = "es") -> list[dict]:
    """Text for the conclusions' four placeholders (mango income, dairy income, jobs x2)."""
    out = []
    for key, chain in (("mango_income", "mango"), ("dairy_income", "lacteos")):
        sel = implied[(implied["chain"] == chain) & (implied["level"] == "per_producer")
                      & (implied["quantity"] == "income")]
        sel = headline_rows(sel)
        if len(sel) != 1:
            raise ValueError(f"implied effects: expected 1 per_producer income row for {chain}, "
                             f"found {len(sel)}")
        r = sel.iloc[0]
        ok = r["status"] == STATUS_OK and pd.notna(r["pct_low"])
        value = (t("implied.range_pct", lang, low=_pct(r["pct_low"]), high=_pct(r["pct_high"]))
                 if ok else t("implied.undetermined_text", lang))
        bare = value
        if ok:
            value += " (" + t("implied.careful_wording", lang) + ")"
            stated = implied[(implied["chain"] == chain) & (implied["level"] == LEVEL_STATED)]
            if len(stated):
                value += ". " + t("implied.stated_prefix", lang) + " " + "; ".join(
                    f"+{_pct(s.pct_low)}% ({s.note})" for s in stated.itertuples())
        basis = t("implied.basis_income", lang, chain=t(f"common.chain_{chain}", lang)) + "; " + t(
            "implied.basis_income_values", lang,
            initial=_money_range(r["initial_low"], r["initial_high"]),
            current=_money_range(r["current_low"], r["current_high"]))
        out.append({"placeholder": key, "label": t(f"implied.ph_{key}", lang),
                    "value_text": value, "status": STATUS_OK if ok else STATUS_UNDETERMINED,
                    "basis": basis, "range_text": bare})
    for key in ("jobs_created", "jobs_consolidated"):
        sel = implied[implied["quantity"] == key]
        r = sel.iloc[0] if len(sel) else None
        determined = r is not None and pd.notna(r["change_low"])
        out.append({"placeholder": key, "label": t(f"implied.ph_{key}", lang),
                    "value_text": (f"{_pct(r['change_low'])} – {_pct(r['change_high'])}" if determined
                                   else t("implied.undetermined_text", lang)),
                    "status": STATUS_OK if determined else STATUS_UNDETERMINED,
                    "basis": r["note"] if r is not None else t("implied.jobs_reason", lang)})
    return out


def conclusions_sentences(items: list[dict], lang: str = "es") -> list[str]:
    """The two rewritten conclusion sentences, from ``fill_conclusions`` output."""
    by = {i["placeholder"]: i for i in items}
    stated = [by[k]["value_text"].split(". ", 1)[1] for k in ("mango_income", "dairy_income")
              if ". " in by[k]["value_text"]]
    return [t("implied.sentence_income", lang, mango=by["mango_income"].get("range_text", by["mango_income"]["value_text"]),
              dairy=by["dairy_income"].get("range_text", by["dairy_income"]["value_text"]))
            + "".join(f" {x}." for x in stated),
            t("implied.sentence_jobs", lang, reason=t("implied.jobs_reason", lang))]


def write_implied(result: ImpliedResult, processed_dir: Path | str = paths.DATA_PROCESSED,
                  lang: str = "es") -> dict[str, Path]:
    """Write implied_effects.csv, implied_assumptions.csv, conclusions.csv (+ employment, checks)."""
    out = Path(processed_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"effects": out / "implied_effects.csv", "assumptions": out / "implied_assumptions.csv",
             "conclusions": out / "conclusions.csv", "employment": out / "implied_employment.csv",
             "checks": out / "implied_checks.csv"}
    result.effects.to_csv(files["effects"], index=False)
    result.assumptions.to_csv(files["assumptions"], index=False)
    pd.DataFrame(fill_conclusions(result.effects, lang)).to_csv(files["conclusions"], index=False)
    result.employment.to_csv(files["employment"], index=False)
    result.checks.to_csv(files["checks"], index=False)
    files["decomposition"] = out / "implied_decomposition.csv"
    files["sensitivity"] = out / "implied_sensitivity.csv"
    result.decomposition.to_csv(files["decomposition"], index=False)
    result.sensitivity.to_csv(files["sensitivity"], index=False)
    return files


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw-dir", type=Path, default=None)
    ap.add_argument("--processed-dir", type=Path, default=paths.DATA_PROCESSED)
    ap.add_argument("--lang", default="es")
    args = ap.parse_args(argv)
    inp = load_inputs(args.raw_dir)
    result = compute_implied(inp["indicators"], inp["networks"], ImpliedParams(lang=args.lang),
                             inp["network_totals"], inp.get("claims"))
    for name, path in write_implied(result, args.processed_dir, args.lang).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
