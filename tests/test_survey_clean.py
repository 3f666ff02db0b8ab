"""Cleaning rules on small synthetic tables (no demo survey needed)."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.survey.clean import clean_tables, load_networks, norm_text, slug
from analysis.survey.config import load_config
from analysis.survey.readers import RawTable
from analysis.survey.validate import typed

CORPUS = Path(__file__).parent / "corpus"
COLS = ["Código productor", "DNI", "Red", "Sector", "Cadena", "Sexo", "¿Integra una red?",
        "Ingreso neto anual (S/.)", "Ventas anuales (S/.)", "Jornales familiares",
        "Jornales contratados", "N° vacas", "Litros/vaca/día", "Hectáreas", "Kg vendidos",
        "Precio promedio (S/.)", "% venta comprador principal", "% venta directa"]


def row(key, net, sector="La Loma", chain="Mango", sex="F", member="Sí", sales="1000", cows="",
        yld="", ha="1,5", fam="200", hired="64", dni="40000001"):
    return [key, dni, net, sector, chain, sex, member, "400", sales, fam, hired, cows, yld, ha,
            "3000", "1", "50", "10"]


@pytest.fixture
def cfg():
    c = load_config(CORPUS / "ok.yaml")
    c.columns.pop("name"), c.columns.pop("phone"), c.columns.pop("address")
    return c


def clean(cfg, records, round_=0, year=2004, decimal=","):
    spec = cfg.files[0]
    data = pd.DataFrame(records, columns=COLS, dtype=object)
    t = RawTable("mem.csv", "S1", data, list(range(2, 2 + len(data))), spec, round_, year, decimal)
    nets = load_networks(cfg.networks_file)
    df, log, rows_in, problems, excl = clean_tables([t], cfg, nets, "k")
    return df, log, rows_in, problems, excl


def test_norm_and_slug():
    assert norm_text('  RP  "Lácteos  San Juan" ') == "rp lacteos san juan"
    assert norm_text("San Carlos -Galindo") == norm_text("San Carlos-Galindo")
    assert slug("Pampas de San Juan") == "pampas_de_san_juan"


@pytest.mark.parametrize("spelling", ["Alfa Norte", "  alfa   norte ", "ALFA NORTE", "Álfa Norte",
                                      'RPM "Alfa Norte"', "rpm alfa norte", "red_alfa"])
def test_network_variants_match_and_only_inexact_ones_are_logged(cfg, spelling):
    df, log, _, problems, _ = clean(cfg, [row("K1", spelling)])
    assert problems == []
    assert df.loc[0, "network_id"] == "red_alfa"
    assert (log["rule"] == "network_spelling").sum() == 0
    got = log.loc[log["rule"] == "network_normalized", ["row", "old_value", "new_value"]].values.tolist()
    exact = spelling in ("Alfa Norte", 'RPM "Alfa Norte"', "red_alfa")
    assert got == ([] if exact else [[2, spelling, "red_alfa"]])


@pytest.mark.parametrize("sex,logged", [("F", False), ("Mujer", True), ("f", True), ("mujer", True),
                                        ("M", False), ("Hombre", True)])
def test_code_mapped_only_when_spelling_differs_from_label(cfg, sex, logged):
    _, log, _, problems, _ = clean(cfg, [row("K1", "Alfa Norte", sex=sex)])
    assert problems == []
    got = log.loc[log["rule"] == "code_mapped", ["column", "old_value", "new_value", "action"]]
    want = [["sex", sex, "F" if sex.lower().startswith(("f", "mujer")) else "M", "changed"]]
    assert got.values.tolist() == (want if logged else [])


def test_money_text_logged_plain_numbers_not(cfg):
    recs = [row("K1", "Alfa Norte", sales="S/. 1.512"), row("K2", "Alfa Norte", sales="1512"),
            row("K3", "Alfa Norte", sales="1512,5"), row("K4", "Alfa Norte", sales="1.512,50"),
            row("K5", "Alfa Norte", sales="-"), row("K6", "Alfa Norte", sales=1512.0)]
    df, log, _, problems, _ = clean(cfg, recs)  # decimal ","
    assert problems == []
    assert df["sales_value_pen"].tolist()[:4] == [1512.0, 1512.0, 1512.5, 1512.5]
    got = log.loc[log["column"] == "sales_value_pen", ["row", "rule", "old_value", "new_value"]]
    assert got.values.tolist() == [[2, "money_text_parsed", "S/. 1.512", "1512.0"],
                                   [5, "money_text_parsed", "1.512,50", "1512.5"],
                                   [6, "missing_token", "-", ""]]


def test_pii_like_text_in_a_money_cell_is_withheld_in_the_log(cfg):
    _, log, _, _, _ = clean(cfg, [row("K1", "Alfa Norte", sales="S/ 41234567")])
    entry = log[log["rule"] == "money_text_parsed"].iloc[0]
    assert entry["old_value"] == entry["new_value"] == "<withheld: looks like a DNI or phone number>"
    assert "41234567" not in log.to_csv()


def test_map_spelling_is_logged_with_pseudonym(cfg):
    df, log, _, problems, _ = clean(cfg, [row("K1", "alfa nortee")])
    assert problems == []
    entry = log[log["rule"] == "network_spelling"].iloc[0]
    assert (entry["file"], entry["sheet"], entry["row"], entry["old_value"], entry["new_value"]) == \
        ("mem.csv", "S1", 2, "alfa nortee", "red_alfa")
    assert entry["producer_id"] == df.loc[0, "producer_id"]


def test_derived_columns(cfg):
    df, _, _, problems, _ = clean(cfg, [
        row("K1", "Alfa Norte"),
        row("K2", "", sector="Pampa  Alta", member="No", fam="100", hired="32"),
        row("K3", "Beta Sur", chain="Lácteos", ha="", cows="3", yld="10,5"),
    ])
    assert problems == []
    assert df["cohort_year"].tolist()[0] == 2004 and pd.isna(df["cohort_year"][1])
    assert df["cohort_year"][2] == 2009 and df["programme_phase"].tolist() == [1, pd.NA, 2]
    assert df["cluster_id"].tolist() == ["red_alfa", "comp_pampa_alta", "red_beta"]
    assert df["sector"][1] == "Pampa Alta"
    assert df["employment_fte"].tolist() == [1.0, 0.5, 1.0]
    assert df["hectares"][0] == 1.5 and df["milk_yield_l_cow_day"][2] == 10.5


def test_sector_spellings_unified_and_logged(cfg):
    df, log, _, _, _ = clean(cfg, [row("K1", "Alfa Norte"), row("K2", "Alfa Norte"),
                                   row("K3", "Alfa Norte", sector="LA LOMA")])
    assert set(df["sector"]) == {"La Loma"}
    e = log[log["rule"] == "sector_spelling"]
    assert e[["row", "old_value", "new_value"]].values.tolist() == [[4, "LA LOMA", "La Loma"]]


def test_chain_specific_columns_set_missing_and_logged(cfg):
    df, log, _, _, _ = clean(cfg, [row("K1", "Alfa Norte", cows="4", yld="9")])
    assert pd.isna(df.loc[0, "cows"]) and pd.isna(df.loc[0, "milk_yield_l_cow_day"])
    e = log[log["rule"] == "not_applicable_for_chain_mango"]
    assert e[["column", "old_value", "action"]].values.tolist() == [
        ["cows", "4.0", "changed"], ["milk_yield_l_cow_day", "9.0", "changed"]]


def test_rows_in_equals_kept_plus_excluded(cfg):
    cfg.plausibility["milk_yield_l_cow_day"].action = "exclude_row"
    recs = [row("K1", "Alfa Norte"), row("K1", "Alfa Norte"), row("K1", "Alfa Norte"),
            row("K2", "Beta Sur", chain="Lácteos", ha="", cows="2", yld="80"),
            row("K3", "Beta Sur", chain="Lácteos", ha="", cows="2", yld="12")]
    df, log, rows_in, problems, excl = clean(cfg, recs)
    assert problems == []
    assert rows_in == 5 and int(excl.sum()) == 3 and len(df[~excl]) == 2
    ex = log[log["action"] == "excluded"]
    assert sorted(ex["row"].tolist()) == [3, 4, 5]
    assert rows_in == len(df[~excl]) + ex[["file", "sheet", "row"]].drop_duplicates().shape[0]


def test_dni_as_producer_key_never_reaches_log_or_panel(cfg):
    recs = [row("41234567", "Alfa Norte"), row("41234567", "Alfa Norte")]
    df, log, _, problems, _ = clean(cfg, recs)
    assert problems == []
    text = log.to_csv() + typed(df).to_csv()
    assert "41234567" not in text and "40000001" not in text
    assert "DNI" not in df.columns
    assert log.loc[log["rule"] == "duplicate_producer_round", "producer_id"].iloc[0].startswith("P")


def test_unknown_codes_and_blank_key_all_reported(cfg):
    recs = [row("", "Alfa Norte"), row("K2", "Alfa Norte", sex="X", member="Quizás"),
            row("K3", "Zeta")]
    _, _, _, problems, _ = clean(cfg, recs)
    got = [(p.row, p.column, p.rule.split(":")[0]) for p in problems]
    assert got == [(2, "Código productor", "blank_producer_key"), (3, "¿Integra una red?", "unknown_code"),
                   (3, "Sexo", "unknown_code"), (4, "Red", "unknown_network")]
