"""One page per school (各校页面): ``reports/<period>/schools/<code>.html`` and ``schools/index.html``.

Each page shows, for one school, from the period's persisted results:

- its assessment units' seven resource indicators against the standard for every period up to
  this one (``history_units`` of the compare step), as a small chart and a table;
- each unit's per-unit verdict (每校达标) and the indicators that decide it, in words generated
  from the standards file (how many of the seven must be met, the 85% floor);
- its rows in the detail tables of the government-guarantee and quality indicators that are not
  met (rooms, classes, teachers, entrants …);
- its rectification tasks (owners and deadlines) and the actions of the minimum-cost plan;
- its data-quality problems and quarantined rows.

The pages are built like ``reports/index.html``: the shared page layout, autoescaped Jinja2
(``templates/pages/school.html.j2``), offline, with the demo banner; one embedded font subset
serves the whole set. :func:`school_links` gives the report notebooks the address of each page,
so that every table naming a school links to it.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Mapping
from urllib.parse import quote

import numpy as np
import pandas as pd
from jinja2 import Template
from markupsafe import Markup

from analysis.config.standards import resource_codes
from analysis.reporting.formats import (
    DETAIL_HEADERS,
    MISSING,
    PROJECTION_HEADERS,
    PROJECTION_KINDS,
    detail_kinds,
    fmt_int,
    fmt_pct,
)
from analysis.reporting.html import html_table, table_from_records
from analysis.reporting.pages import environment
from analysis.schemas import STAGES

SCHOOLS_DIR = "schools"
#: the one stylesheet of the school pages and the comparison page (font subset + report.css), in SCHOOLS_DIR
PAGES_STYLESHEET = "report-pages.css"
INDEX_PAGE = "index.html"
#: the period comparison page, a sibling of the schools folder
COMPARISON_PAGE = "comparison.html"
_SAFE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
QUALITY_COLUMNS = ["severity", "file", "sheet", "row", "column", "value", "problem", "action"]
QUARANTINE_COLUMNS = ["file", "sheet", "row", "reason"]
TASK_COLUMNS = ["stage", "indicator_name", "when", "value", "standard", "what", "shortfall", "natural_unit",
                "cost_yuan", "responsible", "deadline"]
PLAN_COLUMNS = ["year", "stage", "action", "detail", "quantity", "natural_unit", "indicator", "cost_yuan",
                "responsible"]
MIN_COST = "最低成本方案"


def page_name(code: Any) -> str:
    """The file name of a school's page: its code when that is a safe file name (digits, letters,
    ``-``, ``_``), else ``school-`` and a digest of the code (a code with ``/`` or spaces)."""
    code = str(code)
    if _SAFE.match(code) and code.lower() != "index":
        return f"{code}.html"
    return f"school-{hashlib.sha256(code.encode('utf-8')).hexdigest()[:12]}.html"


def school_links(r: Any, prefix: str = f"{SCHOOLS_DIR}/", present: set[str] | None = None) -> dict[str, str]:
    """School code → address of its page relative to the period's report folder, for every school
    of the period whose page exists (``r.ctx.out_dir/schools``; {} before the pages are written),
    or, with ``present``, whose page file name is in it (the pages being written with the link)."""
    if present is None:
        folder = Path(r.ctx.out_dir) / SCHOOLS_DIR
        present = {p.name for p in folder.glob("*.html")} if folder.is_dir() else set()
    codes = r.tables["schools"]["school_code"].astype(str)
    return {c: prefix + quote(page_name(c)) for c in codes if page_name(c) in present}


# ---------------------------------------------------------------- verdict in words
def unit_verdict_text(unit: Mapping[str, Any] | pd.Series, standards: dict) -> str:
    """Why a unit passes or fails the per-unit rule, naming the indicators that decide it
    (``unit``: a row of the units table, as a Series or a record)."""
    res = standards["resources"]
    codes = resource_codes(standards)
    n, need, floor = len(codes), int(res["min_met"]), float(res["floor_ratio"])
    if not bool(pd.notna(unit["included"]) and unit["included"]):
        return f"不纳入资源配置评估：{unit.get('exclusion_reason') or '—'}。"

    def name(code: str) -> str:
        ratio = unit.get(f"{code}_ratio")
        pct = f"，为标准的 {fmt_pct(ratio)}" if pd.notna(ratio) else ""
        return f"{code} {res['indicators'][code]['name']}{pct}"

    met = {c: unit.get(f"{c}_met") for c in codes}
    below = [c for c in codes if met[c] is not None and pd.notna(met[c]) and not bool(met[c])]
    unknown = [c for c in codes if met[c] is None or pd.isna(met[c])]
    under_floor = [c for c in below if pd.notna(unit.get(f"{c}_ratio")) and float(unit[f"{c}_ratio"]) < floor - 1e-9]
    rule = f"（规则：{n} 项中至少 {need} 项达到标准、其余每项不低于标准的 {floor:.0%}）"
    if pd.isna(unit["unit_pass"]):
        missing = unit.get("missing_inputs")
        return (f"无法判定：{'、'.join(unknown) or '部分指标'} 缺少数据"
                f"{'（' + str(missing) + '）' if pd.notna(missing) and str(missing) else ''}{rule}。")
    if bool(unit["unit_pass"]):
        if not below:
            return f"每校达标：{n} 项全部达到标准。"
        return (f"每校达标：{len(below)} 项未达到标准（{'；'.join(name(c) for c in below)}），"
                f"未超过允许的 {n - need} 项，且不低于标准的 {floor:.0%}{rule}。")
    reasons = []
    if len(below) > n - need:
        reasons.append(f"{len(below)} 项未达到标准，多于允许的 {n - need} 项（{'；'.join(name(c) for c in below)}）")
    if under_floor:
        reasons.append(f"{'、'.join(under_floor)} 低于标准的 {floor:.0%}（{'；'.join(name(c) for c in under_floor)}）")
    return f"未达到每校标准：{'；'.join(reasons) or '见下表'}{rule}。"


# ---------------------------------------------------------------- the small chart
#: the bars' colours: light (earliest period) to dark (this period)
_LIGHT, _DARK = (0xC6, 0xDB, 0xEF), (0x08, 0x45, 0x94)
#: value ÷ standard drawn at most up to this (a taller bar is cut and marked ▲)
CHART_CAP = 2.0


#: a shape of the chart: the template reads its fields as attributes (a dict's keys would cost
#: Jinja a failed getattr each: a third of the chart's rendering)
_Shape = SimpleNamespace


@lru_cache(maxsize=1)
def _chart_template() -> Template:
    return environment().get_template("pages/unit_chart.svg.j2")


def _colour(i: int, n: int) -> str:
    t = i / (n - 1) if n > 1 else 1.0
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(_LIGHT, _DARK))


def unit_chart(hist: pd.DataFrame, standards: dict, label: str) -> str:
    """A unit's seven indicators as value ÷ standard, one bar per period (1 = the standard, the
    dashed line the per-unit floor); escaped inline SVG (``templates/pages/unit_chart.svg.j2``).

    Drawn from a template rather than by matplotlib: a bar chart of at most 7 × (periods) bars
    rendered once per unit of every school, where matplotlib took ~0.1 s each. Its text is drawn
    by the page's embedded font (report.css), like the other figures. A bar above
    ``CHART_CAP`` is cut there and marked ▲; a missing value draws no bar and says 无.
    """
    return _unit_chart([str(p) for p in hist["period"]], hist.to_dict("records"), standards, label)


def _unit_chart(periods: list[str], records: list[dict[str, Any]], standards: dict, label: str) -> Markup:
    """:func:`unit_chart` of a unit's history rows as records (``periods`` their period names)."""
    codes = resource_codes(standards)
    floor = float(standards["resources"]["floor_ratio"])
    n = max(len(periods), 1)
    width, height, left, right, top, bottom = 640, 200, 40, 70, 26, 24
    pw, ph = width - left - right, height - top - bottom
    ymax = CHART_CAP * 1.1

    def y(v: float) -> float:
        return round(top + (1 - v / ymax) * ph, 1)

    gw = pw / len(codes)
    bw = 0.8 * gw / n
    colours = [_colour(i, n) for i in range(n)]
    bars, marks = [], []
    for i, row in enumerate(records):
        for k, code in enumerate(codes):
            ratio = row[f"{code}_ratio"]
            x = round(left + k * gw + 0.1 * gw + i * bw, 1)
            if ratio is None or pd.isna(ratio):
                marks.append(_Shape(x=round(x + bw / 2, 1), y=y(0) - 3, text="无"))
                continue
            shown = min(float(ratio), CHART_CAP)
            bars.append(_Shape(x=x, y=y(shown), w=round(bw * 0.9, 1), h=round(y(0) - y(shown), 1),
                               fill=colours[i], title=f"{periods[i]} 年 {code}：为标准的 {fmt_pct(ratio)}"))
            if float(ratio) > CHART_CAP:
                marks.append(_Shape(x=round(x + bw * 0.45, 1), y=y(shown) - 2, text="▲"))
    ticks = [0.0, floor, 1.0, CHART_CAP]
    return Markup(_chart_template().render(
        width=width, height=height, label=label, bars=bars, marks=marks,
        axis=_Shape(x=left, x2=left + pw, y1=top, y2=y(0)),
        lines=[_Shape(y=y(1.0), x1=left, x2=left + pw, stroke="#333333", dash=False, label="标准",
                      dy=-2),   # the label above its line, the floor's below its own: they are close
               _Shape(y=y(floor), x1=left, x2=left + pw, stroke="#B00020", dash=True,
                      label=f"标准的{floor:.0%}", dy=9)],
        yticks=[_Shape(x=left - 4, y=y(t), text=f"{t:g}") for t in ticks],
        xticks=[_Shape(x=round(left + (k + 0.5) * gw, 1), y=height - 8, text=code) for k, code in enumerate(codes)],
        legend=[_Shape(x=left + pw + 8, y=top + 14 * i, fill=colours[i], text=f"{p} 年")
                for i, p in enumerate(periods)],
        caption=f"{label}：各项指标实际值与标准之比（1 = 标准；虚线为标准的 {floor:.0%}；超过 {CHART_CAP:g} 倍的截断并标 ▲）"))


