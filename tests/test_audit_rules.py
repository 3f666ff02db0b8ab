"""Each audit rule on a constructed input that must pass and one that must fail, plus the
real published data."""

import re

import pandas as pd
import pytest

from analysis.published import audit, load as published


def _claims(rows):
    cols = ["claim_id", "value", "low", "high", "unit", "chain", "network_id", "period",
            "measure", "description", "source", "link"]
    return pd.DataFrame(rows, columns=cols)


def _one(rows):
    assert len(rows) == 1
    return rows[0]


# ---- sum_matches_total
def test_sum_matches_total_pass_and_fail():
    parts = pd.DataFrame({"project": ["a", "a", "b", "b"], "value": [10, 5, 7, 1],
                          "source": ["G1", "G1", "G2", "G2"]})
    totals = pd.DataFrame({"project": ["a", "b"], "value": [15, 9], "source": ["G1", "G2"]})
    rows = audit.sum_matches_total(parts, totals, ["project"], id_prefix="s")
    assert [(r["check_id"], r["expected"], r["found"], r["passed"]) for r in rows] == [
        ("s:a", "15", "15", True), ("s:b", "9", "8", False)]
    assert rows[1]["sources"] == "G2"
    # a tolerance of 1 accepts the gap; a total with no parts fails
    assert audit.sum_matches_total(parts, totals.iloc[[1]], ["project"], tolerance=1)[0]["passed"]
    orphan = pd.DataFrame({"project": ["c"], "value": [3], "source": ["T"]})
    assert audit.sum_matches_total(parts, orphan, ["project"])[0]["found"] == "—"


# ---- shares_sum_to_100
def test_shares_tolerance_from_rounded_parts():
    ok = pd.DataFrame({"g": ["x"] * 3, "share_pct": [33.3, 33.3, 33.3], "source": ["G"] * 3})
    r = _one(audit.shares_sum_to_100(ok, ["g"]))
    assert r["passed"] and r["tolerance"] == pytest.approx(0.15) and r["found"] == "99.9"
    bad = pd.DataFrame({"g": ["y"] * 2, "share_pct": [60, 30], "source": ["G"] * 2})
    r = _one(audit.shares_sum_to_100(bad, ["g"]))
    assert not r["passed"] and r["tolerance"] == 1.0 and r["found"] == "90"


def test_shares_single_part_not_a_group():
    one = pd.DataFrame({"g": ["z"], "share_pct": [70.0], "source": ["T"]})
    assert audit.shares_sum_to_100(one, ["g"]) == []


# ---- repeated_quantity_agrees
def test_repeated_quantity_overlap_and_conflict():
    rows = [["a", 19, 18, 20, "l", "lacteos", "", "current", "yield", "d", "T", ""],
            ["b", 19, 18, 20, "l", "lacteos", "", "current", "yield", "d", "G14", ""],
            ["c", 3500, 3500, 3500, "l", "lacteos", "", "current", "volume", "d", "S1", ""],
            ["d", 2900, 2900, 2900, "l", "lacteos", "", "current", "volume", "d", "S2", ""],
            ["e", 7, 7, 7, "l", "lacteos", "", "current", "alone", "d", "S3", ""]]
    res = {r["check_id"]: r for r in audit.repeated_quantity_agrees(_claims(rows))}
    assert set(res) == {"repeated:yield/lacteos/current", "repeated:volume/lacteos/current"}
    assert res["repeated:yield/lacteos/current"]["passed"]
    bad = res["repeated:volume/lacteos/current"]
    assert (bad["expected"], bad["found"], bad["passed"]) == ("3500", "2900", False)
    assert bad["sources"] == "S1; S2"


