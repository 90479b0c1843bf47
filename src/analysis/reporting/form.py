"""The national application form (《全国义务教育优质均衡发展县（市、区）申报表》), table by table.

One description of each form table — its title, its multi-level headers with their merged cells,
its column codes (L1…), its rows, its rounding and its notes — filled with one period's results,
shown by both the Excel workbook (:mod:`analysis.reporting.workbook`) and the self-assessment report
(:func:`form_html`). The layout follows the transcription in ``../shared/spec/application-form.md``.

Rounding is the form's: 表Ⅰ population 2 decimals and the rest integers; 表Ⅱ-2 values 2 decimals;
表Ⅲ means 2 and CVs 3 decimals; every ratio (表Ⅱ-1, 表Ⅳ–Ⅵ) a percentage with 1 decimal, other numbers
integers. A cell holds the number as the form shows it (:func:`analysis.numbers.half_up`); a missing
input is a blank cell (a "＿＿" in a fill-in sentence), never 0, and is listed (:attr:`FormBook.missing`).

The threshold numbers in the row names of 表Ⅳ and 表Ⅴ (2000 人, 45 人, 6000 元 …) come from the
standards the period is judged by, so a name states the rule that was applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from analysis.config.county import FACTS, county_facts
from analysis.engine.cv import composite_cv
from analysis.engine.figures import THROUGH_TYPES
from analysis.engine.quality import LEVEL_NAMES
from analysis.numbers import half_up
from analysis.reporting.formats import is_missing
from analysis.reporting.html import esc, result_table
from analysis.schemas import SPONSOR_TYPES

#: the form's mark for a number it asks for that is not known (a blank to fill in by hand)
BLANK = "＿＿"
#: Excel number format and decimals of each kind of form cell
CELL_FORMATS: dict[str, tuple[str, int]] = {
    "int": ("0", 0), "d1": ("0.0", 1), "d2": ("0.00", 2), "d3": ("0.000", 3), "pct": ("0.0", 1),
}
PASS_WORDS = {"达标": "是", "未达标": "否"}
#: subjects of 表Ⅴ row 9's sentence, in the form's order
Q9_SUBJECTS = ("语文", "数学", "科学", "体育", "艺术", "德育")
GRADE_WORDS = {4: "四年级", 8: "八年级"}


@dataclass
class Cell:
    """One body cell: a number (with its kind, see :data:`CELL_FORMATS`), a text or blank (None).

    ``fail`` shades the cell (a value below its standard, as the form asks); ``bold`` marks a
    label; ``span`` merges it over that many columns to the right. ``school`` is the school code
    of a school-name cell (the HTML links it to the school's page; Excel shows the name only).
    """

    value: Any = None
    kind: str | None = None
    fail: bool = False
    bold: bool = False
    span: int = 1
    align: str | None = None
    school: str | None = None


@dataclass
class FormTable:
    """One table of the form, filled."""

    key: str  # Ⅰ, Ⅱ-1, Ⅱ-2, Ⅲ, Ⅳ, Ⅴ, Ⅵ
    sheet: str  # Excel sheet name
    title: str
    n_cols: int
    #: header cells: (text, first row, first column, last row, last column), 0-based inside the header
    header: list[tuple[str, int, int, int, int]]
    header_rows: int
    codes: list[str | None] | None  # the form's column codes row (L1 …), None where a column has none
    rows: list[list[Cell]]
    #: body cells merged down: (first row, column, last row), 0-based in ``rows``
    row_spans: list[tuple[int, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    landscape: bool = False
    widths: list[float] = field(default_factory=list)  # Excel column widths (characters)


@dataclass
class FormBook:
    """The filled form: its tables, and every cell left blank for want of an input."""

    tables: list[FormTable]
    #: (table, row, column, reason) of each blank the form asks to fill
    missing: list[tuple[str, str, str, str]] = field(default_factory=list)
    county: str = ""
    period: str = ""
    organization: str = ""


# ---------------------------------------------------------------------------- numbers
def shown(value: Any, kind: str) -> float | int | None:
    """``value`` as the form shows it: half-up rounded (a ``pct`` share × 100); None when missing."""
    if is_missing(value):
        return None
    fmt, dec = CELL_FORMATS[kind]
    v = float(value) * (100 if kind == "pct" else 1)
    d = half_up(v, dec)
    return int(d) if dec == 0 else float(d)


def text_of(value: Any, kind: str) -> str:
    """A form number as text (no thousands separators, as written on the form); BLANK when missing."""
    v = shown(value, kind)
    if v is None:
        return BLANK
    return str(v) if isinstance(v, int) else f"{v:.{CELL_FORMATS[kind][1]}f}"


def column_codes(n: int) -> list[str]:
    """The form's column numbers L1 … Ln (a column's place on the form, not an indicator code)."""
    return [f"L{k}" for k in range(1, n + 1)]


def _pct_word(share: float) -> str:
    """A standard's share as the form writes it: 0.1 → "10", 0.95 → "95"."""
    return f"{float(share) * 100:g}"


