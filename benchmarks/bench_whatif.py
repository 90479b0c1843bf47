"""What-if benchmark: seconds per change on the demo county (issue #16; goal ≤ 0.2 s).

    python benchmarks/bench_whatif.py                 # period 2021 of the demo county, 5 rounds
    python benchmarks/bench_whatif.py --rounds 10 --base now

The period's steps are computed first into a temporary folder (not timed). Then, per round, one
change of every kind is added to a fresh what-if on the period (baseline: the target year), each
timed from the call to the outcome (applying every change so far, the engine rerunning what the
new change reaches). Each round starts from a fresh what-if, so that no result is reused from an
earlier round. Printed: the opening time, per kind of change the median and the largest seconds
and how many of the 32 indicators were computed afresh, and an undo (results seen before). Beside
the wall-clock seconds, the process's CPU seconds (``time.process_time``): on a machine shared
with other work the wall clock also counts the time other processes had the cores.
Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from analysis import paths
from analysis.pipeline.steps import Period, run_period
from analysis.whatif import WhatIf, open_period

HERE = Path(__file__).resolve().parent


def changes(w) -> list[tuple[str, dict]]:
    """One change of each kind on the demo county's schools (codes of the bundled county_plan)."""
    first, *_, last = list(w.school_names)
    teachers = w.tables["teachers"]
    pe = teachers[(teachers["subject"] == "体育") & teachers["full_time"].fillna(False).astype(bool)]
    donor = pe.groupby(["school_code", "stage"]).size().sort_values(ascending=False).index[0]
    entry = w._entry["school_code"].astype(str).iloc[0]
    return [
        ("moves", {"from_school": donor[0], "to_school": first if donor[0] != first else last, "stage": donor[1],
                   "count": 1, "subject": "体育"}),
        ("hires", {"school": first, "stage": "小学", "subject": "音乐", "count": 2}),
        ("designations", {"school": first, "stage": "小学", "count": 1, "level": "县级"}),
        ("construction", {"school": last, "sports_ground_m2": 800}),
        ("equipment", {"school": last, "yuan": 200000}),
        ("multimedia", {"school": last, "rooms": 2}),
        ("special_rooms", {"school": first, "room_type": "美术", "count": 1, "area_m2": 90}),
        ("entrants", {"school": entry, "count": 90}),
    ]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--period", default="2021")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--base", default="target", choices=["target", "now"])
    ap.add_argument("--data", default=str(paths.DEMO_RAW_DIR))
    args = ap.parse_args(argv)
    data = Path(args.data).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ctx = Period(args.period, data, tmp / "processed", tmp / "reports" / args.period)
        run_period(ctx, until="project")
        t0 = time.perf_counter()
        w = open_period(args.period, data, tmp / "processed", tmp / "reports" / args.period, base=args.base)
        opened = time.perf_counter() - t0
        kinds = changes(w)
        seconds: dict[str, list[float]] = {k: [] for k, _ in kinds}
        cpu: dict[str, list[float]] = {k: [] for k, _ in kinds}
        rerun: dict[str, int] = {}
        undo: list[float] = []
        for _ in range(args.rounds):
            w = WhatIf(w.tables, w.standards, period=w.period, year=w.year, period_tables=w.period_tables,
                       scenario=w.scenario)  # nothing kept from the round before
            for kind, fields in kinds:
                t, c = time.perf_counter(), time.process_time()
                out = w.add(kind, **fields)
                seconds[kind].append(time.perf_counter() - t)
                cpu[kind].append(time.process_time() - c)
                rerun[kind] = len(out.rerun)
            t = time.perf_counter()
            w.undo()
            undo.append(time.perf_counter() - t)
        n = len(w.school_names)
        print(f"what-if on period {args.period} of {data} ({n} schools), baseline {args.base} (year {w.year}); "
              f"{args.rounds} rounds, the changes added one after another")
        print(f"  open (baseline through the engine, read tracking): {opened:.2f} s")
        for kind, values in seconds.items():
            print(f"  {kind:14s} median {statistics.median(values):.3f} s   max {max(values):.3f} s   "
                  f"CPU median {statistics.median(cpu[kind]):.3f} s   (goal ≤ 0.2 s)   indicators rerun {rerun[kind]} of 32")
        print(f"  undo (results seen before) median {statistics.median(undo):.3f} s")
        every = [s for v in seconds.values() for s in v]
        every_cpu = [s for v in cpu.values() for s in v]
        print(f"  every change: median {statistics.median(every):.3f} s, max {max(every):.3f} s; "
              f"CPU median {statistics.median(every_cpu):.3f} s, max {max(every_cpu):.3f} s")


if __name__ == "__main__":
    main()
