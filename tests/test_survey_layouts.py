"""Layouts by config (issue 12): a wide workbook with a roster sheet and a Kobo/ODK CSV export of
the demo survey build the same panel as the demo (config/demo.yaml) within the logged
differences; not-interviewed producer-rounds are excluded and logged; a number column that reads
two ways stops the build unless its own values decide or the config declares the marks;
duplicates are resolved by the declared rule with both versions logged."""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import paths
from analysis.paths import CONFIG, SURVEY_RAW
from analysis.survey.clean import PANEL_COLUMNS
from analysis.survey.config import load_config
from analysis.survey.demo import HEADERS, SHEETS, dirt_path
from analysis.survey.demo_layouts import generate_layouts
from analysis.survey.errors import SurveyConfigError, SurveyValidationError
from analysis.survey.pipeline import build
from analysis.survey.privacy import DEMO_KEY, pseudonymize
from analysis.survey.sources import source_files

CORPUS = Path(__file__).parent / "corpus"
DEMO, TEAM2 = CONFIG / "demo.yaml", CONFIG / "demo_equipo2.yaml"
WIDE, KOBO = CONFIG / "demo_ancha.yaml", CONFIG / "demo_kobo.yaml"
WIDE_FILE, KOBO_FILE = SURVEY_RAW / "encuesta_demo_ancha.xlsx", SURVEY_RAW / "encuesta_demo_kobo.csv"
ROUND_OF_SHEET = {name: rnd for name, rnd, _ in SHEETS}
CANONICAL = {v: k for k, v in HEADERS.items()}
TEST_KEY = "layouts-test-key-not-secret"


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
        return {name: build(cfg) for name, cfg in
                (("demo", DEMO), ("team2", TEAM2), ("wide", WIDE), ("kobo", KOBO))}
    finally:
        mp.undo()


def pid(key: str) -> str:
    return pseudonymize(pd.Series([key]), DEMO_KEY).iloc[0]


def _sorted(panel):
    return panel.sort_values(["producer_id", "round"]).reset_index(drop=True)


def _differences(a: pd.DataFrame, b: pd.DataFrame) -> set:
    assert list(a.columns) == list(b.columns) == PANEL_COLUMNS
    assert a[["producer_id", "round"]].equals(b[["producer_id", "round"]])
    assert a.dtypes.equals(b.dtypes)
    got = set()
    for col in PANEL_COLUMNS:
        same = (a[col] == b[col]).fillna(False).astype(bool) | (a[col].isna() & b[col].isna())
        got |= {(a.at[i, "producer_id"], int(a.at[i, "round"]), col) for i in a.index[~same]}
    return got


def _workbook_dirt() -> set:
    """Cells the demo workbook's planted dirt blanks in the demo panel (see the second source)."""
    dirt = json.loads(dirt_path(SURVEY_RAW / "encuesta_demo.xlsx").read_text(encoding="utf-8"))["dirt"]
    out = set()
    for d in dirt:
        if d["kind"] in ("missing_value", "impossible_value"):
            key = (pid(d["producer_key"]), ROUND_OF_SHEET[d["sheet"]])
            col = CANONICAL[d["column"]]
            out.add(key + (col,))
            if col in ("family_labour_days", "hired_labour_days"):
                out.add(key + ("employment_fte",))
    return out


# --- the generated deliveries --------------------------------------------------------------------

def test_deliveries_regenerate_byte_identical(tmp_path):
    out = generate_layouts(tmp_path, seed=2011)
    for made, committed in ((out["wide"], WIDE_FILE), (out["kobo"], KOBO_FILE)):
        assert made.read_bytes() == committed.read_bytes()
        assert dirt_path(made).read_bytes() == dirt_path(committed).read_bytes()


def test_makefile_dependency_lists_the_deliveries():
    assert source_files(WIDE) == [WIDE_FILE.resolve()]
    assert source_files(KOBO) == [KOBO_FILE.resolve()]


