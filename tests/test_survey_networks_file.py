"""A survey config with its own networks_file: the cleaning step writes the networks it used to
data/processed, and the reports read them from there (issue 14, item 1)."""
from pathlib import Path

import pandas as pd

from analysis.report.effects_figures import network_forest_rows
from analysis.survey.pipeline import SURVEY_NETWORKS, run, survey_networks

import pytest

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", "corpus-test-key-not-secret")


def test_cleaning_writes_the_configs_networks(tmp_path):
    run(CORPUS / "attribute_changes.yaml", tmp_path)
    nets = pd.read_csv(tmp_path / SURVEY_NETWORKS, dtype=str)
    assert list(nets["network_id"]) == ["red_alfa", "red_beta", "red_gamma", "red_delta"]
    assert survey_networks(tmp_path, pd.DataFrame())["short_name"].tolist()[:2] == ["Alfa Norte", "Beta Sur"]


def test_survey_networks_falls_back_without_a_cleaning_output(tmp_path):
    fallback = pd.DataFrame({"network_id": ["x"]})
    assert survey_networks(tmp_path, fallback) is fallback


def test_forest_accepts_the_surveys_own_networks(tmp_path):
    run(CORPUS / "attribute_changes.yaml", tmp_path)
    effects = pd.DataFrame({
        "outcome": "net_income_pen", "level": "network_id", "group_value": ["red_alfa", "red_beta"],
        "method": "did_twfe", "estimate": [1.0, 2.0], "ci_low": [0.0, 1.0], "ci_high": [2.0, 3.0],
        "n_units": [10, 10], "std_error": 0.5, "p_value": 0.1, "n_obs": 30, "n_clusters": 10,
        "comparison": "", "inference": "", "note": ""})
    rows, _ = network_forest_rows(effects, "net_income_pen", survey_networks(tmp_path, None), 5)
    assert set(rows["network_id"]) == {"red_alfa", "red_beta"}


def test_no_person_name_reaches_the_processed_networks(tmp_path, capsys):
    """The default config's networks table is Tabla N°02, whose ``representative`` column holds
    people's names: the cleaning step leaves it out of data/processed and says so."""
    from analysis import paths
    from analysis.survey.pipeline import write_survey_networks

    raw = pd.read_csv(paths.PUBLISHED / "networks.csv", dtype=str)
    assert "representative" in raw.columns
    target = write_survey_networks(paths.PUBLISHED / "networks.csv", tmp_path)
    text = target.read_text(encoding="utf-8")
    assert "representative," not in text.splitlines()[0] + ","
    assert [name for name in raw["representative"] if name in text] == []
    assert list(pd.read_csv(target, dtype=str)["network_id"]) == list(raw["network_id"])
    assert capsys.readouterr().err.splitlines()[0] == (
        "[survey] survey_networks.csv: column(s) representative of networks.csv left out "
        "(only network attributes go to data/processed, never a person's name)")
