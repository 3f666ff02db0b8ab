"""One way to write money in published text: ``S/ 1,234`` (soles, Peruvian usage as in the
document) and ``US$ 1,234`` (US dollars), in both editions.

The transcribed CSVs of ``data/raw/published/`` keep the document's own spellings ("S/. 1.20",
"2500 soles", "0.98 a 1.03 soles", currency codes "PEN"/"USD", units "PEN/l"); they are
read-only. ``money_text`` rewrites them where text is published: every text cell, header,
caption, source and note of a ``numbering.Report`` table or figure (so the CSV/XLSX exports too)
and every text node of a rendered report (``render``), so nothing reaches a reader otherwise.

>>> money_text("Mejorar ingresos por planta de S/.10.00 a S/.20.00")
'Mejorar ingresos por planta de S/ 10 a S/ 20'
>>> money_text("no más de 2500 soles por red")
'no más de S/ 2,500 por red'
>>> money_text("PEN/l"), money_text("PEN/l", "en"), money_text("USD")
('S/ por litro', 'S/ per litre', 'US$')
"""

from __future__ import annotations

import re

# A currency code used as a unit: "PEN/l" -> "S/ por litro" (the English units of
# i18n/published_en.yaml already read "S/ per litre").
UNIT_WORDS = {
    "es": {"l": "litro", "kg": "kg", "ha": "ha", "mes": "mes", "planta": "planta",
           "año": "año", "month": "mes", "plant": "planta", "year": "año", "litre": "litro"},
    "en": {"l": "litre", "kg": "kg", "ha": "hectare", "mes": "month", "planta": "plant",
           "año": "year", "month": "month", "plant": "plant", "year": "year", "litre": "litre"},
}
PER = {"es": "por", "en": "per"}
SIGN = {"PEN": "S/", "USD": "US$"}

# A number as the document writes it: "2500", "2,500", "0.98", "10.00".
_NUM = r"\d[\d,]*(?:\.\d+)?"
_SOLES = r"(?:nuevos\s+)?soles\b"
_RANGE_WORD = r"(?:a|al|y|to|and|–|-)"

_RULES: list[tuple[re.Pattern, object]] = []


def _amount(text: str) -> str:
    """``"2500"`` -> ``"2,500"``, ``"10.00"`` -> ``"10"``, ``"1.20"`` stays (a price keeps its cents)."""
    whole, _, cents = text.replace(",", "").partition(".")
    if cents and set(cents) == {"0"} and len(whole) > 1:
        cents = ""  # "S/.10.00" -> "S/ 10"; a price under 10 keeps its cents ("S/ 1.00")
    whole = f"{int(whole):,d}" if len(whole) > 3 else whole
    return f"{whole}.{cents}" if cents else whole


def money_text(text: str, lang: str = "es") -> str:
    """``text`` with every amount and currency written ``S/ 1,234`` / ``US$ 1,234``."""
    if not isinstance(text, str) or not text:
        return text
    if not any(k in text for k in ("S/", "soles", "Soles", "PEN", "USD", "lares")):
        return text
    per = PER.get(lang, "por")
    words = UNIT_WORDS.get(lang, UNIT_WORDS["es"])

    def unit(m: re.Match) -> str:
        code, what = m.group(1), m.group(2)
        return f"{SIGN[code]} {per} {words.get(what.lower(), what)}"

    # "S/.10.00", "S/. 1.20", "S/ 0.05": the sign, one space, the amount
    text = re.sub(rf"S/\.?\s*({_NUM})", lambda m: f"S/ {_amount(m.group(1))}", text)
    text = re.sub(r"S/\.", "S/", text)
    text = re.sub(r"\bd[óo]lares\s+(?:USA|americanos|estadounidenses)\b", "US$", text)
    # "0.98 a 1.03 soles" -> "S/ 0.98 a S/ 1.03"; "2500 soles" -> "S/ 2,500"
    text = re.sub(rf"({_NUM})\s+({_RANGE_WORD})\s+({_NUM})\s+{_SOLES}",
                  lambda m: f"S/ {_amount(m.group(1))} {m.group(2)} S/ {_amount(m.group(3))}",
                  text)
    text = re.sub(rf"({_NUM})\s+{_SOLES}", lambda m: f"S/ {_amount(m.group(1))}", text)
    # amounts with a code: "1302 USD", "USD 1302" -> "US$ 1,302"
    text = re.sub(rf"({_NUM})\s*\b(PEN|USD)\b(?!/)",
                  lambda m: f"{SIGN[m.group(2)]} {_amount(m.group(1))}", text)
    text = re.sub(rf"\b(PEN|USD)\s*({_NUM})",
                  lambda m: f"{SIGN[m.group(1)]} {_amount(m.group(2))}", text)
    # codes as units and bare codes: "PEN/ha" -> "S/ por ha", "PEN" -> "S/"
    text = re.sub(r"\b(PEN|USD)/(\w+)", unit, text)
    text = re.sub(r"\b(PEN|USD)\b", lambda m: SIGN[m.group(1)], text)
    return text


# The spellings ``money_text`` removes, for the tests and the editorial check of a build.
FORBIDDEN = re.compile(r"S/\.|\b(?:nuevos\s+)?[Ss]oles\b|\bPEN\b|\bUSD\b")


def money_problems(text: str) -> list[str]:
    """Snippets of ``text`` that still write money another way (empty when clean)."""
    return [text[max(0, m.start() - 40):m.end() + 20] for m in FORBIDDEN.finditer(text)]
