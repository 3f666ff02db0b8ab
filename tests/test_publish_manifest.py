"""data/processed/manifest.json: every published and processed file with its sha256, stable."""

from __future__ import annotations

import hashlib
import json

from analysis.report.publish import write_manifest


def test_manifest_lists_every_file_with_its_hash_and_is_stable(tmp_path):
    reports, processed = tmp_path / "reports", tmp_path / "processed"
    (reports / "fichas").mkdir(parents=True)
    processed.mkdir()
    (reports / "informe.pdf").write_bytes(b"%PDF-1.7 x")
    (reports / "fichas" / "ficha_mango.pdf").write_bytes(b"%PDF-1.7 y")
    (reports / ".informe.pdf.publishing").write_bytes(b"temp")       # temporary: not listed
    (processed / "effects.csv").write_text("a,b\n1,2\n")
    (processed / "effects.stamp").write_text("hashes\n")               # make's bookkeeping: not listed
    manifest = processed / "manifest.json"
    assert write_manifest(manifest, {"reports": reports, "data/processed": processed}) == 3
    first = manifest.read_bytes()
    files = json.loads(first)["files"]
    assert [f["path"] for f in files] == ["reports/fichas/ficha_mango.pdf", "reports/informe.pdf",
                                          "data/processed/effects.csv"]
    assert files[2] == {"path": "data/processed/effects.csv", "bytes": 8,
                        "sha256": hashlib.sha256(b"a,b\n1,2\n").hexdigest()}
    assert write_manifest(manifest, {"reports": reports, "data/processed": processed}) == 3
    assert manifest.read_bytes() == first                               # itself excluded, no dates
