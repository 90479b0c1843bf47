"""Education quality (教育质量): the 9 indicators Q1–Q9.

Same result type and status rules as ``guarantee.py``. Per-school rules (Q3–Q8) judge every
school that has compulsory-stage pupils in ``enrolment`` (all schools in ``schools`` when the
enrolment table is missing); a school without a row or value is 无数据 for that rule, never a pass.

Q9 judges the national monitoring values (level ≥ Ⅲ and 校际差异率 < 0.15). Where the county has
student-level scores (``monitoring_scores``), the between-school share of score variance
(one-way random-effects ANOVA estimator of the intraclass correlation) is shown beside the
national value for each subject and grade; it is information, not a criterion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .guarantee import (
    FAIL,
    NO_DATA,
    PASS,
    IndicatorResult,
    at_least,
    combine_status,
    combine_status_by,
    county_number,
    fmt_num,
    fmt_pct,
    join_text,
    missing_number_text,
    responsible,
    table,
)

AREA_QUALITY = "教育质量"
LEVEL_NAMES = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}
# grade → stage, as defined by the processed-table contract (schemas.enrolment: 1–6 小学, 7–9 初中)
PRIMARY_GRADES = range(1, 7)


def _ratio_result(code, spec, standard_text, num_items, den_items, formula, tables) -> IndicatorResult:
    """A county rate = Σ(sign × numerator items) ÷ Σ(sign × denominator items) ≥ spec['min_rate']."""
    res = IndicatorResult(code, spec["name"], AREA_QUALITY, standard_text, NO_DATA, responsible=responsible(spec))
    values = {i: county_number(tables, i) for i, _ in num_items + den_items}
    missing = [i for i, v in values.items() if v is None]
    if missing:
        res.failing = missing_number_text(missing)
        res.evidence = formula
        return res
    num = sum(sign * values[i] for i, sign in num_items)
    den = sum(sign * values[i] for i, sign in den_items)
    if den <= 0:
        res.failing = "分母不大于0，无法计算 (denominator ≤ 0)"
        return res
    rate = num / den
    res.value, res.value_text = rate, fmt_pct(rate)
    res.status = PASS if rate >= spec["min_rate"] else FAIL
    if res.status == FAIL:
        res.failing = f"{fmt_pct(rate)} < {fmt_pct(spec['min_rate'], 0)}"
    res.evidence = f"{formula} = {fmt_num(num, 0)} ÷ {fmt_num(den, 0)}"
    if rate > 1:
        res.evidence += "；比率超过100%，请核对分子分母口径 (rate above 100%: check the inputs)"
    return res


def retention_rate(graduates, transfer_in, transfer_out, grade7_3y_ago, deaths) -> float:
    """初中三年巩固率 = (毕业生 − 转入 + 转出) ÷ (三年前初一 − 死亡)."""
    return (graduates - transfer_in + transfer_out) / (grade7_3y_ago - deaths)


def q1(tables, standards) -> IndicatorResult:
    spec = standards["quality"]["Q1"]
    return _ratio_result(
        "Q1", spec, f"初中三年巩固率 ≥ {fmt_pct(spec['min_rate'], 0)}",
        [("retention_graduates", 1), ("retention_transfer_in", -1), ("retention_transfer_out", 1)],
        [("retention_grade7_3y_ago", 1), ("retention_deaths", -1)],
        "（本年初中毕业生 − 三年内转入 + 三年内转出）÷（三年前初一在校生 − 三年内死亡）", tables,
    )


def q2(tables, standards) -> IndicatorResult:
    spec = standards["quality"]["Q2"]
    return _ratio_result(
        "Q2", spec, f"残疾儿童少年入学率 ≥ {fmt_pct(spec['min_rate'], 0)}",
        [("disabled_enrolled_special", 1), ("disabled_enrolled_regular", 1), ("disabled_enrolled_home", 1)],
        [("disabled_school_age", 1)],
        "（特殊教育学校就读 + 随班就读 + 送教上门）÷ 适龄残疾儿童少年数", tables,
    )


# ---------------------------------------------------------------------------------- per school
def judged_schools(tables, standards) -> pd.DataFrame | None:
    """Schools with compulsory-stage pupils (school_code, school_name)."""
    schools = table(tables, "schools")
    if schools is None:
        return None
    enrol = table(tables, "enrolment")
    s = schools[["school_code", "school_name"]]
    if enrol is None:
        return s.reset_index(drop=True)
    codes = enrol.loc[enrol["stage"].isin(standards["stages"]) & (enrol["students"] > 0), "school_code"]
    return s[s["school_code"].isin(codes)].reset_index(drop=True)


def _per_school_result(res: IndicatorResult, frame: pd.DataFrame, fail_text: pd.Series, what: str) -> IndicatorResult:
    """Fill status/value/failing of a per-school rule from a frame with a ``status`` column."""
    n, n_ok = len(frame), int((frame["status"] == PASS).sum())
    if n == 0:
        res.status, res.failing = NO_DATA, "无参评学校 (no schools to judge)"
        return res
    res.status = combine_status(*frame["status"].unique())
    res.value = n_ok / n
    res.value_text = f"{n_ok}/{n} 所学校{what}"
    fails = fail_text[frame["status"] == FAIL].tolist()
    nodata = (frame.loc[frame["status"] == NO_DATA, "school_name"] + " 无数据").tolist()
    res.failing = join_text(fails + nodata, limit=20)
    res.detail = frame[frame["status"] != PASS].reset_index(drop=True)
    return res


def q3(tables, standards) -> IndicatorResult:
    """Every school has a charter and information-based management and teaching."""
    spec = standards["quality"]["Q3"]
    res = IndicatorResult("Q3", spec["name"], AREA_QUALITY, "每所学校：制定章程 且 实现管理与教学信息化",
                          NO_DATA, responsible=responsible(spec))
    schools, ratings = judged_schools(tables, standards), table(tables, "ratings")
    if schools is None or ratings is None:
        res.failing = "缺少数据表 (missing tables): schools / ratings"
        return res
    f = schools.merge(ratings[["school_code", "has_charter", "has_informatization"]], on="school_code", how="left")
    charter = f["has_charter"].astype("boolean")
    info = f["has_informatization"].astype("boolean")
    part_status = pd.DataFrame({
        "charter": np.where(charter.isna(), NO_DATA, np.where(charter.fillna(False), PASS, FAIL)),
        "info": np.where(info.isna(), NO_DATA, np.where(info.fillna(False), PASS, FAIL)),
    })
    long = part_status.stack()
    f["status"] = combine_status_by(long, long.index.get_level_values(0)).reindex(f.index).to_numpy()
    text = (f["school_name"] + np.where(charter.fillna(True), "", " 无章程")
            + np.where(info.fillna(True), "", " 未实现信息化"))
    _per_school_result(res, f, text, "达标")
    res.evidence = "ratings 表（has_charter、has_informatization）"
    return res


def q4(tables, standards) -> IndicatorResult:
    """Each school's training spending ≥ 5% of its public-funds budget; list the short ones."""
    spec = standards["quality"]["Q4"]
    share = spec["min_share"]
    res = IndicatorResult("Q4", spec["name"], AREA_QUALITY,
                          f"每所学校 教师培训经费 ≥ 年度公用经费预算总额 × {fmt_pct(share, 0)}", NO_DATA,
                          responsible=responsible(spec))
    schools, finance = judged_schools(tables, standards), table(tables, "finance")
    if schools is None or finance is None:
        res.failing = "缺少数据表 (missing tables): schools / finance"
        return res
    f = schools.merge(finance[["school_code", "public_funds_budget_yuan", "training_spending_yuan"]],
                      on="school_code", how="left")
    budget = f["public_funds_budget_yuan"].astype(float)
    spend = f["training_spending_yuan"].astype(float)
    f["required_yuan"] = budget * share
    f["share"] = spend / budget.where(budget > 0)
    f["shortfall_yuan"] = (f["required_yuan"] - spend).clip(lower=0)
    f["status"] = np.where(f["share"].isna(), NO_DATA, np.where(at_least(spend, f["required_yuan"]), PASS, FAIL))
    text = (f["school_name"] + " " + f["share"].map(fmt_pct).astype("string") + "，差 "
            + f["shortfall_yuan"].map(fmt_num).astype("string") + " 元")
    _per_school_result(res, f, text, "达标")
    res.evidence = "finance 表（training_spending_yuan ÷ public_funds_budget_yuan）"
    return res