def test_kobo_export_is_as_exported():
    text = KOBO_FILE.read_bytes().decode("utf-8")
    header = text.split("\r\n")[0].split(";")
    assert header[:3] == ["ronda", "fecha_entrevista", "productor/codigo"]
    assert {"_uuid", "_submission_time", "_index", "_id"} <= set(header)
    df = pd.read_csv(KOBO_FILE, sep=";", dtype=str, keep_default_na=False)
    assert set(df["ronda"]) == {"linea_base", "seguimiento", "final"}
    assert not any("año" in c.lower() or "anio" in c.lower() for c in df.columns)
    assert df["produccion/hectareas"].str.fullmatch(r"\d\.\d{3}").sum() == 3   # "1.220"
    assert "apomipe otro" in set(df["productor/programas"])
    assert len(df) == 646


# --- wide workbook + roster ----------------------------------------------------------------------

def test_wide_summary_and_log(built):
    res = built["wide"]
    s = res.summary
    assert (s["rows_in"], s["rows_kept"], s["rows_excluded"], s["producers"]) == (648, 645, 3, 216)
    side = json.loads(dirt_path(WIDE_FILE).read_text(encoding="utf-8"))
    absent = [d for d in side["dirt"] if d["kind"] == "not_interviewed"]
    money = [d for d in side["dirt"] if d["kind"] == "money_as_text"]
    assert len(absent) == 3 and len(money) == 2
    log = res.log
    got = log[log["rule"] == "not_interviewed"][["sheet", "row", "producer_id", "action"]]
    assert sorted(got.values.tolist()) == sorted(
        ["Productores [2007]", d["rows"][0], pid(d["producer_key"]), "excluded"] for d in absent)
    got = log[log["rule"] == "money_text_parsed"][["sheet", "row", "old_value", "new_value"]]
    want = [[f"Productores [{d['column'][-4:]}]", d["rows"][0], d["value"], repr(d["true_value"])]
            for d in money]
    assert sorted(got.values.tolist()) == sorted(want)
    assert set(log["rule"]) == {"not_interviewed", "money_text_parsed"}  # nothing else happened


def test_wide_panel_equals_the_demo_panel_within_the_logged_differences(built):
    wide, team2 = _sorted(built["wide"].panel), _sorted(built["team2"].panel)
    demo = _sorted(built["demo"].panel)
    assert _differences(wide, team2) == set()          # the clean truth, cell for cell
    diff = _differences(demo, wide)
    assert diff == _workbook_dirt() and len(diff) == 11  # only what the demo workbook's dirt blanks


def test_wide_without_waves_or_patterns_is_a_config_error(tmp_path):
    raw = yaml.safe_load(WIDE.read_text(encoding="utf-8"))
    raw["files"][0]["path"] = str(WIDE_FILE)
    f = raw["files"][0]
    waves = f.pop("waves")
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SurveyConfigError) as exc:
        load_config(tmp_path / "c.yaml")
    assert "key 'files.0.waves': missing required key" in str(exc.value)
    f["waves"] = waves
    f["columns"] = {k: v.replace("_{year}", "_2005") for k, v in f["columns"].items()}
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SurveyConfigError) as exc:
        load_config(tmp_path / "c.yaml")
    assert "key 'files.0.columns': a wide table needs outcome columns named per round" in str(exc.value)


def test_wide_row_missing_from_the_roster_is_named(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.setenv("REDES_PSEUDONYM_KEY", TEST_KEY)
    wb = load_workbook(WIDE_FILE)
    ws = wb["Membresía"]
    gone = ws.cell(row=2, column=1).value
    ws.delete_rows(2)
    wb.save(tmp_path / "ancha.xlsx")
    raw = yaml.safe_load(WIDE.read_text(encoding="utf-8"))
    raw["files"][0]["path"] = str(tmp_path / "ancha.xlsx")
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SurveyValidationError) as exc:
        build(tmp_path / "c.yaml")
    row = 3 + int(gone.split("-")[1]) - 1   # data sorted by code, title + header rows above
    assert str(exc.value).splitlines()[1] == (
        f"file={tmp_path / 'ancha.xlsx'}, sheet=Productores, row={row}, column=Código, "
        f"value=-, rule=not_in_roster: the producer key of this row is not in the roster sheet "
        f"'Membresía'")


