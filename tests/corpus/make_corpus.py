"""Write the bad-input corpus (data files, configs, index.yaml). Deterministic: re-running it
gives the same files. Run: .venv/bin/python tests/corpus/make_corpus.py

Every case is a small config (<id>.yaml) pointing at files/<file> and at the fictional
networks fixture networks.csv (invented networks, so no figure of the document appears here).
"""

from __future__ import annotations

import copy
import csv
import random
import re
from pathlib import Path

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"

NETWORKS = [
    # network_id, name, short_name, chain, programme_phase, start_date
    ("red_alfa", 'RPM "Alfa Norte"', "Alfa Norte", "mango", "1", "2004-03"),
    ("red_beta", "RPL Beta Sur", "Beta Sur", "lacteos", "2", "2009-01"),
    ("red_gamma", 'RP Agropecuarios "Gamma"', "Gamma", "lacteos", "2", "2009-01"),
    ("red_delta", "RPM Delta", "Delta", "mango", "1", "2004-03"),
]
COLS = {
    "producer_key": "Código productor", "name": "Nombre y apellidos", "dni": "DNI",
    "phone": "Teléfono", "address": "Dirección", "network": "Red", "sector": "Sector",
    "chain": "Cadena", "sex": "Sexo", "member": "¿Integra una red?",
    "net_income_pen": "Ingreso neto anual (S/.)", "sales_value_pen": "Ventas anuales (S/.)",
    "family_labour_days": "Jornales familiares", "hired_labour_days": "Jornales contratados",
    "cows": "N° vacas", "milk_yield_l_cow_day": "Litros/vaca/día", "hectares": "Hectáreas",
    "kg_sold": "Kg vendidos", "price_pen_unit": "Precio promedio (S/.)",
    "share_main_buyer_pct": "% venta comprador principal", "share_direct_pct": "% venta directa",
}
ROUNDS = [(0, 2004), (1, 2006), (2, 2010)]
PRODUCERS = [  # key, name, network, sector, chain, sex, member
    ("K01", "Productora Uno", "Alfa Norte", "La Loma", "Mango", "Mujer", "Sí"),
    ("K02", "Productor Dos", "RPL Beta Sur", "El Bajo", "Lácteos", "Hombre", "Si"),
    ("K03", "Productora Tres", "", "La Loma", "Mango", "F", "No"),
    ("K04", "Productor Cuatro", "", "El Bajo", "Leche", "M", "NO"),
]
BASE_CONFIG = {
    "source_name": "Corpus de prueba (sintético)",
    "synthetic": True,
    "price_year": 2010,
    "min_cell": 5,
    "networks_file": "networks.csv",
    "files": [{"path": "files/ok.csv", "round_column": "Ronda", "year_column": "Año"}],
    "columns": dict(COLS),
    "codes": {
        "member": {"Sí": True, "Si": True, "SI": True, "No": False, "NO": False},
        "sex": {"F": "F", "M": "M", "Mujer": "F", "Hombre": "M"},
        "chain": {"Lácteos": "lacteos", "Leche": "lacteos", "Mango": "mango"},
    },
    "networks": {"Alfa Nortee": "red_alfa"},
    "plausibility": {
        "milk_yield_l_cow_day": {"min": 2, "max": 40, "action": "set_missing"},
        "sales_value_pen": {"min": 0, "action": "set_missing"},
    },
    "duplicates": {"action": "keep_first"},
}


def base_rows() -> list[dict]:
    """4 producers x 3 rounds, ordered by round then producer: CSV row = 2 + 4*round + i."""
    rng = random.Random(20240501)
    rows = []
    for rnd, year in ROUNDS:
        for i, (key, name, net, sector, chain, sex, member) in enumerate(PRODUCERS):
            dairy = chain != "Mango"
            sales = round(rng.uniform(3000, 9000) * (1 + 0.2 * rnd))
            rows.append({
                "Código productor": key, "Nombre y apellidos": name,
                "DNI": f"4000000{i + 1}", "Teléfono": f"90000000{i + 1}",
                "Dirección": f"Calle {i + 1}", "Red": net, "Sector": sector, "Cadena": chain,
                "Sexo": sex, "¿Integra una red?": member, "Ronda": rnd, "Año": year,
                "Ingreso neto anual (S/.)": round(sales * 0.4),
                "Ventas anuales (S/.)": sales,
                "Jornales familiares": rng.randint(100, 300),
                "Jornales contratados": rng.randint(0, 60),
                "N° vacas": rng.randint(2, 9) if dairy else "",
                "Litros/vaca/día": round(rng.uniform(5, 15), 1) if dairy else "",
                "Hectáreas": "" if dairy else round(rng.uniform(0.5, 3), 2),
                "Kg vendidos": "" if dairy else rng.randint(2000, 9000),
                "Precio promedio (S/.)": round(rng.uniform(0.8, 1.2), 2),
                "% venta comprador principal": rng.randint(40, 80),
                "% venta directa": rng.randint(0, 20),
            })
    return rows


