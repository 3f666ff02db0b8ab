"""analysis.report.charts: every chart renders from the real published tables, in Spanish."""

import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Rectangle

from analysis.report import charts as ch

@pytest.fixture
def effects(implied):
    """The document-implied changes (the shared ``implied`` fixture of conftest.py)."""
    return implied


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_members_by_network_sex(pub):
    fig = ch.members_by_network_sex(pub["networks"])
    ax = fig.axes[0]
    assert len(pub["networks"]) == 12
    assert len(_bars(ax)) == 24                     # 12 networks x (men, women)
    assert "Hombres" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Hombres", "Mujeres"]
    widths = sorted(round(p.get_x() + p.get_width()) for p in _bars(ax))
    assert sum(p.get_width() for p in _bars(ax)) == 116
    assert widths[-1] == 11


def test_mipes_sorted_14(pub):
    ax = ch.mipes_by_activity(pub["mipes_by_activity"]).axes[0]
    widths = [p.get_width() for p in _bars(ax)]
    assert len(widths) == 14 and widths == sorted(widths)
    assert ax.get_yticklabels()[-1].get_text() == "Comercio"
    assert "Mipes" in ax.get_xlabel()


def test_pea(pub):
    ax = ch.pea_by_sector(pub["pea_by_sector"]).axes[0]
    assert len(_bars(ax)) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Sector primario", "Sector secundario",
                                                          "Sector terciario"]
    assert sum(p.get_width() for p in _bars(ax)) == pytest.approx(100)


def test_cofinancing_parts_and_stated_total_marker(pub):
    fig = ch.cofinancing(pub["cofinancing"])
    pen, usd = fig.axes[0], fig.axes[1]
    cof = pub["cofinancing"]
    parts = cof[cof.kind == "part"]
    assert len(_bars(pen)) == int((parts.currency == "PEN").sum()) == 13
    assert len(_bars(usd)) == int((parts.currency == "USD").sum()) == 3
    markers = [l for l in pen.lines if l.get_marker() == "D"]
    assert len(markers) == 1                        # only the dairy phase-2 pilot differs
    assert markers[0].get_xdata()[0] == 33000
    assert "Monto (S/)" == pen.get_xlabel()


def test_network_timeline(pub):
    ax = ch.network_timeline(pub["timeline"], pub["networks"]).axes[0]
    starts = [l for l in ax.lines if l.get_marker() == "o"]
    assert len(starts) == 12
    assert min(l.get_xdata()[0] for l in starts) == pytest.approx(2005.5)
    dashed = [l for l in ax.lines if l.get_linestyle() == "--"]
    assert len(dashed) == 3                          # REDESLAC, Pampas de San Juan, cooperative
    assert "Fase 1 del programa" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_chain_indicators_small_multiples(pub):
    fig = ch.chain_indicators_initial_vs_current(pub["chain_indicators"])
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == 9                         # 3 mango + 6 dairy indicators
    assert all(len(_bars(a)) == 2 for a in visible)
    assert visible[0].get_title().startswith("Mango")
    assert [t.get_text() for t in visible[0].get_xticklabels()] == ["Inicial", "Actual"]


def test_methodology_phases(pub):
    ax = ch.methodology_phases(pub["methodology_phases"]).axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 6
    assert len({b.get_facecolor() for b in boxes}) == 2


def test_sales_shares(pub):
    fig = ch.sales_shares_by_buyer(pub["chain_indicators"])
    mango, dairy = fig.axes[0], fig.axes[1]
    assert len(_bars(mango)) == 4 and len(_bars(dairy)) == 5
    assert sum(p.get_width() for p in _bars(dairy)) == pytest.approx(200)
    assert any("sin datos publicados" == t.get_text() for t in mango.texts)


def test_implied_intervals(effects):
    ax = ch.implied_effects_intervals(effects).axes[0]
    lines = [l for l in ax.lines if isinstance(l, Line2D) and len(l.get_xdata()) == 2
             and l.get_ydata()[0] == l.get_ydata()[1]]
    # mango production and income; dairy (published-volume scenario, the herd one is contradicted):
    # production once, income at nominal and at constant prices
    assert len(lines) == 5
    row = effects.query("chain == 'mango' and level == 'per_producer' and quantity == 'income'").iloc[0]
    assert list(lines[1].get_xdata()) == pytest.approx([row.pct_low, row.pct_high])
    assert "Ingreso" in ax.get_yticklabels()[1].get_text()


def test_render_all_png(pub, effects, tmp_path):
    figs = {
        "pea": ch.pea_by_sector(pub["pea_by_sector"]),
        "mipes": ch.mipes_by_activity(pub["mipes_by_activity"]),
        "cof": ch.cofinancing(pub["cofinancing"], "en"),
        "members": ch.members_by_network_sex(pub["networks"]),
        "timeline": ch.network_timeline(pub["timeline"], pub["networks"]),
        "ind": ch.chain_indicators_initial_vs_current(pub["chain_indicators"]),
        "phases": ch.methodology_phases(pub["methodology_phases"]),
        "shares": ch.sales_shares_by_buyer(pub["chain_indicators"], "en"),
        "implied": ch.implied_effects_intervals(effects),
    }
    assert len(figs) == len(ch.ALL_CHARTS)
    for name, fig in figs.items():
        assert isinstance(fig, Figure)
        path = tmp_path / f"{name}.png"
        fig.savefig(path)
        assert path.stat().st_size > 5000


def test_missing_column_error(pub):
    with pytest.raises(ValueError, match=r"networks.csv: missing column\(s\) \['women'\]"):
        ch.members_by_network_sex(pub["networks"].drop(columns="women"))
