"""Tables of the main report built from published and computed files (pure: DataFrame in/out).

Column names and category labels come from ``i18n/narrative.yaml``; values are never typed
here. Each function names the input file in its errors.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis import published_i18n as pi
from analysis.frames import require_columns as _need
from analysis.labels import network_name, t
from analysis.report_text import published_text  # noqa: F401  (used below; shared with factsheets)

CHAINS = ("mango", "lacteos")


def _n(key: str, lang: str, **kw) -> str:
    return t(f"narrative.{key}", lang, **kw)



def chain_label(chain: str, lang: str) -> str:
    """'mango' -> 'Mango'; 'all'/'todas' -> 'Ambas'."""
    if chain in ("all", "todas"):
        return _n("all_chains", lang)
    return t(f"common.chain_{chain}", lang)


def _cols(lang: str, *keys: str) -> list[str]:
    return [_n(f"col_{k}", lang) for k in keys]


def _value(v) -> str:
    """A published value as printed: no decimals for whole numbers, else up to two."""
    if pd.isna(v):
        return ""
    if float(v).is_integer():
        return f"{int(v):,d}"
    return f"{v:,.2f}".rstrip("0")


_NOTE = re.compile(r"\s*\([^()]*\)")
_FILE = re.compile(r"\s*\(?[\w./-]*\.(?:csv|parquet|xlsx|json|md)\)?", re.IGNORECASE)


def cite(sources) -> str:
    """A source cell as published: the document's places ("Tabla N°02", "Sección 4.3.2 Fase 2,
    texto"), once each and in order, without the transcriber's notes in parentheses, the
    "fecha:" / "(derivado)" markers or file names."""
    if sources is None or (not isinstance(sources, str) and pd.isna(sources)):
        return ""
    text = str(sources)
    while _NOTE.search(text):
        text = _NOTE.sub("", text)
    text = _FILE.sub("", text)
    parts = []
    for part in re.split(r"\s*;\s*", text):
        part = re.sub(r"^(?:fecha|date)\s*:\s*", "", part.strip(), flags=re.IGNORECASE).strip(" ,")
        if part and part not in parts:
            parts.append(part)
    return "; ".join(parts)


def cite_in(sources, lang: str = "es") -> str:
    """``cite`` in the report's language (the document's places translated for English)."""
    return pi.source(cite(sources), lang)


def socioeconomic_table(socio: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """laredo_socioeconomic.csv with labelled indicators: Indicador, Valor, Unidad, Fuente."""
    _need(socio, ["indicator", "value", "unit", "source"], "laredo_socioeconomic.csv")
    labels = []
    for i, ind in enumerate(socio["indicator"]):
        try:
            labels.append(_n(f"ind_{ind}", lang))
        except KeyError:
            raise ValueError(f"laredo_socioeconomic.csv row {i + 1}, column 'indicator': no label "
                             f"'ind_{ind}' in i18n/narrative.yaml") from None
    out = pd.DataFrame({"a": labels, "b": [_value(v) for v in socio["value"]],
                        "c": [pi.unit(u, lang) for u in socio["unit"]],
                        "d": [cite_in(s, lang) for s in socio["source"]]})
    out.columns = _cols(lang, "indicator", "value", "unit", "source")
    return out


def networks_table(networks: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """One row per network (name, chain, phase, men, women, total, start) plus a totals row."""
    _need(networks, ["name", "chain", "programme_phase", "men", "women", "total", "start_date"],
          "networks.csv")
    d = pd.concat([networks[networks["chain"] == c] for c in CHAINS])
    out = pd.DataFrame({
        "name": [network_name(a, b) for a, b in zip(d["name"], d.get("short_name", d["name"]))],
        "chain": [chain_label(c, lang) for c in d["chain"]],
        "phase": d["programme_phase"], "men": d["men"], "women": d["women"],
        "total": d["total"], "start": d["start_date"],
    })
    total = {"name": _n("total_row", lang), "chain": "", "phase": pd.NA, "men": d["men"].sum(),
             "women": d["women"].sum(), "total": d["total"].sum(), "start": ""}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["phase"] = pd.array(out["phase"], dtype="Int64")
    out.columns = _cols(lang, "network", "chain", "phase", "men", "women", "total", "start")
    return out


def _project_label(row, lang: str) -> str:
    return (f"{_n('ptype_' + row.project_type, lang)} – {chain_label(row.chain, lang)}, "
            f"{_n('col_phase', lang).lower()} {row.programme_phase}")


def cofinancing_table(cof: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """Every co-financing amount with its currency; stated totals marked as such."""
    _need(cof, ["project_id", "project_type", "chain", "programme_phase", "funder", "amount",
                "currency", "kind", "source"], "cofinancing.csv")
    out = pd.DataFrame({
        "project": [_project_label(r, lang) for r in cof.itertuples()],
        "funder": [_n("total_row", lang) if f == "total" else pi.text(f, lang) for f in cof["funder"]],
        "amount": cof["amount"].to_numpy(), "currency": cof["currency"].to_numpy(),
        "kind": [_n(f"kind_{k}", lang) for k in cof["kind"]],
        "source": [cite_in(s, lang) for s in cof["source"]],
    })
    out.columns = _cols(lang, "project", "funder", "amount", "currency", "kind", "source")
    return out


def _network_names(networks: pd.DataFrame, ids: pd.Series, lang: str, file: str) -> list[str]:
    names = networks.set_index("network_id")["short_name"]
    out = []
    for i, nid in enumerate(ids):
        if pd.isna(nid) or nid == "":
            out.append(_n("whole_chain", lang))
            continue
        if nid in names.index:
            out.append(names[nid])
            continue
        try:
            out.append(_n(f"group_{nid}", lang))
        except KeyError:
            raise ValueError(f"{file} row {i + 1}, column 'network_id': {nid!r} is neither in "
                             f"networks.csv nor a known group") from None
    return out


def projects_table(projects: pd.DataFrame, networks: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """Pilot and strategic projects: Red(es), Tipo, Proyecto, Inicio, Resultados; networks that
    share the same project, start and results are listed in one row."""
    _need(projects, ["network_id", "chain", "project_type", "name", "start", "reported_results"],
          "projects.csv")
    d = projects[projects["project_type"].isin(["piloto", "estrategico"])].reset_index(drop=True)
    d = d.assign(network=_network_names(networks, d["network_id"], lang, "projects.csv"),
                 start=d["start"].fillna(""), reported_results=d["reported_results"].fillna(""))
    keys = ["project_type", "name", "start", "reported_results"]
    grouped = (d.groupby(keys, sort=False)["network"].agg(", ".join).reset_index())
    out = pd.DataFrame({
        "network": grouped["network"],
        "type": [_n(f"ptype_{p}", lang) for p in grouped["project_type"]],
        "project": [pi.text(published_text(x), lang) for x in grouped["name"]],
        "start": grouped["start"],
        "results": [pi.text(published_text(x), lang) for x in grouped["reported_results"]],
    })
    out.columns = _cols(lang, "network", "type", "project", "start", "results")
    return out


def chain_indicator_table(indicators: pd.DataFrame, networks: pd.DataFrame, chain: str,
                          lang: str = "es") -> pd.DataFrame:
    """Published indicators of one chain: Indicador, Ámbito, Periodo, Valor, Rango (low–high,
    blank for a single figure), Unidad, Fuente."""
    _need(indicators, ["indicator_id", "chain", "network_id", "period", "value", "low", "high",
                       "unit", "measure", "source"], "chain_indicators.csv")
    d = indicators[indicators["chain"] == chain].reset_index(drop=True)
    scope = _network_names(networks, d["network_id"], lang, "chain_indicators.csv")
    out = pd.DataFrame({
        "indicator": [pi.text(m, lang) for m in d["measure"]], "scope": scope,
        "period": [_n(f"period_{p}", lang) for p in d["period"]],
        "value": [_value(v) for v in d["value"]],
        "range": ["" if lo == hi else f"{_value(lo)}–{_value(hi)}" for lo, hi in zip(d["low"], d["high"])],
        "unit": [pi.unit(u, lang) for u in d["unit"]],
        "source": [cite_in(s, lang) for s in d["source"]],
    })
    out.columns = _cols(lang, "indicator", "scope", "period", "value", "range", "unit", "source")
    return out


def failed_checks_table(audit: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """Failed audit checks: Regla, Qué se comprueba, Esperado, Encontrado, Fuente."""
    _need(audit, ["rule", "description", "sources", "expected", "found", "passed"], "audit.csv")
    passed = audit["passed"].astype(str).str.lower().map({"true": True, "false": False})
    if passed.isna().any():
        i = int(np.flatnonzero(passed.isna().to_numpy())[0])
        raise ValueError(f"audit.csv row {i + 1}, column 'passed': {audit['passed'].iloc[i]!r} "
                         f"is not True/False")
    d = audit[~passed.astype(bool)].reset_index(drop=True)
    out = pd.DataFrame({
        "rule": [_n(f"rule_{r}", lang) for r in d["rule"]],
        "what": [pi.inline(x, lang) for x in d["description"]],
        "expected": [audit_value(v, lang) for v in d["expected"]],
        "found": [audit_value(v, lang) for v in d["found"]],
        "source": [cite_in(s, lang) for s in d["sources"]],
    })
    out.columns = _cols(lang, "rule", "what", "expected", "found", "source")
    return out


def _range(lo, hi, decimals: int = 0) -> str:
    if pd.isna(lo) or pd.isna(hi):
        return ""
    a, b = f"{lo:,.{decimals}f}", f"{hi:,.{decimals}f}"
    return a if a == b else f"{a} – {b}"


def implied_table(implied: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """implied_effects.csv rows with a computed interval: ranges as 'low – high'."""
    _need(implied, ["chain", "level", "quantity", "unit", "initial_low", "initial_high",
                    "current_low", "current_high", "change_low", "change_high", "pct_low",
                    "pct_high", "scenario"], "implied_effects.csv")
    d = implied[implied["pct_low"].notna()]
    out = pd.DataFrame({
        "chain": [chain_label(c, lang) for c in d["chain"]],
        "level": [_n(f"level_{v}", lang) for v in d["level"]],
        "quantity": [t(f"figures.q_{q}", lang) for q in d["quantity"]],
        "scenario": [_n(f"scenario_{s}", lang) for s in d["scenario"]],
        "unit": [pi.unit(u, lang) for u in d["unit"]],
        "initial": [_range(a, b) for a, b in zip(d["initial_low"], d["initial_high"])],
        "current": [_range(a, b) for a, b in zip(d["current_low"], d["current_high"])],
        "change_pct": [_range(a, b) for a, b in zip(d["pct_low"], d["pct_high"])],
        "consistency": [_n(f"consistency_{'' if pd.isna(v) else v}", lang)
                        for v in (d["consistency"] if "consistency" in d else [""] * len(d))],
    })
    out.columns = _cols(lang, "chain", "level", "quantity", "scenario", "unit", "initial",
                        "current", "change_pct", "consistency")
    return out


def assumptions_table(assumptions: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """implied_assumptions.csv: Cadena, Supuesto, Valor, Fuente."""
    _need(assumptions, ["chain", "assumption", "value", "source"], "implied_assumptions.csv")
    out = pd.DataFrame({"chain": [chain_label(c, lang) for c in assumptions["chain"]],
                        "assumption": assumptions["assumption"],
                        "value": assumptions["value"].astype(str),
                        "source": [cite_in(s, lang) for s in assumptions["source"]]})
    out.columns = _cols(lang, "chain", "assumption", "value", "source")
    return out


def conclusions_table(conclusions: pd.DataFrame, survey: dict[str, str] | None, synthetic: bool,
                      lang: str = "es") -> pd.DataFrame:
    """The four placeholders: published-figures column (conclusions.csv) and survey column.

    ``survey`` maps placeholder -> text (``effects_figures.survey_conclusions``); None when there
    is no survey estimate. With synthetic data the survey column says it is not a finding.
    """
    _need(conclusions, ["placeholder", "label", "value_text"], "conclusions.csv")
    rows = []
    for r in conclusions.itertuples():
        text = r.label[:1].upper() + r.label[1:]
        rows.append({"item": text, "published": r.value_text,
                     "survey": (survey or {}).get(r.placeholder, "")})
    out = pd.DataFrame(rows)
    col = "concl_col_survey_synthetic" if synthetic else "concl_col_survey"
    out.columns = [t("effects_report.concl_col_item", lang), t("effects_report.concl_col_published", lang),
                   t(f"effects_report.{col}", lang)]
    if survey is None:
        out = out.iloc[:, :2]
    return out


def decomposition_table(decomp: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """implied_decomposition.csv: each driver's factor (current ÷ initial) at range midpoints."""
    _need(decomp, ["chain", "scenario", "driver", "ratio"], "implied_decomposition.csv")
    out = pd.DataFrame({
        "chain": [chain_label(c, lang) for c in decomp["chain"]],
        "scenario": [_n(f"scenario_{s}", lang) for s in decomp["scenario"]],
        "driver": [_n(f"driver_{d}", lang) for d in decomp["driver"]],
        "factor": [f"× {r:.2f}".replace(".", ",") if lang == "es" else f"× {r:.2f}"
                   for r in decomp["ratio"]],
    })
    out.columns = _cols(lang, "chain", "scenario", "driver", "factor")
    return out