# --- Kobo/ODK export -----------------------------------------------------------------------------

def test_kobo_summary_log_and_duplicate_versions(built):
    res = built["kobo"]
    s = res.summary
    assert (s["rows_in"], s["rows_kept"], s["rows_excluded"], s["producers"]) == (646, 645, 1, 216)
    side = json.loads(dirt_path(KOBO_FILE).read_text(encoding="utf-8"))
    d = next(x for x in side["dirt"] if x["kind"] == "resubmission")
    first, second = d["rows"]
    log = res.log.set_index("rule")
    dup = log.loc["duplicate_producer_round"]
    assert (dup["row"], dup["old_value"], dup["action"]) == (first, "round 2", "excluded")
    assert dup["new_value"].startswith(f"kept data/raw/survey/encuesta_demo_kobo.csv, sheet=-, "
                                       f"row={second} (latest _submission_time=2011-")
    v = log.loc["duplicate_versions"]
    assert (v["old_value"], v["new_value"]) == (
        f"row {first}: sales_value_pen={float(d['value'])!r}",
        f"row {second}: sales_value_pen={d['true_value']!r}")
    assert log.loc["system_columns_recognised", "new_value"] == (
        "_id, _uuid, _validation_status, _notes, _status, _submitted_by, __version__, _tags, _index")
    assert log.loc["year_from_date", "column"] == "fecha_entrevista"
    assert log.loc["decimal_from_column", "column"] == "produccion/hectareas"
    assert log.loc["read_select_multiple_split", "new_value"].startswith(
        "productor/programas -> 4 indicator column(s) productor/programas/apomipe")
    assert sorted(res.log["rule"].unique()) == sorted(
        ["read_decimal_mark", "read_select_multiple_split", "extra_column_ignored",
         "system_columns_recognised", "year_from_date", "decimal_from_column",
         "duplicate_producer_round", "duplicate_versions"])


def test_kobo_panel_equals_the_demo_panel_within_the_logged_differences(built):
    kobo, team2 = _sorted(built["kobo"].panel), _sorted(built["team2"].panel)
    assert _differences(kobo, team2) == set()
    assert _differences(_sorted(built["demo"].panel), kobo) == _workbook_dirt()
    ha = kobo.loc[kobo["hectares"] > 1, "hectares"]
    assert len(ha) == 3 and all(math.isclose(x, 1.22) for x in ha)   # "1.220" is 1.22 ha


def _kobo_copy(tmp_path, edit=None, **file_changes) -> Path:
    df = pd.read_csv(KOBO_FILE, sep=";", dtype=str, keep_default_na=False)
    if edit:
        df = edit(df)
    df.to_csv(tmp_path / "kobo.csv", sep=";", index=False)
    raw = yaml.safe_load(KOBO.read_text(encoding="utf-8"))
    raw["files"][0]["path"] = str(tmp_path / "kobo.csv")
    raw["files"][0].update(file_changes)
    for k, v in list(file_changes.items()):
        if v is None:
            raw["files"][0].pop(k)
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
    return tmp_path / "c.yaml"


def _only_ambiguous_hectares(df):
    ha = df["produccion/hectareas"]
    # every hectare value either blank, whole, or with three decimals: nothing decides
    df["produccion/hectareas"] = ha.map(lambda v: v if not v else f"{float(v):.3f}"
                                        if float(v) >= 1 else str(round(float(v))))
    df.loc[df.index[ha != ""][0], "produccion/hectareas"] = "2.125"
    return df


