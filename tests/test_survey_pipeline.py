"""End to end on the corpus: written outputs, summary arithmetic, CLI exit codes."""

import json
from collections import Counter
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import DATA_RAW, ROOT
from analysis.survey.pipeline import main, run

CORPUS = Path(__file__).parent / "corpus"
DEMO = ROOT / "config" / "demo.yaml"


@pytest.fixture(autouse=True)
def _test_key(monkeypatch):
    # the corpus is not the generated demo: the public demo key is refused for it (privacy.py)
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", "corpus-test-key-not-secret")
    monkeypatch.setattr("analysis.survey.privacy.SECRET_FILE", CORPUS / "no_secret_here.key")


def test_run_writes_outputs(tmp_path):
    res = run(CORPUS / "impossible_yield.yaml", tmp_path)
    panel = pd.read_parquet(tmp_path / "panel.parquet")
    log = pd.read_csv(tmp_path / "cleaning_log.csv")
    summary = json.loads((tmp_path / "cleaning_summary.json").read_text(encoding="utf-8"))
    assert len(panel) == 11 and summary["rows_in"] == 12 and summary["rows_excluded"] == 1
    assert summary["rows_in"] == summary["rows_kept"] + summary["rows_excluded"]
    assert summary["by_rule"]["plausibility_max_40"] == {"excluded": 1}
    assert summary["by_rule"]["no_baseline"] == {"flagged": 1}
    assert list(log.columns) == ["file", "sheet", "row", "producer_id", "column", "rule",
                                 "old_value", "new_value", "action"]
    assert panel["member"].dtype == bool and str(panel["round"].dtype) == "Int64"
    assert panel.columns.tolist() == res.panel.columns.tolist()
    assert not {"_file", "_row", "network_raw"} & set(panel.columns)


def test_refuses_to_write_under_raw(tmp_path):
    with pytest.raises(ValueError, match="raw data is read-only"):
        run(CORPUS / "ok.yaml", DATA_RAW / "survey" / "out")


def test_cli_error_exit_2_without_traceback(capsys):
    assert main(["--config", str(CORPUS / "unknown_network.yaml"), "--processed-dir", "/tmp/x"]) == 2
    err = capsys.readouterr().err
    assert "rule=unknown_network" in err and "Traceback" not in err


def test_cli_subprocess_config_error(tmp_path):
    p = subprocess.run([sys.executable, "-m", "analysis.survey.pipeline", "--config",
                        str(CORPUS / "malformed_yaml.yaml"), "--processed-dir", str(tmp_path)],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "malformed YAML" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "panel.parquet").exists()


@pytest.mark.skipif(not DEMO.exists(), reason="demo survey not generated yet")
def test_demo_survey_dirt_is_all_caught(tmp_path):
    """Every planted dirt item of the demo workbook is fixed and logged at its exact sheet+row."""
    from analysis.survey.demo import HEADERS

    canonical = {v: k for k, v in HEADERS.items()}
    res = run(DEMO, tmp_path)
    dirt = json.loads((ROOT / "data/raw/survey/encuesta_demo_dirt.json").read_text(encoding="utf-8"))
    log, s = res.log, res.summary
    assert s["rows_in"] == s["rows_kept"] + s["rows_excluded"] == len(res.panel) + s["rows_excluded"]
    assert s["rows_in"] == sum(dirt["counts"]["rows_per_sheet"].values())
    rule_of = {"network_misspelt": "network_spelling", "network_lowercase": "network_normalized",
               "network_extra_spaces": "network_normalized", "money_as_text": "money_text_parsed",
               "impossible_value": "plausibility_", "code_variant": "code_mapped"}
    checked = Counter()
    for d in dirt["dirt"]:
        if d["kind"] in rule_of and d["producer_key"] is not None:
            col = canonical[d["column"]]
            hit = log[(log["sheet"] == d["sheet"]) & (log["row"] == d["rows"][0])
                      & (log["column"] == col) & log["rule"].str.startswith(rule_of[d["kind"]])]
            assert len(hit) == 1, d
            assert hit["action"].iloc[0] == "changed"
            value = d["value"] if isinstance(d["value"], str) else repr(float(d["value"]))
            assert hit["old_value"].iloc[0] == value, d
            if d["kind"] == "money_as_text":
                assert hit["new_value"].iloc[0] == repr(float(d["true_value"]))
            checked[d["kind"]] += 1
        if d["kind"] == "duplicate_row":
            hit = log[(log["sheet"] == d["sheet"]) & (log["rule"] == "duplicate_producer_round")]
            assert hit["row"].tolist() == d["rows"][1:]
            assert hit["action"].tolist() == ["excluded"]
            checked[d["kind"]] += 1
    assert dict(checked) == {"network_misspelt": 4, "network_lowercase": 1, "network_extra_spaces": 2,
                       "money_as_text": 2, "impossible_value": 2, "code_variant": 3,
                       "duplicate_row": 1}
    # sheet-wide code variants (sex as words at baseline, 'Leche' at midline): one row per cell
    sheet_wide = [d for d in dirt["dirt"] if d["kind"] == "code_variant" and d["producer_key"] is None]
    rows_per_sheet = dirt["counts"]["rows_per_sheet"]
    for d in sheet_wide:
        col = canonical[d["column"]]
        hit = log[(log["sheet"] == d["sheet"]) & (log["column"] == col) & (log["rule"] == "code_mapped")]
        # midline: no row of that sheet is excluded, so its dairy rows are the panel's round-1 dairy rows
        n_cells = rows_per_sheet[d["sheet"]] if col == "sex" else \
            int(((res.panel["round"] == 1) & (res.panel["chain"] == "lacteos")).sum())
        assert len(hit) == n_cells > 0 and set(hit["old_value"]) == set(d["value"].split("/"))
        checked[d["sheet"] + ":" + col] = len(hit)
    assert res.panel["producer_id"].nunique() == dirt["counts"]["members"] + dirt["counts"]["comparison"]
    by_rule = {r: sum(a.values()) for r, a in s["by_rule"].items()}
    assert by_rule["money_text_parsed"] == 2 and by_rule["network_normalized"] == 3
    assert by_rule["code_mapped"] == 3 + checked["Línea de base 2005:sex"] + checked["Seguimiento 2007:chain"]


def test_every_panel_column_has_labels():
    from analysis.labels import t
    from analysis.survey.clean import PANEL_COLUMNS

    for col in PANEL_COLUMNS:
        assert t(f"survey.col_{col}", "es") and t(f"survey.col_{col}", "en")
