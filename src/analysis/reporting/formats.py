"""Number formats and Chinese headers of the reports (数字格式与表头): the national form's precision, set in one place."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import InvalidOperation
from typing import Any, Mapping

import pandas as pd

from analysis.config.standards import load_standards
from analysis.numbers import half_up
from analysis.schemas import RESOURCE_CODES, TABLES

MISSING = "—"


AREAS = ["资源配置", "政府保障程度", "教育质量", "社会认可度"]


PASS_STATUSES = {"达标": "pass", "未达标": "fail", "无数据": "nodata", "未提供": "nodata"}


@dataclass(frozen=True)
class NumberFormat:
    """How one kind of number is shown: decimals in HTML, number format in Excel, percent or not."""

    decimals: int
    excel: str
    percent: bool = False
    thousands: bool = False


def number_formats(standards: Mapping[str, Any] | None = None) -> dict[str, NumberFormat]:
    """The form's precision for each kind of number (the one place where it is set).

    - ``value``: indicator values (2 decimals, ``resources.value_decimals``);
    - ``mean``: county means (2 decimals, ``resources.mean_decimals``);
    - ``cv``: coefficients of variation (3 decimals, ``resources.cv_decimals``);
    - ``pct``: shares and rates, as percent with 1 decimal (e.g. 巩固率 96.3%);
    - ``pct2``: percent with 2 decimals (ratios to a standard where 1 decimal hides the gap);
    - ``int``: head counts and other integers, with thousands separators;
    - ``money``: yuan, thousands separators, no decimals.
    """
    std = standards if standards is not None else load_standards()
    res = std["resources"]
    v, m, c = int(res["value_decimals"]), int(res["mean_decimals"]), int(res["cv_decimals"])
    return {
        "value": NumberFormat(v, "0." + "0" * v if v else "0"),
        "mean": NumberFormat(m, "0." + "0" * m if m else "0"),
        "cv": NumberFormat(c, "0." + "0" * c if c else "0"),
        "pct": NumberFormat(1, "0.0%", percent=True),
        "pct2": NumberFormat(2, "0.00%", percent=True),
        "int": NumberFormat(0, "#,##0", thousands=True),
        "money": NumberFormat(0, "#,##0", thousands=True),
    }


FORMATS: dict[str, NumberFormat] = number_formats()


def is_missing(x: Any) -> bool:
    """None, pd.NA, NaT or NaN (a table cell with no value)."""
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    kind = type(x)
    if kind is str or kind is int or kind is bool:  # the common cells, without pd.isna
        return False
    if kind is float:
        return x != x
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def fmt_number(x: Any, kind: str = "value") -> str:
    """Format one number with the precision of ``kind`` (see ``number_formats``); missing → "—"."""
    if is_missing(x):
        return MISSING
    f = FORMATS[kind]
    try:
        v = float(x)
    except (TypeError, ValueError, InvalidOperation):
        return str(x)
    if f.percent:
        v *= 100
    d = half_up(v, f.decimals)
    text = f"{d:,.{f.decimals}f}" if f.thousands else f"{d:.{f.decimals}f}"
    return text + ("%" if f.percent else "")


def fmt_value(x: Any) -> str:
    """Indicator value, 2 decimals (e.g. 4.2 → "4.20")."""
    return fmt_number(x, "value")


def fmt_cv(x: Any) -> str:
    """Coefficient of variation, 3 decimals (e.g. 0.5153 → "0.515")."""
    return fmt_number(x, "cv")


def fmt_pct(x: Any, decimals: int = 1) -> str:
    """Share as percent (0.9634 → "96.3%", or "96.34%" with ``decimals=2``)."""
    return fmt_number(x, "pct2" if decimals == 2 else "pct")


def fmt_int(x: Any) -> str:
    """Integer with thousands separators (12345 → "12,345")."""
    return fmt_number(x, "int")


def indicator_label(code: str, standards: Mapping[str, Any] | None = None) -> str:
    """Chinese header of a resource indicator column: "L4" → "生均教学及辅助用房面积（平方米）"."""
    std = standards if standards is not None else load_standards()
    ind = std["resources"]["indicators"].get(code)
    if ind is None:
        return code
    return f"{ind['name']}（{ind['unit']}）"


def header_map(table: str | None = None, standards: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Chinese column headers of a processed / result table, from the schema's column docs.

    Resource-indicator columns of the ``units`` table use the indicator names of the standards file.
    """
    headers: dict[str, str] = {}
    if table is not None and table in TABLES:
        headers = {c: col.doc for c, col in TABLES[table].columns.items()}
    if table == "units":
        std = standards if standards is not None else load_standards()
        for k in RESOURCE_CODES:
            headers[k] = indicator_label(k, std)
            headers[f"{k}_ratio"] = f"指标{k[1:]}与标准之比"
            headers[f"{k}_met"] = f"指标{k[1:]}达标"
    return headers


