"""Pages built outside nbconvert (Jinja2, autoescape) and the compact figures (inline SVG / palette PNG)."""

from __future__ import annotations

import base64
import io
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from analysis.pipeline import runner
from analysis.reporting import html as report_html
from analysis.reporting import plotting  # noqa: F401  (registers the CJK font)
from analysis.reporting.export import DEMO_BANNER, report_css
from analysis.reporting.index import write_index
from analysis.reporting.pages import environment, render_page

EVIL = "<script>alert(1)</script>"


# --------------------------------------------------------------------------- index: autoescape


def test_index_escapes_the_county_name_status_and_file_names(tmp_path):
    period_dir = tmp_path / "reports" / "2021"
    period_dir.mkdir(parents=True)
    (period_dir / "clean.html").write_text("x", encoding="utf-8")
    odd_name = "<img src=x onerror=alert(3)>"
    (period_dir / f"{odd_name}.html").write_text("x", encoding="utf-8")  # a file name is text too
    runner.write_status(period_dir, period="2021", status="failed", started="2021-06-30T14:00:00+08:00",
                        finished="2021-06-30T14:05:09+08:00", failed_notebook="01_clean.py", failed_ipynb=None,
                        message="失败 / FAILED 01_clean.py → ValueError: <img src=x onerror=alert(2)>")
    page = write_index(tmp_path / "reports", tmp_path / "proc", county=EVIL).read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<title>{escaped}义务教育优质均衡发展评估报告索引</title>" in page
    assert f"<h1>{escaped}义务教育优质均衡发展评估报告索引</h1>" in page
    assert "ValueError: &lt;img src=x onerror=alert(2)&gt;" in page
    # the odd report file: link text escaped, href URL-quoted
    assert ('<a href="2021/%3Cimg%20src%3Dx%20onerror%3Dalert%283%29%3E.html">'
            "&lt;img src=x onerror=alert(3)&gt;</a>") in page
    assert '<a href="2021/clean.html">数据清洗与质量检查</a>' in page


def test_pages_environment_autoescapes_and_marks_only_trusted_html_safe():
    env = environment()
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x=EVIL) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_render_page_builds_a_complete_offline_page():
    # a one-off page template, through the same loader and skeleton as index.html
    page = render_page("pages/index.html.j2", title="甲县<b>", demo=True, page_class="index-page",
                       periods=[], unsure=[], counts_table=None, cv_table=None, trend_figure=None)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"zh\">")
    assert "<title>甲县&lt;b&gt;</title>" in page
    assert f'<div class="report-demo-banner" role="note">{DEMO_BANNER}</div>' in page
    assert "@page { @top-center { content: \"" + DEMO_BANNER + "\"" in page  # printed on every page
    assert "尚无报告。请先运行 `analysis run`。" in page
    assert re.search(r'<style id="report-css">\n(.*?)\n</style>', page, re.S).group(1) == report_css()
    assert "/*@@REPORT_FONT_FACE@@*/" not in page and "@font-face" in page
    assert "jp-" not in page


def test_real_data_pages_have_no_demo_marks(tmp_path):
    (tmp_path / "2021").mkdir()
    (tmp_path / "2021" / "clean.html").write_text("x", encoding="utf-8")
    page = write_index(tmp_path, tmp_path / "proc", county="甲县").read_text(encoding="utf-8")
    assert "示例数据" not in page and 'class="report-demo' not in page and "@top-center" not in page


# --------------------------------------------------------------------------- figures


def _small_figure():
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.bar(["甲校", "乙校"], [1.2, 0.8])
    ax.set_title("生均教学仪器设备值")
    return fig


def _crowded_figure():
    """3,000 markers: as vector graphics far bigger than as a picture."""
    rng = np.random.default_rng(1)
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.scatter(rng.random(3000), rng.random(3000), s=8)
    ax.set_title("各校学生分布")
    return fig


def test_small_figure_is_compact_inline_svg():
    fig = _small_figure()
    markup = report_html.html_figure(fig, alt="两校<对比>")
    assert markup.startswith('<figure class="report-figure"><svg role="img" aria-label="两校&lt;对比&gt;"')
    assert markup.endswith("</svg></figure>")
    svg = markup[len('<figure class="report-figure">'):-len("</figure>")]
    # fit for inlining: no XML prolog, comments, namespaces, metadata, page-wide <style>, group ids
    for absent in ("<?xml", "<!DOCTYPE", "<!--", "xmlns", "<metadata", "<style", 'id="figure_1"',
                   'id="axes_1"', "font-family", "rotate(-0 "):
        assert absent not in svg, absent
    assert ">生均教学仪器设备值</text>" in svg and ">甲校</text>" in svg
    assert not re.search(r'\s(?:x|y|d)="[^"]*\d\.\d{3}', svg)  # coordinates rounded to 0.01 pt
    assert len(markup.encode("utf-8")) < 8_000  # measured 3.5 KB; the PNG at 110 dpi was ~25 KB
    assert fig.number not in plt.get_fignums()  # closed


def test_two_figures_on_a_page_do_not_share_ids():
    a = report_html.html_figure(_small_figure())
    b = report_html.html_figure(_small_figure())
    ids_a, ids_b = set(re.findall(r'id="([^"]+)"', a)), set(re.findall(r'id="([^"]+)"', b))
    assert ids_a and not (ids_a & ids_b)  # clip paths and markers: the references stay unambiguous
    for markup in (a, b):
        for ref in re.findall(r'(?:xlink:href="#|url\(#)([^")]+)', markup):
            assert f'id="{ref}"' in markup


def test_crowded_figure_falls_back_to_a_palette_png():
    markup = report_html.html_figure(_crowded_figure(), alt="分布")
    match = re.fullmatch(r'<figure class="report-figure"><img alt="分布" src="data:image/png;base64,([^"]+)"/></figure>',
                         markup)
    assert match, markup[:200]
    png = base64.b64decode(match.group(1))
    img = Image.open(io.BytesIO(png))
    assert img.mode == "P"  # a palette of at most 256 colours
    # 8 × 5 inches at 100 dpi, cropped to the drawing by bbox_inches="tight"
    assert 600 < img.width <= 800 and 350 < img.height <= 500
    crowded = _crowded_figure()
    svg = report_html.figure_svg(crowded)  # what the SVG would have been
    plt.close(crowded)
    assert len(svg.encode("utf-8")) > report_html.FIGURE_SVG_MAX_BYTES > len(match.group(1))


def test_figure_format_can_be_forced():
    assert '<img alt="" src="data:image/png;base64,' in report_html.html_figure(_small_figure(), fmt="png")
    assert "<svg " in report_html.html_figure(_crowded_figure(), fmt="svg")
    fig = _small_figure()
    with pytest.raises(ValueError):
        report_html.html_figure(fig, fmt="jpeg")
    assert fig.number not in plt.get_fignums()  # closed even then
