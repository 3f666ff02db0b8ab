"""Money/number parsing as monitoring spreadsheets write it (rules in analysis.survey.parse)."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.survey.parse import NumberParseError, parse_number, parse_series

CASES = [
    # value, decimal, expected
    ("S/. 1,200", ".", 1200.0),
    ("S/ 1.200,50", ",", 1200.5),
    ("S/ 1.200,50", ".", 1200.5),      # both marks present: the last one is decimal
    ("1.200,50", ".", 1200.5),
    ("1,200.50", ",", 1200.5),
    ("1,200.50", ".", 1200.5),
    ("1200", ".", 1200.0),
    ("1200", ",", 1200.0),
    ("1.200", ",", 1200.0),            # ambiguous: thousands (not decimal mark, 3 digits)
    ("1.200", ".", 1.2),               # ambiguous: '.' is the decimal mark
    ("1,200", ".", 1200.0),
    ("1,200", ",", 1.2),
    ("1,5", ".", 1.5),                 # one digit after: only a decimal reading exists
    ("1.5", ",", 1.5),
    ("12,25", ".", 12.25),
    ("0.500", ",", 0.5),               # leading 0 is never a thousands group
    ("0,500", ".", 0.5),
    ("1.200.000", ".", 1200000.0),     # repeated separator = thousands grouping
    ("1,200,000", ",", 1200000.0),
    ("1.234.567,89", ",", 1234567.89),
    ("-1.200,50", ",", -1200.5),
    ("S/. -350", ".", -350.0),
    ("-S/. 350", ".", -350.0),
    ("(1,200)", ".", -1200.0),
    ("+15", ".", 15.0),
    (" 45 % ", ".", 45.0),
    ("PEN 2500", ".", 2500.0),
    ("s/.2500", ".", 2500.0),
    ("1 200", ".", 1200.0),
    ("1\u00a0200,5", ",", 1200.5),
    (7, ".", 7.0),
    (7.25, ",", 7.25),
    (np.int64(3), ".", 3.0),
    (np.float64(2.5), ".", 2.5),
]
MISSING = ["", "   ", "-", "--", "—", "n.d.", "N.D.", "nd", "n/d", "s.d.", "NA", "n.a.", None,
           float("nan"), pd.NA]
BAD = ["mucho", "US$ 100", "1.2.3,4,5", "1,20,000", "12.", ",5", "1.200,50,3", "S/.", True,
       "1.2345,6", "1e5", "5 vacas"]


@pytest.mark.parametrize("value,decimal,expected", CASES)
def test_parse_number(value, decimal, expected):
    assert parse_number(value, decimal) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("value", MISSING)
def test_missing_tokens_are_nan(value):
    assert math.isnan(parse_number(value, ","))


@pytest.mark.parametrize("value", BAD)
def test_unreadable_values_raise(value):
    with pytest.raises(NumberParseError):
        parse_number(value, ".")


def test_bad_decimal_argument():
    with pytest.raises(ValueError, match="decimal must be"):
        parse_number("1", ";")


def test_parse_series_reports_failures_by_index():
    s = pd.Series(["1.200,50", "x", "n.d.", 3], index=[10, 11, 12, 13])
    out, failed = parse_series(s, ",")
    assert out.loc[10] == 1200.5 and math.isnan(out.loc[11]) and math.isnan(out.loc[12])
    assert out.loc[13] == 3.0
    assert failed == {11: "x"}
