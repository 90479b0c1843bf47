"""The processed-table contract (整理后数据表的约定).

Every table that cleaning writes to ``data/processed/<period>/`` and the indicator engine reads
is declared here once, as data: column name → (dtype, nullable, allowed values / checks,
Chinese description). ``schema(name)`` turns a declaration into a pandera ``DataFrameSchema``;
``validate(name, df)`` runs it with ``lazy=True`` so every failure is reported at once.

The Chinese descriptions are the data dictionary's (``docs/data.md``); keep them in step.

Conventions
-----------
- One row per entity named in each table's docstring; school codes are strings.
- Missing values are ``NA`` (never 0). A count column that is required is non-nullable.
- Money is in 元 (yuan), areas in m², counts in persons / rooms / classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine

from analysis.config.standards import resource_codes

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
#: 举办者类型 of the national form's 表Ⅱ-2 and its code (the form's note 2: 中央教育部门 = 1 … 民办 = 10)
SPONSOR_TYPES: dict[str, int] = {
    "中央教育部门": 1, "中央其他部门": 2, "省级教育部门": 3, "省级其他部门": 4, "地级教育部门": 5,
    "地级其他部门": 6, "县级教育部门": 7, "县级其他部门": 8, "地方企业": 9, "民办": 10,
}
RESPONDENT_GROUPS = ["学生", "家长", "教师", "校长", "人大代表", "政协委员", "其他群众"]
#: the resource indicators' codes (L1 … L7), from the standards file: the columns of ``units``
RESOURCE_CODES = resource_codes()
#: data-quality severities, most serious first
SEVERITIES = ["需更正", "请核对", "已自动处理"]

#: 学段 of each grade: 0 幼儿班 (kindergarten class), 1–6 小学, 7–9 初中, 10–12 高中 (the one grade →
#: stage mapping of the project)
GRADE_STAGES: dict[int, str] = {0: "幼儿班", **{g: "小学" for g in range(1, 7)},
                                **{g: "初中" for g in range(7, 10)}, **{g: "高中" for g in range(10, 13)}}


def stage_of_grade(grade):
    """学段 of a grade (:data:`GRADE_STAGES`): an int gives a str; a Series gives a string Series
    (NA for a grade outside 0–12); an array gives an object array (None outside)."""
    if isinstance(grade, pd.Series):
        g = pd.to_numeric(grade, errors="coerce")
        return g.map(GRADE_STAGES).astype("string")
    if np.ndim(grade) == 0:
        return GRADE_STAGES.get(int(grade))
    return np.array([GRADE_STAGES.get(int(g)) for g in np.asarray(grade)], dtype=object)


#: the grades each school type teaches (0 = 幼儿班 is never required). In the 在校生 sheet a blank
#: cell of one of these grades is an unknown count (write 0 for a grade without pupils); a blank
#: cell of another grade means the school has no such grade.
TYPE_GRADES: dict[str, tuple[int, ...]] = {
    "小学": tuple(range(1, 7)),
    "教学点": tuple(range(1, 7)),
    "初中": (7, 8, 9),
    "九年一贯制": tuple(range(1, 10)),
    "十二年一贯制": tuple(range(1, 13)),
    "完全中学": tuple(range(7, 13)),
    "特殊教育学校": tuple(range(1, 10)),
    "职业学校": (),
}


#: 班额 bands of the statistics' class tables (基础基212/213, 教基2106/2107): (lower, upper) in
#: pupils, upper None = "及以上". The class_bands table and its raw sheet use these edges.
CLASS_BANDS: tuple[tuple[int, int | None], ...] = (
    (1, 25), (26, 30), (31, 35), (36, 40), (41, 45), (46, 50), (51, 55), (56, 60), (61, 65), (66, None))


def band_label(lo: int, hi: int | None) -> str:
    """A band as the statistics write it: (1, 25) → "25人及以下", (26, 30) → "26-30人",
    (66, None) → "66人及以上"."""
    if hi is None:
        return f"{lo}人及以上"
    if lo <= 1:
        return f"{hi}人及以下"
    return f"{lo}-{hi}人"


@dataclass(frozen=True)
class Col:
    """One column: dtype ("str", "int", "float", "bool"), nullability, allowed values, meaning.

    ``ge``/``le`` are the hard range (a sign or a definition: counts ≥ 0, a share ≤ 1).
    ``soft_max`` is the plausibility bound: a larger value is almost surely a typing or unit
    error (1e12 ㎡ of building, a 校际差异率 of 12 meant as 0.12). The cleaning lists a value
    outside either and reads it as missing (a nullable column) or quarantines the row (a
    required one): never used as it is.
    """

    dtype: str
    doc: str
    nullable: bool = False
    isin: list[Any] | None = None
    ge: float | None = None
    le: float | None = None
    unique: bool = False
    soft_max: float | None = None
    #: a column added after the first release: a frame without it still validates (cleaning always
    #: writes it; hand-made frames and older processed folders may lack it, read as missing)
    optional: bool = False


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
            "sponsor_type": Col("str", "举办者类型（申报表Ⅱ-2 按代码 1–10 填写；空 = 未提供）", nullable=True,
                                isin=list(SPONSOR_TYPES), optional=True),
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
            "students": Col("int", "在校生数（空 = 未知；0 = 无学生）", nullable=True, ge=0, soft_max=3000),
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
            "size": Col("int", "班额（人）", nullable=True, ge=0, soft_max=150),
        },
        unique=["school_code", "class_id"],
    ),
    "class_bands": Table(
        "按班额分段的班数（统计报表口径，“班级”逐班名单的替代形式）：每校每学段每个班额段一行。"
        "同一学校学段两种形式都有时以逐班名单为准。",
        {
            "school_code": Col("str", "学校标识码"),
            "stage": Col("str", "学段", isin=STAGES),
            "size_min": Col("int", "班额段下限（人）", ge=0),
            "size_max": Col("int", "班额段上限（人；空 = 及以上）", nullable=True, ge=0),
            "classes": Col("int", "班数（空 = 未知；0 = 没有）", nullable=True, ge=0, soft_max=500),
        },
        unique=["school_code", "stage", "size_min"],
    ),
    "teachers": Table(
        "教职工花名册：每人一行（仅本县在编在岗及聘用教师）。",
        {
            "teacher_id": Col("str", "教师编号", unique=True),
            "school_code": Col("str", "所在学校（人事关系所在校）"),
            "stage": Col("str", "任教学段", isin=ALL_STAGES),
            "degree": Col("str", "最高学历", isin=DEGREES, nullable=True),
            "subject": Col("str", "任教学科（体育、音乐、美术、语文……）", nullable=True),
            "full_time": Col("bool", "专任教师"),
            "backbone_level": Col("str", "骨干教师级别", isin=BACKBONE_LEVELS),
            "has_certificate": Col("bool", "持有教师资格证", nullable=True),
            "training_hours_5y": Col("float", "近5年培训学时", nullable=True, ge=0, soft_max=3000),
            "rotation_eligible": Col("bool", "符合交流轮岗条件", nullable=True),
            "rotated": Col("bool", "本年度已交流轮岗", nullable=True),
            "service_school_code": Col("str", "兼职/走教/交流服务的学校", nullable=True),
            "service_mode": Col("str", "服务方式", nullable=True, isin=SERVICE_MODES),
            "birth_year": Col("int", "出生年份", nullable=True, ge=1940, le=2010),
        },
        unique=["teacher_id"],
    ),
    "teacher_counts": Table(
        "专任教师数（统计报表口径，“教职工”花名册的替代形式）：每校每学段一行。同一学校两种形式"
        "都有时以花名册为准；只有本表时 G9、G11、G12（需逐人数据）为“无数据”。",
        {
            "school_code": Col("str", "学校标识码"),
            "stage": Col("str", "学段", isin=STAGES),
            "full_time": Col("int", "专任教师数", nullable=True, ge=0, soft_max=2000),
            "qualifying": Col("int", "其中：高于规定学历（按评估标准：小学专科及以上、初中本科及以上）",
                              nullable=True, ge=0, soft_max=2000),
            "backbone": Col("int", "其中：县级及以上骨干教师", nullable=True, ge=0, soft_max=2000),
            "pe_art": Col("int", "其中：体育、艺术（音乐、美术）专任教师", nullable=True, ge=0, soft_max=2000),
            "serving_pe_art": Col("int", "外校以交流轮岗、兼职、走教方式来本校任教的体育、艺术教师（用于 L3 "
                                  "小规模乡村学校放宽）", nullable=True, ge=0, soft_max=200),
        },
        unique=["school_code", "stage"],
    ),
    "facilities": Table(
        "校舍、场地、装备：每校一行（不计校数校区已合并）。",
        {
            "school_code": Col("str", "学校标识码", unique=True),
            "teaching_aux_area_m2": Col("float", "教学及辅助用房面积（㎡）", nullable=True, ge=0, soft_max=300_000),
            "indoor_sports_area_m2": Col(
                "float", "其中：室内体育用房面积（㎡，计入教学及辅助用房的部分）", nullable=True, ge=0,
                soft_max=50_000,
            ),
            "sports_ground_m2": Col("float", "体育运动场地面积（㎡）", nullable=True, ge=0, soft_max=300_000),
            "gymnasium_m2": Col("float", "体育馆面积（㎡）", nullable=True, ge=0, soft_max=50_000),
            "equipment_value_yuan": Col("float", "教学仪器设备资产值（元）", nullable=True, ge=0, soft_max=5e8),
            "multimedia_classrooms": Col("float", "网络多媒体教室（间）", nullable=True, ge=0, soft_max=2000),
        },
        unique=["school_code"],
    ),
    "special_rooms": Table(
        "音乐、美术专用教室：每间一行。",
        {
            "school_code": Col("str", "学校标识码"),
            "room_type": Col("str", "教室类型", isin=ROOM_TYPES),
            "area_m2": Col("float", "使用面积（㎡）", nullable=True, ge=0, soft_max=2000),
            "build_year": Col("int", "建成年份", nullable=True, ge=1900, le=2100),
        },
    ),
    "finance": Table(
        "学校经费：每校一行（元）。",
        {
            "school_code": Col("str", "学校标识码", unique=True),
            "public_funds_yuan": Col("float", "全年拨付公用经费（元）", nullable=True, ge=0, soft_max=5e8),
            "public_funds_budget_yuan": Col("float", "年度公用经费预算总额（元）", nullable=True, ge=0, soft_max=5e8),
            "training_spending_yuan": Col("float", "教师培训经费（元）", nullable=True, ge=0, soft_max=5e8),
        },
        unique=["school_code"],
    ),
    "catchment": Table(
        "就近划片入学：每校每学段一行（新生）。",
        {
            "school_code": Col("str", "学校标识码"),
            "stage": Col("str", "学段", isin=STAGES),
            "entrants": Col("int", "招生数", nullable=True, ge=0, soft_max=5000),
            "entrants_in_catchment": Col("int", "其中：划片范围内入学人数", nullable=True, ge=0, soft_max=5000),
        },
        unique=["school_code", "stage"],
    ),
    "quota": Table(
        "优质高中招生名额分配：每所初中（含一贯制、完全中学初中部）一行。",
        {
            "school_code": Col("str", "学校标识码"),
            "graduates": Col("int", "初中毕业生数", nullable=True, ge=0, soft_max=5000),
            "allocated_places": Col("int", "分配到校的优质高中名额", nullable=True, ge=0, soft_max=5000),
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
            "respondents": Col("int", "有效问卷数", nullable=True, ge=0, soft_max=20_000),
            "written_minutes": Col("float", "日均书面作业时间（分钟）", nullable=True, ge=0, soft_max=600),
        },
        unique=["school_code", "grade"],
    ),
    "monitoring": Table(
        "国家义务教育质量监测结果：每学科每年级一行。",
        {
            "subject": Col("str", "监测学科"),
            "grade": Col("int", "监测年级（4 或 8）", isin=[4, 8]),
            "level": Col("int", "学业水平等级（1–4，对应Ⅰ–Ⅳ级）", nullable=True, ge=1, le=4),
            "diff_rate": Col("float", "校际差异率（0–1）", nullable=True, ge=0, le=1),
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
            **{level: Col("int", f"“{level}”人数", nullable=True, ge=0, soft_max=1_000_000)
               for level in SATISFACTION_LEVELS},
            "issued": Col("int", "问卷发放数（问卷调查；空 = 未提供，实地走访不填）", nullable=True, ge=0,
                          soft_max=1_000_000, optional=True),
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
            "severity": Col("str", "严重程度（需更正：有数据被隔离或记为缺失；请核对：按假定读取；"
                            "已自动处理：只是整理了写法）", isin=SEVERITIES),
            "school_code": Col("str", "所属学校标识码（可识别时）", nullable=True),
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
            "table": Col("str", "整理后的数据表"),
            "school_code": Col("str", "所属学校标识码（可识别时）", nullable=True),
            "incomplete": Col("bool", "该校此表的数据因此不完整（相关指标为“无数据”）"),
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
            "students": Col("int", "本学段在校生数（空 = 未知）", nullable=True, ge=0),
            "resource_share": Col("float", "本学段分得的4–7项资源份额", nullable=True, ge=0, le=1),
            "included": Col("bool", "纳入资源配置评估"),
            "exclusion_reason": Col("str", "不纳入原因", nullable=True),
            **{k: Col("float", f"指标{k[1:]}数值", nullable=True) for k in RESOURCE_CODES},
            **{f"{k}_ratio": Col("float", f"指标{k[1:]}与标准之比", nullable=True) for k in RESOURCE_CODES},
            **{f"{k}_met": Col("bool", f"指标{k[1:]}达标", nullable=True) for k in RESOURCE_CODES},
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
            "indicator": Col("str", "指标代码", isin=RESOURCE_CODES),
            "indicator_name": Col("str", "指标名称"),
            "n_units": Col("int", "参评单位数", ge=0),
            "students": Col("int", "学生总数（空 = 有单位的学生数未知）", nullable=True, ge=0),
            "mean": Col("float", "县域均值（按学生数加权）", nullable=True),
            "sd": Col("float", "加权标准差", nullable=True),
            "cv": Col("float", "差异系数（全精度）", nullable=True),
            "cv_shown": Col("float", "差异系数（三位小数）", nullable=True),
            "limit": Col("float", "标准（上限）"),
            "passed": Col("bool", "达标", nullable=True),
        },
        unique=["stage", "indicator"],
    ),
    "unit_profile": Table(
        "评估单位的申报表Ⅱ-2 信息（举办者类型、年级数、班级数）：与 units 同序，每校每学段一行。",
        {
            "school_code": Col("str", "学校标识码"),
            "stage": Col("str", "学段", isin=STAGES),
            "sponsor_type": Col("str", "举办者类型", nullable=True, isin=list(SPONSOR_TYPES)),
            "sponsor_code": Col("int", "举办者类型代码（1–10）", nullable=True, ge=1, le=10),
            "grades": Col("int", "年级数（有学生的年级；有年级人数不详时为空）", nullable=True, ge=0),
            "classes": Col("int", "班级数（空 = 该校该学段没有班级记录）", nullable=True, ge=0),
        },
        unique=["school_code", "stage"],
    ),
    "figures": Table(
        "申报表所需的数（表Ⅰ、表Ⅱ-2 注、表Ⅳ和表Ⅴ的填空）：每个名称一行；叙述章节可按名称引用。",
        {
            "name": Col("str", "名称（如 在校生总数、G4.小学超规模数）", unique=True),
            "value": Col("float", "数值（空 = 缺少输入，不按 0 计）", nullable=True),
            "kind": Col("str", "类型：count 人数/个数（整数）、ratio 比例（一位小数的百分数）、money 元（整数）",
                        isin=["count", "ratio", "money"]),
        },
        unique=["name"],
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

@dataclass(frozen=True)
class CountyItem:
    """A county-level item (county_items.item): an attestation, or a number with its unit and
    its hard range (``ge``/``le``) and plausibility bound (``soft_max``), as for :class:`Col`."""

    label: str
    unit: str | None = None  # None: an attestation (attested + evidence)
    ge: float | None = 0
    le: float | None = None
    soft_max: float | None = None


def _attest(label: str) -> CountyItem:
    return CountyItem(label, None, None)


COUNTY_ITEM_SPECS: dict[str, CountyItem] = {
    # G1, G2, G8, G10, G15: attestations (attested + evidence)
    "G1_layout": _attest("规划布局合理（认定）"),
    "G2_building": _attest("城乡建设标准统一（认定）"),
    "G2_staffing": _attest("城乡教师编制标准统一（认定）"),
    "G2_funding": _attest("城乡生均公用经费基准定额统一（认定）"),
    "G2_equipment": _attest("城乡基本装备配置标准统一（认定）"),
    "G8_performance_pay": _attest("足额核定教师绩效工资总量（认定）"),
    "G10_post_allocation": _attest("统筹分配各校教职工编制和岗位（认定）"),
    "G15_care_system": _attest("留守儿童关爱体系健全（认定）"),
    # numbers
    "norm_per_student_primary": CountyItem("小学生均公用经费基准定额（元）", "元", ge=1, soft_max=20_000),
    "norm_per_student_junior": CountyItem("初中生均公用经费基准定额（元）", "元", ge=1, soft_max=20_000),
    "special_school_public_funds": CountyItem("特殊教育学校全年公用经费（元）", "元", soft_max=5e8),
    "special_school_students": CountyItem("特殊教育学校在校生数（人）", "人", soft_max=10_000),
    "teacher_avg_pay": CountyItem("教师年平均工资收入（元）", "元", ge=1, soft_max=1_000_000),
    "civil_servant_avg_pay": CountyItem("当地公务员年平均工资收入（元）", "元", ge=1, soft_max=1_000_000),
    "quota_total_places": CountyItem("优质高中招生总名额（个）", "个", soft_max=100_000),
    "migrant_eligible": CountyItem("符合条件的随迁子女数（人）", "人", soft_max=1_000_000),
    "migrant_in_public_or_bought": CountyItem(
        "在公办学校和政府购买服务的民办学校就读的随迁子女数（人）", "人", soft_max=1_000_000),
    "migrant_in_public": CountyItem("其中：在公办学校就读的随迁子女数（人）", "人", soft_max=1_000_000),
    "migrant_in_bought": CountyItem("其中：在政府购买服务的民办学校就读的随迁子女数（人）", "人",
                                    soft_max=1_000_000),
    "retention_grade7_3y_ago": CountyItem("三年前初一年级在校生数（人）", "人", soft_max=200_000),
    "retention_graduates": CountyItem("本年初中毕业生数（人）", "人", soft_max=200_000),
    "retention_transfer_in": CountyItem("三年内转入人数（人）", "人", soft_max=200_000),
    "retention_transfer_out": CountyItem("三年内转出人数（人）", "人", soft_max=200_000),
    "retention_deaths": CountyItem("三年内死亡人数（人）", "人", soft_max=10_000),
    "disabled_school_age": CountyItem("适龄残疾儿童少年数（人）", "人", soft_max=100_000),
    "disabled_enrolled_special": CountyItem("特殊教育学校就读（人）", "人", soft_max=100_000),
    "disabled_enrolled_regular": CountyItem("随班就读（人）", "人", soft_max=100_000),
    "disabled_enrolled_home": CountyItem("送教上门（人）", "人", soft_max=100_000),
}
#: County-level items (county_items.item) the engine reads → label.
COUNTY_ITEMS: dict[str, str] = {k: v.label for k, v in COUNTY_ITEM_SPECS.items()}


@dataclass(frozen=True)
class PartWhole:
    """A cross-field rule: the sum of ``part`` must not exceed ``whole`` (a part of a whole).

    ``table`` is a processed table (the rule holds per row; booleans count 1/0, so
    ``rotated ≤ rotation_eligible`` says a rotated teacher must be eligible) or "county_items"
    (the items' values). A breach is listed and every value involved is read as missing, so each
    indicator that needs them is 无数据.
    """

    table: str
    part: tuple[str, ...]
    whole: str
    text: str
    #: the values read as missing on a breach (default: every value involved); a rule about an
    #: ancillary count clears only that count, not the values an indicator is judged on
    clear: tuple[str, ...] | None = None

    @property
    def cleared(self) -> tuple[str, ...]:
        return self.clear if self.clear is not None else (*self.part, self.whole)


CROSS_RULES: tuple[PartWhole, ...] = (
    PartWhole("catchment", ("entrants_in_catchment",), "entrants",
              "划片范围内入学人数不能多于招生数 / in-catchment entrants cannot exceed entrants"),
    PartWhole("quota", ("allocated_places",), "graduates",
              "分配到校的优质高中名额不能多于该校初中毕业生数 / allocated places cannot exceed graduates"),
    PartWhole("facilities", ("indoor_sports_area_m2",), "teaching_aux_area_m2",
              "室内体育用房是教学及辅助用房的一部分，面积不能更大 / indoor sports rooms are part of "
              "the teaching rooms"),
    PartWhole("finance", ("training_spending_yuan",), "public_funds_budget_yuan",
              "教师培训经费不能多于公用经费预算总额 / training spending cannot exceed the budget"),
    PartWhole("teachers", ("rotated",), "rotation_eligible",
              "已交流轮岗的教师应符合交流轮岗条件 / a rotated teacher must be eligible"),
    *(PartWhole("teacher_counts", (part,), "full_time",
                f"{what}是专任教师的一部分，人数不能更多 / {en} cannot exceed the full-time teachers")
      for part, what, en in (("qualifying", "高于规定学历教师", "qualified teachers"),
                             ("backbone", "骨干教师", "backbone teachers"),
                             ("pe_art", "体育、艺术专任教师", "PE/art teachers"))),
    PartWhole("county_items", ("disabled_enrolled_special", "disabled_enrolled_regular",
                               "disabled_enrolled_home"), "disabled_school_age",
              "入学的残疾儿童少年不能多于适龄残疾儿童少年数 / enrolled disabled children cannot "
              "exceed the school-age count"),
    PartWhole("county_items", ("migrant_in_public_or_bought",), "migrant_eligible",
              "在公办及购买学位就读的随迁子女不能多于符合条件的随迁子女数 / served migrant "
              "children cannot exceed the eligible count"),
    PartWhole("county_items", ("migrant_in_public", "migrant_in_bought"), "migrant_in_public_or_bought",
              "在公办学校和在购买服务的民办学校就读的随迁子女之和不能多于两者合计 / the two parts cannot "
              "exceed their total", clear=("migrant_in_public", "migrant_in_bought")),
    PartWhole("satisfaction", tuple(SATISFACTION_LEVELS), "issued",
              "回收的有效问卷（各满意度等级人数之和）不能多于问卷发放数 / valid questionnaires cannot "
              "exceed those issued", clear=("issued",)),
)


def schema(name: str) -> pa.DataFrameSchema:
    """The pandera schema of the processed table ``name``, built from its declaration once per
    process and string storage (the declarations are constants; a cleaning validates each table
    twice or more; the text columns' dtype follows ``mode.string_storage``, analysis.settings)."""
    return _schema(name, pd.get_option("mode.string_storage"))


class _Text(pandas_engine.STRING):
    """pandera's text dtype (``pd.StringDtype``, NaN for missing), answering its dtype check of a
    column that already has the dtype with one ``True``.

    pandera's own answers such a column element by element (an array of ``True``), and the
    column's check then builds an empty failure-case table and a message printing it for every
    text column of every validation, whether it passes or not: about 7 % of a region's run
    from raw workbooks. A column of another dtype is checked by pandera as before (element by element,
    its failure cases listed)."""

    def check(self, pandera_dtype, data_container=None):
        if data_container is not None and getattr(data_container, "dtype", None) == self.type:
            return True
        return super().check(pandera_dtype, data_container)


def _column_dtype(dtype: str, string_storage: str):
    """The pandas dtype of a declared column. Text is ``str`` (NaN for missing) in the given
    storage (:class:`_Text`): pandera's ``"string"`` alias is resolved once, when pandera is
    imported, so a process that sets ``mode.string_storage`` after importing it (the ``analysis``
    command, the benchmarks) would otherwise get pandas' default (Arrow-backed) text from every
    validation."""
    if dtype == "str":  # pandas' default "auto" is Arrow when pyarrow is installed: StringDtype resolves it
        return _Text(None if string_storage == "auto" else string_storage)
    return _DTYPES[dtype]


@lru_cache(maxsize=None)
def _schema(name: str, string_storage: str) -> pa.DataFrameSchema:
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
            _column_dtype(col.dtype, string_storage),
            checks=checks,
            nullable=col.nullable,
            unique=col.unique,
            coerce=True,
            required=not col.optional,
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


def coerce(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the declared dtypes of table ``name`` (pandera's coercion, as :func:`validate`
    gives them) and no check: for a frame the code built from validated rows in a way that
    cannot break a rule (a row subset, a sum of non-negative counts per unique key)."""
    return schema(name).coerce_dtype(df.copy(deep=False))
