"""Data-quality tables (analysis.survey.quality) on small hand-built panels and logs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.survey import quality as q


def panel():
    rows = []
    spec = [("A", "net1", "lacteos", True), ("B", "net1", "lacteos", True), ("C", None, "lacteos", False),
            ("D", "net2", "mango", True), ("E", None, "mango", False)]
    for rnd, year in ((0, 2005), (1, 2007), (2, 2011)):
        for pid, net, chain, member in spec:
            if pid == "E" and rnd == 1:
                continue  # attrition
            rows.append({"producer_id": pid, "network_id": net, "sector": "S1" if pid != "E" else "S2",
                         "cluster_id": net or ("comp_s1" if pid != "E" else "comp_s2"), "chain": chain,
                         "member": member, "round": rnd, "year": year,
                         "net_income_pen": np.nan if (pid == "A" and rnd == 2) else 100.0,
                         "cows": 2.0 if chain == "lacteos" else np.nan,
                         "milk_yield_l_cow_day": np.nan if (pid == "C" and rnd == 0) else (
                             10.0 if chain == "lacteos" else np.nan),
                         "hectares": 1.0 if chain == "mango" else np.nan})
    df = pd.DataFrame(rows)
    df["network_id"] = df["network_id"].astype("string")
    df["round"] = df["round"].astype("Int64")
    df["year"] = df["year"].astype("Int64")
    return df


def log():
    return pd.DataFrame({
        "file": ["f.xlsx"] * 5, "sheet": ["S0", "S2", "S2", "S1", "S2"], "row": ["3", "5", "9", "4", "6"],
        "producer_id": ["A", "B", "B", "C", "D"], "column": ["network", "network", "producer_key",
                                                            "milk_yield_l_cow_day", "sales_value_pen"],
        "rule": ["network_spelling", "network_spelling", "duplicate_producer_round",
                 "plausibility_max_40", "plausibility_min_0"],
        "old_value": ["x", "y", "round 2", "95.0", "-5"], "new_value": ["net1", "net1", "kept", "", ""],
        "action": ["changed", "changed", "excluded", "changed", "changed"]})


def test_counts_by_round():
    out = q.counts_by_round(panel())
    assert list(out.columns) == ["round", "year", "chain", "members", "comparison", "total"]
    mid_mango = out[(out["round"] == 1) & (out["chain"] == "mango")].iloc[0]
    assert (mid_mango["members"], mid_mango["comparison"], mid_mango["total"]) == (1, 0, 1)
    base_dairy = out[(out["round"] == 0) & (out["chain"] == "lacteos")].iloc[0]
    assert (base_dairy["members"], base_dairy["comparison"], base_dairy["total"]) == (2, 1, 3)


def test_counts_by_network_uses_names_and_sector_for_comparison():
    out = q.counts_by_network(panel(), names={"net1": "Red Uno"})
    assert list(out.columns) == ["group", "chain", "network", "2005", "2007", "2011"]
    assert out["group"].tolist()[:2] == ["members", "members"]
    row = out[out["network"] == "Red Uno"].iloc[0]
    assert row[["2005", "2007", "2011"]].tolist() == [2, 2, 2]
    s2 = out[out["network"] == "S2"].iloc[0]
    assert (s2["group"], s2["2005"], s2["2007"], s2["2011"]) == ("comparison", 1, 0, 1)
    assert "net2" in set(out["network"])  # no display name given: id kept


def test_panel_completeness():
    out = q.panel_completeness(panel())
    got = {(r.group, r.chain, r.rounds): r.producers for r in out.itertuples()}
    assert got == {("members", "lacteos", 3): 2, ("members", "mango", 3): 1,
                   ("comparison", "lacteos", 3): 1, ("comparison", "mango", 2): 1}


def test_missingness_is_measured_within_the_chain():
    miss = q.missingness(panel(), columns=("net_income_pen", "milk_yield_l_cow_day", "hectares"))
    yld = miss[miss["column"] == "milk_yield_l_cow_day"].set_index("year")
    assert yld.loc[2005, "applicable"] == 3 and yld.loc[2005, "missing"] == 1
    assert yld.loc[2005, "pct_missing"] == pytest.approx(100 / 3)
    ha = miss[miss["column"] == "hectares"].set_index("year")
    assert ha["applicable"].tolist() == [2, 1, 2] and ha["missing"].sum() == 0
    wide = q.missingness_wide(miss)
    inc = wide[wide["column"] == "net_income_pen"].iloc[0]
    assert (inc["2005"], inc["2011"], inc["applicable"], inc["pct_missing"]) == (0, 1, 14, 7.14)


def test_cleaning_by_rule_counts_entries_and_producers():
    out = q.cleaning_by_rule(log())
    first = out.iloc[0]
    assert (first["rule"], first["action"], first["entries"], first["producers"]) == \
        ("network_spelling", "changed", 2, 2)
    assert len(out) == 4 and out["entries"].sum() == 5
    assert q.cleaning_by_rule(log().iloc[0:0]).empty


def test_row_flow_checks_that_rows_add_up():
    out = q.row_flow({"rows_in": 10, "rows_kept": 9, "rows_excluded": 1, "producers": 4})
    assert out["item"].tolist() == ["rows_in", "rows_kept", "rows_excluded", "producers"]
    assert out["value"].tolist() == [10, 9, 1, 4]
    with pytest.raises(ValueError, match=r"rows_in=10 != rows_kept=8 \+ rows_excluded=1"):
        q.row_flow({"rows_in": 10, "rows_kept": 8, "rows_excluded": 1})
    with pytest.raises(KeyError, match="rows_excluded"):
        q.row_flow({"rows_in": 10, "rows_kept": 8})


def test_duplicates():
    dups = q.duplicate_entries(log())
    assert dups.to_dict("records") == [{"round": "S2", "action": "excluded", "entries": 1}]
    named = log().assign(sheet="Final 2011")
    assert q.duplicate_entries(named)["round"].tolist() == ["2011"]
    p = panel()
    assert q.panel_duplicates(p) == 0
    assert q.panel_duplicates(pd.concat([p, p.iloc[[0]]])) == 1


def test_rule_labels_and_present():
    assert q.rule_label("plausibility_max_40", "es") == "Valor mayor que el máximo plausible (40)"
    assert q.rule_label("plausibility_min_0", "en") == "Value below the plausible minimum (0)"
    assert q.rule_label("not_applicable_for_chain_mango", "es") == "Dato que no corresponde a la cadena Mango"
    assert q.rule_label("some_new_rule", "es") == "some_new_rule"
    df = pd.DataFrame({"chain": ["lacteos"], "group": ["members"], "members": [3], "mean_members": [1.5]})
    out, counts = q.present(df, "es", {"mean_members": "members"})
    assert list(out.columns) == ["Cadena", "Grupo", "Miembros", "Media miembros"]
    assert out.iloc[0].tolist() == ["Lácteos", "Miembros de redes", 3, 1.5]
    assert counts == {"Media miembros": "Miembros"}


def test_read_settings_and_load_processed(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text('source_name: "X"\nsynthetic: true\nmin_cell: 3\nprice_year: 2011\n', encoding="utf-8")
    assert q.read_settings(cfg) == {"synthetic": True, "min_cell": 3, "source_name": "X", "price_year": 2011}
    cfg.write_text("min_cell: 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="key 'min_cell' must be a positive integer, got 0"):
        q.read_settings(cfg)
    with pytest.raises(FileNotFoundError, match="missing: .*panel.parquet"):
        q.load_processed(tmp_path)
    panel().to_parquet(tmp_path / "panel.parquet")
    log().to_csv(tmp_path / "cleaning_log.csv", index=False)
    (tmp_path / "cleaning_summary.json").write_text(json.dumps({"rows_in": 1}), encoding="utf-8")
    p, lg, s = q.load_processed(tmp_path)
    assert len(p) == 14 and len(lg) == 5 and s == {"rows_in": 1}


@pytest.mark.parametrize("rule", ["code_mapped", "money_text_parsed", "number_text_parsed",
                                  "missing_token", "network_normalized"])
def test_new_cleaning_rules_have_labels(rule):
    for lang in ("es", "en"):
        assert q.rule_label(rule, lang) != rule


def test_comparison_sectors_spelt_as_the_networks_named_after_them():
    """Issue 11 (one spelling per name): a sector "Santa Lucia Barraza" is printed as the network
    "Santa Lucía-Barraza"; other sector names stay as they are."""
    import pandas as pd

    from analysis.labels import place_name
    from analysis.survey.quality import counts_by_network

    names = {"lac_slb": "Santa Lucía-Barraza", "lac_scg": "San Carlos-Galindo"}
    assert place_name("Santa Lucia Barraza", names.values()) == "Santa Lucía-Barraza"
    assert place_name("san carlos galindo", names.values()) == "San Carlos-Galindo"
    assert place_name("Santo Domingo", names.values()) == "Santo Domingo"
    panel = pd.DataFrame({"producer_id": ["a", "b", "c"], "network_id": ["lac_slb", None, None],
                          "sector": ["Santa Lucía Barraza", "Santa Lucía Barraza", "Santo Domingo"],
                          "member": [True, False, False], "chain": "lacteos", "year": 2005})
    out = counts_by_network(panel, names)
    assert sorted(out["network"]) == ["Santa Lucía-Barraza", "Santa Lucía-Barraza", "Santo Domingo"]


def test_map_distinct_calls_once_per_distinct_value_and_keeps_missing():
    calls = []

    def spell(v):
        calls.append(v)
        return v if not isinstance(v, str) else v.upper()

    values = pd.Series(["a", None, "b", "a", None, "a"], index=[10, 11, 12, 13, 14, 15])
    out = q.map_distinct(values, spell)
    assert len(calls) == 3   # "a", None, "b": not once per row
    assert out.where(out.notna(), "missing").tolist() == ["A", "missing", "B", "A", "missing", "A"]
    assert out.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert q.map_distinct(pd.Series([], dtype=object), spell).empty


def test_missingness_counts_each_round_of_each_population():
    miss = q.missingness(panel()).set_index(["column", "year"])
    # net_income_pen: the whole panel (5 producers in 2011, 4 in 2007), A missing in 2011
    assert miss.loc[("net_income_pen", 2011), ["applicable", "missing"]].tolist() == [5, 1]
    assert miss.loc[("net_income_pen", 2007), ["applicable", "missing"]].tolist() == [4, 0]
    # milk yield: the dairy chain only (A, B, C), C missing at baseline
    assert miss.loc[("milk_yield_l_cow_day", 2005), ["applicable", "missing"]].tolist() == [3, 1]
    # hectares: the mango chain only (D, E; E absent in 2007)
    assert miss.loc[("hectares", 2007), ["applicable", "missing"]].tolist() == [1, 0]
