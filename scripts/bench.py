"""Benchmark: where the build's time goes, and how the estimator scales.

    make bench            # or: .venv/bin/python scripts/bench.py [--sizes 10000 100000 1000000]

Measured in one run, on this machine:
  1. floor: a bare papermill run of an empty notebook with the project kernel (median of 3);
  2. cold full build (`make clean` then `make report`, the venv already exists);
  3. warm no-op (`make report` again);
  4. rebuild after touching one raw file (data/raw/published/networks.csv);
  5. time per stage (papermill, HTML, PDF) summed over the cold build, from build/timings.jsonl;
  6. the reproducibility check: a second clean build (`make report` with P, B and PUBLISH_DIR
     in a temporary folder) compared, file by file (sha256), with the cold build's reports/ and
     data/processed/ (manifest.json included; hidden files and step stamps left out, as in the
     manifest): outputs identical / total, and the names of any that differ;
  7. the factsheet fan-out (every factsheet, on the processed data of the build) into temporary
     folders, with 2 local processes and with a 2-worker Dask LocalCluster: wall time of each
     (interpreter and cluster start included) and how many outputs are byte-identical between them;
  8. the survey step (read, clean, validate, write) on big deliveries of 10^4, 10^5 and 10^6
     rows (scripts/make_big_delivery.py; `--clean-sizes` with no sizes skips it): median wall
     time and peak memory of a fresh process over `--clean-repeats` runs (about 2 minutes);
  9. the estimator on synthetic panels of 10^4, 10^5, 10^6 producer-rounds: clustered s.e. and wild
     cluster bootstrap (999 draws), time and peak memory, each in a fresh process;
 10. the command line: `redes --help` and `redes effects --help` in a fresh process (median of 5;
     the commands import their stage only when they run, so the help needs no pandas).
 11. `make report` (both editions) on a 10^6-row delivery (scripts/make_big_delivery.py) in a
     temporary folder: wall time and the slowest step notebooks (`--skip-big-build`; ~6 min);
 12. the programme-scale SYNTHETIC demo (config/demo_programa.yaml, 118 networks + 2 chains):
     its Spanish edition built into a temporary folder, then its factsheet fan-out with 2 local
     processes and with a 2-worker Dask LocalCluster (`--skip-programme` leaves it out; ~25 min).
The build part rewrites reports/ and data/processed/ in place (it is the real build).
`--skip-build` leaves out the build rows and the reproducibility check (it needs two builds) but keeps the fan-out rows (on the data/processed there is), so `--skip-build --sizes`
(no sizes) runs them alone; `--skip-fanout` leaves them out. The machine may be shared: the
fan-out times vary with its load (`--fanout-repeats 2` reports the faster of two rounds).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
TARGETS = {"full_over_floor": 1.5, "noop_s": 1.0, "clustered_1e6_s": 10.0, "clustered_1e6_gb": 4.0,
           "wild_1e6_s": 60.0,
           "cleaning_1e6_s": 15.0, "cleaning_1e6_gb": 2.0, "cli_help_s": 1.0, "big_build_s": 60.0}


def sh(cmd: str, env: dict | None = None) -> float:
    start = time.perf_counter()
    res = subprocess.run(cmd, shell=True, cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, **env} if env else None)
    secs = time.perf_counter() - start
    if res.returncode != 0:
        sys.stderr.write(res.stdout[-3000:] + res.stderr[-3000:])
        raise SystemExit(f"bench: command failed: {cmd}")
    return secs


def floor_seconds(runs: int = 3) -> float:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    with tempfile.TemporaryDirectory() as tmp:
        nb = new_notebook(cells=[new_code_cell("pass")],
                          metadata={"kernelspec": {"name": "redes-laredo", "display_name": "x", "language": "python"}})
        src = Path(tmp) / "empty.ipynb"
        nbformat.write(nb, src)
        times = [sh(f"{PY} -m papermill -k redes-laredo --no-progress-bar {src} {Path(tmp) / 'out.ipynb'}")
                 for _ in range(runs)]
    return statistics.median(times)


def cli_help_seconds(runs: int = 5) -> dict[str, float]:
    """Median wall time of `redes --help` and `redes effects --help` (fresh processes)."""
    redes = Path(PY).with_name("redes")
    return {" ".join(args): statistics.median(sh(f"{redes} {' '.join(args)} --help") for _ in range(runs))
            for args in ([], ["effects"])}


def read_timings(since: float) -> list[dict]:
    path = ROOT / "build" / "timings.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("time", 0) >= since]


def output_hashes(reports: Path, processed: Path) -> dict[str, str]:
    """sha256 of every output of a build, by path as the manifest names it (``reports/...``,
    ``data/processed/...``): hidden files (.gitkeep, temporaries) and step stamps (build
    bookkeeping that names the build's folders) are left out, as ``analysis.report.publish`` does."""
    out = {}
    for label, folder in (("reports", reports), ("data/processed", processed)):
        for name, digest in tree_hashes(folder).items():
            parts = name.split("/")
            if any(p.startswith(".") for p in parts) or name.endswith(".stamp") or name == "README.md":
                continue
            out[f"{label}/{name}"] = digest
    return out


def compare_hashes(first: dict[str, str], second: dict[str, str]) -> dict:
    names = sorted(set(first) | set(second))
    differ = [n for n in names if first.get(n) != second.get(n)]
    return {"total": len(names), "identical": len(names) - len(differ), "differ": differ}


def reproducibility_benchmark(first: dict[str, str], env: dict | None) -> dict:
    """A second clean build of the same checkout into a temporary folder (the Makefile's
    processed, build and publish folders moved there), compared with the first build."""
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as tmp:
        t = Path(tmp)
        secs = sh(f"make report P={t / 'processed'} B={t / 'build'} PUBLISH_DIR={t / 'reports'}", env=env)
        second = output_hashes(t / "reports", t / "processed")
    print(f"  second clean build done ({secs:.1f} s)", file=sys.stderr)
    return {"seconds": secs, **compare_hashes(first, second)}


def build_benchmark(repro: bool = True) -> dict:
    from analysis.reproducible import build_epoch

    cores = os.cpu_count() or 1
    out = {"cores": cores, "floor_s": floor_seconds()}
    # one build date for both builds of the reproducibility check, even if a commit lands meanwhile
    epoch = build_epoch()
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else None
    sh("make clean")
    t0 = time.time()
    out["cold_s"] = sh("make report", env=env)
    cold = read_timings(t0)
    first = output_hashes(ROOT / "reports", ROOT / "data" / "processed")
    out["notebooks"] = len(cold)
    for stage in ("papermill", "html", "pdf", "render"):
        out[f"stage_{stage}_s"] = sum(r.get(stage, 0.0) for r in cold)
    out["noop_s"] = sh("make report")
    for key, name in (("touch_raw", "networks.csv"), ("touch_minor", "pea_by_sector.csv")):
        (ROOT / "data/raw/published" / name).touch()
        t1 = time.time()
        out[f"{key}_s"] = sh("make report")
        out[f"{key}_notebooks"] = len(read_timings(t1))
    out["ideal_s"] = out["notebooks"] * out["floor_s"] / cores
    out["full_over_floor"] = out["cold_s"] / out["ideal_s"] if out["ideal_s"] else float("nan")
    out["repro"] = reproducibility_benchmark(first, env) if repro else None
    return out


def print_repro_row(r: dict) -> None:
    ok = "met" if r["identical"] == r["total"] and r["total"] else "MISSED"
    print(f"| outputs byte-identical, two clean builds into separate folders (sha256 of reports/ and "
          f"data/processed/, manifest.json included) | {r['identical']}/{r['total']} | all ({ok}) |")


FANOUT_JOBS = 2


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fanout_benchmark(jobs: int = FANOUT_JOBS, repeats: int = 1) -> dict:
    """Every factsheet built into temporary folders with local processes, then on a Dask
    LocalCluster (``repeats`` rounds, alternating; the fastest round of each is reported)."""
    from analysis.reproducible import build_epoch

    processed = ROOT / "data" / "processed"
    if not (processed / "effects.csv").exists():
        sh("make report")  # the factsheets read the processed data of a build
    # one build date for both backends, even if a commit lands while the benchmark runs
    epoch = build_epoch()
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else None
    out, hashes, times = {"jobs": jobs}, {}, {"local": [], "dask": []}
    for _ in range(max(1, repeats)):
        for backend in ("local", "dask"):
            with tempfile.TemporaryDirectory(prefix=f"bench-fanout-{backend}-") as tmp:
                times[backend].append(sh(
                    f"{PY} -m analysis.report.factsheets --jobs {jobs} --executor {backend} "
                    f"--config {ROOT / 'config' / 'demo.yaml'} --processed-dir {processed} "
                    f"--reports-dir {tmp}/reports --build-dir {tmp}/build", env=env))
                hashes[backend] = tree_hashes(Path(tmp) / "reports" / "fichas")
            print(f"  fan-out {backend} done ({times[backend][-1]:.1f} s)", file=sys.stderr)
    out["local_s"], out["dask_s"] = min(times["local"]), min(times["dask"])
    names = set(hashes["local"]) | set(hashes["dask"])
    out["total"] = len(names)
    out["identical"] = sum(hashes["local"].get(n) == hashes["dask"].get(n) for n in names)
    out["factsheets"] = sum(n.endswith(".pdf") and "/" not in n for n in hashes["local"])
    return out


def print_fanout_rows(f: dict) -> None:
    n, j = f["factsheets"], f["jobs"]
    print(f"| factsheet fan-out ({n} factsheets), {j} local processes | {f['local_s']:.1f} s | |")
    print(f"| factsheet fan-out ({n} factsheets), Dask LocalCluster of {j} workers (start included) | "
          f"{f['dask_s']:.1f} s | |")
    ok = "met" if f["identical"] == f["total"] else "MISSED"
    print(f"| fan-out outputs byte-identical, local vs Dask (sha256) | {f['identical']}/{f['total']} | "
          f"all ({ok}) |")


def programme_fanout_rows(jobs: int = FANOUT_JOBS) -> None:
    """Issue 14: the programme-scale SYNTHETIC demo (config/demo_programa.yaml, 118 networks):
    its Spanish edition built into a temporary folder (`make report DATA=... LANG_REPORT=es`, wall
    time), then all its factsheets fanned out again with local processes and with a Dask
    LocalCluster of ``jobs`` workers (start included), outputs compared by sha256. About 25 min here."""
    from analysis.reproducible import build_epoch

    epoch = build_epoch()
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else None
    config = ROOT / "config" / "demo_programa.yaml"
    with tempfile.TemporaryDirectory(prefix="bench-programme-") as tmp:
        p = Path(tmp) / "p"
        build_s = sh(f"make report DATA={config} LANG_REPORT=es JOBS={jobs} P={p} B={tmp}/b "
                     f"PUBLISH_DIR={tmp}/r", env=env)
        times, hashes = {}, {}
        for backend in ("local", "dask"):
            out = Path(tmp) / backend
            times[backend] = sh(f"{PY} -m analysis.report.factsheets --jobs {jobs} --executor {backend} "
                                f"--config {config} --processed-dir {p} --reports-dir {out}/reports "
                                f"--build-dir {out}/build", env=env)
            hashes[backend] = tree_hashes(out / "reports" / "fichas")
            print(f"  programme fan-out {backend} done ({times[backend]:.1f} s)", file=sys.stderr)
        rows = len(__import__("pandas").read_parquet(p / "panel.parquet"))
    n = sum(k.endswith(".pdf") and "/" not in k for k in hashes["local"])
    names = set(hashes["local"]) | set(hashes["dask"])
    same = sum(hashes["local"].get(k) == hashes["dask"].get(k) for k in names)
    print("\n| programme demo (SYNTHETIC, config/demo_programa.yaml) | value | target |\n|---|---|---|")
    print(f"| `make report` Spanish edition ({rows} producer-rounds, {n} factsheets), {jobs} jobs | {build_s:.1f} s | |")
    print(f"| programme fan-out ({n} factsheets), {jobs} local processes | {times['local']:.1f} s | |")
    print(f"| programme fan-out ({n} factsheets), Dask LocalCluster of {jobs} workers (start included) | "
          f"{times['dask']:.1f} s | |")
    print(f"| programme fan-out outputs byte-identical, local vs Dask | {same}/{len(names)} | "
          f"all ({'met' if same == len(names) else 'MISSED'}) |")


def big_build_benchmark(n: int = 1_000_000, jobs: int = FANOUT_JOBS) -> dict:
    """Issue 14: ``make report`` (both editions) on a consolidated delivery of ``n`` rows
    (scripts/make_big_delivery.py), into a temporary folder: wall time, and the papermill time of
    each step notebook (from build/timings.jsonl), the slowest first."""
    env = {"REDES_PSEUDONYM_KEY": "bench-key"}
    with tempfile.TemporaryDirectory(prefix="bench-big-") as tmp:
        t = Path(tmp)
        subprocess.run([PY, str(ROOT / "scripts/make_big_delivery.py"), str(n), str(t / "delivery")],
                       check=True, cwd=ROOT, capture_output=True)
        since = time.time()
        secs = sh(f"make report DATA={t / 'delivery' / 'big.yaml'} JOBS={jobs} P={t / 'p'} B={t / 'b'} "
                  f"PUBLISH_DIR={t / 'r'}", env=env)
        steps = read_timings(since)
        base = (t / "b").resolve()
        for r in steps:   # en/... is the English edition
            executed = Path(r.get("executed", r["notebook"]))
            r["name"] = executed.relative_to(base).as_posix() if executed.is_relative_to(base) else r["notebook"]
    print(f"  make report on {n:,} rows done ({secs:.1f} s)", file=sys.stderr)
    return {"rows": n, "seconds": secs, "steps": steps}


def print_big_build_rows(b: dict) -> None:
    ok = "met" if b["seconds"] <= TARGETS["big_build_s"] else "MISSED"
    print(f"\n| `make report` on a {b['rows']:,}-row delivery | value | target |\n|---|---|---|")
    print(f"| both editions, wall time | {b['seconds']:.1f} s | <= 60 s ({ok}) |")
    steps = sorted(b["steps"], key=lambda r: -r.get("papermill", 0.0))
    for r in steps[:6]:
        extra = f", PDF {r['pdf']:.1f} s" if r.get("pdf") else ""
        print(f"| slowest step: {r['name']} | papermill {r.get('papermill', 0.0):.1f} s{extra} | |")
    sums = {stage: sum(r.get(stage, 0.0) for r in steps) for stage in ("papermill", "html", "pdf")}
    print(f"| {len(steps)} notebooks run; summed over processes | papermill {sums['papermill']:.1f} s, "
          f"HTML {sums['html']:.1f} s, PDF {sums['pdf']:.1f} s | |")


SCALE_CODE = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
from analysis.effects import estimate_effects
n_rows, method, reps = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(1)
n_units = -(-n_rows // 3)
n_rows = 3 * n_units
unit = np.repeat(np.arange(n_units), 3)
period = np.tile([2005, 2007, 2011], n_units)
network = unit % 12
treated = (network < 8).astype(int)
y = rng.normal(size=n_rows) + 0.5 * treated * (period >= 2007) + 0.1 * network
panel = pd.DataFrame({"unit": unit, "period": period, "y": y, "treated": treated, "network": network})
t = time.perf_counter()
estimate_effects(panel, unit="unit", period="period", outcomes=["y"], treated="treated", first_post=2007,
                 cluster="network", methods=[method], wild_reps=reps)
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}))
"""


def scale_benchmark(sizes: list[int], reps: int = 999) -> list[dict]:
    rows = []
    for n in sizes:
        for method in ("did_twfe", "did_wild"):
            res = subprocess.run([PY, "-c", SCALE_CODE, str(n), method, str(reps)], capture_output=True, text=True)
            if res.returncode != 0:
                rows.append({"rows": n, "method": method, "seconds": float("nan"), "peak_gb": float("nan"),
                             "error": res.stderr.strip().splitlines()[-1] if res.stderr else "failed"})
            else:
                rows.append({"rows": n, "method": method, **json.loads(res.stdout.strip().splitlines()[-1])})
            print(f"  scale {n:>9,} {method:9s} done", file=sys.stderr)
    return rows


CLEAN_CODE = """
import json, resource, sys, time
t0 = time.perf_counter()
from analysis.survey import pipeline
t1 = time.perf_counter()
pipeline.run(sys.argv[1], sys.argv[2])
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "step_s": t2 - t1,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}))
"""


def cleaning_benchmark(sizes: list[int], repeats: int = 3) -> list[dict]:
    """The survey step (``pipeline.run``: read, clean, validate, write the panel, log and
    codebook) on a big delivery of each size (scripts/make_big_delivery.py), each run in a fresh
    process: the step's time, the process's wall time (interpreter start and imports included)
    and its peak RSS, medians of ``repeats`` runs."""
    rows = []
    env = {**os.environ, "REDES_PSEUDONYM_KEY": "bench-key"}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            subprocess.run([PY, str(ROOT / "scripts/make_big_delivery.py"), str(n), str(folder)],
                           check=True, cwd=ROOT, capture_output=True)
            runs = []
            for _ in range(repeats):
                start = time.perf_counter()
                res = subprocess.run([PY, "-c", CLEAN_CODE, str(folder / "big.yaml"), str(folder / "p")],
                                     cwd=ROOT, env=env, capture_output=True, text=True)
                wall = time.perf_counter() - start
                if res.returncode:
                    rows.append({"rows": n, "step_s": float("nan"), "wall_s": float("nan"),
                             "import_s": float("nan"), "peak_gb": float("nan"),
                                 "error": (res.stderr.strip().splitlines() or ["failed"])[-1]})
                    break
                runs.append({**json.loads(res.stdout.strip().splitlines()[-1]), "wall_s": wall})
            else:
                rows.append({"rows": n, "runs": len(runs),
                             **{k: statistics.median(r[k] for r in runs)
                                for k in ("step_s", "wall_s", "import_s", "peak_gb")}})
            print(f"  cleaning {n:>9,} rows done", file=sys.stderr)
    return rows


def print_cleaning_rows(rows: list[dict]) -> None:
    print("\n| survey cleaning (read, clean, validate, write) | step s | process wall s (imports "
          "included) | peak memory GB | target |\n|---|---|---|---|---|")
    for r in rows:
        target = ""
        if r["rows"] == 1_000_000:
            ok = r["step_s"] <= TARGETS["cleaning_1e6_s"] and r["peak_gb"] <= TARGETS["cleaning_1e6_gb"]
            target = f"<= 15 s, <= 2 GB ({'met' if ok else 'MISSED'})"
        print(f"| {r['rows']:,} producer-rounds (median of {r.get('runs', 0)}) | {r['step_s']:.2f} | "
              f"{r['wall_s']:.2f} | {r['peak_gb']:.2f} | {target} |"
              + (f" error: {r['error']}" if "error" in r else ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-fanout", action="store_true", help="leave out the factsheet fan-out rows")
    parser.add_argument("--skip-repro", action="store_true",
                        help="leave out the reproducibility check (the second clean build)")
    parser.add_argument("--fanout-repeats", type=int, default=1,
                        help="rounds of the fan-out on each backend (the fastest is reported)")
    parser.add_argument("--clean-sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000],
                        help="rows of the big deliveries the survey step cleans (none: skip)")
    parser.add_argument("--clean-1e6", action="store_true",
                        help="add 10^6 rows to --clean-sizes when they do not hold it")
    parser.add_argument("--clean-repeats", type=int, default=3)
    parser.add_argument("--skip-big-build", action="store_true",
                        help="leave out `make report` on a 10^6-row delivery (about 6 min)")
    parser.add_argument("--skip-programme", action="store_true",
                        help="leave out the programme-demo rows (118 networks; about 25 min)")
    args = parser.parse_args()

    print("Benchmark on", os.uname().nodename, f"({os.cpu_count()} cores)")
    print("\n| command line | seconds | target |\n|---|---|---|")
    for command, secs in cli_help_seconds().items():
        ok = "met" if secs < TARGETS["cli_help_s"] else "MISSED"
        print(f"| `redes {command + ' ' if command else ''}--help` (fresh process, median of 5) | {secs:.2f} | < 1 s ({ok}) |")
    fanout = None
    if not args.skip_build:
        b = build_benchmark(repro=not args.skip_repro)
        fanout = None if args.skip_fanout else fanout_benchmark(repeats=args.fanout_repeats)
        print("\n| build measure | value | target |\n|---|---|---|")
        print(f"| floor: bare papermill run of an empty notebook | {b['floor_s']:.2f} s | |")
        print(f"| cold full build ({b['notebooks']} notebooks, venv present) | {b['cold_s']:.1f} s | |")
        print(f"| ideal = notebooks x floor / cores | {b['ideal_s']:.1f} s | |")
        ok = "met" if b["full_over_floor"] <= TARGETS["full_over_floor"] else "MISSED"
        print(f"| full build / ideal | {b['full_over_floor']:.2f} | <= 1.5, the aim of issue 14 ({ok}) |")
        ok = "met" if b["noop_s"] < TARGETS["noop_s"] else "MISSED"
        print(f"| warm no-op `make report` | {b['noop_s']:.2f} s | < 1 s ({ok}) |")
        print(f"| `make report` after touching networks.csv without changing it (steps are keyed by "
              f"content: {b['touch_raw_notebooks']} notebooks re-run) | {b['touch_raw_s']:.1f} s | |")
        print(f"| `make report` after touching pea_by_sector.csv without changing it "
              f"({b['touch_minor_notebooks']} notebooks re-run) | {b['touch_minor_s']:.1f} s | |")
        for stage in ("papermill", "html", "pdf"):
            print(f"| stage total: {stage} (summed over processes) | {b[f'stage_{stage}_s']:.1f} s | |")
        if fanout:
            print_fanout_rows(fanout)
        if b["repro"]:
            print_repro_row(b["repro"])
        stages = {s: b[f"stage_{s}_s"] for s in ("papermill", "html", "pdf")}
        print(f"\nDominant stage: {max(stages, key=stages.get)}")
        if b["repro"] and b["repro"]["differ"]:
            shown = b["repro"]["differ"]
            print(f"Outputs that differ between the two builds ({len(shown)}): " + ", ".join(shown[:40])
                  + (" ..." if len(shown) > 40 else ""))
    elif not args.skip_fanout:
        fanout = fanout_benchmark(repeats=args.fanout_repeats)
        print("\n| fan-out measure | value | target |\n|---|---|---|")
        print_fanout_rows(fanout)
    if not args.skip_programme:
        programme_fanout_rows()
    clean_sizes = list(args.clean_sizes) + (
        [1_000_000] if args.clean_1e6 and 1_000_000 not in args.clean_sizes else [])
    if clean_sizes:
        print_cleaning_rows(cleaning_benchmark(clean_sizes, args.clean_repeats))
    if not args.skip_big_build:
        print_big_build_rows(big_build_benchmark())
    if args.sizes:
        print("\n| producer-rounds | method | seconds | peak memory GB | target |\n|---|---|---|---|---|")
        for r in scale_benchmark(args.sizes):
            target = ""
            if r["rows"] == 1_000_000:
                if r["method"] == "did_twfe":
                    ok = r["seconds"] < TARGETS["clustered_1e6_s"] and r["peak_gb"] < TARGETS["clustered_1e6_gb"]
                    target = f"< 10 s, < 4 GB ({'met' if ok else 'MISSED'})"
                else:
                    target = f"< 60 s ({'met' if r['seconds'] < TARGETS['wild_1e6_s'] else 'MISSED'})"
            label = "clustered s.e. (CRV1)" if r["method"] == "did_twfe" else "wild bootstrap, 999 draws"
            print(f"| {r['rows']:,} | {label} | {r['seconds']:.2f} | {r['peak_gb']:.2f} | {target} |"
                  + (f" error: {r['error']}" if "error" in r else ""))


if __name__ == "__main__":
    main()
