"""The layouts of the statistics system's per-school sheets (教育事业统计 基层表) that the importer
reads: which cell holds what, and the row label and column header path that must be there.

Two schemes (``docs/data.md`` §6, ``shared/spec/statistics-export.md``):

- (B) ``教基NNNN`` sheets (2021 onwards), one workbook per school, sheet names ``教基5170`` or
  ``教基5170_小学`` …;
- (A) ``基础基NNN`` sheets (2018 scheme, 国统制[2018]86号).

Every sheet has the column-letter row (row 1: A, B, C …), the title (B2) and the sheet code with
the unit (B3: "基础基512      单位：平方米"), merged header rows, the numbering row (甲、乙、1、2、3
…) and then the data rows, a label in the label column(s). A value is read from its cell only after
the label of its row (``row_label``: the text in ``label_cols``, top block first) and the header
path of its column (``col_path``: the merged header cells above it, top to bottom) are confirmed;
a workbook whose layout differs is refused with the cell and what was expected and found.

The cell addresses of lexcel (a public importer of these sheets, which reads fixed addresses and
never checks a label) are kept where that project gives them (教基5170 rows 10 and 17, 教基5176
rows 7, 17 and 19, 教基2106/2107 row 5 and the 班额 rows from 6, 教基1102 rows 12 and 13); the
other addresses follow the published row and column order. A real workbook that differs is
refused with its location, never read from the wrong cell: the layout below is then the one
place to adjust.

Field names (what a value feeds):
  ``code``, ``name``, ``type``, ``urban``, ``owner``, ``counted`` — the school list;
  ``g<grade>`` — pupils of a grade (0 = 附设幼儿班);
  ``band:<stage>:<lower edge>`` — classes of a 班额 band;
  ``t:<stage>:total``, ``t:<stage>:deg:<degree>``, ``t:<stage>:pe``, ``t:<stage>:art`` — full-time
  teachers, by degree (the contract's degrees), PE and art (艺术 › 计);
  ``bb:<stage>`` — backbone teachers of county level or higher;
  ``aux``, ``indoor``, ``ground``, ``equip``, ``mm`` — 教学及辅助用房, 室内体育用房 (2018: 体育馆),
  运动场地, 教学仪器设备资产值, 网络多媒体教室.
A field named by several cells is their sum (e.g. 博士 + 硕士 → 研究生).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.schemas import CLASS_BANDS, band_label

STUDENT_GRADES = {1: "一年级", 2: "二年级", 3: "三年级", 4: "四年级", 5: "五年级", 6: "六年级",
                  7: "七年级|初一|初中一年级", 8: "八年级|初二|初中二年级", 9: "九年级|初三|初中三年级",
                  10: "高一|高中一年级", 11: "高二|高中二年级", 12: "高三|高中三年级"}


@dataclass(frozen=True)
class Cell:
    """One value: ``field`` at ``ref`` (e.g. "D10"), confirmed by the row's label path and the
    column's header path. A label element may list alternatives with "|". ``unit_in_label``: the
    row label's bracket gives the unit (教学仪器设备资产值（万元）)."""

    field: str
    ref: str
    row_label: tuple[str, ...]
    col_path: tuple[str, ...]
    kind: str = "float"  # float, int or text
    unit_in_label: str | None = None  # unit family read from the row label (money, area, count)


@dataclass(frozen=True)
class Layout:
    code: str  # 教基5170, 基础基512 …
    title: str
    header_rows: tuple[int, int]  # first and last header row (Excel numbering)
    numbering_row: int | None  # the 甲/乙/1/2/3 row
    label_cols: tuple[str, ...]  # the columns holding a row's label, outer block first
    cells: tuple[Cell, ...]
    unit: str | None = None  # unit family of the sheet's values (area, count …) from B3's 单位
    vertical: bool = False  # an item list (项目 | 编号 | 内容): no numbering-row check of numbers



