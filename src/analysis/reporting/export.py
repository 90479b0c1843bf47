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

import html as html_lib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.files import atomic_write, default_file_mode  # noqa: F401  (re-exported)
from analysis.reporting.html import join_cjk_lines
# the parts every page shares, re-exported (they live apart so that showing a report does not
# import nbconvert, see analysis.reporting.page_assets)
from analysis.reporting.page_assets import (  # noqa: F401
    CJK_FONT_PATH,
    DEMO_BANNER,
    EMBEDDED_FONT_FAMILY,
    FONT_PLACEHOLDER,
    REPORT_CSS_FILE,
    TEMPLATES_DIR,
    embed_font,
    font_subset_css,
    page_characters,
    report_css,
)

TEMPLATE_NAME = "offline"
#: cells with one of these tags are left out of the HTML entirely
REMOVE_CELL_TAGS = ("remove-cell", "remove_cell", "hide-cell")

if TYPE_CHECKING:  # nbformat and nbconvert are imported where a notebook is exported: `analysis
    # check`, `analysis --help` and the pipeline's steps do not load them (nor jsonschema, ~1 s)
    import nbformat
    from nbconvert import HTMLExporter


def drop_errors_and_stderr(nb, resources):
    """nbconvert preprocessor: remove error outputs (tracebacks) and stderr streams (warnings,
    logging) from code cells."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell.outputs = [
                out
                for out in cell.outputs
                if out.get("output_type") != "error"
                and not (out.get("output_type") == "stream" and out.get("name") == "stderr")
            ]
    return nb, resources


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


def join_chinese_lines(nb, resources):
    """nbconvert preprocessor: in markdown cells, a line break inside a paragraph between two
    Chinese characters is removed (a browser would show it as a space: "根据 本期")."""
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            cell.source = join_cjk_lines(str(cell.source))
    return nb, resources


def _make_exporter() -> HTMLExporter:
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

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
    exporter.register_preprocessor(drop_errors_and_stderr, enabled=True)
    exporter.register_preprocessor(join_chinese_lines, enabled=True)
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
    import nbformat

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
