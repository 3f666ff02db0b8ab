"""The main report's long prose, kept as one Markdown file per block and language.

A writer edits ``text/<lang>/<block>.md``; the sentences live there and every number is a named
placeholder (``{n_networks_programme}``) that :func:`values` computes from
``data/raw/published/`` (and, for the conclusions, from the processed audit and implied-change
files). :func:`render` fills a block and refuses one whose placeholder has no value, so a
number can never be typed into the prose or left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

TEXT_DIR = Path(__file__).parent / "text"
LANGS = ("es", "en")
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")

_MONTHS = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


# ----------------------------------------------------------------------------- formatting
def fmt_num(x: float, digits: int = 2) -> str:
    """A number as the document prints it: thousands with a comma, decimal point, no trailing
    zeros ("1,200", "11.5", "0.35")."""
    x = float(x)
    if abs(x - round(x)) < 1e-9:
        return f"{int(round(x)):,d}"
    return f"{x:,.{digits}f}".rstrip("0").rstrip(".")


def fmt_pct(x: float) -> str:
    """A percentage, Peruvian usage: "24%", "11.5%"."""
    return fmt_num(x, 1) + "%"


def fmt_money(x: float, digits: int = 2) -> str:
    """Soles, Peruvian usage: "S/ 4,436", "S/ 0.35"."""
    x = float(x)
    if abs(x) >= 100:
        return f"S/ {int(round(x)):,d}"
    return f"S/ {x:,.{digits}f}"


def fmt_money_range(lo: float, hi: float) -> str:
    a, b = fmt_money(lo), fmt_money(hi)
    return a if a == b else f"{a} – {b[3:]}"


def fmt_month(date: str, lang: str) -> str:
    """'2010-07' -> 'julio de 2010' / 'July 2010'; '2005' -> '2005'."""
    date = str(date)
    if len(date) < 7:
        return date
    year, month = date[:4], _MONTHS[lang][int(date[5:7]) - 1]
    return f"{month} de {year}" if lang == "es" else f"{month} {year}"


_WORDS = {
    "es": ("cero", "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
           "diez", "once", "doce"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"),
}


def fmt_words(n: int, lang: str) -> str:
    """A small count in words ("tres" / "three"), digits beyond twelve."""
    n = int(n)
    return _WORDS[lang][n] if 0 <= n < len(_WORDS[lang]) else fmt_num(n)


# ----------------------------------------------------------------------------- files
def blocks(lang: str) -> list[str]:
    """Names of the Markdown blocks of one language (file stems). Files named ``<domain>.<key>.md``
    are single paragraphs read through ``analysis.labels.t`` instead, not blocks."""
    return sorted(p.stem for p in (TEXT_DIR / lang).glob("*.md") if "." not in p.stem)


def source(block: str, lang: str) -> str:
    path = TEXT_DIR / lang / f"{block}.md"
    if not path.is_file():
        raise FileNotFoundError(f"prose block {block!r} ({lang}): {path} does not exist")
    return path.read_text(encoding="utf-8")


def placeholders(block: str, lang: str) -> set[str]:
    return set(PLACEHOLDER.findall(source(block, lang)))


def render(block: str, lang: str, vals: dict[str, str]) -> str:
    """The block's Markdown with every ``{name}`` replaced; raises naming what is missing."""
    text = source(block, lang)
    missing = sorted(placeholders(block, lang) - set(vals))
    if missing:
        raise KeyError(f"prose block {block!r} ({lang}): no value for {missing}")
    out = PLACEHOLDER.sub(lambda m: str(vals[m.group(1)]), text)
    if re.search(r"\{[^}]*\}|\bXX\b", out):
        raise ValueError(f"prose block {block!r} ({lang}) still has a placeholder after filling")
    return out.strip()


# ----------------------------------------------------------------------------- values
def _claim(claims: pd.DataFrame, cid: str) -> pd.Series:
    sel = claims[claims["claim_id"] == cid]
    if len(sel) != 1:
        raise ValueError(f"claims.csv: expected one row {cid!r}, found {len(sel)}")
    return sel.iloc[0]


def _val(claims, cid, kind="num"):
    r = _claim(claims, cid)
    f = {"num": fmt_num, "pct": fmt_pct, "money": fmt_money}[kind]
    return f(r["value"])


def _range(claims, cid, kind="num", lang="es"):
    r = _claim(claims, cid)
    f = {"num": fmt_num, "pct": fmt_pct, "money": fmt_money}[kind]
    if r["low"] == r["high"]:
        return f(r["value"])
    word = " a " if lang == "es" else " to "
    hi = f(r["high"])
    if kind == "money":
        hi = hi[3:]
    if kind == "pct":
        return f"{fmt_num(r['low'], 1)}%{word}{hi}"
    return f"{f(r['low'])}{word}{hi}"


