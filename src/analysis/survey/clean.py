"""Turn RawTables into the canonical panel; every change/exclusion is a cleaning-log row.

Stated rules (also in references/codebook.md):
- codes: member/sex/chain values go through the config's ``codes`` plus the canonical values
  themselves (accent/case-insensitive); anything else stops the build (rule unknown_code).
  A cell spelt exactly as the canonical value or as the FIRST spelling the config lists for that
  value (the source's own label) is not a change; any other spelling is logged (code_mapped).
- numbers: a text cell that is not a plain number in the file's convention ("S/. 1,512",
  "8.907,50", "45%") is logged (money_text_parsed for money columns, number_text_parsed for
  the others); a non-blank missing token ("n.d.", "-") read as missing is logged (missing_token).
- networks: matched case/accent/space-insensitively on networks.csv network_id, name and
  short_name (logged as network_normalized unless the cell is exactly one of them); then the
  config's ``networks`` spelling map (logged as network_spelling); unknown -> stop.
  Comparison producers (member = False) must have a blank network ("ninguna" etc. -> logged).
- sector: spellings that differ only in case/accents/spaces are unified to the most frequent one
  (logged as sector_spelling, old value = the cell as delivered).
- units: ``units`` factors applied to every non-missing cell (logged as unit_conversion).
- chain-specific columns: dairy columns (cows, milk yield) of a mango row and mango columns
  (hectares, kg sold) of a dairy row are set to missing (not_applicable_for_chain).
- plausibility: out of [min, max] -> set_missing (changed) or exclude_row (excluded).
- duplicates (same producer_id and round): ``keep: first`` keeps the first row in file/sheet/row
  order, ``last`` the last, ``{latest_by: col}`` the latest date/time in ``col``; the others are
  excluded and both versions logged (duplicate_versions); ``error`` stops the build.
- not interviewed: a producer-round whose outcome cells are all blank is excluded and logged
  (not_interviewed); its other cells are not checked.
- decimal mark of a ';' CSV without ``decimal``: decided per column (parse.decide_decimal) or
  the build stops (ambiguous_decimal).
- no baseline: a producer without round 0 is KEPT and flagged once (rule no_baseline).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

import numpy as np
import pandas as pd

from analysis.survey.config import NUMERIC_FIELDS, PII_FIELDS, SurveyConfig
from analysis.survey.errors import Problem, SurveyConfigError
from analysis.survey.parse import (MISSING_TOKENS, NumberParseError, decide_decimal, factorize_exact,
                                   is_none, parse_number, parse_series, unique_fields, unique_map)
from analysis.survey.privacy import (DNI_CELL, MOBILE_CELL, normalize_key, pii_kind, pii_number,
                                     pseudonymizer)
from analysis.survey.readers import RawTable, display_path, find_column

FTE_DAYS = 264  # 1 FTE = 22 days x 12 months (spec)
LOG_COLUMNS = ["file", "sheet", "row", "producer_id", "column", "rule", "old_value",
               "new_value", "action"]
META = ["_file", "_sheet", "_row"]
PANEL_COLUMNS = [
    "producer_id", "network_id", "cluster_id", "sector", "chain", "sex", "member",
    "programme_phase", "cohort_year", "round", "year", "net_income_pen", "sales_value_pen",
    "family_labour_days", "hired_labour_days", "employment_fte", "cows", "milk_yield_l_cow_day",
    "hectares", "kg_sold", "price_pen_unit", "share_main_buyer_pct", "share_direct_pct",
]
BUILTIN_CODES = {
    "member": {"true": True, "false": False},
    "sex": {"f": "F", "m": "M"},
    "chain": {"mango": "mango", "lacteos": "lacteos"},
}
NO_NETWORK = MISSING_TOKENS | {"ninguna", "ninguno", "no aplica", "sin red"}
CHAIN_ONLY = {"mango": ("cows", "milk_yield_l_cow_day"), "lacteos": ("hectares", "kg_sold")}
NETWORK_COLUMNS = ("network_id", "name", "short_name", "chain", "programme_phase", "start_date")
MONEY_FIELDS = ("net_income_pen", "sales_value_pen", "price_pen_unit")
WITHHELD = "<withheld: looks like a DNI or phone number>"
# Plausibility defaults, used for every bound the config's `plausibility` does not declare:
# smallholder mango/dairy producers of Laredo, one household and one year per row.
DEFAULT_PLAUSIBILITY = {
    "cows": (None, 100),                    # herd size; >100 cows is not a smallholder
    "milk_yield_l_cow_day": (None, 40),     # l/cow/day; 40 is a high-yield Holstein
    "price_pen_unit": (None, 20),           # S/ per litre or kg; farm-gate prices are ~0.3-2
    "family_labour_days": (None, 3660),     # days/household/year: 10 full-time people
    "hired_labour_days": (None, 3660),
    "hectares": (None, 100),
    "kg_sold": (None, 2_500_000),           # 100 ha x 25 t/ha
    "sales_value_pen": (None, 1_000_000),   # S/ per year
    "net_income_pen": (-1_000_000, 1_000_000),
}
NONNEGATIVE = ("sales_value_pen", "family_labour_days", "hired_labour_days", "cows",
               "milk_yield_l_cow_day", "hectares", "kg_sold", "price_pen_unit",
               "share_main_buyer_pct", "share_direct_pct")
# codes for "no answer" typed into number cells; one is a sentinel when it is implausible for
# the column (outside the effective range; below 0 for a non-negative column)
LINE_RULES = ("short_line", "long_line")
SENTINELS = (9, 99, 999, 9999, 99999, 999999, -1, -9, -99, -999, -9999)


def is_plain_number(text: str, decimal: str = ".") -> bool:
    """True for text that is a bare number in the file's convention ("1512", "-3", "0,88" with
    decimal ","): digits, optional sign, optional decimal mark; no currency, %, or grouping."""
    return re.fullmatch(r"[-+]?\d+(" + re.escape(decimal) + r"\d+)?", text.strip()) is not None


def norm_text(value) -> str:
    """Lower-case, accent-free, quote-free, single-spaced text for matching."""
    s = unicodedata.normalize("NFKD", str(value))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[\"'“”‘’«»]", "", s).replace("-", " ").replace("_", " ")
    return re.sub(r"\s+", " ", s).strip()


def slug(value) -> str:
    return re.sub(r"[^a-z0-9]+", "_", norm_text(value)).strip("_")


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (
        isinstance(v, str) and v.strip().lower() in MISSING_TOKENS)


def load_networks(path) -> pd.DataFrame:
    """networks.csv with the columns the survey needs, checked."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in NETWORK_COLUMNS if c not in df.columns]
    if missing:
        raise SurveyConfigError(f"{path}: networks file lacks column(s) {missing}")
    df["programme_phase"] = df["programme_phase"].str.extract(r"(\d+)")[0].astype("Int64")
    df["cohort_year"] = df["start_date"].str.extract(r"^(\d{4})")[0].astype("Int64")
    df["chain"] = df["chain"].map(norm_text)
    return df.set_index("network_id", drop=False)


