"""Issue 9, item 2: each rule family on an input it must flag and one it must pass, and the
exact findings of each family on the seed document."""

import pandas as pd
import pytest

from analysis.published import audit, load as published
from analysis.published import audit_families as af


def _claims(rows, extra=("scope", "as_of", "relates_to")):
    cols = ["claim_id", "value", "low", "high", "unit", "chain", "network_id", "period",
            "measure", "description", "source", "link", *extra]
    return pd.DataFrame(rows, columns=cols)


def _verdicts(rows):
    return [(r["check_id"], r["passed"], r["severity"]) for r in rows]


# ---------------------------------------------------------------- limit per unit
def test_limit_per_unit_flags_a_cap_exceeded_and_passes_within():
    limits = pd.DataFrame([{"limit_id": "cap", "min_amount": float("nan"), "max_amount": 2500.0,
                            "description": "no más de 2500 por red", "source": "S1"},
                           {"limit_id": "size", "min_amount": 8.0, "max_amount": 11.0,
                            "description": "entre 8 y 11", "source": "S2"}])
    reported = pd.DataFrame([["cap", "p1", 2400.0, "G1"], ["cap", "p2", 5166.67, "G2"],
                             ["size", "n1", 8.0, "T"], ["size", "n2", 12.0, "T"]],
                            columns=["limit_id", "unit", "amount", "source"])
    rows = af.limit_per_unit(limits, reported)
    assert [(r["expected"], r["found"], r["passed"]) for r in rows] == [
        ("<= 2500", "2400", True), ("<= 2500", "5166.7", False), ("8–11", "8", True),
        ("8–11", "12", False)]
    assert rows[1]["severity"] == "contradiction" and rows[1]["sources"] == "S1; G2"


def test_reported_per_network_divides_by_the_networks_sharing_a_project():
    cof = pd.DataFrame([["p", "piloto", "lacteos", 2, "A", 13000.0, "PEN", "part", "G11"],
                        ["p", "piloto", "lacteos", 2, "B", 5000.0, "PEN", "part", "G11"],
                        ["p", "piloto", "lacteos", 2, "total", 20000.0, "PEN", "stated_total", "G11"]],
                       columns=["project_id", "project_type", "chain", "programme_phase", "funder",
                                "amount", "currency", "kind", "source"])
    projects = pd.DataFrame({"cofinancing_id": ["p", "p", "p", ""]})
    limits = pd.DataFrame([{"limit_id": "cap", "quantity": "investment", "chain": "lacteos",
                            "project_type": "piloto", "unit": "PEN"}])
    rep = af.reported_per_network(cof, projects, limits)
    assert rep["amount"].round(2).tolist() == [6000.0, 6666.67]
    assert rep["unit"].tolist() == ["p:3", "p:3"]


# ---------------------------------------------------------------- event dated twice
def test_event_dated_twice():
    ev = pd.DataFrame([["a", "end", "2009-02", "text"], ["a", "end", "2009-03", "Tabla N°04"],
                       ["b", "start", "2008", "text"], ["b", "start", "2008-07", "chart"],
                       ["c", "start", "2005-07", "text"], ["c", "start", "2006-09", "chart"],
                       ["d", "start", "2010", "only once"]],
                      columns=["event", "bound", "date", "source"])
    labels = {"a": "mango_p2_pilots", "b": "phase2_articulation", "c": "redeslac_association"}
    ev["event"] = ev["event"].map(lambda e: labels.get(e, "programme_phase1"))
    rows = af.event_dated_twice(ev)
    assert [(r["expected"], r["found"], r["passed"], r["severity"]) for r in rows] == [
        ("2009-02", "2009-03", False, "likely_typo"),      # a month apart: a slip
        ("2008", "2008-07", True, ""),                     # a year agrees with its months
        ("2005-07", "2006-09", False, "contradiction")]    # over a year apart
    assert rows[0]["description"] == ("Un mismo hecho lleva la misma fecha en todos los lugares: "
                                      "proyectos piloto de las redes de mango de la fase 2 (fin)")


# ---------------------------------------------------------------- unchanged vs expansion
GROUPS = {"g": {"n1", "n2"}}


