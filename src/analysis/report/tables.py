"""Tables of the main report built from published and computed files (pure: DataFrame in/out).

Column names and category labels come from ``i18n/narrative.yaml``; values are never typed
here. Each function names the input file in its errors.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.published import translate as pi
from analysis.report.frames import require_columns as _need
from analysis.labels import network_name, t
from analysis.report.narrative import published_text  # noqa: F401  (used below; shared with factsheets)

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


def published_value(v) -> str:
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
    out = pd.DataFrame({"a": labels, "b": [published_value(v) for v in socio["value"]],
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
        "amount": cof["amount"].to_numpy(), "currency": [pi.unit(c, lang) for c in cof["currency"]],
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
    if "scope" in d:  # a chain-level row says which producers it is about (README: scope)
        scope = [s if pd.notna(nid) and nid != "" else _n(f"scope_{sc}", lang)
                 for s, nid, sc in zip(scope, d["network_id"], d["scope"].fillna("all"))]
    out = pd.DataFrame({
        "indicator": [pi.text(m, lang) for m in d["measure"]], "scope": scope,
        "period": [_n(f"period_{p}", lang) for p in d["period"]],
        "value": [published_value(v) for v in d["value"]],
        "range": ["" if lo == hi else f"{published_value(lo)}–{published_value(hi)}" for lo, hi in zip(d["low"], d["high"])],
        "unit": [pi.unit(u, lang) for u in d["unit"]],
        "source": [cite_in(s, lang) for s in d["source"]],
    })
    out.columns = _cols(lang, "indicator", "scope", "period", "value", "range", "unit", "source")
    return out


def exhibit_counterpart_table(exhibit_tables: pd.DataFrame, networks: pd.DataFrame, exhibit: str,
                              lang: str = "es") -> pd.DataFrame:
    """The counterpart of a printed table of plans or pilots (``exhibit_tables.csv``): first the
    networks with the cells that belong to them (networks whose cells are the same share a row),
    then the cells the table states for all its
    networks or that the flattened text does not assign to one, under the same printed columns.
    Network names in the report's spelling; texts in the edition's language; dates as months."""
    _need(exhibit_tables, ["exhibit", "printed_row", "column", "value", "network_id", "assignment"],
          "exhibit_tables.csv")
    d = exhibit_tables[exhibit_tables["exhibit"] == exhibit]
    if d.empty:
        raise ValueError(f"exhibit_tables.csv: no rows for exhibit {exhibit!r}; known: "
                         f"{sorted(exhibit_tables['exhibit'].unique())}")
    name_col = d["column"].iloc[0]  # the first printed column names the network
    cols = [c for c in dict.fromkeys(d["column"]) if c != name_col]
    net = networks.set_index("network_id")

    def cell(v: str) -> str:
        v = str(v)
        return audit_value(v, lang, dates=True) if re.fullmatch(r"\d{4}-\d{2}", v) else pi.text(v, lang)

    rows = []
    for printed_row, g in d[d["assignment"] == "exact"].groupby("printed_row", sort=False):
        nid = g["network_id"].dropna().iloc[0]
        name = (network_name(net.loc[nid, "name"], net.loc[nid, "short_name"])
                if nid in net.index else str(g[g["column"] == name_col]["value"].iloc[0]))
        own = {c: "; ".join(cell(v) for v in g[g["column"] == c]["value"]) for c in cols}
        same = next((r for r in rows if all(r[c] == own[c] for c in cols)), None)
        if same is not None:  # networks with the same cells share one row: "1. A; 2. B"
            same["network"] += f"; {printed_row}. {name}"
        else:
            rows.append({"network": f"{printed_row}. {name}", **own})
    for r in d[d["assignment"] != "exact"].itertuples():
        who = _n(f"exhibit_rows_{r.assignment}", lang, rows=r.printed_row)
        rows.append({"network": who, **{c: (cell(r.value) if c == r.column else "") for c in cols}})
    out = pd.DataFrame(rows, columns=["network", *cols])
    out.columns = [_n("col_network", lang), *[pi.text(c, lang) for c in cols]]
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


def _scenario_label(scenario, prices, lang: str, chain: str = "") -> str:
    """"Volumen diario publicado, precios nominales": the scenario (its chain's own label where
    there is one) and its price variant."""
    try:
        label = _n(f"scenario_{chain}_{scenario}", lang)
    except KeyError:
        label = _n(f"scenario_{scenario}", lang)
    if isinstance(prices, str) and prices:
        label += ", " + _n(f"prices_{prices}", lang)
    return label


def implied_table(implied: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """implied_effects.csv rows with a computed interval: ranges as 'low – high'; the scenario
    column names the price variant; the last column says whether the document's other
    statements allow the scenario."""
    _need(implied, ["chain", "level", "quantity", "unit", "initial_low", "initial_high",
                    "current_low", "current_high", "change_low", "change_high", "pct_low",
                    "pct_high", "scenario"], "implied_effects.csv")
    # Per producer only (the chain totals are these × producers; all rows stay in the CSV); the
    # sales value equals the gross income here, and production does not depend on prices.
    d = implied[implied["pct_low"].notna() & implied["level"].isin(["per_producer", "stated"])
                & (implied["quantity"] != "sales_value")]
    prices = d["prices"] if "prices" in d else pd.Series([""] * len(d), index=d.index)
    keep = (d["quantity"] != "production") | ~pd.DataFrame({"c": d["chain"], "s": d["scenario"]}).duplicated()
    d, prices = d[keep], prices[keep]
    prices = prices.where(d["quantity"] != "production", "")
    out = pd.DataFrame({
        "chain": [chain_label(c, lang) for c in d["chain"]],
        "level": [_n(f"level_{v}", lang) for v in d["level"]],
        "quantity": [t(f"figures.q_{q}", lang) for q in d["quantity"]],
        "scenario": [_scenario_label(s, p, lang, c) for s, p, c in zip(d["scenario"], prices, d["chain"])],
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


def implied_checks_table(checks: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """implied_checks.csv: each scenario's checks against the document's other statements, one
    row per scenario and check (the price variants share their volume checks, so they are
    shown once): what the combinations imply, the stated figure, and the verdict."""
    _need(checks, ["chain", "scenario", "check", "implied_low", "implied_high", "published_low",
                   "published_high", "relation", "verdict", "source"], "implied_checks.csv")
    d = checks[checks["verdict"].fillna("").astype(str) != ""]
    d = d.drop_duplicates(subset=["chain", "scenario", "check"])
    out = pd.DataFrame({
        "chain": [chain_label(c, lang) for c in d["chain"]],
        "scenario": [_scenario_label(s, "", lang, c) for s, c in zip(d["scenario"], d["chain"])],
        "what": list(d["check"]),
        "implied": [_num_range(a, b) for a, b in zip(d["implied_low"], d["implied_high"])],
        "stated": [f"{r} {_num_range(a, b)}" for r, a, b in
                   zip(d["relation"], d["published_low"], d["published_high"])],
        "verdict": list(d["verdict"]),
        "source": [cite_in(s, lang) for s in d["source"]],
    })
    out.columns = _cols(lang, "chain", "scenario", "what", "implied_value", "stated_value",
                        "verdict", "source")
    return out


def _num_range(lo, hi) -> str:
    from analysis.published.audit import display_number
    if pd.isna(lo) or pd.isna(hi):
        return ""
    a, b = display_number(lo), display_number(hi)
    return a if a == b else f"{a} – {b}"


def sensitivity_table(sens: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """implied_sensitivity.csv: the headline income change for each value of each assumption
    the document does not give (all else at its default)."""
    _need(sens, ["chain", "parameter", "value", "pct_low", "pct_high", "scenario", "consistency"],
          "implied_sensitivity.csv")
    prices = sens["prices"] if "prices" in sens else pd.Series([""] * len(sens))

    def value_label(param, v) -> str:
        if param in ("yield_reading", "initial_yield"):
            return _n(f"sens_{param}_{str(v).lower()}", lang)
        from analysis.published.audit import display_number
        return display_number(float(v))

    out = pd.DataFrame({
        "chain": [chain_label(c, lang) for c in sens["chain"]],
        "assumption": [_n(f"sens_{p}", lang) for p in sens["parameter"]],
        "value": [value_label(p, v) for p, v in zip(sens["parameter"], sens["value"])],
        "change_pct": [_range(a, b) for a, b in zip(sens["pct_low"], sens["pct_high"])],
        "scenario": [_scenario_label(s, p, lang, c) for s, p, c in zip(sens["scenario"], prices, sens["chain"])],
        "consistency": [_n(f"consistency_{'' if pd.isna(v) else v}", lang) for v in sens["consistency"]],
    })
    out.columns = _cols(lang, "chain", "assumption", "value", "change_pct", "scenario",
                        "consistency")
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
    """implied_decomposition.csv: each driver's factor (current ÷ initial) at the midpoints of
    the consistent combinations, per scenario and price variant, with their product (total);
    scenarios the document contradicts are left out (the effects table shows them)."""
    from analysis.report.numbering import format_number
    _need(decomp, ["chain", "scenario", "driver", "ratio"], "implied_decomposition.csv")
    d = decomp
    if "consistency" in d:
        d = d[d["consistency"].fillna("").astype(str) != "contradicho"]
    prices = d["prices"] if "prices" in d else pd.Series([""] * len(d), index=d.index)
    out = pd.DataFrame({
        "chain": [chain_label(c, lang) for c in d["chain"]],
        "scenario": [_scenario_label(s, p, lang, c) for s, p, c in zip(d["scenario"], prices, d["chain"])],
        "driver": [_n(f"driver_{x}", lang) for x in d["driver"]],
        "factor": [f"× {format_number(r, 2)}" for r in d["ratio"]],
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
    from analysis.published.audit import display_number

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
