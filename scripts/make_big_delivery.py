import sys, pandas as pd, yaml
from pathlib import Path
n=int(sys.argv[1]); out=Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
src=pd.read_csv("data/raw/survey/encuesta_demo_equipo2.csv", sep=";", encoding="latin-1", dtype=str, keep_default_na=False)
reps=-(-n//len(src))
parts=[]
for r in range(reps):
    d=src.copy(); d["COD_PROD"]=d["COD_PROD"]+f"-{r:05d}"
    d["DNI"]=""; d["CELULAR"]=""; d["NOMBRE"]=""
    parts.append(d)
big=pd.concat(parts, ignore_index=True).iloc[:n]
big.to_csv(out/"big.csv", sep=";", encoding="latin-1", index=False)
cfg=yaml.safe_load(open("config/demo_equipo2.yaml", encoding="utf-8"))
cfg["files"][0]["path"]=str(out/"big.csv")
cfg["source_name"]="scale test"
yaml.safe_dump(cfg, open(out/"big.yaml","w", encoding="utf-8"), allow_unicode=True, sort_keys=False)
print(len(big))
