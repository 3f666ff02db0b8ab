"""Language check shared by the tests: no Spanish left in the English edition, and vice versa.

The visible text of a report is read the way a reader gets it: the HTML's text (plus ``alt`` /
``title`` attributes and the document ``<title>``) and the PDF's text (poppler's ``pdftotext``
when installed, else pypdf) plus the PDF metadata. Proper names are removed first: the network
names of ``networks.csv`` (kept as published in both editions) and a short explicit allow-list.
Every hit is reported as ``"<file>: 'word' in '…snippet…'"``.
"""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd

from analysis import paths

# Spanish function words and report words that have an English counterpart in the English
# edition. Matched as whole words, case-insensitively, after the proper names are removed.
SPANISH_WORDS = (
    "de", "la", "los", "las", "del", "para", "con", "por", "según", "y", "el", "en", "que",
    "una", "año", "años", "miembros", "integrantes", "productores", "productoras", "personas",
    "hombres", "mujeres", "cadena", "cadenas", "fuente", "tabla", "gráfico", "sección", "texto",
    "fase", "fases", "redes", "sobre", "entre", "sin", "más", "también", "cálculo",
    "lácteos", "leche", "vaca", "vacas", "ingreso", "ingresos", "ventas", "familia", "familias",
    "hectárea", "hectáreas", "soles", "dólares", "inicial", "meta", "nivel", "efecto",
    "efectos", "proyecto", "proyectos", "piloto", "estratégico", "mejora", "mejoras",
)
# English function words that must not appear in the Spanish edition.
ENGLISH_WORDS = ("the", "and", "of", "with", "from", "for", "by", "network", "networks")

# Proper names printed as they are in both editions (beyond networks.csv's names): places,
# the programme's own name, organisations' names and the quoted title of the systematization.
ALLOWED = (
    "Redes Empresariales",  # the programme's methodology, a proper name
    "Santa Rosa", "La Campiña", "La Merced", "El Arenal", "San Juan", "Santa Lucía",
    "Pampas de San Juan", "Valle de Santa Catalina", "La Libertad", "El Porvenir",
    "REDESLAC", "MINKA", "APOMIPE", "PERUFRUT", "MEBOL", "COSUDE", "AGANCOSAD",
    "Centro Bartolomé de las Casas",  # a partner NGO of the programme (Cusco)
    "Banco de la Nación",  # Peru's state bank, a lender to the producers
    "La Hermelinda",  # Trujillo's wholesale market
    "sistematización",  # quoted: the English text names the document by its Spanish genre
    "Impacto de la gestión de redes empresariales de pequeños productores rurales en el "
    "desarrollo económico del distrito de Laredo – Trujillo",
)


def proper_names() -> list[str]:
    """Network names (long and short) and representatives of networks.csv, plus ``ALLOWED``,
    longest first so that a long name is removed before a part of it."""
    nets = pd.read_csv(paths.DATA_RAW / "published" / "networks.csv", dtype=str)
    names = set(ALLOWED)
    for col in ("name", "short_name", "representative"):
        if col in nets:
            names.update(nets[col].dropna())
    if {"name", "short_name"} <= set(nets.columns):  # the one spelling the reports print
        from analysis.labels import network_name

        names.update(network_name(a, b) for a, b in zip(nets["name"], nets["short_name"]))
    return sorted(names, key=len, reverse=True)


