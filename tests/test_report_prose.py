"""analysis.report.prose: the main report's long prose as per-language Markdown blocks (issue 11 item 4,
issue 13 item 6). Every placeholder of every block is filled in both languages, both languages
have the same blocks and placeholders, the printed numbers are the CSV values, and chapter 9 of
the built report is prose that keeps the four kinds of statement apart."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.published import implied as im, load as published
from analysis.report import prose as rp
from analysis.report.narrative import audit_counts

LANGS = ("es", "en")


@pytest.fixture(scope="module")
def tables():
    return published.load_all()


def audit_frame(n_pass: int, n_fail: int) -> pd.DataFrame:
    return pd.DataFrame({"check_id": range(n_pass + n_fail),
                         "passed": [True] * n_pass + [False] * n_fail})


@pytest.fixture(scope="module", params=LANGS)
def filled(request, tables):
    lang = request.param
    result = im.compute_implied(tables["chain_indicators"], tables["networks"],
                                im.ImpliedParams(lang=lang), tables["network_totals"],
                                tables["claims"])
    vals = rp.report_values(tables, audit_frame(200, 7), result.effects, lang,
                            source_name="Demo", synthetic=True)
    return lang, vals, result.effects


def test_both_languages_have_the_same_blocks_and_placeholders():
    assert rp.blocks("es") == rp.blocks("en")
    assert len(rp.blocks("es")) >= 8
    for block in rp.blocks("es"):
        assert rp.placeholders(block, "es") == rp.placeholders(block, "en"), block


def test_every_placeholder_of_every_block_is_filled(filled):
    lang, vals, _ = filled
    for block in rp.blocks(lang):
        assert rp.placeholders(block, lang) <= set(vals), (block, rp.placeholders(block, lang) - set(vals))
        text = rp.render(block, lang, vals)
        assert not re.search(r"\{[^}]*\}", text), block
        assert not re.search(r"\bXX\b", text), block
        assert "_" not in re.sub(r"`[^`]*`", "", text), block  # no internal id leaks into prose


def test_render_refuses_a_missing_value():
    with pytest.raises(KeyError, match="n_networks_programme"):
        rp.render("programme", "es", {})


def test_no_digit_is_typed_into_the_markdown():
    """Numbers come from the data: a block's text, placeholders removed, holds no digit."""
    for lang in LANGS:
        for block in rp.blocks(lang):
            bare = rp.PLACEHOLDER.sub("", rp.source(block, lang))
            assert not re.search(r"\d", bare), (lang, block, re.findall(r".{20}\d.{20}", bare))


def test_printed_numbers_are_the_csv_values(tables, filled):
    lang, vals, _ = filled
    pre = tables["preface_crafts_claims"]
    pre = pre[pre["scope"] == "programme_apomipe_national"].set_index("measure")["value"]
    programme = rp.render("programme", lang, vals)
    assert f"{int(pre['networks_count'])} " in programme
    assert f"{int(pre['producers_count']):,d}" in programme
    assert f"{int(pre['replicating_institutions_count'])} " in programme
    assert f"{int(pre['replication_producers_count']):,d}" in programme
    nets = tables["networks"]
    assert vals["n_networks"] == str(len(nets))
    assert vals["n_producers"] == str(int(nets["total"].sum()))
    claims = tables["claims"].set_index("claim_id")
    assert vals["pct_led_by_women_stated"] == f"{int(claims.loc['c031', 'value'])}%"
    assert vals["n_public_inst"] == str(int(claims.loc["c033", "value"]))
    assert vals["n_private_inst"] == str(int(claims.loc["c034", "value"]))
    assert vals["n_rep_women"] == str(int((nets["representative_sex"] == "F").sum()))
    ach = rp.render("achievements", lang, vals)
    for key in ("pct_led_by_women_stated", "n_public_inst", "n_private_inst", "n_rep_women",
                "pct_women_members"):
        assert vals[key] in ach


def test_women_share_is_read_as_members_not_representatives(tables):
    v = rp.values(tables, "es")
    nets = tables["networks"]
    assert v["pct_women_members"] == f"{round(100 * nets['women'].sum() / nets['total'].sum())}%"
    assert v["pct_women_members"] == v["pct_led_by_women_stated"]
    assert v["pct_rep_women"] != v["pct_led_by_women_stated"]


