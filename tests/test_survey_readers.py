"""Readers keep the real 1-based spreadsheet row of every data row."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from analysis.survey.config import FileSpec, SheetSpec
from analysis.survey.errors import SurveyValidationError
from analysis.survey.readers import read_file


def test_csv_rows_survive_blank_and_multiline_records(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text('k;v\nA;1,5\n\nB;"two\nlines"\nC;3\n', encoding="utf-8")
    (t,) = read_file(FileSpec(path=p, format="csv", round=0, year=2005))
    assert t.rows == [2, 4, 6]
    assert t.data["k"].tolist() == ["A", "B", "C"]
    assert t.decimal == "," and "separator detected: ';'" in t.notes


def test_csv_declared_options_are_not_logged(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("k,v\nA,1\n", encoding="latin-1")
    (t,) = read_file(FileSpec(path=p, format="csv", encoding="latin-1", sep=",", decimal=".",
                              round=0, year=2005))
    assert t.notes == []


def test_xlsx_header_below_title_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "R0"
    ws.append(["Encuesta"])
    ws.append([])
    ws.append(["k", "v"])
    ws.append(["A", 1])
    ws.append([None, None])
    ws.append(["B", "1.200,5"])
    wb.create_sheet("R2").append(["k", "v"])
    wb.save(tmp_path / "w.xlsx")
    spec = FileSpec(path=tmp_path / "w.xlsx", format="xlsx", sheets={"R0": SheetSpec(0, 2005)})
    (t,) = read_file(spec, hint=["K"])
    assert (t.sheet, t.round, t.year, t.rows) == ("R0", 0, 2005, [4, 6])
    assert t.data["v"].tolist() == [1, "1.200,5"]
    spec.sheets = {"R2": SheetSpec(2, 2011)}
    with pytest.raises(SurveyValidationError, match="sheet=R2, .*empty_file: header but no data rows"):
        read_file(spec, hint=["k"])


def test_duplicate_header_names_refused(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("k,k\n1,2\n", encoding="utf-8")
    with pytest.raises(SurveyValidationError, match="column=k, value='k', rule=duplicate_column_name"):
        read_file(FileSpec(path=p, format="csv", round=0, year=2005))
