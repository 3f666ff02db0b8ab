"""Arithmetic of analysis.published.implied: hand-computable cases, intervals, real-data endpoints."""

import math

import pandas as pd
import pytest

from analysis.published import implied as im
from analysis.paths import PUBLISHED


@pytest.fixture(scope="module")
def inputs():
    return im.load_inputs()


@pytest.fixture(scope="module")
def result(inputs):
    return im.compute_implied(inputs["indicators"], inputs["networks"],
                              network_totals=inputs["network_totals"])


def _raw(indicator_id, chain, period):
    df = pd.read_csv(PUBLISHED / "chain_indicators.csv")
    row = df[(df.indicator_id == indicator_id) & (df.chain == chain) & (df.period == period)
             & df.network_id.isna()]
    assert len(row) == 1
    return float(row.low.iloc[0]), float(row.high.iloc[0])


def test_two_cows_ten_litres_at_080():
    litres = im.milk_litres_per_year(2, 10, 365)
    assert litres == 7300
    assert litres * 0.80 == pytest.approx(5840)
    assert im.milk_litres_per_year(2, 10, 365, in_milk=0.5) == 3650


def test_blended_price_and_bad_shares():
    assert im.blended_price([0.9, 0.1], [0.8, 1.0]) == pytest.approx(0.82)
    with pytest.raises(ValueError, match="channel shares add up to 0.9000, not 1"):
        im.blended_price([0.8, 0.1], [0.8, 1.0])


def test_mango_revenue_hand_case():
    # 100 × 1.1 × (0.75/0.5) × (1/0.5) = 330 ; net of waste: 100 × 1.1 × 2 = 220
    assert im.mango_revenue_per_ha(100, 0.1, 0.5, 0.25, 0.5, 0.0, 0.0, False) == pytest.approx(330)
    assert im.mango_revenue_per_ha(100, 0.1, 0.5, 0.25, 0.5, 0.0, 0.0, True) == pytest.approx(220)
    # 100 soles at 2 soles/kg (no discard) = 50 kg
    assert im.mango_marketable_per_ha(100, 2.0, 0.5, 0.0) == pytest.approx(50)


def test_scan_interval_endpoints():
    res = im.scan(lambda a, b: {"q": (a, a * b)}, {"a": (1, 2), "b": (3, 5)})["q"]
    assert res["initial"] == (1, 2)
    assert res["current"] == (3, 10)
    assert res["change"] == (2, 8)      # joint: a*b - a over the four corners
    assert res["pct"] == (200, 400)


def test_intervals_ordered(result):
    num = result.effects.dropna(subset=["pct_low"])
    # mango: 3 quantities × 2 levels; dairy: 2 scenarios × 2 price variants × 3 × 2
    assert len(num) == 6 + 24
    for a, b in (("initial_low", "initial_high"), ("current_low", "current_high"),
                 ("change_low", "change_high"), ("pct_low", "pct_high")):
        assert (num[a] <= num[b] + 1e-9).all(), a


