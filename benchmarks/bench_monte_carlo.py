"""Monte Carlo benchmark: 1,000 draws of the demo county's target-year enrolment (issue #11).

    python benchmarks/bench_monte_carlo.py                 # 1,000 draws, period 2021 → 2022, baseline
    python benchmarks/bench_monte_carlo.py --draws 5000 --repeat 5

Cleans the demo county's raw data (``data/raw/demo``, every period up to ``--period``) into a
temporary folder, projects to the target year with the ``baseline`` scenario (not timed), then
times ``monte_carlo`` (all draws in one engine run) ``--repeat`` times and prints the first and
the best time, the time per draw and the ratio to the goal of 1 s for 1,000 draws (scaled to
the number of draws asked for). The figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOAL_S_PER_1000 = 1.0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=1000, help="draws per run (default 1000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs (default 3)")
    ap.add_argument("--period", default="2021", help="current period (default 2021)")
    ap.add_argument("--target", type=int, default=2022, help="target year (default 2022)")
    ap.add_argument("--sd", type=float, default=0.05, help="relative sd per projected year (default 0.05)")
    ap.add_argument("--data", default=str(HERE.parent / "data" / "raw" / "demo"), help="raw data folder")
    args = ap.parse_args(argv)

    from analysis.config.standards import load_standards, period_year
    from analysis.planning.projection import (
        load_history,
        load_scenario,
        monte_carlo,
        project,
    )

    standards = load_standards()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        history = load_history(args.period, args.data, tmp)
        projected = project(history, load_scenario("baseline"), args.target, standards)
        print(f"cleaned and projected {args.period} → {args.target} in {time.perf_counter() - t:.1f} s (not timed)")
    tables = projected[args.target]
    years_ahead = args.target - period_year(args.period)
    print("target-year rows: " + ", ".join(
        f"{k} {len(tables[k]):,}" for k in ("schools", "enrolment", "teachers", "facilities")))

    times = []
    for _ in range(max(1, args.repeat)):
        t = time.perf_counter()
        mc = monte_carlo(tables, standards, years_ahead, n=args.draws, sd_per_year=args.sd, seed=0)
        times.append(time.perf_counter() - t)
    goal = GOAL_S_PER_1000 * args.draws / 1000
    units = mc[mc["indicator"] == "每校达标"]
    overall = float(mc.loc[mc["indicator"] == "全部达标", "pass_probability"].iloc[0])
    print(f"result: {len(units)} units, {int((units['pass_probability'] < 1).sum())} below 100%; "
          f"全部达标 probability {overall:.1%}")
    print(f"draws          {args.draws:8,d}")
    print(f"first run      {times[0]:8.3f} s")
    print(f"best of {len(times):<6d} {min(times):8.3f} s  ({min(times) / args.draws * 1000:.2f} ms per draw)")
    print(f"ratio          {min(times) / goal:8.2f} × the goal of {goal:g} s "
          f"(first run {times[0] / goal:.2f} ×)")
    print(f"peak memory    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MiB (max RSS)")


if __name__ == "__main__":
    main()
