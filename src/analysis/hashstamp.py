"""Content-hash stamps for make: a step re-runs when what it reads or wrote *changed*, not when a
file was merely touched.

make compares modification times. Each pipeline step therefore depends on two small files that
this module rewrites only when their content would change:

* ``inputs OUT -- FILE...``: OUT holds the sha256 of every input (name and bytes). A file touched
  but unchanged leaves OUT untouched, so nothing downstream re-runs; an edited CSV rewrites OUT
  and re-runs only the steps that list it.
* ``record STAMP -- FILE...``: after a step ran, STAMP records the sha256 of the files it wrote.
* ``outputs OUT STAMP -- FILE...``: OUT is rewritten (so the step re-runs) when those files no
  longer match what STAMP recorded, e.g. a notebook run by hand overwrote ``panel.parquet`` with
  the output of other data or another language.

Standard library only: make runs it on every build, so it must start in milliseconds.
Usage (from the Makefile): ``python -m analysis.hashstamp inputs build/hash/panel.in -- a.csv b.py``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes; 'missing' for an absent file (its appearance is a change too)."""
    if not path.is_file():
        return "missing"
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest(files: list[str]) -> str:
    """One line per file, sorted and de-duplicated: '<sha256>  <path>'."""
    return "".join(f"{file_digest(Path(f))}  {f}\n" for f in sorted(set(files)))


def write_if_changed(out: Path, text: str) -> bool:
    """Write ``text`` to ``out`` only if it differs (atomically); return whether it was written."""
    if out.is_file() and out.read_text(encoding="utf-8") == text:
        return False
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return True


def recorded_outputs_changed(stamp: Path, files: list[str]) -> bool:
    """True when ``stamp`` recorded output hashes that the files on disk no longer match."""
    if not stamp.is_file():
        return False  # never built: the step runs anyway
    recorded = stamp.read_text(encoding="utf-8")
    return bool(recorded.strip()) and recorded != manifest(files)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--" not in args or len(args) < 3:
        print("usage: python -m analysis.hashstamp inputs OUT -- FILE... | record STAMP -- FILE... | "
              "outputs OUT STAMP -- FILE...", file=sys.stderr)
        return 2
    cut = args.index("--")
    head, files = args[:cut], args[cut + 1:]
    mode = head[0]
    if mode == "inputs" and len(head) == 2:
        write_if_changed(Path(head[1]), manifest(files))
    elif mode == "record" and len(head) == 2:
        Path(head[1]).write_text(manifest(files), encoding="utf-8")  # also refreshes its mtime
    elif mode == "outputs" and len(head) == 3:
        out, stamp = Path(head[1]), Path(head[2])
        if recorded_outputs_changed(stamp, files):
            print(f"[make] {', '.join(files)} changed since {stamp.name} recorded them: re-running",
                  file=sys.stderr)
            write_if_changed(out, f"changed {manifest(files)}")
            out.touch()
        elif not out.exists():
            write_if_changed(out, "")
    else:
        print(f"hashstamp: unknown mode or arguments: {' '.join(head)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
