"""One estimation for both editions: deferred text (analysis.labels.DEFERRED) and the estimates
cache (analysis.effects.cache) give each edition the effects.csv it would compute by itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.effects import cache, project
from analysis.labels import DEFERRED, render_deferred, t
from analysis.survey import pipeline


def test_deferred_text_renders_as_the_direct_translation_nested_values_included():
    for lang in ("es", "en"):
        direct = "; ".join([
            t("factsheet.pe_note_no_comparison", lang, chain=t("common.chain_lacteos", lang)),
            t("effects.note_dropped", lang, k=3)])
        later = "; ".join([
            t("factsheet.pe_note_no_comparison", DEFERRED, chain=t("common.chain_lacteos", DEFERRED)),
            t("effects.note_dropped", DEFERRED, k=np.int64(3))])
        assert render_deferred(later, lang) == direct
    assert render_deferred("plain text", "en") == "plain text"
    assert render_deferred(np.nan, "en") is np.nan


def test_a_deferred_key_is_checked_when_it_is_written():
    with pytest.raises(KeyError, match="label 'no_such_note' missing in"):
        t("effects.no_such_note", DEFERRED)


@pytest.fixture(scope="module")
def demo_panel(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel")
    pipeline.run(paths.CONFIG / "demo.yaml", out)
    return pd.read_parquet(out / "panel.parquet")


def same_effects(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """The same rows and text; numbers equal to pyfixest's demeaning tolerance (1e-8: digits
    beyond the 8th of a standard error follow the memory layout of the process)."""
    assert a.shape == b.shape
    num = a.select_dtypes("number").columns
    for c in a.columns:
        if c in num:
            assert np.allclose(a[c], b[c], rtol=1e-6, atol=1e-12, equal_nan=True), c
        else:
            assert a[c].fillna("<NA>").tolist() == b[c].fillna("<NA>").tolist(), c


def test_the_second_edition_renders_the_cached_estimates(demo_panel, tmp_path, monkeypatch):
    kw = dict(wild_reps=99, progress=False)
    # each edition by itself, no cache
    for lang in ("es", "en"):
        project.run_project_effects(demo_panel, tmp_path / "alone" / lang, lang=lang, **kw)
    # the build: Spanish estimates, English from the cache (estimating again would fail here)
    project.run_project_effects(demo_panel, tmp_path / "build" / "es", lang="es",
                                cache_dir=tmp_path / "cache", **kw)
    assert len(list((tmp_path / "cache").glob("effects-estimates-*.pkl"))) == 1

    def no_estimation(*a, **k):
        raise AssertionError("estimated again although the cache holds these estimates")

    monkeypatch.setattr(project, "estimate_project", no_estimation)
    project.run_project_effects(demo_panel, tmp_path / "build" / "en", lang="en",
                                cache_dir=tmp_path / "cache", **kw)
    for lang in ("es", "en"):
        same_effects(pd.read_csv(tmp_path / "alone" / lang / "effects.csv"),
                     pd.read_csv(tmp_path / "build" / lang / "effects.csv"))
    # the English file is the Spanish estimates rendered: the same numbers to the last byte
    es, en = (pd.read_csv(tmp_path / "build" / lang / "effects.csv") for lang in ("es", "en"))
    num = es.select_dtypes("number").columns
    pd.testing.assert_frame_equal(es[num], en[num])
    assert (es["note"] != en["note"]).mean() > 0.9   # and the text in the other language
    english = pd.read_csv(tmp_path / "build" / "en" / "effects.csv")
    assert not english["note"].str.contains("\x02").any()
    assert english["inference"].str.contains("producer_id").any()
    assert not english["inference"].str.contains("_unit|_cluster|_locality").any()


def test_another_panel_value_or_parameter_is_another_key(demo_panel):
    base = cache.estimates_key(demo_panel, wild_reps=999, seed=1, wild_ci_levels=("overall",))
    changed = demo_panel.copy()
    changed.loc[changed.index[0], "net_income_pen"] += 1.0
    assert cache.estimates_key(changed, wild_reps=999, seed=1, wild_ci_levels=("overall",)) != base
    assert cache.estimates_key(demo_panel, wild_reps=999, seed=2, wild_ci_levels=("overall",)) != base
    assert cache.estimates_key(demo_panel.iloc[::-1], wild_reps=999, seed=1, wild_ci_levels=("overall",)) != base
    assert cache.estimates_key(demo_panel, wild_reps=999, seed=1, wild_ci_levels=("overall",)) == base


def test_an_unreadable_or_foreign_entry_is_not_used(tmp_path):
    key = "a" * 64
    assert cache.load(tmp_path, key) is None
    frame = pd.DataFrame({"x": [1.0]})
    frame.attrs["chain_of_network"] = {"n1": "mango"}
    path = cache.save(tmp_path, key, frame)
    assert cache.load(tmp_path, key).attrs["chain_of_network"] == {"n1": "mango"}
    path.write_bytes(b"not a pickle")
    assert cache.load(tmp_path, key) is None
    cache.save(tmp_path, "b" * 64, frame)   # a newer entry replaces the older ones
    assert [p.name for p in tmp_path.glob("effects-estimates-*.pkl")] == [f"effects-estimates-{'b' * 32}.pkl"]
