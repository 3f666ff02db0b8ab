"""Seeded SYNTHETIC programme-scale survey: the APOMIPE programme as a whole, 118 networks in three regions.

Run ``python -m analysis.survey.demo_programa`` (defaults: seed 2011, writes
``data/raw/survey/redes_programa.csv``, ``data/raw/survey/encuesta_programa.xlsx`` and its
``encuesta_programa_dirt.json`` sidecar). Mapped by ``config/demo_programa.yaml``.

Programme figures it is calibrated to (published, read from ``data/raw/published/``):

- 118 business networks formed by APOMIPE and 1,200 small producers benefited directly
  (Presentación, texto: ``preface_crafts_claims.csv`` rows p06 and p07, scope
  ``programme_apomipe_national``);
- three regions, one partner NGO each: MINKA (La Libertad), CEDEPAS Norte (Cajamarca), Centro
  Bartolomé de las Casas (Cusco) (Presentación, texto: ``programme_partners.csv``);
- programme phase 1 from 2005 to 2008, phase 2 ending in December 2011 (Presentación, texto);
- between 8 and 11 producers per network (Sección 4.3.2 REDESLAC, texto: ``limits.csv``
  ``members_per_network``);
- the 12 Laredo networks of Tabla N°02 (``networks.csv``) with their published men, women, phase
  and start, kept as they are: they are 12 of the 118.

Everything else is a DESIGN ASSUMPTION of this demo, not a published figure (``PROGRAMME_PLAN``,
``N_COMPARISON``, the sector names, the start dates and sizes of the 106 other networks). In
particular the document says the programme's main chains were dairy, guinea pigs (cuyes), crafts
and flowers (Presentación, texto), but it publishes production components only for Laredo's
dairy and mango chains (``chain_indicators.csv``); the survey pipeline models those two, so this
demo spreads its networks over dairy (all three regions) and mango (La Libertad) and reuses the
Laredo calibration and planted effects of :mod:`analysis.survey.demo` for every region. Outcomes
are simulated exactly as there (planted effects, common trends, sector x round and network x
round shocks, a comparison group).

No dirt is planted (``dirt`` is empty in the sidecar): rows in = rows kept, so the members after
cleaning are the planned 1,200. The sheets keep the Laredo demo's sheet-level coding differences
(sex as words at baseline, dairy written "Leche" at midline), which the config's codes handle.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.paths import DATA_RAW, PUBLISHED
from analysis.survey import demo
from analysis.survey.demo import (PLANTED_EFFECTS, SHEETS, DemoResult, _person, _sha256,
                                  _sheet_frame, dirt_path, load_calibration, network_sector,
                                  simulate, write_workbook, _plain)

SURVEY_DIR = DATA_RAW / "survey"
NETWORKS_OUT = SURVEY_DIR / "redes_programa.csv"
WORKBOOK_OUT = SURVEY_DIR / "encuesta_programa.xlsx"
SYNTHETIC_SOURCE = "sintética (analysis.survey.demo_programa, semilla {seed}); no publicada"

# Networks per (region, chain) beyond Laredo's 12 (design assumption). With Laredo's 4 mango and
# 8 dairy networks (La Libertad) they add up to the programme's 118.
PROGRAMME_PLAN = {
    ("La Libertad", "mango"): 26,
    ("La Libertad", "lacteos"): 12,
    ("Cajamarca", "lacteos"): 36,
    ("Cusco", "lacteos"): 32,
}
# Comparison (non-member) producers per (region, chain), living in that region's member sectors.
N_COMPARISON = {key: 50 for key in PROGRAMME_PLAN}
# Sectors (places) of each region's synthetic networks; Laredo's networks keep their own sectors.
REGION_SECTORS = {
    "La Libertad": ("Virú", "Chao", "Moche", "Poroto", "Simbal", "Salaverry"),
    "Cajamarca": ("Baños del Inca", "Jesús", "Namora", "La Encañada", "Llacanora", "Matara"),
    "Cusco": ("Anta", "Urubamba", "Calca", "Paruro", "Quiquijana", "Huarocondo"),
}
# Start dates: phase 1 (2005-2008) and phase 2 (2008-2011), Presentación; the months are assumed.
PHASE_STARTS = {1: ("2005-07", "2006-07", "2007-03"), 2: ("2008-07", "2009-03")}
SHARE_PHASE1 = 0.45
CHAIN_WORD = {"lacteos": "Lácteos", "mango": "Mango"}
REGION_CODE = {"La Libertad": "ll", "Cajamarca": "cj", "Cusco": "cu"}
NETWORK_COLUMNS = ("network_id", "name", "short_name", "chain", "programme_phase", "start_date",
                   "men", "women", "total", "region", "source")


def programme_targets(published_dir: Path = PUBLISHED) -> dict:
    """The programme figures of the document this demo is built to (see the module docstring)."""
    pub = Path(published_dir)
    claims = pd.read_csv(pub / "preface_crafts_claims.csv").set_index("claim_id")
    limits = pd.read_csv(pub / "limits.csv").set_index("limit_id")
    partners = pd.read_csv(pub / "programme_partners.csv")
    regions = sorted(partners.loc[partners["programme_phase"] == "all", "region"].unique())
    return {"networks": int(claims.at["p06", "value"]), "producers": int(claims.at["p07", "value"]),
            "regions": regions,
            "members_min": int(limits.at["members_per_network", "min_amount"]),
            "members_max": int(limits.at["members_per_network", "max_amount"])}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", _plain(text)).strip("_")


def _sizes(rng: np.random.Generator, n: int, total: int, lo: int, hi: int) -> np.ndarray:
    """``n`` network sizes in [lo, hi] summing to ``total`` (random draws, then nudged one by one)."""
    if not n * lo <= total <= n * hi:
        raise ValueError(f"{total} members cannot fill {n} networks of {lo} to {hi}")
    sizes = rng.integers(lo, hi + 1, n)
    while sizes.sum() != total:
        step = 1 if sizes.sum() < total else -1
        room = np.flatnonzero(sizes < hi) if step > 0 else np.flatnonzero(sizes > lo)
        sizes[room[rng.integers(0, len(room))]] += step
    return sizes


def build_networks(rng: np.random.Generator, seed: int, published_dir: Path = PUBLISHED) -> pd.DataFrame:
    """The 118 networks: Laredo's 12 of Tabla N°02 as published, then the synthetic ones."""
    target = programme_targets(published_dir)
    laredo = pd.read_csv(Path(published_dir) / "networks.csv", dtype=str)
    n_new = sum(PROGRAMME_PLAN.values())
    if len(laredo) + n_new != target["networks"]:
        raise ValueError(f"plan: {len(laredo)} + {n_new} networks, the document says {target['networks']}")
    women_share = laredo["women"].astype(int).sum() / laredo["total"].astype(int).sum()
    rows = [{"network_id": r.network_id, "name": r.name, "short_name": r.short_name, "chain": r.chain,
             "programme_phase": r.programme_phase, "start_date": r.start_date, "men": r.men,
             "women": r.women, "total": r.total, "region": "La Libertad",
             "sector": network_sector(r.short_name), "source": r.source}
            for r in laredo.itertuples(index=False)]
    sizes = _sizes(rng, n_new, target["producers"] - int(laredo["total"].astype(int).sum()),
                   target["members_min"], target["members_max"])
    k = 0
    for (region, chain), n in PROGRAMME_PLAN.items():
        count: dict[str, int] = {}
        for _ in range(n):
            sector = REGION_SECTORS[region][rng.integers(0, len(REGION_SECTORS[region]))]
            count[sector] = count.get(sector, 0) + 1
            phase = 1 if rng.random() < SHARE_PHASE1 else 2
            start = PHASE_STARTS[phase][rng.integers(0, len(PHASE_STARTS[phase]))]
            women = int(rng.binomial(int(sizes[k]), women_share))
            short = f"{CHAIN_WORD[chain]} {sector} {count[sector]}"
            rows.append({"network_id": f"{REGION_CODE[region]}_{chain}_{_slug(sector)}_{count[sector]}",
                         "name": f"Red de productores {short} (sintética)", "short_name": short,
                         "chain": chain, "programme_phase": str(phase), "start_date": start,
                         "men": str(int(sizes[k]) - women), "women": str(women), "total": str(int(sizes[k])),
                         "region": region, "sector": sector, "source": SYNTHETIC_SOURCE.format(seed=seed)})
            k += 1
    return pd.DataFrame(rows)


