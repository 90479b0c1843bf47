"""Processed tables of one period (整理后的数据表): ``load_period`` reads and validates them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import schemas
from analysis.ingest.cleaning import OUTPUT_TABLES
from analysis.ingest.rawdata import GRADE_NAMES, RAW_SHEETS, UNITS, err
from analysis.ingest.stats_layouts import EXPORT_FIELDS, LAYOUTS_A, LAYOUTS_B
from analysis.paths import ROOT


def load_period(processed_dir: Path, period: str, validate: bool = True) -> dict[str, pd.DataFrame]:
    """Read ``processed_dir/<period>/<table>.parquet`` for every cleaned table, validated.

    Returns the input tables (schools … county_items) plus ``data_quality`` and ``quarantine``.
    A missing folder or table raises ``FileNotFoundError`` naming it (run the cleaning first).
    ``validate=False`` skips the schema check (the pipeline reads what its own clean step just
    wrote, validated there); the dtypes are those the parquet files carry.
    """
    folder = Path(processed_dir) / str(period)
    if not folder.is_dir():
        raise FileNotFoundError(err(
            f"找不到整理后的数据 {folder}，请先运行数据清洗（01_clean）",
            f"processed data {folder} not found; run the cleaning (01_clean) first"))
    out: dict[str, pd.DataFrame] = {}
    for name in OUTPUT_TABLES:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise FileNotFoundError(err(f"缺少整理后的数据表 {path}", f"processed table {path} missing"))
        df = pd.read_parquet(path)
        out[name] = schemas.validate(name, df) if validate else df
    return out


# ---------------------------------------------------------------------------- data dictionary
# Which indicators use each raw column (table.column → indicators), for docs/data.md.
USED_BY: dict[str, str] = {
    "schools.school_code": "全部 / all", "schools.school_type": "评估单位划分、G4、G6",
    "schools.urban_rural": "L3 小规模乡村学校放宽、G3、G13、G14", "schools.ownership": "评估单位（民办开关）、G13",
    "schools.is_boarding": "G13", "schools.is_village_school": "G6",
    "schools.not_counted": "校区合并 / campus merge", "schools.parent_code": "校区合并 / campus merge",
    "enrolment.g*": "L1–L7、G4、G6、G7；各学段资源分摊 / stage shares",
    "enrolment.row_total": "核对 / check only",
    "classes.class_id": "G3（班数）", "classes.grade": "G3、G5", "classes.size": "G3（小规模学校）、G5",
    "teachers.stage": "L1–L3", "teachers.degree": "L1", "teachers.subject": "L3",
    "teachers.full_time": "L1–L3、G12", "teachers.backbone_level": "L2、G11",
    "teachers.has_certificate": "G12", "teachers.training_hours_5y": "G9",
    "teachers.rotation_eligible": "G11", "teachers.rotated": "G11",
    "teachers.service_school_code": "L3 放宽", "teachers.service_mode": "L3 放宽",
    "teachers.birth_year": "预测（退休）/ projection",
    "class_bands.stage": "G3、G5", "class_bands.b*": "G3（班数、小规模学校）、G5",
    "class_bands.row_total": "核对 / check only",
    "teacher_counts.stage": "L1–L3", "teacher_counts.full_time": "核对 / check（部分 ≤ 整体）",
    "teacher_counts.qualifying": "L1", "teacher_counts.backbone": "L2", "teacher_counts.pe_art": "L3",
    "teacher_counts.serving_pe_art": "L3 放宽（小规模乡村学校）",
    "facilities.teaching_aux_area_m2": "L4", "facilities.indoor_sports_area_m2": "L4（扣除）",
    "facilities.sports_ground_m2": "L5", "facilities.gymnasium_m2": "L5",
    "facilities.equipment_value_yuan": "L6", "facilities.multimedia_classrooms": "L7",
    "special_rooms.room_type": "G3", "special_rooms.area_m2": "G3", "special_rooms.build_year": "G3",
    "finance.public_funds_yuan": "G6", "finance.public_funds_budget_yuan": "Q4",
    "finance.training_spending_yuan": "Q4",
    "catchment.stage": "G13", "catchment.entrants": "G13", "catchment.entrants_in_catchment": "G13",
    "quota.graduates": "G14", "quota.allocated_places": "G14",
    "ratings.has_charter": "Q3", "ratings.has_informatization": "Q3", "ratings.ict_rating": "Q5",
    "ratings.moral_rating": "Q6", "ratings.curriculum_rating": "Q7",
    "homework.grade": "Q8", "homework.respondents": "Q8", "homework.written_minutes": "Q8",
    "monitoring.subject": "Q9", "monitoring.grade": "Q9", "monitoring.level": "Q9",
    "monitoring.diff_rate": "Q9", "monitoring_scores.score": "Q9（本县方差分解）",
    "satisfaction.survey_kind": "S1", "satisfaction.group": "S1",
    "county_items.item": "G1、G2、G7、G8、G10、G14、G15、Q1、Q2",
    "county_items.value": "G6（定额）、G7、G8、G14、G15、Q1、Q2",
    "county_items.attested": "G1、G2、G8、G10、G15", "county_items.evidence": "G1、G2、G8、G10、G15",
}
_KIND_TEXT = {
    "code": "代码（文本）", "text": "文本", "int": "整数", "float": "数值", "money": "金额（元；表头写“万元”则×10000）",
    "bool": "是/否", "grade": "年级（一年级…九年级、幼儿班、高一…）", "level": "等级（Ⅰ级–Ⅳ级）", "enum": "枚举",
}
BEGIN_RAW, END_RAW = "<!-- BEGIN GENERATED: raw -->", "<!-- END GENERATED: raw -->"
BEGIN_PROC, END_PROC = "<!-- BEGIN GENERATED: processed -->", "<!-- END GENERATED: processed -->"
BEGIN_STATS, END_STATS = "<!-- BEGIN GENERATED: stats -->", "<!-- END GENERATED: stats -->"


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def raw_contract_markdown() -> str:
    """The raw workbooks / sheets / columns section of docs/data.md, from ``RAW_SHEETS``."""
    out = []
    for spec in RAW_SHEETS:
        opt = "（可选工作表 / optional）" if spec.optional and spec.alternative is None else ""
        if spec.alternative is not None:
            opt = (f"（与“{spec.alternative}”二选一，也可两者都有 / this or {spec.alternative}, or both）")
        out.append(f"#### `{spec.file}` — 工作表 `{spec.sheet}` → `{spec.table}`{opt}\n")
        if spec.wide_bands:
            out.append("每校每学段一行、每个班额段一列（统计报表“教学班数、班额情况”的分段）；没有该段的班填 0，"
                       "空格为“未知”。整理后每校每学段每段一行。 One row per school and stage, one column "
                       "per class-size band; 0 for none, blank for unknown.\n")
        if spec.wide_grades:
            out.append("每校一行、每个年级一列；没有学生的年级填 0。空格：本校办学类型应有的年级为“未知”"
                       "（该学段在校生数为“无数据”），其他年级为“没有这个年级”（见第 2 节）。整理后每校每年级"
                       "一行。 One row per school, one column per grade; 0 for none, blank for unknown.\n")
        if spec.doc:
            out.append(f"{_md(spec.doc)}\n")
        out.append("| 表头（可用写法） | 说明 | 必需列 | 类型 / 单位 | 允许取值 | 字段 | 用于指标 |")
        out.append("|---|---|---|---|---|---|---|")
        for col in spec.columns:
            values = "、".join(col.values) if col.values else ""
            family = col.unit or ("money" if col.kind == "money" else None)
            unit_text = ("；可写单位：" + "、".join(UNITS[family]) + "（表头括号或表头下一行）") if family else ""
            if col.aliases:
                values += "（亦接受 " + "、".join(f"{k}→{v}" for k, v in col.aliases.items()) + "）"
            key = f"{spec.table}.{col.target}"
            used = USED_BY.get(key) or (USED_BY.get(f"{spec.table}.g*") if spec.wide_grades
                                        and col.target.startswith("g") else "") or (
                USED_BY.get(f"{spec.table}.b*") if spec.wide_bands and col.target.startswith("b") else "")
            out.append(f"| {_md(' / '.join(col.headers))} | {_md(col.doc or '')} | {'是' if col.required else '否'} | "
                       f"{_md(_KIND_TEXT[col.kind] + unit_text)} | {_md(values)} | `{col.target}` | "
                       f"{_md(used or '')} |")
        out.append("")
    return "\n".join(out)


def processed_tables_markdown() -> str:
    """The processed-table section of docs/data.md, from ``schemas.TABLES`` (one source of truth)."""
    out = []
    for name in OUTPUT_TABLES:
        table = schemas.TABLES[name]
        out.append(f"#### `{name}` — {_md(table.doc)}\n")
        if table.unique:
            out.append(f"唯一键 / unique key: `{', '.join(table.unique)}`\n")
        out.append("| 字段 | 类型 | 可空 | 取值 / 范围 | 说明 |")
        out.append("|---|---|---|---|---|")
        for c, col in table.columns.items():
            rng = []
            if col.isin is not None:
                rng.append("、".join(map(str, col.isin)))
            if col.ge is not None:
                rng.append(f"≥ {col.ge:g}")
            if col.le is not None:
                rng.append(f"≤ {col.le:g}")
            if col.soft_max is not None:
                rng.append(f"合理上限 {col.soft_max:g}")
            if col.unique:
                rng.append("唯一")
            out.append(f"| `{c}` | {col.dtype} | {'是' if col.nullable else '否'} | "
                       f"{_md('；'.join(rng))} | {_md(col.doc)} |")
        out.append("")
    out.append("#### 县级数据项 `county_items.item` / county items\n")
    out.append("| 代码 | 名称 | 单位 | 取值范围 |")
    out.append("|---|---|---|---|")
    for k, item in schemas.COUNTY_ITEM_SPECS.items():
        if item.unit is None:
            unit, rng = "认定（是/否）", ""
        else:
            unit = item.unit
            parts = [f"≥ {item.ge:g}" if item.ge is not None else "",
                     f"≤ {item.le:g}" if item.le is not None else "",
                     f"合理上限 {item.soft_max:g}" if item.soft_max is not None else ""]
            rng = "；".join(p for p in parts if p)
        out.append(f"| `{k}` | {_md(item.label)} | {_md(unit)} | {_md(rng)} |")
    out.append("")
    out.append("#### 数据间的核对规则 / cross-field rules（部分 ≤ 整体）\n")
    out.append("| 数据表 | 部分 | 整体 | 说明 |")
    out.append("|---|---|---|---|")
    for rule in schemas.CROSS_RULES:
        out.append(f"| `{rule.table}` | {_md(' + '.join(rule.part))} | {_md(rule.whole)} | {_md(rule.text)} |")
    out.append("")
    return "\n".join(out)


_FIELD_TEXT = {"code": "学校标识码", "name": "学校名称", "type": "办学类型", "urban": "城乡分类", "owner": "举办者",
               "counted": "是否计校数", "aux": "教学及辅助用房面积", "indoor": "室内体育用房（2018 版：体育馆）",
               "ground": "运动场地面积", "equip": "教学仪器设备资产值", "mm": "网络多媒体教室",
               "pe": "体育与健康专任教师", "art": "艺术专任教师（计）", "total": "专任教师"}


def _field_text(fld: str) -> str:
    """A layout field in words: "t:小学:deg:本科" → "小学专任教师·本科"."""
    parts = fld.split("+")[0].split(":")
    if parts[0] == "t":
        stage = "全校" if parts[1] == "*" else parts[1]
        rest = parts[3] if parts[2] == "deg" else _FIELD_TEXT[parts[2]]
        return f"{stage}专任教师·{rest}" if rest != "专任教师" else f"{stage}专任教师（合计）"
    if parts[0] == "bb":
        return f"县级及以上骨干教师（{parts[1]}）"
    if parts[0] == "band":
        hi = dict(schemas.CLASS_BANDS)[int(parts[2])]
        return f"{parts[1]}班数·{schemas.band_label(int(parts[2]), hi)}"
    if re.fullmatch(r"g\d+", parts[0]):
        return f"在校生·{GRADE_NAMES[int(parts[0][1:])]}"
    return _FIELD_TEXT.get(parts[0], parts[0])


def _alts(text: str) -> str:
    """Alternatives "A|B" shown as "A／B" (a markdown table cell)."""
    return _md(text.replace("|", "／"))


def stats_layouts_markdown() -> str:
    """The statistics sheets the importer reads (docs/data.md §6), from ``stats_layouts``."""
    out = ["##### 逐校基层表：读取的单元格 / per-school sheets: the cells read\n",
           "| 工作表代码 | 表名 | 单元格 | 行标签（须一致） | 列表头路径（须一致） | 读作 |",
           "|---|---|---|---|---|---|"]
    for layouts in (LAYOUTS_B, LAYOUTS_A):
        for lay in layouts.values():
            cells = lay.cells
            if len(cells) > 6:  # bands and teachers: the first cells show the pattern
                shown = [c for c in cells if c.field.split(":")[-1] in ("1", "26", "total", "pe", "art", "研究生")
                         or c.field.startswith("g")][:6]
            else:
                shown = list(cells)
            for c in shown:
                out.append(f"| {lay.code} | {_md(lay.title)} | {c.ref} | {_alts(' › '.join(c.row_label))} | "
                           f"{_alts(' › '.join(c.col_path))} | {_md(_field_text(c.field))} |")
            if len(shown) < len(cells):
                out.append(f"| {lay.code} | … | … | （共 {len(cells)} 格，同一格式） | | |")
    out += ["", "##### 综合查询导出：按表头路径找列 / the 综合查询 export: columns by header path\n",
            "| 读作 | 可用的表头路径（自上而下；“#按…分”一类分组层忽略） | 必需 |", "|---|---|---|"]
    for fld, (paths, required) in EXPORT_FIELDS.items():
        if fld.startswith("band:") and not fld.endswith(":1"):
            continue
        shown = " ／ ".join(" › ".join(p) for p in paths)
        if fld.startswith("band:"):
            shown += " （其余班额段同）"
        out.append(f"| {_md(_field_text(fld))}{'（各列相加）' if '+' in fld else ''} | {_md(shown)} | "
                   f"{'是' if required else '否'} |")
    out.append("")
    return "\n".join(out)


def render_data_doc(text: str) -> str:
    """Replace the generated blocks of docs/data.md's text with fresh ones."""
    for begin, end, body in ((BEGIN_RAW, END_RAW, raw_contract_markdown()),
                             (BEGIN_PROC, END_PROC, processed_tables_markdown()),
                             (BEGIN_STATS, END_STATS, stats_layouts_markdown())):
        pattern = re.escape(begin) + r".*?" + re.escape(end)
        text = re.sub(pattern, lambda m: f"{begin}\n{body}\n{end}", text, flags=re.S)
    return text


if __name__ == "__main__":  # python -m analysis.ingest.tables  → regenerate docs/data.md's tables
    doc = ROOT / "docs" / "data.md"
    doc.write_text(render_data_doc(doc.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"已更新 / updated {doc}")
