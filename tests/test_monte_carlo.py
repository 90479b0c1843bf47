"""Issue #11: the Monte Carlo draws run through the engine once (all draws stacked), with the
same draws and the same result as one engine run per draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import projection_fixtures as F
import pytest

import analysis
from analysis.engine import resource_tables
from analysis.engine.copies import ORIGINAL_CODE, stack_copies
from analysis.numbers import half_up_array
from analysis.planning.projection import PASS_PROBABILITY_COLUMNS, monte_carlo

S = analysis.load_standards()


def per_draw_loop(tables, standards, years_ahead, n, sd_per_year, seed, scenario_name=""):
    """Reference: the former ``monte_carlo``, one engine run (``resource_tables``) per draw."""
    rng = np.random.default_rng(seed)
    sd = float(sd_per_year) * float(np.sqrt(int(years_ahead)))
    enr = tables["enrolment"]
    codes = pd.Index(pd.unique(enr["school_code"].astype(object)))
    pos = codes.get_indexer(enr["school_code"].astype(object))
    comp = enr["grade"].between(1, 9).to_numpy()
    base = enr["students"].to_numpy(dtype=float)
    units_ok, cv_ok, all_ok = [], [], []
    for _ in range(int(n)):
        f = np.clip(rng.normal(1.0, sd, len(codes)), 0.1, None)
        students = np.where(comp, half_up_array(base * f[pos]), base)
        t = dict(tables)
        t["enrolment"] = enr.assign(students=pd.array(students, dtype="Int64"))
        keep = (t["enrolment"]["students"] > 0).fillna(True).to_numpy(dtype=bool)
        t["enrolment"] = t["enrolment"][keep]
        units, cv = resource_tables(t, standards)
        inc = units[units["included"].fillna(False).astype(bool)]
        u = inc.set_index(["school_code", "school_name", "stage"])["unit_pass"].fillna(False).astype(bool)
        c = cv.set_index(["stage", "indicator"])["passed"].fillna(False).astype(bool)
        units_ok.append(u)
        cv_ok.append(c)
        all_ok.append(bool(u.all() and c.all()))
    u = pd.concat(units_ok, axis=1)
    c = pd.concat(cv_ok, axis=1)
    up = u.astype(float).mean(axis=1).rename("pass_probability").reset_index()
    up = up.assign(level="学校", indicator="每校达标", draws=u.notna().sum(axis=1).to_numpy())
    cp = c.astype(float).mean(axis=1).rename("pass_probability").reset_index()
    cp = cp.assign(level="县", school_code="", school_name="全县", draws=int(n),
                   indicator="CV_" + cp["indicator"].astype(str))
    ap = pd.DataFrame([{"level": "县", "school_code": "", "school_name": "全县", "stage": "",
                        "indicator": "全部达标", "draws": int(n), "pass_probability": float(np.mean(all_ok))}])
    out = pd.concat([up, cp, ap], ignore_index=True)
    out.insert(0, "scenario", scenario_name)
    return out[list(PASS_PROBABILITY_COLUMNS)]


@pytest.fixture(scope="module")
def demo12(tmp_path_factory):
    """The 12-school demo county, period 2021 (two 走教 teachers serve each of the 乡村 teaching
    points 2104210010 and 2104210011: the small-rural L3 relaxation; 2104210003 is a campus merged
    into 2104210002)."""
    root = tmp_path_factory.mktemp("mc")
    raw = analysis.write_demo(root / "raw", periods=("2020", "2021"), n_schools=12)
    for period in ("2020", "2021"):
        analysis.clean_period(raw, period, root / "processed")
    return analysis.load_period(root / "processed", "2021")


def _with_unknowns(tables):
    """The same county with one roster made incomplete (a quarantined teachers row of 2104210008)
    and one unknown grade count (2104210012, grade 3): units that cannot be decided."""
    t = dict(tables)
    q = t["quarantine"].iloc[:1].copy()
    q["table"], q["school_code"], q["incomplete"] = "teachers", "2104210008", True
    t["quarantine"] = pd.concat([t["quarantine"], q], ignore_index=True)
    e = t["enrolment"].copy()
    e["students"] = e["students"].astype("Int64")
    e.loc[(e["school_code"] == "2104210012") & (e["grade"] == 3), "students"] = pd.NA
    t["enrolment"] = e
    return t


@pytest.fixture(scope="module")
def loop_results() -> dict:
    """The per-draw loop's result of each county variant, computed once for both batchings."""
    return {}


@pytest.mark.parametrize("batch", [None, 2], ids=["one_run", "batches_of_2"])
@pytest.mark.parametrize("unknowns", [False, True], ids=["as_cleaned", "with_unknowns"])
def test_vectorised_draws_equal_the_per_draw_loop(demo12, unknowns, batch, monkeypatch, loop_results):
    """The draws in one engine run, or (as for a large county, issue #15) in batches: 5 draws in
    batches of 2 rows-per-teacher-table worth (MC_BATCH_ROWS = 2 × the roster's rows) are runs of
    2, 2 and 1 draws; either way the result of evaluating every draw on its own."""
    if batch:
        from analysis.planning import projection

        monkeypatch.setattr(projection, "MC_BATCH_ROWS", batch * len(demo12["teachers"]))
    tables = _with_unknowns(demo12) if unknowns else demo12
    # sd 0.1 per year over 4 years (0.2): teaching point 2104210010 (57 pupils) falls below the
    # 50-pupil threshold in some draws, and moves in and out of the L3 relaxation's 50–99 window
    args = dict(years_ahead=4, n=5, sd_per_year=0.1, seed=7, scenario_name="s")
    if unknowns not in loop_results:  # the loop evaluates each draw on its own (no batching)
        loop_results[unknowns] = per_draw_loop(tables, S, **args)
    expected = loop_results[unknowns]
    got = monte_carlo(tables, S, **args)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    # the case is not trivial: a unit absent from some draws, probabilities strictly between 0 and 1
    units = got[got["indicator"] == "每校达标"]
    assert (units["draws"] < 5).any()
    assert ((got["pass_probability"] > 0) & (got["pass_probability"] < 1)).any()
    if unknowns:  # a roster that is incomplete: that unit never passes (NA, counted as not passing)
        p = units.set_index(["school_code", "stage"])["pass_probability"]
        assert p[("2104210008", "小学")] == 0.0 and p[("2104210008", "初中")] == 0.0


