"""Data-quality tables of the clean survey panel: counts, cleaning actions, missingness, duplicates.

Inputs are what ``analysis.survey.pipeline`` writes to the processed folder: ``panel.parquet``,
``cleaning_log.csv`` and ``cleaning_summary.json``. All functions are pure (DataFrame in,
DataFrame out) except :func:`load_processed` and :func:`read_settings`.
"""

from __future__ import annotations

import re

import json
from pathlib import Path

import pandas as pd
import yaml

from analysis.labels import place_name, t
from analysis.survey.parse import unique_map

LOG_COLUMNS = ["file", "sheet", "row", "producer_id", "column", "rule", "old_value", "new_value", "action"]
# Columns that only apply to one chain: missingness is measured among that chain's producers.
CHAIN_ONLY = {"cows": "lacteos", "milk_yield_l_cow_day": "lacteos", "hectares": "mango", "kg_sold": "mango"}
OUTCOME_COLUMNS = (
    "net_income_pen", "sales_value_pen", "family_labour_days", "hired_labour_days", "employment_fte",
    "cows", "milk_yield_l_cow_day", "hectares", "kg_sold", "price_pen_unit",
    "share_main_buyer_pct", "share_direct_pct",
)
KEY_COLUMNS = ("producer_id", "network_id", "cluster_id", "sector", "chain", "sex", "member",
               "programme_phase", "cohort_year", "round", "year")


def read_settings(config_path, lang: str = "es") -> dict:
    """``synthetic``, ``min_cell``, ``source_name`` (in ``lang``), ``price_year`` from a survey
    YAML config."""
    from analysis.published.translate import source_name

    path = Path(config_path)
    if not path.exists():
        raise FileNotFoundError(f"survey config not found: {path}")
    if path.suffix.lower() == ".xlsx":  # an Excel codebook (analysis.survey.codebook)
        from analysis.survey.codebook import read_codebook

        raw = read_codebook(path)[0]
    else:
        with path.open(encoding="utf-8") as fh:
            raw = yaml.safe_load(fh) or {}
    min_cell = raw.get("min_cell", 5)
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ValueError(f"{path}: key 'min_cell' must be a positive integer, got {min_cell!r}")
    return {"synthetic": bool(raw.get("synthetic", False)), "min_cell": min_cell,
            "source_name": source_name({**raw, "source_name": raw.get("source_name", path.stem)}, lang),
            "price_year": raw.get("price_year")}