def test_dairy_endpoints_recomputed(result):
    cows0, cows1 = _raw("cows_per_producer", "lacteos", "initial"), _raw("cows_per_producer", "lacteos", "current")
    y0, y1 = _raw("milk_yield_l_cow_day", "lacteos", "initial"), _raw("milk_yield_l_cow_day", "lacteos", "current")
    pc0, pd0 = _raw("price_collector_pen_l", "lacteos", "initial"), _raw("price_direct_pen_l", "lacteos", "initial")
    s_c0 = _raw("share_collector_pct", "lacteos", "initial")[0] / 100
    s_d0 = _raw("share_direct_pct", "lacteos", "initial")[0] / 100
    s_c1 = _raw("share_collector_pct", "lacteos", "current")[0] / 100
    s_r1 = _raw("share_redeslac_pct", "lacteos", "current")[0] / 100
    s_d1 = _raw("share_direct_pct", "lacteos", "current")[0] / 100
    base = _raw("redeslac_price_pen_l", "lacteos", "initial")[0]
    prem_r = _raw("price_premium_redeslac_pen_l", "lacteos", "current")[0]
    prem_d = _raw("price_premium_direct_pen_l", "lacteos", "current")[0]
    p1 = s_c1 * base + s_r1 * (base + prem_r) + s_d1 * (base + prem_d)
    v0_lo = cows0[0] * y0[0] * 365 * (s_c0 * pc0[0] + s_d0 * pd0[0])
    v0_hi = cows0[1] * y0[1] * 365 * (s_c0 * pc0[1] + s_d0 * pd0[1])
    v1_lo, v1_hi = cows1[0] * y1[0] * 365 * p1, cows1[1] * y1[1] * 365 * p1
    row = result.effects.query("chain == 'lacteos' and level == 'per_producer' and "
                               "quantity == 'income' and scenario == 'principal' and "
                               "prices == 'nominal'").iloc[0]
    assert row.initial_low == pytest.approx(v0_lo)
    assert row.initial_high == pytest.approx(v0_hi)
    assert row.current_low == pytest.approx(v1_lo)
    assert row.current_high == pytest.approx(v1_hi)
    assert row.pct_low == pytest.approx((v1_lo / v0_hi - 1) * 100)
    assert row.pct_high == pytest.approx((v1_hi / v0_lo - 1) * 100)
    # the published figures give 2,763.05 – 7,910.28 soles initially
    assert round(row.initial_low, 2) == 2763.05 and round(row.initial_high, 2) == 7910.28


def test_mango_pct_recomputed(result):
    """Only the net-of-waste reading survives (the gross one implies more volume growth than
    any production increase the document states); the interval spans the discard price."""
    g = _raw("yield_change_pct", "mango", "current")[0] / 100
    d0, d1 = _raw("discard_pct", "mango", "initial")[0] / 100, _raw("discard_pct", "mango", "current")[0] / 100
    lo_r, hi_r = im.ImpliedParams().discard_price_ratio
    low = (1 + g) * ((1 - d1 + d1 * hi_r) / (1 - d0 + d0 * hi_r)) - 1          # net of waste
    high = (1 + g) * ((1 - d1 + d1 * lo_r) / (1 - d0 + d0 * lo_r)) - 1
    for level in ("per_producer", "chain"):
        row = result.effects.query(f"chain == 'mango' and level == '{level}' and quantity == 'income'").iloc[0]
        assert row.pct_low == pytest.approx(low * 100)
        assert row.pct_high == pytest.approx(high * 100)
        assert row.prices == "constante" and row.consistency == "consistente"
    assert round(low * 100) == 69 and round(high * 100) == 140
    chain = result.effects.query("chain == 'mango' and level == 'chain' and quantity == 'income'").iloc[0]
    rev0 = _raw("revenue_per_ha_pen", "mango", "initial")[0]
    ha = _raw("hectares_in_production", "mango", "initial")[0]
    assert chain.initial_low == pytest.approx(rev0 * ha)


def test_mango_gross_reading_is_contradicted(result, inputs):
    """(1 + 18%) × (1 − 15%) / (1 − 38%) = +62% marketable volume, above the +30% the document
    states as the largest production increase (La Campiña's strategic project)."""
    chk = result.checks[result.checks.chain == "mango"].iloc[0]
    assert chk.implied_high == pytest.approx(1.18 * 0.85 / 0.62)
    assert chk.published_high == pytest.approx(1.30)
    assert chk.corners_failing == chk.corners_total / 2   # every gross-reading corner
    gross = im.compute_implied(inputs["indicators"], inputs["networks"],
                               im.ImpliedParams(yield_net_of_waste=(False,)), inputs["network_totals"])
    row = gross.effects.query("chain == 'mango' and level == 'per_producer' and quantity == 'income'").iloc[0]
    assert row.consistency == "contradicho"


def test_in_milk_fraction_reconciles_the_herd(inputs, result):
    """With half the head in milk, 65–75 producers × 4 × 0.5 × 18–20 l brackets 2,900 l/day: the
    herd scenario becomes consistent, kept only where the daily total agrees (±5%)."""
    half = im.compute_implied(inputs["indicators"], inputs["networks"],
                              im.ImpliedParams(cows_in_milk_fraction=0.5), inputs["network_totals"])
    q = ("chain == 'lacteos' and quantity == 'production' and scenario == 'principal' and "
         "prices == 'nominal'")
    a, b = result.effects.query(q + " and level == 'per_producer'").iloc[0], half.effects.query(q + " and level == 'per_producer'").iloc[0]
    assert a.consistency == "contradicho" and b.consistency == "consistente"
    assert 0 < b.corners_kept < b.corners_total
    chain = half.effects.query(q + " and level == 'chain'").iloc[0]
    assert 2900 * 0.95 * 365 - 1e-6 <= chain.current_low <= chain.current_high <= 2900 * 1.05 * 365 + 1e-6