# ---- count_matches_table
def test_count_matches_table_and_derived_counts():
    net = pd.DataFrame({"network_id": ["n1", "n2", "n3", "n4"],
                        "chain": ["mango", "lacteos", "lacteos", "lacteos"],
                        "programme_phase": [1, 1, 2, 2], "men": [3, 2, 4, 0],
                        "women": [5, 6, 4, 9], "total": [8, 8, 8, 9],
                        "representative_sex": ["F", "M", "M", "M"], "source": ["T2"] * 4})
    derived = audit.derive_network_counts(net).set_index("key")["value"]
    assert derived["networks_count|lacteos|"] == 3
    assert derived["members_total|lacteos|"] == 25
    assert derived["share_led_by_women_pct|all|"] == 25
    assert derived["networks_phase2_count|lacteos|"] == 2
    stated = pd.DataFrame({"key": ["members_total|lacteos|", "networks_count|all|",
                                   "share_led_by_women_pct|all|"],
                           "value": [25, 5, 25], "source": ["txt"] * 3,
                           "desc_key": ["count_vs_table"] * 3, "item": ["x", "y", "z"]})
    rows = audit.count_matches_table(stated, audit.derive_network_counts(net))
    assert [(r["expected"], r["found"], r["passed"]) for r in rows] == [
        ("25", "25", True), ("5", "4", False), ("25", "25", True)]


# ---- percent_change_consistent
def test_percent_change_pairs():
    rows = [["a", 397, 397, 397, "l", "lacteos", "r", "initial", "vol", "d", "T", "k1"],
            ["b", 437, 437, 437, "l", "lacteos", "r", "target", "vol", "d", "T", "k1"],
            ["c", 10, 10, 10, "%", "lacteos", "r", "target", "vol_change_pct", "d", "T", "k1"],
            ["d", 18, 18, 18, "l", "lacteos", "s", "initial", "y", "d", "T", "k2"],
            ["e", 20, 20, 20, "l", "lacteos", "s", "current", "y", "d", "T", "k2"],
            ["f", 12, 12, 12, "%", "lacteos", "s", "current", "y_change_pct", "d", "T", "k2"]]
    res = {r["check_id"]: r for r in audit.percent_change_consistent(_claims(rows))}
    assert res["pct_change:k1"]["passed"] and res["pct_change:k1"]["expected"] == "10.0756"
    assert not res["pct_change:k2"]["passed"] and res["pct_change:k2"]["expected"] == "11.1111"


def test_abs_and_implied_percent_change():
    rows = [["a", 0.98, 0.98, 0.98, "PEN", "lacteos", "", "initial", "p", "d", "T", "k"],
            ["b", 1.03, 1.03, 1.03, "PEN", "lacteos", "", "current", "p", "d", "T", "k"],
            ["c", 0.05, 0.05, 0.05, "PEN", "lacteos", "", "current", "p_change_abs", "d", "T", "k"],
            ["d", 13, 13, 13, "l", "lacteos", "", "initial", "y", "d", "T", "j"],
            ["e", 20, 20, 20, "%", "lacteos", "", "current", "y_change_pct", "d", "T", "j"],
            ["f", 3.5, 3.5, 3.5, "l", "lacteos", "", "current", "y_change_abs", "d", "T", "j"]]
    res = {r["check_id"]: r for r in audit.percent_change_consistent(_claims(rows))}
    assert res["abs_change:k"]["passed"]
    implied = res["pct_change:j"]
    assert not implied["passed"] and implied["expected"] == "26.9231" and implied["found"] == "20"
    wrong = _claims(rows[:2] + [["c", 0.2, 0.2, 0.2, "PEN", "lacteos", "", "current",
                                 "p_change_abs", "d", "T", "k"]])
    assert not _one(audit.percent_change_consistent(wrong))["passed"]


# ---- volume_implied_by_herd
def test_volume_implied_by_herd():
    members = pd.DataFrame({"value": [10], "source": ["T"], "label": ["10"]})
    cows = pd.Series({"low": 2, "high": 3, "source": "C"})
    yields = pd.Series({"low": 10, "high": 12, "source": "Y"})
    vols = pd.DataFrame({"value": [250, 500], "low": [250, 500], "high": [250, 500],
                         "source": ["V1", "V2"]})
    rows = audit.volume_implied_by_herd(members, cows, yields, vols)
    assert [(r["expected"], r["found"], r["passed"]) for r in rows] == [
        ("200–360", "250", True), ("200–360", "500", False)]
    assert audit.volume_implied_by_herd(members, cows, yields, vols.iloc[[1]],
                                        tolerance=0.5)[0]["passed"]