def test_conclusions_use_the_implied_sales_values(filled):
    lang, vals, effects = filled
    row = im.headline_rows(effects[(effects["chain"] == "mango") & (effects["level"] == "per_producer")
                                   & (effects["quantity"] == "sales_value")]).iloc[0]
    text = rp.render("conclusions", lang, vals)
    assert f"S/ {round(row['initial_low']):,d}" in text
    assert f"{round(row['pct_high']):,d}%" in text
    assert vals["n_checks"] == "207" and vals["n_fail"] == "7"
    assert audit_counts(audit_frame(200, 7)) == (207, 7)


def test_survey_paragraph_follows_the_config(tables):
    result = im.compute_implied(tables["chain_indicators"], tables["networks"],
                                im.ImpliedParams(), tables["network_totals"], tables["claims"])
    kw = dict(source_name="Demo")
    synth = rp.report_values(tables, audit_frame(1, 0), result.effects, "es", synthetic=True, **kw)
    real = rp.report_values(tables, audit_frame(1, 0), result.effects, "es", synthetic=False, **kw)
    none = rp.report_values(tables, audit_frame(1, 0), result.effects, "es", have_survey=False, **kw)
    assert "sintéticos" in synth["survey_paragraph"]
    assert "sintéticos" not in real["survey_paragraph"]
    assert "sin datos de encuesta" in none["survey_paragraph"]


def test_formatting_follows_peruvian_usage():
    assert rp.fmt_money(4436) == "S/ 4,436"
    assert rp.fmt_money(0.35) == "S/ 0.35"
    assert rp.fmt_pct(24) == "24%" and rp.fmt_pct(11.5) == "11.5%"
    assert rp.fmt_num(1200) == "1,200" and rp.fmt_num(5700.0) == "5,700"
    assert rp.fmt_month("2010-07", "es") == "julio de 2010"
    assert rp.fmt_month("2010-07", "en") == "July 2010"


# ---------------------------------------------------------------------------- built report
KINDS = {
    "es": ("Lo que afirma el documento", "Lo que encontró nuestra revisión",
           "Lo que implican las cifras del documento", "Lo que muestra la encuesta"),
    "en": ("What the document states", "What our review found",
           "What the document's figures imply", "What the survey shows"),
}
CHAPTER9 = {"es": "Conclusiones", "en": "Conclusions"}


def _chapter9_html(html: str, lang: str) -> str:
    start = [m.start() for m in re.finditer(r"<h1[^>]*>", html)
             if CHAPTER9[lang] in re.sub(r"<[^>]+>", "", html[m.start():m.start() + 300])]
    assert start, "chapter 9 heading not found"
    return html[start[-1]:]


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_chapter9_is_prose_with_the_four_kinds_of_statement(e2e_editions, lang):
    html = e2e_editions(lang)["informe"][0].read_text(encoding="utf-8")
    ch9 = _chapter9_html(html, lang)
    paragraphs = [re.sub(r"<[^>]+>", "", p).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", ch9, re.S)]
    long = [p for p in paragraphs if len(p.split()) >= 40]
    assert len(long) >= 6, f"chapter 9 has {len(long)} paragraphs of prose"
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", ch9, re.S)]
    for kind in KINDS[lang]:
        assert any(kind in h for h in heads), (kind, heads)
    text = " ".join(paragraphs)
    assert ("sintéticos" if lang == "es" else "synthetic") in text
    assert ("sin grupo de comparación" if lang == "es" else "no comparison group") in text


def test_english_blocks_have_no_spanish_and_spanish_blocks_no_english(tables):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from language_check import ENGLISH_WORDS, SPANISH_WORDS, find_words, proper_names

    names = proper_names()
    for lang, words in (("en", SPANISH_WORDS), ("es", ENGLISH_WORDS)):
        result = im.compute_implied(tables["chain_indicators"], tables["networks"],
                                    im.ImpliedParams(lang=lang), tables["network_totals"],
                                    tables["claims"])
        vals = rp.report_values(tables, audit_frame(1, 0), result.effects, lang, source_name="Demo")
        for block in rp.blocks(lang):
            assert find_words(rp.render(block, lang, vals), words, names) == [], (lang, block)


SEED = Path("/work/shared/seed/000_8800976397ff7d1e.txt")


def test_programme_partners_are_printed_in_the_seed():
    part = rp.partners()
    assert list(part.loc[part["programme_phase"] == "all", "region"]) == ["La Libertad", "Cajamarca", "Cusco"]
    if not SEED.is_file():
        pytest.skip("seed text not available")
    seed = " ".join(SEED.read_text(encoding="utf-8").split())
    for name in part["partner"]:
        assert name in seed, name
