"""All-or-nothing publishing: a build writes into a staging folder; ``reports/`` is replaced only
when every report of that build succeeded.

``make report`` runs::

    python -m analysis.report.publish --stage build/stage --to reports -- make -j2 <every report>

which takes the build lock (a second ``make report`` in the same folder waits for the first),
runs the command, and on success mirrors the stage into ``reports/``: changed files are copied
under a temporary name and renamed into place, files the build no longer makes are removed,
and every published file is world-readable (0644 under the usual umask). On failure or
interrupt, ``reports/`` is left exactly as it was.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.report.build import public_mode

KEEP = {".gitkeep", "README.md"}  # tracked files of reports/ that no build writes


@dataclass
class Published:
    updated: int
    unchanged: int
    removed: int

    def line(self, dest: Path) -> str:
        return (f"[publish] {paths.display(dest)}/: {self.updated} file(s) updated, "
                f"{self.unchanged} unchanged, {self.removed} removed")


def staged_files(stage: Path) -> list[Path]:
    """Files of the stage, relative to it; temporary files (names starting with '.') excluded."""
    out = []
    for path in sorted(stage.rglob("*")):
        rel = path.relative_to(stage)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            out.append(rel)
    return out


def mirror(stage: Path, dest: Path) -> Published:
    """Make ``dest`` hold exactly the stage's files (plus KEEP), each replaced atomically."""
    stage, dest = Path(stage), Path(dest)
    mode = public_mode()
    wanted = staged_files(stage)
    updated = unchanged = 0
    for rel in wanted:
        src, target = stage / rel, dest / rel
        if target.is_file() and filecmp.cmp(src, target, shallow=False):
            os.chmod(target, mode)
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.publishing")
        shutil.copyfile(src, tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        updated += 1
    removed = _remove_stale(dest, set(wanted))
    return Published(updated, unchanged, removed)


def _remove_stale(dest: Path, wanted: set[Path]) -> int:
    removed = 0
    for path in sorted(dest.rglob("*"), reverse=True):
        rel = path.relative_to(dest)
        if path.is_file() and rel not in wanted and rel.name not in KEEP:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


def write_manifest(path: Path, folders: dict[str, Path]) -> int:
    """``manifest.json``: every file of each folder with its sha256 and size, in a fixed order.

    Nothing time-dependent goes in (the build date is in the outputs themselves), so two builds of
    the same commit and data write the same manifest; a replicator compares it with theirs.
    Returns the number of files listed.
    """
    import hashlib
    import json

    entries = []
    for label, folder in folders.items():
        folder = Path(folder)
        for rel in staged_files(folder) if folder.is_dir() else []:
            if (folder / rel).resolve() == Path(path).resolve() or rel.suffix == ".stamp":
                continue
            data = (folder / rel).read_bytes()
            entries.append({"path": f"{label}/{rel.as_posix()}", "bytes": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()})
    text = json.dumps({"files": entries}, ensure_ascii=False, indent=1) + "\n"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return len(entries)


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.report.publish ARGS [-- COMMAND]`` = ``redes publish ...`` (make report)."""
    from analysis.cli import alias

    return alias("publish", argv)


if __name__ == "__main__":
    sys.exit(main())
