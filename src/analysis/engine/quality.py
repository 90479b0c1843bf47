"""Education quality (教育质量): the 9 indicators Q1–Q9.

Same result type and status rules as ``guarantee.py``. Per-school rules (Q3–Q7) judge every
school that has compulsory-stage pupils in ``enrolment`` — a NA count counts as possibly pupils —
(all schools in ``schools`` when the enrolment table is missing); Q8 judges every such school and
grade (not of ``units.excluded_types``) plus every row of the survey. A school (or school and
grade) without a row or value is 无数据 for that rule, never a pass; ``failing`` names the school
and the missing input.

Q9 judges the national monitoring values (level ≥ Ⅲ and 校际差异率 < 0.15). Where the county has
student-level scores (``monitoring_scores``), the between-school share of score variance
(one-way random-effects ANOVA estimator of the intraclass correlation) is shown beside the
national value for each subject and grade; it is information, not a criterion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.engine.guarantee import (
    FAIL,
    NO_DATA,
    PASS,
    IndicatorResult,
    at_least,
    combine_status,
    combine_status_by,
    compulsory_scope,
    county_number,
    fmt_num,
    fmt_pct,
    fmt_vs,
    join_text,
    missing_number_text,
    reasons,
    responsible,
    table,
)
from analysis.engine.shared import once
from analysis.schemas import stage_of_grade

AREA_QUALITY = "教育质量"
LEVEL_NAMES = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}


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
    res.value, res.value_text = rate, fmt_vs(rate, spec["min_rate"], pct=True)
    res.status = PASS if at_least(rate, spec["min_rate"]) else FAIL
    if res.status == FAIL:
        res.failing = f"{res.value_text} < {fmt_pct(spec['min_rate'], 0)}"
    res.evidence = f"{formula} = {fmt_num(num, 0)} ÷ {fmt_num(den, 0)}"
    if rate > 1:
        res.evidence += "；比率超过100%，请核对分子分母口径 (rate above 100%: check the inputs)"
    return res


def retention_rate(graduates, transfer_in, transfer_out, grade7_3y_ago, deaths) -> float:
    """初中三年巩固率 = (毕业生 − 转入 + 转出) ÷ (三年前初一 − 死亡)."""
    return (graduates - transfer_in + transfer_out) / (grade7_3y_ago - deaths)


def q1(tables, standards) -> IndicatorResult:
    spec = standards["quality"]["Q1"]
    res = _ratio_result(
        "Q1", spec, f"初中三年巩固率 ≥ {fmt_pct(spec['min_rate'], 0)}",
        [("retention_graduates", 1), ("retention_transfer_in", -1), ("retention_transfer_out", 1)],
        [("retention_grade7_3y_ago", 1), ("retention_deaths", -1)],
        "（本年初中毕业生 − 三年内转入 + 三年内转出）÷（三年前初一在校生 − 三年内死亡）", tables,
    )
    res.extra = {name: county_number(tables, item) for name, item in (
        ("Q1.毕业班学生数", "retention_graduates"), ("Q1.三年前入学数", "retention_grade7_3y_ago"),
        ("Q1.转入数", "retention_transfer_in"), ("Q1.死亡数", "retention_deaths"),
        ("Q1.转出数", "retention_transfer_out"))}
    res.extra["Q1.巩固率"] = res.value
    return res


def q2(tables, standards) -> IndicatorResult:
    spec = standards["quality"]["Q2"]
    res = _ratio_result(
        "Q2", spec, f"残疾儿童少年入学率 ≥ {fmt_pct(spec['min_rate'], 0)}",
        [("disabled_enrolled_special", 1), ("disabled_enrolled_regular", 1), ("disabled_enrolled_home", 1)],
        [("disabled_school_age", 1)],
        "（特殊教育学校就读 + 随班就读 + 送教上门）÷ 适龄残疾儿童少年数", tables,
    )
    parts = [county_number(tables, i) for i in ("disabled_enrolled_special", "disabled_enrolled_regular",
                                                 "disabled_enrolled_home")]
    enrolled = None if any(p is None for p in parts) else sum(parts)
    special = parts[0]
    res.extra = {"Q2.残疾儿童少年数": county_number(tables, "disabled_school_age"), "Q2.入学数": enrolled,
                 "Q2.入学率": res.value, "Q2.特教学校就读数": special,
                 "Q2.特教学校就读占比": special / enrolled if special is not None and enrolled else None}
    return res


# ---------------------------------------------------------------------------------- per school
def judged_schools(tables, standards) -> pd.DataFrame | None:
    """Schools with compulsory-stage pupils (school_code, school_name); computed once per engine
    run (``engine.shared``)."""
    return once(tables, "judged_schools", lambda: _judged_schools(tables, standards))


def _judged_schools(tables, standards) -> pd.DataFrame | None:
    schools = table(tables, "schools")
    if schools is None:
        return None
    enrol = table(tables, "enrolment")
    s = schools[["school_code", "school_name"]]
    if enrol is None:
        return s.reset_index(drop=True)
    pupils = (enrol["students"].astype("Float64") > 0).fillna(True).to_numpy(dtype=bool)  # NA: maybe pupils
    codes = enrol.loc[enrol["stage"].isin(standards["stages"]).to_numpy() & pupils, "school_code"]
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
    nd = frame[frame["status"] == NO_DATA]
    nodata = (nd["school_name"] + " 无数据：" + nd["missing_input"].fillna("数据缺失")).tolist() \
        if "missing_input" in frame else (nd["school_name"] + " 无数据").tolist()
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
    no_row = ~f["school_code"].isin(ratings["school_code"]).to_numpy()
    f["missing_input"] = reasons(
        [no_row, charter.isna() & info.isna(), charter.isna(), info.isna()],
        ["无学校评级记录（ratings）", "是否制定章程、是否实现信息化均缺失（ratings.has_charter、has_informatization）",
         "是否制定章程缺失（ratings.has_charter）", "是否实现信息化缺失（ratings.has_informatization）"], f.index)
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
    text = (f["school_name"] + " " + f["share"].map(lambda v: fmt_vs(v, share, pct=True)).astype("string") + "，差 "
            + f["shortfall_yuan"].map(fmt_num).astype("string") + " 元")
    no_row = ~f["school_code"].isin(finance["school_code"]).to_numpy()
    f["missing_input"] = reasons(
        [no_row, budget.isna(), spend.isna(), (budget <= 0).to_numpy()],
        ["无经费记录（finance）", "年度公用经费预算缺失（finance.public_funds_budget_yuan）",
         "教师培训经费缺失（finance.training_spending_yuan）", "年度公用经费预算为0，比例无法计算"], f.index)
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
    # float: a school without a rating is NaN (the string column's map gives pd.NA, which np.where refuses)
    r = f["rating"].map(rank).astype("float64")
    f["status"] = np.where(r.isna(), NO_DATA, np.where(r <= min_rank, PASS, FAIL))
    text = f["school_name"] + " " + f["rating"].astype("string")
    no_row = ~f["school_code"].isin(ratings["school_code"]).to_numpy()
    f["missing_input"] = reasons([no_row, r.isna().to_numpy()],
                                 ["无学校评级记录（ratings）", f"评级缺失（ratings.{column}）"], f.index)
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

    Judged on each school-grade's average from the survey. In scope: every row of the survey and
    every school and grade with pupils in ``enrolment`` (not of ``units.excluded_types``). A
    school-grade without a row, with no valid responses (0 or NA) or a NA average is 无数据.
    Every offending school-grade is listed.
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
    h = hw.assign(_row=True)
    scope = compulsory_scope(tables, standards, by="grade")
    if scope is not None:
        have = h[["school_code", "grade"]].assign(_have=True)
        absent = scope.merge(have, on=["school_code", "grade"], how="left")
        absent = absent.loc[absent["_have"].isna(), ["school_code", "grade"]]
        h = pd.concat([h, absent], ignore_index=True)
    schools = table(tables, "schools")
    if schools is not None:
        h = h.merge(schools[["school_code", "school_name"]], on="school_code", how="left")
        h["school_name"] = h["school_name"].fillna(h["school_code"])
    else:
        h["school_name"] = h["school_code"]
    h["grade"] = h["grade"].astype("int64")
    h["respondents"] = h["respondents"].astype("Int64")
    h["stage"] = stage_of_grade(h["grade"]).astype(object)
    h["limit_minutes"] = np.where(h["grade"].isin(no_written), 0.0, h["stage"].map(limits).astype(float))
    minutes = h["written_minutes"].astype("Float64").astype(float)
    h["written_minutes"] = minutes
    h["excess_minutes"] = minutes - h["limit_minutes"]
    resp = h["respondents"]
    h["missing_input"] = reasons(
        [h["_row"].isna().to_numpy(), resp.isna().to_numpy(), (resp == 0).fillna(False).to_numpy(dtype=bool),
         np.isnan(minutes)],
        ["无课业负担调查记录（homework）", "有效问卷数缺失（homework.respondents）",
         "无有效问卷（homework.respondents = 0）", "日均书面作业时间缺失（homework.written_minutes）"], h.index)
    h["status"] = np.where(h["missing_input"].notna(), NO_DATA, np.where(h["excess_minutes"] > 0, FAIL, PASS))
    if h.empty:
        res.failing = "无课业负担调查数据"
        return res
    res.status = combine_status(*h["status"].unique())
    n_fail, n_na = int((h["status"] == FAIL).sum()), int((h["status"] == NO_DATA).sum())
    res.value = float(n_fail)
    res.value_text = f"超标 {n_fail} 个年级（共 {len(h)} 个学校年级" + (f"，无数据 {n_na} 个）" if n_na else "）")
    off = h[h["status"] == FAIL]
    nd = h[h["status"] == NO_DATA].sort_values(["school_code", "grade"])
    nd_text = nd.groupby(["school_name", "missing_input"], sort=False)["grade"].agg(
        lambda g: "、".join(str(x) for x in g))
    res.failing = join_text(
        [f"{n} {g}年级 {fmt_vs(m, lim)}分钟（限{fmt_num(lim, 0)}）"
         for n, g, m, lim in zip(off["school_name"], off["grade"], off["written_minutes"], off["limit_minutes"])]
        + [f"{n} {g}年级 无数据：{why}" for (n, why), g in nd_text.items()], limit=20)
    res.evidence = "homework 表（学校×年级日均书面作业时间）；enrolment 表中有在校生的年级须有调查记录"
    detail = h.loc[h["status"] != PASS, ["school_code", "school_name", "grade", "respondents",
                                         "written_minutes", "limit_minutes", "excess_minutes", "status",
                                         "missing_input"]]
    res.detail = detail.sort_values(["status", "excess_minutes", "school_code", "grade"],
                                    ascending=[True, False, True, True]).reset_index(drop=True)
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
    """National monitoring: each subject and grade at level ≥ ``min_level`` and 校际差异率 <
    ``max_diff_rate``. A row with a NA level or rate is 无数据 unless its other figure fails.
    The rate is shown with ``diff_rate_decimals`` decimals, and more where it would otherwise
    print the same as the limit (0.1499 → "0.1499", never "0.150")."""
    spec = standards["quality"]["Q9"]
    min_level, max_diff = spec["min_level"], spec["max_diff_rate"]
    dec = spec["diff_rate_decimals"]
    std = f"各监测学科学业水平 ≥ {LEVEL_NAMES.get(min_level, min_level)}级，且校际差异率 < {max_diff}"
    res = IndicatorResult("Q9", spec["name"], AREA_QUALITY, std, NO_DATA, responsible=responsible(spec))
    mon = table(tables, "monitoring")
    if mon is None or mon.empty:
        res.failing = "缺少国家义务教育质量监测结果 (monitoring missing)"
        return res
    m = mon[["subject", "grade", "level", "diff_rate"]].copy()
    m["level"] = m["level"].astype("Int64")
    m["diff_rate"] = m["diff_rate"].astype("Float64")
    m["level_ok"] = (m["level"] >= min_level).astype("boolean")
    m["diff_ok"] = (m["diff_rate"] < max_diff).astype("boolean")
    failed = (m["level_ok"] == False) | (m["diff_ok"] == False)  # noqa: E712  (NA stays NA)
    m["status"] = np.where(failed.fillna(False).to_numpy(dtype=bool), FAIL,
                           np.where((m["level_ok"].isna() | m["diff_ok"].isna()).to_numpy(), NO_DATA, PASS))
    m["missing_input"] = reasons(
        [(m["level"].isna() & m["diff_rate"].isna()).to_numpy(), m["level"].isna().to_numpy(),
         m["diff_rate"].isna().to_numpy()],
        ["学业水平等级、校际差异率均缺失（monitoring.level、diff_rate）", "学业水平等级缺失（monitoring.level）",
         "校际差异率缺失（monitoring.diff_rate）"], m.index)
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
    judged = m[m["status"].isin([PASS, FAIL, NO_DATA])]
    res.status = combine_status(*judged["status"].unique())
    res.value = float(judged["diff_rate"].max()) if judged["diff_rate"].notna().any() else None
    low = judged["level"].min()
    res.value_text = (f"最低等级 {LEVEL_NAMES.get(int(low), str(low)) + '级' if pd.notna(low) else '—'}；"
                      f"最大校际差异率 {fmt_vs(res.value, max_diff, dec) or '—'}")
    if "county_between_school_share" in m and m["county_between_school_share"].notna().any():
        res.value_text += f"；县测校间方差占比 最大 {fmt_num(m['county_between_school_share'].max(), 3)}"
    fails = m[m["status"] == FAIL]
    nd = m[m["status"] == NO_DATA]
    res.failing = join_text(
        [f"{sub}{int(gr)}年级 等级{LEVEL_NAMES.get(lv, str(lv)) if pd.notna(lv) else '不详'}级、差异率 "
         f"{fmt_vs(dr, max_diff, dec) or '不详'}" for sub, gr, lv, dr in zip(
            fails["subject"], fails["grade"], fails["level"], fails["diff_rate"])]
        + (nd["subject"] + nd["grade"].astype("string") + "年级 无数据：" + nd["missing_input"]).tolist())
    res.evidence = "国家义务教育质量监测结果（monitoring 表）；县级成绩（monitoring_scores）仅作参照，不参与判定"
    res.detail = m.reset_index(drop=True)
    return res


QUALITY_FUNCTIONS = [q1, q2, q3, q4, q5, q6, q7, q8, q9]


def evaluate_quality(tables: dict[str, pd.DataFrame], standards: dict) -> dict[str, IndicatorResult]:
    """All 9 quality indicators, keyed Q1–Q9."""
    return {r.code: r for r in (f(tables, standards) for f in QUALITY_FUNCTIONS)}
