"""Run the project's notebooks for one or more reporting periods (运行分析笔记本).

``notebooks/NN_name.py`` (jupytext py:percent) are executed with papermill's Python API (two at a
time for the bundled notebooks on two or more cores, see :func:`execute_notebooks`; another
folder's in file-name order), with typed parameters (``period`` as str, paths absolute str) in a kernel of this same
Python (:func:`kernel_name`: the project's kernel that ``make lab`` registers, else ``python3``).
For each notebook the executed ``reports/<period>/<name>.ipynb`` and its offline HTML export
``<name>.html`` are written whole or not at all (temporary file + ``os.replace``). A failed notebook
is kept as ``<name>.failed.ipynb``; no further notebook of the period is started. Nothing outside
``reports/<period>/`` of the periods being run is touched (except ``reports/index.html``).

Before anything is written the run checks its folders: the raw data folder, the processed folder
and the reports folder must be three separate folders (none equal to or inside another), and the
two output folders must be writable. Temporary files a killed run left behind are removed.

After each period ``reports/<period>/run_status.json`` records ok / failed, the time and the
one-line reason. When a period fails, its reports that this run did not write (from an earlier
run) are moved into ``reports/<period>/已过期_stale/`` so they cannot pass for current ones;
``reports/index.html`` shows the period as failed with the reason. A later successful run of the
period removes the stale copies it replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from analysis import paths
from analysis.config.county import county_meta, is_demo_data, standards_for
from analysis.config.standards import target_year as configured_target_year
from analysis.errors import ConfigError, RawDataError, one_line
from analysis.files import atomic_write, temporary_path
from analysis.pipeline.status import (
    STALE_DIR_NAME,
    STATUS_FILE,
    clear_stale_reports,
    now_text,
    read_status,
    retire_stale_reports,
    snapshot_reports,
    sweep_period,
    write_status,
)
from analysis.pipeline.steps import (
    STEP_NAMES,
    STEPS,
    Period,
    StepFailed,
    code_version,
    manifest_fingerprint,
    run_period,
)
from analysis.planning.costs import load_costs
from analysis.planning.projection import load_scenarios
from analysis.reporting.export import export_html
from analysis.reporting.index import write_index as write_reports_index

#: the project's kernel as ``make lab`` registers it in the environment (name, name shown in JupyterLab)
PROJECT_KERNEL, PROJECT_KERNEL_DISPLAY = "youzhi-junheng", "优质均衡 (.venv)"
#: ipykernel's own kernel of the running Python (always there)
KERNEL_NAME = "python3"
START_TIMEOUT = 120
#: seconds one cell may run: a kernel that hangs (e.g. jupyter/nbclient#312) fails the run with a
#: message instead of stalling a scheduled run for ever; the heaviest cells take well under a
#: minute at 600 schools
CELL_TIMEOUT = 1800
KERNEL_LOG_LEVEL = "CRITICAL"
NOTEBOOK_PATTERN = re.compile(r"^(\d+)_(.+)\.py$")
PERIOD_PATTERN = re.compile(r"^\d{4}$")


#: a problem with the run's inputs (missing folder, unknown notebook, bad county.yaml): the
#: usage/configuration error of :mod:`analysis.errors` (exit code 2)
RunnerError = ConfigError


@dataclass
class NotebookResult:
    period: str
    notebook: str  # file name, e.g. "02_indicators.py"
    ok: bool
    seconds: float
    html: Path | None = None
    ipynb: Path | None = None
    failed_ipynb: Path | None = None
    message: str = ""


@dataclass
class RunResult:
    results: list[NotebookResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


def report_name(notebook: str | Path) -> str:
    """``04_self_assessment.py`` → ``self_assessment`` (numeric prefix and suffix dropped)."""
    stem = Path(notebook).name
    match = NOTEBOOK_PATTERN.match(stem)
    if match:
        return match.group(2)
    return Path(stem).stem


def kernel_name() -> str:
    """The kernel papermill starts: the project's (``PROJECT_KERNEL``) when it is registered and
    starts this same Python, else ``python3`` (ipykernel's kernel of this Python). Either way the
    notebooks run with the package and the libraries of the environment running ``analysis``."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # lazy: only runs need it

    try:
        argv = KernelSpecManager().get_kernel_spec(PROJECT_KERNEL).argv
    except (NoSuchKernel, OSError, ValueError):
        return KERNEL_NAME
    same = bool(argv) and os.path.abspath(argv[0]) == os.path.abspath(sys.executable)
    return PROJECT_KERNEL if same else KERNEL_NAME


def list_notebooks(notebooks_dir: str | Path | None = None) -> list[Path]:
    """The ``NN_*.py`` notebooks of ``notebooks_dir`` (default: the project's) in file-name order."""
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR)
    if not notebooks_dir.is_dir():
        raise RunnerError(
            f"笔记本目录不存在：{notebooks_dir} / notebooks folder not found: {notebooks_dir}"
        )
    return sorted(p for p in notebooks_dir.iterdir() if p.is_file() and NOTEBOOK_PATTERN.match(p.name))


