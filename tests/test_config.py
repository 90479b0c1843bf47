"""The configuration files (issue #12): every one checked against its model on load, each error
naming the file, the key path, the value and what is allowed (exit 2); county.yaml's facts,
responsible units, timeline and overrides; the command line's --standards, --target-year and
--scenarios."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_NOTEBOOKS

from analysis import clean_period, load_standards, paths, write_demo
from analysis.cli import main as cli_main
from analysis.config.county import county_meta, standards_for
from analysis.errors import ConfigError
from analysis.pipeline import results
from analysis.planning.costs import load_costs
from analysis.planning.projection import ScenarioError, load_scenario

OK = FIXTURE_NOTEBOOKS / "ok"
STANDARDS_TEXT = paths.STANDARDS_FILE.read_text(encoding="utf-8")


def _standards_with(tmp_path: Path, old: str, new: str) -> Path:
    assert old in STANDARDS_TEXT, old
    f = tmp_path / "标准.yaml"
    f.write_text(STANDARDS_TEXT.replace(old, new, 1), encoding="utf-8")
    return f


def _county(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "县"
    folder.mkdir(exist_ok=True)
    (folder / "county.yaml").write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- the standards file
@pytest.mark.parametrize("old, new, expected", [
    # the example: a number written in Chinese
    ("min_met: 6", 'min_met: "六"', ["resources.min_met = '六'", "应为整数", "expected an integer"]),
    # 85 meant 85%: a share is at most 1
    ("floor_ratio: 0.85", "floor_ratio: 85", ["resources.floor_ratio = 85", "应不大于 1"]),
    # a typo in a key is refused, with the keys allowed there
    ("cv_decimals: 3", "cv_decimal: 3", ["resources.cv_decimal = 3", "不认识的键", "cv_decimals",
                                         "unknown key"]),
    # a standard must be positive
    ("standard: {小学: 4.2, 初中: 5.3}", "standard: {小学: -4.2, 初中: 5.3}",
     ["resources.indicators.L1.standard.小学 = -4.2", "应大于 0"]),
    # one value per stage
    ("standard: {小学: 4.5, 初中: 5.8}", "standard: {小学: 4.5}",
     ["resources.indicators.L4.standard", "每个学段"]),
    # more indicators required than exist
    ("min_met: 6", "min_met: 8", ["min_met（8）不能多于指标数 7"]),
    # a rated indicator must name one of the ratings
    ("Q5: {name: 教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平, min_rating: 良好",
     "Q5: {name: 教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平, min_rating: 很好",
     ["Q5.min_rating “很好” 不在 ratings"]),
    # a month of the timeline
    ('application_deadline: "2021-12"', 'application_deadline: "2021年12月"',
     ["timeline.application_deadline = '2021年12月'", "“年-月”"]),
])
def test_standards_errors_name_file_key_value_and_what_is_allowed(tmp_path, old, new, expected):
    f = _standards_with(tmp_path, old, new)
    with pytest.raises(ConfigError) as err:
        load_standards(f)
    msg = str(err.value)
    assert str(f) in msg and "Traceback" not in msg
    for part in expected:
        assert part in msg, (part, msg)


def test_the_bundled_standards_are_the_national_default():
    std = load_standards()
    assert "county" not in std  # the county's name lives in its county.yaml
    assert std["resources"]["min_met"] == 6 and std["resources"]["indicators"]["L6"]["standard"]["小学"] == 2000
    assert isinstance(std["resources"]["indicators"]["L6"]["standard"]["小学"], int)  # as written, not 2000.0


# ---------------------------------------------------------------- county.yaml
@pytest.mark.parametrize("text, expected", [
    ("county: 某县\ntarget_year: 二〇二二\n", ["target_year = '二〇二二'", "应为整数"]),
    ("county: 某县\nperiods: [2021, '21']\n", ["periods[1] = '21'", "四位年份"]),
    ("county: 某县\nfacts:\n  2021: {乡镇数: -1}\n", ["facts.2021.乡镇数 = -1", "应不小于 0"]),
    ("county: 某县\nfacts:\n  2021: {人口总数: 20.5, 农业人口数: 30}\n", ["农业人口数（30）不能多于人口总数（20.5）"]),
    ("county: 某县\nfacts:\n  2021: {人口: 20.5}\n", ["facts.2021.人口 = 20.5", "不认识的键", "人口总数"]),
    ("county: 某县\noverrides:\n  - {indicator: L3, key: standard.小学, value: 1.0}\n",
     ["overrides[0].source", "缺少此项", "missing"]),
    ("county: 某县\noverrides:\n  - {indicator: L3, value: 1.0, source: 省细则}\n", ["indicator 时须同时给出 key"]),
    ("county: 某县\nresponsible: {G8: 财政局}\n", ["responsible.G8 = '财政局'", "应为列表"]),
    ("county: 某县\ntarget_yaer: 2023\n", ["target_yaer = 2023", "不认识的键", "target_year"]),
    ("county: 某县\ndemo: 1\n", ["demo = 1", "true 或 false"]),
])
def test_county_yaml_errors(tmp_path, text, expected):
    folder = _county(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        county_meta(folder)
    msg = str(err.value)
    assert str(folder / "county.yaml") in msg
    for part in expected:
        assert part in msg, (part, msg)


@pytest.mark.parametrize("text, expected", [
    # a key the standards do not have (L9)
    ("overrides:\n  - {path: resources.indicators.L9.standard.小学, value: 1, source: 试算}\n",
     ["overrides[0] 的键 resources.indicators.L9.standard.小学 在评估标准中不存在"]),
    # an override whose value the standards model refuses: named as the standards' key
    ("overrides:\n  - {indicator: L3, key: standard.小学, value: 高, source: 试算}\n",
     ["resources.indicators.L3.standard.小学 = '高'", "应为数字", "overrides 调整后"]),
    ("responsible: {G99: [教育局]}\n", ["responsible 中的指标 G99 不存在"]),
])
def test_county_overrides_that_cannot_apply(tmp_path, text, expected):
    folder = _county(tmp_path, "county: 某县\n" + text)
    with pytest.raises(ConfigError) as err:
        standards_for(folder)
    for part in expected:
        assert part in str(err.value), (part, str(err.value))


def test_county_settings_are_applied_and_recorded(tmp_path):
    folder = _county(tmp_path, (
        "county: 某县\n"
        "responsible: {G8: [人社局, 财政局]}\n"
        "timeline: {application_deadline: '2024-12', phases: [{phase: 整改提升, start: '2025-01', end: '2025-06'}]}\n"
        "overrides:\n"
        "  - {indicator: L3, key: standard.小学, value: 1.2, source: 某省实施细则第5条}\n"
        "  - {path: resources.cv_limit.初中, value: 0.40, source: 分析人员试算}\n"))
    std = standards_for(folder)
    assert std["resources"]["indicators"]["L3"]["standard"] == {"小学": 1.2, "初中": 0.9}
    assert std["resources"]["cv_limit"]["初中"] == 0.40
    assert std["guarantee"]["G8"]["responsible"] == ["人社局", "财政局"]
    assert std["timeline"]["application_deadline"] == "2024-12"
    assert std["overrides"] == [
        {"path": "resources.indicators.L3.standard.小学", "national": 0.9, "value": 1.2,
         "source": "某省实施细则第5条", "origin": "county.yaml"},
        {"path": "resources.cv_limit.初中", "national": 0.45, "value": 0.40, "source": "分析人员试算",
         "origin": "county.yaml"},
    ]
    assert load_standards()["resources"]["indicators"]["L3"]["standard"]["小学"] == 0.9  # national unchanged


@pytest.fixture(scope="module")
def county12(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("cfg") / "raw", periods=("2021",), n_schools=12, plant_mess=False)


def test_a_stricter_standard_changes_the_verdict_and_the_report_says_so(county12, tmp_path):
    """L1 passes on the 12-school county; the province's stricter L1 (小学 50 per hundred pupils,
    no unit reaches it) makes it fail, and its standard text names the override and its source."""
    raw = Path(shutil.copytree(county12, tmp_path / "raw"))
    national = results("2021", raw, tmp_path / "p1", tmp_path / "r1" / "2021", until="evaluate")
    l1 = national.verdict.set_index("code").loc["L1"]
    assert l1["status"] == "达标" and "调整" not in l1["standard"]

    meta = yaml.safe_load((raw / "county.yaml").read_text(encoding="utf-8"))
    meta["overrides"] = [{"indicator": "L1", "key": "standard.小学", "value": 50, "source": "某省实施细则（2019）第5条"}]
    (raw / "county.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    stricter = results("2021", raw, tmp_path / "p2", tmp_path / "r2" / "2021", until="evaluate")
    l1 = stricter.verdict.set_index("code").loc["L1"]
    assert l1["status"] == "未达标"
    assert "county.yaml 调整 resources.indicators.L1.standard.小学：国家标准 4.2 → 50；依据：某省实施细则（2019）第5条" \
        in l1["standard"]
    # every 小学 unit is below 50 per hundred pupils now
    units = stricter.units[stricter.units["included"].astype(bool) & (stricter.units["stage"] == "小学")]
    assert len(units) > 0 and not units["L1_met"].astype(bool).any()


def test_missing_facts_are_listed_never_zero(tmp_path):
    """The demo's 2019 leaves 农民年人均纯收入 blank: one 请核对 line naming county.yaml and the key."""
    raw = write_demo(tmp_path / "raw", periods=("2019",), n_schools=4)
    dq = clean_period(raw, "2019", None).data_quality
    facts = dq[dq["file"] == "county.yaml"]
    assert facts["column"].tolist() == ["facts.2019.农民年人均纯收入"]
    assert facts["severity"].tolist() == ["请核对"]
    assert county_meta(raw)["facts"]["2019"]["rural_income_per_capita"] is None


