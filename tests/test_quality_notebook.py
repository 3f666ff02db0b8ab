"""notebooks/data_quality.ipynb: papermill parameters, no stored outputs, synthetic notice first."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from analysis.paths import CONFIG, PUBLISHED, ROOT

NB = ROOT / "notebooks" / "data_quality.ipynb"


def test_parameters_cell_and_no_outputs():
    nb = nbformat.read(NB, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    for name in ("raw_dir", "processed_dir", "reports_dir", "lang", "config_path"):
        assert f"{name}: str = " in code[0].source  # typed, for papermill --help-notebook
    assert 'lang: str = "es"' in code[0].source
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert nb.metadata["kernelspec"]["name"] == "redes-laredo"
    assert 'Report(export_name("quality", lang)' in "".join(c.source for c in code)


@pytest.mark.e2e
def test_notebook_runs_on_pipeline_output(tmp_path):
    papermill = pytest.importorskip("papermill")
    from analysis.survey.pipeline import run

    processed = tmp_path / "processed"
    run(CONFIG / "demo.yaml", processed)
    out = tmp_path / "dq.ipynb"
    papermill.execute_notebook(str(NB), str(out), kernel_name="redes-laredo", cwd=str(NB.parent),
                               progress_bar=False,
                               parameters={"processed_dir": str(processed), "raw_dir": str(PUBLISHED.parent),
                                           "reports_dir": str(tmp_path / "reports"),
                                           "config_path": str(CONFIG / "demo.yaml"), "lang": "es"})
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    first = outputs[0]["data"]["text/html"]
    assert first.startswith('<div class="aviso">') and "Datos sintéticos. La encuesta a productores" in first
    tablas = sorted(p.name for p in (tmp_path / "reports" / "calidad_datos" / "tablas").glob("*.csv"))
    assert len(tablas) == 9 and tablas[0] == "tabla_01_productores_por_ronda.csv"
    assert tablas[-1] == "tabla_09_libro_codigos.csv"  # section 6: the codebook of the panel
    figs = list((tmp_path / "reports" / "calidad_datos" / "figuras").glob("*.svg"))
    assert len(figs) == 2
    shutil.rmtree(tmp_path / "reports")
