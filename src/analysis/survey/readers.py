"""Read the files of one survey source into RawTables that remember file, sheet and row."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
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
    # (sheet, rule, value) rows for the cleaning log, e.g. sheets of the workbook not read
    sheet_notes: list[tuple[str, str, str]] = field(default_factory=list)
    # (row, column name) of formula cells saved without a computed value (read as blank)
    uncached: list[tuple[int, str]] = field(default_factory=list)
    # problems found while reading (short CSV lines): reported with the cleaning problems
    problems: list[Problem] = field(default_factory=list)
    # canonical field -> column of this table (the file's map; wide: the round's columns)
    columns: dict[str, str] = field(default_factory=dict)
    decimal_declared: bool = True
    thousands: str | None = None
    # columns that are not "extra" here (other rounds of a wide table) and system columns
    quiet_columns: set[str] = field(default_factory=set)
    system_columns: list[str] = field(default_factory=list)
    format: str = "csv"


SYSTEM_PREFIXES = ("meta/", "formhub/")


def is_system_column(name: str) -> bool:
    """KoboToolbox/ODK metadata columns: ``_uuid``, ``_submission_time``, ``_index``, ``_id``,
    ``__version__``, ``meta/instanceID``, ``formhub/uuid``..."""
    name = str(name)
    return name.startswith("_") or name.startswith(SYSTEM_PREFIXES)


def find_column(columns, src: str):
    """The column named ``src``: exact, else case/accent/space-insensitive, else (Kobo/ODK
    ``group/field`` headers) the one column whose last ``/`` segment matches."""
    from analysis.survey.clean import norm_text

    columns = list(columns)
    if src in columns:
        return src
    by_norm = {norm_text(c): c for c in columns}
    if norm_text(src) in by_norm:
        return by_norm[norm_text(src)]
    tail = norm_text(str(src).rsplit("/", 1)[-1])
    hits = [c for c in columns if norm_text(str(c).rsplit("/", 1)[-1]) == tail]
    return hits[0] if len(hits) == 1 else None


def display_path(path: Path) -> str:
    """Path relative to the project root when inside it (for messages and the log)."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _fail(path, sheet, rule, value=None, column=None, row=None):
    raise SurveyValidationError([Problem(display_path(path), sheet, row, column, value, rule)])


def _header_names(header, path, sheet) -> list[str]:
    """Column names of a header record (a blank one named by its position); a name given twice
    is a delivery error."""
    names = [str(h).strip() if not _blank(h) else f"<blank column {i + 1}>" for i, h in enumerate(header)]
    seen = set()
    for n in names:
        if n in seen:
            _fail(path, sheet, "duplicate_column_name", value=n, column=n)
        seen.add(n)
    return names


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _norm(v) -> str:
    return " ".join(str(v).split()).casefold()


def _frame(path, sheet, records: list[tuple[int, list]], hint=None,
           ragged: list | None = None) -> tuple[pd.DataFrame, list[int]]:
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
    names = _header_names(header, path, sheet)
    if not body:
        _fail(path, sheet, "empty_file: header but no data rows")
    width = len(names)
    if ragged is not None:
        ragged.extend(_ragged_lines(path, body, width))
    data = [list(r[:width]) + [None] * (width - len(r)) for _, r in body]
    return pd.DataFrame(data, columns=names, dtype=object), [n for n, _ in body]


def _ragged_lines(path, body, width) -> list[Problem]:
    """A CSV line with fewer fields than the header (truncated or a missing separator), or
    with extra non-blank fields (a stray separator): never padded or cut silently."""
    out = []
    for n, r in body:
        if len(r) < width:
            out.append(Problem(display_path(path), None, n, None, f"{len(r)} of {width} fields",
                               "short_line: the line has fewer fields than the header (truncated "
                               "file or missing separator); repair or re-export the file"))
        elif len(r) > width and not all(_blank(v) for v in r[width:]):
            out.append(Problem(display_path(path), None, n, None, f"{len(r)} of {width} fields",
                               "long_line: the line has more fields than the header (a stray "
                               "separator or an unquoted text with one); repair or re-export"))
    return out


