"""County-size benchmark: one period of counties of 35, 150, 300 and 600 schools (issue #15).

    python benchmarks/bench_county_size.py                    # 35, 150, 300, 600 schools
    python benchmarks/bench_county_size.py --schools 300 600  # some sizes only
    python benchmarks/bench_county_size.py --keep DIR         # keep the counties and reports

For each size the benchmark writes the county itself (``analysis.write_demo(n_schools=N)``: the
35 demo schools, then varied copies of them, periods 2019–2021; the same as
``python -m analysis.demo --schools N``) and measures, in a fresh process each:

1. **full run from nothing** — ``analysis run --period 2021`` on empty processed and reports
   folders: cleaning 2021, and 2019 and 2020 once as its history (never processed before), every
   step, every report notebook;
2. **full run of the newest period** — the same after 2019 and 2020 were run first (the usual
   case: a county runs each period when its data come), so the history is read, not cleaned.

Printed per size: the wall time of each run and its peak memory (the memory of the whole
process tree — the runner and its notebook kernel — as the sum of their proportional set sizes,
sampled every 0.1 s; and the largest resident set of a single process), the seconds of each step and notebook, the plan (seconds of the plan step and of
the solver in it, the solver's status, the model's size, the budget example), the bytes of the
period's HTML; then the plan on period 2019's own tables (the most shortfalls) at each size.
Goals (issue #15): plan proven optimal ≤ 2 s at 300 schools and ≤ 10 s at 600; a period's full
run at 600 ≤ 60 s with peak memory ≤ 1 GB; its HTML ≤ 3 MB. Figures only, nothing asserted: the
machine (2 cores, shared) makes every time vary, so the machine's load is printed too, and the
CPU seconds of each run (the runner and its kernels, user + system), which load changes little:
on an idle machine a run's wall time is about its CPU time (the steps and notebooks run one at a
time).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import analysis
from analysis.planning.optimise import optimise

SIZES = (35, 150, 300, 600)
PERIOD = "2021"
GOALS = {"plan_300": 2.0, "plan_600": 10.0, "run_600": 60.0, "memory_600": 1e9, "html_600": 3e6}


# ---------------------------------------------------------------- memory of a process tree
def _children(pid: int) -> list[int]:
    out = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").glob("*"))
    except OSError:  # the process ended between two samples
        return out
    for task in tasks:
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of a process in bytes: the proportional set size counts a page shared by n
    processes as 1/n in each, so the PSS of a process tree adds up to the memory it really uses."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
            elif line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return pss, rss


class TreeMemory(threading.Thread):
    """Samples the memory of a process and all its descendants every 0.1 s: the peak of their
    summed PSS (``peak``) and the largest RSS of one of them (``peak_single``)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.peak_single, self.done = pid, 0, 0, False

    def run(self) -> None:
        while not self.done:
            todo, seen, total = [self.pid], set(), 0
            while todo:
                p = todo.pop()
                if p in seen:
                    continue
                seen.add(p)
                pss, rss = _memory(p)
                total += pss
                self.peak_single = max(self.peak_single, rss)
                todo += _children(p)
            self.peak = max(self.peak, total)
            time.sleep(0.1)


