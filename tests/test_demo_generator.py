"""Demo survey generator: reproducible bytes, calibration to networks.csv, planted dirt and effects."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analysis.paths import PUBLISHED, SURVEY_RAW
from analysis.survey.demo import (HEADERS, N_COMPARISON, PLANTED_EFFECTS, SHEETS, dirt_path,
                                  generate_demo, network_sector)

SHEET_NAMES = [s for s, _, _ in SHEETS]


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "encuesta_demo.xlsx"
    return generate_demo(out, seed=2011)


@pytest.fixture(scope="module")
def book(demo):
    return {name: pd.read_excel(demo.path, sheet_name=name, dtype=object) for name in SHEET_NAMES}


def test_regeneration_is_byte_identical(demo, tmp_path):
    again = generate_demo(tmp_path / "encuesta_demo.xlsx", seed=2011)
    assert sha(again.path) == sha(demo.path)
    assert dirt_path(again.path).read_bytes() == dirt_path(demo.path).read_bytes()


def test_other_seed_gives_other_bytes(demo, tmp_path):
    other = generate_demo(tmp_path / "encuesta_demo.xlsx", seed=7)
    assert sha(other.path) != sha(demo.path)


def test_committed_workbook_equals_fresh_generation(demo):
    committed = SURVEY_RAW / "encuesta_demo.xlsx"
    assert committed.exists(), "run: python -m analysis.survey.demo --out data/raw/survey/encuesta_demo.xlsx --seed 2011"
    assert sha(committed) == sha(demo.path)
    assert dirt_path(committed).read_bytes() == dirt_path(demo.path).read_bytes()


def test_three_sheets_spanish_headers_and_row_counts(demo, book):
    wb = openpyxl.load_workbook(demo.path, read_only=True)
    assert wb.sheetnames == ["Línea de base 2005", "Seguimiento 2007", "Final 2011"]
    for name in SHEET_NAMES:
        assert list(book[name].columns) == list(HEADERS.values())
    # 216 producers; midline lacks 3 comparison producers; final has one duplicated row
    assert {k: len(v) for k, v in book.items()} == {"Línea de base 2005": 216, "Seguimiento 2007": 213,
                                                     "Final 2011": 217}
    assert wb.properties.created.year == 2012


def test_members_by_network_and_sex_match_networks_csv(book):
    nets = pd.read_csv(PUBLISHED / "networks.csv")
    base = book["Línea de base 2005"]
    members = base[base["¿Integra una red?"] == "Sí"].copy()
    members["red"] = members["Red"].map(lambda s: " ".join(str(s).split()))
    members["sex"] = members["Sexo"].map({"Mujer": "F", "Hombre": "M"})
    got = members.groupby(["red", "sex"]).size().unstack(fill_value=0)
    for net in nets.itertuples():
        assert got.loc[net.short_name].get("M", 0) == net.men, net.short_name
        assert got.loc[net.short_name].get("F", 0) == net.women, net.short_name
    assert len(members) == nets["total"].sum()
    assert len(got) == len(nets) == 12


def test_comparison_group_size_and_sectors(demo):
    prod = demo.producers
    comp = prod[~prod["member"]]
    assert len(comp) == sum(N_COMPARISON.values()) == 100
    assert comp["chain"].value_counts().to_dict() == N_COMPARISON
    assert comp["network_id"].isna().all()
    for chain in ("lacteos", "mango"):
        member_sectors = set(prod.loc[prod["member"] & (prod["chain"] == chain), "sector"])
        assert set(comp.loc[comp["chain"] == chain, "sector"]) <= member_sectors


def test_network_sector_from_name():
    assert network_sector("Santa Lucía-Barraza") == "Santa Lucía Barraza"
    assert network_sector("La Campiña La Merced") == "La Merced"
    assert network_sector("Mangos San Juan") == "San Juan"
    assert network_sector("AGANCOSAD") == "Santo Domingo"


def test_cohorts_and_treatment_timing(demo):
    tr = demo.truth
    assert not tr.loc[tr["round"] == 0, "treated"].any()
    early = tr["member"] & tr["cohort_year"].isin([2005, 2006])
    late = tr["member"] & (tr["cohort_year"] == 2008)
    assert tr.loc[early & (tr["round"] >= 1), "treated"].all()
    assert not tr.loc[late & (tr["round"] == 1), "treated"].any()
    assert tr.loc[late & (tr["round"] == 2), "treated"].all()
    assert not tr.loc[~tr["member"], "treated"].any()


def test_calibrated_to_published_initial_and_current(demo):
    ind = pd.read_csv(PUBLISHED / "chain_indicators.csv")

    def pub(indicator, period):
        row = ind[(ind.indicator_id == indicator) & ind.network_id.isna() & (ind.period == period)]
        return float(row["value"].iloc[0])

    tr = demo.truth
    dairy = tr[tr["member"] & (tr["chain"] == "lacteos")]
    for col, ind_id in (("cows", "cows_per_producer"), ("milk_yield_l_cow_day", "milk_yield_l_cow_day")):
        assert dairy.loc[dairy["round"] == 0, col].mean() == pytest.approx(pub(ind_id, "initial"), rel=0.10)
        assert dairy.loc[dairy["round"] == 2, col].mean() == pytest.approx(pub(ind_id, "current"), rel=0.10)
    mango = tr[tr["member"] & (tr["chain"] == "mango")]
    ha_total = mango.loc[mango["round"] == 0, "hectares"].sum()
    assert ha_total == pytest.approx(pub("hectares_in_production", "initial"), rel=0.15)
    p1 = demo.calibration["mango"]["components"]["price_pen_unit"][1]
    assert mango.loc[mango["round"] == 2, "price_pen_unit"].mean() == pytest.approx(p1, rel=0.03)


def test_planted_effects_are_readable_and_recovered_by_did(demo):
    side = json.loads(dirt_path(demo.path).read_text(encoding="utf-8"))
    assert side["planted_effects"] == PLANTED_EFFECTS
    tr = demo.truth.assign(log_sales=lambda d: np.log(d["sales_value_pen"]),
                           log_income=lambda d: np.log(d["net_income_pen"]),
                           days=lambda d: d["family_labour_days"] + d["hired_labour_days"])
    tr = tr[tr["round"].isin([0, 2])]
    means = tr.groupby(["chain", "member", "round"])[["log_sales", "log_income", "days"]].mean()
    for chain, eff in PLANTED_EFFECTS.items():
        did = (means.loc[(chain, True, 2)] - means.loc[(chain, True, 0)]) \
            - (means.loc[(chain, False, 2)] - means.loc[(chain, False, 0)])
        assert did["log_sales"] == pytest.approx(eff["log_sales_value_pen"], abs=0.12)
        assert did["log_income"] == pytest.approx(eff["log_net_income_pen"], abs=0.12)
        assert did["days"] == pytest.approx(eff["labour_days"], abs=8)
        # a naive before-after on members alone is far off: the common trend is large
        naive = means.loc[(chain, True, 2), "log_sales"] - means.loc[(chain, True, 0), "log_sales"]
        assert naive - eff["log_sales_value_pen"] > 0.2


def test_planted_dirt_is_in_the_workbook(demo, book):
    side = json.loads(dirt_path(demo.path).read_text(encoding="utf-8"))
    kinds = {d["kind"] for d in side["dirt"]}
    assert kinds == {"network_misspelt", "network_lowercase", "network_extra_spaces", "money_as_text",
                     "missing_value", "impossible_value", "code_variant", "duplicate_row", "attrition"}
    for d in side["dirt"]:
        if d["kind"] in ("attrition", "duplicate_row") or not d["rows"]:
            continue
        (row,) = d["rows"]
        got = book[d["sheet"]].loc[row - 2, d["column"]]
        if d["value"] is None:
            assert pd.isna(got), d
        else:
            assert got == d["value"], d
    reds = set(book["Seguimiento 2007"]["Red"].dropna()) | set(book["Final 2011"]["Red"].dropna())
    assert {"San Puchusco", "San Pachuzco", "santa rosa", "Santa  Victoria"} <= reds
    assert "  La Merced " in set(book["Línea de base 2005"]["Red"].dropna())
    money = [v for s in book.values() for c in ("Ingreso neto anual (S/.)", "Ventas anuales (S/.)")
             for v in s[c] if isinstance(v, str)]
    assert len(money) == 2 and money[0].startswith("S/. ") and "," in money[1] and "." in money[1]
    fin = book["Final 2011"]
    assert fin["Código productor"].duplicated().sum() == 1
    assert (pd.to_numeric(book["Seguimiento 2007"]["Litros/vaca/día"]) == 95).sum() == 1
    assert (pd.to_numeric(fin["Ventas anuales (S/.)"], errors="coerce") < 0).sum() == 1
    assert set(book["Línea de base 2005"]["Sexo"]) == {"Mujer", "Hombre"}
    assert "Leche" in set(book["Seguimiento 2007"]["Cadena"])


def test_fake_pii_columns(book):
    base = book["Línea de base 2005"]
    assert base["DNI"].astype(str).str.fullmatch(r"\d{8}").all()
    assert base["DNI"].is_unique
    assert base["Teléfono"].astype(str).str.fullmatch(r"9\d{8}").all()
    assert (base["Nombre y apellidos"].str.split().str.len() == 3).all()
