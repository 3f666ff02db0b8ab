"""Every piece of report text: short labels in the YAML files of ``analysis/i18n/`` (one per
domain), paragraphs in Markdown files a writer edits.

Each YAML entry maps a key to ``{es: ..., en: ...}``. ``t("figures.pea_title", "es")`` looks up
the entry ``pea_title`` in ``i18n/figures.yaml``. A paragraph is one Markdown file per language,
named after its key: ``t("narrative.summary", "en")`` reads
``report/text/en/narrative.summary.md`` (its ``{placeholders}`` are filled by code, like the
YAML's). A key is in one place only: a key both in YAML and in Markdown, or a Markdown file in
one language only, raises. A missing key raises ``KeyError`` naming the file, so a typo never
reaches a report as an empty caption.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import yaml

I18N_DIR = Path(__file__).with_name("i18n")
TEXT_DIR = Path(__file__).parent / "report" / "text"
LANGUAGES = ("es", "en")


def paragraph_files(domain: str) -> dict[str, dict[str, Path]]:
    """``{key: {lang: path}}`` of the Markdown paragraphs of ``domain``
    (``report/text/<lang>/<domain>.<key>.md``)."""
    found: dict[str, dict[str, Path]] = {}
    for lang in LANGUAGES:
        for path in sorted((TEXT_DIR / lang).glob(f"{domain}.*.md")):
            found.setdefault(path.name[len(domain) + 1:-3], {})[lang] = path
    return found


@lru_cache(maxsize=None)
def _domain(domain: str) -> dict:
    path = I18N_DIR / f"{domain}.yaml"
    if not path.exists():
        raise KeyError(f"label domain {domain!r}: file {path} does not exist")
    with path.open(encoding="utf-8") as fh:
        table = yaml.safe_load(fh) or {}
    for key, files in paragraph_files(domain).items():
        if key in table:
            raise ValueError(f"label {domain}.{key} is both in {path.name} and in "
                             f"{next(iter(files.values())).name}: keep it in one place")
        missing = [lang for lang in LANGUAGES if lang not in files]
        if missing:
            raise ValueError(f"paragraph {domain}.{key} has no {'/'.join(missing)} file: add "
                             f"report/text/{missing[0]}/{domain}.{key}.md")
        table[key] = {lang: files[lang].read_text(encoding="utf-8").rstrip("\n") for lang in LANGUAGES}
    return table


# A pseudo-language: ``t(key, DEFERRED, **fmt)`` returns a token that names the key and its
# values, and ``render_deferred(text, lang)`` translates every token of a text later. The effects
# step estimates once in DEFERRED and renders each edition's notes from the same numbers.
DEFERRED = "deferred"
_TOKEN_START, _TOKEN_END = "\x02", "\x03"
_TOKEN = re.compile("\x02(.*?)\x03", re.S)


def _plain(value):
    """A placeholder value as JSON keeps it (numpy scalars as Python numbers)."""
    return value.item() if hasattr(value, "item") else str(value)


def deferred_token(key: str, fmt: dict) -> str:
    """The token of ``t(key, DEFERRED, **fmt)``: JSON between two control characters (JSON
    escapes them inside its strings, so a token inside a value cannot end the outer one)."""
    return _TOKEN_START + json.dumps([key, fmt], ensure_ascii=True, default=_plain) + _TOKEN_END


def is_deferred(text) -> bool:
    return isinstance(text, str) and _TOKEN_START in text


def render_deferred(text, lang: str):
    """Translate every token of ``text`` (``t(..., DEFERRED)``, nested ones included) into
    ``lang``; anything that holds no token comes back as it is."""
    if not is_deferred(text):
        return text

    def one(match) -> str:
        key, fmt = json.loads(match.group(1))
        return t(key, lang, **{k: render_deferred(v, lang) for k, v in fmt.items()})

    return _TOKEN.sub(one, text)


def t(key: str, lang: str = "es", **fmt) -> str:
    """Translate ``domain.entry`` into ``lang``; ``fmt`` fills ``{placeholders}``.
    ``lang=DEFERRED``: a token that :func:`render_deferred` translates later (the key is checked
    now)."""
    if lang not in LANGUAGES and lang != DEFERRED:
        raise ValueError(f"language {lang!r} not supported; use one of {LANGUAGES}")
    domain, _, entry = key.partition(".")
    table = _domain(domain)
    if entry not in table:
        raise KeyError(f"label {entry!r} missing in {I18N_DIR / (domain + '.yaml')}")
    if lang == DEFERRED:
        return deferred_token(key, fmt)
    value = table[entry]
    text = value.get(lang) or value.get("es") if isinstance(value, dict) else value
    return text.format(**fmt) if fmt else text


EXPORT_NAMES = ("main", "quality", "factsheets", "figures", "tables", "figure", "table", "index")


def export_name(what: str, lang: str = "es") -> str:
    """Folder or file-name part of an edition's exports (``common.export_<what>``): the Spanish
    edition writes ``informe/figuras/grafico_01_*.png``, the English one
    ``report/figures/figure_01_*.png``."""
    if what not in EXPORT_NAMES:
        raise ValueError(f"export name {what!r} unknown; use one of {EXPORT_NAMES}")
    return t(f"common.export_{what}", lang)


SYNTHETIC_PLACES = ("cover", "summary", "effects", "quality", "factsheet")


def synthetic_notice(lang: str = "es", place: str = "cover", laredo: bool = True) -> str:
    """The synthetic-data warning, the same words wherever it stands (``common.synthetic_core``),
    plus the one sentence of its ``place``: "Datos sintéticos. La encuesta a productores de esta
    edición es sintética: ... no son hallazgos sobre Laredo. <sentence of the place>".
    ``laredo=False`` (a survey of other networks than Tabla N°02's, analysis.report.scope): "...
    no son hallazgos sobre las redes del programa" (``common.synthetic_core_programme``)."""
    if place not in SYNTHETIC_PLACES:
        raise ValueError(f"synthetic notice place {place!r} unknown; use one of {SYNTHETIC_PLACES}")
    parts = [t("common.synthetic_label", lang),
             t("common.synthetic_core" if laredo else "common.synthetic_core_programme", lang),
             t(f"common.synthetic_{place}", lang)]
    return " ".join(p for p in parts if p)



def place_name(name, spellings) -> str:
    """A place written as the network named after it is spelt (``spellings``: the short names of
    networks.csv): "Santa Lucía Barraza" -> "Santa Lucía-Barraza" when only accents, case, hyphens
    or spacing differ; any other name as it is."""
    import re

    def key(text) -> str:
        return " ".join(re.sub(r"[-\u2010\u2013]", " ", _unaccented(str(text)).lower()).split())
    by_key = {key(s): s for s in spellings if isinstance(s, str) and s}
    return by_key.get(key(name), name) if isinstance(name, str) else name

def _unaccented(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def network_name(name: str, short_name: str = "") -> str:
    """One spelling per network in published text: the registered name of networks.csv (Tabla
    N°02) with its typing slips evened out, spelt like its ``short_name`` (accents included).

    "RP  Santa Lucia-Barraza" + "Santa Lucía-Barraza" → "RP Santa Lucía-Barraza";
    "RP San Carlos -Galindo" + "San Carlos-Galindo" → "RP San Carlos-Galindo".
    """
    import re

    out = " ".join(str(name).split())
    out = re.sub(r"(?<=\w) -(?=\w)", "-", out)
    short = " ".join(str(short_name or "").split())
    if short:
        at = _unaccented(out).lower().find(_unaccented(short).lower())
        if at >= 0:
            out = out[:at] + short + out[at + len(short):]
    return out
