"""Consistency audit of the published figures.

Generic rules over the transcribed tables (``analysis.published.load``). Each rule takes
DataFrames (and a tolerance) and returns check rows (dicts with ``COLUMNS``); ``run_audit``
wires the rules to the real tables and ``write_audit`` saves ``data/processed/audit.csv``.
Rounding tolerances are derived from the printed digits: half a unit of the last digit, times
the number of rounded parts when parts are added up.

Besides the arithmetic rules here, ``run_audit`` runs the rule families of
``analysis.published.audit_families`` (limits per unit, dates, unchanged vs expansion, baselines, implied
values, numbering, phase headings, foreign passages, copied exhibits, names). Figures of an
exhibit that copies another are dropped before the arithmetic rules: they are not independent
confirmations. ``findings`` merges the failed checks of one discrepancy into one finding with a
severity (contradiction, likely typo, rounding, needs an assumption, change over time), and
``chapter_tables`` lays the findings out for the report, one table per severity.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.labels import t

COLUMNS = ["check_id", "family", "rule", "severity", "description", "finding", "sources", "expected",
           "found", "tolerance", "passed"]
EPS = 1e-9


# ---------------------------------------------------------------- formatting helpers
def _fmt(x) -> str:
    """A number as text: integers without decimals, others with up to 4 decimals."""
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{round(x, 4):.10g}"


def _fmt_range(low, high) -> str:
    return _fmt(low) if float(low) == float(high) else f"{_fmt(low)}–{_fmt(high)}"


def display_number(x) -> str:
    """A number as the report prints it: thousands with ",", decimal point ".", whole numbers
    without decimals, others with one decimal (two below 10, trailing zeros dropped)."""
    x = float(x)
    if x.is_integer():
        return f"{int(x):,d}"
    text = f"{x:,.1f}" if abs(x) >= 10 else f"{x:,.2f}".rstrip("0").rstrip(".")
    return text


def display_range(low, high, lang: str = "es") -> str:
    """``4680, 5200`` -> ``"4,680–5,200"``; one number when both ends are equal."""
    a, b = display_number(low), display_number(high)
    return a if a == b else f"{a}–{b}"


def decimals(x) -> int:
    """Number of decimals with which ``x`` was printed (as far as a float can tell)."""
    s = f"{round(float(x), 6):.10g}"
    return len(s.split(".")[1]) if "." in s else 0


def half_digit(values) -> float:
    """Half a unit of the finest last printed digit among ``values``."""
    return 0.5 * 10 ** -max(decimals(v) for v in values)


def _sources(*groups) -> str:
    seen: list[str] = []
    for group in groups:
        for s in group:
            for part in str(s).split("; "):
                if part and part not in seen:
                    seen.append(part)
    return "; ".join(seen)


def _check(check_id, rule, desc_key, item, sources, expected, found, tolerance, passed, lang,
           labels=None):
    """One check row; ``labels`` maps the internal item (ids) to the words of the description."""
    from analysis.published.audit_families import finding_text

    words = (labels or {}).get(item, item)
    return {
        "check_id": check_id, "family": rule, "rule": rule, "severity": "",
        "description": t(f"audit.{desc_key}", lang, item=words),
        "finding": finding_text(desc_key, lang, item=words),
        "sources": sources, "expected": expected, "found": found,
        "tolerance": float(tolerance), "passed": bool(passed),
    }


# ---------------------------------------------------------------- rules
def sum_matches_total(parts: pd.DataFrame, totals: pd.DataFrame, by: list[str], *,
                      value_col: str = "value", total_col: str = "value", tolerance: float = 0.0,
                      id_prefix: str = "sum", desc_key: str = "sum_cofinancing",
                      lang: str = "es", labels=None) -> list[dict]:
    """For each stated total (row of ``totals``), add the ``parts`` with the same ``by`` keys."""
    rows = []
    for _, tot in totals.iterrows():
        mask = pd.Series(True, index=parts.index)
        for col in by:
            mask &= parts[col] == tot[col]
        sel = parts[mask]
        item = "/".join(str(tot[c]) for c in by)
        found = sel[value_col].sum()
        passed = not sel.empty and abs(found - tot[total_col]) <= tolerance + EPS
        rows.append(_check(f"{id_prefix}:{item}", "sum_matches_total", desc_key, item,
                           _sources(sel["source"], [tot["source"]]), _fmt(tot[total_col]),
                           _fmt(found) if not sel.empty else "—", tolerance, passed, lang, labels))
    return rows


def shares_sum_to_100(shares: pd.DataFrame, by: list[str], *, share_col: str = "share_pct",
                      tolerance: float | None = None, id_prefix: str = "shares",
                      lang: str = "es", labels=None) -> list[dict]:
    """Each group (of two or more shares) adds up to 100 within n × half the last digit."""
    rows = []
    for key, g in shares.groupby(by, sort=False, dropna=False):
        if len(g) < 2:
            continue
        key = key if isinstance(key, tuple) else (key,)
        item = "/".join(str(k) for k in key if str(k))
        tol = len(g) * half_digit(g[share_col]) if tolerance is None else tolerance
        total = g[share_col].sum()
        rows.append(_check(f"{id_prefix}:{item}", "shares_sum_to_100", "shares_group", item,
                           _sources(g["source"]), "100", _fmt(total), tol,
                           abs(total - 100) <= tol + EPS, lang, labels))
    return rows


def repeated_quantity_agrees(claims: pd.DataFrame, *,
                             keys: tuple[str, ...] = ("measure", "chain", "network_id", "period"),
                             tolerance: float | None = None, lang: str = "es",
                             labels=None) -> list[dict]:
    """Claims with the same keys stated in two or more places must overlap (within tolerance)."""
    rows = []
    for key, g in claims.groupby(list(keys), sort=False):
        if len(g) < 2:
            continue
        tol = half_digit(pd.concat([g["low"], g["high"]])) if tolerance is None else tolerance
        passed = g["low"].max() <= g["high"].min() + tol + EPS
        first, others = g.iloc[0], g.iloc[1:]
        found = "; ".join(dict.fromkeys(_fmt_range(r.low, r.high) for r in others.itertuples()))
        item = "/".join(str(k) for k in key if str(k))
        rows.append(_check(f"repeated:{item}", "repeated_quantity_agrees", "repeated_quantity",
                           item, _sources(g["source"]), _fmt_range(first["low"], first["high"]),
                           found, tol, passed, lang, labels))
    return rows


def count_matches_table(stated: pd.DataFrame, derived: pd.DataFrame, *,
                        tolerance: float | None = None, lang: str = "es") -> list[dict]:
    """Compare stated counts (key, value, source, desc_key, item) with table-derived ones
    (key, value, basis); an optional ``ref`` column is appended to the check id. Default tolerance: half the last printed digit of the stated value."""
    rows = []
    lookup = derived.set_index("key")
    for _, s in stated.iterrows():
        tol = half_digit([s["value"]]) if tolerance is None else tolerance
        if s["key"] in lookup.index:
            d = lookup.loc[s["key"]]
            found, basis = _fmt(d["value"]), d["basis"]
            passed = abs(d["value"] - s["value"]) <= tol + EPS
        else:
            found, basis, passed = "—", "", False
        ref = f":{s['ref']}" if "ref" in s and s["ref"] else ""
        rows.append(_check(f"count:{s['key']}{ref}", "count_matches_table", s["desc_key"], s["item"],
                           _sources([s["source"]], [basis]), _fmt(s["value"]), found, tol,
                           passed, lang))
    return rows


def percent_change_consistent(claims: pd.DataFrame, *, tolerance: float | None = None,
                              lang: str = "es", labels=None) -> list[dict]:
    """Within each ``link`` group: measure M before (initial) / after (current or target),
    stated change ``M_change_pct`` and/or ``M_change_abs`` must agree. Ranges are carried as
    intervals; default tolerance is half the last printed digit of the stated change."""
    rows = []
    linked = claims[claims["link"].astype(str).str.strip() != ""]
    for link, g in linked.groupby("link", sort=False):
        pct = g[g["measure"].str.endswith("_change_pct")]
        absd = g[g["measure"].str.endswith("_change_abs")]
        base = g.drop(pct.index).drop(absd.index)
        before = base[base["period"] == "initial"]
        after = base[base["period"].isin(["current", "target"])]
        if before.empty:
            continue
        b = before.iloc[0]
        for _, c in pct.iterrows():
            tol = half_digit([c["value"]]) if tolerance is None else tolerance
            if not after.empty:
                a = after.iloc[0]
                lo = (a["low"] - b["high"]) / b["high"] * 100
                hi = (a["high"] - b["low"]) / b["low"] * 100
                src, key = after["source"], "percent_change"
            elif not absd.empty:
                d = absd.iloc[0]
                lo, hi = d["low"] / b["high"] * 100, d["high"] / b["low"] * 100
                src, key = absd["source"], "implied_percent_change"
            else:
                continue
            passed = lo - tol - EPS <= c["value"] <= hi + tol + EPS
            rows.append(_check(f"pct_change:{link}", "percent_change_consistent", key, link,
                               _sources(before["source"], src, [c["source"]]), _fmt_range(lo, hi),
                               _fmt(c["value"]), tol, passed, lang, labels))
        for _, c in absd.iterrows():
            if after.empty:
                continue
            a = after.iloc[0]
            tol = half_digit([c["value"]]) if tolerance is None else tolerance
            lo, hi = a["low"] - b["high"], a["high"] - b["low"]
            passed = lo - tol - EPS <= c["value"] <= hi + tol + EPS
            rows.append(_check(f"abs_change:{link}", "percent_change_consistent", "abs_change", link,
                               _sources(before["source"], after["source"], [c["source"]]),
                               _fmt_range(lo, hi), _fmt(c["value"]), tol, passed, lang, labels))
    return rows


def volume_implied_by_herd(members: pd.DataFrame, cows: pd.Series, yields: pd.Series,
                           volumes: pd.DataFrame, *, tolerance: float = 0.0,
                           lang: str = "es") -> list[dict]:
    """members (value, source, label) × cows (low, high) × litres/cow/day (low, high) gives an
    interval; each stated volume (low, high, source) must overlap it (tolerance is relative)."""
    rows = []
    for _, m in members.iterrows():
        lo = m["value"] * cows["low"] * yields["low"] * (1 - tolerance)
        hi = m["value"] * cows["high"] * yields["high"] * (1 + tolerance)
        for _, v in volumes.iterrows():
            item = t("audit.volume_item", lang, members=m.get("text") or m["label"],
                     cows=display_range(cows["low"], cows["high"], lang),
                     yields=display_range(yields["low"], yields["high"], lang),
                     volume=display_range(v["low"], v["high"], lang))
            passed = v["low"] <= hi + EPS and v["high"] >= lo - EPS
            rows.append(_check(f"volume:{m['label']}:{_fmt(v['value'])}", "volume_implied_by_herd",
                               "volume_herd", item,
                               _sources([m["source"], cows["source"], yields["source"], v["source"]]),
                               _fmt_range(lo, hi), _fmt_range(v["low"], v["high"]), tolerance,
                               passed, lang))
    return rows


def _date_key(d: str, year_only: bool) -> str:
    return d[:4] if year_only else d


def dates_in_order(projects: pd.DataFrame, networks: pd.DataFrame, *,
                   lang: str = "es", labels=None) -> list[dict]:
    """A project cannot start before its network; compared at the coarser date precision."""
    rows = []
    start = networks.set_index("network_id")["start_date"]
    for _, p in projects.iterrows():
        if not p["start"] or p["network_id"] not in start.index:
            continue
        n = start[p["network_id"]]
        year_only = len(p["start"]) == 4 or len(n) == 4
        passed = _date_key(p["start"], year_only) >= _date_key(n, year_only)
        rows.append(_check(f"dates:{p['project_id']}", "dates_in_order", "dates_order",
                           p["project_id"], _sources([p["source"]], networks.loc[
                               networks["network_id"] == p["network_id"], "source"]),
                           f">= {n}", p["start"], 0, passed, lang, labels))
    return rows


# ---------------------------------------------------------------- wiring to the real tables
QUANTITY_TO_MEASURE = {"men": "members_men", "women": "members_women",
                       "members_total": "members_total", "networks": "networks_count",
                       "networks_phase1": "networks_phase1_count",
                       "networks_phase2": "networks_phase2_count",
                       "members_min_per_network": "members_min_per_network",
                       "members_max_per_network": "members_max_per_network"}
COUNT_MEASURES = {"networks_count", "networks_phase1_count", "networks_phase2_count",
                  "members_total", "members_men", "members_women", "share_led_by_women_pct"}


def derive_network_counts(networks: pd.DataFrame) -> pd.DataFrame:
    """Counts derived from Tabla N°02 as (key = measure|chain|network_id, value, basis)."""
    basis = "Tabla N°02 (derivado)"
    out = []

    def add(measure, chain, value, network=""):
        out.append({"key": f"{measure}|{chain}|{network}", "value": float(value), "basis": basis})

    for chain, g in [("all", networks), *networks.groupby("chain", sort=False)]:
        add("networks_count", chain, len(g))
        add("members_total", chain, g["total"].sum())
        add("members_men", chain, g["men"].sum())
        add("members_women", chain, g["women"].sum())
        for phase, gp in g.groupby("programme_phase"):
            add(f"networks_phase{phase}_count", chain, len(gp))
        add("members_min_per_network", chain, g["total"].min())
        add("members_max_per_network", chain, g["total"].max())
        add("share_led_by_women_pct", chain, 100 * (g["representative_sex"] == "F").mean())
    for _, n in networks.iterrows():
        add("members_total", n["chain"], n["total"], n["network_id"])
    return pd.DataFrame(out)


def _stated_counts(claims: pd.DataFrame, labels: dict[str, str] | None = None,
                   lang: str = "es") -> pd.DataFrame:
    """Counts stated in the text; ``item`` is the claim's own description (or, at founding, the
    network's name) when ``labels`` are given, else the internal key."""
    labels = labels or {}
    rows = []
    for _, c in claims.iterrows():
        key = f"{c['measure']}|{c['chain']}|{c['network_id']}"
        if c["measure"] in COUNT_MEASURES:
            rows.append({"key": key, "value": c["value"], "source": c["source"],
                         "desc_key": "count_vs_table",
                         "item": _first_text(pd.Series([c["description"]])) if labels
                         else key.rstrip("|"), "ref": c["claim_id"]})
        elif c["measure"] == "members_at_founding":
            rows.append({"key": f"members_total|{c['chain']}|{c['network_id']}", "value": c["value"],
                         "source": c["source"], "desc_key": "count_founding_vs_table",
                         "item": labels.get(c["network_id"], c["network_id"]), "ref": c["claim_id"]})
        elif c["measure"] == "members_per_network_range":
            for end, measure in (("low", "members_min_per_network"),
                                 ("high", "members_max_per_network")):
                k = f"{measure}|{c['chain']}|{c['network_id']}"
                rows.append({"key": k, "value": c[end], "source": c["source"],
                             "desc_key": "count_vs_table",
                             "item": (t(f"audit.item_{measure}", lang) if labels else k.rstrip("|")),
                             "ref": c["claim_id"]})
    return pd.DataFrame(rows)


