"""Synthetic statistics files in the layouts bureaus hold (never real data): a generator.

From a county's raw-contract workbooks (e.g. the demo county, ``analysis.write_demo``) it writes

- ``write_export``: (C) the 综合查询 export — a title and a "单位" line, the column-letter row,
  three merged header rows, the 甲/乙/1/2/3 numbering row, one row per school (campuses too),
  ``*`` where a column does not apply, an ``_x000D_`` escape in a header, 万元 in a full-width
  bracket and a half-width one elsewhere;
- ``write_jiaoji``: (B) one workbook per school of ``教基NNNN_<type>`` sheets;
- ``write_jichu``: (A) one workbook per school of ``基础基NNN`` sheets.

Each sheet is written here row by row, as the form prints it (docs/data.md §6): this module does
not use the importer's layout table, so a wrong address there is caught by the tests.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from analysis.ingest.rawdata import RAW_SHEETS, WorkbookCache, parse_column, read_sheet
from analysis.schemas import CLASS_BANDS, TYPE_GRADES, band_label, stage_of_grade

GRADES_CN = ["附设幼儿班", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级",
             "高一", "高二", "高三"]
TYPE_NAMES = {"小学": "小学", "初中": "初级中学", "九年一贯制": "九年一贯制学校", "十二年一贯制": "十二年一贯制学校",
              "完全中学": "完全中学", "教学点": "小学教学点", "特殊教育学校": "其他特教学校", "职业学校": "职业高中学校"}
URBAN_NAMES = {"城区": "主城区", "镇区": "镇中心区", "乡村": "村庄"}
OWNER_NAMES = {"公办": "地方教育部门", "民办": "民办"}
L3 = {"体育": "pe", "音乐": "music", "美术": "fine_art"}
COUNTED = ("县级", "市级", "省级", "国家级")


# ---------------------------------------------------------------------------- the county's data
def contract_frames(folder: Path) -> dict[str, pd.DataFrame]:
    """The contract sheets of a period folder as parsed values (before campuses are merged):
    学校名录, 在校生, 班级, 教职工, 校舍场地装备."""
    cache = WorkbookCache(Path(folder))
    out = {}
    for spec in RAW_SHEETS:
        if spec.sheet not in ("学校名录", "在校生", "班级", "教职工", "校舍场地装备"):
            continue
        raw = read_sheet(cache, spec)
        cols = {c.target: c for c in spec.columns}
        out[spec.sheet] = pd.DataFrame({t: parse_column(raw.frame[t], cols[t], raw.units.get(t))[0]
                                        for t in raw.frame.columns if t != "_row"})
    return out


class County:
    """Per school: identity, pupils by grade, classes by stage and band, teachers by stage,
    facilities — what the statistics hold, derived from the contract sheets."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.schools = frames["学校名录"].reset_index(drop=True)
        self.codes = list(self.schools["school_code"])
        self.enrol = frames["在校生"].set_index("school_code")
        self.classes = frames["班级"]
        self.teachers = frames["教职工"]
        self.fac = frames["校舍场地装备"].set_index("school_code")

    def info(self, code) -> pd.Series:
        return self.schools.set_index("school_code").loc[code]

    def pupils(self, code, grade) -> int | None:
        v = self.enrol.loc[code, f"g{grade}"]
        return None if v is None or pd.isna(v) else int(v)

    def stages(self, code) -> list[str]:
        """Stages with pupils (幼儿班 and 高中 included)."""
        out = []
        for g in range(13):
            if (self.pupils(code, g) or 0) > 0 and stage_of_grade(g) not in out:
                out.append(stage_of_grade(g))
        return out

    def bands(self, code, grades) -> Counter:
        """Classes per band lower edge over ``grades``."""
        c = self.classes[(self.classes["school_code"] == code) & self.classes["grade"].isin(list(grades))]
        out = Counter()
        for size in c["size"]:
            lo = max(lo for lo, _ in CLASS_BANDS if lo <= int(size))
            out[lo] += 1
        return out

    def teacher_counts(self, code, stages=None) -> dict:
        t = self.teachers[(self.teachers["school_code"] == code) & self.teachers["full_time"].astype(bool)]
        if stages is not None:
            t = t[t["stage"].isin(stages)]
        deg = Counter(t["degree"])
        subj = Counter(t["subject"])
        return {"total": len(t), "研究生": deg["研究生"], "本科": deg["本科"], "专科": deg["专科"],
                "高中及以下": deg["高中及以下"], "pe": subj["体育"], "music": subj["音乐"], "fine_art": subj["美术"],
                "art": subj["音乐"] + subj["美术"], "backbone": int(t["backbone_level"].isin(COUNTED).sum())}

    def serving(self) -> pd.DataFrame:
        """Full-time PE/art teachers serving another school (走教 …), per host school and stage."""
        t = self.teachers
        s = t[t["service_school_code"].notna() & (t["service_school_code"] != t["school_code"])
              & t["subject"].isin(list(L3)) & t["full_time"].astype(bool)]
        return s.groupby(["service_school_code", "stage"]).size().rename("serving").reset_index()


