"""The pipeline's steps are computed once: an unchanged rerun recomputes nothing, a changed input
recomputes exactly the steps that read it (issue #11)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis import load_standards, paths, write_demo
from analysis.pipeline.context import Period, fingerprint, up_to_date
from analysis.pipeline import steps
from analysis.pipeline.steps import STEPS, run_period


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("steps") / "raw", periods=("2020", "2021"), n_schools=6,
                      plant_mess=False)


def _ctx(raw: Path, tmp: Path, standards: dict | None = None, force: bool = False) -> Period:
    out = tmp / "reports" / "2021"
    out.mkdir(parents=True, exist_ok=True)
    scenarios = tmp / "scenarios"  # the baseline only: the projection step is the slow one
    if not scenarios.is_dir():
        scenarios.mkdir()
        shutil.copy(paths.SCENARIO_DIR / "baseline.yaml", scenarios)
    return Period("2021", raw, tmp / "processed", out, standards=standards or load_standards(),
                  scenario_dir=scenarios, force=force)


def _copy(county: Path, tmp: Path) -> Path:
    return Path(shutil.copytree(county, tmp / "raw"))


# seven runs of the steps (about 18 s): `make test-e2e` and CI run it; `make test` keeps the
# unchanged rerun of the shared demo run (test_school_pages.test_unchanged_rerun_keeps_the_pages)
@pytest.mark.slow
def test_each_step_is_computed_once_and_again_only_when_what_it_reads_changed(county, tmp_path, monkeypatch):
    raw = _copy(county, tmp_path)
    ran = run_period(_ctx(raw, tmp_path))
    assert ran == dict.fromkeys(STEPS, True)
    folder = tmp_path / "processed" / "2021"
    stamp = (folder / "verdict.parquet").stat().st_mtime_ns

    # nothing changed: nothing recomputed, nothing rewritten
    assert run_period(_ctx(raw, tmp_path)) == dict.fromkeys(STEPS, False)
    assert (folder / "verdict.parquet").stat().st_mtime_ns == stamp

    # a threshold changed: the cleaning stands, everything after it is recomputed
    std = load_standards()
    std["resources"]["indicators"]["L1"]["standard"]["小学"] = 4.3
    assert run_period(_ctx(raw, tmp_path, std)) == {"clean": False, "evaluate": True, "narrative": True,
                                                     "project": True, "plan": True, "tasks": True,
                                                     "compare": True, "pages": True}

    # the county's own report section edited: only the sections are rendered again (the reports
    # follow, their fingerprint holds every step's); a new section file likewise
    section = raw / "narrative" / "存在问题.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    assert run_period(_ctx(raw, tmp_path, std)) == {"clean": False, "evaluate": False, "narrative": True,
                                                     "project": False, "plan": False, "tasks": False,
                                                     "compare": False, "pages": False}
    assert "补充一句。" in (folder / "narrative.json").read_text(encoding="utf-8")

    # an earlier period's workbook feeds the projection and the comparison only (2020 is history for 2021)
    book = raw / "2020" / "学校基本情况.xlsx"
    wb = load_workbook(book)
    wb.worksheets[0].cell(1, 30).value = "改动"
    wb.save(book)
    assert run_period(_ctx(raw, tmp_path, std)) == {"clean": False, "evaluate": False, "narrative": False,
                                                     "project": True, "plan": True, "tasks": True,
                                                     "compare": True, "pages": True}

    # a result deleted by hand: its step is recomputed, the others kept
    (folder / "plan.parquet").unlink()
    assert run_period(_ctx(raw, tmp_path, std)) == {"clean": False, "evaluate": False, "narrative": False,
                                                     "project": False, "plan": True, "tasks": False,
                                                     "compare": False, "pages": False}
    assert (folder / "plan.parquet").is_file()

    # a school page deleted by hand: the pages are written again, nothing else
    page = next((tmp_path / "reports" / "2021" / "schools").glob("2*.html"))
    page.unlink()
    assert run_period(_ctx(raw, tmp_path, std))["pages"] is True and page.is_file()

    # a cell of this period's workbook changed: the cleaning and what follows it (shown up to
    # evaluate; project onwards read evaluate's fingerprint, as checked above)
    book = raw / "2021" / "学校基本情况.xlsx"
    wb = load_workbook(book)
    wb.worksheets[0].cell(1, 30).value = "改动"
    wb.save(book)
    assert run_period(_ctx(raw, tmp_path, std), until="evaluate") == {"clean": True, "evaluate": True}

    # force (analysis run --force): recomputed although nothing changed
    assert run_period(_ctx(raw, tmp_path, std, force=True), until="evaluate") == {"clean": True,
                                                                                   "evaluate": True}
    # … each step once per run: the earlier period 2020 is cleaned by the project step, and the
    # compare step, which reads it too, takes that cleaning (2 cleanings: 2021 and 2020, not 3)
    calls = []
    real_clean = steps.clean_period
    monkeypatch.setattr(steps, "clean_period", lambda *a, **k: calls.append(a[1]) or real_clean(*a, **k))
    ran = run_period(_ctx(raw, tmp_path, std, force=True), until="compare")
    assert all(ran.values()) and sorted(calls) == ["2020", "2021"]


def test_a_change_of_code_the_cleaning_does_not_run_keeps_every_cleaned_period(county, tmp_path, monkeypatch):
    """Issue #15: a large county's workbooks take seconds each to read; a new version of the
    reports or the planning must not clean this period and the earlier ones again. The clean
    step's fingerprint covers the code the cleaning runs only (a step is kept when its
    fingerprint is unchanged, see the test above); the steps after it cover all the code."""
    from analysis.pipeline import context

    closure = {str(p.relative_to(paths.PACKAGE_DIR)) for p in context.module_closure(context.CLEAN_ENTRY_MODULES)}
    assert {"ingest/cleaning.py", "ingest/rawdata.py", "ingest/checks.py", "schemas.py", "files.py"} <= closure
    assert not {p for p in closure if p.startswith(("reporting/", "planning/", "pipeline/"))}
    ctx = _ctx(_copy(county, tmp_path), tmp_path)
    before = {(p, step): context.fingerprint(ctx.for_period(p), step)
              for p in ("2020", "2021") for step in ("clean", "evaluate")}
    # the package's code changed outside what the cleaning runs (e.g. a report template)
    monkeypatch.setattr(context, "code_version", lambda: "a newer version of the reports")
    after = {(p, step): context.fingerprint(ctx.for_period(p), step)
             for p in ("2020", "2021") for step in ("clean", "evaluate")}
    for p in ("2020", "2021"):
        assert after[(p, "clean")] == before[(p, "clean")]        # kept: 2021, and 2020 as its history
        assert after[(p, "evaluate")] != before[(p, "evaluate")]  # recomputed, and all after it


def test_an_unknown_name_in_a_section_fails_the_narrative_step_naming_file_and_line(county, tmp_path):
    from analysis.errors import RawDataError
    from analysis.pipeline.steps import StepFailed

    raw = _copy(county, tmp_path)
    (raw / "narrative" / "基本情况.md").write_text("第一段。\n\n在校生 {{ 学生总数 }} 人。\n", encoding="utf-8")
    with pytest.raises(StepFailed) as exc:
        run_period(_ctx(raw, tmp_path), until="narrative")
    assert exc.value.step == "narrative" and isinstance(exc.value.error, RawDataError)
    assert "基本情况.md 第 3 行" in str(exc.value.error) and "学生总数" in str(exc.value.error)
    # the runner's line for it: the step, "raw data problem", the file and the line
    from analysis.pipeline import runner

    ctx = _ctx(raw, tmp_path)
    failed = runner._run_steps(ctx, log=lambda line: None)
    assert failed is not None and "叙述章节 / narrative" in failed.message and "原始数据有误" in failed.message
    assert "第 3 行" in failed.message


def test_a_changed_threshold_outdates_the_evaluation_not_the_cleaning(demo_run):
    """The quick half of the test above, on the shared demo run (no step is run): after the run
    every step is up to date; a threshold changed in the standards keeps the cleaning (it does not
    read them) and outdates the evaluation (the steps after it follow its fingerprint)."""
    ctx = Period("2021", demo_run["raw"], demo_run["processed"], demo_run["reports"] / "2021")
    assert all(up_to_date(ctx, step, fingerprint(ctx, step)) for step in STEPS)
    std = load_standards()
    std["resources"]["indicators"]["L1"]["standard"]["小学"] = 4.3
    changed = Period("2021", demo_run["raw"], demo_run["processed"], demo_run["reports"] / "2021", standards=std)
    assert up_to_date(changed, "clean", fingerprint(changed, "clean"))
    assert not up_to_date(changed, "evaluate", fingerprint(changed, "evaluate"))


def _book(path: Path) -> dict:
    """A workbook's content: each sheet's cells (value, number format), merged ranges and frozen pane."""
    wb = load_workbook(path)
    return {ws.title: ([[(c.value, c.number_format) for c in row] for row in ws.iter_rows()],
                       sorted(str(r) for r in ws.merged_cells.ranges), ws.freeze_panes) for ws in wb}


def test_a_county_run_after_a_region_run_writes_what_the_lean_run_left_out(county, tmp_path):
    """The region view runs the clean and evaluate steps lean (``Period.lean``): the parquet tables
    and the units, CVs and verdict it reads; no CSV copy, no Excel workbook, no indicator detail,
    no form figure. A county run on the same processed folder keeps the cleaning and writes its
    copies from the persisted parquet tables, and runs the evaluation again: the same files, byte
    for byte (the workbooks: cell for cell), that a run computing both steps writes."""
    from analysis.pipeline.context import all_up_to_date
    from analysis.paths import APPLICATION_WORKBOOK, QUALITY_WORKBOOK

    raw = _copy(county, tmp_path)
    ctx = _ctx(raw, tmp_path)
    reports = ctx.out_dir
    as_region = Period("2021", raw, ctx.processed_dir, tmp_path / "region" / "2021", standards=load_standards(),
                       lean=True)
    assert run_period(as_region, until="evaluate") == {"clean": True, "evaluate": True}
    assert not (tmp_path / "region").exists() and not list(reports.glob("*.xlsx"))  # no workbook written
    assert not list(ctx.folder.rglob("*.csv")) and not (ctx.folder / "details").exists()
    assert {"verdict.parquet", "cv.parquet", "units.parquet"} <= {p.name for p in ctx.folder.iterdir()}
    assert not (ctx.folder / "figures.parquet").exists()
    assert all_up_to_date(as_region, until="evaluate")  # the region's own rerun: nothing to do
    stamp = (ctx.folder / "schools.parquet").stat().st_mtime_ns

    # the county's run wants the rest: not up to date (results() in a notebook runs the steps) …
    assert not all_up_to_date(ctx, until="evaluate")
    # … the cleaning is kept (its copies written from its tables), the evaluation run again
    assert run_period(ctx, until="evaluate") == {"clean": False, "evaluate": True}
    assert (ctx.folder / "schools.parquet").stat().st_mtime_ns == stamp
    assert all_up_to_date(ctx, until="evaluate")
    written = {name: (reports / name).stat().st_mtime_ns for name in (QUALITY_WORKBOOK, APPLICATION_WORKBOOK)}
    assert run_period(ctx, until="evaluate") == {"clean": False, "evaluate": False}  # once only
    assert {name: (reports / name).stat().st_mtime_ns for name in written} == written
    assert all_up_to_date(as_region, until="evaluate")  # and a later region run keeps the full results

    # the same files as a run that computed the steps itself
    fresh = Period("2021", raw, tmp_path / "fresh" / "processed", tmp_path / "fresh" / "2021",
                   standards=load_standards())
    assert run_period(fresh, until="evaluate") == {"clean": True, "evaluate": True}
    for name in written:
        assert _book(reports / name) == _book(fresh.out_dir / name), name
    files = sorted(p.relative_to(fresh.folder) for p in fresh.folder.rglob("*.*") if p.name != "_pipeline.json")
    # 19 tables + clean_summary + units, cv, verdict, figures, unit_profile, composite_cv + 29 indicator
    # details, each as parquet and CSV
    assert len(files) == 2 * (19 + 1 + 6 + 29)
    assert sorted(p.relative_to(ctx.folder) for p in ctx.folder.rglob("*.*") if p.name != "_pipeline.json") == files
    for rel in files:
        assert (ctx.folder / rel).read_bytes() == (fresh.folder / rel).read_bytes(), rel

    # a run into another reports folder gets its own workbooks (the steps kept)
    other = Period("2021", raw, ctx.processed_dir, tmp_path / "other" / "2021", standards=load_standards())
    assert run_period(other, until="evaluate") == {"clean": False, "evaluate": False}
    assert all((other.out_dir / name).is_file() for name in written)