def _share_family(indicator_id: str) -> str:
    i = indicator_id.find("share_")
    return indicator_id[: i + len("share_")] if i >= 0 else ""


def _audit_sums(tables, lang, labels=None):
    net, tot, cof = tables["networks"], tables["network_totals"], tables["cofinancing"]
    long = net.melt(id_vars=["network_id", "chain", "source"], value_vars=["men", "women"])
    rows = sum_matches_total(long, net.rename(columns={"total": "value"}), ["network_id"],
                             id_prefix="sum_network", desc_key="sum_network_members", lang=lang,
                             labels=labels)
    cols = net.melt(id_vars=["source"], value_vars=["men", "women", "total"], var_name="quantity")
    cols["quantity"] = cols["quantity"].replace({"total": "members_total"})
    row = tot[tot["source"].str.startswith("Tabla N°02")]
    rows += sum_matches_total(cols, row, ["quantity"], id_prefix="sum_column",
                              desc_key="sum_column_totals", lang=lang, labels=labels)
    by_chain = net.rename(columns={"total": "value"})
    chain_tot = tot[(tot["quantity"] == "members_total") & (tot["chain"] != "all")]
    rows += sum_matches_total(by_chain, chain_tot, ["chain"], id_prefix="sum_chain",
                              desc_key="sum_chain_members", lang=lang, labels=labels)
    parts = cof[cof["kind"] == "part"].rename(columns={"amount": "value"})
    stated = cof[cof["kind"] == "stated_total"].rename(columns={"amount": "value"})
    rows += sum_matches_total(parts, stated, ["project_id", "currency"], id_prefix="sum_cofinancing",
                              desc_key="sum_cofinancing", lang=lang, labels=labels)
    return rows


