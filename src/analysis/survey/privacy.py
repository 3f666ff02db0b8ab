"""Pseudonymous producer ids and PII guards.

The key comes from env var REDES_PSEUDONYM_KEY, else the git-ignored file
``.secrets/pseudonym.key`` at the project root, else -- only for configs with
``synthetic: true`` -- the public DEMO_KEY below (not a secret: demo data only).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path

import pandas as pd

from analysis.paths import ROOT
from analysis.survey.config import PII_FIELDS, SurveyConfig
from analysis.survey.errors import SurveyConfigError

ENV_VAR = "REDES_PSEUDONYM_KEY"
SECRET_FILE = ROOT / ".secrets" / "pseudonym.key"
DEMO_KEY = "redes-laredo-demo-key-public-not-secret"
PII_NAME = re.compile(r"nombre|apellido|\bname\b|^name|dni|documento|tel[eé]fono|phone|celular|"
                      r"m[oó]vil|direcci[oó]n|address|domicilio", re.IGNORECASE)
DNI_CELL = re.compile(r"(?<![0-9A-Za-z])\d{8}(?![0-9A-Za-z])")
MOBILE_CELL = re.compile(r"(?<![0-9A-Za-z])9\d{2}[ -]?\d{3}[ -]?\d{3}(?![0-9A-Za-z])")


class PIILeakError(AssertionError):
    """A table about to be written still holds personal data."""


def normalize_key(key) -> str:
    """Producer key as text; spreadsheet floats like 101.0 become '101'."""
    if isinstance(key, float) and key.is_integer():
        key = int(key)
    return str(key).strip()


def pseudonymize(keys: pd.Series, secret: str) -> pd.Series:
    """HMAC-SHA256 of each key with ``secret`` -> 'P' + first 12 hex characters."""
    if not secret:
        raise ValueError("pseudonym secret is empty")
    k = secret.encode("utf-8")
    return keys.map(lambda v: "P" + hmac.new(k, normalize_key(v).encode("utf-8"),
                                             hashlib.sha256).hexdigest()[:12])


def load_secret(cfg: SurveyConfig, secret_file: Path | None = None) -> str:
    """Pseudonym key: env var, else secret file, else DEMO_KEY for synthetic sources only."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    path = Path(secret_file) if secret_file else SECRET_FILE
    if path.exists() and path.read_text(encoding="utf-8").strip():
        return path.read_text(encoding="utf-8").strip()
    if cfg.synthetic:
        return DEMO_KEY
    raise SurveyConfigError(
        f"{cfg.path}: no pseudonym key for a real (non-synthetic) source. Set the environment "
        f"variable {ENV_VAR} or write the key (one line, keep it private) to {path}; "
        f"e.g. `mkdir -p .secrets && python -c \"import secrets; print(secrets.token_hex(32))\" "
        f"> .secrets/pseudonym.key`. The same key must be used for every round.")


def pii_source_columns(cfg: SurveyConfig) -> list[str]:
    """Source-file column names the config marks as PII."""
    return [cfg.columns[f] for f in PII_FIELDS if f in cfg.columns]


def drop_pii(df: pd.DataFrame, cfg: SurveyConfig) -> pd.DataFrame:
    """Drop the configured PII columns and any other column whose name looks like PII."""
    keep = {v for k, v in cfg.columns.items() if k not in PII_FIELDS}
    drop = [c for c in df.columns
            if c in pii_source_columns(cfg) or (PII_NAME.search(str(c)) and c not in keep)]
    return df.drop(columns=drop)


def assert_no_pii(df: pd.DataFrame, what: str = "table") -> None:
    """Raise PIILeakError if a column name looks like PII or a text cell holds a DNI/mobile."""
    bad_cols = [c for c in df.columns if PII_NAME.search(str(c))]
    if bad_cols:
        raise PIILeakError(f"{what}: PII-like column(s) {bad_cols}")
    for col in df.columns:
        s = df[col]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
            continue
        for idx, v in s.items():
            if isinstance(v, str) and (DNI_CELL.search(v) or MOBILE_CELL.search(v)):
                kind = "8-digit DNI" if DNI_CELL.search(v) else "9-digit mobile number"
                raise PIILeakError(f"{what}: column {col!r}, row index {idx} holds a value that "
                                   f"looks like a {kind} (value not shown)")
