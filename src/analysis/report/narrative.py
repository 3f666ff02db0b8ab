"""Fill the main report's narrative templates (``i18n/narrative.yaml``) from data.

Every number in the prose is computed here from published or processed files; ``fill`` refuses
a text that still holds a ``{placeholder}`` or the document's "XX" marker.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from analysis.labels import synthetic_notice, t

CONFIG_DEFAULTS = {"synthetic": False, "min_cell": 5}
_LEFTOVER = re.compile(r"\{[a-z_]+\}|\bXX\b")


# Notes the transcriber left inside published text: "(nombre por red no recuperable del texto
# aplanado)", "(asignación por red no recuperable)". They describe the transcription, not the
# programme, and are not printed.
_TRANSCRIPTION_NOTE = re.compile(
    r"\s*\((?=[^()]*(?:no\s+recuperable|no\s+se\s+recupera|texto\s+aplanado|flattened|"
    r"not\s+recoverable))[^()]*\)", re.IGNORECASE)


def published_text(text) -> str:
    """A published text cell (project name, objective, results) without the transcriber's notes."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return " ".join(_TRANSCRIPTION_NOTE.sub("", str(text)).split())


def load_report_config(path: Path | str, lang: str = "es") -> dict:
    """``source_name`` (in ``lang``), ``synthetic`` and ``min_cell`` of a survey config YAML."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"config {path} does not exist")
    if path.suffix.lower() == ".xlsx":  # an Excel codebook (analysis.survey.codebook)
        from analysis.survey.codebook import read_codebook

        data = read_codebook(path)[0]
    else:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
    if not data.get("source_name"):
        raise ValueError(f"{path}: key 'source_name' is missing or empty")
    out = {k: data.get(k, v) for k, v in CONFIG_DEFAULTS.items()}
    from analysis.published.translate import source_name

    out["source_name"] = source_name(data, lang)
    # whether the survey's networks are Laredo's (Tabla N°02), for the wording of the notices
    from analysis.report.scope import survey_scope

    out["laredo"] = survey_scope(path).laredo
    if not isinstance(out["synthetic"], bool):
        raise ValueError(f"{path}: key 'synthetic' must be true or false, got {out['synthetic']!r}")
    if isinstance(out["min_cell"], bool) or not isinstance(out["min_cell"], int) or out["min_cell"] < 1:
        raise ValueError(f"{path}: key 'min_cell' must be a positive integer, got {out['min_cell']!r}")
    return out


def fill(key: str, lang: str = "es", **values) -> str:
    """``t(key, lang, **values)``; raises if a placeholder or "XX" is left in the text."""
    text = t(key, lang, **values)
    left = _LEFTOVER.findall(text)
    if left:
        raise ValueError(f"label {key!r} ({lang}) still contains {left} after filling")
    return text


def chapter(n: int, key: str, lang: str = "es") -> str:
    """Markdown h1 of a numbered chapter: '# 1. Resumen'."""
    return "# " + t("narrative.chapter", lang, n=n, title=t(f"narrative.{key}", lang))


def section(key: str, lang: str = "es", **values) -> str:
    """Markdown h2 of a section."""
    return "## " + fill(f"narrative.{key}", lang, **values)


def audit_counts(audit: pd.DataFrame) -> tuple[int, int]:
    """(checks, failures) of audit.csv."""
    if "passed" not in audit.columns:
        raise ValueError("audit.csv: missing column 'passed'")
    passed = audit["passed"].astype(str).str.lower()
    bad = ~passed.isin(["true", "false"])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ValueError(f"audit.csv row {i + 1}, column 'passed': {audit['passed'].iloc[i]!r} "
                         f"is not True/False")
    return len(audit), int((passed == "false").sum())


def summary_values(networks: pd.DataFrame, audit: pd.DataFrame) -> dict[str, int]:
    """Counts for the summary, from networks.csv (Tabla N°02) and audit.csv."""
    for col in ("chain", "men", "women", "total"):
        if col not in networks.columns:
            raise ValueError(f"networks.csv: missing column {col!r}")
    n_checks, n_fail = audit_counts(audit)
    chains = networks["chain"].value_counts()
    return {"n_networks": len(networks), "n_mango": int(chains.get("mango", 0)),
            "n_dairy": int(chains.get("lacteos", 0)), "n_producers": int(networks["total"].sum()),
            "n_women": int(networks["women"].sum()), "n_men": int(networks["men"].sum()),
            "n_checks": n_checks, "n_fail": n_fail}


def summary_text(networks: pd.DataFrame, audit: pd.DataFrame, lang: str = "es",
                 synthetic: bool = True, laredo: bool = True) -> str:
    """The summary paragraph filled from data; on synthetic survey data it says so (``laredo``:
    the survey's networks are Tabla N°02's, see labels.synthetic_notice)."""
    clause = t(f"narrative.summary_effects_{'synthetic' if synthetic else 'real'}", lang)
    text = fill("narrative.summary", lang, effects_clause=clause, **summary_values(networks, audit))
    return f"{text}\n\n**{synthetic_notice(lang, 'summary', laredo)}**" if synthetic else text


def audit_text(audit: pd.DataFrame, lang: str = "es") -> str:
    """The audit chapter's paragraph with the number of checks and failures."""
    n_checks, n_fail = audit_counts(audit)
    return fill("narrative.audit", lang, n_checks=n_checks, n_fail=n_fail)


