"""The pipeline (分析流程): clean → evaluate → project → plan → tasks, each step once per period.

Every step is a function of its inputs; its results are written once to
``data/processed/<period>/`` and the notebooks only read and show them. A step whose inputs are
unchanged is not recomputed: ``_pipeline.json`` in the period's folder records, per step, a
fingerprint of everything the step reads (the raw workbooks' bytes, county.yaml, the standards,
the scenarios, the unit costs, the target year, the fingerprints of the steps it builds on, and
the code itself) and the files it wrote. An unchanged rerun therefore costs little more than
checking those fingerprints.

=========  ==============================================  =====================================
step       reads                                           writes (in data/processed/<period>/)
=========  ==============================================  =====================================
clean      raw/<period>/*.xlsx, county.yaml                the processed tables, clean_summary;
                                                           reports/<period>/数据质量问题清单.xlsx
evaluate   the processed tables, standards                 units, cv, composite_cv, verdict,
                                                           figures, unit_profile, details/<code>;
                                                           reports/<period>/application_tables.xlsx
narrative  the evaluate step's results, the county's       narrative.json (its sections with the
           narrative/*.md                                  period's figures filled in)
project    this and earlier periods, scenarios, target     trajectory, first_met, sensitivity,
           year, standards                                 pass_probability, projection.json,
                                                           projected/<table> (baseline, horizon)
plan       the projected horizon tables, costs             plan, plan_summary, plan_cost,
                                                           plan_cv_after, plan.json
tasks      the period and the projected horizon, costs     tasks
compare    this and earlier periods (the previous one's    history_units, comparison.json,
           evaluation), standards                          comparison_status, comparison_units,
                                                           comparison_cv, cv_contributions,
                                                           comparison_quality
pages      the results above                               reports/<period>/comparison.html,
                                                           reports/<period>/schools/*.html
=========  ==============================================  =====================================

A lean run (``Period.lean``: the region view) writes of the clean and evaluate steps only what the
region reads — the processed tables' parquet files; units, cv and verdict — and a later run that
is not lean completes them (:func:`write_copies`; the evaluate step runs again). The county's
workbooks are recorded among a step's outputs: a run into another reports folder writes its own.

docs/architecture.md draws the same pipeline with the notebook that shows each step.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import pandas as pd

from analysis.engine import compare, evaluate, resource_tables
from analysis.engine.cv import composite_cv
from analysis.engine.verdict import Results
from analysis.files import atomic_write, csv_copy, write_frame
from analysis.ingest.checks import write_quality_workbook
from analysis.ingest.cleaning import clean_period
from analysis.ingest.tables import load_period
from analysis.paths import APPLICATION_WORKBOOK, QUALITY_WORKBOOK
from analysis.pipeline.context import (  # noqa: F401  (re-exported: the runner and notebooks use them)
    MC_DRAWS,
    MC_SD_PER_YEAR,
    STEP_NAMES,
    LEAN_RESULTS,
    STEPS,
    Period,
    add_copies,
    code_version,
    copies_missing,
    fingerprint,
    manifest_fingerprint,
    read_manifest,
    record,
    up_to_date,
)
from analysis.pipeline.reader import PeriodResults
from analysis.planning.optimise import optimise
from analysis.planning.plans import budget_example, plan_tables
from analysis.planning.projection import (
    ScenarioError,
    first_met_year,
    load_scenarios,
    monte_carlo,
    project,
    sensitivity,
    trajectory,
)
from analysis.planning.tasks import rectification_tasks
from analysis.reporting.comparison import comparison_item, counts
from analysis.reporting.pages import write_pages
from analysis.reporting.school_pages import (
    PAGES_STYLESHEET,
    SCHOOLS_DIR,
    remove_other_pages,
    school_links,
    school_page_items,
)
from analysis.reporting.narrative import NARRATIVE_FILE, narrative_values, write_narrative
from analysis.reporting.workbook import write_application_tables

#: the tables a projection changes (the others are carried forward from the period)
PROJECTED_TABLES = ("enrolment", "classes", "teachers", "facilities", "special_rooms")


def _run_step(ctx: Period, step: str, fn: Callable[[Period], list[Path]]) -> bool:
    """Run ``fn`` unless the step is up to date; True when it ran."""
    fp = fingerprint(ctx, step)
    if up_to_date(ctx, step, fp):
        if copies_missing(ctx, step):  # kept from a run that wrote no copies here (e.g. the region's)
            add_copies(ctx, step, write_copies(ctx, step))
            ctx.log(f"    {step}: 输入未变化，沿用；写出 CSV 副本和工作簿 / unchanged, kept; copies written")
            return False
        ctx.log(f"    {step}: 输入未变化，沿用 / unchanged, kept")
        return False
    t0 = time.perf_counter()
    outputs = fn(ctx)
    seconds = time.perf_counter() - t0
    record(ctx, step, fp, outputs, seconds)
    ctx.log(f"    {step}: {seconds:.1f} s")
    return True


# ---------------------------------------------------------------- the steps
def step_clean(ctx: Period) -> list[Path]:
    """Raw workbooks → processed tables, the cleaning summary and the data-quality workbook."""
    result = clean_period(ctx.data_dir, ctx.period, ctx.processed_dir, ctx.standards, csv=not ctx.lean,
                          meta=ctx.meta)
    # as load_period reads them back (the files are written without the index)
    ctx.cleaned = {name: df.reset_index(drop=True) for name, df in result.tables.items()}
    outputs = [ctx.folder / f"{name}.parquet" for name in result.tables]
    outputs += write_frame(result.summary, ctx.folder / "clean_summary", csv=not ctx.lean)
    if not ctx.lean:
        outputs.append(quality_workbook(ctx, result.tables))
    return outputs


def quality_workbook(ctx: Period, tables: dict[str, pd.DataFrame] | None) -> Path:
    """The clean step's 数据质量问题清单.xlsx, from its tables (None: the persisted ones)."""
    if tables is None:
        tables = {name: pd.read_parquet(ctx.folder / f"{name}.parquet") for name in ("data_quality", "schools")}
    return write_quality_workbook(tables["data_quality"], ctx.out_dir / QUALITY_WORKBOOK, schools=tables["schools"],
                                  county=ctx.county, period=ctx.period, demo=ctx.demo)


