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
Anything else (letters, "US$", two decimal marks...) raises ``NumberParseError``.
"""

from __future__ import annotations

import math
import re

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


def parse_number(value, decimal: str = ".") -> float:
    """Return ``value`` as float (NaN when missing); raise NumberParseError if unreadable."""
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
        if dec in int_part:
            raise NumberParseError(f"cannot read {raw!r} as a number: two decimal marks")
        number = _grouped(int_part, thou, raw) + "." + frac
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        if s.count(sep) > 1:
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


def parse_series(values: pd.Series, decimal: str = ".") -> tuple[pd.Series, dict]:
    """Parse a column; return (float Series, {index: raw value} of cells that failed)."""
    out, failed = {}, {}
    for idx, v in values.items():
        try:
            out[idx] = parse_number(v, decimal)
        except NumberParseError:
            out[idx], failed[idx] = math.nan, v
    return pd.Series(out, index=values.index, dtype="float64"), failed
