"""Pseudonymous ids, key loading and PII guards."""

import hashlib
import hmac
from pathlib import Path

import pandas as pd
import pytest

from analysis.survey import privacy
from analysis.survey.config import load_config
from analysis.survey.errors import SurveyConfigError
from analysis.survey.privacy import (DEMO_KEY, PIILeakError, assert_no_pii, drop_pii, load_secret,
                                     pseudonymize)

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def cfg():
    return load_config(CORPUS / "ok.yaml")


def test_pseudonymize_is_hmac_sha256_prefix_p_12_hex():
    ids = pseudonymize(pd.Series(["K01", "K02", "K01", 101.0, "101"]), "s3cret")
    expected = "P" + hmac.new(b"s3cret", b"K01", hashlib.sha256).hexdigest()[:12]
    assert ids[0] == expected == ids[2]
    assert ids[0] != ids[1]
    assert ids[3] == ids[4]                      # Excel float 101.0 and text "101" are one key
    assert ids.str.fullmatch(r"P[0-9a-f]{12}").all()
    assert pseudonymize(pd.Series(["K01"]), "other")[0] != expected


def test_empty_secret_refused():
    with pytest.raises(ValueError, match="empty"):
        pseudonymize(pd.Series(["K01"]), "")


def test_load_secret_order(cfg, tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.ENV_VAR, raising=False)
    missing = tmp_path / "none.key"
    assert load_secret(cfg, missing) == DEMO_KEY           # synthetic: documented default
    keyfile = tmp_path / "pseudonym.key"
    keyfile.write_text("from-file\n")
    assert load_secret(cfg, keyfile) == "from-file"
    monkeypatch.setenv(privacy.ENV_VAR, "from-env")
    assert load_secret(cfg, keyfile) == "from-env"


def test_real_source_without_key_fails_with_instructions(cfg, tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.ENV_VAR, raising=False)
    cfg.synthetic = False
    with pytest.raises(SurveyConfigError) as exc:
        load_secret(cfg, tmp_path / "none.key")
    msg = str(exc.value)
    assert "REDES_PSEUDONYM_KEY" in msg and "none.key" in msg and "ok.yaml" in msg


def test_drop_pii_drops_configured_and_lookalike_columns(cfg):
    df = pd.DataFrame({"Nombre y apellidos": ["a"], "DNI": ["40000001"], "Teléfono": ["900000001"],
                       "Dirección": ["x"], "Celular": ["987654321"], "Sector": ["La Loma"],
                       "Red": ["Alfa Norte"]})
    assert list(drop_pii(df, cfg).columns) == ["Sector", "Red"]


def test_drop_pii_keeps_mapped_non_pii_column_with_pii_like_name(cfg):
    cfg.columns["network"] = "Nombre de la red"
    df = pd.DataFrame({"Nombre de la red": ["Alfa"], "Nombre y apellidos": ["a"]})
    assert list(drop_pii(df, cfg).columns) == ["Nombre de la red"]


@pytest.mark.parametrize("col", ["nombre", "DNI", "telefono", "Teléfono", "phone", "address",
                                 "Dirección", "name"])
def test_assert_no_pii_column_names(col):
    with pytest.raises(PIILeakError, match="PII-like column"):
        assert_no_pii(pd.DataFrame({col: ["x"]}))


@pytest.mark.parametrize("cell,kind", [("40123456", "DNI"), ("DNI: 40123456", "DNI"),
                                       ("987654321", "mobile"), ("987 654 321", "mobile"),
                                       ("cel 987-654-321", "mobile")])
def test_assert_no_pii_cells(cell, kind):
    with pytest.raises(PIILeakError, match=kind) as exc:
        assert_no_pii(pd.DataFrame({"sector": ["ok", cell]}))
    assert cell not in str(exc.value)             # the value itself is never echoed


def test_assert_no_pii_accepts_pseudonyms_and_numbers():
    ids = pseudonymize(pd.Series([f"K{i}" for i in range(500)]), "k")
    df = pd.DataFrame({"producer_id": ids, "sales": 12345678.0, "sector": "La Loma",
                       "code": "1234567"})
    assert_no_pii(df)
