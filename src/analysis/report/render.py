"""Executed notebook -> self-contained HTML report -> A4 PDF.

The HTML shows only outputs and markdown (no code, no prompts, no papermill parameter cells),
starts with a cover page and a table of contents, embeds every image and loads nothing from the
network. The PDF is WeasyPrint's rendering of the same HTML with the template's print styles.

CLI::

    python -m analysis.report.render build/principal.ipynb --html reports/principal.html \
        --pdf reports/principal.pdf --title "..." --subtitle "..." --lang es
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.reproducible import build_date
from analysis.labels import t

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE_NAME = "informe"
REMOVE_TAGS = ("remove", "injected-parameters", "parameters")
VISIBLE_XPATH = " | ".join(f".//{tag}" for tag in ("img", "svg", "table", "figure", "hr",
                                                  "object", "embed", "iframe", "canvas"))
EXTERNAL = r"(?:https?:)?//[^\s\"'<>)]+"
_REF_PATTERNS = [
    # attributes that make a browser fetch something (or link to it)
    re.compile(r"(?<![\w:.-])(?:src|href|xlink:href|poster|data|action|background|srcset)"
               r"\s*=\s*[\"']?\s*(" + EXTERNAL + ")", re.IGNORECASE),
    re.compile(r"@import\s+(?:url\(\s*)?[\"']?\s*(" + EXTERNAL + ")", re.IGNORECASE),
    re.compile(r"url\(\s*[\"']?\s*(" + EXTERNAL + ")", re.IGNORECASE),
]


class RenderError(RuntimeError):
    """The report cannot be rendered as a self-contained document."""


@dataclass
class RenderResult:
    """What ``render`` produced and how long each step took."""

    html_path: Path
    pdf_path: Path | None
    pages: int | None
    html_seconds: float
    pdf_seconds: float | None
    headings: list[tuple[int, str]]

    def timings(self) -> dict:
        """Seconds per stage and page count, for the build log."""
        return {"html": self.html_seconds, "pdf": self.pdf_seconds, "pages": self.pages}


def find_external_refs(html: str) -> list[str]:
    """Every http(s):// or protocol-relative // URL in src/href/@import/url(), in order."""
    found: list[str] = []
    for pattern in _REF_PATTERNS:
        for m in pattern.finditer(html):
            found.append((m.start(1), m.group(1)))
    return [url for _, url in sorted(set(found))]


def format_date(day: dt.date, lang: str = "es") -> str:
    """``2026-11-27`` -> ``"27 de noviembre de 2026"`` (or ``"November 27, 2026"``)."""
    months = t("report.months", lang).split(",")
    return t("report.date_format", lang, day=day.day, month=months[day.month - 1], year=day.year)


def notebook_to_html(nb_path: Path | str, title: str, subtitle: str = "", lang: str = "es",
                     date: dt.date | None = None,
                     programme: str | None = None) -> tuple[str, list[tuple[int, str]]]:
    """HTML string of the report and its (level, text) headings. ``programme``: the cover's
    programme line (default ``report.programme``, the Laredo networks; see analysis.report.scope)."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb_path = Path(nb_path)
    if not nb_path.is_file():
        raise FileNotFoundError(f"notebook {nb_path} does not exist")
    nb = nbformat.read(nb_path, as_version=4)
    _drop_stderr(nb)
    folder = TEMPLATES / TEMPLATE_NAME
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(REMOVE_TAGS),
                              remove_all_outputs_tags={"remove-output"}, enabled=True),
        enabled=True,
    )
    resources = {
        "metadata": {"name": nb_path.stem, "path": str(nb_path.parent)},
        "report": {
            "lang": lang,
            "title": title,
            "subtitle": subtitle,
            "programme": programme or t("report.programme", lang),
            "date": t("report.cover_version", lang, version=package_version(),
                      date=format_date(date or build_date(), lang)),
            "toc_title": t("report.toc_title", lang),
            "page_label": t("report.page_label", lang),
            "page_of": t("report.page_of", lang),
            "css": (folder / "report.css").read_text(encoding="utf-8"),
            "print_css": (folder / "print.css").read_text(encoding="utf-8"),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return _finish(body, lang)


def package_version() -> str:
    """The version of this project's package (pyproject.toml), printed on every cover."""
    from importlib import metadata

    try:
        return metadata.version("analysis")
    except metadata.PackageNotFoundError:
        return "-"


