"""README.md's "From Python" example runs on the demo survey panel."""

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.survey import pipeline

README = Path(__file__).resolve().parents[1] / "README.md"


def _example():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Effects on any panel", 1)[1].split("\n## ", 1)[0]
    after = section.split("From Python:", 1)[1]
    return re.search(r"```python\n(.*?)```", after, re.S).group(1)


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    pipeline.run(paths.CONFIG / "demo.yaml", out)
    return pd.read_parquet(out / "panel.parquet")


def test_readme_python_example_runs(panel):
    code = _example()
    assert "estimate_effects(" in code
    ns = {"panel": panel.copy(), "pd": pd}
    exec(compile(code, "README.md", "exec"), ns)
    out = ns["out"]
    assert {"did_twfe", "cs_never", "pct_effect"} <= set(out["method"])
    assert set(out["outcome"]) == {"net_income_pen", "sales_value_pen", "employment_fte"}
    assert set(out["level"]) == {"overall", "chain"}
    main = out[(out.level == "overall") & (out.method == "did_twfe")]
    assert main["estimate"].notna().all() and main["inference"].str.contains("cluster_id").all()
    assert not out["note"].str.contains("no estimable").any(), out["note"].tolist()
