"""Seeded synthetic demo survey (Excel, Spanish, one sheet per round) calibrated to the published figures.

Run ``python -m analysis.survey.demo --out data/raw/survey/encuesta_demo.xlsx --seed 2011
--csv-out data/raw/survey/encuesta_demo_equipo2.csv``.

``--csv-out`` also exports the SAME survey (the clean truth, before the workbook's dirt) the way a
second monitoring team might deliver it: one long CSV, Latin-1, ``;``-separated, decimal comma,
upper-case column names, round in a column, sex coded 1/2, member S/N; its only planted dirt is
one misspelt network name (listed in ``<stem>_dirt.json``). Mapped by config/demo_equipo2.yaml.

Members: the 12 networks of ``networks.csv`` with their men and women; cohort = year of
``start_date``; a member is treated from the first round after baseline whose year is >= its cohort.
Comparison: ``N_COMPARISON`` non-member producers per chain living in the members' sectors.

Calibration (read from ``chain_indicators.csv``, chain-level rows): for each chain, production is a
product of components (dairy: cows x litres/cow/day x price; mango: hectares x kg sold/ha x price).
Members' baseline means equal the published *initial* values and treated members' final means
equal the published *current* values. The log change g_k of each component is split into a
planted treatment effect (share g_k/G of ``PLANTED_EFFECTS[chain]["log_sales_value_pen"]``, G =
sum of g_k) and a common time trend (the rest) that the comparison group also gets. On top come
sector x round and network x round shocks, producer effects and a level gap of the comparison
group, so only a difference-in-differences recovers the planted effects.

Dirt is planted on purpose and listed (with sheet, Excel row and column) in a sidecar JSON.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from analysis.paths import PUBLISHED

# Planted effects (design values of this demo, not findings). Effects switch on in the first
# round in which the producer's network has started and stay constant (no dynamics).
# log_*: effect on the natural log of the outcome; labour_days: person-days per year added to
# hired labour (so to family + hired days).
PLANTED_EFFECTS = {
    "lacteos": {"log_net_income_pen": 0.80, "log_sales_value_pen": 0.65, "labour_days": 45.0},
    "mango": {"log_net_income_pen": 0.45, "log_sales_value_pen": 0.35, "labour_days": 30.0},
}

# Design assumptions of the demo (not published figures; stated so a reader can see them).
N_COMPARISON = {"lacteos": 50, "mango": 50}
DEMO_ASSUMPTIONS = {
    "milking_days_per_year": 305,          # litres sold = cows x l/cow/day x these days
    "margin": {"lacteos": 0.30, "mango": 0.45},   # net income / sales before the programme
    "family_days": {"lacteos": 220.0, "mango": 90.0},
    "hired_days": {"lacteos": 30.0, "mango": 40.0},
    "family_days_trend": 12.0,             # common change 2005 -> 2011, both groups
    "comparison_log_gap": -0.15,           # comparison producers are a bit smaller
    "mango_direct_share_before_pct": 25.0,  # sold at the Trujillo market before the programme
    "sd": {"producer": 0.35, "yield_producer": 0.10, "sector_round": 0.10,
           "network_round": 0.06, "idiosyncratic": 0.10, "price": 0.03, "margin": 0.05,
           "family_days": 8.0, "hired_days": 5.0, "share_pts": 4.0},
}
SHEETS = (("Línea de base 2005", 0, 2005), ("Seguimiento 2007", 1, 2007), ("Final 2011", 2, 2011))
HEADERS = {
    "producer_key": "Código productor", "name": "Nombre y apellidos", "dni": "DNI",
    "phone": "Teléfono", "address": "Dirección", "network": "Red", "sector": "Sector",
    "chain": "Cadena", "sex": "Sexo", "member": "¿Integra una red?",
    "net_income_pen": "Ingreso neto anual (S/.)", "sales_value_pen": "Ventas anuales (S/.)",
    "family_labour_days": "Jornales familiares", "hired_labour_days": "Jornales contratados",
    "cows": "N° vacas", "milk_yield_l_cow_day": "Litros/vaca/día", "hectares": "Hectáreas",
    "kg_sold": "Kg vendidos", "price_pen_unit": "Precio promedio (S/.)",
    "share_main_buyer_pct": "% venta comprador principal", "share_direct_pct": "% venta directa",
}
SECTORS = ("La Merced", "Santa Rosa", "Santa Victoria", "Santo Domingo", "Conache", "San Juan",
           "Pampas de San Juan", "Santa Lucía Barraza", "San Carlos Galindo", "San Pachusco")
FALLBACK_SECTOR = "Santo Domingo"          # for a network whose name names no sector
FIXED_TIMESTAMP = dt.datetime(2012, 1, 15, 9, 0, 0)
FIRST_F = ("María", "Rosa", "Carmen", "Luz", "Ana", "Julia", "Elena", "Teresa", "Gladys",
           "Norma", "Marleni", "Silvia", "Flor", "Juana", "Doris", "Isabel")
FIRST_M = ("José", "Juan", "Luis", "Carlos", "Pedro", "Jorge", "Víctor", "Manuel", "César",
           "Segundo", "Santos", "Wilmer", "Raúl", "Miguel", "Alberto", "Félix")
SURNAMES = ("Rodríguez", "Vásquez", "Sánchez", "Castillo", "Mendoza", "Paredes", "Reyes",
            "Gutiérrez", "Cruz", "Ruiz", "Alvarado", "Benites", "Chávez", "Polo", "Otiniano",
            "Zavaleta", "Horna", "Rojas", "Valverde", "Cabrera")
STREETS = ("Los Olivos", "Las Flores", "San Martín", "Grau", "Bolognesi", "Los Pinos", "La Unión")


@dataclass
class DemoResult:
    """What :func:`generate_demo` made: sheets as written, clean truth, dirt list, file hash."""

    sheets: dict[str, pd.DataFrame]
    truth: pd.DataFrame
    producers: pd.DataFrame
    dirt: list[dict]
    calibration: dict
    path: Path | None = None
    sha256: str | None = None
    counts: dict = field(default_factory=dict)


# ---------------------------------------------------------------- calibration from published CSVs
def _indicator(ind: pd.DataFrame, indicator: str, chain: str, period: str, *,
               chain_level: bool = True) -> float:
    sel = ind[(ind["indicator_id"] == indicator) & (ind["chain"] == chain) & (ind["period"] == period)]
    if chain_level:
        sel = sel[sel["network_id"].isna()]
    if sel.empty:
        level = "chain-level " if chain_level else ""
        raise KeyError(f"chain_indicators.csv: no {level}row indicator_id={indicator!r}, "
                       f"chain={chain!r}, period={period!r}")
    return float(sel["value"].iloc[0])


def load_calibration(published_dir: Path = PUBLISHED) -> dict:
    """Per chain: initial and current mean of each production component, plus channel shares."""
    ind = pd.read_csv(Path(published_dir) / "chain_indicators.csv")
    nets = pd.read_csv(Path(published_dir) / "networks.csv")
    g = lambda name, chain, period, **kw: _indicator(ind, name, chain, period, **kw)  # noqa: E731

    # dairy: price = channel-share weighted; current collector price unpublished -> initial one
    pc, pd_ = g("price_collector_pen_l", "lacteos", "initial"), g("price_direct_pen_l", "lacteos", "initial")
    sc0, sd0 = g("share_collector_pct", "lacteos", "initial"), g("share_direct_pct", "lacteos", "initial")
    sc1, sr1 = g("share_collector_pct", "lacteos", "current"), g("share_redeslac_pct", "lacteos", "current")
    sd1 = g("share_direct_pct", "lacteos", "current")
    prem_r = g("price_premium_redeslac_pen_l", "lacteos", "current")
    prem_d = g("price_premium_direct_pen_l", "lacteos", "current")
    dairy = {
        "components": {
            "cows": (g("cows_per_producer", "lacteos", "initial"), g("cows_per_producer", "lacteos", "current")),
            "milk_yield_l_cow_day": (g("milk_yield_l_cow_day", "lacteos", "initial"),
                                     g("milk_yield_l_cow_day", "lacteos", "current")),
            "price_pen_unit": ((sc0 * pc + sd0 * pd_) / (sc0 + sd0),
                               (sc1 * pc + sr1 * (pc + prem_r) + sd1 * (pc + prem_d)) / (sc1 + sr1 + sd1)),
        },
        "share_main_buyer_pct": (sc0, sc1 + sr1),
        "share_direct_pct": (sd0, sd1),
    }
    # mango: hectares spread over the chain's members; usual price = MEBOL price / (1 + premium)
    n_mango = int(nets.loc[nets["chain"] == "mango", "total"].sum())
    p_mebol = g("price_mebol_pen_kg", "mango", "current")
    premium = g("price_premium_agroexport_pct", "mango", "current", chain_level=False)
    p0 = p_mebol / (1 + premium / 100)
    s_exp = g("share_mebol_pct", "mango", "current") + g("share_perufrut_pct", "mango", "current")
    s_dir = g("share_direct_pct", "mango", "current")
    s_col = g("share_collectors_pct", "mango", "current")
    kg_ha0 = g("revenue_per_ha_pen", "mango", "initial") / p0
    w0, w1 = g("waste_pct", "mango", "initial"), g("waste_pct", "mango", "current")
    kg_ha1 = kg_ha0 * (1 + g("yield_change_pct", "mango", "current") / 100) * (1 - w1 / 100) / (1 - w0 / 100)
    mango = {
        "components": {
            "hectares": (g("hectares_in_production", "mango", "initial") / n_mango,
                         g("hectares_in_production", "mango", "current") / n_mango),
            "kg_per_ha": (kg_ha0, kg_ha1),
            "price_pen_unit": (p0, (s_exp * p_mebol + (s_dir + s_col) * p0) / (s_exp + s_dir + s_col)),
        },
        "share_main_buyer_pct": (0.0, s_exp),
        "share_direct_pct": (DEMO_ASSUMPTIONS["mango_direct_share_before_pct"], s_dir),
    }
    calib = {"lacteos": dairy, "mango": mango}
    for chain, c in calib.items():
        growth = {k: math.log(v1 / v0) for k, (v0, v1) in c["components"].items()}
        total = sum(growth.values())
        planted = PLANTED_EFFECTS[chain]["log_sales_value_pen"]
        if not 0 < planted < total:
            raise ValueError(f"{chain}: planted log-sales effect {planted} must lie in (0, {total:.3f}), "
                             "the published members' log change")
        c["effect"] = {k: planted * gk / total for k, gk in growth.items()}
        c["trend"] = {k: gk - c["effect"][k] for k, gk in growth.items()}
    return calib


# ---------------------------------------------------------------- producers
def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(text.replace("-", " ").replace('"', " ").split())


def network_sector(short_name: str) -> str:
    """Longest sector name contained in the network's name (accents/hyphens ignored)."""
    hits = [s for s in SECTORS if f" {_plain(s)} " in f" {_plain(short_name)} "]
    return max(hits, key=len) if hits else FALLBACK_SECTOR