def _rating_rule(code: str, column: str, tables, standards) -> IndicatorResult:
    spec = standards["quality"][code]
    order = standards["quality"]["ratings"]  # best first
    rank = {r: i for i, r in enumerate(order)}
    min_rank = rank[spec["min_rating"]]
    res = IndicatorResult(code, spec["name"], AREA_QUALITY, f"每所学校评级达到“{spec['min_rating']}”及以上",
                          NO_DATA, responsible=responsible(spec))
    schools, ratings = judged_schools(tables, standards), table(tables, "ratings")
    if schools is None or ratings is None:
        res.failing = "缺少数据表 (missing tables): schools / ratings"
        return res
    f = schools.merge(ratings[["school_code", column]], on="school_code", how="left")
    f = f.rename(columns={column: "rating"})
    r = f["rating"].map(rank)
    f["status"] = np.where(r.isna(), NO_DATA, np.where(r <= min_rank, PASS, FAIL))
    text = f["school_name"] + " " + f["rating"].astype("string")
    _per_school_result(res, f, text, f"达到{spec['min_rating']}及以上")
    res.evidence = f"ratings 表 {column}"
    return res


def q5(tables, standards) -> IndicatorResult:
    return _rating_rule("Q5", "ict_rating", tables, standards)


def q6(tables, standards) -> IndicatorResult:
    return _rating_rule("Q6", "moral_rating", tables, standards)


