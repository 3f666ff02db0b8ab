"""Excel exports a publisher can reuse: numbers as numbers, intervals in two columns, number
formats, bold header, column widths and a frozen header row.

A report table reaches :class:`analysis.report.numbering.Report` already formatted for reading ("4,285",
"97.3 %", "S/ 1,013", "3,710 a 4,861"). :func:`typed_columns` turns each column back into what it
holds, but only when *every* filled cell of the column reads the same way (so a column of labels
that happen to look like numbers in one row stays text): plain numbers, percentages, money, or
intervals (split into "<column> (mín.)" / "(máx.)" columns, "(low)" / "(high)" in English).
Cells such as "–" or "" are left empty; a suppression marker ("n<5") stays as text in its cell,
and its meaning is on the info sheet. :func:`write_sheet` then writes the frame with openpyxl and styles it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_NUM = r"[−+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
NUMBER_RE = re.compile(rf"^({_NUM})$")
PERCENT_RE = re.compile(rf"^({_NUM})\s?%$")
MONEY_RE = re.compile(rf"^S/\s?({_NUM})$")
INTERVAL_RE = re.compile(rf"^(S/\s?)?({_NUM})(\s?%)?\s(?:a|to|–)\s(S/\s?)?({_NUM})(\s?%)?$")
EMPTY = {"", "–", "—", "-", "nan", "None"}
BOUNDS = {"es": ("mín.", "máx."), "en": ("low", "high")}


@dataclass
class Column:
    name: str
    values: list
    number_format: str | None = None   # the column's format when every number shares it
    formats: list | None = None        # else one format per cell (None for text or empty cells)


def _to_float(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def _decimals(texts) -> int:
    return max((len(t.split(".")[1]) if "." in t else 0) for t in texts) if texts else 0


def _format(kind: str, decimals: int) -> str:
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    return {"number": body, "percent": body + '"%"', "money": '"S/ "' + body}[kind]


# A bound rather than a value ("< 0.001", "> 0.999"): kept as text, it does not stop the other
# cells of its column from being numbers.
CENSORED_RE = re.compile(rf"^[<>≤≥]\s?{_NUM}\s?%?$")


def _parse(cell: str):
    """(low, high, kind, decimals) of a formatted number or interval, or None."""
    for kind, rx in (("number", NUMBER_RE), ("percent", PERCENT_RE), ("money", MONEY_RE)):
        m = rx.match(cell)
        if m:
            v = _to_float(m.group(1))
            return v, v, kind, _decimals([m.group(1)])
    m = INTERVAL_RE.match(cell)
    if m:
        kind = "money" if m.group(1) or m.group(4) else ("percent" if m.group(3) or m.group(6) else "number")
        return (_to_float(m.group(2)), _to_float(m.group(5)), kind,
                _decimals([m.group(2), m.group(5)]), "interval")
    return None


def _kind(cells: list[str]) -> str | None:
    """'number' | 'percent' | 'money' | 'interval' when every filled cell reads that way."""
    for kind, rx in (("number", NUMBER_RE), ("percent", PERCENT_RE), ("money", MONEY_RE),
                     ("interval", INTERVAL_RE)):
        if all(rx.match(c) for c in cells):
            return kind
    return None


def typed_columns(frame: pd.DataFrame, lang: str = "es", markers=()) -> list[Column]:
    """The frame's columns with formatted numbers turned back into numbers (see module doc).

    A column is typed when every filled cell reads as a number, a percentage, an amount or an
    interval (a suppression marker or a bound such as "< 0.001" stays as text in its cell); each
    number keeps its own format, so a column mixing levels ("4,285") and percentages ("45.2%")
    is typed too. A column with at least one interval is split into two columns; a single value
    in it is both bounds."""
    out = []
    marks = {str(m) for m in markers}
    empty = EMPTY | marks
    for name in frame.columns:
        raw = ["" if pd.isna(v) else v for v in frame[name].tolist()]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) or v == "" for v in raw):
            out.append(Column(str(name), [None if v == "" else v for v in raw]))
            continue
        texts = [" ".join(str(v).replace("\u00a0", " ").split()) for v in raw]
        parsed = [None if t in empty or CENSORED_RE.match(t) else _parse(t) for t in texts]
        numeric = [p for p in parsed if p]
        typed = numeric and all(p is not None or t in empty or CENSORED_RE.match(t)
                                for p, t in zip(parsed, texts))
        if not typed:
            out.append(Column(str(name), [None if t == "" else str(v) for t, v in zip(texts, raw)]))
            continue

        def text_or_none(t):  # a marker or a bound stays as text; "–" or "" is an empty cell
            return t if (t in marks or CENSORED_RE.match(t)) else None
        fmts = [_format(p[2], p[3]) if p else None for p in parsed]
        if any(len(p) == 5 for p in numeric):  # intervals: two columns
            lo_name, hi_name = BOUNDS.get(lang, BOUNDS["en"])
            for bound, label, first in ((0, lo_name, True), (1, hi_name, False)):
                values = [p[bound] if p else (text_or_none(t) if first else None)
                          for p, t in zip(parsed, texts)]
                out.append(_column(f"{name} ({label})", values, fmts))
        else:
            out.append(_column(str(name), [p[0] if p else text_or_none(t)
                                           for p, t in zip(parsed, texts)], fmts))
    return out


def _column(name: str, values: list, fmts: list) -> Column:
    used = {f for f, v in zip(fmts, values) if f and isinstance(v, float)}
    if len(used) <= 1:
        return Column(name, values, next(iter(used), None))
    return Column(name, values, None, [f if isinstance(v, float) else None for f, v in zip(fmts, values)])


def write_sheet(ws, columns: list[Column]) -> None:
    """Header in bold, values typed, number formats, widths from the content, header frozen."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for j, col in enumerate(columns, start=1):
        head = ws.cell(row=1, column=j, value=col.name)
        head.font = Font(bold=True)
        head.alignment = Alignment(wrap_text=True, vertical="top")
        width = len(col.name)
        for i, v in enumerate(col.values, start=2):
            cell = ws.cell(row=i, column=j, value=v)
            fmt = col.formats[i - 2] if col.formats else col.number_format
            if fmt and isinstance(v, (int, float)):
                cell.number_format = fmt
            width = max(width, len(f"{v:,.2f}") if isinstance(v, float) else len(str(v or "")))
        ws.column_dimensions[get_column_letter(j)].width = min(max(8, width + 2), 60)
    ws.freeze_panes = "A2"


def write_info(ws, rows: list[tuple[str, str]], header: tuple[str, str]) -> None:
    """The info sheet: field / value, header bold, widths set."""
    from openpyxl.styles import Alignment, Font

    for j, h in enumerate(header, start=1):
        ws.cell(row=1, column=j, value=h).font = Font(bold=True)
    for i, (k, v) in enumerate(rows, start=2):
        ws.cell(row=i, column=1, value=k)
        ws.cell(row=i, column=2, value=v).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 100
    ws.freeze_panes = "A2"
