"""Offline HTML export: no code, no external resources, lang="zh", embedded font, demo banner."""

from __future__ import annotations

import base64
import html
import io
import re

import pytest
from fontTools.ttLib import TTFont
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.reporting import export, page_assets

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
    # the ideographic space U+3000 between Chinese phrases is kept (its glyph is embedded); ASCII
    # spaces, tabs and line ends are not
    assert export.page_characters("<p>状态：已生成\u3000生成日期 \t\n</p>") == "".join(sorted("状态：已生成\u3000日期"))


def _parser_characters(html: str) -> str:
    """The characters as the HTML parser reads them (page_characters' fallback, the reference)."""
    parser = page_assets._PageText()
    parser.feed(html)
    parser.close()
    return "".join(sorted(ch for ch in parser.chars if not (ch.isspace() and ch.isascii())))


@pytest.mark.parametrize("html, shown", [
    # a quoted ">" is inside the tag: the attribute's 甲 and 乙 are not shown, 丙 is
    ('<p title="甲>乙">丙</p>', "丙"),
    # comments, <!DOCTYPE>, <style> and <script> (with attributes) show nothing; &#x5DF1; is 己
    ('<!DOCTYPE html><!-- 丁 --><script type="x">var s = "戊<b>";</script><style media="print">p{}</style>&#x5DF1;',
     "己"),
    # the text of inline SVG (<text>, <title>) is drawn with the page font; &lt; is a shown "<"
    ("<svg><text x='1' y=\"2\">庚</text><title>辛&lt;</title></svg>", "<庚辛"),
    # charrefs are decoded piece by piece: "&am" + "p;" across a tag is not an "&"
    ("<i>&am</i>p;&amp;", "&;amp"),
    # a "<" that starts no tag is text (read by the parser): 1, <, 2, 壬
    ("<p>1 < 2 壬</p>", "12<壬"),
])
def test_page_characters_reads_like_the_html_parser(html, shown):
    assert page_assets.page_characters(html) == "".join(sorted(shown)) == _parser_characters(html)


def test_page_characters_uses_the_parser_only_for_what_the_expression_cannot_read():
    assert page_assets._text_characters("<p>甲</p>") == {"甲"}
    assert page_assets._text_characters("<p>1 < 2</p>") is None  # a bare "<": the parser decides
    assert page_assets._text_characters("<p>甲\x00</p>") is None


def test_notebook_title_falls_back_to_name():
    nb = new_notebook(cells=[new_markdown_cell("没有标题的段落")])
    assert export.notebook_title(nb, default="indicators") == "indicators"
    nb = new_notebook(cells=[new_markdown_cell("前言\n\n## 二级标题 ##")])
    assert export.notebook_title(nb) == "二级标题"


# --------------------------------------------------------------------------- basic template, shared head, figures


FIGURE_TITLE = "生均教学仪器设备值"


def _figure_notebook():
    """A small report page: a heading, a paragraph and one figure shown the way the notebooks do."""
    import matplotlib.pyplot as plt

    from analysis.reporting import html as report_html
    from analysis.reporting import plotting  # noqa: F401  (registers the CJK font)

    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.bar(["甲校", "乙校<script>"], [1.2, 0.8])
    ax.set_title(FIGURE_TITLE)
    ax.set_ylabel("与标准之比")
    markup = report_html.html_figure(fig, alt="两校对比")
    return new_notebook(cells=[
        new_markdown_cell("# 小县资源配置\n\n两所学校的生均教学仪器设备值与标准之比。"),
        new_code_cell("show(fig)", execution_count=1, outputs=[
            new_output("display_data", data={"text/html": markup, "text/plain": "<IPython.core.display.HTML>"}),
        ]),
    ])


@pytest.fixture(scope="module")
def figure_page() -> str:
    return export.export_html(_figure_notebook(), demo=True)