def _history_table(periods: list[str], records: list[dict[str, Any]], stage: str, standards: dict) -> str:
    """Indicators × periods: the value (red when below the standard), the standard and its unit;
    ``records`` the unit's history rows in period order (``periods`` their names)."""
    spec = standards["resources"]["indicators"]
    rows = []
    for code in resource_codes(standards):
        row = {"indicator": f"{code} {spec[code]['name']}", "unit": spec[code]["unit"],
               "standard": float(spec[code]["standard"][stage])}
        for p, h in zip(periods, records):
            row[p] = h[code]
            row[f"{p}_met"] = h[f"{code}_met"]
        rows.append(row)
    return table_from_records(
        rows, ["indicator", "unit", "standard", *periods],
        headers={"indicator": "指标", "unit": "单位", "standard": "标准", **{p: f"{p} 年" for p in periods}},
        kinds={"standard": "value", **{p: "value" for p in periods}},
        status_of={p: f"{p}_met" for p in periods}, css_class="report-table school-history")


# ---------------------------------------------------------------- one school
def _history_records(history_units: pd.DataFrame, standards: dict) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(school code, stage) → that unit's rows of ``history_units`` (period, Lk, Lk_ratio, Lk_met)
    as records, in period order: the table converted once, split in Python."""
    codes = resource_codes(standards)
    cols = ["period", *codes, *(f"{c}_ratio" for c in codes), *(f"{c}_met" for c in codes)]
    h = history_units.assign(period=history_units["period"].astype(str))
    keys = zip(history_units["school_code"].astype(str).tolist(), history_units["stage"].astype(str).tolist())
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for key, rec in zip(keys, h[cols].to_dict("records")):
        out.setdefault(key, []).append(rec)
    for rows in out.values():
        rows.sort(key=lambda rec: rec["period"])  # stable: a unit has one row per period
    return out


_STAGE_ORDER = {s: i for i, s in enumerate(STAGES)}


def _unit_blocks(code: str, std: dict, history: dict[tuple[str, str], list[dict[str, Any]]],
                 units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    blocks = []
    for u in sorted(units, key=lambda u: _STAGE_ORDER.get(u["stage"], len(_STAGE_ORDER))):
        stage = str(u["stage"])
        hist = history[(code, stage)]
        periods = [str(h["period"]) for h in hist]
        figure = _unit_chart(periods, hist, std, f"{u['school_name']}（{stage}）")
        included = bool(pd.notna(u["included"]) and u["included"])
        state = ("pass" if bool(u["unit_pass"]) else "fail") if included and pd.notna(u["unit_pass"]) else "nodata"
        blocks.append({
            "stage": stage, "students": fmt_int(u["students"]), "state": state,
            "verdict": unit_verdict_text(u, std), "figure": figure,
            "table": Markup(_history_table(periods, hist, stage, std)),
        })
    return blocks


def _split_records(df: pd.DataFrame | None, columns: list[str] | None = None,
                   missing: str | None = "") -> dict[str | None, list[dict[str, Any]]] | None:
    """School code (a missing one → ``missing``) → its rows of ``df[columns]`` as records, in the
    table's order; None when there is no such table or it has no school code. One conversion for
    all schools."""
    if df is None or "school_code" not in df.columns:
        return None
    code = df["school_code"].astype("string")
    keys = (code.fillna(missing) if missing is not None else code.astype(object).where(code.notna(), None)).tolist()
    out: dict[str, list[dict[str, Any]]] = {}
    for key, rec in zip(keys, df[list(df.columns) if columns is None else columns].to_dict("records")):
        out.setdefault(key, []).append(rec)
    return out


def school_failures(r: Any) -> dict[str, list[dict[str, Any]]]:
    """School code → its rows in the detail tables of the non-resource indicators not met (rows
    judged 达标 left out), as [{title, status, table}] in the indicators' order."""
    out: dict[str, list[dict[str, Any]]] = {}
    v = r.verdict
    for row in v[v["area"].ne("资源配置") & v["status"].ne("达标")].itertuples():
        d = r.details.get(row.code)
        if d is None or d.empty or "school_code" not in d.columns:
            continue
        if "status" in d.columns:
            d = d[d["status"].astype("string").fillna("无数据") != "达标"]
        shown = d.drop(columns=[c for c in ("school_code", "school_name") if c in d.columns])
        kinds, cols = detail_kinds(shown), list(shown.columns)
        split = _split_records(d, cols, missing=None)
        split.pop(None, None)  # a row without a school code belongs to no page
        for code, mine in split.items():
            out.setdefault(code, []).append({
                "title": f"{row.no}. {row.name}", "status": row.status,
                "table": Markup(table_from_records(mine, cols, headers=DETAIL_HEADERS, kinds=kinds,
                                                   css_class="report-table detail-table", max_rows=60))})
    return out


