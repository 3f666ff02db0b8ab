"""One spelling of money in published text (issue 11, item 6)."""
import pytest

from analysis import published_i18n as pi


@pytest.mark.parametrize("raw, expected", [
    ("Precio pagado por acopiadores locales (S/. 0.73 a 0.87)", "Precio pagado por acopiadores locales (S/ 0.73 a 0.87)"),
    ("no más de 2500 soles por red", "no más de S/ 2500 por red"),
    ("tope de 1,200 nuevos soles", "tope de S/ 1,200"),
    ("PEN/l", "S/ por l"),
    ("PEN/mes", "S/ por mes"),
    ("10,000 PEN", "10,000 S/"),
    ("270 USD", "270 US$"),
    ("Los montos están en soles", "Los montos están en soles"),   # not an amount: left alone
])
def test_money_spelling(raw, expected):
    assert pi.money_spelling(raw) == expected


def test_text_and_unit_cells_use_the_rule_in_both_languages():
    assert pi.unit("PEN/ha", "es") == "S/ por ha"
    assert pi.money_spelling("PEN/l", "en") == "S/ per l"
    assert "PEN" not in pi.unit("PEN/ha", "en")
    assert "S/." not in pi.text("(S/. 1.00 a 1.20)", "es")
