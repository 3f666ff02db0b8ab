"""Through the user's door: `make report DATA=<config with its own networks_file>` builds, and the
main report's effects chapter names the config's networks, not the document's 12 (issue 14)."""
from __future__ import annotations

import os
import subprocess
from html import unescape

import pandas as pd
import pytest

from analysis import paths

CONFIG = paths.ROOT / "tests" / "corpus" / "ok.yaml"   # networks_file: networks.csv (red_alfa, red_beta, ...)


@pytest.mark.e2e
def test_make_report_on_a_config_with_its_own_networks(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["REDES_PSEUDONYM_KEY"] = "corpus-test-key-not-secret"
    res = subprocess.run(
        ["make", "--no-print-directory", "report", f"DATA={CONFIG}", f"P={tmp_path / 'p'}",
         f"B={tmp_path / 'b'}", f"PUBLISH_DIR={tmp_path / 'r'}", "JOBS=2", "LANG_REPORT=es"],
        cwd=paths.ROOT, capture_output=True, text=True, env=env, timeout=1500)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "Traceback" not in res.stderr
    assert "internal error" not in res.stderr

    # The cleaning step wrote the networks it used next to the panel.
    nets = pd.read_csv(tmp_path / "p" / "survey_networks.csv", dtype=str)
    assert list(nets["network_id"]) == ["red_alfa", "red_beta", "red_gamma", "red_delta"]

    # The effects chapter's per-network forest plots (exported beside the report, one per outcome)
    # name the survey's own networks and none of the document's Tabla N°02.
    figures = sorted((tmp_path / "r" / "informe" / "figuras").glob("grafico_*_efecto_red_*.svg"))
    assert len(figures) == 3
    published = pd.read_csv(paths.DATA_RAW / "published" / "networks.csv", dtype=str)
    for svg in figures:
        text = unescape(svg.read_text(encoding="utf-8"))
        assert "Alfa Norte" in text and "Beta Sur" in text, svg.name
        assert not [n for n in published["short_name"] if n in text], svg.name
