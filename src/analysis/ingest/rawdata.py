"""Raw workbooks (原始工作簿): the input contract and a tolerant reader.

A county supplies, for one reporting period, the workbooks of :data:`RAW_SHEETS` in
``<raw_dir>/<period>/``. Staff write them by hand or export them from the statistics system, so
the reader accepts what real workbooks look like:

- title rows (possibly merged) above the header — the header row is found by matching known
  column names;
- merged cells inside the table — unmerged, every cell of the range gets the value;
- header variants — stray spaces, full-width characters, known aliases, a unit in brackets;
- a 合计/总计 row — dropped, with a data-quality line.

Values stay as read here (strings or numbers); :mod:`analysis.ingest.cleaning` parses them by kind
(:func:`parse_column`) and reports every problem. Nothing here writes anywhere.
"""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from openpyxl.utils.cell import column_index_from_string
from openpyxl.worksheet.cell_range import CellRange
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from analysis.errors import RawDataError, err
from analysis.schemas import CLASS_BANDS, SPONSOR_TYPES, band_label


# ---------------------------------------------------------------------------- contract
@dataclass(frozen=True)
class RawCol:
    """One raw column: the schema column it fills, accepted headers and how to parse it.

    kind: code (identifier kept as text), text, int, float, money (元; a 万元 header is × 10 000),
    bool (是/否), grade (一年级 → 1, 幼儿班 → 0), level (Ⅲ级 → 3) or enum (text from ``values``,
    with ``aliases`` mapped onto them).

    unit: the family of units a numeric column may be written in (:data:`UNITS`: area, money,
    count, hours, minutes, ratio, year, score). A unit written in the header bracket or in a units
    row under the header is converted to the processed unit; a unit outside the family stops the
    run naming the column.

    For the blank input template (:mod:`analysis.ingest.template`) and its 填表说明:
    ``doc`` is the column's meaning for school and bureau staff (Chinese, short; the processed
    table's description in :mod:`analysis.schemas` when empty), ``example`` a value as staff
    would write it (derived from the allowed values when empty), ``shown_unit`` the unit the
    template writes in the header bracket (default :data:`HEADER_UNITS` of the family; one of the
    family's units), and ``school_ref`` says the value is a 学校标识码 of the 学校名录 (checked
    against the school list when typed, as the cleaning does when read).
    """

    target: str
    headers: tuple[str, ...]
    kind: str = "text"
    required: bool = True
    values: tuple[str, ...] | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    unit: str | None = None
    doc: str = ""
    example: str = ""
    shown_unit: str | None = None
    school_ref: bool = False


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of the contract; ``doc`` says what one row is (for the template's 填表说明)."""

    workbook: str  # file name without .xlsx
    sheet: str
    table: str  # processed table it feeds
    columns: tuple[RawCol, ...]
    optional: bool = False  # optional sheet (e.g. 监测成绩)
    wide_grades: bool = False  # one column per grade (在校生)
    wide_bands: bool = False  # one column per 班额 band (班额分段)
    #: the other form of the same data in the same workbook (教职工 ↔ 专任教师数, 班级 ↔ 班额分段):
    #: this sheet may be absent when that one is there (both may be given: the per-person or
    #: per-class sheet wins school by school, and disagreements are listed)
    alternative: str | None = None
    ignore: tuple[str, ...] = ("学校名称", "序号", "备注")  # known columns that are not read
    doc: str = ""

    @property
    def file(self) -> str:
        return f"{self.workbook}.xlsx"


GRADE_NAMES = ["幼儿班", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级",
               "七年级", "八年级", "九年级", "高一", "高二", "高三"]
_GRADE_ALIASES = {"学前班": 0, "附设幼儿班": 0, "初一": 7, "初二": 8, "初三": 9,
                  "高中一年级": 10, "高中二年级": 11, "高中三年级": 12}
_TYPE_ALIASES = {"九年一贯制学校": "九年一贯制", "十二年一贯制学校": "十二年一贯制",
                 "初级中学": "初中", "完全小学": "小学", "特教学校": "特殊教育学校",
                 "小学教学点": "教学点", "其他特教学校": "特殊教育学校", "特殊教育": "特殊教育学校"}
#: the statistics' 城乡分类 (统计用区划代码 111 主城区 … 220 村庄) onto 城区 / 镇区 / 乡村
_URBAN_ALIASES = {"主城区": "城区", "城乡结合区": "城区", "镇中心区": "镇区", "镇乡结合区": "镇区",
                  "特殊区域": "镇区", "乡中心区": "乡村", "村庄": "乡村"}
#: 举办者 as the statistics name it, where it says 公办 or 民办 without doubt (others are listed)
_OWNER_ALIASES = {"公立": "公办", "私立": "民办", "教育部门": "公办", "地方教育部门": "公办",
                  "其他部门": "公办", "地方其他部门": "公办", "民办学校": "民办", "社会力量": "民办"}
#: the 班额分段 sheet's band columns: target → (lower, upper) edge
BAND_TARGETS = {f"b{lo}": (lo, hi) for lo, hi in CLASS_BANDS}
_BAND_TARGETS = BAND_TARGETS


def _band_headers(lo: int, hi: int | None) -> tuple[str, ...]:
    label = band_label(lo, hi)
    if hi is None or lo <= 1:
        return (label,)
    return (label, f"{lo}~{hi}人", f"{lo}至{hi}人", f"{lo}—{hi}人")


#: 举办者类型: the form's codes (1–10, as numbers or text) and the usual longer names
_SPONSOR_ALIASES = {
    **{str(code): name for name, code in SPONSOR_TYPES.items()},
    **{f"{code}.0": name for name, code in SPONSOR_TYPES.items()},
    "教育部": "中央教育部门", "省教育厅": "省级教育部门", "市教育局": "地级教育部门",
    "县教育局": "县级教育部门", "区教育局": "县级教育部门", "县级教育行政部门": "县级教育部门",
    "地市级教育部门": "地级教育部门", "地市级其他部门": "地级其他部门", "企业": "地方企业",
    "民办学校": "民办", "私立": "民办",
}
_CODE = RawCol("school_code", ("学校标识码", "学校代码", "学校识别码"), "code",
               doc="学校标识码：学校名录中该校（校区）的代码，用来对应学校", example="2104210001",
               school_ref=True)
_YES = ("是", "否")
_RATING_DOCS = (("ict_rating", "信息化教学应用", "督导评估中“信息化教学应用”的评级"),
                ("moral_rating", "德育与校园文化", "督导评估中“德育与校园文化”的评级"),
                ("curriculum_rating", "课程与教学秩序", "督导评估中“课程与教学秩序”的评级"))

RAW_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("学校基本情况", "学校名录", "schools", (
        replace(_CODE, school_ref=False,
                doc="学校标识码：教育统计中该校（校区）的代码，每校唯一；其他工作簿用它对应学校"),
        RawCol("school_name", ("学校名称", "学校全称"), "text", doc="学校全称", example="石文镇中心小学"),
        RawCol("town", ("所在乡镇", "乡镇", "所在乡镇(街道)"), "text", doc="学校所在乡镇（街道）",
               example="石文镇"),
        RawCol("urban_rural", ("城乡分类", "城乡类别"), "enum",
               values=("城区", "镇区", "乡村"), aliases=_URBAN_ALIASES,
               doc="学校所在地的城乡分类（按统计用城乡划分）"),
        RawCol("school_type", ("办学类型", "学校类型"), "enum",
               values=("小学", "初中", "九年一贯制", "十二年一贯制", "完全中学", "教学点",
                       "特殊教育学校", "职业学校"), aliases=_TYPE_ALIASES,
               doc="办学类型：决定本校应有哪些年级、分几个学段参加评估"),
        RawCol("ownership", ("办学性质",), "enum", values=("公办", "民办"),
               aliases=_OWNER_ALIASES, doc="办学性质：公办或民办"),
        RawCol("sponsor_type", ("举办者类型", "举办者"), "enum", required=False,
               values=tuple(SPONSOR_TYPES), aliases=_SPONSOR_ALIASES,
               doc="举办者类型（申报表Ⅱ-2）：填名称或代码，如“县级教育部门”或 7；民办学校填“民办”（10）"),
        RawCol("is_boarding", ("寄宿制学校", "是否寄宿制学校"), "bool", doc="是否寄宿制学校"),
        RawCol("is_village_school", ("村小学", "是否村小学"), "bool",
               doc="是否村小学（用于“不足100人按100人核定公用经费”）"),
        RawCol("not_counted", ("不计校数", "是否不计校数"), "bool",
               doc="是否不计校数的校区（分校区、教学点等不单独计为一所学校的，填“是”，其数据并入所属学校）"),
        RawCol("parent_code", ("所属学校标识码", "母校标识码"), "code", required=False, school_ref=True,
               doc="不计校数校区所属学校的学校标识码；其他学校留空", example="2104210002"),
    ), ignore=("序号", "备注"), doc="每所学校一行（含教学点和不计校数的校区）"),
    SheetSpec("学校基本情况", "在校生", "enrolment", (
        _CODE,
        *(RawCol(f"g{g}", (name,), "int", required=False, unit="count", shown_unit="人",
                 doc=f"{'附设幼儿班' if g == 0 else name}在校生数", example="45")
          for g, name in enumerate(GRADE_NAMES)),
        RawCol("row_total", ("合计", "总计"), "int", required=False, unit="count", shown_unit="人",
               doc="各年级在校生合计（只用于核对，可不填）", example="270"),
    ), wide_grades=True, doc="每所学校一行，每个年级一列"),
    SheetSpec("学校基本情况", "班级", "classes", (
        _CODE,
        RawCol("class_id", ("班级编号", "班级代码", "班号"), "code",
               doc="班级编号：本校内每班唯一（按文本填写，如 0101 表示一年级1班）", example="0101"),
        RawCol("grade", ("年级",), "grade", doc="班级所在年级"),
        RawCol("size", ("班额", "班级人数"), "int", unit="count", shown_unit="人",
               doc="班额：该班学生人数", example="42"),
    ), doc="每个教学班一行", alternative="班额分段"),
    SheetSpec("学校基本情况", "班额分段", "class_bands", (
        _CODE,
        RawCol("stage", ("学段",), "enum", values=("小学", "初中"), doc="学段", example="小学"),
        *(RawCol(t, _band_headers(lo, hi), "int", required=False, unit="count", shown_unit="个",
                 doc=f"班额{band_label(lo, hi)}的班数；没有填 0", example="3")
          for t, (lo, hi) in _BAND_TARGETS.items()),
        RawCol("row_total", ("班数合计", "合计", "总计"), "int", required=False, unit="count", shown_unit="个",
               doc="班数合计（只用于核对，可不填）", example="12"),
    ), optional=True, wide_bands=True, alternative="班级",
        doc="“班级”的替代填法（统计报表“教学班数、班额情况”）：每校每学段一行，每个班额段一列"),
    SheetSpec("教职工花名册", "教职工", "teachers", (
        RawCol("teacher_id", ("教师编号", "工号", "教职工编号"), "code",
               doc="教师编号：全县每人唯一（如工号）", example="T00123"),
        replace(_CODE, doc="人事关系所在学校的学校标识码"),
        RawCol("stage", ("任教学段",), "enum", values=("幼儿班", "小学", "初中", "高中"),
               aliases={"学前": "幼儿班", "幼儿园": "幼儿班"}, doc="主要任教学段", example="小学"),
        RawCol("degree", ("最高学历", "学历"), "enum", values=("研究生", "本科", "专科", "高中及以下"),
               aliases={"硕士研究生": "研究生", "博士研究生": "研究生", "大学本科": "本科",
                        "大学专科": "专科", "大专": "专科", "中专": "高中及以下", "高中": "高中及以下"},
               doc="最高学历", example="本科"),
        RawCol("subject", ("任教学科", "学科"), "text",
               doc="主要任教学科（如语文、数学、体育、音乐、美术）", example="体育"),
        RawCol("full_time", ("专任教师", "是否专任教师"), "bool", doc="是否专任教师"),
        RawCol("backbone_level", ("骨干教师级别", "骨干教师"), "enum",
               values=("无", "县级", "市级", "省级", "国家级"),
               aliases={"否": "无", "县级骨干": "县级", "市级骨干": "市级", "省级骨干": "省级"},
               doc="县级及以上骨干教师的级别；不是骨干教师填“无”"),
        RawCol("has_certificate", ("教师资格证", "持有教师资格证"), "bool", doc="是否持有教师资格证"),
        RawCol("training_hours_5y", ("近五年培训学时", "近5年培训学时"), "float", unit="hours",
               doc="近五年累计参加培训的学时", example="360"),
        RawCol("rotation_eligible", ("符合交流轮岗条件",), "bool", doc="是否符合交流轮岗条件"),
        RawCol("rotated", ("本年度已交流轮岗", "已交流轮岗"), "bool", doc="本年度是否已交流轮岗"),
        RawCol("service_school_code", ("服务学校标识码", "走教学校标识码"), "code", required=False,
               school_ref=True, doc="交流轮岗、兼职或走教所服务学校的学校标识码；没有则留空",
               example="2104210010"),
        RawCol("service_mode", ("服务方式",), "enum", required=False,
               values=("交流轮岗", "兼职", "走教"), doc="在服务学校的服务方式；没有则留空"),
        RawCol("birth_year", ("出生年份",), "int", required=False, unit="year",
               doc="出生年份（四位数）", example="1985"),
    ), ignore=("姓名", "序号", "备注"), doc="每名教职工一行（本县在编在岗及聘用的教职工）",
        alternative="专任教师数"),
    SheetSpec("教职工花名册", "专任教师数", "teacher_counts", (
        _CODE,
        RawCol("stage", ("学段", "任教学段"), "enum", values=("小学", "初中"), doc="学段", example="小学"),
        RawCol("full_time", ("专任教师数", "专任教师"), "int", unit="count", shown_unit="人",
               doc="该校该学段的专任教师人数", example="36"),
        RawCol("qualifying", ("其中:高于规定学历", "高于规定学历教师数", "高于规定学历"), "int", unit="count",
               shown_unit="人", doc="其中高于规定学历的人数（小学专科及以上、初中本科及以上，按评估标准）", example="34"),
        RawCol("backbone", ("其中:县级及以上骨干教师", "县级及以上骨干教师数", "县级及以上骨干教师",
                            "县级以上骨干教师"), "int", unit="count", shown_unit="人",
               doc="其中县级及以上骨干教师人数", example="5"),
        RawCol("pe_art", ("其中:体育、艺术专任教师", "体育、艺术专任教师数", "体育、艺术专任教师",
                          "体育艺术专任教师"), "int", unit="count", shown_unit="人",
               doc="其中体育、音乐、美术专任教师人数", example="4"),
        RawCol("serving_pe_art", ("外校来本校任教的体育、艺术教师", "外校来本校任教的体育艺术教师"),
               "int", required=False, unit="count", shown_unit="人",
               doc="外校教师以交流轮岗、兼职、走教方式来本校任教体育、音乐、美术的人数（用于小规模乡村学校；没有填 0）",
               example="0"),
    ), optional=True, alternative="教职工",
        doc="“教职工”花名册的替代填法（统计报表口径）：每校每学段一行；只填本表时 G9、G11、G12 为“无数据”"),
    SheetSpec("办学条件", "校舍场地装备", "facilities", (
        _CODE,
        RawCol("teaching_aux_area_m2", ("教学及辅助用房面积",), "float", unit="area",
               doc="教学及辅助用房面积（含计入其中的室内体育用房）", example="3200"),
        RawCol("indoor_sports_area_m2", ("其中:室内体育用房面积", "室内体育用房面积"), "float", unit="area",
               doc="其中：计入教学及辅助用房的室内体育用房面积；没有填 0", example="300"),
        RawCol("sports_ground_m2", ("体育运动场地面积", "运动场地面积"), "float", unit="area",
               doc="体育运动场地面积", example="6500"),
        RawCol("gymnasium_m2", ("体育馆面积",), "float", unit="area", doc="体育馆面积；没有体育馆填 0",
               example="0"),
        RawCol("equipment_value_yuan", ("教学仪器设备值", "教学仪器设备资产值"), "money", unit="money",
               doc="教学仪器设备资产值", example="1250000"),
        RawCol("multimedia_classrooms", ("网络多媒体教室", "网络多媒体教室数"), "float", unit="count",
               shown_unit="间", doc="网络多媒体教室间数", example="18"),
    ), doc="每所学校一行"),
    SheetSpec("办学条件", "专用教室", "special_rooms", (
        _CODE,
        RawCol("room_type", ("教室类型",), "enum", values=("音乐", "美术"),
               aliases={"音乐教室": "音乐", "美术教室": "美术"}, doc="专用教室类型"),
        RawCol("area_m2", ("使用面积",), "float", unit="area", doc="该教室的使用面积", example="96"),
        RawCol("build_year", ("建成年份",), "int", required=False, unit="year", doc="建成年份（四位数）",
               example="2015"),
    ), doc="每间音乐、美术专用教室一行"),
    SheetSpec("经费", "学校经费", "finance", (
        _CODE,
        RawCol("public_funds_yuan", ("全年拨付公用经费", "公用经费拨付"), "money", unit="money",
               doc="本年度实际拨付给学校的公用经费", example="450000"),
        RawCol("public_funds_budget_yuan", ("年度公用经费预算总额", "公用经费预算"), "money", unit="money",
               doc="本年度学校公用经费预算总额", example="500000"),
        RawCol("training_spending_yuan", ("教师培训经费",), "money", unit="money",
               doc="本年度用于教师培训的经费", example="25000"),
    ), doc="每所学校一行"),
    SheetSpec("招生与升学", "划片入学", "catchment", (
        _CODE,
        RawCol("stage", ("学段",), "enum", values=("小学", "初中"), doc="招生学段（小学或初中的新生）"),
        RawCol("entrants", ("招生数",), "int", unit="count", shown_unit="人", doc="本学段招收的新生数",
               example="120"),
        RawCol("entrants_in_catchment", ("其中:划片范围内入学人数", "划片范围内入学人数"), "int", unit="count",
               shown_unit="人", doc="其中：在划片范围内就近入学的人数", example="115"),
    ), doc="每所学校每个招生学段一行"),
    SheetSpec("招生与升学", "名额分配", "quota", (
        _CODE,
        RawCol("graduates", ("初中毕业生数",), "int", unit="count", shown_unit="人",
               doc="本校本年度初中毕业生数", example="180"),
        RawCol("allocated_places", ("分配优质高中名额", "分配名额"), "int", unit="count", shown_unit="个",
               doc="分配到本校的优质普通高中招生名额", example="60"),
    ), doc="每所有初中毕业生的学校一行（初中、九年一贯制、完全中学等）"),
    SheetSpec("督导与质量", "学校评级", "ratings", (
        _CODE,
        RawCol("has_charter", ("学校章程",), "bool", doc="是否制定了学校章程"),
        RawCol("has_informatization", ("管理与教学信息化",), "bool", doc="是否实现管理与教学信息化"),
        *(RawCol(t, (h,), "enum", values=("优秀", "良好", "合格", "不合格"), doc=d) for t, h, d in _RATING_DOCS),
    ), doc="每所学校一行（按县级督导评估结果）"),
    SheetSpec("督导与质量", "课业负担", "homework", (
        _CODE,
        RawCol("grade", ("年级",), "grade", doc="调查的年级"),
        RawCol("respondents", ("有效问卷数",), "int", unit="count", shown_unit="份",
               doc="该年级的有效问卷数", example="85"),
        RawCol("written_minutes", ("日均书面作业时间",), "float", unit="minutes",
               doc="学生每天书面作业的平均时间", example="55"),
    ), doc="每所学校每个调查年级一行（课业负担问卷调查）"),
    SheetSpec("督导与质量", "质量监测", "monitoring", (
        RawCol("subject", ("监测学科",), "text", doc="国家义务教育质量监测的学科", example="数学"),
        RawCol("grade", ("监测年级",), "grade", doc="监测年级"),
        RawCol("level", ("学业水平等级",), "level", doc="本县该学科的学业水平等级（按监测结果报告）"),
        RawCol("diff_rate", ("校际差异率",), "float", unit="ratio",
               doc="本县该学科的校际差异率（按监测结果报告）", example="12%"),
    ), doc="每个监测学科、每个监测年级一行（国家义务教育质量监测结果）"),
    SheetSpec("督导与质量", "监测成绩", "monitoring_scores", (
        RawCol("student_id", ("学生编号",), "code", doc="学生编号：每名学生唯一", example="S000123"),
        _CODE,
        RawCol("subject", ("学科",), "text", doc="监测学科", example="数学"),
        RawCol("grade", ("年级",), "grade", doc="学生所在年级"),
        RawCol("score", ("成绩",), "float", unit="score", doc="该学科成绩", example="86.5"),
    ), optional=True, doc="可选：县级质量监测的学生成绩，每名学生每个学科一行；没有可不填"),
    SheetSpec("社会认可度调查", "调查结果", "satisfaction", (
        RawCol("survey_kind", ("调查方式",), "enum", values=("问卷调查", "实地走访"), doc="调查方式"),
        RawCol("group", ("调查对象",), "enum",
               values=("学生", "家长", "教师", "校长", "人大代表", "政协委员", "其他群众"), doc="调查对象"),
        *(RawCol(lv, (lv,), "int", unit="count", shown_unit="人", doc=f"选择“{lv}”的人数", example="120")
          for lv in ("满意", "比较满意", "一般", "不太满意", "不满意")),
        RawCol("issued", ("问卷发放数", "发放问卷数", "问卷总数"), "int", required=False, unit="count",
               shown_unit="份", doc="问卷调查发放的问卷数（申报表Ⅵ“问卷总数”）；实地走访留空", example="420"),
    ), doc="每种调查方式、每类调查对象一行：选择各满意度等级的人数"),
    SheetSpec("县级数据", "县级数据项", "county_items", (
        RawCol("item", ("数据项代码",), "code", doc="数据项代码（模板已列出全部数据项，请勿修改）",
               example="teacher_avg_pay"),
        RawCol("label", ("数据项名称",), "text", doc="数据项名称", example="教师年平均工资收入（元）"),
        RawCol("value", ("数值",), "float", required=False,
               doc="数值（按“单位”列的单位填写；认定项留空）", example="85000"),
        RawCol("unit", ("单位",), "text", required=False, doc="数值的单位", example="元"),
        RawCol("attested", ("认定",), "bool", required=False, doc="认定项：是否认定（数值项留空）"),
        RawCol("evidence", ("佐证材料", "佐证材料说明"), "text", required=False,
               doc="认定项的佐证材料（文件名称、文号等）", example="县政府关于学校布局规划的批复（某政〔2020〕12号）"),
    ), doc="每个县级数据项一行（模板已列出代码和名称：填数值或认定）"),
)

