"""Notebook parameters as papermill and JupyterLab users see them (issue 13)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import papermill as pm
import pytest

from analysis import paths
from analysis.paths import notebook_path

NOTEBOOKS = sorted(p for p in (paths.ROOT / "notebooks").glob("*.ipynb") if not p.name.startswith("_"))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_parameter_has_a_type_and_a_help(nb):
    params = pm.inspect_notebook(str(nb))
    assert {"raw_dir", "processed_dir", "reports_dir", "lang", "config_path"} <= set(params)
    for name, p in params.items():
        assert p["inferred_type_name"] in ("str", "int"), name
        assert p["help"], name
    # every assignment of the parameters cell is one papermill parses (a line it cannot parse
    # is left out of JupyterLab's list and warned about at every run)
    import nbformat

    cell = next(c for c in nbformat.read(nb, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
    assigned = [line.split(":")[0].split("=")[0].strip() for line in cell.source.splitlines()
                if line and not line.startswith("#")]
    assert sorted(assigned) == sorted(params)


def test_default_paths_resolve_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert notebook_path("../config/demo.yaml") == str(paths.CONFIG / "demo.yaml")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "x.yaml").write_text("", encoding="utf-8")
    assert notebook_path("config/x.yaml") == str(tmp_path / "config" / "x.yaml")
    assert notebook_path("/abs/p") == "/abs/p"


def test_papermill_from_the_project_root_with_defaults(tmp_path):
    """The README's papermill call, run from the root: the defaults (relative to notebooks/) hold."""
    out = tmp_path / "out.ipynb"
    res = subprocess.run(
        [sys.executable, "-m", "papermill", "notebooks/01_published_audit.ipynb", str(out),
         "-p", "processed_dir", str(tmp_path / "processed"), "-k", "redes-laredo", "--no-progress-bar"],
        cwd=paths.ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert (tmp_path / "processed" / "audit.csv").exists()