def step_evaluate(ctx: Period) -> list[Path]:
    """The 32 indicators, the units and the CVs (one engine run), and the application workbook."""
    tables, ctx.cleaned = ctx.cleaned or load_period(ctx.processed_dir, ctx.period, validate=False), None
    if ctx.lean:  # what the region reads (the details and the form's figures: a later full run)
        return evaluate(tables, ctx.standards, form=False).write(ctx.folder, csv=False, names=LEAN_RESULTS)
    results = evaluate(tables, ctx.standards)
    outputs = results.write(ctx.folder)
    outputs += write_frame(composite_cv(results.cv), ctx.folder / "composite_cv")
    outputs.append(application_workbook(ctx, results))
    return outputs


def application_workbook(ctx: Period, results: Results | None) -> Path:
    """The evaluate step's application_tables.xlsx, from its results (None: the persisted ones)."""
    return write_application_tables(PeriodResults(ctx) if results is None else results,
                                    ctx.out_dir / APPLICATION_WORKBOOK, ctx.standards, meta=ctx.meta,
                                    period=ctx.period, demo=ctx.demo)


#: the step's workbook written from its results (in memory) or its persisted results (None)
WORKBOOK_WRITERS: dict[str, Callable[[Period, object], Path]] = {
    "clean": quality_workbook, "evaluate": application_workbook}