def test_employment_not_determinable(result):
    jobs = result.effects[result.effects.quantity.str.startswith("jobs_")]
    assert list(jobs.quantity) == ["jobs_created", "jobs_consolidated"]
    assert jobs.change_low.isna().all() and (jobs.status == "no determinable").all()
    assert result.employment.data_needed.str.contains("Jornales").all()


def test_conclusions_text(result):
    items = im.fill_conclusions(result.effects, "es")
    assert [i["placeholder"] for i in items] == ["mango_income", "dairy_income", "jobs_created",
                                                 "jobs_consolidated"]
    mango = result.effects.query("chain == 'mango' and level == 'per_producer' and quantity == 'income'").iloc[0]
    # issue 9: the range is now followed by the careful wording (gross sales value, no comparison)
    assert items[0]["value_text"].startswith(f"entre {round(mango.pct_low)}% y {round(mango.pct_high):,d}%")
    assert "sin grupo de comparación" in items[0]["value_text"]
    assert [i["status"] for i in items] == ["calculado", "calculado", "no determinable", "no determinable"]
    assert items[2]["value_text"] == "no determinable con las cifras publicadas"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_placeholder_in_any_output(inputs, lang, tmp_path):
    res = im.compute_implied(inputs["indicators"], inputs["networks"], im.ImpliedParams(lang=lang),
                             inputs["network_totals"])
    texts = [str(v) for df in (res.effects, res.assumptions, res.employment, res.checks)
             for v in df.to_numpy().ravel()]
    items = im.fill_conclusions(res.effects, lang)
    texts += [str(v) for i in items for v in i.values()] + im.conclusions_sentences(items, lang)
    assert not [x for x in texts if "XX" in x]
    files = im.write_implied(res, tmp_path, lang)
    for path in files.values():
        assert "XX" not in path.read_text(encoding="utf-8")
    assert len(pd.read_csv(files["conclusions"])) == 4
    assert len(pd.read_csv(files["effects"])) == len(res.effects)


def test_missing_indicator_names_row(inputs):
    ind = inputs["indicators"]
    broken = ind[ind.indicator_id != "revenue_per_ha_pen"]
    with pytest.raises(KeyError, match="chain_indicators.csv: no row with "
                                       "indicator_id='revenue_per_ha_pen', chain='mango', "
                                       "period='initial'"):
        im.compute_implied(broken, inputs["networks"])


def test_dairy_check_in_milk_share(result):
    share = result.checks[result.checks.check.str.startswith("Fracción de vacas")].iloc[0]
    assert 0 < share.implied_low < share.implied_high < 1
    daily = result.checks[result.checks.check.str.startswith("Producción diaria")].iloc[0]
    assert daily.published_low == 2900 and daily.verdict.startswith("ninguna combinación")


# ---------------------------------------------------------------- issue 9: consistent headline

def test_herd_scenario_is_checked_against_published_volume(result, inputs):
    """4 head × 18–20 l × 65–75 members exceeds the stated 2,900 l/day: contradicted, never headlines."""
    pp = result.effects.query("chain == 'lacteos' and level == 'per_producer' and quantity == 'income'")
    flags = set(zip(pp.scenario, pp.prices, pp.consistency))
    assert flags == {("principal", "nominal", "contradicho"), ("principal", "constante", "contradicho"),
                     ("volumen_publicado", "nominal", "consistente"),
                     ("volumen_publicado", "constante", "consistente")}
    assert (pp[pp.scenario == "principal"].corners_kept == 0).all()
    items = im.fill_conclusions(result.effects, "es")
    ok = pp[(pp.scenario == "volumen_publicado") & (pp.prices == "nominal")].iloc[0]
    assert items[1]["value_text"].startswith(f"entre {round(ok.pct_low)}% y {round(ok.pct_high):,d}%")
    assert round(ok.pct_low) == 86 and round(ok.pct_high) == 515


