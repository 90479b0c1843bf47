"""Per-school pages and the period comparison page (issue #16), on the session's demo run:
a page for every school, linked from the reports' tables, no broken link anywhere, escaped,
offline, with the demo banner; kept on an unchanged rerun; moved aside with the other reports
when a later run fails."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest
from fontTools.ttLib import TTFont

from analysis.config.county import standards_for
from analysis.pipeline.context import Period, all_up_to_date
from analysis.pipeline.status import clear_stale_reports, retire_stale_reports, snapshot_reports
from analysis.reporting.export import CJK_FONT_PATH, DEMO_BANNER, page_characters
from analysis.reporting.page_assets import _PageText, _text_characters
from analysis.reporting.school_pages import PAGES_STYLESHEET, SCHOOLS_DIR, page_name, unit_verdict_text
from conftest import EVIL_NAME

PERIOD = "2021"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.links.append(value)


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def reports(demo_run) -> Path:
    return demo_run["reports"]


def test_a_page_for_every_school_linked_from_the_reports(demo_run, reports):
    schools = pd.read_parquet(demo_run["processed"] / PERIOD / "schools.parquet")
    folder = reports / PERIOD / SCHOOLS_DIR
    pages = {p.name for p in folder.glob("*.html")}
    expected = {page_name(c) for c in schools["school_code"].astype(str)}
    assert pages == expected | {"index.html"}
    linked: set[str] = set()
    for report in ("self_assessment.html", "rectification.html"):
        hrefs = [unquote(h) for h in _parse(reports / PERIOD / report).links if h.startswith(f"{SCHOOLS_DIR}/")]
        assert hrefs, f"{report} links no school page"
        linked |= {h.split("/", 1)[1] for h in hrefs}
    # the self-assessment's unit tables name every school with assessment units; the index lists all
    units = pd.read_parquet(demo_run["processed"] / PERIOD / "units.parquet")
    assert {page_name(c) for c in units["school_code"].astype(str)} <= linked
    index_links = {unquote(h) for h in _parse(folder / "index.html").links}
    assert expected <= index_links
    assert "schools/index.html" in (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="2021/comparison.html"' in (reports / "index.html").read_text(encoding="utf-8")


def test_the_forms_table_2_2_links_each_evaluated_school(demo_run, reports):
    """表Ⅱ-2 in the self-assessment (the form's layout, issue #14) names the evaluated units'
    schools: each name links to the school's page (issue #16)."""
    html = (reports / PERIOD / "self_assessment.html").read_text(encoding="utf-8")
    start = html.index('form-table form-Ⅱ-2')
    table = html[start:html.index("</table>", start)]
    hrefs = {unquote(h).split("/", 1)[1] for h in re.findall(r'href="([^"]+)"', table)}
    units = pd.read_parquet(demo_run["processed"] / PERIOD / "units.parquet")
    evaluated = units[units["included"].fillna(False).astype(bool)]
    assert hrefs == {page_name(c) for c in evaluated["school_code"].astype(str)}


def test_no_broken_link_in_the_generated_reports(demo_run, reports):
    """Walk every HTML page of the run (the reports, the index, the school pages, the comparison):
    every link and source is a file that exists, or an embedded data: resource; nothing from the
    internet; no script."""
    pages = sorted(reports.rglob("*.html"))
    n_schools = len(pd.read_parquet(demo_run["processed"] / PERIOD / "schools.parquet"))
    # 5 reports, comparison, reports/index.html, a page per school and the schools' list
    assert len(pages) == 5 + 1 + 1 + n_schools + 1
    checked = 0
    for page in pages:
        parsed = _parse(page)
        assert parsed.scripts == 0, page
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme == "data":
                continue
            assert not parts.scheme and not parts.netloc, (page, link)  # offline: no http(s)://
            if not parts.path:
                continue  # an anchor on the same page
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(reports)} → {link}: no such file"
            checked += 1
    assert checked >= 60


