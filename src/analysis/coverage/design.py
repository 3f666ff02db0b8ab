"""One draw of the project's own design: the demo survey's data-generating process, twice.

``draw(seed)`` runs the demo generator (:mod:`analysis.survey.demo`: the 116 members of the 12
networks of ``networks.csv`` with their men and women, 50 comparison producers per chain living in
the members' sectors, rounds 2005/2007/2011, producer effects, sector × round and network × round
shocks, planted effects) and returns the clean panel the pipeline would produce from it, with the
same columns the effects step reads (``cluster_id``: the network for members, ``comp_<sector>`` for
comparison producers, as in :mod:`analysis.survey.clean`; ``employment_fte`` = labour days / 264).

For every outcome ``y`` the panel also holds ``y__y0``: the untreated potential outcome of the same
producer in the same draw (same random numbers, planted effects set to zero), so the truth of each
estimand is computed from the draw itself, never assumed. What the draw leaves out, on purpose:
the planted dirt and the attrition of the demo workbook (the panel is balanced).
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.paths import PUBLISHED
from analysis.survey import demo
from analysis.survey.clean import FTE_DAYS, slug

OUTCOMES = ("net_income_pen", "sales_value_pen", "employment_fte")
Y0 = "__y0"


@lru_cache(maxsize=1)
def _inputs():
    networks = pd.read_csv(PUBLISHED / "networks.csv")
    calib = demo.load_calibration(PUBLISHED)
    calib0 = copy.deepcopy(calib)
    for c in calib0.values():
        c["effect"] = {k: 0.0 for k in c["effect"]}
    planted0 = {ch: {k: 0.0 for k in v} for ch, v in demo.PLANTED_EFFECTS.items()}
    return networks, calib, calib0, planted0


def _canonical(truth: pd.DataFrame) -> pd.DataFrame:
    df = truth.copy()
    df["employment_fte"] = (df["family_labour_days"] + df["hired_labour_days"]) / FTE_DAYS
    return df


def draw(seed: int) -> pd.DataFrame:
    """Balanced producer × year panel of one draw, with ``<outcome>__y0`` columns."""
    networks, calib, calib0, planted0 = _inputs()
    rng = np.random.default_rng(seed)
    producers = demo.build_producers(networks, rng)
    state = rng.bit_generator.state
    observed = _canonical(demo.simulate(producers, calib, rng))
    rng.bit_generator.state = state
    untreated = _canonical(demo.simulate(producers, calib0, rng, planted=planted0))
    df = observed.rename(columns={"producer_key": "producer_id"})
    for y in OUTCOMES:
        df[y + Y0] = untreated[y].to_numpy()
    df["network_id"] = df["network_id"].astype("string")
    member = df["member"].astype(bool)
    df["member"] = member
    df["cluster_id"] = np.where(member, df["network_id"].fillna(""),
                                "comp_" + df["sector"].map(slug))
    return df.drop(columns=["round", "treated"])
