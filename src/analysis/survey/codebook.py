"""Codebooks: the codebook of the cleaned panel, and an Excel codebook a person fills to describe
a delivery (issue 12).

- :func:`write_result_codebook` (every build, ``pipeline.run``): ``codebook.xlsx`` and
  ``codebook.md`` next to the panel: variable, label es/en, type, unit, values or range, missing
  count, source column(s) and file(s).
- :func:`write_template` (``python -m analysis codebook template DATA.xlsx -o codebook.xlsx``): a
  workbook listing every column of every sheet with sample values, with empty cells for the
  canonical name, the codes and the units, plus the sheets/rounds and the source settings.
- :func:`read_codebook`: a filled codebook -> the same raw mapping a YAML config holds, with the
  codebook's sheet/row/column of every key, so :func:`analysis.survey.config.load_config`
  validates both the same way (``make report DATA=codebook.xlsx``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from pathlib import Path

import pandas as pd

from analysis.survey.config import COLUMN_FIELDS, NUMERIC_FIELDS, PII_FIELDS

FIXED_TIMESTAMP = dt.datetime(2012, 1, 15, 9, 0, 0)
UNITS = {"net_income_pen": "S/ por año", "sales_value_pen": "S/ por año",
         "family_labour_days": "jornales por año", "hired_labour_days": "jornales por año",
         "employment_fte": "equivalentes a tiempo completo (264 jornales)", "cows": "vacas",
         "milk_yield_l_cow_day": "litros por vaca por día", "hectares": "ha", "kg_sold": "kg por año",
         "price_pen_unit": "S/ por litro o kg", "share_main_buyer_pct": "%",
         "share_direct_pct": "%", "year": "año", "round": "ronda (0 = línea de base)",
         "cohort_year": "año"}
LABELS = {  # variables without a quality-report column label
    "producer_id": ("Seudónimo del productor", "Producer pseudonym"),
    "network_id": ("Red (id de networks.csv)", "Network (networks.csv id)"),
    "cluster_id": ("Conglomerado (red o sector de comparación)", "Cluster (network or comparison sector)"),
    "sector": ("Sector", "Sector"), "sex": ("Sexo", "Sex"),
    "member": ("Integra una red", "Network member"),
    "programme_phase": ("Fase del programa", "Programme phase"),
    "cohort_year": ("Año de inicio de la red", "Network start year"),
}
DERIVED = {
    "producer_id": "HMAC pseudonym of {producer_key}",
    "network_id": "networks.csv via {network}",
    "cluster_id": "network_id (members) or comp_<sector> (comparison)",
    "programme_phase": "networks.csv (programme_phase) via network_id",
    "cohort_year": "networks.csv (start_date) via network_id",
    "employment_fte": "(family_labour_days + hired_labour_days) / 264",
}
RESULT_COLUMNS = ["variable", "label_es", "label_en", "type", "unit", "values_or_range", "missing",
                  "source_column", "source_file"]


def _label(var: str) -> tuple[str, str]:
    from analysis.labels import t

    if var in LABELS:
        return LABELS[var]
    return t(f"quality.col_{var}", "es"), t(f"quality.col_{var}", "en")


def _values(s: pd.Series) -> str:
    v = s.dropna()
    if v.empty:
        return ""
    if pd.api.types.is_bool_dtype(s) or s.dtype == object or str(s.dtype).startswith("str") \
            or pd.api.types.is_string_dtype(s):
        from analysis.survey.parse import unique_map  # str() once per distinct cell

        vals = sorted(set(unique_map(v, str).tolist()))
        if len(vals) > 12:
            return f"{len(vals)} values: " + ", ".join(vals[:12]) + ", ..."
        return ", ".join(vals)
    lo, hi = float(v.min()), float(v.max())
    # as the report prints numbers: thousands separated, at most two decimals ("1,037 – 10,937",
    # "0.36 – 1.48")
    whole = all(float(x).is_integer() for x in (lo, hi))
    if whole and "year" in str(s.name):  # years are never grouped: "2005 – 2011"
        fmt = lambda x: f"{x:.0f}"  # noqa: E731
    else:
        fmt = (lambda x: f"{x:,.0f}") if whole else (lambda x: f"{x:,.2f}")
    return f"{fmt(lo)} – {fmt(hi)}"


def result_codebook(panel: pd.DataFrame, cfg) -> pd.DataFrame:
    """One row per panel variable (see the module docstring)."""
    from analysis.survey.readers import display_path

    rows = []
    for var in panel.columns:
        es, en = _label(var)
        sources, files = [], []
        for spec in cfg.files:
            cols = {**spec.columns, **(spec.roster.columns if spec.roster else {})}
            if var in ("round", "year"):
                src = (f"sheet names ({', '.join(spec.sheets)})" if spec.sheets else
                       f"waves ({', '.join(spec.waves)})" if spec.waves else
                       getattr(spec, f"{var}_column") or (f"rounds map of {spec.round_column}"
                                                          if spec.rounds else f"fixed {getattr(spec, var)}"))
                if var == "round" and spec.rounds:
                    src += " (codes " + ", ".join(f"{k}={c.round}" for k, c in spec.rounds.items()) + ")"
            elif var in DERIVED:
                src = DERIVED[var].format(**{k: cols.get(k, k) for k in ("producer_key", "network")})
            else:
                src = cols.get(var, "")
            if src and src not in sources:
                sources.append(src)
            if src:
                files.append(display_path(spec.path))
        values = (f"{panel[var].nunique()} distinct pseudonyms" if var == "producer_id"
                  else _values(panel[var]))
        rows.append([var, es, en, str(panel[var].dtype), UNITS.get(var, ""), values,
                     int(panel[var].isna().sum()), "; ".join(sources), "; ".join(dict.fromkeys(files))])
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


UNITS_EN = {"S/ por año": "S/ per year", "jornales por año": "person-days per year",
            "equivalentes a tiempo completo (264 jornales)": "full-time equivalents (264 person-days)",
            "vacas": "cows", "litros por vaca por día": "litres per cow per day", "ha": "ha",
            "kg por año": "kg per year", "S/ por litro o kg": "S/ per litre or kg", "%": "%",
            "año": "year", "ronda (0 = línea de base)": "round (0 = baseline)"}
PUBLISHED_LABELS = {"producer_id": ("Seudónimo del productor", "Producer pseudonym"),
                    "network_id": ("Red", "Network"),
                    "cluster_id": ("Conglomerado (red o sector de comparación)",
                                   "Cluster (network or comparison sector)")}
TYPES = {"es": {"bool": "sí/no", "int": "entero", "float": "número", "str": "texto", "object": "texto"},
         "en": {"bool": "yes/no", "int": "integer", "float": "number", "str": "text", "object": "text"}}


MANY_VALUES = re.compile(r"^(\d+) values: (.*)$")  # what _values writes for more than 12 values


def codebook_report_table(cb: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """The result codebook as the data-quality report prints it: label, type, unit, values, missing.

    Source columns and files stay in ``data/processed/codebook.xlsx`` (they name the delivery's
    own headers and paths, which are not published text).
    """
    from analysis.labels import t

    def kind(dtype: str) -> str:
        d = dtype.lower()
        key = next((k for k in ("bool", "int", "float") if k in d), "str")
        return TYPES[lang][key]

    unit = cb["unit"].fillna("")
    unit = unit if lang == "es" else unit.map(lambda u: UNITS_EN.get(u, u))
    labels = cb["label_es" if lang == "es" else "label_en"].copy()
    values = cb["values_or_range"].fillna("").astype(str)
    for i, var in cb["variable"].items():
        if var in PUBLISHED_LABELS:   # ids are not published text: a count of distinct values
            labels[i] = PUBLISHED_LABELS[var][0 if lang == "es" else 1]
            n = values[i].split(" ", 1)[0] if values[i].split(" ", 1)[0].isdigit() else \
                str(len([v for v in values[i].split(", ") if v]))
            values[i] = t("quality.cb_distinct", lang, n=n)
        elif var == "chain":
            values[i] = ", ".join(t(f"common.chain_{c}", lang) for c in values[i].split(", ") if c)
        elif var == "member":
            values[i] = TYPES[lang]["bool"]
        elif (many := MANY_VALUES.match(values[i])):   # "26 values: Anta, ..." (_values) in lang
            values[i] = t("quality.cb_many_values", lang, n=many.group(1), first=many.group(2))
    return pd.DataFrame({
        t("quality.cb_variable", lang): labels,
        t("quality.cb_type", lang): cb["type"].map(kind),
        t("quality.cb_unit", lang): unit,
        t("quality.cb_values", lang): values,
        t("quality.cb_missing", lang): cb["missing"].astype(int),
    })


def _write_xlsx(sheets: dict[str, pd.DataFrame], path: Path, title: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": title, "created": FIXED_TIMESTAMP})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    for name, df in sheets.items():
        ws = wb.add_worksheet(name)
        for j, col in enumerate(df.columns):
            ws.write_string(0, j, str(col), head)
            ws.set_column(j, j, 22)
        for i, row in enumerate(df.itertuples(index=False), start=1):
            for j, v in enumerate(row):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    ws.write_string(i, j, str(v))
                else:
                    ws.write_number(i, j, float(v))
        ws.freeze_panes(1, 0)
    wb.close()


def _md_cell(v) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def write_result_codebook(panel: pd.DataFrame, cfg, out_dir: Path) -> pd.DataFrame:
    """Write ``codebook.xlsx`` and ``codebook.md`` to ``out_dir``; return the table."""
    from analysis.survey.readers import display_path

    cb = result_codebook(panel, cfg)
    out_dir = Path(out_dir)
    _write_xlsx({"codebook": cb}, out_dir / "codebook.xlsx", "Codebook of the survey panel")
    lines = [f"# Codebook of the survey panel ({cfg.source_name})", "",
             f"Config: `{display_path(cfg.path)}`; {len(panel)} rows (producer × round), "
             f"{panel['producer_id'].nunique()} producers. Written by every build "
             "(`analysis.survey.codebook`).", "",
             "| " + " | ".join(RESULT_COLUMNS) + " |", "|" + "---|" * len(RESULT_COLUMNS)]
    lines += ["| " + " | ".join(_md_cell(v) for v in r) + " |" for r in cb.itertuples(index=False)]
    (out_dir / "codebook.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cb


# ---------------------------------------------------------------- the Excel codebook template
SOURCE_KEYS = ("source_name", "synthetic", "price_year", "min_cell", "duplicates")
SHEET_COLS = ["file", "sheet", "round", "year", "round_column", "year_column", "encoding", "sep",
              "decimal"]
COLUMN_COLS = ["file", "sheet", "column", "samples", "blank_cells", "canonical", "codes", "unit_from",
               "unit_factor", "min", "max", "action"]
NETWORK_COLS = ["spelling", "network_id"]
HELP = {
    "canonical": "canonical name (one of: " + ", ".join(COLUMN_FIELDS) + "); blank = not used",
    "codes": "for member/sex/chain: value=canonical; value=canonical (e.g. Sí=true; No=false)",
    "unit_from": "numeric columns delivered in another unit: the unit's name (e.g. m2)",
    "unit_factor": "and the factor to the canonical unit (e.g. 0.0001)",
    "min / max / action": "plausible range of a numeric column and what to do outside it "
                          "(set_missing or exclude_row)",
    "networks": "sheet 'networks': network names spelt in the data otherwise than in "
                "networks.csv -> network_id",
}


def _delivery_tables(data: Path):
    """(sheet name or None, frame, csv settings) of every visible sheet / of the CSV file."""
    from analysis.survey.config import FileSpec
    from analysis.survey.readers import _frame, _read_csv

    if data.suffix.lower() == ".csv":
        t = _read_csv(FileSpec(path=data, format="csv"))[0]
        notes = dict(n.split(": ", 1) for n in t.notes if ": " in n)
        settings = {"encoding": notes.get("encoding detected"),
                    "sep": notes.get("separator detected", "").strip("'") or None}
        return [(None, t.data, settings)]
    from openpyxl import load_workbook

    wb = load_workbook(data, read_only=True, data_only=True)
    try:
        out = []
        for name in wb.sheetnames:
            if wb[name].sheet_state != "visible":
                continue
            values = [list(r) for r in wb[name].iter_rows(values_only=True)]
            # the header: the fullest of the first rows (a title row above it is skipped)
            top = values[:10]
            filled = [sum(v is not None and str(v).strip() != "" for v in r) for r in top]
            hint = [v for v in top[filled.index(max(filled))] if v is not None] if top else None
            out.append((name, _frame(data, name, list(enumerate(values, start=1)), hint)[0], {}))
        return out
    finally:
        wb.close()


def write_template(data: Path, out: Path) -> Path:
    """A codebook to fill for the delivery ``data`` (.xlsx: every column of every visible sheet;
    .csv: every column, with the detected encoding and separator)."""
    data, out = Path(data), Path(out)
    rel = Path(_relpath(data.resolve(), out.resolve().parent))
    sheets, cols = [], []
    for name, frame, settings in _delivery_tables(data):
        sheets.append([str(rel), name, None, None, None, None, settings.get("encoding"),
                       settings.get("sep"), None])
        for c in frame.columns:
            s = frame[c]
            blank = s.map(lambda v: v is None or (isinstance(v, str) and not v.strip()))
            samples = list(dict.fromkeys(_sample(c, v) for v in s[~blank]))[:3]
            cols.append([str(rel), name, c, " | ".join(samples), int(blank.sum())]
                        + [None] * (len(COLUMN_COLS) - 5))
    source = pd.DataFrame([["source_name", ""], ["synthetic", "false"], ["price_year", ""],
                           ["min_cell", 5], ["duplicates", "first"]], columns=["key", "value"])
    help_ = pd.DataFrame([[k, v] for k, v in HELP.items()] + [
        ["sheets", "one row per sheet: its round and year (one sheet per round), or round_column / "
                   "year_column (a long table); delete the rows of sheets not to read; CSV: "
                   "encoding, sep and decimal (detected ones prefilled; decimal blank = decided "
                   "per column for ';' files)"],
        ["source", "source_name, price_year (year of the soles), synthetic (true/false), "
                   "duplicates (first, last or error)"]], columns=["field", "how to fill"])
    _write_xlsx({"source": source, "sheets": pd.DataFrame(sheets, columns=SHEET_COLS),
                 "columns": pd.DataFrame(cols, columns=COLUMN_COLS),
                 "networks": pd.DataFrame(columns=NETWORK_COLS), "help": help_}, out,
                "Codebook template")
    return out


def _sample(column, v) -> str:
    """A sample value for the template; personal data is never copied into it."""
    from analysis.survey.privacy import PII_NAME, pii_kind, pii_number

    kind = pii_kind(v) if isinstance(v, str) else pii_number(v)
    if kind or PII_NAME.search(str(column)):
        return "<withheld>"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _relpath(path: Path, start: Path) -> str:
    import os

    return os.path.relpath(path, start)


def is_codebook(path) -> bool:
    return Path(path).suffix.lower() == ".xlsx"


def read_codebook(path: Path) -> tuple[dict, dict]:
    """(raw config mapping, {key path: "sheet 'x', row n, column 'y'"}) of a filled codebook."""
    from openpyxl import load_workbook

    from analysis.survey.errors import SurveyConfigError

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        missing = [s for s in ("source", "sheets", "columns") if s not in wb.sheetnames]
        if missing:
            raise SurveyConfigError(f"{path}: not a codebook: sheet {missing[0]!r} is missing (make "
                                    f"one with `python -m analysis codebook template DATA.xlsx -o "
                                    f"codebook.xlsx`)")
        tabs = {}
        for name in [n for n in ("source", "sheets", "columns", "networks") if n in wb.sheetnames]:
            rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
            head = [str(h).strip() if h is not None else "" for h in rows[0]] if rows else []
            tabs[name] = (head, [(i, dict(zip(head, r))) for i, r in enumerate(rows[1:], start=2)
                                 if any(v not in (None, "") for v in r)])
    finally:
        wb.close()

    def where(sheet, row, col):
        return f"sheet '{sheet}', row {row}, column '{col}'"

    lines: dict[tuple, str] = {}
    raw: dict = {}
    for row, rec in tabs["source"][1]:
        key = str(rec.get("key") or "").strip()
        value = rec.get("value")
        lines[(key,)] = where("source", row, "value")
        if key == "synthetic" and isinstance(value, str):
            value = {"true": True, "false": False}.get(value.strip().lower(), value)
        if key in ("price_year", "min_cell") and isinstance(value, float) and value.is_integer():
            value = int(value)
        if key in ("price_year", "min_cell") and isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if key == "duplicates":
            value = {"keep": str(value).strip()}
        if value not in (None, ""):
            raw[key] = value
    files: dict[str, dict] = {}
    for row, rec in tabs["sheets"][1]:
        f = str(rec.get("file") or "").strip()
        entry = files.setdefault(f, {"path": f, "_row": row})
        i = list(files).index(f)
        lines[("files", i)] = where("sheets", row, "file")
        sheet = rec.get("sheet")
        if rec.get("round") not in (None, "") and sheet in (None, ""):  # a file of one round
            entry["round"], entry["year"] = _int(rec.get("round")), _int(rec.get("year"))
            lines[("files", i, "round")] = where("sheets", row, "round")
            lines[("files", i, "year")] = where("sheets", row, "year")
            for k in ("encoding", "sep", "decimal"):
                if rec.get(k) not in (None, ""):
                    entry[k] = str(rec[k])
                    lines[("files", i, k)] = where("sheets", row, k)
        elif rec.get("round") not in (None, ""):
            rnd, yr = _int(rec.get("round")), _int(rec.get("year"))
            entry.setdefault("sheets", {})[str(sheet)] = {"round": rnd, "year": yr}
            lines[("files", i, "sheets", str(sheet))] = where("sheets", row, "round")
            lines[("files", i, "sheets", str(sheet), "year")] = where("sheets", row, "year")
        else:
            if sheet not in (None, ""):
                entry["sheet"] = str(sheet)
            for k in ("round_column", "year_column", "encoding", "sep", "decimal"):
                if rec.get(k) not in (None, ""):
                    entry[k] = str(rec[k])
                    lines[("files", i, k)] = where("sheets", row, k)
            lines[("files", i, "round")] = where("sheets", row, "round")
            lines[("files", i, "year")] = where("sheets", row, "year")
    for e in files.values():
        e.pop("_row")
    raw["files"] = list(files.values())
    columns, codes, units = {}, {}, {}
    for row, rec in tabs["columns"][1]:
        canon = str(rec.get("canonical") or "").strip()
        if not canon:
            continue
        col = str(rec.get("column"))
        lines.setdefault(("columns", canon), where("columns", row, "canonical"))
        if canon in columns and columns[canon] != col:
            from analysis.survey.errors import SurveyConfigError as E
            raise E(f"{path}, {where('columns', row, 'canonical')}: key 'columns.{canon}': "
                    f"{canon!r} is also given to column {columns[canon]!r}; a canonical name maps "
                    f"one column (same name in every sheet)")
        columns[canon] = col
        if rec.get("codes") not in (None, ""):
            table = {}
            for part in str(rec["codes"]).split(";"):
                if not part.strip():
                    continue
                if "=" not in part:
                    from analysis.survey.errors import SurveyConfigError as E
                    raise E(f"{path}, {where('columns', row, 'codes')}: key 'codes.{canon}': "
                            f"{part.strip()!r} is not value=canonical (e.g. Sí=true; No=false)")
                a, b = (x.strip() for x in part.split("=", 1))
                if canon == "member":
                    b = {"true": True, "false": False}.get(b.lower(), b)
                table[a] = b
            codes.setdefault(canon, {}).update(table)
            lines.setdefault(("codes", canon), where("columns", row, "codes"))
        if rec.get("unit_factor") not in (None, ""):
            units[canon] = {"from": str(rec.get("unit_from") or ""), "factor": rec["unit_factor"]}
            lines.setdefault(("units", canon), where("columns", row, "unit_factor"))
    plaus = {}
    for row, rec in tabs["columns"][1]:
        canon = str(rec.get("canonical") or "").strip()
        rule = {k: rec.get(k) for k in ("min", "max", "action") if rec.get(k) not in (None, "")}
        if canon and rule:
            plaus[canon] = rule
            lines.setdefault(("plausibility", canon), where("columns", row, "min"))
    if plaus:
        raw["plausibility"] = plaus
    nets = {}
    for row, rec in tabs.get("networks", ([], []))[1]:
        sp = rec.get("spelling")
        if sp not in (None, ""):
            nets[str(sp)] = str(rec.get("network_id") or "")
            lines[("networks", str(sp))] = where("networks", row, "network_id")
    if nets:
        raw["networks"] = nets
    raw["columns"] = columns
    if codes:
        raw["codes"] = codes
    if units:
        raw["units"] = units
    return raw, lines


def _int(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    return v


def main(argv=None) -> int:
    """``python -m analysis.survey.codebook template ...`` = ``redes codebook template ...``."""
    from analysis.cli import alias

    return alias("codebook", argv)


if __name__ == "__main__":
    sys.exit(main())
