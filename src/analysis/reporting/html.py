"""Escaped HTML pieces of the reports (表格、段落、图): every text from the inputs is escaped; a missing value shows as “—”."""

from __future__ import annotations

import base64
import html
import io
import re
from functools import lru_cache
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.reporting.formats import (
    COLUMN_KINDS,
    DETAIL_HEADERS,
    MISSING,
    NAME_COLUMNS,
    PASS_COLUMNS,
    PASS_STATUSES,
    detail_kinds,
    fmt_number,
    header_map,
    is_missing,
)


#: CJK characters and punctuation (ideographs, kana, CJK and full-width punctuation)
CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# a line break inside a Markdown paragraph between two CJK characters (emphasis marks around them
# allowed; not a hard break, which ends in two spaces)
_SOFT_BREAK = re.compile(f"([{CJK}][*_`]*) ?\n[ \t]*(?=[*_`]*[{CJK}])")


def join_cjk_lines(markdown: str) -> str:
    """Join the lines of a Markdown paragraph where the break falls between two Chinese characters.

    A browser shows a line break inside a paragraph as a space: "根据\n本期" would read "根据 本期".
    Chinese has no spaces between words, so such a break is removed; a break next to Latin text or
    digits is kept (it is a space there), and so are blank lines, list items and headings.
    """
    return _SOFT_BREAK.sub(r"\1", markdown)


# spaces between two CJK characters (not the ideographic space U+3000, which is one of them)
_CJK_SPACE = re.compile(f"([{CJK}])[ \t\u00a0]+(?=[{CJK}])")


def tidy_cjk_spaces(text: str) -> str:
    """Remove the spaces between two Chinese characters ("后安镇中心小学 音乐教室" → "后安镇中心小学音乐教室"):
    Chinese is set without spaces between words; spaces next to digits or Latin text stay."""
    return _CJK_SPACE.sub(r"\1", text)


def esc(text: Any, tidy: bool = True) -> str:
    """HTML-escape any value (quotes too); missing → "—". Spaces between two Chinese characters are
    removed (:func:`tidy_cjk_spaces`) unless ``tidy=False`` (a file path is shown as it is)."""
    if is_missing(text):
        return MISSING
    return _escaped(str(text), tidy)


@lru_cache(maxsize=1 << 16)
def _escaped(text: str, tidy: bool) -> str:
    # a page set repeats its texts (headers, names, units) thousands of times: each escaped once
    return html.escape(tidy_cjk_spaces(text) if tidy else text, quote=True)


def _cell(value: Any, column: str, kind: str | None) -> tuple[str, list[str]]:
    """Text and CSS classes of one table cell."""
    classes: list[str] = []
    if is_missing(value):
        return MISSING, ["na"]
    if kind is not None:
        return esc(fmt_number(value, kind)), ["num"]
    if isinstance(value, (bool, np.bool_)):
        b = bool(value)
        if column in PASS_COLUMNS:
            return ("达标" if b else "未达标"), ["pass" if b else "fail"]
        return ("是" if b else "否"), []
    if column == "status" and str(value) in PASS_STATUSES:
        return esc(value), [PASS_STATUSES[str(value)]]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return esc(value), ["num"]
    return esc(value), classes


