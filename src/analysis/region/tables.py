"""The region's tables (地区汇总表), from each county's verdict, CVs and units.

Every table is computed here once; the region page (``index.html``) and the region workbook
(``region_tables.xlsx``) show the same frames.

**Distance to passing (距达标差距)**, which orders the ranking: a county passes when all 32
indicators pass (``Results.passed``). Its distance is the pair

1. the number of indicators that do not pass (未达标 or 无数据: an indicator without data is not
   passed either), then
2. the number of included assessment units (schools by stage) that fail the per-unit rule
   (每校达标: ≥ 6 of L1–L7 with none below 85%; ``unit_pass`` False).

Counties are sorted by the first number, then the second, then by name (示例县2 before 示例县10); counties with the same
pair share a rank (1, 1, 3 …). A county without results for the period (broken data) is not ranked.

**A county's worst CV** is the one farthest over, or nearest to, its limit: the largest
CV ÷ limit among its 14 CVs (7 indicators × 2 stages; the stages' limits differ: 0.50 and 0.45).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.config.standards import indicator_order, override_codes, override_rows, resource_codes
from analysis.errors import err
from analysis.region.collect import County, natural_key
from analysis.schemas import STAGES

PASS, FAIL = "达标", "未达标"


@dataclass
class RegionTables:
    """The region's tables for ``period`` (the latest period asked for), and the trends."""

    period: str
    periods: list[str]
    statuses: pd.DataFrame  # county × 32 statuses (+ counts)
    cv: pd.DataFrame  # county × stage × the 7 CVs, worst marked
    units: pd.DataFrame  # units passing per county and stage
    ranking: pd.DataFrame  # distance to passing
    by_indicator: pd.DataFrame  # each indicator: counties failing it
    groups: pd.DataFrame  # counties grouped by the same failing indicators
    trends: pd.DataFrame  # each county across the periods
    errors: pd.DataFrame  # counties / periods that could not be used
    overrides: pd.DataFrame  # each county's adjustments of the national standards

    def sheets(self) -> list[tuple[str, str, pd.DataFrame]]:
        """(sheet name, caption, frame) in the page's order."""
        p = self.period
        return [
            ("距达标排名", f"{p}年各县距达标差距排名", self.ranking),
            ("32项指标", f"{p}年各县32项指标评估结果", self.statuses),
            ("差异系数", f"{p}年各县资源配置7项指标校际差异系数（每县最大者标出）", self.cv),
            ("每校达标", f"{p}年各县评估单位每校达标情况", self.units),
            ("各指标未达标县", f"{p}年各指标未达标的县", self.by_indicator),
            ("未达标指标组合", f"{p}年按未达标指标组合分组的县", self.groups),
            ("各期变化", "各县各期达标情况变化", self.trends),
            ("标准调整", "按本县调整后的评估标准评估的县（county.yaml 的 overrides）", self.overrides),
            ("数据问题", "未能计算的县与期次", self.errors),
        ]


def _status_counts(verdict: pd.DataFrame) -> tuple[int, int, int]:
    s = verdict["status"].astype("string")
    n_pass = int(s.eq(PASS).sum())
    n_fail = int(s.eq(FAIL).sum())
    return n_pass, n_fail, len(s) - n_pass - n_fail