def _optional(r: Any, name: str) -> pd.DataFrame | None:
    try:
        return getattr(r, name)
    except (AttributeError, FileNotFoundError):
        return None


class _BySchool:
    """The period's tables split by school code once, as records (a page per school then reads
    its own rows: linear in the schools, where filtering every table for every school grew with
    their square, and without pandas per page)."""

    def __init__(self, r: Any) -> None:
        plan = _optional(r, "plan")
        if plan is not None and len(plan):
            plan = plan[plan["plan"] == MIN_COST]
        tasks = _optional(r, "tasks")
        #: name → (code → records), None when the table is missing or has no school code
        self.tables = {
            "schools": _split_records(r.tables["schools"]),
            "units": _split_records(r.units),
            "tasks": _split_records(tasks, TASK_COLUMNS if tasks is not None and len(tasks.columns) else None),
            "plan": _split_records(plan, PLAN_COLUMNS if plan is not None and len(plan) else None),
            "data_quality": _split_records(r.data_quality, QUALITY_COLUMNS),
            "quarantine": _split_records(r.quarantine, QUARANTINE_COLUMNS),
            "changes": _split_records(_optional(r, "comparison_units"), ["stage", "change"]),
        }

    def rows(self, name: str, code: str) -> list[dict[str, Any]] | None:
        """The school's rows of table ``name`` as records ([] when none; None: no such table)."""
        split = self.tables[name]
        if split is None:
            return None
        return split.get(code, [])


