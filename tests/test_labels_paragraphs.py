"""Paragraphs of report text are Markdown files a writer edits (issue 13 item 6): one file per key
and language under ``src/analysis/report/text/<lang>/<domain>.<key>.md``, read by
``analysis.labels.t`` like a YAML label, and in one place only."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from analysis import labels
from analysis.report import narrative

MAX_YAML_CHARS = 300


@pytest.fixture
def text_copy(tmp_path, monkeypatch):
    """A copy of the text folder that labels reads instead of the repository's."""
    copy = tmp_path / "text"
    shutil.copytree(labels.TEXT_DIR, copy)
    monkeypatch.setattr(labels, "TEXT_DIR", copy)
    labels._domain.cache_clear()
    yield copy
    labels._domain.cache_clear()


def test_paragraph_is_read_from_its_markdown_file():
    path = labels.TEXT_DIR / "en" / "narrative.summary.md"
    assert labels.t("narrative.summary", "en") == path.read_text(encoding="utf-8").rstrip("\n")
    assert labels.t("narrative.summary", "es").startswith("Entre 2005 y 2011")


def test_editing_one_markdown_file_changes_the_report_sentence(text_copy):
    networks = pd.DataFrame({"network_id": ["a", "b"], "chain": ["mango", "lacteos"],
                             "total": [10, 12], "women": [4, 5], "men": [6, 7]})
    audit = pd.DataFrame({"passed": ["true", "false"]})
    before = narrative.summary_text(networks, audit, "en")
    path = text_copy / "en" / "narrative.summary.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Between 2005 and 2011")
    path.write_text(text.replace("Between 2005 and 2011", "From 2005 to 2011", 1), encoding="utf-8")
    labels._domain.cache_clear()
    after = narrative.summary_text(networks, audit, "en")
    assert before.startswith("Between 2005 and 2011") and after.startswith("From 2005 to 2011")
    assert after.replace("From 2005 to 2011", "Between 2005 and 2011", 1) == before


def test_a_key_in_yaml_and_in_markdown_is_refused(text_copy):
    (text_copy / "es" / "narrative.chapter.md").write_text("Capítulo {n}\n", encoding="utf-8")
    (text_copy / "en" / "narrative.chapter.md").write_text("Chapter {n}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"^label narrative\.chapter is both in narrative\.yaml and in narrative\.chapter\.md"):
        labels.t("narrative.chapter", "es")


def test_a_paragraph_in_one_language_only_is_refused(text_copy):
    (text_copy / "en" / "narrative.summary.md").unlink()
    with pytest.raises(ValueError, match=r"^paragraph narrative\.summary has no en file"):
        labels.t("narrative.summary", "es")


def test_no_long_prose_left_in_yaml():
    """Labels and short strings stay in YAML; every entry over 300 characters is a Markdown file."""
    long = []
    for path in sorted(labels.I18N_DIR.glob("*.yaml")):
        if path.stem == "published_en":  # translations of the transcribed tables' cells, not prose
            continue
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, dict) and len(str(value.get("es", ""))) > MAX_YAML_CHARS:
                long.append(f"{path.name}:{key}")
    assert long == []


def test_every_paragraph_file_belongs_to_a_label_domain():
    for lang in labels.LANGUAGES:
        for path in (labels.TEXT_DIR / lang).glob("*.*.md"):
            domain = path.name.split(".")[0]
            assert (labels.I18N_DIR / f"{domain}.yaml").exists(), path