def test_association_volume_dropped_by_redeslac_sales(result):
    """22% × 2,900 = 638 l/day through REDESLAC agrees with 500 l to NESTLÉ ÷ 78% = 641; the
    association's 3,500 l/day gives 770 and is dropped: current litres use 2,900 only."""
    chk = result.checks[(result.checks.chain == "lacteos") & (result.checks.scenario == "volumen_publicado")
                        & result.checks.check.str.startswith("Litros diarios vendidos vía REDESLAC")]
    assert len(chk) == 2  # one per price variant
    r = chk.iloc[0]
    assert r.implied_low == pytest.approx(0.22 * 2900) and r.implied_high == pytest.approx(0.22 * 3500)
    assert r.published_low == pytest.approx(500 / 0.78)
    assert r.corners_failing == r.corners_total / 2
    row = result.effects.query("chain == 'lacteos' and level == 'chain' and quantity == 'production' "
                               "and scenario == 'volumen_publicado' and prices == 'nominal'").iloc[0]
    assert row.current_low == row.current_high == pytest.approx(2900 * 365)


def test_constant_prices_use_one_price_in_both_periods(result):
    """At constant prices the initial collector price (0.73–0.87) values both periods, the same
    figure in each combination: +64.5% to +371.7% (independent ends would reach down to +42%)."""
    row = result.effects.query("chain == 'lacteos' and level == 'per_producer' and quantity == 'income' "
                               "and scenario == 'volumen_publicado' and prices == 'constante'").iloc[0]
    lo = 2900 / 75 * (0.73 + 0.22 * 0.05 + 0.15 * 0.35) / (2 * 12 * (0.9 * 0.73 + 0.1 * 1.2)) - 1
    hi = 2900 / 65 * (0.87 + 0.22 * 0.05 + 0.15 * 0.35) / (1 * 10 * (0.9 * 0.87 + 0.1 * 1.0)) - 1
    assert row.pct_low == pytest.approx(lo * 100) and row.pct_high == pytest.approx(hi * 100)
    independent = 2900 / 75 * (0.73 + 0.0635) / (24 * (0.9 * 0.87 + 0.12)) - 1
    assert round(independent * 100) == 42 and row.pct_low > independent * 100 + 20
    items = im.fill_conclusions(result.effects, "es")
    assert "En lácteos, a precios constantes" in items[1]["value_text"]
    assert f"entre {round(row.pct_low)}% y {round(row.pct_high)}%" in items[1]["value_text"]


@pytest.mark.parametrize("relation,value,holds", [
    ("within", 2900 * 1.04, True), ("within", 2900 * 1.06, False), ("within", 2900 * 0.94, False),
    ("at_most", 2900 * 1.04, True), ("at_most", 3500, False), ("at_least", 2000, False),
    ("at_least", 2900, True)])
def test_constraint_must_flag_and_pass(relation, value, holds):
    c = im.Constraint("x", lambda v: v, (2900.0, 2900.0), "s", relation)
    assert c.holds({"v": value}) is holds


def test_scan_drops_inconsistent_corners_and_flags_when_none_left():
    model = lambda a, b: {"q": (a, a + b)}  # noqa: E731
    ok = im.scan_consistent(model, {"a": (1, 2), "b": (1, 10)},
                            [im.Constraint("x", lambda a, b: a + b, (3.0, 3.0), "s")])
    assert (ok.corners_total, ok.corners_kept) == (4, 1) and ok.consistent
    assert ok.intervals["q"]["current"] == (3, 3)
    none = im.scan_consistent(model, {"a": (1, 2), "b": (1, 10)},
                              [im.Constraint("x", lambda a, b: a + b, (100.0, 100.0), "s")])
    assert not none.consistent and none.intervals["q"]["current"] == (2, 12)
    with pytest.raises(ValueError, match="uses inputs \\['z'\\] that the scan does not vary"):
        im.scan_consistent(model, {"a": (1,), "b": (1,)}, [im.Constraint("x", lambda z: z, (1, 1), "s")])


