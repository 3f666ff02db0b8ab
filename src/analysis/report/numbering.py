"""Figure and table registry of a report: numbering, captions, notebook display and exports.

``Report`` numbers figures ("Gráfico N°1", ...) and tables ("Tabla N°1", ...) in call order,
displays each one in the notebook as an HTML ``<figure>`` with caption and "Fuente:" line, and
writes PNG+SVG (figures) or CSV+XLSX (tables) under ``<reports_dir>/<name>/figuras|tablas/``
plus an index ``indice.csv`` (the English edition: ``figures|tables/`` and ``index.csv``, file names
``figure_NN_*`` / ``table_NN_*``; see ``labels.export_name``).
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.labels import export_name, t
from analysis.money import money_text
from analysis.paths import REPORTS
from analysis.reproducible import normalize_xlsx
from analysis.report.suppression import suppress_small_cells

LONG_TABLE_ROWS = 12  # longer tables may break across pages, header row repeated (print CSS)
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
INDEX_COLUMNS = ["number", "kind", "key", "label", "caption", "source", "note", "files"]
HOUSE_STYLE = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "axes.unicode_minus": False,  # "-0.2" on axes, as format_number writes it in tables and text
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "svg.fonttype": "none",   # SVG exports keep their text as text (editable, searchable)
    "svg.hashsalt": "redes-laredo",  # fixed ids in SVG files: same figure, same bytes
}
# One palette for every report (main report, effects chapter, factsheets, data quality): the
# Okabe–Ito colour-blind-safe colours, so a pandas or bare matplotlib plot gets them too.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000"]
PALETTE = OKABE_ITO


def set_house_style() -> None:
    """Apply the project's matplotlib style (DejaVu Sans, light grid, no top/right spines)."""
    import matplotlib as mpl
    from cycler import cycler

    style = dict(HOUSE_STYLE)
    style["axes.prop_cycle"] = cycler(color=PALETTE)
    mpl.rcParams.update(style)


