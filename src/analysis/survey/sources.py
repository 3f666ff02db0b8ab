"""Print the data files a survey config reads, one per line (used by the Makefile's dependencies);
with ``--units``, the factsheet units of the config instead: the ``network_id`` of every row of its
networks table (``networks_file``, default ``data/raw/published/networks.csv``), then the chains
present in it (mango, lacteos), so ``make`` builds one factsheet per network of the survey.

Only PyYAML is imported so that ``make`` stays fast when nothing changed. Errors are left to the
real config loader: a config that cannot be read prints nothing here.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

PUBLISHED_NETWORKS = Path(__file__).resolve().parents[3] / "data" / "raw" / "published" / "networks.csv"
CHAINS = ("mango", "lacteos")  # the order of the chain factsheets (analysis.report.factsheets.CHAINS)


def _read(config_path: Path) -> dict:
    if config_path.suffix.lower() == ".xlsx":  # an Excel codebook: its sheet 'sheets' names them
        from analysis.survey.codebook import read_codebook

        return read_codebook(config_path)[0]
    with config_path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def networks_file(config_path: str | Path) -> Path:
    """The networks table the config names (``networks_file``), else the published Tabla N°02."""
    config_path = Path(config_path)
    name = _read(config_path).get("networks_file")
    return (config_path.parent / str(name)).resolve() if name else PUBLISHED_NETWORKS


def network_units(networks_csv: str | Path) -> list[str]:
    """Factsheet unit ids of a networks table: its network ids in file order, then its chains."""
    with Path(networks_csv).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    chains = {r.get("chain", "").strip().lower() for r in rows}
    return [r["network_id"] for r in rows] + [c for c in CHAINS if c in chains]


def source_files(config_path: str | Path) -> list[Path]:
    config_path = Path(config_path)
    cfg = _read(config_path)
    files = []
    for entry in cfg.get("files") or []:
        if isinstance(entry, dict) and entry.get("path"):
            path = (config_path.parent / str(entry["path"])).resolve()
            if path.is_file():  # a missing file is reported by the config loader, not by make
                files.append(path)
    if cfg.get("networks_file"):  # the config's own networks table is an input of the cleaning too
        path = networks_file(config_path)
        if path.is_file():
            files.append(path)
    return files


if __name__ == "__main__":
    try:
        if sys.argv[1] == "--units":
            print(" ".join(network_units(networks_file(sys.argv[2]))))
            sys.exit(0)
        for path in source_files(sys.argv[1]):
            print(path.relative_to(Path.cwd().resolve()) if path.is_relative_to(Path.cwd().resolve()) else path)
    except Exception:  # noqa: BLE001 - the real loader reports config errors with context
        sys.exit(0)