def school_page(code: str, r: Any, history: dict[tuple[str, str], list[dict[str, Any]]], periods: list[str],
                by_school: _BySchool, failures: list[dict[str, Any]]) -> dict[str, Any]:
    """What a school's page shows (the template's context)."""
    s = by_school.rows("schools", code)[0]
    facts = [("学校标识码", code), ("办学类型", s.get("school_type")), ("城乡分类", s.get("urban_rural")),
             ("所在乡镇", s.get("town")),
             ("公办", MISSING if pd.isna(s.get("is_public")) else ("是" if bool(s.get("is_public")) else "否"))]
    tasks = by_school.rows("tasks", code)
    plan = by_school.rows("plan", code) or []
    dq = by_school.rows("data_quality", code)
    qa = by_school.rows("quarantine", code)
    mine = by_school.rows("changes", code) or []
    return {
        "title": f"{s['school_name']}（{r.ctx.period} 年度）",
        "school_name": str(s["school_name"]), "period": r.ctx.period, "county": r.ctx.county,
        "facts": [(k, MISSING if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)) for k, v in facts],
        "units": _unit_blocks(code, r.ctx.standards, history, by_school.rows("units", code)),
        "periods": periods,
        "changes": [f"{row['stage']}：{row['change']}" for row in mine],
        "failures": failures,
        "tasks": Markup(table_from_records(tasks, TASK_COLUMNS, headers=PROJECTION_HEADERS,
                                           kinds=PROJECTION_KINDS, empty_text="本校没有整改任务。",
                                           caption="整改任务（责任单位与完成时限）"))
        if tasks is not None else None,
        "plan": Markup(table_from_records(plan, PLAN_COLUMNS, headers=PROJECTION_HEADERS, kinds=PROJECTION_KINDS,
                                          caption="最低成本方案中本校的措施")) if plan else None,
        "quality": Markup(table_from_records(dq, QUALITY_COLUMNS, table="data_quality",
                                             empty_text="未发现本校的数据质量问题。", caption="数据质量问题")),
        "quarantine": Markup(table_from_records(qa, QUARANTINE_COLUMNS, table="quarantine",
                                                caption="被隔离的原始记录")) if qa else None,
        "index_href": INDEX_PAGE, "comparison_href": f"../{COMPARISON_PAGE}",
    }