def render(nb_path: Path | str, html_path: Path | str, pdf_path: Path | str | None = None,
           title: str = "", subtitle: str = "", lang: str = "es",
           date: dt.date | None = None, programme: str | None = None) -> RenderResult:
    """Render an executed notebook to HTML (and PDF); outputs appear only when complete."""
    if not title:
        raise ValueError("render: a report title is required")
    t0 = time.perf_counter()
    html, headings = notebook_to_html(nb_path, title, subtitle, lang, date, programme)
    refs = find_external_refs(html)
    if refs:
        raise RenderError(f"{nb_path}: the report would load {len(refs)} external resource(s): "
                          f"{refs[:5]}")
    html_path = Path(html_path)
    tmp_html = _temp_beside(html_path)
    tmp_pdf = None
    try:
        tmp_html.write_text(html, encoding="utf-8")
        html_seconds = time.perf_counter() - t0
        pages = pdf_seconds = None
        if pdf_path is not None:
            t1 = time.perf_counter()
            pdf_path = Path(pdf_path)
            tmp_pdf = _temp_beside(pdf_path)
            pages = html_to_pdf(html, tmp_pdf, base_url=Path(nb_path).resolve().parent)
            pdf_seconds = time.perf_counter() - t1
            os.replace(tmp_pdf, pdf_path)
        os.replace(tmp_html, html_path)
    finally:
        for tmp in (tmp_html, tmp_pdf):
            if tmp is not None and tmp.exists():
                tmp.unlink()
    return RenderResult(html_path, pdf_path, pages, html_seconds, pdf_seconds, headings)


