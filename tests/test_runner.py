"""The notebook runner: typed parameters, absolute paths, failures, atomic writes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import FIXTURE_NOTEBOOKS

from analysis import files, paths
from analysis.pipeline import runner
from analysis.reporting import export

OK = FIXTURE_NOTEBOOKS / "ok"
FAILING = FIXTURE_NOTEBOOKS / "failing"


def _run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``analysis run ARGS`` from the folder ``cwd``, in this process (the CLI's own ``main``): the
    exit code and what it printed. tests/test_output_safety.py runs the real command once in a
    subprocess (the smoke test)."""
    import contextlib
    import io

    from analysis import cli

    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(["run", *args])
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["analysis", "run", *args], code, out.getvalue(), err.getvalue())


def test_report_name_drops_prefix():
    assert runner.report_name("04_self_assessment.py") == "self_assessment"
    assert runner.report_name(Path("x/01_clean.py")) == "clean"


def test_discover_periods_only_four_digit_folders(county_dir):
    # county_dir holds 2020/, 2021/, notes/ and county.yaml → the two year folders, sorted
    assert runner.discover_periods(county_dir) == ["2020", "2021"]


def test_select_notebook_with_or_without_prefix():
    nbs = runner.list_notebooks(FAILING)
    assert [p.name for p in nbs] == ["01_ok.py", "02_broken.py", "03_never.py"]
    assert [p.name for p in runner.select_notebooks(nbs, "broken")] == ["02_broken.py"]
    assert [p.name for p in runner.select_notebooks(nbs, "02_broken")] == ["02_broken.py"]
    assert [p.name for p in runner.select_notebooks(nbs, "02_broken.py")] == ["02_broken.py"]
    with pytest.raises(runner.RunnerError, match="nonexistent"):
        runner.select_notebooks(nbs, "nonexistent")


def test_demo_flag_from_county_yaml(tmp_path, county_dir):
    assert runner.is_demo_data(county_dir) is True
    assert runner.is_demo_data(tmp_path / "missing") is False  # no county.yaml → not demo
    (tmp_path / "county.yaml").write_text("county: 某县\ndemo: false\n", encoding="utf-8")
    assert runner.is_demo_data(tmp_path) is False