# ---- dates_in_order
def test_dates_in_order():
    nets = pd.DataFrame({"network_id": ["n"], "start_date": ["2006-07"], "source": ["T2"]})
    projects = pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4"],
                             "network_id": ["n", "n", "n", "other"],
                             "start": ["2006-06", "2006", "2006-09", "2001"],
                             "source": ["S"] * 4})
    rows = audit.dates_in_order(projects, nets)
    assert [(r["check_id"], r["passed"]) for r in rows] == [
        ("dates:p1", False), ("dates:p2", True), ("dates:p3", True)]


# ---- real data
@pytest.fixture(scope="module")
def real():
    return audit.run_audit(published.load_all()).set_index("check_id")


def test_real_data_table_totals_pass(real):
    for cid in ("sum_column:men", "sum_column:women", "sum_column:members_total",
                "sum_cofinancing:mango_p2_piloto/PEN", "sum_cofinancing:lacteos_p1_estrategico/PEN",
                "sum_chain:mango", "shares:pea", "shares:mipes", "pct_change:pc_p2_pilot_herd",
                "pct_change:pc_slsc_yield", "abs_change:pc_redeslac_price"):
        assert real.loc[cid, "passed"], cid
    assert real.filter(like="sum_network:", axis=0)["passed"].all()
    assert len(real.filter(like="sum_network:", axis=0)) == 12


def test_real_data_discrepancies(real):
    failed = real[~real["passed"]]
    expected = {
        "sum_cofinancing:lacteos_p2_piloto/PEN": ("33000", "31000"),
        "sum_chain:lacteos": ("65", "75"),
        "repeated:population/all/none": ("32825", "32260"),
        "repeated:daily_volume_l/lacteos/redeslac/current": ("3500", "2900"),
        "repeated:income_change_pct/lacteos/lacteos_fase1/target": ("15", "20"),
        "count:members_total|lacteos|:c013": ("65", "75"),
        "count:members_total|mango|mango_la_campina_la_merced:c025": ("11", "8"),
        "count:members_total|lacteos|lacteos_santa_rosa:c029": ("12", "9"),
        "count:share_led_by_women_pct|all|:c031": ("46", "25"),
        "pct_change:pc_sj_yield": ("11.1111", "12"),
        "pct_change:pc_p1_strategic_yield": ("26.9231", "20"),
        "volume:65 (declarado):2900": ("4680–5200", "2900"),
        "dates:lacteos_p1_estrategico_santa_rosa": (">= 2006-07", "2006-06"),
    }
    for cid, (exp, found) in expected.items():
        assert (failed.loc[cid, "expected"], failed.loc[cid, "found"]) == (exp, found), cid
    # issue 9: the rule families add their checks (tests/test_audit_families.py)
    assert len(failed[failed["family"].isin(audit.NUMERIC_RULES)]) == 19
    assert len(failed) == 58
    assert len(real) == 265


def test_write_audit(tmp_path, real):
    path = audit.write_audit(real.reset_index(), tmp_path)
    back = pd.read_csv(path)
    assert list(back.columns) == audit.COLUMNS
    assert len(back) == 265 and back["description"].str.len().gt(0).all()


def test_english_descriptions():
    df = audit.run_audit(published.load_all(), lang="en")
    assert df.loc[df["check_id"] == "sum_column:men", "description"].item() == \
        "Sum of column 'Men' over networks = totals row"


# ---------------------------------------------------------------- issue 9: findings and severity

def _failed(cid, rule, exp, found):
    return {"check_id": cid, "rule": rule, "description": "d", "sources": f"S {cid}",
            "expected": exp, "found": found, "tolerance": 0.0, "passed": False}


