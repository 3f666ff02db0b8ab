"""Excel exports a publisher can reuse: numbers as numbers, intervals in two columns, number
formats, bold header, column widths and a frozen header row.

A report table reaches :class:`analysis.numbering.Report` already formatted for reading ("4,285",
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

_NUM = r"[−-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
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
    number_format: str | None = None


def _to_float(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def _decimals(texts) -> int:
    return max((len(t.split(".")[1]) if "." in t else 0) for t in texts) if texts else 0


def _format(kind: str, decimals: int) -> str:
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    return {"number": body, "percent": body + '"%"', "money": '"S/ "' + body}[kind]


def _kind(cells: list[str]) -> str | None:
    """'number' | 'percent' | 'money' | 'interval' when every filled cell reads that way."""
    for kind, rx in (("number", NUMBER_RE), ("percent", PERCENT_RE), ("money", MONEY_RE),
                     ("interval", INTERVAL_RE)):
        if all(rx.match(c) for c in cells):
            return kind
    return None


def typed_columns(frame: pd.DataFrame, lang: str = "es", markers=()) -> list[Column]:
    """The frame's columns with formatted numbers turned back into numbers (see module doc)."""
    out = []
    marks = {str(m) for m in markers}
    empty = EMPTY | marks

    def keep(t, value):  # a cell that is not a number: empty, or the suppression marker as text
        return t if t in marks else None
    for name in frame.columns:
        raw = ["" if pd.isna(v) else v for v in frame[name].tolist()]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) or v == "" for v in raw):
            out.append(Column(str(name), [None if v == "" else v for v in raw]))
            continue
        texts = [" ".join(str(v).replace("\u00a0", " ").split()) for v in raw]
        filled = [t for t in texts if t not in empty]
        kind = _kind(filled) if filled else None
        if kind is None:
            out.append(Column(str(name), [None if t == "" else str(v) for t, v in zip(texts, raw)]))
        elif kind == "interval":
            parts = [INTERVAL_RE.match(t) if t not in empty else None for t in texts]
            lows = [m.group(2) for m in parts if m]
            highs = [m.group(5) for m in parts if m]
            sub = "money" if any(m.group(1) for m in parts if m) else (
                "percent" if any(m.group(3) or m.group(6) for m in parts if m) else "number")
            lo_name, hi_name = BOUNDS.get(lang, BOUNDS["en"])
            out.append(Column(f"{name} ({lo_name})", [_to_float(m.group(2)) if m else keep(t, None)
                                                      for m, t in zip(parts, texts)],
                              _format(sub, _decimals(lows))))
            out.append(Column(f"{name} ({hi_name})", [_to_float(m.group(5)) if m else None for m in parts],
                              _format(sub, _decimals(highs))))
        else:
            rx = {"number": NUMBER_RE, "percent": PERCENT_RE, "money": MONEY_RE}[kind]
            nums = [rx.match(t).group(1) if t not in empty else None for t in texts]
            out.append(Column(str(name), [keep(t, None) if n is None else _to_float(n)
                                          for n, t in zip(nums, texts)],
                              _format(kind, _decimals([n for n in nums if n]))))
    return out


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
            if col.number_format and v is not None:
                cell.number_format = col.number_format
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
