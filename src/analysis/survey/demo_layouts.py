"""The demo survey delivered in two more layouts, from the same seeded population as the workbook.

Run ``python -m analysis.survey.demo_layouts --seed 2011`` (writes, next to the demo workbook):

- ``encuesta_demo_ancha.xlsx``: a WIDE workbook, one row per producer with outcome columns per
  year (``ingreso_2005``, ``ventas_2007``, ...), a title row above the header, and a separate
  ``Membresía`` sheet (network and membership per producer, in another order) to be joined by the
  producer code. The producers not interviewed at midline have blank 2007 cells; two amounts are
  typed as text ("S/ 1,013"). Mapped by config/demo_ancha.yaml.
- ``encuesta_demo_kobo.csv``: a KoboToolbox/ODK CSV export: ``;``-separated, UTF-8, decimal point,
  ``group/field`` headers, system columns (``_id``, ``_uuid``, ``_submission_time``, ``_index``...),
  round codes ``linea_base|seguimiento|final`` and no year column (the year is that of
  ``fecha_entrevista``), the programmes a producer takes part in as a select_multiple question
  (``productor/programas`` = "apomipe otro"), hectares of 1 ha or more typed with three decimals
  ("1.220") and one form submitted twice (the first submission had a typo in the sales, the
  resubmission a few days later corrects it). Mapped by config/demo_kobo.yaml.

Both hold the clean truth of ``generate_demo`` (before the workbook's dirt), so their panels equal
the demo's panel except the workbook's planted dirt; what each file plants is listed in its
``<stem>_dirt.json``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from analysis.paths import PUBLISHED, SURVEY_RAW
from analysis.survey.demo import FIXED_TIMESTAMP, SHEETS, _sha256, dirt_path, generate_demo

OUTCOMES = {  # canonical field -> wide column stem (``<stem>_<year>``) and Kobo field
    "net_income_pen": ("ingreso", "ventas/ingreso_neto"),
    "sales_value_pen": ("ventas", "ventas/ventas_anuales"),
    "family_labour_days": ("jornales_fam", "empleo/jornales_familiares"),
    "hired_labour_days": ("jornales_cont", "empleo/jornales_contratados"),
    "cows": ("vacas", "produccion/vacas"),
    "milk_yield_l_cow_day": ("litros_vaca_dia", "produccion/litros_vaca_dia"),
    "hectares": ("hectareas", "produccion/hectareas"),
    "kg_sold": ("kg_vendidos", "produccion/kg_vendidos"),
    "price_pen_unit": ("precio", "produccion/precio_promedio"),
    "share_main_buyer_pct": ("pct_comprador", "ventas/pct_comprador_principal"),
    "share_direct_pct": ("pct_directa", "ventas/pct_venta_directa"),
}
WIDE_FIXED = {"producer_key": "Código", "name": "Nombre", "dni": "DNI", "phone": "Teléfono",
              "address": "Dirección", "sector": "Sector", "chain": "Cadena", "sex": "Sexo"}
WIDE_SHEET, ROSTER_SHEET = "Productores", "Membresía"
ROSTER = {"producer_key": "Código productor", "network": "Red", "member": "Socio de red"}
WIDE_TITLE = "Encuesta a productores de Laredo, formato ancho (datos sintéticos de demostración)"
WIDE_TEXT_MONEY = (("net_income_pen", 2005), ("sales_value_pen", 2011))  # typed "S/ 1,013"

KOBO_ROUNDS = {0: "linea_base", 1: "seguimiento", 2: "final"}
KOBO_FIXED = {"producer_key": "productor/codigo", "name": "productor/nombre",
              "dni": "productor/dni", "phone": "productor/celular",
              "address": "productor/direccion", "sector": "productor/sector",
              "sex": "productor/sexo", "chain": "productor/cadena", "network": "productor/red"}
KOBO_SEX = {"F": "mujer", "M": "hombre"}
KOBO_SYSTEM = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
               "_submitted_by", "__version__", "_tags", "_index")
KOBO_PROGRAMMES = ("apomipe", "minka", "otro", "ninguno")
KOBO_FIELDS = (["ronda", "fecha_entrevista"] + list(KOBO_FIXED.values())
               + ["productor/programas"] + [k for _, k in OUTCOMES.values()])


def _year_col(field_: str, year: int) -> str:
    return f"{OUTCOMES[field_][0]}_{year}"


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


# ---------------------------------------------------------------- wide workbook
def wide_frames(truth: pd.DataFrame, producers: pd.DataFrame):
    """(producers sheet, roster sheet) as plain frames of cell values."""
    prod = producers.sort_values("producer_key").reset_index(drop=True)
    rows = []
    by = truth.set_index(["producer_key", "round"])
    for p in prod.itertuples(index=False):
        row = {WIDE_FIXED["producer_key"]: p.producer_key, WIDE_FIXED["name"]: p.name,
               WIDE_FIXED["dni"]: p.dni, WIDE_FIXED["phone"]: p.phone,
               WIDE_FIXED["address"]: p.address, WIDE_FIXED["sector"]: p.sector,
               WIDE_FIXED["chain"]: {"lacteos": "Lácteos", "mango": "Mango"}[p.chain],
               WIDE_FIXED["sex"]: p.sex}
        for _sheet, rnd, year in SHEETS:
            have = (p.producer_key, rnd) in by.index
            for f in OUTCOMES:
                v = by.at[(p.producer_key, rnd), f] if have else None
                row[_year_col(f, year)] = float(v) if _present(v) else None
        rows.append(row)
    wide = pd.DataFrame(rows, dtype=object)
    # the monitoring team's membership list: sorted by network, then code (not the data's order)
    ros = prod.assign(_net=prod["network_label"].fillna("~")).sort_values(["_net", "producer_key"])
    roster = pd.DataFrame({ROSTER["producer_key"]: ros["producer_key"],
                           ROSTER["network"]: ros["network_label"].where(ros["member"], None),
                           ROSTER["member"]: np.where(ros["member"], "Sí", "No")}, dtype=object)
    return wide, roster.reset_index(drop=True)


def write_wide(truth: pd.DataFrame, producers: pd.DataFrame, path: Path, seed: int) -> dict:
    wide, roster = wide_frames(truth, producers)
    dirt = []
    for field_, year in WIDE_TEXT_MONEY:
        col = _year_col(field_, year)
        i = int(wide.index[wide[col].map(lambda v: _present(v) and v >= 1000)][0])
        v = wide.at[i, col]
        wide.at[i, col] = f"S/ {v:,.0f}"
        dirt.append({"kind": "money_as_text", "sheet": WIDE_SHEET, "producer_key": wide.at[i, "Código"],
                     "column": col, "value": wide.at[i, col], "true_value": v, "rows": [i + 3],
                     "note": "amount typed as text with the soles sign and a thousands comma"})
    for year_sheet, rnd, year in SHEETS:
        keys = set(truth.loc[truth["round"] == rnd, "producer_key"])
        for i in wide.index[~wide["Código"].isin(keys)]:
            dirt.append({"kind": "not_interviewed", "sheet": WIDE_SHEET,
                         "producer_key": wide.at[i, "Código"], "column": f"*_{year}", "value": None,
                         "true_value": None, "rows": [int(i) + 3],
                         "note": f"no interview in {year}: every {year} cell blank"})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "Encuesta a productores – formato ancho (demo sintética)",
                       "author": "Equipo de monitoreo (demo)", "created": FIXED_TIMESTAMP,
                       "comments": "Datos sintéticos; no son resultados"})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    for name, df, title in ((WIDE_SHEET, wide, WIDE_TITLE), (ROSTER_SHEET, roster, None)):
        ws = wb.add_worksheet(name)
        top = 0
        if title:
            ws.write_string(0, 0, title, wb.add_format({"bold": True}))
            top = 1
        for j, col in enumerate(df.columns):
            ws.write_string(top, j, col, head)
        for i, row in enumerate(df.itertuples(index=False), start=top + 1):
            for j, v in enumerate(row):
                if not _present(v):
                    continue
                ws.write_string(i, j, v) if isinstance(v, str) else ws.write_number(i, j, float(v))
    wb.close()
    side = {"seed": seed, "workbook": path.name, "synthetic": True, "producers": len(wide),
            "producer_rounds": len(wide) * len(SHEETS), "interviews": len(truth),
            "note": "same synthetic survey as encuesta_demo.xlsx (clean values, before its dirt)",
            "dirt": dirt}
    dirt_path(path).write_text(json.dumps(side, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                               encoding="utf-8")
    return side


# ---------------------------------------------------------------- Kobo/ODK export
def _kobo_number(v, three_decimals=False) -> str:
    if not _present(v):
        return ""
    v = float(v)
    if three_decimals:
        return f"{v:.3f}"
    return str(int(v)) if v.is_integer() else repr(v)


def _uuid(rng) -> str:
    h = "".join(f"{b:02x}" for b in rng.integers(0, 256, 16))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def kobo_records(truth: pd.DataFrame, producers: pd.DataFrame, seed: int):
    """(records in submission order, dirt) of the Kobo export."""
    rng = np.random.default_rng(seed + 12)
    df = truth.merge(producers[["producer_key", "name", "dni", "phone", "address"]],
                     on="producer_key", validate="many_to_one")
    records, dirt = [], []
    for _sheet, rnd, year in SHEETS:
        part = df[df["round"] == rnd].sort_values("producer_key")
        order = rng.permutation(len(part))          # interviews in field order, not by code
        start = dt.datetime(year, 6, 1, 8, 0)
        for n, i in enumerate(order):
            r = part.iloc[int(i)]
            day = start + dt.timedelta(days=int(n // 12), hours=int(n % 12) // 2,
                                       minutes=int(rng.integers(0, 60)))
            sub = day + dt.timedelta(days=int(rng.integers(1, 4)), minutes=int(rng.integers(0, 600)))
            progs = ["apomipe"] if r["member"] else []
            if rng.random() < 0.15:
                progs.append("otro")
            progs = progs or ["ninguno"]
            rec = {"ronda": KOBO_ROUNDS[rnd], "fecha_entrevista": day.date().isoformat(),
                   "productor/codigo": r["producer_key"], "productor/nombre": r["name"],
                   "productor/dni": r["dni"], "productor/celular": r["phone"],
                   "productor/direccion": r["address"], "productor/sector": r["sector"],
                   "productor/sexo": KOBO_SEX[r["sex"]], "productor/cadena": r["chain"],
                   "productor/red": r["network_id"] if r["member"] else "",
                   "productor/programas": " ".join(progs)}
            for f, (_stem, k) in OUTCOMES.items():
                rec[k] = _kobo_number(r[f], f == "hectares" and _present(r[f]) and r[f] >= 1)
                if f == "hectares" and _present(r[f]) and r[f] >= 1:
                    dirt.append({"kind": "three_decimals", "producer_key": r["producer_key"],
                                 "round": rnd, "column": k, "value": rec[k], "true_value": float(r[f]),
                                 "note": "typed with three decimals: reads 2 ways without the column"})
            rec["_submission_time"] = sub.strftime("%Y-%m-%dT%H:%M:%S")
            records.append(rec)
    # one form submitted twice: a typo first, the corrected form a few days later
    j = next(n for n, rec in enumerate(records) if rec["ronda"] == "final"
             and rec["productor/red"] and float(rec["ventas/ventas_anuales"] or 0) > 1000)
    good = records[j]
    bad = dict(good)
    bad["ventas/ventas_anuales"] = good["ventas/ventas_anuales"] + "0"
    first = dt.datetime.fromisoformat(good["_submission_time"])
    good["_submission_time"] = (first + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")
    records.insert(j, bad)   # the typo was submitted first
    dirt.append({"kind": "resubmission", "producer_key": good["productor/codigo"], "round": 2,
                 "column": "ventas/ventas_anuales", "value": bad["ventas/ventas_anuales"],
                 "true_value": float(good["ventas/ventas_anuales"]),
                 "note": "form submitted twice: the later submission corrects the sales"})
    # Kobo numbers submissions in arrival order
    records.sort(key=lambda r: r["_submission_time"])
    for n, rec in enumerate(records, start=1):
        rec.update({"_id": str(100000 + n), "_uuid": _uuid(rng), "_validation_status": "",
                    "_notes": "", "_status": "submitted_via_web", "_submitted_by": "",
                    "__version__": "vQ3demo2011", "_tags": "", "_index": str(n)})
    for d in dirt:
        if d["kind"] == "resubmission":
            d["rows"] = [n + 2 for n, rec in enumerate(records)
                         if rec["productor/codigo"] == d["producer_key"] and rec["ronda"] == "final"]
    return records, dirt


def write_kobo(truth: pd.DataFrame, producers: pd.DataFrame, path: Path, seed: int) -> dict:
    records, dirt = kobo_records(truth, producers, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = KOBO_FIELDS + list(KOBO_SYSTEM)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(header)
        for rec in records:
            w.writerow([rec[c] for c in header])
    side = {"seed": seed, "csv": path.name, "synthetic": True, "encoding": "utf-8", "sep": ";",
            "decimal": ".", "rows": len(records), "interviews": len(truth),
            "rounds": {v: k for k, v in KOBO_ROUNDS.items()},
            "note": "same synthetic survey as encuesta_demo.xlsx (clean values, before its dirt)",
            "dirt": dirt}
    dirt_path(path).write_text(json.dumps(side, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                               encoding="utf-8")
    return side


def generate_layouts(out_dir: Path = SURVEY_RAW, seed: int = 2011,
                     published_dir: Path = PUBLISHED) -> dict[str, Path]:
    res = generate_demo(None, seed, published_dir)
    out_dir = Path(out_dir)
    wide, kobo = out_dir / "encuesta_demo_ancha.xlsx", out_dir / "encuesta_demo_kobo.csv"
    write_wide(res.truth, res.producers, wide, seed)
    write_kobo(res.truth, res.producers, kobo, seed)
    return {"wide": wide, "kobo": kobo}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", type=Path, default=SURVEY_RAW)
    ap.add_argument("--seed", type=int, default=2011)
    ap.add_argument("--published-dir", type=Path, default=PUBLISHED)
    args = ap.parse_args(argv)
    for name, path in generate_layouts(args.out_dir, args.seed, args.published_dir).items():
        print(f"{path}: sha256 {_sha256(path)} ({name}); planted differences in {dirt_path(path)}")


if __name__ == "__main__":
    main()
