"""Factsheets built through both executors give the same bytes, and a failing one is named.

Two factsheets (a network and a chain) are built into two temporary folders, once on the local
process pool and once on a Dask LocalCluster of 2 worker processes on 127.0.0.1; every output
(HTML, PDF, exported CSV/XLSX/PNG/SVG, index) must have the same sha256. The Dask run also gets a
unit that does not exist: the fan-out must name it with the notebook's error, exit with an error
after the others finished, and leave neither a file of it nor a temporary folder behind.

The processed data are read from data/processed when a build has made them (``make report``
runs before ``make test``); otherwise the factsheets are built on an empty folder (their survey
sections then say the data are missing), which still exercises every step.
Deselect with ``-m 'not dask'`` (about a minute on 2 cores).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from analysis import paths
from analysis.report.executor import FanOutError
from analysis.report.factsheets import build_all, units
from analysis.reproducible import build_epoch

pytestmark = [pytest.mark.dask, pytest.mark.e2e]

CONFIG = str(paths.CONFIG / "demo.yaml")


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    real = paths.DATA_PROCESSED
    if all((real / f).exists() for f in ("effects.csv", "panel.parquet", "implied_effects.csv")):
        return real
    return tmp_path_factory.mktemp("processed-empty")


@pytest.fixture(scope="module")
def chosen():
    all_units = units(lang="es")
    network = next(u for u in all_units if u["unit_kind"] == "network")
    chain = next(u for u in all_units if u["unit_kind"] == "chain")
    return [network, chain]


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory, processed, chosen):
    pytest.importorskip("distributed")
    tmp = tmp_path_factory.mktemp("fanout")
    local_log, dask_log = io.StringIO(), io.StringIO()
    bogus = {"unit_kind": "network", "unit_id": "no_such_network", "title": "Ficha: red inexistente"}
    with pytest.MonkeyPatch.context() as mp:
        epoch = build_epoch()
        if epoch is not None:  # one build date for both runs (the variable is restored afterwards)
            mp.setenv("SOURCE_DATE_EPOCH", str(epoch))
        build_all(2, "es", CONFIG, out_dir=tmp / "local" / "fichas", build_dir=tmp / "local-build",
                  processed_dir=processed, executor="local", todo=chosen, stream=local_log)
        with pytest.raises(FanOutError) as failed:
            build_all(2, "es", CONFIG, out_dir=tmp / "dask" / "fichas", build_dir=tmp / "dask-build",
                      processed_dir=processed, executor="dask", todo=[chosen[0], bogus, chosen[1]],
                      stream=dask_log)
    return {"tmp": tmp, "failed": failed.value, "local_log": local_log.getvalue(),
            "dask_log": dask_log.getvalue()}


def test_local_and_dask_outputs_are_byte_identical(both_ways, chosen):
    local = tree_hashes(both_ways["tmp"] / "local" / "fichas")
    dask = tree_hashes(both_ways["tmp"] / "dask" / "fichas")
    for u in chosen:
        for ext in ("html", "pdf"):
            assert f"ficha_{u['unit_id']}.{ext}" in local
        assert any(k.startswith(f"{u['unit_id']}/tablas/") for k in local)
    assert sorted(local) == sorted(dask)
    differ = [k for k in local if local[k] != dask[k]]
    assert differ == [], f"{len(differ)} of {len(local)} outputs differ: {differ}"


def test_a_failing_factsheet_is_named_and_leaves_nothing_behind(both_ways, chosen):
    err = both_ways["failed"]
    assert list(err.failures) == ["no_such_network"]
    assert "no_such_network" in str(err) and err.failures["no_such_network"].strip()
    assert sorted(stem for stem, _ in err.results.values()) == sorted(f"ficha_{u['unit_id']}" for u in chosen)
    out = both_ways["tmp"] / "dask" / "fichas"
    assert not list(out.glob("*no_such_network*"))
    assert not [p for p in out.rglob(".*")], "a temporary file or folder was left"
    assert "[factsheets] FAILED no_such_network:" in both_ways["dask_log"]


def test_one_progress_line_format(both_ways):
    log = both_ways["local_log"].splitlines()
    assert log[:2] == ["[factsheets] 1/2 done", "[factsheets] 2/2 done"]
    assert "2 local processes" in log[-1]
    assert "dask LocalCluster, 2 workers" in both_ways["dask_log"].splitlines()[-1]
    assert "Executing" not in both_ways["local_log"] + both_ways["dask_log"]  # no papermill bars