def build_producers(networks: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Members (the men and women of every network) and the comparison producers per region x chain."""
    rows = []
    for net in networks.itertuples(index=False):
        for sex, n in (("M", int(net.men)), ("F", int(net.women))):
            rows += [{"network_id": net.network_id, "network_label": net.short_name, "sector": net.sector,
                      "chain": net.chain, "sex": sex, "member": True, "region": net.region,
                      "programme_phase": int(net.programme_phase),
                      "cohort_year": int(str(net.start_date)[:4])}] * n
    for (region, chain), n in N_COMPARISON.items():
        sectors = sorted(networks.loc[(networks["region"] == region) & (networks["chain"] == chain), "sector"].unique())
        for _ in range(n):
            rows.append({"network_id": None, "network_label": None,
                         "sector": sectors[rng.integers(0, len(sectors))], "chain": chain,
                         "sex": "F" if rng.random() < 0.45 else "M", "member": False, "region": region,
                         "programme_phase": None, "cohort_year": None})
    prod = pd.DataFrame(rows)
    used: set = set()
    pii = [_person(rng, r.sex, r.sector, used) for r in prod.itertuples()]
    prod = pd.concat([prod, pd.DataFrame(pii)], axis=1)
    prod.insert(0, "producer_key", [f"APO-{i + 1:04d}" for i in range(len(prod))])
    return prod


def generate_programme(networks_out: Path | None = NETWORKS_OUT, out: Path | None = WORKBOOK_OUT,
                       seed: int = 2011, published_dir: Path = PUBLISHED) -> DemoResult:
    """Build the programme demo; write the networks table, the workbook and its sidecar when given."""
    rng = np.random.default_rng(seed)
    networks = build_networks(rng, seed, published_dir)
    calib = load_calibration(published_dir)
    producers = build_producers(networks, rng)
    sectors = tuple(sorted(set(producers["sector"])))
    truth = simulate(producers, calib, rng, sectors=sectors)
    sheets = {name: _sheet_frame(truth, producers, rnd) for name, rnd, _ in SHEETS}
    members = producers[producers["member"]]
    counts = {
        "networks": len(networks),
        "networks_by_region_chain": {f"{r}/{c}": int(n) for (r, c), n in
                                     networks.groupby(["region", "chain"]).size().items()},
        "members": len(members), "comparison": int((~producers["member"]).sum()),
        "members_by_region": {k: int(v) for k, v in members["region"].value_counts().sort_index().items()},
        "rows_per_sheet": {k: len(v) for k, v in sheets.items()},
    }
    res = DemoResult(sheets=sheets, truth=truth, producers=producers, dirt=[], calibration=calib, counts=counts)
    if networks_out is not None:
        networks_out = Path(networks_out)
        networks_out.parent.mkdir(parents=True, exist_ok=True)
        networks[list(NETWORK_COLUMNS)].to_csv(networks_out, index=False, encoding="utf-8", lineterminator="\n")
    if out is not None:
        out = Path(out)
        write_workbook(sheets, out)
        res.path, res.sha256 = out, _sha256(out)
        sidecar = {"seed": seed, "workbook": out.name, "synthetic": True, "counts": counts,
                   "targets": programme_targets(published_dir), "plan": {f"{r}/{c}": n for (r, c), n in PROGRAMME_PLAN.items()},
                   "comparison_per_region_chain": {f"{r}/{c}": n for (r, c), n in N_COMPARISON.items()},
                   "planted_effects": PLANTED_EFFECTS, "assumptions": demo.DEMO_ASSUMPTIONS,
                   "note": "SYNTHETIC programme-scale demo; calibration and planted effects of the Laredo demo",
                   "dirt": []}
        text = json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True)
        dirt_path(out).write_text(text + "\n", encoding="utf-8")
    return res


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=WORKBOOK_OUT, help="workbook to write (.xlsx)")
    ap.add_argument("--networks-out", type=Path, default=NETWORKS_OUT, help="networks table to write (.csv)")
    ap.add_argument("--seed", type=int, default=2011)
    ap.add_argument("--published-dir", type=Path, default=PUBLISHED)
    args = ap.parse_args(argv)
    res = generate_programme(args.networks_out, args.out, args.seed, args.published_dir)
    c = res.counts
    print(f"{args.networks_out}: {c['networks']} networks {c['networks_by_region_chain']}")
    print(f"{res.path}: sha256 {res.sha256}; members {c['members']}, comparison {c['comparison']}; "
          f"rows per sheet {c['rows_per_sheet']} (SYNTHETIC)")


if __name__ == "__main__":
    main()