class Cleaner:
    """Holds the log and the problems while one source is cleaned."""

    def __init__(self, cfg: SurveyConfig, networks: pd.DataFrame, secret: str):
        self.cfg, self.networks, self.secret = cfg, networks, secret
        self.log: list[dict] = []
        self.problems: list[Problem] = []
        self.lookup, self.exact_names = {}, {}
        self.found_maps: list[dict] = []  # per table: canonical field -> source column
        for nid, row in networks.iterrows():
            self.exact_names[nid] = {v for v in (nid, row["name"], row["short_name"]) if v}
            for v in self.exact_names[nid]:
                self.lookup[norm_text(v)] = nid
        self.spelling = {}
        for spelling, nid in cfg.networks.items():
            if nid not in networks.index:
                raise SurveyConfigError(
                    f"{cfg.path}: key 'networks.{spelling}': {nid!r} is not a network_id of "
                    f"{display_path(cfg.networks_file)}")
            self.spelling[norm_text(spelling)] = nid
        self.codes, self.code_names = {}, {}
        for field_, builtin in BUILTIN_CODES.items():
            self.code_names[field_] = list(cfg.codes.get(field_, {})) + [
                str(v) for v in dict.fromkeys(builtin.values()) if str(v) not in cfg.codes.get(field_, {})]
            table = dict(builtin)
            table.update({norm_text(k): v for k, v in cfg.codes.get(field_, {}).items()})
            self.codes[field_] = table
        # exact spellings that are not a change: canonical values + first listed label per value
        self.code_exact = {}
        for field_, builtin in BUILTIN_CODES.items():
            exact = {str(v) for v in builtin.values()} | ({"true", "false"} if field_ == "member" else set())
            firsts = {}
            for k, v in cfg.codes.get(field_, {}).items():
                firsts.setdefault(v, k)
            self.code_exact[field_] = exact | set(firsts.values())

    def src(self, r, field_: str) -> str:
        """Source column of ``field_`` for panel row ``r`` (its table's column map)."""
        t = r.get("_t") if hasattr(r, "get") else None
        if t is not None and not pd.isna(t) and field_ in self.found_maps[int(t)]:
            return self.found_maps[int(t)][field_]
        return self.cfg.columns.get(field_, field_)

    # -- recording -------------------------------------------------------------------------
    def note(self, file, sheet, row, pid, column, rule, old, new, action):
        old, new = ("" if column in PII_FIELDS else _show(old)), _show(new)
        if DNI_CELL.search(old) or MOBILE_CELL.search(old) or DNI_CELL.search(new) \
                or MOBILE_CELL.search(new):  # a DNI/phone typed in a data cell stays out of the log
            old = new = WITHHELD
        self.log.append(dict(zip(LOG_COLUMNS, [file, sheet, row, pid, column, rule, old, new,
                                               action])))

    def note_many(self, file, sheet, rows, pids, column, rule, olds, news, action) -> None:
        """``note`` for many cells at once (one log block, in the order given): every argument
        is a scalar or an array of the block's length."""
        n = max((len(a) for a in (file, sheet, rows, pids, column, rule, olds, news, action)
                 if isinstance(a, (np.ndarray, pd.Series, pd.Index, list, pd.api.extensions.ExtensionArray))),
                default=1)
        if n == 0:
            return

        def col(a):
            if isinstance(a, (np.ndarray, pd.Series, pd.Index, list, pd.api.extensions.ExtensionArray)):
                return np.asarray(a, dtype=object)
            out = np.empty(n, dtype=object)
            out[:] = [a] * n
            return out
        column_a = col(column)
        pii_col = unique_map(column_a, lambda c: c in PII_FIELDS).astype(bool)
        old_a = unique_map(col(olds), _show)
        old_a[pii_col] = ""
        new_a = unique_map(col(news), _show)
        hit = lambda v: bool(DNI_CELL.search(v) or MOBILE_CELL.search(v))  # noqa: E731
        withheld = unique_map(old_a, hit).astype(bool) | unique_map(new_a, hit).astype(bool)
        old_a[withheld] = WITHHELD
        new_a[withheld] = WITHHELD
        self.log.append(dict(zip(LOG_COLUMNS, [
            col(file), col(sheet), col(rows), col(pids), column_a, col(rule), old_a, new_a,
            col(action)])) | {"_block": True})

    def problem(self, file, sheet, row, column, value, rule):
        row = None if row is None or row is pd.NA else int(row)
        if isinstance(value, str) and (DNI_CELL.search(value) or MOBILE_CELL.search(value)):
            value = WITHHELD
        self.problems.append(Problem(file, sheet, row, column, value, rule))

    # -- one table -------------------------------------------------------------------------
    def canonical(self, t: RawTable) -> pd.DataFrame | None:
        """Map one RawTable to canonical columns (+ meta); None if columns are missing."""
        cfg, data = self.cfg, t.data
        wanted = dict(t.columns or cfg.columns)
        if t.round is None:
            wanted["round"] = t.spec.round_column
        if t.year is None and t.spec.year_column:
            wanted["year"] = t.spec.year_column
        if cfg.duplicates == "latest_by":
            wanted["_order"] = cfg.duplicates_by
        found, ok = {}, True
        for field_, src in wanted.items():
            col = find_column(data.columns, src)
            if col is None and field_ not in PII_FIELDS:
                self.problem(t.file, t.sheet, None, src, None,
                             "missing_column: columns in the file are "
                             + ", ".join(repr(c) for c in data.columns))
                ok = False
            elif col is not None:
                found[field_] = col
        system = [c for c in t.system_columns if c not in found.values()]
        for c in data.columns:
            if c not in found.values() and c not in t.quiet_columns and c not in system:
                self.note(t.file, t.sheet, None, None, c, "extra_column_ignored", "", "", "flagged")
        if system and t.quiet_columns.isdisjoint(system):
            self.note(t.file, t.sheet, None, None, None, "system_columns_recognised", "",
                      ", ".join(system), "flagged")
        if not ok:
            return None
        tid = len(self.found_maps)
        self.found_maps.append(found)
        rows = pd.Series(t.rows, index=data.index)
        out = pd.DataFrame({"_file": t.file, "_sheet": t.sheet, "_row": rows, "_t": tid},
                           index=data.index)
        # producer key -> pseudonymous id; the raw key is never kept
        keys = data[found["producer_key"]]
        pseudonym = pseudonymizer(self.secret)

        blank, key_raw, key, pid = producer_key_fields(keys, cfg.keys, pseudonym)
        blank = pd.Series(blank.astype(bool), index=keys.index)
        for idx in keys.index[blank]:
            self.problem(t.file, t.sheet, rows[idx], found["producer_key"], "", "blank_producer_key")
        out["producer_id"] = pd.Series(pid, index=data.index, dtype=object)
        out["_key_raw"] = pd.Series(key_raw, index=data.index, dtype=object)
        out["_key"] = pd.Series(key, index=data.index, dtype=object)
        changed = (~blank & (out["_key"] != out["_key_raw"])).to_numpy(dtype=bool)
        self.note_many(t.file, t.sheet, rows.to_numpy(dtype=object)[changed],
                       out["producer_id"].to_numpy(dtype=object)[changed], "producer_key",
                       "key_normalized", "", _key_rule_text(cfg.keys), "changed")
        self._formula_problems(t, found)
        self._pii_text_problems(t, data, found, rows)
        for field_ in ("member", "sex", "chain"):
            out[field_] = self._codes(t, data[found[field_]], rows, field_, found[field_],
                                      out["producer_id"])
        out["network_raw"] = data[found["network"]]
        out["sector_raw"] = data[found["sector"]]
        out["sector"] = pd.Series(unique_map(
            data[found["sector"]], lambda v: None if _blank(v) else re.sub(r"\s+", " ", str(v)).strip()),
            index=data.index, dtype=object)
        for idx in out.index[out["sector"].isna()]:
            self.problem(t.file, t.sheet, rows[idx], found["sector"], "", "missing_sector")
        codes = t.spec.rounds
        if t.round is not None:
            out["round"] = pd.array([t.round] * len(out), dtype="Int64")
        elif codes:
            out["round"], years = self._round_codes(t, data[found["round"]], rows, found["round"])
        else:
            out["round"] = self._ints(t, data[found["round"]], rows, found["round"], "round")
        if t.year is not None:
            out["year"] = pd.array([t.year] * len(out), dtype="Int64")
        elif "year" in found:
            out["year"] = self._years(t, data[found["year"]], rows, found["year"])
        else:  # config check: every round code then has a year
            out["year"] = years
        out["_year_col"] = found.get("year")
        if "_order" in found:
            out["_order"] = pd.Series(unique_map(data[found["_order"]],
                                                 lambda v: None if _blank(v) else str(v)),
                                      index=data.index, dtype=object)
        mapped = [f for f in NUMERIC_FIELDS if f in found]
        for field_ in NUMERIC_FIELDS:
            if field_ not in found:
                out[field_] = np.nan
                continue
            decimal = self._column_decimal(t, data[found[field_]], rows, found[field_])
            if decimal is None:
                out[field_] = np.nan
                continue
            vals, failed = parse_series(data[found[field_]], decimal, t.thousands)
            for idx, raw in failed.items():
                self.problem(t.file, t.sheet, rows[idx], found[field_], raw, "not_a_number")
            self._log_text_numbers(t, data[found[field_]], vals, failed, rows, field_,
                                   out["producer_id"], decimal)
            out[field_] = self._drop_pii_numbers(t, vals, rows, field_, out["producer_id"])
        # every outcome cell blank: the producer was not interviewed in this round
        raw_blank = pd.Series(True, index=data.index)
        for f in mapped:
            raw_blank &= unique_map(data[found[f]], _blank).astype(bool)
        out["_not_interviewed"] = raw_blank if mapped else False
        return out

    def _column_decimal(self, t: RawTable, values: pd.Series, rows, col) -> str | None:
        """The decimal mark for one numeric column (see parse.decide_decimal); None after
        reporting a column that could be read two ways."""
        if t.format != "csv" or t.thousands is not None:
            return t.decimal
        decision = decide_decimal(values, t.decimal, t.decimal_declared)
        if decision.ambiguous is None:
            if decision.evidence:
                self.note(t.file, t.sheet, rows[decision.first], None, col, "decimal_from_column",
                          decision.first_value, decision.evidence, "flagged")
            return decision.decimal
        v, sep = decision.ambiguous, decision.sep
        as_dec, as_thou = parse_number(v, sep), parse_number(v, "," if sep == "." else ".")
        mark = "point" if sep == "." else "comma"
        self.problem(t.file, t.sheet, rows[decision.first], col, v,
                     f"ambiguous_decimal: {v!r} reads as {_show(as_dec)} (decimal {mark}) or as "
                     f"{_show(as_thou)} (thousands {mark}) and the column's other values do not "
                     f"decide{decision.conflict}; declare `decimal` and `thousands` for this file "
                     f"in the config (e.g. `decimal: \".\"` and `thousands: \",\"`)")
        return None

    def _round_codes(self, t, values, rows, col):
        """Round codes of the round column through the file's ``rounds`` map (case, accents
        and spaces ignored); returns (rounds, years from the map)."""
        table = {norm_text(k): v for k, v in t.spec.rounds.items()}
        codes = unique_map(values, lambda v: table.get(norm_text(v)) if not _blank(v) else None)
        bad = is_none(codes)
        for idx, v in values[bad].items():
            self.problem(t.file, t.sheet, rows[idx], col, "" if _blank(v) else v,
                         "unknown_round_code: allowed round codes are "
                         + ", ".join(repr(k) for k in t.spec.rounds))
        rnd = unique_map(codes, lambda c: pd.NA if c is None else c.round)
        yr = unique_map(codes, lambda c: pd.NA if c is None or c.year is None else c.year)
        return pd.array(rnd, dtype="Int64"), pd.array(yr, dtype="Int64")

    def _years(self, t, values, rows, col):
        """The year column: a year (2005) or a date (2005-06-14, 14/06/2005, a date cell)."""
        res = unique_map(values, year_of)
        bad = is_none(res)
        for idx, v in values[bad].items():
            self.problem(t.file, t.sheet, rows[idx], col, v, "not_an_integer_year")
        res[bad] = pd.NA
        dated = int((~bad & ~unique_map(values, _is_int_like).astype(bool)).sum())
        if dated:
            self.note(t.file, t.sheet, None, None, col, "year_from_date", f"{dated} dates",
                      "year of the date", "flagged")
        return pd.array(res, dtype="Int64")

    def _formula_problems(self, t: RawTable, found: dict) -> None:
        """Formula cells of mapped columns saved without a value would read as blank."""
        mapped = set(found.values())
        for row, col in t.uncached:
            if col in mapped:
                self.problem(t.file, t.sheet, row, col, None,
                             "formula_without_value: the cell holds a formula saved without its "
                             "computed value (file written by a program, not by Excel); open "
                             "and save the workbook in Excel or LibreOffice, or paste values")

    def _pii_text_problems(self, t: RawTable, data, found: dict, rows) -> None:
        """Free-text fields become categories, cluster ids and table labels: no personal data."""
        allow = self.cfg.pii_allow
        for field_ in ("network", "sector", "chain", "sex", "member"):
            values = data[found[field_]]
            kinds = unique_map(values, lambda v: pii_kind(v, allow) if isinstance(v, str)
                               else pii_number(v))
            flagged = kinds.astype(bool)
            for idx, kind in zip(values.index[flagged], kinds[flagged]):
                if kind:
                    self.problem(t.file, t.sheet, rows[idx], found[field_],
                                 f"<withheld: looks like a {kind}>",
                                 "pii_in_cell: personal data in a category field; remove it from "
                                 "the file (or, if it is a place name, list the exact cell under "
                                 "`pii_allow:` in the config)")

    def _drop_pii_numbers(self, t: RawTable, vals: pd.Series, rows, field_, pids) -> pd.Series:
        """A number cell holding what looks like a DNI or a mobile number is set to missing."""
        v = vals.to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(v) & (np.floor(v) == v)
            dni = whole & (v >= 10_000_000) & (v <= 99_999_999)
            mobile = whole & (v >= 900_000_000) & (v <= 999_999_999)
        hit = dni | mobile
        if hit.any():
            rule = np.where(dni, "pii_like_number_dni", "pii_like_number_mobile")[hit]
            self.note_many(t.file, t.sheet, rows.to_numpy(dtype=object)[hit],
                           pids.to_numpy(dtype=object)[hit], field_, rule.astype(object),
                           WITHHELD, None, "changed")
            vals[hit] = np.nan
        return vals

    def _log_text_numbers(self, t, raw, vals, failed, rows, field_, pids, decimal=None):
        """Log text cells whose parse changed their representation (not plain numbers)."""
        rule = "money_text_parsed" if field_ in MONEY_FIELDS else "number_text_parsed"
        dec = decimal or t.decimal
        # per distinct cell: 0 = not a text cell, 1 = a plain number, 2 = text to log if read
        kind = unique_map(raw, lambda v: 0 if not isinstance(v, str) or not v.strip() else
                          (1 if is_plain_number(v, dec) else 2)).astype(int)
        if failed:
            kind[raw.index.isin(list(failed))] = 0
        v = vals.to_numpy(dtype="float64")
        nan = np.isnan(v)
        hit = (kind > 0) & (nan | (kind == 2))
        if hit.any():
            miss = nan[hit]
            self.note_many(t.file, t.sheet, rows.to_numpy(dtype=object)[hit],
                           pids.to_numpy(dtype=object)[hit], field_,
                           np.where(miss, "missing_token", rule).astype(object),
                           raw.to_numpy(dtype=object)[hit],
                           np.where(miss, None, v[hit].astype(object)), "changed")

    def _codes(self, t, values, rows, field_, col, pids):
        table, exact = self.codes[field_], self.code_exact[field_]

        def decide(v):  # (known, canonical value, logged as code_mapped)
            key = norm_text(normalize_key(v)) if not isinstance(v, bool) else str(v).lower()
            if _blank(v) or key not in table:
                return (False, None, False)
            shown = v if isinstance(v, (str, bool)) else normalize_key(v)
            return (True, table[key], not (isinstance(v, bool) or shown in exact))
        known, res, mapped = unique_fields(values, decide, 3)
        known, mapped = known.astype(bool), mapped.astype(bool)
        for idx, v in values[~known].items():
            self.problem(t.file, t.sheet, rows[idx], col, "" if _blank(v) else v,
                         f"unknown_code: allowed {field_} codes are "
                         + ", ".join(repr(k) for k in self.code_names[field_])
                         + " (case and accents ignored)")
        self.note_many(t.file, t.sheet, rows.to_numpy(dtype=object)[mapped],
                       np.asarray(pids, dtype=object)[mapped], field_, "code_mapped",
                       values.to_numpy(dtype=object)[mapped], res[mapped], "changed")
        return pd.Series(res, index=values.index, dtype=object)

    def _ints(self, t, values, rows, col, what):
        def one(v):
            try:
                x = parse_number(v)
                if math.isnan(x) or not float(x).is_integer():
                    raise NumberParseError(v)
                return int(x)
            except NumberParseError:
                return None
        res = unique_map(values, one)
        bad = is_none(res)
        for idx, v in values[bad].items():
            self.problem(t.file, t.sheet, rows[idx], col, v, f"not_an_integer_{what}")
        res[bad] = pd.NA
        return pd.array(res, dtype="Int64")

    # -- whole panel -----------------------------------------------------------------------
    def keys_step(self, df: pd.DataFrame) -> None:
        """Keys that differ only by letter case / leading zeros when no `keys:` rule says how
        to treat them stop the build; distinct raw keys merged by the rule are flagged."""
        rule = self.cfg.keys
        cols = ["_file", "_sheet", "_row", "_t", "producer_id", "round", "_key", "_key_raw"]
        live = df.loc[df["_key"].notna(), cols]  # the columns the step reads, not the whole row
        live["_folded"] = unique_map(live["_key"], lambda k: fold_key(k, rule))
        first, second = _first_differing(live, "_folded", "_key")
        if len(second):
            srcs = self.src_of(live.iloc[second], "producer_key")
            for i, (fi, si) in enumerate(zip(first, second)):
                f, r = live.iloc[fi], live.iloc[si]
                shown = " and ".join(f"{_safe_key(x['_key'])} (round {x['round']})" for x in (f, r))
                self.problem(r["_file"], r["_sheet"], r["_row"], srcs[i], shown,
                             "key_variants: producer keys differ only by letter case or leading "
                             "zeros and the config declares no rule; add `keys: {leading_zeros: "
                             "strip, case: upper}` if they are one producer, or `keys: "
                             "{leading_zeros: keep, case: keep}` if they are different producers")
        _, second = _first_differing(live, "_key", "_key_raw")
        if len(second):
            flagged = live["_key"].isin(live["_key"].iloc[second]).to_numpy(dtype=bool)
            grp = live[flagged]
            n_raw = grp.groupby("_key", sort=False)["_key_raw"].nunique()
            rounds = (grp[["_key", "round"]].dropna().drop_duplicates()
                      .sort_values("round", kind="stable").groupby("_key", sort=False)["round"]
                      .agg(lambda x: ",".join(str(v) for v in x)))
            o = live.iloc[second]
            keys = o["_key"]
            self.note_many(o["_file"].to_numpy(dtype=object), o["_sheet"].to_numpy(dtype=object),
                           o["_row"].to_numpy(dtype=object), o["producer_id"].to_numpy(dtype=object),
                           "producer_key", "key_collision",
                           _objects([f"{n} spellings" for n in keys.map(n_raw)]),
                           _objects([f"one producer (rounds {x})" for x in
                                     keys.map(rounds).fillna("")]), "flagged")
        for column in ("_key", "_key_raw"):   # the step edits df in place (no deprecated inplace=)
            del df[column]

    def years_step(self, df: pd.DataFrame) -> None:
        """Years inside the programme's (or the declared) range; one year per round."""
        lo, hi = self.cfg.years
        for idx in df.index[df["year"].notna() & ((df["year"] < lo) | (df["year"] > hi))]:
            r = df.loc[idx]
            col = r["_year_col"] if isinstance(r["_year_col"], str) else "year"
            self.problem(r["_file"], r["_sheet"], r["_row"], col, int(r["year"]),
                         f"year_outside_range: survey years must be within {lo}-{hi}; fix the "
                         f"year or declare `years: {{min: .., max: ..}}` in the config")
        live = df[df["round"].notna() & df["year"].notna()]
        for rnd, grp in live.groupby("round"):
            counts = grp["year"].value_counts()
            if len(counts) > 1:
                odd = grp[grp["year"] == counts.index[-1]].iloc[0]
                self.note(odd["_file"], odd["_sheet"], odd["_row"], None, "year",
                          "round_years_differ", f"round {rnd}: year {counts.index[0]} "
                          f"({counts.iloc[0]} rows)", f"{counts.index[-1]} ({counts.iloc[-1]} rows)",
                          "flagged")

    def consistency_step(self, df: pd.DataFrame, excluded: pd.Series) -> None:
        """A producer's sex, network and member status should not change across rounds."""
        cols = ["_file", "_sheet", "_row", "producer_id", "round", "sex", "member", "network_id"]
        live = df.loc[~excluded & df["producer_id"].notna(), cols].sort_values("round", kind="stable")
        for field_ in ("sex", "member", "network_id"):
            sub = live[live[field_].notna()]
            first, other = _first_differing(sub, "producer_id", field_)
            if not len(other):
                continue
            f, o = sub.iloc[first], sub.iloc[other]
            name = field_.replace("_id", "")
            self.note_many(o["_file"].to_numpy(dtype=object), o["_sheet"].to_numpy(dtype=object),
                           o["_row"].to_numpy(dtype=object), o["producer_id"].to_numpy(dtype=object),
                           name, f"inconsistent_{name}",
                           _fmt(f[field_]) + " (round " + _fmt(f["round"]) + ")",
                           _fmt(o[field_]) + " (round " + _fmt(o["round"]) + ")", "flagged")

    def src_of(self, sub: pd.DataFrame, field_: str) -> np.ndarray:
        """``src`` for every row of ``sub``."""
        default = self.cfg.columns.get(field_, field_)
        maps = self.found_maps
        return unique_map(sub["_t"], lambda t: maps[int(t)][field_] if t is not None
                          and not pd.isna(t) and field_ in maps[int(t)] else default)

    def networks_step(self, df: pd.DataFrame) -> None:
        lookup, spelling, exact = self.lookup, self.spelling, self.exact_names

        def decide(raw):  # (blank, blank but a token, network id, how it matched)
            if _blank(raw) or norm_text(raw) in NO_NETWORK:
                return (True, bool(isinstance(raw, str) and raw.strip()), None, None)
            key = norm_text(normalize_key(raw))
            if key in lookup:
                nid = lookup[key]
                return (False, False, nid, None if raw in exact[nid] else "network_normalized")
            if key in spelling:
                return (False, False, spelling[key], "network_spelling")
            return (False, False, None, "unknown")
        n = len(df)
        blank, token, nid, how = unique_fields(df["network_raw"], decide, 4)
        blank, token = blank.astype(bool), token.astype(bool)
        member = unique_map(df["member"], lambda m: 1 if m is True else (0 if m is False else -1))
        member = member.astype(int)
        comp, memb = member == 0, member == 1
        nid[~memb] = None
        has_nid = ~is_none(nid)
        chain = df["chain"].to_numpy(dtype=object)
        has_chain = ~is_none(chain)
        net_chain = np.full(n, None, dtype=object)
        net_chain[has_nid] = self.networks["chain"].reindex(nid[has_nid]).to_numpy(dtype=object)
        chain_bad = memb & has_nid & has_chain & (net_chain != chain)
        # at most one problem and one note per row, in row order
        p_comp = comp & ~blank
        p_missing = memb & blank
        p_unknown = memb & ~blank & (how == "unknown")
        prob = p_comp | p_missing | p_unknown | chain_bad
        if prob.any():
            sub = df[prob]
            net_src, chain_src = self.src_of(sub, "network"), self.src_of(sub, "chain")
            raws, chains, ids = sub["network_raw"].to_numpy(dtype=object), chain[prob], nid[prob]
            pc, pm, pu, nc = p_comp[prob], p_missing[prob], p_unknown[prob], net_chain[prob]
            for i, (f, sh, row) in enumerate(zip(sub["_file"], sub["_sheet"], sub["_row"])):
                if pc[i]:
                    self.problem(f, sh, row, net_src[i], raws[i], "network_for_comparison_producer")
                elif pm[i]:
                    self.problem(f, sh, row, net_src[i], "", "missing_network_for_member")
                elif pu[i]:
                    self.problem(f, sh, row, net_src[i], raws[i],
                                 "unknown_network: not in networks.csv nor in the config's "
                                 "'networks' map")
                else:
                    self.problem(f, sh, row, chain_src[i], chains[i],
                                 f"chain_differs_from_network ({ids[i]} is {nc[i]})")
        n_token = comp & blank & token
        n_match = memb & ~blank & ((how == "network_normalized") | (how == "network_spelling"))
        hit = n_token | n_match
        if hit.any():
            self.note_many(df["_file"].to_numpy(dtype=object)[hit],
                           df["_sheet"].to_numpy(dtype=object)[hit],
                           df["_row"].to_numpy(dtype=object)[hit],
                           df["producer_id"].to_numpy(dtype=object)[hit], "network",
                           np.where(n_token, "missing_token", how)[hit],
                           df["network_raw"].to_numpy(dtype=object)[hit],
                           np.where(n_token, None, nid)[hit], "changed")
        df["network_id"] = pd.Series(nid, index=df.index, dtype=object)
        net = self.networks
        df["programme_phase"] = df["network_id"].map(net["programme_phase"]).astype("Int64")
        df["cohort_year"] = df["network_id"].map(net["cohort_year"]).astype("Int64")

    def sectors_step(self, df: pd.DataFrame) -> None:
        sector = df["sector"]
        keys = pd.Series(unique_map(sector, lambda v: norm_text(v) if v else None),
                         index=df.index, dtype=object)
        ok = keys.notna().to_numpy(dtype=bool)
        # per spelling-insensitive key, the most frequent spelling (ties: the first seen)
        tab = pd.DataFrame({"k": keys[ok].to_numpy(dtype=object),
                            "s": sector[ok].to_numpy(dtype=object),
                            "pos": np.arange(len(df))[ok]})
        agg = tab.groupby(["k", "s"], sort=False)["pos"].agg(["size", "min"]).reset_index()
        agg = agg.sort_values(["size", "min"], ascending=[False, True], kind="stable")
        best = dict(zip(*[agg.drop_duplicates("k")[c].to_numpy(dtype=object) for c in ("k", "s")]))
        truthy = unique_map(sector, bool).astype(bool)
        new = np.full(len(df), None, dtype=object)
        new[truthy] = unique_map(keys[truthy], best.get)
        raw = unique_map(df["sector_raw"], str)
        hit = truthy & (new != raw)
        if hit.any():
            self.note_many(df["_file"].to_numpy(dtype=object)[hit],
                           df["_sheet"].to_numpy(dtype=object)[hit],
                           df["_row"].to_numpy(dtype=object)[hit],
                           df["producer_id"].to_numpy(dtype=object)[hit], "sector",
                           "sector_spelling", df["sector_raw"].to_numpy(dtype=object)[hit],
                           new[hit], "changed")
            df.loc[hit, "sector"] = pd.Series(new[hit], index=df.index[hit], dtype=object)
        df["cluster_id"] = np.where(df["member"] == True, df["network_id"],  # noqa: E712
                                    "comp_" + pd.Series(unique_map(
                                        df["sector"], lambda s: slug(s) if s else ""),
                                        index=df.index, dtype=object))

    def _note_cells(self, df, mask, col, rule, new, action) -> None:
        """One log block for the cells of ``col`` selected by ``mask`` (old value = the cell)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.note_many(df["_file"].to_numpy(dtype=object)[mask],
                           df["_sheet"].to_numpy(dtype=object)[mask],
                           df["_row"].to_numpy(dtype=object)[mask],
                           df["producer_id"].to_numpy(dtype=object)[mask], col, rule,
                           df[col].to_numpy(dtype=object)[mask], new, action)

    def units_step(self, df: pd.DataFrame) -> None:
        for col, rule in self.cfg.units.items():
            mask = df[col].notna().to_numpy(dtype=bool)
            new = df[col].to_numpy()[mask] * rule.factor
            self._note_cells(df, mask, col, f"unit_conversion_from_{rule.from_unit}",
                             new.astype(object), "changed")
            df.loc[mask, col] = new

    def chain_columns_step(self, df: pd.DataFrame) -> None:
        for chain, cols in CHAIN_ONLY.items():
            for col in cols:
                mask = ((df["chain"] == chain) & df[col].notna()).to_numpy(dtype=bool)
                self._note_cells(df, mask, col, f"not_applicable_for_chain_{chain}", None,
                                 "changed")
                df.loc[mask, col] = np.nan

    def ranges(self) -> dict[str, tuple]:
        """Per numeric column: (min, max, action, min_is_default, max_is_default) -- the
        config's bounds, and DEFAULT_PLAUSIBILITY for bounds it does not declare."""
        out = {}
        for col in NUMERIC_FIELDS:
            dmin, dmax = DEFAULT_PLAUSIBILITY.get(col, (None, None))
            rule = self.cfg.plausibility.get(col)
            lo = rule.min if rule and rule.min is not None else dmin
            hi = rule.max if rule and rule.max is not None else dmax
            out[col] = (lo, hi, rule.action if rule else "set_missing",
                        not (rule and rule.min is not None), not (rule and rule.max is not None))
        return out

    def sentinel_step(self, df: pd.DataFrame, excluded: pd.Series) -> None:
        """9, 99, ..., -9 codes that are implausible for the column (checked in delivered
        units, before `units` factors) are missing values, not data."""
        for col, (lo, hi, action, _, _) in self.ranges().items():
            factor = self.cfg.units[col].factor if col in self.cfg.units else 1.0
            lo = 0 if lo is None and col in NONNEGATIVE else lo
            raw = df[col]
            v = raw * factor
            out = pd.Series(False, index=df.index)
            if lo is not None:
                out |= v < lo
            if hi is not None:
                out |= v > hi
            mask = (raw.isin(SENTINELS) & ~excluded & out).to_numpy(dtype=bool)
            if mask.any():
                names = unique_map(raw[mask], lambda x: f"sentinel_code_{int(x)}")
                self._range_many(df, excluded, mask, col, names, action)

    def _range_many(self, df, excluded, mask, col, names, action) -> None:
        if action == "set_missing":
            self._note_cells(df, mask, col, names, None, "changed")
            df.loc[mask, col] = np.nan
        else:
            self._note_cells(df, mask, col, names, None, "excluded")
            excluded[mask] = True

    def plausibility_step(self, df: pd.DataFrame, excluded: pd.Series) -> None:
        for col, (lo, hi, action, lo_default, hi_default) in self.ranges().items():
            v = df[col]
            low = v < lo if lo is not None else pd.Series(False, index=df.index)
            high = v > hi if hi is not None else pd.Series(False, index=df.index)
            mask = ((low | high) & ~excluded).to_numpy(dtype=bool)
            if not mask.any():
                continue
            name_lo = f"plausibility_{'default_' if lo_default else ''}min_{lo}"
            name_hi = f"plausibility_{'default_' if hi_default else ''}max_{hi}"
            names = np.where(low.to_numpy(dtype=bool)[mask], name_lo, name_hi).astype(object)
            self._range_many(df, excluded, mask, col, names, action)

    def duplicates_step(self, df: pd.DataFrame, excluded: pd.Series) -> None:
        """Same producer twice in a round: the config's rule keeps one row (first, last, or the
        latest by a date/time column such as Kobo's _submission_time) and excludes the others,
        logging both versions; ``error`` stops the build."""
        live = df[~excluded & df["producer_id"].notna() & df["round"].notna()]
        live = live[live.duplicated(["producer_id", "round"], keep=False).to_numpy(dtype=bool)]
        rule, by = self.cfg.duplicates, self.cfg.duplicates_by
        for (_pid, _rnd), grp in live.groupby(["producer_id", "round"], sort=False):
            if len(grp) < 2:
                continue
            if rule == "error":
                first = grp.iloc[0]
                kept = f"first at {first['_file']}, sheet={first['_sheet'] or '-'}, row={first['_row']}"
                for _idx, r in grp.iloc[1:].iterrows():
                    self.problem(r["_file"], r["_sheet"], r["_row"], self.src(r, "producer_key"),
                                 f"round {r['round']}", f"duplicate_producer_round ({kept})")
                continue
            how = ""
            if rule == "keep_first":
                keep = grp.index[0]
            elif rule == "keep_last":
                keep, how = grp.index[-1], " (last)"
            else:
                when = pd.to_datetime(grp["_order"], utc=True, errors="coerce", format="ISO8601")
                if when.isna().any():
                    r = grp.loc[when.index[when.isna()][0]]
                    self.problem(r["_file"], r["_sheet"], r["_row"], by, r["_order"] or "",
                                 f"duplicate_without_{_slug_col(by)}: the producer is twice in "
                                 f"round {r['round']} and this row has no readable date/time in "
                                 f"{by!r} to keep the latest one")
                    continue
                keep = when[when == when.max()].index[-1]
                how = f" (latest {by}={df.at[keep, '_order']})"
            k = df.loc[keep]
            kept = f"kept {k['_file']}, sheet={k['_sheet'] or '-'}, row={k['_row']}{how}"
            for idx in grp.index:
                if idx == keep:
                    continue
                r = df.loc[idx]
                self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], "producer_key",
                          "duplicate_producer_round", f"round {r['round']}", kept, "excluded")
                excluded[idx] = True
                old, new = _versions(r, k)
                self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], "producer_key",
                          "duplicate_versions", old, new, "flagged")

    def baseline_step(self, df: pd.DataFrame, excluded: pd.Series) -> None:
        live = df[~excluded & df["producer_id"].notna()]
        with0 = live.loc[(live["round"] == 0).fillna(False).to_numpy(dtype=bool), "producer_id"]
        nob = live[~live["producer_id"].isin(with0.unique()).to_numpy(dtype=bool)]
        if not len(nob):
            return
        order = pd.Series(pd.factorize(nob["producer_id"].to_numpy(dtype=object))[0], index=nob.index)
        # each producer's row of its lowest round (blank rounds last), producers in file order
        first = (nob.assign(_o=order, _p=np.arange(len(nob)))
                 .sort_values(["_o", "round", "_p"], na_position="last", kind="stable")
                 .drop_duplicates("_o"))
        rounds = (nob[["producer_id", "round"]].dropna().drop_duplicates()
                  .sort_values("round", kind="stable").groupby("producer_id", sort=False)["round"]
                  .agg(lambda x: ",".join(str(v) for v in x)))
        self.note_many(first["_file"].to_numpy(dtype=object), first["_sheet"].to_numpy(dtype=object),
                       first["_row"].to_numpy(dtype=object),
                       first["producer_id"].to_numpy(dtype=object), "round", "no_baseline",
                       first["producer_id"].map(rounds).fillna("").to_numpy(dtype=object),
                       "kept", "flagged")


