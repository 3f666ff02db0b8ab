"""Survey ingestion end to end: config -> read -> clean -> validate -> panel + log + summary.

CLI: ``python -m analysis.survey.pipeline --config config/demo.yaml --processed-dir data/processed``
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.paths import DATA_RAW
from analysis.survey.clean import META, PANEL_COLUMNS, clean_tables, load_networks
from analysis.survey.codebook import write_result_codebook
from analysis.survey.config import load_config
from analysis.survey.design import comparison_notices, design_problems
from analysis.survey.errors import SurveyValidationError
from analysis.survey.privacy import assert_no_pii, load_secret
from analysis.survey.readers import display_path, read_source
from analysis.survey.validate import panel_problems, typed


@dataclass
class CleanResult:
    panel: pd.DataFrame
    log: pd.DataFrame
    summary: dict


def _summary(cfg, log, rows_in, rows_kept, rows_excluded, panel) -> dict:
    by_rule = {}
    for (rule, action), n in log.groupby(["rule", "action"]).size().items():
        by_rule.setdefault(rule, {})[action] = int(n)
    return {
        "source_name": cfg.source_name, "synthetic": cfg.synthetic, "price_year": cfg.price_year,
        "config": display_path(cfg.path), "files": [display_path(f.path) for f in cfg.files],
        "rows_in": int(rows_in), "rows_kept": int(rows_kept), "rows_excluded": int(rows_excluded),
        "producers": int(panel["producer_id"].nunique()), "by_rule": by_rule,
        "comparison_impossible": sorted(log.loc[log["action"] == "noted", "old_value"].astype(str)),
    }


def build(config_path) -> CleanResult:
    """Everything except writing; raises SurveyConfigError / SurveyValidationError."""
    cfg = load_config(config_path)
    secret = load_secret(cfg)
    networks = load_networks(cfg.networks_file)
    tables = read_source(cfg)
    df, log, rows_in, problems, excluded = clean_tables(tables, cfg, networks, secret)
    if df.empty and problems:
        raise SurveyValidationError(problems)
    kept = typed(df[~excluded])
    problems = problems + [p for p in panel_problems(kept) if p.line() not in
                           {q.line() for q in problems}]
    # rows with a problem already reported produce cascading schema noise; keep the first cause
    problems = _dedupe(problems)
    if problems:
        raise SurveyValidationError(problems)
    panel = kept[PANEL_COLUMNS]  # copy-on-write: a selection, edited without touching kept
    panel["member"] = panel["member"].astype(bool)
    panel = panel.sort_values(["producer_id", "round"]).reset_index(drop=True)
    design = design_problems(panel, display_path(cfg.path), cfg.columns.get("member"))
    if design:
        raise SurveyValidationError(design)
    notices = comparison_notices(panel, display_path(cfg.path), cfg.columns.get("member"))
    if notices:
        log = pd.concat([log, pd.DataFrame([
            {"file": n.file, "sheet": None, "row": pd.NA, "producer_id": None, "column": n.column,
             "rule": n.rule.split(":", 1)[0], "old_value": n.value, "new_value": None,
             "action": "noted"} for n in notices], columns=log.columns)], ignore_index=True)
        log["row"] = log["row"].astype("Int64")
        for n in notices:
            print(f"[survey] note: {n.rule}", file=sys.stderr, flush=True)
    assert_no_pii(panel, "panel")
    assert_no_pii(log[["file", "sheet", "producer_id", "column", "rule", "action"]], "cleaning log")
    rows_excluded = int(excluded.sum())
    if rows_in != len(panel) + rows_excluded:
        raise AssertionError(f"rows_in {rows_in} != kept {len(panel)} + excluded {rows_excluded}")
    n_excl_log = log[log["action"] == "excluded"][["file", "sheet", "row"]].drop_duplicates()
    if len(n_excl_log) != rows_excluded:
        raise AssertionError("every excluded row must have exactly one log entry")
    return CleanResult(panel, log, _summary(cfg, log, rows_in, len(panel), rows_excluded, panel))


def _dedupe(problems):
    """Drop schema problems on cells whose row/column already has a cleaning problem."""
    seen = {(p.file, p.sheet, p.row, p.column) for p in problems if not p.rule.startswith("schema")}
    out, lines = [], set()
    for p in problems:
        if p.rule.startswith("schema") and p.row is not None and any(
                (p.file, p.sheet, p.row) == k[:3] for k in seen):
            continue
        if p.line() not in lines:
            lines.add(p.line())
            out.append(p)
    return out


def run(config_path, processed_dir) -> CleanResult:
    """Build and write panel.parquet, cleaning_log.csv, cleaning_summary.json to processed_dir."""
    out = Path(processed_dir).resolve()
    raw = DATA_RAW.resolve()
    if out == raw or raw in out.parents:
        raise ValueError(f"refusing to write under {raw}: raw data is read-only")
    res = build(config_path)
    out.mkdir(parents=True, exist_ok=True)
    res.panel.to_parquet(out / "panel.parquet", index=False)
    res.log.to_csv(out / "cleaning_log.csv", index=False, encoding="utf-8")
    (out / "cleaning_summary.json").write_text(
        json.dumps(res.summary, ensure_ascii=False, indent=2), encoding="utf-8")
    write_result_codebook(res.panel, load_config(config_path), out)
    write_survey_networks(load_config(config_path).networks_file, out)
    return res


SURVEY_NETWORKS = "survey_networks.csv"
# What survey_networks.csv may hold: attributes of a network, never of a person.
NETWORK_COLUMNS = ("network_id", "name", "short_name", "chain", "programme_phase", "start_date",
                   "men", "women", "total", "representative_sex", "region", "sector", "source")


def write_survey_networks(networks_file, out_dir) -> Path:
    """Copy the networks table the cleaning used (the config's ``networks_file``) to out_dir, so
    the reports name the survey's networks, not the project's published ones (issue 14).

    Only the columns that describe a network are copied (``NETWORK_COLUMNS``): a person's name,
    such as the published table's ``representative``, never reaches data/processed; the columns
    left out are named on stderr."""
    target = Path(out_dir) / SURVEY_NETWORKS
    df = pd.read_csv(networks_file, dtype=str, keep_default_na=False)
    left_out = [c for c in df.columns if c not in NETWORK_COLUMNS]
    if left_out:
        print(f"[survey] {SURVEY_NETWORKS}: column(s) {', '.join(left_out)} of {Path(networks_file).name} "
              "left out (only network attributes go to data/processed, never a person's name)",
              file=sys.stderr)
    df.drop(columns=left_out).to_csv(target, index=False, encoding="utf-8", lineterminator="\n")
    return target


def survey_networks(processed_dir, fallback: pd.DataFrame) -> pd.DataFrame:
    """The networks the cleaning step used (processed_dir/survey_networks.csv), else ``fallback``."""
    path = Path(processed_dir) / SURVEY_NETWORKS
    if not path.is_file():
        return fallback
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def main(argv=None) -> int:
    """``python -m analysis.survey.pipeline ARGS`` = ``redes survey ARGS``."""
    from analysis.cli import alias

    return alias("survey", argv)


if __name__ == "__main__":
    sys.exit(main())
