"""Checkable facts of the charts (issue 11, item 7): labels never collide with marks, labels
state the data's values, no title inside images, units on every axis, one house style."""

import re

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from analysis.report import charts as ch
from analysis.report import effects_figures as ef
from analysis.report.numbering import OKABE_ITO, format_number, set_house_style



def _renderer(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _overlap(a, b, pad=0.0) -> bool:
    """Display-space boxes overlap (by more than ``pad`` pixels in both directions)."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > pad) and (min(a.y1, b.y1) - max(a.y0, b.y0) > pad)


def _segment_boxes(ax, fig):
    """One display box per error-bar segment and per cap (not one box for the whole artist)."""
    boxes = []
    for c in ax.collections:
        if isinstance(c, LineCollection):
            for seg in c.get_segments():
                pts = ax.transData.transform(seg)
                boxes.append(Bbox([pts.min(axis=0) - 0.5, pts.max(axis=0) + 0.5]))
    px = fig.dpi / 72
    for line in ax.lines:                       # caps: markers "_" of size markersize points
        half = line.get_markersize() * px / 2
        for xy in np.column_stack([line.get_xdata(), line.get_ydata()]):
            x, y = ax.transData.transform(xy)
            boxes.append(Bbox([[x - half, y - 1], [x + half, y + 1]]))
    return boxes


def _all_charts(pub, implied, lang):
    return {
        "pea_by_sector": ch.pea_by_sector(pub["pea_by_sector"], lang),
        "mipes_by_activity": ch.mipes_by_activity(pub["mipes_by_activity"], lang),
        "cofinancing": ch.cofinancing(pub["cofinancing"], lang),
        "members_by_network_sex": ch.members_by_network_sex(pub["networks"], lang),
        "network_timeline": ch.network_timeline(pub["timeline"], pub["networks"], lang),
        "chain_indicators_initial_vs_current":
            ch.chain_indicators_initial_vs_current(pub["chain_indicators"], lang),
        "methodology_phases": ch.methodology_phases(pub["methodology_phases"], lang),
        "sales_shares_by_buyer": ch.sales_shares_by_buyer(pub["chain_indicators"], lang),
        "implied_effects_intervals": ch.implied_effects_intervals(implied, lang),
    }


# --- Gráfico N°7: value labels above the error-bar caps -------------------------------------
@pytest.mark.parametrize("lang", ["es", "en"])
def test_indicator_value_labels_clear_of_error_bars_and_bars(pub, lang):
    fig = ch.chain_indicators_initial_vs_current(pub["chain_indicators"], lang)
    r = _renderer(fig)
    n_ranges = 0
    for ax in (a for a in fig.axes if a.get_visible()):
        labels = [t for t in ax.texts if t.get_gid() == "value"]
        assert len(labels) == 2
        marks = _segment_boxes(ax, fig)                                     # bars and caps
        n_ranges += sum(isinstance(c, LineCollection) for c in ax.collections)
        bars = [p.get_window_extent(r) for p in ax.patches if isinstance(p, Rectangle)]
        for lab in labels:
            box = lab.get_window_extent(r)
            assert not any(_overlap(box, m) for m in marks), (ax.get_title(), lab.get_text())
            assert not any(_overlap(box, b) for b in bars), (ax.get_title(), lab.get_text())
        assert ax.get_ylabel(), f"no unit on the y axis of {ax.get_title()!r}"
    assert n_ranges == 3            # only cows (initial), milk per cow and milk solids have a range


def test_indicator_labels_state_the_values(pub):
    fig = ch.chain_indicators_initial_vs_current(pub["chain_indicators"])
    texts = sorted(t.get_text() for a in fig.axes for t in a.texts if t.get_gid() == "value")
    assert "11.75" in texts and "1.5" in texts and "0.98" in texts and "14.5" in texts


# --- Gráfico N°6: the diamond's label is the stated total -----------------------------------
@pytest.mark.parametrize("lang", ["es", "en"])
def test_cofinancing_labels_equal_the_data(pub, lang):
    cof = pub["cofinancing"]
    fig = ch.cofinancing(cof, lang)
    r = _renderer(fig)
    parts = cof[cof.kind == "part"].groupby("project_id")["amount"].sum()
    stated = cof[cof.kind == "stated_total"].set_index("project_id")["amount"]
    currency = cof.drop_duplicates("project_id").set_index("project_id")["currency"]
    labels = {t.get_gid()[len("total_"):]: t for a in fig.axes for t in a.texts
              if (t.get_gid() or "").startswith("total_")}
    assert set(labels) == set(parts.index)
    for pid, lab in labels.items():
        text = lab.get_text()
        if pid in stated.index and stated[pid] != parts[pid]:
            # the text next to the diamond starts with the diamond's own value
            assert text.startswith(ch.money(stated[pid], currency[pid])), text
            assert ch.money(parts[pid], currency[pid]) in text
        else:
            assert text == ch.money(parts[pid], currency[pid])
    pen = fig.axes[0]
    diamonds = [line for line in pen.lines if line.get_marker() == "D"]
    assert [d.get_xdata()[0] for d in diamonds] == [stated["lacteos_p2_piloto"]]
    dbox = diamonds[0].get_window_extent(r)
    for a in fig.axes:
        for t in a.texts:
            box = t.get_window_extent(r)
            assert not _overlap(box, dbox), t.get_text()
            assert not any(_overlap(box, p.get_window_extent(r), pad=1)
                           for p in a.patches if isinstance(p, Rectangle)), t.get_text()
    # money as "S/ 1,234": thousands separators on the axis too
    ticks = [t.get_text() for t in pen.get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks) and not any("S/." in t or "PEN" in t for t in ticks)


# --- Gráfico N°5: timeline labels whole, not crammed ----------------------------------------
@pytest.mark.parametrize("lang", ["es", "en"])
def test_timeline_event_labels_whole_and_clear(pub, lang):
    fig = ch.network_timeline(pub["timeline"], pub["networks"], lang)
    ax = fig.axes[0]
    r = _renderer(fig)
    labels = [t for t in ax.texts if t.get_gid() == "event_label"]
    assert len(labels) == 3
    assert not any("…" in t.get_text() or "..." in t.get_text() for t in labels)
    joined = [" ".join(t.get_text().split("\n")) for t in labels]
    if lang == "es":
        assert "Asociación de Productores Agropecuarios Pampas de San Juan" in joined
        assert "Cooperativa de Servicios COOP REDESLAC" in joined
    boxes = [t.get_window_extent(r) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _overlap(a, b)
    axbox = ax.get_window_extent(r)
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 3
    for t, box in zip(labels, boxes):
        assert box.x0 >= axbox.x0 and box.x1 <= axbox.x1, t.get_text()      # inside the plot
        for line in dashed:
            assert not _overlap(box, line.get_window_extent(r)), (t.get_text(), line.get_xdata())
    ticks = [t.get_window_extent(r) for t in ax.get_yticklabels()]
    assert all(b.x0 >= 0 for b in ticks)                                     # not cut off


# --- Gráfico N°9: the zero line never crosses a label ---------------------------------------
@pytest.mark.parametrize("lang", ["es", "en"])
def test_implied_labels_clear_of_zero_line_and_state_bounds(implied, lang):
    fig = ch.implied_effects_intervals(implied, lang)
    ax = fig.axes[0]
    r = _renderer(fig)
    zero = [line for line in ax.lines if line.get_gid() == "zero"]
    assert len(zero) == 1
    zx = ax.transData.transform((0, 0))[0]
    bars = [line for line in ax.lines if line.get_gid() != "zero"]
    labels = [t for t in ax.texts if t.get_gid() == "range_label"]
    assert len(labels) == len(bars) == 5  # contradicted scenario left out; production once
    for t in labels + list(ax.get_yticklabels()):
        box = t.get_window_extent(r)
        assert not (box.x0 - 1 <= zx <= box.x1 + 1), t.get_text()
        for bar in bars:
            assert not _overlap(box, bar.get_window_extent(r)), t.get_text()
    d = implied[(implied.level == "per_producer") & implied.pct_low.notna()
                & implied.quantity.isin(["production", "income"])
                & (implied.consistency.fillna("") != "contradicho")]
    word = " a " if lang == "es" else " to "
    expected = {f"{format_number(lo, 0)}%{word}{format_number(hi, 0)}%"
                for lo, hi in zip(d.pct_low, d.pct_high)}
    assert {t.get_text() for t in labels} == expected
    assert "%" in ax.get_xlabel()


# --- data-quality report: house style, no "group" legend over the bars ---------------------
def _by_round():
    return pd.DataFrame({"year": [2005, 2005, 2007, 2011], "chain": ["mango", "lacteos"] * 2,
                         "members": [50, 66, 116, 116], "comparison": [40, 60, 97, 100]})


@pytest.mark.parametrize("lang", ["es", "en"])
def test_quality_counts_legend_outside_and_titled_by_nothing(lang):
    fig = ef.quality_counts_chart(_by_round(), lang)
    ax = fig.axes[0]
    r = _renderer(fig)
    leg = ax.get_legend()
    assert leg.get_title().get_text() in ("", None)
    assert "group" not in [t.get_text() for t in leg.get_texts()]
    lbox = leg.get_window_extent(r)
    for p in ax.patches:
        assert not _overlap(lbox, p.get_window_extent(r))
    heights = sorted(p.get_height() for p in ax.patches)
    assert heights[-1] == 116 and len(heights) == 6
    assert ax.get_xlabel() and ax.get_ylabel()
    colours = {mpl.colors.to_hex(p.get_facecolor()) for p in ax.patches}
    assert colours == {ef.MEMBER_COLOURS[True].lower(), ef.MEMBER_COLOURS[False].lower()}
    assert fig._suptitle is None and ax.get_title() == ""


def test_quality_balance_chart_suppresses_small_groups_and_legend_outside():
    bal = pd.DataFrame({"chain": ["mango", "lacteos", "lacteos"],
                        "variable": ["net_income_pen", "net_income_pen", "cows"],
                        "n_members": [40, 70, 2], "n_comparison": [50, 60, 50],
                        "normalized_difference": [0.1, -0.2, 0.9]})
    fig = ef.quality_balance_chart(bal, min_cell=5)
    ax = fig.axes[0]
    r = _renderer(fig)
    points = np.concatenate([c.get_offsets() for c in ax.collections])
    assert sorted(points[:, 0].tolist()) == [-0.2, 0.1]          # the n=2 row is left out
    lbox = ax.get_legend().get_window_extent(r)
    assert lbox.y0 >= ax.get_window_extent(r).y1 - 1             # above the plot, not on it


# --- every chart: one style, no title inside the image, units on value axes ----------------
@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_titles_inside_images(pub, implied, lang):
    figs = _all_charts(pub, implied, lang)
    assert set(figs) == set(ch.ALL_CHARTS)
    for name, fig in figs.items():
        assert fig._suptitle is None, name
        if len(fig.axes) == 1:          # panels keep their own short titles (chain names)
            assert fig.axes[0].get_title() == "", name


def test_units_on_value_axes(pub, implied):
    figs = _all_charts(pub, implied, "es")
    for name in ("pea_by_sector", "mipes_by_activity", "members_by_network_sex",
                 "network_timeline", "implied_effects_intervals"):
        assert figs[name].axes[0].get_xlabel(), name
    assert all(a.get_xlabel() for a in figs["cofinancing"].axes)
    assert figs["sales_shares_by_buyer"].axes[-1].get_xlabel()


def test_house_style_is_okabe_ito():
    set_house_style()
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == OKABE_ITO
    assert mpl.rcParams["svg.fonttype"] == "none"
    assert ch.CHAIN_COLOURS["mango"] in OKABE_ITO and ch.CHAIN_COLOURS["lacteos"] in OKABE_ITO


def test_money_format():
    assert ch.money(31000) == "S/ 31,000"
    assert ch.money(1752, "USD") == "US$ 1,752"


def test_effects_axis_ticks_exact_and_distinct():
    """Tick labels never round two ticks alike nor misstate a tick (0.625 shown as "0.62")."""
    means = pd.DataFrame({"chain": ["mango"] * 6, "year": [2005, 2007, 2011] * 2,
                          "member": [True] * 3 + [False] * 3,
                          "mean": [0.49, 0.53, 0.65, 0.49, 0.51, 0.54]})
    fig = ef.before_after_chart(means, "employment_fte", "en")
    ax = fig.axes[0]
    fig.canvas.draw()
    lo, hi = ax.get_ylim()
    shown = [(v, t.get_text()) for v, t in zip(ax.get_yticks(), ax.get_yticklabels())
             if lo <= v <= hi]
    ticks, labels = [v for v, _ in shown], [x for _, x in shown]
    values = [float(x.replace(",", "")) for x in labels]
    assert len(set(labels)) == len(labels)
    assert values == pytest.approx(ticks, abs=1e-9)
    assert fig._suptitle is None and ax.get_ylabel()


# --- every axis with tick labels states what it measures -----------------------------------
def _means(by: str, groups) -> pd.DataFrame:
    rows = [{by: g, "year": y, "member": m, "mean": 100.0 + 10 * i + (5 if m else 0)}
            for i, y in enumerate([2005, 2011]) for g in groups for m in (True, False)]
    return pd.DataFrame(rows)


_NUMBER = re.compile(r"^[−\-+]?[\d.,\s\u202f]+%?$")


def _unlabelled_axes(fig) -> list[str]:
    """Every visible value axis (numeric tick labels) that has no (non-blank) axis label.

    Category axes (network names, periods, sectors) name their own ticks and are not asked for
    a label; a value axis without a label leaves the reader guessing the unit."""
    r = _renderer(fig)
    missing = []
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible() or not ax.axison:
            continue
        for name, axis, label in (("x", ax.xaxis, ax.get_xlabel()), ("y", ax.yaxis, ax.get_ylabel())):
            ticks = [tl for tl in (ax.get_xticklabels() if name == "x" else ax.get_yticklabels())
                     if tl.get_visible() and _NUMBER.match(tl.get_text().strip() or "x")
                     and tl.get_window_extent(r).width > 0]
            if axis.get_visible() and ticks and not label.strip():
                missing.append(f"axes[{i}] ({ax.get_title()!r}) {name} axis, ticks "
                               f"{[tl.get_text() for tl in ticks[:3]]}")
    return missing


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_axis_with_ticks_has_a_label(pub, implied, lang):
    from analysis.report import factsheet_content as fc

    figs = _all_charts(pub, implied, lang)
    figs["factsheet_means_chart"] = fc.means_chart(
        pd.concat([_means("outcome", [o]) for o in fc.OUTCOMES], ignore_index=True), lang)
    figs["before_after_chart"] = ef.before_after_chart(
        _means("chain", ["mango", "lacteos"]), "net_income_pen", lang)
    figs["quality_counts_chart"] = ef.quality_counts_chart(_by_round(), lang)
    bad = {name: m for name, fig in figs.items() if (m := _unlabelled_axes(fig))}
    assert not bad, f"axes with tick labels but no axis label: {bad}"