def html_to_pdf(html: str, pdf_path: Path | str, base_url: Path | str | None = None) -> int:
    """Write the PDF of a report HTML with WeasyPrint; returns the page count.

    Only ``data:`` URLs may be fetched, so a stray network reference fails loudly.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)

    def layout(text):
        return HTML(string=text, base_url=str(base_url) if base_url else None,
                    url_fetcher=fetcher).render()

    doc = fit_layout(html, layout)
    doc.write_pdf(str(pdf_path))
    return len(doc.pages)


def fit_layout(html: str, layout):
    """Lay out ``html`` (``layout``: HTML text -> WeasyPrint document) so that every table fits.

    A table wider than the text block is first set "tight" (ranges of numbers may break after
    their separator); one still too wide then gets a landscape page of its own.
    """
    doc = layout(html)
    for cls in ("tight", "landscape"):
        wide = sorted({n for n in (_table_number(b) for b in _overflowing(doc, "table")) if n},
                      key=int)
        if not wide:
            break
        html = _mark_tables(html, wide, cls)
        doc = layout(html)
    # A chapter (or the contents) whose last page would hold a line or two is set "snug"
    # (slightly tighter spacing, print.css) so that its tail moves back onto the page before.
    stray = {section or "all" for _, section, _ in _near_empty(doc)}
    if stray:
        doc = layout(_mark_sections(html, stray, "snug"))
    return doc


# A page whose content fills less than this share of the text block holds a stray line or two.
NEAR_EMPTY = 0.12


def _page_boxes(doc):
    """(page number, box, id of the numbered figure or table the box belongs to, or None) of every
    box in the text block of every page, in document order per page."""
    from weasyprint.formatting_structure import boxes

    for number, page in enumerate(doc.pages, start=1):
        stack = [(b, None) for b in reversed(page._page_box.children)
                 if not isinstance(b, boxes.MarginBox)]
        while stack:
            box, figure = stack.pop()
            element = getattr(box, "element", None)
            if getattr(box, "element_tag", None) == "figure" and element is not None and element.get("id"):
                figure = element.get("id")
            yield number, box, figure
            if isinstance(box, boxes.ParentBox):
                stack.extend((c, figure) for c in reversed(box.children))


def _near_empty(doc):
    """(page, section, share filled) of pages holding only the tail of a chapter or of the contents
    (no chapter or contents starts there; the cover excepted) whose content fills less than
    ``NEAR_EMPTY`` of the text block; ``section`` is the id of the chapter heading the page belongs
    to, or ``"toc"`` for the contents."""
    from weasyprint.formatting_structure import boxes

    fill: dict[int, float] = {}
    section_of: dict[int, str | None] = {}
    starts: set[int] = set()
    section = None
    for number, box, _ in _page_boxes(doc):
        page = doc.pages[number - 1]._page_box
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        if element is not None and getattr(box, "element_tag", None) == "h1" and element.get("id"):
            section = element.get("id")
            starts.add(number)
        elif "toc" in classes and section is None:
            section = "toc"
        if "toc-title" in classes:
            starts.add(number)
        section_of.setdefault(number, section)
        if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)) or (
                isinstance(box, boxes.BlockBox) and not box.children and box.height):
            bottom = box.position_y + box.margin_height() - page.content_box_y()
            fill[number] = max(fill.get(number, 0.0), bottom / page.height)
    return [(n, section_of.get(n), fill.get(n, 0.0)) for n in range(2, len(doc.pages) + 1)
            if fill.get(n, 0.0) < NEAR_EMPTY and n not in starts]


def _separated_captions(doc):
    """(page, figure id) of figures and tables whose caption sits on a page without any of their
    image or rows (a figure or table torn from its caption)."""
    parts: dict[str, dict[int, set]] = {}
    kinds = {"figcaption": "caption", "img": "content", "tr": "content", "svg": "content"}
    for number, box, figure in _page_boxes(doc):
        kind = kinds.get(getattr(box, "element_tag", None))
        if figure and kind:
            parts.setdefault(figure, {}).setdefault(number, set()).add(kind)
    return [(page, fig) for fig, pages in parts.items() for page, found in sorted(pages.items())
            if "caption" in found and "content" not in found]


def _lone_rows(doc):
    """(page, table figure id) where a table split across pages leaves a single body row."""
    from weasyprint.formatting_structure import boxes

    rows: dict[str, dict[int, int]] = {}
    for number, box, figure in _page_boxes(doc):
        if figure and isinstance(box, boxes.TableRowGroupBox) and not box.is_header:
            n = sum(isinstance(c, boxes.TableRowBox) for c in box.children)
            rows.setdefault(figure, {}).setdefault(number, 0)
            rows[figure][number] += n
    return [(page, fig) for fig, pages in rows.items() if len(pages) > 1 and sum(pages.values()) > 2
            for page, n in sorted(pages.items()) if n == 1]


def layout_problems(html: str, base_url: Path | str | None = None, name: str = "") -> list[str]:
    """Print-layout problems of the report, as ``"<name> p. N: ..."`` lines (empty when clean):
    words and tables outside the text block of their page, pages nearly empty (a stray line or
    two; the cover excepted), and captions torn from their figure or table."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    doc = fit_layout(html, lambda text: HTML(string=text, base_url=str(base_url) if base_url
                                             else None, url_fetcher=fetcher).render())
    problems = [f"{name} p. {page}: {kind} {text!r} ends {over:.1f} pt past the text block"
                for page, kind, text, over in _overflowing(doc, "all")]
    problems += [f"{name} p. {page}: page nearly empty ({share:.0%} of the text block filled)"
                 for page, _, share in _near_empty(doc)]
    problems += [f"{name} p. {page}: caption of {fig} separated from its figure or table"
                 for page, fig in _separated_captions(doc)]
    problems += [f"{name} p. {page}: {fig} leaves a single row on this page"
                 for page, fig in _lone_rows(doc)]
    return problems


