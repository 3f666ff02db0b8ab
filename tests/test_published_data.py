"""Checks on the transcribed published figures and on the loader's error messages."""

from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.published import load as published


@pytest.fixture(scope="module")
def tables():
    return published.load_all()


def test_all_files_load(tables):
    assert set(tables) == set(published.SCHEMAS)
    assert all(len(df) > 0 for df in tables.values())


def test_every_row_has_source(tables):
    for name, df in tables.items():
        empty = df["source"].str.strip() == ""
        assert not empty.any(), f"{name}: rows without source {list(df.index[empty])}"


def test_networks_table_02(tables):
    net = tables["networks"]
    assert len(net) == 12
    assert net["men"].sum() == 63
    assert net["women"].sum() == 53
    assert net["total"].sum() == 116
    assert (net["men"] + net["women"] == net["total"]).all()
    assert net["chain"].value_counts().to_dict() == {"lacteos": 8, "mango": 4}
    assert net["programme_phase"].tolist() == [1, 2, 2, 2, 1, 1, 2, 2, 2, 2, 2, 2]
    assert net.groupby("chain")["total"].sum().to_dict() == {"lacteos": 75, "mango": 41}
    assert net["network_id"].str.fullmatch(r"[a-z0-9_]+").all()
    assert net.loc[net["short_name"] == "Lácteos San Juan", "men"].item() == 0
    assert (net["representative_sex"] == "F").sum() == 3
    assert net.loc[net["short_name"] == "La Campiña La Merced", "start_date"].item() == "2005-07"


def test_network_totals_row(tables):
    tot = tables["network_totals"]
    first = tot[tot["source"].str.startswith("Tabla N°02")].set_index("quantity")["value"]
    assert first.to_dict() == {"men": 63, "women": 53, "members_total": 116}
    stated = tot[(tot["quantity"] == "members_total") & (tot["chain"] == "lacteos")]
    assert set(stated["value"]) == {65}


def test_cofinancing_chart_10_parts_sum_to_total(tables):
    cof = tables["cofinancing"]
    g10 = cof[cof["project_id"] == "mango_p2_piloto"]
    assert g10.loc[g10["kind"] == "part", "amount"].sum() == 22260
    assert g10.loc[g10["kind"] == "stated_total", "amount"].item() == 22260


def test_cofinancing_chart_11_and_12(tables):
    cof = tables["cofinancing"].set_index(["project_id", "kind"])
    assert cof.loc[("lacteos_p2_piloto", "part"), "amount"].sum() == 31000
    assert cof.loc[("lacteos_p2_piloto", "stated_total"), "amount"].item() == 33000
    assert cof.loc[("lacteos_p1_estrategico", "part"), "amount"].sum() == 131285
    usd = tables["cofinancing"].query("currency == 'USD'")
    assert usd["amount"].sum() == 1752 and set(usd["project_id"]) == {"mango_p1_piloto"}


def test_shares_as_printed(tables):
    assert tables["pea_by_sector"]["share_pct"].sum() == pytest.approx(100)
    assert len(tables["mipes_by_activity"]) == 14
    assert tables["mipes_by_activity"]["share_pct"].sum() == pytest.approx(99.8)


def test_socioeconomic_keeps_both_populations(tables):
    soc = tables["laredo_socioeconomic"].set_index("indicator")["value"]
    assert soc["population_table"] == 32825
    assert soc["population_text"] == 32260
    assert soc["urban_pct"] + soc["rural_pct"] == pytest.approx(100)