def run_period(data: Path, processed: Path, reports: Path, period: str) -> dict:
    """``analysis run --period`` in a fresh process: wall seconds, peak memory, its log."""
    cmd = [sys.executable, "-m", "analysis", "run", "--period", period, "--data", str(data),
           "--processed", str(processed), "--out", str(reports)]
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    mem = TreeMemory(proc.pid)
    mem.start()
    log, _ = proc.communicate()
    seconds = time.perf_counter() - t0
    mem.done = True
    mem.join()
    if proc.returncode != 0:
        raise SystemExit(f"analysis run failed ({proc.returncode}):\n{log}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and every kernel it waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "cpu": cpu, "peak": mem.peak, "peak_single": mem.peak_single, "log": log}


def _steps(log: str) -> str:
    """The step and notebook times of a run's log, on one line."""
    steps = re.findall(r"^\s{4}(\w+): (\d+\.\d) s", log, flags=re.M)
    kept = re.findall(r"^\s{4}(\w+): 输入未变化", log, flags=re.M)
    books = re.findall(r"完成 / done\s+\d\d_(\w+)\.py\s+(\d+\.\d) s", log)
    return ("steps " + ", ".join(f"{n} {s}" for n, s in steps)
            + (f" (kept: {', '.join(kept)})" if kept else "")
            + " | notebooks " + ", ".join(f"{n} {s}" for n, s in books))


def _plan_line(info: dict) -> str:
    size = info.get("model_size") or {}
    b = info.get("budget_example") or {}
    gap = "proven" if info.get("proven") else f"gap {info.get('gap')}"
    return (f"plan step {info['solve_seconds']:.2f} s (solver {info.get('mip_seconds', float('nan')):.2f} s, "
            f"{info['iterations']} rounds), {info['status']} [verified {info['verified']}, {gap}], "
            f"{size.get('variables', '?')} variables / {size.get('rows', '?')} rows; budget example "
            f"{b.get('solve_seconds', float('nan')):.2f} s, {b.get('status')} "
            f"[{'proven' if b.get('proven') else 'not proven'}]")


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗ NOT MET"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schools", type=int, nargs="+", default=list(SIZES), help="county sizes (default 35 150 300 600)")
    ap.add_argument("--keep", default=None, help="keep the counties, processed data and reports in this folder")
    args = ap.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_county_"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"county-size benchmark, period {PERIOD}, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, folder {root}")
    goals: dict[str, bool] = {}
    standards = analysis.load_standards()
    try:
        for n in args.schools:
            t0 = time.perf_counter()
            data = analysis.write_demo(root / f"c{n}" / "raw", periods=("2019", "2020", PERIOD), n_schools=n)
            written = time.perf_counter() - t0
            print(f"\n== {n} schools (workbooks written in {written:.1f} s)")
            # 1. from nothing
            proc, rep = root / f"c{n}" / "processed_a", root / f"c{n}" / "reports_a"
            a = run_period(data, proc, rep, PERIOD)
            info = json.loads((proc / PERIOD / "plan.json").read_text(encoding="utf-8"))
            html = {p.name: p.stat().st_size for p in sorted((rep / PERIOD).glob("*.html"))}
            print(f"  full run from nothing: {a['seconds']:.1f} s (CPU {a['cpu']:.1f} s), peak memory {a['peak'] / 1e9:.2f} GB "
                  f"(largest process {a['peak_single'] / 1e9:.2f} GB)")
            print(f"    {_steps(a['log'])}")
            print(f"    {_plan_line(info)}")
            print(f"    HTML {sum(html.values()) / 1e6:.2f} MB: " + ", ".join(f"{k} {v / 1e3:.0f} KB" for k, v in html.items()))
            pages = [p for p in (rep / PERIOD / "schools").glob("*") if p.is_file()]
            print(f"    school pages (issue #16, beside the reports): {len(pages)} files, "
                  f"{sum(p.stat().st_size for p in pages) / 1e6:.2f} MB")
            # 2. the newest period after the earlier ones
            proc, rep = root / f"c{n}" / "processed_b", root / f"c{n}" / "reports_b"
            for p in ("2019", "2020"):
                run_period(data, proc, rep, p)
            b = run_period(data, proc, rep, PERIOD)
            print(f"  full run of {PERIOD} after 2019 and 2020: {b['seconds']:.1f} s (CPU {b['cpu']:.1f} s), peak memory "
                  f"{b['peak'] / 1e9:.2f} GB (largest process {b['peak_single'] / 1e9:.2f} GB)")
            print(f"    {_steps(b['log'])}")
            # the plan on period 2019's own tables (its target year: the most shortfalls)
            tables = analysis.load_period(proc, "2019", validate=False)
            t0 = time.perf_counter()
            plan = optimise(tables, standards, 2019)
            hard = time.perf_counter() - t0
            gap = "proven" if plan.proven else f"gap {plan.gap}"
            print(f"  plan on 2019's own tables: {hard:.2f} s (solver {plan.mip_seconds:.2f} s, {plan.iterations} rounds), "
                  f"{plan.status} [{gap}], cost {plan.cost_total:,.0f} 元, {plan.size['variables']} variables")
            step = info["solve_seconds"] if info.get("proven") else float("inf")
            stress = hard if plan.proven else float("inf")
            for size, key in ((300, "plan_300"), (600, "plan_600")):
                if n == size:
                    goals[f"plan proven optimal ≤ {GOALS[key]:g} s at {size} schools ({step:.1f} s)"] = step <= GOALS[key]
                    goals[f"  (stress, not the goal: on 2019's own tables {stress:.1f} s)"] = stress <= GOALS[key]
            if n == 600:
                for label, r in (("from nothing", a), ("newest period", b)):
                    goals[f"full run at 600 ≤ 60 s ({label}: {r['seconds']:.0f} s wall, {r['cpu']:.0f} s CPU)"] = \
                        r["seconds"] <= GOALS["run_600"]
                goals[f"peak memory at 600 ≤ 1 GB ({max(a['peak'], b['peak']) / 1e9:.2f} GB)"] = \
                    max(a["peak"], b["peak"]) <= GOALS["memory_600"]
                goals[f"period HTML at 600 ≤ 3 MB ({sum(html.values()) / 1e6:.2f} MB)"] = \
                    sum(html.values()) <= GOALS["html_600"]
        if goals:
            print("\ngoals (issue #15):")
            for text, ok in goals.items():
                print(f"  {_mark(ok)}  {text}")
        print(f"\nload average at the end {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