# ---------------------------------------------------------------------------- shared headers
def resource_headers(standards: Mapping[str, Any]) -> list[str]:
    """The seven resource indicators as the form heads them: "生均教学仪器设备值(元)", "…（㎡）"."""
    out = []
    for spec in standards["resources"]["indicators"].values():
        name = spec["name"].replace("县级以上", "县级及以上").replace("（美术、音乐）", "(美术、音乐)")
        if spec["unit"] == "平方米":
            name += "（㎡）"
        elif spec["unit"] == "元":
            name += "(元)"
        out.append(name)
    return out


class _Values:
    """The period's figures by name (engine ``figures``), recording each missing one."""

    def __init__(self, figures: pd.DataFrame | None, book: FormBook):
        self.values = {} if figures is None else dict(zip(figures["name"], figures["value"]))
        self.book = book

    def get(self, name: str, table: str = "", row: str = "", column: str = "", why: str = "") -> Any:
        v = self.values.get(name)
        if is_missing(v):
            v = None
            if table:
                self.book.missing.append((table, row, column, why or f"缺少计算所需的输入（{name}）"))
        return v


# ---------------------------------------------------------------------------- 表Ⅰ
def table_1(vals: _Values, meta: Mapping[str, Any], period: str, standards: Mapping[str, Any]) -> FormTable:
    stages = list(standards["stages"])
    facts = county_facts(dict(meta), period)
    header = [
        ("自然情况", 0, 0, 0, 3), ("经济情况", 0, 4, 0, 7), ("普通中小学校数(所)", 0, 8, 0, 12),
        ("特殊教育学校(所)", 0, 13, 2, 13), ("小学教学点数(个)", 0, 14, 0, 15), ("教学班数(个)", 0, 16, 0, 17),
        ("在校学生数(人)", 0, 18, 0, 19), ("教职工数(人)", 0, 20, 0, 23),
    ]
    for j, (key, label, unit, _) in enumerate(FACTS):
        header.append((f"{label}({unit})", 1, j, 2, j))
    for j, t in enumerate(("小学", "九年一贯制学校", "初中", "完全中学", "十二年一贯制学校")):
        header.append((t, 1, 8 + j, 2, 8 + j))
    header += [("计", 1, 14, 2, 14), ("其中：50人及以上", 1, 15, 2, 15)]
    for j, st in enumerate(stages):
        header += [(st, 1, 16 + j, 2, 16 + j), (st, 1, 18 + j, 2, 18 + j), (st, 1, 20 + 2 * j, 1, 21 + 2 * j),
                   ("合计", 2, 20 + 2 * j, 2, 20 + 2 * j), ("其中专任教师", 2, 21 + 2 * j, 2, 21 + 2 * j)]
    row: list[Cell] = []
    for key, label, unit, decimals in FACTS:
        v = facts.get(key)
        if v is None:
            vals.book.missing.append(("表Ⅰ", "", f"{label}({unit})", "county.yaml 的 facts 中未填写"))
        row.append(Cell(shown(v, "d2" if decimals == 2 else "int"), "d2" if decimals == 2 else "int"))
    names = ["小学学校数", "九年一贯制学校数", "初中学校数", "完全中学学校数", "十二年一贯制学校数", "特殊教育学校数",
             "教学点数", "50人及以上教学点数", *(f"{st}教学班数" for st in stages),
             *(f"{st}在校生数" for st in stages)]
    for st in stages:
        names += [f"{st}教职工数", f"{st}专任教师数"]
    for name in names:
        row.append(Cell(shown(vals.get(name, "表Ⅰ", "", name), "int"), "int"))
    return FormTable(
        "Ⅰ", "表Ⅰ", "表Ⅰ 义务教育优质均衡发展县(市、区)基本情况", 24, header, 3,
        column_codes(24), [row],
        notes=["注：“人口总数”和“农业人口数”按常住人口统计，数字保留两位小数。L5-L8列数字保留整数。",
               "说明：L9–L24 由本期数据计算：不计校数的校区并入所属学校；教学班数、在校学生数、教职工数不含特殊教育学校；"
               "教职工按任教学段计（教职工花名册），其中专任教师按“专任教师”一列。"],
        landscape=True, widths=[7] * 24)


# ---------------------------------------------------------------------------- 表Ⅱ-1, 表Ⅲ
def _indicator_header(standards: Mapping[str, Any], last: str) -> tuple[list, list]:
    names = resource_headers(standards)
    header = [("", 0, 0, 0, 1)] + [(n, 0, 2 + j, 0, 2 + j) for j, n in enumerate([*names, last])]
    codes = [None, None] + column_codes(len(names) + 1)
    return header, codes


def table_2_1(units: pd.DataFrame, standards: Mapping[str, Any]) -> FormTable:
    codes_std = list(standards["resources"]["indicators"])
    header, codes = _indicator_header(standards, "综合评估")
    rows: list[list[Cell]] = []
    spans = []
    inc = units[units["included"].fillna(False).astype(bool)]
    for st in standards["stages"]:
        u = inc[inc["stage"] == st]
        n = len(u)
        met = [int(u[f"{k}_met"].astype("boolean").fillna(False).sum()) for k in codes_std]
        met.append(int(u["unit_pass"].astype("boolean").fillna(False).sum()))
        spans.append((len(rows), 0, len(rows) + 1))
        rows.append([Cell(st, bold=True, align="center"), Cell("达标学校总数")] + [Cell(m, "int") for m in met])
        rows.append([Cell(None), Cell("达标学校比例（%）")]
                    + [Cell(shown(m / n, "pct") if n else None, "pct") for m in met])
    return FormTable("Ⅱ-1", "表Ⅱ-1", "表Ⅱ-1 小学、初中资源配置基本情况", len(codes), header, 1, codes, rows,
                     row_spans=spans,
                     notes=["说明：达标学校为纳入资源配置评估的单位（一贯制学校、完全中学按学段分别计）；比例 = 达标学校数 ÷ "
                            "纳入评估的单位数，保留一位小数；综合评估为“每校达标”（至少6项达标、余项不低于标准的85%）。"
                            "缺少数据、无法判定的单位不计入达标。"],
                     landscape=True, widths=[7, 16] + [13] * (len(codes) - 2))


