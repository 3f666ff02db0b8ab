"""CLI: python -m analysis effects on the Card & Krueger copy."""

import subprocess
import sys
from pathlib import Path

import pandas as pd

from analysis.effects import COLUMNS

DATA = Path(__file__).parent / "data" / "validation"


def test_cli_effects_card_krueger(tmp_path):
    out = tmp_path / "effects.csv"
    cmd = [sys.executable, "-m", "analysis", "effects", "--input", str(DATA / "card_krueger_long.csv"),
           "--unit", "store_id", "--period", "wave", "--outcome", "fte", "--treated", "state",
           "--first-post", "2", "--group", "chain", "--methods", "did_twfe", "before_after",
           "--output", str(out)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    table = pd.read_csv(out)
    assert list(table.columns) == COLUMNS
    assert len(table) == 5 * 3  # (overall + 4 chains) × (did_twfe, before_after, before_after_pct)
    did = table[(table["method"] == "did_twfe") & (table["level"] == "overall")].iloc[0]
    pub = pd.read_csv(DATA / "published.csv").set_index("quantity").loc["did_fte_balanced"]
    assert round(did["estimate"], 2) == pub["estimate"]


def test_cli_reports_bad_column(tmp_path):
    cmd = [sys.executable, "-m", "analysis", "effects", "--input", str(DATA / "card_krueger_long.csv"),
           "--unit", "store", "--period", "wave", "--outcome", "fte", "--treated", "state",
           "--first-post", "2", "--output", str(tmp_path / "x.csv")]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert res.returncode == 2
    assert "column 'store' (unit) not found in panel" in res.stderr


def test_redes_help_documents_exit_codes_and_survey_alias():
    top = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True)
    assert top.returncode == 0
    assert "Exit codes: 0 done; 2 bad input or usage" in " ".join(top.stdout.split())
    survey = subprocess.run([sys.executable, "-m", "analysis", "survey", "--help"], capture_output=True,
                            text=True)
    assert survey.returncode == 0 and "Clean one producer-survey source" in survey.stdout