def load_processed(processed_dir) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Panel, cleaning log and summary written by the survey pipeline (clear error if missing)."""
    d = Path(processed_dir)
    paths = {k: d / k for k in ("panel.parquet", "cleaning_log.csv", "cleaning_summary.json")}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"run the survey pipeline first; missing: {', '.join(missing)}")
    panel = pd.read_parquet(paths["panel.parquet"])
    log = pd.read_csv(paths["cleaning_log.csv"], dtype=str, keep_default_na=False, na_values=[""])
    lacking = [c for c in LOG_COLUMNS if c not in log.columns]
    if lacking:
        raise ValueError(f"{paths['cleaning_log.csv']}: missing column(s) {lacking}")
    summary = json.loads(paths["cleaning_summary.json"].read_text(encoding="utf-8"))
    return panel, log, summary


def group_label(member: pd.Series) -> pd.Series:
    """``member`` bool -> "members" / "comparison"."""
    return member.astype("boolean").map({True: "members", False: "comparison"}).astype(object)


def counts_by_round(panel: pd.DataFrame) -> pd.DataFrame:
    """Producers per round x chain x group (members / comparison), plus a total row per round."""
    df = panel.assign(group=group_label(panel["member"]))
    wide = (df.groupby(["round", "year", "chain", "group"])["producer_id"].nunique()
            .unstack("group").reindex(columns=["members", "comparison"]).fillna(0).astype("int64"))
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index()


def map_distinct(values: pd.Series, func) -> pd.Series:
    """``values.map(func)`` with ``func`` called once per distinct value (missing included), not
    once per row: a programme survey has 10^6 rows and a few hundred networks or sectors."""
    return pd.Series(unique_map(values, func), index=values.index, dtype=object)


def counts_by_network(panel: pd.DataFrame, names: dict | None = None) -> pd.DataFrame:
    """Producers per network (comparison producers: per sector) and survey year.

    ``names`` optionally maps network_id to a display name (e.g. networks.csv short_name).
    """
    member = panel["member"].astype("boolean").fillna(False).astype(bool)
    names = names or {}
    unit = map_distinct(panel["network_id"], lambda v: names.get(v, v))
    # a comparison sector named after a network's place is spelt as that network (one spelling)
    sector = map_distinct(panel["sector"], lambda v: place_name(v, names.values()))
    df = panel.assign(unit=unit.where(member, sector),
                      group=group_label(panel["member"]))
    wide = (df.groupby(["group", "chain", "unit", "year"])["producer_id"].nunique()
            .unstack("year").fillna(0).astype("int64"))
    wide.columns = [str(c) for c in wide.columns]
    out = wide.reset_index().rename(columns={"unit": "network"})
    out["_order"] = out["group"].map({"members": 0, "comparison": 1})
    return out.sort_values(["_order", "chain", "network"]).drop(columns="_order").reset_index(drop=True)


STABLE_ROWS_MAX = 30  # more rows than this in the producers-per-network table: collapse the stable ones


def collapse_stable(by_network: pd.DataFrame, max_rows: int = STABLE_ROWS_MAX,
                    labels: dict | None = None) -> tuple[pd.DataFrame, int]:
    """A programme-scale survey's producers-per-network table, kept readable: with more than
    ``max_rows`` rows, the networks (and comparison sectors) surveyed with the same number of
    producers in every round become one row per group and chain (their sums; ``labels`` maps
    "members"/"comparison" to a text with ``{n}``), and only the rows that change between rounds
    (attrition, late entries) are listed one by one. Returns the table and how many rows were
    collapsed (0: the table as given)."""
    years = [c for c in by_network.columns if str(c).isdigit()]
    if len(by_network) <= max_rows or not years:
        return by_network, 0
    stable = by_network[years].nunique(axis=1) == 1
    labels = labels or {"members": "{n} networks, same producers in every round",
                        "comparison": "{n} sectors, same producers in every round"}
    rows = []
    for (group, chain), sub in by_network[stable].groupby(["group", "chain"], sort=False):
        row = {"group": group, "chain": chain, "network": labels[group].format(n=len(sub))}
        row.update({y: int(sub[y].sum()) for y in years})
        rows.append(row)
    out = pd.concat([by_network[~stable], pd.DataFrame(rows, columns=by_network.columns)], ignore_index=True)
    out["_order"] = out["group"].map({"members": 0, "comparison": 1})
    out = out.sort_values(["_order", "chain"], kind="stable").drop(columns="_order").reset_index(drop=True)
    return out, int(stable.sum())


def panel_completeness(panel: pd.DataFrame) -> pd.DataFrame:
    """Producers by number of rounds in which they were observed, per group and chain."""
    per = panel.groupby("producer_id").agg(rounds=("round", "nunique"), chain=("chain", "first"),
                                           member=("member", "first"))
    per["group"] = group_label(per["member"])
    out = per.groupby(["group", "chain", "rounds"]).size().rename("producers").reset_index()
    return out.sort_values(["group", "chain", "rounds"], ascending=[False, True, False]).reset_index(drop=True)


def cleaning_by_rule(log: pd.DataFrame) -> pd.DataFrame:
    """Log entries and distinct producers per rule x action (PII drops included if logged)."""
    if log.empty:
        return pd.DataFrame(columns=["rule", "action", "entries", "producers"])
    out = (log.groupby(["rule", "action"], dropna=False)
           .agg(entries=("rule", "size"), producers=("producer_id", "nunique")).reset_index())
    return out.sort_values(["entries", "rule"], ascending=[False, True]).reset_index(drop=True)


def row_flow(summary: dict) -> pd.DataFrame:
    """Rows read, kept and excluded (and producers) from the pipeline summary; checks they add up."""
    needed = ("rows_in", "rows_kept", "rows_excluded")
    missing = [k for k in needed if k not in summary]
    if missing:
        raise KeyError(f"cleaning_summary.json lacks key(s) {missing}")
    if summary["rows_in"] != summary["rows_kept"] + summary["rows_excluded"]:
        raise ValueError(f"cleaning_summary.json: rows_in={summary['rows_in']} != rows_kept="
                         f"{summary['rows_kept']} + rows_excluded={summary['rows_excluded']}")
    keys = list(needed) + (["producers"] if "producers" in summary else [])
    return pd.DataFrame({"item": keys, "value": [int(summary[k]) for k in keys]})


def missingness(panel: pd.DataFrame, columns=OUTCOME_COLUMNS) -> pd.DataFrame:
    """Missing values per column and round; chain-only columns are measured within their chain."""
    present = [c for c in columns if c in panel.columns]
    # one grouped count per population (the whole panel, each chain of a chain-only column), not
    # one pass over the panel per column
    scopes = {None: [c for c in present if c not in CHAIN_ONLY]}
    for c in present:
        if c in CHAIN_ONLY:
            scopes.setdefault(CHAIN_ONLY[c], []).append(c)
    counts = {}
    for chain, cols in scopes.items():
        if not cols:
            continue
        base = panel if chain is None else panel[panel["chain"] == chain]
        keys = [base["round"], base["year"]]
        sizes = base.groupby(keys).size()
        missing = base[cols].isna().groupby(keys).sum()
        for col in cols:
            counts[col] = (sizes, missing[col])
    rows = []
    for col in present:
        sizes, missing = counts[col]
        for (rnd, year), n in sizes.items():
            k = int(missing.loc[(rnd, year)])
            rows.append({"column": col, "round": int(rnd), "year": int(year), "applicable": int(n),
                         "missing": k, "pct_missing": 100.0 * k / n if n else float("nan")})
    return pd.DataFrame(rows, columns=["column", "round", "year", "applicable", "missing", "pct_missing"])


def missingness_wide(miss: pd.DataFrame) -> pd.DataFrame:
    """One row per column, missing counts per survey year plus the applicable producers."""
    wide = miss.pivot(index="column", columns="year", values="missing")
    wide.columns = [str(c) for c in wide.columns]
    order = [c for c in OUTCOME_COLUMNS if c in wide.index] + [c for c in wide.index if c not in OUTCOME_COLUMNS]
    wide = wide.loc[order]
    wide["applicable"] = miss.groupby("column")["applicable"].sum().loc[order]
    wide["pct_missing"] = (100.0 * wide[[c for c in wide.columns if c.isdigit()]].sum(axis=1)
                           / wide["applicable"]).round(2)
    return wide.reset_index()


def duplicate_entries(log: pd.DataFrame) -> pd.DataFrame:
    """Duplicate producer-round records found while cleaning, counted per survey round and action.

    The round is the year in the sheet's name ("Final 2011" -> "2011"; a sheet without a year
    keeps its name). File paths and sheet names are internal and are not published.
    """
    dup = log[log["rule"].astype(str).str.startswith("duplicate")]
    if dup.empty:
        return pd.DataFrame(columns=["round", "action", "entries"])
    rounds = dup["sheet"].astype(str).map(lambda s: (re.findall(r"(?:19|20)\d{2}", s) or [s])[-1])
    return (dup.assign(round=rounds).groupby(["round", "action"]).size().rename("entries")
            .reset_index())


def panel_duplicates(panel: pd.DataFrame) -> int:
    """Producer-round pairs that appear more than once in the clean panel (should be 0)."""
    return int(panel.duplicated(["producer_id", "round"], keep="first").sum())


# ------------------------------------------------------------------------- presentation
def translate_values(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Translate codes (group, chain, rule, action, item, column names in a ``column`` column)."""
    out = df.copy()
    if "rule" in out.columns:
        out["rule"] = out["rule"].map(lambda v: rule_label(v, lang))
    for col, prefix in (("group", "group_"), ("action", "action_"), ("item", "item_"),
                        ("column", "col_"), ("variable", "col_")):
        if col in out.columns:
            out[col] = out[col].map(lambda v, p=prefix: _maybe(f"quality.{p}{v}", lang, v))
    if "chain" in out.columns:
        out["chain"] = out["chain"].map(lambda v: _maybe(f"common.chain_{v}", lang, v))
    return out


