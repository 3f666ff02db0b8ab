"""Content-keyed make steps (analysis.hashstamp): touched-but-unchanged inputs re-run nothing, an
edited input re-runs its step, an output overwritten behind make's back triggers a rebuild.

The last tests run GNU make itself on a two-step Makefile built the way the project's is."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from analysis.hashstamp import main, manifest, recorded_outputs_changed


def _age(path: Path, t: float | None = None) -> None:
    """Move a file's mtime one minute back, so a rewrite is visible at any timestamp resolution."""
    t = time.time() - 60 if t is None else t
    os.utime(path, (t, t))


def test_inputs_stamp_is_rewritten_only_when_bytes_change(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("x,1\n")
    out = tmp_path / "h" / "step.in"
    assert main(["inputs", str(out), "--", str(a)]) == 0
    _age(out)
    before = out.stat().st_mtime
    a.touch()
    main(["inputs", str(out), "--", str(a)])
    assert out.stat().st_mtime == before           # touched, same bytes: stamp untouched
    a.write_text("x,2\n")
    main(["inputs", str(out), "--", str(a)])
    assert out.stat().st_mtime > before            # edited: stamp rewritten
    assert out.read_text().split()[1] == str(a)


def test_missing_input_is_part_of_the_manifest(tmp_path):
    assert manifest([str(tmp_path / "nope.csv")]) == f"missing  {tmp_path / 'nope.csv'}\n"


def test_outputs_changed_behind_the_stamp_are_detected(tmp_path):
    panel, stamp = tmp_path / "panel.parquet", tmp_path / "panel.stamp"
    panel.write_bytes(b"built by make")
    main(["record", str(stamp), "--", str(panel)])
    assert not recorded_outputs_changed(stamp, [str(panel)])
    panel.write_bytes(b"written by a notebook run by hand")
    assert recorded_outputs_changed(stamp, [str(panel)])


def test_usage_error_exits_2(capsys):
    assert main(["inputs", "out"]) == 2
    assert capsys.readouterr().err.startswith("usage: python -m analysis.hashstamp")


MAKEFILE = """\
HASH := {py} -m analysis.hashstamp
out.txt: h/in.sha h/out.sha
\techo run >> runs.log; cat data.csv > out.txt
\t$(HASH) record out.stamp -- out.txt
h/in.sha: FORCE
\t@$(HASH) inputs $@ -- data.csv
h/out.sha: FORCE
\t@$(HASH) outputs $@ out.stamp -- out.txt
FORCE:
"""


def _make(folder: Path) -> int:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    subprocess.run(["make", "-s"], cwd=folder, check=True, capture_output=True, env=env)
    return len((folder / "runs.log").read_text().splitlines())


def test_make_reruns_only_on_content_change(tmp_path):
    (tmp_path / "Makefile").write_text(MAKEFILE.format(py=sys.executable))
    data = tmp_path / "data.csv"
    data.write_text("a\n")
    assert _make(tmp_path) == 1                    # first build
    assert _make(tmp_path) == 1                    # nothing changed
    past = time.time() - 60
    for f in tmp_path.rglob("*"):
        if f.is_file():
            _age(f, past)
    data.touch()
    assert _make(tmp_path) == 1                    # touched only: nothing re-runs
    data.write_text("b\n")
    assert _make(tmp_path) == 2                    # edited: the step re-runs
    (tmp_path / "out.txt").write_text("overwritten by hand\n")
    assert _make(tmp_path) == 3                    # output changed behind make: rebuilt
    assert (tmp_path / "out.txt").read_text() == "b\n"
