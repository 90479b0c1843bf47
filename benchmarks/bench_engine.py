"""National-scale benchmark of the resource engine (units + L1–L7 + per-county CVs).

    python benchmarks/bench_engine.py              # ≈2,900 counties, 210,000 units, 10 M teachers, 4 M classes
    python benchmarks/bench_engine.py --scale 0.1  # a tenth of that

Generates a synthetic set once as parquet under ``benchmarks/_data/scale_<s>/`` (gitignored; in a
child process, so generation does not count towards the peak memory), then in this process:
reads every table from parquet (timed), runs ``build_units`` → ``evaluate_resources`` →
``cv_table(by=["county"])`` (timed), and prints engine time, read time, their ratio and the
peak resident memory (``resource.getrusage``, which also sees Arrow's allocations).
Targets: engine ≤ 3× read time (issue #4) and ≤ 1.5× (issue #17, the region view), peak < 4 GB. The figures
are printed, never asserted; the ratio follows the read speed (a warm page cache makes it larger).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
FULL = {"counties": 2900, "schools": 180_000, "teachers": 10_000_000, "classes": 4_000_000}
TABLE_NAMES = ["schools", "enrolment", "teachers", "classes", "facilities"]

TYPES = ["小学", "初中", "九年一贯制", "十二年一贯制", "完全中学", "教学点", "特殊教育学校", "职业学校"]
TYPE_P = [0.53, 0.17, 0.155, 0.01, 0.02, 0.10, 0.01, 0.005]
GRADE_RANGE = {  # lowest and highest grade per type
    "小学": (1, 6), "初中": (7, 9), "九年一贯制": (1, 9), "十二年一贯制": (1, 12),
    "完全中学": (7, 12), "教学点": (1, 3), "特殊教育学校": (1, 9), "职业学校": (10, 12),
}
ALL_STAGES = ["幼儿班", "小学", "初中", "高中"]
DEGREES = ["研究生", "本科", "专科", "高中及以下"]
SUBJECTS = ["语文", "数学", "英语", "科学", "道德与法治", "历史", "地理", "体育", "音乐", "美术"]
BACKBONE = ["无", "县级", "市级", "省级", "国家级"]
MODES = ["交流轮岗", "兼职", "走教"]


def _codes(prefix: str, n: int, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(n, dtype=np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def _pick(values: list, idx: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(idx))


def _with_nulls(arr: np.ndarray, mask: np.ndarray) -> pa.Array:
    return pa.array(arr, mask=mask)


def generate(out: Path, scale: float, seed: int = 0) -> None:
    """Write the synthetic national set (schema of src/analysis/schemas.py + a county column)."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_c = max(1, int(FULL["counties"] * scale))
    n_s = int(FULL["schools"] * scale)
    n_t = int(FULL["teachers"] * scale)
    n_k = int(FULL["classes"] * scale)

    county_idx = np.sort(rng.integers(0, n_c, n_s))
    county = _codes("C", n_c, 4).take(pa.array(county_idx))
    school_code = _codes("S", n_s, 7)
    tidx = rng.choice(len(TYPES), n_s, p=TYPE_P)
    ur = rng.choice(3, n_s, p=[0.3, 0.3, 0.4])
    pq.write_table(pa.table({
        "county": county,
        "school_code": school_code,
        "school_name": pc.binary_join_element_wise(school_code, pa.scalar("学校"), ""),
        "town": _pick([f"镇{i}" for i in range(20)], rng.integers(0, 20, n_s)),
        "urban_rural": _pick(["城区", "镇区", "乡村"], ur),
        "school_type": _pick(TYPES, tidx),
        "is_public": rng.random(n_s) < 0.95,
        "is_boarding": rng.random(n_s) < 0.1,
        "is_village_school": (ur == 2) & (rng.random(n_s) < 0.5),
        "merged_campuses": pa.nulls(n_s, pa.string()),
    }), out / "schools.parquet")

    # enrolment: one row per school and grade (+ kindergarten classes in 30% of primaries)
    lo = np.array([GRADE_RANGE[t][0] for t in TYPES])[tidx]
    hi = np.array([GRADE_RANGE[t][1] for t in TYPES])[tidx]
    kg = (np.array(TYPES)[tidx] == "小学") & (rng.random(n_s) < 0.3)
    lo = np.where(kg, 0, lo)
    n_g = hi - lo + 1
    e_school = np.repeat(np.arange(n_s), n_g)
    starts = np.repeat(np.cumsum(n_g) - n_g, n_g)
    grade = lo[e_school] + (np.arange(len(e_school)) - starts)
    small = np.isin(np.array(TYPES)[tidx], ["教学点", "特殊教育学校"])[e_school]
    students = np.where(small, rng.integers(5, 33, len(e_school)), rng.integers(20, 160, len(e_school)))
    e_stage = np.select([grade == 0, grade <= 6, grade <= 9], [0, 1, 2], 3)
    pq.write_table(pa.table({
        "school_code": school_code.take(pa.array(e_school)),
        "stage": _pick(ALL_STAGES, e_stage),
        "grade": grade.astype(np.int64),
        "students": students.astype(np.int64),
    }), out / "enrolment.parquet")

    # teachers and classes: drawn per (school, grade) row in proportion to its students
    cum = np.cumsum(students / students.sum())
    cum[-1] = 1.0
    t_row = np.searchsorted(cum, rng.random(n_t), side="right")
    t_school = e_school[t_row]
    serving = rng.random(n_t) < 0.02
    svc = rng.integers(0, n_s, n_t)
    pq.write_table(pa.table({
        "teacher_id": _codes("T", n_t, 8),
        "school_code": school_code.take(pa.array(t_school)),
        "stage": _pick(ALL_STAGES, e_stage[t_row]),
        "degree": pa.array(np.array(DEGREES, dtype=object)[rng.choice(4, n_t, p=[0.05, 0.6, 0.3, 0.05])],
                           pa.string(), mask=rng.random(n_t) < 0.0005),
        "subject": _pick(SUBJECTS, rng.choice(10, n_t, p=[0.25, 0.2, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.08, 0.07])),
        "full_time": rng.random(n_t) < 0.95,
        "backbone_level": _pick(BACKBONE, rng.choice(5, n_t, p=[0.9, 0.06, 0.03, 0.009, 0.001])),
        "has_certificate": rng.random(n_t) < 0.99,
        "training_hours_5y": rng.uniform(100, 500, n_t),
        "rotation_eligible": rng.random(n_t) < 0.3,
        "rotated": rng.random(n_t) < 0.05,
        "service_school_code": school_code.take(pa.array(svc, mask=~serving)),
        "service_mode": pa.array(np.array(MODES, dtype=object)[rng.integers(0, 3, n_t)], pa.string(),
                                 mask=~serving),
        "birth_year": rng.integers(1962, 2000, n_t),
    }), out / "teachers.parquet")
    del t_row, t_school, svc, serving

    k_row = np.searchsorted(cum, rng.random(n_k), side="right")
    pq.write_table(pa.table({
        "school_code": school_code.take(pa.array(e_school[k_row])),
        "class_id": _codes("K", n_k, 8),
        "stage": _pick(ALL_STAGES, e_stage[k_row]),
        "grade": grade[k_row].astype(np.int64),
        "size": rng.integers(10, 56, n_k),
    }), out / "classes.parquet")
    del k_row

    # facilities per school, scaled by pupils; 0.5% missing per column
    per_school = np.bincount(e_school, weights=students, minlength=n_s)

    def fac(lo_, hi_):
        v = per_school * rng.uniform(lo_, hi_, n_s)
        return pa.array(v, mask=rng.random(n_s) < 0.005)

    pq.write_table(pa.table({
        "school_code": school_code,
        "teaching_aux_area_m2": fac(4.0, 9.0),
        "indoor_sports_area_m2": fac(0.0, 0.5),
        "sports_ground_m2": fac(5.0, 15.0),
        "gymnasium_m2": fac(0.0, 2.0),
        "equipment_value_yuan": fac(1500.0, 4000.0),
        "multimedia_classrooms": fac(0.015, 0.04),
    }), out / "facilities.parquet")


