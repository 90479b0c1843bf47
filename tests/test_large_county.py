"""A county of 300 schools end to end (issue #15): opt-in, ``make test-large`` (``-m large``);
``make test`` and ``make test-e2e`` leave it out (several minutes on 2 cores).

The county is ``write_demo(n_schools=300)``: the 35 demo schools and varied copies of them,
periods 2020 and 2021; period 2021 is run by the real runner (the steps and every notebook).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis import write_demo
from analysis.config.reporting import max_units_per_chart
from analysis.pipeline import runner

pytestmark = pytest.mark.large

N = 300


@pytest.fixture(scope="module")
def run300(tmp_path_factory):
    root = tmp_path_factory.mktemp("county300")
    raw = write_demo(root / "raw", periods=("2020", "2021"), n_schools=N)
    result = runner.run(["2021"], data_dir=raw, processed_dir=root / "processed", reports_dir=root / "reports",
                        log=lambda line: None)
    return result, root / "processed" / "2021", root / "reports" / "2021"


def _text(html: str) -> str:
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_every_step_and_report_of_300_schools(run300):
    result, processed, reports = run300
    assert result.ok, " | ".join(r.message for r in result.results if not r.ok)
    schools = pd.read_parquet(processed / "schools.parquet")
    # 300 schools written; the campus 后安镇中心小学南校区 and its 8 copies are 不计校数 campuses
    # merged into their parent schools: 300 − 9 = 291 schools
    assert len(schools) == N - 9
    units = pd.read_parquet(processed / "units.parquet")
    included = units[units["included"].fillna(False).astype(bool)]
    assert len(included) > max_units_per_chart()


def test_plan_is_proven_optimal_and_linear_in_size(run300):
    _, processed, _ = run300
    info = json.loads((processed / "plan.json").read_text(encoding="utf-8"))
    assert info["status"] == "optimal" and info["verified"] and info["proven"] and info["gap"] == 0.0
    # the pool model: 7 variables per unit and 4 per school for the plan year, 7 binaries per
    # unit, one budget slack (units and schools of the target year's projected tables)
    size = info["model_size"]
    n, s = size["units"], size["schools"]
    assert size["years"] == 1 and 250 <= n <= 300 and s <= n
    assert size["variables"] == (7 * n + 4 * s) + 7 * n + 1
    # the pairwise model had a variable for every ordered pair of same-stage units: ~n²/2 per kind
    assert size["variables"] < 20 * n
    b = info["budget_example"]
    assert b["status"] == "infeasible" and b["proven"] and b["verified"]


def test_reports_of_a_large_county_stay_readable(run300):
    _, processed, reports = run300
    sizes = {p.name: p.stat().st_size for p in reports.glob("*.html")}
    # the five reports and comparison.html (issue #16); the school pages link one stylesheet
    assert len(sizes) == 6 and sum(sizes.values()) <= 3_000_000, sizes
    pages = [p for p in (reports / "schools").glob("*.html") if p.name != "index.html"]  # one per school
    assert len(pages) > 250 and max(p.stat().st_size for p in pages) < 60_000
    indicators = _text((reports / "indicators.html").read_text(encoding="utf-8"))
    assert "多于 40 个，逐校图改为：每项指标左图为全部单位数值的分布" in indicators
    assert "只画有指标未达标或无数据的单位" in indicators
    projection = _text((reports / "projection.html").read_text(encoding="utf-8"))
    assert "只画指标状态有变化或到目标年仍未达标的单位" in projection
    assert "**" not in projection  # Markdown rendered, not shown
    assert re.search(r"引擎复核\s*：\s*通过", projection) and re.search(r"最优性\s*：\s*已证明", projection)
    # the full per-unit detail: sortable and filterable in the workbook
    wb = load_workbook(reports / "application_tables.xlsx", read_only=False)
    ws = wb["Ⅱ-2 评估单位明细"]
    first, last = ws.auto_filter.ref.split(":")  # from the header row to the last unit's row
    header_row = int(first[1:])
    assert ws.cell(row=header_row, column=1).value == "学校标识码"
    units = pd.read_parquet(processed / "units.parquet")
    assert int("".join(ch for ch in last if ch.isdigit())) == ws.max_row == header_row + len(units)
