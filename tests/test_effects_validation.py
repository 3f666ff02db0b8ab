"""Reproduce published estimates through the public API (Card & Krueger 1994; Wooldridge Ex. 14.1)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.effects import estimate_effects, fit_twfe

DATA = Path(__file__).parent / "data" / "validation"
PUB = pd.read_csv(DATA / "published.csv").set_index(["case", "quantity"])


@pytest.fixture(scope="module")
def ck():
    return pd.read_csv(DATA / "card_krueger_long.csv")


def _pub(case, q):
    r = PUB.loc[(case, q)]
    return r["estimate"], r["std_error"], int(r["decimals"])


def _balanced(ck):
    have = ck.dropna(subset=["fte"])
    return have[have.groupby("store_id")["fte"].transform("size") == 2]


def test_card_krueger_balanced_did(ck):
    est, se, dec = _pub("card_krueger", "did_fte_balanced")
    out = estimate_effects(_balanced(ck), "store_id", "wave", ["fte"], treated="state",
                           first_post=2, methods=["did_twfe"], vcov="hetero")
    row = out.iloc[0]
    assert round(row["estimate"], dec) == est
    assert round(row["std_error"], dec) == se
    assert row["n_units"] == 384 and row["n_obs"] == 768


def test_card_krueger_all_stores_unit_fe_uses_balanced_stores(ck):
    # unit fixed effects drop the 26 singleton stores: same 2.75 / 1.34, said in the note
    est, se, dec = _pub("card_krueger", "did_fte_balanced")
    row = estimate_effects(ck, "store_id", "wave", ["fte"], treated="state", first_post=2,
                           methods=["did_twfe"], vcov="hetero").iloc[0]
    assert (round(row["estimate"], dec), round(row["std_error"], dec)) == (est, se)
    assert row["note"].startswith("26 filas con resultado no faltante excluidas")


def test_card_krueger_all_available_means_of_each_wave(ck):
    est, _, dec = _pub("card_krueger", "did_fte_all_available")
    row = estimate_effects(ck, "store_id", "wave", ["fte"], treated="state", first_post=2,
                           methods=["did_twfe"], unit_fe=False).iloc[0]
    assert round(row["estimate"], dec) == est
    assert row["n_obs"] == 794
    # hand check: difference of the four wave means
    m = ck.groupby(["state", "wave"])["fte"].mean()
    assert row["estimate"] == pytest.approx((m[1, 2] - m[1, 1]) - (m[0, 2] - m[0, 1]), abs=1e-10)


def test_card_krueger_callaway_santanna_equals_did_with_two_periods(ck):
    est, _, dec = _pub("card_krueger", "did_fte_balanced")
    out = estimate_effects(ck, "store_id", "wave", ["fte"], treated="state", first_post=2,
                           methods=["cs_never", "cs_notyet"])
    simple = out[out["method"].isin(["cs_never", "cs_notyet"])]
    assert list(simple["estimate"].round(dec)) == [est, est]
    assert (simple["n_units"] == 384).all()


def test_card_krueger_by_chain_equals_hand_difference_of_mean_changes(ck):
    bal = _balanced(ck)
    out = estimate_effects(bal, "store_id", "wave", ["fte"], treated="state", first_post=2,
                           groups=["chain"], methods=["did_twfe", "before_after"])
    did = out[(out["level"] == "chain") & (out["method"] == "did_twfe")].set_index("group_value")
    assert sorted(did.index) == [1, 2, 3, 4]
    wide = bal.pivot(index="store_id", columns="wave", values="fte")
    info = bal.groupby("store_id")[["state", "chain"]].first()
    change = (wide[2] - wide[1]).groupby([info["chain"], info["state"]]).mean()
    for chain in [1, 2, 3, 4]:
        hand = change[chain, 1] - change[chain, 0]
        assert did.loc[chain, "estimate"] == pytest.approx(hand, abs=1e-10)
    ba = out[(out["level"] == "overall") & (out["method"] == "before_after")].iloc[0]
    assert ba["estimate"] == pytest.approx((wide[2] - wide[1])[info["state"] == 1].mean(), abs=1e-12)
    assert ba["n_units"] == 309


def load_jtrain() -> pd.DataFrame:
    """Wooldridge's JTRAIN (Introductory Econometrics, Example 14.1), the columns these tests use,
    shipped as tests/data/validation/jtrain.csv (from the `wooldridge` package's copy)."""
    return pd.read_csv(DATA / "jtrain.csv")


def test_jtrain_example_14_1():
    jt = load_jtrain()
    res = fit_twfe(jt, "lscrap", ["grant", "grant_1"], unit="fcode", period="year", vcov="iid")
    res = res.set_index("term")
    for term in ["grant", "grant_1"]:
        est, se, dec = _pub("jtrain_ex14_1", term)
        assert round(res.loc[term, "estimate"], dec) == est
        assert round(res.loc[term, "std_error"], dec) == se
    # 162 firm-years with scrap data = 54 firms x 3 years
    assert res["n_obs"].iloc[0] == 162 and res["n_units"].iloc[0] == 54
    # year dummies instead of absorbed years: same grant terms, and d88/d89 as published
    dummies = fit_twfe(jt, "lscrap", ["d88", "d89", "grant", "grant_1"], unit="fcode", vcov="iid")
    dummies = dummies.set_index("term")
    for term in ["d88", "d89", "grant", "grant_1"]:
        est, se, dec = _pub("jtrain_ex14_1", term)
        assert (round(dummies.loc[term, "estimate"], dec), round(dummies.loc[term, "std_error"], dec)) == (est, se)


def test_jtrain_controls_in_estimate_effects():
    jt = load_jtrain()
    # grant as a one-shot treatment flag is not a DiD design; use controls path: effect of
    # grant_1 with grant as control must equal fit_twfe's grant_1 coefficient
    jt = jt.assign(first=np.where(jt.groupby("fcode")["grant_1"].transform("max") == 1,
                                  jt.assign(y=np.where(jt["grant_1"] == 1, jt["year"], np.inf))
                                  .groupby("fcode")["y"].transform("min"), 0))
    out = estimate_effects(jt, "fcode", "year", ["lscrap"], cohort="first", controls=["grant"],
                           methods=["did_twfe"], vcov="iid")
    ref = fit_twfe(jt.assign(tp=(jt["first"] > 0) & (jt["year"] >= jt["first"])).astype({"tp": int}),
                   "lscrap", ["tp", "grant"], unit="fcode", period="year", vcov="iid").set_index("term")
    assert out.iloc[0]["estimate"] == pytest.approx(ref.loc["tp", "estimate"], abs=1e-12)
    assert out.iloc[0]["std_error"] == pytest.approx(ref.loc["tp", "std_error"], abs=1e-12)
