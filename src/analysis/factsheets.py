"""Factsheets: the notebook ``notebooks/factsheet.ipynb`` executed once per network and per chain.

``python -m analysis.factsheets --jobs 2`` runs them over a process pool and prints one progress
line per finished factsheet. Outputs: ``reports/fichas/ficha_<unit>.html`` and ``.pdf``.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from analysis import paths
from analysis.build import describe, error_summary
from analysis.reproducible import pin_build_date

NOTEBOOK = paths.ROOT / "notebooks" / "factsheet.ipynb"
CHAINS = ("mango", "lacteos")
PREFIX = {"es": "ficha_", "en": "factsheet_"}  # file names of each edition: ficha_<unit>.pdf ...


def units(raw_dir: Path | None = None, lang: str = "es") -> list[dict]:
    """One entry per factsheet: the 12 networks of Tabla N°02 plus the two chains."""
    import pandas as pd

    from analysis.labels import t

    raw_dir = Path(raw_dir or paths.DATA_RAW)
    networks = pd.read_csv(raw_dir / "published" / "networks.csv", dtype=str)
    out = [
        {"unit_kind": "network", "unit_id": row.network_id,
         "title": t("factsheet.title_network", lang, name=row.short_name)}
        for row in networks.itertuples()
    ]
    out += [{"unit_kind": "chain", "unit_id": cid, "title": t(f"factsheet.title_chain_{cid}", lang)}
            for cid in CHAINS]
    return out


def _build_one(unit: dict, lang: str, config: str | None, out_dir: Path, build_dir: Path,
               processed_dir: Path | None = None) -> tuple[str, dict]:
    from analysis.build import run
    from analysis.labels import t

    stem = f"{PREFIX.get(lang, 'ficha_')}{unit['unit_id']}"
    # the notebook writes its exports under reports_dir/fichas, next to the factsheet itself
    params = {"unit_kind": unit["unit_kind"], "unit_id": unit["unit_id"],
              "reports_dir": str(Path(out_dir).resolve().parent)}
    if config:
        params["config_path"] = config
    if processed_dir:
        params["processed_dir"] = str(Path(processed_dir).resolve())
    timings = run(
        NOTEBOOK,
        build_dir / f"{stem}.ipynb",
        out_dir / f"{stem}.html",
        out_dir / f"{stem}.pdf",
        title=unit["title"],
        subtitle=t("factsheet.subtitle", lang),
        parameters=params,
        lang=lang,
        progress=False,
    )
    return stem, timings


def build_all(jobs: int = 2, lang: str = "es", config: str | None = None,
              out_dir: Path | None = None, build_dir: Path | None = None,
              processed_dir: Path | None = None) -> dict[str, dict]:
    out_dir = Path(out_dir or paths.REPORTS / "fichas")
    build_dir = Path(build_dir or paths.BUILD / "fichas")
    out_dir.mkdir(parents=True, exist_ok=True)
    build_dir.mkdir(parents=True, exist_ok=True)
    todo = units(lang=lang)
    results, failures = {}, []
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_build_one, u, lang, config, out_dir, build_dir, processed_dir): u for u in todo}
        for i, fut in enumerate(as_completed(futures), 1):
            unit = futures[fut]
            try:
                stem, timings = fut.result()
                results[stem] = timings
                print(f"[fichas {i}/{len(todo)}] {stem}: {describe(timings)}", file=sys.stderr)
            except Exception as exc:  # keep going, report every failure at the end
                failures.append(f"{unit['unit_id']}: {error_summary(exc)}")
                print(f"[fichas {i}/{len(todo)}] FAILED {unit['unit_id']}", file=sys.stderr)
    print(f"[fichas] {len(results)} built in {time.perf_counter() - start:.1f} s with {jobs} processes",
          file=sys.stderr)
    if failures:
        raise RuntimeError("factsheets failed:\n" + "\n".join(failures))
    return results


def build_one(unit_id: str, lang: str = "es", config: str | None = None,
              out_dir: Path | None = None, build_dir: Path | None = None,
              processed_dir: Path | None = None) -> dict:
    """Build the factsheet of one network or chain (the Makefile calls this once per unit)."""
    by_id = {u["unit_id"]: u for u in units(lang=lang)}
    if unit_id not in by_id:
        raise KeyError(f"unknown factsheet unit {unit_id!r}; known: {', '.join(by_id)}")
    out_dir = Path(out_dir or paths.REPORTS / "fichas")
    build_dir = Path(build_dir or paths.BUILD / "fichas")
    stem, timings = _build_one(by_id[unit_id], lang, config, out_dir, build_dir, processed_dir)
    print(f"[ficha] {stem}: {describe(timings)}", file=sys.stderr)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.factsheets")
    parser.add_argument("--unit", help="build only this network_id or chain (mango, lacteos)")
    parser.add_argument("--list", action="store_true", help="print the unit ids and exit")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--lang", default="es")
    parser.add_argument("--config", default=None)
    parser.add_argument("--build-dir", type=Path, default=None,
                        help="executed notebooks go here (default: build/fichas)")
    parser.add_argument("--processed-dir", type=Path, default=None,
                        help="folder of the processed data (default: data/processed)")
    parser.add_argument("--reports-dir", type=Path, default=None,
                        help="factsheets go to <reports-dir>/fichas (default: reports/)")
    args = parser.parse_args(argv)
    out_dir = Path(args.reports_dir) / "fichas" if args.reports_dir else None
    pin_build_date()  # workers and kernels inherit it: byte-identical outputs for one commit
    try:
        if args.list:
            print("\n".join(u["unit_id"] for u in units()))
        elif args.unit:
            build_one(args.unit, args.lang, args.config, out_dir=out_dir, build_dir=args.build_dir,
                      processed_dir=args.processed_dir)
        else:
            build_all(args.jobs, args.lang, args.config, out_dir=out_dir, build_dir=args.build_dir,
                      processed_dir=args.processed_dir)
    except (RuntimeError, KeyError) as exc:
        print(f"[ficha] ERROR: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # papermill/render errors name the failing cell or file
        print(f"[ficha] ERROR in {args.unit or 'factsheets'}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
