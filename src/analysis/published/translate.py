"""English for the published figures' Spanish text cells (``data/raw/published/*.csv``).

The CSVs keep the systematization's Spanish as transcribed. The English edition prints them
through this module: ``text`` and ``unit`` look a whole cell up in ``i18n/published_en.yaml``;
``source`` translates a citation of the document ("Sección 4.3.1 Fase 2, texto; Tabla N°03")
by rule, so that new rows citing the same kinds of places need no entry. In Spanish every
function returns its input unchanged. A cell with no English entry is printed as published
(``missing`` lists them, for the tests).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis.money import money_text

FILE = Path(__file__).parents[1] / "i18n" / "published_en.yaml"


@lru_cache(maxsize=None)
def _table() -> dict:
    with FILE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return {k: {_norm(a): b for a, b in (data.get(k) or {}).items()}
            for k in ("units", "text", "phrases")}


def _norm(value) -> str:
    return " ".join(str(value).split())


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def money_spelling(value: str, lang: str = "es") -> str:
    """One spelling of money in published text, as the document's Peruvian usage ("S/ 0.73",
    "S/ 2,500", "S/ por litro", "US$"): the project's single rule, ``analysis.money.money_text``."""
    return money_text(str(value), lang)


def text(value, lang: str = "es") -> str:
    """A published text cell (indicator, project, result, phase, activity, funder, event)."""
    if _blank(value):
        return ""
    if lang == "es":
        return money_spelling(value)
    return money_spelling(_table()["text"].get(_norm(value), str(value)), lang)


def unit(value, lang: str = "es") -> str:
    """A unit as written in the CSVs ("l/vaca/día", "personas", "PEN/ha")."""
    if _blank(value):
        return ""
    if lang == "es":
        return money_spelling(value)
    return money_spelling(_table()["units"].get(_norm(value), str(value)), lang)


def has(value, kind: str = "text") -> bool:
    """Whether ``value`` has an English entry (``kind`` = "text" or "units")."""
    return _norm(value) in _table()[kind]


# Citation vocabulary, longest first (applied as whole words).
_SOURCE_WORDS = [
    (r"Tabla rotulada N°\s*", "table labelled "),
    (r"Tablas N°\s*", "Tables "), (r"Tabla N°\s*", "Table "),
    (r"Gráficos N°\s*", "Figures "), (r"Gráfico N°\s*", "Figure "),
    (r"[Ll]ínea de tiempo de (?:las )?redes", "network timeline"),
    (r"testimonio de", "testimony of"), (r"testimonio", "testimony"),
    (r"fila de totales", "totals row"), (r"resumen de logros", "summary of achievements"),
    (r"Comercialización", "Marketing"), (r"Presentación", "Preface"),
    (r"Conclusiones", "Conclusions"), (r"Cap\.", "Ch."), (r"Sección", "Section"),
    (r"sección", "section"), (r"Secciones", "Sections"), (r"secciones", "sections"),
    (r"Fase", "Phase"), (r"texto", "text"), (r"derivado", "derived"), (r"y", "and"),
    (r"a", "to"), (r"capítulo", "chapter"), (r"rotulad[oa]", "labelled"),
]
_SOURCE_RE = [(re.compile(rf"(?<![\w°]){p}(?![\w])" if not p.endswith(r"\s*") else rf"(?<![\w°]){p}"), r)
              for p, r in _SOURCE_WORDS]


def source(value, lang: str = "es") -> str:
    """A citation of the document's places, in ``lang``."""
    if _blank(value):
        return ""
    out = str(value)
    if lang == "es":
        return out
    if _norm(out) in _table()["text"]:
        return _table()["text"][_norm(out)]
    for pattern, repl in _SOURCE_RE:
        out = pattern.sub(repl, out)
    out = inline(out, lang)  # quoted headers of the document («Fase 4: Gestión de …»)
    # "table labelled 03" at the start of a citation keeps a capital
    return out[:1].upper() + out[1:]


def missing(values, kind: str = "text") -> list[str]:
    """The distinct non-blank values without an English entry."""
    return sorted({_norm(v) for v in values if not _blank(v) and str(v).strip()
                   and not has(v, kind)})


def source_name(config: dict, lang: str = "es") -> str:
    """The survey's name from a config mapping, in ``lang``: ``source_name_en`` when the config
    gives one, else the English entry of ``published_en.yaml``, else ``source_name`` itself."""
    name = str(config.get("source_name", ""))
    if lang == "es":
        return name
    return str(config.get(f"source_name_{lang}") or text(name, lang))


# The document's places quoted inside a generated text (exhibit numbers, sections, phases).
_REF_RE = [(re.compile(rf"(?<![\w°]){p}"), r) for p, r in [
    (r"Tablas N°\s*", "Tables "), (r"Tabla N°\s*", "Table "),
    (r"Gráficos N°\s*", "Figures "), (r"Gráfico N°\s*", "Figure "),
    (r"Secciones(?![\w])", "Sections"), (r"Sección(?![\w])", "Section"),
    (r"secciones(?![\w])", "sections"), (r"sección(?![\w])", "section"),
    (r"Cap\.", "Ch."), (r"encabezado(?![\w])", "heading"), (r"Fase (?=\d)", "Phase "),
    (r"texto(?![\w])", "text"), (r"testimonio(?![\w])", "testimony"),
    (r"lácteos(?![\w])", "dairy"),
]] + [
    # a range "10 a 12 l" -> "10 to 12 l" (digits on both sides: no word-boundary guard)
    (re.compile(r"(?<=\d) a (?=\d)"), " to "),
    # Spanish quotation marks -> English ones: «Fase 4: …» -> “Phase 4: …”
    (re.compile("«"), "\u201c"), (re.compile("»"), "\u201d"),
]


def inline(value, lang: str = "es") -> str:
    """A generated text (an audit finding) with the published Spanish labels it quotes put into
    ``lang``: every known phrase or whole text cell found inside it is replaced, longest first."""
    if _blank(value):
        return ""
    out = str(value)
    if lang == "es":
        return out
    table = {**_table()["text"], **_table()["phrases"]}
    for es in sorted(table, key=len, reverse=True):
        if len(es) < 8:  # short cells ("Red", "Salud") would match inside other words
            continue
        out = re.sub(re.escape(es), lambda m, en=table[es]: _same_case(m.group(0), en), out,
                     flags=re.IGNORECASE)
    for pattern, repl in _REF_RE:
        out = pattern.sub(repl, out)
    return out


def _same_case(found: str, english: str) -> str:
    """The replacement starts in lower case where the quoted Spanish did (acronyms kept)."""
    if found[:1].islower() and english[:1].isupper() and not english[1:2].isupper():
        return english[:1].lower() + english[1:]
    return english
