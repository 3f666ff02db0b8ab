"""End-to-end, issue 11 item 6: each edition is written one way.

Percentages "24%" (no space, as in the English edition and in the document), no English jargon in
Spanish text ("DiD" is "diferencia en diferencias", short "dif. en dif."; no "p wild", "EF" or
"vs"). Read per text node of each HTML of the Spanish edition (main report, data-quality report,
factsheets); a failure names the file and the snippet.
"""

from __future__ import annotations

import re

import pytest
from language_check import html_text

pytestmark = pytest.mark.e2e

PATTERNS = {
    # "95 %" (a cell "0.31" followed by a column "% de venta…" is not one)
    "percent with a space": r"\d[ \u00a0]%(?![ \u00a0]*[A-Za-zÁÉÍÓÚáéíóúñ])",
    "DiD": r"\bDiD\b",
    "p wild": r"\bp wild\b|\bwild\b",
    "EF": r"\bEF\b",
    "vs": r"\bvs\.?(?=\s)",
}


def test_spanish_edition_percent_and_no_english_jargon(e2e_editions):
    es = e2e_editions("es")
    bad = []
    for path in [es["informe"][0], es["calidad"][0], *(p for p in es["fichas"] if p.suffix == ".html")]:
        for line in html_text(path, sep="\n").splitlines():
            for what, pattern in PATTERNS.items():
                for m in re.finditer(pattern, line):
                    bad.append(f"{path.name}: {what}: '…{line[max(0, m.start() - 50):m.end() + 30]}…'")
    assert bad == [], "\n".join(bad[:40])


# Money is written one way in both editions (issue 11 item 6; analysis.money): "S/ 1,234" and
# "US$", never the transcribed "S/.", "PEN", "USD" or "N (nuevos) soles".
MONEY_LEFTOVERS = r"S/\.|\bPEN\b|\bUSD\b|\bsoles\b|\bNuevos Soles\b"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_money_written_one_way_in_every_published_file(e2e_editions, lang):
    from language_check import report_text

    edition = e2e_editions(lang)
    files = [*edition["informe"], *edition["calidad"], *edition["fichas"]]
    assert len(files) == 8
    bad = []
    for path in files:
        text = " ".join(report_text(path).split())
        for m in re.finditer(MONEY_LEFTOVERS, text, flags=re.IGNORECASE):
            bad.append(f"{path.name}: {m.group(0)!r} in '…{text[max(0, m.start() - 50):m.end() + 30]}…'")
    assert bad == [], "\n".join(bad[:40])


@pytest.mark.parametrize("lang", ["es", "en"])
def test_synthetic_warning_in_the_same_words_where_readers_land(e2e_editions, lang):
    """Issue 11 item 5: on synthetic data the same warning (common.synthetic_core) stands on the
    main report's cover, in its summary and at the start of its effects chapter, on the cover of the
    data-quality report and on every factsheet."""
    from analysis.labels import t

    core = t("common.synthetic_core", lang)
    edition = e2e_editions(lang)
    counts = {}
    for path in [edition["informe"][0], edition["calidad"][0],
                 *(p for p in edition["fichas"] if p.suffix == ".html")]:
        counts[path.name] = " ".join(html_text(path).split()).count(core)
    main = edition["informe"][0].name
    assert counts.pop(main) == 3, main
    assert len(counts) == 3 and set(counts.values()) == {1}, counts
