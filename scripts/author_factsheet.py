"""Authoring script for notebooks/factsheet.ipynb and notebooks/03_estimate_effects.ipynb.

Run: .venv/bin/python scripts/author_factsheet.py   (overwrites both notebooks, without outputs)
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from nbtool import COMMON_PARAMS, build  # noqa: E402

NB = Path(__file__).resolve().parents[1] / "notebooks"

# ------------------------------------------------------------------ factsheet
PARAMS = COMMON_PARAMS + '''unit_kind = "network"
unit_id = "lacteos_san_pachusco"
'''

SETUP = '''from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from analysis import factsheet_content as fc, published
from analysis.labels import t
from analysis.numbering import Report
from analysis.report_text import load_report_config

md = lambda text: display(Markdown(text))
l = lambda key, **kw: t(f"factsheet.{key}", lang, **kw)
processed = Path(processed_dir)
cfg = load_report_config(config_path)
min_cell = int(cfg["min_cell"])
pub = {k: published.load(k, Path(raw_dir) / "published")
       for k in ("networks", "projects", "cofinancing", "chain_indicators")}
networks = pub["networks"]
nets = fc.unit_networks(networks, unit_kind, unit_id)
chain = fc.unit_chain(networks, unit_kind, unit_id)
chain_name = t(f"common.chain_{chain}", lang)
title = fc.unit_title(networks, unit_kind, unit_id, lang)
rep = Report(unit_id, reports_dir=Path(reports_dir) / "fichas", lang=lang)
if cfg["synthetic"]:
    rep.notice(l("notice_synthetic", source_name=cfg["source_name"]))'''

IDENTITY = '''if unit_kind == "network":
    md(fc.identity_text(networks, unit_id, lang))
else:
    md(f"**{title}** · " + l("subtitle_chain", n=len(nets)))
    rep.table(fc.identity_table(networks, unit_kind, unit_id, lang), "redes",
              l("cap_networks", chain=chain_name.lower()), l("src_networks"))'''

PROJECTS = '''md(f"### {l('h_projects' if unit_kind == 'network' else 'h_projects_chain')}")
projects = fc.unit_projects(pub["projects"], networks, unit_kind, unit_id)
if projects.empty:
    md(l("txt_projects_none"))
else:
    md(l(f"txt_projects_{unit_kind}"))
    short = None if unit_kind == "network" else dict(zip(networks["network_id"], networks["short_name"]))
    rep.table(fc.projects_table(projects, lang, short_names=short, results=unit_kind == "network"),
              "proyectos", l(f"cap_projects_{unit_kind}"), l("src_projects"))
    cof = fc.cofinancing_table(pub["cofinancing"], projects, lang)
    if unit_kind == "chain":
        cof = fc.cofinancing_wide(cof, lang)
    if cof.empty:
        md(l("txt_cofinancing_none"))
    else:
        ids = [i for i in projects["cofinancing_id"].fillna("").unique() if i]
        md(l("txt_cofinancing", n=fc.cofinancing_shared_by(pub["projects"], ids)))
        rep.table(cof, "cofinanciamiento", l("cap_cofinancing"), l("src_cofinancing"), decimals=0)'''

INDICATORS = '''md(f"### {l('h_indicators')}")
ind = fc.indicators_table(pub["chain_indicators"], chain, unit_id if unit_kind == "network" else None, lang)
if ind.empty:
    md(l("txt_indicators_none"))
else:
    md(l("txt_indicators", chain=chain_name.lower()))
    rep.table(ind, "indicadores", l("cap_indicators", chain=chain_name.lower()), l("src_indicators"))'''

IMPLIED = '''md(f"### {l('h_implied')}")
implied_path = processed / "implied_effects.csv"
if not implied_path.exists():
    md(l("txt_implied_missing", path=processed))
else:
    md(l("txt_implied", chain=chain_name.lower()))
    rep.table(fc.implied_table(pd.read_csv(implied_path), chain, lang), "cambio_implicito",
              l("cap_implied", chain=chain_name.lower()), l("src_implied"))'''

EFFECTS = '''md(f"### {l('h_effects')}")
effects_path = processed / "effects.csv"
if not effects_path.exists():
    md(l("txt_effects_missing", path=processed))
else:
    effects = pd.read_csv(effects_path)
    table, n_supp = fc.effects_table(effects, unit_kind, unit_id, min_cell, lang)
    members = int(table[l("col_members")].iloc[0])
    comparison = int(table[l("col_comparison_n")].iloc[0])
    md(l(f"txt_effects_{unit_kind}", members=members, comparison=comparison, chain=chain_name.lower()))
    unit_name = title if unit_kind == "network" else chain_name.lower()
    rep.table(table, "efectos", l("cap_effects", unit=unit_name), l("src_survey", source_name=cfg["source_name"]))
    if n_supp:
        md(l("txt_suppressed", min_cell=min_cell))'''

MEANS = '''if effects_path.exists():
    panel = pd.read_parquet(processed / "panel.parquet")
    means = fc.group_means(panel, networks, unit_kind, unit_id, min_cell)
    md(l("txt_means", min_cell=min_cell))
    rep.figure(fc.means_chart(means, lang), "promedios_por_ronda", l("cap_means", unit=unit_name),
               l("src_means", source_name=cfg["source_name"]))'''

build(NB / "factsheet.ipynb", [
    ("md", "# Ficha de resultados (una red o una cadena)\n\n"
           "Cuaderno parametrizado: `analysis.factsheets` lo ejecuta una vez por red y por cadena "
           "(`unit_kind` = \"network\" | \"chain\", `unit_id`). Lógica en "
           "`analysis.factsheet_content`; textos en `src/analysis/i18n/factsheet.yaml`. Entradas: "
           "`data/raw/published/` (networks, projects, cofinancing, chain_indicators), "
           "`data/processed/implied_effects.csv`, `effects.csv` y `panel.parquet`.", ["remove"]),
    ("code", PARAMS, ["parameters"]),
    ("code", SETUP),
    ("code", IDENTITY),
    ("code", PROJECTS),
    ("code", INDICATORS),
    ("code", IMPLIED),
    ("code", EFFECTS),
    ("code", MEANS),
])

# ------------------------------------------------------------------ step 03
EFF_PARAMS = COMMON_PARAMS + '''wild_reps = 999
seed = 20111231
'''

EFF_RUN = '''from pathlib import Path

import pandas as pd

from analysis.project_effects import run_project_effects

panel = pd.read_parquet(Path(processed_dir) / "panel.parquet")
effects = run_project_effects(panel, Path(processed_dir), wild_reps=int(wild_reps), seed=int(seed), lang=lang)
print(f"{len(effects)} filas en effects.csv; niveles: {sorted(effects['level'].unique())}")'''

EFF_SUMMARY = '''main = effects[effects["level"].isin(["overall", "chain"])
               & effects["method"].isin(["did_twfe", "pct_effect", "did_wild"])
               & effects["outcome"].isin(["net_income_pen", "sales_value_pen", "employment_fte"])]
summary = main.assign(grupo=main["group_value"].fillna("todas")).pivot_table(
    index=["outcome", "grupo"], columns="method", values=["estimate", "p_value"], aggfunc="first")
summary = summary[[("estimate", "did_twfe"), ("p_value", "did_twfe"), ("p_value", "did_wild"),
                   ("estimate", "pct_effect")]]
summary.columns = ["DiD (nivel)", "p (CRV1)", "p (wild)", "efecto %"]
summary.round(3)'''

EFF_NETWORKS = '''nets = effects[(effects["level"] == "network_id") & (effects["method"] == "pct_effect")]
nets.pivot_table(index="group_value", columns="outcome", values="estimate").round(1)'''

build(NB / "03_estimate_effects.ipynb", [
    ("md", "# 3. Efectos en ingresos, ventas y empleo\n\n"
           "Estima, con el panel limpio, el efecto de integrar una red sobre el ingreso neto anual, el "
           "valor bruto de ventas y el empleo: en total, por cadena, por red (miembros de la red vs "
           "comparación de su cadena), por sexo y por fase del programa. Todos los números del informe "
           "salen de `effects.csv`, escrito aquí por `analysis.project_effects.run_project_effects` "
           "(que llama a `analysis.effects.estimate_effects`). Una red cuenta como tratada desde la "
           "primera ronda de encuesta posterior a su inicio (2005/2006 → 2007, 2008 → 2011)."),
    ("code", EFF_PARAMS, ["parameters"]),
    ("code", EFF_RUN),
    ("md", "Resumen: efecto DiD en niveles con p-valor CRV1 por red/sector y p-valor wild cluster "
           "bootstrap, y efecto porcentual, para todas las redes y por cadena."),
    ("code", EFF_SUMMARY),
    ("md", "Efecto porcentual por red (miembros de la red vs productores de comparación de su cadena)."),
    ("code", EFF_NETWORKS),
])
