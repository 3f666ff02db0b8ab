"""``python -m analysis.coverage``: the coverage simulation of the project's own design.

Prints one table (method × level × outcome → coverage with its binomial s.e., bias, mean width)
and writes it as CSV (default ``build/coverage.csv``). ``make simulate`` runs it with
``DRAWS`` (default 1000) draws.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from analysis.paths import BUILD


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.coverage", description=__doc__,
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--draws", type=int, default=1000, help="number of simulated data sets")
    ap.add_argument("--seed", type=int, default=1, help="seed of the first draw (draw i uses seed + i)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--wild-reps", type=int, default=199, help="wild bootstrap replications per test")
    ap.add_argument("--no-cs", action="store_true", help="skip Callaway-Sant'Anna (the slow part)")
    ap.add_argument("--output", type=Path, default=BUILD / "coverage.csv", help="CSV written")
    ap.add_argument("--records", type=Path, default=None, help="also write every draw's estimates here")
    args = ap.parse_args(argv)
    if args.draws < 2:
        print("error: --draws must be at least 2", file=sys.stderr)
        return 2
    from .run import FULL_METHODS, simulate, summarize

    methods = tuple(m for m in FULL_METHODS if not (args.no_cs and m.startswith("cs_")))
    start = time.perf_counter()
    rec = simulate(args.draws, args.seed, args.jobs, args.wild_reps, methods)
    table = summarize(rec, args.draws)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.output, index=False, float_format="%.6g")
    if args.records:
        rec.to_csv(args.records, index=False, float_format="%.8g")
    with pd.option_context("display.width", 160, "display.max_rows", 500):
        print(table.round({"coverage": 3, "mc_se": 3, "bias": 3, "mean_width": 3}).to_string(index=False))
    print(f"[simulate] {args.draws} draws in {time.perf_counter() - start:.0f} s → {args.output}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