def table_3(cv: pd.DataFrame, standards: Mapping[str, Any]) -> FormTable:
    codes_std = list(standards["resources"]["indicators"])
    header, codes = _indicator_header(standards, "综合")
    comp = composite_cv(cv).set_index("stage")["composite_cv"] if len(cv) else pd.Series(dtype=float)
    rows: list[list[Cell]] = []
    spans = []
    c = cv.set_index(["stage", "indicator"])
    for st in standards["stages"]:
        mean = [Cell(shown(c["mean"].get((st, k)), "d2"), "d2") for k in codes_std]
        cvs = []
        for k in codes_std:
            passed = c["passed"].get((st, k))
            cvs.append(Cell(shown(c["cv_shown"].get((st, k)), "d3"), "d3",
                            fail=not is_missing(passed) and not bool(passed)))
        spans.append((len(rows), 0, len(rows) + 1))
        rows.append([Cell(st, bold=True, align="center"), Cell("全县平均值")] + mean + [Cell("——", align="center")])
        rows.append([Cell(None), Cell("差异系数")] + cvs + [Cell(shown(comp.get(st), "d3"), "d3")])
    return FormTable("Ⅲ", "表Ⅲ", "表Ⅲ 县域义务教育校际均衡情况", len(codes), header, 1, codes, rows, row_spans=spans,
                     notes=["注：全县平均值保留两位小数，差异系数保留三位小数。",
                            "说明：全县平均值按学生数加权；差异系数按学生数加权计算，按三位小数与上限（"
                            + "、".join(f"{s} ≤ {v:.2f}" for s, v in standards["resources"]["cv_limit"].items())
                            + "）比较，超过上限的加底色；“综合”为七项差异系数的平均值（仅供参考，不作为评估标准）。"],
                     landscape=True, widths=[7, 12] + [13] * (len(codes) - 2))


# ---------------------------------------------------------------------------- 表Ⅱ-2
def _remark(row: Mapping[str, Any], codes: list[str], floor: float) -> str:
    """备注: which indicators meet the standard, which reach the floor (85%), which are below or unknown."""
    groups: dict[str, list[str]] = {"达标": [], f"达到{floor:.0%}": [], f"低于{floor:.0%}": [], "无数据": []}
    for k in codes:
        met, ratio = row.get(f"{k}_met"), row.get(f"{k}_ratio")
        n = k[1:]
        if is_missing(met):
            groups["无数据"].append(n)
        elif bool(met):
            groups["达标"].append(n)
        elif not is_missing(ratio) and float(ratio) >= floor - 1e-9:
            groups[f"达到{floor:.0%}"].append(n)
        else:
            groups[f"低于{floor:.0%}"].append(n)
    return "；".join(f"{k}：" + "、".join(v) for k, v in groups.items() if v)