_DATE = re.compile(r"^\s*(\d{4})-\d{1,2}-\d{1,2}([ T].*)?$|^\s*\d{1,2}/\d{1,2}/(\d{4})(\s.*)?$")


def _is_int_like(v) -> bool:
    try:
        x = parse_number(v)
        return not math.isnan(x) and float(x).is_integer()
    except (NumberParseError, TypeError):
        return False


def year_of(v) -> int | None:
    """Year of a cell holding a year or a date; None if it is neither."""
    if _blank(v):
        return None
    if hasattr(v, "year") and not isinstance(v, (int, float, str)):
        return int(v.year)  # date / datetime / Timestamp cells
    if _is_int_like(v):
        return int(parse_number(v))
    m = _DATE.match(str(v))
    if m:
        return int(m.group(1) or m.group(3))
    return None


def producer_key_fields(keys: pd.Series, rule, pseudonym) -> list[np.ndarray]:
    """Per cell of a producer-key column: (blank, key as text, key after the config's ``keys:``
    rule, pseudonym), computed once per distinct value. Text keys, nearly every cell of a
    delivery, are stripped, checked for blanks and put through the rule column-wise (pandas'
    string methods: the same ``str`` methods and pattern as :func:`apply_key_rule`); other cells
    (numbers from a spreadsheet, missing values) go one by one."""

    def key_of(v):
        if _blank(v):
            return (True, None, None, pd.NA)
        raw = normalize_key(v)
        key = apply_key_rule(raw, rule)
        return (False, raw, key, pseudonym(key))

    codes, uniq = factorize_exact(keys)
    fields = [np.empty(len(uniq), dtype=object) for _ in range(4)]
    text = np.fromiter((type(u) is str for u in uniq), dtype=bool, count=len(uniq))
    for i in np.flatnonzero(~text):
        for field, value in zip(fields, key_of(uniq[i])):
            field[i] = value
    pos = np.flatnonzero(text)
    raw = pd.Series([uniq[i] for i in pos], dtype=object).str.strip()
    blank = raw.str.lower().isin(MISSING_TOKENS).to_numpy(dtype=bool)
    key = raw
    if rule.case == "upper":
        key = key.str.upper()
    elif rule.case == "lower":
        key = key.str.lower()
    if rule.leading_zeros == "strip":
        key = key.str.replace(LEADING_ZEROS, "", regex=True)
    raw, key = raw.to_numpy(dtype=object), key.to_numpy(dtype=object)
    fields[0][pos] = blank
    fields[1][pos] = np.where(blank, None, raw)
    fields[2][pos] = np.where(blank, None, key)
    fields[3][pos] = pd.NA
    fields[3][pos[~blank]] = [pseudonym(k) for k in key[~blank]]
    return [field[codes] for field in fields]