# ---------------------------------------------------------------- scenarios and costs
@pytest.mark.parametrize("text, expected", [
    ("name: x\nteachers:\n  hires:\n    - {year: 2022, school: A, stage: 高中, subject: 体育, count: 1}\n",
     ["teachers.hires[0].stage = '高中'", "应为以下之一"]),
    ("name: x\nteachers:\n  hires:\n    - {year: 2022, school: A, stage: 小学, subject: 体育, count: -1}\n",
     ["teachers.hires[0].count = -1", "应不小于 0"]),
    ("name: x\nteachers:\n  moves:\n    - {year: 2022, to: A, stage: 小学, count: 1}\n",
     ["teachers.moves[0].from", "缺少此项"]),
    ("name: x\nenrolment: {entrants: births}\n", ["entrants: births 时须填写 births"]),
    ("name: x\nfacilities:\n  equipment:\n    - {year: 2022, school: A, yuan: 1, colour: red}\n",
     ["facilities.equipment[0].colour", "不认识的键", "yuan"]),
])
def test_scenario_errors(tmp_path, text, expected):
    f = tmp_path / "plan.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(f)
    assert str(f) in str(err.value)
    for part in expected:
        assert part in str(err.value), (part, str(err.value))


@pytest.mark.parametrize("old, new, expected", [
    ("transfer: 8000", "transfer: -8000", ["teachers.transfer = -8000", "应不小于 0"]),
    ("L7: {item: rooms.multimedia_classroom", "L7: {item: rooms.smart_board",
     ["indicator_cost.L7.item “rooms.smart_board” 不是本文件中的成本项"]),
])
def test_costs_errors(tmp_path, old, new, expected):
    f = tmp_path / "costs.yaml"
    f.write_text(paths.COSTS_FILE.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_costs(f)
    for part in expected:
        assert part in str(err.value), (part, str(err.value))


# ---------------------------------------------------------------- the command line
def _cli(capsys, args: list[str]) -> tuple[int, str, str]:
    try:
        code = cli_main(args)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_passes_target_year_scenarios_and_standards_to_the_notebooks(tmp_path, county_dir, capsys):
    scen = tmp_path / "情景"
    scen.mkdir()
    shutil.copy(paths.SCENARIO_DIR / "baseline.yaml", scen)
    std = _standards_with(tmp_path, "min_met: 6", "min_met: 5")
    code, out, err = _cli(capsys, [
        "run", "--period", "2021", "--data", str(county_dir), "--out", str(tmp_path / "o"),
        "--processed", str(tmp_path / "p"), "--notebooks-dir", str(OK), "--notebook", "params",
        "--target-year", "2024", "--scenarios", str(scen), "--standards", str(std)])
    assert code == 0, err
    record = json.loads((tmp_path / "o" / "2021" / "params.json").read_text(encoding="utf-8"))
    assert record["target_year"] == "2024"
    assert record["scenario_dir"] == str(scen.resolve()) and record["standards_file"] == str(std.resolve())


@pytest.mark.parametrize("extra, expected", [
    (["--target-year", "22"], "--target-year 应为四位年份"),
    (["--scenarios", "/no/such/folder"], "--scenarios：找不到文件夹"),
    (["--standards", "/no/such/standards.yaml"], "--standards：找不到文件"),
])
def test_cli_option_errors_exit_2_and_write_nothing(tmp_path, county_dir, capsys, extra, expected):
    code, _, err = _cli(capsys, ["run", "--period", "2021", "--data", str(county_dir), "--out", str(tmp_path / "o"),
                                 "--processed", str(tmp_path / "p"), *extra])
    assert code == 2 and expected in err
    assert not (tmp_path / "o").exists() and not (tmp_path / "p").exists()


def test_cli_bad_standards_or_scenario_file_exits_2_before_anything_is_written(tmp_path, county_dir, capsys):
    std = _standards_with(tmp_path, "min_met: 6", 'min_met: "六"')
    code, _, err = _cli(capsys, ["run", "--period", "2021", "--data", str(county_dir), "--out", str(tmp_path / "o"),
                                 "--processed", str(tmp_path / "p"), "--standards", str(std)])
    assert code == 2 and "resources.min_met = '六'" in err and str(std) in err
    scen = tmp_path / "情景"
    scen.mkdir()
    (scen / "坏.yaml").write_text("name: x\nteachers: {retirement_age: 六十}\n", encoding="utf-8")
    code, _, err = _cli(capsys, ["run", "--period", "2021", "--data", str(county_dir), "--out", str(tmp_path / "o"),
                                 "--processed", str(tmp_path / "p"), "--scenarios", str(scen)])
    assert code == 2 and "teachers.retirement_age = '六十'" in err and "坏.yaml" in err
    assert not (tmp_path / "o").exists() and not (tmp_path / "p").exists()


def test_all_periods_follows_county_yaml_and_names_unlisted_folders(tmp_path, county_dir, capsys):
    (county_dir / "county.yaml").write_text("county: 测试县\ndemo: true\nperiods: ['2021']\n", encoding="utf-8")
    code, out, err = _cli(capsys, ["run", "--all-periods", "--data", str(county_dir), "--out", str(tmp_path / "o"),
                                   "--processed", str(tmp_path / "p"), "--notebooks-dir", str(OK),
                                   "--notebook", "params"])
    assert code == 0, err
    assert (tmp_path / "o" / "2021" / "params.json").is_file()
    assert not (tmp_path / "o" / "2020").exists()
    assert "2020" in err and "county.yaml" in err  # the folder 2020 is not listed: said, not silently skipped