#: number kind of the numeric columns of the result tables
COLUMN_KINDS: dict[str, dict[str, str]] = {
    "units": {
        "students": "int",
        "resource_share": "pct",
        "n_met": "int",
        **{k: "value" for k in RESOURCE_CODES},
        **{f"{k}_ratio": "pct" for k in RESOURCE_CODES},
    },
    "cv": {
        "n_units": "int",
        "students": "int",
        "mean": "mean",
        "sd": "value",
        "cv": "cv",
        "cv_shown": "cv",
        "limit": "value",
    },
    "verdict": {"no": "int"},
}


#: columns holding names (school, indicator): given a minimum width so they never wrap per character
NAME_COLUMNS = {"school_name", "name", "indicator_name", "indicator", "label"}


#: short headers of the verdict table in the reports and the workbook
VERDICT_HEADERS = {"no": "序号", "code": "指标代码", "area": "方面", "name": "指标", "value": "县域实际值",
                   "standard": "标准", "status": "结果", "failing": "未达标的学校或事项及差距",
                   "evidence": "依据与佐证", "responsible": "责任单位"}


#: boolean columns that mean pass / fail (shown 达标 / 未达标 and highlighted)
PASS_COLUMNS = {"passed", "unit_pass", "met", "met_in_target", *(f"{k}_met" for k in RESOURCE_CODES)}


PROFILE_HEADERS = {"school_type": "办学类型", "schools": "学校数（所）", "pupils": "义务教育在校生（人）",
                   "teachers": "专任教师（人）", "classes": "义务教育教学班（个）"}


PROFILE_KINDS = {"schools": "int", "pupils": "int", "teachers": "int", "classes": "int"}


PROJECTION_HEADERS: dict[str, str] = {
    "scenario": "情景", "year": "年份", "level": "层级", "school_code": "学校标识码", "school_name": "学校名称",
    "stage": "学段", "students": "学生数", "indicator": "指标", "indicator_name": "指标名称", "value": "实际值",
    "standard": "标准", "ratio": "与标准之比", "met": "达标", "included": "纳入评估",
    "first_met_year": "达标年份", "met_in_target": "目标年达标", "when": "差距出现时间", "what": "需补充",
    "shortfall": "缺口数量", "natural_unit": "单位", "cost_yuan": "估算费用（元）", "cost_kind": "费用类型",
    "responsible": "责任单位", "deadline": "完成时限", "action": "措施", "detail": "说明", "quantity": "数量",
    "gap": "差距",
}


PROJECTION_KINDS: dict[str, str] = {"value": "value", "standard": "value", "shortfall": "value",
                                    "quantity": "value", "cost_yuan": "money", "ratio": "pct"}


TASK_SHOWN_COLUMNS = ["school_name", "stage", "indicator_name", "when", "value", "standard", "what", "shortfall",
                      "natural_unit", "cost_yuan", "responsible", "deadline"]


PLAN_SHOWN_COLUMNS = ["year", "school_name", "stage", "action", "detail", "quantity", "natural_unit", "indicator",
                      "cost_yuan", "responsible"]