def html_table(
    df: pd.DataFrame,
    table: str | None = None,
    headers: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    columns: Iterable[str] | None = None,
    caption: str | None = None,
    row_status: str | None = None,
    css_class: str = "report-table",
    empty_text: str = "（无）",
    status_of: Mapping[str, str] | None = None,
    max_rows: int | None = None,
    table_id: str | None = None,
    links: Mapping[str, str] | None = None,
    classes_of: Mapping[str, str] | None = None,
) -> str:
    """Render ``df`` as an escaped HTML table with Chinese headers and pass/fail highlighting.

    - ``table``: the schema table name, for the header map and the number kinds of its columns;
    - ``headers`` / ``kinds``: extra or overriding headers and number kinds (see ``number_formats``);
    - ``columns``: which columns, in which order (default: all);
    - ``row_status``: a column whose pass/fail marks the whole row (class ``row-pass``/``row-fail``);
    - ``status_of``: value column → boolean column judging it (e.g. ``{"L1": "L1_met"}``): the value
      cell gets class ``pass``/``fail``;
    - ``max_rows``: show at most this many rows and say how many were left out;
    - ``links``: school code → address of its page (``school_pages.school_links``): the
      ``school_name`` cell of a row whose ``school_code`` has a page links to it;
    - ``classes_of``: value column → column holding extra CSS classes of that cell (e.g.
      ``"fail worst"``; missing → none), for marks a boolean cannot carry.

    Every text that reaches the page is escaped, headers and caption included. Booleans of the
    pass columns show as 达标/未达标, other booleans as 是/否, missing values as "—".
    """
    cols = list(columns) if columns is not None else list(df.columns)
    n_total = len(df)
    if max_rows is not None and n_total > max_rows:
        df = df.head(max_rows)
    link_code = "school_code" if links and "school_name" in cols and "school_code" in df.columns else None
    extra = [c for c in [row_status, *(status_of or {}).values(), *(classes_of or {}).values(), link_code]
             if c and c not in cols and c in df.columns]
    return table_from_records(
        df[cols + list(dict.fromkeys(extra))].to_dict("records"), cols, table=table, headers=headers,
        kinds=kinds, caption=caption, row_status=row_status, css_class=css_class, empty_text=empty_text,
        status_of=status_of, max_rows=max_rows, n_total=n_total, table_id=table_id,
        links=links if link_code else None, classes_of=classes_of)