# ---------------------------------------------------------------------------- writing helpers
def _letters_row(ws, width: int) -> None:
    for j in range(1, width + 1):
        ws.cell(1, j, get_column_letter(j))


def _merge(ws, r1, c1, r2, c2, value) -> None:
    ws.cell(r1, c1, value)
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _numbering(ws, row: int, labels: int, width: int, start: int = 1) -> None:
    marks = ["甲", "乙", "丙", "丁"]
    for j in range(1, width + 1):
        ws.cell(row, j, marks[j - 1] if j <= labels else start + j - labels - 1)


def _v(x):
    return "*" if x is None else x


# ---------------------------------------------------------------------------- (C) export
#: the export's columns: (header path, value getter name); paths are written as merged cells
def _export_columns(x000d: bool, fullwidth: bool):
    aux_top = "本学年校舍_x000D_\n建筑面积" if x000d else "本学年校舍建筑面积"
    equip = "教学仪器设备资产值（万元）" if fullwidth else "教学仪器设备资产值(万元)"
    cols = [
        (("学校名称",), "name"), (("学校标识码",), "code"), (("统计三级",), "county"), (("办学类型",), "type"),
        (("城乡分类",), "urban"), (("举办者类型",), "owner"), (("是否计校数",), "counted"),
        (("在校生数", "合计"), "pupils_total"),
        (("在校生数", "附设幼儿班"), "g0"),
        *((("在校生数", GRADES_CN[g]), f"g{g}") for g in range(1, 13)),
        (("专任教师", "合计"), "t_total"),
        (("专任教师", "#按学历分", "博士研究生"), "t_phd"),
        (("专任教师", "#按学历分", "硕士研究生"), "t_研究生"),
        (("专任教师", "#按学历分", "本科"), "t_本科"),
        (("专任教师", "#按学历分", "专科"), "t_专科"),
        (("专任教师", "#按学历分", "高中阶段及以下"), "t_高中及以下"),
        (("专任教师", "#按授课课程分", "体育与健康"), "t_pe"),
        (("专任教师", "#按授课课程分", "艺术", "计"), "t_art"),
        (("专任教师", "#按授课课程分", "艺术", "音乐"), "t_music"),
        (("教基1102", "县级以上骨干教师(小学)"), "bb_小学"),
        (("教基1102", "县级以上骨干教师(初中)"), "bb_初中"),
        ((aux_top, "教学及辅助用房", "计"), "aux"),
        ((aux_top, "教学及辅助用房", "室内体育用房"), "indoor"),
        (("占地面积及其他办学条件", "占地面积（平方米）", "其中", "运动场地面积"), "ground"),
        (("固定资产总值", equip), "equip"),
        (("网络多媒体教室",), "mm"),
        *((("教学班数", st, band_label(lo, hi)), f"band_{st}_{lo}") for st in ("小学", "初中")
          for lo, hi in CLASS_BANDS),
    ]
    return cols


def export_values(county: County, code) -> dict:
    i = county.info(code)
    stype = i["school_type"]
    grades = TYPE_GRADES[stype]
    v = {"name": i["school_name"], "code": code, "county": "抚顺县", "type": TYPE_NAMES[stype],
         "urban": URBAN_NAMES[i["urban_rural"]], "owner": OWNER_NAMES[i["ownership"]],
         "counted": 0 if i["not_counted"] else 1}
    for g in range(13):
        p = county.pupils(code, g)
        v[f"g{g}"] = p if p is not None else ("*" if g not in grades and g != 0 else 0)
    v["pupils_total"] = sum(county.pupils(code, g) or 0 for g in range(13))
    t = county.teacher_counts(code)  # the whole school (every stage): the export is not split
    v.update({"t_total": t["total"], "t_phd": 0, "t_研究生": t["研究生"], "t_本科": t["本科"], "t_专科": t["专科"],
              "t_高中及以下": t["高中及以下"], "t_pe": t["pe"], "t_art": t["art"], "t_music": t["music"]})
    for st in ("小学", "初中"):
        v[f"bb_{st}"] = (county.teacher_counts(code, [st])["backbone"]
                         if any(stage_of_grade(g) == st for g in grades) else "*")
        has = any(stage_of_grade(g) == st for g in grades)
        b = county.bands(code, [g for g in grades if stage_of_grade(g) == st])
        for lo, _ in CLASS_BANDS:
            v[f"band_{st}_{lo}"] = b[lo] if has else "*"
    f = county.fac.loc[code]
    v.update({"aux": f["teaching_aux_area_m2"], "indoor": f["indoor_sports_area_m2"],
              "ground": f["sports_ground_m2"], "equip": round(f["equipment_value_yuan"] / 10000.0, 6),
              "mm": f["multimedia_classrooms"]})
    return v


