"""The county verdict (32项指标评估结果) and the ``evaluate`` entry point.

``evaluate(tables, standards=None) -> Results`` runs the whole engine: assessment units and the
seven resource indicators (``resources.evaluate_resources``), the student-weighted CVs
(``cv.cv_table``), G1–G15, Q1–Q9 and S1, and assembles the 32-row ``verdict`` table
(schemas.py) in the plan's order: L1–L7 = 1–7, G1–G15 = 8–22, Q1–Q9 = 23–31, S1 = 32.

Reading of a resource indicator Lk (our decision, documented in docs/results.md): Lk passes
when its CV is within the limit in **both** stages **and** no included unit fails the per-unit
rule (每校达标) while being below the standard on Lk. Its ``failing`` text lists the CVs over the
limit and every included unit below the Lk standard (marked when that unit fails the per-unit
rule). A missing CV or a missing Lk value of an included unit, with no definite failure,
makes Lk 无数据; the ``failing`` text then names each such unit and its missing inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from analysis.config.standards import (
    indicator_order,
    load_standards,
    override_note,
    overrides_by_code,
    resource_codes,
)
from analysis.engine.cv import cv_table
from analysis.engine.figures import county_basics, figures_table, unit_profile
from analysis.engine.guarantee import (
    FAIL,
    NO_DATA,
    PASS,
    IndicatorResult,
    evaluate_guarantee,
    fmt_num,
    fmt_vs,
    join_text,
    responsible,
)
from analysis.engine.inputs import excel_names, incomplete_inputs
from analysis.engine.guarantee import GUARANTEE_FUNCTIONS
from analysis.engine.quality import QUALITY_FUNCTIONS, evaluate_quality
from analysis.engine.recognition import evaluate_recognition, s1
from analysis.engine.resources import evaluate_resources
from analysis.engine.shared import RunTables, run_tables
from analysis.files import write_frame
from analysis.schemas import STAGES, validate

AREA_RESOURCES = "资源配置"
#: the functions of the 25 indicators that are not resource indicators (G1–G15, Q1–Q9, S1), each
#: ``f(tables, standards) -> IndicatorResult``: what ``build_results`` runs when not given them
#: (``analysis.whatif`` reruns only those whose input tables changed)
INDICATOR_FUNCTIONS = (*GUARANTEE_FUNCTIONS, *QUALITY_FUNCTIONS, s1)
#: the 32 indicators in the plan's order (L1–L7 = 1–7, G1–G15 = 8–22, Q1–Q9 = 23–31, S1 = 32)
ORDER = indicator_order()


# ---------------------------------------------------------------------------------- L1–L7
def resource_result(code: str, units: pd.DataFrame, cv: pd.DataFrame, standards: dict) -> IndicatorResult:
    """One resource indicator's county verdict from the ``units`` and ``cv`` result tables."""
    return _resource_result(code, _included(units), _with_stage_order(cv), standards)


def _with_stage_order(cv: pd.DataFrame) -> pd.DataFrame:
    """``cv`` with ``_o``, the position of each row's stage in the plan's order (NaN if none)."""
    return cv.assign(_o=cv["stage"].map({s: i for i, s in enumerate(STAGES)}))


def _included(units: pd.DataFrame) -> pd.DataFrame:
    """The included units (rows of ``units``, index kept)."""
    return units[units["included"].fillna(False).astype(bool)]


#: the columns of a resource indicator's detail table (those of them the units table has)
_DETAIL_COLUMNS = ["school_code", "school_name", "stage", "students", "{code}", "standard", "{code}_ratio",
                   "{code}_met", "unit_pass", "causes_unit_fail", "missing_inputs"]