def test_unchanged_vs_expansion():
    rows = [["a", 20, 20, 20, "ha", "mango", "", "initial", "area", "Hectáreas en producción", "G7", "", "all", "pre", ""],
            ["b", 20, 20, 20, "ha", "mango", "", "current", "area", "Hectáreas en producción", "V", "", "all", "2011", ""],
            ["c", 25, 25, 25, "%", "mango", "n1", "current", "farmland_change_pct", "Ampliación de la frontera", "F5", "", "network", "2007", "area"],
            ["d", 10, 10, 10, "%", "mango", "", "current", "area_change_pct", "Aumento del área", "X", "", "all", "2011", ""],
            # grew: 5 -> 8, so a stated increase is no conflict
            ["e", 5, 5, 5, "t", "lacteos", "", "initial", "feed", "Alimento", "A", "", "all", "pre", ""],
            ["f", 8, 8, 8, "t", "lacteos", "", "current", "feed", "Alimento", "B", "", "all", "2011", ""],
            ["g", 60, 60, 60, "%", "lacteos", "", "current", "feed_change_pct", "Más alimento", "C", "", "all", "2011", ""]]
    res = af.unchanged_vs_expansion(_claims(rows), GROUPS)
    assert [(r["expected"], r["found"], r["severity"]) for r in res] == [
        ("20 → 20", "+25%", "needs_assumption"),  # a related measure: holds under an assumption
        ("20 → 20", "+10%", "contradiction")]      # the same measure grew: a contradiction
    assert {r["check_id"] for r in res} == {"unchanged:area/mango/"}


# ---------------------------------------------------------------- baseline stated twice
def test_baseline_agrees_nested_and_same_scope():
    rows = [["a", 11, 10, 12, "l", "lacteos", "", "initial", "yield", "Producción por vaca", "S3", "", "territory", "pre", ""],
            ["b", 10, 10, 10, "l", "lacteos", "n1", "initial", "yield", "d", "T", "", "network", "pre", ""],
            ["c", 13, 13, 13, "l", "lacteos", "g", "initial", "yield", "d", "F3", "", "phase1", "pre", ""],
            ["d", 18, 18, 18, "l", "lacteos", "n2", "initial", "yield", "d", "F5", "", "network", "2010", ""],
            ["e", 9, 8, 10, "%", "lacteos", "", "initial", "solids", "Sólidos", "S3", "", "territory", "pre", ""],
            ["f", 12, 12, 12, "%", "lacteos", "", "initial", "solids", "Sólidos", "F9", "", "territory", "pre", ""]]
    res = af.baseline_agrees(_claims(rows), GROUPS)
    assert [(r["found"], r["passed"], r["severity"]) for r in res] == [
        ("10", True, ""), ("13", False, "needs_assumption"),  # a part against the whole
        ("12", False, "contradiction")]                      # the same scope, two baselines
    assert res[1]["sources"] == "S3; F3"  # 18 l in 2010 is a later baseline: not compared