def write_export(path: Path, county: County, letters: bool = True, numbering: bool = True,
                 x000d: bool = True, fullwidth: bool = True, values=None, codes=None) -> Path:
    """(C): one row per school under merged headers (see the module docstring). ``values`` may
    change a school's values before writing (code → dict)."""
    cols = _export_columns(x000d, fullwidth)
    depth = max(len(p) for p, _ in cols)
    wb = Workbook()
    ws = wb.active
    ws.title = "综合查询"
    r = 1
    if letters:
        _letters_row(ws, len(cols))
        r = 2
    _merge(ws, r, 1, r, 10, "综合查询：学校基本情况、学生、教职工、办学条件（2021学年初）")
    ws.cell(r + 1, 1, "单位：人、平方米、万元、间、个")
    top = r + 2
    for j, (p, _) in enumerate(cols, start=1):
        for d, text in enumerate(p):
            ws.cell(top + d, j, text)
    # merge equal neighbours (same parent path) across columns, and a path's last cell downwards
    for d in range(depth):
        j = 1
        while j <= len(cols):
            p = cols[j - 1][0]
            if d >= len(p):
                j += 1
                continue
            k = j
            while k + 1 <= len(cols) and cols[k][0][:d + 1] == p[:d + 1] and d + 1 < len(cols[k][0]):
                k += 1
            if k > j and d + 1 < len(p):
                ws.merge_cells(start_row=top + d, start_column=j, end_row=top + d, end_column=k)
            j = k + 1
    for j, (p, _) in enumerate(cols, start=1):
        if len(p) < depth:
            ws.merge_cells(start_row=top + len(p) - 1, start_column=j, end_row=top + depth - 1, end_column=j)
    r = top + depth
    if numbering:
        _numbering(ws, r, 2, len(cols))
        r += 1
    for code in (codes or county.codes):
        v = export_values(county, code)
        if values and code in values:
            v.update(values[code])
        for j, (_, key) in enumerate(cols, start=1):
            ws.cell(r, j, v.get(key))
        r += 1
    wb.save(path)
    return path


# ---------------------------------------------------------------------------- (B) 教基
def _sheet(wb, name: str, title: str, width: int, letters: bool = True):
    ws = wb.create_sheet(name)
    if letters:
        _letters_row(ws, width)
    _merge(ws, 2, 2, 2, width, title)
    return ws


def _jj_1001(wb, suffix, county, code):
    i = county.info(code)
    ws = _sheet(wb, f"教基1001_{suffix}", "教基1001 学校（机构）基本情况", 4)
    ws.cell(3, 2, "项目")
    ws.cell(3, 3, "内容")
    fillers = ["英文名称", "所在地区", "详细地址", "邮政编码", "联系电话", "传真", "电子信箱", "学校网址", "建校年月",
               "学校负责人", "统计负责人", "填表人", "所在地城乡分类代码", "经度", "纬度", "是否民族校",
               "学校办学类型代码", "举办者类型代码", "附设教学点数"]
    items = [("学校名称", i["school_name"]), ("学校标识码", code)] + [(f, None) for f in fillers] + [
        ("学校办学类型", TYPE_NAMES[i["school_type"]]), ("城乡分类", URBAN_NAMES[i["urban_rural"]]),
        ("举办者类型", OWNER_NAMES[i["ownership"]]), ("是否计校数", "否" if i["not_counted"] else "是")]
    for k, (label, value) in enumerate(items):
        ws.cell(4 + k, 1, k + 1)
        ws.cell(4 + k, 2, label)
        ws.cell(4 + k, 3, value)


def _jj_1102(wb, suffix, county, code, stages):
    ws = _sheet(wb, f"教基1102_{suffix}", "教基1102 学校（机构）基本情况续表", 5)
    for j, h in enumerate(["项目", "编号", "内容", "单位"], start=2):
        ws.cell(3, j, h)
    fillers = ["体育运动场（馆）面积是否达标", "体育器械配备是否达标", "音乐器材配备是否达标", "美术器材配备是否达标",
               "数学自然实验仪器是否达标", "是否接入互联网", "接入互联网带宽（Mbps）", "是否建有校园网"]
    rows = fillers + ["县级及以上骨干教师（小学）", "县级及以上骨干教师（初中）", "县级及以上骨干教师（高中）"]
    for k, label in enumerate(rows):
        r = 4 + k
        ws.cell(r, 2, label)
        ws.cell(r, 3, k + 1)
        ws.cell(r, 5, "人" if "骨干" in label else None)
        for st in ("小学", "初中", "高中"):
            if label.endswith(f"（{st}）"):
                ws.cell(r, 4, county.teacher_counts(code, [st])["backbone"] if st in stages else "*")