LEADING_ZEROS = r"(?<!\d)0+(?=\d)"


def apply_key_rule(key: str, rule) -> str:
    """Producer key after the config's `keys:` rule (spaces are always stripped)."""
    if rule.case == "upper":
        key = key.upper()
    elif rule.case == "lower":
        key = key.lower()
    if rule.leading_zeros == "strip":
        key = _strip_zeros(key)
    return key


def _strip_zeros(key: str) -> str:
    """Leading zeros of every run of digits: '00017' -> '17', 'LAR-007' -> 'LAR-7'."""
    return re.sub(LEADING_ZEROS, "", key)


def fold_key(key: str, rule) -> str:
    """Key with the differences no rule was declared for folded away (to find variants)."""
    if rule.case is None:
        key = key.upper()
    if rule.leading_zeros is None:
        key = _strip_zeros(key)
    return key


def _key_rule_text(rule) -> str:
    return ", ".join(f"{k}: {v}" for k, v in (("case", rule.case), ("leading_zeros", rule.leading_zeros))
                     if v not in (None, "keep"))


def _safe_key(key: str) -> str:
    return "<withheld key>" if DNI_CELL.search(key) or MOBILE_CELL.search(key) else repr(key)


VERSION_FIELDS = ("year", "network_id", "sector", "chain", "sex", "member") + NUMERIC_FIELDS