def _audit_shares(tables, lang, labels=None):
    rows = []
    for name, label in (("pea_by_sector", "pea"), ("mipes_by_activity", "mipes")):
        df = tables[name].assign(group=label)
        rows += shares_sum_to_100(df, ["group"], lang=lang, labels=labels)
    ci = tables["chain_indicators"]
    sh = ci.assign(family=ci["indicator_id"].map(_share_family))
    sh = sh[sh["family"] != ""].rename(columns={"value": "share_pct"})
    rows += shares_sum_to_100(sh, ["chain", "network_id", "period", "family"], lang=lang,
                              labels=labels)
    soc = tables["laredo_socioeconomic"].set_index("indicator")
    for pair in (("urban_pct", "rural_pct"), ("men_pct", "women_pct")):
        df = soc.loc[list(pair)].reset_index().rename(columns={"value": "share_pct"})
        rows += shares_sum_to_100(df.assign(group="+".join(pair)), ["group"], lang=lang,
                                  labels=labels)
    return rows


def _audit_volume(tables, lang):
    claims, ci, net = tables["claims"], tables["chain_indicators"], tables["networks"]
    stated = claims[(claims["measure"] == "members_total") & (claims["chain"] == "lacteos")
                    & (claims["network_id"] == "")]
    members = [{"value": v, "source": _sources(g["source"]), "label": f"{_fmt(v)} (declarado)",
                "text": t("audit.item_members_stated", lang, n=display_number(v))}
               for v, g in stated.groupby("value")]
    dairy = net[net["chain"] == "lacteos"]
    members.append({"value": dairy["total"].sum(), "source": "Tabla N°02 (derivado)",
                    "label": f"{_fmt(dairy['total'].sum())} (Tabla N°02)",
                    "text": t("audit.item_members_table", lang, n=display_number(dairy["total"].sum()))})

    def indicator(iid):
        sel = ci[(ci["indicator_id"] == iid) & (ci["chain"] == "lacteos")
                 & (ci["network_id"] == "") & (ci["period"] == "current")]
        return sel.iloc[0]

    volumes = claims[(claims["measure"] == "daily_volume_l") & (claims["chain"] == "lacteos")]
    return volume_implied_by_herd(pd.DataFrame(members), indicator("cows_per_producer"),
                                  indicator("milk_yield_l_cow_day"), volumes, lang=lang)