def _jj_bands(wb, name, title, stage_grades, county, code, total_col: bool):
    grade_names = [GRADES_CN[g] for g in stage_grades]
    width = 3 + len(grade_names)
    ws = _sheet(wb, name, f"{title}    单位：个", width)
    ws.cell(3, 1, "行号")
    ws.cell(3, 2, "项目")
    ws.cell(3, 3, "合计")
    for j, g in enumerate(grade_names, start=4):
        ws.cell(3, j, g)
    _numbering(ws, 4, 2, width)
    per_grade = {g: county.bands(code, [g]) for g in stage_grades}
    ws.cell(5, 2, "班数合计")
    for k, (lo, hi) in enumerate(CLASS_BANDS):
        r = 6 + k
        ws.cell(r, 1, k + 1)
        ws.cell(r, 2, band_label(lo, hi))
        ws.cell(r, 3, sum(per_grade[g][lo] for g in stage_grades))
        for j, g in enumerate(stage_grades, start=4):
            ws.cell(r, j, per_grade[g][lo] if (county.pupils(code, g) or 0) > 0 else "*")
    return ws


def _jj_students(wb, name, title, grades, col_total: str, county, code):
    """Rows: 6 合计, then the grades; columns A 行号, B 项目, C 编号, then the measures."""
    if col_total == "I":
        measures = [("毕业生数", None), ("招生数", None), ("招生数", "其中:女"), ("上学年初在校生", None),
                    ("复学", None), ("在校学生数", "合计"), ("在校学生数", "其中:女")]
    else:
        measures = [("招生数", None), ("在校学生数", "合计"), ("在校学生数", "其中:女"), ("毕业生数", None)]
    width = 3 + len(measures)
    ws = _sheet(wb, name, f"{title}    单位：人", width)
    for j, h in enumerate(["行号", "项目", "编号"], start=1):
        _merge(ws, 3, j, 4, j, h)
    j = 4
    while j - 4 < len(measures):
        top, sub = measures[j - 4]
        span = [m for m in measures if m[0] == top]
        if sub is None:
            _merge(ws, 3, j, 4, j, top)
            j += 1
            continue
        _merge(ws, 3, j, 3, j + len(span) - 1, top)
        for k, (_, s) in enumerate(span):
            ws.cell(4, j + k, s)
        j += len(span)
    _numbering(ws, 5, 3, width)
    ws.cell(6, 2, "合计")
    total_j = 4 + measures.index(("在校学生数", "合计"))
    ws.cell(6, total_j, sum(county.pupils(code, g) or 0 for g in grades))
    for k, g in enumerate(grades):
        ws.cell(7 + k, 2, GRADES_CN[g])
        ws.cell(7 + k, 3, k + 1)
        ws.cell(7 + k, total_j, _v(county.pupils(code, g)))
    assert get_column_letter(total_j) == col_total


def _jj_kindergarten(wb, suffix, county, code):
    ws = _sheet(wb, f"教基3111_{suffix}", "教基3111 附设幼儿班幼儿数    单位：人", 5)
    for j, h in enumerate(["行号", "项目", "编号"], start=1):
        _merge(ws, 3, j, 4, j, h)
    _merge(ws, 3, 4, 3, 5, "在园（班）幼儿数")
    ws.cell(4, 4, "计")
    ws.cell(4, 5, "其中：女")
    _numbering(ws, 5, 3, 5)
    ws.cell(6, 2, "合计")
    ws.cell(6, 4, county.pupils(code, 0))
    ws.cell(7, 2, "附设幼儿班")
    ws.cell(7, 4, county.pupils(code, 0))


COURSES = ["道德与法治", "语文", "数学", "外语", "科学", "信息技术"]
DEGREE_ROWS = ["博士研究生毕业", "硕士研究生毕业", "本科毕业", "专科毕业", "高中阶段毕业", "高中阶段以下毕业"]