def _programme(pre: pd.DataFrame, measure: str) -> str:
    sel = pre[(pre["scope"] == "programme_apomipe_national") & (pre["measure"] == measure)]
    if len(sel) != 1:
        raise ValueError(f"preface_crafts_claims.csv: expected one programme row {measure!r}")
    return fmt_num(sel.iloc[0]["value"])


def _event(timeline: pd.DataFrame, event_prefix: str, lang: str, chain: str | None = None) -> str:
    sel = timeline[timeline["event"].str.startswith(event_prefix)]
    if chain:
        sel = sel[sel["chain"] == chain]
    if not len(sel):
        raise ValueError(f"timeline.csv: no event starting {event_prefix!r}")
    return fmt_month(sel.iloc[0]["date"], lang)


def _cof_total(cof: pd.DataFrame, project_id: str) -> str:
    sel = cof[(cof["project_id"] == project_id) & (cof["kind"] == "stated_total")]
    if len(sel) != 1:
        raise ValueError(f"cofinancing.csv: expected one stated total for {project_id!r}")
    return fmt_money(sel.iloc[0]["amount"])


def _join(items: list[str], lang: str) -> str:
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    last = " y " if lang == "es" else " and "
    if lang == "es" and items[-1][:1].lower() in ("i", "y") and not items[-1].startswith("y "):
        last = " e "
    return ", ".join(items[:-1]) + last + items[-1]


def partners(raw_dir: Path | None = None) -> pd.DataFrame:
    """``programme_partners.csv``: the programme's partner NGOs by region (Presentación)."""
    from analysis import paths

    path = Path(raw_dir or paths.PUBLISHED) / "programme_partners.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in ("partner", "region", "programme_phase", "source"):
        if col not in df or (df[col].str.strip() == "").any():
            raise ValueError(f"{path}: column {col!r} missing or with an empty cell")
    return df