def item_labels(tables: dict[str, pd.DataFrame], lang: str = "es") -> dict[str, str]:
    """Words for the internal items of the checks (ids of networks, projects, chains, columns,
    share groups, claim keys and links), so that each description reads as a sentence. Only the
    descriptions use them: check ids, expected and found values keep the ids and raw numbers."""
    def chain(c):
        return t("audit.item_all_chains", lang) if c in ("all", "") else \
            t(f"common.chain_{c}", lang).lower()

    net = tables["networks"]
    from analysis.labels import network_name

    shorts = net["short_name"] if "short_name" in net else net["name"]
    names = {nid: network_name(name, short) for nid, name, short in zip(net["network_id"], net["name"], shorts)}
    labels: dict[str, str] = dict(names)
    for c in ("mango", "lacteos", "all"):
        labels[c] = chain(c)
    for q, key in (("men", "col_men"), ("women", "col_women"), ("members_total", "col_total")):
        labels[q] = t(f"narrative.{key}", lang)
    currency = {"PEN": "S/", "USD": "US$"}
    for r in tables["cofinancing"].drop_duplicates(["project_id", "currency"]).itertuples():
        labels[f"{r.project_id}/{r.currency}"] = t(
            "audit.item_cofinancing", lang, ptype=t(f"narrative.ptype_{r.project_type}", lang).lower(),
            chain=chain(r.chain), phase=r.programme_phase, currency=currency.get(r.currency, r.currency))
    for r in tables["projects"].itertuples():
        labels[r.project_id] = t("audit.item_project", lang, name=str(r.name).split(" (")[0],
                                 network=names.get(r.network_id, r.network_id))
    for group in ("pea", "mipes"):
        labels[group] = t(f"audit.item_shares_{group}", lang)
    socio = tables["laredo_socioeconomic"]["indicator"]
    for pair in (("urban_pct", "rural_pct"), ("men_pct", "women_pct")):
        if set(pair) <= set(socio):
            labels["+".join(pair)] = " + ".join(t(f"narrative.ind_{p}", lang) for p in pair)
    ci = tables["chain_indicators"]
    sh = ci.assign(family=ci["indicator_id"].map(_share_family))
    for key, g in sh[sh["family"] != ""].groupby(["chain", "network_id", "period", "family"],
                                                 sort=False, dropna=False):
        item = "/".join(str(k) for k in key if str(k))
        owner = g["family"].iloc[0][: -len("share_")].rstrip("_")
        labels[item] = t("audit.item_shares_chain", lang, chain=chain(key[0]),
                         period=t(f"narrative.period_{key[2]}", lang).lower(),
                         who=t(f"audit.item_owner_{owner or 'producers'}", lang))
    claims = tables["claims"]
    keys = ["measure", "chain", "network_id", "period"]
    for key, g in claims.groupby(keys, sort=False):
        labels["/".join(str(k) for k in key if str(k))] = _first_text(g["description"])
    linked = claims[claims["link"].astype(str).str.strip() != ""]
    for link, g in linked.groupby("link", sort=False):
        changes = g[g["measure"].str.contains("_change_")]
        labels[link] = _first_text((changes if len(changes) else g)["description"])
    return labels