C1_BYTES = re.compile(rb"[\x80-\x9f]")


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _encoding_problem(raw: bytes, declared: str | None) -> tuple[int | None, str] | None:
    """(line, rule) saying why ``raw`` cannot be read as ``declared`` (None: detect) and what to
    declare; None when it reads cleanly."""
    try:
        raw.decode("utf-8")
        is_utf8 = True
    except UnicodeDecodeError as exc:
        is_utf8, bad = False, exc.start
    c1 = C1_BYTES.search(raw)
    if declared in (None, "utf-8"):
        if is_utf8:
            return None
        if declared is None and not c1:
            return None  # plain Latin-1 (accents, ñ): read as latin-1 and logged
        guess = "cp1252" if c1 else "latin-1"
        what = "declared" if declared else "assumed"
        bad = c1.start() if c1 else bad  # point at the Windows-1252 character itself
        return _line_of(raw, bad), (
                f"encoding: byte 0x{raw[bad]:02x} is not valid UTF-8 ({what}); the file looks {guess}"
                + (" (Windows-1252: en dash, curly quotes)" if guess == "cp1252" else "")
                + f": declare `encoding: {guess}` for this file in the config")
    if declared == "latin-1" and c1:
        return _line_of(raw, c1.start()), (f"encoding: byte 0x{raw[c1.start()]:02x} is a "
                f"control character in latin-1 but a Windows-1252 character (en dash, curly "
                f"quote): declare `encoding: cp1252`")
    if is_utf8 and re.search(rb"[\xc2-\xf4][\x80-\xbf]", raw):
        return None, (f"encoding: the file is valid UTF-8 with accented characters but is declared "
                f"{declared}: declare `encoding: utf-8` (else 'ñ' would be read as 'Ã±')")
    return None


def _read_csv(spec: FileSpec, hint=None) -> list[RawTable]:
    raw = spec.path.read_bytes()
    notes = []
    if not raw.strip():
        _fail(spec.path, None, "empty_file: the file has no content")
    bad = _encoding_problem(raw, spec.encoding)
    if bad:
        _fail(spec.path, None, bad[1], row=bad[0])
    if spec.encoding:
        text = raw.decode({"utf-8": "utf-8-sig"}.get(spec.encoding, spec.encoding))
    else:
        try:
            text, enc = raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            text, enc = raw.decode("latin-1"), "latin-1"
        notes.append(f"encoding detected: {enc}")
    first = _first_nonblank_line(text)
    sep = spec.sep
    if sep is None:
        sep = ";" if first.count(";") > first.count(",") else ","
        notes.append(f"separator detected: {sep!r}")
    decimal = spec.decimal or ("," if sep == ";" else ".")
    # a ','-separated file writes decimals with a point; a ';' file may use either mark: its
    # columns decide (clean.Cleaner._column_decimal) unless the config declares `decimal`
    known = spec.decimal is not None or sep == ","
    if spec.decimal is None:
        notes.append(f"decimal mark assumed: {decimal!r}" if sep == "," else
                     "decimal mark: from each column's values (not declared)")
    ragged: list[Problem] = []
    fast = _fast_csv_frame(spec.path, text, sep, hint)
    if fast is not None:
        data, rows = fast
    else:  # quotes, ragged lines, title rows...: the csv module, record by record
        data, rows = _csv_module_frame(spec.path, text, sep, hint, ragged)
    return [RawTable(display_path(spec.path), None, data, rows, spec, spec.round, spec.year,
                     decimal, notes, problems=ragged, decimal_declared=known,
                     thousands=spec.thousands, format="csv")]