TOTAL_MARKERS = {"合计", "总计", "小计", "全县合计", "总合计"}
#: headers of running-number columns: a row with only these filled is a blank row
SERIAL_HEADERS = ("序号", "编号", "行号", "序")

#: units a numeric column may be written in, by family: written unit → factor to the processed
#: unit (㎡, 元, persons/rooms, hours, minutes, a share 0–1, years, points). Keys are normalised
#: with :func:`norm_unit` (NFKC, lower case, no spaces): ㎡ and m² become "m2".
UNITS: dict[str, dict[str, float]] = {
    "area": {"平方米": 1.0, "m2": 1.0, "平米": 1.0, "万平方米": 1e4, "亩": 10000.0 / 15.0, "公顷": 1e4},
    "money": {"元": 1.0, "千元": 1e3, "万元": 1e4},
    "count": {"人": 1.0, "名": 1.0, "个": 1.0, "间": 1.0, "所": 1.0, "班": 1.0, "份": 1.0,
              "人次": 1.0, "套": 1.0},
    "hours": {"学时": 1.0, "小时": 1.0, "课时": 1.0},
    "minutes": {"分钟": 1.0, "分": 1.0, "min": 1.0, "小时": 60.0},
    "ratio": {"%": 0.01, "百分比": 0.01},
    "year": {"年": 1.0},
    "score": {"分": 1.0},
}
#: the unit the blank template writes in a numeric header's bracket, by family (a column's
#: ``shown_unit`` overrides it). The processed unit, so the template's ranges are the schema's.
#: Counts, years and shares have none by default: a share is typed as a percentage into a cell
#: formatted as one (12% is stored as 0.12), never under a "（%）" header, where a typed 12%
#: would be read as 0.0012.
HEADER_UNITS: dict[str, str] = {"area": "平方米", "money": "元", "hours": "学时", "minutes": "分钟",
                                "score": "分"}
