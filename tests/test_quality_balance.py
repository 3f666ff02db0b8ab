"""Baseline balance (analysis.survey.balance) on small hand-built panels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.survey.balance import baseline_balance, flag_imbalance, normalized_difference


def test_normalized_difference_by_hand():
    # means 2 and 3.5; variances 1 and 5/3 -> pooled sd sqrt(4/3)
    nd = normalized_difference(pd.Series([1, 2, 3]), pd.Series([2, 3, 4, 5]))
    assert nd == pytest.approx(-1.5 / math.sqrt(4 / 3))
    assert nd == pytest.approx(-1.299038, abs=1e-6)


def test_normalized_difference_undefined_cases():
    assert math.isnan(normalized_difference(pd.Series([1.0]), pd.Series([1.0, 2.0])))
    assert math.isnan(normalized_difference(pd.Series([1.0, 1.0]), pd.Series([1.0, 1.0])))
    assert normalized_difference(pd.Series([1.0, 3.0, np.nan]), pd.Series([1.0, 3.0])) == 0.0


def small_panel():
    return pd.DataFrame({
        "producer_id": list("abcdefgh") + list("abcdefgh"),
        "chain": ["lacteos"] * 5 + ["mango"] * 3 + ["lacteos"] * 5 + ["mango"] * 3,
        "member": [True, True, True, False, False, True, False, False] * 2,
        "round": [0] * 8 + [2] * 8,
        "sales_value_pen": [1, 2, 3, 4, 6, 10, 8, np.nan] + [100] * 8,
        "cows": [1, 1, 2, 1, 3, np.nan, np.nan, np.nan] + [9] * 8,
    })


def test_baseline_balance_means_counts_and_differences():
    bal = baseline_balance(small_panel(), variables=("sales_value_pen", "cows", "not_there"))
    assert list(bal.columns) == ["chain", "variable", "n_members", "mean_members", "n_comparison",
                                 "mean_comparison", "difference", "normalized_difference"]
    # cows is all missing for mango -> no row; unknown variable skipped
    assert bal[["chain", "variable"]].values.tolist() == [
        ["lacteos", "sales_value_pen"], ["lacteos", "cows"], ["mango", "sales_value_pen"]]
    s = bal.iloc[0]
    assert (s["n_members"], s["mean_members"], s["n_comparison"], s["mean_comparison"]) == (3, 2.0, 2, 5.0)
    assert s["difference"] == -3.0
    # var1 = 1, var0 = 2 -> sqrt(1.5)
    assert s["normalized_difference"] == pytest.approx(-3 / math.sqrt(1.5))
    m = bal.iloc[2]
    assert (m["n_members"], m["n_comparison"], m["mean_comparison"]) == (1, 1, 8.0)
    assert math.isnan(m["normalized_difference"])  # one producer per group: variance undefined
    assert flag_imbalance(bal).tolist() == [True, True, False]


def test_baseline_balance_uses_only_the_baseline_round():
    p = small_panel()
    bal = baseline_balance(p, variables=("sales_value_pen",))
    assert 100 not in bal["mean_members"].tolist()
    bal2 = baseline_balance(p, variables=("sales_value_pen",), baseline_round=2)
    assert bal2["mean_members"].tolist() == [100.0, 100.0]


def test_baseline_balance_names_missing_columns():
    with pytest.raises(KeyError, match=r"panel lacks column\(s\) \['member'\]"):
        baseline_balance(small_panel().drop(columns="member"))