def _person(rng, sex: str, sector: str, used_dni: set) -> dict:
    first = rng.choice(FIRST_F if sex == "F" else FIRST_M)
    s1, s2 = rng.choice(SURNAMES, size=2, replace=False)
    while True:
        dni = f"{rng.integers(10_000_000, 80_000_000):08d}"
        if dni not in used_dni:
            used_dni.add(dni)
            break
    phone = "9" + f"{rng.integers(0, 100_000_000):08d}"
    if rng.random() < 0.5:
        address = f"Calle {rng.choice(STREETS)} {rng.integers(100, 999)}, {sector}"
    else:
        address = f"Mz. {'ABCDEFGH'[rng.integers(0, 8)]} Lt. {rng.integers(1, 30)}, {sector}"
    return {"name": f"{first} {s1} {s2}", "dni": dni, "phone": phone, "address": address}


def build_producers(networks: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Members (exact men/women per network) and ``N_COMPARISON`` comparison producers per chain."""
    rows, used = [], set()
    for net in networks.itertuples(index=False):
        sector = network_sector(net.short_name)
        for sex, n in (("M", int(net.men)), ("F", int(net.women))):
            for _ in range(n):
                rows.append({"network_id": net.network_id, "network_label": net.short_name,
                             "sector": sector, "chain": net.chain, "sex": sex, "member": True,
                             "programme_phase": int(net.programme_phase),
                             "cohort_year": int(str(net.start_date)[:4])})
    for chain in sorted(N_COMPARISON):
        sectors = sorted({r["sector"] for r in rows if r["chain"] == chain})
        for _ in range(N_COMPARISON[chain]):
            rows.append({"network_id": None, "network_label": None,
                         "sector": sectors[rng.integers(0, len(sectors))], "chain": chain,
                         "sex": "F" if rng.random() < 0.45 else "M", "member": False,
                         "programme_phase": None, "cohort_year": None})
    prod = pd.DataFrame(rows)
    pii = [_person(rng, r.sex, r.sector, used) for r in prod.itertuples()]
    prod = pd.concat([prod, pd.DataFrame(pii)], axis=1)
    prod.insert(0, "producer_key", [f"LAR-{i + 1:03d}" for i in range(len(prod))])
    return prod


# ---------------------------------------------------------------- outcomes
def simulate(producers: pd.DataFrame, calib: dict, rng: np.random.Generator,
             planted: dict | None = None, sectors: tuple | None = None) -> pd.DataFrame:
    """Clean producer x round panel (the truth before any dirt), canonical column names.

    ``planted`` (default ``PLANTED_EFFECTS``) gives the margin and labour effects; with
    ``calib[chain]["effect"]`` set to zeros and ``planted`` to zeros, the same ``rng`` state gives
    the untreated potential outcomes Y(0) of the same draw (the coverage simulation uses that).
    ``sectors`` (default ``SECTORS``, Laredo's) are the places that get sector x round shocks
    (the programme demo passes its own).
    """
    planted_all = PLANTED_EFFECTS if planted is None else planted
    sd, a = DEMO_ASSUMPTIONS["sd"], DEMO_ASSUMPTIONS
    y0, y_end = SHEETS[0][2], SHEETS[-1][2]
    n = len(producers)
    fe = rng.normal(-sd["producer"] ** 2 / 2, sd["producer"], n)
    fe_yield = rng.normal(-sd["yield_producer"] ** 2 / 2, sd["yield_producer"], n)
    fe_lab = rng.normal(0, 0.15, n)
    gap = np.where(producers["member"], 0.0, a["comparison_log_gap"])
    sector_shock = {(s, r): rng.normal(0, sd["sector_round"]) for s in (sectors or SECTORS) for _, r, _ in SHEETS}
    net_ids = sorted(producers["network_id"].dropna().unique())
    network_shock = {(k, r): rng.normal(0, sd["network_round"]) for k in net_ids for _, r, _ in SHEETS}
    out = []
    for _sheet, rnd, year in SHEETS:
        s = (year - y0) / (y_end - y0)
        for i, p in enumerate(producers.itertuples(index=False)):
            c = calib[p.chain]
            eff, tr = c["effect"], c["trend"]
            treated = bool(p.member) and rnd > 0 and p.cohort_year <= year
            d = 1.0 if treated else 0.0
            shock = sector_shock[(p.sector, rnd)] + (network_shock[(p.network_id, rnd)] if p.member else 0.0)
            eps = rng.normal(-sd["idiosyncratic"] ** 2 / 2, sd["idiosyncratic"])
            comp = {k: v0 * math.exp(s * tr[k] + d * eff[k]) for k, (v0, _v1) in c["components"].items()}
            price = comp["price_pen_unit"] * math.exp(rng.normal(-sd["price"] ** 2 / 2, sd["price"]))
            row = {"producer_key": p.producer_key, "round": rnd, "year": year, "treated": treated}
            if p.chain == "lacteos":
                cows = comp["cows"] * math.exp(fe[i] + gap[i])
                yld = comp["milk_yield_l_cow_day"] * math.exp(fe_yield[i] + shock + eps)
                qty = cows * yld * a["milking_days_per_year"]
                row.update(cows=float(max(1, round(cows))), milk_yield_l_cow_day=round(yld, 1),
                           hectares=np.nan, kg_sold=np.nan)
            else:
                ha = comp["hectares"] * math.exp(fe[i] + gap[i])
                qty = ha * comp["kg_per_ha"] * math.exp(fe_yield[i] + shock + eps)
                row.update(cows=np.nan, milk_yield_l_cow_day=np.nan, hectares=round(ha, 2),
                           kg_sold=float(round(qty)))
            sales = qty * price
            planted = planted_all[p.chain]
            margin_eff = planted["log_net_income_pen"] - planted["log_sales_value_pen"]
            margin_eps = rng.normal(-sd["margin"] ** 2 / 2, sd["margin"])
            margin = a["margin"][p.chain] * math.exp(d * margin_eff + margin_eps)
            fam = a["family_days"][p.chain] * math.exp(fe_lab[i]) + s * a["family_days_trend"] \
                + rng.normal(0, sd["family_days"])
            hired = a["hired_days"][p.chain] + d * planted["labour_days"] \
                + rng.normal(0, sd["hired_days"])
            main_mean = c["share_main_buyer_pct"][int(treated)]
            direct_mean = c["share_direct_pct"][int(treated)]
            main = main_mean + rng.normal(0, sd["share_pts"]) if main_mean > 0 else 0.0
            main = min(100.0, max(0.0, main))
            direct = min(100.0 - main, max(0.0, direct_mean + rng.normal(0, sd["share_pts"])))
            row.update(net_income_pen=float(round(sales * margin)), sales_value_pen=float(round(sales)),
                       family_labour_days=float(max(0, round(fam))), hired_labour_days=float(max(0, round(hired))),
                       price_pen_unit=round(price, 2), share_main_buyer_pct=float(round(main)),
                       share_direct_pct=float(round(direct)))
            out.append(row)
    panel = pd.DataFrame(out)
    keep = ["producer_key", "network_id", "sector", "chain", "sex", "member", "programme_phase", "cohort_year"]
    panel = panel.merge(producers[keep], on="producer_key", how="left", validate="many_to_one")
    for col in ("programme_phase", "cohort_year"):
        panel[col] = panel[col].astype("Int64")
    return panel


# ---------------------------------------------------------------- sheets and dirt
SEX_LABELS = {0: {"F": "Mujer", "M": "Hombre"}}        # baseline team wrote words, later F/M
CHAIN_LABELS = {1: {"lacteos": "Leche", "mango": "Mango"}}
DEFAULT_CHAIN = {"lacteos": "Lácteos", "mango": "Mango"}


def _sheet_frame(truth: pd.DataFrame, producers: pd.DataFrame, rnd: int) -> pd.DataFrame:
    df = truth[truth["round"] == rnd].merge(
        producers[["producer_key", "name", "dni", "phone", "address", "network_label"]], on="producer_key")
    out = pd.DataFrame({"producer_key": df["producer_key"], "name": df["name"], "dni": df["dni"],
                        "phone": df["phone"], "address": df["address"],
                        "network": df["network_label"].where(df["member"], None), "sector": df["sector"],
                        "chain": df["chain"].map(CHAIN_LABELS.get(rnd, DEFAULT_CHAIN)),
                        "sex": df["sex"].map(SEX_LABELS.get(rnd, {"F": "F", "M": "M"})),
                        "member": np.where(df["member"], "Sí", "No")})
    for col in list(HEADERS)[10:]:
        out[col] = df[col].astype(object).where(df[col].notna(), None)
    return out.astype(object).reset_index(drop=True)


def _pick(rng, df: pd.DataFrame, mask, taken: set) -> int:
    idx = [i for i in df.index[mask] if (df.at[i, "producer_key"]) not in taken]
    i = int(idx[rng.integers(0, len(idx))])
    taken.add(df.at[i, "producer_key"])
    return i


def plant_dirt(sheets: dict[str, pd.DataFrame], truth: pd.DataFrame, networks: pd.DataFrame,
               rng: np.random.Generator) -> list[dict]:
    """Edit the sheets in place; return one record per planted problem (row filled in later)."""
    names = dict(zip(networks["short_name"], networks["network_id"]))
    by_name = {v: k for k, v in names.items()}
    pach = networks.loc[networks["short_name"] == "San Pachusco", "network_id"].iloc[0]
    base, mid, fin = (s for s, _, _ in SHEETS)
    dirt, taken = [], {s: set() for s in sheets}

    def cell(sheet, i, col, new, kind, note):
        old = sheets[sheet].at[i, col]
        sheets[sheet].at[i, col] = new
        dirt.append({"kind": kind, "sheet": sheet, "producer_key": sheets[sheet].at[i, "producer_key"],
                     "column": HEADERS[col], "value": new, "true_value": old, "note": note})

    for sheet, spelling in ((mid, "San Puchusco"), (mid, "San Puchusco"), (fin, "San Pachuzco"), (fin, "San Pachuzco")):
        df = sheets[sheet]
        i = _pick(rng, df, df["network"] == by_name[pach], taken[sheet])
        cell(sheet, i, "network", spelling, "network_misspelt", "misspelt network name")
    for sheet, label, variant, kind in ((fin, "Santa Rosa", "santa rosa", "network_lowercase"),
                                        (base, "La Merced", "  La Merced ", "network_extra_spaces"),
                                        (fin, "Santa Victoria", "Santa  Victoria", "network_extra_spaces")):
        df = sheets[sheet]
        cell(sheet, _pick(rng, df, df["network"] == label, taken[sheet]), "network", variant, kind,
             "network name in lower case" if kind == "network_lowercase" else "extra spaces in network name")
    # money typed as text
    df = sheets[mid]
    i = _pick(rng, df, df["net_income_pen"].notna(), taken[mid])
    v = df.at[i, "net_income_pen"]
    cell(mid, i, "net_income_pen", f"S/. {v:,.0f}", "money_as_text", "soles sign and thousands comma")
    df = sheets[fin]
    i = _pick(rng, df, df["sales_value_pen"].notna(), taken[fin])
    v = float(df.at[i, "sales_value_pen"]) + 0.5
    text = f"{v:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    cell(fin, i, "sales_value_pen", text, "money_as_text", "thousands dot, decimal comma")
    dirt[-1]["true_value"] = v
    mask = (truth["producer_key"] == df.at[i, "producer_key"]) & (truth["round"] == 2)
    truth.loc[mask, "sales_value_pen"] = v
    # missing values
    for sheet, col, k in ((base, "price_pen_unit", 2), (mid, "net_income_pen", 3), (fin, "hired_labour_days", 2)):
        for _ in range(k):
            df = sheets[sheet]
            cell(sheet, _pick(rng, df, df[col].notna(), taken[sheet]), col, None, "missing_value", "blank cell")
    # impossible values
    df = sheets[mid]
    cell(mid, _pick(rng, df, df["milk_yield_l_cow_day"].notna(), taken[mid]), "milk_yield_l_cow_day",
         95.0, "impossible_value", "95 litres per cow per day")
    df = sheets[fin]
    i = _pick(rng, df, df["sales_value_pen"].notna(), taken[fin])
    cell(fin, i, "sales_value_pen", -float(df.at[i, "sales_value_pen"]), "impossible_value", "negative sales")
    # member code variants in the final round
    df = sheets[fin]
    for variant, m in (("Si", True), ("SI", True), ("NO", False)):
        cell(fin, _pick(rng, df, df["member"] == ("Sí" if m else "No"), taken[fin]), "member", variant,
             "code_variant", "member code spelt differently")
    # duplicate producer-round: exact copy right below the original
    df = sheets[fin]
    i = _pick(rng, df, df["member"] == "Sí", taken[fin])
    sheets[fin] = pd.concat([df.iloc[: i + 1], df.iloc[[i]], df.iloc[i + 1:]]).reset_index(drop=True)
    dirt.append({"kind": "duplicate_row", "sheet": fin, "producer_key": df.at[i, "producer_key"],
                 "column": None, "value": None, "true_value": None, "note": "same producer twice in a round"})
    # sheet-level coding differences (documented, handled by the config's codes)
    dirt.append({"kind": "code_variant", "sheet": base, "producer_key": None, "column": HEADERS["sex"],
                 "value": "Mujer/Hombre", "true_value": "F/M", "note": "sex written as words in the whole sheet"})
    dirt.append({"kind": "code_variant", "sheet": mid, "producer_key": None, "column": HEADERS["chain"],
                 "value": "Leche", "true_value": "Lácteos", "note": "dairy chain written 'Leche' in the whole sheet"})
    return dirt


def drop_attrition(sheets: dict[str, pd.DataFrame], truth: pd.DataFrame, rng, n: int = 3) -> tuple[pd.DataFrame, list]:
    """Remove ``n`` comparison producers from the midline sheet (not interviewed that round)."""
    mid = SHEETS[1][0]
    df = sheets[mid]
    comp = sorted(df.loc[df["member"] == "No", "producer_key"])
    gone = sorted(rng.choice(comp, size=n, replace=False).tolist())
    sheets[mid] = df[~df["producer_key"].isin(gone)].reset_index(drop=True)
    truth = truth[~((truth["round"] == 1) & truth["producer_key"].isin(gone))].reset_index(drop=True)
    return truth, [{"kind": "attrition", "sheet": mid, "producer_key": k, "column": None, "value": None,
                    "true_value": None, "note": "comparison producer not interviewed this round"} for k in gone]


def _add_rows(dirt: list[dict], sheets: dict[str, pd.DataFrame]) -> None:
    for d in dirt:
        if d["producer_key"] is None or d["kind"] == "attrition":
            d["rows"] = []
            continue
        df = sheets[d["sheet"]]
        d["rows"] = [int(i) + 2 for i in df.index[df["producer_key"] == d["producer_key"]]]


# ---------------------------------------------------------------- writing
def write_workbook(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """Write the sheets with Spanish headers; fixed metadata so the bytes are reproducible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    wb.set_properties({"title": "Encuesta a productores – demo sintética", "author": "Equipo de monitoreo (demo)",
                       "comments": "Datos sintéticos calibrados a la sistematización; no son resultados",
                       "created": FIXED_TIMESTAMP})
    head = wb.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBF7"})
    for name, df in sheets.items():
        ws = wb.add_worksheet(name)
        for j, col in enumerate(df.columns):
            ws.write_string(0, j, HEADERS[col], head)
            ws.set_column(j, j, 14 if j != 1 else 28)
        for i, row in enumerate(df.itertuples(index=False), start=1):
            for j, v in enumerate(row):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                if isinstance(v, str):
                    ws.write_string(i, j, v)
                else:
                    ws.write_number(i, j, float(v))
        ws.freeze_panes(1, 1)
    wb.close()


# ---------------------------------------------------------------- second team's CSV export
TEAM2_COLUMNS = {  # canonical name (or PII / round / year) -> column of the second team's CSV
    "producer_key": "COD_PROD", "name": "NOMBRE", "dni": "DNI", "phone": "CELULAR",
    "address": "DIRECCION", "year": "ANIO", "round": "RONDA", "network": "RED", "sector": "SECTOR",
    "chain": "CADENA", "sex": "SEXO", "member": "SOCIO", "net_income_pen": "INGRESO_NETO",
    "sales_value_pen": "VENTAS", "family_labour_days": "JORN_FAM", "hired_labour_days": "JORN_CONT",
    "cows": "VACAS", "milk_yield_l_cow_day": "LITROS_VACA_DIA", "hectares": "HECTAREAS",
    "kg_sold": "KG_VENDIDOS", "price_pen_unit": "PRECIO_PROM",
    "share_main_buyer_pct": "PCT_COMPRADOR_PRINC", "share_direct_pct": "PCT_VENTA_DIRECTA",
}
TEAM2_CODES = {"sex": {"M": "1", "F": "2"}, "member": {True: "S", False: "N"},
               "chain": {"lacteos": "LECHE", "mango": "MANGO"}}
TEAM2_MISSPELT = ("San Pachusco", "Sn. Pachusco")   # (short name, how the team wrote it once)


def _team2_number(v) -> str:
    """Decimal comma, no thousands grouping; whole numbers without decimals; blank if missing."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    v = float(v)
    return str(int(v)) if v.is_integer() else repr(v).replace(".", ",")


def team2_frame(truth: pd.DataFrame, producers: pd.DataFrame) -> pd.DataFrame:
    """The clean truth as the second team's long table (rows by producer, then round)."""
    df = truth.merge(producers[["producer_key", "name", "dni", "phone", "address", "network_label"]],
                     on="producer_key", validate="many_to_one")
    df = df.sort_values(["producer_key", "round"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({
        "producer_key": df["producer_key"], "name": df["name"], "dni": df["dni"],
        "phone": df["phone"], "address": df["address"], "year": df["year"].astype(int).astype(str),
        "round": df["round"].astype(int).astype(str),
        "network": df["network_label"].where(df["member"], "").fillna(""), "sector": df["sector"],
        "chain": df["chain"].map(TEAM2_CODES["chain"]), "sex": df["sex"].map(TEAM2_CODES["sex"]),
        "member": df["member"].map(TEAM2_CODES["member"]),
    })
    for col in list(HEADERS)[10:]:
        out[col] = df[col].map(_team2_number)
    return out[list(TEAM2_COLUMNS)]


def write_team2_csv(truth: pd.DataFrame, producers: pd.DataFrame, path: Path, seed: int) -> list[dict]:
    """Write the second team's CSV (Latin-1, ';', CRLF) and its dirt sidecar; return the dirt."""
    df = team2_frame(truth, producers)
    short, wrong = TEAM2_MISSPELT
    i = int(df.index[(df["network"] == short) & (df["round"] == str(SHEETS[-1][1]))][0])
    dirt = [{"kind": "network_misspelt", "sheet": None, "producer_key": df.at[i, "producer_key"],
             "column": TEAM2_COLUMNS["network"], "value": wrong, "true_value": short,
             "rows": [i + 2], "note": "misspelt network name"}]
    df.at[i, "network"] = wrong
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="latin-1", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(list(TEAM2_COLUMNS.values()))
        w.writerows(df.itertuples(index=False, name=None))
    sidecar = {"seed": seed, "csv": path.name, "synthetic": True, "encoding": "latin-1", "sep": ";",
               "decimal": ",", "rows": len(df), "codes": {k: {str(a): b for a, b in v.items()}
                                                           for k, v in TEAM2_CODES.items()},
               "note": "same synthetic survey as encuesta_demo.xlsx (clean values, before its dirt)",
               "dirt": dirt}
    dirt_path(path).write_text(json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                               encoding="utf-8")
    return dirt


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def generate_demo(out: Path | None = None, seed: int = 2011, published_dir: Path = PUBLISHED,
                  csv_out: Path | None = None) -> DemoResult:
    """Build the demo survey; if ``out`` is given write it and its ``<stem>_dirt.json`` sidecar;
    if ``csv_out`` is given also write the second team's CSV export (and its sidecar)."""
    rng = np.random.default_rng(seed)
    networks = pd.read_csv(Path(published_dir) / "networks.csv")
    calib = load_calibration(published_dir)
    producers = build_producers(networks, rng)
    truth = simulate(producers, calib, rng)
    sheets = {name: _sheet_frame(truth, producers, rnd) for name, rnd, _ in SHEETS}
    truth, attr = drop_attrition(sheets, truth, rng)
    dirt = plant_dirt(sheets, truth, networks, rng) + attr
    _add_rows(dirt, sheets)
    counts = {
        "members": int(producers["member"].sum()),
        "comparison": int((~producers["member"]).sum()),
        "comparison_by_chain": {k: int(v) for k, v in
                                producers.loc[~producers["member"], "chain"].value_counts().sort_index().items()},
        "rows_per_sheet": {k: len(v) for k, v in sheets.items()},
    }
    res = DemoResult(sheets=sheets, truth=truth, producers=producers, dirt=dirt, calibration=calib, counts=counts)
    if out is not None:
        out = Path(out)
        write_workbook(sheets, out)
        res.path, res.sha256 = out, _sha256(out)
        sidecar = {"seed": seed, "workbook": out.name, "synthetic": True, "counts": counts,
                   "planted_effects": PLANTED_EFFECTS, "assumptions": DEMO_ASSUMPTIONS,
                   "calibration": {ch: {"components": {k: list(v) for k, v in c["components"].items()},
                                        "effect": c["effect"], "trend": c["trend"]} for ch, c in calib.items()},
                   "dirt": dirt}
        text = json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default)
        dirt_path(out).write_text(text + "\n", encoding="utf-8")
    if csv_out is not None:
        res.counts["team2_csv"] = {"path": str(csv_out),
                                   "dirt": write_team2_csv(truth, producers, csv_out, seed)}
    return res


def _json_default(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    raise TypeError(f"not JSON serialisable: {v!r}")


def dirt_path(workbook: Path) -> Path:
    """Sidecar listing the planted dirt: ``<stem>_dirt.json`` next to the workbook."""
    workbook = Path(workbook)
    return workbook.with_name(workbook.stem + "_dirt.json")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="workbook to write (.xlsx)")
    ap.add_argument("--seed", type=int, default=2011)
    ap.add_argument("--published-dir", type=Path, default=PUBLISHED)
    ap.add_argument("--csv-out", type=Path, default=None,
                    help="also write the second team's CSV export (Latin-1, ';', decimal comma)")
    args = ap.parse_args(argv)
    res = generate_demo(args.out, args.seed, args.published_dir, csv_out=args.csv_out)
    print(f"{res.path}: sha256 {res.sha256}; members {res.counts['members']}, comparison "
          f"{res.counts['comparison']}; rows per sheet {res.counts['rows_per_sheet']}; "
          f"{len(res.dirt)} planted problems listed in {dirt_path(res.path)}")
    if args.csv_out is not None:
        print(f"{args.csv_out}: sha256 {_sha256(args.csv_out)}; same survey for a second team "
              f"(Latin-1, ';', decimal comma); dirt in {dirt_path(args.csv_out)}")


if __name__ == "__main__":
    main()
