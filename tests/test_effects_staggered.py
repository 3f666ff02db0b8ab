"""Constructed staggered panel with a known effect; spec errors."""

import numpy as np
import pandas as pd
import pytest

from analysis.effects import COLUMNS, estimate_effects

EFFECT = 3.0


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(7)
    rows = []
    for i in range(600):
        cohort = [0, 2007, 2011][i % 3]
        net = i % 12
        alpha = rng.normal(10, 2)
        for year, shock in zip([2005, 2007, 2011], [0.0, 1.0, 2.5]):
            y = alpha + shock + rng.normal(0, 0.5) + (EFFECT if cohort and year >= cohort else 0)
            rows.append((i, year, cohort, net, "a" if i % 2 else "b", y))
    return pd.DataFrame(rows, columns=["id", "year", "first", "network", "sex", "y"])


def test_methods_recover_planted_effect(panel):
    out = estimate_effects(panel, "id", "year", ["y"], cohort="first", cluster="network",
                           methods=["did_twfe", "cs_never", "cs_notyet", "before_after"], wild_reps=199)
    assert list(out.columns) == COLUMNS
    main = out.set_index("method")
    for m in ["did_twfe", "cs_never", "cs_notyet"]:
        assert main.loc[m, "estimate"] == pytest.approx(EFFECT, abs=0.15)
        assert main.loc[m, "ci_low"] < EFFECT < main.loc[m, "ci_high"]
        assert main.loc[m, "n_clusters"] == 12
    ev = out[out["method"] == "cs_never_event"].set_index("event_time")["estimate"]
    assert sorted(ev.index) == [-4.0, 0.0, 4.0]
    assert ev[-4.0] == pytest.approx(0.0, abs=0.15)
    gt = out[out["method"] == "cs_notyet_gt"]
    assert len(gt) == 4 and set(gt["cohort"]) == {2007.0, 2011.0}
    # before-after of members mixes the effect with the common shocks
    assert main.loc["before_after", "n_units"] == 400


def test_wild_bootstrap_and_groups(panel):
    small = panel[panel["id"] < 240]
    out = estimate_effects(small, "id", "year", ["y"], cohort="first", cluster="network",
                           groups=["sex"], methods=["did_wild", "pct_effect"], wild_reps=199)
    assert set(zip(out["level"], out["group_value"].fillna("-"))) == {("overall", "-"), ("sex", "a"), ("sex", "b")}
    w = out[(out["method"] == "did_wild") & (out["level"] == "overall")].iloc[0]
    assert w["ci_low"] < EFFECT < w["ci_high"]
    assert w["p_value"] < 0.01
    assert w["inference"] == "bootstrap salvaje Webb 199, conglomerados: network (WCR, nula impuesta)"
    pct = out[(out["method"] == "pct_effect") & (out["level"] == "overall")].iloc[0]
    assert pct["note"].startswith("100·(exp(b)−1)")


@pytest.mark.parametrize("kwargs, message", [
    (dict(cohort="missing_col"),
     "column 'missing_col' (cohort) not found in panel; available columns: id, year, first, network, sex, y"),
    (dict(treated="first"), "treatment spec: treated='first' needs first_post (first post-treatment period)"),
    (dict(), "treatment spec: give treated + first_post, or cohort"),
    (dict(cohort="first", treated="sex", first_post=2007),
     "treatment spec: give either treated + first_post or cohort, not both"),
    (dict(cohort="first", methods=["ols"]),
     "unknown method(s) ['ols']; choose from ['before_after', 'did_twfe', 'did_wild', 'cs_never', 'cs_notyet', 'pct_effect']"),
])
def test_bad_spec_raises_exact_message(panel, kwargs, message):
    with pytest.raises(ValueError) as err:
        estimate_effects(panel, "id", "year", ["y"], **kwargs)
    assert str(err.value) == message


def test_first_post_out_of_range(panel):
    p = panel.assign(member=(panel["first"] > 0).astype(int))
    with pytest.raises(ValueError, match=r"^treatment spec: first_post=2005 must be after the first period 2005"):
        estimate_effects(p, "id", "year", ["y"], treated="member", first_post=2005)


def test_cs_rows_clustered_t_inference_and_aggregations(panel):
    out = estimate_effects(panel, "id", "year", ["y"], cohort="first", cluster="network",
                           methods=["cs_never"], lang="en")
    m = out.set_index("method")
    assert m.loc["cs_never", "inference"].startswith("analytic clustered by network (G=12)")
    assert m.loc["cs_never", "inference"].endswith("t(11)")
    simple = m.loc["cs_never"]
    q = __import__("scipy").stats.t.ppf(0.975, 11)
    assert simple["ci_high"] - simple["estimate"] == pytest.approx(q * simple["std_error"], rel=1e-12)
    grp = out[out["method"] == "cs_never_group"]
    assert list(grp["cohort"].fillna(0)) == [2007.0, 2011.0, 0.0]
    cal = out[out["method"] == "cs_never_calendar"]
    assert list(cal["period"].fillna(0)) == [2007.0, 2011.0, 0.0]
    assert m.loc["cs_never_event_avg", "estimate"] == pytest.approx(EFFECT, abs=0.15)
    pre = m.loc["cs_never_pretest"]
    assert pre["p_value"] > 0.01 and "F(1, 11)" in pre["note"]
    # without a cluster column: one cluster per unit
    unit = estimate_effects(panel, "id", "year", ["y"], cohort="first", methods=["cs_never"],
                            aggregations=["simple"], lang="en")
    assert "(G=600)" in unit["inference"].iloc[0] and unit["method"].tolist()[0] == "cs_never"
    assert set(unit["method"]) == {"cs_never", "cs_never_gt", "cs_never_pretest"}