def select_notebooks(notebooks: list[Path], name: str | None) -> list[Path]:
    """All notebooks, or the one called ``name`` (with or without prefix / ``.py``)."""
    if not name:
        return notebooks
    wanted = Path(name).name
    wanted = wanted[:-3] if wanted.endswith(".py") else wanted
    chosen = [p for p in notebooks if p.stem == wanted or report_name(p) == wanted]
    if not chosen:
        available = ", ".join(p.name for p in notebooks) or "（无 / none）"
        raise RunnerError(
            f"找不到笔记本 {name!r}；可选：{available} / notebook {name!r} not found; available: {available}"
        )
    return chosen


def discover_periods(data_dir: str | Path) -> list[str]:
    """The county's periods: ``periods`` of its county.yaml when given, else every 4-digit
    subfolder of its raw data folder; sorted."""
    data_dir = Path(data_dir)
    if data_dir.exists() and not data_dir.is_dir():
        raise RunnerError(
            f"--data 应为县的数据文件夹，而 {data_dir} 是一个文件 / --data must be the county's data "
            f"folder, but {data_dir} is a file"
        )
    if not data_dir.is_dir():
        raise RunnerError(f"数据目录不存在：{data_dir} / data folder not found: {data_dir}")
    listed = county_meta(data_dir).get("periods")
    if listed:  # county.yaml says which periods are the county's (check_periods checks their folders)
        return sorted(dict.fromkeys(listed))
    return period_folders(data_dir)


def period_folders(data_dir: str | Path) -> list[str]:
    """The 4-digit subfolders of the county's raw data folder, sorted."""
    return sorted(p.name for p in Path(data_dir).iterdir() if p.is_dir() and PERIOD_PATTERN.match(p.name))


def unlisted_periods(data_dir: str | Path, periods: list[str]) -> list[str]:
    """Period folders that county.yaml's ``periods`` leaves out (not run by --all-periods)."""
    return [p for p in period_folders(data_dir) if p not in periods]


def _first_line(source: str) -> str:
    for line in str(source).splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: errors that mean "the county's data is wrong", not "the code is wrong"
DATA_ERRORS = ("RawDataError",)


def _failing_line(source: str, traceback: list[str] | None) -> str:
    """The cell line that raised, from IPython's ``Cell In[n], line k`` traceback entry.

    Falls back to the cell's first non-blank line when the traceback has no such entry.
    """
    for entry in traceback or []:
        text = _ANSI.sub("", str(entry))
        m = re.match(r"\s*Cell\s+In\s*\[\d*\],\s*line\s+(\d+)", text)
        if m:
            lines = str(source).splitlines()
            k = int(m.group(1))
            if 1 <= k <= len(lines) and lines[k - 1].strip():
                return lines[k - 1].strip()[:120]
            break
    return _first_line(source)


def _failure_message(notebook: str, exc: BaseException, failed_path: Path | None) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        line = _failing_line(exc.source, getattr(exc, "traceback", None))
        where = f"单元格 #{exc.cell_index} / cell index {exc.cell_index} `{line}`"
        why = f"{exc.ename}: {one_line(exc.evalue)}"
        if exc.ename in DATA_ERRORS:
            where = f"原始数据有误，请更正后重新运行 / raw data problem, fix it and run again ({where})"
    elif isinstance(exc, TimeoutError):  # nbclient's CellTimeoutError
        where = f"有单元格运行超过 {CELL_TIMEOUT} 秒，已停止 / a cell ran longer than {CELL_TIMEOUT} s and was stopped"
        why = f"{type(exc).__name__}: {one_line(exc)}"
    else:
        where = "执行前或执行中 / while starting or running the kernel"
        why = f"{type(exc).__name__}: {one_line(exc)}"
    line1 = f"失败 / FAILED {notebook}, {where} → {why}"
    if failed_path is not None:
        line2 = f"  已保留失败的笔记本 / failed notebook kept: {failed_path}"
        return f"{line1}\n{line2}"
    return line1


