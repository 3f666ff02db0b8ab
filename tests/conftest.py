"""Shared test setup: headless matplotlib, and no figure left open from one test to the next."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


# The published tables the chart tests draw, and the document-implied changes drawn from them.
CHART_TABLES = ["pea_by_sector", "mipes_by_activity", "cofinancing", "networks", "timeline",
                "chain_indicators", "methodology_phases", "network_totals"]


@pytest.fixture(scope="session")
def pub():
    from analysis.published.load import load

    return {n: load(n) for n in CHART_TABLES}


@pytest.fixture(scope="session")
def implied(pub):
    from analysis.published import implied as im

    return im.compute_implied(pub["chain_indicators"], pub["networks"],
                              network_totals=pub["network_totals"]).effects


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")
    yield
    plt.close("all")


# --- end-to-end editions ----------------------------------------------------------------------
# One build per language per test session, shared by every e2e test module (test_e2e_build.py,
# test_e2e_language.py): the step notebooks, the main and data-quality reports and two
# factsheets (one network, one chain), as the Makefile builds them, under a temporary folder.
E2E_FACTSHEETS = ("lacteos_san_juan", "mango")


def build_edition(tmp, lang: str) -> dict:
    from analysis import paths
    from analysis.report.build import execute, run
    from analysis.report.factsheets import build_one
    from analysis.labels import t

    nb = paths.ROOT / "notebooks"
    params = {"raw_dir": str(paths.DATA_RAW), "processed_dir": str(tmp / "processed"),
              "reports_dir": str(tmp / "reports"), "lang": lang,
              "config_path": str(paths.CONFIG / "demo.yaml")}
    (tmp / "processed").mkdir(parents=True)
    for step in ("01_published_audit", "02_clean_survey", "03_estimate_effects"):
        execute(nb / f"{step}.ipynb", tmp / "build" / f"{step}.ipynb", params, progress=False)
    out = {"tmp": tmp, "lang": lang}
    for name, stem, key in [("report_main", "informe", "main"), ("data_quality", "calidad", "quality")]:
        run(nb / f"{name}.ipynb", tmp / "build" / f"{name}.ipynb", tmp / f"{stem}.html", tmp / f"{stem}.pdf",
            title=t(f"report.title_{key}", lang), subtitle=t(f"report.subtitle_{key}", lang),
            parameters=params, lang=lang, progress=False)
        out[stem] = (tmp / f"{stem}.html", tmp / f"{stem}.pdf")
    fichas = tmp / "reports" / "fichas"
    for unit in E2E_FACTSHEETS:
        build_one(unit, lang, params["config_path"], out_dir=fichas, build_dir=tmp / "build" / "fichas",
                  processed_dir=tmp / "processed")
    out["fichas"] = sorted(fichas.glob("*.html")) + sorted(fichas.glob("*.pdf"))
    return out


@pytest.fixture(scope="session")
def e2e_editions(tmp_path_factory):
    """``e2e_editions("es")`` / ``("en")``: the edition built once per session (see above)."""
    cache: dict[str, dict] = {}

    def get(lang: str) -> dict:
        if lang not in cache:
            cache[lang] = build_edition(tmp_path_factory.mktemp(f"e2e_{lang}"), lang)
        return cache[lang]

    return get