# ---------------------------------------------------------------- implied values and bounds
def test_implied_value_agrees_products_sums_and_bounds():
    claims = _claims([["v", 2900, 2900, 2900, "l/día", "lacteos", "", "current", "m", "d", "V", "", "all", "2011", ""],
                      ["s1", 22, 22, 22, "%", "lacteos", "", "current", "m", "d", "S", "", "all", "2011", ""],
                      ["s2", 78, 78, 78, "%", "lacteos", "", "current", "m", "d", "S", "", "all", "2011", ""],
                      ["s3", 15, 15, 15, "%", "lacteos", "", "current", "m", "d", "S", "", "all", "2011", ""],
                      ["s4", 7, 7, 7, "%", "lacteos", "", "current", "m", "d", "S", "", "all", "2011", ""],
                      ["t1", 500, 500, 500, "l/día", "lacteos", "", "current", "m", "d", "T", "", "all", "2011", ""],
                      ["t2", 90, 80, 100, "l/día", "lacteos", "", "current", "m", "d", "T2", "", "all", "2011", ""],
                      ["w", 38, 38, 38, "%", "mango", "", "initial", "m", "d", "W", "", "all", "pre", ""],
                      ["x", 85, 85, 85, "%", "mango", "", "initial", "m", "d", "W", "", "all", "pre", ""]])
    rel = pd.DataFrame([["r1", "v*s1*s2", "=", "t1", "d", "src"], ["r2", "v*s1*(s3+s4)", "=", "t2", "d", "src"],
                        ["r3", "w+x", "<=", "100", "d", "src"], ["r4", "100-x", "=", "15", "d", "src"]],
                       columns=["relation_id", "expression", "op", "target", "description", "source"])
    res = {r["check_id"]: r for r in af.implied_value_agrees(rel, claims)}
    assert res["implied:r1"]["passed"]  # 2,900 × 22% × 78% ≈ 498 l: the 500 l agree
    r2 = res["implied:r2"]
    assert (r2["passed"], r2["expected"], r2["found"], r2["severity"]) == (
        False, "79.5–100.5", "130.9–150.1", "contradiction")
    r3 = res["implied:r3"]
    assert (r3["passed"], r3["expected"], r3["found"]) == (False, "<= 100", "122–124")
    assert res["implied:r4"]["passed"] and r2["sources"] == "V; S; T2"
    # the same bound under an assumption the document does not state: not a contradiction
    rel["assumption"] = ["", "", "ambas cifras sobre la misma base", ""]
    r3b = {r["check_id"]: r for r in af.implied_value_agrees(rel, claims)}["implied:r3"]
    assert (r3b["passed"], r3b["severity"]) == (False, "needs_assumption")
    assert r3b["finding"] == ("Si ambas cifras sobre la misma base, las cifras declaradas no "
                              "cuadran: d (declarado / implícito)")


# ---------------------------------------------------------------- numbering of exhibits and sections
def _exhibits(rows):
    return pd.DataFrame(rows, columns=["order", "kind", "number", "title", "content", "section", "source"])


def test_exhibit_numbering_repeats_gaps_titles_and_references():
    ex = _exhibits([[1, "Tabla", 1, "A", "a", "S1", "T1"], [2, "Tabla", 2, "B", "b", "S2", "T2"],
                    [3, "Tabla", 2, "B", "c", "S3", "T2 bis"], [4, "Tabla", 5, "E", "e", "S4", "T5"],
                    [5, "Gráfico", 1, "G", "g", "S1", "G1"]])
    refs = pd.DataFrame([["Tabla", 1, "a", "S1", "txt1"], ["Tabla", 5, "c", "S3", "txt2"]],
                        columns=["kind", "number", "refers_to", "section", "source"])
    # contents with words in i18n/audit_families.yaml
    ex["content"] = ["networks", "mango_p2_plans", "dairy_p2_pilots", "dairy_plans", "gco_cycle"]
    refs["refers_to"] = ["networks", "dairy_p2_pilots"]
    rows = af.exhibit_numbering(ex, refs)
    failed = [(r["check_id"], r["expected"], r["found"]) for r in rows if not r["passed"]]
    assert failed == [
        ("exhibit:Tabla N°02", "Tabla N°03", "Tabla N°02"),           # repeated where 03 belongs
        ("exhibit_gap:Tabla N°04", "Tabla N°04", "—"),                # 03 absorbed, 04 missing
        ("exhibit:Tabla N°02", "los pilotos de lácteos de la fase 2", "los planes de mejora de mango"),
        ("exhibit_ref:Tabla N°05", "los pilotos de lácteos de la fase 2 (Tabla N°02)",
         "los planes de mejora de lácteos")]
    passed = [r["check_id"] for r in rows if r["passed"]]
    assert passed == ["exhibit:Tabla N°01", "exhibit:Tabla N°02", "exhibit:Tabla N°05",
                      "exhibit:Gráfico N°01", "exhibit_ref:Tabla N°01"]