def _first_text(texts: pd.Series) -> str:
    """The first description of a group, to follow a colon: lower-case initial (acronyms kept)."""
    text = str(texts.iloc[0]).strip()
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


DOCUMENT_TERRITORY = ("Laredo", "Trujillo", "La Libertad", "Valle Santa Catalina")


def _family_checks(tables: dict[str, pd.DataFrame], lang: str) -> list[dict]:
    """The rule families of ``analysis.published.audit_families`` on the tables they need (skipped when a
    table is absent, e.g. in a reduced test input)."""
    from analysis.published import audit_families as af

    have = lambda *names: all(n in tables for n in names)  # noqa: E731
    groups = af.network_groups(tables["network_groups"]) if have("network_groups") else {}
    claims = tables["claims"]
    rows: list[dict] = []
    if have("limits", "cofinancing", "projects"):
        rep = af.reported_per_network(tables["cofinancing"], tables["projects"], tables["limits"],
                                      tables.get("networks"))
        rows += af.limit_per_unit(tables["limits"], _unit_labels(rep, tables, lang), lang=lang)
    if have("event_dates"):
        rows += af.event_dated_twice(tables["event_dates"], lang=lang)
    if "relates_to" in claims:
        rows += af.unchanged_vs_expansion(claims, groups, lang=lang)
    if "as_of" in claims:
        rows += af.baseline_agrees(claims, groups, lang=lang)
    if have("implied_quantities"):
        rows += af.implied_value_agrees(tables["implied_quantities"], claims, lang=lang)
    if have("exhibits"):
        rows += af.exhibit_numbering(tables["exhibits"], tables.get("exhibit_refs"), lang=lang)
        if have("exhibit_headers"):
            rows += af.exhibit_headers(tables["exhibits"], tables["exhibit_headers"], lang=lang)
    if have("sections"):
        rows += af.section_numbering(tables["sections"], lang=lang)
    if have("phase_headings", "methodology_phases"):
        rows += af.phase_headings(tables["phase_headings"], tables["methodology_phases"], lang=lang)
    if have("subject_mentions"):
        chains = {t(f"common.chain_{c}", "es").lower() for c in tables["networks"]["chain"].unique()}
        rows += af.foreign_passages(tables["subject_mentions"],
                                    {"chain": chains, "territory": set(DOCUMENT_TERRITORY),
                                     "programme": {"APOMIPE"}}, lang=lang)
    if have("exhibit_items"):
        rows += af.exhibit_copy_checks(tables["exhibit_items"], lang=lang)
    if have("name_mentions"):
        places = list(tables["sectors"]["sector"]) if have("sectors") else None
        rows += af.name_variants(tables["name_mentions"], places=places, lang=lang)
    return rows


