"""The reports name the scope the survey covers (issue 14 item 2): the programme-scale demo
(config/demo_programa.yaml, 118 networks in three regions, synthetic) is not called "Laredo" on
its covers, its synthetic-data notices or in the coverage paragraph of chapter 8, while the
Laredo default keeps its words. The scope is read from the survey's networks table, not from the
config's name (analysis.report.scope)."""
from __future__ import annotations

import shutil

import pytest

from analysis import cli, paths
from analysis.coverage.gate import load_coverage
from analysis.coverage.report import coverage_text
from analysis.labels import synthetic_notice, t
from analysis.report import factsheets
from analysis.report import narrative as rx
from analysis.report.scope import cover, survey_scope
from analysis.survey.pipeline import SURVEY_NETWORKS, run

PROGRAMME = paths.CONFIG / "demo_programa.yaml"
LAREDO = paths.CONFIG / "demo.yaml"

PROGRAMME_COVER = {
    "es": {"title": "Redes Empresariales del programa APOMIPE",
           "subtitle": "Evaluación de impacto reproducible: 118 redes de lácteos y mango en La Libertad, "
                       "Cajamarca y Cusco (encuesta sintética), 2005–2011",
           "programme": "Programa de Apoyo a la Micro y Pequeña Empresa en el Perú (APOMIPE) – Redes "
                        "Empresariales de La Libertad, Cajamarca y Cusco"},
    "en": {"title": "Business Networks of the APOMIPE programme",
           "subtitle": "A reproducible impact evaluation: 118 dairy and mango networks in La Libertad, "
                       "Cajamarca and Cusco (synthetic survey), 2005–2011",
           "programme": "Support Programme for Micro and Small Enterprises in Peru (APOMIPE) – Business "
                        "Networks of La Libertad, Cajamarca and Cusco"},
}


@pytest.fixture(scope="module")
def panels(tmp_path_factory):
    """The cleaned panels of both demos (what the effects chapter reads)."""
    out = {}
    for name, config in (("programme", PROGRAMME), ("laredo", LAREDO)):
        folder = tmp_path_factory.mktemp(name)
        out[name] = (run(config, folder).panel, folder)
    return out


@pytest.mark.parametrize("lang", ["es", "en"])
def test_programme_cover_names_the_118_networks_in_three_regions_not_laredo(tmp_path, lang):
    # from the config's networks table (no cleaning yet) and from the one the cleaning wrote
    shutil.copy(paths.SURVEY_RAW / "redes_programa.csv", tmp_path / SURVEY_NETWORKS)
    for processed in (tmp_path / "none", tmp_path):
        got = cover(lang, "report.title_main", "report.subtitle_main", config_path=PROGRAMME,
                    processed_dir=processed)
        assert got == PROGRAMME_COVER[lang]
        assert not any("Laredo" in v for v in got.values())
    quality = cover(lang, "report.title_quality", "report.subtitle_quality", config_path=PROGRAMME,
                    processed_dir=tmp_path)
    assert quality["title"] == t("report.title_quality", lang)
    assert quality["subtitle"] == {
        "es": "118 redes de lácteos y mango en La Libertad, Cajamarca y Cusco (encuesta sintética): "
              "lectura, limpieza y balance de línea de base",
        "en": "118 dairy and mango networks in La Libertad, Cajamarca and Cusco (synthetic survey): "
              "reading, cleaning and baseline balance"}[lang]
    assert "Laredo" not in quality["subtitle"] + quality["programme"]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_laredo_cover_keeps_its_labels(tmp_path, lang):
    got = cover(lang, "report.title_main", "report.subtitle_main", config_path=LAREDO, processed_dir=tmp_path)
    assert got == {"title": t("report.title_main", lang), "subtitle": t("report.subtitle_main", lang),
                   "programme": t("report.programme", lang)}
    assert got["title"] == {"es": "Redes Empresariales en Laredo", "en": "Business Networks in Laredo"}[lang]
    assert survey_scope(LAREDO).laredo and not survey_scope(PROGRAMME).laredo


def test_redes_build_prints_the_programme_scope_on_the_cover(tmp_path, monkeypatch):
    """What `make report DATA=config/demo_programa.yaml` runs: `redes build --title-key ...`."""
    import analysis.reproducible
    import analysis.report.build

    seen = {}

    def fake_run(notebook, executed, html, pdf, title, subtitle="", parameters=None, lang="es",
                 progress=True, reports_dir=None, programme=None):
        seen.update(title=title, subtitle=subtitle, programme=programme)
        return {"papermill": 0.0}

    monkeypatch.setattr(analysis.report.build, "run", fake_run)
    monkeypatch.setattr(analysis.reproducible, "pin_build_date", lambda: None)
    shutil.copy(paths.SURVEY_RAW / "redes_programa.csv", tmp_path / SURVEY_NETWORKS)
    code = cli.run(["build", "notebooks/report_main.ipynb", "--executed", str(tmp_path / "x.ipynb"),
                    "--html", str(tmp_path / "x.html"), "--pdf", str(tmp_path / "x.pdf"), "--lang", "en",
                    "--title-key", "report.title_main", "--subtitle-key", "report.subtitle_main",
                    "--processed-dir", str(tmp_path), "-p", "config_path", str(PROGRAMME)])
    assert code == 0
    assert seen == PROGRAMME_COVER["en"]