# ======================================================================== (B) 教基
B_1001 = Layout("教基1001", "学校（机构）基本情况", (3, 3), None, ("B",), (
    Cell("name", "C4", ("学校名称|机构名称",), ("内容",), "text"),  # lexcel: C4
    Cell("code", "C5", ("学校标识码|机构编码|学校代码",), ("内容",), "text"),
    Cell("type", "C25", ("学校办学类型",), ("内容",), "text"),  # lexcel: C25
    Cell("urban", "C26", ("城乡分类",), ("内容",), "text"),
    Cell("owner", "C27", ("举办者类型|举办者性质",), ("内容",), "text"),
    Cell("counted", "C28", ("是否计校数",), ("内容",), "text"),
), vertical=True)

B_1102 = Layout("教基1102", "学校（机构）基本情况续表", (3, 3), None, ("B",), (
    Cell("bb:小学", "D12", ("县级及以上骨干教师(小学)|县级以上骨干教师(小学)",), ("内容",), "int"),
    Cell("bb:初中", "D13", ("县级及以上骨干教师(初中)|县级以上骨干教师(初中)",), ("内容",), "int"),
), vertical=True)


def _bands_b(code: str, stage: str, grade_cols: list[tuple[str, str]]) -> Layout:
    """教基2106 (小学) / 2107 (中学): rows = 班额 bands from row 6 (row 5 班数合计), columns = grades."""
    cells = []
    for i, (lo, hi) in enumerate(CLASS_BANDS):
        for col, grade in grade_cols:
            cells.append(Cell(f"band:{stage}:{lo}", f"{col}{6 + i}", (band_label(lo, hi),), (grade,), "int"))
    return Layout(code, f"{stage}教学班数、班额情况", (3, 3), 4, ("B",), tuple(cells), unit="count")


B_2106 = _bands_b("教基2106", "小学", [("C", "合计")])
B_2107 = _bands_b("教基2107", "初中", [("D", "七年级|初一"), ("E", "八年级|初二"), ("F", "九年级|初三")])


def _students_b(code: str, title: str, grades: list[int], col: str, path: tuple[str, ...]) -> Layout:
    """教基3112/3115/3118: headers on rows 3–4, numbering row 5, row 6 合计, grades from row 7."""
    cells = tuple(Cell(f"g{g}", f"{col}{7 + i}", (STUDENT_GRADES[g],), path, "int")
                  for i, g in enumerate(grades))
    return Layout(code, title, (3, 4), 5, ("B",), cells, unit="count")


B_3111 = Layout("教基3111", "附设幼儿班幼儿数", (3, 4), 5, ("B",), (
    Cell("g0", "D7", ("附设幼儿班",), ("在园(班)幼儿数", "计"), "int"),), unit="count")
B_3112 = _students_b("教基3112", "小学学生数", [1, 2, 3, 4, 5, 6], "I", ("在校学生数", "合计"))  # lexcel: I6 合计
B_3115 = _students_b("教基3115", "初中学生数", [7, 8, 9], "E", ("在校学生数", "合计"))  # lexcel: E6 合计
B_3118 = _students_b("教基3118", "高中学生数", [10, 11, 12], "E", ("在校学生数", "合计"))

#: the degree rows of the teacher sheets → the contract's degrees (schemas.DEGREES)
DEGREE_ROWS_B = (("博士研究生毕业", "研究生"), ("硕士研究生毕业", "研究生"), ("本科毕业", "本科"),
                 ("专科毕业", "专科"), ("高中阶段毕业", "高中及以下"), ("高中阶段以下毕业", "高中及以下"))
TEACHER_COLS = (("E", ("合计",)), ("L", ("按授课课程分", "体育与健康")), ("M", ("按授课课程分", "艺术", "计")))