def _plain(text: str, names: dict[str, str]) -> str:
    """Internal ids left in an audit text (older audit.csv) replaced by the networks' names; any
    other snake_case id de-snaked. Descriptions written by ``audit.item_labels`` pass unchanged."""
    for nid in sorted(names, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(nid)}\b", names[nid], text)
    text = re.sub(r"\b([a-z0-9]+(?:_[a-z0-9]+)+)\b", lambda m: m.group(1).replace("_", " "), text)
    return text.replace("|", " ")


_DATE = re.compile(r"\b(\d{4})-(\d{2})\b")
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:\.\d+)?(?![\d-])")


def audit_value(value, lang: str = "es", dates: bool | None = None) -> str:
    """An expected/found value of the audit as the report prints numbers: rounded (one decimal,
    two below 10), thousands with ",", "≥" for ">=", year-months as "julio 2006"."""
    from analysis.audit import display_number

    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    text = text.replace(">=", "≥").replace("<=", "≤")
    if dates is None:
        dates = bool(_DATE.search(text)) or bool(re.fullmatch(r"[≥≤ ]*\d{4}", text.strip()))
    if dates:
        months = t("report.months", lang).split(",")
        return _DATE.sub(lambda m: f"{months[int(m.group(2)) - 1].strip()} {m.group(1)}", text)
    return _NUMBER.sub(lambda m: display_number(float(m.group())), text)


def findings_table(findings: pd.DataFrame, networks: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """audit_findings.csv for the chapter: one row per discrepancy, grouped by severity,
    plain wording, numbers in the report's format, no internal ids or file names."""
    _need(findings, ["severity", "description", "values", "sources", "n_checks"], "audit_findings.csv")
    names = dict(zip(networks["network_id"], networks["short_name"]))
    rules = findings["rules"] if "rules" in findings else pd.Series([""] * len(findings))

    def values(v, rule) -> str:
        dates = "dates_in_order" in str(rule)
        pairs = [" / ".join(audit_value(x.strip(), lang, dates) for x in pair.split(" / "))
                 for pair in str(v).split("; ")]
        return "; ".join(dict.fromkeys(pairs))

    out = pd.DataFrame({
        "severity": [_n(f"severity_{s}", lang) for s in findings["severity"]],
        "what": [pi.inline(_plain(d, names), lang) for d in findings["description"]],
        "values": [values(v, r) for v, r in zip(findings["values"], rules)],
        "source": [cite_in(s, lang) for s in findings["sources"]],
        "n_checks": findings["n_checks"].astype(int),
    })
    out.columns = _cols(lang, "severity", "what", "values_found", "source", "n_checks")
    return out
