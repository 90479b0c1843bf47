"""Pipeline benchmark: a period's run against the notebook floor (issue #11).

    python benchmarks/bench_pipeline.py                # period 2021 of the demo county, 3 pairs
    python benchmarks/bench_pipeline.py --pairs 5 --period 2020
    python benchmarks/bench_pipeline.py --jobs 1          # the notebooks one at a time

The **floor** is what the runner costs with nothing to compute: the same number of
parameter-only notebooks (a parameters cell and nothing else), executed and exported by the same
runner, with the same number of notebooks at a time (``--jobs``, default 2: the runner's default
for the bundled notebooks on two or more cores). Measured alternately in one run, so that the
machine's load affects both alike:

1. **full run**: a period from scratch (empty processed and reports folders): the pipeline steps
   in the runner process, then every report notebook;
2. **floor**: the parameter-only notebooks;
3. **unchanged rerun**: the same period again, nothing changed (steps and reports kept);
4. **check**: ``analysis check`` of the period (cleaning and validation only).

Printed: the median seconds of each, and the ratios full/floor (goal ≤ 1.5), rerun/floor (goal
≤ 1.1) and check/full (goal ≤ 0.3); the bytes of the period's HTML (goal ≤ 1.5 MB); 1,000 Monte
Carlo draws (goal ≤ 1 s). Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import analysis
from analysis.settings import configure_pandas

HERE = Path(__file__).resolve().parent
PARAMS_ONLY = '''# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 参数
#
# 只有参数单元格的笔记本（基准的“下限”）。

# %% tags=["parameters"]
period = "2021"
data_dir = ""
processed_dir = ""
out_dir = ""
'''


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> None:
    configure_pandas()  # as the `analysis` command does (analysis.settings)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", default="2021")
    ap.add_argument("--pairs", type=int, default=3, help="alternated measurements (default 3)")
    ap.add_argument("--data", default=str(HERE.parent / "data" / "raw" / "demo"))
    ap.add_argument("--jobs", type=int, default=2, help="notebooks at a time, in both runs (default 2)")
    args = ap.parse_args(argv)
    data = Path(args.data).resolve()
    n_notebooks = len(analysis.list_notebooks())

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_dir = tmp / "floor_notebooks"
        floor_dir.mkdir()
        for k in range(1, n_notebooks + 1):
            (floor_dir / f"{k:02d}_params{k}.py").write_text(PARAMS_ONLY, encoding="utf-8")
        full, floor, rerun, check = [], [], [], []
        html_bytes = {}
        for i in range(args.pairs):
            proc, rep = tmp / f"proc{i}", tmp / f"rep{i}"

            def run_full():
                res = analysis.run([args.period], data_dir=data, processed_dir=proc, reports_dir=rep,
                                   log=lambda *_: None, jobs=args.jobs)
                assert res.ok, [r.message for r in res.results if not r.ok]

            full.append(_timed(run_full))
            floor.append(_timed(lambda: analysis.run(
                [args.period], data_dir=data, processed_dir=tmp / f"fp{i}", reports_dir=tmp / f"fr{i}",
                notebooks_dir=floor_dir, log=lambda *_: None, write_index=False, jobs=args.jobs)))
            rerun.append(_timed(run_full))
            check.append(_timed(lambda: analysis.check_period(data, args.period, tmp / f"chk{i}")))
            html_bytes = {p.name: p.stat().st_size for p in sorted((rep / args.period).glob("*.html"))}
            shutil.rmtree(proc)
            shutil.rmtree(rep)

        med = {k: statistics.median(v) for k, v in (("full", full), ("floor", floor), ("rerun", rerun),
                                                     ("check", check))}
        print(f"period {args.period} of {data}, {n_notebooks} notebooks ({args.jobs} at a time), "
              f"median of {args.pairs} alternated runs")
        for k, v in (("full", full), ("floor", floor), ("rerun", rerun), ("check", check)):
            print(f"  {k:6s} {med[k]:7.2f} s   ({', '.join(f'{x:.2f}' for x in v)})")
        print(f"  full / floor   {med['full'] / med['floor']:5.2f}×   (goal ≤ 1.5)")
        print(f"  rerun / floor  {med['rerun'] / med['floor']:5.2f}×   (goal ≤ 1.1)")
        print(f"  check / full   {med['check'] / med['full']:5.2f}×   (goal ≤ 0.3)")
        total = sum(html_bytes.values())
        print(f"  HTML of the period: {total / 1e6:.2f} MB (goal ≤ 1.5 MB): "
              + ", ".join(f"{k} {v / 1e3:.0f} KB" for k, v in html_bytes.items()))

    # 1,000 Monte Carlo draws on the period's own tables (the engine, vectorised over draws)
    with tempfile.TemporaryDirectory() as tmp:
        analysis.clean_period(data, args.period, tmp)
        tables = analysis.load_period(tmp, args.period)
        standards = analysis.load_standards()
        t = time.perf_counter()
        analysis.monte_carlo(tables, standards, 1, n=1000, sd_per_year=0.05)
        print(f"  1,000 Monte Carlo draws: {time.perf_counter() - t:.2f} s (goal ≤ 1 s)")


if __name__ == "__main__":
    main()
