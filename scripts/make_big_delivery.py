"""A big consolidated delivery for the cleaning benchmark (issue 14 item 1).

    python scripts/make_big_delivery.py 100000 /tmp/big   # writes /tmp/big/big.csv, big.yaml

Replicates the second team's CSV (data/raw/survey/encuesta_demo_equipo2.csv) until it has N rows,
each copy with its own producer keys (COD_PROD + "-00000", "-00001", ...) and the name, DNI and
phone columns blanked; big.yaml is config/demo_equipo2.yaml pointing at it. Run the survey step
with a pseudonym key, e.g. ``REDES_PSEUDONYM_KEY=k python -m analysis.survey.pipeline
--config /tmp/big/big.yaml --processed-dir /tmp/big/p``.
"""

import sys
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(n: int, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    src = pd.read_csv(ROOT / "data/raw/survey/encuesta_demo_equipo2.csv", sep=";", encoding="latin-1",
                      dtype=str, keep_default_na=False)
    parts = []
    for r in range(-(-n // len(src))):
        d = src.copy()
        d["COD_PROD"] = d["COD_PROD"] + f"-{r:05d}"
        d["DNI"], d["CELULAR"], d["NOMBRE"] = "", "", ""
        parts.append(d)
    big = pd.concat(parts, ignore_index=True).iloc[:n]
    big.to_csv(out / "big.csv", sep=";", encoding="latin-1", index=False)
    cfg = yaml.safe_load((ROOT / "config/demo_equipo2.yaml").read_text(encoding="utf-8"))
    cfg["files"][0]["path"] = str(out / "big.csv")
    cfg["source_name"] = "scale test"
    (out / "big.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False),
                                  encoding="utf-8")
    return len(big)


if __name__ == "__main__":
    print(main(int(sys.argv[1]), Path(sys.argv[2])))
