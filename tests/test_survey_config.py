"""Config loading: every problem names the file and the key (and line when there is one)."""

from pathlib import Path

import pytest
import yaml

from analysis.paths import PUBLISHED
from analysis.survey.config import load_config
from analysis.survey.errors import SurveyConfigError

CORPUS = Path(__file__).parent / "corpus"
DEMO = Path(__file__).resolve().parents[1] / "config" / "demo.yaml"


def _write(tmp_path, cfg, name="c.yaml"):
    (tmp_path / "files").mkdir(exist_ok=True)
    (tmp_path / "files" / "ok.csv").write_bytes((CORPUS / "files" / "ok.csv").read_bytes())
    (tmp_path / "networks.csv").write_bytes((CORPUS / "networks.csv").read_bytes())
    p = tmp_path / name
    p.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def _base():
    return yaml.safe_load((CORPUS / "ok.yaml").read_text(encoding="utf-8"))


def test_ok_config_fields():
    cfg = load_config(CORPUS / "ok.yaml")
    assert cfg.synthetic is True and cfg.price_year == 2010 and cfg.min_cell == 5
    assert cfg.files[0].format == "csv" and cfg.files[0].round_column == "Ronda"
    assert cfg.files[0].path == (CORPUS / "files" / "ok.csv").resolve()
    assert cfg.plausibility["milk_yield_l_cow_day"].max == 40
    assert cfg.networks == {"Alfa Nortee": "red_alfa"}
    assert cfg.duplicates == "keep_first"


@pytest.mark.skipif(not DEMO.exists(), reason="config/demo.yaml not generated yet")
def test_demo_config_loads():
    cfg = load_config(DEMO)
    assert cfg.synthetic is True
    assert cfg.files[0].format == "xlsx" and len(cfg.files[0].sheets) == 3
    assert cfg.networks_file == PUBLISHED / "networks.csv"


@pytest.mark.parametrize("mutate,message", [
    (lambda c: c["columns"].pop("sex"), "c.yaml, line 10: key 'columns.sex': missing required key"),
    (lambda c: c["columns"].update(colour="x"), "key 'columns.colour': unknown key"),
    (lambda c: c["files"][0].update(sep="|"), "key 'files.0.sep': '|' not allowed"),
    (lambda c: c["files"][0].update(format="json"), "key 'files.0.format': format 'json' not supported"),
    (lambda c: c["files"][0].pop("round_column"), "key 'files.0.round': give 'round_column' or a fixed 'round'"),
    (lambda c: c["plausibility"]["sales_value_pen"].update(action="drop"), "key 'plausibility.sales_value_pen.action': 'drop' not allowed"),
    (lambda c: c["plausibility"].update(colour={"min": 1}), "key 'plausibility.colour': unknown key"),
    (lambda c: c.update(duplicates={"action": "keep_random"}), "key 'duplicates.action': use one of"),
        (lambda c: c.update(duplicates={"keep": "newest"}), "key 'duplicates.keep': 'newest' not allowed"),
    (lambda c: c.update(synthetic="yes"), "key 'synthetic': must be true or false"),
    (lambda c: c.update(price_year="2011"), "key 'price_year': must be an integer"),
    (lambda c: c.update(networks_file="nope.csv"), "key 'networks_file': file does not exist"),
    (lambda c: c["codes"]["member"].update(Quizas="maybe"), "key 'codes.member.Quizas': must map to true/false"),
    (lambda c: c.update(files=[]), "key 'files': must be a non-empty list"),
])
def test_config_errors(tmp_path, mutate, message):
    cfg = _base()
    mutate(cfg)
    with pytest.raises(SurveyConfigError) as exc:
        load_config(_write(tmp_path, cfg))
    assert message in str(exc.value)
    assert str(tmp_path / "c.yaml") in str(exc.value)


def test_malformed_yaml_names_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("source_name: x\nfiles:\n  - path: a.csv\n   bad_indent: 1\n", encoding="utf-8")
    with pytest.raises(SurveyConfigError, match=r"bad\.yaml, line 4: malformed YAML"):
        load_config(p)


def test_missing_and_empty_config(tmp_path):
    with pytest.raises(SurveyConfigError, match="config file does not exist"):
        load_config(tmp_path / "none.yaml")
    (tmp_path / "e.yaml").write_text("", encoding="utf-8")
    with pytest.raises(SurveyConfigError, match="config file is empty"):
        load_config(tmp_path / "e.yaml")


def test_duplicate_nested_key_names_line(tmp_path):
    p = _write(tmp_path, _base())
    text = p.read_text(encoding="utf-8").replace("  sex: Sexo\n", "  sex: Sexo\n  sex: Genero\n")
    p.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  sex: Genero") + 1
    with pytest.raises(SurveyConfigError, match=rf"line {line}: key 'sex': duplicate key"):
        load_config(p)


@pytest.mark.parametrize("keys,msg", [({"case": "title"}, "'title' not allowed"),
                                      ({"strip": False}, "always stripped"),
                                      ({"zeros": "strip"}, "unknown key")])
def test_keys_rule_checked(tmp_path, keys, msg):
    with pytest.raises(SurveyConfigError, match=msg):
        load_config(_write(tmp_path, dict(_base(), keys=keys)))


def test_keys_rule_default_is_undeclared():
    cfg = load_config(CORPUS / "ok.yaml")
    assert (cfg.keys.case, cfg.keys.leading_zeros) == (None, None)
    assert cfg.years == (2004, 2012) and cfg.shared_rounds is False
