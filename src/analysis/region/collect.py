"""Every county of a region, cleaned and evaluated by the one engine (地区各县的数据).

A region folder holds one folder per county. A county folder is either

- **raw** (the raw contract): ``county.yaml`` and ``<period>/*.xlsx``. Its periods are cleaned and
  evaluated by the pipeline's own steps (:func:`analysis.pipeline.steps.run_period`, ``until=
  "evaluate"``) into ``<out>/processed/<county>/<period>/``, as a lean run (``Period.lean``): the
  parquet tables and the units, CVs and verdict the region reads. With ``workbooks`` (``analysis
  region --workbooks``) the steps write everything a county's own run writes: the county's
  data-quality list and application workbook in ``<out>/counties/<county>/<period>/``, the
  indicators' details, the form's figures and every table's CSV copy. The steps' fingerprints
  keep a county whose inputs did not change: a second run of the region only reads the results.
- **processed**: ``county.yaml`` and ``<period>/`` holding the processed tables (``schools.parquet``
  …, as in ``data/processed/<period>/``). Its results (``verdict``, ``cv``, ``units``) are read
  when they are there, else computed in memory by :func:`analysis.engine.evaluate`. The county
  folder is never written.

A county's own reports, when it has them, are in ``<county>/reports/<period>/`` (the folder
``analysis run --out`` writes); the region's page links them.

A county whose data cannot be used (a missing workbook, a bad county.yaml, any error of a step)
is recorded with its one-line error; the other counties go on.
"""

from __future__ import annotations

import gc
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from analysis.config.county import county_meta, standards_for
from analysis.engine import evaluate
from analysis.errors import ConfigError, err, one_line
from analysis.ingest.tables import load_period
from analysis.paths import APPLICATION_WORKBOOK, QUALITY_WORKBOOK
from analysis.pipeline.context import STEP_NAMES, Period
from analysis.pipeline.runner import PERIOD_PATTERN
from analysis.pipeline.steps import StepFailed, run_period
from analysis.planning.costs import load_costs
from analysis.reporting.texts import read_processed

#: what the region keeps of each county's period (small: the 32 statuses, 14 CVs, the units),
#: table → the columns read
RESULT_COLUMNS = {
    "verdict": ["no", "code", "name", "status"],
    "cv": ["stage", "indicator", "cv_shown", "limit", "passed"],
    "units": ["school_code", "stage", "included", "unit_pass"],
}
#: the county's own reports linked from the region page, in this order (file → title)
COUNTY_REPORTS = {
    "self_assessment.html": "自评报告",
    "rectification.html": "整改报告",
    "indicators.html": "指标计算",
    APPLICATION_WORKBOOK: "申报表（Excel）",
    QUALITY_WORKBOOK: "数据质量问题清单（Excel）",
}


@dataclass
class CountyPeriod:
    """One county's results for one period, or the error that stopped them."""

    period: str
    source: str = ""  # "raw" (computed), "kept" (raw, unchanged since the last run), "processed"
    verdict: pd.DataFrame | None = None
    cv: pd.DataFrame | None = None
    units: pd.DataFrame | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.verdict is not None


@dataclass
class County:
    """One county folder of the region and what came of it."""

    folder: Path
    name: str
    demo: bool = False
    periods: dict[str, CountyPeriod] = field(default_factory=dict)
    error: str | None = None  # the county as a whole could not be read (county.yaml, no period)
    reports: dict[str, list[tuple[str, Path]]] = field(default_factory=dict)  # period → (title, file)
    #: the county's adjustments of the national standards (county.yaml ``overrides``, as
    #: ``standards_for`` records them: path, national, value, source, origin): its results are
    #: judged by them, so the region page flags the county
    overrides: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[tuple[str, str]]:
        """(period or "", message) of every problem of the county."""
        out = [("", self.error)] if self.error else []
        return out + [(p, r.error) for p, r in self.periods.items() if r.error]


