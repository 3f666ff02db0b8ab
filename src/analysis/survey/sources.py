"""Print the data files a survey config reads, one per line (used by the Makefile's dependencies).

Only PyYAML is imported so that ``make`` stays fast when nothing changed. Errors are left to the
real config loader: a config that cannot be read prints nothing here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def source_files(config_path: str | Path) -> list[Path]:
    config_path = Path(config_path)
    if config_path.suffix.lower() == ".xlsx":  # an Excel codebook: its sheet 'sheets' names them
        from analysis.survey.codebook import read_codebook

        cfg = read_codebook(config_path)[0]
    else:
        with config_path.open(encoding="utf-8") as fh:
            cfg = yaml.safe_load(fh) or {}
    files = []
    for entry in cfg.get("files") or []:
        if isinstance(entry, dict) and entry.get("path"):
            path = (config_path.parent / str(entry["path"])).resolve()
            if path.is_file():  # a missing file is reported by the config loader, not by make
                files.append(path)
    return files


if __name__ == "__main__":
    try:
        for path in source_files(sys.argv[1]):
            print(path.relative_to(Path.cwd().resolve()) if path.is_relative_to(Path.cwd().resolve()) else path)
    except Exception:  # noqa: BLE001 - the real loader reports config errors with context
        sys.exit(0)
