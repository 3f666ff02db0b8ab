"""Load the figures transcribed from the systematization (``data/raw/published/*.csv``).

Every file has a declared schema: each column has a kind (text, required text, int, float,
date, or one of a set of codes). ``load`` reads all cells as text, checks each one against
its kind and converts it; a bad cell raises ``ValueError`` naming file, row and column.
Columns not in the schema are kept as text; a missing schema column is an error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import paths

CHAINS = ("mango", "lacteos", "all")
PERIODS = ("initial", "current", "target", "none")
# which producers a figure is about: all networks (of the chain), the phase-1 or phase-2 networks,
# one network, a named group of networks, or the territory (district, "some producers", the
# chain before the programme)
SCOPES = ("all", "phase1", "phase2", "network", "networks", "territory")
EXHIBIT_KINDS = ("Tabla", "Gráfico")

# kind names: "text" (may be empty), "req" (non-empty text), "int", "float",
# "float?" (may be empty), "date" (YYYY or YYYY-MM), "date?" (may be empty),
# or a tuple of allowed codes.
SCHEMAS: dict[str, dict[str, object]] = {
    "laredo_socioeconomic": {"indicator": "req", "value": "float", "unit": "req", "source": "req"},
    "pea_by_sector": {"sector": "req", "share_pct": "float", "source": "req"},
    "mipes_by_activity": {"activity": "req", "share_pct": "float", "source": "req"},
    "networks": {
        "network_id": "req", "name": "req", "short_name": "req", "chain": ("mango", "lacteos"),
        "programme_phase": "int", "start_date": "date", "men": "int", "women": "int",
        "total": "int", "representative": "req", "representative_sex": ("F", "M"), "source": "req",
    },
    "network_totals": {"quantity": "req", "chain": CHAINS, "value": "int", "source": "req",
                       "scope": SCOPES},
    "timeline": {
        "event": "req", "kind": ("network_start", "association", "cooperative", "programme_phase"),
        "chain": CHAINS, "network_id": "text", "date": "date", "source": "req", "note": "text",
    },
    "cofinancing": {
        "project_id": "req", "project_type": ("piloto", "estrategico"), "chain": CHAINS,
        "programme_phase": "int", "funder": "req", "amount": "float", "currency": ("PEN", "USD"),
        "kind": ("part", "stated_total"), "source": "req", "scope": SCOPES,
    },
    "projects": {
        "project_id": "req", "network_id": "req", "chain": CHAINS, "programme_phase": "int",
        "project_type": ("plan_mejora", "piloto", "estrategico"), "name": "req",
        "objective": "text", "start": "date?", "end": "date?", "reported_results": "text",
        "cofinancing_id": "text", "source": "req",
    },
    "chain_indicators": {
        "indicator_id": "req", "chain": ("mango", "lacteos"), "network_id": "text",
        "period": PERIODS, "value": "float", "low": "float", "high": "float", "unit": "req",
        "measure": "req", "source": "req", "scope": SCOPES,
    },
    "methodology_phases": {"phase": "int", "name": "req", "process": ("social", "economic"),
                           "source": "req"},
    "claims": {
        "claim_id": "req", "value": "float", "low": "float", "high": "float", "unit": "req",
        "chain": CHAINS, "network_id": "text", "scope": SCOPES, "period": PERIODS, "as_of": "req",
        "measure": "req", "description": "req", "source": "req", "link": "text",
        "relates_to": "text",
    },
    # issue 9: the document's structure and the inputs of the audit's rule families
    "exhibits": {"order": "int", "kind": EXHIBIT_KINDS, "number": "int", "title": "req",
                 "content": "req", "section": "req", "source": "req",
                 "project_type": ("", "plan_mejora", "piloto", "estrategico")},
    "exhibit_headers": {"order": "int", "header": "req", "source": "req"},
    "exhibit_refs": {"kind": EXHIBIT_KINDS, "number": "int", "refers_to": "req", "section": "req",
                     "source": "req"},
    "exhibit_items": {"exhibit": "req", "box": "req", "item": "req", "subject": CHAINS,
                      "source": "req"},
    "sections": {"order": "int", "level": ("capítulo", "sección"), "printed_number": "req",
                 "position": "int", "parent_position": "text", "title": "req", "content": "req",
                 "chain": CHAINS, "source": "req"},
    "phase_headings": {"chain": ("mango", "lacteos"), "order": "int", "printed_number": "int",
                       "printed_name": "req", "section": "req", "source": "req"},
    "exhibit_tables": {"exhibit": "req", "printed_row": "req", "column": "req", "value": "req",
                       "network_id": "text",
                       "assignment": ("exact", "shared", "unrecoverable"), "source": "req"},
    "sectors": {"sector": "req", "source": "req"},
    "network_groups": {"group_id": "req", "network_id": "req", "source": "req"},
    "subject_mentions": {"section": "req", "section_subject": CHAINS + ("",),
                         "subject_kind": ("chain", "territory", "programme"), "subject": "req",
                         "role": ("text", "citation"), "source": "req"},
    "name_mentions": {"entity": "req", "kind": ("persona", "red", "asociación", "empresa"),
                      "spelling": "req", "source": "req"},
    "event_dates": {"event": "req", "bound": ("start", "end"), "date": "date", "source": "req"},
    "limits": {"limit_id": "req", "quantity": ("investment", "members"), "chain": CHAINS,
               "project_type": "text", "per": ("network",), "min_amount": "float?",
               "max_amount": "float?", "unit": "req", "description": "req", "source": "req",
               "description_en": "text"},
    "implied_quantities": {"relation_id": "req", "expression": "req", "op": ("=", "<="),
                           "target": "req", "description": "req", "source": "req",
                           "description_en": "text", "assumption": "text",
                           "assumption_en": "text"},
    "preface_crafts_claims": {
        "claim_id": "req", "value": "float", "unit": "req",
        "scope": ("sister_document_crafts", "programme_apomipe_national"), "measure": "req",
        "description": "req", "source": "req",
    },
}

# files whose id column must be unique
UNIQUE_KEYS = {"networks": "network_id", "claims": "claim_id", "projects": "project_id",
               "preface_crafts_claims": "claim_id"}

_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
_INT = re.compile(r"^-?\d+$")


def _convert(cell: str, kind: object) -> tuple[object, str | None]:
    """Return (converted value, error message or None) for one cell."""
    cell = cell.strip()
    if isinstance(kind, tuple):
        return cell, None if cell in kind else f"value {cell!r} not one of {list(kind)}"
    if kind == "text":
        return cell, None
    if kind == "req":
        return cell, None if cell else "empty value (required)"
    if kind in ("date", "date?"):
        if not cell and kind == "date?":
            return "", None
        return cell, None if _DATE.match(cell) else f"value {cell!r} is not a date YYYY or YYYY-MM"
    if kind == "int":
        return (int(cell), None) if _INT.match(cell) else (None, f"value {cell!r} is not an integer")
    if kind in ("float", "float?"):
        if not cell and kind == "float?":
            return float("nan"), None
        try:
            return float(cell), None
        except ValueError:
            return None, f"value {cell!r} is not a number"
    raise AssertionError(f"unknown column kind {kind!r}")


def load(name: str, raw_dir: Path | None = None) -> pd.DataFrame:
    """Read ``<raw_dir>/<name>.csv`` (default ``data/raw/published``), checked and typed."""
    if name not in SCHEMAS:
        raise ValueError(f"unknown published table {name!r}; known: {sorted(SCHEMAS)}")
    path = Path(raw_dir or paths.PUBLISHED) / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"published table {name!r}: file {path} does not exist")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    schema = SCHEMAS[name]
    missing = [c for c in schema if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}")
    out = raw.copy()
    for col, kind in schema.items():
        values = []
        for i, cell in enumerate(raw[col]):
            value, err = _convert(cell, kind)
            if err:
                # row = data row number (1-based); the file line is one more (header)
                raise ValueError(f"{path}: row {i + 1} (line {i + 2}), column {col!r}: {err}")
            values.append(value)
        out[col] = pd.Series(values, index=raw.index, dtype=_dtype(kind))
    key = UNIQUE_KEYS.get(name)
    if key:
        dup = out[key][out[key].duplicated()]
        if not dup.empty:
            i = int(dup.index[0])
            raise ValueError(f"{path}: row {i + 1} (line {i + 2}), column {key!r}: "
                             f"duplicate id {dup.iloc[0]!r}")
    if {"low", "value", "high"} <= set(schema):
        bad = out[(out["low"] > out["value"]) | (out["value"] > out["high"])]
        if not bad.empty:
            i = int(bad.index[0])
            raise ValueError(f"{path}: row {i + 1} (line {i + 2}), column 'value': "
                             f"not within [low, high] = [{bad['low'].iloc[0]}, {bad['high'].iloc[0]}]")
    return out


def _dtype(kind: object) -> str:
    if kind == "int":
        return "int64"
    if kind in ("float", "float?"):
        return "float64"
    return "object"


def load_all(raw_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Load every published table, keyed by name."""
    return {name: load(name, raw_dir) for name in SCHEMAS}


