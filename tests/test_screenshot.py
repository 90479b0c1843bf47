"""Headless Chromium renders an exported report: Chinese text and figure visible, page not blank.

Runs when Debian's ``chromium`` is on PATH (``.ci/run`` installs it); this machine has no CJK
system font, so CJK pixels can only come from the embedded font subset.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from analysis.reporting import export

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)")]


def _screenshot(html_path: Path, png: Path, size: str = "900,300") -> np.ndarray:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={profile}", "--virtual-time-budget=5000", f"--screenshot={png}",
             f"--window-size={size}", html_path.as_uri()],
            check=True, capture_output=True, timeout=120,
        )
    return mpimg.imread(png)[..., :3]


def _ink(img: np.ndarray) -> int:
    """Number of non-white pixels."""
    return int((img.min(axis=2) < 0.8).sum())


def test_report_screenshot_not_blank_and_cjk_rendered(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# 县域义务教育优质均衡\n\n资源配置七项指标差异系数")])
    page = tmp_path / "report.html"
    page.write_text(export.export_html(nb, demo=True), encoding="utf-8")
    img = _screenshot(page, tmp_path / "report.png")
    assert img.shape[0] == 300 and img.shape[1] == 900
    assert float(img.std()) > 0.02  # not a blank page
    assert _ink(img) > 2000


def test_embedded_font_draws_glyphs_not_boxes(tmp_path):
    """Same CJK text with the page font vs. with no CJK font at all: the pixels must differ.

    Without the embedded font Chromium draws the same empty box for every CJK character, so
    two different strings render identically; with it they differ.
    """
    css = export.font_subset_css("优质均衡学校数量")

    def render(text: str, name: str, with_font: bool) -> np.ndarray:
        family = '"Report Noto Sans SC"' if with_font else '"DejaVu Sans"'
        html = (f"<html lang='zh'><head><meta charset='utf-8'><style>{css if with_font else ''}"
                f"body{{margin:0;background:#fff}} p{{font:48px {family};margin:10px}}</style></head>"
                f"<body><p>{text}</p></body></html>")
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        return _screenshot(path, tmp_path / f"{name}.png", size="800,240")

    a = render("优质均衡", "a", True)
    b = render("学校数量", "b", True)
    assert _ink(a) > 500 and _ink(b) > 500
    assert np.abs(a - b).sum() > 100  # different characters, different pixels
    box_a = render("优质均衡", "box_a", False)
    box_b = render("学校数量", "box_b", False)
    # control: without the font, both strings are the same row of boxes (or nothing)
    assert np.abs(box_a - box_b).sum() < np.abs(a - b).sum()


def test_chinese_in_an_inline_figure_is_drawn_with_glyphs(tmp_path):
    """The same chart titled 优质均衡 and 学校数量, each exported as a report page and screenshot.

    This machine has no CJK font: if the page's font subset lacked the figure's characters (text
    inside the inline SVG), both titles would be the same four boxes and the screenshots equal.
    """
    import matplotlib.pyplot as plt
    from nbformat.v4 import new_code_cell, new_output

    from analysis.reporting import html as report_html
    from analysis.reporting import plotting  # noqa: F401  (registers the CJK font)

    def page(title: str, name: str) -> np.ndarray:
        fig, ax = plt.subplots(figsize=(6, 2))
        ax.bar(["A", "B"], [1, 2])
        ax.set_title(title, fontsize=28)
        markup = report_html.html_figure(fig, alt="")
        assert "<svg" in markup
        nb = new_notebook(cells=[new_code_cell("", execution_count=1, outputs=[
            new_output("display_data", data={"text/html": markup, "text/plain": ""})])])
        path = tmp_path / f"{name}.html"
        path.write_text(export.export_html(nb), encoding="utf-8")
        return _screenshot(path, tmp_path / f"{name}.png", size="900,400")

    a, b = page("优质均衡", "a"), page("学校数量", "b")
    assert _ink(a) > 2000  # the chart is drawn
    rows = np.where(np.abs(a - b).sum(axis=(1, 2)) > 0)[0]
    assert rows.size > 10  # the titles differ on screen: glyphs, not boxes
    # only the title rows differ: the bars are the same
    assert rows.max() - rows.min() < 80