def table_2_2(units: pd.DataFrame, profile: pd.DataFrame | None, standards: Mapping[str, Any],
              vals: _Values) -> FormTable:
    codes_std = list(standards["resources"]["indicators"])
    floor = float(standards["resources"]["floor_ratio"])
    names = ["序号", "学校名称", "举办者类型", "在校生数", "年级数", "班级数", *resource_headers(standards),
             "该校综合评估是否达标", f"备注（注明有哪几项指标达标，哪几项指标达到{floor:.0%}）"]
    header = [(n, 0, j, 0, j) for j, n in enumerate(names)]
    codes = column_codes(len(names) - 1) + [None]
    inc = units[units["included"].fillna(False).astype(bool)].copy()
    if profile is not None and len(profile):
        inc = inc.merge(profile[["school_code", "stage", "sponsor_code", "grades", "classes"]],
                        on=["school_code", "stage"], how="left")
    else:
        inc = inc.assign(sponsor_code=pd.NA, grades=pd.NA, classes=pd.NA)
    rows: list[list[Cell]] = []
    for st in standards["stages"]:
        block = inc[inc["stage"] == st].sort_values("school_code")
        rows.append([Cell(None), Cell(f"{st}（共 {len(block)} 所）", bold=True, span=len(names) - 1)]
                    + [Cell(None)] * (len(names) - 2))
        for i, r in enumerate(block.to_dict("records"), start=1):
            label = f"{r['school_name']}（{st}）"
            for col, what in (("sponsor_code", "举办者类型"), ("grades", "年级数"), ("classes", "班级数"),
                              ("students", "在校生数")):
                if is_missing(r.get(col)):
                    reason = {"sponsor_code": "学校名录未填举办者类型",
                              "grades": "在校生表中有年级人数不详", "classes": "班级表中没有该校该学段的班级",
                              "students": "在校生数不详"}[col]
                    vals.book.missing.append(("表Ⅱ-2", label, what, reason))
            cells = [Cell(i, "int", align="center"), Cell(r["school_name"], school=str(r["school_code"])),
                     Cell(shown(r.get("sponsor_code"), "int"), "int", align="center"),
                     Cell(shown(r.get("students"), "int"), "int"), Cell(shown(r.get("grades"), "int"), "int"),
                     Cell(shown(r.get("classes"), "int"), "int")]
            for k in codes_std:
                met = r.get(f"{k}_met")
                if is_missing(r.get(k)):
                    vals.book.missing.append(("表Ⅱ-2", label, k, "缺少计算该指标的输入"))
                cells.append(Cell(shown(r.get(k), "d2"), "d2", fail=not is_missing(met) and not bool(met)))
            passed = r.get("unit_pass")
            if is_missing(passed):
                cells.append(Cell("无数据", align="center"))
            else:  # the form: "1" when the unit passes, left blank when it does not
                cells.append(Cell(1 if bool(passed) else None, "int" if bool(passed) else None, align="center"))
            cells.append(Cell(_remark(r, codes_std, floor)))
            rows.append(cells)
    g = lambda n: text_of(vals.get(n), "int")  # noqa: E731
    note1 = (f"1. 小学学校总数{g('评估小学数')}所（其中：一贯制学校的小学部有{g('一贯制学校小学部数')}所，"
             f"{standards['units']['teaching_point_min_students']}人及以上教学点有{g('评估教学点数')}个），"
             f"初中学校总数{g('评估初中数')}所（其中：一贯制学校的初中部{g('一贯制学校初中部数')}所，"
             f"完全中学的初中部{g('完全中学初中部数')}所）。")
    note2 = ("2. 举办者类型处填写代码：" + "、".join(f"{n}为{c}" for n, c in SPONSOR_TYPES.items()) + "。")
    note3 = (f"3. L7-L13数值均保留两位小数。加底色的数值低于标准；“该校综合评估是否达标”达标的填“1”，"
             "不达标的不填，缺少数据无法判定的注明“无数据”。只列纳入资源配置评估的单位（一贯制学校按"
             + "、".join(THROUGH_TYPES) + "的学段分列，特殊教育学校和不足"
             f"{standards['units']['teaching_point_min_students']}人的教学点不列）。")
    return FormTable("Ⅱ-2", "表Ⅱ-2", "表Ⅱ-2 小学、初中资源配置基本情况（分学校）", len(names), header, 1, codes, rows,
                     notes=["注：" + note1, note2, note3], landscape=True,
                     widths=[6, 20, 7, 8, 7, 7] + [13 if standards["resources"]["indicators"][k]["unit"] == "元" else 10
                                                   for k in codes_std] + [9, 24])


# ---------------------------------------------------------------------------- 表Ⅳ, 表Ⅴ
def guarantee_names(standards: Mapping[str, Any]) -> list[str]:
    """表Ⅳ's 15 row names (the form's sentences), with the standards' thresholds."""
    g = standards["guarantee"]
    g3, g4, g5 = g["G3"], g["G4"]["max_students"], g["G5"]["max_class_size"]
    n = g["G6"]["funded_students"]
    g13 = list(g["G13"]["min_share"].values())
    return [
        "县域内义务教育学校规划布局合理，符合国家规定要求",
        "县域内城乡义务教育学校建设标准统一、教师编制标准统一、生均公用经费基准定额统一、基本装备配置标准统一",
        f"所有小学、初中每{g3['classes_per_room']}个班级配备音乐、美术专用教室1间以上；其中，每间音乐专用教室面积不小于"
        f"{g3['min_area']['音乐']}平方米，每间美术专用教室面积不小于{g3['min_area']['美术']}平方米",
        f"所有小学、初中学校规模不超过{g4['小学']}人，九年一贯制学校、十二年一贯制学校义务教育阶段规模不超过"
        f"{g4['九年一贯制']}人",
        "小学、初中所有班级学生数分别不超过" + "人、".join(str(v) for v in g5.values()) + "人",
        f"不足{n}人的规模较小学校（包括乡镇中心校附设的村小）按不低于{n}人核定公用经费",
        f"特殊教育学校生均公用经费不低于{g['G7']['min_per_student_yuan']}元",
        "全县义务教育学校教师平均工资收入水平不低于当地公务员平均工资收入水平，按规定足额核定教师绩效工资总量",
        f"教师5年{g['G9']['min_hours']}学时培训完成率达到{_pct_word(g['G9']['min_share'])}%",
        "县级教育行政部门在核定的教职工编制总额和岗位总量内，统筹分配各校教职工编制和岗位数量",
        f"全县每年交流轮岗教师的比例不低于符合交流轮岗条件教师总数的{_pct_word(g['G11']['min_rotated_share'])}%；"
        f"其中，骨干教师不低于交流轮岗教师总数的{_pct_word(g['G11']['min_backbone_share'])}%",
        f"专任教师持有教师资格证上岗率达到{_pct_word(g['G12']['min_share'])}%",
        "城区和镇区公办小学、初中（均不含寄宿制学校）就近划片入学比例分别达到"
        + "%、".join(_pct_word(v) for v in g13) + "%以上",
        f"全县优质高中招生名额分配比例不低于{_pct_word(g['G14']['min_share'])}%，并向农村初中倾斜",
        "留守儿童关爱体系健全，全县符合条件的随迁子女在公办学校和政府购买服务的民办学校就读的比例不低于"
        f"{_pct_word(g['G15']['min_share'])}%",
    ]