def write_csv(name, rows, encoding="utf-8", sep=",", columns=None, header=True):
    path = FILES / name
    columns = columns or list(rows[0])
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=sep, lineterminator="\n")
        if header:
            w.writerow(columns)
        for r in rows:
            w.writerow([r.get(c, "") for c in columns])


def config(case_id, file=None, **changes) -> dict:
    cfg = copy.deepcopy(BASE_CONFIG)
    cfg["files"][0]["path"] = f"files/{file or case_id + '.csv'}"
    for k, v in changes.items():
        if v is None:
            cfg.pop(k, None)
        else:
            cfg[k] = v
    return cfg


CASES: list[dict] = []


def freeze_timestamps(path: Path) -> None:
    """Overwrite the creation time stored inside xlsx/dta/sav so re-runs give identical bytes."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        import io
        import zipfile
        src = zipfile.ZipFile(io.BytesIO(data))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename == "docProps/core.xml":
                    body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2020-01-01T00:00:00Z", body)
                dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), body,
                             zipfile.ZIP_DEFLATED)
        data = buf.getvalue()
    elif path.suffix == ".dta":
        data = re.sub(rb"<timestamp>.*?</timestamp>", b"<timestamp>\x1101 Jan 2020 00:00</timestamp>",
                      data, count=1, flags=re.DOTALL)
    elif path.suffix == ".sav":  # header: creation date (9 bytes) at 92, time (8 bytes) at 101
        data = data[:92] + b"01 Jan 20" + b"00:00:00" + data[109:]
    path.write_bytes(data)


def case(case_id, description, cfg, expect, **kw):
    path = HERE / f"{case_id}.yaml"
    if isinstance(cfg, str):
        path.write_text(cfg, encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    CASES.append({"id": case_id, "config": path.name, "description": description,
                  "expect": expect, **kw})


def main():
    FILES.mkdir(exist_ok=True)
    with (HERE / "networks.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["network_id", "name", "short_name", "chain", "programme_phase", "start_date"])
        w.writerows(NETWORKS)
    rows = base_rows()

    write_csv("ok.csv", rows)
    case("ok", "clean file, 4 producers x 3 rounds", config("ok"), "ok",
         summary={"rows_in": 12, "rows_kept": 12, "rows_excluded": 0, "producers": 4},
         log={"rule": "extra_column_ignored", "column": "Ronda", "action": "flagged", "absent": True})

    r = [dict(x) for x in rows]
    for x in r:
        x.pop("Sexo")
    write_csv("missing_column.csv", r)
    case("missing_column", "the mapped column Sexo is absent", config("missing_column"), "error",
         message="file=tests/corpus/files/missing_column.csv, sheet=-, row=-, column=Sexo, value=-, "
                 "rule=missing_column")

    r = [dict(x) for x in rows]
    r[2]["Ventas anuales (S/.)"] = "mucho"
    write_csv("wrong_type.csv", r)
    case("wrong_type", "text where sales should be a number", config("wrong_type"), "error",
         message="row=4, column=Ventas anuales (S/.), value='mucho', rule=not_a_number")

    r = [dict(x) for x in rows]
    r[1]["Red"] = "Red Omega"
    write_csv("unknown_network.csv", r)
    case("unknown_network", "network not in networks.csv nor in the map", config("unknown_network"),
         "error", message="file=tests/corpus/files/unknown_network.csv, sheet=-, row=3, column=Red, "
                          "value='Red Omega', rule=unknown_network")

    r = [dict(x) for x in rows] + [dict(rows[0], **{"Ventas anuales (S/.)": 1})]
    write_csv("duplicate_id.csv", r)
    case("duplicate_id", "K01 appears twice in round 0: second row excluded", config("duplicate_id"),
         "log", log={"row": 14, "column": "producer_key", "rule": "duplicate_producer_round",
                     "old_value": "round 0",
                     "new_value": "kept tests/corpus/files/duplicate_id.csv, sheet=-, row=2",
                     "action": "excluded"},
         summary={"rows_in": 13, "rows_kept": 12, "rows_excluded": 1})
    case("duplicate_error", "same file, duplicates: error",
         config("duplicate_error", file="duplicate_id.csv", duplicates={"action": "error"}), "error",
         message="row=14, column=Código productor, value='round 0', rule=duplicate_producer_round "
                 "(first at tests/corpus/files/duplicate_id.csv, sheet=-, row=2)")

    r = [dict(x) for x in rows]
    r[5]["Ventas anuales (S/.)"] = -500
    write_csv("negative_sales.csv", r)
    case("negative_sales", "negative sales set to missing by the plausibility rule",
         config("negative_sales"), "log",
         log={"row": 7, "column": "sales_value_pen", "rule": "plausibility_min_0",
              "old_value": "-500.0", "new_value": "", "action": "changed"})
    cfg = config("negative_sales_no_rule", file="negative_sales.csv")
    cfg["plausibility"] = {"milk_yield_l_cow_day": {"min": 2, "max": 40}}
    case("negative_sales_no_rule", "negative sales with no rule stops the build", cfg, "error",
         message="row=7, column=sales_value_pen, value=-500, rule=schema: greater_than_or_equal_to(0)")

    (FILES / "empty.csv").write_bytes(b"")
    case("empty_file", "zero-byte csv", config("empty_file", file="empty.csv"), "error",
         message="file=tests/corpus/files/empty.csv, sheet=-, row=-, column=-, value=-, "
                 "rule=empty_file: the file has no content")
    write_csv("header_only.csv", [], columns=list(rows[0]))
    case("header_only", "header without data rows", config("header_only"), "error",
         message="rule=empty_file: header but no data rows")

    with pd.ExcelWriter(FILES / "two_sheets.xlsx", engine="openpyxl") as xw:
        for rnd, year in ROUNDS[::2]:
            name = f"Ronda {year}"
            pd.DataFrame([x for x in rows if x["Ronda"] == rnd]).drop(columns=["Ronda", "Año"]) \
                .to_excel(xw, sheet_name=name, index=False)
    xfile = {"path": "files/two_sheets.xlsx",
             "sheets": {"Ronda 2004": {"round": 0, "year": 2004}, "Ronda 2010": {"round": 2, "year": 2010}}}
    case("xlsx_two_sheets", "xlsx, one sheet per round", dict(config("x"), files=[xfile]), "ok",
         summary={"rows_in": 8, "rows_kept": 8, "rows_excluded": 0, "producers": 4})
    bad = copy.deepcopy(xfile)
    bad["sheets"] = {"Linea base": {"round": 0, "year": 2004}}
    case("wrong_sheet", "sheet name not in the workbook", dict(config("x"), files=[bad]), "error",
         message="sheet=Linea base, row=-, column=-, value=-, rule=sheet_not_found: sheets in the "
                 "file are 'Ronda 2004', 'Ronda 2010'")

    r = [dict(x) for x in rows]
    for x in r:
        if x["Sector"] == "El Bajo":
            x["Sector"] = "Cañaveral"
    write_csv("latin1.csv", r, encoding="latin-1")
    case("latin1", "Latin-1 CSV with ñ, encoding not declared: detected and logged",
         config("latin1"), "log",
         log={"rule": "read_encoding_detected", "new_value": "latin-1", "action": "flagged"},
         panel={"column": "sector", "contains": "Cañaveral"})
    cfg = config("latin1_declared_utf8", file="latin1.csv")
    cfg["files"][0]["encoding"] = "utf-8"
    case("latin1_declared_utf8", "Latin-1 file declared utf-8", cfg, "error",
         message="row=1, column=-, value=-, rule=encoding: byte 0xf3 is not valid UTF-8 (declared); "
                 "the file looks latin-1: declare `encoding: latin-1` for this file in the config")

    r = [dict(x) for x in rows]
    r[0]["Ventas anuales (S/.)"] = "1.200,50"
    r[1]["Ventas anuales (S/.)"] = "S/ 2.300"
    r[2]["Litros/vaca/día"] = "12,5"
    r[3]["Litros/vaca/día"] = "8,25"
    write_csv("semicolon_decimal_comma.csv", r, sep=";")
    case("semicolon_decimal_comma", "semicolon CSV with decimal comma, sniffed",
         config("semicolon_decimal_comma"), "log",
         log={"rule": "read_separator_detected", "new_value": "';'", "action": "flagged"},
         panel={"column": "sales_value_pen", "contains": 1200.5, "also": [2300.0]})

    r = [dict(x, Observaciones="ok") for x in rows]
    write_csv("extra_columns.csv", r)
    case("extra_columns", "unmapped column ignored and logged", config("extra_columns"), "log",
         log={"row": None, "column": "Observaciones", "rule": "extra_column_ignored",
              "action": "flagged"})

    r = [dict(x) for x in rows] + [dict(rows[10], **{"Código productor": "K05", "Ronda": 2})]
    write_csv("no_baseline.csv", r)
    case("no_baseline", "K05 only in round 2: kept and flagged", config("no_baseline"), "log",
         log={"row": 14, "column": "round", "rule": "no_baseline", "old_value": "2",
              "new_value": "kept", "action": "flagged"},
         summary={"rows_in": 13, "rows_kept": 13, "rows_excluded": 0, "producers": 5})

    case("missing_file", "config points at a file that does not exist",
         config("missing_file", file="no_such_file.csv"), "config_error",
         message="missing_file.yaml, line 7: key 'files.0.path': file does not exist")

    case("malformed_yaml", "broken YAML (unclosed bracket)",
         "source_name: x\nprice_year: 2010\nfiles: [\n  {path: files/ok.csv\ncolumns: {}\n",
         "config_error", message="malformed_yaml.yaml, line 5: malformed YAML")

    cfg = config("unknown_key", file="ok.csv")
    cfg["colums"] = cfg.pop("columns")
    case("unknown_key", "typo in a top-level key", cfg, "config_error",
         message="unknown_key.yaml, line 38: key 'colums': unknown key")
    cfg = config("missing_key", file="ok.csv", price_year=None)
    case("missing_key", "required key price_year absent", cfg, "config_error",
         message="unknown_key.yaml".replace("unknown_key", "missing_key")
                 + ": key 'price_year': missing required key")

    r = [dict(x) for x in rows]
    r[0]["Ventas anuales (S/.)"] = "S/. 1,200"
    r[4]["Ventas anuales (S/.)"] = "n.d."
    r[8]["Ventas anuales (S/.)"] = str(r[8]["Ventas anuales (S/.)"])  # plain text number: no log
    write_csv("money_text.csv", r)
    case("money_text", "money written as text: parsed and logged; a plain number is not a change",
         config("money_text"), "panel",
         panel={"column": "sales_value_pen", "contains": 1200.0, "n_missing": 1},
         logs=[{"row": 2, "column": "sales_value_pen", "rule": "money_text_parsed",
                "old_value": "S/. 1,200", "new_value": "1200.0", "action": "changed"},
               {"row": 6, "column": "sales_value_pen", "rule": "missing_token",
                "old_value": "n.d.", "new_value": "", "action": "changed"},
               {"row": 10, "column": "sales_value_pen", "absent": True}],
         log_counts={"money_text_parsed": 1, "missing_token": 1})

    case("code_variants", "code spellings other than the first listed label are logged",
         config("code_variants", file="ok.csv"), "log",
         logs=[{"row": 2, "column": "sex", "rule": "code_mapped", "old_value": "Mujer",
                "new_value": "F", "action": "changed"},
               {"row": 3, "column": "member", "rule": "code_mapped", "old_value": "Si",
                "new_value": "True", "action": "changed"},
               {"row": 5, "column": "member", "rule": "code_mapped", "old_value": "NO",
                "new_value": "False", "action": "changed"},
               {"row": 5, "column": "chain", "rule": "code_mapped", "old_value": "Leche",
                "new_value": "lacteos", "action": "changed"},
               {"row": 2, "column": "member", "absent": True},
               {"row": 4, "column": "sex", "absent": True},
               {"row": 2, "column": "chain", "absent": True}],
         log_counts={"code_mapped": 15})

    r = [dict(x) for x in rows]
    r[4]["Red"] = "alfa  norte"
    r[6]["Red"] = "Ninguna"
    r[7]["% venta directa"] = "15%"
    r[10]["Sector"] = " la loma"
    write_csv("text_variants.csv", r)
    case("text_variants", "network/sector case and spaces, 'Ninguna', '15%': all logged",
         config("text_variants"), "log",
         logs=[{"row": 6, "column": "network", "rule": "network_normalized",
                "old_value": "alfa  norte", "new_value": "red_alfa", "action": "changed"},
               {"row": 8, "column": "network", "rule": "missing_token", "old_value": "Ninguna",
                "new_value": "", "action": "changed"},
               {"row": 9, "column": "share_direct_pct", "rule": "number_text_parsed",
                "old_value": "15%", "new_value": "15.0", "action": "changed"},
               {"row": 12, "column": "sector", "rule": "sector_spelling", "old_value": " la loma",
                "new_value": "La Loma", "action": "changed"},
               {"row": 3, "column": "network", "absent": True}],
         log_counts={"network_normalized": 1, "missing_token": 1, "number_text_parsed": 1,
                     "sector_spelling": 1})

    r = [dict(x) for x in rows]
    r[1]["Litros/vaca/día"] = 95
    write_csv("impossible_yield.csv", r)
    cfg = config("impossible_yield")
    cfg["plausibility"]["milk_yield_l_cow_day"]["action"] = "exclude_row"
    case("impossible_yield", "95 l/cow/day: row excluded by rule", cfg, "log",
         log={"row": 3, "column": "milk_yield_l_cow_day", "rule": "plausibility_max_40",
              "old_value": "95.0", "new_value": "", "action": "excluded"},
         summary={"rows_in": 12, "rows_kept": 11, "rows_excluded": 1})

    stat_cols = {"producer_key": "cod", "network": "red", "sector": "sector", "chain": "cadena",
                 "sex": "sexo", "member": "miembro", "sales_value_pen": "ventas",
                 "net_income_pen": "ingreso", "family_labour_days": "jfam",
                 "hired_labour_days": "jcon", "dni": "dni"}
    sdf = pd.DataFrame({
        "cod": [x["Código productor"] for x in rows],
        "dni": [x["DNI"] for x in rows],
        "red": [x["Red"] for x in rows], "sector": [x["Sector"] for x in rows],
        "cadena": [1.0 if x["Cadena"] == "Mango" else 2.0 for x in rows],
        "sexo": [1.0 if x["Sexo"] in ("Mujer", "F") else 2.0 for x in rows],
        "miembro": [1.0 if x["¿Integra una red?"].lower().startswith("s") else 0.0 for x in rows],
        "ronda": [float(x["Ronda"]) for x in rows], "anio": [float(x["Año"]) for x in rows],
        "ventas": [float(x["Ventas anuales (S/.)"]) for x in rows],
        "ingreso": [float(x["Ingreso neto anual (S/.)"]) for x in rows],
        "jfam": [float(x["Jornales familiares"]) for x in rows],
        "jcon": [float(x["Jornales contratados"]) for x in rows],
    })
    labels = {"cadena": {1.0: "Mango", 2.0: "Lácteos"}, "sexo": {1.0: "Mujer", 2.0: "Hombre"},
              "miembro": {1.0: "Sí", 0.0: "No"}}
    import pyreadstat
    pyreadstat.write_dta(sdf, FILES / "stata.dta", variable_value_labels=labels)
    pyreadstat.write_sav(sdf, FILES / "spss.sav", variable_value_labels=labels)
    for name in ("stata.dta", "spss.sav", "two_sheets.xlsx"):
        freeze_timestamps(FILES / name)
    for cid, fname in (("stata_dta", "stata.dta"), ("spss_sav", "spss.sav")):
        cfg = config(cid, file=fname, columns=stat_cols, plausibility={})
        cfg["files"][0].update(round_column="ronda", year_column="anio")
        case(cid, f"{fname} with value labels applied", cfg, "ok",
             summary={"rows_in": 12, "rows_kept": 12, "rows_excluded": 0, "producers": 4},
             panel={"column": "sex", "contains": "F", "also": ["M"]})

    r = [dict(x) for x in rows]
    r[4]["Red"] = "Alfa Nortee"
    write_csv("misspelt_network.csv", r)
    case("misspelt_network", "misspelling fixed by the config map", config("misspelt_network"),
         "log", log={"row": 6, "column": "network", "rule": "network_spelling",
                     "old_value": "Alfa Nortee", "new_value": "red_alfa", "action": "changed"})

    r = [dict(x) for x in rows]
    r[3]["Sector"] = "DNI 41234567"
    write_csv("pii_leak.csv", r)
    case("pii_leak", "a DNI typed in the sector column", config("pii_leak"), "error",
         message="row=5, column=Sector, value='<withheld: looks like a DNI>', "
                 "rule=pii_in_cell: personal data in a category field")

    r = [dict(x) for x in rows]
    r[6]["Sexo"] = "X"
    write_csv("unknown_sex.csv", r)
    case("unknown_sex", "sex code not in the codes", config("unknown_sex"), "error",
         message="row=8, column=Sexo, value='X', rule=unknown_code: allowed sex codes are")

    r = [dict(x) for x in rows]
    r[8]["Código productor"] = "  "
    write_csv("blank_key.csv", r)
    case("blank_key", "blank producer key", config("blank_key"), "error",
         message="row=10, column=Código productor, value='', rule=blank_producer_key")

    r = [dict(x) for x in rows]
    r[0]["Sexo"] = "?"
    r[5]["Red"] = "Red Omega"
    r[9]["% venta directa"] = 150
    write_csv("many_problems.csv", r)
    case("many_problems", "three bad cells, four problems, all in one message",
         config("many_problems"), "error", message="4 problem(s) in the survey data:",
         lines=["row=2, column=Sexo, value='?', rule=unknown_code",
                "row=7, column=Red, value='Red Omega', rule=unknown_network",
                "row=11, column=share_direct_pct, value=150, rule=schema: in_range(0, 100)",
                "row=11, column=share_direct_pct, value=150, rule=schema: shares_sum_at_most_100"])

    r = [dict(x) for x in rows]
    for x in r:
        if x["Hectáreas"] != "":
            x["Hectáreas"] = round(x["Hectáreas"] * 10000)
    write_csv("units_m2.csv", r)
    case("units_m2", "hectares delivered in m2, converted by the units rule",
         config("units_m2", units={"hectares": {"from": "m2", "factor": 0.0001}}), "log",
         log={"row": 2, "column": "hectares", "rule": "unit_conversion_from_m2",
              "action": "changed"})

    r = [dict(x) for x in rows]
    r[2]["Red"] = "Gamma"
    write_csv("comparison_with_network.csv", r)
    case("comparison_with_network", "a comparison producer names a network",
         config("comparison_with_network"), "error",
         message="row=4, column=Red, value='Gamma', rule=network_for_comparison_producer")

    r = [dict(x) for x in rows]
    r[0]["Red"] = "Beta Sur"
    write_csv("chain_mismatch.csv", r)
    case("chain_mismatch", "mango producer in a dairy network", config("chain_mismatch"), "error",
         message="row=2, column=Cadena, value='mango', rule=chain_differs_from_network "
                 "(red_beta is lacteos)")

    cfg = config("unknown_network_in_map", file="ok.csv")
    cfg["networks"] = {"Alfa Nortee": "red_zeta"}
    case("unknown_network_in_map", "spelling map points at an unknown network_id", cfg,
         "config_error", message="key 'networks.Alfa Nortee': 'red_zeta' is not a network_id")

    read_cases(rows)
    key_and_round_cases(rows)
    plausibility_cases(rows)
    privacy_cases(rows)

    (HERE / "index.yaml").write_text(
        "# Bad-input corpus: generated by make_corpus.py (do not edit by hand).\n"
        "# expect: ok | error (SurveyValidationError message contains `message`) | config_error\n"
        "# (SurveyConfigError) | log (cleaning log has a row matching `log`) | panel (value checks)\n"
        + yaml.safe_dump(CASES, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_xlsx(name, sheets: dict, hidden=(), formulas=None):
    """Workbook via openpyxl (formulas are saved WITHOUT a computed value, as a script would);
    ``formulas``: {(sheet, row, header): "=..."}."""
    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    for title, recs in sheets.items():
        ws = wb.create_sheet(title)
        cols = list(recs[0])
        ws.append(cols)
        for r in recs:
            ws.append([r.get(c) if r.get(c) != "" else None for c in cols])
        if title in hidden:
            ws.sheet_state = "hidden"
        for (sheet, row, header), f in (formulas or {}).items():
            if sheet == title:
                ws.cell(row=row, column=cols.index(header) + 1, value=f)
    wb.save(FILES / name)
    freeze_timestamps(FILES / name)


def read_cases(rows):
    """Item 2 of issue 10, reading: sheets, formulas, CSV lines, encodings."""
    draft = [dict(x, **{"Ventas anuales (S/.)": 1}) for x in rows[:4]]
    write_xlsx("hidden_draft.xlsx", {"Borrador": draft, "Datos": rows}, hidden=("Borrador",))
    cfg = config("hidden_sheet", file="hidden_draft.xlsx")
    case("hidden_sheet", "first sheet is a hidden draft, no `sheets:`: the only visible sheet is "
         "read, the hidden one listed in the log", cfg, "log",
         log={"sheet": "Borrador", "rule": "sheet_not_read", "new_value": "hidden",
              "action": "flagged"},
         summary={"rows_in": 12, "rows_kept": 12, "rows_excluded": 0, "producers": 4})

    base = [{k: v for k, v in x.items() if k not in ("Ronda", "Año")} for x in rows if x["Ronda"] == 0]
    mango = [x for x in base if x["Cadena"] == "Mango"]
    dairy = [x for x in base if x["Cadena"] != "Mango"]
    write_xlsx("per_chain.xlsx", {"Mango": mango, "Lácteos": dairy,
                                  "Notas": [{"Nota": "encuestador 3 enfermo"}]})
    per_chain = {"path": "files/per_chain.xlsx",
                 "sheets": {"Mango": {"round": 0, "year": 2004}, "Lácteos": {"round": 0, "year": 2004}}}
    case("several_visible_sheets", "three visible sheets and no `sheets:` mapping",
         dict(config("x"), files=[{"path": "files/per_chain.xlsx", "round": 0, "year": 2004}]),
         "error", message="file=tests/corpus/files/per_chain.xlsx, sheet=-, row=-, column=-, "
         "value=-, rule=sheets_not_configured: the workbook has 3 visible sheets 'Mango', "
         "'Lácteos', 'Notas'; name the sheet(s) to read under `sheets:` in the config")
    write_csv("later_rounds.csv", [x for x in rows if x["Ronda"] != 0])
    later = {"path": "files/later_rounds.csv", "round_column": "Ronda", "year_column": "Año"}
    case("sheet_per_chain", "baseline with one sheet per chain, same round, `shared_rounds: true`, "
         "later rounds in a CSV: both sheets read, the unconfigured sheet listed",
         dict(config("x"), files=[per_chain, later], shared_rounds=True),
         "log", log={"sheet": "Notas", "rule": "sheet_not_read", "new_value": "visible",
                     "action": "flagged"},
         summary={"rows_in": 12, "rows_kept": 12, "rows_excluded": 0, "producers": 4})
    case("round_mapped_twice", "two sheets mapped to round 0 without `shared_rounds`",
         dict(config("x"), files=[per_chain]), "config_error",
         message="round_mapped_twice.yaml, line 13: key 'files.0.sheets.Lácteos.round': round 0 "
                 "is also mapped at 'files.0.sheets.Mango'")

    write_xlsx("formula.xlsx", {"Datos": rows},
               formulas={("Datos", 3, "Ventas anuales (S/.)"): "=4000+250"})
    case("formula_without_value", "a formula cell saved without its computed value",
         config("formula_without_value", file="formula.xlsx"), "error",
         message="file=tests/corpus/files/formula.xlsx, sheet=Datos, row=3, "
                 "column=Ventas anuales (S/.), value=-, rule=formula_without_value")

    write_csv("truncated.csv", rows)
    body = (FILES / "truncated.csv").read_bytes()
    (FILES / "truncated.csv").write_bytes(body[:body.rindex(b"\n", 0, -1) + 40])
    case("truncated_line", "the last CSV line is cut off", config("truncated_line",
         file="truncated.csv"), "error",
         message="file=tests/corpus/files/truncated.csv, sheet=-, row=13, column=-, "
                 "value='4 of 23 fields', rule=short_line",
         lines_absent=["not_an_integer"])

    r = [dict(x) for x in rows]
    for x in r:
        if x["Sector"] == "La Loma":
            x["Sector"] = "La Loma – Alta"
    write_csv("cp1252_dash.csv", r, encoding="cp1252")
    case("cp1252_undeclared", "a Windows-1252 en dash, encoding not declared",
         config("cp1252_undeclared", file="cp1252_dash.csv"), "error",
         message="file=tests/corpus/files/cp1252_dash.csv, sheet=-, row=2, column=-, value=-, "
                 "rule=encoding: byte 0x96 is not valid UTF-8 (assumed); the file looks cp1252 "
                 "(Windows-1252: en dash, curly quotes): declare `encoding: cp1252`")
    cfg = config("cp1252_declared", file="cp1252_dash.csv")
    cfg["files"][0]["encoding"] = "cp1252"
    case("cp1252_declared", "the same file with `encoding: cp1252`", cfg, "panel",
         panel={"column": "sector", "contains": "La Loma – Alta"})

    write_csv("encuesta_20110715.csv", rows)
    case("date_in_file_name", "a date in the file name is not a DNI",
         config("date_in_file_name", file="encuesta_20110715.csv"), "ok",
         summary={"rows_in": 12, "rows_kept": 12, "rows_excluded": 0, "producers": 4})


def key_and_round_cases(rows):
    """Item 2: producer keys, attributes across rounds, rounds and years, YAML keys."""
    r = [dict(x) for x in rows]
    for x in r:
        if x["Código productor"] == "K01":
            x["Código productor"] = "0017" if x["Ronda"] < 2 else "17"
        if x["Código productor"] == "K02" and x["Ronda"] == 1:
            x["Código productor"] = "k02"
    write_csv("key_variants.csv", r)
    case("key_variants", "keys '0017'/'17' and 'K02'/'k02' across rounds, no `keys:` rule",
         config("key_variants"), "error", message="2 problem(s) in the survey data:",
         lines=["row=7, column=Código productor, value=\"'K02' (round 0) and 'k02' (round 1)\", "
                "rule=key_variants",
                "row=10, column=Código productor, value=\"'0017' (round 0) and '17' (round 2)\", "
                "rule=key_variants"])
    case("key_rule", "the same file with `keys: {leading_zeros: strip, case: upper}`",
         config("key_rule", file="key_variants.csv",
                keys={"strip": True, "case": "upper", "leading_zeros": "strip"}), "log",
         logs=[{"row": 2, "column": "producer_key", "rule": "key_normalized",
                "new_value": "case: upper, leading_zeros: strip", "action": "changed"},
               {"row": 10, "column": "producer_key", "rule": "key_collision",
                "old_value": "2 spellings", "new_value": "one producer (rounds 0,1,2)",
                "action": "flagged"},
               {"rule": "no_baseline", "absent": True}],
         summary={"rows_in": 12, "rows_kept": 12, "rows_excluded": 0, "producers": 4})

    r = [dict(x) for x in rows]
    r[8]["Sexo"] = "Hombre"                                    # K01, round 2
    r[4]["Red"] = "Delta"                                      # K01, round 1
    r[10].update({"¿Integra una red?": "Sí", "Red": "Alfa Norte"})  # K03 joins in round 2
    write_csv("attribute_changes.csv", r)
    case("attribute_changes", "sex, network and member status change across rounds: flagged",
         config("attribute_changes"), "log",
         logs=[{"row": 10, "column": "sex", "rule": "inconsistent_sex", "old_value": "F (round 0)",
                "new_value": "M (round 2)", "action": "flagged"},
               {"row": 6, "column": "network", "rule": "inconsistent_network",
                "old_value": "red_alfa (round 0)", "new_value": "red_delta (round 1)",
                "action": "flagged"},
               {"row": 12, "column": "member", "rule": "inconsistent_member",
                "old_value": "False (round 0)", "new_value": "True (round 2)", "action": "flagged"}])

    r = [dict(x) for x in rows]
    for x in r:
        if x["Ronda"] == 2:
            x["Año"] = 2016
    write_csv("year_2016.csv", r)
    case("year_outside_programme", "round 2 dated 2016, after the programme",
         config("year_outside_programme", file="year_2016.csv"), "error",
         message="row=10, column=Año, value=2016, rule=year_outside_range: survey years must be "
                 "within 2004-2012")
    cfg = config("declared_years", file="year_2016.csv", years={"min": 2004, "max": 2016})
    case("declared_years", "the same file with `years: {min: 2004, max: 2016}`", cfg, "ok",
         summary={"rows_in": 12, "rows_kept": 12, "rows_excluded": 0, "producers": 4})

    xfile = {"path": "files/two_sheets.xlsx",
             "sheets": {"Ronda 2004": {"round": 0, "year": 2004}, "Ronda 2010": {"round": 0, "year": 2010}}}
    case("round_two_years", "round 0 mapped to 2004 and to 2010", dict(config("x"), files=[xfile]),
         "config_error", message="round_two_years.yaml, line 14: key "
         "'files.0.sheets.Ronda 2010.year': round 0 is mapped to year 2010 here and to 2004")
    xfile = {"path": "files/two_sheets.xlsx",
             "sheets": {"Ronda 2004": {"round": 0, "year": 2001}, "Ronda 2010": {"round": 2, "year": 2010}}}
    case("sheet_year_outside", "a sheet dated 2001, before the programme",
         dict(config("x"), files=[xfile]), "config_error",
         message="sheet_year_outside.yaml, line 11: key 'files.0.sheets.Ronda 2004.year': year 2001 "
                 "is outside 2004-2012")

    text = (HERE / "ok.yaml").read_text(encoding="utf-8")
    files_block = text[text.index("files:"):text.index("columns:")]
    case("duplicate_yaml_key", "`files:` given twice (YAML would keep the last)",
         text + files_block.replace("ok.csv", "header_only.csv"), "config_error",
         message="duplicate_yaml_key.yaml, line 60: key 'files': duplicate key (first at line 6)")


def plausibility_cases(rows):
    """Item 2: default plausibility ranges and sentinel codes when the config declares none."""
    r = [dict(x) for x in rows]
    r[1]["N° vacas"] = 400                   # K02 round 0
    r[4]["Jornales familiares"] = 9999       # K01 round 1
    r[5]["Jornales contratados"] = -9        # K02 round 1
    r[11]["Precio promedio (S/.)"] = 85      # K04 round 2
    r[3]["Litros/vaca/día"] = 99             # K04 round 0 (declared max 40)
    write_csv("implausible.csv", r)
    case("plausibility_defaults", "400 cows, 9999 days, -9 days, S/ 85 per litre, 99 l/cow/day",
         config("plausibility_defaults", file="implausible.csv"), "log",
         logs=[{"row": 3, "column": "cows", "rule": "plausibility_default_max_100",
                "old_value": "400.0", "new_value": "", "action": "changed"},
               {"row": 6, "column": "family_labour_days", "rule": "sentinel_code_9999",
                "old_value": "9999.0", "new_value": "", "action": "changed"},
               {"row": 7, "column": "hired_labour_days", "rule": "sentinel_code_-9",
                "old_value": "-9.0", "new_value": "", "action": "changed"},
               {"row": 13, "column": "price_pen_unit", "rule": "plausibility_default_max_20",
                "old_value": "85.0", "new_value": "", "action": "changed"},
               {"row": 5, "column": "milk_yield_l_cow_day", "rule": "sentinel_code_99",
                "old_value": "99.0", "new_value": "", "action": "changed"}],
         summary={"rows_in": 12, "rows_kept": 12, "rows_excluded": 0, "producers": 4})


def privacy_cases(rows):
    """Item 4 of issue 10: no personal data through free text or number cells; demo key."""
    r = [dict(x) for x in rows]
    r[6]["Sector"] = "San Juan (casa de Doña Rosa)"
    write_csv("pii_name_in_sector.csv", r)
    case("pii_name_in_sector", "a person named in the sector (would become a cluster id)",
         config("pii_name_in_sector"), "error",
         message="row=8, column=Sector, value=\"<withheld: looks like a personal name (honorific "
                 "'Doña')>\", rule=pii_in_cell")
    r = [dict(x) for x in rows]
    r[3]["Sector"] = "rosa.p@correo.pe"
    write_csv("pii_email.csv", r)
    case("pii_email", "an e-mail address in the sector", config("pii_email"), "error",
         message="row=5, column=Sector, value='<withheld: looks like a e-mail>', rule=pii_in_cell")
    r = [dict(x) for x in rows]
    for x in r:
        if x["Sector"] == "La Loma":
            x["Sector"] = "Don Bosco"
    write_csv("place_don_bosco.csv", r)
    case("pii_allow_place", "a place name with 'Don', listed under `pii_allow:`",
         config("pii_allow_place", file="place_don_bosco.csv", pii_allow=["Don Bosco"]), "panel",
         panel={"column": "sector", "contains": "Don Bosco"})

    r = [dict(x) for x in rows]
    r[0]["Kg vendidos"] = 41234567           # a DNI in a number column
    r[3]["Ventas anuales (S/.)"] = 987654321  # a mobile number in a money column
    write_csv("pii_numbers.csv", r)
    case("pii_numbers", "a DNI and a mobile number typed into number columns: set missing, "
         "value withheld", config("pii_numbers"), "log",
         logs=[{"row": 2, "column": "kg_sold", "rule": "pii_like_number_dni",
                "old_value": "<withheld: looks like a DNI or phone number>", "new_value": "",
                "action": "changed"},
               {"row": 5, "column": "sales_value_pen", "rule": "pii_like_number_mobile",
                "old_value": "<withheld: looks like a DNI or phone number>", "new_value": "",
                "action": "changed"}])

    case("demo_key_refused", "`synthetic: true` on data that is not the generated demo, no key",
         config("demo_key_refused", file="ok.csv"), "config_error", pseudonym_key="none",
         message="demo_key_refused.yaml: key 'synthetic': the config says `synthetic: true` but "
                 "tests/corpus/files/ok.csv is not the generated demo data")


if __name__ == "__main__":
    main()
