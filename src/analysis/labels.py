"""Every piece of report text lives in the YAML files of ``analysis/i18n/`` (one per domain).

Each entry maps a key to ``{es: ..., en: ...}``. ``t("figures.pea_title", "es")`` looks up the
entry ``pea_title`` in ``i18n/figures.yaml``. A missing key raises ``KeyError`` naming the file,
so a typo never reaches a report as an empty caption.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

I18N_DIR = Path(__file__).with_name("i18n")
LANGUAGES = ("es", "en")


@lru_cache(maxsize=None)
def _domain(domain: str) -> dict:
    path = I18N_DIR / f"{domain}.yaml"
    if not path.exists():
        raise KeyError(f"label domain {domain!r}: file {path} does not exist")
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def t(key: str, lang: str = "es", **fmt) -> str:
    """Translate ``domain.entry`` into ``lang``; ``fmt`` fills ``{placeholders}``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} not supported; use one of {LANGUAGES}")
    domain, _, entry = key.partition(".")
    table = _domain(domain)
    if entry not in table:
        raise KeyError(f"label {entry!r} missing in {I18N_DIR / (domain + '.yaml')}")
    value = table[entry]
    text = value.get(lang) or value.get("es") if isinstance(value, dict) else value
    return text.format(**fmt) if fmt else text