def format_number(value, decimals: int, thousands: str = ",", decimal: str = ".",
                  na_rep: str = "–") -> str:
    """``1234.5`` -> ``"1,234.50"`` (separators configurable); strings pass through."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return na_rep
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    text = f"{float(value):,.{decimals}f}" if decimals else f"{round(float(value)):,d}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def column_decimals(series: pd.Series, default: int) -> int | None:
    """Decimals to show for a column: None if not numeric, 0 if every value is whole."""
    numeric = pd.to_numeric(series, errors="coerce")
    values = numeric[numeric.notna()]
    if values.empty or int(series.notna().sum()) != len(values):
        return None  # text, or a mix of text and numbers: left as text (it can wrap)
    if pd.api.types.is_integer_dtype(series) or bool((values == values.round()).all()):
        return 0
    return default


def cover_line_html(text: str) -> str:
    """A cover line (the data's dates); ``render`` moves every ``p.cover-data`` onto the cover."""
    return f'<p class="cover-data">{html.escape(text)}</p>'


def notice_html(text: str) -> str:
    """The cover-page notice block; ``render`` moves every ``div.aviso`` onto the cover."""
    return f'<div class="aviso">{html.escape(text)}</div>'


@dataclass
class Entry:
    """One numbered figure or table."""

    number: int
    kind: str  # "figure" or "table"
    key: str
    label: str
    caption: str
    source: str
    note: str = ""
    files: list[Path] = field(default_factory=list)
    html: str = field(default="", repr=False)
    n_suppressed: int = 0

    def _ipython_display_(self) -> None:
        """Shown once by ``Report`` when created; returning it from a cell shows nothing more."""


class Report:
    """Registry of the numbered figures and tables of one report.

    ``clean=True`` removes the outputs of a previous run of the same report (its index and the
    ``grafico_NN_*`` / ``tabla_NN_*`` files, ``figure_NN_*`` / ``table_NN_*`` in English) so that a re-run never mixes old and new files.
    """

    def __init__(self, name: str, reports_dir: Path | str = REPORTS, lang: str = "es", *,
                 decimals: int = 2, thousands: str = ",", decimal: str = ".",
                 display: bool | None = None, clean: bool = True, style: bool = True):
        if not KEY_RE.match(name):
            raise ValueError(f"report name {name!r} must match {KEY_RE.pattern}")
        t("common.figure_prefix", lang)  # validates lang early
        self.name = name
        self.lang = lang
        self.root = Path(reports_dir) / name
        # the edition's own names: informe/figuras/grafico_01_*.png, report/figures/figure_01_*.png
        self.fig_dir = self.root / export_name("figures", lang)
        self.tab_dir = self.root / export_name("tables", lang)
        self.index_path = self.root / f"{export_name('index', lang)}.csv"
        self._fig_stem, self._tab_stem = export_name("figure", lang), export_name("table", lang)
        self.decimals = decimals
        self.thousands = thousands
        self.decimal = decimal
        self.display = _in_notebook() if display is None else display
        self.entries: list[Entry] = []
        self.fig_dir.mkdir(parents=True, exist_ok=True)
        self.tab_dir.mkdir(parents=True, exist_ok=True)
        if clean:
            self._clean()
        if style:
            set_house_style()

    # ----------------------------------------------------------------- public API
    def figure(self, fig, key: str, caption: str, source: str, *, embed: str = "png",
               dpi: int = 300) -> Entry:
        """Number, display and save a matplotlib figure (or Axes / seaborn grid)."""
        import matplotlib.pyplot as plt

        fig = _as_figure(fig)
        caption, source = money_text(caption, self.lang), money_text(source, self.lang)
        if embed not in ("png", "svg"):
            raise ValueError(f"embed must be 'png' or 'svg', got {embed!r}")
        number = self._next("figure", key)
        label = f"{t('common.figure_prefix', self.lang)}{number}"
        stem = f"{self._fig_stem}_{number:02d}_{key}"
        png, svg = self.fig_dir / f"{stem}.png", self.fig_dir / f"{stem}.svg"
        fig.savefig(png, dpi=dpi, format="png")
        fig.savefig(svg, format="svg", metadata={"Date": None})
        # Print the image at the size it was drawn, so its fonts match the text's.
        width_in = _png_width(png) / dpi
        mime, raw = ("image/png", png) if embed == "png" else ("image/svg+xml", svg)
        data = base64.b64encode(raw.read_bytes()).decode("ascii")
        img = (f'<img src="data:{mime};base64,{data}" alt="{html.escape(label)}" '
               f'style="width: {width_in:.2f}in">')
        plt.close(fig)
        entry = Entry(number, "figure", key, label, caption, source, files=[png, svg])
        entry.html = (
            f'<figure class="fig" id="grafico-{number}">{img}'
            f'<figcaption><p class="caption">{self._caption_html(label, caption)}</p>'
            f'{self._source_html(source)}</figcaption></figure>'
        )
        return self._publish(entry)

    def table(self, df: pd.DataFrame, key: str, caption: str, source: str, *,
              count_columns: str | Iterable[str] | Mapping[str, str] | None = None,
              min_count: int | None = None, index: bool | None = None,
              decimals: int | Mapping[str, int] | None = None) -> Entry:
        """Number, display and save a table; suppress small cells if ``min_count`` is given.

        ``index=None`` shows the index only when it is meaningful (named or not a default
        RangeIndex). ``decimals`` overrides the default per table or per column.
        """
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"table {key!r}: expected a pandas DataFrame, got {type(df).__name__}")
        if (count_columns is None) != (min_count is None):
            raise ValueError(f"table {key!r}: give both count_columns and min_count, or neither")
        number = self._next("table", key)
        label = f"{t('common.table_prefix', self.lang)}{number}"
        show_index = _meaningful_index(df.index) if index is None else index
        frame = df.copy()
        frame.columns = [_flat_name(c) for c in frame.columns]
        if show_index:
            frame = frame.reset_index()
            frame.columns = [_flat_name(c) for c in frame.columns]
        frame, caption, source = self._money(frame), money_text(caption, self.lang), \
            money_text(source, self.lang)
        if isinstance(decimals, Mapping):
            decimals = {money_text(str(k), self.lang): v for k, v in decimals.items()}
        dec = self._decimals_for(frame, decimals)
        note, n_supp = "", 0
        if min_count is not None:
            marker = t("report.suppression_marker", self.lang, min_count=min_count)
            frame, n_supp = suppress_small_cells(frame, count_columns, min_count, marker=marker)
            note = t("report.suppression_note", self.lang, min_count=min_count)
        stem = f"{self._tab_stem}_{number:02d}_{key}"
        csv_path, xlsx_path = self.tab_dir / f"{stem}.csv", self.tab_dir / f"{stem}.xlsx"
        frame.to_csv(csv_path, index=False, encoding="utf-8-sig")
        self._write_xlsx(xlsx_path, frame, label, caption, source, note)
        entry = Entry(number, "table", key, label, caption, source, note=note,
                      files=[csv_path, xlsx_path], n_suppressed=n_supp)
        note_html = f'<p class="note">{html.escape(note)}</p>' if note else ""
        entry.html = (
            f'<figure class="{"tbl long" if len(frame) > LONG_TABLE_ROWS else "tbl"}" '
            f'id="tabla-{number}">'
            f'<figcaption class="caption">{self._caption_html(label, caption)}</figcaption>'
            f'{self._table_html(frame, dec)}{self._source_html(source)}{note_html}</figure>'
        )
        return self._publish(entry)

    def notice(self, text: str) -> None:
        """Display the cover-page notice (``<div class="aviso">``, moved to the cover)."""
        if self.display:
            from IPython.display import HTML, display

            display(HTML(notice_html(text)))

    def cover_line(self, text: str) -> None:
        """Display a line for the cover (``<p class="cover-data">``, moved under the cover's date):
        what the data are and when they were collected."""
        if self.display:
            from IPython.display import HTML, display

            display(HTML(cover_line_html(text)))

    def callout(self, text: str) -> None:
        """Display a warning box where it stands in the text (a notice goes to the cover)."""
        if self.display:
            from IPython.display import HTML, display

            display(HTML(f'<div class="callout">{html.escape(text)}</div>'))

    # ------------------------------------------------------------------ internals
    def _next(self, kind: str, key: str) -> int:
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise ValueError(f"{kind} key {key!r} must match {KEY_RE.pattern}")
        for e in self.entries:
            if e.key == key and e.kind == kind:
                raise ValueError(f"{kind} key {key!r} already used by {e.label} in report "
                                 f"{self.name!r}")
        return 1 + sum(1 for e in self.entries if e.kind == kind)

    def _publish(self, entry: Entry) -> Entry:
        self.entries.append(entry)
        self._write_index()
        if self.display:
            from IPython.display import HTML, display

            display(HTML(entry.html))
        return entry

    def _caption_html(self, label: str, caption: str) -> str:
        sep = t("report.caption_separator", self.lang)
        return f'<span class="label">{html.escape(label)}{sep}</span>{html.escape(caption)}'

    def _source_html(self, source: str) -> str:
        prefix = t("common.source_prefix", self.lang)
        return f'<p class="source">{html.escape(prefix)} {html.escape(source)}</p>'

    def _money(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Headers and text cells with money written one way (``money.money_text``): the
        transcribed texts say "S/. 1.20", "2500 soles", "PEN"; tables and exports say "S/"."""
        out = frame.copy()
        out.columns = [money_text(str(c), self.lang) for c in out.columns]
        for i in range(out.shape[1]):
            col = out.iloc[:, i]
            if not pd.api.types.is_numeric_dtype(col) and col.map(type).eq(str).any():
                out.iloc[:, i] = col.map(
                    lambda v: money_text(v, self.lang) if isinstance(v, str) else v)
        return out

    def _decimals_for(self, frame: pd.DataFrame, decimals) -> dict[str, int | None]:
        default = decimals if isinstance(decimals, int) else self.decimals
        per_col = dict(decimals) if isinstance(decimals, Mapping) else {}
        unknown = set(per_col) - set(frame.columns)
        if unknown:
            raise KeyError(f"decimals given for unknown columns {sorted(unknown)}; "
                           f"table columns are {list(frame.columns)}")
        return {c: per_col.get(c, None if _is_code_column(c) else column_decimals(frame[c], default))
                for c in frame.columns}

    def _table_html(self, frame: pd.DataFrame, dec: dict[str, int | None]) -> str:
        na = t("report.missing_value", self.lang)
        head = "".join(
            f'<th class="{"num" if dec[c] is not None else "txt"}">{html.escape(c)}</th>'
            for c in frame.columns
        )
        rows = []
        for values in frame.itertuples(index=False, name=None):
            cells = []
            for c, v in zip(frame.columns, values):
                if dec[c] is None:
                    text = na if _is_missing(v) else str(v)
                    cells.append(f'<td class="txt">{html.escape(text)}</td>')
                else:
                    text = format_number(v, dec[c], self.thousands, self.decimal, na)
                    cells.append(f'<td class="num">{html.escape(text)}</td>')
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return (f'<table class="data"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')

    def _write_xlsx(self, path: Path, frame: pd.DataFrame, label: str, caption: str,
                    source: str, note: str) -> None:
        from openpyxl import Workbook

        from analysis.report import xlsx_export

        r = lambda key: t(f"report.{key}", self.lang)  # noqa: E731
        markers = [t("report.suppression_marker", self.lang, min_count=n) for n in range(1, 31)]
        wb = Workbook()
        ws = wb.active
        ws.title = r("xlsx_sheet_table")
        xlsx_export.write_sheet(ws, xlsx_export.typed_columns(frame, self.lang, markers))
        xlsx_export.write_info(wb.create_sheet(r("xlsx_sheet_info")),
                               list(zip(r("xlsx_fields").split(","), [label, caption, source, note])),
                               (r("xlsx_col_field"), r("xlsx_col_value")))
        wb.save(path)
        normalize_xlsx(path)

    def _write_index(self) -> None:
        with self.index_path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(INDEX_COLUMNS)
            for e in self.entries:
                files = ";".join(p.relative_to(self.root).as_posix() for p in e.files)
                w.writerow([e.number, e.kind, e.key, e.label, e.caption, e.source, e.note, files])

    def _clean(self) -> None:
        patterns = [(self.fig_dir, rf"{self._fig_stem}_\d{{2,}}_[a-z0-9_]+\.(png|svg)"),
                    (self.tab_dir, rf"{self._tab_stem}_\d{{2,}}_[a-z0-9_]+\.(csv|xlsx)")]
        for folder, pat in patterns:
            for p in folder.iterdir():
                if p.is_file() and re.fullmatch(pat, p.name):
                    p.unlink()
        if self.index_path.exists():
            self.index_path.unlink()


def _as_figure(obj):
    from matplotlib.figure import Figure

    for candidate in (obj, getattr(obj, "figure", None), getattr(obj, "fig", None)):
        if isinstance(candidate, Figure):
            return candidate
    raise TypeError(f"expected a matplotlib Figure, Axes or seaborn grid, got {type(obj).__name__}")


def _png_width(path: Path) -> int:
    """Pixel width from a PNG header (IHDR)."""
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    return int.from_bytes(head[16:20], "big")


def _flat_name(col) -> str:
    if isinstance(col, tuple):
        return " – ".join(str(c) for c in col if str(c) != "")
    return str(col)


def _meaningful_index(idx: pd.Index) -> bool:
    if isinstance(idx, pd.MultiIndex):
        return True
    if any(n is not None for n in idx.names):
        return True
    return not (isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1)


CODE_COLUMN_WORDS = ("año", "year", "ronda", "round", "fase", "phase", "cohorte", "cohort", "código", "code")


def _is_code_column(column) -> bool:
    """Years, rounds, phases and codes are labels, not quantities: no thousands separator."""
    name = str(column).strip().lower()
    return any(name == w or name.startswith(w + " ") or name.endswith(" " + w) for w in CODE_COLUMN_WORDS)


def _is_missing(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ != "TerminalInteractiveShell"
