"""Publish an interval only where the simulation of the project's design has shown its coverage.

``references/coverage.csv`` is the table ``make simulate`` wrote (method × level × outcome →
coverage of the nominal 95 % interval over 1,000 draws of the demo design; see
``references/coverage.md``). :func:`apply_gate` joins it to the effects table: a row keeps its
interval, standard error and p-value only when its simulated coverage lies in
[``LOW``, ``HIGH``]; otherwise they are blanked and the row's note says why (the estimate stays,
as a descriptive contrast). Every row gets ``sim_coverage`` (NaN where the simulation has no
such method × level × outcome).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.labels import t
from analysis.paths import ROOT

COVERAGE_CSV = ROOT / "references" / "coverage.csv"
LOW, HIGH = 0.93, 0.97
BLANKED = ("std_error", "ci_low", "ci_high", "p_value")


def load_coverage(path: Path | str = COVERAGE_CSV) -> pd.DataFrame:
    cov = pd.read_csv(path)
    need = {"method", "level", "outcome", "coverage", "draws"}
    missing = need - set(cov.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
    return cov


def sim_level(level: str, value, chain_of_network: dict) -> str:
    """The simulation's level name of an effects row (``network:<chain>`` pools a chain's networks)."""
    if level == "overall":
        return "overall"
    if level == "chain":
        return f"chain:{value}"
    if level == "network_id":
        return f"network:{chain_of_network.get(value, '?')}"
    if level == "programme_phase":
        return f"phase:{int(float(value))}"
    return f"{level}:{value}"


def apply_gate(effects: pd.DataFrame, coverage: pd.DataFrame, chain_of_network: dict,
               lang: str = "es", low: float = LOW, high: float = HIGH) -> pd.DataFrame:
    """Effects with intervals kept only where ``low`` ≤ simulated coverage ≤ ``high``."""
    out = effects.copy()
    key = coverage.set_index(["method", "level", "outcome"])["coverage"]
    levels = [sim_level(lv, v, chain_of_network) for lv, v in zip(out["level"], out["group_value"])]
    cov = [key.get((m, lv, y), np.nan) for m, lv, y in zip(out["method"], levels, out["outcome"])]
    out["sim_coverage"] = cov
    has_ci = out["ci_low"].notna() | out["p_value"].notna()
    ok = out["sim_coverage"].between(low, high)
    drop = has_ci & ~ok
    for c in BLANKED:
        out.loc[drop, c] = np.nan
    notes = []
    for n, d, c in zip(out["note"], drop, out["sim_coverage"]):
        if not d:
            notes.append(n)
            continue
        extra = (t("effects_report.note_gated", lang, coverage=f"{c:.3f}") if pd.notna(c)
                 else t("effects_report.note_gated_missing", lang))
        notes.append(f"{n}; {extra}" if isinstance(n, str) and n else extra)
    out["note"] = notes
    return out
