"""The programme-scale SYNTHETIC demo (config/demo_programa.yaml, issue 14 item 2): seeded
generator, the programme's 118 networks and 1,200 members after cleaning, and factsheets that
follow the survey's networks (the Laredo default keeps its 12 networks + 2 chains)."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

import pandas as pd
import pytest

from analysis import paths
from analysis.report import factsheets
from analysis.report.factsheet_content import identity_table, identity_text
from analysis.survey import sources
from analysis.survey.demo_programa import generate_programme, programme_targets
from analysis.survey.pipeline import SURVEY_NETWORKS, run

CONFIG = paths.CONFIG / "demo_programa.yaml"
SURVEY = paths.SURVEY_RAW
PUBLISHED_IDS = pd.read_csv(paths.PUBLISHED / "networks.csv", dtype=str)["network_id"].tolist()


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_is_seeded_and_the_committed_files_are_its_output(tmp_path):
    a = generate_programme(tmp_path / "a.csv", tmp_path / "a.xlsx", seed=2011)
    b = generate_programme(tmp_path / "b.csv", tmp_path / "b.xlsx", seed=2011)
    assert a.sha256 == b.sha256 == _sha(SURVEY / "encuesta_programa.xlsx")
    assert _sha(tmp_path / "a.csv") == _sha(tmp_path / "b.csv") == _sha(SURVEY / "redes_programa.csv")
    other = generate_programme(tmp_path / "c.csv", tmp_path / "c.xlsx", seed=7)
    assert other.sha256 != a.sha256


def test_programme_targets_are_the_documents_figures():
    t = programme_targets()
    assert (t["networks"], t["producers"]) == (118, 1200)          # Presentación, texto
    assert t["regions"] == ["Cajamarca", "Cusco", "La Libertad"]
    assert (t["members_min"], t["members_max"]) == (8, 11)


def test_programme_config_cleans_to_118_networks_and_1200_members(tmp_path):
    res = run(CONFIG, tmp_path)
    panel = res.panel
    assert res.summary["synthetic"] is True
    assert "sintética" in res.summary["source_name"]
    assert (res.summary["rows_in"], res.summary["rows_kept"], res.summary["rows_excluded"]) == (4200, 4200, 0)
    members = panel[panel["member"].astype(bool)]
    assert members["network_id"].nunique() == 118
    assert members["producer_id"].nunique() == 1200
    assert panel.loc[~panel["member"].astype(bool), "producer_id"].nunique() == 200
    assert sorted(panel["year"].unique().tolist()) == [2005, 2007, 2011]
    nets = pd.read_csv(tmp_path / SURVEY_NETWORKS, dtype=str)
    assert len(nets) == 118 and nets["total"].astype(int).sum() == 1200
    assert nets["total"].astype(int).between(8, 11).all()
    assert set(nets["region"]) == {"La Libertad", "Cajamarca", "Cusco"}
    # the 12 Laredo networks are 12 of the 118, with their published members
    per_net = members.groupby("network_id")["producer_id"].nunique()
    assert (per_net.reindex(nets["network_id"]).to_numpy() == nets["total"].astype(int).to_numpy()).all()
    assert nets["network_id"].head(12).tolist() == PUBLISHED_IDS
    assert nets["source"].iloc[12:].str.contains("sintética").all()


def test_factsheet_units_follow_the_survey_networks(tmp_path):
    # no cleaning output: the 12 networks of Tabla N°02 and the two chains, as before
    laredo = [u["unit_id"] for u in factsheets.units(processed_dir=tmp_path)]
    assert laredo == PUBLISHED_IDS + ["mango", "lacteos"]
    assert sources.network_units(sources.networks_file(paths.CONFIG / "demo.yaml")) == laredo
    # the programme demo: one factsheet per survey network + the chains
    shutil.copy(SURVEY / "redes_programa.csv", tmp_path / SURVEY_NETWORKS)
    units = factsheets.units(processed_dir=tmp_path)
    assert len(units) == 120 and [u["unit_id"] for u in units[-2:]] == ["mango", "lacteos"]
    assert sum(u["unit_kind"] == "network" for u in units) == 118
    assert [u["unit_id"] for u in units] == sources.network_units(sources.networks_file(CONFIG))


def test_makefile_lists_one_factsheet_per_network_of_the_config():
    def factsheets_of(data):
        out = subprocess.run(["make", "-pn", "help", f"DATA={data}"], cwd=paths.ROOT, capture_output=True,
                             text=True, timeout=120).stdout
        line = next(x for x in out.splitlines() if x.startswith("FACTSHEETS :="))
        return re.findall(r"ficha_(\S+)\.pdf", line)
    assert factsheets_of("config/demo.yaml") == PUBLISHED_IDS + ["mango", "lacteos"]
    prog = factsheets_of("config/demo_programa.yaml")
    assert len(prog) == 120 and "cj_lacteos_namora_1" in prog


@pytest.mark.parametrize("lang,word", [("es", "integrantes"), ("en", "members")])
def test_identity_of_a_survey_network_without_member_counts(lang, word):
    nets = pd.read_csv(paths.ROOT / "tests" / "corpus" / "networks.csv", dtype=str)  # no men/women/total
    line = identity_text(nets, "red_alfa", lang)
    assert "Alfa Norte" in line and word not in line
    table = identity_table(nets, "chain", "mango", lang)
    assert len(table.columns) == 3 and table.iloc[:, 0].tolist() == nets.loc[nets["chain"] == "mango", "short_name"].tolist()


def test_producers_per_network_table_collapses_stable_rows_only_at_programme_scale():
    from analysis.survey.quality import collapse_stable

    def table(n):
        rows = [{"group": "members", "chain": "lacteos", "network": f"Red {i}", "2005": 10, "2007": 10,
                 "2011": 10} for i in range(n)]
        rows[0].update({"2011": 7})  # attrition in one network
        return pd.DataFrame(rows + [{"group": "comparison", "chain": "lacteos", "network": "Anta",
                                     "2005": 50, "2007": 50, "2011": 50}])
    small = table(12)
    assert collapse_stable(small)[0] is small and collapse_stable(small)[1] == 0   # Laredo: unchanged
    out, k = collapse_stable(table(40))
    assert k == 40                                   # 39 stable networks + the comparison sector
    assert out["network"].tolist() == ["Red 0", "39 networks, same producers in every round",
                                       "1 sectors, same producers in every round"]
    assert out.loc[1, ["2005", "2007", "2011"]].tolist() == [390, 390, 390]


@pytest.mark.e2e
@pytest.mark.parametrize("lang,says", [("es", "La sistematización no publica cifras de esta red"),
                                       ("en", "The systematization publishes no figures for this network")])
def test_factsheet_of_a_network_without_published_figures_says_so(tmp_path, lang, says):
    processed = tmp_path / "p"
    processed.mkdir()
    shutil.copy(SURVEY / "redes_programa.csv", processed / SURVEY_NETWORKS)
    out = tmp_path / "r"
    factsheets.build_one("cj_lacteos_namora_1", lang, str(CONFIG), out_dir=out, build_dir=tmp_path / "b",
                         processed_dir=processed)
    stem = f"{factsheets.PREFIX[lang]}cj_lacteos_namora_1"
    html = (out / f"{stem}.html").read_text(encoding="utf-8")
    assert says in html and (out / f"{stem}.pdf").stat().st_size > 0
    assert "Namora 1" in html
    # none of the document's figures for Laredo: no projects, co-financing or indicators tables
    assert "AGANCOSAD" not in html
    for heading in ("Indicadores de la cadena", "Chain indicators", "Cambio implícito", "Change implied"):
        assert heading not in html, heading


def test_a_full_fan_out_removes_the_factsheets_of_units_no_longer_surveyed(tmp_path):
    out = tmp_path / "fichas"
    (out / "cj_lacteos_namora_1").mkdir(parents=True)
    for name in ("ficha_cj_lacteos_namora_1.pdf", "ficha_cj_lacteos_namora_1.html", "ficha_mango.pdf",
                 "notes.txt"):
        (out / name).write_text("x")
    (out / "mango").mkdir()
    assert factsheets.remove_other_units(out, "es", {"mango", "lacteos"}) == 3
    assert sorted(p.name for p in out.iterdir()) == ["ficha_mango.pdf", "mango", "notes.txt"]