#: Chinese headers of the columns of the engine's detail tables (``Results.details``)
DETAIL_HEADERS: dict[str, str] = {
    "school_code": "学校标识码", "school_name": "学校名称", "school_type": "办学类型", "urban_rural": "城乡分类",
    "stage": "学段", "students": "学生数", "standard": "标准", "unit_pass": "每校达标",
    "causes_unit_fail": "导致该校未达标", "missing_inputs": "缺失的输入", "status": "结果",
    "item": "事项", "label": "名称", "part": "组成部分", "text": "说明", "room_type": "教室类型",
    "classes": "班级数", "rooms_needed": "应配间数", "rooms_total": "现有间数", "rooms_qualifying": "面积达标间数",
    "rooms_too_small": "面积不足间数", "rooms_missing": "缺少间数", "limit": "上限", "excess": "超出",
    "class_id": "班级", "grade": "年级", "size": "班额", "public_funds_yuan": "公用经费（元）",
    "required_yuan": "应拨经费（元）", "shortfall_yuan": "缺口（元）", "teacher_id": "教师编号",
    "eligible": "符合轮岗条件人数", "rotated": "交流轮岗人数", "backbone_rotated": "其中骨干教师",
    "rotated_share": "交流轮岗比例", "backbone_share": "骨干教师比例", "min_share": "标准比例",
    "entrants": "招生数", "entrants_in_catchment": "划片范围内入学", "outside_catchment": "划片外入学",
    "share": "比例", "graduates": "毕业生数", "allocated_places": "分配名额", "places_per_graduate": "生均名额",
    "total": "合计", "left": "剩余", "respondents": "有效问卷数", "written_minutes": "日均书面作业（分钟）",
    "limit_minutes": "限额（分钟）", "excess_minutes": "超出（分钟）", "subject": "学科", "level": "等级",
    "diff_rate": "校际差异率", "county_between_school_share": "县测校间方差占比", "county_schools": "县测学校数",
    "county_students": "县测学生数", "survey_kind": "调查方式", "group": "调查对象", "rate": "认可率",
    "satisfied": "满意人数", "valid": "有效样本", "responses": "有效样本", "training_hours_5y": "近5年培训学时",
    "has_certificate": "持有教师资格证", "has_charter": "制定章程", "has_informatization": "实现信息化",
    "training_spending_yuan": "教师培训经费（元）", "public_funds_budget_yuan": "公用经费预算（元）",
    "missing_input": "缺失的输入", "rooms_unknown": "是否合格未定间数", "eligible_unknown": "是否符合条件不详人数",
    "rotated_unknown": "是否交流轮岗不详人数", "missing_levels": "缺失的等级", "level_ok": "等级达标",
    "diff_ok": "差异率达标", "rating": "评级",
    **{k: f"指标{k[1:]}数值" for k in RESOURCE_CODES},
    **{f"{k}_ratio": f"指标{k[1:]}与标准之比" for k in RESOURCE_CODES},
    **{f"{k}_met": f"指标{k[1:]}达标" for k in RESOURCE_CODES},
}


_INT_COLUMNS = {"students", "classes", "rooms_needed", "rooms_total", "rooms_qualifying", "rooms_too_small",
                "rooms_missing", "rooms_unknown", "eligible_unknown", "rotated_unknown", "size", "eligible", "rotated", "backbone_rotated", "entrants",
                "entrants_in_catchment", "outside_catchment", "graduates", "allocated_places", "respondents",
                "county_schools", "county_students", "satisfied", "valid", "responses", "total"}


def detail_kinds(df: pd.DataFrame) -> dict[str, str]:
    """Number kinds of a detail table's numeric columns (money, shares, counts, values)."""
    kinds: dict[str, str] = {}
    for c in df.columns:
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            continue
        if c.endswith("_yuan"):
            kinds[c] = "money"
        elif c.endswith(("share", "_ratio")) or c in {"rate"}:
            kinds[c] = "pct"
        elif c == "diff_rate" or c == "county_between_school_share":
            kinds[c] = "cv"
        elif c in _INT_COLUMNS:
            kinds[c] = "int"
        elif c in {"grade", "level"}:
            continue
        else:
            kinds[c] = "value"
    return kinds
