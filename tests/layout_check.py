"""Print-layout check shared by the tests: nothing of a PDF outside the text block.

Two independent views of the same page: poppler's word boxes of the written PDF
(``pdftotext -bbox``, when installed) and WeasyPrint's own layout boxes of the HTML
(``analysis.report.render.layout_problems``, always available). The text block is the A4 page minus the
margins declared in the template's print.css.
"""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
from pathlib import Path

from analysis.report.render import TEMPLATES, TEMPLATE_NAME

CM = 72 / 2.54
UNITS = {"cm": CM, "mm": CM / 10, "in": 72.0, "pt": 1.0}


def page_margins() -> tuple[float, float, float, float]:
    """(top, right, bottom, left) in points from the first ``@page { margin: ... }`` of print.css."""
    css = (TEMPLATES / TEMPLATE_NAME / "print.css").read_text(encoding="utf-8")
    m = re.search(r"@page\s*\{[^}]*?margin:\s*([^;]+);", css)
    values = [float(v) * UNITS[u] for v, u in re.findall(r"([\d.]+)\s*(cm|mm|in|pt)", m.group(1))]
    values = (values * 4)[:4] if len(values) == 1 else values
    if len(values) == 2:
        values = values * 2
    if len(values) == 3:
        values = [*values, values[1]]
    return tuple(values)


def words_outside_pdf(pdf: Path, tolerance: float = 1.0) -> list[str]:
    """Words whose box leaves the text block horizontally, as ``"<pdf> p. N: word"``."""
    _, right, _, left = page_margins()
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    bad, page, width = [], 0, 0.0
    for line in out.splitlines():
        m = re.search(r'<page width="([\d.]+)"', line)
        if m:
            page, width = page + 1, float(m.group(1))
            continue
        m = re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>',
                      line)
        if m and (float(m.group(2)) > width - right + tolerance or float(m.group(1)) < left - tolerance):
            bad.append(f"{Path(pdf).name} p. {page}: {htmllib.unescape(m.group(3))!r} "
                       f"(x {float(m.group(1)):.1f}–{float(m.group(2)):.1f} pt)")
    return bad


def has_pdftotext() -> bool:
    return shutil.which("pdftotext") is not None