def _teachers_b(code: str, title: str, blocks: list[tuple[str, int]]) -> Layout:
    """教基4155 (小学) / 4156 (中学: 初中 and 高中 blocks): B = the block's stage (merged down the
    block), C = the row, E = 合计, then the courses; the block's first row is 专任教师."""
    cells = []
    for stage, first in blocks:
        cells.append(Cell(f"t:{stage}:total", f"E{first}", (stage, "专任教师"), ("合计",), "int"))
        cells.append(Cell(f"t:{stage}:pe", f"L{first}", (stage, "专任教师"), ("按授课课程分", "体育与健康"), "int"))
        cells.append(Cell(f"t:{stage}:art", f"M{first}", (stage, "专任教师"), ("按授课课程分", "艺术", "计"), "int"))
        for i, (label, degree) in enumerate(DEGREE_ROWS_B):
            cells.append(Cell(f"t:{stage}:deg:{degree}", f"E{first + 2 + i}", (stage, label), ("合计",), "int"))
    return Layout(code, title, (3, 5), 6, ("B", "C"), tuple(cells), unit="count")


B_4155 = _teachers_b("教基4155", "小学专任教师分课程、分学历", [("小学", 7)])
B_4156 = _teachers_b("教基4156", "中学专任教师分课程、分学历", [("初中", 7), ("高中", 15)])

B_5170 = Layout("教基5170", "校舍情况", (3, 5), 6, ("B",), (
    Cell("aux", "D10", ("教学及辅助用房",), ("校舍建筑面积", "合计")),  # lexcel: F10
    Cell("indoor", "D17", ("室内体育用房",), ("校舍建筑面积", "合计")),  # lexcel: F17
), unit="area")

B_5176 = Layout("教基5176", "占地面积及其他办学条件", (4, 4), 5, ("B",), (
    Cell("ground", "D7", ("运动场地面积|体育运动场(馆)面积",), ("数量",), unit_in_label="area"),  # lexcel: D7
    Cell("mm", "D17", ("网络多媒体教室",), ("数量",), unit_in_label="count"),  # lexcel: D17
    Cell("equip", "D19", ("教学仪器设备资产值",), ("数量",), unit_in_label="money"),  # lexcel: D19 (万元)
))

LAYOUTS_B: dict[str, Layout] = {lay.code: lay for lay in (
    B_1001, B_1102, B_2106, B_2107, B_3111, B_3112, B_3115, B_3118, B_4155, B_4156, B_5170, B_5176)}

# ======================================================================== (A) 基础基 (2018)
A_111 = Layout("基础基111", "基础教育学校（机构）统计调查表", (4, 5), 6, ("B",), (
    Cell("name", "D7", ("学校名称",), ("内容",), "text"),
    Cell("code", "D8", ("学校标识码",), ("内容",), "text"),
    Cell("type", "D9", ("学校办学类型",), ("内容",), "text"),
    Cell("urban", "D10", ("城乡分类",), ("内容",), "text"),
    Cell("owner", "D11", ("举办者类型",), ("内容",), "text"),
    Cell("counted", "D12", ("是否计校数",), ("内容",), "text"),
), vertical=True)

# 基础基112: 项目 | 编号 | 内容 | 单位 | 备注; 骨干 rows 编号 26/27 (lexcel: D30/D31)
A_112 = Layout("基础基112", "学校（机构）基本情况续表", (4, 5), 6, ("B",), (
    Cell("bb:小学", "D30", ("县级及以上骨干教师(小学)",), ("内容",), "int"),
    Cell("bb:初中", "D31", ("县级及以上骨干教师(初中)",), ("内容",), "int"),
), vertical=True)


def _bands_a(code: str, stage: str, grade_cols: list[tuple[str, tuple[str, ...]]]) -> Layout:
    """基础基212 (小学) / 213 (中学): row 7 班数合计, bands from row 8; D = 合计, grades after."""
    cells = []
    for i, (lo, hi) in enumerate(CLASS_BANDS):
        for col, path in grade_cols:
            cells.append(Cell(f"band:{stage}:{lo}", f"{col}{8 + i}", (band_label(lo, hi),), path, "int"))
    return Layout(code, f"{stage}教学班数、班额情况", (4, 5), 6, ("B",), tuple(cells), unit="count")