def test_headline_rows_must_flag_and_pass():
    rows = pd.DataFrame({"scenario": ["principal", "volumen_publicado"],
                         "consistency": ["contradicho", "consistente"]})
    assert list(im.headline_rows(rows).scenario) == ["volumen_publicado"]
    rows.loc[0, "consistency"] = "consistente"
    assert list(im.headline_rows(rows).scenario) == ["principal"]


def test_overlap_rule():
    assert not im._overlap((4000.0, 5000.0), (2900.0, 2900.0))
    assert im._overlap((2800.0, 3000.0), (2900.0, 2900.0))


@pytest.mark.parametrize("lang,phrase", [("es", "no es un efecto causal ni un ingreso neto"),
                                         ("en", "neither a causal effect nor a net income")])
def test_stated_changes_next_to_implied(inputs, lang, phrase):
    from analysis.published import load as published
    claims = published.load("claims")
    res = im.compute_implied(inputs["indicators"], inputs["networks"], im.ImpliedParams(lang=lang),
                             inputs["network_totals"], claims)
    stated = res.effects[res.effects.level == "stated"]
    want = claims[claims.measure.str.endswith("income_change_pct") & (claims.period == "current")]
    assert len(stated) == len(want) == 2
    assert sorted(stated.pct_low) == sorted(want.low.astype(float))
    items = im.fill_conclusions(res.effects, lang)
    for i in items[:2]:
        assert phrase in i["value_text"] and "+25%" in i["value_text"]
    assert all("XX" not in s for s in im.conclusions_sentences(items, lang))


def test_decomposition_multiplies_to_total(result):
    d = result.decomposition
    m = d[d.chain == "mango"]
    assert set(m.driver) == {"hectares", "yield", "waste", "discard_mix", "total"}
    assert (d.ratio > 0).all()
    for _, g in d.groupby(["chain", "scenario", "prices"]):
        parts = g[g.driver != "total"].ratio.prod()
        assert g[g.driver == "total"].ratio.iloc[0] == pytest.approx(parts)
    v = d[(d.chain == "lacteos") & (d.scenario == "volumen_publicado")].set_index(["prices", "driver"]).ratio
    # the market price of milk (0.80 -> 0.98) carries more than the programme's premiums (+4%)
    assert v["nominal", "market_price"] == pytest.approx(1.2085, abs=1e-3)
    assert v["nominal", "channel"] == pytest.approx(1.040, abs=1e-3)
    assert v["constante", "market_price"] == 1.0
    assert v["constante", "total"] < v["nominal", "total"]


def test_sensitivity_covers_every_own_assumption(result):
    s = result.sensitivity
    assert set(s.parameter) == {p for _, p, _, _ in im.SENSITIVITY}
    disc = s[s.parameter == "discard_price_ratio"].sort_values("value")
    assert disc.value.min() == 0.25 and disc.value.max() == 0.5
    assert disc.pct_low.is_monotonic_decreasing  # a dearer discard shrinks the quality gain
    pp = result.effects.query("chain == 'mango' and level == 'per_producer' and quantity == 'income'").iloc[0]
    assert disc.pct_low.min() == pytest.approx(pp.pct_low) and disc.pct_high.max() == pytest.approx(pp.pct_high)
    reading = s[s.parameter == "yield_reading"].set_index("value").consistency
    assert reading[True] == "consistente" and reading[False] == "contradicho"
    iy = s[s.parameter == "initial_yield"].set_index("value")
    assert iy.loc["members"].pct_high < iy.loc["territory"].pct_high  # 13 l baseline: smaller gain


@pytest.mark.parametrize("lang", ["es", "en"])
def test_decomposition_checks_and_sensitivity_tables(result, lang):
    from analysis.report import tables as rt
    for tab in (rt.decomposition_table(result.decomposition, lang),
                rt.implied_checks_table(result.checks, lang),
                rt.sensitivity_table(result.sensitivity, lang)):
        assert len(tab) > 0
        assert not tab.apply(lambda c: c.astype(str).str.contains("_")).any().any()  # no raw ids
    dec = rt.decomposition_table(result.decomposition, lang)
    assert len(dec) == (result.decomposition.consistency != "contradicho").sum()
