"""The vectorized cleaning paths (issue 14 item 1) give exactly what the record-by-record code
gives: same cells, types, row numbers, problems and messages, on small frames with known
problems."""

import random
from pathlib import Path

import pytest

from analysis.survey.errors import SurveyValidationError
from analysis.survey.readers import _csv_module_frame, _fast_csv_frame

P = Path("x.csv")


def _outcome(fn, *args):
    try:
        data, rows = fn(*args)
    except SurveyValidationError as exc:
        return ("error", str(exc))
    if data is None:
        return None
    cells = [[(type(v).__name__, v) for v in r] for r in data.itertuples(index=False)]
    return ("ok", list(data.columns), cells, list(rows), list(data.index), str(data.dtypes.iloc[0]))


def _fast(text, hint):
    try:
        res = _fast_csv_frame(P, text, ";", hint)
    except SurveyValidationError as exc:
        return ("error", str(exc))
    return None if res is None else _outcome(lambda: res)


def _slow(text, hint):
    ragged = []
    out = _outcome(_csv_module_frame, P, text, ";", hint, ragged)
    return out, ragged


def test_fast_csv_keeps_line_numbers_blank_lines_and_title_free_header():
    text = "COD;V;W\r\nA;1,5;x\r\n\r\n;;\r\n \t; ;\xa0\r\nB;S/. 1.200; y \r\n"
    fast = _fast(text, ["cod"])
    assert fast == _slow(text, ["cod"])[0]
    assert fast[3] == [2, 6]          # the blank line and the all-blank records are skipped
    assert fast[2][1] == [("str", "B"), ("str", "S/. 1.200"), ("str", " y ")]
    assert fast[5] == "object"


@pytest.mark.parametrize("text", [
    'k;v\nA;"1;5"\n',         # quotes: the csv module's job
    "k;v\nA;1;2\n",           # a long line
    "k;v\nA\n",               # a short line
    "Encuesta\nk;v\nA;1\n",   # a title row above the header
    "k;v\rA;1\r",             # old Mac line ends
    "k\nA\n",                 # one column
    "k;v;w\nA;1\nB;2;3;4\n",   # a short and a long line whose separators add up to the width
    "k;v;w\nA;1;2;3\nB;2\n",   # the same, the long line first
    "k;v\nA;1\n\t\n",          # a line of spaces only (one field)
])
def test_fast_csv_declines_what_only_the_csv_module_reads(text):
    assert _fast_csv_frame(P, text, ";", ["k"]) is None


@pytest.mark.parametrize("text,message", [
    ("k;k\nA;1\n", "column=k, value='k', rule=duplicate_column_name"),
    ("k;v\n", "empty_file: header but no data rows"),
    (";\n ; \n", "empty_file: no header and no data rows"),
])
def test_fast_csv_errors_are_the_csv_module_errors(text, message):
    fast, (slow, _) = _fast(text, ["k"]), _slow(text, ["k"])
    assert fast == slow and message in fast[1]


def test_fast_csv_finds_a_header_below_many_blank_like_records():
    text = "x;y\n" * 300 + "k;v\nA;1\n"   # the header is record 301: past the one-by-one scan
    fast = _fast(text, ["k"])
    assert fast == _slow(text, ["k"])[0]
    assert fast[1] == ["k", "v"] and fast[3] == [302]


def test_fast_csv_matches_the_csv_module_on_random_deliveries():
    rng = random.Random(14)
    cells = ["", " ", "a", "1,5", "S/. 1.200", "n.d.", "\xa0", "ñandú", "  x ", "\t", "k", "v",
             "COD", "\u2028", "\x0b", "-"]
    fast_runs = 0
    for _ in range(1500):
        width = rng.choice([2, 3, 4])
        lines = []
        for _ in range(rng.randint(0, 8)):
            r = rng.random()
            if r < 0.1:
                lines.append("")
            elif r < 0.15:
                lines.append(" ")
            else:
                w = width if rng.random() < 0.93 else rng.choice([1, 2, 3, 5])
                lines.append(";".join(rng.choice(cells) for _ in range(w)))
        nl = rng.choice(["\n", "\r\n"])
        text = nl.join(lines) + (nl if rng.random() < 0.5 else "")
        hint = rng.choice([None, ["k"], ["COD", "v"], ["zz"]])
        fast = _fast(text, hint)
        if fast is None:
            continue
        fast_runs += 1
        slow, ragged = _slow(text, hint)
        assert ragged == [] and fast == slow, repr(text)
    assert fast_runs > 500  # the fast path is really taken