def quality_names(standards: Mapping[str, Any]) -> list[str]:
    """表Ⅴ's 9 row names (the form's sentences), with the standards' thresholds."""
    q = standards["quality"]
    return [
        f"全县初中三年巩固率达到{_pct_word(q['Q1']['min_rate'])}%以上",
        f"全县残疾儿童少年入学率达到{_pct_word(q['Q2']['min_rate'])}%以上",
        "所有学校建立章程，实现学校管理与教学信息化",
        f"全县所有学校按照不低于学校年度公用经费预算总额的{_pct_word(q['Q4']['min_share'])}%安排教师培训经费",
        "教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平",
        f"所有学校德育工作、校园文化建设达到{q['Q6']['min_rating']}以上",
        "课程开齐开足，教学秩序规范，综合实践活动有效开展",
        "无过重课业负担",
        f"在国家义务教育质量监测中，相关科目学生学业水平达到{LEVEL_NAMES.get(q['Q9']['min_level'], q['Q9']['min_level'])}"
        f"级以上，且校际差异率低于{q['Q9']['max_diff_rate']}",
    ]


def _attested(detail: pd.DataFrame | None) -> str | None:
    """The attestations of an indicator (G1, G2, G10 …) as a conclusion: "规划布局合理：是；佐证：…"."""
    if detail is None or "text" not in detail.columns or detail.empty:
        return None
    return "；".join(str(t).replace("（认定）", "") for t in detail["text"] if not is_missing(t))


