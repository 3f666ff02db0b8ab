"""Excel codebook workflow (issue 12, items 4-5): template -> filled -> applied gives the same panel
as the YAML config; errors name the codebook's sheet, row and column; every build writes the
codebook of the result."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from analysis import paths
from analysis.paths import CONFIG, SURVEY_RAW
from analysis.survey.codebook import result_codebook, write_template
from analysis.survey.config import load_config
from analysis.survey.errors import SurveyConfigError
from analysis.survey.pipeline import build, run
from analysis.survey.sources import source_files

CORPUS = Path(__file__).parent / "corpus"
DEMO = CONFIG / "demo.yaml"
WORKBOOK = SURVEY_RAW / "encuesta_demo.xlsx"


@pytest.fixture(autouse=True)
def _demo_key(monkeypatch):
    monkeypatch.delenv("REDES_PSEUDONYM_KEY", raising=False)
    monkeypatch.setattr("analysis.survey.privacy.SECRET_FILE", CORPUS / "no_secret_here.key")


def _fill(template: Path, out: Path, **override) -> Path:
    """Fill the template the way a person would, from config/demo.yaml."""
    y = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    canon = {v: k for k, v in y["columns"].items()}
    wb = load_workbook(template)
    src = wb["source"]
    for r in range(2, src.max_row + 1):
        key = src.cell(r, 1).value
        src.cell(r, 2).value = {"source_name": y["source_name"], "synthetic": "true",
                                "price_year": y["price_year"], "min_cell": 5,
                                "duplicates": "first"}.get(key, src.cell(r, 2).value)
    sh = wb["sheets"]
    for r in range(2, sh.max_row + 1):
        spec = y["files"][0]["sheets"][sh.cell(r, 2).value]
        sh.cell(r, 3).value, sh.cell(r, 4).value = spec["round"], spec["year"]
    cols = wb["columns"]
    head = [c.value for c in cols[1]]
    ix = {h: i + 1 for i, h in enumerate(head)}
    for r in range(2, cols.max_row + 1):
        name = cols.cell(r, ix["column"]).value
        field = canon.get(name)
        cols.cell(r, ix["canonical"]).value = override.get(name, field)
        if field in y.get("codes", {}):
            cols.cell(r, ix["codes"]).value = "; ".join(
                f"{a}={str(b).lower() if isinstance(b, bool) else b}" for a, b in y["codes"][field].items())
        for k in ("min", "max", "action"):
            if field in y.get("plausibility", {}) and k in y["plausibility"][field]:
                cols.cell(r, ix[k]).value = y["plausibility"][field][k]
    nets = wb["networks"]
    for i, (a, b) in enumerate(y["networks"].items(), start=2):
        nets.cell(i, 1).value, nets.cell(i, 2).value = a, b
    wb.save(out)
    return out


def test_template_lists_every_column_without_personal_data(tmp_path):
    out = write_template(WORKBOOK, tmp_path / "codebook.xlsx")
    cols = pd.read_excel(out, sheet_name="columns", dtype=str)
    assert len(cols) == 3 * 21
    assert set(cols["sheet"]) == {"Línea de base 2005", "Seguimiento 2007", "Final 2011"}
    assert cols["canonical"].isna().all()
    dni = cols[cols["column"] == "DNI"]["samples"]
    assert set(dni) == {"<withheld>"}
    assert cols.loc[cols["column"] == "Sexo", "samples"].iloc[0] == "Hombre | Mujer"
    sheets = pd.read_excel(out, sheet_name="sheets")
    assert (tmp_path / sheets["file"].iloc[0]).resolve() == WORKBOOK.resolve()
    assert sheets["round"].isna().all()


def test_cli_template_then_round_trip_gives_the_yaml_panel(tmp_path):
    tpl = tmp_path / "plantilla.xlsx"
    res = subprocess.run([sys.executable, "-m", "analysis", "codebook", "template", str(WORKBOOK),
                          "-o", str(tpl)], capture_output=True, text=True, cwd=paths.ROOT)
    assert res.returncode == 0, res.stderr
    filled = _fill(tpl, tmp_path / "codebook.xlsx")
    a, b = load_config(DEMO), load_config(filled)
    assert (a.columns, a.codes, a.networks, a.plausibility, a.duplicates) == \
        (b.columns, b.codes, b.networks, b.plausibility, b.duplicates)
    assert [f.path for f in a.files] == [f.path for f in b.files] and a.files[0].sheets == b.files[0].sheets
    ya, cb = build(DEMO), build(filled)
    pd.testing.assert_frame_equal(ya.panel, cb.panel)
    assert ya.summary["rows_kept"] == cb.summary["rows_kept"] == 645
    assert source_files(filled) == [WORKBOOK.resolve()]
    from analysis.survey.quality import read_settings
    assert read_settings(filled) == read_settings(DEMO)   # the reports read the same settings
    from analysis.report.narrative import load_report_config
    assert load_report_config(filled) == load_report_config(DEMO)


def test_codebook_error_names_sheet_row_and_column(tmp_path):
    tpl = write_template(WORKBOOK, tmp_path / "plantilla.xlsx")
    filled = _fill(tpl, tmp_path / "codebook.xlsx", **{"Sexo": "gender"})
    with pytest.raises(SurveyConfigError) as exc:
        load_config(filled)
    assert str(exc.value).startswith(
        f"{filled}, sheet 'columns', row 10, column 'canonical': key 'columns.gender': unknown key")


def test_build_writes_the_codebook_of_the_result(tmp_path):
    run(DEMO, tmp_path)
    cb = pd.read_excel(tmp_path / "codebook.xlsx", dtype=str)
    row = cb.set_index("variable").loc["net_income_pen"]
    assert row["label_es"] == "Ingreso neto anual (S/)" and row["label_en"] == "Annual net income (S/)"
    assert row["source_column"] == "Ingreso neto anual (S/.)"
    assert row["source_file"] == "data/raw/survey/encuesta_demo.xlsx"
    assert row["unit"] == "S/ por año" and int(row["missing"]) == 3
    assert cb.set_index("variable").loc["producer_id", "source_column"] == "HMAC pseudonym of Código productor"
    md = (tmp_path / "codebook.md").read_text(encoding="utf-8")
    assert "| net_income_pen | Ingreso neto anual (S/) | Annual net income (S/) |" in md
    assert len(cb) == len(pd.read_parquet(tmp_path / "panel.parquet").columns)


def test_make_report_with_a_wrong_codebook_exits_2_naming_the_cell(tmp_path):
    import os

    tpl = write_template(WORKBOOK, tmp_path / "plantilla.xlsx")
    filled = _fill(tpl, tmp_path / "codebook.xlsx", **{"Sexo": "gender"})
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    res = subprocess.run(
        ["make", "--no-print-directory", "report", f"DATA={filled}", f"P={tmp_path / 'p'}",
         f"B={tmp_path / 'b'}", f"PUBLISH_DIR={tmp_path / 'r'}", "JOBS=2"],
        cwd=paths.ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 2
    assert res.stderr.splitlines()[0].startswith(
        f"{filled}, sheet 'columns', row 10, column 'canonical': key 'columns.gender': unknown key")
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "p" / "panel.parquet").exists()


def test_csv_template_round_trip_gives_the_yaml_panel(tmp_path):
    """The second team's long CSV (Latin-1, ';', decimal comma, codes 1/2 and S/N)."""
    team2 = CONFIG / "demo_equipo2.yaml"
    csv_file = SURVEY_RAW / "encuesta_demo_equipo2.csv"
    tpl = write_template(csv_file, tmp_path / "plantilla.xlsx")
    y = yaml.safe_load(team2.read_text(encoding="utf-8"))
    wb = load_workbook(tpl)
    sh = wb["sheets"]
    head = {c.value: i + 1 for i, c in enumerate(sh[1])}
    assert (sh.cell(2, head["encoding"]).value, sh.cell(2, head["sep"]).value) == ("latin-1", ";")
    sh.cell(2, head["round_column"]).value = y["files"][0]["round_column"]
    sh.cell(2, head["year_column"]).value = y["files"][0]["year_column"]
    sh.cell(2, head["decimal"]).value = ","
    src = wb["source"]
    for r in range(2, src.max_row + 1):
        src.cell(r, 2).value = {"source_name": y["source_name"], "synthetic": "true",
                                "price_year": y["price_year"]}.get(src.cell(r, 1).value,
                                                                   src.cell(r, 2).value)
    canon = {v: k for k, v in y["columns"].items()}
    cols = wb["columns"]
    ix = {c.value: i + 1 for i, c in enumerate(cols[1])}
    for r in range(2, cols.max_row + 1):
        field = canon.get(cols.cell(r, ix["column"]).value)
        cols.cell(r, ix["canonical"]).value = field
        if field in y["codes"]:
            cols.cell(r, ix["codes"]).value = "; ".join(
                f"{a}={str(b).lower() if isinstance(b, bool) else b}" for a, b in y["codes"][field].items())
        for k in ("min", "max", "action"):
            if field in y["plausibility"] and k in y["plausibility"][field]:
                cols.cell(r, ix[k]).value = y["plausibility"][field][k]
    for i, (a, b) in enumerate(y["networks"].items(), start=2):
        wb["networks"].cell(i, 1).value, wb["networks"].cell(i, 2).value = a, b
    wb.save(tmp_path / "codebook.xlsx")
    pd.testing.assert_frame_equal(build(team2).panel, build(tmp_path / "codebook.xlsx").panel)