def test_school_pages_share_one_stylesheet_with_the_font(demo_run, reports):
    """The school pages and the comparison page link one stylesheet (the font subset of all of
    them and report.css) instead of embedding ~100 KB each: 35 pages would be 4 MB a period."""
    folder = reports / PERIOD / SCHOOLS_DIR
    sheet = folder / PAGES_STYLESHEET
    css = sheet.read_text(encoding="utf-8")
    assert "@font-face" in css and "table.report-table" in css
    pages = [*folder.glob("*.html"), reports / PERIOD / "comparison.html"]
    text = ""
    for page in pages:
        html = page.read_text(encoding="utf-8")
        href = re.search(r'@import url\("([^"]+)"\);', html).group(1)
        assert (page.parent / href).resolve() == sheet.resolve()
        assert "@font-face" not in html and len(html.encode()) < 60_000, page.name
        text += html
    # the subset holds every character the pages show (here: the comparison page's title, a school name)
    assert "抚顺县2021年度与上一期比较" in text and "石文镇中心小学" in text
    font = TTFont(io.BytesIO(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1))))
    cmap = font.getBestCmap()
    full = set(TTFont(CJK_FONT_PATH).getBestCmap())  # (the font has no subscripts such as ₀ ᵢ)
    shown = {ord(ch) for ch in page_characters(text) if not ch.isascii()}
    assert len(shown & full) > 300 and shown & full <= set(cmap)


def test_the_font_characters_of_every_page_are_read_as_the_html_parser_reads_them(reports):
    """The font subset's characters are collected by a regular expression, not by the HTML
    parser: on every page of the run (reports, index, school pages, comparison) it reads the same
    characters as the parser, without falling back to it."""
    pages = sorted(reports.rglob("*.html"))
    assert len(pages) >= 15  # 5 reports, the index, the comparison and the school pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parser = _PageText()
        parser.feed(html)
        parser.close()
        fast = _text_characters(html)
        assert fast is not None, page.name
        assert page_characters(html) == "".join(sorted(c for c in parser.chars if not (c.isspace() and c.isascii())))


def test_school_page_content_is_escaped_and_complete(demo_run, reports):
    code = demo_run["codes"]["evil"]  # the school whose name is an HTML script
    page = (reports / PERIOD / SCHOOLS_DIR / page_name(code)).read_text(encoding="utf-8")
    assert EVIL_NAME not in page and "&lt;script&gt;alert(1)&lt;/script&gt;石文镇中心小学" in page
    assert DEMO_BANNER in page and '<html lang="zh">' in page
    assert f'@import url("{PAGES_STYLESHEET}");' in page  # the font, in the pages' one stylesheet
    for heading in ("一、资源配置 7 项指标（2020、2021 年度）", "二、政府保障程度与教育质量指标中本校未达标的事项",
                    "三、整改任务", "四、数据质量问题"):
        assert heading in page
    assert page.count('<figure class="report-figure school-chart">') >= 1
    # every unit's table has the 7 indicators and a column per period
    assert page.count("<th>2020 年</th>") == page.count("<th>2021 年</th>") >= 1
    # its data-quality problems (full-width digits planted in its enrolment row) are listed
    dq = pd.read_parquet(demo_run["processed"] / PERIOD / "data_quality.parquet")
    for problem in dq.loc[dq["school_code"] == code, "problem"]:
        assert problem.split(" / ")[0] in page
    # its tasks, with owners and deadlines
    tasks = pd.read_parquet(demo_run["processed"] / PERIOD / "tasks.parquet")
    for t in tasks[tasks["school_code"] == code].itertuples():
        assert t.deadline in page and t.responsible in page