def html_text(path: Path, sep: str = " ") -> str:
    """Visible text of an HTML file: body text, ``<title>``, ``alt`` and ``title`` attributes
    (``sep`` joins the text nodes: "\n" keeps each table cell on its own line)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    attrs = [v for tag in soup.find_all(True) for a in ("alt", "title", "aria-label")
             if isinstance(v := tag.get(a), str)]
    head = soup.title.get_text(" ") if soup.title else ""
    return "\n".join([head, soup.get_text(sep), *attrs])


_PAGE_NUMBER = re.compile(r"^\s*(?:Página|Page)\s+\d+\s+(?:de|of)\s+\d+\s*$")


def without_page_furniture(text: str) -> str:
    """Pages of ``pdftotext`` output (form-feed separated) joined without their running heads and
    page numbers, so that a word hyphenated across a page break ("de-" / "scriptive") joins up:
    a line that repeats on most pages, or reads "Página N de M" / "Page N of M", is furniture."""
    pages = [p.splitlines() for p in text.split("\f")]
    counts: dict[str, int] = {}
    for lines in pages:
        for line in set(lines):
            counts[line] = counts.get(line, 0) + 1
    common = {line for line, n in counts.items() if line.strip() and len(pages) > 2 and n > len(pages) / 2}
    kept = [[ln for ln in lines if ln not in common and not _PAGE_NUMBER.match(ln)] for lines in pages]
    return "\n".join("\n".join(lines) for lines in kept)


def pdf_text(path: Path) -> str:
    """Text of every page of a PDF and its metadata (title, author, subject, keywords).

    ``pdftotext -raw`` keeps the content-stream order: a table cell's lines stay together
    (a wrapped network name is not interleaved with the next column's text)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    meta = reader.metadata or {}
    parts = [str(meta.get(k, "")) for k in ("/Title", "/Author", "/Subject", "/Keywords")]
    if shutil.which("pdftotext"):
        raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                             capture_output=True, text=True).stdout
        parts.append(without_page_furniture(raw))
    else:
        parts += [page.extract_text() or "" for page in reader.pages]
    return "\n".join(parts)


def report_text(path: Path) -> str:
    path = Path(path)
    return pdf_text(path) if path.suffix.lower() == ".pdf" else html_text(path)


# "-" or the typographic hyphens WeasyPrint writes at an automatic break (U+2010, soft hyphen)
_LINE_END_HYPHEN = re.compile("(\\w)[-\u2010\u00ad][ \t]*\r?\n[ \t]*(\\w)")


def join_line_end_hyphens(text: str) -> str:
    """Join words a PDF hyphenated at a line end: "pro-\nducer" -> "producer".

    Only a hyphen that ends a line counts (a hyphen inside a line, as in "pre- and post-",
    is left alone). A continuation starting with a capital letter is a compound broken at
    the hyphen ("Lucía-\nBarraza" -> "Lucía-Barraza"): the hyphen stays, the line break goes."""
    def _join(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        return left + ("-" + right if right.isupper() or right.isdigit() else right)

    return _LINE_END_HYPHEN.sub(_join, text)


def _strip_names(text: str, names: list[str]) -> str:
    text = htmllib.unescape(text).replace("\u00ad", "")
    text = " ".join(join_line_end_hyphens(text).split())
    for name in names:
        text = re.sub(re.escape(name), " ¤ ", text, flags=re.IGNORECASE)
    return text


def find_words(text: str, words, names: list[str] | None = None, context: int = 40,
               name: str = "") -> list[str]:
    """Every occurrence of one of ``words`` (whole word, any case) left once the proper names
    are removed, as ``"<name>: 'word' in '…snippet…'"``."""
    names = proper_names() if names is None else names
    clean = _strip_names(text, names)
    pattern = re.compile(r"(?<![\w°])(" + "|".join(map(re.escape, words)) + r")(?![\w°])",
                         re.IGNORECASE)
    hits = []
    for m in pattern.finditer(clean):
        lo, hi = max(0, m.start() - context), min(len(clean), m.end() + context)
        hits.append(f"{name}: {m.group(1)!r} in '…{clean[lo:hi]}…'")
    return hits


def spanish_in(path: Path, names: list[str] | None = None) -> list[str]:
    """Spanish words left in a file of the English edition."""
    return find_words(report_text(path), SPANISH_WORDS, names, name=Path(path).name)


def english_in(path: Path, names: list[str] | None = None) -> list[str]:
    """English words left in a file of the Spanish edition."""
    return find_words(report_text(path), ENGLISH_WORDS, names, name=Path(path).name)