def table_from_records(
    records: list[dict[str, Any]],
    columns: Iterable[str],
    table: str | None = None,
    headers: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    caption: str | None = None,
    row_status: str | None = None,
    css_class: str = "report-table",
    empty_text: str = "（无）",
    status_of: Mapping[str, str] | None = None,
    max_rows: int | None = None,
    n_total: int | None = None,
    table_id: str | None = None,
    links: Mapping[str, str] | None = None,
    classes_of: Mapping[str, str] | None = None,
) -> str:
    """:func:`html_table` of rows already taken out of a frame (``DataFrame.to_dict("records")``):
    the same table, without pandas. A page that shows a few rows of a large table (one school's)
    converts the table once and passes each page its records.

    ``records`` hold the ``columns`` and the columns that ``row_status``, ``status_of``,
    ``classes_of`` and ``links`` (``school_code``) name; ``n_total`` is the number of rows before
    ``max_rows`` (default: all of them, the records are cut here).
    """
    cols = list(columns)
    status_of = dict(status_of or {})
    classes_of = dict(classes_of or {})
    if n_total is None:
        n_total = len(records)
    if max_rows is not None and len(records) > max_rows:
        records = records[:max_rows]
    hmap = {**header_map(table), **(headers or {})}
    kmap = {**COLUMN_KINDS.get(table or "", {}), **(kinds or {})}
    tid = f' id="{esc(table_id)}"' if table_id else ""
    out = [f'<table class="{esc(css_class)}"{tid}>']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(hmap.get(c, c))}</th>" for c in cols) + "</tr></thead>")
    out.append("<tbody>")
    if not records:
        out.append(f'<tr><td colspan="{len(cols)}" class="empty">{esc(empty_text)}</td></tr>')
    # Row-wise rendering of a small report table (display only; the engine never loops per school).
    # short text columns (学段, 城乡, 结果 …) are kept on one line
    short_cols = {
        c for c in cols
        if c not in kmap and records
        and max(len(str(v)) if not is_missing(v) else 0 for v in (rec[c] for rec in records)) <= 8
    }
    links = dict(links or {})
    link_code = "school_code" if links and "school_name" in cols else None
    for record in records:
        tr_class = ""
        if row_status is not None:
            s = record.get(row_status)
            if not is_missing(s):
                state = PASS_STATUSES.get(s, "nodata") if isinstance(s, str) else ("pass" if bool(s) else "fail")
                tr_class = f' class="row-{state}"'
        cells = []
        for c in cols:
            text, classes = _cell(record[c], c, kmap.get(c))
            if c in short_cols:
                classes = [*classes, "short"]
            elif c in NAME_COLUMNS:
                classes = [*classes, "name"]
            judge = record.get(status_of[c]) if c in status_of else None
            if judge is not None and not is_missing(judge) and text != MISSING:
                classes = [*classes, "pass" if bool(judge) else "fail"]
            marks = record.get(classes_of[c]) if c in classes_of else None
            if marks is not None and not is_missing(marks):
                classes = [*classes, *str(marks).split()]
            if c == "school_name" and link_code and text != MISSING:
                href = links.get(str(record[link_code]))
                if href:
                    text = f'<a href="{esc(href)}">{text}</a>'
            cls = f' class="{esc(" ".join(classes))}"' if classes else ""
            cells.append(f"<td{cls}>{text}</td>")
        out.append(f"<tr{tr_class}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if max_rows is not None and n_total > max_rows:
        out.append(f'<p class="table-note">（仅列出前 {max_rows} 行，共 {n_total} 行。）</p>')
    return "".join(out)


def html_paragraph(text: str, css_class: str | None = None) -> str:
    """One escaped paragraph."""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return f"<p{cls}>{esc(text)}</p>"


def html_list(items: Iterable[str]) -> str:
    """An escaped bulleted list."""
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


#: PNG resolution: a figure 7 inches wide or more is printed at ≥ 100 dpi across an A4 text width
#: of ~7 inches (and sharper for wider figures, which are scaled down); 100 dpi keeps a page small.
FIGURE_PNG_DPI = 100
#: an inline SVG larger than this (many markers or lines) is compared with the PNG, the smaller kept
FIGURE_SVG_MAX_BYTES = 60_000

#: matplotlib's SVG metadata (date, creator, RDF) left out: nothing an official reads, bytes on every figure
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_SVG_GEOMETRY_ATTRS = re.compile(r'\s(d|x|y|width|height)="([^"]*)"')
_SVG_NUMBER = re.compile(r"-?\d+\.\d{3,}")


def _round_number(match: re.Match) -> str:
    text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _compact_svg(svg: str) -> str:
    """matplotlib's SVG made fit for inlining into an HTML page, and smaller.

    Left out: the XML declaration and DOCTYPE, comments, namespace declarations (the HTML parser
    puts <svg> in the SVG namespace), the ``*{stroke-linejoin…}`` style (report.css has it, scoped
    to the figures), the automatic ``id`` of groups (figure_1, axes_1 … would repeat on a page with
    several figures; nothing refers to them), the no-op ``rotate(-0 …)`` of horizontal text, the
    text's font-family (report.css draws figure text with the embedded font) and whitespace
    between tags. Coordinates are rounded to 0.01 pt. Text content is not touched (matplotlib has
    escaped it: ``<`` → ``&lt;``); ids that are referred to (clip paths, markers) are kept.
    """
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg, count=2)
    svg = re.sub(r'\sversion="1\.1"', "", svg, count=1)
    svg = re.sub(r'<defs>\s*<style type="text/css">[^<]*</style>\s*</defs>', "", svg, count=1)
    svg = re.sub(r'<g id="[^"]*">', "<g>", svg)
    svg = re.sub(r'\stransform="rotate\(-?0 [-\d.]+ [-\d.]+\)"', "", svg)
    svg = re.sub(r"font-family: [^;\"]*(; )?", "", svg)
    svg = _SVG_GEOMETRY_ATTRS.sub(
        lambda m: f' {m.group(1)}="{_SVG_NUMBER.sub(_round_number, " ".join(m.group(2).split()))}"', svg)
    return re.sub(r">\s+<", "><", svg).strip()