def test_without_noise_every_draw_is_the_engine_verdict():
    """Two 小学 of 200 pupils each (grades 1 and 2, 100 each), sd 0: every draw is the county as it is.

    A: 12 teachers 本科 (10 语文, 2 of them 县级 backbone; 2 体育); 1000 m² teaching rooms,
       2000 m² sports ground, 500,000 元 equipment, 5 multimedia rooms.
       L1 = 12/200·100 = 6.0 ≥ 4.2, L2 = 2/200·100 = 1.0 ≥ 1.0, L3 = 2/200·100 = 1.0 ≥ 0.9,
       L4 = 1000/200 = 5.0 ≥ 4.5, L5 = 2000/200 = 10 ≥ 7.5, L6 = 500000/200 = 2500 ≥ 2000,
       L7 = 5/200·100 = 2.5 ≥ 2.3 → 7 met → passes in every draw: probability 1.
    B: the same without backbone teachers: L2 = 0 < 0.85 · 1.0 (the floor) → fails: probability 0.
    CVs (小学): L2 values 1.0 and 0, equal weights → mean 0.5, sd 0.5, CV 1.0 > 0.50 → 0;
    every other indicator is equal in A and B → CV 0 ≤ 0.50 → 1. No 初中 unit → no 初中 CV row.
    全部达标: B fails in every draw → 0.
    """
    schools = [F.school("A"), F.school("B")]
    teachers = [F.teacher(f"{c}{i}", c, backbone="县级" if c == "A" and i < 2 else "无")
                for c in "AB" for i in range(10)]
    teachers += [F.teacher(f"{c}P{i}", c, subject="体育") for c in "AB" for i in range(2)]
    fac = [F.facility(c, 1000.0, 2000.0, 500_000.0, 5.0) for c in "AB"]
    tables = F.tables(schools, {"A": {1: 100, 2: 100}, "B": {1: 100, 2: 100}}, teachers, fac)
    mc = monte_carlo(tables, S, years_ahead=2, n=4, sd_per_year=0.0)
    p = mc.set_index(["level", "school_code", "stage", "indicator"])["pass_probability"]
    assert p[("学校", "A", "小学", "每校达标")] == 1.0
    assert p[("学校", "B", "小学", "每校达标")] == 0.0
    assert p[("县", "", "小学", "CV_L2")] == 0.0
    for k in ("L1", "L3", "L4", "L5", "L6", "L7"):
        assert p[("县", "", "小学", f"CV_{k}")] == 1.0
    assert p[("县", "", "", "全部达标")] == 0.0
    assert len(mc) == 2 + 7 + 1 and set(mc["draws"]) == {4}
    # and that is what the engine says of the county itself
    units, cv = resource_tables(tables, S)
    assert list(units["unit_pass"]) == [True, False]
    assert cv.set_index("indicator")["passed"].to_dict() == {
        "L1": True, "L2": False, "L3": True, "L4": True, "L5": True, "L6": True, "L7": True}


def test_copies_have_their_own_codes_in_every_code_column():
    """Teacher T of A serves B (走教); T2 of B has no service school (NA). Two copies: every code
    column says A#d / B#d in copy d, the missing service code stays missing, and the schools
    carry the copy number and the school's own code for build_units."""
    schools = [F.school("A"), F.school("B")]
    teachers = [dict(F.teacher("T", "A"), service_school_code="B", service_mode="走教"), F.teacher("T2", "B")]
    fac = [F.facility(c, 1000.0, 2000.0, 500_000.0, 5.0) for c in "AB"]
    tables = F.tables(schools, {"A": {1: 10}, "B": {1: 20}}, teachers, fac)
    s = stack_copies(tables, 2, key="draw")
    assert set(s) == {"schools", "enrolment", "teachers", "facilities"}  # no quarantine table given
    assert list(s["schools"]["school_code"].astype(str)) == ["A#0", "B#0", "A#1", "B#1"]
    assert list(s["schools"]["draw"]) == [0, 0, 1, 1]
    assert list(s["schools"][ORIGINAL_CODE]) == ["A", "B", "A", "B"]
    assert list(s["enrolment"]["school_code"].astype(str)) == ["A#0", "B#0", "A#1", "B#1"]
    assert list(s["enrolment"]["students"]) == [10, 20, 10, 20]
    assert list(s["teachers"]["school_code"].astype(str)) == ["A#0", "B#0", "A#1", "B#1"]
    svc = s["teachers"]["service_school_code"]
    assert list(svc.isna()) == [False, True, False, True]
    assert list(svc.astype(object)[svc.notna()]) == ["B#0", "B#1"]
    assert list(s["facilities"]["school_code"].astype(str)) == ["A#0", "B#0", "A#1", "B#1"]