def present(df: pd.DataFrame, lang: str, counts: dict | None = None) -> tuple[pd.DataFrame, dict | None]:
    """Translate values and column headers; map a ``{value col: count col}`` dict to the new headers."""
    out = translate_values(df, lang)
    names = {c: _maybe(f"quality.col_{c}", lang, c) for c in out.columns}
    out = out.rename(columns=names)
    mapped = None if counts is None else {names[v]: names[c] for v, c in counts.items()}
    return out, mapped


RULE_PREFIXES = ("plausibility_min_", "plausibility_max_", "unit_conversion_from_",
                 "not_applicable_for_chain_", "read_")


def rule_label(rule: str, lang: str) -> str:
    """Readable name of a cleaning rule; parametrised rules (``plausibility_max_40``) keep their value."""
    label = _maybe(f"quality.rule_{rule}", lang, None)
    if label is not None:
        return label
    for prefix in RULE_PREFIXES:
        if str(rule).startswith(prefix):
            value = str(rule)[len(prefix):]
            if prefix == "not_applicable_for_chain_":
                value = _maybe(f"common.chain_{value}", lang, value)
            return t(f"quality.rule_{prefix.rstrip('_')}", lang, value=value)
    return str(rule)


def _maybe(key: str, lang: str, default):
    try:
        return t(key, lang)
    except KeyError:
        return default