def natural_key(name: str) -> tuple:
    """Sort key putting 示例县2 before 示例县10 (digit runs compared as numbers)."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", name) if t)


def county_folders(counties_dir: str | Path) -> list[Path]:
    """The county folders of a region folder: its sub-folders, by name (hidden ones left out).

    Raises :class:`ConfigError` when the folder does not exist or holds no sub-folder."""
    root = Path(counties_dir)
    if not root.is_dir():
        raise ConfigError(err(f"找不到地区文件夹 {root}（应每县一个子文件夹）",
                              f"region folder not found: {root} (one sub-folder per county)"))
    if (root / "county.yaml").is_file():
        raise ConfigError(err(f"{root} 是一个县的文件夹（有 county.yaml）；--counties 应为放各县文件夹的上一级文件夹",
                              f"{root} is one county's folder (it has county.yaml); --counties is the folder "
                              "holding the county folders"))
    folders = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))),
                     key=lambda p: natural_key(p.name))
    if not folders:
        raise ConfigError(err(f"{root} 中没有县的文件夹（应每县一个子文件夹，内有 county.yaml 和各期文件夹）",
                              f"{root} holds no county folder (one per county, with county.yaml and period folders)"))
    return folders


def _period_folders(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and PERIOD_PATTERN.match(p.name))


def _kind(period_dir: Path) -> str | None:
    """"raw" (workbooks), "processed" (processed tables) or None (neither)."""
    if not period_dir.is_dir():
        return None
    names = {p.name for p in period_dir.iterdir() if p.is_file()}
    if any(n.lower().endswith((".xlsx", ".xlsm")) and not n.startswith(("~$", ".")) for n in names):
        return "raw"
    if "schools.parquet" in names:
        return "processed"
    return None


def _small(results: dict[str, pd.DataFrame | None]) -> dict[str, pd.DataFrame | None]:
    return {name: None if results.get(name) is None else results[name][cols]
            for name, cols in RESULT_COLUMNS.items()}


def _read_results(folder: Path) -> dict[str, pd.DataFrame | None]:
    """The persisted verdict, cv and units of a period's folder, only the columns the region shows
    (parquet; the CSV copy when there is no parquet file); None for a table not there."""
    out = {}
    for name, cols in RESULT_COLUMNS.items():
        f = folder / f"{name}.parquet"
        out[name] = pd.read_parquet(f, columns=cols) if f.is_file() else read_processed(folder, name)
    return out


@lru_cache(maxsize=1)
def _costs() -> dict:
    """The unit costs, read once per process (the clean and evaluate steps do not use them)."""
    return load_costs()


def _from_raw(folder: Path, period: str, processed_root: Path, counties_out: Path, standards: dict,
              meta: dict, workbooks: bool = False) -> CountyPeriod:
    ctx = Period(period, folder, processed_root / folder.name, counties_out / folder.name / period,
                 standards=standards, meta=meta, costs=_costs(), lean=not workbooks)
    ran = run_period(ctx, until="evaluate")
    return CountyPeriod(period, "raw" if any(ran.values()) else "kept", **_small(_read_results(ctx.folder)))


def _from_processed(folder: Path, period: str, standards: dict) -> CountyPeriod:
    tables = _read_results(folder / period)
    if any(t is None for t in tables.values()):  # processed tables without results: evaluate them
        res = evaluate(load_period(folder, period, validate=True), standards)
        tables = {"verdict": res.verdict, "cv": res.cv, "units": res.units}
    return CountyPeriod(period, "processed", **_small(tables))


def county_reports(folder: Path, periods: Iterable[str]) -> dict[str, list[tuple[str, Path]]]:
    """The county's own reports in ``<county>/reports/<period>/`` (title, file), per period."""
    out = {}
    for p in periods:
        d = folder / "reports" / p
        found = [(title, d / name) for name, title in COUNTY_REPORTS.items() if (d / name).is_file()]
        if found:
            out[p] = found
    return out