#: the processed unit of each family (what the factor converts to), for messages
UNIT_NAMES = {"area": "平方米", "money": "元", "count": "个/人/间", "hours": "学时", "minutes": "分钟",
              "ratio": "比值（0–1）", "year": "年", "score": "分"}
MONEY_FACTORS = UNITS["money"]  # kept for callers of the old name

# zero-width space/joiner/non-joiner, word joiner, BOM, soft hyphen: invisible in Excel, never data
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Excel's escape of a control character in XML text (_x000D_ = carriage return)
_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def decode_excel_text(value: str) -> str:
    """Decode ``_xHHHH_`` escapes (``_x000D_`` → CR), turn control characters into spaces and
    drop invisible characters (zero-width, BOM, soft hyphen)."""
    if value.isprintable() and "_x" not in value:
        return value  # the usual cell: control and invisible characters are all unprintable
    text = _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    text = _INVISIBLE.sub("", text)
    return _CONTROL.sub(" ", text)


# ---------------------------------------------------------------------------- normalising
_WHITESPACE = re.compile(r"\s+")
_FULL_WIDTH_DIGIT = re.compile("[０-９]")


def norm_text(value: Any) -> str:
    """NFKC (full-width → half-width), Excel escapes decoded, invisible characters and every
    whitespace removed: for headers, codes and matching."""
    text = unicodedata.normalize("NFKC", decode_excel_text(str(value)))
    return _WHITESPACE.sub("", text)