def test_unique_map_is_the_per_cell_loop_on_mixed_cells():
    import math

    import numpy as np
    import pandas as pd

    from analysis.survey.parse import unique_map

    cells = [None, "1", 1, 1.0, True, -0.0, 0.0, math.nan, pd.NA, "1", None, 2, np.float64(1.5),
             pd.Timestamp("2005-06-14"), "S/. 1,5", [1], 1.0, False]
    calls = []

    def show(v):
        calls.append(v)
        return f"{type(v).__name__}:{v!r}"

    got = unique_map(np.array(cells, dtype=object), show)
    assert got.tolist() == [f"{type(v).__name__}:{v!r}" for v in cells]
    assert len(calls) < len(cells)  # repeated cells are computed once


@pytest.mark.parametrize("cell", ["12345678", "DNI 12345678.", "987 654 321", "987-654-321",
                                  "a@b.pe", "Sra. Rosa", "P0a1b2c3d4e5f", "１２３４５６７８",
                                  "LAR-001-00000", "9876543210", "x12345678", ""])
def test_pii_prefilter_never_hides_a_dni_phone_or_email(cell):
    from analysis.survey.privacy import _cell_kind, pii_kind

    kind = pii_kind(cell)
    expected = None if kind is None or kind.startswith("personal name") else kind
    assert _cell_kind("old_value", cell) == expected


def test_parse_series_is_parse_number_cell_by_cell():
    import math

    import pandas as pd

    from analysis.survey.parse import NumberParseError, parse_number, parse_series

    cells = ["1512", "S/. 1,512", "8.907,50", "45%", "n.d.", "-", "", "US$ 3", 7, 7.0, None,
             "0,88", "1.200", "abc", "1512", "(1.200)", math.nan, "1e3", "abc"]
    values = pd.Series(cells, index=range(10, 10 + len(cells)), dtype=object)
    got, failed = parse_series(values, ",")
    for label, v in values.items():
        try:
            want = parse_number(v, ",")
        except NumberParseError:
            assert label in failed and failed[label] == v
            assert math.isnan(got[label])
            continue
        assert label not in failed
        assert (math.isnan(want) and math.isnan(got[label])) or got[label] == want
    assert list(failed) == [17, 23, 27, 28] and failed[17] == "US$ 3"


@pytest.mark.parametrize("cells", [["a", None, float("nan"), "b"], [None, None], ["a", 1, None],
                                   ["x", "y"]])
def test_typed_text_columns_as_the_per_value_conversion(cells):
    import pandas as pd

    from analysis.survey.parse import unique_map
    from analysis.survey.validate import _as_text

    s = pd.Series(cells, dtype=object)
    old = unique_map(s, lambda v: None if v is None or v is pd.NA or (
        isinstance(v, float) and v != v) else str(v))
    assert pd.Series(_as_text(s), dtype="string").equals(pd.Series(old, dtype="string"))


@pytest.mark.parametrize("case", [None, "upper", "lower"])
@pytest.mark.parametrize("zeros", [None, "strip"])
def test_producer_keys_column_wise_equal_the_cell_by_cell_rule(case, zeros):
    """clean.producer_key_fields (text keys column-wise) gives, cell by cell, what the rule and
    the pseudonym give one value at a time: blanks, spreadsheet numbers and odd spacing included."""
    from types import SimpleNamespace

    import pandas as pd

    from analysis.survey import clean
    from analysis.survey.privacy import normalize_key, pseudonymizer

    rule = SimpleNamespace(case=case, leading_zeros=zeros)
    pseudonym = pseudonymizer("test-key")
    cells = [" lar-007 ", "LAR-007", "lar-7", "", "  ", "NA", "n/a", None, float("nan"), 101.0, 101,
             "00101", "Ab 0", "lar-007", 7.5, True]
    keys = pd.Series(cells, dtype=object)
    got = clean.producer_key_fields(keys, rule, pseudonym)
    for i, v in enumerate(cells):
        if clean._blank(v):
            want = (True, None, None, pd.NA)
        else:
            raw = normalize_key(v)
            key = clean.apply_key_rule(raw, rule)
            want = (False, raw, key, pseudonym(key))
        assert tuple(f[i] for f in got) == want, (v, case, zeros)
