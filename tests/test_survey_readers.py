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


def test_csv_long_line_with_content_is_reported(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("k,v\nA,1\nB,2,extra\nC,3,\n", encoding="utf-8")
    (t,) = read_file(FileSpec(path=p, format="csv", round=0, year=2005))
    assert [(q.row, q.rule.split(":")[0]) for q in t.problems] == [(3, "long_line")]


def test_utf8_file_declared_latin1_is_reported(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("k,sector\nA,Cañaveral\n", encoding="utf-8")
    with pytest.raises(SurveyValidationError, match="declare `encoding: utf-8`"):
        read_file(FileSpec(path=p, format="csv", encoding="latin-1", round=0, year=2005))


def test_cp1252_byte_in_declared_latin1_is_reported(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("k,sector\nA,Loma \u2013 Alta\n".encode("cp1252"))
    with pytest.raises(SurveyValidationError, match=r"row=2.*declare `encoding: cp1252`"):
        read_file(FileSpec(path=p, format="csv", encoding="latin-1", round=0, year=2005))


def test_named_hidden_sheet_is_read_and_logged(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title, ws.sheet_state = "Oculta", "hidden"
    ws.append(["k", "v"]), ws.append(["A", 1])
    wb.create_sheet("Otra").append(["x"])
    p = tmp_path / "h.xlsx"
    wb.save(p)
    (t,) = read_file(FileSpec(path=p, format="xlsx", sheets={"Oculta": SheetSpec(0, 2005)}))
    assert t.data["k"].tolist() == ["A"]
    assert ("Oculta", "read_hidden_sheet", "hidden, named in the config") in t.sheet_notes
    assert ("Otra", "sheet_not_read", "visible") in t.sheet_notes
