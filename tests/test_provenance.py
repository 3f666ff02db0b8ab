"""Issue 14 item 4: each report carries a provenance block (commit, one fingerprint of the input
files, package versions, build parameters) that depends on nothing but those."""

from __future__ import annotations

import re
import shutil

from analysis import paths
from analysis.report import provenance as pv

CONFIG = paths.ROOT / "config" / "demo.yaml"


def test_inputs_are_the_published_tables_the_config_and_its_files():
    files = pv.input_files(CONFIG)
    published = sorted((paths.DATA_RAW / "published").glob("*.csv"))
    assert files[:len(published)] == published and CONFIG in files
    assert len(files) > len(published) + 1  # the config names at least one survey file
    assert all(p.is_file() for p in files)


def test_fingerprint_follows_content_not_the_time_or_folder(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x,y\n1,2\n")
    b.write_text("x,y\n1,3\n")
    first = pv.fingerprint([a, b])
    shutil.copystat(a, b)  # a new modification time changes nothing
    assert pv.fingerprint([a, b]) == first
    b.write_text("x,y\n1,4\n")
    assert pv.fingerprint([a, b]) != first
    assert re.fullmatch(r"[0-9a-f]{64}", first)


def test_block_names_commit_inputs_software_and_parameters_in_both_languages():
    prov = pv.collect(CONFIG, edition="en")
    assert prov == pv.collect(CONFIG, edition="en")  # two calls, one block
    es = pv.provenance_markdown(prov, "es")
    en = pv.provenance_markdown(prov, "en")
    assert f"{prov.n_inputs} archivos, huella SHA-256 {prov.inputs_sha256[:16]}…" in es
    assert f"{prov.n_inputs} files, SHA-256 fingerprint {prov.inputs_sha256[:16]}…" in en
    if prov.commit:
        assert re.fullmatch(r"[0-9a-f]{12}", prov.commit) and prov.commit in en
    assert "pandas " in en and "weasyprint " in en and "- **Parameters:** edition = en" in en
    # nothing of this machine: no absolute path of the project
    assert str(paths.ROOT) not in es + en


def test_section_has_the_heading_and_the_source_name():
    text = pv.provenance_section(CONFIG, "es", source_name="Encuesta demo")
    assert text.startswith("## Procedencia de esta edición\n\n")
    assert "- **Parámetros:** edición = español, fuente de la encuesta = Encuesta demo" in text
