"""Offline HTML export of executed notebooks (离线 HTML 报告导出).

What an official sees: no code, no prompts, no tracebacks or warnings, ``<html lang="zh">``, figures
embedded, nothing loaded from the internet, and the Chinese text rendered by an embedded subset of
Noto Sans SC (only the characters that occur on the page, base64 ``@font-face``), so the page looks
the same on a Windows office PC, on a Linux scheduler and when printed to PDF.

The template (``templates/offline``) is nbconvert's ``basic`` (the cells only) inside the page
skeleton that every report page shares (``templates/shared/layout.html.j2``: head, demo banner,
footer); the only stylesheet is ``templates/shared/report.css``, no JupyterLab CSS. The pages built
outside nbconvert (reports/index.html) use the same skeleton through :mod:`analysis.reporting.pages`.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from pylopdf_fonts_zh_cn import sans_path

from analysis.files import atomic_write, default_file_mode  # noqa: F401  (re-exported)
from analysis.paths import PACKAGE_DIR
from analysis.reporting.html import join_cjk_lines

TEMPLATES_DIR = PACKAGE_DIR / "reporting" / "templates"
TEMPLATE_NAME = "offline"
REPORT_CSS_FILE = TEMPLATES_DIR / "shared" / "report.css"
CJK_FONT_PATH = Path(sans_path()).resolve()
#: font-family name of the embedded subset (distinct from an installed "Noto Sans SC", so the
#: embedded glyphs are always the ones used); report.css lists it first.
EMBEDDED_FONT_FAMILY = "Report Noto Sans SC"
DEMO_BANNER = "示例数据，非真实统计（demo data, not real statistics）"
#: cells with one of these tags are left out of the HTML entirely
REMOVE_CELL_TAGS = ("remove-cell", "remove_cell", "hide-cell")

#: stands for the page's @font-face until the page is rendered and its characters are known
FONT_PLACEHOLDER = "/*@@REPORT_FONT_FACE@@*/"


class DropErrorsAndStderr(Preprocessor):
    """Remove error outputs (tracebacks) and stderr streams (warnings, logging) from code cells."""

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell.outputs = [
                out
                for out in cell.outputs
                if out.get("output_type") != "error"
                and not (out.get("output_type") == "stream" and out.get("name") == "stderr")
            ]
        return cell, resources


class _PageText(HTMLParser):
    """Collects the characters a browser draws with the page font: text outside style/script,
    including the ``<text>`` of inline SVG figures (drawn with the page font, see report.css)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._skip = 0
        self.chars: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chars.update(data)


def page_characters(html: str) -> str:
    """The distinct characters of the page's visible text, sorted. ASCII whitespace is left out;
    other spaces stay in: the ideographic space U+3000 of Chinese text needs its glyph, or a
    machine without a CJK font shows a missing-glyph box for it."""
    parser = _PageText()
    parser.feed(html)
    parser.close()
    return "".join(sorted(ch for ch in parser.chars if not (ch.isspace() and ch.isascii())))


def _woff2_available() -> bool:
    try:
        import brotli  # noqa: F401
    except ImportError:
        return False
    return True


def font_subset_css(text: str, font_path: str | Path = CJK_FONT_PATH) -> str:
    """``@font-face`` rule embedding a subset of ``font_path`` with exactly the glyphs of ``text``.

    woff2 when brotli is installed, otherwise woff (zlib). Returns "" for empty text.

    The OpenType features kept are fontTools' default set, the ones a browser applies by itself
    (kern, locl, ccmp, vert …); alternates that only ``font-feature-settings`` would request (aalt,
    full/half-width forms, stylistic sets) are left out: about 200 fewer glyphs on a 600-character
    page. The charstrings are desubroutinized (same outlines, ~4 % smaller after compression).
    Hinting is kept (small text on Windows). Loading the 17 MB OTF is lazy (~50 ms of tables per
    call); the time goes to the subsetting and the woff2 (brotli) compression, so nothing is cached.
    """
    from fontTools import subset

    if not text:
        return ""
    flavor, mime, fmt = ("woff2", "font/woff2", "woff2") if _woff2_available() else ("woff", "font/woff", "woff")
    options = subset.Options()
    options.flavor = flavor
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buffer = BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        "@font-face {\n"
        f'  font-family: "{EMBEDDED_FONT_FAMILY}";\n'
        "  font-style: normal;\n  font-weight: 400;\n  font-display: block;\n"
        f'  src: url("data:{mime};base64,{data}") format("{fmt}");\n'
        "}"
    )


