"""Command line: ``python -m analysis effects ...``.

Example (Card & Krueger)::

    python -m analysis effects --input panel.csv --unit store_id --period wave --outcome fte \\
        --treated state --first-post 2 --group chain --output effects.csv

Staggered adoption: ``--cohort first_treated`` instead of ``--treated/--first-post``.
Inference: without ``--cluster`` every method clusters by ``--unit``; ``--vcov hetero|iid`` = none.
Designs: ``--estimator fd`` (first differences); one period or ``--design cross_section``
(difference in means, ``diff_means``); repeated cross-sections need ``--no-unit-fe`` (exit 2).
Input: CSV or Parquet. Output: the tidy table of ``analysis.effects.estimate_effects`` as CSV.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd


def _effects_parser(sub) -> None:
    from analysis.effects import METHODS

    p = sub.add_parser("effects", help="estimate treatment effects (DiD, wild bootstrap, Callaway-Sant'Anna)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", required=True, type=Path, help="panel file (.csv or .parquet), one row per unit × period")
    p.add_argument("--unit", required=True, help="unit id column")
    p.add_argument("--period", required=True, help="numeric period column")
    p.add_argument("--outcome", required=True, nargs="+", help="outcome column(s)")
    p.add_argument("--treated", help="0/1 treated-group column (with --first-post)")
    p.add_argument("--first-post", type=float, help="first post-treatment period (with --treated)")
    p.add_argument("--cohort", help="first-treated-period column, 0/NaN = never treated")
    p.add_argument("--group", nargs="*", default=[], help="grouping column(s): results per value")
    p.add_argument("--cluster", help="cluster column (CRV1, wild cluster bootstrap)")
    p.add_argument("--controls", nargs="*", default=[], help="control columns added to the DiD formula")
    p.add_argument("--vcov", default=None, choices=["hetero", "iid"],
                   help="no clustering: HC1 (hetero) or iid s.e.; default without --cluster = CRV1 by --unit")
    p.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    p.add_argument("--wild-reps", type=int, default=999, help="bootstrap replications")
    p.add_argument("--seed", type=int, default=20111231)
    p.add_argument("--alpha", type=float, default=0.05)
    p.add_argument("--no-unit-fe", action="store_true", help="pooled DiD (treatment-group instead of unit fixed effects)")
    p.add_argument("--no-wild-ci", action="store_true", help="skip the test-inversion CI of did_wild")
    p.add_argument("--lang", default="es", choices=["es", "en"])
    p.add_argument("--aggregations", nargs="+", default=["simple", "group", "dynamic", "calendar"],
                   choices=["simple", "group", "dynamic", "calendar"], help="Callaway-Sant'Anna aggregations")
    p.add_argument("--base-period", default="varying", choices=["varying", "universal"], help="Callaway-Sant'Anna base period")
    p.add_argument("--est-method", default="dr", choices=["dr", "reg", "ipw"], help="Callaway-Sant'Anna 2x2 estimator")
    p.add_argument("--estimator", default="twfe", choices=["twfe", "fd"],
                   help="fd: first differences with period effects (one 'fd' row per outcome × level)")
    p.add_argument("--design", default=None, choices=["panel", "cross_section"],
                   help="cross_section: difference in means in one period (automatic with one period)")
    p.add_argument("--output", required=True, type=Path, help="output CSV")


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise SystemExit(f"error: input file {path} does not exist")
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def _run_effects(args) -> int:
    from analysis.effects import estimate_effects

    panel = _read(args.input)
    first_post = args.first_post
    if first_post is not None and float(first_post).is_integer():
        first_post = int(first_post)
    start = time.perf_counter()
    print(f"effects: {args.input} ({len(panel)} rows), methods {', '.join(args.methods)}", file=sys.stderr)
    try:
        out = estimate_effects(
            panel, unit=args.unit, period=args.period, outcomes=args.outcome, treated=args.treated,
            first_post=first_post, cohort=args.cohort, groups=args.group, cluster=args.cluster,
            methods=args.methods, wild_reps=args.wild_reps, seed=args.seed, alpha=args.alpha,
            controls=args.controls, vcov=args.vcov, unit_fe=not args.no_unit_fe,
            wild_ci=not args.no_wild_ci, lang=args.lang, progress=True,
            aggregations=args.aggregations, base_period=args.base_period, est_method=args.est_method,
            estimator=args.estimator, design=args.design)
    except ValueError as exc:
        print(f"error: {args.input}: {exc}", file=sys.stderr)
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.output, index=False)
    print(f"effects: {len(out)} rows → {args.output} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0


# Subcommands that hand their arguments to a stage's own command line (each has its --help).
DELEGATED = {
    "clean": ("analysis.survey.pipeline", "clean one survey source into data/processed (panel, log)"),
    "survey": ("analysis.survey.pipeline", "the same as clean"),
    "check": ("analysis.survey.preflight", "check a survey config and the files it names"),
    "build": ("analysis.build", "execute one notebook with papermill and render it (HTML, PDF)"),
    "factsheets": ("analysis.factsheets", "build the factsheets (one per network and chain)"),
    "publish": ("analysis.publish", "publish a staged build into reports/ under the build lock"),
    "simulate": ("analysis.coverage.__main__", "coverage simulation of the project's design"),
    "codebook": ("analysis.survey.codebook", "Excel codebook of a delivery: `codebook template "
                 "DATA.xlsx -o codebook.xlsx`, then make report DATA=codebook.xlsx"),
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("analysis")
    except PackageNotFoundError:
        return "0+unknown"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="redes", description="Redes Empresariales (APOMIPE, Laredo): survey cleaning, effects, "
        "reports. `make report` runs the whole pipeline; these are its stages.",
        epilog="Exit codes: 0 done; 2 bad input or usage (the message names the file, sheet, row "
               "and column); 1 internal error. Each command has its own --help. Example: "
               "redes effects --input panel.csv --unit id --period year --outcome y "
               "--cohort first_treated --output effects.csv")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _effects_parser(sub)
    for name, (_module, help_text) in DELEGATED.items():
        sub.add_parser(name, help=help_text, add_help=False)
    if argv and argv[0] in DELEGATED:
        import importlib

        return int(importlib.import_module(DELEGATED[argv[0]][0]).main(argv[1:]) or 0)
    args = parser.parse_args(argv)
    if args.command == "effects":
        return _run_effects(args)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