def notebook_parameters(period: str, data_dir: Path, processed_dir: Path, out_dir: Path,
                        settings: dict[str, str] | None = None) -> dict[str, str]:
    """The parameters every notebook gets: strings, paths absolute."""
    return {"period": str(period), "data_dir": str(data_dir), "processed_dir": str(processed_dir),
            "out_dir": str(out_dir), **{k: str(v) for k, v in (settings or {}).items()}}


#: per period, the fingerprint of each report's inputs (notebook text, parameters, the pipeline's
#: results, the code): an unchanged report is not executed again
REPORT_INPUTS = ".report_inputs.json"


def report_fingerprint(notebook: Path, parameters: dict, processed_dir: Path, period: str, demo: bool) -> str:
    """What a report depends on: its notebook, its parameters, the period's results, the code."""
    return hashlib.sha256(json.dumps([
        notebook.read_text(encoding="utf-8"), parameters, demo, code_version(),
        manifest_fingerprint(Path(processed_dir) / str(period)),
    ], sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]


def _read_report_inputs(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / REPORT_INPUTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def run_notebook(
    notebook: Path,
    *,
    period: str,
    data_dir: Path,
    processed_dir: Path,
    out_dir: Path,
    demo: bool,
    log: Callable[[str], None] = print,
    settings: dict[str, str] | None = None,
) -> NotebookResult:
    """Execute one notebook for one period; write ``<name>.ipynb`` and ``<name>.html`` atomically.

    ``settings``: further notebook parameters (``target_year``, ``scenario_dir``,
    ``standards_file``), passed as text ("" = the default)."""
    # lazy: `analysis check` and `analysis --help` need no notebook machinery
    import jupytext
    import nbformat
    import papermill as pm

    name = report_name(notebook)
    out_dir.mkdir(parents=True, exist_ok=True)
    final_ipynb = out_dir / f"{name}.ipynb"
    final_html = out_dir / f"{name}.html"
    failed_ipynb = out_dir / f"{name}.failed.ipynb"
    parameters = notebook_parameters(period, data_dir, processed_dir, out_dir, settings)
    started = time.monotonic()
    tmp = temporary_path(final_ipynb, suffix=".tmp.ipynb")  # papermill writes here; renamed at the end
    try:
        try:
            nb_in = jupytext.read(str(notebook))
            kernel = kernel_name()
            nb_in.metadata["kernelspec"] = {
                "name": kernel, "language": "python",
                "display_name": PROJECT_KERNEL_DISPLAY if kernel == PROJECT_KERNEL else "Python 3"}
            executed = pm.execute_notebook(
                nb_in,
                str(tmp),
                parameters=parameters,
                kernel_name=kernel,
                start_timeout=START_TIMEOUT,
                execution_timeout=CELL_TIMEOUT,
                cwd=str(notebook.parent),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                # the kernel's own log ("Kernel is running over TCP without encryption" on every
                # start) is noise for analysts; cell output and errors are not affected
                extra_arguments=[f"--IPKernelApp.log_level={KERNEL_LOG_LEVEL}"],
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes a report line
            kept: Path | None = None
            if tmp.is_file() and tmp.stat().st_size > 0:
                try:
                    nbformat.read(str(tmp), as_version=4)  # only keep a readable notebook
                    os.replace(tmp, failed_ipynb)
                    kept = failed_ipynb
                except Exception:  # noqa: BLE001
                    kept = None
            message = _failure_message(notebook.name, exc, kept)
            return NotebookResult(
                period, notebook.name, False, time.monotonic() - started,
                failed_ipynb=kept, message=message,
            )
        try:
            page = export_html(executed, demo=demo)
        except Exception as exc:  # noqa: BLE001
            os.replace(tmp, failed_ipynb)
            message = (
                f"失败 / FAILED {notebook.name}: HTML 导出出错 / HTML export failed → "
                f"{type(exc).__name__}: {one_line(exc)}\n  已保留笔记本 / notebook kept: {failed_ipynb}"
            )
            return NotebookResult(
                period, notebook.name, False, time.monotonic() - started,
                failed_ipynb=failed_ipynb, message=message,
            )
        # papermill wrote the executed notebook to tmp: write the HTML, then rename tmp into place.
        atomic_write(final_html, page)
        os.replace(tmp, final_ipynb)
        if failed_ipynb.exists():  # a stale failure of this same period and notebook
            failed_ipynb.unlink()
    finally:
        if tmp.exists():
            tmp.unlink()
    return NotebookResult(
        period, notebook.name, True, time.monotonic() - started, html=final_html, ipynb=final_ipynb
    )


# --------------------------------------------------------------------------- notebooks side by side


def notebook_jobs(jobs: int | None, bundled: bool) -> int:
    """How many notebooks run at once: ``jobs`` when given (at least 1); else 2 for the bundled
    notebooks (independent: each reads the persisted results) on a machine with 2 or more cores,
    and 1 for another folder's notebooks (they may build on one another)."""
    if jobs is not None:
        if int(jobs) < 1:
            raise RunnerError(f"--jobs 至少为 1，收到 {jobs} / --jobs must be at least 1, got {jobs}")
        return int(jobs)
    return min(2, os.cpu_count() or 1) if bundled else 1


def _one_line_at_a_time(*logs: Callable[[str], None]) -> tuple[Callable[[str], None], ...]:
    """The log functions, called under one lock: two notebooks' lines (``print`` writes a line and
    its newline separately) never run into one another."""
    lock = threading.Lock()

    def locked(fn: Callable[[str], None]) -> Callable[[str], None]:
        def call(line: str) -> None:
            with lock:
                fn(line)
        return call
    return tuple(locked(fn) for fn in logs)


def execute_notebooks(notebooks: list[Path], execute: Callable[[Path], NotebookResult],
                      jobs: int = 1) -> Iterator[NotebookResult]:
    """Run ``execute`` on each notebook, ``jobs`` at a time; yield the results as they finish.

    After a failure no further notebook is started (those already running finish); the caller
    lists the ones without a result as not run. With ``jobs`` = 1 they run in order in this thread.
    The workers are daemon threads: Ctrl-C stops the run at once (each notebook's kernel exits
    with its parent; the next run removes the temporary files), not after the running notebooks.
    """
    if jobs <= 1 or len(notebooks) <= 1:
        for nb in notebooks:
            res = execute(nb)
            yield res
            if not res.ok:
                return
        return
    import jupytext  # noqa: F401  (lazy: the notebook machinery, imported once before the threads)
    import nbformat  # noqa: F401
    import papermill  # noqa: F401

    todo = deque(notebooks)
    finished: queue.Queue = queue.Queue()
    lock, stop = threading.Lock(), threading.Event()

    def worker() -> None:
        try:
            while True:
                with lock:
                    if stop.is_set() or not todo:
                        return
                    nb = todo.popleft()
                try:
                    res = execute(nb)
                except Exception as exc:  # noqa: BLE001 - a worker never dies silently
                    res = NotebookResult("", nb.name, False, 0.0,
                                         message=f"失败 / FAILED {nb.name}: {type(exc).__name__}: {one_line(exc)}")
                if not res.ok:
                    stop.set()
                finished.put(res)
        finally:
            finished.put(None)  # this worker is done

    workers = [threading.Thread(target=worker, name=f"notebook-{i + 1}", daemon=True)
               for i in range(min(jobs, len(notebooks)))]
    for t in workers:
        t.start()
    alive = len(workers)
    while alive:
        res = finished.get()
        if res is None:
            alive -= 1
        else:
            yield res


# --------------------------------------------------------------------------- folder checks

#: the run's folders, by command-line option, with their name for users
FOLDER_LABELS = {
    "--data": "原始数据目录 / raw data folder",
    "--processed": "处理后数据目录 / processed folder",
    "--out": "报告目录 / reports folder",
}


def _same_dir(a: Path, b: Path) -> bool:
    if os.path.normcase(str(a)) == os.path.normcase(str(b)):
        return True
    try:
        return os.path.samefile(a, b)  # the same folder reached another way (bind mount, case)
    except OSError:
        return False


def _inside(inner: Path, outer: Path) -> bool:
    """True when ``inner`` is ``outer`` or lies somewhere below it."""
    return any(_same_dir(p, outer) for p in (inner, *inner.parents))


def check_separate_folders(folders: dict[str, Path], defaults: Iterable[str] = ()) -> None:
    """Refuse (``RunnerError``) when two of the run's folders are the same or one lies inside another.

    ``folders`` maps the option (``--data``, ``--processed``, ``--out``) to its resolved path;
    ``defaults`` names the options that were not given (their message says "default"). The raw
    data must never be overwritten, and the cleaning step replaces ``<processed>/<period>/`` whole,
    so reports and processed tables cannot share a folder either.
    """
    defaults = set(defaults)
    items = [(opt, Path(os.path.realpath(p))) for opt, p in folders.items()]
    for i, (a_opt, a) in enumerate(items):
        for b_opt, b in items[i + 1:]:
            a_name = f"{a_opt}{'（默认 / default）' if a_opt in defaults else ''} {a}"
            b_name = f"{b_opt}{'（默认 / default）' if b_opt in defaults else ''} {b}"
            if _inside(a, b) and _inside(b, a):
                zh, en = f"{a_name} 与 {b_name} 是同一个目录", f"{a_name} is the same folder as {b_name}"
            elif _inside(a, b):
                zh, en = f"{a_name} 位于 {b_name} 之内", f"{a_name} lies inside {b_name}"
            elif _inside(b, a):
                zh, en = f"{a_name} 包含 {b_name}", f"{a_name} contains {b_name}"
            else:
                continue
            raise RunnerError(
                f"{zh}：原始数据、处理后数据、报告须为三个互不包含的目录；未写入任何文件。\n"
                f"  {en}: the raw data, processed and reports folders must be separate (none inside "
                "another); nothing was written."
            )


def check_writable(folder: Path, option: str) -> None:
    """Create ``folder`` if needed and write (then remove) a probe file; ``RunnerError`` if not possible."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary_path(folder / "write-check").unlink()  # can a file be created here?
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise RunnerError(
            f"无法写入{FOLDER_LABELS[option].split(' / ')[0]} {folder}（只读或没有权限？{why}）；请用 {option} "
            f"另选可写的目录。\n  cannot write to the {FOLDER_LABELS[option].split(' / ')[1]} {folder} "
            f"({why}); choose a writable folder with {option}."
        ) from None


def _write_failure(period: str, nb_name: str, exc: OSError) -> str:
    target = exc.filename or ""
    why = exc.strerror or one_line(exc)
    return (
        f"失败 / FAILED {nb_name}: 无法写入文件 / cannot write file {target} → {type(exc).__name__}: {why}"
    )


# --------------------------------------------------------------------------- run


def _run_steps(ctx: Period, log: Callable[[str], None]) -> NotebookResult | None:
    """The period's pipeline steps; a failure as a result line (at most two lines), else None."""
    t0 = time.monotonic()
    log("  计算 / computing: " + " → ".join(STEPS))
    try:
        run_period(ctx)
    except StepFailed as exc:
        err = exc.error
        kind = ("原始数据有误，请更正后重新运行 / raw data problem, fix it and run again"
                if isinstance(err, RawDataError) else f"{type(err).__name__}")
        message = f"失败 / FAILED {STEP_NAMES[exc.step]} / {exc.step}（{kind}）→ {one_line(err)}"
        return NotebookResult(ctx.period, f"{exc.step} (pipeline)", False, time.monotonic() - t0,
                              message=message)
    return None


def check_periods(data_dir: Path, periods: Iterable[str]) -> list[str]:
    """The periods as strings, each a 4-digit year with a folder in ``data_dir`` (RunnerError
    naming what is wrong otherwise)."""
    periods = [str(p) for p in periods]
    if not periods:
        raise RunnerError(
            f"没有要运行的报告期：{data_dir} 下没有四位数字的子目录，也没有 --period。 / "
            f"no period to run: no 4-digit subfolder in {data_dir} and no --period given."
        )
    for period in periods:
        if not PERIOD_PATTERN.match(period):
            raise RunnerError(
                f"报告期应为四位年份（如 2021），收到 {period!r} / period must be a 4-digit year such as 2021, got {period!r}"
            )
    missing = [p for p in periods if not (data_dir / p).is_dir()]
    if missing:
        available = "、".join(discover_periods(data_dir)) or "（无 / none）"
        raise RunnerError(
            f"数据目录 {data_dir} 中没有报告期文件夹 {'、'.join(missing)}；现有：{available} / "
            f"no period folder {', '.join(missing)} in {data_dir}; available: {available}"
        )
    return periods


def run(
    periods: Iterable[str],
    *,
    data_dir: str | Path | None = None,
    processed_dir: str | Path | None = None,
    reports_dir: str | Path | None = None,
    notebooks_dir: str | Path | None = None,
    notebook: str | None = None,
    log: Callable[[str], None] = print,
    log_error: Callable[[str], None] | None = None,
    write_index: bool = True,
    target_year: int | None = None,
    scenario_dir: str | Path | None = None,
    standards_file: str | Path | None = None,
    force: bool = False,
    jobs: int | None = None,
) -> RunResult:
    """Compute each period's pipeline steps, then run its notebooks; reports go to
    ``<reports_dir>/<period>/``.

    Defaults: ``data_dir`` = data/raw/demo, ``processed_dir`` = data/processed,
    ``reports_dir`` = reports/, ``notebooks_dir`` = notebooks/ (all absolute, from the package).
    The steps (:mod:`analysis.pipeline.steps`) run in this process, once per period, and are
    skipped when their inputs are unchanged; a report whose inputs are unchanged is not executed
    again either (``force=True`` redoes everything). With another ``notebooks_dir`` the steps are
    not run: those notebooks are on their own (they may call :func:`analysis.pipeline.results`).
    Problems with the inputs (periods, folders, county.yaml) raise ``RunnerError`` before anything
    is written. A failed step or notebook stops that period; the other periods still run.
    Failure messages go to ``log_error`` (default ``log``).

    ``jobs``: how many notebooks of a period run at the same time (:func:`notebook_jobs`; default:
    the bundled notebooks, which only read the persisted results, two at a time on a machine with
    two or more cores; another ``notebooks_dir``'s one at a time, in order, as they may build on
    one another).
    """
    log, log_error = _one_line_at_a_time(log, log_error or log)  # notebooks log from their threads
    started = time.time()
    given = {"--data": data_dir, "--processed": processed_dir, "--out": reports_dir}
    data_dir = Path(data_dir or paths.DEMO_RAW_DIR).resolve()
    processed_dir = Path(processed_dir or paths.PROCESSED_DIR).resolve()
    reports_dir = Path(reports_dir or paths.REPORTS_DIR).resolve()
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR).resolve()
    check_separate_folders(
        {"--data": data_dir, "--processed": processed_dir, "--out": reports_dir},
        defaults=[opt for opt, value in given.items() if not value],
    )

    periods = check_periods(data_dir, periods)
    notebooks = select_notebooks(list_notebooks(notebooks_dir), notebook)
    if not notebooks:
        raise RunnerError(
            f"{notebooks_dir} 中没有 NN_名称.py 笔记本 / no NN_name.py notebooks in {notebooks_dir}"
        )
    meta = county_meta(data_dir)
    demo = bool(meta.get("demo"))
    bundled = notebooks_dir == paths.NOTEBOOKS_DIR.resolve()
    n_jobs = notebook_jobs(jobs, bundled)
    standards = standards_for(data_dir, standards_file)
    if bundled:  # every configuration file checked before anything is written (exit 2)
        load_scenarios(scenario_dir)
        load_costs()
    try:
        year = configured_target_year(standards, meta) if target_year is None else int(target_year)
    except ValueError as exc:
        raise RunnerError(one_line(exc)) from None
    settings = {"target_year": str(year) if target_year is not None else "",
                "scenario_dir": str(Path(scenario_dir).resolve()) if scenario_dir else "",
                "standards_file": str(Path(standards_file).resolve()) if standards_file else ""}
    check_writable(processed_dir, "--processed")
    for period in periods:
        check_writable(reports_dir / period, "--out")

    result = RunResult()
    for period in periods:
        out_dir = reports_dir / period
        log(f"== 报告期 / period {period}  ({len(notebooks)} 个笔记本 / notebooks) → {out_dir}")
        swept = sweep_period(period, reports_dir, processed_dir, started)
        if swept:
            log(f"  已清理上次中断留下的临时文件 / removed {len(swept)} temporary file(s) left by an "
                f"interrupted run: {', '.join(p.name for p in swept)}")
        before = snapshot_reports(out_dir)
        status = {"period": period, "status": "running", "started": now_text(), "finished": None,
                  "notebooks": [p.name for p in notebooks], "failed_notebook": None,
                  "failed_ipynb": None, "message": ""}
        try:
            write_status(out_dir, **status)
        except OSError as exc:
            log_error(f"警告 / WARNING: {out_dir / STATUS_FILE} 未能写入 / not written: {one_line(exc)}")
        failure: NotebookResult | None = None
        if bundled:
            failure = _run_steps(Period(period, data_dir, processed_dir, out_dir, standards=standards,
                                        scenario_dir=Path(scenario_dir).resolve() if scenario_dir else None,
                                        target_year=year, force=force, log=log, meta=meta), log)
            if failure is not None:
                result.results.append(failure)
                log_error(failure.message)
                log("  未运行 / not run: " + ", ".join(p.name for p in notebooks))
        inputs = _read_report_inputs(out_dir)
        done: dict[str, NotebookResult] = {}
        pending: list[Path] = []
        fingerprints: dict[str, str | None] = {}
        for nb_path in notebooks if failure is None else []:
            params = notebook_parameters(period, data_dir, processed_dir, out_dir, settings)
            fp = report_fingerprint(nb_path, params, processed_dir, period, demo) if bundled else None
            name = report_name(nb_path)
            kept = [out_dir / f"{name}.html", out_dir / f"{name}.ipynb"]
            if fp is not None and not force and inputs.get(nb_path.name) == fp and all(p.is_file() for p in kept):
                for p in kept:
                    os.utime(p)  # current: confirmed by this run
                done[nb_path.name] = NotebookResult(period, nb_path.name, True, 0.0, html=kept[0], ipynb=kept[1])
                log(f"  未变化，沿用 / unchanged, kept {nb_path.name} → {kept[0]}")
                continue
            fingerprints[nb_path.name] = fp
            pending.append(nb_path)

        def execute(nb_path: Path) -> NotebookResult:
            log(f"  运行 / running {nb_path.name} …")
            t0 = time.monotonic()
            try:
                return run_notebook(
                    nb_path, period=period, data_dir=data_dir, processed_dir=processed_dir,
                    out_dir=out_dir, demo=demo, log=log, settings=settings,
                )
            except OSError as exc:  # disk full, folder made read-only during the run, …
                return NotebookResult(period, nb_path.name, False, time.monotonic() - t0,
                                      message=_write_failure(period, nb_path.name, exc))

        for res in execute_notebooks(pending, execute, jobs=n_jobs):
            done[res.notebook] = res
            if res.ok:
                if fingerprints.get(res.notebook) is not None:
                    inputs[res.notebook] = fingerprints[res.notebook]
                    atomic_write(out_dir / REPORT_INPUTS, json.dumps(inputs, indent=1) + "\n")
                log(f"  完成 / done    {res.notebook}  {res.seconds:.1f} s → {res.html}")
            else:
                failure = failure or res
                log_error(res.message)
        skipped = [p.name for p in pending if p.name not in done]
        if skipped:
            log("  未运行 / not run: " + ", ".join(skipped))
        result.results += [done[p.name] for p in notebooks if p.name in done]
        status["finished"] = now_text()
        try:
            if failure is None:
                clear_stale_reports(out_dir)
                status["status"] = "ok"
            else:
                moved = retire_stale_reports(out_dir, before)
                if moved:
                    log(f"  旧报告已移入 / earlier reports moved to {out_dir / STALE_DIR_NAME}: {', '.join(moved)}")
                status.update(
                    status="failed", failed_notebook=failure.notebook,
                    failed_ipynb=failure.failed_ipynb.name if failure.failed_ipynb else None,
                    message=failure.message.splitlines()[0].strip(), stale=moved,
                )
            write_status(out_dir, **status)
        except OSError as exc:
            log_error(f"警告 / WARNING: {out_dir / STATUS_FILE} 未能写入 / not written: {one_line(exc)}")
    if write_index:
        try:
            index = write_reports_index(
                reports_dir, processed_root=processed_dir, county=str(meta.get("county") or ""), demo=demo
            )
            log(f"索引 / index: {index}")
        except Exception as exc:  # noqa: BLE001 - the reports themselves are already written
            log_error(f"警告 / WARNING: 报告索引未能生成 / reports/index.html not written: "
                      f"{type(exc).__name__}: {one_line(exc)}")
    return result


__all__ = [
    "RunnerError",
    "RunResult",
    "NotebookResult",
    "run",
    "run_notebook",
    "execute_notebooks",
    "notebook_jobs",
    "list_notebooks",
    "select_notebooks",
    "discover_periods",
    "is_demo_data",
    "county_meta",
    "report_name",
    "check_separate_folders",
    "check_writable",
    "read_status",
    "STALE_DIR_NAME",
    "STATUS_FILE",
]
