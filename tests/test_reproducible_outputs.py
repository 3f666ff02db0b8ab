"""The same content gives the same bytes, whenever it is written (issue 14: reproducible builds).

Each export of a report (PNG, SVG, XLSX) and the PDF are written twice, more than a second
apart, under the same SOURCE_DATE_EPOCH; every pair must be byte-identical.
"""

from __future__ import annotations

import hashlib
import time
import zipfile

import matplotlib.pyplot as plt
import pandas as pd

from analysis.report.numbering import Report
from analysis.report.render import html_to_pdf
from analysis.reproducible import build_date, normalize_xlsx

EPOCH = "1322697600"  # 2011-12-01 00:00:00 UTC


def digests(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_exports(folder):
    rep = Report("r", reports_dir=folder, lang="es", display=False)
    fig, ax = plt.subplots()
    ax.plot([2005, 2007, 2011], [1.0, 1.5, 2.5])
    rep.figure(fig, "ingresos", "Ingresos", "Encuesta demo (sintética)")
    rep.table(pd.DataFrame({"Red": ["A", "B"], "Miembros": [11, 9]}), "redes", "Redes", "Tabla N°02")


def test_exports_are_byte_identical_across_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write_exports(tmp_path / "a")
    time.sleep(1.1)
    write_exports(tmp_path / "b")
    a, b = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert {n.rsplit(".", 1)[-1] for n in a} >= {"png", "svg", "xlsx"}
    assert a == b


def test_pdf_is_byte_identical_across_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    html = "<html lang='es'><head><title>t</title></head><body><h1>Año</h1><p>Lácteos</p></body></html>"
    html_to_pdf(html, tmp_path / "a.pdf")
    time.sleep(1.1)
    html_to_pdf(html, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_xlsx_carries_the_build_date_not_the_time_of_writing(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, index=False)
    normalize_xlsx(path)
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(2011, 12, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "<dcterms:created" in core and "2011-12-01T00:00:00Z</dcterms:created>" in core
    assert pd.read_excel(path)["a"].tolist() == [1]


def test_build_date_is_the_source_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert build_date().isoformat() == "2011-12-01"