class _Sentences:
    """The fill-in sentences of 表Ⅳ and 表Ⅴ, from the engine's figures and detail tables."""

    def __init__(self, vals: _Values, details: Mapping[str, pd.DataFrame], standards: Mapping[str, Any]):
        self.vals, self.details, self.std = vals, details, standards
        self.table, self.row = "", ""

    def n(self, name: str, kind: str = "int", what: str = "") -> str:
        return text_of(self.vals.get(name, self.table, self.row, what or name), kind)

    def sum(self, names: list[str], what: str) -> str:
        got = [self.vals.get(n) for n in names]
        if any(v is None for v in got):
            self.vals.book.missing.append((self.table, self.row, what, "缺少计算所需的输入（" + "、".join(names) + "）"))
            return BLANK
        return text_of(sum(got), "int")

    def guarantee(self, k: int) -> str | None:
        g = self.std["guarantee"]
        n, p = self.n, lambda name: self.n(name, "pct")
        if k == 4:
            lim = g["G4"]["max_students"]
            junior = [f"G4.{t}超规模数" for t in lim if t in ("初中", "完全中学")]
            through = [f"G4.{t}超规模数" for t in lim if t in THROUGH_TYPES]
            return (f"超过{lim['小学']}人的小学{n('G4.小学超规模数', what='超规模小学')}所，初中{self.sum(junior, '超规模初中')}所，"
                    f"超过{lim['九年一贯制']}人的一贯制学校{self.sum(through, '超规模一贯制学校')}所")
        if k == 5:
            lim = g["G5"]["max_class_size"]
            return "，".join(f"超过{v}人的{st}班级{n(f'G5.{st}超标班级数')}个" for st, v in lim.items())
        if k == 6:
            m = g["G6"]["funded_students"]
            return f"不足{m}人的规模较小学校学生数{n('G6.学生数')}人，公用经费{n('G6.公用经费')}元。"
        if k == 7:
            funds = self.vals.get("G7.公用经费", self.table, self.row, "特殊教育学校公用经费")
            wan = BLANK if funds is None else text_of(funds / 1e4, "int")
            return (f"特殊教育学校公用经费为{wan}万元，特殊教育学生数为{n('G7.学生数')}人，"
                    f"特殊教育学校生均公用经费为{n('G7.生均公用经费')}元")
        if k == 8:
            return (f"全县义务教育学校教师年平均工资收入为{n('G8.教师年平均工资')}元，当地公务员年平均工资收入"
                    f"{n('G8.公务员年平均工资')}元" + self._part("G8", 1))
        if k == 9:
            return (f"完成{g['G9']['min_hours']}学时培训的教师{n('G9.完成人数')}人，全县教师{n('G9.专任教师数')}人，"
                    f"教师培训完成率{p('G9.完成率')}%" + self._unknown("G9", "培训学时"))
        if k == 11:
            return (f"全县符合交流轮岗条件教师总数{n('G11.符合条件教师数')}名，上一年度交流轮岗教师{n('G11.交流轮岗教师数')}名，"
                    f"交流轮岗教师占符合交流轮岗条件教师总数的比例{p('G11.交流轮岗比例')}%；交流轮岗的骨干教师"
                    f"{n('G11.交流轮岗骨干教师数')}名，占交流轮岗教师总数的比例{p('G11.骨干教师比例')}%"
                    + self._unknown("G11", "是否符合条件或是否交流轮岗"))
        if k == 12:
            return (f"全县在岗专任教师{n('G12.专任教师数')}人，其中持有教师资格证的专任教师{n('G12.持证人数')}人，"
                    f"占比{p('G12.持证比例')}%" + self._unknown("G12", "是否持证"))
        if k == 13:
            shares = "、".join(f"{p(f'G13.{st}比例')}%" for st in g["G13"]["min_share"])
            return f"城区和镇区公办小学、初中（均不含寄宿制学校）就近划片入学比例分别{shares}。"
        if k == 14:
            return (f"全县优质高中招生名额总数{n('G14.招生名额总数')}人，分配名额{n('G14.分配名额数')}人，占比"
                    f"{p('G14.分配比例')}%。其中分配农村学校的名额{n('G14.农村名额数')}人，占分配名额总数的"
                    f"{p('G14.农村名额占比')}%")
        if k == 15:
            return (f"全县符合条件的随迁子女数{n('G15.符合条件随迁子女数')}人，在公办学校就读{n('G15.公办学校就读数')}人，"
                    f"在政府购买服务的民办学校就读{n('G15.购买服务就读数')}人，合计{n('G15.合计')}人，占比"
                    f"{p('G15.比例')}%" + self._part("G15", 1))
        return None

    def quality(self, k: int) -> str | None:
        n, p = self.n, lambda name: self.n(name, "pct")
        if k == 1:
            return (f"全县初中毕业班学生数为{n('Q1.毕业班学生数')}人，三年前该年级入学学生数为{n('Q1.三年前入学数')}人，"
                    f"毕业年级三年转入学生数为{n('Q1.转入数')}人，死亡学生数为{n('Q1.死亡数')}人，转出学生数为"
                    f"{n('Q1.转出数')}人，全县初中三年巩固率为{p('Q1.巩固率')}%")
        if k == 2:
            return (f"全县残疾儿童少年为{n('Q2.残疾儿童少年数')}人，入学{n('Q2.入学数')}人，入学率为{p('Q2.入学率')}%。"
                    f"其中，在特殊教育学校就读{n('Q2.特教学校就读数')}人，占比{p('Q2.特教学校就读占比')}%。")
        if k == 9:
            return self._monitoring()
        return None

    def _monitoring(self) -> str:
        m = self.details.get("Q9")
        dec = int(self.std["quality"]["Q9"]["diff_rate_decimals"])
        parts = []
        subjects = list(Q9_SUBJECTS)
        if m is not None and "subject" in m.columns:
            m = m[m["level"].notna() | m["diff_rate"].notna() | m["status"].isin(["达标", "未达标", "无数据"])] \
                if "status" in m.columns else m
            subjects += [s for s in dict.fromkeys(m["subject"].astype(str))
                         if not any(s.startswith(f) for f in subjects)]
        for sub in subjects:
            # the monitoring's own names may be longer ("体育与健康"): matched by their start
            rows = (m[m["subject"].astype(str).str.startswith(sub)].sort_values("grade")
                    if m is not None and "subject" in m else [])
            if len(rows) == 0:
                parts.append(f"{sub}{BLANK}级、校际差异率{BLANK}")
                continue
            items = []
            for r in rows.itertuples():
                lv = BLANK if is_missing(r.level) else LEVEL_NAMES.get(int(r.level), str(r.level))
                dr = BLANK if is_missing(r.diff_rate) else f"{half_up(r.diff_rate, dec):f}"
                if BLANK in (lv, dr):
                    self.vals.book.missing.append((self.table, self.row, f"{sub}{int(r.grade)}年级",
                                                   "监测结果缺少等级或校际差异率"))
                items.append((GRADE_WORDS.get(int(r.grade), f"{int(r.grade)}年级"), f"{lv}级、校际差异率{dr}"))
            if len(items) == 1:
                parts.append(f"{sub}{items[0][1]}（{items[0][0]}）")
            else:
                parts.append(f"{sub}（" + "；".join(f"{g}{t}" for g, t in items) + "）")
        return "；".join(parts) + "。（本期未监测的学科留空）"

    def _part(self, code: str, index: int) -> str:
        """The attested part of a two-part indicator (G8's 绩效工资, G15's 关爱体系) as a clause."""
        d = self.details.get(code)
        if d is not None and "text" in d.columns and len(d) > index:
            return "；" + str(d["text"].iloc[index]).replace("（认定）", "")
        return ""

    def _unknown(self, code: str, what: str) -> str:
        v = self.vals.get(f"{code}.数据缺失人数")
        return f"（另有{int(v)}人{what}不详，未计入比例）" if v else ""


def _conclusion(code: str, verdict_row: Mapping[str, Any], details: Mapping[str, pd.DataFrame]) -> str:
    text = _attested(details.get(code))
    if text:
        return text
    v = verdict_row.get("value")
    return str(v) if not is_missing(v) else str(verdict_row.get("status"))