def write_copies(ctx: Period, step: str) -> list[Path]:
    """The copies for people of an up-to-date clean or evaluate step, from its persisted results:
    the CSV copy of each of its parquet tables when a lean run left them out (byte for byte the
    copies the step writes itself), and its workbook in this run's ``out_dir``."""
    entry = read_manifest(ctx.folder)[step]
    written = []
    if entry.get("lean"):
        written += [csv_copy(p) for p in entry["outputs"] if p.endswith(".parquet")]
    written.append(WORKBOOK_WRITERS[step](ctx, None))
    return written


def step_narrative(ctx: Period) -> list[Path]:
    """The county's own report sections with this period's figures filled in (an unknown name
    stops the period naming the file and line)."""
    results = {name: pd.read_parquet(ctx.folder / f"{name}.parquet") for name in ("verdict", "cv", "units", "figures")}
    values = narrative_values(results, ctx.standards, ctx.meta, ctx.period)
    return [write_narrative(ctx.data_dir, values, ctx.folder / NARRATIVE_FILE)]


def _history(ctx: Period) -> dict[str, dict[str, pd.DataFrame]]:
    history = {}
    for p in ctx.history_periods():
        sub = ctx.for_period(p)
        if p != ctx.period and (ctx.data_dir / p).is_dir():
            _run_step(sub, "clean", step_clean)  # an earlier period never processed is cleaned once
        history[p] = load_period(ctx.processed_dir, p, validate=False)
    return history


def step_project(ctx: Period) -> list[Path]:
    """Every scenario projected to the horizon, each year judged by the engine; sensitivity and
    Monte Carlo; the baseline's horizon tables for the plan and the tasks."""
    history = _history(ctx)
    scenarios = load_scenarios(ctx.scenario_dir)
    projected, rejected = {}, {}
    for name, sc in scenarios.items():
        try:
            projected[name] = project(history, sc, ctx.horizon, ctx.standards)
        except ScenarioError as exc:  # e.g. the bundled demo plan names schools this county lacks
            rejected[name] = str(exc)
    used = {n: sc for n, sc in scenarios.items() if n in projected}
    # tables judged once in this step: the current year is every scenario's first year, and the
    # evaluate step has judged it already (its persisted results are read when up to date)
    current = history[ctx.period]
    evaluated: dict = {id(current): (current, *_evaluated(ctx, current))}
    traj = pd.concat([trajectory(projected[n], ctx.standards, sc.name, verdict=True, evaluated=evaluated)
                      for n, sc in used.items()], ignore_index=True)
    sens = pd.concat([sensitivity(history, sc, ctx.horizon, ctx.standards, projected=projected[n],
                                  evaluated=evaluated) for n, sc in used.items()], ignore_index=True)
    t0 = time.perf_counter()
    mc = pd.concat([monte_carlo(projected[n][ctx.horizon], ctx.standards, ctx.horizon - ctx.year,
                                n=MC_DRAWS, sd_per_year=MC_SD_PER_YEAR, scenario_name=sc.name)
                    for n, sc in used.items()], ignore_index=True)
    mc_seconds = time.perf_counter() - t0
    base = "baseline" if "baseline" in projected else next(iter(projected))
    outputs = []
    for name, df in {"trajectory": traj, "first_met": first_met_year(traj, ctx.horizon),
                     "sensitivity": sens, "pass_probability": mc}.items():
        outputs += write_frame(df, ctx.folder / name)
    for table in PROJECTED_TABLES:
        outputs += write_frame(projected[base][ctx.horizon][table], ctx.folder / "projected" / table)
    meta = {
        "period": ctx.period, "year": ctx.year, "target_year": int(ctx.target_year), "horizon": ctx.horizon,
        "at_target": ctx.year >= int(ctx.target_year), "history": list(history), "baseline": base,
        "scenarios": {n: {"name": sc.name, "description": sc.description, "notes": sorted(set(sc.notes)),
                          "source": Path(sc.source).name} for n, sc in used.items()},
        "rejected": rejected, "monte_carlo": {"draws": MC_DRAWS, "sd_per_year": MC_SD_PER_YEAR,
                                              "seconds": round(mc_seconds, 2)},
    }
    outputs.append(atomic_write(ctx.folder / "projection.json", json.dumps(meta, ensure_ascii=False, indent=1)))
    return outputs


