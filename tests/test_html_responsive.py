"""Responsive HTML: every report reads at phone width (390 px) and on a desktop (1280 px) without
the page scrolling sideways (wide tables scroll inside their own box), measured in headless
Chromium on the end-to-end build of both editions.

Chromium is a Debian package (`apt-get install chromium`), installed by `.ci/run`; there
REDES_REQUIRE_CHROMIUM=1 makes its absence a failure instead of a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1280)


def chromium() -> str:
    exe = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(n)), None)
    if exe is None:
        if os.environ.get("REDES_REQUIRE_CHROMIUM") == "1":
            pytest.fail("headless Chromium not found (apt-get install chromium)")
        pytest.skip("headless Chromium not installed (apt-get install chromium)")
    return exe


def page_width(exe: str, html: Path, width: int, tmp: Path) -> tuple[int, int]:
    """(scrollWidth, innerWidth) of ``html`` shown in a frame ``width`` px wide.

    A frame, because a headless window cannot be narrower than 500 px."""
    wrapper = tmp / f"frame_{html.stem}_{width}.html"
    wrapper.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="{html.resolve().as_uri()}" '
        f'style="width:{width}px;height:900px;border:0"></iframe><script>'
        'document.getElementById("f").addEventListener("load", function () {'
        ' var w = this.contentWindow, d = w.document.documentElement;'
        ' document.body.setAttribute("data-probe", d.scrollWidth + "x" + w.innerWidth); });'
        "</script></body></html>", encoding="utf-8")
    out = subprocess.run([exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                          "--allow-file-access-from-files", "--window-size=1400,1000",
                          "--virtual-time-budget=20000", "--dump-dom", wrapper.as_uri()],
                         capture_output=True, text=True, timeout=300)
    m = re.search(r'data-probe="(\d+)x(\d+)"', out.stdout)
    assert m, f"{html.name}: Chromium gave no measurement: {out.stderr[-400:]}"
    return int(m.group(1)), int(m.group(2))


def test_probe_sees_a_page_that_scrolls_sideways(tmp_path):
    exe = chromium()
    page = tmp_path / "wide.html"
    page.write_text('<!DOCTYPE html><html><body><div style="width:900px">x</div></body></html>')
    scroll, inner = page_width(exe, page, 390, tmp_path)
    assert (inner, scroll > inner) == (390, True)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_reports_do_not_scroll_sideways(e2e_editions, lang, tmp_path):
    exe = chromium()
    built = e2e_editions(lang)
    pages = [built["informe"][0], built["calidad"][0],
             *[p for p in built["fichas"] if p.suffix == ".html"]]
    assert len(pages) == 4
    wide = []
    for html in pages:
        for width in WIDTHS:
            scroll, inner = page_width(exe, html, width, tmp_path)
            assert inner == width
            if scroll > inner:
                wide.append(f"{html.name} at {width} px: page is {scroll} px wide")
    assert not wide, "; ".join(wide)