def q7(tables, standards) -> IndicatorResult:
    return _rating_rule("Q7", "curriculum_rating", tables, standards)


def q8(tables, standards) -> IndicatorResult:
    """Homework: grades 1–2 no written homework; primary ≤ 60 min; junior ≤ 90 min a day.

    Judged on each school-grade's average from the survey; rows with no valid responses are
    无数据. Every offending school-grade is listed.
    """
    spec = standards["quality"]["Q8"]
    no_written = spec["no_written_grades"]
    limits = spec["max_minutes"]
    std = (f"{'、'.join(map(str, no_written))}年级无书面作业；" + "、".join(f"{k}≤{v}分钟" for k, v in limits.items())
           + "（日均书面作业）")
    res = IndicatorResult("Q8", spec["name"], AREA_QUALITY, std, NO_DATA, responsible=responsible(spec))
    hw = table(tables, "homework")
    if hw is None:
        res.failing = "缺少数据表 (missing table): homework"
        return res
    schools = table(tables, "schools")
    h = hw.copy()
    if schools is not None:
        h = h.merge(schools[["school_code", "school_name"]], on="school_code", how="left")
    else:
        h["school_name"] = h["school_code"]
    h["stage"] = np.where(h["grade"].isin(list(PRIMARY_GRADES)), "小学", "初中")
    h["limit_minutes"] = np.where(h["grade"].isin(no_written), 0.0, h["stage"].map(limits).astype(float))
    minutes = h["written_minutes"].astype(float)
    h["excess_minutes"] = minutes - h["limit_minutes"]
    valid = (h["respondents"] > 0) & minutes.notna()
    h["status"] = np.where(~valid, NO_DATA, np.where(h["excess_minutes"] > 0, FAIL, PASS))
    if h.empty:
        res.failing = "无课业负担调查数据"
        return res
    res.status = combine_status(*h["status"].unique())
    n_fail = int((h["status"] == FAIL).sum())
    res.value = float(n_fail)
    res.value_text = f"超标 {n_fail} 个年级（共调查 {len(h)} 个学校年级）"
    off = h[h["status"] == FAIL]
    res.failing = join_text(
        (off["school_name"] + " " + off["grade"].astype(str) + "年级 " + off["written_minutes"].map(fmt_num)
         .astype("string") + "分钟（限" + off["limit_minutes"].map(lambda v: fmt_num(v, 0)).astype("string")
         + "）").tolist(), limit=20)
    res.evidence = "homework 表（学校×年级日均书面作业时间）"
    res.detail = h.loc[h["status"] != PASS, ["school_code", "school_name", "grade", "respondents",
                                             "written_minutes", "limit_minutes", "excess_minutes", "status"]]
    res.detail = res.detail.sort_values(["status", "excess_minutes"], ascending=[True, False]).reset_index(drop=True)
    return res