def _unit_counts(units: pd.DataFrame | None, stage: str | None = None) -> tuple[int | None, int | None]:
    """(included units passing the per-unit rule, included units) of ``stage`` (None: both)."""
    if units is None:
        return None, None
    inc = units[units["included"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
    if stage is not None:
        inc = inc[inc["stage"].eq(stage)]
    return int(inc["unit_pass"].astype("boolean").fillna(False).sum()), len(inc)


def _cv_rows(name: str, cv: pd.DataFrame, codes: list[str]) -> list[dict]:
    c = cv.assign(ratio=pd.to_numeric(cv["cv_shown"], errors="coerce") / pd.to_numeric(cv["limit"], errors="coerce"))
    worst = c.loc[c["ratio"].idxmax()] if c["ratio"].notna().any() else None
    rows = []
    for stage in STAGES:
        sub = c[c["stage"].eq(stage)].set_index("indicator")
        if sub.empty:
            continue
        row: dict = {"县": name, "学段": stage, "上限": float(sub["limit"].iloc[0])}
        for code in codes:
            v = sub["cv_shown"].get(code)
            row[code] = None if v is None or pd.isna(v) else float(v)
            passed = sub["passed"].get(code)
            marks = "" if passed is None or pd.isna(passed) else ("pass" if bool(passed) else "fail")
            if worst is not None and worst["stage"] == stage and worst["indicator"] == code:
                marks += " worst"
            row[f"{code}_class"] = marks.strip() or None
        is_worst = worst is not None and worst["stage"] == stage
        row["该县最大者"] = f"{stage}{worst['indicator']}" if is_worst else None
        row["差异系数÷上限"] = float(worst["ratio"]) if is_worst else None
        rows.append(row)
    return rows


def region_tables(counties: list[County], period: str, periods: list[str], standards: dict) -> RegionTables:
    """The region's tables for ``period`` from ``counties``; ``periods`` (in order) for the trends."""
    order = indicator_order(standards)
    codes = resource_codes(standards)
    names = {}
    if counties:
        verdicts = [r.verdict for c in counties for r in c.periods.values() if r.ok]
        if verdicts:
            names = dict(zip(verdicts[0]["code"], verdicts[0]["name"]))
    counties = distinct_names(counties)
    ok = [(c, c.periods[period]) for c in counties if period in c.periods and c.periods[period].ok]

    status_rows, cv_rows, unit_rows, rank_rows, failing = [], [], [], [], {}
    for c, r in ok:
        v = r.verdict.set_index("code")["status"].astype("string")
        n_pass, n_fail, n_na = _status_counts(r.verdict)
        status_rows.append({"县": c.name, **{code: v.get(code) for code in order},
                            "达标项数": n_pass, "未达标项数": n_fail, "无数据项数": n_na})
        cv_rows += _cv_rows(c.name, r.cv, codes)
        row = {"县": c.name}
        for stage in STAGES:
            passing, included = _unit_counts(r.units, stage)
            row[f"{stage}达标单位数"], row[f"{stage}参评单位数"] = passing, included
        passing, included = _unit_counts(r.units)
        row["达标单位数"], row["参评单位数"] = passing, included
        row["每校达标比例"] = passing / included if included else None
        unit_rows.append(row)
        fails = [code for code in order if v.get(code) == FAIL]
        nodata = [code for code in order if v.get(code) not in (PASS, FAIL)]
        failing[c.name] = fails
        rank_rows.append({"县": c.name, "未通过指标数": n_fail + n_na, "未达标项数": n_fail, "无数据项数": n_na,
                          "未达每校标准单位数": (included or 0) - (passing or 0),
                          "未达标指标": "、".join(fails) or None, "无数据指标": "、".join(nodata) or None,
                          "标准调整": _adjusted(c, standards)})

    ranking = pd.DataFrame(rank_rows, columns=["县", "未通过指标数", "未达标项数", "无数据项数", "未达每校标准单位数",
                                               "未达标指标", "无数据指标", "标准调整"])
    if not ranking.empty:
        order_key = sorted(range(len(ranking)), key=lambda i: (
            int(ranking.at[i, "未通过指标数"]), int(ranking.at[i, "未达每校标准单位数"]), natural_key(ranking.at[i, "县"])))
        ranking = ranking.iloc[order_key].reset_index(drop=True)
        key = list(zip(ranking["未通过指标数"], ranking["未达每校标准单位数"]))
        ranking.insert(0, "名次", [key.index(k) + 1 for k in key])  # ties share the first place of their pair
        ranking["结论"] = ["达标" if n == 0 else "未达标" for n in ranking["未通过指标数"]]
        ranking["标准调整"] = ranking.pop("标准调整")  # the last column, after 结论

    by_ind = []
    for code in order:
        who = [name for name, fails in failing.items() if code in fails]
        if who:
            by_ind.append({"指标": code, "指标名称": names.get(code), "未达标县数": len(who), "县": "、".join(who)})
    by_indicator = pd.DataFrame(by_ind, columns=["指标", "指标名称", "未达标县数", "县"])
    if not by_indicator.empty:
        by_indicator = by_indicator.sort_values(["未达标县数"], ascending=False, kind="stable").reset_index(drop=True)

    combos: dict[tuple[str, ...], list[str]] = {}
    for name, fails in failing.items():
        combos.setdefault(tuple(fails), []).append(name)
    groups = pd.DataFrame(
        [{"未达标指标": "、".join(k) if k else "（无，全部达标或仅缺数据）", "未达标项数": len(k), "县数": len(v),
          "县": "、".join(v)} for k, v in combos.items()],
        columns=["未达标指标", "未达标项数", "县数", "县"])
    if not groups.empty:
        groups = groups.sort_values(["县数", "未达标项数"], ascending=[False, True], kind="stable").reset_index(drop=True)

    return RegionTables(
        period=period, periods=list(periods),
        statuses=pd.DataFrame(status_rows, columns=["县", *order, "达标项数", "未达标项数", "无数据项数"]),
        cv=pd.DataFrame(cv_rows),
        units=pd.DataFrame(unit_rows),
        ranking=ranking, by_indicator=by_indicator, groups=groups,
        trends=trends_table(counties, periods, order),
        errors=errors_table(counties, period),
        overrides=overrides_table(counties, standards),
    )


def _adjusted(county: County, standards: dict) -> str | None:
    """The indicators whose standard the county adjusted (``L3、G5``), for the ranking; None when
    it is judged by the national standards. An adjustment of no indicator names its path."""
    if not county.overrides:
        return None
    shown: list[str] = []
    for item in county.overrides:
        for text in override_codes(str(item["path"]), standards) or [str(item["path"])]:
            if text not in shown:
                shown.append(text)
    return "本县调整：" + "、".join(shown)


def overrides_table(counties: list[County], standards: dict) -> pd.DataFrame:
    """One row per adjustment of the national standards (county.yaml ``overrides``) of each county:
    such a county's statuses are judged by its own thresholds, not wholly comparable with the others'."""
    rows = [{"县": c.name, **row} for c in counties for row in override_rows(c.overrides, standards)]
    return pd.DataFrame(rows, columns=["县", "调整项", "涉及指标", "国家标准", "调整后", "依据", "所在文件"])


def distinct_names(counties: list[County]) -> list[County]:
    """The counties, two of the same name (county.yaml) told apart by their folder: 某县（folder）."""
    seen: dict[str, int] = {}
    for c in counties:
        seen[c.name] = seen.get(c.name, 0) + 1
    for c in counties:
        if seen[c.name] > 1:
            c.name = f"{c.name}（{c.folder.name}）"
    return counties


def trends_table(counties: list[County], periods: list[str], order: list[str]) -> pd.DataFrame:
    """Each county's indicators passing in each period, the change from the first to the last
    period it has, and the indicators newly passing / newly failing since its previous period."""
    rows = []
    for c in counties:
        row: dict = {"县": c.name}
        have = [p for p in periods if p in c.periods and c.periods[p].ok]
        for p in periods:
            r = c.periods.get(p)
            row[f"{p}达标项数"] = _status_counts(r.verdict)[0] if r is not None and r.ok else None
        for p in periods:
            r = c.periods.get(p)
            row[f"{p}每校达标单位数"] = _unit_counts(r.units)[0] if r is not None and r.ok else None
        if len(have) >= 2:
            first, prev, last = (c.periods[have[0]].verdict, c.periods[have[-2]].verdict, c.periods[have[-1]].verdict)
            row["达标项数变化"] = _status_counts(last)[0] - _status_counts(first)[0]
            before = prev.set_index("code")["status"]
            now = last.set_index("code")["status"]
            row["较上期新达标"] = "、".join(k for k in order if now.get(k) == PASS and before.get(k) != PASS) or None
            row["较上期新未达标"] = "、".join(k for k in order if now.get(k) == FAIL and before.get(k) != FAIL) or None
        else:
            row["达标项数变化"] = None
            row["较上期新达标"] = row["较上期新未达标"] = None
        rows.append(row)
    return pd.DataFrame(rows)


def errors_table(counties: list[County], period: str | None = None) -> pd.DataFrame:
    """One row per problem: the county, its folder, the period ("全部" = the whole county), the
    message; a county without the tables' ``period`` at all (its own folders stop earlier) too."""
    rows = [{"县": c.name, "文件夹": c.folder.name, "期次": p or "全部", "问题": msg}
            for c in counties for p, msg in c.errors]
    rows += [{"县": c.name, "文件夹": c.folder.name, "期次": period,
              "问题": err(f"没有 {period} 期的数据（该县的期次：{'、'.join(c.periods)}），未列入{period}年各表",
                        f"no data for {period} (the county has {', '.join(c.periods)}); left out of the {period} tables")}
             for c in counties if period and not c.error and period not in c.periods]
    return pd.DataFrame(rows, columns=["县", "文件夹", "期次", "问题"])


#: how each region column is shown (formats.number_formats kinds)
def column_kinds(df: pd.DataFrame, codes: list[str]) -> dict[str, str]:
    kinds = {}
    for col in df.columns:
        if col in codes and df[col].dtype.kind == "f":
            kinds[col] = "cv"
        elif col in ("上限", "差异系数÷上限"):
            kinds[col] = "value"
        elif col == "每校达标比例":
            kinds[col] = "pct"
        elif col != "名次" and (col.endswith("数") or col.endswith("数变化")) and df[col].dtype.kind in "if":
            kinds[col] = "int"
        elif col == "名次":
            kinds[col] = "int"
    return kinds