def values(tables: dict[str, pd.DataFrame], lang: str = "es",
           raw_dir: Path | None = None) -> dict[str, str]:
    """Every placeholder of the published-figure blocks, formatted for ``lang``."""
    c = tables["claims"]
    nets = tables["networks"]
    pre = tables["preface_crafts_claims"]
    tl = tables["timeline"]
    phases = tables["methodology_phases"]
    v: dict[str, str] = {}
    # the programme (Presentación)
    part = partners(raw_dir)
    main = part[part["programme_phase"] == "all"]
    article = {"es": {"Centro": "el "}, "en": {}}[lang]
    where = " en " if lang == "es" else " in "
    v["n_partner_ngos"] = fmt_words(len(main), lang)
    v["n_regions"] = fmt_words(main["region"].nunique(), lang)
    v["partner_list"] = _join([article.get(p.split()[0], "") + p + where + r
                               for p, r in zip(main["partner"], main["region"])], lang)
    first = part[part["programme_phase"] == "1"]
    v["partner_phase1_cusco"] = _join(list(first["partner"]), lang)
    v["n_networks_programme"] = _programme(pre, "networks_count")
    v["n_producers_programme"] = _programme(pre, "producers_count")
    v["n_replicating_institutions"] = _programme(pre, "replicating_institutions_count")
    v["n_replication_producers"] = _programme(pre, "replication_producers_count")
    ph = tl[tl["kind"] == "programme_phase"].set_index("event")["date"].astype(str)
    v["year_phase1_start"] = ph["Fase 1 del Programa APOMIPE (inicio)"][:4]
    v["year_phase1_end"] = ph["Fase 1 del Programa APOMIPE (fin)"][:4]
    v["year_phase2_start"] = ph["Fase 2 del Programa APOMIPE (inicio)"][:4]
    v["date_phase2_end"] = fmt_month(ph["Fase 2 del Programa APOMIPE (fin)"], lang)
    v["n_phases"] = fmt_num(len(phases))
    from analysis.published.translate import text as ptext

    for r in phases.itertuples():
        v[f"phase{r.phase}"] = fmt_num(r.phase)
        v[f"phase{r.phase}_name"] = ptext(r.name, lang)
    v["n_social_words"] = fmt_words((phases["process"] == "social").sum(), lang)
    v["n_economic_words"] = fmt_words((phases["process"] == "economic").sum(), lang)
    v["n_phases_words"] = fmt_words(len(phases), lang)
    v["n_months_method"] = _val(c, "c037")
    v["n_gco_stages"] = fmt_words(_claim(c, "c213")["value"], lang)
    # Laredo networks (Tabla N°02)
    chains = nets["chain"].value_counts()
    v["n_networks"] = fmt_num(len(nets))
    v["n_mango"] = fmt_num(chains.get("mango", 0))
    v["n_dairy"] = fmt_num(chains.get("lacteos", 0))
    v["n_producers"] = fmt_num(nets["total"].sum())
    v["n_women"] = fmt_num(nets["women"].sum())
    v["n_men"] = fmt_num(nets["men"].sum())
    v["n_mango_members"] = fmt_num(nets.loc[nets["chain"] == "mango", "total"].sum())
    v["n_dairy_members"] = fmt_num(nets.loc[nets["chain"] == "lacteos", "total"].sum())
    v["n_mango_phase1"] = _val(c, "c021")
    v["n_mango_phase2"] = _val(c, "c022")
    v["n_dairy_phase1"] = _val(c, "c023")
    v["n_dairy_phase2"] = _val(c, "c024")
    v["members_min"] = fmt_num(_claim(c, "c030")["low"])
    v["members_max"] = fmt_num(_claim(c, "c030")["high"])
    v["date_mango_first"] = fmt_month(
        nets.loc[nets["network_id"] == "mango_la_campina_la_merced", "start_date"].iloc[0], lang)
    v["date_dairy_first"] = fmt_month(
        nets.loc[nets["network_id"] == "lacteos_santa_rosa", "start_date"].iloc[0], lang)
    v["date_phase2_networks"] = fmt_month(
        nets.loc[nets["programme_phase"] == 2, "start_date"].min(), lang)
    assoc = tl[tl["kind"] == "association"]
    v["date_redeslac"] = fmt_month(assoc.loc[assoc["chain"] == "lacteos", "date"].iloc[0], lang)
    v["n_founding_mango"] = _val(c, "c025")
    v["n_prior_assoc_members"] = _val(c, "c035")
    v["n_prior_assoc_years"] = _val(c, "c210")
    v["monthly_fee"] = fmt_money(_claim(c, "c187")["value"])
    v["pilot_cap"] = _val(c, "c126", "money")
    v["pilot_months"] = _val(c, "c203")
    # women's share: members vs representatives (the audit's reading of the 46%)
    women_pct = 100 * nets["women"].sum() / nets["total"].sum()
    n_rep_f = int((nets["representative_sex"] == "F").sum())
    v["pct_women_members"] = fmt_pct(round(women_pct))
    v["pct_led_by_women_stated"] = _val(c, "c031", "pct")
    v["n_rep_women"] = fmt_num(n_rep_f)
    v["pct_rep_women"] = fmt_pct(round(100 * n_rep_f / len(nets)))
    v["n_public_inst"] = _val(c, "c033")
    v["n_private_inst"] = _val(c, "c034")
    v["n_territorial_assoc"] = fmt_words(_claim(c, "c032")["value"], lang)
    v["n_territorial_assoc_cap"] = v["n_territorial_assoc"].capitalize()
    v["n_dairy_phase1_words"] = fmt_words(_claim(c, "c023")["value"], lang)
    v["n_dairy_phase2_words"] = fmt_words(_claim(c, "c024")["value"], lang)
    v["n_study_tours"] = fmt_words(_claim(c, "c212")["value"], lang)
    v["income_plant_before"] = _val(c, "c182", "money")
    v["income_plant_target"] = _val(c, "c183", "money")
    v["dairy_yield_plan_before"] = _val(c, "c062")
    v["dairy_yield_plan_target"] = _val(c, "c063")
    v["dairy_members_redeslac"] = _val(c, "c013")
    # dairy: initial
    v["cows_initial"] = _range(c, "c055", lang=lang)
    v["milk_yield_initial"] = _range(c, "c057", lang=lang)
    v["solids_initial"] = _range(c, "c078", "pct", lang)
    v["solids_min"] = _val(c, "c082", "pct")
    v["share_collector_initial"] = _val(c, "c087", "pct")
    v["price_collector_initial"] = _range(c, "c084", "money", lang)
    v["share_direct_initial"] = _val(c, "c088", "pct")
    v["price_direct_initial"] = _range(c, "c085", "money", lang)
    # dairy: current
    v["cattle_current"] = _val(c, "c056")
    v["milk_yield_current"] = _range(c, "c059", lang=lang)
    v["solids_current"] = _range(c, "c079", "pct", lang)
    v["redeslac_litres_day"] = _val(c, "c105")
    v["redeslac_litres_day_assoc"] = _val(c, "c104")
    v["share_collector_current"] = _val(c, "c089", "pct")
    v["share_redeslac_current"] = _val(c, "c090", "pct")
    v["share_direct_current"] = _val(c, "c091", "pct")
    v["redeslac_nestle_share"] = _val(c, "c092", "pct")
    v["premium_direct"] = _val(c, "c097", "money")
    v["premium_redeslac"] = _val(c, "c099", "money")
    v["redeslac_collected"] = _val(c, "c106")
    v["redeslac_collected_target"] = _val(c, "c107")
    v["redeslac_price_before"] = _val(c, "c101", "money")
    v["redeslac_price_after"] = _val(c, "c102", "money")
    v["feed_ration_before"] = _val(c, "c109")
    v["feed_ration_after"] = _val(c, "c110")
    v["dairy_disease_reduction_p2"] = _val(c, "c124", "pct")
    v["dairy_income_change_p1"] = _val(c, "c117", "pct")
    # mango: initial and current
    v["mango_ha"] = _val(c, "c144")
    v["mango_revenue_ha"] = _val(c, "c180", "money")
    v["mango_revenue_ha_best"] = _val(c, "c181", "money")
    v["mango_yield_change"] = _val(c, "c146", "pct")
    v["mango_waste_before"] = _val(c, "c160", "pct")
    v["mango_waste_after"] = _val(c, "c161", "pct")
    v["mango_discard_before"] = _val(c, "c164", "pct")
    v["mango_discard_after"] = _val(c, "c165", "pct")
    v["mango_organic"] = _val(c, "c188", "pct")
    v["mango_share_mebol"] = _val(c, "c170", "pct")
    v["mango_share_perufrut"] = _val(c, "c171", "pct")
    v["mango_share_direct"] = _val(c, "c172", "pct")
    v["mango_share_collectors"] = _val(c, "c173", "pct")
    v["mango_price_mebol"] = _range(c, "c178", "money", lang)
    v["mango_income_change_p2"] = _val(c, "c169", "pct")
    v["mango_compost_t"] = _val(c, "c191")
    v["mango_pest_cost_reduction"] = _val(c, "c157", "pct")
    # co-financing (stated totals)
    cof = tables["cofinancing"]
    st = cof[cof["kind"] == "stated_total"]
    v["n_cof_totals"] = fmt_num(len(st))
    # district (the audit's population disagreement)
    soc = tables["laredo_socioeconomic"].set_index("indicator")["value"]
    v["population_table"] = fmt_num(soc.get("population_table"))
    v["population_text"] = fmt_num(soc.get("population_text"))
    # the sister document of the preface
    crafts = pre[pre["scope"] == "sister_document_crafts"].set_index("measure")["value"]
    v["crafts_networks"] = fmt_num(crafts["networks_count"])
    v["crafts_income_change"] = fmt_pct(crafts["net_income_change_pct"])
    return v