def table_4_5(key: str, area: str, verdict: pd.DataFrame, details: Mapping[str, pd.DataFrame],
              vals: _Values, standards: Mapping[str, Any]) -> FormTable:
    sent = _Sentences(vals, details, standards)
    sent.table = f"表{key}"
    names = guarantee_names(standards) if key == "Ⅳ" else quality_names(standards)
    v = verdict[verdict["area"] == area].sort_values("no")
    rows = []
    for k, (row, name) in enumerate(zip(v.to_dict("records"), names), start=1):
        sent.row = f"第{k}行"
        text = sent.guarantee(k) if key == "Ⅳ" else sent.quality(k)
        if text is None:
            text = _conclusion(row["code"], row, details)
        status = row["status"]
        rows.append([Cell(f"{k}. {name}"), Cell(text), Cell(PASS_WORDS.get(status, status), align="center",
                                                              fail=status == "未达标")])
    if len(v) != len(names):
        raise ValueError(f"表{key}: {len(v)} indicators in the verdict, {len(names)} rows on the form")
    title = "表Ⅳ 政府保障程度评估指标" if key == "Ⅳ" else "表Ⅴ 教育质量评估指标"
    notes = ["注：表中所有比例数值保留一位小数，其余保留整数。"] if key == "Ⅳ" else [
        "注：比例数值保留一位小数，其余保留整数（按表Ⅳ的规定）；校际差异率按监测结果保留三位小数。"]
    notes.append("说明：“＿＿”为缺少输入、无法计算的数（不按 0 计），见“缺失的输入”表；“是否达标”为“无数据”"
                 "或“未提供”的指标尚不能判定。指标名称中的标准数值取自本期采用的评估标准。")
    return FormTable(key, f"表{key}", title, 3, [("名称", 0, 0, 0, 0), ("指标值或简要结论", 0, 1, 0, 1),
                                                 ("是否达标", 0, 2, 0, 2)], 1, None, rows, notes=notes,
                     widths=[48, 62, 10])


# ---------------------------------------------------------------------------- 表Ⅵ
def table_6(details: Mapping[str, pd.DataFrame], vals: _Values) -> FormTable:
    header = [("", 0, 0, 2, 0), ("问卷总数", 0, 1, 0, 3), ("问卷调查综合满意度（%）", 0, 4, 2, 4),
              ("实地走访人数", 0, 5, 0, 6), ("实地走访满意度（%）", 0, 7, 2, 7), ("计", 1, 1, 2, 1),
              ("其中：回收有效问卷数", 1, 2, 1, 3), ("计", 2, 2, 2, 2), ("其中：满意问卷数", 2, 3, 2, 3),
              ("计", 1, 5, 2, 5), ("其中：满意人数", 1, 6, 2, 6)]
    codes = [None] + column_codes(7)
    d = details.get("S1")
    rows = []
    for label, group in (("计", "合计"), ("其中：家长", "家长")):
        def pick(kind: str, col: str, what: str) -> Any:
            if d is None or col not in d.columns:
                vals.book.missing.append(("表Ⅵ", label, what, "缺少社会认可度调查数据"))
                return None
            hit = d[(d["survey_kind"] == kind) & (d["group"] == group)]
            v = hit[col].iloc[0] if len(hit) else None
            if is_missing(v):
                vals.book.missing.append(("表Ⅵ", label, what, "调查结果中缺少该数" if col != "issued"
                                          else "调查结果未填问卷发放数"))
                return None
            return v
        rows.append([Cell(label, bold=True),
                     Cell(shown(pick("问卷调查", "issued", "问卷总数"), "int"), "int"),
                     Cell(shown(pick("问卷调查", "valid", "回收有效问卷数"), "int"), "int"),
                     Cell(shown(pick("问卷调查", "satisfied", "满意问卷数"), "int"), "int"),
                     Cell(shown(pick("问卷调查", "rate", "问卷调查综合满意度"), "pct"), "pct"),
                     Cell(shown(pick("实地走访", "valid", "实地走访人数"), "int"), "int"),
                     Cell(shown(pick("实地走访", "satisfied", "满意人数"), "int"), "int"),
                     Cell(shown(pick("实地走访", "rate", "实地走访满意度"), "pct"), "pct")])
    return FormTable("Ⅵ", "表Ⅵ", "表Ⅵ 社会认可度调查情况", 8, header, 3, codes, rows,
                     notes=["说明：满意 = “满意”+“比较满意”；满意度保留一位小数。“计”为全部调查对象合计"
                            "（问卷调查综合满意度按评估标准的合并方式计算）。"],
                     widths=[12, 10, 12, 12, 14, 10, 10, 14])


# ---------------------------------------------------------------------------- the book
def form_book(results: Any, standards: Mapping[str, Any], meta: Mapping[str, Any] | None = None,
              period: str = "") -> FormBook:
    """The seven form tables of one period, filled from the engine's results (``Results`` or the
    pipeline's ``PeriodResults``, or a dict of their tables) and county.yaml's facts (``meta``)."""
    meta = dict(meta or {})

    def table(name: str) -> pd.DataFrame | None:
        try:
            t = result_table(results, name)
        except (KeyError, AttributeError):
            return None
        return t if isinstance(t, pd.DataFrame) else None

    details = {}
    try:
        details = result_table(results, "details") or {}
    except (KeyError, AttributeError):
        pass
    units, cv, verdict = table("units"), table("cv"), table("verdict")
    book = FormBook([], county=str(meta.get("county") or ""), period=str(period),
                    organization=str(meta.get("organization") or ""))
    vals = _Values(table("figures"), book)
    book.tables = [
        table_1(vals, meta, str(period), standards),
        table_2_1(units, standards),
        table_2_2(units, table("unit_profile"), standards, vals),
        table_3(cv, standards),
        table_4_5("Ⅳ", "政府保障程度", verdict, details, vals, standards),
        table_4_5("Ⅴ", "教育质量", verdict, details, vals, standards),
        table_6(details, vals),
    ]
    return book