_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_HTML_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S | re.I)


def notebook_title(nb: nbformat.NotebookNode, default: str = "") -> str:
    """The notebook's title: its first level-1 heading, either a markdown ``# 标题`` or an
    ``<h1>`` that a cell displays (a report's title naming the county and period is computed);
    without one, its first markdown heading of any level; else ``default``."""
    first_heading = ""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in str(cell.get("source", "")).splitlines():
                match = _HEADING.match(line)
                if match and len(match.group(1)) == 1:
                    return match.group(2).strip()
                if match and not first_heading:
                    first_heading = match.group(2).strip()
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data", {}).get("text/html")
            match = _HTML_H1.search("".join(data) if isinstance(data, list) else str(data or ""))
            if match:
                return html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
    return first_heading or default


class JoinChineseLines(Preprocessor):
    """Markdown cells: a line break inside a paragraph between two Chinese characters is removed
    (a browser would show it as a space: "根据 本期")."""

    def preprocess_cell(self, cell, resources, index):
        if cell.get("cell_type") == "markdown":
            cell.source = join_cjk_lines(str(cell.source))
        return cell, resources


def report_css() -> str:
    """The report stylesheet (templates/shared/report.css), the only CSS of every report page."""
    return REPORT_CSS_FILE.read_text(encoding="utf-8")


def embed_font(html: str) -> str:
    """Replace the page's :data:`FONT_PLACEHOLDER` by the ``@font-face`` subset of its characters."""
    if FONT_PLACEHOLDER not in html:
        raise ValueError("page has no font placeholder / 页面缺少字体占位符")
    return html.replace(FONT_PLACEHOLDER, font_subset_css(page_characters(html)), 1)


def _make_exporter() -> HTMLExporter:
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        # the shared page skeleton and its partials: {% extends "shared/layout.html.j2" %}
        extra_template_paths=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="zh",
        embed_images=True,
        exclude_anchor_links=True,  # no "¶" after every heading
    )
    exporter.register_preprocessor(DropErrorsAndStderr(), enabled=True)
    exporter.register_preprocessor(JoinChineseLines(), enabled=True)
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=set(REMOVE_CELL_TAGS), enabled=True), enabled=True
    )
    return exporter


def export_html(
    nb: nbformat.NotebookNode | str | Path, *, demo: bool = False, title: str | None = None
) -> str:
    """Render an executed notebook (object or ``.ipynb`` path) to a self-contained HTML string.

    ``demo=True`` adds the banner 示例数据，非真实统计 at the top of the page. The page title is
    ``title`` or the notebook's first markdown heading.
    """
    if isinstance(nb, (str, Path)):
        name = Path(nb).stem
        nb = nbformat.read(str(nb), as_version=4)
    else:
        name = "report"
        nb = nbformat.from_dict(nb)  # a copy: the caller's notebook is left as it was
    nb.metadata["title"] = title or notebook_title(nb, default=name)
    resources = {
        "demo": bool(demo),
        "demo_banner": DEMO_BANNER,
        "report_css": report_css(),
        "font_face_css": FONT_PLACEHOLDER,
        "metadata": {"name": name},
    }
    html, _ = _make_exporter().from_notebook_node(nb, resources=resources)
    return embed_font(html)


def write_html(
    nb: nbformat.NotebookNode | str | Path, path: str | Path, *, demo: bool = False
) -> Path:
    """Export ``nb`` and write the HTML atomically to ``path``."""
    return atomic_write(path, export_html(nb, demo=demo))


__all__ = [
    "DEMO_BANNER",
    "export_html",
    "write_html",
    "atomic_write",
    "default_file_mode",
    "embed_font",
    "font_subset_css",
    "page_characters",
    "report_css",
    "notebook_title",
]