def _csv_module_frame(path, text: str, sep: str, hint, ragged: list) -> tuple[pd.DataFrame, list[int]]:
    """``_frame`` of the records ``csv.reader`` reads from ``text`` (row = first line of each)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records, start = [], 1
    for rec in reader:
        records.append((start, rec))
        start = reader.line_num + 1
    return _frame(path, None, records, hint, ragged)


def _first_nonblank_line(text: str) -> str:
    """``next((ln for ln in text.splitlines() if ln.strip()), "")`` without splitting the whole
    text: growing prefixes, trusting only the lines a prefix holds completely."""
    size = 1 << 16
    while True:
        head = text[:size]
        lines = head.splitlines()
        whole = size >= len(text)
        for ln in lines if whole else lines[:-1]:
            if ln.strip():
                return ln
        if whole:
            return ""
        size *= 8


HEADER_SCAN = 200  # records searched one by one for the header before the vectorized search


def _fast_csv_frame(path, text: str, sep: str, hint) -> tuple[pd.DataFrame, list[int]] | None:
    """What ``_frame`` makes of ``csv.reader(text)``, read by pandas' C parser, for the common
    delivery: no quote character, NUL or lone CR, and every non-empty line with the same number
    (>= 2) of fields. There each line is one record (row number = line number) split at ``sep``,
    which is what the csv module does. None for any other text (the caller uses the csv
    module)."""
    if (len(sep) != 1 or ord(sep) >= 0x80 or sep in '"\r\n' or '"' in text or "\x00" in text
            or text.startswith("\ufeff") or text.count("\r") != text.count("\r\n")):
        return None
    try:
        raw = text.replace("\r\n", "\n").encode("utf-8")
    except UnicodeEncodeError:
        return None
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    buf = np.frombuffer(raw, dtype=np.uint8)
    ends = np.append(np.flatnonzero(buf == 10), len(buf))          # line i: [starts[i], ends[i])
    starts = np.concatenate(([0], ends[:-1] + 1))
    filled = ends > starts                                          # csv gives [] for an empty line
    if not filled.any():
        return None
    # Every filled line has ``width`` fields, counted without locating each separator: the C
    # parser refuses a line longer than the first (its width), so no line is longer than the
    # first, and the separators' total then equals (width - 1) per line only when none is shorter.
    first = int(np.flatnonzero(filled)[0])
    width = int(np.count_nonzero(buf[starts[first]:ends[first]] == ord(sep))) + 1
    if width < 2 or int(np.count_nonzero(buf == ord(sep))) != (width - 1) * int(filled.sum()):
        return None
    try:
        frame = pd.read_csv(io.BytesIO(raw), sep=sep, header=None, dtype=object, na_filter=False,
                            keep_default_na=False, quoting=csv.QUOTE_NONE, skip_blank_lines=True,
                            encoding="utf-8", engine="c", low_memory=False, on_bad_lines="error")
    except Exception:  # noqa: BLE001 -- any surprise (a long line among them): the csv module
        return None
    line_no = np.flatnonzero(filled) + 1
    if frame.shape != (len(line_no), width):
        return None
    from analysis.survey.parse import unique_map

    maybe = np.arange(len(frame))                   # _frame skips records whose cells are all blank
    for c in frame.columns:
        if not len(maybe):
            break
        maybe = maybe[unique_map(frame[c].iloc[maybe], _blank).astype(bool)]
    keep = np.ones(len(line_no), dtype=bool)
    keep[maybe] = False
    if not keep.any():
        _fail(path, None, "empty_file: no header and no data rows")
    recs = np.flatnonzero(keep)
    start = 0
    if hint:
        wanted = {_norm(h) for h in hint}
        is_header = lambda r: any(not _blank(v) and _norm(v) in wanted for v in r)  # noqa: E731
        head = next((i for i, p in enumerate(recs[:HEADER_SCAN]) if is_header(frame.iloc[p])), None)
        if head is None and len(recs) > HEADER_SCAN:
            sub = frame.iloc[recs]
            hit = np.zeros(len(recs), dtype=bool)
            for c in sub.columns:
                hit |= unique_map(sub[c], lambda v: not _blank(v) and _norm(v) in wanted).astype(bool)
            head = int(np.argmax(hit)) if hit.any() else None
        start = head or 0
    header = frame.iloc[recs[start]].tolist()
    names = _header_names(header, path, None)
    body = recs[start + 1:]
    if not len(body):
        _fail(path, None, "empty_file: header but no data rows")
    if len(body) == len(frame):
        data = frame
    elif body[-1] - body[0] + 1 == len(body):  # one run of records: a slice, no copy
        data = frame.iloc[int(body[0]):int(body[-1]) + 1]
    else:
        data = frame.iloc[body]
    data = data.set_axis(names, axis=1).reset_index(drop=True)
    return data, line_no[body].tolist()


def _read_xlsx(spec: FileSpec, hint=None) -> list[RawTable]:
    from openpyxl import load_workbook

    if spec.path.stat().st_size == 0:
        _fail(spec.path, None, "empty_file: the file has no content")
    try:
        wb = load_workbook(spec.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for broken files
        _fail(spec.path, None, f"unreadable_xlsx: {type(exc).__name__}: {exc}")
    try:
        wanted = _sheets_to_read(spec, wb)
        formulas = load_workbook(spec.path, read_only=True, data_only=False)
        out = []
        for name, sheet_spec in wanted.items():
            values = [list(r) for r in wb[name].iter_rows(values_only=True)]
            records = list(enumerate(values, start=1))
            data, rows = _frame(spec.path, name, records, hint)
            rnd = sheet_spec.round if sheet_spec else spec.round
            yr = sheet_spec.year if sheet_spec else spec.year
            t = RawTable(display_path(spec.path), name, data, rows, spec, rnd, yr, ".",
                         format="xlsx")
            t.uncached = _uncached_formulas(formulas[name], values, data.columns, rows)
            if wb[name].sheet_state != "visible":
                t.sheet_notes.append((name, "read_hidden_sheet", f"{wb[name].sheet_state}, "
                                                                 f"named in the config"))
            out.append(t)
        formulas.close()
        roster = spec.roster.sheet if spec.roster else None
        if roster is not None:
            if roster not in wb.sheetnames:
                _fail(spec.path, roster, "sheet_not_found: the roster sheet is not in the file; "
                      "sheets in the file are " + ", ".join(repr(s) for s in wb.sheetnames))
            values = [list(r) for r in wb[roster].iter_rows(values_only=True)]
            rdata, rrows = _frame(spec.path, roster, list(enumerate(values, start=1)),
                                  [spec.roster.key])
            for t in out:
                _join_roster(t, rdata, rrows)
        if out:
            out[0].sheet_notes += [(n, "sheet_not_read", wb[n].sheet_state)
                                   for n in wb.sheetnames if n not in wanted and n != roster]
        return out
    finally:
        wb.close()


def _sheets_to_read(spec: FileSpec, wb) -> dict:
    """The configured sheets, else the only visible sheet; hidden sheets are never guessed."""
    wanted = spec.sheets or ({spec.sheet: None} if spec.sheet else None)
    if wanted:
        missing = [s for s in wanted if s not in wb.sheetnames]
        if missing:
            _fail(spec.path, missing[0], "sheet_not_found: sheets in the file are "
                  + ", ".join(repr(s) for s in wb.sheetnames))
        return wanted
    roster = spec.roster.sheet if spec.roster else None
    visible = [n for n in wb.sheetnames if wb[n].sheet_state == "visible" and n != roster]
    hidden = [n for n in wb.sheetnames if n not in visible]
    if len(visible) != 1:
        also = f" (hidden: {', '.join(repr(n) for n in hidden)})" if hidden else ""
        _fail(spec.path, None, f"sheets_not_configured: the workbook has {len(visible)} visible "
              f"sheets {', '.join(repr(n) for n in visible)}{also}; name the sheet(s) to read "
              f"under `sheets:` in the config (with their round and year), or the one table "
              f"under `sheet:`")
    return {visible[0]: None}


def _uncached_formulas(ws, values, columns, rows) -> list[tuple[int, str]]:
    """Formula cells whose saved value is missing (openpyxl data_only reads them as None)."""
    body, out = set(rows), []
    for i, rec in enumerate(ws.iter_rows(values_only=True), start=1):
        if i not in body or i > len(values):
            continue
        for j, v in enumerate(rec):
            if (isinstance(v, str) and v.startswith("=") and j < len(columns)
                    and j < len(values[i - 1]) and values[i - 1][j] is None):
                out.append((i, columns[j]))
    return out


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
                     list(range(1, len(df) + 1)), spec, spec.round, spec.year, ".",
                     format=spec.format)]


def _join_roster(t: RawTable, rdata: pd.DataFrame, rrows: list[int]) -> None:
    """Add the roster sheet's columns to the rows of ``t`` by producer key (the roster holds one
    row per producer: network, membership...). A key missing from the roster, or given twice
    in it, is a problem; roster keys without data rows are noted."""
    from analysis.survey.privacy import normalize_key

    r = t.spec.roster
    kcol = find_column(rdata.columns, r.key)
    if kcol is None:
        _fail(t.spec.path, r.sheet, "missing_column: the roster key column is not in the roster "
              "sheet; columns there are " + ", ".join(repr(c) for c in rdata.columns), column=r.key)
    index: dict[str, int] = {}
    for i, v in rdata[kcol].items():
        if _blank(v):
            continue
        k = normalize_key(v)
        if k in index:
            t.problems.append(Problem(t.file, r.sheet, rrows[i], kcol, None,
                                      f"duplicate_roster_key: the same producer key is also at "
                                      f"row {rrows[index[k]]} of the roster"))
        else:
            index[k] = i
    dkey = find_column(t.data.columns, t.spec.columns.get("producer_key", ""))
    if dkey is None:
        return  # reported as missing_column by the cleaner
    keys = t.data[dkey].map(lambda v: None if _blank(v) else normalize_key(v))
    pos = keys.map(index)
    for i in t.data.index[keys.notna() & pos.isna()]:
        t.problems.append(Problem(t.file, t.sheet, t.rows[i], dkey, None,
                                  f"not_in_roster: the producer key of this row is not in the "
                                  f"roster sheet {r.sheet!r}"))
    for field_, src in r.columns.items():
        col = find_column(rdata.columns, src)
        if col is None:
            _fail(t.spec.path, r.sheet, "missing_column: columns in the roster sheet are "
                  + ", ".join(repr(c) for c in rdata.columns), column=src)
        name = col if col not in t.data.columns else f"{r.sheet}/{col}"
        t.data[name] = [None if pd.isna(p) else rdata.at[int(p), col] for p in pos]
        t.columns[field_] = name
    unused = len(set(index) - set(keys.dropna()))
    if unused:
        t.sheet_notes.append((r.sheet, "roster_keys_without_data", f"{unused} producer(s) of the "
                              f"roster have no row in sheet {t.sheet!r}"))


def _split_select_multiple(t: RawTable) -> None:
    """A Kobo/ODK select_multiple cell ("apomipe otro") -> one 1/0 column per declared choice,
    named ``<column>/<choice>`` as Kobo's own split export names them."""
    for src, choices in t.spec.select_multiple.items():
        col = find_column(t.data.columns, src)
        if col is None:
            t.problems.append(Problem(t.file, t.sheet, None, src, None, "missing_column: the "
                                      "select_multiple column is not in the file"))
            continue
        made = []
        picked = t.data[col].map(lambda v: None if _blank(v) else str(v).split())
        for i, vals in picked.items():
            for v in vals or []:
                if v not in choices:
                    t.problems.append(Problem(t.file, t.sheet, t.rows[i], col, v,
                                              "unknown_choice: allowed choices are "
                                              + ", ".join(repr(c) for c in choices)))
        for ch in choices:
            name = f"{col}/{ch}"
            if name in t.data.columns:
                continue  # the export already has Kobo's split column
            t.data[name] = picked.map(lambda vals, ch=ch: None if vals is None else
                                      ("1" if ch in vals else "0"))
            made.append(name)
        t.notes.append(f"select_multiple split: {col} -> {len(made)} indicator column(s) "
                       f"{', '.join(made)}")


