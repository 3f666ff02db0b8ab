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
- duplicates (same producer_id and round): keep_first keeps the first row in file/sheet/row
  order and excludes the others; ``error`` stops the build.
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
from analysis.survey.parse import MISSING_TOKENS, NumberParseError, parse_number, parse_series
from analysis.survey.privacy import DNI_CELL, MOBILE_CELL, normalize_key, pseudonymize
from analysis.survey.readers import RawTable, display_path

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

    # -- recording -------------------------------------------------------------------------
    def note(self, file, sheet, row, pid, column, rule, old, new, action):
        old, new = ("" if column in PII_FIELDS else _show(old)), _show(new)
        if DNI_CELL.search(old) or MOBILE_CELL.search(old) or DNI_CELL.search(new) \
                or MOBILE_CELL.search(new):  # a DNI/phone typed in a data cell stays out of the log
            old = new = WITHHELD
        self.log.append(dict(zip(LOG_COLUMNS, [file, sheet, row, pid, column, rule, old, new,
                                               action])))

    def problem(self, file, sheet, row, column, value, rule):
        row = None if row is None or row is pd.NA else int(row)
        self.problems.append(Problem(file, sheet, row, column, value, rule))

    # -- one table -------------------------------------------------------------------------
    def canonical(self, t: RawTable) -> pd.DataFrame | None:
        """Map one RawTable to canonical columns (+ meta); None if columns are missing."""
        cfg, data = self.cfg, t.data
        by_norm = {norm_text(c): c for c in data.columns}
        wanted = dict(cfg.columns)
        if t.round is None:
            wanted["round"] = t.spec.round_column
        if t.year is None:
            wanted["year"] = t.spec.year_column
        found, ok = {}, True
        for field_, src in wanted.items():
            col = src if src in data.columns else by_norm.get(norm_text(src))
            if col is None and field_ not in PII_FIELDS:
                self.problem(t.file, t.sheet, None, src, None,
                             "missing_column: columns in the file are "
                             + ", ".join(repr(c) for c in data.columns))
                ok = False
            elif col is not None:
                found[field_] = col
        for c in data.columns:
            if c not in found.values():
                self.note(t.file, t.sheet, None, None, c, "extra_column_ignored", "", "", "flagged")
        if not ok:
            return None
        rows = pd.Series(t.rows, index=data.index)
        out = pd.DataFrame({"_file": t.file, "_sheet": t.sheet, "_row": rows}, index=data.index)
        # producer key -> pseudonymous id; the raw key is never kept
        keys = data[found["producer_key"]]
        blank = keys.map(_blank)
        for idx in keys.index[blank]:
            self.problem(t.file, t.sheet, rows[idx], found["producer_key"], "", "blank_producer_key")
        out["producer_id"] = pd.Series(pd.NA, index=data.index, dtype=object)
        if (~blank).any():
            out.loc[~blank, "producer_id"] = pseudonymize(keys[~blank], self.secret)
        # free-text fields must not carry PII values
        for field_ in ("network", "sector", "chain", "sex", "member"):
            for idx, v in data[found[field_]].items():
                if isinstance(v, str) and (DNI_CELL.search(v) or MOBILE_CELL.search(v)):
                    self.problem(t.file, t.sheet, rows[idx], found[field_],
                                 "<withheld: looks like a DNI or phone number>", "pii_in_cell")
        for field_ in ("member", "sex", "chain"):
            out[field_] = self._codes(t, data[found[field_]], rows, field_, found[field_],
                                      out["producer_id"])
        out["network_raw"] = data[found["network"]]
        out["sector_raw"] = data[found["sector"]]
        out["sector"] = data[found["sector"]].map(
            lambda v: None if _blank(v) else re.sub(r"\s+", " ", str(v)).strip())
        for idx in out.index[out["sector"].isna()]:
            self.problem(t.file, t.sheet, rows[idx], found["sector"], "", "missing_sector")
        for what in ("round", "year"):
            fixed = getattr(t, what)
            if fixed is not None:
                out[what] = pd.array([fixed] * len(out), dtype="Int64")
            else:
                out[what] = self._ints(t, data[found[what]], rows, found[what], what)
        for field_ in NUMERIC_FIELDS:
            if field_ not in found:
                out[field_] = np.nan
                continue
            vals, failed = parse_series(data[found[field_]], t.decimal)
            for idx, raw in failed.items():
                self.problem(t.file, t.sheet, rows[idx], found[field_], raw, "not_a_number")
            self._log_text_numbers(t, data[found[field_]], vals, failed, rows, field_,
                                   out["producer_id"])
            out[field_] = vals
        return out

    def _log_text_numbers(self, t, raw, vals, failed, rows, field_, pids):
        """Log text cells whose parse changed their representation (not plain numbers)."""
        rule = "money_text_parsed" if field_ in MONEY_FIELDS else "number_text_parsed"
        for idx, v in raw.items():
            if idx in failed or not isinstance(v, str) or not v.strip():
                continue
            if math.isnan(vals[idx]):
                self.note(t.file, t.sheet, rows[idx], pids[idx], field_, "missing_token", v, None,
                          "changed")
            elif not is_plain_number(v, t.decimal):
                self.note(t.file, t.sheet, rows[idx], pids[idx], field_, rule, v, vals[idx],
                          "changed")

    def _codes(self, t, values, rows, field_, col, pids):
        table, exact = self.codes[field_], self.code_exact[field_]
        res = []
        for idx, v in values.items():
            key = norm_text(normalize_key(v)) if not isinstance(v, bool) else str(v).lower()
            if _blank(v) or key not in table:
                self.problem(t.file, t.sheet, rows[idx], col, "" if _blank(v) else v,
                             f"unknown_code: allowed {field_} codes are "
                             + ", ".join(repr(k) for k in self.code_names[field_])
                             + " (case and accents ignored)")
                res.append(None)
            else:
                res.append(table[key])
                shown = v if isinstance(v, (str, bool)) else normalize_key(v)
                if not (isinstance(v, bool) or shown in exact):
                    self.note(t.file, t.sheet, rows[idx], pids[idx], field_, "code_mapped", v,
                              table[key], "changed")
        return pd.Series(res, index=values.index, dtype=object)

    def _ints(self, t, values, rows, col, what):
        res = []
        for idx, v in values.items():
            try:
                x = parse_number(v)
                if math.isnan(x) or not float(x).is_integer():
                    raise NumberParseError(v)
                res.append(int(x))
            except NumberParseError:
                self.problem(t.file, t.sheet, rows[idx], col, v, f"not_an_integer_{what}")
                res.append(pd.NA)
        return pd.array(res, dtype="Int64")

    # -- whole panel -----------------------------------------------------------------------
    def networks_step(self, df: pd.DataFrame) -> None:
        ids = []
        for idx, r in df.iterrows():
            raw, nid = r["network_raw"], None
            blank = _blank(raw) or norm_text(raw) in NO_NETWORK
            if r["member"] is False:
                if not blank:
                    self.problem(r["_file"], r["_sheet"], r["_row"], self.cfg.columns["network"],
                                 raw, "network_for_comparison_producer")
                elif isinstance(raw, str) and raw.strip():
                    self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], "network",
                              "missing_token", raw, None, "changed")
            elif r["member"] is True:
                key = norm_text(normalize_key(raw)) if not blank else ""
                if blank:
                    self.problem(r["_file"], r["_sheet"], r["_row"], self.cfg.columns["network"],
                                 "", "missing_network_for_member")
                elif key in self.lookup:
                    nid = self.lookup[key]
                    if raw not in self.exact_names[nid]:
                        self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], "network",
                                  "network_normalized", raw, nid, "changed")
                elif key in self.spelling:
                    nid = self.spelling[key]
                    self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], "network",
                              "network_spelling", raw, nid, "changed")
                else:
                    self.problem(r["_file"], r["_sheet"], r["_row"], self.cfg.columns["network"],
                                 raw, "unknown_network: not in networks.csv nor in the config's "
                                      "'networks' map")
                if nid is not None and r["chain"] is not None:
                    net_chain = self.networks.at[nid, "chain"]
                    if net_chain != r["chain"]:
                        self.problem(r["_file"], r["_sheet"], r["_row"], self.cfg.columns["chain"],
                                     r["chain"], f"chain_differs_from_network ({nid} is {net_chain})")
            ids.append(nid)
        df["network_id"] = pd.Series(ids, index=df.index, dtype=object)
        net = self.networks
        df["programme_phase"] = df["network_id"].map(net["programme_phase"]).astype("Int64")
        df["cohort_year"] = df["network_id"].map(net["cohort_year"]).astype("Int64")

    def sectors_step(self, df: pd.DataFrame) -> None:
        keys = df["sector"].map(lambda s: norm_text(s) if s else None)
        best = {}
        for k, grp in df.groupby(keys)["sector"]:
            best[k] = Counter(grp).most_common(1)[0][0]
        for idx, r in df.iterrows():
            if r["sector"] and best[keys[idx]] != str(r["sector_raw"]):
                self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], "sector",
                          "sector_spelling", r["sector_raw"], best[keys[idx]], "changed")
                df.at[idx, "sector"] = best[keys[idx]]
        df["cluster_id"] = np.where(df["member"] == True, df["network_id"],  # noqa: E712
                                    "comp_" + df["sector"].map(lambda s: slug(s) if s else ""))

    def units_step(self, df: pd.DataFrame) -> None:
        for col, rule in self.cfg.units.items():
            for idx in df.index[df[col].notna()]:
                r = df.loc[idx]
                new = r[col] * rule.factor
                self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], col,
                          f"unit_conversion_from_{rule.from_unit}", r[col], new, "changed")
                df.at[idx, col] = new

    def chain_columns_step(self, df: pd.DataFrame) -> None:
        for chain, cols in CHAIN_ONLY.items():
            for col in cols:
                for idx in df.index[(df["chain"] == chain) & df[col].notna()]:
                    r = df.loc[idx]
                    self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], col,
                              f"not_applicable_for_chain_{chain}", r[col], None, "changed")
                    df.at[idx, col] = np.nan

    def plausibility_step(self, df: pd.DataFrame, excluded: pd.Series) -> None:
        for col, rule in self.cfg.plausibility.items():
            v = df[col]
            low = v < rule.min if rule.min is not None else pd.Series(False, index=df.index)
            high = v > rule.max if rule.max is not None else pd.Series(False, index=df.index)
            for idx in df.index[(low | high) & ~excluded]:
                r = df.loc[idx]
                name = f"plausibility_{'min' if low[idx] else 'max'}_" \
                       f"{rule.min if low[idx] else rule.max}"
                if rule.action == "set_missing":
                    self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], col, name,
                              r[col], None, "changed")
                    df.at[idx, col] = np.nan
                else:
                    self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], col, name,
                              r[col], None, "excluded")
                    excluded[idx] = True

    def duplicates_step(self, df: pd.DataFrame, excluded: pd.Series) -> None:
        live = df[~excluded & df["producer_id"].notna() & df["round"].notna()]
        for (_pid, _rnd), grp in live.groupby(["producer_id", "round"], sort=False):
            if len(grp) < 2:
                continue
            first = grp.iloc[0]
            kept = f"kept {first['_file']}, sheet={first['_sheet'] or '-'}, row={first['_row']}"
            for idx, r in grp.iloc[1:].iterrows():
                if self.cfg.duplicates == "keep_first":
                    self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], "producer_key",
                              "duplicate_producer_round", f"round {r['round']}", kept, "excluded")
                    excluded[idx] = True
                else:
                    self.problem(r["_file"], r["_sheet"], r["_row"], self.cfg.columns["producer_key"],
                                 f"round {r['round']}", f"duplicate_producer_round ({kept.replace('kept', 'first at')})")

    def baseline_step(self, df: pd.DataFrame, excluded: pd.Series) -> None:
        live = df[~excluded & df["producer_id"].notna()]
        for _pid, grp in live.groupby("producer_id", sort=False):
            if not (grp["round"] == 0).any():
                r = grp.sort_values("round").iloc[0]
                rounds = ",".join(str(x) for x in sorted(grp["round"].dropna().unique()))
                self.note(r["_file"], r["_sheet"], r["_row"], r["producer_id"], "round",
                          "no_baseline", rounds, "kept", "flagged")


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
    parts = [c.canonical(t) for t in tables]
    rows_in = sum(len(t.data) for t in tables)
    frames = [p for p in parts if p is not None]
    if len(frames) < len(parts):
        return pd.DataFrame(), _log_frame(c.log), rows_in, c.problems, pd.Series(dtype=bool)
    df = pd.concat(frames, ignore_index=True)
    excluded = pd.Series(False, index=df.index)
    c.networks_step(df)
    c.sectors_step(df)
    c.units_step(df)
    c.chain_columns_step(df)
    c.plausibility_step(df, excluded)
    df["employment_fte"] = (df["family_labour_days"] + df["hired_labour_days"]) / FTE_DAYS
    c.duplicates_step(df, excluded)
    c.baseline_step(df, excluded)
    df["member"] = df["member"].astype(object)
    return df, _log_frame(c.log), rows_in, c.problems, excluded


def _log_frame(log: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(log, columns=LOG_COLUMNS)
    df["row"] = df["row"].astype("Int64")
    return df
