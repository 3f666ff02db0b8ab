"""Every case of tests/corpus/index.yaml gives exactly its expected outcome."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from analysis.survey.errors import SurveyConfigError, SurveyValidationError
from analysis.survey.pipeline import build

CORPUS = Path(__file__).parent / "corpus"
CASES = yaml.safe_load((CORPUS / "index.yaml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _test_key(monkeypatch):
    # the corpus is not the generated demo: the public demo key is refused for it (privacy.py)
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", "corpus-test-key-not-secret")
    monkeypatch.setattr("analysis.survey.privacy.SECRET_FILE", CORPUS / "no_secret_here.key")


def test_corpus_is_large_enough():
    assert len(CASES) >= 25
    ids = {c["id"] for c in CASES}
    assert {"money_text", "code_variants", "text_variants"} <= ids
    assert len({c["id"] for c in CASES}) == len(CASES)


def _log_matches(log, want):
    sub = log
    for k, v in want.items():
        if k == "absent":
            continue
        if v is None:
            sub = sub[sub[k].isna()]
        else:
            sub = sub[sub[k].astype(str) == str(v)]
    return len(sub)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_case(case, monkeypatch):
    cfg = CORPUS / case["config"]
    if case.get("pseudonym_key") == "none":
        monkeypatch.delenv("REDES_PSEUDONYM_KEY", raising=False)
    if case["expect"] == "error":
        with pytest.raises(SurveyValidationError) as exc:
            build(cfg)
        msg = str(exc.value)
        assert case["message"] in msg
        for line in case.get("lines", []):
            assert line in msg
        for text in case.get("lines_absent", []):
            assert text not in msg
        return
    if case["expect"] == "config_error":
        with pytest.raises(SurveyConfigError) as exc:
            build(cfg)
        assert case["message"] in str(exc.value)
        return
    res = build(cfg)
    s = res.summary
    assert s["rows_in"] == s["rows_kept"] + s["rows_excluded"] == len(res.panel) + s["rows_excluded"]
    for k, v in case.get("summary", {}).items():
        assert s[k] == v, k
    for want in ([case["log"]] if "log" in case else []) + case.get("logs", []):
        n = _log_matches(res.log, want)
        assert (n == 0) if want.get("absent") else (n == 1), (want, res.log.to_string())
    for rule, n in case.get("log_counts", {}).items():
        assert int((res.log["rule"] == rule).sum()) == n, rule
    if "panel" in case:
        p = case["panel"]
        col = res.panel[p["column"]]
        values = set(col.dropna().tolist())
        for v in [p["contains"]] + p.get("also", []):
            assert v in values
        if "n_missing" in p:
            assert int(col.isna().sum()) == p["n_missing"]
