"""Write a notebook from a compact Python description (used to author notebooks/ reproducibly).

    python scripts/nbtool.py strip notebooks/*.ipynb     # remove outputs and execution counts
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

# The parameters every notebook takes (papermill overrides them; defaults work in JupyterLab).
COMMON_PARAMS = '''# Parameters (papermill overrides them; defaults work in JupyterLab)
raw_dir = "../data/raw"
processed_dir = "../data/processed"
reports_dir = "../reports"
lang = "es"
config_path = "../config/demo.yaml"
'''

KERNELSPEC = {"name": "redes-laredo", "display_name": "Redes Laredo (.venv)", "language": "python"}


def build(path: str | Path, cells: list[tuple[str, str] | tuple[str, str, list[str]]]) -> None:
    """cells: ("md"|"code", source[, tags])."""
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for number, (kind, source, *rest) in enumerate(cells, 1):
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        cell.id = f"cell-{number:02d}"  # stable ids: re-authoring a notebook gives a clean diff
        if rest:
            cell.metadata["tags"] = list(rest[0])
        nb.cells.append(cell)
    nbformat.write(nb, str(path))


def strip(path: str | Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, str(path))


if __name__ == "__main__":
    if sys.argv[1:2] == ["strip"]:
        for p in sys.argv[2:]:
            strip(p)
