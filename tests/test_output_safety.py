"""Issue #9, output side: the raw data is never written, failed periods do not look current,
one atomic writer (modes, CSV formula neutralisation), temporary files swept, county.yaml checks,
short messages and exit codes, mathtext-safe figures."""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURE_NOTEBOOKS, PYTHON

import analysis
from analysis import cli, files
from analysis.pipeline import runner
from analysis.reporting import export

OK = FIXTURE_NOTEBOOKS / "ok"
FAILING = FIXTURE_NOTEBOOKS / "failing"


def _tree(folder: Path) -> list[tuple[str, str]]:
    """Every file and folder below ``folder`` with the SHA-1 of its content (folders: "dir")."""
    out = []
    for p in sorted(folder.rglob("*")):
        digest = "dir" if p.is_dir() else hashlib.sha1(p.read_bytes()).hexdigest()
        out.append((str(p.relative_to(folder)), digest))
    return out


@pytest.fixture
def raw_county(county_dir: Path) -> Path:
    """county_dir with a (fake) workbook in 2021/, so that overwriting it would show."""
    (county_dir / "2021" / "学校基本情况.xlsx").write_bytes(b"raw workbook bytes")
    return county_dir


@pytest.fixture
def umask_002():
    """Run with umask 002, so the expected mode (0o664) differs from mkstemp's 0o600 and from 0o644."""
    old = os.umask(0o002)
    yield 0o664
    os.umask(old)