def horizon_tables(ctx: Period) -> dict[str, pd.DataFrame]:
    """The baseline's tables of the horizon year: the period's, with the projected ones."""
    tables = load_period(ctx.processed_dir, ctx.period, validate=False)
    for table in PROJECTED_TABLES:
        tables[table] = pd.read_parquet(ctx.folder / "projected" / f"{table}.parquet")
    return tables


def plan_year(ctx: Period) -> int:
    """Actions are taken the year after the period (in the period itself at the target year)."""
    return ctx.horizon if ctx.year >= int(ctx.target_year) else min(ctx.year + 1, int(ctx.target_year))


def step_plan(ctx: Period) -> list[Path]:
    """The minimum-cost plan (MILP, verified by the engine), its costs, and the half-budget
    example: the same model solved again with the budget, warm-started from the plan."""
    tables = horizon_tables(ctx)
    year = plan_year(ctx)
    t0 = time.perf_counter()
    plan = optimise(tables, ctx.standards, ctx.horizon, costs=ctx.costs, years=[year])
    solve_seconds = time.perf_counter() - t0
    meta = json.loads((ctx.folder / "projection.json").read_text(encoding="utf-8"))
    scenarios = load_scenarios(ctx.scenario_dir)
    actions = plan_tables(plan, {n: scenarios[n] for n in meta["scenarios"]},
                          load_period(ctx.processed_dir, ctx.period, validate=False), ctx.standards,
                          ctx.costs, ctx.year, ctx.horizon, year)
    outputs = []
    for name, df in {"plan": actions.table, "plan_cost": actions.cost_by_year,
                     "plan_summary": plan.summary(), "plan_cv_after": plan.cv_after
                     if plan.cv_after is not None else pd.DataFrame()}.items():
        outputs += write_frame(df, ctx.folder / name)
    info = {**plan.info(), "solve_seconds": round(solve_seconds, 2), "year": year,
            "cost_total": plan.cost_total, "naive_cost": plan.naive_cost,
            "naive_units_pass": actions.naive_units_pass, "naive_units": actions.naive_units,
            "naive_cv_pass": actions.naive_cv_pass, "naive_cv": actions.naive_cv,
            "budget_example": budget_example(plan, year)}
    outputs.append(atomic_write(ctx.folder / "plan.json", json.dumps(info, ensure_ascii=False, indent=1,
                                                                     default=float)))
    return outputs


def step_tasks(ctx: Period) -> list[Path]:
    """The rectification tasks: the gaps now and, before the target year, in the projection."""
    now = load_period(ctx.processed_dir, ctx.period, validate=False)
    target = None if ctx.year >= int(ctx.target_year) else horizon_tables(ctx)
    tasks = rectification_tasks(*_task_inputs(ctx, now, target))
    return write_frame(tasks, ctx.folder / "tasks")


def _task_inputs(ctx: Period, now: dict, target: dict | None) -> tuple:
    units_now, cv_now = resource_tables(now, ctx.standards)
    if target is None:
        return (units_now, None, ctx.standards, ctx.costs, ctx.horizon, cv_now, None, now, None)
    units_t, cv_t = resource_tables(target, ctx.standards)
    return (units_now, units_t, ctx.standards, ctx.costs, ctx.horizon, cv_now, cv_t, now, target)