def test_template_skips_a_title_row_and_lists_every_sheet(tmp_path):
    out = write_template(SURVEY_RAW / "encuesta_demo_ancha.xlsx", tmp_path / "cb.xlsx")
    cols = pd.read_excel(out, sheet_name="columns", dtype=str)
    prod = cols[cols["sheet"] == "Productores"]
    assert len(prod) == 8 + 11 * 3 and prod["column"].iloc[0] == "Código"
    assert list(cols.loc[cols["sheet"] == "Membresía", "column"]) == ["Código productor", "Red", "Socio de red"]


def test_codebook_table_of_the_quality_report_has_no_ids(tmp_path):
    """The data-quality report's section 6 prints the result codebook without ids or file names."""
    from analysis.survey import pipeline
    from analysis.survey.codebook import codebook_report_table

    pipeline.run(paths.CONFIG / "demo.yaml", tmp_path)
    cb = pd.read_excel(tmp_path / "codebook.xlsx", sheet_name="codebook")
    for lang, network, distinct in (("es", "Red", "12 valores distintos"), ("en", "Network", "12 distinct values")):
        table = codebook_report_table(cb, lang)
        assert len(table) == len(cb) == 23
        row = table[table.iloc[:, 0] == network].iloc[0]
        assert row.iloc[3] == distinct
        text = table.astype(str).to_string()
        assert "lacteos_" not in text and "comp_" not in text and ".csv" not in text


def test_codebook_ranges_are_written_as_the_report_writes_numbers():
    """Issue 11: "1,037 – 10,937" and "0.36 – 1.48", not "1037 – 10937" and "0.3598 – 1.481"."""
    import pandas as pd

    from analysis.survey.codebook import _values

    assert _values(pd.Series([1037.0, 10937.0, None])) == "1,037 – 10,937"
    assert _values(pd.Series([0.3598, 1.481])) == "0.36 – 1.48"
    assert _values(pd.Series([2005, 2011], name="start_year")) == "2005 – 2011"
