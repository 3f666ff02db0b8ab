"""Pseudonymous producer ids and PII guards.

The key comes from env var REDES_PSEUDONYM_KEY, else the git-ignored file
``.secrets/pseudonym.key`` at the project root, else -- only when every file of the config is
byte-identical to the generated demo data (sha256 in DEMO_SHA256; the ``synthetic:`` flag alone
is not enough) -- the public DEMO_KEY below (not a secret: demo data only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.paths import ROOT
from analysis.survey.config import PII_FIELDS, SurveyConfig
from analysis.survey.errors import SurveyConfigError
from analysis.survey.readers import display_path

ENV_VAR = "REDES_PSEUDONYM_KEY"
SECRET_FILE = ROOT / ".secrets" / "pseudonym.key"
DEMO_KEY = "redes-laredo-demo-key-public-not-secret"
PII_NAME = re.compile(r"nombre|apellido|\bname\b|^name|dni|documento|tel[eé]fono|phone|celular|"
                      r"m[oó]vil|direcci[oó]n|address|domicilio", re.IGNORECASE)
DNI_CELL = re.compile(r"(?<![0-9A-Za-z])\d{8}(?![0-9A-Za-z])")
MOBILE_CELL = re.compile(r"(?<![0-9A-Za-z])9\d{2}[ -]?\d{3}[ -]?\d{3}(?![0-9A-Za-z])")
EMAIL_CELL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
HONORIFIC = re.compile(r"(?<!\w)(doñ?a|dña|don|sr|sra|srta|señor|señora|señorita|sres)(?!\w)\.?",
                       re.IGNORECASE)
DATE_DIGITS = re.compile(r"(?<![0-9])(\d{8})(?![0-9])")
# sha256 of the generated demo files (python -m analysis.survey.demo --seed 2011): the only data
# the public DEMO_KEY may pseudonymize. tests/test_survey_privacy.py checks they are current.
DEMO_SHA256 = {
    "4d4551f05afc01f9b8f8405ba1b515b6a6fc4bf07ba6f834a49745736adfeb13",  # encuesta_demo.xlsx
    "823817ab11735f7d175312847d7481c3ffd805463ed292a7ce34203ecd9ac37c",  # encuesta_demo_equipo2.csv
    "5de11b4c6f2aa558935f53a90c805fcc28bfadbca74ec0b0a67ba316c0a824c6",  # encuesta_demo_ancha.xlsx
    "dcb621cd2413dce629fa09f60058831c630996817e2b37a296da9dbebc5bacc5",  # encuesta_demo_kobo.csv
    # encuesta_programa.xlsx (python -m analysis.survey.demo_programa --seed 2011)
    "575e7275b3f97112878f74082ed4a54c1702fd075a514f14d06cada3cf3315b2",
}


class PIILeakError(AssertionError):
    """A table about to be written still holds personal data."""


def pii_kind(value, allow=frozenset()) -> str | None:
    """What personal data a free-text cell looks like ('DNI', 'phone number', 'e-mail',
    'personal name (honorific ...)'), or None. Values listed in ``allow`` are accepted."""
    if not isinstance(value, str) or value in allow:
        return None
    if DNI_CELL.search(value):
        return "DNI"
    if MOBILE_CELL.search(value):
        return "mobile phone number"
    if EMAIL_CELL.search(value):
        return "e-mail"
    m = HONORIFIC.search(value)
    if m:
        return f"personal name (honorific {m.group(0)!r})"
    return None


def pii_number(value) -> str | None:
    """'DNI' / 'mobile phone number' for a numeric cell holding an 8-digit integer or a 9-digit integer
    starting with 9 (how a DNI or a mobile number typed into a number column looks)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or \
            (isinstance(value, float) and (math.isnan(value) or not value.is_integer())):
        return None
    v = int(value)
    if 10_000_000 <= v <= 99_999_999:
        return "DNI"
    if 900_000_000 <= v <= 999_999_999:
        return "mobile phone number"
    return None


def _is_date(digits: str) -> bool:
    for fmt in ("%Y%m%d", "%d%m%Y"):
        try:
            d = dt.datetime.strptime(digits, fmt)
        except ValueError:
            continue
        if 1990 <= d.year <= 2035:
            return True
    return False


def name_pii_kind(name) -> str | None:
    """pii_kind for a file or sheet name: an 8-digit run that is a calendar date
    (encuesta_20110715.csv, 15072011) is a date, not a DNI."""
    if not isinstance(name, str):
        return None
    return pii_kind(DATE_DIGITS.sub(lambda m: "date" if _is_date(m.group(1)) else m.group(1), name))


