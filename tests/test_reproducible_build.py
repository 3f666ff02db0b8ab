"""Two clean builds of the same commit give the same bytes (issue 14 item 4).

Each edition is built a second time into its own temporary folder, exactly as the session's e2e
build (``conftest.build_edition``: the three step notebooks, the main and data-quality reports,
two factsheets), and the sha256 of every output of both builds is compared: data/processed with
its ``manifest.json`` (``analysis.report.publish.write_manifest``, what ``make report`` writes), the
CSV, XLSX, PNG and SVG exports, the HTML and the PDF of both editions and the factsheets. The
executed notebooks under ``build/`` are intermediates (they hold the folder's path and the
cells' timings) and are left out. A failure names every file that differs or exists in one
build only. The first build is the one the other e2e tests share, so this costs one build of
each edition.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import build_edition

from analysis.report.publish import write_manifest

INTERMEDIATE = "build"  # executed notebooks, hash stamps: not outputs of the build


def output_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every output file under ``folder`` (relative path -> hex digest), after writing
    the build's manifest into its processed folder as ``make report`` does."""
    folder = Path(folder)
    write_manifest(folder / "processed" / "manifest.json",
                   {"reports": folder / "reports", "data/processed": folder / "processed"})
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != INTERMEDIATE}


def differences(first: dict[str, str], second: dict[str, str]) -> list[str]:
    """Every file whose bytes differ between two builds, or that only one of them wrote."""
    out = []
    for name in sorted(set(first) | set(second)):
        if name not in second:
            out.append(f"{name} (first build only)")
        elif name not in first:
            out.append(f"{name} (second build only)")
        elif first[name] != second[name]:
            out.append(name)
    return out


def test_differences_name_changed_and_missing_files():
    a = {"processed/effects.csv": "1", "informe.pdf": "2", "reports/x.svg": "3"}
    b = {"processed/effects.csv": "1", "informe.pdf": "9", "reports/y.png": "4"}
    assert differences(a, b) == ["informe.pdf", "reports/x.svg (first build only)",
                                 "reports/y.png (second build only)"]
    assert differences(a, dict(a)) == []


def test_output_hashes_see_a_changed_byte_and_skip_intermediates(tmp_path):
    for sub in ("processed", "reports", "build"):
        (tmp_path / sub).mkdir()
    (tmp_path / "processed" / "effects.csv").write_text("a,b\n1,2\n")
    (tmp_path / "build" / "02_clean_survey.ipynb").write_text("{}")
    before = output_hashes(tmp_path)
    assert set(before) == {"processed/effects.csv", "processed/manifest.json"}
    (tmp_path / "processed" / "effects.csv").write_text("a,b\n1,3\n")
    (tmp_path / "build" / "02_clean_survey.ipynb").write_text("{1}")
    assert differences(before, output_hashes(tmp_path)) == ["processed/effects.csv",
                                                            "processed/manifest.json"]


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_two_clean_builds_are_byte_identical(e2e_editions, tmp_path_factory, lang):
    first = e2e_editions(lang)["tmp"]
    second = build_edition(tmp_path_factory.mktemp(f"rebuild_{lang}"), lang)["tmp"]
    a, b = output_hashes(first), output_hashes(second)
    kinds = {name.rsplit(".", 1)[-1] for name in a}
    assert kinds >= {"csv", "xlsx", "png", "svg", "html", "pdf", "parquet", "json"}, kinds
    assert sum("/fichas/" in n for n in a) > 0 and "processed/manifest.json" in a
    diff = differences(a, b)
    assert not diff, (f"{len(diff)} of {len(set(a) | set(b))} output(s) of the {lang} edition "
                      "differ between two clean builds of the same commit:\n" + "\n".join(diff))