def test_coverage_paragraph_gives_the_programme_design_and_its_clusters(panels):
    panel, processed = panels["programme"]
    cov = load_coverage()
    es = coverage_text(cov, "es", panel, survey_scope(PROGRAMME, processed))
    assert ("La encuesta de esta edición no tiene ese diseño: son 118 redes en La Libertad, Cajamarca y "
            "Cusco y 200 productores de comparación en 32 conglomerados (24 de lácteos y 8 de mango), un "
            "diseño que no se simuló") in es
    assert "Con 24 conglomerados de comparación en lácteos y 8 en mango, esos intervalos tienen 23 y 7 " \
           "grados de libertad." in es
    assert "no podría dar un p-valor menor que 1/25 = 0.04 en lácteos ni que 1/9 ≈ 0.11 en mango: en " \
           "mango nunca señalaría un efecto al 5%." in es
    assert "Con 8 conglomerados" not in es and "1/3" not in es
    en = coverage_text(cov, "en", panel, survey_scope(PROGRAMME, processed))
    assert "This edition's survey does not have that design: it has 118 networks in La Libertad, " \
           "Cajamarca and Cusco and 200 comparison producers in 32 clusters" in en
    assert "could not give a p-value below 1/25 = 0.04 in dairy or 1/9 ≈ 0.11 in mango: in mango it " \
           "could never flag an effect at 5%." in en


def test_coverage_paragraph_of_the_laredo_demo_is_unchanged(panels):
    panel, processed = panels["laredo"]
    cov = load_coverage()
    es = coverage_text(cov, "es", panel, survey_scope(LAREDO, processed))
    assert es == coverage_text(cov, "es")      # the simulated design is the Laredo demo's
    assert "Con 8 conglomerados de comparación en lácteos y 2 en mango, esos intervalos son amplios, y en " \
           "mango muy amplios." in es
    assert "no podría dar un p-valor menor que 1/9 ≈ 0.11 en lácteos ni que 1/3 en mango: nunca " \
           "señalaría un efecto al 5%." in es
    assert "no tiene ese diseño" not in es


@pytest.mark.parametrize("lang,programme_words", [
    ("es", "no son hallazgos sobre las redes del programa."),
    ("en", "they are not findings about the programme's networks.")])
def test_synthetic_notices_of_the_programme_demo_do_not_say_laredo(lang, programme_words):
    cfg = rx.load_report_config(PROGRAMME, lang)
    assert cfg["laredo"] is False and cfg["synthetic"] is True
    for text in (rx.notice_text(cfg, lang), rx.effects_notice_text(cfg, lang),
                 synthetic_notice(lang, "quality", cfg["laredo"])):
        assert programme_words in text and "Laredo" not in text
    laredo = rx.load_report_config(LAREDO, lang)
    assert laredo["laredo"] is True
    assert rx.notice_text(laredo, lang) == synthetic_notice(lang, "cover")
    assert "Laredo" in rx.notice_text(laredo, lang)


def test_factsheet_covers_name_the_network_region(tmp_path):
    shutil.copy(paths.SURVEY_RAW / "redes_programa.csv", tmp_path / SURVEY_NETWORKS)
    units = {u["unit_id"]: u for u in factsheets.units(processed_dir=tmp_path)}
    assert units["cu_lacteos_huarocondo_1"]["subtitle"] == \
        "Ficha de resultados — Redes Empresariales del programa APOMIPE, Cusco"
    assert units["lacteos"]["subtitle"] == \
        "Ficha de resultados — Redes Empresariales del programa APOMIPE, La Libertad, Cajamarca y Cusco"
    assert units["mango"]["programme"] == PROGRAMME_COVER["es"]["programme"]
    # the Laredo default: the labels as before
    laredo = factsheets.units(processed_dir=tmp_path / "none", lang="en")
    assert {u["subtitle"] for u in laredo} == {t("factsheet.subtitle", "en")}
    assert {u["programme"] for u in laredo} == {t("report.programme", "en")}


@pytest.mark.parametrize("lang,text", [("es", "26 valores: Anta, Calca, ..."), ("en", "26 values: Anta, Calca, ...")])
def test_codebook_table_counts_many_values_in_the_editions_language(lang, text):
    """More than 12 distinct values (the programme demo's 26 sectors) are counted in ``lang``."""
    import pandas as pd

    from analysis.survey.codebook import codebook_report_table

    cb = pd.DataFrame({"variable": ["sector"], "label_es": ["Sector"], "label_en": ["Sector"],
                       "type": ["str"], "unit": [""], "values_or_range": ["26 values: Anta, Calca, ..."],
                       "missing": [0]})
    assert codebook_report_table(cb, lang).iloc[0, 3] == text
