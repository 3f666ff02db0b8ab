"""English for the published CSVs' Spanish cells (analysis.published.translate, issue 11 item 3).

Every text cell the reports print from ``data/raw/published/`` has an English entry in
``i18n/published_en.yaml``; every citation translates to English with no Spanish word left;
and the charts drawn from those files carry no Spanish word in English (nor English in Spanish).
A failure names the file, column and value (or the chart and label).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from language_check import ENGLISH_WORDS, SPANISH_WORDS, find_words, proper_names

from analysis import paths
from analysis.published import load as published
from analysis.report import charts
from analysis.published import translate as pi
from analysis.report.tables import cite
from analysis.report.narrative import published_text

PUB = paths.DATA_RAW / "published"
# (file, column, kind): the cells the reports print (timeline: the events drawn on the chart)
PRINTED = [
    ("chain_indicators.csv", "measure", "text"), ("chain_indicators.csv", "unit", "units"),
    ("projects.csv", "name", "text"), ("projects.csv", "reported_results", "text"),
    ("methodology_phases.csv", "name", "text"), ("mipes_by_activity.csv", "activity", "text"),
    ("laredo_socioeconomic.csv", "unit", "units"),
]


@pytest.fixture(scope="module")
def names():
    return proper_names()


@pytest.mark.parametrize("file, column, kind", PRINTED)
def test_every_printed_cell_has_english(file, column, kind):
    values = pd.read_csv(PUB / file)[column].dropna().map(published_text)
    assert pi.missing(values, kind) == [], f"{file}, column {column!r}: no English in i18n/published_en.yaml"


def test_funders_and_drawn_events_have_english():
    cof = pd.read_csv(PUB / "cofinancing.csv")
    assert pi.missing(cof.loc[cof["funder"] != "total", "funder"]) == []
    tl = pd.read_csv(PUB / "timeline.csv")
    assert pi.missing(tl.loc[tl["kind"].isin(["association", "cooperative", "programme_phase"]), "event"]) == []


def test_citations_translate_to_english(names):
    bad = []
    for path in sorted(PUB.glob("*.csv")):
        df = pd.read_csv(path)
        for col in ("source", "sources"):
            if col in df:
                for v in df[col].dropna().unique():
                    en = pi.source(cite(v), "en")
                    bad += [f"{path.name}: {v!r} -> {en!r}: {h}" for h in find_words(en, SPANISH_WORDS, names)]
    assert bad == [], "\n".join(bad[:30])


def test_spanish_is_returned_unchanged():
    assert pi.text("Promoción y selección", "es") == "Promoción y selección"
    assert pi.unit("l/vaca/día", "es") == "l/vaca/día"
    assert pi.source("Sección 2.1, texto", "es") == "Sección 2.1, texto"
    assert pi.unit("l/vaca/día", "en") == "litres per cow per day"
    assert pi.source("Tabla N°02; Sección 4.3.1 Fase 2 y línea de tiempo de redes", "en") == \
        "Table 02; Section 4.3.1 Phase 2 and network timeline"
    assert pi.source_name({"source_name": "Mi encuesta", "source_name_en": "My survey"}, "en") == "My survey"
    assert pi.source_name({"source_name": "Mi encuesta"}, "es") == "Mi encuesta"


def _chart_texts(lang: str) -> dict[str, str]:
    tabs = published.load_all(PUB)
    figs = {
        "methodology_phases": charts.methodology_phases(tabs["methodology_phases"], lang),
        "pea_by_sector": charts.pea_by_sector(tabs["pea_by_sector"], lang),
        "mipes_by_activity": charts.mipes_by_activity(tabs["mipes_by_activity"], lang),
        "members_by_network_sex": charts.members_by_network_sex(tabs["networks"], lang),
        "network_timeline": charts.network_timeline(tabs["timeline"], tabs["networks"], lang),
        "cofinancing": charts.cofinancing(tabs["cofinancing"], lang),
        "chain_indicators": charts.chain_indicators_initial_vs_current(tabs["chain_indicators"], lang),
        "sales_shares_by_buyer": charts.sales_shares_by_buyer(tabs["chain_indicators"], lang),
    }
    return {k: "\n".join(t.get_text() for t in f.findobj(matplotlib.text.Text)) for k, f in figs.items()}


@pytest.mark.parametrize("lang, words", [("en", SPANISH_WORDS), ("es", ENGLISH_WORDS)])
def test_chart_labels_in_the_edition_language(names, lang, words):
    hits = [h for k, text in _chart_texts(lang).items() for h in find_words(text, words, names, name=k)]
    assert hits == [], "\n".join(hits[:30])


def test_translation_file_is_valid_yaml():
    import yaml

    data = yaml.safe_load(Path(pi.FILE).read_text(encoding="utf-8"))
    assert set(data) == {"units", "text", "phrases"}
    assert all(isinstance(v, str) and v for part in data.values() for v in part.values())


def test_english_inline_ranges_and_quotes():
    """Issue 11 item 3: a range quoted inside an English finding reads "10 to 12 l" (the guarded
    pattern never matched between digits), and Spanish «…» become English “…”."""
    from analysis.published import translate as pi

    assert pi.inline("Producción diaria por vaca (10 a 12 l)", "en") == "daily output per cow (10 to 12 l)"
    assert pi.source("Sección 4.3.2, encabezado «Fase 4: texto»", "en") == \
        "Section 4.3.2, heading \u201cPhase 4: text\u201d"
    assert pi.inline("Producción diaria por vaca (10 a 12 l)", "es") == "Producción diaria por vaca (10 a 12 l)"