def _main(capsys, args: list[str]) -> tuple[int, str, str]:
    code = cli.main(["run", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --------------------------------------------------------------------------- 1. folders


@pytest.mark.parametrize("case", [
    "processed == data", "out == data", "out inside data", "processed inside data",
    "data inside out", "data inside processed", "processed == out", "out inside processed",
    "out is a symlink to data", "relative out equal to data",
])
def test_overlapping_folders_are_refused_before_anything_is_written(case, tmp_path, raw_county, capsys,
                                                                    monkeypatch):
    data = raw_county
    proc, out = tmp_path / "proc", tmp_path / "out"
    data_arg = str(data)
    if case == "processed == data":
        proc = data
    elif case == "out == data":
        out = data
    elif case == "out inside data":
        out = data / "2021" / "reports"
    elif case == "processed inside data":
        proc = data / "processed"
    elif case == "data inside out":
        out = tmp_path  # county_dir is tmp_path/county
    elif case == "data inside processed":
        proc = tmp_path
    elif case == "processed == out":
        proc = out = tmp_path / "shared"
    elif case == "out inside processed":
        out = proc / "reports"
    elif case == "out is a symlink to data":
        (tmp_path / "link").symlink_to(data, target_is_directory=True)
        out = tmp_path / "link"
    elif case == "relative out equal to data":
        monkeypatch.chdir(tmp_path)
        data_arg = "county"
        out = Path("county/2021/..")
    before = _tree(tmp_path)
    code, _, err = _main(capsys, ["--period", "2021", "--data", data_arg, "--processed", str(proc),
                                  "--out", str(out), "--notebooks-dir", str(OK)])
    assert code == 2
    assert _tree(tmp_path) == before  # nothing written anywhere, the raw data least of all
    lines = err.strip().splitlines()
    assert 1 <= len(lines) <= 2 and "Traceback" not in err
    assert "互不包含" in lines[0] and "must be separate" in lines[-1]
    # both folders are named, resolved (symlink and relative path followed)
    named = {"processed == data": ("--data", "--processed"), "out == data": ("--data", "--out"),
             "out inside data": ("--data", "--out"), "processed inside data": ("--data", "--processed"),
             "data inside out": ("--data", "--out"), "data inside processed": ("--data", "--processed"),
             "processed == out": ("--processed", "--out"), "out inside processed": ("--processed", "--out"),
             "out is a symlink to data": ("--data", "--out"),
             "relative out equal to data": ("--data", "--out")}[case]
    paths_of = {"--data": data.resolve(), "--processed": Path(proc).resolve(), "--out": (tmp_path / out).resolve()
                if not Path(out).is_absolute() else Path(out).resolve()}
    for opt in named:
        assert f"{opt} {paths_of[opt]}" in lines[0], (opt, lines[0])


def test_separate_folders_side_by_side_are_accepted(tmp_path):
    # siblings, and names that only share a prefix ("out" vs "out2") are not nested
    runner.check_separate_folders({"--data": tmp_path / "out2", "--processed": tmp_path / "proc",
                                   "--out": tmp_path / "out"})


def test_processed_equal_to_data_with_the_real_clean_notebook_keeps_the_workbooks(tmp_path):
    """The issue's reproduction: `--data C --processed C --notebook clean` replaced C/2021's workbooks."""
    from analysis.demo import write_demo

    county = write_demo(tmp_path / "C", periods=("2021",), n_schools=8)
    before = _tree(county)
    proc = subprocess.run(
        [PYTHON, "-m", "analysis", "run", "--period", "2021", "--data", "C", "--processed", "C",
         "--out", "out", "--notebook", "clean"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert _tree(county) == before
    assert len(proc.stderr.strip().splitlines()) == 2
    assert f"--data {county.resolve()} 与 --processed {county.resolve()} 是同一个目录" in proc.stderr
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- 2. failed runs, stale reports


def test_failed_rerun_moves_old_reports_aside_and_index_shows_the_reason(tmp_path, county_dir, umask_002):
    (county_dir / "county.yaml").write_text('county: 测试县\ndemo: "true"\n', encoding="utf-8")
    reports, proc = tmp_path / "reports", tmp_path / "proc"
    period_dir = reports / "2021"
    kwargs = dict(data_dir=county_dir, processed_dir=proc, reports_dir=reports, log=lambda line: None)

    # run 1 succeeds: params.html / params.ipynb
    assert runner.run(["2021"], notebooks_dir=OK, notebook="params", **kwargs).ok
    assert runner.read_status(period_dir)["status"] == "ok"
    # a killed run left temporary files behind (an hour ago)
    old = time.time() - 3600
    leftovers = [period_dir / ".ok.ipynb.k1l2.tmp.ipynb", reports / ".index.html.abc.tmp"]
    for f in leftovers:
        f.write_text("half", encoding="utf-8")
        os.utime(f, (old, old))

    # run 2: 01_ok succeeds, 02_broken fails, 03_never is not run
    errors: list[str] = []
    result = runner.run(["2021"], notebooks_dir=FAILING, log_error=errors.append, **kwargs)
    assert not result.ok
    assert len(errors) == 1 and len(errors[0].splitlines()) == 2
    assert not any(f.exists() for f in leftovers)
    # the reports of run 1 were not rewritten: moved into 已过期_stale/; run 2's own output stays
    stale = period_dir / runner.STALE_DIR_NAME
    assert sorted(p.name for p in stale.iterdir()) == ["params.html", "params.ipynb"]
    assert sorted(p.name for p in period_dir.glob("*.*")) == [
        "broken.failed.ipynb", "ok.html", "ok.ipynb", "params.json", "run_status.json"]
    status = json.loads((period_dir / "run_status.json").read_text(encoding="utf-8"))
    assert status["status"] == "failed"
    assert status["failed_notebook"] == "02_broken.py"
    assert status["failed_ipynb"] == "broken.failed.ipynb"
    assert status["stale"] == ["params.html", "params.ipynb"]
    assert "\n" not in status["message"] and "KeyError: 'no-such-key'" in status["message"]
    # `demo: "true"` (quoted) still means demo data: the banner is on the report and the index
    assert export.DEMO_BANNER in (period_dir / "ok.html").read_text(encoding="utf-8")
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert export.DEMO_BANNER in index
    assert "最近一次运行失败 / last run FAILED" in index
    # the message is escaped by the index template (Jinja2 autoescape writes ' as &#39;)
    assert "02_broken.py" in index and "KeyError: &#39;no-such-key&#39;" in index
    assert "'no-such-key'" not in index
    assert 'href="2021/broken.failed.ipynb"' in index
    assert 'href="2021/%E5%B7%B2%E8%BF%87%E6%9C%9F_stale/params.html"' in index  # quoted 已过期_stale
    assert "params（已过期 / stale）" in index
    assert "2021 年度最近一次运行未成功，未列入下表" in index
    # every file written by the run has the usual mode (umask 002 → 0o664), not mkstemp's 0o600
    for f in ["ok.html", "ok.ipynb", "broken.failed.ipynb", "run_status.json"]:
        assert (period_dir / f).stat().st_mode & 0o777 == umask_002, f
    assert (reports / "index.html").stat().st_mode & 0o777 == umask_002

    # run 3 succeeds again: the failed state is cleared, the replaced stale copies are gone
    assert runner.run(["2021"], notebooks_dir=OK, notebook="params", **kwargs).ok
    assert runner.read_status(period_dir)["status"] == "ok"
    assert not stale.exists()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "FAILED" not in index and "已过期" not in index and "未列入" not in index


def test_stale_reports_are_the_ones_this_run_did_not_write(tmp_path):
    period_dir = tmp_path / "2021"
    for name in ["a.html", "b.html", "c.xlsx", "d.ipynb", "notes.txt"]:
        files.atomic_write(period_dir / name, "old " + name)
    before = runner.snapshot_reports(period_dir)
    files.atomic_write(period_dir / "a.html", "new a")      # rewritten by this run
    files.atomic_write(period_dir / "e.html", "new e")      # new in this run
    moved = runner.retire_stale_reports(period_dir, before)
    assert moved == ["b.html", "c.xlsx", "d.ipynb"]
    stale = period_dir / runner.STALE_DIR_NAME
    assert (stale / "b.html").read_text(encoding="utf-8") == "old b.html"
    assert sorted(p.name for p in period_dir.iterdir() if p.is_file()) == ["a.html", "e.html", "notes.txt"]
    # a later good run writes b.html again: its stale copy goes, c and d stay (not replaced)
    files.atomic_write(period_dir / "b.html", "new b")
    assert runner.clear_stale_reports(period_dir) == ["b.html"]
    assert sorted(p.name for p in stale.iterdir()) == ["c.xlsx", "d.ipynb"]
    files.atomic_write(period_dir / "c.xlsx", "x")
    files.atomic_write(period_dir / "d.ipynb", "x")
    assert runner.clear_stale_reports(period_dir) == ["c.xlsx", "d.ipynb"]
    assert not stale.exists()


def test_index_lists_a_period_whose_reports_were_all_moved_aside(tmp_path):
    from analysis.reporting import index

    period_dir = tmp_path / "reports" / "2020"
    files.atomic_write(period_dir / runner.STALE_DIR_NAME / "clean.html", "<html></html>")
    runner.write_status(period_dir, period="2020", status="failed", started="2021-06-30T14:00:00+08:00",
                        finished="2021-06-30T14:05:09+08:00", failed_notebook="01_clean.py",
                        failed_ipynb=None, message="失败 / FAILED 01_clean.py, 原始数据有误 → RawDataError: x")
    page = index.write_index(tmp_path / "reports", tmp_path / "proc").read_text(encoding="utf-8")
    assert "<h3>2020 年度</h3>" in page
    assert "last run FAILED（2021-06-30 14:05）：01_clean.py, 原始数据有误 → RawDataError: x" in page
    assert "本期没有当前有效的报告" in page
    assert "数据清洗与质量检查（已过期 / stale）" in page


def test_an_interrupted_run_shows_as_unfinished(tmp_path):
    from analysis.reporting import index

    period_dir = tmp_path / "reports" / "2021"
    files.atomic_write(period_dir / "clean.html", "<html></html>")
    runner.write_status(period_dir, period="2021", status="running", started="2021-06-30T02:00:00+08:00",
                        finished=None)
    page = index.write_index(tmp_path / "reports", tmp_path / "proc").read_text(encoding="utf-8")
    assert "最近一次运行未完成（2021-06-30 02:00 开始，可能被中断）" in page


# --------------------------------------------------------------------------- 4. temporary files


def test_sweep_removes_only_old_temporaries_of_the_periods_run(tmp_path):
    reports, proc = tmp_path / "reports", tmp_path / "proc"
    started = time.time()
    old = started - 600
    stale = [
        reports / "2021" / ".self_assessment.ipynb.x1y2.tmp.ipynb",
        reports / "2021" / ".application_tables.xlsx.abcd.tmp",
        reports / ".index.html.qwer.tmp",
        proc / ".2021.tmp-0a1b2c3d",
        proc / ".2021.old-0a1b2c3d",
        proc / "2021" / ".units.parquet.zz.tmp",
        proc / "2021" / "details" / ".L1.csv.zz.tmp",
        proc / ".write-check.k2j3.tmp",
    ]
    kept = [
        proc / ".2020.tmp-0a1b2c3d",              # another period's
        reports / "2020" / ".x.html.ab.tmp",        # another period's
        reports / "2021" / ".fresh.html.ab.tmp",    # written after the run started
        reports / "2021" / ".notes",                # not a temporary name
        reports / "2021" / "draft.tmp",             # not hidden: a user's file
        proc / "2021" / "units.parquet",
    ]
    for p in stale + kept:
        if ".tmp-" in p.name or ".old-" in p.name:
            p.mkdir(parents=True)
            (p / "units.parquet").write_text("x", encoding="utf-8")
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text("x", encoding="utf-8")
        when = started + 5 if p.name.startswith(".fresh") else old
        os.utime(p, (when, when))
    removed = runner.sweep_period("2021", reports, proc, started)
    assert sorted(removed) == sorted(stale)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in kept)


# --------------------------------------------------------------------------- 4. county.yaml


@pytest.mark.parametrize("text, expected", [
    ("demo: true", True), ("demo: True", True), ("demo: yes", True), ("demo: on", True),
    ('demo: "true"', True), ("demo: 'TRUE'", True), ("demo: 是", True), ('demo: "是"', True),
    ("demo: false", False), ("demo: No", False), ("demo: OFF", False), ('demo: "false"', False),
    ("demo: 否", False), ("demo:", False), ("county: 某县", False),
])
def test_demo_flag_spellings(tmp_path, text, expected):
    (tmp_path / "county.yaml").write_text(f"county: 某县\n{text}\n", encoding="utf-8")
    assert runner.is_demo_data(tmp_path) is expected


@pytest.mark.parametrize("value", ["1", "maybe", "[true]", "'ture'", "2021-01-01"])
def test_bad_demo_flag_is_refused_naming_file_and_key(value, tmp_path, county_dir, capsys):
    yaml_file = county_dir / "county.yaml"
    yaml_file.write_text(f"county: 某县\ndemo: {value}\n", encoding="utf-8")
    code, _, err = _main(capsys, ["--period", "2021", "--data", str(county_dir), "--out", str(tmp_path / "o"),
                                  "--processed", str(tmp_path / "p"), "--notebooks-dir", str(OK)])
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert str(yaml_file) in err and "demo = " in err and "true 或 false" in err
    assert not (tmp_path / "o").exists() and not (tmp_path / "p").exists()


def test_gbk_county_yaml_gets_a_two_line_message(tmp_path, county_dir, capsys):
    yaml_file = county_dir / "county.yaml"
    yaml_file.write_bytes("county: 某县\ndemo: 是\n".encode("gbk"))
    code, _, err = _main(capsys, ["--period", "2021", "--data", str(county_dir), "--out", str(tmp_path / "o"),
                                  "--processed", str(tmp_path / "p"), "--notebooks-dir", str(OK)])
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in err
    assert str(yaml_file) in lines[0] and "第 1 行" in lines[0] and "另存为" in lines[0]
    assert "UTF-8" in lines[1]


def test_county_yaml_with_bom_is_read_and_bad_yaml_names_the_line(tmp_path):
    (tmp_path / "county.yaml").write_bytes("county: 某县\ndemo: 否\n".encode("utf-8-sig"))
    assert runner.county_meta(tmp_path) == {"county": "某县", "demo": False}
    (tmp_path / "county.yaml").write_text("county: 某县\ndemo: [true\n", encoding="utf-8")
    with pytest.raises(runner.RunnerError) as info:
        runner.county_meta(tmp_path)
    message = str(info.value)
    assert "\n" not in message and str(tmp_path / "county.yaml") in message and "line 3" in message


@pytest.mark.parametrize("option", ["--out", "--processed"])
def test_read_only_output_folder_is_named_not_a_traceback(option, tmp_path, county_dir, capsys, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        if os.access(ro, os.W_OK):
            # running as root: the mode does not stop writes, so make them fail as on a read-only share
            real_mkstemp = tempfile.mkstemp

            def refusing(*args, dir=None, **kwargs):
                if dir is not None and Path(dir).resolve().is_relative_to(ro):
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))
                return real_mkstemp(*args, dir=dir, **kwargs)

            monkeypatch.setattr(tempfile, "mkstemp", refusing)
        folders = {"--out": str(tmp_path / "o"), "--processed": str(tmp_path / "p"), option: str(ro)}
        code, _, err = _main(capsys, ["--period", "2021", "--data", str(county_dir), "--notebooks-dir", str(OK),
                                      *[x for kv in folders.items() for x in kv]])
    finally:
        ro.chmod(0o755)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "Traceback" not in err
    assert str(ro) in lines[0] and option in lines[0] and "无法写入" in lines[0]
    assert "cannot write" in lines[1]


# --------------------------------------------------------------------------- 5. exit codes, messages


def test_data_given_as_a_file_is_a_usage_error(tmp_path, county_dir, capsys):
    code, _, err = _main(capsys, ["--period", "2021", "--data", str(county_dir / "county.yaml"),
                                  "--out", str(tmp_path / "o"), "--processed", str(tmp_path / "p")])
    assert code == 2
    assert err.strip().splitlines() == [
        f"错误 / ERROR: --data 应为县的数据文件夹，而 {county_dir / 'county.yaml'} 是一个文件 / --data must be "
        f"the county's data folder, but {county_dir / 'county.yaml'} is a file"]


def test_a_write_error_during_the_run_is_a_failure_naming_the_file(tmp_path, county_dir, capsys, monkeypatch):
    real = runner.atomic_write

    def disk_full_for_html(path, data):
        if str(path).endswith(".html"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(runner, "atomic_write", disk_full_for_html)
    reports = tmp_path / "reports"
    code, out, err = _main(capsys, ["--period", "2021", "--data", str(county_dir), "--out", str(reports),
                                    "--processed", str(tmp_path / "p"), "--notebooks-dir", str(OK),
                                    "--notebook", "params"])
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out + err
    assert f"{reports / '2021' / 'params.html'}" in lines[0] and "No space left on device" in lines[0]
    assert runner.read_status(reports / "2021")["status"] == "failed"
    assert not [p for p in (reports / "2021").iterdir() if p.name.startswith(".")]


def test_raw_data_error_message_stays_on_two_lines(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    exc = PapermillExecutionError(
        cell_index=4, exec_count=2, source="tables = load(raw)\nresult = clean_period(raw_dir, period, out)",
        ename="RawDataError", evalue="“办学\n条件.xlsx”工作表“专用\r\n教室”缺少 / missing", traceback=[])
    message = runner._failure_message("01_clean.py", exc, tmp_path / "clean.failed.ipynb")
    lines = message.splitlines()
    assert len(lines) == 2
    assert "原始数据有误" in lines[0] and "“办学 条件.xlsx”工作表“专用 教室”缺少 / missing" in lines[0]
    assert str(tmp_path / "clean.failed.ipynb") in lines[1]


def test_interrupt_exits_130_with_one_line(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run", interrupted)
    code, _, err = _main(capsys, ["--period", "2021"])
    assert code == 130
    assert len(err.strip().splitlines()) == 1 and "interrupted" in err


# --------------------------------------------------------------------------- 3. one writer, CSV formulas


EVIL_TEXT = [
    '=HYPERLINK("http://evil.example","点我")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "  =1+1",        # after leading spaces
    "\t=1+1",        # leading tab
    "\r+1",          # leading carriage return
]
SAFE_TEXT = ["第一小学", "-3", "+1.5", "a=b", None]


def _read_csv_cells(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_write_frame_neutralises_formulas_in_csv_only(tmp_path, umask_002):
    text = EVIL_TEXT + SAFE_TEXT
    df = pd.DataFrame({
        "name": text,
        "name_str": pd.array(text, dtype="string"),
        "gap": [-1.5] * len(text),
        "n": pd.array([-2] * (len(text) - 1) + [None], dtype="Int64"),
    })
    written = files.write_frame(df, tmp_path / "t")
    assert [p.name for p in written] == ["t.parquet", "t.csv"]
    rows = _read_csv_cells(tmp_path / "t.csv")
    assert rows[0] == ["name", "name_str", "gap", "n"]
    expected = ["'" + t for t in EVIL_TEXT] + ["第一小学", "-3", "+1.5", "a=b", ""]
    assert [r[0] for r in rows[1:]] == expected
    assert [r[1] for r in rows[1:]] == expected
    # numbers stay numbers: no quote, and pandas reads them back as numbers
    assert {r[2] for r in rows[1:]} == {"-1.5"} and [r[3] for r in rows[1:]] == ["-2"] * (len(text) - 1) + [""]
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert back["gap"].dtype == float and back["gap"].eq(-1.5).all()
    # parquet keeps the true text
    pq = pd.read_parquet(tmp_path / "t.parquet")
    assert pq["name"].tolist()[:-1] == text[:-1] and pd.isna(pq["name"].iloc[-1])
    # the caller's frame is unchanged; files have the usual mode; no temporary file left
    assert df["name"].iloc[0] == EVIL_TEXT[0]
    assert {p.stat().st_mode & 0o777 for p in written} == {umask_002}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.parquet"]


def test_a_csv_copy_written_later_from_the_parquet_file_is_the_same_file(tmp_path, umask_002):
    """A lean run (the region view) writes the parquet file only; a later run writes its CSV copy
    from it (files.csv_copy): the bytes write_frame writes, formulas neutralised the same way."""
    text = EVIL_TEXT + SAFE_TEXT
    df = pd.DataFrame({"name": pd.array(text, dtype="string"), "share": [0.125] * len(text),
                       "n": pd.array([3] * (len(text) - 1) + [None], dtype="Int64"),
                       "ok": pd.array([True] * (len(text) - 1) + [None], dtype="boolean")})
    both = files.write_frame(df, tmp_path / "both" / "t")
    assert [p.name for p in files.write_frame(df, tmp_path / "lean" / "t", csv=False)] == ["t.parquet"]
    assert not (tmp_path / "lean" / "t.csv").exists()
    copy = files.csv_copy(tmp_path / "lean" / "t.parquet")
    assert copy == tmp_path / "lean" / "t.csv" and copy.read_bytes() == both[1].read_bytes()
    assert [r[0] for r in _read_csv_cells(copy)[1:3]] == ["'" + EVIL_TEXT[0], "'" + EVIL_TEXT[1]]
    assert copy.stat().st_mode & 0o777 == umask_002
    assert sorted(p.name for p in (tmp_path / "lean").iterdir()) == ["t.csv", "t.parquet"]


def test_coerce_gives_the_declared_dtypes_and_checks_nothing():
    """schemas.coerce: pandera's coercion of validate, without its checks (for frames built from
    validated rows; cleaning.RECHECKED_AFTER_MERGE are validated again)."""
    from analysis import schemas

    df = pd.DataFrame({"school_code": ["A", "B"], "graduates": [120.0, 80.0],
                       "allocated_places": [30, None]})
    coerced, validated = schemas.coerce("quota", df), schemas.validate("quota", df)
    pd.testing.assert_frame_equal(coerced, validated)
    assert coerced["graduates"].tolist() == [120, 80] and str(coerced["graduates"].dtype) == "Int64"
    assert df["graduates"].dtype == float  # the caller's frame is not changed
    # a rule broken (a negative count, a repeated school): coerce lets it through, validate does not
    bad = pd.DataFrame({"school_code": ["A", "A"], "graduates": [-1, 5], "allocated_places": [0, 0]})
    assert schemas.coerce("quota", bad)["graduates"].tolist() == [-1, 5]
    with pytest.raises(Exception, match="greater_than_or_equal_to|unique"):
        schemas.validate("quota", bad)


def test_every_table_writer_uses_the_shared_writer(tmp_path, umask_002):
    """Engine results, projection outputs, the cleaning step's folder and the Excel form tables:
    formula text neutralised in the CSV, true text in parquet, all with the same file mode."""
    from test_reports import _cv, _units, _verdict

    from analysis.engine.verdict import Results
    from analysis.ingest import cleaning
    from analysis.planning import projection
    from analysis.reporting import workbook

    units, cv, verdict = _units(), _cv(), _verdict()   # school 002 is named =HYPERLINK(…)
    formula = units["school_name"].iloc[1]
    assert formula.startswith("=HYPERLINK")
    written = Results(units=units, cv=cv, verdict=verdict,
                      details={"L1": pd.DataFrame({"school_name": [formula], "v": [-1.0]})}).write(tmp_path / "eng")
    written += projection.write_results({"tasks": units[["school_name"]]}, tmp_path / "proj")
    cleaning._write_atomic({"schools": units[["school_code", "school_name"]]}, tmp_path / "clean", "2021")
    written += sorted((tmp_path / "clean" / "2021").iterdir())
    written.append(workbook.write_application_tables({"units": units, "cv": cv, "verdict": verdict},
                                                   tmp_path / "application_tables.xlsx"))
    written.append(files.atomic_write(tmp_path / "x.html", "<p>x</p>"))
    assert {p.stat().st_mode & 0o777 for p in written} == {umask_002}
    for csv_file in [tmp_path / "eng" / "units.csv", tmp_path / "eng" / "details" / "L1.csv",
                     tmp_path / "proj" / "tasks.csv", tmp_path / "clean" / "2021" / "schools.csv"]:
        rows = _read_csv_cells(csv_file)
        col = rows[0].index("school_name")
        assert "'" + formula in [r[col] for r in rows[1:]], csv_file
        assert formula in pd.read_parquet(csv_file.with_suffix(".parquet"))["school_name"].tolist()
    # G5's value "-3.5" is text in the verdict table but a plain number: left as it is
    rows = _read_csv_cells(tmp_path / "eng" / "verdict.csv")
    assert "-3.5" in [r[rows[0].index("value")] for r in rows[1:]]
    assert "'@SUM(A1:A3)" in [r[rows[0].index("evidence")] for r in rows[1:]]
    assert not [p for p in tmp_path.rglob(".*")]


def test_is_formula_like_by_hand():
    assert [files.is_formula_like(t) for t in EVIL_TEXT] == [True] * len(EVIL_TEXT)
    assert [files.is_formula_like(t) for t in ["第一小学", "-3", "+1.5", " -2e3 ", "a=b", "", "'=x"]] == [False] * 7


# --------------------------------------------------------------------------- 6. figures


def test_school_names_with_dollar_signs_do_not_break_figures(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import cbook

    from analysis.reporting import figures, plotting, projection_figures
    from analysis.schemas import validate

    names = ["学校$x^2$", r"$\foo$ 中学"]   # the second one stops matplotlib's mathtext parser
    base = {"stage": "小学", "school_type": "小学", "urban_rural": "乡村", "resource_share": 1.0,
            "included": True, "exclusion_reason": None, "missing_inputs": None, "students": 100}
    units = validate("units", pd.DataFrame([
        {**base, "school_code": f"00{i}", "school_name": n, **{f"L{k}": 4.0 + i for k in range(1, 8)},
         **{f"L{k}_ratio": 0.8 + i for k in range(1, 8)}, **{f"L{k}_met": bool(i) for k in range(1, 8)},
         "n_met": 7 * i, "unit_pass": bool(i)}
        for i, n in enumerate(names)]))
    traj = pd.DataFrame([{"scenario": "方案$1$", "year": y, "level": "学校", "school_code": "001",
                          "school_name": names[1], "stage": "小学", "indicator": "L3", "value": 0.5,
                          "standard": 0.9, "ratio": 0.5, "met": False, "included": True} for y in (2022, 2023)])
    figs = [
        figures.indicator_figure(units, "L1"),
        figures.ratio_heatmap(units),
        projection_figures.unit_trajectories(traj, analysis.load_standards(),
                                             "方案$1$"),
        projection_figures.cost_by_responsible(pd.DataFrame({"responsible_unit": [r"$\foo$局", "教育局"],
                                                             "cost_yuan": [1e4, 2e4]})),
        projection_figures.cost_by_year({r"$\foo$ 方案": pd.Series({2022: 1e4, 2023: 2e4})}),
    ]
    for i, fig in enumerate(figs):
        fig.savefig(tmp_path / f"f{i}.png", dpi=40)   # drawing parses every text: raises on bad mathtext
        texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
        plt.close(fig)
        assert not [t.get_text() for t in texts if cbook.is_math_text(t.get_text())], i
    labels = [t.get_text() for t in figs[0].axes[0].get_yticklabels()]
    assert sorted(labels) == sorted(plotting.plain_text(f"{n}（小学）") for n in names)
    assert plotting.plain_text("学校$x^2$") == r"学校\$x^2\$"
    assert [t.get_text() for t in figs[2].axes[2].texts] == [r"\$\foo\$ 中学小学"]
