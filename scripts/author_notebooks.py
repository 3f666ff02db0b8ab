"""Authoring script for the pipeline-step notebooks (kept so their content is reviewable as code).
Run: .venv/bin/python scripts/author_notebooks.py  (overwrites notebooks/01 and 02)."""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from nbtool import COMMON_PARAMS, build

NB = Path(__file__).resolve().parents[1] / "notebooks"
PARAMS = COMMON_PARAMS

build(NB / "01_published_audit.ipynb", [
    ("md", "# 1. Cifras publicadas: auditoría de consistencia y efectos implícitos\n\n"
           "Lee las tablas transcritas de la sistematización (`data/raw/published/`), aplica las reglas de "
           "consistencia y calcula los cambios que implican las cifras de antes y después. Escribe "
           "`audit.csv`, `implied_effects.csv`, `implied_assumptions.csv` y `conclusions.csv` en `data/processed/`."),
    ("code", PARAMS, ["parameters"]),
    ("code", "from pathlib import Path\n\nfrom analysis import audit, implied, published\n\n"
             "raw, processed = Path(raw_dir), Path(processed_dir)\nprocessed.mkdir(parents=True, exist_ok=True)\n"
             "tables = published.load_all(raw / 'published')\n"
             "{name: len(df) for name, df in tables.items()}"),
    ("md", "## Auditoría: cada regla sobre cada grupo de cifras relacionadas"),
    ("code", "checks = audit.run_audit(tables, lang=lang)\naudit.write_audit(checks, processed)\n"
             "audit.write_findings(checks, tables['claims'], processed)\n"
             "print(f\"{len(checks)} comprobaciones, {(~checks['passed']).sum()} discrepancias\")\n"
             "checks.loc[~checks['passed']]"),
    ("md", "## Efectos implícitos en las cifras de antes y después"),
    ("code", "result = implied.compute_implied(tables['chain_indicators'], tables['networks'],\n"
             "                                 implied.ImpliedParams(lang=lang), tables['network_totals'],\n"
             "                                 tables.get('claims'))\n"
             "implied.write_implied(result, processed, lang)\nresult.effects"),
    ("code", "result.assumptions"),
])

build(NB / "02_clean_survey.ipynb", [
    ("md", "# 2. Encuesta de productores: lectura, validación, limpieza y seudonimización\n\n"
           "La fuente se describe en un archivo YAML (`config_path`): archivos, hojas, columnas, códigos y "
           "unidades. El resultado es el panel canónico `panel.parquet` y el registro de limpieza "
           "`cleaning_log.csv` (cada fila cambiada o excluida, con la regla). Nombres, DNI, teléfonos y "
           "direcciones se descartan al leer."),
    ("code", PARAMS, ["parameters"]),
    ("code", "from pathlib import Path\n\nfrom analysis.survey import pipeline\n\n"
             "result = pipeline.run(Path(config_path), Path(processed_dir))\nresult.summary"),
    ("code", "result.log.groupby(['rule', 'action']).size().rename('filas').reset_index()"),
    ("code", "result.panel.groupby(['round', 'chain', 'member']).size().unstack('member')"),
])

# notebooks/03_estimate_effects.ipynb and factsheet.ipynb: scripts/author_factsheet.py
print("notebooks written")
