"""Unit tests of the language check's text clean-up (no build needed)."""
from language_check import find_words, join_line_end_hyphens, without_page_furniture


def test_line_end_hyphen_joins_the_word():
    assert join_line_end_hyphens("the pro-\nducer sells") == "the producer sells"
    assert join_line_end_hyphens("los pro- \n  ductores") == "los productores"
    assert join_line_end_hyphens("a pro-\r\nducer") == "a producer"
    assert join_line_end_hyphens("too con\u2010\nservative") == "too conservative"  # U+2010


def test_hyphen_inside_a_line_is_kept():
    assert join_line_end_hyphens("pre- and post-test") == "pre- and post-test"
    assert join_line_end_hyphens("well-known") == "well-known"


def test_capitalised_continuation_keeps_the_hyphen():
    assert join_line_end_hyphens("Santa Lucía-\nBarraza") == "Santa Lucía-Barraza"
    assert join_line_end_hyphens("2005-\n2014") == "2005-2014"


def test_find_words_sees_a_word_split_at_a_line_end():
    hits = find_words("the lecheros pro-\nductores of Laredo", ["productores"], names=[])
    assert len(hits) == 1 and "productores" in hits[0]
    assert find_words("pre- and post-test", ["preand"], names=[]) == []



def test_a_word_hyphenated_across_a_page_break_joins_up():
    pages = "\f".join([f"Redes\ntexto {i}\nPágina {i} de 3" for i in (1, 2)]
                      + ["Redes\nun texto descrip-\nPágina 3 de 3", "Redes\ntivo final\nPágina 4 de 3"])
    text = join_line_end_hyphens(without_page_furniture(pages))
    assert "descriptivo final" in text and "Redes" not in text and "Página" not in text