# ---------------------------------------------------------------------------------- Q9
def between_school_variance_share(scores: pd.DataFrame, group: str = "school_code",
                                  value: str = "score") -> dict[str, float]:
    """One-way random-effects ANOVA estimate of the between-school share of variance (ICC(1)).

    With k schools, N students, n_j students in school j:
    MSB = Σ n_j (ȳ_j − ȳ)² / (k − 1),  MSW = Σ Σ (y_ij − ȳ_j)² / (N − k),
    n0 = (N − Σ n_j² / N) / (k − 1),   σ²_b = max((MSB − MSW) / n0, 0),  σ²_w = MSW,
    share = σ²_b / (σ²_b + σ²_w).  Needs k ≥ 2 and N > k; otherwise NaN.
    """
    y = scores[value].astype(float)
    ok = y.notna()
    g = scores.loc[ok, group]
    y = y[ok]
    stats = y.groupby(g).agg(["size", "mean"])
    k, N = len(stats), int(stats["size"].sum())
    nan = {"k": k, "n": N, "msb": np.nan, "msw": np.nan, "n0": np.nan, "var_between": np.nan,
           "var_within": np.nan, "share": np.nan}
    if k < 2 or N <= k:
        return nan
    grand = y.mean()
    msb = float((stats["size"] * (stats["mean"] - grand) ** 2).sum() / (k - 1))
    resid = y - g.map(stats["mean"])
    msw = float((resid ** 2).sum() / (N - k))
    n0 = (N - float((stats["size"] ** 2).sum()) / N) / (k - 1)
    var_b = max((msb - msw) / n0, 0.0)
    total = var_b + msw
    share = var_b / total if total > 0 else np.nan
    return {"k": k, "n": N, "msb": msb, "msw": msw, "n0": n0, "var_between": var_b, "var_within": msw,
            "share": share}


def q9(tables, standards) -> IndicatorResult:
    spec = standards["quality"]["Q9"]
    min_level, max_diff = spec["min_level"], spec["max_diff_rate"]
    std = f"各监测学科学业水平 ≥ {LEVEL_NAMES.get(min_level, min_level)}级，且校际差异率 < {max_diff}"
    res = IndicatorResult("Q9", spec["name"], AREA_QUALITY, std, NO_DATA, responsible=responsible(spec))
    mon = table(tables, "monitoring")
    if mon is None or mon.empty:
        res.failing = "缺少国家义务教育质量监测结果 (monitoring missing)"
        return res
    m = mon[["subject", "grade", "level", "diff_rate"]].copy()
    m["level_ok"] = m["level"] >= min_level
    m["diff_ok"] = m["diff_rate"].astype(float) < max_diff
    m["status"] = np.where(m["level_ok"] & m["diff_ok"], PASS, FAIL)
    scores = table(tables, "monitoring_scores")
    if scores is not None and not scores.empty:
        # one estimate per subject × grade: a groupby over a handful of subjects, not over schools
        est = pd.DataFrame(
            [{"subject": sub, "grade": gr, **between_school_variance_share(part)}
             for (sub, gr), part in scores.groupby(["subject", "grade"])]
        )
        est = est.rename(columns={"share": "county_between_school_share", "k": "county_schools",
                                  "n": "county_students"})
        m = m.merge(est[["subject", "grade", "county_between_school_share", "county_schools", "county_students"]],
                    on=["subject", "grade"], how="outer")
        m["status"] = m["status"].fillna("仅县级数据")
    res.status = combine_status(*m.loc[m["status"].isin([PASS, FAIL]), "status"].unique())
    res.value = float(m["diff_rate"].max())
    res.value_text = (f"最低等级 {LEVEL_NAMES.get(int(m['level'].min()), '')}级；"
                      f"最大校际差异率 {fmt_num(m['diff_rate'].max(), 2)}")
    if "county_between_school_share" in m and m["county_between_school_share"].notna().any():
        res.value_text += f"；县测校间方差占比 最大 {fmt_num(m['county_between_school_share'].max(), 3)}"
    fails = m[m["status"] == FAIL]
    res.failing = join_text(
        (fails["subject"] + fails["grade"].astype("string") + "年级 等级"
         + fails["level"].map(lambda v: LEVEL_NAMES.get(v, str(v))).astype("string") + "级、差异率 "
         + fails["diff_rate"].map(lambda v: fmt_num(v, 2)).astype("string")).tolist())
    res.evidence = "国家义务教育质量监测结果（monitoring 表）；县级成绩（monitoring_scores）仅作参照，不参与判定"
    res.detail = m.reset_index(drop=True)
    return res


QUALITY_FUNCTIONS = [q1, q2, q3, q4, q5, q6, q7, q8, q9]


def evaluate_quality(tables: dict[str, pd.DataFrame], standards: dict) -> dict[str, IndicatorResult]:
    """All 9 quality indicators, keyed Q1–Q9."""
    return {r.code: r for r in (f(tables, standards) for f in QUALITY_FUNCTIONS)}
