"""The region view (issue #17): ``analysis region``, the demo region, the region's tables.

The ranking test builds three counties' results by hand (no cleaning), so every number below is
worked out from the frames written here. One run of a real 3-county demo region (8 schools, one
period; one county with a workbook removed) is shared by the integration tests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import analysis
from analysis.cli import main
from analysis.config.standards import indicator_order, load_standards, resource_codes
from analysis.demo import SITUATIONS, write_demo_region
from analysis.region import run_region
from analysis.region.collect import County, CountyPeriod
from analysis.region.tables import region_tables

STD = load_standards()
ORDER = indicator_order(STD)
CODES = resource_codes(STD)


# ------------------------------------------------------------------ hand-built counties
def _verdict(fail=(), nodata=()) -> pd.DataFrame:
    status = ["未达标" if c in fail else "无数据" if c in nodata else "达标" for c in ORDER]
    return pd.DataFrame({"code": ORDER, "name": [f"指标{c}" for c in ORDER], "status": status})


def _cv(values: dict[tuple[str, str], float]) -> pd.DataFrame:
    """14 CVs: 0.100 unless given; limits 0.50 (小学) and 0.45 (初中)."""
    rows = []
    for stage, limit in (("小学", 0.50), ("初中", 0.45)):
        for code in CODES:
            v = values.get((stage, code), 0.100)
            rows.append({"stage": stage, "indicator": code, "cv_shown": v, "limit": limit, "passed": v <= limit})
    return pd.DataFrame(rows)


def _units(passing: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """(units passing, included units) per stage, plus one excluded unit that never counts."""
    rows = []
    for stage, (ok, n) in passing.items():
        rows += [{"school_code": f"{stage}{i}", "stage": stage, "included": True, "unit_pass": i < ok}
                 for i in range(n)]
    rows.append({"school_code": "X", "stage": "小学", "included": False, "unit_pass": False})
    return pd.DataFrame(rows)


def _county(name: str, **periods: CountyPeriod) -> County:
    return County(Path(name), name, periods={p.removeprefix("p"): r for p, r in periods.items()})


def _result(period, fail=(), nodata=(), cv=None, units=None) -> CountyPeriod:
    return CountyPeriod(period, "raw", _verdict(fail, nodata), _cv(cv or {}),
                        _units(units or {"小学": (5, 5), "初中": (3, 3)}))


def test_ranking_groups_worst_cv_and_trends_by_hand():
    a = _county("甲县",  # fails L6 (its 初中 CV 0.600 > 0.45) and G7; one 初中 unit fails the per-unit rule
                p2020=_result("2020", fail=("L6", "G7", "G8")),
                p2021=_result("2021", fail=("L6", "G7"), cv={("初中", "L6"): 0.600, ("小学", "L6"): 0.520},
                              units={"小学": (5, 5), "初中": (2, 3)}))
    b = _county("乙县",  # fails G7 only; no data for Q2; every unit passes
                p2021=_result("2021", fail=("G7",), nodata=("Q2",), cv={("小学", "L3"): 0.480}))
    c = _county("丙县",  # fails L6 and G7 like 甲县, all units pass
                p2021=_result("2021", fail=("L6", "G7"), cv={("初中", "L6"): 0.500}))
    d = _county("丁县", p2021=_result("2021"))  # passes everything
    broken = County(Path("戊县"), "戊县", periods={"2021": CountyPeriod("2021", error="缺少工作簿 / missing")})
    t = region_tables([a, b, c, d, broken], "2021", ["2020", "2021"], STD)

    r = t.ranking.set_index("县")
    # not passing = 未达标 + 无数据: 甲 2 + 0 = 2, 乙 1 + 1 = 2, 丙 2 + 0 = 2, 丁 0
    assert r["未通过指标数"].to_dict() == {"丁县": 0, "甲县": 2, "乙县": 2, "丙县": 2}
    # units failing the per-unit rule (included only): 甲 (5-5)+(3-2) = 1; the others 0
    assert r["未达每校标准单位数"].to_dict() == {"丁县": 0, "甲县": 1, "乙县": 0, "丙县": 0}
    # order: 丁 (0, 0); then 乙 and 丙 tie on (2, 0) → both rank 2, by name 丙 < 乙 (pinyin order
    # is not used: Python orders the names by code point, 丙 U+4E19 < 乙 U+4E59); 甲 (2, 1) → rank 4
    assert list(t.ranking["县"]) == ["丁县", "丙县", "乙县", "甲县"]
    assert list(t.ranking["名次"]) == [1, 2, 2, 4]
    assert list(t.ranking["结论"]) == ["达标", "未达标", "未达标", "未达标"]
    assert "戊县" not in set(t.ranking["县"])  # broken: listed, not ranked
    assert t.errors.to_dict("records") == [{"县": "戊县", "文件夹": "戊县", "期次": "2021", "问题": "缺少工作簿 / missing"}]

    # each indicator's failing counties: G7 甲乙丙 (3), L6 甲丙 (2); most counties first
    assert t.by_indicator[["指标", "未达标县数"]].values.tolist() == [["G7", 3], ["L6", 2]]
    # groups by the same failing set: {L6, G7}: 甲丙 (2 counties), {G7}: 乙, {}: 丁
    g = {row["未达标指标"]: row["县"] for row in t.groups.to_dict("records")}
    assert g == {"L6、G7": "甲县、丙县", "G7": "乙县", "（无，全部达标或仅缺数据）": "丁县"}
    assert t.groups["县数"].tolist()[0] == 2

    # worst CV = largest CV ÷ limit: 甲 初中 L6 0.600/0.45 = 1.333 beats 小学 L6 0.520/0.50 = 1.04
    cv = t.cv.set_index(["县", "学段"])
    assert cv.loc[("甲县", "初中"), "该县最大者"] == "初中L6"
    assert cv.loc[("甲县", "初中"), "差异系数÷上限"] == pytest.approx(0.600 / 0.45)
    assert cv.loc[("甲县", "初中"), "L6_class"] == "fail worst"
    assert cv.loc[("甲县", "小学"), "L6_class"] == "fail"  # 0.520 > 0.50, not the worst
    # 乙: 小学 L3 0.480/0.50 = 0.96 > the 0.100/0.45 = 0.22 of every 初中 CV: passing, yet its worst
    assert cv.loc[("乙县", "小学"), "L3_class"] == "pass worst"
    # 丙: 初中 L6 0.500/0.45 = 1.11
    assert cv.loc[("丙县", "初中"), "差异系数÷上限"] == pytest.approx(0.500 / 0.45)

    u = t.units.set_index("县")
    # 甲: 小学 5/5, 初中 2/3 → 7 of 8 = 87.5% (the excluded unit is not counted)
    assert (u.loc["甲县", "达标单位数"], u.loc["甲县", "参评单位数"]) == (7, 8)
    assert u.loc["甲县", "每校达标比例"] == pytest.approx(7 / 8)

    s = t.statuses.set_index("县")
    assert (s.loc["乙县", "达标项数"], s.loc["乙县", "未达标项数"], s.loc["乙县", "无数据项数"]) == (30, 1, 1)

    tr = t.trends.set_index("县")
    # 甲: 2020 passes 32 - 3 = 29, 2021 32 - 2 = 30 → +1; G8 newly passing, nothing newly failing
    assert (tr.loc["甲县", "2020达标项数"], tr.loc["甲县", "2021达标项数"], tr.loc["甲县", "达标项数变化"]) == (29, 30, 1)
    assert tr.loc["甲县", "较上期新达标"] == "G8"
    assert pd.isna(tr.loc["甲县", "较上期新未达标"])
    assert pd.isna(tr.loc["乙县", "达标项数变化"])  # one period only: no change to show
    assert pd.isna(tr.loc["乙县", "2020达标项数"])  # no 2020 data: missing, not 0


# ------------------------------------------------------------------ a real demo region
@pytest.fixture(scope="module")
def region(tmp_path_factory) -> dict:
    """The demo region's first three counties (示例县1 passes, with L3 relaxed in its county.yaml;
    示例县2's L6 CVs fail, 示例县3 fails G7 and G8), 8 schools, period 2021, and 损坏县: a copy of 示例县1 with 经费.xlsx removed,
    run once by ``analysis region``."""
    base = tmp_path_factory.mktemp("region")
    counties = base / "各县"
    write_demo_region(counties, 3, periods=("2021",), n_schools=8)
    # 示例县1 relaxes L3 for 小学 (0.9 → 0.8 teachers per class of the three subjects): it still passes
    with (counties / "示例县1" / "county.yaml").open("a", encoding="utf-8") as f:
        f.write("overrides:\n  - {indicator: L3, key: standard.小学, value: 0.8, source: 省实施细则}\n")
    broken = counties / "损坏县"
    shutil.copytree(counties / "示例县1", broken)
    (broken / "2021" / "经费.xlsx").unlink()
    (broken / "county.yaml").write_text("county: 损坏县\ndemo: true\n", encoding="utf-8")
    out = base / "汇总"
    code = main(["region", "--counties", str(counties), "--out", str(out)])
    return {"base": base, "counties": counties, "out": out, "code": code}


def test_demo_region_counties_are_demo_data_with_their_situations(region):
    names = ["示例县1", "示例县2", "示例县3"]
    assert all(analysis.is_demo_data(region["counties"] / n) for n in names)
    assert SITUATIONS[:3] == ("pass", "cv", "guarantee")
    assert "county: 示例县2" in (region["counties"] / "示例县2" / "county.yaml").read_text(encoding="utf-8")
    book = load_workbook(region["out"] / "region_tables.xlsx")
    groups = {r[3]: r[0] for r in book["未达标指标组合"].iter_rows(min_row=3, values_only=True)}
    # pass: nothing fails; cv: L6 (a third of the schools at 6× the equipment standard); guarantee:
    # G7 (special school 5,500 元 < 6,000 per pupil) and G8 (teachers 88,200 元 < civil servants 89,800)
    assert groups == {"示例县1": "（无，全部达标或仅缺数据）", "示例县2": "L6", "示例县3": "G7、G8"}


def test_broken_county_is_listed_and_the_others_reported(region, capsys):
    assert region["code"] == 1  # a county could not be computed (listed): exit 1
    html = (region["out"] / "index.html").read_text(encoding="utf-8")
    assert "示例数据" in html  # the demo banner
    assert "损坏县" in html and "经费.xlsx" in html  # the broken county with its error
    book = load_workbook(region["out"] / "region_tables.xlsx")
    rank = [r for r in book["距达标排名"].iter_rows(min_row=3, values_only=True)]
    # 示例县1 passes all 32 (0 not passing); 示例县2 fails L6 only (1); 示例县3 G7 and G8 (2): ranks
    # 1, 2, 3 (no unit fails in any of them, so the second key does not decide); 损坏县 not ranked
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in rank] == [
        (1, "示例县1", 0, 0, None), (2, "示例县2", 1, 0, "L6"), (3, "示例县3", 2, 0, "G7、G8")]
    # 示例县1 is flagged in the ranking and listed with its adjustment, on the page and in the workbook
    assert [r[-1] for r in rank] == ["本县调整：L3", None, None]
    assert [r[:5] for r in book["标准调整"].iter_rows(min_row=3, values_only=True)] == [
        ("示例县1", "resources.indicators.L3.standard.小学", "L3", "0.9", "0.8")]
    assert "1 个县按本县调整后的评估标准评估" in html
    errors = list(book["数据问题"].iter_rows(min_row=3, values_only=True))
    assert len(errors) == 1 and errors[0][0] == "损坏县" and errors[0][2] == "2021"
    assert "经费.xlsx" in errors[0][3] and "/" in errors[0][3]  # Chinese / English, names the workbook


def test_region_workbook_reads_back_with_numbers_and_frozen_headers(region):
    book = load_workbook(region["out"] / "region_tables.xlsx")
    assert book.sheetnames == ["距达标排名", "32项指标", "差异系数", "每校达标", "各指标未达标县", "未达标指标组合",
                               "各期变化", "标准调整", "数据问题"]
    for ws in book:
        assert ws.freeze_panes == "B3", ws.title
        assert "示例数据" in ws["A1"].value
    cv = book["差异系数"]
    header = [c.value for c in cv[2]]
    col = header.index("L6") + 1
    rows = {(r[0].value, r[1].value): r for r in cv.iter_rows(min_row=3)}
    cell = rows[("示例县2", "初中")][col - 1]
    assert isinstance(cell.value, float) and cell.value > 0.45 and cell.number_format == "0.000"
    assert cell.font.color.rgb.endswith("B00020")  # over the limit: red
    statuses = book["32项指标"]
    head = [c.value for c in statuses[2]]
    row2 = [r for r in statuses.iter_rows(min_row=3, values_only=True) if r[0] == "示例县2"][0]
    assert row2[head.index("L6")] == "未达标" and row2[head.index("达标项数")] == 31  # 32 − 1
    units = book["每校达标"]
    uh = [c.value for c in units[2]]
    row = [c for c in units[3]]
    share = row[uh.index("每校达标比例")]
    # the share is the row's own units passing ÷ included, a number (openpyxl reads 1.0 back as 1)
    assert share.value == pytest.approx(row[uh.index("达标单位数")].value / row[uh.index("参评单位数")].value)
    assert isinstance(share.value, (int, float)) and share.number_format == "0.0%"


def test_second_run_keeps_results_and_a_processed_county_is_read(region):
    # a county given as processed tables (the pipeline's processed/<period>/ folder and county.yaml)
    counties2 = region["base"] / "各县2"
    src = region["counties"] / "示例县2"
    dst = counties2 / "示例县2"
    shutil.copytree(region["out"] / "processed" / "示例县2" / "2021", dst / "2021")
    shutil.copy(src / "county.yaml", dst / "county.yaml")
    # raw again, copied elsewhere: the fingerprint is of the bytes, so the first run's results are kept
    shutil.copytree(region["counties"] / "示例县1", counties2 / "示例县1")
    result = run_region(counties2, ["2021"], region["out"])
    got = {c.name: c.periods["2021"] for c in result.counties}
    assert got["示例县2"].source == "processed" and got["示例县2"].ok
    assert got["示例县1"].source == "kept"  # unchanged inputs: the first run's results are read
    assert list(result.tables.ranking["县"]) == ["示例县1", "示例县2"]
    assert result.exit_code == 0


def test_usage_errors_write_nothing(tmp_path, capsys):
    assert main(["region", "--counties", str(tmp_path / "无此目录"), "--out", str(tmp_path / "o")]) == 2
    (tmp_path / "各县" / "甲县").mkdir(parents=True)
    assert main(["region", "--counties", str(tmp_path / "各县"), "--out", str(tmp_path / "各县" / "o")]) == 2
    assert not (tmp_path / "各县" / "o" / "index.html").exists()
    assert "互相包含" in capsys.readouterr().err


def test_demo_command_writes_a_region_and_never_overwrites(tmp_path, capsys):
    from analysis.demo import main as demo_main

    out = tmp_path / "示例地区"
    assert demo_main(["--counties", "2", "--out", str(out), "--periods", "2021", "--schools", "3"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["示例县1", "示例县2"]
    assert all(analysis.is_demo_data(out / n) for n in ("示例县1", "示例县2"))
    assert sorted(p.name for p in (out / "示例县2" / "2021").glob("*.xlsx"))  # the workbooks are there
    assert demo_main(["--counties", "2", "--out", str(out), "--periods", "2021"]) == 2  # already there
    assert "未覆盖" in capsys.readouterr().err


def test_counties_with_adjusted_standards_are_flagged():
    national = _county("国标县", p2021=_result("2021"))
    own = _county("调整县", p2021=_result("2021"))
    own.overrides = [
        {"path": "resources.indicators.L3.standard.小学", "national": 0.9, "value": 0.8, "source": "省实施细则",
         "origin": "county.yaml"},
        # a CV limit: every resource indicator's CV is judged by it (L1–L7)
        {"path": "resources.cv_limit.初中", "national": 0.45, "value": 0.5, "source": "省实施细则",
         "origin": "county.yaml"},
    ]
    t = region_tables([national, own], "2021", ["2021"], STD)
    r = t.ranking.set_index("县")
    assert pd.isna(r.loc["国标县", "标准调整"])  # judged by the national standards
    # L3 first (the first override), then L1–L7 of the CV limit without repeating L3
    assert r.loc["调整县", "标准调整"] == "本县调整：L3、L1、L2、L4、L5、L6、L7"
    assert t.overrides.to_dict("records") == [
        {"县": "调整县", "调整项": "resources.indicators.L3.standard.小学", "涉及指标": "L3", "国家标准": "0.9",
         "调整后": "0.8", "依据": "省实施细则", "所在文件": "county.yaml"},
        {"县": "调整县", "调整项": "resources.cv_limit.初中", "涉及指标": "L1、L2、L3、L4、L5、L6、L7",
         "国家标准": "0.45", "调整后": "0.5", "依据": "省实施细则", "所在文件": "county.yaml"},
    ]


def test_a_county_without_the_latest_period_is_listed_not_dropped():
    old = _county("旧县", p2020=_result("2020"))  # its folders stop at 2020
    new = _county("新县", p2021=_result("2021"))
    t = region_tables([old, new], "2021", ["2020", "2021"], STD)
    assert list(t.ranking["县"]) == ["新县"]
    assert t.errors[["县", "期次"]].values.tolist() == [["旧县", "2021"]]
    assert "2020" in t.errors.loc[0, "问题"]  # says which periods it has
    assert t.trends.set_index("县").loc["旧县", "2020达标项数"] == 32  # still in the trends


def test_county_workbooks_only_on_request(region, tmp_path):
    # by default the region writes no county workbook and no CSV copy (it reads the parquet
    # tables only) and links no workbook
    assert not (region["out"] / "counties").exists()
    assert "本次生成" not in (region["out"] / "index.html").read_text(encoding="utf-8")
    processed = region["out"] / "processed" / "示例县2" / "2021"
    assert (processed / "verdict.parquet").is_file() and not list(processed.rglob("*.csv"))
    # --workbooks: each raw county-period's application workbook and data-quality list, linked,
    # and the CSV copies
    counties = tmp_path / "各县"
    shutil.copytree(region["counties"] / "示例县2", counties / "示例县2")
    out = tmp_path / "汇总"
    assert main(["region", "--counties", str(counties), "--out", str(out), "--workbooks"]) == 0
    folder = out / "counties" / "示例县2" / "2021"
    assert sorted(p.name for p in folder.iterdir()) == ["application_tables.xlsx", "数据质量问题清单.xlsx"]
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "2021 申报表（Excel，本次生成）" in html and "counties/%E7%A4%BA%E4%BE%8B%E5%8E%BF2/2021/" in html
    assert (out / "processed" / "示例县2" / "2021" / "verdict.csv").is_file()
    # a later run without --workbooks keeps the results and no longer links the (maybe older) workbooks
    result = run_region(counties, None, out)
    assert result.counties[0].periods["2021"].source == "kept"
    assert "本次生成" not in (out / "index.html").read_text(encoding="utf-8")


def test_region_run_collects_garbage_less_often_and_restores_the_setting(tmp_path):
    """During a region run the garbage collector runs after every 20,000 new objects (workers set it
    too, spawned ones included); afterwards the process has its own setting back."""
    import gc

    from analysis.region.collect import GC_THRESHOLD, _worker_setup, collect_region

    (tmp_path / "各县" / "甲县").mkdir(parents=True)
    (tmp_path / "各县" / "甲县" / "county.yaml").write_text("county: [\n", encoding="utf-8")  # bad YAML
    before = gc.get_threshold()
    seen = []
    counties = collect_region(tmp_path / "各县", None, tmp_path / "p", tmp_path / "c",
                              log=lambda line: seen.append(gc.get_threshold()))
    assert counties[0].error and "county.yaml" in counties[0].error  # the county's problem, listed
    assert seen == [GC_THRESHOLD] and gc.get_threshold() == before and gc.get_freeze_count() == 0
    try:
        with pd.option_context("mode.string_storage", "pyarrow"):
            _worker_setup("python")
            assert pd.get_option("mode.string_storage") == "python" and gc.get_threshold() == GC_THRESHOLD
    finally:
        gc.set_threshold(*before)
