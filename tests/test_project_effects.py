"""analysis.effects.project on the demo survey: levels, counts, timing and recovery of the planted effects.

Tolerances (from the simulation design in analysis.survey.demo): the DiD error of a chain is
driven by network × round shocks (sd 0.06 in logs) averaged over only 4 (mango) or 8 (dairy)
networks, sd ≈ 0.06·√2/√4 ≈ 0.04, plus sector × round shocks (sd 0.10) that cancel only partly
between members and comparison producers of the same sectors. 0.15 log points is ≈ 3 such sd.
Employment: planted +labour_days/264 FTE; producer noise (hired sd 5, family sd 8 days over
~100 producers) gives a s.e. ≈ 0.01 FTE; tolerance 0.03 FTE (≈ 8 person-days).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.coverage.gate import HIGH, LOW
from analysis.effects.project import (LEVELS, chains_without_comparison, first_post_year,
                                      run_project_effects)
from analysis.survey import pipeline
from analysis.survey.demo import PLANTED_EFFECTS

LOG_TOL = 0.15
FTE_TOL = 0.03


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    res = pipeline.run(paths.CONFIG / "demo.yaml", out)
    panel = pd.read_parquet(out / "panel.parquet")
    effects = run_project_effects(panel, out, progress=False)
    return panel, effects, out, res


def _row(effects, outcome, method, level, value=None):
    sel = effects[(effects.outcome == outcome) & (effects.method == method) & (effects.level == level)]
    if value is not None:
        sel = sel[sel.group_value.astype(str) == str(value)]
    assert len(sel) == 1, (outcome, method, level, value, len(sel))
    return sel.iloc[0]


def test_first_post_year_maps_start_years_to_next_round():
    cohort = pd.Series([2005, 2006, 2008, None], dtype="Float64")
    got = first_post_year(cohort, [2005, 2007, 2011])
    assert got.iloc[:3].tolist() == [2007.0, 2007.0, 2011.0]
    assert math.isnan(got.iloc[3])


def test_first_post_year_rejects_start_after_last_round():
    with pytest.raises(ValueError, match="'cohort_year' = 2011.0 has no survey round after it"):
        first_post_year(pd.Series([2011.0]), [2005, 2007, 2011])


def test_writes_effects_csv_with_level_names(demo):
    _, effects, out, _ = demo
    written = pd.read_csv(out / "effects.csv")
    assert len(written) == len(effects)
    assert set(effects.level) == set(LEVELS)
    assert set(effects[effects.level == "chain"].group_value) == {"lacteos", "mango"}
    assert set(effects[effects.level == "sex"].group_value) == {"F", "M"}
    assert set(effects[effects.level == "programme_phase"].group_value) == {1, 2}


@pytest.mark.parametrize("outcome", ["net_income_pen", "sales_value_pen"])
@pytest.mark.parametrize("chain", ["lacteos", "mango"])
def test_pct_effect_recovers_planted_log_effect(demo, chain, outcome):
    _, effects, _, _ = demo
    r = _row(effects, outcome, "pct_effect", "chain", chain)
    planted = PLANTED_EFFECTS[chain][f"log_{outcome}"]
    assert abs(math.log1p(r.estimate / 100) - planted) < LOG_TOL
    if LOW <= r.sim_coverage <= HIGH:        # published interval: it covers the planted effect
        assert r.ci_low < 100 * (math.exp(planted) - 1) < r.ci_high
    else:                                     # not published, and the note says why
        assert np.isnan(r.ci_low) and np.isnan(r.p_value) and "no publicados" in r.note


def test_every_published_interval_has_nominal_simulated_coverage(demo):
    _, effects, _, _ = demo
    shown = effects[effects.ci_low.notna() | effects.p_value.notna()]
    assert len(shown) > 0
    assert shown.sim_coverage.between(LOW, HIGH).all()
    hidden = effects[effects.estimate.notna() & effects.ci_low.isna() & effects.sim_coverage.notna()
                     & ~effects.sim_coverage.between(LOW, HIGH)]
    assert len(hidden) > 0 and hidden.note.str.contains("cobertura es").all()


def test_networks_get_one_treated_cluster_rows(demo):
    panel, effects, _, _ = demo
    rows = effects[(effects.level == "network_id") & (effects.method == "pct_cluster_t")
                   & (effects.outcome == "sales_value_pen")]
    assert len(rows) == 12
    comp = panel[~panel.member].groupby("chain").cluster_id.nunique()   # 8 dairy, 2 mango
    chain = panel[panel.member].drop_duplicates("network_id").set_index("network_id").chain
    for r in rows.itertuples():
        assert r.n_clusters == comp[chain[r.group_value]] + 1
        assert f"t con {comp[chain[r.group_value]] - 1} g. l." in r.inference


@pytest.mark.parametrize("chain", ["lacteos", "mango"])
def test_did_twfe_recovers_planted_employment(demo, chain):
    _, effects, _, _ = demo
    r = _row(effects, "employment_fte", "did_twfe", "chain", chain)
    assert abs(r.estimate - PLANTED_EFFECTS[chain]["labour_days"] / 264) < FTE_TOL
    hired = _row(effects, "hired_labour_days", "did_twfe", "chain", chain)
    assert abs(hired.estimate - PLANTED_EFFECTS[chain]["labour_days"]) < FTE_TOL * 264


def test_overall_did_is_estimated_and_between_chain_effects(demo):
    panel, effects, _, _ = demo
    for outcome in ("net_income_pen", "sales_value_pen", "employment_fte"):
        r = _row(effects, outcome, "did_twfe", "overall")
        assert np.isfinite(r.estimate)
        # pooled chains: clusters are the localities (sectors) members and comparison share
        assert r.n_units == 216 and r.n_clusters == panel.sector.nunique() and "sector" in r.inference
    emp = _row(effects, "employment_fte", "did_twfe", "overall").estimate
    lo, hi = sorted(PLANTED_EFFECTS[c]["labour_days"] / 264 for c in ("lacteos", "mango"))
    assert lo - FTE_TOL < emp < hi + FTE_TOL


def test_wild_bootstrap_p_values_present_for_overall_and_chains(demo):
    _, effects, _, _ = demo
    wild = effects[effects.method == "did_wild"]
    assert sorted(wild.level.unique()) == ["chain", "overall"]
    assert len(wild) == 9  # 3 main outcomes × (overall + 2 chains)
    shown = wild[wild.p_value.notna()]
    assert len(shown) >= 3 and shown.sim_coverage.between(LOW, HIGH).all()
    assert (shown.ci_low < shown.estimate).all() and (shown.estimate < shown.ci_high).all()
    mango = wild[wild.group_value == "mango"]      # 2 localities: network/comparison clusters
    assert mango.inference.str.contains("cluster_id").all()
    dairy = wild[wild.group_value == "lacteos"]    # 8 localities
    assert dairy.inference.str.contains("sector").all()


def test_network_rows_pool_members_with_same_chain_comparison(demo):
    panel, effects, _, _ = demo
    nets = effects[(effects.level == "network_id") & (effects.method == "did_twfe")
                   & (effects.outcome == "net_income_pen")]
    assert len(nets) == 12
    producers = panel.drop_duplicates("producer_id")
    comp = producers[~producers.member].groupby("chain").size()
    for r in nets.itertuples():
        members = producers[producers.network_id == r.group_value]
        assert r.n_units == len(members) + comp[members.chain.iloc[0]]
        assert "producer_id" in r.inference
    ba = effects[(effects.level == "network_id") & (effects.method == "before_after")
                 & (effects.outcome == "net_income_pen")]
    sizes = producers.groupby("network_id").size()
    assert dict(zip(ba.group_value, ba.n_units)) == sizes.to_dict()
    assert not effects[effects.level == "network_id"].method.isin(["did_wild", "cs_never", "cs_notyet"]).any()


def test_subgroup_samples(demo):
    panel, effects, _, _ = demo
    producers = panel.drop_duplicates("producer_id")
    for sex in ("F", "M"):
        r = _row(effects, "net_income_pen", "did_twfe", "sex", sex)
        assert r.n_units == (producers.sex == sex).sum()
    for phase in (1, 2):
        r = _row(effects, "net_income_pen", "did_twfe", "programme_phase", phase)
        members = producers[producers.programme_phase == phase]
        comp = producers[~producers.member & producers.chain.isin(members.chain)]
        assert r.n_units == len(members) + len(comp)


def test_every_row_states_the_timing(demo):
    _, effects, _, _ = demo
    assert effects.note.str.contains("2005, 2006 → 2007; 2008 → 2011", regex=False).all()


def test_missing_column_is_named():
    with pytest.raises(ValueError, match=r"panel.parquet: missing column\(s\) \['cluster_id', 'sector'\]"):
        run_project_effects(pd.DataFrame(columns=["producer_id", "year", "member", "chain", "sex",
                                                  "network_id", "programme_phase", "cohort_year",
                                                  "net_income_pen", "sales_value_pen",
                                                  "employment_fte"]), "/nonexistent", progress=False)


def test_chain_without_comparison_gets_before_after_only(demo, tmp_path):
    """Drop the mango comparison producers: every sample with mango members is before–after only."""
    panel = demo[0]
    no_mango_comp = panel[~((panel["chain"] == "mango") & ~panel["member"])]
    assert chains_without_comparison(no_mango_comp) == ["mango"]
    effects = run_project_effects(no_mango_comp, tmp_path, wild_reps=99, progress=False)
    mango_nets = set(panel.loc[panel["member"] & (panel["chain"] == "mango"), "network_id"])
    with_mango = ((effects["level"].isin(["overall", "sex"]))
                  | ((effects["level"] == "chain") & (effects["group_value"] == "mango"))
                  | ((effects["level"] == "network_id") & effects["group_value"].isin(mango_nets)))
    assert set(effects.loc[with_mango, "method"]) == {"before_after", "before_after_pct"}
    assert effects.loc[with_mango, "note"].str.contains(
        "a members-vs-comparison estimate is impossible|una comparación entre miembros y no miembros "
        "es imposible").all()
    dairy = effects[(effects["level"] == "chain") & (effects["group_value"] == "lacteos")]
    assert {"did_twfe", "did_wild", "cs_notyet", "pct_effect"} <= set(dairy["method"])
    phase = effects[effects["level"] == "programme_phase"]
    # each phase holds mango members (phase 1: 1 mango network; phase 2: 3), so both are before–after only
    assert set(phase["method"]) == {"before_after", "before_after_pct"}