def test_decimal_that_reads_two_ways_stops_with_both_readings(tmp_path, monkeypatch):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", TEST_KEY)
    cfg = _kobo_copy(tmp_path, _only_ambiguous_hectares)
    with pytest.raises(SurveyValidationError) as exc:
        build(cfg)
    lines = str(exc.value).splitlines()
    assert lines[0] == "1 problem(s) in the survey data:"
    assert lines[1] == (
        f"file={tmp_path / 'kobo.csv'}, sheet=-, row=2, column=produccion/hectareas, value='2.125', "
        "rule=ambiguous_decimal: '2.125' reads as 2.125 (decimal point) or as 2125.0 (thousands "
        "point) and the column's other values do not decide; declare `decimal` and `thousands` for "
        "this file in the config (e.g. `decimal: \".\"` and `thousands: \",\"`)")


def test_declared_decimal_and_thousands_read_as_declared(tmp_path, monkeypatch):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", TEST_KEY)
    cfg = _kobo_copy(tmp_path, _only_ambiguous_hectares, decimal=".", thousands=",")
    res = build(cfg)
    assert res.panel["hectares"].max() == 2.125
    assert "decimal_from_column" not in set(res.log["rule"])


def test_thousands_grouping_elsewhere_decides_the_other_way(tmp_path, monkeypatch):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", TEST_KEY)

    def edit(df):
        kg = df["produccion/kg_vendidos"]
        i, j = df.index[kg.str.len() == 4][:2]
        df.loc[i, "produccion/kg_vendidos"] = kg[i][0] + "." + kg[i][1:]          # "3.972"
        df.loc[j, "produccion/kg_vendidos"] = "1.200.000"
        return df
    df0 = pd.read_csv(KOBO_FILE, sep=";", dtype=str, keep_default_na=False)
    cfg = _kobo_copy(tmp_path, edit, **{})
    res = build(cfg)
    entry = res.log[res.log["rule"] == "decimal_from_column"]
    assert entry["column"].tolist() == ["produccion/kg_vendidos", "produccion/hectareas"] or \
        set(entry["column"]) == {"produccion/kg_vendidos", "produccion/hectareas"}
    kg = entry[entry["column"] == "produccion/kg_vendidos"].iloc[0]
    assert kg["new_value"].startswith("'.' groups thousands in this column")
    first4 = df0.loc[df0["produccion/kg_vendidos"].str.len() == 4, "produccion/kg_vendidos"].iloc[0]
    assert float(first4) in set(res.panel["kg_sold"])


@pytest.mark.parametrize("rule, kept_row", [("last", 1), ("first", 0)])
def test_keep_first_or_last(tmp_path, monkeypatch, rule, kept_row):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", TEST_KEY)
    side = json.loads(dirt_path(KOBO_FILE).read_text(encoding="utf-8"))
    d = next(x for x in side["dirt"] if x["kind"] == "resubmission")
    cfg = _kobo_copy(tmp_path)
    raw = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    raw["duplicates"] = {"keep": rule}
    cfg.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    res = build(cfg)
    dup = res.log[res.log["rule"] == "duplicate_producer_round"].iloc[0]
    assert dup["row"] == d["rows"][1 - kept_row]
    sales = res.panel.loc[(res.panel["producer_id"] == dup["producer_id"]) & (res.panel["round"] == 2),
                          "sales_value_pen"].iloc[0]
    assert sales == (d["true_value"] if rule == "last" else float(d["value"]))


def test_keep_error_stops(tmp_path, monkeypatch):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", TEST_KEY)
    cfg = _kobo_copy(tmp_path)
    raw = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    raw["duplicates"] = {"keep": "error"}
    cfg.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SurveyValidationError) as exc:
        build(cfg)
    assert "column=productor/codigo, value='round 2', rule=duplicate_producer_round (first at " \
           in str(exc.value)


