"""Region benchmark (issue #17): ``analysis region`` over many demo counties, and the national engine.

    python benchmarks/bench_region.py                       # 100 counties × 3 periods, 2 processes
    python benchmarks/bench_region.py --counties 10 --jobs 1
    python benchmarks/bench_region.py --engine-scale 1      # also the national-scale engine (bench_engine.py)

1. **raw**: every county cleaned from its workbooks and evaluated (the pipeline's clean and
   evaluate steps), the region's page and workbook written: goal ≤ 60 s for 100 × 3 on 2 cores;
2. **processed**: the same region again with the first run's results in place (each county's
   steps unchanged: the persisted verdict, CVs and units are read): goal ≤ 10 s;
3. where the raw run's time goes: the steps' own seconds from each period's ``_pipeline.json``
   (clean, evaluate), summed over the counties;
4. with ``--engine-scale S``: ``bench_engine.py --scale S`` in a child process (national size: 1),
   whose figures are printed as they are (goal: engine ≤ 1.5 × parquet read time, < 4 GB peak).

The demo region is generated once under ``benchmarks/_data/region_<N>/`` (gitignored, not timed).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.demo import write_demo_region
from analysis.region import run_region
from analysis.settings import configure_pandas

HERE = Path(__file__).resolve().parent


def _step_seconds(processed: Path) -> dict[str, float]:
    total: dict[str, float] = {}
    for manifest in processed.rglob("_pipeline.json"):
        for step, entry in json.loads(manifest.read_text(encoding="utf-8")).items():
            total[step] = total.get(step, 0.0) + float(entry.get("seconds", 0.0))
    return total


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> None:
    configure_pandas()  # as the `analysis` command does (analysis.settings)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=100, help="demo counties (default 100)")
    ap.add_argument("--jobs", type=int, default=2, help="processes (default 2: the goal's 2 cores)")
    ap.add_argument("--engine-scale", type=float, default=None,
                    help="also run bench_engine.py at this scale (1 = national size)")
    ap.add_argument("--regenerate", action="store_true", help="write the demo region again")
    args = ap.parse_args(argv)

    data = HERE / "_data" / f"region_{args.counties}"
    if args.regenerate and data.exists():
        shutil.rmtree(data)
    if not data.is_dir():
        t = time.perf_counter()
        write_demo_region(data, args.counties)
        print(f"generated {args.counties} demo counties × 3 periods in {time.perf_counter() - t:.1f} s: {data}")
    n_periods = len({p.name for c in data.iterdir() for p in c.iterdir()
                     if p.is_dir() and p.name.isdigit() and len(p.name) == 4})
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (other work shares the cores: "
          f"compare the CPU seconds); jobs {args.jobs}", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench_region_") as tmp:
        out = Path(tmp) / "out"
        t, c = time.perf_counter(), _cpu()
        first = run_region(data, None, out, jobs=args.jobs)
        raw, raw_cpu = time.perf_counter() - t, _cpu() - c
        t, c = time.perf_counter(), _cpu()
        second = run_region(data, None, out, jobs=1)
        kept, kept_cpu = time.perf_counter() - t, _cpu() - c
        steps = _step_seconds(out / "processed")
        computed = sum(1 for c in first.counties for r in c.periods.values() if r.source == "raw")
        reread = sum(1 for c in second.counties for r in c.periods.values() if r.source == "kept")
        html_kb = (out / "index.html").stat().st_size / 1024
    n = args.counties * n_periods
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    print(f"region         {args.counties} counties × {n_periods} periods = {n} county-periods "
          f"({computed} computed, {first.exit_code=})")
    print(f"raw            {raw:8.1f} s  ({raw / n:.2f} s per county-period; goal ≤ 60 s for 300); "
          f"CPU {raw_cpu:.1f} s ({raw_cpu / n:.2f} s per county-period)")
    print(f"processed      {kept:8.1f} s  ({reread} county-periods read back; goal ≤ 10 s for 300); CPU {kept_cpu:.1f} s")
    print("steps (sum over county-periods, all processes): "
          + ", ".join(f"{k} {v:.1f} s ({v / max(n, 1):.2f} s each)" for k, v in steps.items()))
    print(f"page           {html_kb:8.0f} KB index.html")
    print(f"peak memory    {max(peak, child):8.2f} GiB (max RSS of this process {peak:.2f}, of a worker {child:.2f})")

    if args.engine_scale is not None:
        print(f"--- national-scale engine: bench_engine.py --scale {args.engine_scale:g}")
        subprocess.run([sys.executable, str(HERE / "bench_engine.py"), "--scale", str(args.engine_scale)], check=True)


if __name__ == "__main__":
    main()