def test_findings_merge_same_discrepancy_and_keep_distinct_apart():
    df = pd.DataFrame([_failed("sum_chain:x", "sum_matches_total", "65", "75"),
                       _failed("count:total|x|:c1", "count_matches_table", "65", "75"),
                       _failed("count:total|x|:c2", "count_matches_table", "65", "75"),
                       _failed("pct:k", "percent_change_consistent", "11.1111", "12")])
    f = audit.findings(df)
    assert len(f) == 2  # must merge the three 65/75 checks, must not merge the pct one
    assert f.iloc[0]["n_checks"] == 3 and f.iloc[0]["sources"].count("S ") == 3


def test_classify_severity_must_flag_and_pass():
    claims = pd.DataFrame({"claim_id": ["c9", "c8"], "period": ["initial", "current"]})
    founding = _failed("count:members_total|m|n1:c9", "count_matches_table", "11", "8")
    today = _failed("count:members_total|m|n1:c8", "count_matches_table", "11", "8")
    assert audit.classify(founding, claims) == "change_over_time"
    assert audit.classify(today, claims) == "contradiction"
    assert audit.classify(_failed("r", "repeated_quantity_agrees", "1000", "1004")) == "rounding"
    assert audit.classify(_failed("r", "repeated_quantity_agrees", "46", "64")) == "likely_typo"
    assert audit.classify(_failed("v", "volume_implied_by_herd", "4680–5200", "2900")) == "needs_assumption"


def test_real_findings(real):
    from analysis.published import load as published
    f = audit.findings(real.reset_index(), published.load("claims"))
    assert len(f) < int((~real["passed"]).sum())
    members = f[f["values"].str.contains("65 / 75")]
    # the 65-vs-75 members, once; Gráfico N°15 copies Gráfico N°14, so it is not counted
    assert len(members) == 1 and members.iloc[0]["n_checks"] == 4
    assert (f["severity"] == "change_over_time").sum() == 2  # founding vs today, not failures
    assert list(f["severity"]) == sorted(f["severity"], key=audit.SEVERITY_ORDER.index)


def test_findings_table_is_plain(real):
    from analysis.published import load as published
    from analysis.report import tables as rt
    f = audit.findings(real.reset_index(), published.load("claims"))
    for lang in ("es", "en"):
        tab = rt.findings_table(f, published.load("networks"), lang)
        assert len(tab) == len(f)
        text = " ".join(tab.astype(str).to_numpy().ravel())
        assert ".csv" not in text and "mango_la_campina_la_merced" not in text


def test_descriptions_read_as_sentences(real):
    """Issue 11: no internal id in any description; checks and their results unchanged."""
    ids = set(published.load("networks")["network_id"]) | set(published.load("projects")["project_id"])
    for text in real["description"]:
        assert not any(i in text for i in ids), text
        assert not re.search(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", text), text  # no snake_case id
        assert "|" not in text and "lacteos" not in text, text


def test_findings_table_formats_numbers_and_cites_the_document(real):
    from analysis.report import tables as rt
    f = audit.findings(real.reset_index(), published.load("claims"))
    tab = rt.findings_table(f, published.load("networks"), "es")
    text = " ".join(tab.astype(str).to_numpy().ravel())
    for leak in (">=", "26.9231", "33000", "33.000", "lacteos", "fecha:", "(derivado)", ".csv"):
        assert leak not in text, leak
    assert "33,000 / 31,000" in text and "26.9 / 20" in text and "≥ julio 2006 / junio 2006" in text
    sources = tab.iloc[:, 3]
    assert not sources.str.contains(r"\(").any()  # transcriber's notes are not citations
    assert all(len(s.split("; ")) == len(set(s.split("; "))) for s in sources)  # each place once
    assert rt.cite("Tabla N°02; fecha: Sección 4.3.2 Fase 2, texto (julio 2008); Tabla N°02") == \
        "Tabla N°02; Sección 4.3.2 Fase 2, texto"