def figure_svg(fig: Any) -> str:
    """``fig`` as compact inline SVG markup; text stays text (``svg.fonttype = none``)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata=_SVG_METADATA)
    return _compact_svg(buf.getvalue())


def figure_png(fig: Any, dpi: int = FIGURE_PNG_DPI) -> bytes:
    """``fig`` as PNG bytes at ``dpi``: on white, at most 256 colours (octree palette, no dithering), optimised.

    A chart has few colours besides the anti-aliasing of its lines and text; the palette keeps them
    and makes the file about 4 times smaller than the RGBA image.
    """
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    rgba = Image.open(buf).convert("RGBA")
    rgb = Image.new("RGB", rgba.size, "white")
    rgb.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    rgb.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        out, format="png", optimize=True)
    return out.getvalue()


def html_figure(fig: Any, alt: str = "", dpi: int = FIGURE_PNG_DPI, fmt: str = "auto") -> str:
    """A matplotlib figure as compact offline markup in ``<figure class="report-figure">``; the figure is closed.

    - ``fmt="svg"``: inline SVG whose text is text, drawn by the page's embedded font subset
      (:func:`analysis.reporting.page_assets.page_characters` collects it), sharp when printed;
    - ``fmt="png"``: a base64 PNG at ``dpi``;
    - ``fmt="auto"`` (default): the SVG, unless it is larger than ``FIGURE_SVG_MAX_BYTES`` (figures
      with hundreds of markers or lines) and the PNG is smaller.

    ``alt`` (escaped) is the figure's text alternative: ``aria-label`` of the SVG, ``alt`` of the PNG.
    """
    import matplotlib.pyplot as plt  # lazy: pages without figures do not load matplotlib

    try:
        if fmt not in ("auto", "svg", "png"):
            raise ValueError(f"fmt must be 'auto', 'svg' or 'png', not {fmt!r}")
        svg = figure_svg(fig) if fmt != "png" else ""
        png = b""
        if fmt == "png" or (fmt == "auto" and len(svg.encode("utf-8")) > FIGURE_SVG_MAX_BYTES):
            png = figure_png(fig, dpi=dpi)
    finally:
        plt.close(fig)
    if png and (not svg or len(base64.b64encode(png)) < len(svg.encode("utf-8"))):
        data = base64.b64encode(png).decode("ascii")
        return f'<figure class="report-figure"><img alt="{esc(alt)}" src="data:image/png;base64,{data}"/></figure>'
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{esc(alt)}"', 1)
    return f'<figure class="report-figure">{svg}</figure>'


def detail_frame(results: Any, code: str) -> pd.DataFrame | None:
    """The engine's detail table of indicator ``code`` (failing schools / classes), if any."""
    details = result_table(results, "details") if _has(results, "details") else None
    if details is None:
        return None
    d = details.get(code) if isinstance(details, Mapping) else getattr(details, code, None)
    if d is not None and not isinstance(d, pd.DataFrame):
        d = getattr(d, "detail", None)
    return d if isinstance(d, pd.DataFrame) and not d.empty else None


def _has(results: Any, name: str) -> bool:
    return name in results if isinstance(results, Mapping) else hasattr(results, name)


def result_table(results: Any, name: str) -> pd.DataFrame:
    """``results.<name>`` or ``results[name]``."""
    if isinstance(results, Mapping):
        return results[name]
    return getattr(results, name)


def detail_table(results: Any, code: str, max_rows: int = 40, caption: str | None = None,
                 links: Mapping[str, str] | None = None) -> str:
    """The engine's detail table of ``code`` as escaped HTML with Chinese headers ("" when none);
    ``links``: school code → page, as in :func:`html_table`."""
    d = detail_frame(results, code)
    if d is None:
        return ""
    return html_table(d, headers=DETAIL_HEADERS, kinds=detail_kinds(d), max_rows=max_rows, caption=caption,
                      css_class="report-table detail-table", links=links)
