"""End-to-end, issue 11: each edition is in its own language.

Both editions are built (``conftest.build_edition``: main report, data-quality report and two
factsheets). In every HTML and PDF of the English edition — titles, running heads, PDF metadata,
table bodies, units, sources, captions, factsheet covers — no Spanish function word is left
beyond the proper names (``language_check.ALLOWED`` and the names of ``networks.csv``); in the
Spanish edition no English function word. A failure names the file and the offending snippet.
"""

from __future__ import annotations

import re

import pytest
from language_check import english_in, html_text, proper_names, report_text, spanish_in

pytestmark = pytest.mark.e2e


def _files(edition: dict) -> list:
    out = [p for stem in ("informe", "calidad") for p in edition[stem]]
    return out + list(edition["fichas"])


@pytest.fixture(scope="module")
def names():
    return proper_names()


def test_every_edition_file_was_built(e2e_editions):
    for lang in ("es", "en"):
        files = _files(e2e_editions(lang))
        assert len(files) == 8 and all(p.stat().st_size > 0 for p in files), files


@pytest.mark.parametrize("lang, find", [("en", spanish_in), ("es", english_in)])
def test_no_word_of_the_other_language(e2e_editions, names, lang, find):
    hits = [h for path in _files(e2e_editions(lang)) for h in find(path, names)]
    assert hits == [], f"{len(hits)} word(s) of the other language in the {lang} edition:\n" + \
        "\n".join(hits[:60])


def test_no_file_path_or_internal_id_in_published_text(e2e_editions):
    """No raw file path (data/raw/..., *.csv, *.xlsx, *.parquet) nor snake_case id is printed."""
    bad = []
    for lang in ("es", "en"):
        for path in _files(e2e_editions(lang)):
            text = " ".join(report_text(path).split())
            for m in re.finditer(r"(?:data/(?:raw|processed)/\S+|\b[\w-]+\.(?:csv|xlsx|parquet)\b"
                                 r"|\b[a-z]+(?:_[a-z0-9]+){2,}\b)", text):
                bad.append(f"{path.name}: {m.group(0)!r} in '…{text[max(0, m.start() - 40):m.end() + 40]}…'")
    assert bad == [], "\n".join(bad[:40])


def test_english_money_and_percent_format(e2e_editions):
    """English money is "S/ 1,234" (never "S/." nor "PEN 1,234"); percentages "24%" (no space);
    exhibits "Table 02", not the Spanish "Tabla/Table N°02".
    Read per text node of the HTML, so that a value and its unit column are not joined."""
    bad = []
    en = e2e_editions("en")
    for path in [en["informe"][0], en["calidad"][0], *(p for p in en["fichas"] if p.suffix == ".html")]:
        for line in html_text(path, sep="\n").splitlines():
            for m in re.finditer(r"S/\.|\bPEN \d|\d %|N°", line):
                bad.append(f"{path.name}: {m.group(0)!r} in {line.strip()[:120]!r}")
    assert bad == [], "\n".join(bad[:40])
