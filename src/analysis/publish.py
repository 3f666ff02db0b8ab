"""All-or-nothing publishing: a build writes into a staging folder; ``reports/`` is replaced only
when every report of that build succeeded.

``make report`` runs::

    python -m analysis.publish --stage build/stage --to reports -- make -j2 <every report>

which takes the build lock (a second ``make report`` in the same folder waits for the first),
runs the command, and on success mirrors the stage into ``reports/``: changed files are copied
under a temporary name and renamed into place, files the build no longer makes are removed,
and every published file is world-readable (0644 under the usual umask). On failure or
interrupt, ``reports/`` is left exactly as it was.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from analysis import paths
from analysis.build import public_mode
from analysis.buildlock import BuildLock, remove_temp_files, run_child

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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[argv.index("--") + 1:] if "--" in argv else []
    own = argv[:argv.index("--")] if "--" in argv else argv
    ap = argparse.ArgumentParser(prog="python -m analysis.publish", description=__doc__.splitlines()[0])
    ap.add_argument("--stage", type=Path, default=paths.STAGE, help="folder the build writes to (default: build/stage)")
    ap.add_argument("--to", type=Path, default=paths.REPORTS, help="published folder (default: reports)")
    ap.add_argument("--lock", type=Path, default=paths.BUILD / "report.lock", help="lock file (default: build/report.lock)")
    args = ap.parse_args(own)
    args.stage.mkdir(parents=True, exist_ok=True)
    with BuildLock(args.lock):
        remove_temp_files(args.stage)  # left by an interrupted build; no build is running now
        if command:
            rc = run_child(command)
            remove_temp_files(args.stage)
            if rc != 0:
                print(f"[report] build failed: {paths.display(args.to)}/ was not changed "
                      "(it still holds the last complete build)", file=sys.stderr)
                return 2 if rc > 0 else 128 - rc
        print(mirror(args.stage, args.to).line(args.to), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