A_212 = _bands_a("基础基212", "小学", [("D", ("合计",))])
A_213 = _bands_a("基础基213", "初中", [("E", ("初中", "一年级|七年级|初一")), ("F", ("初中", "二年级|八年级|初二")),
                                     ("G", ("初中", "三年级|九年级|初三"))])


def _students_a(code: str, title: str, grades: list[int]) -> Layout:
    """基础基312/313/314: rows = grades from row 8 (row 7 合计), H = 在校学生数 › 合计 (lexcel: H7)."""
    cells = tuple(Cell(f"g{g}", f"H{8 + i}", (STUDENT_GRADES[g],), ("在校学生数", "合计"), "int")
                  for i, g in enumerate(grades))
    return Layout(code, title, (4, 5), 6, ("B",), cells, unit="count")


A_311 = Layout("基础基311", "幼儿园、幼儿班分年龄幼儿数", (4, 5), 6, ("B",), (
    Cell("g0", "D8", ("附设幼儿班",), ("在园(班)幼儿数", "合计"), "int"),), unit="count")
A_312 = _students_a("基础基312", "小学学生数", [1, 2, 3, 4, 5, 6])
A_313 = _students_a("基础基313", "初中学生数", [7, 8, 9])
A_314 = _students_a("基础基314", "普通高中学生数", [10, 11, 12])

DEGREE_ROWS_A = (("研究生毕业", "研究生"), ("本科毕业", "本科"), ("专科毕业", "专科"),
                 ("高中阶段毕业", "高中及以下"), ("高中阶段以下毕业", "高中及以下"))


def _teachers_a(code: str, title: str, stage: str, pe: str, art: str) -> Layout:
    """基础基423 (小学) / 424 (中学, its 初中 rows): headers on rows 4–6 (按授课课程分 › 艺术 › 计),
    numbering row 7, row 8 专任教师 (lexcel: M8…), 9 其中:女, 学历 rows from 10; D = 合计."""
    cells = [Cell(f"t:{stage}:total", "D8", ("专任教师",), ("合计",), "int"),
             Cell(f"t:{stage}:pe", f"{pe}8", ("专任教师",), ("按授课课程分", "体育与健康|体育"), "int"),
             Cell(f"t:{stage}:art", f"{art}8", ("专任教师",), ("按授课课程分", "艺术", "计"), "int")]
    for i, (label, degree) in enumerate(DEGREE_ROWS_A):
        cells.append(Cell(f"t:{stage}:deg:{degree}", f"D{10 + i}", (label,), ("合计",), "int"))
    return Layout(code, title, (4, 6), 7, ("B",), tuple(cells), unit="count")


A_423 = _teachers_a("基础基423", "小学专任教师分课程、分学历", "小学", "M", "N")
A_424 = _teachers_a("基础基424", "中学专任教师（初中）分课程、分学历", "初中", "V", "W")

A_512 = Layout("基础基512", "中小学校舍情况", (4, 5), 6, ("B",), (
    Cell("aux", "E10", ("教学及辅助用房",), ("校舍建筑面积", "合计")),  # lexcel: E10 (row 04)
    Cell("indoor", "E16", ("体育馆",), ("校舍建筑面积", "合计")),  # lexcel: E16 (row 10)
), unit="area")

# 基础基522: one row; each column's unit in its header bracket (占地面积（平方米）, 网络多媒体教室（间）,
# 教学仪器设备资产值（万元）)
A_522 = Layout("基础基522", "中小学占地面积及其他办学条件", (4, 5), 6, ("B",), (
    Cell("ground", "F7", ("合计",), ("占地面积", "其中:体育运动场地面积")),
    Cell("mm", "L7", ("合计",), ("网络多媒体教室", "计")),
    Cell("equip", "O7", ("合计",), ("教学仪器设备资产值",)),
))