def _wave_tables(t: RawTable) -> list[RawTable]:
    """One table per round of a wide table: the round's columns (``ingreso_{year}`` ->
    ``ingreso_2005``) plus the columns common to all rounds; the sheet is shown as
    ``<sheet> [<wave>]`` in messages and in the cleaning log."""
    spec, out = t.spec, []
    resolved = {}
    for label, w in spec.waves.items():
        resolved[label] = {f: c.replace("{year}", str(w.year)).replace("{round}", str(w.round))
                           .replace("{wave}", label) for f, c in t.columns.items()}
    used = {c for m in resolved.values() for c in m.values()}
    for n, (label, w) in enumerate(spec.waves.items()):
        mine = set(resolved[label].values())
        sheet = f"{t.sheet} [{label}]" if t.sheet else f"[{label}]"
        wt = RawTable(t.file, sheet, t.data, t.rows, spec, w.round, w.year, t.decimal,
                      list(t.notes) if n == 0 else [], list(t.sheet_notes) if n == 0 else [],
                      list(t.uncached), list(t.problems) if n == 0 else [],
                      columns=resolved[label], decimal_declared=t.decimal_declared,
                      thousands=t.thousands, format=t.format, system_columns=list(t.system_columns),
                      quiet_columns=(used - mine) | (set() if n == 0 else set(t.data.columns) - used))
        out.append(wt)
    return out


def read_file(spec: FileSpec, hint=None) -> list[RawTable]:
    """Read one configured file (all its configured sheets); ``hint``: expected header names."""
    hint = hint if hint is not None else list(spec.columns.values())
    if spec.format == "csv":
        tables = _read_csv(spec, hint)
    elif spec.format == "xlsx":
        tables = _read_xlsx(spec, hint)
    else:
        tables = _read_stat(spec)
    for t in tables:
        t.columns = {**dict(spec.columns), **t.columns}
        _split_select_multiple(t)
        t.system_columns = [c for c in t.data.columns if is_system_column(c)]
    if spec.layout == "wide":  # system columns are set before the split: copied to each wave
        tables = [w for t in tables for w in _wave_tables(t)]
    return tables


def read_source(cfg: SurveyConfig) -> list[RawTable]:
    """Read every file of the config, in order."""
    return [t for spec in cfg.files for t in read_file(spec, list(spec.columns.values()))]