def test_exhibit_headers_name_the_kind_of_project_shown():
    ex = _exhibits([[1, "Tabla", 3, "Planes", "mango_p2_plans", "S1", "T3"],
                    [2, "Tabla", 4, "Pilotos", "mango_p2_pilots", "S2", "T4"],
                    [3, "Gráfico", 12, "Financiamiento", "dairy_p1_strategic_cofinancing", "S3", "G12"],
                    [4, "Gráfico", 2, "Ciclo", "gco_cycle", "S4", "G2"]])
    ex["project_type"] = ["plan_mejora", "piloto", "estrategico", ""]
    heads = pd.DataFrame([[1, "Plan de Mejoras", "T3"], [2, "Plan de Mejoras", "T4"],
                          [2, "Nombre de la Red", "T4"], [3, "Proyectos Pilotos", "G12"],
                          [4, "Proyecto piloto", "G2"]], columns=["order", "header", "source"])
    rows = af.exhibit_headers(ex, heads)
    assert [(r["check_id"], r["expected"], r["found"], r["passed"]) for r in rows] == [
        ("exhibit_header:1", "planes de mejora", "Plan de Mejoras", True),
        ("exhibit_header:2", "proyectos piloto", "Plan de Mejoras", False),  # copied header
        ("exhibit_header:3", "proyectos estratégicos", "Proyectos Pilotos", False)]
    # a header naming no kind of project, and an exhibit that shows none, are not checked


def test_section_numbering():
    sec = pd.DataFrame([[1, "capítulo", "I", 1, "", "Intro", "intro", "all", "C1"],
                        [2, "sección", "1.1", 1, "1", "Método", "m", "all", "S11"],
                        [3, "capítulo", "II", 2, "", "Condiciones", "initial", "all", "C2"],
                        [4, "capítulo", "II", 3, "", "Condiciones", "impacts", "all", "C3"],
                        [5, "sección", "2.1", 1, "3", "Lácteos", "d", "lacteos", "S31"]],
                       columns=["order", "level", "printed_number", "position", "parent_position",
                                "title", "content", "chain", "source"])
    rows = af.section_numbering(sec)
    assert [(r["check_id"], r["expected"], r["found"], r["passed"]) for r in rows] == [
        ("chapter:1", "I", "I", True), ("chapter:2", "II", "II", True),
        ("chapter:3", "III", "II", False), ("chapter:3", "—", "Condiciones", False),
        ("section:1.1", "1.1", "1.1", True), ("section:3.1", "3.1", "2.1", False)]


# ---------------------------------------------------------------- phase headings
def test_phase_headings_match_the_methodology_by_name():
    phases = pd.DataFrame({"phase": [1, 2, 6], "source": ["M"] * 3,
                           "name": ["Análisis de territorios, cadenas y líneas de negocios",
                                    "Promoción y selección", "Acompañamiento en la gestión del negocio"]})
    heads = pd.DataFrame([["mango", 1, 1, "Análisis del territorio y la cadena", "S", "h1"],
                          ["mango", 2, 6, "Gestión de negocios", "S", "h2"],
                          ["lacteos", 1, 4, "Gestión de los negocios conjuntos", "S", "h3"]],
                         columns=["chain", "order", "printed_number", "printed_name", "section", "source"])
    rows = af.phase_headings(heads, phases)
    assert [(r["expected"], r["found"], r["passed"]) for r in rows] == [
        ("Fase 1", "Fase 1", True), ("Fase 6", "Fase 6", True), ("Fase 6", "Fase 4", False)]
    assert rows[2]["description"] == ("El encabezado «Gestión de los negocios conjuntos» (cadena de "
                                      "lácteos) lleva el número de la fase de la metodología que "
                                      "nombra (fase 6)")


# ---------------------------------------------------------------- passages of another document
def test_foreign_passages():
    m = pd.DataFrame([["Pres", "all", "chain", "artesanías", "text", "P"],
                      ["1.2", "all", "chain", "Artesanías", "text", "S12"],
                      ["1.1", "all", "chain", "cuyes", "citation", "S11"],
                      ["3.1", "lacteos", "chain", "mango", "text", "S31"],
                      ["3.1", "lacteos", "chain", "lácteos", "text", "S31"],
                      ["2.1", "all", "territory", "Cusco", "text", "S21"]],
                     columns=["section", "section_subject", "subject_kind", "subject", "role", "source"])
    scope = {"chain": {"mango", "lácteos"}, "territory": {"Laredo"}}
    rows = af.foreign_passages(m, scope)
    assert [(r["check_id"], r["passed"], r["severity"]) for r in rows] == [
        ("foreign:artesanias", False, "contradiction"), ("foreign:artesanias", False, "contradiction"),
        ("foreign:cuyes/1.1", True, ""), ("foreign:mango/3.1", False, "likely_typo"),
        ("foreign:lacteos/3.1", True, ""), ("foreign:cusco", False, "contradiction")]