def norm_unit(unit: str | None) -> str | None:
    """A written unit for lookup in :data:`UNITS`: "（平方米）", "单位：㎡", "M²" → "平方米"/"m2"."""
    if unit is None:
        return None
    u = norm_text(unit).lower().replace("²", "2")
    u = re.sub(r"^(单位|计量单位)[:：]?", "", u).strip("()（）[]【】")
    return u or None


def split_header(header: Any) -> tuple[str, str | None]:
    """``"教学仪器设备值（万元）"`` → ``("教学仪器设备值", "万元")``; a header without a bracket
    → ``(header, None)``."""
    h = norm_text(header)
    m = re.match(r"^(.*?)[(\[【]([^()\[\]【】]*)[)\]】]$", h)
    if m and m.group(1):
        return m.group(1), m.group(2)
    return h, None


def unit_factor(col: RawCol, unit: str | None) -> float | None:
    """Factor from the written ``unit`` to the processed unit of ``col``: 1.0 without a unit or
    for a column without a unit family; ``None`` when the unit is not one of the column's family."""
    u = norm_unit(unit)
    family = col.unit or ("money" if col.kind == "money" else None)
    if u is None or family is None:
        return 1.0
    return UNITS[family].get(u)


def is_unit_text(value: Any) -> bool:
    """True for a cell that only states a unit ("万元", "（平方米）", "单位：人")."""
    u = norm_unit(str(value))
    return u is not None and any(u in family for family in UNITS.values())


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "") or (
        isinstance(v, float) and np.isnan(v))


# ---------------------------------------------------------------------------- reading
@dataclass
class RawSheet:
    """One sheet as read: raw values under schema column names, the Excel row of each record."""

    spec: SheetSpec
    frame: pd.DataFrame  # columns: targets present + "_row"
    headers: dict[str, str]  # target → header as written in the file
    units: dict[str, str | None]  # target → unit written in the header bracket or units row
    header_row: int
    issues: list[dict] = field(default_factory=list)  # data-quality lines
    dropped_total_rows: int = 0
    #: Excel cells (row, target) holding a formula without a saved value
    uncached: set[tuple[int, str]] = field(default_factory=set)


def _file_key(name: str) -> str:
    return norm_text(name).casefold()