def _unit_labels(rep: pd.DataFrame, tables, lang) -> pd.DataFrame:
    """Words for the units of ``limit_per_unit``: a network's name, or a project and how many
    networks share it."""
    names = dict(zip(tables["networks"]["network_id"], tables["networks"]["short_name"]))
    cof = tables["cofinancing"].drop_duplicates("project_id").set_index("project_id")

    def word(u):
        if u in names:
            return t("audit_families.unit_network", lang, name=names[u])
        pid, _, n = u.partition(":")
        r = cof.loc[pid]
        return t("audit_families.unit_project", lang,
                 ptype=t(f"narrative.ptype_{r['project_type']}", lang).lower(),
                 chain=t(f"common.chain_{r['chain']}", lang).lower(), phase=r["programme_phase"], n=n)

    return rep.assign(unit=rep["unit"].map(word))


def independent_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables without the figures of an exhibit that copies another (``exhibit_items``):
    a repeated figure is not an independent confirmation of the original."""
    if "exhibit_items" not in tables:
        return tables
    from analysis.published import audit_families as af

    copies = af.exhibit_copies(tables["exhibit_items"])
    out = dict(tables)
    out["claims"] = af.drop_copied_claims(tables["claims"], copies)
    tot = tables["network_totals"]
    drop = []
    for copy, (orig, _) in copies.items():
        seen = set(map(tuple, tot.loc[tot["source"].str.startswith(orig),
                                      ["quantity", "chain", "value"]].to_numpy()))
        for i, r in tot[tot["source"] == copy].iterrows():
            if (r["quantity"], r["chain"], r["value"]) in seen:
                drop.append(i)
    out["network_totals"] = tot.drop(index=drop)
    return out


def run_audit(tables: dict[str, pd.DataFrame], lang: str = "es") -> pd.DataFrame:
    """Run every rule on the published tables; one row per check."""
    family_rows = _family_checks(tables, lang)
    tables = independent_tables(tables)
    claims = tables["claims"]
    labels = item_labels(tables, lang)
    rows = _audit_sums(tables, lang, labels) + _audit_shares(tables, lang, labels)
    rows += repeated_quantity_agrees(claims, lang=lang, labels=labels)
    rows += count_matches_table(_stated_counts(claims, labels, lang), derive_network_counts(tables["networks"]),
                                lang=lang)
    rows += percent_change_consistent(claims, lang=lang, labels=labels)
    rows += _audit_volume(tables, lang)
    rows += dates_in_order(tables["projects"], tables["networks"], lang=lang, labels=labels)
    rows += family_rows
    df = pd.DataFrame(rows, columns=COLUMNS)
    dup = df.groupby("check_id").cumcount()
    df.loc[dup > 0, "check_id"] = df["check_id"] + "#" + (dup + 1).astype(str)
    return df


# ---------------------------------------------------------------- findings
FINDING_COLUMNS = ["finding", "severity", "rules", "description", "text", "values", "sources",
                   "n_checks"]
SEVERITY_ORDER = ["contradiction", "likely_typo", "rounding", "needs_assumption", "change_over_time"]
ASSUMPTION_RULES = {"volume_implied_by_herd"}  # rules whose verdict rests on an analysis assumption
NUMERIC_RULES = {"sum_matches_total", "shares_sum_to_100", "repeated_quantity_agrees",
                 "count_matches_table", "percent_change_consistent", "volume_implied_by_herd",
                 "dates_in_order"}


def _num(x) -> float | None:
    try:
        return float(str(x).replace(">= ", "").split("–")[0])
    except ValueError:
        return None


def _is_digit_swap(a: str, b: str) -> bool:
    a, b = str(a).replace(".", ""), str(b).replace(".", "")
    return a != b and len(a) == len(b) and sorted(a) == sorted(b)


def classify(row, claims: pd.DataFrame | None = None) -> str:
    """Severity of one failed check, from its data only (no list of known answers). A rule
    family that sets the severity itself (column ``severity``) is taken at its word."""
    sev = row.get("severity", "") if hasattr(row, "get") else ""
    if isinstance(sev, str) and sev:
        return sev
    ref = str(row["check_id"]).split("#")[0].rsplit(":", 1)[-1]
    if claims is not None and row["rule"] == "count_matches_table" and ref in set(claims["claim_id"]):
        c = claims.set_index("claim_id").loc[ref]
        if c["period"] == "initial":  # a count at founding vs today's table: a change, not an error
            return "change_over_time"
    if row["rule"] in ASSUMPTION_RULES:
        return "needs_assumption"
    e, f = _num(row["expected"]), _num(row["found"])
    if e is not None and f is not None and max(abs(e), abs(f)) > 0:
        if abs(e - f) / max(abs(e), abs(f)) <= 0.005:
            return "rounding"
        if _is_digit_swap(row["expected"], row["found"]) or (min(abs(e), abs(f)) > 0 and
                                                             max(abs(e), abs(f)) / min(abs(e), abs(f)) in (10, 100)):
            return "likely_typo"
    if str(row["expected"])[:4] == str(row["found"])[:4] and "-" in str(row["found"]):
        return "likely_typo"  # same year, a month apart: a date slip
    return "contradiction"


def findings(df: pd.DataFrame, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per underlying discrepancy: failed checks that share a check stem or the same
    pair of conflicting values are one finding, with all their sources listed."""
    failed = df[~df["passed"].astype(bool)].reset_index(drop=True)
    parent = list(range(len(failed)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict = {}
    for i, r in failed.iterrows():
        stem = str(r["check_id"]).split("#")[0]
        stem = stem.rsplit(":", 1)[0] if r["rule"] == "count_matches_table" else stem
        stem = r["rule"] if r["rule"] in ASSUMPTION_RULES else stem  # one assumption, one finding
        keys = [("stem", stem)]
        if r["rule"] in NUMERIC_RULES:  # the same pair of conflicting figures: one discrepancy
            keys.append(("values", frozenset({str(r["expected"]), str(r["found"])})))
        for key in keys:
            if key in seen:
                parent[root(i)] = root(seen[key])
            else:
                seen[key] = i
    failed["group"] = [root(i) for i in range(len(failed))]
    failed["severity"] = [classify(r, claims) for _, r in failed.iterrows()]
    rows = []
    for _, g in failed.groupby("group", sort=False):
        sev = min(g["severity"], key=SEVERITY_ORDER.index)
        pairs = list(dict.fromkeys(f"{a} / {b}" for a, b in zip(g["expected"], g["found"])))
        rows.append({"severity": sev, "rules": "; ".join(dict.fromkeys(g["rule"])),
                     "description": g["description"].iloc[0],
                     "text": (g["finding"] if "finding" in g else g["description"]).iloc[0],
                     "values": "; ".join(pairs),
                     "sources": _sources(g["sources"]), "n_checks": len(g)})
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS[1:])
    out["order"] = out["severity"].map(SEVERITY_ORDER.index)
    out = out.sort_values("order", kind="stable").drop(columns="order").reset_index(drop=True)
    out.insert(0, "finding", [f"F{i + 1:02d}" for i in range(len(out))])
    return out


DATE_RULES = {"dates_in_order", "event_dated_twice"}
TEXT_RULES = {"exhibit_numbering", "section_numbering", "phase_headings", "foreign_passages",
              "exhibit_copy", "name_variants"}  # values are words or labels, not figures


def _display_values(values: str, rules: str, lang: str) -> str:
    """A finding's pairs of figures as the report prints numbers (thousands with ",", one
    decimal, "≤"), dates as "febrero 2009"; labels and names left as printed."""
    from analysis.report.tables import audit_value

    rules = set(str(rules).split("; "))
    if rules & TEXT_RULES:
        return "; ".join(dict.fromkeys(str(values).split("; ")))
    dates = bool(rules & DATE_RULES)
    pairs = [" / ".join(audit_value(x.strip(), lang, dates) for x in pair.split(" / "))
             for pair in str(values).split("; ")]
    return "; ".join(dict.fromkeys(pairs))


def chapter_tables(found: pd.DataFrame, lang: str = "es") -> list[tuple[str, str, pd.DataFrame]]:
    """The audit chapter's findings, one table per severity (in ``SEVERITY_ORDER``): (severity,
    heading, table with Hallazgo / Cifras en conflicto / Dónde lo dice el documento). Plain
    wording, the report's number format, the document's places only (no ids, no file names)."""
    from analysis.published import translate as pi
    from analysis.report.tables import cite_in

    out = []
    text = found["text"] if "text" in found else found["description"]
    for sev in SEVERITY_ORDER:
        sel = found["severity"] == sev
        if not sel.any():
            continue
        g = found[sel]
        tab = pd.DataFrame({
            # findings quote the document's Spanish labels: put into the edition's language
            "finding": [pi.inline(x, lang) for x in text[sel]],
            "figures": [pi.inline(_display_values(v, r, lang), lang) for v, r in zip(g["values"], g["rules"])],
            "where": [cite_in(x, lang) for x in g["sources"]],
        })
        tab.columns = [t(f"audit_families.col_{c}", lang) for c in ("finding", "figures", "where")]
        out.append((sev, t(f"audit_families.severity_heading_{sev}", lang), tab))
    return out


def family_counts(found: pd.DataFrame) -> pd.DataFrame:
    """Findings per rule family (the family of a finding's first check) and severity, in
    ``SEVERITY_ORDER``; a closing-note summary."""
    fam = found["rules"].astype(str).str.split("; ").str[0]
    tab = pd.crosstab(fam.rename("family"), found["severity"])
    cols = [s for s in SEVERITY_ORDER if s in tab.columns]
    tab = tab[cols]
    tab["total"] = tab.sum(axis=1)
    return tab.sort_values("total", ascending=False, kind="stable")


def write_findings(df: pd.DataFrame, claims: pd.DataFrame | None = None,
                   processed_dir: Path | None = None) -> Path:
    """Write ``audit_findings.csv`` (one row per discrepancy) next to audit.csv."""
    out_dir = Path(processed_dir or paths.DATA_PROCESSED)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "audit_findings.csv"
    findings(df, claims).to_csv(path, index=False, encoding="utf-8")
    return path


def write_audit(df: pd.DataFrame, processed_dir: Path | None = None) -> Path:
    """Write the audit table to ``<processed_dir>/audit.csv`` (UTF-8) and return the path."""
    out_dir = Path(processed_dir or paths.DATA_PROCESSED)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "audit.csv"
    df.to_csv(path, index=False, encoding="utf-8")
    return path


def main() -> None:
    """CLI: ``python -m analysis.published.audit`` loads the published tables, audits them, writes CSV."""
    from analysis.published import load as published

    tables = published.load_all()
    df = run_audit(tables)
    path = write_audit(df)
    failed = df[~df["passed"]]
    found = findings(df, tables["claims"])
    print(f"{len(df)} checks, {len(failed)} failed, {len(found)} findings -> {path}")
    print(family_counts(found).to_string())


if __name__ == "__main__":
    main()
