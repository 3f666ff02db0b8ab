"""Coverage benchmark of analysis.effects on synthetic panels shaped like the project.

Each draw: 12 networks; ~116 members (networks 1-8 joined 2005/2006 → first post round 2007,
networks 9-12 joined 2008 → first post round 2011) and ~100 never-treated comparison producers
spread over the same 12 localities; rounds 2005/2007/2011; unit effects, round effects,
network × round shocks; a constant planted effect. For every method: coverage of the 95% CI
and mean bias. did_wild coverage = share of draws where the wild bootstrap does not reject
H0: beta = true effect (exactly the coverage of its test-inversion CI), so the CI bisection
is skipped. Usage: python scripts/simulate_coverage.py [N] [--wild-reps 199] [--seed 1]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from analysis.effects import estimate_effects

EFFECT = 2.0
ROUNDS = (2005, 2007, 2011)


def draw_panel(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    uid = 0
    for net in range(12):
        first_post = 2007 if net < 8 else 2011
        n_mem = rng.integers(8, 12)   # ≈116 members in total
        n_cmp = rng.integers(6, 11)   # ≈100 comparison producers in total
        shock = rng.normal(0, 0.8, size=len(ROUNDS))
        for member in [1] * n_mem + [0] * n_cmp:
            alpha = rng.normal(10, 2)
            for k, yr in enumerate(ROUNDS):
                treated = member and yr >= first_post
                y = alpha + 0.5 * k + shock[k] + rng.normal(0, 1) + (EFFECT if treated else 0.0)
                rows.append((uid, yr, net, first_post if member else 0, y))
            uid += 1
    return pd.DataFrame(rows, columns=["producer", "round", "network", "first_post", "y"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=200)
    ap.add_argument("--wild-reps", type=int, default=199)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(args.seed)
    methods = ["did_twfe", "cs_never", "cs_notyet", "pct_effect"]
    records = []
    start = time.perf_counter()
    for i in range(args.n):
        panel = draw_panel(rng)
        out = estimate_effects(panel, "producer", "round", ["y"], cohort="first_post", cluster="network",
                               methods=methods, wild_reps=args.wild_reps, seed=args.seed + i)
        out = out[out["method"].isin(methods)].set_index("method")
        # pct truth: effect relative to the counterfactual mean of treated post cells
        tp = (panel["first_post"] > 0) & (panel["round"] >= panel["first_post"])
        cf = panel.loc[tp, "y"].mean() - EFFECT
        truth = {"did_twfe": EFFECT, "cs_never": EFFECT, "cs_notyet": EFFECT, "pct_effect": 100 * EFFECT / cf}
        for m in methods:
            r = out.loc[m]
            records.append((m, r["estimate"] - truth[m], r["ci_low"] <= truth[m] <= r["ci_high"]))
        shifted = panel.assign(y=panel["y"] - EFFECT * tp)
        w = estimate_effects(shifted, "producer", "round", ["y"], cohort="first_post", cluster="network",
                             methods=["did_wild"], wild_reps=args.wild_reps, seed=args.seed + i,
                             wild_ci=False).iloc[0]
        records.append(("did_wild", w["estimate"], w["p_value"] >= 0.05))
        if (i + 1) % 10 == 0:
            print(f"  {i + 1}/{args.n} draws, {time.perf_counter() - start:.0f} s", flush=True)
    res = pd.DataFrame(records, columns=["method", "bias", "covered"])
    summary = res.groupby("method").agg(coverage=("covered", "mean"), mean_bias=("bias", "mean"),
                                        draws=("covered", "size"))
    print(f"N={args.n}, wild_reps={args.wild_reps}, planted effect {EFFECT}, "
          f"units per draw ≈{panel['producer'].nunique()}")
    print(summary.round(3).to_string())
    print(f"total time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