def _jj_teachers(wb, name, title, blocks, county, code):
    """B 学段 (merged down the block), C 项目, D 编号, E 合计, F–K other courses, L 体育与健康,
    M–O 艺术 (计, 音乐, 美术), P 综合实践活动, Q 其他."""
    width = 17
    ws = _sheet(wb, name, f"{title}    单位：人", width)
    for j, h in enumerate(["行号", "学段", "项目", "编号", "合计"], start=1):
        _merge(ws, 3, j, 5, j, h)
    _merge(ws, 3, 6, 3, 17, "按授课课程分")
    for j, h in enumerate(COURSES + ["体育与健康"], start=6):
        _merge(ws, 4, j, 5, j, h)
    _merge(ws, 4, 13, 4, 15, "艺术")
    for j, h in enumerate(["计", "音乐", "美术"], start=13):
        ws.cell(5, j, h)
    _merge(ws, 4, 16, 5, 16, "综合实践活动")
    _merge(ws, 4, 17, 5, 17, "其他")
    _numbering(ws, 6, 4, width)
    n = 0
    for stage, first in blocks:
        t = county.teacher_counts(code, [stage])
        rows = ["专任教师", "其中：女"] + DEGREE_ROWS
        for k, label in enumerate(rows):
            n += 1
            r = first + k
            ws.cell(r, 1, n)
            ws.cell(r, 3, label)
            ws.cell(r, 4, n)
        _merge(ws, first, 2, first + len(rows) - 1, 2, stage)
        ws.cell(first, 5, t["total"])
        ws.cell(first, 12, t["pe"])
        ws.cell(first, 13, t["art"])
        ws.cell(first, 14, t["music"])
        ws.cell(first, 15, t["fine_art"])
        ws.cell(first, 17, t["total"] - t["pe"] - t["art"])
        ws.cell(first + 1, 5, None)
        degs = [0, t["研究生"], t["本科"], t["专科"], t["高中及以下"], 0]
        for k, d in enumerate(degs):
            ws.cell(first + 2 + k, 5, d)


def _jj_5170(wb, suffix, county, code):
    width = 7
    ws = _sheet(wb, f"教基5170_{suffix}", "教基5170 校舍情况    单位：平方米", width)
    for j, h in enumerate(["行号", "项目", "编号"], start=1):
        _merge(ws, 3, j, 5, j, h)
    _merge(ws, 3, 4, 3, 7, "校舍建筑面积")
    _merge(ws, 4, 4, 5, 4, "合计")
    _merge(ws, 4, 5, 5, 5, "学校产权")
    _merge(ws, 4, 6, 4, 7, "非学校产权")
    ws.cell(5, 6, "独立使用")
    ws.cell(5, 7, "共同使用")
    _numbering(ws, 6, 3, width)
    rows = ["总计", "其中：危房", "当年新增校舍", "一、教学及辅助用房", "教室", "专用教室", "理化生实验室",
            "其他专用教室", "公共教学用房", "图书阅览室", "室内体育用房", "心理辅导室", "其他公共教学用房",
            "二、行政办公用房", "三、生活用房", "四、其他用房"]
    f = county.fac.loc[code]
    values = {"一、教学及辅助用房": f["teaching_aux_area_m2"], "室内体育用房": f["indoor_sports_area_m2"]}
    for k, label in enumerate(rows):
        r = 7 + k
        ws.cell(r, 1, k + 1)
        ws.cell(r, 2, label)
        ws.cell(r, 3, f"{k + 1:02d}")
        ws.cell(r, 4, values.get(label, 0))


def _jj_5176(wb, suffix, county, code):
    ws = _sheet(wb, f"教基5176_{suffix}", "教基5176 占地面积及其他办学条件", 5)
    ws.cell(3, 2, "单位：见各项")
    for j, h in enumerate(["行号", "项目", "编号", "数量"], start=1):
        ws.cell(4, j, h)
    _numbering(ws, 5, 3, 4)
    f = county.fac.loc[code]
    rows = [("占地面积（平方米）", 0), ("其中：运动场地面积（平方米）", f["sports_ground_m2"]),
            ("绿化用地面积（平方米）", 0), ("校园足球场（个）", 0), ("图书（册）", 0), ("其中：当年新增（册）", 0),
            ("电子图书（册）", 0), ("数字资源总量（GB）", 0), ("计算机数（台）", 0), ("其中：教学用计算机（台）", 0),
            ("平板电脑（台）", 0), ("网络多媒体教室（间）", f["multimedia_classrooms"]), ("其中：当年新增（间）", 0),
            ("教学仪器设备资产值（万元）", round(f["equipment_value_yuan"] / 10000.0, 6))]
    for k, (label, value) in enumerate(rows):
        ws.cell(6 + k, 1, k + 1)
        ws.cell(6 + k, 2, label)
        ws.cell(6 + k, 3, k + 1)
        ws.cell(6 + k, 4, value)