LAYOUTS_A: dict[str, Layout] = {lay.code: lay for lay in (
    A_111, A_112, A_212, A_213, A_311, A_312, A_313, A_314, A_423, A_424, A_512, A_522)}

#: the basic-information sheet of each scheme: who the workbook belongs to
IDENTITY_SHEETS = ("教基1001", "基础基111")

# ======================================================================== (C) 综合查询
#: field → accepted header paths of the county's 综合查询 export (top to bottom; grouping levels such
#: as "#按学历分" are dropped before comparing), and whether the export must have it. "<field>+n"
#: names another column of the same field: the columns found are summed (博士 + 硕士 研究生).
EXPORT_FIELDS: dict[str, tuple[tuple[tuple[str, ...], ...], bool]] = {
    "name": ((("学校名称",), ("机构名称",)), True),
    "county": ((("统计三级",), ("所在县",)), False),
    "code": ((("学校标识码",), ("机构编码",), ("学校代码",)), True),
    "type": ((("办学类型",), ("学校办学类型",)), True),
    "urban": ((("城乡分类",), ("城乡分组",), ("城乡类型",)), False),
    "owner": ((("举办者类型",), ("举办者性质",), ("办学性质",)), False),
    "counted": ((("是否计校数",),), False),
    "g0": ((("在校生数", "附设幼儿班"),), False),
    **{f"g{g}": (tuple(("在校生数", name) for name in STUDENT_GRADES[g].split("|")), False) for g in range(1, 13)},
    "t:*:total": ((("专任教师", "合计"), ("专任教师", "计")), False),
    "t:*:deg:研究生": ((("专任教师", "研究生"),), False),
    "t:*:deg:研究生+1": ((("专任教师", "博士研究生"),), False),
    "t:*:deg:研究生+2": ((("专任教师", "硕士研究生"),), False),
    "t:*:deg:本科": ((("专任教师", "本科"),), False),
    "t:*:deg:专科": ((("专任教师", "专科"),), False),
    "t:*:deg:高中及以下": ((("专任教师", "高中阶段及以下"),), False),
    "t:*:deg:高中及以下+1": ((("专任教师", "高中阶段"),), False),
    "t:*:deg:高中及以下+2": ((("专任教师", "高中阶段以下"),), False),
    "t:*:pe": ((("专任教师", "体育与健康"), ("专任教师", "体育")), False),
    "t:*:art": ((("专任教师", "艺术", "计"),), False),
    "bb:小学": ((("教基1102", "县级以上骨干教师(小学)"), ("教基1102", "县级及以上骨干教师(小学)")), False),
    "bb:初中": ((("教基1102", "县级以上骨干教师(初中)"), ("教基1102", "县级及以上骨干教师(初中)")), False),
    "aux": ((("本学年校舍建筑面积", "教学及辅助用房", "计"),), False),
    "indoor": ((("本学年校舍建筑面积", "教学及辅助用房", "室内体育用房"),
                ("本学年校舍建筑面积", "教学及辅助用房", "公共教学用房", "室内体育用房"),
                ("本学年校舍建筑面积", "室内体育用房")), False),
    "ground": ((("占地面积及其他办学条件", "占地面积", "其中", "运动场地面积"),
                ("占地面积及其他办学条件", "占地面积", "运动场地面积")), False),
    "equip": ((("固定资产总值", "教学仪器设备资产值"),), False),
    "mm": ((("网络多媒体教室",), ("占地面积及其他办学条件", "网络多媒体教室")), False),
    **{f"band:{stage}:{lo}": ((("教学班数", stage, band_label(lo, hi)),), False)
       for stage in ("小学", "初中") for lo, hi in CLASS_BANDS},
}
#: unit family of each numeric field (a unit in the header bracket or a units row is converted)
FIELD_UNITS = {"aux": "area", "indoor": "area", "ground": "area", "equip": "money", "mm": "count"}
#: 教学仪器设备资产值 is in 万元 in the statistics: a header without a unit is read as 万元
DEFAULT_UNITS = {"equip": "万元"}