def _overflowing(doc, what: str = "all", tolerance: float = 0.5):
    """(page, kind, text, points past the right or left edge) of boxes outside the text block:
    ``what="table"`` yields table boxes, ``"all"`` text runs and tables."""
    from weasyprint.formatting_structure import boxes

    for number, page in enumerate(doc.pages, start=1):
        root = page._page_box
        left = root.content_box_x()
        right = left + root.width
        stack = list(root.children)  # margin boxes (running heads) are not the text block
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.MarginBox):
                continue
            x0 = box.position_x
            x1 = x0 + box.margin_width()
            is_table = isinstance(box, boxes.TableBox)
            is_text = isinstance(box, boxes.TextBox) and box.text.strip()
            if (is_table or (is_text and what == "all")) and (
                    x1 > right + tolerance or x0 < left - tolerance):
                over = max(x1 - right, left - x0)
                if is_table:
                    yield (number, "table", box) if what == "table" else (
                        number, "table", " ".join(_box_text(box).split())[:60], over)
                else:
                    yield number, "text", box.text, over
            if isinstance(box, boxes.ParentBox):
                stack.extend(box.children)


def _box_text(box) -> str:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        return box.text + " "
    return "".join(_box_text(c) for c in getattr(box, "children", ()))


def _table_number(item) -> str | None:
    box = item[2]
    element = getattr(box, "element", None)
    return element.get("data-table") if element is not None else None


def _mark_sections(html: str, sections: set[str], cls: str) -> str:
    """Add ``cls`` to the contents (``"toc"``) and to every top-level block of ``<main>`` from the
    chapter heading with each id in ``sections`` up to the next chapter heading (``"all"``: every
    block, for a page before any chapter heading)."""
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
    doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    if "toc" in sections:
        for toc in doc.xpath('//*[contains(concat(" ", @class, " "), " toc ")]'):
            toc.set("class", f'{toc.get("class", "")} {cls}'.strip())
    main = doc.find(".//main")
    inside = "all" in sections  # a document without chapter headings (a factsheet): all of it
    for child in (main if main is not None else []):
        heads = [child] if child.tag == "h1" else child.findall(".//h1")
        if heads and "all" not in sections:
            inside = any(h.get("id") in sections for h in heads)
        if inside:
            child.set("class", f'{child.get("class", "")} {cls}'.strip())
    return lxml.html.tostring(doc, encoding="unicode", method="html", doctype="<!DOCTYPE html>")


def _mark_tables(html: str, numbers: list[str], cls: str) -> str:
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
    doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    for n in numbers:
        for table in doc.xpath(f'//table[@data-table="{n}"]'):
            table.set("class", f'{table.get("class", "")} {cls}'.strip())
            figure = table.getparent()
            if cls == "landscape" and figure is not None and figure.tag == "figure":
                figure.set("class", f'{figure.get("class", "")} {cls}'.strip())
    return lxml.html.tostring(doc, encoding="unicode", method="html", doctype="<!DOCTYPE html>")