def write_jiaoji(folder: Path, county: County, codes=None) -> list[Path]:
    """(B): one workbook per school (file: <code>_<name>.xlsx)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for code in (codes or county.codes):
        i = county.info(code)
        stype = i["school_type"]
        suffix = TYPE_NAMES[stype]
        grades = TYPE_GRADES[stype]
        stages = {stage_of_grade(g) for g in grades} | set(county.stages(code))
        wb = Workbook()
        wb.remove(wb.active)
        _jj_1001(wb, suffix, county, code)
        _jj_1102(wb, suffix, county, code, stages)
        if "小学" in stages:
            _jj_bands(wb, f"教基2106_{suffix}", "教基2106 小学教学班数、班额情况", [1, 2, 3, 4, 5, 6], county, code, True)
        if "初中" in stages or "高中" in stages:
            _jj_bands(wb, f"教基2107_{suffix}", "教基2107 中学教学班数、班额情况", [7, 8, 9, 10, 11, 12],
                      county, code, True)
        if (county.pupils(code, 0) or 0) > 0:
            _jj_kindergarten(wb, suffix, county, code)
        if "小学" in stages:
            _jj_students(wb, f"教基3112_{suffix}", "教基3112 小学学生数", [1, 2, 3, 4, 5, 6], "I", county, code)
            _jj_teachers(wb, f"教基4155_{suffix}", "教基4155 小学专任教师分课程、分学历", [("小学", 7)], county, code)
        if "初中" in stages:
            _jj_students(wb, f"教基3115_{suffix}", "教基3115 初中学生数", [7, 8, 9], "E", county, code)
        if "高中" in stages:
            _jj_students(wb, f"教基3118_{suffix}", "教基3118 高中学生数", [10, 11, 12], "E", county, code)
        if "初中" in stages or "高中" in stages:
            _jj_teachers(wb, f"教基4156_{suffix}", "教基4156 中学专任教师分课程、分学历", [("初中", 7), ("高中", 15)],
                         county, code)
        _jj_5170(wb, suffix, county, code)
        _jj_5176(wb, suffix, county, code)
        path = folder / f"{code}_{i['school_name']}.xlsx"
        wb.save(path)
        out.append(path)
    return out


# ---------------------------------------------------------------------------- (A) 基础基
def _a_sheet(wb, code_name: str, title: str, unit: str, width: int):
    ws = wb.create_sheet(code_name)
    _letters_row(ws, width)
    _merge(ws, 2, 2, 2, width, title)
    ws.cell(3, 2, f"{code_name}{' ' * 40}单位：{unit}")
    return ws


def write_jichu(folder: Path, county: County, codes=None) -> list[Path]:
    """(A): one workbook per school in the 2018 scheme (封面, 基础基111, 112, 212/213, 312/313/314,
    423/424, 512, 522)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for code in (codes or county.codes):
        i = county.info(code)
        stype = i["school_type"]
        grades = TYPE_GRADES[stype]
        stages = {stage_of_grade(g) for g in grades}
        wb = Workbook()
        cover = wb.active
        cover.title = "封面"
        cover["B2"] = "基础教育基层统计调查表（2020/2021学年初）"
        cover["B4"] = f"学校名称：{i['school_name']}"
        # 111: vertical list
        ws = _a_sheet(wb, "基础基111", "基础教育学校（机构）统计调查表", "—", 5)
        for j, h in enumerate(["序号", "项目", "编号", "内容", "备注"], start=1):
            _merge(ws, 4, j, 5, j, h)
        _numbering(ws, 6, 3, 5)
        for k, (label, value) in enumerate([
                ("学校名称", i["school_name"]), ("学校标识码", code), ("学校办学类型", TYPE_NAMES[stype]),
                ("城乡分类", URBAN_NAMES[i["urban_rural"]]), ("举办者类型", OWNER_NAMES[i["ownership"]]),
                ("是否计校数", 0 if i["not_counted"] else 1)]):
            ws.cell(7 + k, 1, k + 1)
            ws.cell(7 + k, 2, label)
            ws.cell(7 + k, 3, k + 1)
            ws.cell(7 + k, 4, value)
        # 112: 骨干 rows 30/31 (编号 26/27)
        ws = _a_sheet(wb, "基础基112", "学校（机构）基本情况续表", "—", 6)
        for j, h in enumerate(["序号", "项目", "编号", "内容", "单位", "备注"], start=1):
            _merge(ws, 4, j, 5, j, h)
        _numbering(ws, 6, 3, 6)
        labels = [f"其他项目{k}" for k in range(1, 24)] + ["县级及以上骨干教师（小学）", "县级及以上骨干教师（初中）",
                                                           "县级及以上骨干教师（高中）"]
        for k, label in enumerate(labels):
            r = 7 + k
            ws.cell(r, 1, k + 1)
            ws.cell(r, 2, label)
            ws.cell(r, 3, k + 4)
            for st in ("小学", "初中", "高中"):
                if label.endswith(f"（{st}）"):
                    ws.cell(r, 4, county.teacher_counts(code, [st])["backbone"] if st in stages else "*")
        # 212 / 213
        for name, st, cols in (("基础基212", "小学", [("合计", None)] + [(GRADES_CN[g], g) for g in range(1, 7)]),
                               ("基础基213", "初中", None)):
            if st not in stages:
                continue
            if st == "小学":
                ws = _a_sheet(wb, name, "小学教学班数、班额情况", "个", 10)
                for j, h in enumerate(["序号", "项目", "编号"], start=1):
                    _merge(ws, 4, j, 5, j, h)
                for j, (h, _) in enumerate(cols, start=4):
                    _merge(ws, 4, j, 5, j, h)
                _numbering(ws, 6, 3, 10)
                per = {g: county.bands(code, [g]) for g in range(1, 7)}
                ws.cell(7, 2, "班数合计")
                for k, (lo, hi) in enumerate(CLASS_BANDS):
                    r = 8 + k
                    ws.cell(r, 2, band_label(lo, hi))
                    ws.cell(r, 4, sum(per[g][lo] for g in per))
                    for j, g in enumerate(range(1, 7), start=5):
                        ws.cell(r, j, per[g][lo])
            else:
                ws = _a_sheet(wb, name, "中学教学班数、班额情况", "个", 10)
                for j, h in enumerate(["序号", "项目", "编号", "合计"], start=1):
                    _merge(ws, 4, j, 5, j, h)
                _merge(ws, 4, 5, 4, 7, "初中")
                _merge(ws, 4, 8, 4, 10, "高中")
                for j, h in enumerate(["一年级", "二年级", "三年级"] * 2, start=5):
                    ws.cell(5, j, h)
                _numbering(ws, 6, 3, 10)
                per = {g: county.bands(code, [g]) for g in range(7, 13)}
                ws.cell(7, 2, "班数合计")
                for k, (lo, hi) in enumerate(CLASS_BANDS):
                    r = 8 + k
                    ws.cell(r, 2, band_label(lo, hi))
                    ws.cell(r, 4, sum(per[g][lo] for g in per))
                    for j, g in enumerate(range(7, 13), start=5):
                        ws.cell(r, j, per[g][lo] if g in grades else "*")
        # 311: 附设幼儿班 (row 8; row 7 合计), D = 在园（班）幼儿数 › 合计
        if (county.pupils(code, 0) or 0) > 0:
            ws = _a_sheet(wb, "基础基311", "幼儿园、幼儿班分年龄幼儿数", "人", 6)
            for j, h in enumerate(["序号", "项目", "编号"], start=1):
                _merge(ws, 4, j, 5, j, h)
            _merge(ws, 4, 4, 4, 6, "在园（班）幼儿数")
            for j, h in enumerate(["合计", "其中：女", "其中：少数民族"], start=4):
                ws.cell(5, j, h)
            _numbering(ws, 6, 3, 6)
            ws.cell(7, 2, "合计")
            ws.cell(7, 4, county.pupils(code, 0))
            ws.cell(8, 2, "附设幼儿班")
            ws.cell(8, 4, county.pupils(code, 0))
        # 312 / 313 / 314: H = 在校学生数 › 合计
        for name, title, gs in (("基础基312", "小学学生数", range(1, 7)), ("基础基313", "初中学生数", range(7, 10)),
                                ("基础基314", "普通高中学生数", range(10, 13))):
            if not set(gs) & set(grades):
                continue
            ws = _a_sheet(wb, name, title, "人", 9)
            for j, h in enumerate(["序号", "项目", "编号", "毕业生数", "招生数", "上学年在校生"], start=1):
                _merge(ws, 4, j, 5, j, h)
            _merge(ws, 4, 7, 4, 9, "在校学生数")
            ws.cell(5, 7, "其中：女")
            ws.cell(5, 8, "合计")
            ws.cell(5, 9, "其中：少数民族")
            _numbering(ws, 6, 3, 9)
            ws.cell(7, 2, "合计")
            ws.cell(7, 8, sum(county.pupils(code, g) or 0 for g in gs))
            for k, g in enumerate(gs):
                ws.cell(8 + k, 2, GRADES_CN[g])
                ws.cell(8 + k, 8, _v(county.pupils(code, g)))
        # 423 / 424
        for name, title, st, pe_col in (("基础基423", "小学专任教师分课程、分学历", "小学", 13),
                                        ("基础基424", "中学专任教师分课程、分学历", "初中", 22)):
            if st not in stages:
                continue
            width = pe_col + 4
            ws = _a_sheet(wb, name, title, "人", width)
            for j, h in enumerate(["序号", "项目", "编号", "合计"], start=1):
                _merge(ws, 4, j, 6, j, h)
            _merge(ws, 4, 5, 4, width, "按授课课程分")
            for j in range(5, pe_col):
                _merge(ws, 5, j, 6, j, f"课程{j - 4}")
            _merge(ws, 5, pe_col, 6, pe_col, "体育与健康")
            _merge(ws, 5, pe_col + 1, 5, pe_col + 3, "艺术")
            for j, h in enumerate(["计", "音乐", "美术"], start=pe_col + 1):
                ws.cell(6, j, h)
            _merge(ws, 5, width, 6, width, "其他")
            _numbering(ws, 7, 3, width)
            t = county.teacher_counts(code, [st])
            labels = ["专任教师", "其中：女", "研究生毕业", "本科毕业", "专科毕业", "高中阶段毕业", "高中阶段以下毕业"]
            for k, label in enumerate(labels):
                ws.cell(8 + k, 1, k + 1)
                ws.cell(8 + k, 2, label)
            ws.cell(8, 4, t["total"])
            ws.cell(8, pe_col, t["pe"])
            ws.cell(8, pe_col + 1, t["art"])
            ws.cell(8, pe_col + 2, t["music"])
            ws.cell(8, pe_col + 3, t["fine_art"])
            for k, d in enumerate([t["研究生"], t["本科"], t["专科"], t["高中及以下"], 0]):
                ws.cell(10 + k, 4, d)
        # 512: E = 校舍建筑面积 › 合计; row 10 教学及辅助用房, row 16 体育馆
        ws = _a_sheet(wb, "基础基512", "中小学校舍情况", "平方米", 9)
        for j, h in enumerate(["序号", "项目", "编号", "上学年校舍建筑面积"], start=1):
            _merge(ws, 4, j, 5, j, h)
        _merge(ws, 4, 5, 4, 9, "校舍建筑面积")
        for j, h in enumerate(["合计", "框架结构", "砖混结构", "砖木结构", "土木结构"], start=5):
            ws.cell(5, j, h)
        _numbering(ws, 6, 3, 9)
        f = county.fac.loc[code]
        rows = ["总计", "其中：危房", "当年新增校舍", "一、教学及辅助用房", "教室", "实验室", "图书室", "微机室",
                "语音室", "体育馆", "二、行政办公用房", "其中：教师办公室", "三、生活用房"]
        for k, label in enumerate(rows):
            ws.cell(7 + k, 1, k + 1)
            ws.cell(7 + k, 2, label)
            ws.cell(7 + k, 3, f"{k + 1:02d}")
            ws.cell(7 + k, 5, {"一、教学及辅助用房": f["teaching_aux_area_m2"],
                               "体育馆": f["gymnasium_m2"]}.get(label, 0))
        # 522: one row; units in the header brackets
        ws = _a_sheet(wb, "基础基522", "中小学占地面积及其他办学条件", "见各栏", 15)
        for j, h in enumerate(["序号", "项目", "编号"], start=1):
            _merge(ws, 4, j, 5, j, h)
        _merge(ws, 4, 4, 4, 6, "占地面积（平方米）")
        for j, h in enumerate(["计", "其中：绿化用地面积", "其中：体育运动场地面积"], start=4):
            ws.cell(5, j, h)
        _merge(ws, 4, 7, 5, 7, "图书（册）")
        _merge(ws, 4, 8, 4, 9, "计算机（台）")
        ws.cell(5, 8, "计")
        ws.cell(5, 9, "其中：教学用")
        _merge(ws, 4, 10, 5, 10, "语音室（间）")
        _merge(ws, 4, 11, 5, 11, "微机室（间）")
        _merge(ws, 4, 12, 4, 13, "网络多媒体教室（间）")
        ws.cell(5, 12, "计")
        ws.cell(5, 13, "其中：当年新增")
        _merge(ws, 4, 14, 5, 14, "图书馆（个）")
        _merge(ws, 4, 15, 5, 15, "教学仪器设备资产值（万元）")
        _numbering(ws, 6, 3, 15)
        ws.cell(7, 2, "合计")
        ws.cell(7, 6, f["sports_ground_m2"])
        ws.cell(7, 12, f["multimedia_classrooms"])
        ws.cell(7, 15, round(f["equipment_value_yuan"] / 10000.0, 6))
        path = folder / f"{code}.xlsx"
        wb.save(path)
        out.append(path)
    return out