def test_unit_verdict_names_the_deciding_indicators():
    std = standards_for(None)
    unit = pd.Series({"included": True, "unit_pass": False, "missing_inputs": None,
                      **{f"L{k}_met": True for k in range(1, 8)}, **{f"L{k}_ratio": 1.2 for k in range(1, 8)}})
    unit["L3_met"], unit["L3_ratio"] = False, 0.80        # below 85%: fails on its own
    text = unit_verdict_text(unit, std)
    assert text.startswith("未达到每校标准") and "L3 低于标准的 85%" in text and "80.0%" in text
    unit["unit_pass"], unit["L3_ratio"] = True, 0.90    # one indicator below, above the floor: passes
    text = unit_verdict_text(unit, std)
    assert text.startswith("每校达标：1 项未达到标准") and "90.0%" in text
    unit["unit_pass"], unit["L5_met"], unit["L5_ratio"] = False, False, 0.95   # two below: more than the 1 allowed
    assert "2 项未达到标准，多于允许的 1 项" in unit_verdict_text(unit, std)


def test_comparison_page_and_its_tables(demo_run, reports):
    page = (reports / PERIOD / "comparison.html").read_text(encoding="utf-8")
    assert "上一期：2020 年度" in page and DEMO_BANNER in page
    assert "&lt;script&gt;" in page and EVIL_NAME not in page
    text = re.sub(r"<[^>]+>", " ", page)
    for heading in ("一、结果有变化的指标", "二、开始或不再达到每校标准的评估单位", "三、差异系数的变化：各校的贡献",
                    "四、数据质量问题的变化"):
        assert heading in text
    summary = pd.read_parquet(demo_run["processed"] / PERIOD / "comparison_cv.parquet")
    # every CV's change is shown beside the sum of the schools' contributions, equal to 4 decimals
    for row in summary.itertuples():
        assert f"{row.cv_change:+.4f}" in text
    # the run wrote the pages into an empty folder: the schools of the contribution tables link
    # their pages all the same (they were written together with this page)
    contributions = pd.read_parquet(demo_run["processed"] / PERIOD / "cv_contributions.parquet")
    linked = set(re.findall(r'href="schools/([^"/]+)\.html"', page)) - {"index"}
    assert linked and set(contributions["school_code"].astype(str)) <= linked


def test_unchanged_rerun_keeps_the_pages(demo_run):
    """The compare and pages steps are up to date after the run: a rerun recomputes nothing."""
    ctx = Period(PERIOD, demo_run["raw"], demo_run["processed"], demo_run["reports"] / PERIOD)
    assert all_up_to_date(ctx, until="pages")


def test_page_names_of_odd_codes_are_safe_and_distinct():
    assert page_name("2104210001") == "2104210001.html"
    odd = [page_name(c) for c in ("a/b", "a b", "../x", "index", "学校1")]
    assert all(re.fullmatch(r"school-[0-9a-f]{12}\.html", n) for n in odd) and len(set(odd)) == len(odd)


def test_stale_school_pages_move_with_the_reports(tmp_path):
    period_dir = tmp_path / "2021"
    (period_dir / SCHOOLS_DIR).mkdir(parents=True)
    for name in ("self_assessment.html", f"{SCHOOLS_DIR}/A.html", f"{SCHOOLS_DIR}/B.html"):
        (period_dir / name).write_text(f"old {name}", encoding="utf-8")
    before = snapshot_reports(period_dir)
    assert set(before) == {"self_assessment.html", "schools/A.html", "schools/B.html"}
    (period_dir / SCHOOLS_DIR / "B.html").unlink()   # rewritten by the failed run (new file)
    (period_dir / SCHOOLS_DIR / "B.html").write_text("new B", encoding="utf-8")
    moved = retire_stale_reports(period_dir, before)
    assert sorted(moved) == ["schools/A.html", "self_assessment.html"]
    stale = period_dir / "已过期_stale"
    assert (stale / SCHOOLS_DIR / "A.html").read_text(encoding="utf-8") == "old schools/A.html"
    # the stale self-assessment's links (schools/A.html) resolve inside the stale folder
    (period_dir / SCHOOLS_DIR / "A.html").write_text("new A", encoding="utf-8")
    (period_dir / "self_assessment.html").write_text("new", encoding="utf-8")
    assert sorted(clear_stale_reports(period_dir)) == ["schools/A.html", "self_assessment.html"]
    assert not stale.exists()
