"""The region view (地区汇总): every county of a city or province side by side.

``run_region(counties_dir, periods, out_dir)`` cleans and evaluates every county folder of
``counties_dir`` with the pipeline's steps and the one engine, in this process (or ``jobs``
processes), and writes ``<out_dir>/index.html`` and ``<out_dir>/region_tables.xlsx``
(``analysis region``). :mod:`analysis.region.collect` reads the counties,
:mod:`analysis.region.tables` computes the tables, :mod:`analysis.region.report` writes them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from analysis.config.standards import load_standards, period_year
from analysis.errors import ConfigError, err
from analysis.pipeline.runner import check_writable
from analysis.region.collect import County, collect_region, county_folders
from analysis.region.report import WORKBOOK_NAME, write_region_html, write_region_workbook
from analysis.region.tables import RegionTables, region_tables

__all__ = ["RegionResult", "run_region", "County", "RegionTables", "region_tables", "county_folders"]


@dataclass
class RegionResult:
    counties: list[County]
    tables: RegionTables
    html: Path
    workbook: Path
    seconds: float

    @property
    def exit_code(self) -> int:
        """0 every county and period computed; 1 some could not be, or a county lacks the period
        of the tables (listed in the report's 数据问题)."""
        return 1 if len(self.tables.errors) else 0


def _inside(a: Path, b: Path) -> bool:
    return a == b or b in a.parents


def run_region(counties_dir: str | Path, periods: list[str] | None, out_dir: str | Path, jobs: int = 1,
               log: Callable[[str], None] = lambda line: None, workbooks: bool = False) -> RegionResult:
    """Every county of ``counties_dir``: clean, evaluate, and write the region's report to ``out_dir``.

    ``periods``: the periods to show (None: every period any county has); the tables are of the
    last one, the trends of all. ``workbooks``: also write each raw county's Excel workbooks
    (申报表, 数据质量问题清单) into ``<out_dir>/counties/<county>/<period>/`` and link the last
    period's from the page: the clean and evaluate steps as a county's own run has them (CSV copies,
    the indicators' details and the form's figures included). Off by default: a lean run
    (``Period.lean``) writes what the region reads, in about half the time.

    Raises :class:`ConfigError` (nothing written) for a missing region folder or an output folder
    inside it; a county's own problems are listed, never raised.
    """
    t0 = time.perf_counter()
    counties_dir, out_dir = Path(counties_dir).resolve(), Path(out_dir).resolve()
    folders = county_folders(counties_dir)
    if _inside(out_dir, counties_dir) or _inside(counties_dir, out_dir):
        raise ConfigError(err(f"--out {out_dir} 与 --counties {counties_dir} 不能相同或互相包含（县的数据只读）；未写入任何文件",
                              f"--out {out_dir} and --counties {counties_dir} must be separate folders "
                              "(the counties' data is never written); nothing was written"))
    check_writable(out_dir, "--out")
    log(f"地区汇总 / region: {len(folders)} 个县 / counties in {counties_dir}")
    counties = collect_region(counties_dir, periods, out_dir / "processed", out_dir / "counties", jobs=jobs, log=log,
                              workbooks=workbooks)
    shown = list(periods) if periods else sorted({p for c in counties for p in c.periods}, key=period_year)
    if not shown:
        shown = []
    period = shown[-1] if shown else ""
    standards = load_standards()
    tables = region_tables(counties, period, shown, standards)
    html = write_region_html(tables, counties, out_dir, standards, workbooks=workbooks)
    book = write_region_workbook(tables, out_dir / WORKBOOK_NAME, standards, demo=any(c.demo for c in counties))
    seconds = time.perf_counter() - t0
    log(f"写出 / written: {html}、{book.name}（{seconds:.1f} s）")
    return RegionResult(counties, tables, html, book, seconds)

