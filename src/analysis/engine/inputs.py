"""What the engine knows about its inputs beyond the values: rows kept aside by the cleaning.

A row the cleaning could not use (``quarantine``) that held data of a listed school makes that
school's table incomplete (``quarantine.incomplete``): every total built from that table for that
school is unknown, never the smaller sum of the rows that are left (indicators.md §6).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping

import pandas as pd

from analysis.engine.shared import once
from analysis.ingest.rawdata import RAW_SHEETS


def incomplete_schools(tables: Mapping[str, pd.DataFrame], table: str) -> set[str]:
    """Codes of the schools whose rows in ``table`` are incomplete (some were quarantined)."""
    q = tables.get("quarantine")
    if q is None or len(q) == 0 or not {"table", "school_code", "incomplete"} <= set(q.columns):
        return set()
    sel = q[(q["table"] == table) & q["incomplete"].fillna(False).astype(bool)]
    return set(sel["school_code"].dropna().astype(str))


#: processed tables that hold county-level rows (no school): a quarantined row of them leaves the
#: county's figure incomplete
COUNTY_TABLES = ("monitoring", "satisfaction", "county_items")

#: the processed tables each non-resource indicator reads per school or per item (the resource
#: indicators L1–L7 handle their own, see ``resources.py``)
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "G3": ("classes", "class_bands", "special_rooms"), "G4": ("enrolment",), "G5": ("classes", "class_bands"),
    "G6": ("enrolment", "finance"), "G9": ("teachers",), "G11": ("teachers",), "G12": ("teachers",),
    "G13": ("enrolment", "catchment"), "G14": ("quota",), "Q3": ("ratings",), "Q4": ("finance",),
    "Q5": ("ratings",), "Q6": ("ratings",), "Q7": ("ratings",), "Q8": ("homework",),
    "Q9": ("monitoring",), "S1": ("satisfaction",),
}

_TABLE_NAMES = {"classes": "班级", "class_bands": "班额分段", "teacher_counts": "专任教师数", "special_rooms": "专用教室", "enrolment": "在校生", "finance": "学校经费",
                "teachers": "教职工花名册", "catchment": "划片入学", "quota": "名额分配", "ratings": "学校评级",
                "homework": "课业负担", "monitoring": "质量监测", "satisfaction": "社会认可度调查"}


def incomplete_inputs(tables: Mapping[str, pd.DataFrame], code: str) -> str | None:
    """Why indicator ``code`` cannot be sure of its inputs: the schools (or county tables) whose
    rows it reads were partly quarantined; ``None`` when they are complete."""
    if code not in DEPENDS_ON:
        return None
    q = tables.get("quarantine")
    if q is None or len(q) == 0 or not {"table", "school_code", "incomplete"} <= set(q.columns):
        return None
    deps = DEPENDS_ON[code]
    # the tables of the rows kept aside as incomplete, once per engine run (32 indicators ask)
    kept_aside = once(tables, "incomplete_tables",
                      lambda: [t if bool(i) else None for i, t in zip(q["incomplete"].fillna(False), q["table"])])
    mask = [t is not None and t in deps for t in kept_aside]  # a few rows
    if not any(mask):
        return None
    lost = q[mask]
    names = {}
    schools = tables.get("schools")
    if schools is not None:
        names = dict(zip(schools["school_code"].astype(str), schools["school_name"].astype(str)))
    parts = []
    for tbl, sub in lost.groupby("table", sort=True):
        label = _TABLE_NAMES.get(str(tbl), str(tbl))
        codes = sorted(set(sub["school_code"].dropna().astype(str)))
        who = "、".join(names.get(c, c) for c in codes[:10]) + ("等" if len(codes) > 10 else "")
        parts.append(f"{who + '的' if who else ''}{label}有 {len(sub)} 行记录被隔离")
    return "；".join(parts) + "（见隔离表，更正后重跑）"


@lru_cache(maxsize=1)
def _excel_names() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Where each processed table and column comes from in the county's workbooks."""
    tables = {spec.table: f"{spec.file}·{spec.sheet}" for spec in RAW_SHEETS}
    columns = {(spec.table, c.target): f"{spec.file}·{spec.sheet}·{c.headers[0]}"
               for spec in RAW_SHEETS for c in spec.columns}
    columns[("enrolment", "students")] = "学校基本情况.xlsx·在校生·各年级人数"
    columns[("class_bands", "classes")] = "学校基本情况.xlsx·班额分段·各班额段班数"
    return tables, columns


_REF = re.compile(r"（([a-z_]+)(?:\.([a-z_0-9]+))?）")


def excel_names(text):
    """Name the county's workbooks in a text meant for officials: "（classes.size）" →
    "（学校基本情况.xlsx·班级·班额）", "（teachers）" → "（教职工花名册.xlsx·教职工）". Text that names
    no processed table is returned as it is (NA stays NA)."""
    if not isinstance(text, str):
        return text
    tables, columns = _excel_names()

    def sub(m: re.Match) -> str:
        table, column = m.group(1), m.group(2)
        if column is not None and (table, column) in columns:
            return f"（{columns[(table, column)]}）"
        if column is None and table in tables:
            return f"（{tables[table]}）"
        if column is None and table == "resource_share":
            return "（由各学段在校生数计算）"
        return m.group(0)

    return _REF.sub(sub, text)
