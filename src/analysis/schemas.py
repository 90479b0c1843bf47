"""The processed-table contract (整理后数据表的约定).

Every table that cleaning writes to ``data/processed/<period>/`` and the indicator engine reads
is declared here once, as data: column name → (dtype, nullable, allowed values / checks,
Chinese description). ``schema(name)`` turns a declaration into a pandera ``DataFrameSchema``;
``validate(name, df)`` runs it with ``lazy=True`` so every failure is reported at once.

The Chinese descriptions are the data dictionary's (``docs/data.md``); keep them in step.

Conventions
-----------
- One row per entity named in each table's docstring; school codes are strings.
- Missing values are ``NA`` (never 0): a blank number is unknown, and every indicator needing it is 无数据.
- Money is in 元 (yuan), areas in m², counts in persons / rooms / classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pandera.pandas as pa

URBAN_RURAL = ["城区", "镇区", "乡村"]
SCHOOL_TYPES = ["小学", "初中", "九年一贯制", "十二年一贯制", "完全中学", "教学点", "特殊教育学校", "职业学校"]
STAGES = ["小学", "初中"]
ALL_STAGES = ["幼儿班", "小学", "初中", "高中"]
DEGREES = ["研究生", "本科", "专科", "高中及以下"]
BACKBONE_LEVELS = ["无", "县级", "市级", "省级", "国家级"]
SERVICE_MODES = ["交流轮岗", "兼职", "走教"]
RATINGS = ["优秀", "良好", "合格", "不合格"]
ROOM_TYPES = ["音乐", "美术"]
SATISFACTION_LEVELS = ["满意", "比较满意", "一般", "不太满意", "不满意"]
SURVEY_KINDS = ["问卷调查", "实地走访"]
RESPONDENT_GROUPS = ["学生", "家长", "教师", "校长", "人大代表", "政协委员", "其他群众"]


@dataclass(frozen=True)
class Col:
    """One column: dtype ("str", "int", "float", "bool"), nullability, allowed values, meaning."""

    dtype: str
    doc: str
    nullable: bool = False
    isin: list[Any] | None = None
    ge: float | None = None
    le: float | None = None
    unique: bool = False


@dataclass(frozen=True)
class Table:
    doc: str
    columns: dict[str, Col]
    unique: list[str] = field(default_factory=list)


_DTYPES = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean"}

TABLES: dict[str, Table] = {
    # ---------------------------------------------------------------- per school
    "schools": Table(
        "学校（校区合并后）：每校一行。Schools after 不计校数 campuses are merged into their parents.",
        {
            "school_code": Col("str", "学校标识码", unique=True),
            "school_name": Col("str", "学校名称"),
            "town": Col("str", "所在乡镇"),
            "urban_rural": Col("str", "城乡分类", isin=URBAN_RURAL),
            "school_type": Col("str", "办学类型", isin=SCHOOL_TYPES),
            "is_public": Col("bool", "公办（否 = 民办）"),
            "is_boarding": Col("bool", "寄宿制学校"),
            "is_village_school": Col("bool", "村小学（用于“不足100人按100人核定公用经费”）"),
            "merged_campuses": Col("str", "并入的不计校数校区代码，以“、”分隔", nullable=True),
        },
        unique=["school_code"],
    ),
    "enrolment": Table(
        "在校生：每校每年级一行。grade 0 = 附设幼儿班；1–6 小学；7–9 初中；10–12 高中。",
        {
            "school_code": Col("str", "学校标识码"),
            "stage": Col("str", "学段", isin=ALL_STAGES),
            "grade": Col("int", "年级（0 = 幼儿班）", ge=0, le=12),
            "students": Col("int", "在校生数", nullable=True, ge=0),
        },
        unique=["school_code", "grade"],
    ),
    "classes": Table(
        "教学班：每班一行。",
        {
            "school_code": Col("str", "学校标识码"),
            "class_id": Col("str", "班级标识"),
            "stage": Col("str", "学段", isin=ALL_STAGES),
            "grade": Col("int", "年级", ge=0, le=12),
            "size": Col("int", "班额（人）", nullable=True, ge=0),
        },
        unique=["school_code", "class_id"],
    ),
    "teachers": Table(
        "教职工花名册：每人一行（仅本县在编在岗及聘用教师）。",
        {
            "teacher_id": Col("str", "教师编号", unique=True),
            "school_code": Col("str", "所在学校（人事关系所在校）"),
            "stage": Col("str", "任教学段", isin=ALL_STAGES),
            "degree": Col("str", "最高学历", isin=DEGREES, nullable=True),
            "subject": Col("str", "任教学科（体育、音乐、美术、语文……）"),
            "full_time": Col("bool", "专任教师"),
            "backbone_level": Col("str", "骨干教师级别", isin=BACKBONE_LEVELS),
            "has_certificate": Col("bool", "持有教师资格证", nullable=True),
            "training_hours_5y": Col("float", "近5年培训学时", nullable=True, ge=0),
            "rotation_eligible": Col("bool", "符合交流轮岗条件", nullable=True),
            "rotated": Col("bool", "本年度已交流轮岗", nullable=True),
            "service_school_code": Col("str", "兼职/走教/交流服务的学校", nullable=True),
            "service_mode": Col("str", "服务方式", nullable=True, isin=SERVICE_MODES),
            "birth_year": Col("int", "出生年份", nullable=True, ge=1940, le=2010),
        },
        unique=["teacher_id"],
    ),
    "facilities": Table(
        "校舍、场地、装备：每校一行（不计校数校区已合并）。",
        {
            "school_code": Col("str", "学校标识码", unique=True),
            "teaching_aux_area_m2": Col("float", "教学及辅助用房面积（㎡）", nullable=True, ge=0),
            "indoor_sports_area_m2": Col(
                "float", "其中：室内体育用房面积（㎡，计入教学及辅助用房的部分）", nullable=True, ge=0
            ),
            "sports_ground_m2": Col("float", "体育运动场地面积（㎡）", nullable=True, ge=0),
            "gymnasium_m2": Col("float", "体育馆面积（㎡）", nullable=True, ge=0),
            "equipment_value_yuan": Col("float", "教学仪器设备资产值（元）", nullable=True, ge=0),
            "multimedia_classrooms": Col("float", "网络多媒体教室（间）", nullable=True, ge=0),
        },
        unique=["school_code"],
    ),
    "special_rooms": Table(
        "音乐、美术专用教室：每间一行。",
        {
            "school_code": Col("str", "学校标识码"),
            "room_type": Col("str", "教室类型", isin=ROOM_TYPES),
            "area_m2": Col("float", "使用面积（㎡）", ge=0),
            "build_year": Col("int", "建成年份", nullable=True, ge=1900, le=2100),
        },
    ),
    "finance": Table(
        "学校经费：每校一行（元）。",
        {
            "school_code": Col("str", "学校标识码", unique=True),
            "public_funds_yuan": Col("float", "全年拨付公用经费（元）", nullable=True, ge=0),
            "public_funds_budget_yuan": Col("float", "年度公用经费预算总额（元）", nullable=True, ge=0),
            "training_spending_yuan": Col("float", "教师培训经费（元）", nullable=True, ge=0),
        },
        unique=["school_code"],
    ),
    "catchment": Table(
        "就近划片入学：每校每学段一行（新生）。",
        {
            "school_code": Col("str", "学校标识码"),
            "stage": Col("str", "学段", isin=STAGES),
            "entrants": Col("int", "招生数", nullable=True, ge=0),
            "entrants_in_catchment": Col("int", "其中：划片范围内入学人数", nullable=True, ge=0),
        },
        unique=["school_code", "stage"],
    ),
    "quota": Table(
        "优质高中招生名额分配：每所初中（含一贯制、完全中学初中部）一行。",
        {
            "school_code": Col("str", "学校标识码"),
            "graduates": Col("int", "初中毕业生数", nullable=True, ge=0),
            "allocated_places": Col("int", "分配到校的优质高中名额", nullable=True, ge=0),
        },
        unique=["school_code"],
    ),
    "ratings": Table(
        "督导评估与学校管理：每校一行。",
        {
            "school_code": Col("str", "学校标识码", unique=True),
            "has_charter": Col("bool", "制定学校章程", nullable=True),
            "has_informatization": Col("bool", "实现管理与教学信息化", nullable=True),
            "ict_rating": Col("str", "信息化教学应用评级", nullable=True, isin=RATINGS),
            "moral_rating": Col("str", "德育与校园文化评级", nullable=True, isin=RATINGS),
            "curriculum_rating": Col("str", "课程与教学秩序评级", nullable=True, isin=RATINGS),
        },
        unique=["school_code"],
    ),
    "homework": Table(
        "课业负担调查：每校每年级一行。",
        {
            "school_code": Col("str", "学校标识码"),
            "grade": Col("int", "年级", ge=1, le=9),
            "respondents": Col("int", "有效问卷数", nullable=True, ge=0),
            "written_minutes": Col("float", "日均书面作业时间（分钟）", nullable=True, ge=0),
        },
        unique=["school_code", "grade"],
    ),
    "monitoring": Table(
        "国家义务教育质量监测结果：每学科每年级一行。",
        {
            "subject": Col("str", "监测学科"),
            "grade": Col("int", "监测年级（4 或 8）", isin=[4, 8]),
            "level": Col("int", "学业水平等级（1–4，对应Ⅰ–Ⅳ级）", nullable=True, ge=1, le=4),
            "diff_rate": Col("float", "校际差异率", nullable=True, ge=0),
        },
        unique=["subject", "grade"],
    ),
    "monitoring_scores": Table(
        "县级质量监测学生成绩（可选）：每生每学科一行。",
        {
            "student_id": Col("str", "学生编号"),
            "school_code": Col("str", "学校标识码"),
            "subject": Col("str", "学科"),
            "grade": Col("int", "年级", ge=1, le=9),
            "score": Col("float", "成绩"),
        },
    ),
    "satisfaction": Table(
        "社会认可度调查：每种调查方式每类对象一行，各满意度等级的人数。",
        {
            "survey_kind": Col("str", "调查方式", isin=SURVEY_KINDS),
            "group": Col("str", "调查对象", isin=RESPONDENT_GROUPS),
            **{level: Col("int", f"“{level}”人数", nullable=True, ge=0) for level in SATISFACTION_LEVELS},
        },
        unique=["survey_kind", "group"],
    ),
    # ---------------------------------------------------------------- county level
    "county_items": Table(
        "县级数据项：每项一行（数值或认定）。item 取值见 docs/data.md 的县级数据项清单。",
        {
            "item": Col("str", "数据项代码", unique=True),
            "label": Col("str", "数据项名称"),
            "value": Col("float", "数值", nullable=True),
            "unit": Col("str", "单位", nullable=True),
            "attested": Col("bool", "认定（是/否）", nullable=True),
            "evidence": Col("str", "佐证材料说明", nullable=True),
        },
        unique=["item"],
    ),
    # ---------------------------------------------------------------- bookkeeping
    "data_quality": Table(
        "数据质量问题清单：发现的每个问题一行。",
        {
            "file": Col("str", "文件"),
            "sheet": Col("str", "工作表", nullable=True),
            "row": Col("int", "Excel 行号", nullable=True, ge=1),
            "column": Col("str", "列", nullable=True),
            "value": Col("str", "原值", nullable=True),
            "problem": Col("str", "问题"),
            "action": Col("str", "处理方式"),
        },
    ),
    "quarantine": Table(
        "隔离行：无法使用的每一行原始记录及原因。",
        {
            "file": Col("str", "文件"),
            "sheet": Col("str", "工作表"),
            "row": Col("int", "Excel 行号", ge=1),
            "reason": Col("str", "原因"),
            "record": Col("str", "原始记录（JSON）"),
        },
    ),
    # ---------------------------------------------------------------- engine results
    "units": Table(
        "评估单位表（申报表Ⅱ-2）：每校每学段一行；排除的学校也列出并注明原因。",
        {
            "school_code": Col("str", "学校标识码"),
            "school_name": Col("str", "学校名称"),
            "stage": Col("str", "学段", isin=STAGES),
            "school_type": Col("str", "办学类型", isin=SCHOOL_TYPES),
            "urban_rural": Col("str", "城乡分类", isin=URBAN_RURAL),
            "students": Col("int", "本学段在校生数", ge=0),
            "resource_share": Col("float", "本学段分得的4–7项资源份额", nullable=True, ge=0, le=1),
            "included": Col("bool", "纳入资源配置评估"),
            "exclusion_reason": Col("str", "不纳入原因", nullable=True),
            **{f"L{k}": Col("float", f"指标{k}数值", nullable=True) for k in range(1, 8)},
            **{f"L{k}_ratio": Col("float", f"指标{k}与标准之比", nullable=True) for k in range(1, 8)},
            **{f"L{k}_met": Col("bool", f"指标{k}达标", nullable=True) for k in range(1, 8)},
            "n_met": Col("int", "达标项数", nullable=True, ge=0, le=7),
            "unit_pass": Col("bool", "每校达标（6项达标且余项≥85%）", nullable=True),
            "missing_inputs": Col("str", "缺失的输入", nullable=True),
        },
        unique=["school_code", "stage"],
    ),
    "cv": Table(
        "校际差异系数表（申报表Ⅲ）：每学段每项指标一行。",
        {
            "stage": Col("str", "学段", isin=STAGES),
            "indicator": Col("str", "指标代码", isin=[f"L{k}" for k in range(1, 8)]),
            "indicator_name": Col("str", "指标名称"),
            "n_units": Col("int", "参评单位数", ge=0),
            "students": Col("int", "学生总数", ge=0),
            "mean": Col("float", "县域均值（按学生数加权）", nullable=True),
            "sd": Col("float", "加权标准差", nullable=True),
            "cv": Col("float", "差异系数（全精度）", nullable=True),
            "cv_shown": Col("float", "差异系数（三位小数）", nullable=True),
            "limit": Col("float", "标准（上限）"),
            "passed": Col("bool", "达标", nullable=True),
        },
        unique=["stage", "indicator"],
    ),
    "verdict": Table(
        "32项指标评估结果：每项一行。",
        {
            "no": Col("int", "序号（1–32）", ge=1, le=32),
            "code": Col("str", "指标代码（L1–L7、G1–G15、Q1–Q9、S1）"),
            "area": Col("str", "方面", isin=["资源配置", "政府保障程度", "教育质量", "社会认可度"]),
            "name": Col("str", "指标名称"),
            "value": Col("str", "县域实际值（按申报表精度显示）", nullable=True),
            "standard": Col("str", "标准"),
            "status": Col("str", "结果", isin=["达标", "未达标", "无数据", "未提供"]),
            "passed": Col("bool", "达标"),
            "failing": Col("str", "未达标的学校或事项及差距", nullable=True),
            "evidence": Col("str", "依据与佐证", nullable=True),
            "responsible": Col("str", "责任单位"),
        },
        unique=["no"],
    ),
}

# County-level items (county_items.item) the engine reads. value/attested/evidence as noted.
COUNTY_ITEMS: dict[str, str] = {
    # G1, G2, G8, G10, G15: attestations (attested + evidence)
    "G1_layout": "规划布局合理（认定）",
    "G2_building": "城乡建设标准统一（认定）",
    "G2_staffing": "城乡教师编制标准统一（认定）",
    "G2_funding": "城乡生均公用经费基准定额统一（认定）",
    "G2_equipment": "城乡基本装备配置标准统一（认定）",
    "G8_performance_pay": "足额核定教师绩效工资总量（认定）",
    "G10_post_allocation": "统筹分配各校教职工编制和岗位（认定）",
    "G15_care_system": "留守儿童关爱体系健全（认定）",
    # numbers
    "norm_per_student_primary": "小学生均公用经费基准定额（元）",
    "norm_per_student_junior": "初中生均公用经费基准定额（元）",
    "special_school_public_funds": "特殊教育学校全年公用经费（元）",
    "special_school_students": "特殊教育学校在校生数（人）",
    "teacher_avg_pay": "教师年平均工资收入（元）",
    "civil_servant_avg_pay": "当地公务员年平均工资收入（元）",
    "quota_total_places": "优质高中招生总名额（个）",
    "migrant_eligible": "符合条件的随迁子女数（人）",
    "migrant_in_public_or_bought": "在公办学校和政府购买服务的民办学校就读的随迁子女数（人）",
    "retention_grade7_3y_ago": "三年前初一年级在校生数（人）",
    "retention_graduates": "本年初中毕业生数（人）",
    "retention_transfer_in": "三年内转入人数（人）",
    "retention_transfer_out": "三年内转出人数（人）",
    "retention_deaths": "三年内死亡人数（人）",
    "disabled_school_age": "适龄残疾儿童少年数（人）",
    "disabled_enrolled_special": "特殊教育学校就读（人）",
    "disabled_enrolled_regular": "随班就读（人）",
    "disabled_enrolled_home": "送教上门（人）",
}


def schema(name: str) -> pa.DataFrameSchema:
    """Build the pandera schema of the processed table ``name`` from its declaration."""
    table = TABLES[name]
    columns = {}
    for col_name, col in table.columns.items():
        checks = []
        if col.isin is not None:
            checks.append(pa.Check.isin(col.isin))
        if col.ge is not None:
            checks.append(pa.Check.ge(col.ge))
        if col.le is not None:
            checks.append(pa.Check.le(col.le))
        columns[col_name] = pa.Column(
            _DTYPES[col.dtype],
            checks=checks,
            nullable=col.nullable,
            unique=col.unique,
            coerce=True,
            description=col.doc,
        )
    return pa.DataFrameSchema(
        columns,
        strict=True,
        unique=table.unique or None,
        name=name,
        description=table.doc,
        coerce=True,
    )


def empty(name: str) -> pd.DataFrame:
    """An empty frame with the declared columns and dtypes of table ``name``."""
    table = TABLES[name]
    return pd.DataFrame(
        {c: pd.Series(dtype=_DTYPES[col.dtype]) for c, col in table.columns.items()}
    )


def validate(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Validate ``df`` against table ``name`` (all failures at once) and return it coerced."""
    return schema(name).validate(df, lazy=True)