def test_cli_parameters_typed_and_absolute_from_other_cwd(tmp_path, county_dir):
    """Run from an unrelated cwd with relative --data/--out: the notebook gets str + absolute paths."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    rel_data = os.path.relpath(county_dir, elsewhere)
    proc = _run_cli(
        ["--period", "2021", "--data", rel_data, "--out", "out", "--processed", "proc",
         "--notebooks-dir", str(OK), "--notebook", "params"],
        cwd=elsewhere,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out_dir = elsewhere / "out" / "2021"
    record = json.loads((out_dir / "params.json").read_text(encoding="utf-8"))
    assert record["period"] == "2021"
    assert record["period_type"] == "str"
    for key in ("data_dir", "processed_dir", "out_dir"):
        assert os.path.isabs(record[key]), (key, record[key])
    assert record["data_dir"] == str(county_dir.resolve())
    assert record["processed_dir"] == str((elsewhere / "proc").resolve())
    assert record["out_dir"] == str(out_dir.resolve())
    # the kernel runs in the notebooks folder, not in the caller's cwd
    assert record["cwd"] == str(OK.resolve())
    # progress lines name the notebook and its duration
    assert "01_params.py" in proc.stdout and " s " in proc.stdout
    assert (out_dir / "params.ipynb").is_file() and (out_dir / "params.html").is_file()
    # only the named notebook ran
    assert not (out_dir / "figure.html").exists()
    # no temporary files left behind
    assert [p.name for p in out_dir.iterdir() if p.name.startswith(".")] == []


def test_cli_failure_names_notebook_and_cell_and_keeps_failed(tmp_path, county_dir):
    proc = _run_cli(
        ["--period", "2021", "--data", str(county_dir), "--out", str(tmp_path / "reports"),
         "--notebooks-dir", str(FAILING)],
        cwd=tmp_path,
    )
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    line = next(l for l in out.splitlines() if "FAILED" in l)
    assert "02_broken.py" in line
    # executed notebook: [0] parameters, [1] injected-parameters, [2] ratio = 1, [3] the failing lookup
    assert "cell index 3" in line
    # the line that raised (the cell's second line), not the cell's first line
    assert 'missing_table_lookup = lookup["no-such-key"]' in line
    assert 'lookup = {"a": 1}' not in line
    assert "KeyError: 'no-such-key'" in line
    assert "Traceback" not in out
    period_dir = tmp_path / "reports" / "2021"
    failed = period_dir / "broken.failed.ipynb"
    assert failed.is_file()
    nb = nbformat.read(str(failed), as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0].ename == "KeyError"
    # the first notebook's reports exist; the failing one has none; the third never ran
    assert (period_dir / "ok.html").is_file()
    assert not (period_dir / "broken.html").exists()
    assert not (period_dir / "broken.ipynb").exists()
    assert not (period_dir / "never.html").exists()
    assert not (period_dir / "never.txt").exists()


def test_a_cell_that_never_ends_fails_the_run_with_a_message(tmp_path, county_dir, monkeypatch):
    """A hung kernel (jupyter/nbclient#312 hung a widget cell once) must not stall a scheduled
    run for ever: the cell timeout stops it and the run fails with one line saying so."""
    monkeypatch.setattr(runner, "CELL_TIMEOUT", 1)
    proc = _run_cli(["--period", "2021", "--data", str(county_dir), "--out", str(tmp_path / "reports"),
                     "--notebooks-dir", str(FIXTURE_NOTEBOOKS / "hanging")], cwd=tmp_path)
    assert proc.returncode == 1
    line = next(l for l in (proc.stdout + proc.stderr).splitlines() if "FAILED" in l)
    assert "01_hangs.py" in line and "运行超过 1 秒" in line and "longer than 1 s" in line
    assert not (tmp_path / "reports" / "2021" / "hangs.html").exists()


def test_failed_write_leaves_no_partial_file_and_other_period_untouched(tmp_path, county_dir, monkeypatch):
    reports = tmp_path / "reports"
    other = reports / "2020"
    other.mkdir(parents=True)
    (other / "params.html").write_text("2020 report", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in other.iterdir()}

    def exploding_export(nb, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(runner, "export_html", exploding_export)
    result = runner.run(
        ["2021"], data_dir=county_dir, processed_dir=tmp_path / "proc", reports_dir=reports,
        notebooks_dir=OK, notebook="params", log=lambda line: None, write_index=False,
    )
    assert not result.ok
    period_dir = reports / "2021"
    names = sorted(p.name for p in period_dir.iterdir())
    # params.json is written by the notebook itself; nothing half-written, no temp files
    assert names == ["params.failed.ipynb", "params.json", "run_status.json"]
    assert "HTML" in result.results[0].message
    assert {p.name: p.read_bytes() for p in other.iterdir()} == before


def test_atomic_write_interrupted_keeps_old_content(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")

    def failing_replace(src, dst):
        raise OSError("rename failed (simulated)")

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(OSError):
        export.atomic_write(target, "new content")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_rerun_same_period_replaces_only_that_period(tmp_path, county_dir):
    reports = tmp_path / "reports"
    (reports / "2020").mkdir(parents=True)
    (reports / "2020" / "params.html").write_text("keep me", encoding="utf-8")
    (reports / "2021").mkdir()
    (reports / "2021" / "params.html").write_text("stale", encoding="utf-8")
    result = runner.run(
        ["2021"], data_dir=county_dir, processed_dir=tmp_path / "proc", reports_dir=reports,
        notebooks_dir=OK, notebook="01_params", log=lambda line: None, write_index=False,
    )
    assert result.ok
    assert (reports / "2020" / "params.html").read_text(encoding="utf-8") == "keep me"
    html = (reports / "2021" / "params.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "参数检查" in html
    # county.yaml says demo: true → the banner is on the page
    assert export.DEMO_BANNER in html


def test_cli_without_period_is_an_error(tmp_path):
    proc = _run_cli([], cwd=tmp_path)
    assert proc.returncode == 2
    assert "--period" in proc.stderr


def test_cli_bad_period_is_an_error(tmp_path, county_dir):
    proc = _run_cli(["--period", "21", "--data", str(county_dir), "--notebooks-dir", str(OK),
                     "--out", str(tmp_path / "r")], cwd=tmp_path)
    assert proc.returncode == 2
    assert "'21'" in proc.stderr


def test_cli_period_without_data_folder_is_an_error(tmp_path, county_dir):
    # county_dir has 2020/ and 2021/ only
    proc = _run_cli(["--period", "2019", "--data", str(county_dir), "--notebooks-dir", str(OK),
                     "--out", str(tmp_path / "r")], cwd=tmp_path)
    assert proc.returncode == 2
    assert "2019" in proc.stderr and "2020、2021" in proc.stderr
    assert not (tmp_path / "r").exists()


def test_failing_line_is_read_from_the_ipython_traceback():
    # IPython's entry for the cell, with colour codes, says "Cell In[3], line 2"
    tb = ["\x1b[31m----\x1b[39m", "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[3]\x1b[39m\x1b[32m, line 2\x1b[39m\n..."]
    assert runner._failing_line("a = 1\nb = a / 0\n", tb) == "b = a / 0"
    # no such entry (e.g. a kernel error): the cell's first non-blank line
    assert runner._failing_line("\nfirst()\nsecond()", ["KeyError"]) == "first()"


def test_cli_raw_data_error_is_two_lines_and_touches_nothing_else(tmp_path):
    """The real 01_clean notebook on a county whose 办学条件.xlsx lost a sheet."""
    from openpyxl import load_workbook

    from analysis.demo import write_demo

    county = write_demo(tmp_path / "county", periods=("2021",), n_schools=8)
    book = county / "2021" / "办学条件.xlsx"
    wb = load_workbook(book)
    wb.remove(wb["专用教室"])
    wb.save(book)
    before = {p: p.read_bytes() for p in county.rglob("*") if p.is_file()}
    reports = tmp_path / "reports"
    (reports / "2020").mkdir(parents=True)
    (reports / "2020" / "clean.html").write_text("2020 report", encoding="utf-8")
    proc = _run_cli(["--period", "2021", "--data", str(county), "--processed", str(tmp_path / "proc"),
                     "--out", str(reports), "--notebook", "clean"], cwd=tmp_path)
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out
    # stderr: the failure line of the cleaning step, nothing else (no notebook ran)
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    line = next(l for l in out.splitlines() if "FAILED" in l)
    for part in ("数据清洗", "原始数据有误", "办学条件.xlsx", "专用教室", "has no sheet"):
        assert part in line, (part, line)
    assert "未运行 / not run: 01_clean.py" in proc.stdout
    assert not (reports / "2021" / "clean.html").exists()
    assert not (tmp_path / "proc" / "2021").exists()  # no processed tables half-written
    assert (reports / "2020" / "clean.html").read_text(encoding="utf-8") == "2020 report"
    assert {p: p.read_bytes() for p in county.rglob("*") if p.is_file()} == before


def test_notebook_dirs_defaults_and_given_paths(tmp_path):
    # "" → demo data, data/processed, reports/<period>; a given folder is kept (made absolute)
    assert paths.notebook_dirs("2021") == (
        paths.DEMO_RAW_DIR, paths.PROCESSED_DIR, paths.REPORTS_DIR / "2021"
    )
    assert paths.notebook_dirs("2021", str(tmp_path), "", tmp_path / "out") == (
        tmp_path, paths.PROCESSED_DIR, tmp_path / "out"
    )


# ------------------------------------------------------------------ notebooks side by side (--jobs)
def _fake(name: str) -> Path:
    return Path(f"{name}.py")


def test_two_jobs_run_two_notebooks_at_the_same_time():
    import threading

    both_inside = threading.Barrier(2, timeout=10)  # passes only when two notebooks run at once

    def execute(nb: Path) -> runner.NotebookResult:
        both_inside.wait()
        return runner.NotebookResult("2021", nb.name, True, 0.0)

    got = list(runner.execute_notebooks([_fake("01_a"), _fake("02_b"), _fake("03_c"), _fake("04_d")],
                                        execute, jobs=2))
    assert sorted(r.notebook for r in got) == ["01_a.py", "02_b.py", "03_c.py", "04_d.py"]


def test_after_a_failure_no_further_notebook_starts():
    import threading

    failed, b_started = threading.Event(), threading.Event()
    started: list[str] = []

    def execute(nb: Path) -> runner.NotebookResult:
        started.append(nb.name)
        if nb.name == "02_b.py":
            b_started.set()
        if nb.name == "01_a.py":
            b_started.wait(10)  # 01_a fails while 02_b runs
            failed.set()
            return runner.NotebookResult("2021", nb.name, False, 0.0, message="失败 / FAILED 01_a.py")
        failed.wait(10)  # 02_b is running when 01_a fails: it finishes, and is reported
        if nb.name == "02_b.py":
            return runner.NotebookResult("2021", nb.name, True, 0.0)
        raise AssertionError(f"{nb.name} started after the failure")

    got = list(runner.execute_notebooks([_fake(n) for n in ("01_a", "02_b", "03_c", "04_d")], execute, jobs=2))
    assert sorted(r.notebook for r in got) == ["01_a.py", "02_b.py"]
    assert sorted(started) == ["01_a.py", "02_b.py"]  # 03_c and 04_d never started


def test_a_worker_that_raises_becomes_a_failure_not_a_hang():
    def execute(nb: Path) -> runner.NotebookResult:
        raise RuntimeError("kaputt")

    got = list(runner.execute_notebooks([_fake("01_a"), _fake("02_b")], execute, jobs=2))
    assert len(got) in (1, 2) and not any(r.ok for r in got)  # the second may have started already
    assert "RuntimeError: kaputt" in got[0].message


def test_notebook_jobs_default_and_bad_value(tmp_path, county_dir):
    assert runner.notebook_jobs(None, bundled=True) == min(2, os.cpu_count() or 1)
    assert runner.notebook_jobs(None, bundled=False) == 1  # another folder's notebooks: in order
    assert runner.notebook_jobs(3, bundled=False) == 3
    proc = _run_cli(["--period", "2021", "--data", str(county_dir), "--out", str(tmp_path / "r"), "--jobs", "0"],
                    cwd=tmp_path)
    assert proc.returncode == 2 and "--jobs" in proc.stderr
    assert not (tmp_path / "r").exists()  # nothing written