def _resource_result(code: str, included: pd.DataFrame, cv: pd.DataFrame, standards: dict) -> IndicatorResult:
    """:func:`resource_result` from the included units and ``cv`` with its stage order
    (:func:`_with_stage_order`), both shared by the seven indicators."""
    res_std = standards["resources"]
    spec = res_std["indicators"][code]
    unit = spec["unit"]
    per = "每百名学生" if spec.get("per_hundred") else "生均"
    std_text = (f"每校（{per}）" + "、".join(f"{st}≥{v}{unit}" for st, v in spec["standard"].items())
                + "；差异系数 " + "、".join(f"{st}≤{v:.2f}" for st, v in res_std["cv_limit"].items()))
    res = IndicatorResult(code, spec["name"], AREA_RESOURCES, std_text, NO_DATA, responsible=responsible(spec))

    c = cv[(cv["indicator"] == code).to_numpy(dtype=bool)].sort_values("_o")
    cv_passed = c["passed"].astype("boolean")
    cv_fail = c[cv_passed.fillna(True) == False]  # noqa: E712  (definite failures only)
    cv_na = bool(cv_passed.isna().any()) or c.empty

    cols = [k.format(code=code) for k in _DETAIL_COLUMNS]
    inc = included[[k for k in cols if k in included.columns]]  # the columns this indicator reads
    met = inc[f"{code}_met"].astype("boolean")
    unit_pass = inc["unit_pass"].astype("boolean")
    below_mask = (met == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    caused_mask = below_mask & (unit_pass == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    na_mask = met.isna().to_numpy(dtype=bool)

    if len(cv_fail) or caused_mask.any():
        res.status = FAIL
    elif cv_na or na_mask.any():
        res.status = NO_DATA
    else:
        res.status = PASS

    dec_cv, dec_mean = res_std["cv_decimals"], res_std["mean_decimals"]
    res.value = float(c["cv"].max()) if c["cv"].notna().any() else None
    res.value_text = "；".join(
        f"{stage} 均值 {fmt_num(mean, dec_mean) or '—'}、差异系数 {fmt_num(cv_shown, dec_cv) or '—'}"
        for stage, mean, cv_shown in zip(c["stage"], c["mean"], c["cv_shown"])
    ) or None

    dec = res_std["value_decimals"]
    # the units below the standard or without data (the rows first: usually none or a few)
    rows = below_mask | na_mask
    detail = inc[rows]
    detail = detail.assign(standard=detail["stage"].map(spec["standard"]).astype(float),
                           causes_unit_fail=caused_mask[rows])
    detail = detail[[k for k in cols if k in detail.columns]].reset_index(drop=True)
    cv_text = [f"{stage}差异系数 {fmt_num(cv_shown, dec_cv)} > {fmt_num(limit, 2)}"
               for stage, cv_shown, limit in zip(cv_fail["stage"], cv_fail["cv_shown"], cv_fail["limit"])]
    unit_text, na_text = [], []
    if len(detail):
        below = detail[detail[f"{code}_met"].astype("boolean").fillna(True) == False]  # noqa: E712
        floor = res_std["floor_ratio"]
        unit_text = [
            f"{name}（{stage}）{fmt_vs(v, sv, dec)}/{fmt_num(sv, dec)}，为标准的{_ratio_text(r, floor)}"
            + ("，致该校未达每校标准" if caused else "")
            for name, stage, v, sv, r, caused in zip(below["school_name"], below["stage"], below[code], below["standard"],
                                                     below[f"{code}_ratio"], below["causes_unit_fail"])]
        no_data = detail[detail[f"{code}_met"].isna()]
        na_text = (no_data["school_name"].astype("string") + "（" + no_data["stage"].astype("string") + "）无数据："
                   + _inputs_for(code, no_data["missing_inputs"]).fillna("输入缺失")).tolist() if len(no_data) else []
    if cv_na:
        na_text.append("差异系数无法计算（缺数据）")
    res.failing = join_text(cv_text + unit_text + na_text, limit=25)
    res.evidence = "；".join(
        f"{stage} 参评 {n_units} 个单位、学生 {students} 人"
        for stage, n_units, students in zip(c["stage"], c["n_units"], c["students"])
    ) or None
    res.detail = detail
    return res


def _ratio_text(ratio, floor: float) -> str | None:
    """A unit's value ÷ standard as a percentage with 1 decimal, or more where it would print the
    same as 100% (the standard) or the per-unit floor (85%) without being equal to it."""
    texts = [fmt_vs(ratio, 1.0, 1, pct=True), fmt_vs(ratio, floor, 1, pct=True)]
    return max(texts, key=lambda t: len(t or ""))


def _inputs_for(code: str, missing_inputs: pd.Series) -> pd.Series:
    """The parts of each unit's ``missing_inputs`` text that concern indicator ``code``.

    Labels start with the indicators they affect: "L6：…", "L1–L3：…", "L4–L7：…".
    """
    k = int(code[1:])
    parts = missing_inputs.astype("string").str.split("；").explode()
    rng = parts.str.extract(r"^L(\d)(?:–L(\d))?：")
    lo = pd.to_numeric(rng[0], errors="coerce").astype(float)
    hi = pd.to_numeric(rng[1], errors="coerce").astype(float).fillna(lo)
    keep = parts[((lo <= k) & (hi >= k)).to_numpy(dtype=bool)]
    return keep.groupby(level=0).agg("；".join).reindex(missing_inputs.index).astype("string")


def evaluate_resource_indicators(units: pd.DataFrame, cv: pd.DataFrame, standards: dict) -> dict[str, IndicatorResult]:
    included, ordered = _included(units), _with_stage_order(cv)  # once for the seven indicators
    return {code: _resource_result(code, included, ordered, standards) for code in resource_codes(standards)}


# ---------------------------------------------------------------------------------- verdict
def verdict_table(results: dict[str, IndicatorResult]) -> pd.DataFrame:
    """The 32-row verdict table (schemas ``verdict``) in the plan's order."""
    missing = [c for c in ORDER if c not in results]
    if missing:
        raise ValueError(f"缺少指标结果 (missing indicator results): {', '.join(missing)}")
    rows = []
    for no, code in enumerate(ORDER, start=1):  # 32 fixed rows, not per school
        r = results[code]
        rows.append({
            "no": no, "code": code, "area": r.area, "name": r.name, "value": r.value_text,
            "standard": r.standard, "status": r.status, "passed": r.status == PASS,
            "failing": r.failing, "evidence": r.evidence,
            "responsible": r.responsible,
        })
    return validate("verdict", pd.DataFrame(rows))


@dataclass
class Results:
    """Everything the engine produces for one county and period."""

    units: pd.DataFrame
    cv: pd.DataFrame
    verdict: pd.DataFrame
    details: dict[str, pd.DataFrame] = field(default_factory=dict)
    indicators: dict[str, IndicatorResult] = field(default_factory=dict, repr=False)
    #: the numbers the national form asks for (engine.figures): name, value, kind
    figures: pd.DataFrame | None = None
    #: 表Ⅱ-2's 举办者类型, 年级数 and 班级数 of each unit (engine.figures.unit_profile)
    unit_profile: pd.DataFrame | None = None

    @property
    def passed(self) -> bool:
        """The county passes when all 32 indicators pass."""
        return bool(self.verdict["passed"].all())

    def write(self, out_dir: str | Path, csv: bool = True, names: Iterable[str] | None = None) -> list[Path]:
        """Write units / cv / verdict / figures / unit_profile and details/<code> as parquet + CSV
        (UTF-8 with BOM; ``csv=False``: parquet only); ``names``: only these tables.

        Each file is written to a temporary name in the same folder and then renamed, so a
        reader never sees a half-written file.
        """
        out = Path(out_dir)
        written: list[Path] = []
        frames = {"units": self.units, "cv": self.cv, "verdict": self.verdict}
        frames.update({k: v for k, v in (("figures", self.figures), ("unit_profile", self.unit_profile))
                       if v is not None})
        frames.update({f"details/{code}": df for code, df in self.details.items()})
        if names is not None:
            frames = {name: frames[name] for name in names}
        for name, df in frames.items():
            written += write_frame(_for_file(df), out / name, csv)  # parquet + CSV, atomic (analysis.files)
        return written


def _for_file(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns (mixed text / None) become nullable strings so parquet can store them."""
    obj = [c for c in df.columns if df[c].dtype == object]
    return df.astype({c: "string" for c in obj}) if obj else df


def build_results(units: pd.DataFrame, cv: pd.DataFrame, tables: dict[str, pd.DataFrame],
                  standards: dict, computed: dict[str, IndicatorResult] | None = None,
                  form: bool = True) -> Results:
    """Assemble the results from part A's ``units``/``cv`` tables and the processed tables.

    ``computed``: the 32 indicators' results as their functions returned them (fresh objects:
    they are finished here in place), e.g. ``analysis.whatif`` reusing copies of the unchanged
    ones; None (default) computes them all. ``form=False`` leaves out the national form's
    ``figures`` and ``unit_profile`` (None; the region view reads neither).
    """
    # the indicators share intermediate frames (pupils per school, class groups …), computed once
    tables = tables if isinstance(tables, RunTables) else run_tables(tables)
    indicators: dict[str, IndicatorResult] = {}
    if computed is not None:
        indicators.update(computed)
    else:
        indicators.update(evaluate_resource_indicators(units, cv, standards))
        indicators.update(evaluate_guarantee(tables, standards))
        indicators.update(evaluate_quality(tables, standards))
        indicators.update(evaluate_recognition(tables, standards))
    changed = overrides_by_code(standards)
    for code, res in indicators.items():
        # officials read workbook names, not the processed tables' column names
        res.failing = excel_names(res.failing)
        for item in changed.get(code, []):  # a county's override, stated beside the standard it changes
            res.standard = f"{res.standard}{override_note(item)}"
        if res.detail is not None and "missing_input" in res.detail.columns:
            res.detail["missing_input"] = res.detail["missing_input"].map(excel_names).astype("string")
        # rows the cleaning kept aside (quarantined) that held inputs of this indicator: a pass
        # computed without them is not a pass (indicators.md §6); a failure is kept and noted
        lost = incomplete_inputs(tables, code)
        if lost is None:
            continue
        if res.status == PASS:
            res.status = NO_DATA
        res.failing = join_text([res.failing, f"数据不完整：{lost}"])
    verdict = verdict_table(indicators)
    details = {code: r.detail.reset_index(drop=True) for code, r in indicators.items() if r.detail is not None}
    if not form:
        return Results(units=units, cv=cv, verdict=verdict, details=details, indicators=indicators)
    values = county_basics(tables, units, standards)
    for r in indicators.values():
        values.update(r.extra)
    return Results(units=units, cv=cv, verdict=verdict, details=details, indicators=indicators,
                   figures=figures_table(values, standards), unit_profile=unit_profile(tables, units))


def resource_tables(tables: dict[str, pd.DataFrame], standards: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The units table (L1–L7 per assessment unit) and the CV table of ``tables``."""
    standards = standards if standards is not None else load_standards()
    units = evaluate_resources(tables, standards)
    return units, cv_table(units, standards)


def evaluate(tables: dict[str, pd.DataFrame], standards: dict | None = None, *, form: bool = True) -> Results:
    """Run the whole engine on one county's processed tables (``load_period`` output).
    ``form=False``: without the national form's figures and unit profile (:func:`build_results`)."""
    standards = standards if standards is not None else load_standards()
    units, cv = resource_tables(tables, standards)
    return build_results(units, cv, tables, standards, form=form)