def _evaluated(ctx: Period, tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A period's units, CVs and verdict: its persisted evaluation when that is up to date with
    these standards, else the engine run here (nothing written for that period)."""
    if up_to_date(ctx, "evaluate", fingerprint(ctx, "evaluate")):
        return tuple(pd.read_parquet(ctx.folder / f"{n}.parquet") for n in ("units", "cv", "verdict"))
    res = evaluate(tables, ctx.standards)
    return res.units, res.cv, res.verdict


def step_compare(ctx: Period) -> list[Path]:
    """The period against the previous one (statuses, per-unit verdicts, each CV's change split
    into the schools' contributions, data-quality problems), and every period's units for the
    per-school pages."""
    history = _history(ctx)
    periods = list(history)
    units, cv, verdict = _evaluated(ctx, history[ctx.period])
    frames = []
    for p in periods:
        u = units if p == ctx.period else resource_tables(history[p], ctx.standards)[0]
        frames.append(u.assign(period=p))
    outputs = write_frame(pd.concat(frames, ignore_index=True), ctx.folder / "history_units")
    previous = periods[-2] if len(periods) >= 2 else None
    meta: dict = {"period": ctx.period, "previous": previous, "counts": counts(verdict, units, cv)}
    if previous is not None:
        p_units, p_cv, p_verdict = _evaluated(ctx.for_period(previous), history[previous])
        contributions = compare.cv_contributions(p_units, units, ctx.standards)
        frames = {
            "comparison_status": compare.status_changes(p_verdict, verdict),
            "comparison_units": compare.unit_changes(p_units, units),
            "cv_contributions": contributions,
            "comparison_cv": compare.cv_change_summary(contributions, p_cv, cv),
            "comparison_quality": compare.quality_changes(history[previous]["data_quality"],
                                                          history[ctx.period]["data_quality"]),
        }
        for name, df in frames.items():
            outputs += write_frame(df, ctx.folder / name)
        meta["counts_previous"] = counts(p_verdict, p_units, p_cv)
    outputs.append(atomic_write(ctx.folder / "comparison.json", json.dumps(meta, ensure_ascii=False, indent=1)))
    return outputs


def step_pages(ctx: Period) -> list[Path]:
    """The period comparison page and one page per school (offline HTML, in the period's reports)."""
    r = PeriodResults(ctx)
    folder = ctx.out_dir / SCHOOLS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    schools = school_page_items(r, folder)
    # comparison.html links the school pages written with it (none exist yet on a first run)
    links = school_links(r, present={path.name for path, _, _ in schools})
    pages = [*schools, comparison_item(r, ctx.out_dir / "comparison.html", links)]
    # one stylesheet (font subset and report.css) for all of them, linked from each page
    outputs = write_pages(pages, demo=ctx.demo, stylesheet=folder / PAGES_STYLESHEET)
    remove_other_pages(folder, outputs)
    return outputs


STEP_FUNCTIONS: dict[str, Callable[[Period], list[Path]]] = {
    "clean": step_clean, "evaluate": step_evaluate, "narrative": step_narrative, "project": step_project,
    "plan": step_plan, "tasks": step_tasks, "compare": step_compare, "pages": step_pages,
}




class StepFailed(Exception):
    """A step of the pipeline raised: ``step`` names it, ``error`` is what it raised."""

    def __init__(self, step: str, error: BaseException):
        super().__init__(f"{STEP_NAMES.get(step, step)} / {step}: {type(error).__name__}: {error}")
        self.step, self.error = step, error


def run_period(ctx: Period, until: str = STEPS[-1]) -> dict[str, bool]:
    """Run the steps of one period in order, up to ``until``; which ones ran (True) or were kept.

    A step that raises stops the period: :class:`StepFailed` carries the step and the error.
    """
    ran = {}
    for step in STEPS[: STEPS.index(until) + 1]:
        try:
            ran[step] = _run_step(ctx, step, STEP_FUNCTIONS[step])
        except Exception as exc:  # noqa: BLE001 - the runner reports every failure in two lines
            raise StepFailed(step, exc) from exc
    return ran
