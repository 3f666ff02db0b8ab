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


DEMO_CONFIG = Path(__file__).resolve().parents[1] / "config" / "demo.yaml"


def test_load_secret_order(cfg, tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.ENV_VAR, raising=False)
    missing = tmp_path / "none.key"
    assert load_secret(load_config(DEMO_CONFIG), missing) == DEMO_KEY  # the generated demo only
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
    df = pd.DataFrame({"producer_id": ids, "sales": 1234567.0, "price": 12345678.5,
                       "sector": "La Loma", "code": "1234567", "year": 2011})
    assert_no_pii(df)


@pytest.mark.parametrize("value,kind", [(41234567.0, "DNI"), (987654321, "mobile")])
def test_assert_no_pii_numeric_cells(value, kind):
    # a DNI or mobile number typed into a number column is personal data too
    with pytest.raises(PIILeakError, match=kind):
        assert_no_pii(pd.DataFrame({"kg_sold": [1200.0, value]}))


def test_synthetic_flag_alone_does_not_unlock_the_demo_key(cfg, tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.ENV_VAR, raising=False)
    assert cfg.synthetic is True                          # corpus file: not the demo's bytes
    with pytest.raises(SurveyConfigError, match="not the generated demo data"):
        load_secret(cfg, tmp_path / "none.key")


def test_demo_checksums_are_current():
    from analysis.paths import SURVEY_RAW
    for name in ("encuesta_demo.xlsx", "encuesta_demo_equipo2.csv", "encuesta_programa.xlsx"):
        assert privacy.file_sha256(SURVEY_RAW / name) in privacy.DEMO_SHA256, name


@pytest.mark.parametrize("name,kind", [("files/encuesta_20110715.csv", None),
                                       ("Ronda 15072011", None),
                                       ("files/lista_41234567.csv", "DNI")])
def test_date_in_a_file_name_is_not_a_dni(name, kind):
    assert privacy.name_pii_kind(name) == kind


@pytest.mark.parametrize("cell,kind", [("San Juan (casa de Doña Rosa)", "personal name"),
                                       ("Sr. Pérez", "personal name"),
                                       ("rosa.p@gmail.com", "e-mail"),
                                       ("La Loma", None), ("Don Bosco", None)])
def test_pii_kind_free_text(cell, kind):
    got = privacy.pii_kind(cell, allow={"Don Bosco"})
    assert (got is None) if kind is None else got.startswith(kind)