@dataclass(frozen=True)
class SheetFacts:
    """What the cell values alone do not say about a sheet, read from its XML (1-based rows and
    columns): formula cells without a saved value, cells holding an Excel error and hidden rows."""

    uncached: frozenset[tuple[int, int]] = frozenset()
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: frozenset[int] = frozenset()


def _local(name: str) -> str:
    """An XML tag or attribute name without its namespace ({uri}name → name)."""
    return name.rsplit("}", 1)[-1]


def _attr(el, name: str) -> str | None:
    """The attribute called ``name`` in any namespace (``r:id``, ``x:id`` …), or None."""
    for key, value in el.attrib.items():
        if _local(key) == name:
            return value
    return None


#: what makes a sheet worth parsing: a formula (<f>, any prefix; not <formula1>), an error cell
#: (t="e") or a hidden row, in either quote style. Three patterns, each starting with a literal
#: character (one pattern of three alternatives, two of them led by ``\b``, is tried at every
#: position of the text: 35 ms a period of the demo, against 4 ms); a text that only looks like
#: one (``t = 'e'`` inside a longer name) costs a parse that finds nothing.
_MARKERS = (re.compile(r"<(?:\w+:)?f[\s>/]"), re.compile(r"""t\s*=\s*["']e["']"""),
            re.compile(r"""hidden\s*=\s*["'](?:1|true)["']"""))


