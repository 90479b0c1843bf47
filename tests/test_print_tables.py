"""A table of hundreds of units prints usably (issue #15): the header row repeats on every A4
page and no row is split across two pages.

The page is the real export (``export.export_html``: report.css and its print rules) of a
300-row units table; headless Chromium prints it to PDF and ``pdftotext`` reads each page back.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis.reporting import export
from analysis.reporting.html import html_table

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)"),
              pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext not installed (apt-get install poppler-utils)")]

N = 300


def test_long_table_repeats_its_header_and_keeps_rows_whole(tmp_path):
    # every 50th row carries a long note that wraps over several lines: a row that could be split
    note = "该校有花名册记录被隔离，教师数不完整（见隔离表）；" * 4
    df = pd.DataFrame({"school_name": [f"甲{i:03d}号学校" for i in range(N)], "stage": "小学",
                       "students": [100 + i for i in range(N)],
                       "missing_inputs": [f"{note}第{i:03d}行结束" if i % 50 == 7 else "" for i in range(N)]})
    markup = html_table(df, table="units", caption="每校资源配置指标",
                        columns=["school_name", "stage", "students", "missing_inputs"])
    nb = new_notebook(cells=[new_code_cell("", execution_count=1, outputs=[
        new_output("display_data", data={"text/html": markup, "text/plain": ""})])])
    page = tmp_path / "table.html"
    page.write_text(export.export_html(nb), encoding="utf-8")
    pdf = tmp_path / "table.pdf"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                        page.as_uri()], check=True, capture_output=True, timeout=120)
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    # 300 rows at about 40 a page: several pages, each opening with the header row
    assert len(pages) >= 4
    header = "学校名称"
    for p in pages:
        assert header in p, p[:200]
    # every row once, and each on one page: its name and its pupils (100 + i) on the same page
    seen = []
    for p in pages:
        seen += [int(n) for n in re.findall(r"甲(\d{3})号学校", p)]
        for n in re.findall(r"甲(\d{3})号学校", p):
            assert re.search(rf"甲{n}号学校\s+小学\s+{100 + int(n)}", p), n
    assert sorted(seen) == list(range(N))
    # the wrapped notes end on the page their row starts on
    for i in range(7, N, 50):
        holder = [p for p in pages if f"甲{i:03d}号学校" in p]
        assert len(holder) == 1 and f"第{i:03d}行结束" in holder[0].replace(" ", "")