def _font_cmap(page: str) -> set[str]:
    match = re.search(r'url\("data:font/woff2?;base64,([A-Za-z0-9+/=]+)"\)', page)
    assert match, "no embedded font"
    return {chr(c) for c in TTFont(io.BytesIO(base64.b64decode(match.group(1)))).getBestCmap()}


def test_page_has_no_jupyterlab_css(page, figure_page):
    for p in (page, figure_page):
        assert "jp-" not in p  # neither JupyterLab classes in the body nor their CSS in the head
        assert "--jp" not in p
        # the head's styles: the font subset, report.css and (demo only) the printed demo note
        ids = re.findall(r'<style id="([^"]+)">', p)
        assert ids[:2] == ["report-font", "report-css"] and len(re.findall(r"<style", p)) == len(ids)
    assert re.findall(r'<style id="([^"]+)">', figure_page) == ["report-font", "report-css", "report-demo-print"]


def test_small_page_is_small(figure_page):
    # measured: 26.6 KB (font subset of ~45 characters, report.css ~8 KB, figure 3.5 KB);
    # with the lab template the CSS alone was ~270 KB, and the figure a ~25 KB PNG at 110 dpi
    assert len(figure_page.encode("utf-8")) < 40_000
    svg = re.search(r"<svg.*?</svg>", figure_page, re.S).group(0)
    assert len(svg.encode("utf-8")) < 8_000


def test_small_page_has_language_banner_and_inline_figure(figure_page):
    assert '<html lang="zh">' in figure_page
    assert "<title>小县资源配置</title>" in figure_page
    assert figure_page.count(export.DEMO_BANNER) >= 2  # top of the page and footer (and print margin CSS)
    assert re.search(r'<figure class="report-figure"><svg [^>]*aria-label="两校对比"', figure_page)
    assert "data:image/png" not in figure_page  # a small chart is SVG, not a picture


def test_figure_text_is_text_drawn_by_the_embedded_subset(figure_page):
    svg = re.search(r"<svg.*?</svg>", figure_page, re.S).group(0)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert FIGURE_TITLE in texts and "甲校" in texts and "与标准之比" in texts
    # the school name from the data is escaped by matplotlib, no live tag
    assert "乙校&lt;script&gt;" in texts and "<script>" not in figure_page
    drawn = set(html.unescape("".join(texts))) - {" "}
    assert set(FIGURE_TITLE + "甲乙校与标准之比<>") <= drawn
    assert drawn <= _font_cmap(figure_page)  # every character of the figure is in the embedded subset
    # report.css draws SVG text with the embedded family, whatever matplotlib wrote
    assert re.search(r"figure\.report-figure svg text\s*{\s*font-family: var\(--report-font\) !important",
                     export.report_css())
    assert "font-family" not in svg


def test_nbconvert_page_escapes_the_title_through_the_shared_head():
    nb = new_notebook(cells=[new_markdown_cell("# 县<b>名</b>&报告")])
    page = export.export_html(nb)
    assert "<title>县&lt;b&gt;名&lt;/b&gt;&amp;报告</title>" in page


def test_nbconvert_page_and_index_share_the_head(page, tmp_path):
    from analysis.reporting.index import write_index

    (tmp_path / "2021").mkdir()
    (tmp_path / "2021" / "clean.html").write_text("x", encoding="utf-8")
    index = write_index(tmp_path, tmp_path / "processed").read_text(encoding="utf-8")

    def css_block(text: str) -> str:
        return re.search(r'<style id="report-css">\n(.*?)\n</style>', text, re.S).group(1)

    # the same style block, from the same macro (shared/page.html.j2), holding report.css verbatim
    assert css_block(page) == css_block(index) == export.report_css()
    for doc in (page, index):
        head = doc[:doc.index("</head>")]
        assert re.search(r'<meta charset="utf-8"/?>', head)
        assert re.search(r'<style id="report-font">\n@font-face {\n  font-family: "Report Noto Sans SC";', head)
        assert "<link" not in head and "<script" not in head
        assert re.search(r'<body class="report [a-z-]+-page">\n<main>', doc)
