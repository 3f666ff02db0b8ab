"""Authoring script for notebooks/report_main.ipynb (its content, reviewable as code).

Run: .venv/bin/python scripts/author_report_main.py   (overwrites the notebook, without outputs)
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from nbtool import COMMON_PARAMS, build  # noqa: E402

NB = Path(__file__).resolve().parents[1] / "notebooks" / "report_main.ipynb"

PARAMS = COMMON_PARAMS

SETUP = '''from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from analysis import charts, effects_figures as ef, published, report_tables as rt, report_text as rx
from analysis import implied as implied_mod
from analysis.coverage import report as coverage_report
from analysis.coverage.gate import load_coverage
from analysis.labels import t
from analysis.numbering import Report
from analysis.survey.balance import baseline_balance

md = lambda text: display(Markdown(text))
n = lambda key, **kw: rx.fill(f"narrative.{key}", lang, **kw)
pub = lambda ref: n("src_published", ref=n(f"ref_{ref}"))
processed = Path(processed_dir)
cfg = rx.load_report_config(config_path)
tables = published.load_all(Path(raw_dir) / "published")
audit = pd.read_csv(processed / "audit.csv")
rep = Report("informe", reports_dir=Path(reports_dir), lang=lang)
rep.notice(rx.notice_text(cfg, lang))'''

SURVEY = '''survey_files = [processed / "effects.csv", processed / "panel.parquet"]
missing = [p.name for p in survey_files if not p.exists()]
have_survey = not missing
if have_survey:
    effects = pd.read_csv(processed / "effects.csv")
    panel = pd.read_parquet(processed / "panel.parquet")
own_survey = n("src_own_survey", source_name=cfg["source_name"])
outcomes = [o for o in ("net_income_pen", "sales_value_pen", "employment_fte")
            if have_survey and o in set(effects["outcome"])]'''

cells = [
    ("md", "# Informe principal: Redes Empresariales en Laredo\n\n"
           "Cuaderno del informe principal. Cada celda llama a funciones de `analysis`; los textos "
           "vienen de `src/analysis/i18n/narrative.yaml` y `effects_report.yaml`. Entradas: "
           "`data/raw/published/*.csv` (cifras publicadas), `data/processed/audit.csv`, "
           "`implied_*.csv`, `conclusions.csv` (paso 01), `panel.parquet` (paso 02) y `effects.csv` "
           "(paso 03). Los encabezados se emiten como salida para que cambien con `lang`.", ["remove"]),
    ("code", PARAMS, ["parameters"]),
    ("code", SETUP),

    # 1. Summary
    ("code", 'md(rx.chapter(1, "h_summary", lang))\nmd(rx.summary_text(tables["networks"], audit, lang))'),
    ("code", 'md(rx.section("h_sources", lang))\nmd(n("sources"))'),

    # 2. Programme
    ("code", 'md(rx.chapter(2, "h_programme", lang))\nmd(n("programme"))'),
    ("code", 'rep.figure(charts.methodology_phases(tables["methodology_phases"], lang), "fases_metodologia",\n'
             '           n("cap_phases"), pub("graph01"))'),

    # 3. Territory
    ("code", 'md(rx.chapter(3, "h_territory", lang))\nmd(n("territory"))'),
    ("code", 'rep.table(rt.socioeconomic_table(tables["laredo_socioeconomic"], lang), "laredo_socioeconomico",\n'
             '          n("cap_socio"), pub("table01"))'),
    ("code", 'rep.figure(charts.pea_by_sector(tables["pea_by_sector"], lang), "pea_sector", n("cap_pea"),\n'
             '           pub("graph05"))\n'
             'rep.figure(charts.mipes_by_activity(tables["mipes_by_activity"], lang), "mipes_actividad",\n'
             '           n("cap_mipes"), pub("graph06"))'),

    # 4. Networks
    ("code", 'md(rx.chapter(4, "h_networks", lang))\nmd(n("networks"))'),
    ("code", 'rep.table(rt.networks_table(tables["networks"], lang), "redes", n("cap_networks"), pub("table02"))\n'
             'rep.figure(charts.members_by_network_sex(tables["networks"], lang), "integrantes_sexo",\n'
             '           n("cap_members"), pub("table02"))\n'
             'rep.figure(charts.network_timeline(tables["timeline"], tables["networks"], lang), "linea_tiempo",\n'
             '           n("cap_timeline"), pub("timeline"))'),
    ("code", 'md(rx.section("h_cofinancing", lang))\nmd(n("cofinancing_text"))\n'
             'rep.figure(charts.cofinancing(tables["cofinancing"], lang), "cofinanciamiento", n("cap_cof_chart"),\n'
             '           pub("cofinancing"))\n'
             'rep.table(rt.cofinancing_table(tables["cofinancing"], lang), "cofinanciamiento_montos",\n'
             '          n("cap_cof_table"), pub("cofinancing"))'),
    ("code", 'md(rx.section("h_projects", lang))\n'
             'rep.table(rt.projects_table(tables["projects"], tables["networks"], lang), "proyectos",\n'
             '          n("cap_projects"), pub("projects"))'),

    # 5. Chains
    ("code", 'md(rx.chapter(5, "h_chains", lang))\nmd(n("chains"))\n'
             'ind = tables["chain_indicators"]\n'
             'rep.figure(charts.chain_indicators_initial_vs_current(ind, lang), "indicadores_cadenas",\n'
             '           n("cap_ind_chart"), pub("chains"))\n'
             'rep.figure(charts.sales_shares_by_buyer(ind, lang), "ventas_comprador", n("cap_shares"), pub("chains"))'),
    ("code", 'md(rx.section("h_indicators", lang))\n'
             'for chain in ("lacteos", "mango"):\n'
             '    rep.table(rt.chain_indicator_table(ind, tables["networks"], chain, lang), f"indicadores_{chain}",\n'
             '              n("cap_ind_table", chain=t(f"common.chain_{chain}", lang).lower()), pub("chains"))'),

    # 6. Audit
    ("code", 'md(rx.chapter(6, "h_audit", lang))\nmd(rx.audit_text(audit, lang))\n'
             'findings_path = processed / "audit_findings.csv"\n'
             'if findings_path.exists():\n'
             '    md(rx.audit_findings_text(audit, pd.read_csv(findings_path), lang))\n'
             '    rep.table(rt.findings_table(pd.read_csv(findings_path), tables["networks"], lang),\n'
             '              "hallazgos_auditoria", n("cap_findings"), n("src_own_audit"))\n'
             'failed = rt.failed_checks_table(audit, lang)\n'
             'if len(failed) and not findings_path.exists():  # one row per check only as a fallback\n'
             '    rep.table(failed, "comprobaciones_fallidas", n("cap_failed"), n("src_own_audit"))\n'
             'md(n("audit_full_table") if len(failed) else n("audit_none_failed"))'),

    # 7. Implied effects
    ("code", 'md(rx.chapter(7, "h_implied", lang))\nmd(n("implied"))\n'
             'implied = pd.read_csv(processed / "implied_effects.csv")\n'
             'rep.figure(charts.implied_effects_intervals(implied, lang), "efectos_implicitos",\n'
             '           n("cap_implied_chart"), n("src_own_implied"))\n'
             'rep.table(rt.implied_table(implied, lang), "efectos_implicitos", n("cap_implied_table"),\n'
             '          n("src_own_implied"))'),
    ("code", 'md(rx.section("h_assumptions", lang))\n'
             'assumptions = pd.read_csv(processed / "implied_assumptions.csv")\n'
             'rep.table(rt.assumptions_table(assumptions, lang), "supuestos", n("cap_assumptions"),\n'
             '          n("src_own_implied"))\n'
             'decomp_path = processed / "implied_decomposition.csv"\n'
             'if decomp_path.exists():\n'
             '    rep.table(rt.decomposition_table(pd.read_csv(decomp_path), lang), "descomposicion_implicita",\n'
             '              n("cap_decomposition"), n("src_own_implied"))\n'
             '    md(rx.sensitivity_text(pd.read_csv(processed / "implied_sensitivity.csv"), lang))'),
    ("code", 'md(rx.section("h_employment", lang))\n'
             'md(rx.employment_text(pd.read_csv(processed / "implied_employment.csv"), lang))'),

    # 8. Estimated effects
    ("code", 'md(rx.chapter(8, "h_effects", lang))\n' + SURVEY + '\n'
             'if have_survey:\n'
             '    md(rx.effects_text(panel, effects, lang))\n'
             '    md(n("effects_reading", min_cell=cfg["min_cell"]) + " " + n("effects_columns"))\n'
             'else:\n'
             '    md(n("no_survey", missing=", ".join(missing)))'),
    ("code", 'if have_survey:\n'
             '    coverage = load_coverage()\n'
             '    md("## " + t("coverage.h_inference", lang))\n'
             '    md(coverage_report.coverage_text(coverage, lang))\n'
             '    rep.table(coverage_report.coverage_table(coverage, lang), "cobertura_simulada",\n'
             '              t("coverage.cap_table", lang), t("coverage.src_table", lang))'),
    ("code", 'for outcome in outcomes:\n'
             '    name = t(f"effects_report.out_{outcome}", lang)\n'
             '    md(rx.section("h_effect_outcome", lang, outcome=name.lower()))\n'
             '    rep.table(ef.effects_table(effects, outcome, cfg["min_cell"], lang), f"efecto_{outcome}",\n'
             '              n("cap_effects_table", outcome=name.lower()), own_survey)'),
    ("code", 'if have_survey:\n'
             '    md(rx.section("h_by_network", lang))\n'
             '    md(t("effects_report.forest_text_cluster", lang, min_cell=cfg["min_cell"]))\n'
             'for outcome in outcomes:\n'
             '    name = t(f"effects_report.out_{outcome}", lang).lower()\n'
             '    rep.figure(ef.network_forest(effects, outcome, tables["networks"], cfg["min_cell"], lang),\n'
             '               f"efecto_red_{outcome}", t("effects_report.cap_forest_cluster", lang, outcome=name), own_survey)'),
    ("code", 'if have_survey:\n'
             '    md(rx.section("h_trends", lang))\n'
             '    md(n("trends_text"))\n'
             'for outcome in outcomes:\n'
             '    means = ef.outcome_means(panel, outcome, cfg["min_cell"])\n'
             '    rep.figure(ef.before_after_chart(means, outcome, lang), f"medias_{outcome}",\n'
             '               n("cap_trends", outcome=t(f"effects_report.out_{outcome}", lang).lower()), own_survey)'),
    ("code", 'if have_survey:\n'
             '    md(rx.section("h_event", lang))\n'
             '    md(n("event_text"))\n'
             '    rep.figure(ef.event_study_chart(effects, outcomes, "cs_notyet", lang), "estudio_eventos",\n'
             '               n("cap_event"), own_survey)'),
    ("code", 'if have_survey:\n'
             '    md(rx.section("h_balance", lang))\n'
             '    md(n("balance_text"))\n'
             '    rep.table(ef.balance_table(baseline_balance(panel), cfg["min_cell"], lang), "balance_linea_base",\n'
             '              n("cap_balance"), own_survey)'),
    ("code", 'if have_survey:\n'
             '    md(rx.section("h_heterogeneity", lang))\n'
             '    rep.table(ef.heterogeneity_table(effects, outcomes, cfg["min_cell"], lang), "heterogeneidad",\n'
             '              n("cap_heterogeneity"), own_survey)'),

    # 9. Conclusions
    ("code", 'md(rx.chapter(9, "h_conclusions", lang))\nmd(n("conclusions_intro"))\n'
             'survey_text = ef.survey_conclusions(effects, tables["networks"], lang) if have_survey else None\n'
             'published_text = pd.DataFrame(implied_mod.fill_conclusions(implied, lang))  # = conclusions.csv in `lang`\n'
             'concl = rt.conclusions_table(published_text, survey_text, cfg["synthetic"], lang)\n'
             'source = n("src_own_implied") + ("; " + own_survey if have_survey else "")\n'
             'rep.table(concl, "conclusiones", n("cap_conclusions"), source)'),
]

build(NB, cells)
print(f"written {NB}")