# ---------------------------------------------------------------- an exhibit copying another
def _items(rows):
    return pd.DataFrame(rows, columns=["exhibit", "box", "item", "subject", "source"])


def test_exhibit_copy_and_its_figures_are_not_confirmations():
    items = _items([["G14", "b", "65 productores", "lacteos", "G14"], ["G14", "b", "18 a 20 l", "lacteos", "G14"],
                    ["G14", "b", "sólidos 11.5%", "lacteos", "G14"], ["G14", "b", "créditos", "all", "G14"],
                    ["G15", "b", "65 productores", "lacteos", "G15"], ["G15", "b", "18 a 20 l", "lacteos", "G15"],
                    ["G15", "b", "Sólidos 11.5 %", "lacteos", "G15"], ["G15", "b", "41 productores", "mango", "G15"],
                    ["G15", "b", "+18%", "mango", "G15"], ["G15", "b", "merma", "mango", "G15"],
                    ["G15", "b", "MEBOL", "mango", "G15"],
                    ["G15", "b", "créditos", "all", "G15"],
                    # a third chart sharing only items about all chains: not a copy
                    ["G16", "b", "créditos", "all", "G16"], ["G16", "b", "65 productores", "lacteos", "G16"],
                    ["G16", "b", "x", "mango", "G16"]])
    copies = af.exhibit_copies(items)
    assert list(copies) == ["G15"] and copies["G15"][0] == "G14" and len(copies["G15"][1]) == 2 + 1
    rows = af.exhibit_copy_checks(items)
    assert [(r["check_id"], r["passed"]) for r in rows] == [
        ("copy:G14", True), ("copy:G15", False), ("copy:G16", True)]
    claims = _claims([["a", 65, 65, 65, "p", "lacteos", "", "current", "members", "d", "G14", "", "all", "2011", ""],
                      ["b", 65, 65, 65, "p", "lacteos", "", "current", "members", "d", "G15", "", "all", "2011", ""],
                      ["c", 41, 41, 41, "p", "mango", "", "current", "members", "d", "G15", "", "all", "2011", ""]])
    assert af.drop_copied_claims(claims, copies)["claim_id"].tolist() == ["a", "c"]


# ---------------------------------------------------------------- names spelt differently
def test_name_variants():
    m = pd.DataFrame([["p1", "persona", "Abelino Quispe Morocho", "T2"],
                      ["p1", "persona", "Avelino Quispe Morocho", "F4"],
                      ["p2", "persona", "Domingo Jahuira Canahuiri", "T2"],
                      ["p2", "persona", "Domingo Jahuira Camauro", "F6"],
                      ["p3", "persona", "María Flor Vega Avalos", "T2"],
                      ["p3", "persona", "Flor Vega Ávalos", "F3"],
                      ["p4", "persona", "Rosa Araujo de Sánchez", "T2"],
                      ["p4", "persona", "Rosa Elvira Araujo", "F3"],
                      ["n1", "red", "San Pachusco", "T2"], ["n1", "red", "San Pachuzco", "G12"],
                      ["n2", "red", "AGANCOSAD", "T2"], ["n2", "red", "AGANCOSAD - Conache", "T10"],
                      ["o1", "empresa", "NESTLÉ", "A"], ["o1", "empresa", "NESTLE", "B"]],
                     columns=["entity", "kind", "spelling", "source"])
    rows = af.name_variants(m)
    assert [(r["check_id"], r["passed"], r["severity"]) for r in rows] == [
        ("name:p1", False, "likely_typo"), ("name:p2", False, "contradiction"),
        ("name:p3", True, ""), ("name:p4", True, ""), ("name:n1", False, "likely_typo"),
        ("name:n2", True, ""), ("name:o1", True, "")]
    assert rows[1]["sources"] == "T2; F6"