def _index_rows(r: Any, names: dict[str, str]) -> pd.DataFrame:
    """One row per school for schools/index.html: type, units passing, tasks, problems, its page."""
    schools = r.tables["schools"].assign(school_code=lambda d: d["school_code"].astype(str))
    units = r.units.assign(school_code=r.units["school_code"].astype(str))
    inc = units[units["included"].fillna(False).astype(bool)]
    state = inc.assign(text=inc["stage"].astype(str) + np.where(
        inc["unit_pass"].isna(), "无法判定", np.where(inc["unit_pass"].fillna(False).astype(bool), "达标", "未达标")))
    verdict = state.groupby("school_code")["text"].agg("、".join)
    tasks = _optional(r, "tasks")
    n_tasks = tasks.assign(c=tasks["school_code"].astype("string")).groupby("c").size() if tasks is not None \
        else pd.Series(dtype=int)
    n_dq = r.data_quality.assign(c=r.data_quality["school_code"].astype("string")).groupby("c").size()
    out = schools[["school_code", "school_name", "school_type", "town"]].copy()
    has_units = out["school_code"].isin(set(units["school_code"]))
    out["unit_verdict"] = out["school_code"].map(verdict).astype("string")
    out.loc[out["unit_verdict"].isna() & has_units, "unit_verdict"] = "不纳入资源配置评估"
    out.loc[out["unit_verdict"].isna(), "unit_verdict"] = "无评估单位（无在校生记录）"
    out["tasks"] = out["school_code"].map(n_tasks).fillna(0).astype(int)
    out["quality"] = out["school_code"].map(n_dq).fillna(0).astype(int)
    return out


def school_page_items(r: Any, folder: str | Path) -> list[tuple[Path, str, dict[str, Any]]]:
    """The pages of ``folder`` (``reports/<period>/schools``): one per school of the period and
    ``index.html`` listing them, as ``(path, template, context)`` for ``pages.write_pages``."""
    folder = Path(folder)
    history = _history_records(r.history_units, r.ctx.standards)
    periods = sorted(set(r.history_units["period"].astype(str)))
    by_school = _BySchool(r)
    codes = list(dict.fromkeys(r.tables["schools"]["school_code"].astype(str)))
    names = {code: page_name(code) for code in codes}
    failures = school_failures(r)
    items = [(folder / names[code], "pages/school.html.j2",
              school_page(code, r, history, periods, by_school, failures.get(code, []))) for code in codes]
    rows = _index_rows(r, names)
    index = {"title": f"{r.ctx.county}各校页面（{r.ctx.period} 年度）",
             "table": Markup(html_table(rows, columns=["school_code", "school_name", "school_type", "town", "unit_verdict",
                                                       "tasks", "quality"],
                                        headers={"school_code": "学校标识码", "school_name": "学校名称",
                                                 "school_type": "办学类型", "town": "乡镇", "unit_verdict": "每校达标",
                                                 "tasks": "整改任务数", "quality": "数据质量问题数"},
                                        kinds={"tasks": "int", "quality": "int"},
                                        links={c: quote(n) for c, n in names.items()}, caption="各校一览")),
             "comparison_href": f"../{COMPARISON_PAGE}", "period": r.ctx.period}
    return [*items, (folder / INDEX_PAGE, "pages/schools_index.html.j2", index)]


def remove_other_pages(folder: str | Path, keep: list[Path]) -> list[Path]:
    """Remove the pages of ``folder`` (and a stylesheet) not in ``keep`` (schools the period no
    longer has)."""
    names = {Path(p).name for p in keep}
    gone = [p for pattern in ("*.html", "*.css") for p in Path(folder).glob(pattern) if p.name not in names]
    for p in gone:
        p.unlink()
    return gone


__all__ = ["PAGES_STYLESHEET", "SCHOOLS_DIR", "page_name", "school_links", "unit_verdict_text", "unit_chart",
           "school_page_items", "remove_other_pages"]
