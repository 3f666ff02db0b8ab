"""analysis.report.narrative: narrative filled from data; no placeholder or "XX" left in any label."""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.published import load as published
from analysis.report import narrative as rx
from analysis.labels import I18N_DIR

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def networks():
    return published.load("networks")


def audit_frame(n_pass: int, n_fail: int) -> pd.DataFrame:
    return pd.DataFrame({"check_id": range(n_pass + n_fail),
                         "passed": [True] * n_pass + [False] * n_fail})


def test_summary_counts_come_from_networks_csv(networks):
    v = rx.summary_values(networks, audit_frame(10, 3))
    assert v == {"n_networks": 12, "n_mango": 4, "n_dairy": 8, "n_producers": 116,
                 "n_women": 53, "n_men": 63, "n_checks": 13, "n_fail": 3}
    text = rx.summary_text(networks, audit_frame(10, 3), "es")
    assert "12 redes empresariales" in text
    assert "116 integrantes (53 mujeres y 63 hombres" in text
    assert "revisó 13 relaciones entre cifras y encontró 3" in text
    assert "116 members (53 women and 63 men" in rx.summary_text(networks, audit_frame(1, 0), "en")


def test_audit_counts_read_text_booleans():
    audit = pd.DataFrame({"passed": ["True", "False", "False", "true"]})
    assert rx.audit_counts(audit) == (4, 2)
    assert "Se revisaron 4 relaciones; 2 no se cumplen" in rx.audit_text(audit)
    with pytest.raises(ValueError, match=r"audit.csv row 2, column 'passed': 'maybe'"):
        rx.audit_counts(pd.DataFrame({"passed": ["True", "maybe"]}))


def test_effects_text_years_and_clusters():
    panel = pd.DataFrame({"year": [2005, 2007, 2011, 2005], "cluster_id": ["a", "b", "c", "d"]})
    effects = pd.DataFrame({"level": ["overall"], "method": ["did_twfe"], "n_clusters": [20]})
    text = rx.effects_text(panel, effects, "es")
    assert "una línea de base (2005), un seguimiento (2007) y una medición final (2011)" in text
    assert "con solo\n20" not in text and "con solo 20 conglomerados" in text


def test_fill_refuses_leftovers():
    with pytest.raises(KeyError):  # str.format: missing value for a placeholder
        rx.fill("narrative.summary", "es", n_networks=1)
    with pytest.raises(ValueError, match=r"still contains \['XX'\]"):
        rx.fill("narrative.chapter", "es", n="XX", title="Resumen")


def test_chapter_and_section_headings():
    assert rx.chapter(1, "h_summary", "es") == "# 1. Resumen"
    assert rx.chapter(9, "h_conclusions", "en") == "# 9. Conclusions"
    assert rx.section("h_effect_outcome", "es", outcome="ingreso") == "## Efecto sobre: ingreso"


@pytest.mark.parametrize("domain", ["narrative", "effects_report"])
def test_no_label_value_contains_xx(domain):
    labels = yaml.safe_load((I18N_DIR / f"{domain}.yaml").read_text(encoding="utf-8"))
    for key, value in labels.items():
        for lang, text in value.items():
            assert "XX" not in text, f"{domain}.{key} ({lang}) contains XX"


def test_config_and_notice(tmp_path):
    cfg = rx.load_report_config(ROOT / "config" / "demo.yaml")
    assert cfg["synthetic"] is True and cfg["min_cell"] == 5
    notice = rx.notice_text(cfg, "es")
    assert notice.startswith("Datos sintéticos. La encuesta a productores de esta edición es sintética")
    assert "no son hallazgos sobre Laredo" in notice and "<strong>" not in notice
    assert notice.endswith("Las cifras publicadas (capítulos 1 a 5) son reales y citan su tabla o "
                           "gráfico de origen.")
    # the same core sentence opens the effects chapter's box, with that place's own sentence
    effects = rx.effects_notice_text(cfg, "en")
    assert effects.startswith("Synthetic data. The producer survey of this edition is synthetic")
    assert effects.endswith("describe the simulated survey, not the real producers.")
    bad = tmp_path / "bad.yaml"
    bad.write_text("source_name: x\nmin_cell: 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.yaml: key 'min_cell' must be a positive integer, got 0"):
        rx.load_report_config(bad)
    bad.write_text("synthetic: true\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.yaml: key 'source_name' is missing or empty"):
        rx.load_report_config(bad)
    real = rx.notice_text({"synthetic": False, "source_name": "Encuesta 2012"}, "es")
    assert real == "Datos de encuesta: Encuesta 2012."


def test_employment_text_says_why():
    emp = pd.DataFrame({"indicator": ["jobs_created", "jobs_consolidated"],
                        "label": ["Puestos de trabajo generados", "Puestos de trabajo consolidados"],
                        "status": ["no determinable"] * 2, "reason": ["Sin datos de empleo"] * 2,
                        "data_needed": ["jornales por año"] * 2})
    text = rx.employment_text(emp, "es")
    assert text == ("Con las cifras publicadas no se puede saber cuántos puestos de trabajo se "
                    "generaron ni cuántos se consolidaron. Sin datos de empleo. Para medirlo harían "
                    "falta estos datos: jornales por año.")
    assert rx.employment_text(emp, "en").startswith(
        "The published figures cannot tell how many jobs were created or how many were consolidated.")