def test_name_variants_naming_another_sector():
    m = pd.DataFrame([["n", "red", "Mangos San Juan", "T2"], ["n", "red", "San Juan", "G12"],
                      ["n", "red", "Pampas de San Juan", "F6"],
                      ["a", "red", "AGANCOSAD", "T2"], ["a", "red", "AGANCOSAD - Conache", "T10"],
                      ["b", "red", "Santa Lucia-Barraza", "T2"], ["b", "red", "Santa Lucía Barraza", "X"]],
                     columns=["entity", "kind", "spelling", "source"])
    places = ["San Juan", "Pampas de San Juan", "Conache", "Santa Lucía Barraza"]
    rows = af.name_variants(m, places=places)
    assert [(r["found"], r["passed"], r["severity"]) for r in rows] == [
        ("San Juan", True, ""), ("Pampas de San Juan", False, "contradiction"),  # another sector
        ("AGANCOSAD - Conache", True, ""),  # the sector added to a name that had none
        ("Santa Lucía Barraza", True, "")]


# ---------------------------------------------------------------- on the seed
@pytest.fixture(scope="module")
def seed():
    tables = published.load_all()
    checks = audit.run_audit(tables)
    return checks, audit.findings(checks, tables["claims"])


def _family_counts(f):
    fam = f["rules"].str.split("; ").str[0]
    return {(k, s): int(n) for (k, s), n in f.groupby([fam, f["severity"]]).size().items()}


def test_seed_findings_per_family_and_severity(seed):
    checks, f = seed
    counts = _family_counts(f)
    assert counts == {
        ("sum_matches_total", "contradiction"): 2, ("repeated_quantity_agrees", "contradiction"): 3,
        ("count_matches_table", "contradiction"): 1, ("count_matches_table", "change_over_time"): 2,
        ("percent_change_consistent", "contradiction"): 2, ("dates_in_order", "contradiction"): 1,
        ("volume_implied_by_herd", "needs_assumption"): 1,
        ("limit_per_unit", "contradiction"): 1, ("event_dated_twice", "likely_typo"): 1,
        ("unchanged_vs_expansion", "needs_assumption"): 1, ("baseline_agrees", "needs_assumption"): 1,
        ("implied_value_agrees", "contradiction"): 1,
        ("implied_value_agrees", "needs_assumption"): 1, ("exhibit_numbering", "likely_typo"): 8,
        ("section_numbering", "likely_typo"): 3, ("phase_headings", "likely_typo"): 1,
        ("foreign_passages", "contradiction"): 1, ("foreign_passages", "likely_typo"): 1, ("exhibit_copy", "likely_typo"): 1,
        ("name_variants", "likely_typo"): 3, ("name_variants", "contradiction"): 2}
    assert len(f) == 38
    assert len(checks) == 265 and int((~checks["passed"]).sum()) == 58


def test_seed_family_findings_name_the_discrepancies(seed):
    _, f = seed
    by = {d: (v, s) for d, v, s in zip(f["description"], f["values"], f["sources"])}
    limit = next(k for k in by if k.startswith("Tope declarado"))
    assert by[limit][0] == "<= 2500 / 8500; <= 2500 / 5166.7; <= 2500 / 5500"
    pilots = ("Un mismo hecho lleva la misma fecha en todos los lugares: proyectos piloto de las "
              "redes de mango de la fase 2 (fin)")
    assert by[pilots] == ("2009-02 / 2009-03", "Sección 4.3.1 Fase 4, texto; Tabla N°04")
    crafts = next(k for k in by if "artesanías" in k)
    assert by[crafts][1].count(";") == 4  # the five crafts passages: one finding
    copy = next(k for k in by if k.startswith("Gráfico N°15 repite"))
    assert by[copy][0] == "Gráfico N°14 / 6 contenidos repetidos"
    names = {v for k, (v, _) in by.items() if k.startswith("Un mismo nombre")}
    assert names == {"Domingo Jahuira Canahuiri / Domingo Jahuira Camauro",
                     "Abelino Quispe Morocho / Avelino Quispe Morocho",
                     "San Pachusco / San Pachuzco; San Pachusco / San Puchusco",
                     "REDESLAC / REDELAC", "Mangos San Juan / Pampas de San Juan"}