def employment_text(employment: pd.DataFrame, lang: str = "es") -> str:
    """What the published figures cannot say about jobs, and why (implied_employment.csv)."""
    for col in ("indicator", "label", "status", "reason", "data_needed"):
        if col not in employment.columns:
            raise ValueError(f"implied_employment.csv: missing column {col!r}")
    # one sentence of what cannot be known: "cuántos puestos ... se generaron ni cuántos ..."
    items = t("narrative.employment_and", lang).join(
        t(f"narrative.employment_item_{r.indicator}", lang) for r in employment.itertuples())
    reasons = list(dict.fromkeys(employment["reason"]))
    needed = list(dict.fromkeys(employment["data_needed"]))
    return fill("narrative.employment_text", lang, items=items, reason="; ".join(reasons),
                data_needed="; ".join(needed))


def effects_text(panel: pd.DataFrame, effects: pd.DataFrame, lang: str = "es") -> str:
    """Method paragraph: survey years from the panel, clusters from the overall DiD row."""
    years = sorted(int(y) for y in pd.unique(panel["year"].dropna()))
    if len(years) < 2:
        raise ValueError(f"panel.parquet: column 'year' needs at least two survey years, got {years}")
    mid = years[1:-1] or [years[0]]
    sel = effects[(effects["level"] == "overall") & (effects["method"] == "did_twfe")]
    n_clusters = (int(sel["n_clusters"].dropna().iloc[0]) if len(sel) and sel["n_clusters"].notna().any()
                  else int(panel["cluster_id"].nunique()))
    return fill("narrative.effects", lang, first_year=years[0],
                mid_year=", ".join(str(y) for y in mid), last_year=years[-1], n_clusters=n_clusters)


BEFORE_AFTER = ("before_after", "before_after_pct")


def no_comparison_text(effects: pd.DataFrame, lang: str = "es") -> str:
    """Paragraph naming the chains whose delivery has no comparison producers ('' when none).

    Such a chain's rows in ``effects.csv`` are before–after only
    (:func:`analysis.effects.project.chains_without_comparison`).
    """
    chain_rows = effects[effects["level"] == "chain"]
    lacking = [c for c, g in chain_rows.groupby("group_value") if g["method"].isin(BEFORE_AFTER).all()]
    if not lacking:
        return ""
    chains = ", ".join(t(f"common.chain_{c}", lang).lower() for c in sorted(lacking))
    return fill("narrative.effects_no_comparison", lang, chains=chains, n=len(lacking))


def data_line(processed_dir: Path | str, lang: str = "es") -> str:
    """The cover's data line: the published figures' date and scope, and the survey's rounds (the
    years of ``panel.parquet``, when the survey step ran): "...; encuesta a productores, rondas 2005,
    2007 y 2011."."""
    panel = Path(processed_dir) / "panel.parquet"
    survey = ""
    if panel.exists():
        years = sorted(int(y) for y in pd.read_parquet(panel, columns=["year"])["year"].dropna().unique())
        if years:
            names = [str(y) for y in years]
            joined = names[0] if len(names) == 1 else \
                f"{', '.join(names[:-1])} {t('report.and', lang)} {names[-1]}"
            survey = t("report.cover_data_survey", lang, years=joined)
    return t("report.cover_data", lang, survey=survey)


def notice_text(config: dict, lang: str = "es") -> str:
    """Cover notice: the synthetic-data warning, or the plain survey source line."""
    if config["synthetic"]:
        return synthetic_notice(lang, "cover", config.get("laredo", True))
    return fill("narrative.real_notice", lang, source_name=config["source_name"])


def effects_notice_text(config: dict, lang: str = "es") -> str:
    """The box that opens the effects chapter on synthetic data: what its numbers are not."""
    return synthetic_notice(lang, "effects", config.get("laredo", True))


def sensitivity_text(lang: str = "es") -> str:
    """How the intervals are built and where the assumptions' effects are shown (the numbers are
    in the checks and sensitivity tables)."""
    return fill("narrative.sensitivity_text", lang)


def audit_findings_text(audit: pd.DataFrame, findings: pd.DataFrame, lang: str = "es") -> str:
    """How many distinct findings the failed checks make, by severity (audit_findings.csv)."""
    if "severity" not in findings.columns:
        raise ValueError("audit_findings.csv: missing column 'severity'")
    _, n_fail = audit_counts(audit)
    counts = findings["severity"].value_counts()
    by = ", ".join(f"{t(f'narrative.severity_{s}', lang).lower()}: {n}" for s, n in counts.items())
    return fill("narrative.audit_findings_text", lang, n_fail=n_fail, n_findings=len(findings),
                by_severity=by)