def run(data: Path) -> dict[str, float]:
    import pandas as pd

    from analysis import build_units, cv_table, evaluate_resources
    from analysis.config.standards import load_standards

    standards = load_standards()
    tables, read_s = {}, {}
    for name in TABLE_NAMES:
        t = time.perf_counter()
        tables[name] = pd.read_parquet(data / f"{name}.parquet")
        read_s[name] = time.perf_counter() - t
    t1 = time.perf_counter()
    units = build_units(tables, standards)
    t2 = time.perf_counter()
    result = evaluate_resources(tables, standards, units=units)
    t3 = time.perf_counter()
    cv = cv_table(result, standards, by=["county"])
    t4 = time.perf_counter()
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB → GiB (Linux)
    read, engine = sum(read_s.values()), t4 - t1
    read_used = sum(v for k, v in read_s.items() if k != "classes")  # classes: part B's G5 only
    print("rows: " + ", ".join(f"{k} {len(v):,}" for k, v in tables.items()))
    print(f"units {len(result):,} (included {int(result['included'].sum()):,}), "
          f"counties {result['county'].nunique():,}, CV rows {len(cv):,}, "
          f"units passing {int(result['unit_pass'].fillna(False).sum()):,}")
    print(f"read parquet   {read:8.2f} s  (" + ", ".join(f"{k} {v:.2f}" for k, v in read_s.items()) + ")")
    print(f"engine         {engine:8.2f} s  (units {t2 - t1:.2f}, resources {t3 - t2:.2f}, cv {t4 - t3:.2f})")
    print(f"ratio          {engine / read:8.2f} × read time (targets ≤ 3, issue #17: ≤ 1.5); "
          f"{engine / read_used:.2f} × the read time of the tables this engine uses (all but classes)")
    print(f"peak memory    {peak_gb:8.2f} GiB (max RSS; target < 4)")
    return {"read": read, "engine": engine, "ratio": engine / read, "peak_gb": peak_gb}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the national size (default 1)")
    ap.add_argument("--regenerate", action="store_true", help="write the synthetic set again")
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    data = HERE / "_data" / f"scale_{args.scale:g}"
    if args.generate_only:
        generate(data, args.scale)
        return
    if args.regenerate or not all((data / f"{n}.parquet").is_file() for n in TABLE_NAMES):
        t = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--scale", str(args.scale), "--generate-only"], check=True)
        print(f"generated {data} in {time.perf_counter() - t:.1f} s")
    run(data)


if __name__ == "__main__":
    main()