def test_seed_copy_is_not_an_independent_confirmation(seed):
    checks, f = seed
    members = f[f["values"] == "65 / 75"]
    assert len(members) == 1 and members.iloc[0]["n_checks"] == 4  # Gráfico N°15 not counted
    assert "Gráfico N°15" not in members.iloc[0]["sources"]
    for cid in ("repeated:milk_yield_l_cow_day/lacteos/current",
                "repeated:milk_solids_pct/lacteos/current"):
        src = checks.loc[checks["check_id"] == cid, "sources"].item()
        assert "Gráfico N°14" in src and "Gráfico N°15" not in src, cid


# ---------------------------------------------------------------- the chapter (item 4)
def test_chapter_tables_grouped_by_severity_plain_and_formatted(seed):
    _, f = seed
    groups = audit.chapter_tables(f, "es")
    assert [(s, h, len(tab)) for s, h, tab in groups] == [
        ("contradiction", "Contradicciones", 14), ("likely_typo", "Probables erratas", 18),
        ("needs_assumption", "Hallazgos que dependen de un supuesto", 4),
        ("change_over_time", "Cambios en el tiempo (no son errores)", 2)]
    assert sum(len(tab) for *_, tab in groups) == len(f)  # one row per finding
    assert list(groups[0][2].columns) == ["Hallazgo", "Cifras en conflicto", "Dónde lo dice el documento"]
    text = " ".join(" ".join(tab.astype(str).to_numpy().ravel()) for *_, tab in groups)
    for leak in (".csv", "lacteos_", "mango_", "c0", "_pct", ">=", "<=", "33000", "26.9231",
                 "2009-02", "(derivado)", "fecha:", "segundo, línea"):
        assert leak not in text, leak
    for shown in ("33,000 / 31,000", "26.9 / 20", "≤ 2,500 / 8,500", "febrero 2009 / marzo 2009",
                  "proyectos estratégicos / Proyectos Pilotos",
                  "Gráfico N°08 / —", "Fase 6 / Fase 4", "≥ julio 2006 / junio 2006"):
        assert shown in text, shown
    first = groups[0][2].iloc[0]
    assert first["Hallazgo"] == ("El total de integrantes de la cadena de lácteos que da el texto no "
                                 "coincide con la suma de la Tabla N°02 (texto / tabla)")
    en = audit.chapter_tables(audit.findings(*_en_seed()), "en")
    assert en[0][1] == "Contradictions" and list(en[0][2].columns)[0] == "Finding"


def _en_seed():
    tables = published.load_all()
    return audit.run_audit(tables, lang="en"), tables["claims"]


def test_family_counts_and_plain_finding_texts(seed):
    import re

    checks, f = seed
    counts = audit.family_counts(f)
    assert counts.loc["exhibit_numbering", "likely_typo"] == 8
    assert counts.loc["name_variants", "total"] == 5 and int(counts["total"].sum()) == len(f)
    assert list(counts.columns) == ["contradiction", "likely_typo", "needs_assumption",
                                    "change_over_time", "total"]
    for text in checks["finding"]:
        assert not re.search(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", text), text  # no internal id


def test_english_audit_chapter_has_no_spanish_words():
    """The English chapter's findings, figures and places: exhibit numbers, sections, phases and the
    document's quoted headers are put into English (analysis.published.translate.inline)."""
    import sys

    from analysis import paths
    sys.path.insert(0, str(paths.ROOT / "tests"))
    import language_check as lc

    tables = published.load_all()
    found = audit.findings(audit.run_audit(tables, lang="en"), tables["claims"])
    names = lc.proper_names()
    cells = [str(v) for _, _, tab in audit.chapter_tables(found, "en") for col in tab for v in tab[col]]
    assert len(cells) == 3 * len(found)
    hits = [h for v in cells for h in lc.find_words(v, lc.SPANISH_WORDS, names, name="audit")]
    assert hits == []
