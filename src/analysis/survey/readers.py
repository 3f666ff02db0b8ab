"""Read the files of one survey source into RawTables that remember file, sheet and row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.paths import ROOT
from analysis.survey.config import FileSpec, SurveyConfig
from analysis.survey.errors import Problem, SurveyValidationError


@dataclass
class RawTable:
    """Rows of one file/sheet as delivered; ``rows[i]`` is the 1-based spreadsheet row of row i."""

    file: str
    sheet: str | None
    data: pd.DataFrame
    rows: list[int]
    spec: FileSpec
    round: int | None = None
    year: int | None = None
    decimal: str = "."
    notes: list[str] = field(default_factory=list)


def display_path(path: Path) -> str:
    """Path relative to the project root when inside it (for messages and the log)."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _fail(path, sheet, rule, value=None, column=None):
    raise SurveyValidationError([Problem(display_path(path), sheet, None, column, value, rule)])


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _norm(v) -> str:
    return " ".join(str(v).split()).casefold()


def _frame(path, sheet, records: list[tuple[int, list]], hint=None) -> tuple[pd.DataFrame, list[int]]:
    """Header = first non-blank record holding one of the ``hint`` column names (else the first
    non-blank record), so title rows above it are skipped; blank records are skipped; the
    original row numbers are kept."""
    records = [(n, r) for n, r in records if not all(_blank(v) for v in r)]
    if not records:
        _fail(path, sheet, "empty_file: no header and no data rows")
    start = 0
    if hint:
        wanted = {_norm(h) for h in hint}
        start = next((i for i, (_, r) in enumerate(records)
                      if any(not _blank(v) and _norm(v) in wanted for v in r)), 0)
    (_, header), body = records[start], records[start + 1:]
    names = [str(h).strip() if not _blank(h) else f"<blank column {i + 1}>" for i, h in enumerate(header)]
    seen = set()
    for n in names:
        if n in seen:
            _fail(path, sheet, "duplicate_column_name", value=n, column=n)
        seen.add(n)
    if not body:
        _fail(path, sheet, "empty_file: header but no data rows")
    width = len(names)
    data = [list(r[:width]) + [None] * (width - len(r)) for _, r in body]
    return pd.DataFrame(data, columns=names, dtype=object), [n for n, _ in body]


def _read_csv(spec: FileSpec, hint=None) -> list[RawTable]:
    raw = spec.path.read_bytes()
    notes = []
    if not raw.strip():
        _fail(spec.path, None, "empty_file: the file has no content")
    if spec.encoding:
        enc = "utf-8-sig" if spec.encoding == "utf-8" else "latin-1"
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as exc:
            _fail(spec.path, None, f"encoding: not valid {spec.encoding} at byte {exc.start}; "
                                   f"set 'encoding' in the config")
    else:
        try:
            text, enc = raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            text, enc = raw.decode("latin-1"), "latin-1"
        notes.append(f"encoding detected: {enc}")
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    sep = spec.sep
    if sep is None:
        sep = ";" if first.count(";") > first.count(",") else ","
        notes.append(f"separator detected: {sep!r}")
    decimal = spec.decimal or ("," if sep == ";" else ".")
    if spec.decimal is None:
        notes.append(f"decimal mark assumed: {decimal!r}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records, start = [], 1
    for rec in reader:
        records.append((start, rec))
        start = reader.line_num + 1
    data, rows = _frame(spec.path, None, records, hint)
    return [RawTable(display_path(spec.path), None, data, rows, spec, spec.round, spec.year,
                     decimal, notes)]


def _read_xlsx(spec: FileSpec, hint=None) -> list[RawTable]:
    from openpyxl import load_workbook

    if spec.path.stat().st_size == 0:
        _fail(spec.path, None, "empty_file: the file has no content")
    try:
        wb = load_workbook(spec.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for broken files
        _fail(spec.path, None, f"unreadable_xlsx: {type(exc).__name__}: {exc}")
    try:
        wanted = spec.sheets or {wb.sheetnames[0]: None}
        missing = [s for s in wanted if s not in wb.sheetnames]
        if missing:
            _fail(spec.path, missing[0], "sheet_not_found: sheets in the file are "
                  + ", ".join(repr(s) for s in wb.sheetnames))
        out = []
        for name, sheet_spec in wanted.items():
            ws = wb[name]
            records = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            data, rows = _frame(spec.path, name, records, hint)
            rnd = sheet_spec.round if sheet_spec else spec.round
            yr = sheet_spec.year if sheet_spec else spec.year
            out.append(RawTable(display_path(spec.path), name, data, rows, spec, rnd, yr, "."))
        return out
    finally:
        wb.close()


def _read_stat(spec: FileSpec) -> list[RawTable]:
    import pyreadstat

    if spec.path.stat().st_size == 0:
        _fail(spec.path, None, "empty_file: the file has no content")
    reader = pyreadstat.read_dta if spec.format == "dta" else pyreadstat.read_sav
    try:
        df, _meta = reader(str(spec.path), apply_value_formats=True)
    except Exception as exc:
        _fail(spec.path, None, f"unreadable_{spec.format}: {type(exc).__name__}: {exc}")
    if df.empty:
        _fail(spec.path, None, "empty_file: header but no data rows")
    df = df.astype(object).where(df.notna(), None)
    df.columns = [str(c).strip() for c in df.columns]
    # row = observation number (1-based): Stata/SPSS files have no header row
    return [RawTable(display_path(spec.path), None, df.reset_index(drop=True),
                     list(range(1, len(df) + 1)), spec, spec.round, spec.year, ".")]


def read_file(spec: FileSpec, hint=None) -> list[RawTable]:
    """Read one configured file (all its configured sheets); ``hint``: expected header names."""
    if spec.format == "csv":
        return _read_csv(spec, hint)
    if spec.format == "xlsx":
        return _read_xlsx(spec, hint)
    return _read_stat(spec)


def read_source(cfg: SurveyConfig) -> list[RawTable]:
    """Read every file of the config, in order."""
    hint = list(cfg.columns.values())
    return [t for spec in cfg.files for t in read_file(spec, hint)]