# ---------------------------------------------------------------------------- HTML
def _cell_text(cell: Cell) -> str:
    if cell.value is None:
        return "—" if cell.kind else ""
    if cell.kind and not isinstance(cell.value, str):
        fmt, dec = CELL_FORMATS[cell.kind]
        return str(cell.value) if dec == 0 else f"{float(cell.value):.{dec}f}"
    return str(cell.value)


def form_html(t: FormTable, caption: bool = True, links: Mapping[str, str] | None = None) -> str:
    """One form table as escaped HTML, with the form's merged headers (rowspan/colspan), its column
    codes and notes; failing values shaded (class ``form-fail``), missing numbers "—". ``links``:
    school code → address of its page (``school_pages.school_links``), for the school-name cells."""
    small = " form-small" if len(t.rows) <= 6 else ""  # kept on one printed page
    out = [f'<table class="report-table form-table form-{esc(t.key)}{small}">']
    if caption:
        out.append(f"<caption>{esc(t.title)}</caption>")
    if t.widths and len(t.widths) == t.n_cols:  # the columns' shares of the page width, as on the form
        total = sum(t.widths)
        out.append("<colgroup>" + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in t.widths)
                   + "</colgroup>")
    out.append("<thead>")
    for r in range(t.header_rows):
        cells = [h for h in t.header if h[1] == r]
        out.append("<tr>" + "".join(
            f'<th{_span(h[3] - h[1] + 1, "rowspan")}{_span(h[4] - h[2] + 1, "colspan")}>{esc(h[0])}</th>'
            for h in sorted(cells, key=lambda h: h[2])) + "</tr>")
    if t.codes:
        out.append('<tr class="form-codes">' + "".join(f"<th>{esc(c or '')}</th>" for c in t.codes) + "</tr>")
    out.append("</thead><tbody>")
    covered = {(r0 + i, c) for r0, c, r1 in t.row_spans for i in range(1, r1 - r0 + 1)}
    spans = {(r0, c): r1 - r0 + 1 for r0, c, r1 in t.row_spans}
    for i, row in enumerate(t.rows):
        tds = []
        j = 0
        while j < len(row):
            cell = row[j]
            if (i, j) in covered:
                j += 1
                continue
            classes = []
            if cell.kind and cell.value is not None and not isinstance(cell.value, str):
                classes.append("num")
            if cell.value is None and cell.kind:
                classes.append("na")
            if cell.fail:
                classes.append("form-fail")
            if cell.bold:
                classes.append("form-label")
            if cell.align == "center":
                classes.append("center")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            text = esc(_cell_text(cell))
            href = (links or {}).get(cell.school) if cell.school else None
            if href:
                text = f'<a href="{esc(href)}">{text}</a>'
            tds.append(f"<td{cls}{_span(spans.get((i, j), 1), 'rowspan')}{_span(cell.span, 'colspan')}>{text}</td>")
            j += cell.span
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    if t.notes:
        out.append('<div class="form-notes">' + "".join(f"<p>{esc(n)}</p>" for n in t.notes) + "</div>")
    return "".join(out)


def split_columns(t: FormTable, at: int) -> tuple[FormTable, FormTable]:
    """``t`` cut into columns ``[0, at)`` and ``[at, n)`` (for a page too narrow for the whole
    table); no header cell may straddle the cut. Each half keeps the title, codes and rows; the
    notes go with the second."""
    if any(c0 < at <= c1 for _, _, c0, _, c1 in t.header):
        raise ValueError(f"{t.title}: a header cell straddles column {at}")

    def part(lo: int, hi: int, notes: list[str]) -> FormTable:
        return FormTable(t.key, t.sheet, t.title, hi - lo,
                         [(x, r0, c0 - lo, r1, c1 - lo) for x, r0, c0, r1, c1 in t.header if lo <= c0 < hi],
                         t.header_rows, t.codes[lo:hi] if t.codes else None, [row[lo:hi] for row in t.rows],
                         [(r0, c - lo, r1) for r0, c, r1 in t.row_spans if lo <= c < hi], notes, t.landscape,
                         t.widths[lo:hi])

    return part(0, at, []), part(at, t.n_cols, t.notes)


def _span(n: int, attr: str) -> str:
    return f' {attr}="{n}"' if n > 1 else ""


def missing_frame(book: FormBook) -> pd.DataFrame:
    """The blanks of the form and why (表, 行, 列, 原因)."""
    return pd.DataFrame(book.missing, columns=["表", "行", "列", "原因"]).drop_duplicates()


__all__ = ["BLANK", "CELL_FORMATS", "Cell", "FormBook", "FormTable", "form_book", "form_html", "guarantee_names",
           "missing_frame", "quality_names", "resource_headers", "shown", "split_columns", "text_of"]
