"""Offline HTML export: no code, no external resources, lang="zh", embedded font, demo banner."""

from __future__ import annotations

import base64
import io
import re

import pytest
from fontTools.ttLib import TTFont
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.reporting import export

CODE_MARKER = "secret_code_line = 12345"


def _notebook():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()
    return new_notebook(cells=[
        new_markdown_cell("# 某县义务教育优质均衡自评报告\n\n正文：资源配置。"),
        new_code_cell(CODE_MARKER, execution_count=1, outputs=[
            new_output("stream", name="stdout", text="班额 45 人\n"),
            new_output("stream", name="stderr", text="UserWarning: stderr-marker 警告\n"),
            new_output("error", ename="ValueError", evalue="error-marker",
                       traceback=["Traceback (most recent call last):", "ValueError: error-marker"]),
            new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        ]),
        new_markdown_cell("## 第二节"),
    ])


@pytest.fixture(scope="module")
def page() -> str:
    return export.export_html(_notebook(), demo=False)


@pytest.fixture(scope="module")
def demo_page() -> str:
    return export.export_html(_notebook(), demo=True)


def _body(html: str) -> str:
    return html[html.index("<body"):]


def test_no_code_input_and_no_prompts(page):
    assert CODE_MARKER not in page
    assert "secret_code_line" not in page
    assert "jp-CodeMirrorEditor" not in _body(page)
    assert "jp-InputArea-editor" not in _body(page)
    assert "In&nbsp;[" not in _body(page) and "Out[" not in _body(page)
    assert "jp-InputPrompt" not in _body(page) and "jp-OutputPrompt" not in _body(page)
    # stdout survives as the one <pre> of the body
    assert re.findall(r"<pre>([^<]*)</pre>", _body(page)) == ["班额 45 人\n"]


def test_no_tracebacks_warnings_or_stderr(page):
    assert "Traceback" not in page
    assert "error-marker" not in page
    assert "stderr-marker" not in page
    assert "UserWarning" not in page


def test_nothing_loaded_from_the_internet(page):
    assert re.search(r"<script[^>]+src=", page) is None
    assert re.search(r"<link[^>]+href=[\"']?https?:", page) is None
    assert re.search(r"url\(\s*[\"']?https?:", page) is None
    assert re.search(r"@import", page) is None


def test_language_and_title(page):
    assert '<html lang="zh">' in page
    assert "<title>某县义务教育优质均衡自评报告</title>" in page


def test_figure_embedded_as_data_uri(page):
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page)


def test_font_face_subset_has_exactly_the_page_characters(page):
    match = re.search(r'@font-face\s*{[^}]*font-family:\s*"Report Noto Sans SC"[^}]*'
                      r'url\("data:font/(woff2?);base64,([A-Za-z0-9+/=]+)"\)', page)
    assert match, "no embedded @font-face"
    font = TTFont(io.BytesIO(base64.b64decode(match.group(2))))
    covered = {chr(c) for c in font.getBestCmap()}
    expected = set(export.page_characters(page))
    assert expected <= covered
    # a subset, not the whole font (~30,000 glyphs): only a few characters beyond the page's own
    assert len(covered - expected) <= 5
    for ch in "某县资源配置班额第二节":
        assert ch in covered
    assert "漢" not in covered
    # the body uses it
    assert '"Report Noto Sans SC"' in export.REPORT_CSS_FILE.read_text(encoding="utf-8")
    assert "font-family: var(--report-font)" in page


def test_demo_banner_only_when_demo(page, demo_page):
    banner = "示例数据，非真实统计（demo data, not real statistics）"
    assert export.DEMO_BANNER == banner
    assert banner in demo_page
    assert banner not in page
    # the banner's characters are in the demo page's font subset
    assert set("示例数据非真实统计") <= set(export.page_characters(demo_page))


def test_print_rules_in_stylesheet(page):
    assert "@media print" in page
    assert re.search(r"tr\s*{[^}]*break-inside:\s*avoid", page)


def test_page_characters_ignores_style_and_markup():
    html = "<html><head><style>body{font:12px 宋体}</style></head><body><p>甲&amp;乙 <b>丙</b></p></body></html>"
    # text nodes only: 甲 & 乙 丙 (entity decoded, whitespace dropped, style text ignored)
    assert export.page_characters(html) == "".join(sorted("&甲乙丙"))


def test_notebook_title_falls_back_to_name():
    nb = new_notebook(cells=[new_markdown_cell("没有标题的段落")])
    assert export.notebook_title(nb, default="indicators") == "indicators"
    nb = new_notebook(cells=[new_markdown_cell("前言\n\n## 二级标题 ##")])
    assert export.notebook_title(nb) == "二级标题"
