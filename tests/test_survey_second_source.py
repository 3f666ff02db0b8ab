"""Second data source: the demo survey exported as another team's CSV (config/demo_equipo2.yaml)
gives the same canonical panel as the workbook (config/demo.yaml), without code changes."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import CONFIG, SURVEY_RAW
from analysis.survey.clean import PANEL_COLUMNS
from analysis.survey.demo import HEADERS, SHEETS, TEAM2_COLUMNS, dirt_path, generate_demo
from analysis.survey.pipeline import build, main
from analysis.survey.privacy import DEMO_KEY, pseudonymize
from analysis.survey.sources import source_files

CORPUS = Path(__file__).parent / "corpus"
DEMO, TEAM2 = CONFIG / "demo.yaml", CONFIG / "demo_equipo2.yaml"
CSV = SURVEY_RAW / "encuesta_demo_equipo2.csv"
ROUND_OF_SHEET = {name: rnd for name, rnd, _ in SHEETS}
CANONICAL = {v: k for k, v in HEADERS.items()}


@pytest.fixture(autouse=True)
def _demo_key(monkeypatch):
    monkeypatch.delenv("REDES_PSEUDONYM_KEY", raising=False)
    monkeypatch.setattr("analysis.survey.privacy.SECRET_FILE", CORPUS / "no_secret_here.key")


@pytest.fixture(scope="module")
def built():
    import analysis.survey.privacy as privacy

    mp = pytest.MonkeyPatch()
    mp.delenv("REDES_PSEUDONYM_KEY", raising=False)
    mp.setattr(privacy, "SECRET_FILE", CORPUS / "no_secret_here.key")
    try:
        return build(DEMO), build(TEAM2)
    finally:
        mp.undo()


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pid(key: str) -> str:
    return pseudonymize(pd.Series([key]), DEMO_KEY).iloc[0]


def test_csv_regeneration_is_byte_identical_and_workbook_unchanged(tmp_path):
    res = generate_demo(tmp_path / "encuesta_demo.xlsx", seed=2011,
                        csv_out=tmp_path / "encuesta_demo_equipo2.csv")
    assert sha(res.path) == sha(SURVEY_RAW / "encuesta_demo.xlsx")
    assert dirt_path(res.path).read_bytes() == dirt_path(SURVEY_RAW / "encuesta_demo.xlsx").read_bytes()
    assert (tmp_path / "encuesta_demo_equipo2.csv").read_bytes() == CSV.read_bytes()
    assert dirt_path(tmp_path / "encuesta_demo_equipo2.csv").read_bytes() == dirt_path(CSV).read_bytes()


def test_csv_is_latin1_semicolon_decimal_comma_with_its_own_names_and_codes():
    raw = CSV.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = raw.decode("latin-1").split("\r\n")
    assert lines[0] == ";".join(TEAM2_COLUMNS.values())
    assert lines[0].startswith("COD_PROD;NOMBRE;DNI;CELULAR;DIRECCION;ANIO;RONDA;RED;SECTOR;CADENA;SEXO;SOCIO;")
    df = pd.read_csv(CSV, sep=";", encoding="latin-1", dtype=str, keep_default_na=False)
    assert len(df) == json.loads(dirt_path(CSV).read_text(encoding="utf-8"))["rows"] == 645
    assert set(df["SEXO"]) == {"1", "2"} and set(df["SOCIO"]) == {"S", "N"}
    assert set(df["CADENA"]) == {"LECHE", "MANGO"} and set(df["RONDA"]) == {"0", "1", "2"}
    assert df["PRECIO_PROM"].str.fullmatch(r"\d+,\d+|\d+").all()
    assert df["PRECIO_PROM"].str.contains(",").any() and not df["VENTAS"].str.contains(r"\.").any()
    assert any("í" in s for s in df["SECTOR"])   # accents survive the Latin-1 round trip


def test_makefile_dependency_lists_the_csv():
    assert source_files(TEAM2) == [CSV.resolve()]


def test_team2_log_has_exactly_the_one_planted_misspelling(built):
    _, team2 = built
    dirt = json.loads(dirt_path(CSV).read_text(encoding="utf-8"))["dirt"]
    assert len(dirt) == 1
    d = dirt[0]
    assert team2.log[["file", "sheet", "row", "producer_id", "column", "rule", "old_value",
                      "new_value", "action"]].values.tolist() == [
        ["data/raw/survey/encuesta_demo_equipo2.csv", None, d["rows"][0], pid(d["producer_key"]),
         "network", "network_spelling", "Sn. Pachusco", "lacteos_san_pachusco", "changed"]]
    s = team2.summary
    assert (s["rows_in"], s["rows_kept"], s["rows_excluded"], s["producers"]) == (645, 645, 0, 216)


def test_panels_equal_except_the_workbook_dirt(built):
    demo, team2 = built
    a = demo.panel.sort_values(["producer_id", "round"]).reset_index(drop=True)
    b = team2.panel.sort_values(["producer_id", "round"]).reset_index(drop=True)
    assert list(a.columns) == list(b.columns) == PANEL_COLUMNS
    assert a[["producer_id", "round"]].equals(b[["producer_id", "round"]])
    assert a.dtypes.equals(b.dtypes)
    # expected differences: cells blanked in the workbook (missing/impossible values), + derived FTE
    dirt = json.loads(dirt_path(SURVEY_RAW / "encuesta_demo.xlsx").read_text(encoding="utf-8"))["dirt"]
    expected = {}
    for d in dirt:
        if d["kind"] in ("missing_value", "impossible_value"):
            key = (pid(d["producer_key"]), ROUND_OF_SHEET[d["sheet"]])
            col = CANONICAL[d["column"]]
            expected[key + (col,)] = d["true_value"]
            if col in ("family_labour_days", "hired_labour_days"):
                expected[key + ("employment_fte",)] = None
    assert len(expected) == 11
    got = set()
    for col in PANEL_COLUMNS:
        same = (a[col] == b[col]).fillna(False).astype(bool) | (a[col].isna() & b[col].isna())
        for i in a.index[~same]:
            got.add((a.at[i, "producer_id"], int(a.at[i, "round"]), col))
            assert pd.isna(a.at[i, col]), (col, i)          # the workbook lost the value
    assert got == set(expected)
    for (p, rnd, col), true in expected.items():
        if true is not None:
            v = b.loc[(b["producer_id"] == p) & (b["round"] == rnd), col].iloc[0]
            assert math.isclose(v, true), (p, rnd, col)


def test_cli_runs_the_second_source(tmp_path, capsys):
    assert main(["--config", str(TEAM2), "--processed-dir", str(tmp_path)]) == 0
    assert "645 rows kept, 0 excluded of 645 read; 216 producers" in capsys.readouterr().out
    log = (tmp_path / "cleaning_log.csv").read_text(encoding="utf-8")
    df = pd.read_csv(CSV, sep=";", encoding="latin-1", dtype=str)
    panel = pd.read_parquet(tmp_path / "panel.parquet").to_csv()
    for value in list(df["DNI"].head(20)) + list(df["CELULAR"].head(20)) + list(df["COD_PROD"].head(5)):
        assert value not in log and value not in panel