def file_sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def normalize_key(key) -> str:
    """Producer key as text; spreadsheet floats like 101.0 become '101'."""
    if isinstance(key, float) and key.is_integer():
        key = int(key)
    return str(key).strip()


def pseudonymizer(secret: str):
    """The function key -> 'P' + first 12 hex characters of HMAC-SHA256(secret, key)."""
    if not secret:
        raise ValueError("pseudonym secret is empty")
    secret_bytes = secret.encode("utf-8")

    def one(v):  # hmac.digest: OpenSSL's one-shot HMAC, the same digest as hmac.new(...).digest()
        return "P" + hmac.digest(secret_bytes, normalize_key(v).encode("utf-8"), "sha256").hex()[:12]
    return one


def pseudonymize(keys: pd.Series, secret: str) -> pd.Series:
    """HMAC-SHA256 of each key with ``secret`` -> 'P' + first 12 hex characters."""
    one = pseudonymizer(secret)
    from analysis.survey.parse import unique_map  # once per distinct key
    return pd.Series(unique_map(keys, one), index=keys.index, dtype=object)


def load_secret(cfg: SurveyConfig, secret_file: Path | None = None) -> str:
    """Pseudonym key: env var, else secret file, else DEMO_KEY for synthetic sources only."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    path = Path(secret_file) if secret_file else SECRET_FILE
    if path.exists() and path.read_text(encoding="utf-8").strip():
        return path.read_text(encoding="utf-8").strip()
    not_demo = [f.path for f in cfg.files if file_sha256(f.path) not in DEMO_SHA256]
    if cfg.synthetic and not not_demo:
        return DEMO_KEY
    if cfg.synthetic:
        raise SurveyConfigError(
            f"{cfg.path}: key 'synthetic': the config says `synthetic: true` but {display_path(not_demo[0])} is "
            f"not the generated demo data (its sha256 is not the demo's), so the public demo "
            f"pseudonym key is refused: anyone could reverse the pseudonyms. Set the environment "
            f"variable {ENV_VAR} or write a private key to {path} (and set `synthetic: false` for "
            f"real data).")
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


NAME_COLUMNS = ("file", "sheet")  # file/sheet names: a date in them is not a DNI


# what a DNI, a mobile number or an e-mail cannot lack (DNI_CELL, MOBILE_CELL, EMAIL_CELL
# without their borders): one search rules most cells out before pii_kind's four
_PII_HINT = re.compile(r"\d{8}|9\d{2}[ -]?\d{3}[ -]?\d{3}|@")


def _cell_kind(col, v) -> str | None:
    if isinstance(v, str):
        if col not in NAME_COLUMNS and not _PII_HINT.search(v):
            return None  # pii_kind: None, or a personal name, which is not reported here
        kind = name_pii_kind(v) if col in NAME_COLUMNS else pii_kind(v)
        return None if kind is None or kind.startswith("personal name") else kind
    return pii_number(v)


def assert_no_pii(df: pd.DataFrame, what: str = "table") -> None:
    """Raise PIILeakError if a column name looks like PII, a text cell holds a DNI, mobile
    number or e-mail, or a numeric cell is an integer that looks like a DNI or mobile number."""
    bad_cols = [c for c in df.columns if PII_NAME.search(str(c))]
    if bad_cols:
        raise PIILeakError(f"{what}: PII-like column(s) {bad_cols}")
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s):
            continue
        if s.dtype.kind in "fi":  # plain numbers: the integer ranges of pii_number, at once
            v = s.to_numpy(dtype="float64")
            with np.errstate(invalid="ignore"):
                whole = np.isfinite(v) & (np.floor(v) == v)
                hit = whole & (((v >= 10_000_000) & (v <= 99_999_999))
                               | ((v >= 900_000_000) & (v <= 999_999_999)))
            kinds = np.full(len(s), None, dtype=object)
            if hit.any():
                first = int(np.flatnonzero(hit)[0])
                kinds[first] = _cell_kind(col, s.iloc[first].item())
        else:
            from analysis.survey.parse import unique_map  # once per distinct cell
            kinds = unique_map(s, lambda v: _cell_kind(col, v.item() if hasattr(v, "item") else v))
        for pos in np.flatnonzero(np.not_equal(kinds, None))[:1]:  # kinds: None or a text
            raise PIILeakError(f"{what}: column {col!r}, row index {s.index[pos]} holds a value "
                               f"that looks like a {kinds[pos]} (value not shown)")