def _same(a, b) -> bool:
    na = a is None or (not isinstance(a, str) and bool(pd.isna(a)))
    nb = b is None or (not isinstance(b, str) and bool(pd.isna(b)))
    if na or nb:
        return na and nb
    return bool(a == b)


def _versions(dropped, kept) -> tuple[str, str]:
    """The two versions of a duplicate producer-round, as the fields where they differ."""
    diff = [f for f in VERSION_FIELDS if not _same(dropped.get(f), kept.get(f))]
    if not diff:
        return (f"row {dropped['_row']}: identical to the kept row",
                f"row {kept['_row']}: identical")
    return (f"row {dropped['_row']}: " + "; ".join(f"{f}={_show(dropped.get(f))}" for f in diff),
            f"row {kept['_row']}: " + "; ".join(f"{f}={_show(kept.get(f))}" for f in diff))


def _objects(items) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    for i, x in enumerate(items):
        out[i] = x
    return out


def _fmt(values: pd.Series) -> np.ndarray:
    """``f"{v}"`` of every cell (as an f-string shows it)."""
    return unique_map(values, lambda v: f"{v}")


def _first_differing(sub: pd.DataFrame, by: str, field_: str) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``sub`` of (first row, first row whose ``field_`` differs from it) of
    every ``by`` group that has two values, groups in order of first appearance."""
    if not len(sub):
        return np.array([], dtype=int), np.array([], dtype=int)
    codes = pd.factorize(sub[by].to_numpy(dtype=object))[0]
    _, firstpos = np.unique(codes, return_index=True)
    vals = sub[field_].to_numpy(dtype=object)
    diff = (vals != vals[firstpos[codes]]).astype(bool)
    pos = np.flatnonzero(diff)
    groups, idx = np.unique(codes[pos], return_index=True)
    return firstpos[groups], pos[idx]


def _slug_col(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_") or "date"


def _show(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return repr(float(round(float(v), 10)))
    return str(v)


def clean_tables(tables: list[RawTable], cfg: SurveyConfig, networks: pd.DataFrame,
                 secret: str) -> tuple[pd.DataFrame, pd.DataFrame, int, list[Problem], pd.Series]:
    """Return (panel with meta columns, log, rows_in, problems, excluded mask)."""
    c = Cleaner(cfg, networks, secret)
    for t in tables:
        for note in t.notes:
            c.note(t.file, t.sheet, None, None, None, "read_" + note.split(":")[0].replace(" ", "_"),
                   "", note.split(": ", 1)[-1], "flagged")
        for sheet, rule, value in t.sheet_notes:
            c.note(t.file, sheet, None, None, None, rule, "", value, "flagged")
        c.problems.extend(t.problems)
    parts = [c.canonical(t) for t in tables]
    rows_in = sum(len(t.data) for t in tables)
    frames = [p for p in parts if p is not None]
    if len(frames) < len(parts):
        return pd.DataFrame(), _log_frame(c.log), rows_in, c.problems, pd.Series(dtype=bool)
    df = pd.concat(frames, ignore_index=True)
    excluded = pd.Series(False, index=df.index)
    broken = {(p.file, p.sheet, p.row) for p in c.problems if p.rule.startswith(LINE_RULES)}
    # a producer-round with every outcome blank was not interviewed: excluded and logged, its
    # other cells (often blank too) are not checked
    absent = df["_not_interviewed"].astype(bool)
    if broken:
        where = pd.Series(list(zip(df["_file"], df["_sheet"], df["_row"])), index=df.index,
                          dtype=object)
        absent &= ~where.isin(broken)
    hit = absent.to_numpy(dtype=bool)
    c.note_many(df["_file"].to_numpy(dtype=object)[hit], df["_sheet"].to_numpy(dtype=object)[hit],
                df["_row"].to_numpy(dtype=object)[hit], df["producer_id"].to_numpy(dtype=object)[hit],
                None, "not_interviewed", "", "every outcome blank", "excluded")
    excluded[hit] = True
    skip = set(zip(df["_file"][hit], df["_sheet"][hit], df["_row"][hit].astype(int)))
    c.keys_step(df)
    c.years_step(df)
    c.networks_step(df)
    c.consistency_step(df, excluded)
    c.sectors_step(df)
    c.sentinel_step(df, excluded)
    c.units_step(df)
    c.chain_columns_step(df)
    c.plausibility_step(df, excluded)
    df["employment_fte"] = (df["family_labour_days"] + df["hired_labour_days"]) / FTE_DAYS
    c.duplicates_step(df, excluded)
    c.baseline_step(df, excluded)
    df["member"] = df["member"].astype(object)
    # a broken CSV line (short/long) is reported once, not as the empty cells it leaves
    problems = [p for p in c.problems if (p.rule.startswith(LINE_RULES)
                or (p.file, p.sheet, p.row) not in broken) and (p.file, p.sheet, p.row) not in skip]
    log = _log_frame(c.log)
    if skip:
        keys = pd.Series(list(zip(log["file"], log["sheet"], log["row"].fillna(-1).astype(int))),
                         index=log.index, dtype=object)
        keep = (log["rule"] == "not_interviewed") | log["row"].isna() | ~keys.isin(skip)
        log = log[keep.to_numpy(dtype=bool)].reset_index(drop=True)
    return df, log, rows_in, problems, excluded


def _log_frame(log: list) -> pd.DataFrame:
    """The log from its entries: single notes (dicts) and blocks of notes (column arrays), in
    order; column types inferred as from the list of rows."""
    cols = {c: [] for c in LOG_COLUMNS}
    for e in log:
        if "_block" not in e:
            for c in LOG_COLUMNS:
                cols[c].append([e[c]])
        else:
            for c in LOG_COLUMNS:
                cols[c].append(e[c])
    data = {c: (np.concatenate([np.asarray(p, dtype=object) for p in parts]).tolist()
                if parts else []) for c, parts in cols.items()}
    df = pd.DataFrame(data, columns=LOG_COLUMNS) if log else pd.DataFrame([], columns=LOG_COLUMNS)
    df["row"] = df["row"].astype("Int64")
    return df
