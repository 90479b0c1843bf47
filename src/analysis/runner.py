"""Run the project's notebooks for one or more reporting periods (运行分析笔记本).

``notebooks/NN_name.py`` (jupytext py:percent) are executed in file-name order with papermill's
Python API, with typed parameters (``period`` as str, paths absolute str) and kernel ``python3``.
For each notebook the executed ``reports/<period>/<name>.ipynb`` and its offline HTML export
``<name>.html`` are written whole or not at all (temporary file + ``os.replace``). A failed notebook
is kept as ``<name>.failed.ipynb``; the period's later notebooks are not run. Nothing outside
``reports/<period>/`` of the periods being run is touched (except ``reports/index.html``).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from . import paths
from .export import atomic_write, default_file_mode, export_html

KERNEL_NAME = "python3"
START_TIMEOUT = 120
KERNEL_LOG_LEVEL = "CRITICAL"
NOTEBOOK_PATTERN = re.compile(r"^(\d+)_(.+)\.py$")
PERIOD_PATTERN = re.compile(r"^\d{4}$")


class RunnerError(Exception):
    """A problem with the run's inputs (missing folder, unknown notebook); message is for users."""


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


def list_notebooks(notebooks_dir: str | Path) -> list[Path]:
    """The ``NN_*.py`` notebooks of ``notebooks_dir`` in file-name order."""
    notebooks_dir = Path(notebooks_dir)
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
    """Every 4-digit subfolder of the county's raw data folder, sorted."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise RunnerError(f"数据目录不存在：{data_dir} / data folder not found: {data_dir}")
    return sorted(p.name for p in data_dir.iterdir() if p.is_dir() and PERIOD_PATTERN.match(p.name))


def county_meta(data_dir: str | Path) -> dict:
    """``<data_dir>/county.yaml`` as a dict (``county``: name, ``demo``: bool); {} when missing."""
    county = Path(data_dir) / "county.yaml"
    if not county.is_file():
        return {}
    try:
        meta = yaml.safe_load(county.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise RunnerError(
            f"{county} 不是有效的 YAML：{exc} / {county} is not valid YAML: {exc}"
        ) from exc
    if not isinstance(meta, dict):
        raise RunnerError(
            f"{county} 应为键值表（如 county: 某县, demo: true） / {county} must be a mapping "
            f"(e.g. county: name, demo: true), got {type(meta).__name__}"
        )
    return meta


def is_demo_data(data_dir: str | Path) -> bool:
    """True when ``<data_dir>/county.yaml`` says ``demo: true``; a missing file means not demo."""
    return county_meta(data_dir).get("demo") is True


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
        why = f"{exc.ename}: {exc.evalue}"
        if exc.ename in DATA_ERRORS:
            where = f"原始数据有误，请更正后重新运行 / raw data problem, fix it and run again ({where})"
    else:
        where = "执行前或执行中 / while starting or running the kernel"
        why = f"{type(exc).__name__}: {exc}"
    line1 = f"失败 / FAILED {notebook}, {where} → {why}"
    if failed_path is not None:
        line2 = f"  已保留失败的笔记本 / failed notebook kept: {failed_path}"
        return f"{line1}\n{line2}"
    return line1


def _tmp_path(folder: Path, final_name: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{final_name}.", suffix=".tmp.ipynb", dir=folder)
    os.close(fd)
    os.chmod(tmp, default_file_mode())
    return Path(tmp)


def run_notebook(
    notebook: Path,
    *,
    period: str,
    data_dir: Path,
    processed_dir: Path,
    out_dir: Path,
    demo: bool,
    log: Callable[[str], None] = print,
) -> NotebookResult:
    """Execute one notebook for one period; write ``<name>.ipynb`` and ``<name>.html`` atomically."""
    import jupytext
    import nbformat
    import papermill as pm

    name = report_name(notebook)
    out_dir.mkdir(parents=True, exist_ok=True)
    final_ipynb = out_dir / f"{name}.ipynb"
    final_html = out_dir / f"{name}.html"
    failed_ipynb = out_dir / f"{name}.failed.ipynb"
    parameters = {
        "period": str(period),
        "data_dir": str(data_dir),
        "processed_dir": str(processed_dir),
        "out_dir": str(out_dir),
    }
    started = time.monotonic()
    tmp = _tmp_path(out_dir, f"{name}.ipynb")
    try:
        try:
            nb_in = jupytext.read(str(notebook))
            nb_in.metadata.setdefault(
                "kernelspec", {"name": KERNEL_NAME, "display_name": "Python 3", "language": "python"}
            )
            executed = pm.execute_notebook(
                nb_in,
                str(tmp),
                parameters=parameters,
                kernel_name=KERNEL_NAME,
                start_timeout=START_TIMEOUT,
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
                f"{type(exc).__name__}: {exc}\n  已保留笔记本 / notebook kept: {failed_ipynb}"
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


def run(
    periods: Iterable[str],
    *,
    data_dir: str | Path | None = None,
    processed_dir: str | Path | None = None,
    reports_dir: str | Path | None = None,
    notebooks_dir: str | Path | None = None,
    notebook: str | None = None,
    log: Callable[[str], None] = print,
    write_index: bool = True,
) -> RunResult:
    """Run the notebooks for each period; reports go to ``<reports_dir>/<period>/``.

    Defaults: ``data_dir`` = data/raw/demo, ``processed_dir`` = data/processed,
    ``reports_dir`` = reports/, ``notebooks_dir`` = notebooks/ (all absolute, from the package).
    A failed notebook stops that period; the other periods still run.
    """
    data_dir = Path(data_dir or paths.DEMO_RAW_DIR).resolve()
    processed_dir = Path(processed_dir or paths.PROCESSED_DIR).resolve()
    reports_dir = Path(reports_dir or paths.REPORTS_DIR).resolve()
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR).resolve()

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
    notebooks = select_notebooks(list_notebooks(notebooks_dir), notebook)
    if not notebooks:
        raise RunnerError(
            f"{notebooks_dir} 中没有 NN_名称.py 笔记本 / no NN_name.py notebooks in {notebooks_dir}"
        )
    meta = county_meta(data_dir)
    demo = meta.get("demo") is True

    result = RunResult()
    for period in periods:
        out_dir = reports_dir / period
        log(f"== 报告期 / period {period}  ({len(notebooks)} 个笔记本 / notebooks) → {out_dir}")
        for nb_path in notebooks:
            log(f"  运行 / running {nb_path.name} …")
            res = run_notebook(
                nb_path, period=period, data_dir=data_dir, processed_dir=processed_dir,
                out_dir=out_dir, demo=demo, log=log,
            )
            result.results.append(res)
            if res.ok:
                log(f"  完成 / done    {nb_path.name}  {res.seconds:.1f} s → {res.html}")
            else:
                log(res.message)
                skipped = notebooks[notebooks.index(nb_path) + 1:]
                if skipped:
                    log("  未运行 / not run: " + ", ".join(p.name for p in skipped))
                break
    if write_index:
        try:
            from .report import write_index as write_reports_index

            index = write_reports_index(
                reports_dir, processed_root=processed_dir, county=str(meta.get("county") or ""), demo=demo
            )
            log(f"索引 / index: {index}")
        except Exception as exc:  # noqa: BLE001 - the reports themselves are already written
            log(f"警告 / WARNING: 报告索引未能生成 / reports/index.html not written: {type(exc).__name__}: {exc}")
    return result


__all__ = [
    "RunnerError",
    "RunResult",
    "NotebookResult",
    "run",
    "run_notebook",
    "list_notebooks",
    "select_notebooks",
    "discover_periods",
    "is_demo_data",
    "county_meta",
    "report_name",
]