def test_chain_indicators_ranges(tables):
    ci = tables["chain_indicators"]
    row = ci[(ci["indicator_id"] == "milk_yield_l_cow_day") & (ci["network_id"] == "")
             & (ci["period"] == "current")].iloc[0]
    assert (row["low"], row["value"], row["high"]) == (18, 19, 20)
    assert (ci["low"] <= ci["value"]).all() and (ci["value"] <= ci["high"]).all()
    required = {"cows_per_producer", "milk_yield_l_cow_day", "milk_solids_pct",
                "price_collector_pen_l", "price_direct_pen_l", "share_collector_pct",
                "share_direct_pct", "share_redeslac_pct", "redeslac_share_nestle_pct",
                "redeslac_share_direct_pct", "redeslac_share_yogurt_pct",
                "price_premium_direct_pen_l", "price_premium_redeslac_pen_l",
                "redeslac_price_pen_l", "daily_volume_redeslac_l", "daily_volume_producers_l",
                "feed_ration_kg_cow_day", "minimum_solids_pct", "hectares_in_production",
                "yield_change_pct", "waste_pct", "discard_pct", "share_mebol_pct",
                "share_perufrut_pct", "share_collectors_pct", "price_mebol_pen_kg",
                "revenue_per_ha_pen", "revenue_per_ha_best_local_pen", "income_per_plant_pen"}
    assert required <= set(ci["indicator_id"])
    # (indicator, chain, network, period) identifies one row
    assert not ci.duplicated(["indicator_id", "chain", "network_id", "period"]).any()


def test_claims_reference_known_networks(tables):
    ids = set(tables["networks"]["network_id"])
    groups = {"", "lacteos_fase1", "lacteos_fase2", "mango_fase2", "redeslac",
              "lacteos_santa_lucia_san_carlos", "lacteos_fase2_una_red", "asoc_pampas_san_juan"}
    for name in ("claims", "chain_indicators", "projects", "timeline"):
        unknown = set(tables[name]["network_id"]) - ids - groups
        assert not unknown, f"{name}: unknown network ids {unknown}"


def test_preface_kept_apart(tables):
    pre = tables["preface_crafts_claims"]
    crafts = pre[pre["scope"] == "sister_document_crafts"]
    assert sorted(crafts["value"]) == [12, 16, 71, 71, 164]
    assert 164 not in set(tables["claims"]["value"])


def _copy_with(tmp_path: Path, name: str, edit) -> Path:
    src = paths.PUBLISHED / f"{name}.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    edit(df)
    df.to_csv(tmp_path / f"{name}.csv", index=False)
    return tmp_path


def test_malformed_integer_names_file_row_column(tmp_path):
    def edit(df):
        df.loc[2, "men"] = "seis"
    d = _copy_with(tmp_path, "networks", edit)
    with pytest.raises(ValueError) as exc:
        published.load("networks", d)
    msg = str(exc.value)
    assert "networks.csv: row 3 (line 4), column 'men': value 'seis' is not an integer" in msg


def test_bad_code_and_empty_source(tmp_path):
    d = _copy_with(tmp_path, "cofinancing", lambda df: df.__setitem__("currency", "EUR"))
    with pytest.raises(ValueError, match=r"row 1 \(line 2\), column 'currency': value 'EUR' not one of"):
        published.load("cofinancing", d)
    d = _copy_with(tmp_path, "pea_by_sector", lambda df: df.loc.__setitem__((1, "source"), ""))
    with pytest.raises(ValueError, match=r"row 2 \(line 3\), column 'source': empty value"):
        published.load("pea_by_sector", d)


def test_value_outside_range_and_missing_column(tmp_path):
    d = _copy_with(tmp_path, "claims", lambda df: df.loc.__setitem__((0, "value"), "99"))
    with pytest.raises(ValueError, match=r"row 1 \(line 2\), column 'value': not within"):
        published.load("claims", d)
    d = _copy_with(tmp_path, "timeline", lambda df: df.pop("date"))
    with pytest.raises(ValueError, match=r"missing column\(s\) \['date'\]"):
        published.load("timeline", d)
    with pytest.raises(ValueError, match="unknown published table 'nope'"):
        published.load("nope")


def test_cows_and_head_of_cattle_have_distinct_units():
    """Baseline '1 a 2 vacas' counts cows; today's '4 cabezas de ganado' counts head (issue 9)."""
    from analysis.published import load as published
    ci = published.load("chain_indicators")
    sel = ci[ci.indicator_id == "cows_per_producer"].set_index("period")
    assert sel.loc["initial", "unit"] == "vacas/productor"
    assert sel.loc["current", "unit"] == "cabezas/productor"