def exhibit_table(tables: dict[str, pd.DataFrame], exhibit: str) -> pd.DataFrame:
    """The counterpart of one printed table (``exhibit_tables.csv``: Tabla N°03 (mango),
    Tabla N°03 (lácteos), Tabla N°06) laid out as printed: one row per network with its own
    cells, then the cells that belong to all its networks (``shared``) or that the flattened
    text does not assign to one network (``unrecoverable``), each under its printed column."""
    ex = tables["exhibit_tables"]
    d = ex[ex["exhibit"] == exhibit]
    if d.empty:
        raise ValueError(f"exhibit_tables.csv: no rows for {exhibit!r}; known: "
                         f"{sorted(ex['exhibit'].unique())}")
    own = d[d["assignment"] == "exact"]
    wide = own.pivot_table(index="printed_row", columns="column", values="value",
                           aggfunc=lambda v: "; ".join(v), sort=False)
    cols = list(dict.fromkeys(d["column"]))
    wide = wide.reindex(columns=[c for c in cols if c in wide.columns])
    rest = d[d["assignment"] != "exact"]
    extra = pd.DataFrame([{"printed_row": r.printed_row, r.column: r.value} for r in rest.itertuples()])
    out = pd.concat([wide.reset_index(), extra], ignore_index=True) if len(extra) else wide.reset_index()
    return out.reindex(columns=["printed_row", *cols]).fillna("")