def test_unknown_round_code_and_choice_are_named(tmp_path, monkeypatch):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", TEST_KEY)

    def edit(df):
        df.loc[0, "ronda"] = "intermedia"
        df.loc[1, "productor/programas"] = "apomipe procompite"
        return df
    with pytest.raises(SurveyValidationError) as exc:
        build(_kobo_copy(tmp_path, edit))
    msg = str(exc.value)
    assert ("row=2, column=ronda, value='intermedia', rule=unknown_round_code: allowed round codes "
            "are 'linea_base', 'seguimiento', 'final'") in msg
    assert ("row=3, column=productor/programas, value='procompite', rule=unknown_choice: allowed "
            "choices are 'apomipe', 'minka', 'otro', 'ninguno'") in msg


# --- not interviewed in a long table ---------------------------------------------------------------

def test_long_row_with_every_outcome_blank_is_not_interviewed(tmp_path, monkeypatch):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", TEST_KEY)
    df = pd.read_csv(CORPUS / "files" / "ok.csv", dtype=str, keep_default_na=False)
    outcomes = list(df.columns[12:])
    df.loc[len(df)] = ["K01", "", "", "", "", "", "", "", "", "", "1", "2007"] + [""] * len(outcomes)
    (tmp_path / "files").mkdir()
    df.to_csv(tmp_path / "files" / "ok.csv", index=False)
    raw = yaml.safe_load((CORPUS / "ok.yaml").read_text(encoding="utf-8"))
    raw["networks_file"] = str(CORPUS / "networks.csv")
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    res = build(tmp_path / "c.yaml")
    s = res.summary
    assert (s["rows_in"], s["rows_kept"], s["rows_excluded"]) == (13, 12, 1)
    got = res.log[res.log["rule"] == "not_interviewed"][["row", "action", "new_value"]]
    assert got.values.tolist() == [[14, "excluded", "every outcome blank"]]
    assert len(res.log[res.log["row"] == 14]) == 1   # its blank sex, sector... are not problems


# --- through the user's door ---------------------------------------------------------------------

def test_make_report_ambiguous_decimal_exits_2_with_the_message(tmp_path):
    cfg = _kobo_copy(tmp_path, _only_ambiguous_hectares)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["REDES_PSEUDONYM_KEY"] = TEST_KEY
    res = subprocess.run(
        ["make", "--no-print-directory", "report", f"DATA={cfg}", f"P={tmp_path / 'p'}",
         f"B={tmp_path / 'b'}", f"PUBLISH_DIR={tmp_path / 'r'}", "JOBS=2"],
        cwd=paths.ROOT, capture_output=True, text=True, env=env, timeout=600)
    lines = [ln for ln in res.stderr.replace("\r", "\n").splitlines() if ln.strip()
             and not ln.startswith("Executing") and not ln.startswith("[build]")]
    assert res.returncode == 2
    assert lines[0] == "1 problem(s) in the survey data:"
    assert lines[1].startswith(f"file={tmp_path / 'kobo.csv'}, sheet=-, row=2, "
                               "column=produccion/hectareas, value='2.125', rule=ambiguous_decimal: "
                               "'2.125' reads as 2.125 (decimal point) or as 2125.0 (thousands point)")
    assert "Traceback" not in res.stderr


def test_year_from_the_round_map_instead_of_a_date(tmp_path, monkeypatch, built):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", DEMO_KEY)
    rounds = {"linea_base": {"round": 0, "year": 2005}, "seguimiento": {"round": 1, "year": 2007},
              "final": {"round": 2, "year": 2011}}
    cfg = _kobo_copy(tmp_path, rounds=rounds, year_column=None)
    import shutil
    shutil.copy(KOBO_FILE, tmp_path / "kobo.csv")   # the delivery itself (demo key allowed)
    res = build(cfg)
    assert "year_from_date" not in set(res.log["rule"])
    assert _differences(_sorted(res.panel), _sorted(built["kobo"].panel)) == set()
    raw = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    raw["files"][0]["rounds"] = {"linea_base": 0, "seguimiento": 1, "final": 2}
    cfg.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SurveyConfigError) as exc:
        load_config(cfg)
    assert "key 'files.0.year': give 'year_column' or a fixed 'year' or years in `rounds`" in str(exc.value)