def collect_county(folder: Path, periods: list[str] | None, processed_root: Path, counties_out: Path,
                   workbooks: bool = False) -> County:
    """Clean and evaluate one county's periods (all of them, or ``periods``); never raises for
    the county's data: every problem is recorded on the returned :class:`County`. ``workbooks``:
    also write each raw period's Excel workbooks into ``counties_out`` (a full run of the steps,
    not a lean one)."""
    folder = Path(folder)
    county = County(folder, folder.name)
    try:
        meta = county_meta(folder)
        county.name = str(meta.get("county") or folder.name)
        county.demo = bool(meta.get("demo"))
        standards = standards_for(folder)
        county.overrides = [dict(item) for item in standards.get("overrides") or []]
    except Exception as exc:  # noqa: BLE001 - a bad county.yaml is this county's problem only
        county.error = one_line(exc)
        return county
    if not (folder / "county.yaml").is_file():
        county.error = err(f"{folder} 中没有 county.yaml（县名、是否示例数据）",
                           f"no county.yaml in {folder} (the county's name, demo or not)")
        return county
    own = _period_folders(folder)
    wanted = list(periods) if periods else own
    if not wanted:
        county.error = err(f"{folder} 中没有期文件夹（如 2021/）", f"no period folder (e.g. 2021/) in {folder}")
        return county
    for period in wanted:
        t0 = time.perf_counter()
        kind = _kind(folder / period)
        try:
            if kind == "raw":
                result = _from_raw(folder, period, processed_root, counties_out, standards, meta, workbooks)
            elif kind == "processed":
                result = _from_processed(folder, period, standards)
            elif (folder / period).is_dir():
                result = CountyPeriod(period, error=err(
                    f"{folder / period} 中既没有原始工作簿（*.xlsx）也没有处理后的数据表（schools.parquet 等）",
                    f"{folder / period} holds neither raw workbooks (*.xlsx) nor processed tables"))
            else:
                result = CountyPeriod(period, error=err(f"没有 {period} 期的数据（{folder / period} 不存在）",
                                                        f"no data for {period} ({folder / period} not found)"))
        except StepFailed as exc:
            result = CountyPeriod(period, error=one_line(f"{STEP_NAMES.get(exc.step, exc.step)}（{exc.step}）：{exc.error}"))
        except Exception as exc:  # noqa: BLE001 - one county's broken data never stops the region
            result = CountyPeriod(period, error=one_line(f"{type(exc).__name__}: {exc}"))
        result.seconds = time.perf_counter() - t0
        county.periods[period] = result
    county.reports = county_reports(folder, county.periods)
    return county


def _collect_one(args: tuple) -> County:
    return collect_county(*args)


#: the garbage collector's thresholds during a region run: a collection after every 20,000 new
#: objects instead of Python's 700 (the engine's pandas calls make many small objects; the
#: collector's scans were a few per cent of the time, for the same peak memory)
GC_THRESHOLD = (20_000, 10, 10)


def _worker_setup(string_storage: str) -> None:
    """A worker process reads text as the parent does (analysis.settings: spawned workers, on
    Windows and macOS, would start with pandas' default) and collects garbage as rarely."""
    pd.set_option("mode.string_storage", string_storage)
    gc.set_threshold(*GC_THRESHOLD)


def collect_region(counties_dir: str | Path, periods: list[str] | None, processed_root: Path, counties_out: Path,
                   jobs: int = 1, log: Callable[[str], None] = lambda line: None,
                   workbooks: bool = False) -> list[County]:
    """Every county of the region, in folder order; ``jobs`` > 1 runs counties in that many
    processes (each county in one of them, the same steps). Logs one progress line per county.
    ``workbooks``: also write the counties' Excel workbooks (:func:`collect_county`)."""
    folders = county_folders(counties_dir)
    n = len(folders)
    work = [(f, periods, Path(processed_root), Path(counties_out), workbooks) for f in folders]

    def line(i: int, c: County) -> str:
        shown = "；".join(f"{p} {'✓' if r.ok else '✗'}" for p, r in c.periods.items())
        state = f"出错 / error: {c.error}" if c.error else shown
        seconds = sum(r.seconds for r in c.periods.values())
        return f"  [{i}/{n}] {c.name}：{state}（{seconds:.1f} s）"

    # the objects alive now (the imported modules: pandas, the engine …) stay for the whole run:
    # the garbage collector leaves them out of its scans meanwhile (a few per cent of the time;
    # forked workers inherit it, as the gc module's documentation advises before a fork), and
    # runs less often (GC_THRESHOLD)
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        if jobs <= 1 or n == 1:
            out = []
            for i, w in enumerate(work, start=1):
                out.append(_collect_one(w))
                log(line(i, out[-1]))
            return out
        setup = partial(_worker_setup, pd.get_option("mode.string_storage"))
        with ProcessPoolExecutor(max_workers=min(jobs, n, os.cpu_count() or 1), initializer=setup) as pool:
            out = []
            for i, c in enumerate(pool.map(_collect_one, work, chunksize=1), start=1):
                out.append(c)
                log(line(i, c))
            return out
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