CHAPTERS = {"ch_chains": 5, "ch_audit": 6, "ch_implied": 7, "ch_effects": 8}


def report_values(tables: dict[str, pd.DataFrame], audit: pd.DataFrame, implied: pd.DataFrame,
                  lang: str = "es", *, source_name: str = "", synthetic: bool = True,
                  have_survey: bool = True, chapters: dict[str, int] | None = None,
                  raw_dir: Path | None = None) -> dict[str, str]:
    """:func:`values` plus the audit counts, the document-implied changes per producer, the
    chapter numbers the prose points to and the survey paragraph (synthetic, real or none)."""
    from analysis.published.implied import fill_conclusions, headline_rows
    from analysis.report.narrative import audit_counts

    v = values(tables, lang, raw_dir)
    v.update({k: fmt_num(n) for k, n in (chapters or CHAPTERS).items()})
    v["source_name"] = source_name
    v["n_missing_words"] = fmt_words(len(fill_conclusions(implied, lang)), lang)
    n_checks, n_fail = audit_counts(audit)
    v["n_checks"], v["n_fail"] = fmt_num(n_checks), fmt_num(n_fail)
    for chain, key in (("mango", "mango"), ("lacteos", "dairy")):
        sel = implied[(implied["chain"] == chain) & (implied["level"] == "per_producer")
                      & (implied["quantity"] == "sales_value")]
        r = headline_rows(sel)
        if len(r) != 1:
            raise ValueError(f"implied_effects.csv: expected one per-producer sales row for {chain}")
        r = r.iloc[0]
        v[f"{key}_sales_before"] = fmt_money_range(r["initial_low"], r["initial_high"])
        v[f"{key}_sales_after"] = fmt_money_range(r["current_low"], r["current_high"])
        word = " y " if lang == "es" else " and "
        v[f"{key}_sales_pct"] = (f"{fmt_num(round(r['pct_low']))}%{word}"
                                 f"{fmt_num(round(r['pct_high']))}%")
    kind = "none" if not have_survey else ("synthetic" if synthetic else "real")
    v["survey_paragraph"] = render(f"survey_{kind}", lang, v)
    return v


# blocks filled by another block rather than printed on their own
INNER_BLOCKS = ("survey_none", "survey_real", "survey_synthetic")