def _scan_sheet(stream) -> SheetFacts:
    """The :class:`SheetFacts` of one sheet part (namespace-aware; rows and cells without an
    ``r`` attribute follow the one before, as Excel reads them)."""
    uncached: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    hidden: set[int] = set()
    row_no = col_no = 0
    for event, el in ElementTree.iterparse(stream, events=("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                r = el.get("r")
                row_no, col_no = (int(r) if r else row_no + 1), 0
                if el.get("hidden") in ("1", "true"):
                    hidden.add(row_no)
            continue
        if tag == "c":
            ref = re.fullmatch(r"\$?([A-Za-z]+)\$?(\d+)", el.get("r") or "")
            if ref:
                row_no, col_no = int(ref.group(2)), column_index_from_string(ref.group(1).upper())
            else:
                col_no += 1
            formula = value = None
            for child in el:
                kind = _local(child.tag)
                if kind == "f":
                    formula = child
                elif kind == "v":
                    value = child.text
            if formula is not None and not value:  # no or an empty <v/>
                uncached.add((row_no, col_no))
            elif el.get("t") == "e" and value:
                errors[(row_no, col_no)] = value
            el.clear()
        elif tag == "row":
            el.clear()
    return SheetFacts(frozenset(uncached), errors, frozenset(hidden))


def _part(base: str, target: str) -> str:
    """A relationship target as a path inside the package (relative to ``base``'s folder)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _sheet_facts(path: Path) -> dict[str, SheetFacts] | None:
    """Per sheet name, the :class:`SheetFacts` of a workbook; None when its parts cannot be read.

    The values come from python-calamine, which reads a formula without a saved result (a workbook
    written by a program, not saved by Excel/WPS) and an error cell (``#DIV/0!``) as blank and does
    not report hidden rows. The sheet XML tells them apart: a ``<c>`` with an ``<f>`` and no
    ``<v>``; a ``<c t="e">``; a ``<row hidden="1">``. A sheet is parsed (ElementTree,
    namespace-aware) only when its text holds one of them (:data:`_MARKERS`).
    """
    out: dict[str, SheetFacts] = {}
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            package = ElementTree.fromstring(z.read("_rels/.rels"))
            book = next(_part("", rel.get("Target", "")) for rel in package
                        if rel.get("Type", "").endswith("/officeDocument"))
            rels_part = posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
            targets = {rel.get("Id"): _part(book, rel.get("Target", "")) for rel in ElementTree.fromstring(z.read(rels_part))}
            for sheet in ElementTree.fromstring(z.read(book)).iter():
                if _local(sheet.tag) != "sheet":
                    continue
                name, target = sheet.get("name"), targets.get(_attr(sheet, "id"))
                if name is None or target not in names:
                    continue
                data = z.read(target)  # decompressed once: searched, then parsed when it matters
                text = data.decode("utf-8", "replace")
                if not any(marker.search(text) for marker in _MARKERS):
                    continue
                facts = _scan_sheet(io.BytesIO(data))
                if facts.uncached or facts.errors or facts.hidden_rows:
                    out[name] = facts
    except (KeyError, StopIteration, zipfile.BadZipFile, OSError, ElementTree.ParseError, ValueError):
        return None
    return out


@dataclass
class Grid:
    """One sheet's cells as a list of rows (row 1 first, column A first; blank = None), its merged
    ranges and its :class:`SheetFacts`."""

    rows: list[list[Any]]
    merged: list[CellRange]
    facts: SheetFacts


def _cell(v: Any) -> Any:
    """A python-calamine value as openpyxl gives it: blank → None, a whole number → int (Excel
    stores 3 as ``3``; python-calamine reads every number as float)."""
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:
        return int(v)
    return v


class Book:
    """One workbook opened with python-calamine: sheet names, hidden sheets and each sheet's
    :class:`Grid` (read when first asked for)."""

    def __init__(self, path: Path):
        self.path = path
        self._wb = CalamineWorkbook.from_path(str(path))
        self.sheetnames: list[str] = list(self._wb.sheet_names)
        self.hidden: set[str] = {m.name for m in self._wb.sheets_metadata
                                 if m.visible != SheetVisibleEnum.Visible}
        self._facts = _sheet_facts(path)
        #: the sheet XML could not be read for formulas, error cells and hidden rows (listed)
        self.facts_unread = self._facts is None

    def close(self) -> None:
        """Release the file (python-calamine keeps it open to read sheets on demand)."""
        self._wb.close()

    def grid(self, name: str) -> Grid:
        sheet = self._wb.get_sheet_by_name(name)
        rows = [[_cell(v) for v in r] for r in sheet.to_python(skip_empty_area=False)]
        merged = [CellRange(min_row=r0 + 1, min_col=c0 + 1, max_row=r1 + 1, max_col=c1 + 1)
                  for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
        facts = (self._facts or {}).get(name, SheetFacts())
        for (r, c), text in facts.errors.items():
            while len(rows) < r:
                rows.append([])
            if len(rows[r - 1]) < c:
                rows[r - 1].extend([None] * (c - len(rows[r - 1])))
            rows[r - 1][c - 1] = text
        # merged ranges (and errors) may reach past the last cell with a value: a rectangle
        n_rows = max([len(rows)] + [m.max_row for m in merged])
        n_cols = max([len(r) for r in rows] + [m.max_col for m in merged] + [0])
        rows += [[] for _ in range(n_rows - len(rows))]
        for r in rows:
            r.extend([None] * (n_cols - len(r)))
        return Grid(rows, merged, facts)


class WorkbookCache:
    """Open each workbook once (python-calamine; see :class:`Book`).

    File names are matched case-insensitively and with full-width/space differences tolerated
    (``经费.XLSX`` is ``经费.xlsx``).
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._books: dict[str, Book] = {}
        self._files = ({_file_key(p.name): p for p in sorted(self.folder.iterdir()) if p.is_file()}
                       if self.folder.is_dir() else {})

    def path(self, file: str) -> Path | None:
        """The workbook file called ``file`` in the folder (any letter case), or None."""
        return self._files.get(_file_key(file))

    def close(self) -> None:
        """Release every workbook opened so far (on Windows an open file cannot be replaced or
        moved): call it once the sheets are read."""
        for book in self._books.values():
            book.close()
        self._books.clear()

    def check_all(self, specs=None) -> None:
        """Raise one :class:`RawDataError` naming every missing workbook (not only the first)."""
        specs = RAW_SHEETS if specs is None else specs
        missing = []
        for file in dict.fromkeys(s.file for s in specs if not s.optional):
            if self.path(file) is None:
                sheets = "、".join(s.sheet for s in specs if s.file == file)
                missing.append((file, sheets))
        if missing:
            zh = "；".join(f"“{f}”（工作表：{sh}）" for f, sh in missing)
            en = "; ".join(f"'{f}'" for f, _ in missing)
            present = "、".join(p.name for p in self._files.values()) or "（空 / empty）"
            raise RawDataError(err(
                f"{self.folder} 中缺少 {len(missing)} 个工作簿：{zh}。现有文件：{present}",
                f"{len(missing)} workbook(s) missing in {self.folder}: {en}"))

    def get(self, spec: SheetSpec) -> Book:
        if spec.file not in self._books:
            path = self.path(spec.file)
            if path is None:
                self.check_all([s for s in RAW_SHEETS if s.file == spec.file])
            try:
                if not zipfile.is_zipfile(path):  # python-calamine would read an .xls renamed .xlsx
                    raise zipfile.BadZipFile("not a zip archive")
                self._books[spec.file] = Book(path)
            except Exception as exc:  # noqa: BLE001 - .xls renamed to .xlsx, a damaged file, …
                raise RawDataError(err(
                    f"无法打开工作簿“{spec.file}”（{path}）：不是有效的 .xlsx 文件，请在 Excel 中另存为"
                    f"“Excel 工作簿 (*.xlsx)”（{type(exc).__name__}）",
                    f"cannot open workbook '{spec.file}' ({path}): not a valid .xlsx file; save it "
                    f"as 'Excel Workbook (*.xlsx)' ({type(exc).__name__}: {exc})")) from exc
        return self._books[spec.file]


def find_sheet(sheetnames: list[str], wanted: str, hidden: set[str] | frozenset = frozenset()) -> str | None:
    """The sheet called ``wanted``, tolerating stray spaces and full-width characters.

    A visible sheet is preferred to a hidden one of the same name; among visible ones the exact
    name wins. None when there is none (or several visible near-matches).
    """
    hits = [n for n in sheetnames if n == wanted or norm_text(n) == norm_text(wanted)]
    visible = [n for n in hits if n not in hidden]
    for group in (visible, hits):
        if wanted in group:
            return wanted
        if len(group) == 1:
            return group[0]
        if group:
            return None
    return None


#: per spec (by identity: a spec holds dicts, so it is not hashable): the header spellings the
#: contract knows, as (base, normalised text, column), and the answers of :func:`_match` for text
#: cells (the header scan matches every cell of the first 20 rows, and the same headers come back
#: in every period and county), emptied when they grow past ``_MATCH_MEMO_SIZE``
_HEADERS: dict[int, tuple[SheetSpec, tuple[tuple[str, str, RawCol], ...], dict[str, RawCol | None]]] = {}
_MATCH_MEMO_SIZE = 4096


def match_header(spec: SheetSpec, header: Any) -> RawCol | None:
    """The contract column a header cell names (any accepted spelling, unit bracket ignored)."""
    return _match(spec, header)


def _match(spec: SheetSpec, header: Any) -> RawCol | None:
    hit = _HEADERS.get(id(spec))
    if hit is None or hit[0] is not spec:
        keys = tuple((split_header(h)[0], norm_text(h), col) for col in spec.columns for h in col.headers)
        hit = _HEADERS[id(spec)] = (spec, keys, {})
    _, keys, memo = hit
    text_cell = isinstance(header, str)
    if text_cell and header in memo:
        return memo[header]
    base, _ = split_header(header)
    text = norm_text(header)
    found = next((col for hb, ht, col in keys if base == hb or text == ht), None)
    if text_cell:
        if len(memo) >= _MATCH_MEMO_SIZE:
            memo.clear()
        memo[header] = found
    return found


NUMERIC_KINDS = ("int", "float", "money")


def _unit_error(spec: SheetSpec, header: str, unit: str, col: RawCol, where: str) -> RawDataError:
    family = col.unit or ("money" if col.kind == "money" else None)
    allowed = "、".join(UNITS[family]) if family else "（无）"
    return RawDataError(err(
        f"“{spec.file}”工作表“{spec.sheet}”列“{header}”：无法识别的单位“{unit}”（{where}；"
        f"应为：{allowed}）",
        f"'{spec.file}' sheet '{spec.sheet}' column '{header}': unknown unit '{unit}' ({where}; "
        f"expected one of: {allowed})"))


def read_sheet(cache: WorkbookCache, spec: SheetSpec) -> RawSheet | None:
    """Read one sheet of the contract. Returns None for a missing optional sheet."""
    wb = cache.get(spec)
    hidden = wb.hidden
    name = find_sheet(wb.sheetnames, spec.sheet, hidden)
    if name is None:
        if spec.optional or (spec.alternative is not None
                             and find_sheet(wb.sheetnames, spec.alternative, hidden) is not None):
            return None
        alt = f"（或其替代形式“{spec.alternative}”）" if spec.alternative else ""
        alt_en = f" (or its alternative form '{spec.alternative}')" if spec.alternative else ""
        raise RawDataError(err(
            f"工作簿“{spec.file}”中缺少工作表“{spec.sheet}”{alt}（现有：{'、'.join(wb.sheetnames)}）",
            f"workbook '{spec.file}' has no sheet '{spec.sheet}'{alt_en} (found: {', '.join(wb.sheetnames)})"))
    try:
        sheet_grid = wb.grid(name)
    except Exception as exc:  # noqa: BLE001 - a chart sheet, a damaged sheet part
        raise RawDataError(err(
            f"无法读取工作簿“{spec.file}”的工作表“{name}”（{type(exc).__name__}）：请在 Excel 中打开并另存",
            f"cannot read sheet '{name}' of workbook '{spec.file}' ({type(exc).__name__}: {exc}); "
            "open it in Excel and save it again")) from exc
    grid = sheet_grid.rows
    merged = []
    for rng in sheet_grid.merged:
        top = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                grid[r - 1][c - 1] = top
        merged.append(rng)

    # header row: the row (among the first 20) matching most known column names
    best_row, best_score = -1, 0
    for i, row in enumerate(grid[:20]):
        hits = (_match(spec, v) for v in row if not _is_blank(v))
        score = len({col.target for col in hits if col is not None})
        if score > best_score:
            best_row, best_score = i, score
    required = [c for c in spec.columns if c.required]
    expected = "、".join(c.headers[0] for c in required)
    if best_score < max(2, (len(required) + 1) // 2):
        raise RawDataError(err(
            f"“{spec.file}”工作表“{spec.sheet}”：前20行中找不到表头（应包含列：{expected}）",
            f"'{spec.file}' sheet '{spec.sheet}': no header row found in the first 20 rows "
            f"(expected columns: {expected})"))
    header_row = best_row + 1  # Excel numbering
    file, sheet = spec.file, spec.sheet
    issues: list[dict] = []
    if name != spec.sheet:
        issues.append(dict(file=file, sheet=sheet, row=None, column=None, value=name,
                           problem=f"工作表名称写作“{name}” / sheet name written as {name!r}",
                           action=f"按“{spec.sheet}”读取 / read as {spec.sheet!r}"))
    if name in hidden:
        issues.append(dict(file=file, sheet=sheet, row=None, column=None, value=name,
                           problem="该工作表是隐藏工作表 / the sheet is hidden",
                           action="已读取；请确认这是要上报的数据 / read; check it is the data to report"))
    if wb.facts_unread:
        issues.append(dict(file=file, sheet=sheet, row=None, column=None, value=None,
                           problem="无法检查公式、错误值（如 #DIV/0!）和隐藏行 / formulas, error cells and "
                                   "hidden rows could not be checked",
                           action="数值照读；请在 Excel 或 WPS 中打开并另存该工作簿后重跑 / values read; open "
                                  "and save the workbook in Excel or WPS, then run again"))
    for other in sorted(hidden - {name}):
        if norm_text(other) == norm_text(spec.sheet):
            issues.append(dict(file=file, sheet=sheet, row=None, column=None, value=other,
                               problem=f"另有同名的隐藏工作表“{other}” / a hidden sheet of the same name",
                               action="未读取，读取的是可见工作表 / not read; the visible sheet is read"))
    col_index: dict[str, int] = {}
    headers: dict[str, str] = {}
    units: dict[str, str | None] = {}
    ignore = {norm_text(h) for h in spec.ignore}
    serial = {norm_text(h) for h in SERIAL_HEADERS}
    side_cols: dict[int, str] = {}  # read-less columns (序号, 学校名称, unknown): index → header
    for j, v in enumerate(grid[best_row]):
        if _is_blank(v):
            continue
        col = _match(spec, v)
        if col is None:
            base = split_header(v)[0]
            if base not in serial:
                side_cols[j] = str(v).strip()
            if base not in ignore and base not in serial:
                issues.append(dict(file=file, sheet=sheet, row=header_row, column=str(v).strip(),
                                   value=None, problem="未识别的列 / unknown column",
                                   action="已忽略 / ignored"))
            continue
        if col.target in col_index:
            issues.append(dict(file=file, sheet=sheet, row=header_row, column=str(v).strip(),
                               value=None, problem="重复的列 / duplicated column",
                               action="只读第一列 / first one read"))
            continue
        col_index[col.target] = j
        headers[col.target] = decode_excel_text(str(v)).strip()
        units[col.target] = split_header(v)[1]
    missing = [c for c in required if c.target not in col_index]
    if missing:
        found = "、".join(str(v).strip() for v in grid[best_row] if not _is_blank(v))
        names = "、".join(f"“{c.headers[0]}”" for c in missing)
        raise RawDataError(err(
            f"“{file}”工作表“{sheet}”第{header_row}行表头缺少必需的列{names}"
            f"（可用列名：{'；'.join('/'.join(c.headers) for c in missing)}；表头现有：{found}）",
            f"'{file}' sheet '{sheet}' header row {header_row}: required column(s) {names} missing "
            f"(accepted names: {'; '.join('/'.join(c.headers) for c in missing)}; found: {found})"))
    if spec.wide_bands and not any(k in _BAND_TARGETS for k in col_index):
        bands = "、".join(band_label(lo, hi) for lo, hi in CLASS_BANDS)
        raise RawDataError(err(
            f"“{file}”工作表“{sheet}”：没有任何班额段列（应为：{bands}）",
            f"'{file}' sheet '{sheet}': no class-size band columns (expected: {bands})"))
    if spec.wide_grades and not any(k.startswith("g") for k in col_index):
        raise RawDataError(err(
            f"“{file}”工作表“{sheet}”：没有任何年级列（应为：{'、'.join(GRADE_NAMES)}）",
            f"'{file}' sheet '{sheet}': no grade columns (expected: {', '.join(GRADE_NAMES)})"))

    cols = {c.target: c for c in spec.columns}
    # a units row right under the header ("万元", "单位：平方米" …) states the columns' units
    first_data = best_row + 1
    if first_data < len(grid):
        cells = {t: grid[first_data][j] for t, j in col_index.items()}
        filled = {t: v for t, v in cells.items() if not _is_blank(v)}
        if filled and all(isinstance(v, str) and is_unit_text(v) for v in filled.values()):
            for t, v in filled.items():
                written = norm_unit(v)
                if units.get(t) is not None and norm_unit(units[t]) != written:
                    raise RawDataError(err(
                        f"“{file}”工作表“{sheet}”列“{headers[t]}”：表头单位“{units[t]}”与第{first_data + 1}行"
                        f"单位“{v}”不一致",
                        f"'{file}' sheet '{sheet}' column '{headers[t]}': the header says unit "
                        f"'{units[t]}' but row {first_data + 1} says '{v}'"))
                units[t] = str(v).strip()
            issues.append(dict(file=file, sheet=sheet, row=first_data + 1, column=None,
                               value="、".join(str(v) for v in filled.values()),
                               problem="表头下方的单位行 / a units row under the header",
                               action="按该行注明的单位读取，不作为数据 / units applied, not read as data"))
            first_data += 1
    # every numeric column's unit must be one its family knows
    for t, unit in units.items():
        col = cols[t]
        if col.kind in NUMERIC_KINDS and unit is not None and unit_factor(col, unit) is None:
            raise _unit_error(spec, headers[t], unit, col, "表头或单位行 / header or units row")

    # merged cells inside the table body
    for rng in merged:
        if rng.min_row > header_row:
            issues.append(dict(file=file, sheet=sheet, row=rng.min_row, column=str(rng),
                               value=None if grid[rng.min_row - 1][rng.min_col - 1] is None
                               else str(grid[rng.min_row - 1][rng.min_col - 1]),
                               problem=f"合并单元格 {rng} / merged cells",
                               action="已拆分，各行填入相同值 / unmerged, value copied to each row"))

    records, rows = [], []
    dropped = 0
    hidden_rows = []
    for i in range(first_data, len(grid)):
        row = grid[i]
        if all(_is_blank(v) for v in row):
            continue
        # a total row's marker is text (a number or a date never normalises to 合计)
        lead = [norm_text(v) for v in row[:3] if isinstance(v, str) and not _is_blank(v)]
        if any(v in TOTAL_MARKERS for v in lead):
            dropped += 1
            issues.append(dict(file=file, sheet=sheet, row=i + 1, column=None,
                               value=next(v for v in lead if v in TOTAL_MARKERS),
                               problem="合计行（不是学校记录）/ total row, not a record",
                               action="已删除，不计入数据 / dropped"))
            continue
        record = {t: row[j] for t, j in col_index.items()}
        if all(_is_blank(v) for v in record.values()):
            # only a running number (序号) or side columns filled: a blank row
            side = [(h, row[j]) for j, h in side_cols.items() if not _is_blank(row[j])]
            if side:
                issues.append(dict(file=file, sheet=sheet, row=i + 1, column=side[0][0],
                                   value=str(side[0][1]),
                                   problem="该行只有名称或备注，没有数据 / only a name or note, no data",
                                   action="按空行处理 / treated as a blank row"))
            continue
        if i + 1 in sheet_grid.facts.hidden_rows:
            hidden_rows.append(i + 1)
        records.append(record)
        rows.append(i + 1)
    if hidden_rows:
        shown = "、".join(map(str, hidden_rows[:20])) + ("……" if len(hidden_rows) > 20 else "")
        issues.append(dict(file=file, sheet=sheet, row=hidden_rows[0], column=None, value=shown,
                           problem=f"{len(hidden_rows)} 个隐藏行（第 {shown} 行）/ hidden rows",
                           action="已按数据读入；若不应上报请删除这些行 / read as data; delete them if "
                                  "they are not to be reported"))
    uncached = set()
    formula_cells = sheet_grid.facts.uncached
    if formula_cells:
        by_col = {j + 1: t for t, j in col_index.items()}
        read_rows = set(rows)
        uncached = {(r, by_col[c]) for r, c in formula_cells if c in by_col and r in read_rows}
    # object columns from the start: cells keep the type Excel gave them (-5 stays -5, not -5.0)
    frame = pd.DataFrame({t: pd.Series([r[t] for r in records], dtype=object) for t in col_index},
                         columns=list(col_index))
    frame["_row"] = rows
    return RawSheet(spec, frame.reset_index(drop=True), headers, units, header_row, issues, dropped,
                    uncached)


# ---------------------------------------------------------------------------- parsing values
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4}


def _grade(v: str) -> int | None:
    if v in GRADE_NAMES:
        return GRADE_NAMES.index(v)
    if v in _GRADE_ALIASES:
        return _GRADE_ALIASES[v]
    m = re.fullmatch(r"(\d{1,2})(年级)?", v)
    if m:
        return int(m.group(1))
    return None


def _level(v: str) -> int | None:
    v = v.removesuffix("级").removeprefix("水平")
    if v.isdigit():
        return int(v)
    return _ROMAN.get(v.upper(), _CN_NUM.get(v))


def parse_column(values: pd.Series, col: RawCol, unit: str | None):
    """Parse one raw column by kind.

    Returns ``(parsed, errors, cleaned)``: the parsed values (object series, ``None`` = blank),
    a series of error texts (``None`` where fine) and a dict of position → cleaning note
    (full-width digits, stray spaces) for the data-quality list.
    """
    parsed: list[Any] = []
    errors: list[str | None] = []
    notes: dict[int, str] = {}
    factor = unit_factor(col, unit) if col.kind in NUMERIC_KINDS else 1.0
    if factor is None:
        factor = np.nan  # an unknown unit: read_sheet stops the run before values are parsed
    for pos, v in enumerate(values.tolist()):
        hidden_chars = False
        if isinstance(v, str):
            decoded = decode_excel_text(v)
            hidden_chars = decoded != v
            v = decoded
        if _is_blank(v):
            parsed.append(None)
            errors.append(None)
            continue
        if isinstance(v, str):
            nf = unicodedata.normalize("NFKC", v)
            if hidden_chars:
                notes[pos] = ("含不可见字符（零宽空格、换行符转义等），已去除 / invisible characters or "
                              "escapes removed")
            elif _FULL_WIDTH_DIGIT.search(v):
                notes[pos] = "全角数字 / full-width digits"
            elif nf.strip() != nf or (col.kind != "text" and _WHITESPACE.search(nf)):
                notes[pos] = "多余空格 / stray spaces"
            text = nf.strip()
        else:
            text = None
        out, problem = None, None
        kind = col.kind
        if text is None and isinstance(v, (bool, np.bool_)) and kind not in ("bool", "text"):
            problem = "应为数字或文字，不是逻辑值 / a TRUE/FALSE cell, not a value"
            v = None
        elif text is None and not isinstance(v, (int, float, np.integer, np.floating, bool, np.bool_)):
            # a cell Excel turned into a date/time (e.g. class 1-2 → 2 Jan): never guessed back
            if kind != "text":
                problem = (f"单元格被 Excel 存成了日期/时间（{v}）/ the cell holds a date/time, "
                           "not the value written")
                v = None
        elif (text is None and isinstance(v, (float, np.floating)) and np.isfinite(v)
              and float(v) == int(v)):
            v = int(v)  # 1.0 → 1: whole numbers read from Excel as floats
        if problem is not None:
            pass
        elif kind in ("int", "float", "money"):
            num = v if text is None else None
            if text is not None:
                t = text.replace(",", "").replace(" ", "")
                percent = col.unit == "ratio" and t.endswith("%")
                try:
                    num = float(t[:-1]) / 100.0 if percent else float(t)
                except ValueError:
                    problem = "不是数字 / not a number"
                if percent and problem is None:
                    notes[pos] = "百分数，已换算为小数（12% → 0.12）/ a percentage, converted to a share"
            if problem is None:
                if isinstance(num, bool) or not isinstance(num, (int, float, np.integer, np.floating)):
                    problem = "不是数字 / not a number"
                elif not np.isfinite(float(num)):
                    problem = "不是有效数字（无穷大或 NaN）/ not a finite number"
                elif kind == "int":
                    if float(num) != round(float(num)):
                        problem = "应为整数 / not a whole number"
                    else:
                        out = int(round(float(num) * factor))
                elif kind == "money":
                    out = round(float(num) * factor, 2)
                else:
                    out = float(num) * factor
        elif kind == "code":
            if isinstance(v, (int, np.integer)) and text is None:
                out = str(int(v))
            elif text is None:  # a non-whole number, e.g. class 1.2: kept as written
                out = str(v)
            else:
                out = _WHITESPACE.sub("", text)
        elif kind == "bool":
            t = text if text is not None else str(v)
            if t in ("是", "有", "Y", "y", "√", "True", "TRUE", "1"):
                out = True
            elif t in ("否", "无", "N", "n", "×", "False", "FALSE", "0"):
                out = False
            else:
                problem = "应为“是”或“否” / expected 是 or 否"
        elif kind == "grade":
            g = _grade(_WHITESPACE.sub("", text)) if text is not None else (
                int(v) if isinstance(v, (int, np.integer)) else None)
            if g is None:
                problem = "不是可识别的年级 / not a grade"
            out = g
        elif kind == "level":
            lv = _level(_WHITESPACE.sub("", text)) if text is not None else (
                int(v) if isinstance(v, (int, np.integer)) else None)
            if lv is None:
                problem = "不是可识别的等级（Ⅰ–Ⅳ级）/ not a level I–IV"
            out = lv
        elif kind == "enum":
            t = _WHITESPACE.sub("", text) if text is not None else str(v)
            t = col.aliases.get(t, t)
            if col.values is not None and t not in col.values:
                problem = f"不是允许的取值（{'/'.join(col.values)}）/ not an allowed value"
            out = t
        else:  # text
            out = text if text is not None else str(v)
        if problem is not None:
            out = None
        parsed.append(out)
        errors.append(problem)
    return (pd.Series(parsed, index=values.index, dtype=object),
            pd.Series(errors, index=values.index, dtype=object), notes)
