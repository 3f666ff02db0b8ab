"""Factsheets: the notebook ``notebooks/factsheet.ipynb`` executed once per network and per chain.

``python -m analysis.report.factsheets --jobs 2`` runs them over a local process pool;
``--executor dask`` over Dask distributed (a LocalCluster of ``--jobs`` workers, or the cluster at
``--scheduler tcp://host:8786``), with the same outputs byte for byte (:mod:`analysis.report.executor`).
One progress line for the whole fan-out. Outputs: ``<reports>/fichas/ficha_<unit>.html`` and
``.pdf``, and the unit's exported figures and tables under ``<reports>/fichas/<unit>/`` (English
edition: ``<reports>/en/factsheets/factsheet_<unit>.*``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from analysis import paths
from analysis.report.build import describe
from analysis.report.executor import Task, fan_out
from analysis.labels import export_name

NOTEBOOK = paths.ROOT / "notebooks" / "factsheet.ipynb"
CHAINS = ("mango", "lacteos")
PREFIX = {"es": "ficha_", "en": "factsheet_"}  # file names of each edition: ficha_<unit>.pdf ...


def units(raw_dir: Path | None = None, lang: str = "es", processed_dir: Path | None = None) -> list[dict]:
    """One entry per factsheet: every network of the survey (the networks table the cleaning used,
    ``<processed_dir>/survey_networks.csv``; Tabla N°02's 12 networks when there is none) plus
    each chain present among them."""
    import pandas as pd

    from analysis.labels import t
    from analysis.report.scope import cover_text, scope_of
    from analysis.survey.sources import network_units

    raw_dir = Path(raw_dir or paths.DATA_RAW)
    survey = Path(processed_dir or paths.DATA_PROCESSED) / "survey_networks.csv"
    table = survey if survey.is_file() else raw_dir / "published" / "networks.csv"
    networks = pd.read_csv(table, dtype=str, keep_default_na=False)
    ids = network_units(table)   # the same list the Makefile reads from the config's table
    # the cover names the survey's scope: Laredo for Tabla N°02's networks, else the programme's
    # regions (a network's factsheet: its own region)
    scope = scope_of(networks)
    programme = cover_text("report.programme", lang, scope)
    region = networks["region"] if "region" in networks.columns else pd.Series("", index=networks.index)
    out = [
        {"unit_kind": "network", "unit_id": row.network_id,
         "title": t("factsheet.title_network", lang, name=row.short_name),
         "subtitle": cover_text("factsheet.subtitle", lang, scope, regions=[reg] if reg else None),
         "programme": programme}
        for row, reg in zip(networks.itertuples(), region)
    ]
    out += [{"unit_kind": "chain", "unit_id": cid, "title": t(f"factsheet.title_chain_{cid}", lang),
             "subtitle": cover_text("factsheet.subtitle", lang, scope), "programme": programme}
            for cid in CHAINS if cid in ids]
    return out


def _build_one(unit: dict, lang: str, config: str | None, out_dir: Path, build_dir: Path,
               processed_dir: Path | None = None, raw_dir: Path | None = None,
               notebook: Path | None = None) -> tuple[str, dict]:
    """Build one factsheet: a self-contained task (inputs and outputs by path) that any worker,
    local or on a Dask cluster, can run.

    Everything is written under a temporary folder beside the outputs (``.<unit>.*.tmp``) and moved
    into place only when the notebook and its rendering succeeded: first the exported figures and
    tables (``<unit>/``), then the HTML, the PDF last. A failing factsheet leaves its previous
    outputs, if any, as they were, and no partial file.
    """
    from analysis.report.build import run
    from analysis.labels import t

    stem = f"{PREFIX.get(lang, 'ficha_')}{unit['unit_id']}"
    out_dir, build_dir = Path(out_dir).resolve(), Path(build_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    build_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{unit['unit_id']}.", suffix=".tmp", dir=out_dir))
    try:
        # the notebook writes its exports under <reports_dir>/fichas|factsheets/<unit>, next to the factsheet
        params = {"unit_kind": unit["unit_kind"], "unit_id": unit["unit_id"], "reports_dir": str(work)}
        if config:
            params["config_path"] = config
        if processed_dir:
            params["processed_dir"] = str(Path(processed_dir).resolve())
        if raw_dir:
            params["raw_dir"] = str(Path(raw_dir).resolve())
        timings = run(
            Path(notebook or NOTEBOOK),
            build_dir / f"{stem}.ipynb",
            work / f"{stem}.html",
            work / f"{stem}.pdf",
            title=unit["title"],
            subtitle=unit.get("subtitle") or t("factsheet.subtitle", lang),
            parameters=params,
            lang=lang,
            progress=False,
            programme=unit.get("programme"),
        )
        exports = work / export_name("factsheets", lang) / unit["unit_id"]
        if exports.is_dir():
            _replace_dir(exports, out_dir / unit["unit_id"])
        os.replace(work / f"{stem}.html", out_dir / f"{stem}.html")
        os.replace(work / f"{stem}.pdf", out_dir / f"{stem}.pdf")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return stem, timings


def _replace_dir(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target`` by renames only (``target`` is never half-written)."""
    if not target.exists():
        os.replace(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.replace(target, old / target.name)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def remove_partial_outputs(out_dir: Path) -> None:
    """Temporary folders an interrupted factsheet build left (``.<unit>.*.tmp`` / ``.old``)."""
    for path in Path(out_dir).glob(".*.*"):
        if path.is_dir() and path.suffix in (".tmp", ".old"):
            shutil.rmtree(path, ignore_errors=True)


def remove_other_units(out_dir: Path, lang: str, keep: set[str]) -> int:
    """Factsheets (and their export folders) of units no longer in the list, e.g. the programme
    demo's 118 networks after a build on the Laredo default: a full fan-out removes them from its
    output folder, so a build never publishes another survey's factsheets. Returns how many."""
    prefix, gone = PREFIX.get(lang, "ficha_"), 0
    for path in Path(out_dir).iterdir():
        if path.name.startswith("."):
            continue
        if path.is_file() and path.suffix in (".html", ".pdf") and path.stem.startswith(prefix):
            unit = path.stem[len(prefix):]
        elif path.is_dir():
            unit = path.name
        else:
            continue
        if unit not in keep:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
            gone += 1
    return gone


def tasks(todo: list[dict], lang: str, config: str | None, out_dir: Path, build_dir: Path,
          processed_dir: Path | None = None) -> list[Task]:
    """One task per factsheet, keyed by its unit id; every input and output an absolute path
    (the notebook, raw and processed data, config, output folders), so any worker can run it."""
    out_dir, build_dir = Path(out_dir).resolve(), Path(build_dir).resolve()
    processed_dir = Path(processed_dir or paths.DATA_PROCESSED).resolve()
    return [Task(u["unit_id"], _build_one,
                 {"unit": u, "lang": lang, "config": config, "out_dir": out_dir, "build_dir": build_dir,
                  "processed_dir": processed_dir, "raw_dir": paths.DATA_RAW, "notebook": NOTEBOOK})
            for u in todo]


def build_all(jobs: int = 2, lang: str = "es", config: str | None = None,
              out_dir: Path | None = None, build_dir: Path | None = None,
              processed_dir: Path | None = None, executor: str = "local", scheduler: str | None = None,
              only: list[str] | None = None, todo: list[dict] | None = None,
              stream=None, client=None) -> dict[str, dict]:
    """Build every factsheet (or the units ``only`` names, or the unit entries ``todo``) through
    ``executor`` (``local`` processes or ``dask``; see :mod:`analysis.report.executor`).

    Returns ``{file stem: timings}``; raises :class:`FanOutError` naming every unit that failed
    after the others have finished (their outputs are complete)."""
    out_dir = Path(out_dir or paths.REPORTS / export_name("factsheets", lang))
    build_dir = Path(build_dir or paths.BUILD / "fichas")
    out_dir.mkdir(parents=True, exist_ok=True)
    build_dir.mkdir(parents=True, exist_ok=True)
    remove_partial_outputs(out_dir)
    if todo is None:
        todo = units(lang=lang, processed_dir=processed_dir)
        if not only:
            remove_other_units(out_dir, lang, {u["unit_id"] for u in todo})
        if only:
            known = {u["unit_id"] for u in todo}
            unknown = [u for u in only if u not in known]
            if unknown:
                raise KeyError(f"unknown factsheet unit(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
            todo = [u for u in todo if u["unit_id"] in set(only)]
    done = fan_out(tasks(todo, lang, config, out_dir, build_dir, processed_dir), backend=executor,
                   jobs=jobs, scheduler=scheduler, label="factsheets", stream=stream, client=client)
    return dict(done.values())


def build_one(unit_id: str, lang: str = "es", config: str | None = None,
              out_dir: Path | None = None, build_dir: Path | None = None,
              processed_dir: Path | None = None) -> dict:
    """Build the factsheet of one network or chain (the Makefile calls this once per unit)."""
    by_id = {u["unit_id"]: u for u in units(lang=lang, processed_dir=processed_dir)}
    if unit_id not in by_id:
        raise KeyError(f"unknown factsheet unit {unit_id!r}; known: {', '.join(by_id)}")
    out_dir = Path(out_dir or paths.REPORTS / export_name("factsheets", lang))
    build_dir = Path(build_dir or paths.BUILD / "fichas")
    stem, timings = _build_one(by_id[unit_id], lang, config, out_dir, build_dir, processed_dir)
    print(f"[ficha] {stem}: {describe(timings)}", file=sys.stderr)
    return timings


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.report.factsheets ARGS`` = ``redes factsheets ARGS`` (what the Makefile calls)."""
    from analysis.cli import alias

    return alias("factsheets", argv)


if __name__ == "__main__":
    sys.exit(main())
