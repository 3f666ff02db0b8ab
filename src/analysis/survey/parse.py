"""Parse numbers and money the way monitoring spreadsheets write them.

Rules (``decimal`` is the file's decimal mark from the config, "." by default):
1. Blank, "-", "--", "—", "n.d.", "nd", "n/d", "s.d.", "s/d", "na", "n.a.", "nan" -> NaN.
2. Currency prefixes "S/.", "S/", "PEN" and spaces are removed; a trailing "%" is removed;
   a leading "-" or accounting parentheses "(1.200)" give a negative number.
3. Both "." and "," present: the one that comes LAST is the decimal mark, the other groups
   thousands (groups must have exactly 3 digits): "1.200,50" and "1,200.50" -> 1200.5.
4. One kind of separator appearing several times: thousands grouping, "1.200.000" -> 1200000.
5. A single separator (the ambiguous case, e.g. "1.200"): it is a THOUSANDS separator only if
   it is not the configured decimal mark AND exactly 3 digits follow it; otherwise it is the
   decimal mark. So with decimal "," "1.200" -> 1200 and "1,5" -> 1.5; with decimal "."
   "1.200" -> 1.2, "1,200" -> 1200 and "1,5" -> 1.5. A leading "0" is never a thousands
   group: "0.500" -> 0.5 whatever the decimal mark.
6. When the config declares ``thousands`` too (``decimal: "."``, ``thousands: ","``; ``""`` = no
   grouping) every separator is read as declared and a separator that is neither is an error.
Anything else (letters, "US$", two decimal marks...) raises ``NumberParseError``.

A CSV column whose decimal mark is not known (a ``;`` file without ``decimal`` in the config; a
``,`` file's mark is the point) is first checked by :func:`decide_decimal`: a cell like "2.125" or "1,200" (one separator, three digits after it)
reads two ways, so the column's other cells decide (a "3.25" makes "." the decimal mark; a
"1.200.000" or "1.200,50" makes it the thousands mark); with no evidence, or with both, the
build stops naming the file, the column and the two readings.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

MISSING_TOKENS = {"", "-", "--", "---", "—", "–", "n.d.", "n.d", "nd", "n/d", "s.d.", "s/d",
                  "na", "n.a.", "n/a", "nan", "none", "null"}
_CURRENCY = re.compile(r"^(s/\.?|pen)\s*", re.IGNORECASE)
_BODY = re.compile(r"^\d[\d.,]*$")


class NumberParseError(ValueError):
    """A cell that is neither a number nor a recognised missing-value token."""


def _grouped(int_part: str, sep: str, raw: str) -> str:
    groups = int_part.split(sep)
    if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
        raise NumberParseError(f"cannot read {raw!r} as a number: bad thousands grouping")
    return "".join(groups)


def _body(value) -> str | None:
    """The digits-and-separators part of a text number ("S/ -1.200,50" -> "1.200,50")."""
    s = str(value).strip().replace("\u00a0", " ").replace("\u2009", " ")
    s = s.strip("()").strip().lstrip("+-").strip()
    s = _CURRENCY.sub("", s).lstrip("-").replace(" ", "").rstrip("%")
    return s if s and _BODY.match(s) and s[-1] not in ".," else None


@dataclass
class DecimalDecision:
    decimal: str | None            # the mark to read the column with (None: undecided)
    ambiguous: str | None = None   # a cell that reads two ways, when undecided
    sep: str | None = None
    first: object = None           # index of the first two-way cell
    first_value: str | None = None
    evidence: str = ""             # why the column decided (for the cleaning log)
    conflict: str = ""


def decide_decimal(values: pd.Series, decimal: str, declared: bool) -> DecimalDecision:
    """Decimal mark of one column from its own cells (rule 5's ambiguous case): see the module
    docstring. ``decimal``: the file's mark (declared, or assumed when ``declared`` is False)."""
    amb, dec_ev, thou_ev = [], {".": [], ",": []}, {".": [], ",": []}
    if declared:  # a known decimal mark: the other separator groups thousands (rule 5)
        return DecimalDecision(decimal)
    for idx, v in values.items():
        if not isinstance(v, str):
            continue
        b = _body(v)
        if b is None:
            continue
        dots, commas = b.count("."), b.count(",")
        if dots and commas:
            last = "." if b.rfind(".") > b.rfind(",") else ","
            dec_ev[last].append(v)
            thou_ev["," if last == "." else "."].append(v)
        elif dots or commas:
            sep = "." if dots else ","
            if b.count(sep) > 1:
                thou_ev[sep].append(v)
                continue
            int_part, _, frac = b.partition(sep)
            if len(frac) == 3 and int_part.lstrip("0"):
                amb.append((idx, v, sep))
            else:
                dec_ev[sep].append(v)
    if not amb:  # no two-way cell: the mark the column uses (for logging plain numbers)
        if dec_ev["."] and not dec_ev[","]:
            return DecimalDecision(".")
        if dec_ev[","] and not dec_ev["."]:
            return DecimalDecision(",")
        return DecimalDecision(decimal)
    idx, v, sep = amb[0]
    other = "," if sep == "." else "."
    as_decimal = dec_ev[sep] + thou_ev[other]
    as_thousands = thou_ev[sep] + dec_ev[other]
    seps = {a[2] for a in amb}
    if as_decimal and not as_thousands and len(seps) == 1:
        return DecimalDecision(sep, first=idx, first_value=v, sep=sep, evidence=(
            f"{sep!r} is the decimal mark of this column ({len(amb)} cell(s) like {v!r}; "
            f"other cells such as {as_decimal[0]!r})"))
    if as_thousands and not as_decimal and len(seps) == 1:
        return DecimalDecision(other, first=idx, first_value=v, sep=sep, evidence=(
            f"{sep!r} groups thousands in this column ({len(amb)} cell(s) like {v!r}; "
            f"other cells such as {as_thousands[0]!r})"))
    conflict = ""
    if as_decimal and as_thousands:
        conflict = (f" (cells such as {as_decimal[0]!r} use it as a decimal mark, cells such as "
                    f"{as_thousands[0]!r} as a thousands mark)")
    elif len(seps) > 1:
        conflict = " (both '.' and ',' appear this way)"
    return DecimalDecision(None, ambiguous=v, sep=sep, first=idx, first_value=v, conflict=conflict)


def parse_number(value, decimal: str = ".", thousands: str | None = None) -> float:
    """Return ``value`` as float (NaN when missing); raise NumberParseError if unreadable.
    ``thousands`` (declared by the config, "" = none): read every separator as declared."""
    if decimal not in (".", ","):
        raise ValueError(f"decimal must be '.' or ',', got {decimal!r}")
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan
    if isinstance(value, bool):
        raise NumberParseError(f"cannot read {value!r} as a number")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    raw = str(value)
    s = raw.strip().replace("\u00a0", " ").replace("\u2009", " ")
    if s.lower() in MISSING_TOKENS:
        return math.nan
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s.startswith("-"):
        negative, s = not negative, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    s = _CURRENCY.sub("", s)
    if s.startswith("-"):
        negative, s = not negative, s[1:]
    s = s.replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if not _BODY.match(s) or s[-1] in ".,":
        raise NumberParseError(f"cannot read {raw!r} as a number")
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        int_part, _, frac = s.rpartition(dec)
        if thousands is not None and (dec != decimal or thou != thousands):
            raise NumberParseError(f"cannot read {raw!r} as a number with decimal {decimal!r} "
                                   f"and thousands {thousands!r}")
        if dec in int_part:
            raise NumberParseError(f"cannot read {raw!r} as a number: two decimal marks")
        number = _grouped(int_part, thou, raw) + "." + frac
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        if thousands is not None and sep not in (decimal, thousands):
            raise NumberParseError(f"cannot read {raw!r} as a number with decimal {decimal!r} "
                                   f"and thousands {thousands!r}")
        if thousands is not None and sep == thousands:
            number = _grouped(s, sep, raw)
        elif thousands is not None:
            if s.count(sep) > 1:
                raise NumberParseError(f"cannot read {raw!r} as a number: two decimal marks")
            number = s.replace(sep, ".")
        elif s.count(sep) > 1:
            number = _grouped(s, sep, raw)
        else:
            int_part, _, frac = s.partition(sep)
            if sep != decimal and len(frac) == 3 and int_part.lstrip("0"):
                number = _grouped(s, sep, raw)
            else:
                number = int_part + "." + frac
    else:
        number = s
    out = float(number)
    return -out if negative else out




_TYPE_OF = np.frompyfunc(type, 1, 1)


def unique_map(values, func) -> np.ndarray:
    """``[func(v) for v in values]`` as an object array, calling ``func`` once per distinct
    value. Values are grouped by exact type first (True, 1 and 1.0 stay apart; floats by their
    bits, so -0.0 and 0.0 stay apart), so the result is the same as the per-cell loop."""
    codes, uniq = factorize_exact(values)
    return _objects([func(u) for u in uniq])[codes]


def unique_fields(values, func, k: int) -> list[np.ndarray]:
    """For a ``func`` returning a k-tuple: the k object arrays ``[func(v)[j] for v in values]``,
    calling ``func`` once per distinct value (as :func:`unique_map`)."""
    codes, uniq = factorize_exact(values)
    res = [func(u) for u in uniq]
    return [_objects([r[j] for r in res])[codes] for j in range(k)]


_IS = np.frompyfunc(operator.is_, 2, 1)


def is_none(values) -> np.ndarray:
    """``[v is None for v in values]`` as a bool array (the identity test in numpy's loop)."""
    return _IS(np.asarray(values, dtype=object), None).astype(bool)


def factorize_exact(values) -> tuple[np.ndarray, list]:
    """(codes, distinct values) with ``values[i]`` equal to (and of the same type as)
    ``uniq[codes[i]]``, as iterating ``values`` gives them; distinct values grouped by type, in
    order of first appearance within a type (an unhashable cell is its own value)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype) and len(values):
        # text column: every cell is a str or the dtype's missing value (as iteration gives it)
        codes, uniq = pd.factorize(values, use_na_sentinel=True)
        uniq = list(uniq) + [values.dtype.na_value]
        return np.where(codes < 0, len(uniq) - 1, codes), uniq  # -1: the missing value
    if isinstance(values, pd.Series) and values.dtype == np.float64 and len(values):
        codes, bits = pd.factorize(values.to_numpy().view("int64"))
        return codes, np.asarray(bits, dtype="int64").view("float64").tolist()
    arr = np.asarray(values.array if isinstance(values, pd.Series) else values, dtype=object)
    if not len(arr):
        return np.zeros(0, dtype=np.intp), []
    if pd.api.types.infer_dtype(arr, skipna=False) == "string":  # every cell a str: one group
        codes, uniq = pd.factorize(arr)
        return codes, list(uniq)
    # cells grouped by exact type, groups in order of first appearance (type() in numpy's loop)
    tcodes, types = pd.factorize(_TYPE_OF(arr).astype(object), use_na_sentinel=False)
    out = np.empty(len(arr), dtype=np.intp)
    uniq: list = []
    for code, typ in enumerate(types):
        pos = np.flatnonzero(tcodes == code)
        sub = arr[pos]
        if typ is type(None) or typ is type(pd.NA) or typ is type(pd.NaT):
            codes, group = np.zeros(len(pos), dtype=np.intp), [sub[0]]  # one value
        elif typ is float or typ is np.float64:
            codes, bits = pd.factorize(sub.astype("float64").view("int64"))
            group = [typ(x) for x in np.asarray(bits, dtype="int64").view("float64").tolist()]
        elif typ is str or typ in (int, bool) or getattr(typ, "__hash__", None) is not None:
            try:
                codes, group = pd.factorize(sub, use_na_sentinel=False)
                group = list(group)
            except TypeError:  # unhashable cells: each its own value
                codes, group = np.arange(len(pos)), list(sub)
        else:
            codes, group = np.arange(len(pos)), list(sub)
        out[pos] = codes + len(uniq)
        uniq.extend(group)
    return out, uniq


def _objects(items: list) -> np.ndarray:
    """A 1-d object array of ``items`` (tuples stay elements, not rows)."""
    out = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        out[i] = x
    return out


def parse_series(values: pd.Series, decimal: str = ".",
                 thousands: str | None = None) -> tuple[pd.Series, dict]:
    """Parse a column; return (float Series, {index: raw value} of cells that failed).
    Same result as :func:`parse_number` cell by cell: each distinct cell is read once
    (:func:`factorize_exact`); plain numbers in the column's decimal mark are converted in one
    step, every other distinct value through parse_number."""
    if decimal not in (".", ","):
        raise ValueError(f"decimal must be '.' or ',', got {decimal!r}")
    if not len(values):
        return pd.Series(np.full(0, np.nan), index=values.index, dtype="float64"), {}
    codes, uniq = factorize_exact(values)
    out_u, bad_u = _parse_distinct(_objects(uniq), decimal, thousands)
    out = out_u[codes]
    bad = np.flatnonzero(bad_u[codes])
    arr = np.asarray(values.array, dtype=object) if len(bad) else None
    failed = dict(zip(values.index[bad], arr[bad])) if len(bad) else {}
    return pd.Series(out, index=values.index, dtype="float64"), failed


def _parse_distinct(arr: np.ndarray, decimal: str, thousands: str | None):
    """(floats, failed mask) of the cells of ``arr`` (one object array), cell by cell."""
    out = np.full(len(arr), np.nan)
    s = pd.Series(arr, dtype=object)
    is_str = s.map(type).to_numpy() == str
    plain = np.zeros(len(arr), dtype=bool)
    if is_str.any():
        strs = s[is_str].astype(str)
        pattern = r"-?\d{1,15}(?:" + re.escape(decimal) + r"\d{1,15})?"
        ok = strs.str.fullmatch(pattern).to_numpy(dtype=bool)
        idx = np.flatnonzero(is_str)[ok]
        plain[idx] = True
        txt = strs[ok]
        if decimal == ",":
            txt = txt.str.replace(",", ".", regex=False)
        out[idx] = np.asarray(txt.to_numpy(dtype=object), dtype=object).astype("float64")
    rest = np.flatnonzero(~plain)
    failed = np.zeros(len(arr), dtype=bool)
    if len(rest):
        def one(v):
            try:
                return parse_number(v, decimal, thousands)
            except NumberParseError:
                return None
        res = np.empty(len(rest), dtype=object)
        res[:] = [one(v) for v in arr[rest]]
        bad = is_none(res)
        res[bad] = math.nan
        out[rest] = res.astype("float64")
        failed[rest[bad]] = True
    return out, failed
