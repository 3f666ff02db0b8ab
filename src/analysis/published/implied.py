"""Effects implied by the document's before/after figures, as intervals with stated assumptions.

Every published range (e.g. 1 to 2 cows, 10 to 12 l/cow/day) and every ambiguous reading is a
set of candidate values; each quantity is evaluated over every combination and reported as
``[min, max]``. Initial and current figures of a chain are joint inputs of one model, so the
change and the % change are the min/max of the change itself (not of independent ends unless
the inputs are independent, as for dairy). Nothing here types a document number: all figures
come from ``data/raw/published/chain_indicators.csv`` and ``networks.csv``.

``python -m analysis.published.implied`` writes the tables to ``data/processed``.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.published import translate as published_i18n
from analysis.labels import t

EFFECT_COLUMNS = ["chain", "level", "quantity", "unit", "initial_low", "initial_high",
                  "current_low", "current_high", "change_low", "change_high", "pct_low",
                  "pct_high", "status", "note", "scenario", "consistency", "prices",
                  "corners_kept", "corners_total"]
CONSISTENT = "consistente"
CONTRADICTED = "contradicho"
LEVEL_STATED = "stated"
SCENARIO_MAIN = "principal"
SCENARIO_REPORTED_VOLUME = "volumen_publicado"
# Price variants: "nominal" values each period at its own prices; "constante" holds the market
# price at its initial level, so only quantities and the programme's channel premiums move.
PRICES_NOMINAL = "nominal"
PRICES_CONSTANT = "constante"
CHECK_COLUMNS = ["chain", "scenario", "prices", "check", "implied_low", "implied_high",
                 "published_low", "published_high", "relation", "corners_failing",
                 "corners_total", "verdict", "source"]
ASSUMPTION_COLUMNS = ["chain", "assumption", "value", "source"]
INDICATOR_COLUMNS = ["indicator_id", "chain", "network_id", "period", "value", "low", "high",
                     "unit", "measure", "source"]
STATUS_OK = "calculado"
# Stated production or yield increases of the mango chain or of a part of it (chain_indicators
# ids): the marketable volume implied by a reading of the chain's +yield may not exceed them.
MANGO_VOLUME_STATEMENTS = ("yield_change_pct", "yield_change_pilot_pct",
                           "production_change_strategic_pct", "extra_volume_change_pct")
STATUS_UNDETERMINED = "no determinable"


@dataclass(frozen=True)
class ImpliedParams:
    """Analysis assumptions (not document figures); each is reported in the assumptions table."""

    days_per_year: int = 365
    cows_in_milk_fraction: float = 1.0
    discard_price_ratio: tuple[float, float] = (0.25, 0.50)
    yield_net_of_waste: tuple[bool, ...] = (False, True)
    # "territory": the initial yield of the territory's producers (10-12 l, Sección 3.1.A);
    # "members": the baseline the document states for the networks' members (13 l, phase-1 plans
    # and phase-2 pilots).
    initial_yield: str = "territory"
    grid_points: int = 5  # values sampled inside each published range (see ``grid``)
    lang: str = "es"

    def __post_init__(self):
        if not 0 < self.cows_in_milk_fraction <= 1:
            raise ValueError("ImpliedParams.cows_in_milk_fraction must be in (0, 1], got "
                             f"{self.cows_in_milk_fraction}")
        if self.initial_yield not in ("territory", "members"):
            raise ValueError("ImpliedParams.initial_yield must be 'territory' or 'members', got "
                             f"{self.initial_yield!r}")
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
    return scan_consistent(model, ranges).intervals


@dataclass(frozen=True)
class Constraint:
    """A statement of the document that a corner of the inputs must agree with.

    ``implied(**inputs)`` is what the corner implies for a quantity the document also states
    (``published``, a (low, high) range). ``relation`` is ``"within"`` (equal up to ``rel_tol``,
    the rounding of printed figures), ``"at_most"`` or ``"at_least"``. ``key`` names the check
    (label ``implied.c_<key>``); ``source`` cites where the published figure is printed.
    """

    key: str
    implied: Callable[..., float]
    published: tuple[float, float]
    source: str
    relation: str = "within"
    rel_tol: float = 0.05

    def __post_init__(self):
        if self.relation not in ("within", "at_most", "at_least"):
            raise ValueError(f"Constraint {self.key!r}: relation must be within, at_most or "
                             f"at_least, got {self.relation!r}")

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(inspect.signature(self.implied).parameters)

    def value(self, corner: Mapping[str, float]) -> float:
        return float(self.implied(**{k: corner[k] for k in self.inputs}))

    def holds(self, corner: Mapping[str, float]) -> bool:
        v, (lo, hi) = self.value(corner), self.published
        tol_lo, tol_hi = lo * (1 - self.rel_tol), hi * (1 + self.rel_tol)
        if self.relation == "at_most":
            return v <= tol_hi
        if self.relation == "at_least":
            return v >= tol_lo
        return tol_lo <= v <= tol_hi


@dataclass
class ScanResult:
    """Intervals over the corners consistent with every constraint (over all corners, flagged
    ``consistent = False``, when none is); per constraint, how many corners break it."""

    intervals: dict[str, dict[str, tuple[float, float]]]
    corners_total: int
    corners_kept: int
    failing: dict[str, int]
    implied: dict[str, tuple[float, float]]
    kept_inputs: dict[str, tuple[float, float]]

    @property
    def consistent(self) -> bool:
        return self.corners_kept > 0


def grid(low: float, high: float, points: int = 5) -> tuple[float, ...]:
    """``points`` evenly spaced values from ``low`` to ``high`` (one value if they are equal):
    a published range sampled inside, so a constraint can cut it where it binds."""
    if low == high or points < 2:
        return (low,)
    return tuple(low + (high - low) * i / (points - 1) for i in range(points))


def scan_consistent(model: Callable[..., Mapping[str, tuple[float, float]]],
                    ranges: Mapping[str, Sequence],
                    constraints: Sequence[Constraint] = ()) -> ScanResult:
    """Evaluate ``model`` over every combination of ``ranges`` that satisfies every constraint.

    A corner is one value per input; the same value is used wherever the input appears (the
    same producers, price or herd in the initial and current figures), so each interval comes
    from corners that are mutually consistent. Corners that break a statement of the document
    (a ``Constraint``) are dropped; when every corner breaks one, the scenario is contradicted
    and its intervals are reported over all corners with ``consistent = False``.
    """
    keys = list(ranges)
    for c in constraints:
        unknown = [k for k in c.inputs if k not in keys]
        if unknown:
            raise ValueError(f"Constraint {c.key!r} uses inputs {unknown} that the scan does not "
                             f"vary (inputs: {keys})")
    corners = [dict(zip(keys, values)) for values in
               itertools.product(*(tuple(dict.fromkeys(ranges[k])) for k in keys))]
    failing = {c.key: 0 for c in constraints}
    implied: dict[str, list[float]] = {c.key: [] for c in constraints}
    kept = []
    for corner in corners:
        ok = True
        for c in constraints:
            implied[c.key].append(c.value(corner))
            if not c.holds(corner):
                failing[c.key] += 1
                ok = False
        if ok:
            kept.append(corner)
    use = kept or corners
    acc: dict[str, dict[str, list[float]]] = {}
    for corner in use:
        for quantity, (ini, cur) in model(**corner).items():
            slot = acc.setdefault(quantity, {"initial": [], "current": [], "change": [], "pct": []})
            slot["initial"].append(ini)
            slot["current"].append(cur)
            slot["change"].append(cur - ini)
            slot["pct"].append((cur / ini - 1) * 100 if ini else math.nan)
    return ScanResult(
        intervals={q: {k: (min(v), max(v)) for k, v in slot.items()} for q, slot in acc.items()},
        corners_total=len(corners), corners_kept=len(kept), failing=failing,
        implied={k: (min(v), max(v)) for k, v in implied.items() if v},
        kept_inputs={k: _span([c[k] for c in use]) for k in keys})


def _span(values: list) -> tuple:
    """(min, max) of the values an input takes; (None, None) for an input that is not a number
    (e.g. a price that defaults to another input of the corner)."""
    if any(v is None for v in values):
        return (None, None)
    return (min(values), max(values))


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
            raise KeyError(f"{self.name}: no row with {where} (needed by analysis.published.implied)")
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
        from analysis.published.load import load
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
          scenario: str = SCENARIO_MAIN, consistency: str = "", prices: str = PRICES_NOMINAL,
          scan_result: "ScanResult | None" = None) -> list:
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
                     "consistency": consistency, "prices": prices,
                     "corners_kept": scan_result.corners_kept if scan_result else math.nan,
                     "corners_total": scan_result.corners_total if scan_result else math.nan})
    return rows


def _check_rows(chain: str, scenario: str, prices: str, res: ScanResult,
                constraints: Sequence[Constraint], lang: str) -> list[dict]:
    """One row per constraint of a scenario: what the corners imply against what the document
    states, and how many corners break it."""
    out = []
    for c in constraints:
        lo, hi = res.implied.get(c.key, (math.nan, math.nan))
        fails = res.failing.get(c.key, 0)
        verdict = ("c_verdict_all_fail" if fails == res.corners_total else
                   "c_verdict_some_fail" if fails else "c_verdict_pass")
        out.append({"chain": chain, "scenario": scenario, "prices": prices,
                    "check": t(f"implied.c_{c.key}", lang), "implied_low": lo, "implied_high": hi,
                    "published_low": c.published[0], "published_high": c.published[1],
                    "relation": t(f"implied.rel_{c.relation}", lang),
                    "corners_failing": fails, "corners_total": res.corners_total,
                    "verdict": t(f"implied.{verdict}", lang), "source": c.source})
    return out


def _optional(ind: Indicators, *args, **kw) -> tuple[float, float] | None:
    try:
        return ind.range(*args, **kw)
    except KeyError:
        return None


def dairy_effects(ind: Indicators, producers: tuple[float, float], p: ImpliedParams):
    """Effects rows, assumption rows and checks for the dairy chain.

    Two volume scenarios (the herd: head × litres per head; the published daily volume ÷
    producers) × two price variants (nominal; constant: the initial collector price in both
    periods). Every scenario is checked against the document's other statements (the daily
    volume, REDESLAC's litres by buyer, the herd's capacity); intervals come only from corners
    that agree with them.
    """
    lang, ch, pct, k = p.lang, "lacteos", 0.01, p.grid_points
    cows0, cows1 = ind.range("cows_per_producer", ch, "initial"), ind.range("cows_per_producer", ch, "current")
    y1 = ind.range("milk_yield_l_cow_day", ch, "current")
    if p.initial_yield == "members":
        stated = [r for r in (_optional(ind, "milk_yield_plan_baseline_l_cow_day", ch, "initial"),
                              _optional(ind, "milk_yield_pilot2_l_cow_day", ch, "initial")) if r]
        if not stated:
            raise KeyError(f"{ind.name}: no members' baseline yield "
                           "(milk_yield_plan_baseline_l_cow_day / milk_yield_pilot2_l_cow_day)")
        y0 = (min(r[0] for r in stated), max(r[1] for r in stated))
        y0_src = "; ".join(dict.fromkeys(
            ind.source(i, ch, "initial") for i in ("milk_yield_plan_baseline_l_cow_day",
                                                   "milk_yield_pilot2_l_cow_day")
            if _optional(ind, i, ch, "initial")))
    else:
        y0 = ind.range("milk_yield_l_cow_day", ch, "initial")
        y0_src = ind.source("milk_yield_l_cow_day", ch, "initial")
    sh0 = [ind.range("share_collector_pct", ch, "initial", pct)[0],
           ind.range("share_direct_pct", ch, "initial", pct)[0]]
    sh1 = [ind.range("share_collector_pct", ch, "current", pct)[0],
           ind.range("share_redeslac_pct", ch, "current", pct)[0],
           ind.range("share_direct_pct", ch, "current", pct)[0]]
    pc0 = ind.range("price_collector_pen_l", ch, "initial")
    pd0 = ind.range("price_direct_pen_l", ch, "initial")
    prem_r = ind.range("price_premium_redeslac_pen_l", ch, "current")
    prem_d = ind.range("price_premium_direct_pen_l", ch, "current")
    base_nominal = ind.range("redeslac_price_pen_l", ch, "initial")
    days, inm = p.days_per_year, p.cows_in_milk_fraction
    src = lambda i, per: ind.source(i, ch, per)  # noqa: E731

    # Statements of the document the scenarios must agree with.
    reported = _optional(ind, "daily_volume_producers_l", ch, "current")
    volumes = [("daily_volume_producers_l", reported)] if reported else []
    assoc = _optional(ind, "daily_volume_redeslac_l", ch, "current")
    if assoc:
        volumes.append(("daily_volume_redeslac_l", assoc))
    nestle = _optional(ind, "redeslac_collected_nestle_l_day", ch, "current")
    nestle_share = _optional(ind, "redeslac_share_nestle_pct", ch, "current", pct)
    herd_total = []
    if reported:
        herd_total = [Constraint("dairy_daily_total", lambda n, c1, l1: n * c1 * inm * l1, reported,
                                 src("daily_volume_producers_l", "current"))]
    volume_checks = []
    if nestle and nestle_share:
        through = (nestle[0] / nestle_share[1], nestle[1] / nestle_share[0])
        volume_checks.append(Constraint(
            "dairy_redeslac_litres", lambda vol: sh1[1] * vol, through,
            f"{src('share_redeslac_pct', 'current')}; {src('redeslac_collected_nestle_l_day', 'current')}"))
    volume_checks.append(Constraint("dairy_herd_capacity", lambda vol, n, c1, l1: vol / (n * c1 * l1),
                                    (1.0, 1.0), t("implied.assumption_source", lang), "at_most", 0.0))

    def value(lit0, lit1, a0, d0, b1, pr, pdr, n):
        v0 = lit0 * blended_price(sh0, [a0, d0])
        v1 = lit1 * blended_price(sh1, [b1, b1 + pr, b1 + pdr])
        return {"production": (lit0, lit1), "sales_value": (v0, v1), "income": (v0, v1),
                "chain_production": (lit0 * n, lit1 * n), "chain_sales_value": (v0 * n, v1 * n),
                "chain_income": (v0 * n, v1 * n)}

    def herd_model(c0, l0, a0, d0, c1, l1, b1, pr, pdr, n):
        return value(milk_litres_per_year(c0, l0, days, inm), milk_litres_per_year(c1, l1, days, inm),
                     a0, d0, a0 if b1 is None else b1, pr, pdr, n)

    def volume_model(c0, l0, a0, d0, vol, c1, l1, b1, pr, pdr, n):
        return value(milk_litres_per_year(c0, l0, days, inm), vol * days / n,
                     a0, d0, a0 if b1 is None else b1, pr, pdr, n)

    units = {"production": t("implied.u_litres_year", lang), "sales_value": t("implied.u_pen_year", lang),
             "income": t("implied.u_pen_year", lang)}
    notes = {"production": t("implied.n_production_dairy", lang), "sales_value": t("implied.n_sales_dairy", lang),
             "income": t("implied.n_income", lang)}
    notes_vol = dict(notes, production=t("implied.n_production_dairy_reported", lang))
    # Inputs a check uses are sampled inside their range (a check may cut it there); the others
    # enter at their ends, where the model (monotone in each input) takes its extremes.
    common = {"c0": cows0, "l0": y0, "d0": pd0, "c1": grid(*cows1, k), "l1": grid(*y1, k),
              "pr": prem_r, "pdr": prem_d, "n": grid(*producers, k)}
    # nominal: current base price = REDESLAC's price before its own collection; constant: the
    # initial collector price in both periods (b1=None -> the corner's own a0).
    variants = {PRICES_NOMINAL: {"a0": pc0, "b1": base_nominal},
                PRICES_CONSTANT: {"a0": pc0, "b1": (None,)}}
    scenarios = [(SCENARIO_MAIN, herd_model, {}, herd_total, notes)]
    if volumes:
        vols = tuple(dict.fromkeys(v for _, r in volumes for v in r))
        scenarios.append((SCENARIO_REPORTED_VOLUME, volume_model, {"vol": vols}, volume_checks,
                          notes_vol))
    rows, checks, scans = [], [], {}
    for scenario, model, extra, constraints, nts in scenarios:
        for prices, pv in variants.items():
            res = scan_consistent(model, {**common, **pv, **extra}, constraints)
            scans[(scenario, prices)] = res
            flag = (CONSISTENT if res.consistent else CONTRADICTED) if constraints else ""
            rows += _rows(ch, "per_producer", res.intervals, units, nts, lang, scenario, flag,
                          prices, res)
            rows += _rows(ch, "chain", {q: res.intervals["chain_" + q] for q in units}, units, nts,
                          lang, scenario, flag, prices, res)
            checks += _check_rows(ch, scenario, prices, res, constraints, lang)
    if reported:  # the share of head in milk that would reconcile the herd with the volume
        share = scan(lambda n, c, l, r: {"x": (r / (n * c * l), 0.0)},
                     {"n": producers, "c": cows1, "l": y1, "r": reported})["x"]["initial"]
        checks.append({"chain": ch, "scenario": SCENARIO_MAIN, "prices": "",
                       "check": t("implied.c_dairy_in_milk_share", lang),
                       "implied_low": share[0], "implied_high": share[1],
                       "published_low": math.nan, "published_high": math.nan, "relation": "",
                       "corners_failing": math.nan, "corners_total": math.nan, "verdict": "",
                       "source": t("implied.assumption_source", lang)})

    own = t("implied.assumption_source", lang)
    channels0 = (f"{sh0[0]:.0%} × S/ {_fmt_range(*pc0)} + {sh0[1]:.0%} × S/ {_fmt_range(*pd0)}")
    channels1 = (f"{sh1[0]:.0%} × base + {sh1[1]:.0%} × (base + {_fmt_range(*prem_r)}) + "
                 f"{sh1[2]:.0%} × (base + {_fmt_range(*prem_d)})")
    vol_text = "; ".join(f"{_fmt_range(*r)} l/día" if lang == "es" else f"{_fmt_range(*r)} l/day"
                         for _, r in volumes)
    a = [("a_days_per_year", str(days), own),
         ("a_cows_in_milk", f"{inm:g}", own),
         ("a_cows", f"{_fmt_range(*cows0)} → {_fmt_range(*cows1)}",
          f"{src('cows_per_producer', 'initial')}; {src('cows_per_producer', 'current')}"),
         ("a_milk_yield" if p.initial_yield == "territory" else "a_milk_yield_members",
          f"{_fmt_range(*y0)} → {_fmt_range(*y1)}", f"{y0_src}; {src('milk_yield_l_cow_day', 'current')}"),
         ("a_channels_initial", channels0, src("price_collector_pen_l", "initial")),
         ("a_channels_current", channels1, src("share_redeslac_pct", "current")),
         ("a_collector_price_current_redeslac", f"S/ {_fmt_range(*base_nominal)}",
          src("redeslac_price_pen_l", "initial")),
         ("a_collector_price_constant", f"S/ {_fmt_range(*pc0)}", src("price_collector_pen_l", "initial")),
         ("a_redeslac_premium_all", f"S/ {_fmt_range(*prem_r)}", src("price_premium_redeslac_pen_l", "current")),
         ("a_daily_volumes", vol_text or "—",
          "; ".join(src(i, "current") for i, _ in volumes) or own),
         ("a_income_gross", "—", own),
         ("a_producers_chain", _fmt_range(*producers), "networks.csv; network_totals.csv"),
         ("a_same_producers", _fmt_range(*producers), own),
         ("a_interval", t("implied.a_interval_value", lang, points=k), own)]
    assumptions = [{"chain": ch, "assumption": t(f"implied.{key}", lang), "value": v, "source": s}
                   for key, v, s in a]
    return rows, assumptions, checks, scans


def mango_effects(ind: Indicators, producers: tuple[float, float], p: ImpliedParams):
    """Effects rows, assumption rows, checks and scans for the mango chain.

    The current value is the initial revenue per ha carried forward at the same prices by
    quality (the document gives no initial price), so it is a constant-price figure. A reading
    of the +yield figure whose marketable volume grows more than any production increase the
    document states for a part of the chain is contradicted (it counts the waste twice).
    """
    lang, ch, pct, k = p.lang, "mango", 0.01, p.grid_points
    ha0, ha1 = ind.range("hectares_in_production", ch, "initial"), ind.range("hectares_in_production", ch, "current")
    rev0 = ind.range("revenue_per_ha_pen", ch, "initial")
    g = ind.range("yield_change_pct", ch, "current", pct)
    w0, w1 = ind.range("waste_pct", ch, "initial", pct), ind.range("waste_pct", ch, "current", pct)
    d0, d1 = ind.range("discard_pct", ch, "initial", pct), ind.range("discard_pct", ch, "current", pct)
    price = ind.range("price_mebol_pen_kg", ch, "current")
    src = lambda i, per: ind.source(i, ch, per)  # noqa: E731

    def model(h0, h1, r0, gc, m0, m1, x0, x1, pf, rr, net, n):
        kg0 = mango_marketable_per_ha(r0, pf, rr, x0)
        v1 = mango_revenue_per_ha(r0, gc, m0, m1, x0, x1, rr, net)
        kg1 = kg0 * (1 + gc) * (1.0 if net else (1 - m1) / (1 - m0))
        return {"chain_production": (kg0 * h0, kg1 * h1), "chain_sales_value": (r0 * h0, v1 * h1),
                "chain_income": (r0 * h0, v1 * h1),
                "production": (kg0 * h0 / n, kg1 * h1 / n), "sales_value": (r0 * h0 / n, v1 * h1 / n),
                "income": (r0 * h0 / n, v1 * h1 / n)}

    # The largest production or yield increase the document states for any part of the chain.
    f = ind.frame
    stated = f[f["indicator_id"].isin(MANGO_VOLUME_STATEMENTS) & (f["chain"] == ch)
               & (f["period"] == "current")]
    constraints = []
    if len(stated):
        highs = [float(v) for v in pd.to_numeric(stated["high"].fillna(stated["value"]))]
        sources = list(stated["source"].astype(str))
        top = 1 + max(highs) * pct
        constraints.append(Constraint(
            "mango_volume_bound", lambda gc, m0, m1, net: (1 + gc) * (1.0 if net else (1 - m1) / (1 - m0)),
            (top, top), "; ".join(dict.fromkeys(sources)), "at_most"))
    res = scan_consistent(model, {"h0": ha0, "h1": ha1, "r0": rev0, "gc": g, "m0": w0, "m1": w1,
                                  "x0": d0, "x1": d1, "pf": price, "rr": p.discard_price_ratio,
                                  "net": p.yield_net_of_waste, "n": producers},
                          constraints)
    flag = (CONSISTENT if res.consistent else CONTRADICTED) if constraints else ""
    units = {"production": t("implied.u_kg_year", lang), "sales_value": t("implied.u_pen_year", lang),
             "income": t("implied.u_pen_year", lang)}
    notes = {"production": t("implied.n_production_mango", lang), "sales_value": t("implied.n_sales_mango", lang),
             "income": t("implied.n_income", lang)}
    rows = _rows(ch, "per_producer", res.intervals, units, notes, lang, SCENARIO_MAIN, flag,
                 PRICES_CONSTANT, res)
    rows += _rows(ch, "chain", {q: res.intervals["chain_" + q] for q in units}, units, notes, lang,
                  SCENARIO_MAIN, flag, PRICES_CONSTANT, res)
    checks = _check_rows(ch, SCENARIO_MAIN, PRICES_CONSTANT, res, constraints, lang)

    own = t("implied.assumption_source", lang)
    pc = lambda r: _fmt_range(r[0] * 100, r[1] * 100)  # noqa: E731
    kept_net = sorted({bool(v) for v in res.kept_inputs["net"]})
    a = [("a_mango_hectares", f"{_fmt_range(*ha0)} → {_fmt_range(*ha1)}", src("hectares_in_production", "current")),
         ("a_mango_revenue_initial", f"S/ {_fmt_range(*rev0)}", src("revenue_per_ha_pen", "initial")),
         ("a_mango_yield", f"+{pc(g)}%", src("yield_change_pct", "current")),
         ("a_mango_yield_interpretation",
          ", ".join(t("implied.yield_net" if v else "implied.yield_gross", lang) for v in kept_net), own),
         ("a_mango_waste", f"{pc(w0)}% → {pc(w1)}%", src("waste_pct", "current")),
         ("a_mango_discard", f"{pc(d0)}% → {pc(d1)}%", src("discard_pct", "current")),
         ("a_mango_price_first", f"S/ {_fmt_range(*price)} /kg", src("price_mebol_pen_kg", "current")),
         ("a_mango_price_discard", _fmt_range(*p.discard_price_ratio), own),
         ("a_mango_constant_prices", "—", own),
         ("a_mango_buyers", "—", src("share_mebol_pct", "current")),
         ("a_income_gross", "—", own),
         ("a_producers_chain", _fmt_range(*producers), "networks.csv; network_totals.csv"),
         ("a_same_producers", _fmt_range(*producers), own),
         ("a_interval", t("implied.a_interval_value", lang, points=k), own)]
    assumptions = [{"chain": ch, "assumption": t(f"implied.{key}", lang), "value": v, "source": s}
                   for key, v, s in a]
    return rows, assumptions, checks, {(SCENARIO_MAIN, PRICES_CONSTANT): res}


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


def _mid(r: tuple[float, float]) -> float:
    return (r[0] + r[1]) / 2


def dairy_decomposition(ind: Indicators, scans: Mapping[tuple[str, str], ScanResult],
                        p: ImpliedParams) -> list[dict]:
    """Multiplicative drivers of the per-producer dairy sales-value change, per scenario and
    price variant, at the midpoints of the inputs over the consistent corners.

    ratio(current/initial) = volume drivers (herd × yield, or the published volume per producer
    against the initial herd × yield) × market price (the current base price against the initial
    collector price; 1 at constant prices) × sales channel (the current channel mix and the
    programme's premiums, at the initial collector price, against the initial mix). The
    ``total`` row is their product.
    """
    ch, pct = "lacteos", 0.01
    sh0 = [ind.range("share_collector_pct", ch, "initial", pct)[0], ind.range("share_direct_pct", ch, "initial", pct)[0]]
    sh1 = [ind.range("share_collector_pct", ch, "current", pct)[0], ind.range("share_redeslac_pct", ch, "current", pct)[0],
           ind.range("share_direct_pct", ch, "current", pct)[0]]
    out = []
    for (scenario, prices), res in scans.items():
        m = {k: v[0] if v[0] is None else _mid(v) for k, v in res.kept_inputs.items()}
        a0, pr, pdr = m["a0"], m["pr"], m["pdr"]
        b1 = a0 if m.get("b1") is None else m["b1"]
        p0 = blended_price(sh0, [a0, m["d0"]])
        p1_const = blended_price(sh1, [a0, a0 + pr, a0 + pdr])
        p1 = blended_price(sh1, [b1, b1 + pr, b1 + pdr])
        inm = p.cows_in_milk_fraction
        if scenario == SCENARIO_MAIN:
            drivers = [("herd", m["c1"] / m["c0"]), ("yield", m["l1"] / m["l0"])]
        else:
            drivers = [("volume", (m["vol"] / m["n"]) / (m["c0"] * inm * m["l0"]))]
        drivers += [("market_price", p1 / p1_const), ("channel", p1_const / p0)]
        total = math.prod(r for _, r in drivers)
        consistency = CONSISTENT if res.consistent else CONTRADICTED
        out += [{"chain": ch, "scenario": scenario, "prices": prices, "driver": d, "ratio": r,
                 "consistency": consistency} for d, r in drivers + [("total", total)]]
    return out


def mango_decomposition(ind: Indicators, scans: Mapping[tuple[str, str], ScanResult],
                        p: ImpliedParams) -> list[dict]:
    """Drivers of the mango sales-value change (hectares, yield, waste, discard mix) at the
    midpoints of the consistent corners; ``total`` is their product."""
    ch = "mango"
    out = []
    for (scenario, prices), res in scans.items():
        m = res.kept_inputs
        mid = {k: _mid(v) for k, v in m.items() if k != "net"}
        net = bool(m["net"][0]) and bool(m["net"][1])  # only the net reading kept
        rr = mid["rr"]
        mix = (1 - mid["x1"] + mid["x1"] * rr) / (1 - mid["x0"] + mid["x0"] * rr)
        drivers = [("hectares", mid["h1"] / mid["h0"]), ("yield", 1 + mid["gc"]),
                   ("waste", 1.0 if net else (1 - mid["m1"]) / (1 - mid["m0"])), ("discard_mix", mix)]
        total = math.prod(r for _, r in drivers)
        consistency = CONSISTENT if res.consistent else CONTRADICTED
        out += [{"chain": ch, "scenario": scenario, "prices": prices, "driver": d, "ratio": r,
                 "consistency": consistency} for d, r in drivers + [("total", total)]]
    return out


# Assumptions the document does not give, each varied over a stated range: (chain, parameter,
# the ImpliedParams field, the values tried). The first value of each is the default.
SENSITIVITY = (
    ("mango", "discard_price_ratio", "discard_price_ratio",
     tuple((x, x) for x in (0.25, 0.30, 0.35, 0.40, 0.45, 0.50))),
    ("mango", "yield_reading", "yield_net_of_waste", ((True,), (False,))),
    ("lacteos", "cows_in_milk_fraction", "cows_in_milk_fraction", (1.0, 0.8, 0.6)),
    ("lacteos", "initial_yield", "initial_yield", ("territory", "members")),
)


def sensitivity(ind: Indicators, producers: Mapping[str, tuple[float, float]],
                p: ImpliedParams) -> list[dict]:
    """The headline per-producer income change (nominal where there is a nominal variant) for
    each value of each assumption in ``SENSITIVITY``, all else at its default; a value under
    which no corner agrees with the document is marked ``contradicho``."""
    out = []
    for chain, parameter, field_name, values in SENSITIVITY:
        for v in values:
            q = dataclasses.replace(p, **{field_name: v})
            if chain == "mango":
                rows = mango_effects(ind, producers["mango"], q)[0]
            else:
                rows = dairy_effects(ind, producers["lacteos"], q)[0]
            sel = headline_rows(pd.DataFrame([r for r in rows if r["level"] == "per_producer"
                                              and r["quantity"] == "income"]), allow_contradicted=True)
            r = sel.iloc[0]
            shown = v[0] if isinstance(v, tuple) else v
            out.append({"chain": chain, "parameter": parameter, "value": shown,
                        "default": getattr(p, field_name) == v,
                        "pct_low": r["pct_low"], "pct_high": r["pct_high"],
                        "scenario": r["scenario"], "prices": r["prices"],
                        "consistency": r["consistency"]})
    return out


def compute_implied(indicators: pd.DataFrame, networks: pd.DataFrame,
                    params: ImpliedParams = ImpliedParams(),
                    network_totals: pd.DataFrame | None = None,
                    claims: pd.DataFrame | None = None) -> ImpliedResult:
    """Implied production, sales value and income changes per producer and chain, as intervals
    over the corners consistent with the document's other statements."""
    ind = Indicators(indicators)
    producers = {c: producers_range(networks, c, network_totals) for c in ("lacteos", "mango")}
    d_rows, d_ass, d_checks, d_scans = dairy_effects(ind, producers["lacteos"], params)
    m_rows, m_ass, m_checks, m_scans = mango_effects(ind, producers["mango"], params)
    employment = employment_table(params.lang)
    job_rows = [{"chain": "todas", "level": "territory", "quantity": r["indicator"], "unit": "",
                 **{c: math.nan for c in EFFECT_COLUMNS[4:12]}, "status": r["status"],
                 "note": f"{r['reason']}. {t('implied.data_needed_prefix', params.lang)} "
                         f"{r['data_needed']}", "scenario": SCENARIO_MAIN, "consistency": "",
                 "prices": ""}
                for _, r in employment.iterrows()]
    effects = pd.DataFrame(m_rows + d_rows + stated_changes(claims, params.lang) + job_rows,
                           columns=EFFECT_COLUMNS)
    assumptions = pd.DataFrame(m_ass + d_ass, columns=ASSUMPTION_COLUMNS)
    decomposition = pd.DataFrame(dairy_decomposition(ind, d_scans, params)
                                 + mango_decomposition(ind, m_scans, params))
    sens = pd.DataFrame(sensitivity(ind, producers, params))
    checks = pd.DataFrame(m_checks + d_checks, columns=CHECK_COLUMNS)
    return ImpliedResult(effects, assumptions, employment, checks, decomposition, sens)


# ---------------------------------------------------------------- conclusions

def _pct(x: float) -> str:
    return f"{round(x):,d}"


def _money_range(lo: float, hi: float) -> str:
    a, b = f"{round(lo):,d}", f"{round(hi):,d}"
    return a if a == b else f"{a} – {b}"


def headline_rows(sel: pd.DataFrame, allow_contradicted: bool = False) -> pd.DataFrame:
    """The scenario that may headline: never one the document contradicts (unless
    ``allow_contradicted``, for the sensitivity table, and then only when nothing else is left);
    among the rest, the main scenario if present, else the first; nominal prices where there is
    a nominal variant."""
    if "consistency" in sel:
        ok = sel[sel["consistency"].fillna("").astype(str) != CONTRADICTED]
        sel = ok if len(ok) or not allow_contradicted else sel
    if "prices" in sel and len(sel) > 1:
        nominal = sel[sel["prices"] == PRICES_NOMINAL]
        sel = nominal if len(nominal) else sel
    if "scenario" in sel and len(sel) > 1:
        main = sel[sel["scenario"] == SCENARIO_MAIN]
        sel = main if len(main) else sel.iloc[:1]
    return sel


def _constant_variant(implied: pd.DataFrame, chain: str, headline: pd.Series) -> pd.Series | None:
    """The constant-price row of the headline's scenario, when the headline is nominal."""
    if "prices" not in implied or headline.get("prices") != PRICES_NOMINAL:
        return None
    sel = implied[(implied["chain"] == chain) & (implied["level"] == "per_producer")
                  & (implied["quantity"] == "income") & (implied["scenario"] == headline["scenario"])
                  & (implied["prices"] == PRICES_CONSTANT)]
    return sel.iloc[0] if len(sel) else None


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
        bare, extra = value, []
        if ok:
            value += " (" + t("implied.careful_wording", lang) + ")"
            const = _constant_variant(implied, chain, r)
            if const is not None:
                extra.append(t("implied.constant_prices_text", lang,
                               chain=t(f"common.chain_{chain}", lang).lower(),
                               low=_pct(const["pct_low"]), high=_pct(const["pct_high"])))
            stated = implied[(implied["chain"] == chain) & (implied["level"] == LEVEL_STATED)]
            if len(stated):
                extra.append(t("implied.stated_prefix", lang) + " " + "; ".join(
                    f"+{_pct(s.pct_low)}% ({s.note})" for s in stated.itertuples()))
            value = ". ".join([value, *extra])
        basis = t("implied.basis_income", lang, chain=t(f"common.chain_{chain}", lang)) + "; " + t(
            "implied.basis_income_values", lang,
            initial=_money_range(r["initial_low"], r["initial_high"]),
            current=_money_range(r["current_low"], r["current_high"]))
        out.append({"placeholder": key, "label": t(f"implied.ph_{key}", lang),
                    "value_text": value, "status": STATUS_OK if ok else STATUS_UNDETERMINED,
                    "basis": basis, "range_text": bare, "extra_text": ". ".join(extra)})
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
    stated = [by[k]["extra_text"] for k in ("mango_income", "dairy_income")
              if by[k].get("extra_text")]
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