# ---------------------------------------------------------------------- internals
def _drop_stderr(nb) -> None:
    """Warnings written to stderr are not part of a report."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream"
                                       and o.get("name") == "stderr")]


def _finish(html: str, lang: str = "es") -> tuple[str, list[tuple[int, str]]]:
    """Fill the table of contents, move notices onto the cover, neutralise external links;
    money written one way in every text node (``money.money_text``)."""
    import lxml.html
    from lxml.html import builder as E

    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
    doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    _write_money(doc, lang)
    for a in doc.xpath('//a[contains(concat(" ", @class, " "), " anchor-link ")]'):
        a.drop_tree()
    main = doc.find(".//main")
    if main is None:
        raise RenderError("template produced no <main> element")
    # Headings: stable ASCII ids, TOC entries, internal links re-pointed.
    renamed: dict[str, str] = {}
    headings: list[tuple[int, str]] = []
    toc = doc.xpath('//ol[@class="toc-list"]')[0]
    for n, h in enumerate(main.xpath(".//h1 | .//h2"), start=1):
        text = " ".join(h.text_content().split())
        new_id = f"sec-{n}"
        if h.get("id"):
            renamed[h.get("id")] = new_id
        h.set("id", new_id)
        level = int(h.tag[1])
        headings.append((level, text))
        toc.append(E.LI(E.A(text, href=f"#{new_id}"), **{"class": f"toc-h{level}"}))
    if not headings:
        toc.getparent().drop_tree()  # no headings: no contents page
    for a in main.xpath('.//a[starts-with(@href, "#")]'):
        target = a.get("href")[1:]
        if target in renamed:
            a.set("href", f"#{renamed[target]}")
    # Cover: the data's own dates (Report.cover_line) under the version line, then the notices.
    slot = doc.xpath('//div[@class="cover-notice"]')[0]
    for line in main.xpath('.//p[contains(concat(" ", @class, " "), " cover-data ")]'):
        line.getparent().remove(line)
        line.tail = None
        slot.addprevious(line)
    for div in main.xpath('.//div[contains(concat(" ", @class, " "), " aviso ")]'):
        div.getparent().remove(div)
        div.tail = None
        slot.append(div)
    if not len(slot):
        slot.drop_tree()
    # Cells left empty (no input shown, no output) would still open a page in print.
    for cls in ("jp-OutputArea-child", "jp-Cell"):
        for div in main.xpath(f'.//div[contains(concat(" ", @class, " "), " {cls} ")]'):
            if not div.text_content().strip() and not div.xpath(VISIBLE_XPATH):
                div.drop_tree()
    _keep_with_next(main)
    _fit_tables(main)
    # External hyperlinks become text with the address, so the file references nothing.
    for a in doc.xpath("//a[@href]"):
        href = a.get("href")
        if re.match(EXTERNAL, href):
            label = a.text_content().strip()
            span = E.SPAN(label if label == href else f"{label} ({href})",
                          **{"class": "ext-link"})
            span.tail = a.tail
            a.getparent().replace(a, span)
    out = lxml.html.tostring(doc, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    return out, headings


def _write_money(doc, lang: str) -> None:
    """Every text node (title and body; not scripts or styles) through ``money_text``: the
    transcribed texts keep "S/.", "soles", "PEN" and "USD", the reader sees "S/ 1,234"."""
    from analysis.money import money_text

    for node in doc.iter():
        if isinstance(node.tag, str) and node.tag not in ("script", "style") and node.text:
            node.text = money_text(node.text, lang)
        if node.tail:  # the text after an element (or comment) belongs to its parent
            node.tail = money_text(node.tail, lang)


def _keep_with_next(main) -> None:
    """Flatten cells into one sequence of output blocks and glue headings/intros to what follows.

    Each output sits in its own nested cell wrapper, so ``break-after: avoid`` on a heading could
    not reach the next cell's figure. With the blocks as siblings, a block that is only a heading,
    or a short text block followed by a figure or table, gets ``keep-next`` (print.css).
    """
    children = []
    for cell in main.xpath('./div[contains(concat(" ", @class, " "), " jp-Cell ")]'):
        own = cell.xpath('.//div[contains(concat(" ", @class, " "), " jp-OutputArea-child ")]')
        if not own:  # a markdown cell is one block already
            children.append(cell)
            continue
        parent, index, tail = cell.getparent(), cell.getparent().index(cell), cell.tail
        parent.remove(cell)
        for k, child in enumerate(own):
            child.getparent().remove(child)
            parent.insert(index + k, child)
        own[-1].tail = tail
        children.extend(own)
    for block, nxt in zip(children, children[1:]):
        heads = block.xpath(".//h1 | .//h2 | .//h3 | .//h4")
        text_only = not block.xpath(".//figure | .//table | .//img | .//svg")
        only_heading = heads and len(" ".join(block.text_content().split())) <= len(
            " ".join(" ".join(h.text_content().split()) for h in heads)) + 1
        short_intro = text_only and len(block.text_content()) < 700 and nxt.xpath(".//figure")
        if only_heading or short_intro:
            block.set("class", block.get("class", "") + " keep-next")


# Tables: width class by column count (print.css sets font size and padding per class) and no
# line break inside short tokens ("< 0.001", "2005 vs 2011", "89.2 %", "Todas las redes").
WIDE_COLUMNS = 7        # from this many columns a table is set smaller ("wide")
VERY_WIDE_COLUMNS = 9   # and from this many, smaller still ("very-wide")
LONG_TABLE_CHARS = 1800  # a table with more text than this may break across pages
SHORT_CELL_CHARS = 16   # a cell of at most this many characters (and three words) never wraps
NBSP = "\u00a0"
WORD_JOINER = "\u2060"  # no break after a dash inside a range of numbers
_GLUE = [
    (re.compile(r"([<>≤≥=±×~]) (?=\S)"), "\\1" + NBSP),                   # "< 0.001", "× 1.2"
    (re.compile(r"(?<=\S) ([%‰])"), NBSP + "\\1"),                        # "89.2 %"
    (re.compile(r"(\d) (vs\.?|a|al|to|–|-|—|/) (?=[\d<>≤≥−-])"),           # "2005 vs 2011"
     "\\1" + NBSP + "\\2" + NBSP),
    (re.compile(r"(S/\.?|N°|US\$) (?=\d)"), "\\1" + NBSP),                # "S/ 1,234"
    (re.compile(r"(\d[–-])(?=\d)"), "\\1" + WORD_JOINER),                  # "4,680–5,200"
    (re.compile(r"(?<=[a-záéíóúñ]) (?=(?:19|20)\d\d\b)"), NBSP),             # "julio 2006"
]


_NUM = r"(?:[<>≤≥~±×]\s*)?[−+-]?(?:S/\.?\s*)?\d[\d.,]*(?:\s*[%‰])?"
# Range separators of both editions: "3,710 a 4,861" (es), "3,710 to 4,861" (en), "4,680–5,200".
NUMERIC_CELL = re.compile(rf"^(?:{_NUM}(?:\s*(?:a|al|to|–|-|—|/|vs\.?)\s*{_NUM})?|[–—-]|)$")
RANGE_CELL = re.compile(rf"^{_NUM} (?:a|al|to|–|-|—|/|vs\.?) {_NUM}$")
RANGE_SEPARATOR = re.compile(r"(?<=\u00a0)(a|al|to|–|-|—|/|vs\.?)\u00a0")


def is_numeric_text(text: str) -> bool:
    """A cell that reads as a number, a range of numbers or a placeholder dash."""
    return bool(NUMERIC_CELL.match(" ".join(text.split())))


def glue_short_tokens(text: str, short: bool = False) -> str:
    """Non-breaking spaces inside tokens that must not wrap; the whole text if ``short``."""
    if short:
        return text.replace(" ", NBSP)
    for pattern, repl in _GLUE:
        text = pattern.sub(repl, text)
    return text


def _is_short(text: str) -> bool:
    words = text.split()
    return 1 < len(words) <= 3 and len(text.strip()) <= SHORT_CELL_CHARS


def _fit_tables(main) -> None:
    """Mark each table by width (``wide``/``very-wide``) and glue its short tokens."""
    for number, table in enumerate(main.xpath(".//table"), start=1):
        table.set("data-table", str(number))
        rows = table.xpath(".//tr")
        ncols = max((sum(int(c.get("colspan", "1") or 1) for c in r.xpath("./th | ./td"))
                     for r in rows), default=0)
        classes = (table.get("class") or "").split()
        classes = [c for c in classes if not c.startswith("cols-")] + [f"cols-{ncols}"]
        if ncols >= WIDE_COLUMNS:
            classes.append("wide")
        if ncols >= VERY_WIDE_COLUMNS:
            classes.append("very-wide")
        table.set("class", " ".join(dict.fromkeys(classes)))
        figure = table.getparent()
        if (figure is not None and figure.tag == "figure"
                and len(" ".join(table.text_content().split())) > LONG_TABLE_CHARS):
            # a table with this much text rarely fits the rest of a page: let it break across
            # pages (header repeated) instead of leaving the page before it half empty
            figure.set("class", " ".join(dict.fromkeys([*(figure.get("class") or "").split(),
                                                        "long"])))
        _align_numeric_columns(rows, ncols)
        for cell in table.xpath(".//td | .//th"):
            text = cell.text_content()
            classes = (cell.get("class") or "").split()
            # A range of numbers may break after its separator in a tight table, never inside
            # a number: "1,708,200 –" / "2,190,000".
            is_range = (cell.tag == "td" and "num" in classes and not len(cell)
                        and bool(RANGE_CELL.match(" ".join(text.split()))))
            short = cell.tag == "td" and not is_range and _is_short(text)
            for node in [cell, *cell.iterdescendants()]:
                if node.text:
                    node.text = glue_short_tokens(node.text, short)
                if node is not cell and node.tail:
                    node.tail = glue_short_tokens(node.tail, short)
            if is_range:
                cell.text = RANGE_SEPARATOR.sub(lambda m: m.group(1) + " ", cell.text)
                cell.set("class", " ".join(dict.fromkeys([*classes, "range"])))


def _align_numeric_columns(rows, ncols: int) -> None:
    """A column whose body cells all read as numbers (text such as "3,710 a 4,861" or "< 0.001"
    included) is right-aligned and unbreakable like a numeric one."""
    grid: list[list] = []
    for r in rows:
        cells = r.xpath("./th | ./td")
        if any(int(c.get("colspan", "1") or 1) != 1 for c in cells) or len(cells) != ncols:
            return  # merged cells: leave the table as it is
        grid.append(cells)
    for j in range(ncols):
        body = [r[j] for r in grid if r[j].tag == "td"]
        texts = [" ".join(c.text_content().split()) for c in body]
        if not body or not any(texts) or not all(is_numeric_text(x) for x in texts):
            continue
        for r in grid:
            cls = [c for c in (r[j].get("class") or "").split() if c != "txt"]
            r[j].set("class", " ".join(dict.fromkeys([*cls, "num"])))


def _temp_beside(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.report.render", description=__doc__.split("\n")[0])
    parser.add_argument("notebook", type=Path, help="executed notebook (.ipynb)")
    parser.add_argument("--html", type=Path, required=True, help="output HTML file")
    parser.add_argument("--pdf", type=Path, default=None, help="output PDF file (optional)")
    parser.add_argument("--title", required=True)
    parser.add_argument("--subtitle", default="")
    parser.add_argument("--lang", default="es", choices=["es", "en"])
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                        help="cover date, YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)
    try:
        res = render(args.notebook, args.html, args.pdf, title=args.title,
                     subtitle=args.subtitle, lang=args.lang, date=args.date)
    except (RenderError, FileNotFoundError, ValueError) as exc:
        print(f"render: {exc}", file=sys.stderr)
        return 1
    msg = f"{res.html_path} ({res.html_seconds:.2f} s)"
    if res.pdf_path:
        msg += f", {res.pdf_path}: {res.pages} pages ({res.pdf_seconds:.2f} s)"
    print(msg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
