"""Work shared inside one engine run and inside the project step gives the same results as the
work done separately (the speed-ups of engine/shared.py, monte_carlo's roster columns, the project
step's reuse of the current year and of the scale-1 projection)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pandas.testing as pdt
import projection_fixtures as F
import pytest

from analysis.config.standards import load_standards
from analysis.engine.arrays import join_labels
from analysis.engine.resources import evaluate_resources
from analysis.engine.shared import RunTables, once, run_tables
from analysis.engine.teachers import RESOURCE_TEACHER_COLUMNS
from analysis.engine.verdict import INDICATOR_FUNCTIONS
from analysis.files import neutralise_formulas
from analysis.planning import projection as projection_module
from analysis.planning.projection import (
    project,
    scenario_from_dict,
    sensitivity,
    trajectory,
)

S = load_standards()


def _same_result(a, b) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pdt.assert_frame_equal(x, y, check_exact=True)
        else:
            assert x == y or (x != x and y != y), (a.code, f.name, x, y)


# ---------------------------------------------------------------------------------- the memo
def test_once_computes_once_per_run_and_hands_out_copies():
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"x": [1, 2]})

    plain = {"schools": pd.DataFrame()}
    once(plain, "k", compute), once(plain, "k", compute)
    assert len(calls) == 2  # a plain dict: no memo, computed at every request

    run = run_tables(plain)
    assert isinstance(run, RunTables) and run is not plain and run.keys() == plain.keys()
    first = once(run, "k", compute)
    first["x"] = [10, 20]  # a caller writing into what it got …
    first["y"] = [0, 0]
    second = once(run, "k", compute)
    assert len(calls) == 3  # 2 above + 1 for the whole run
    assert list(second.columns) == ["x"] and second["x"].tolist() == [1, 2]  # … never reaches the memo


def test_indicators_give_the_same_results_with_the_run_memo(demo_tables_2019):
    """Every indicator function on its own (plain dict: computes everything itself) gives what it
    gives inside one run whose memo the other 24 indicators filled before it (run twice: once
    to fill, once to compare — a function that wrote into a shared frame would show here)."""
    run = run_tables(demo_tables_2019)
    for f in INDICATOR_FUNCTIONS:
        f(run, S)
    assert len(run.memo) >= 5  # shared frames were remembered (pupils, class groups, scopes …)
    for f in INDICATOR_FUNCTIONS:
        _same_result(f(demo_tables_2019, S), f(run, S))


# ---------------------------------------------------------------------------------- resources
def test_resource_indicators_read_only_the_listed_roster_columns(demo_tables_2019):
    full = evaluate_resources(demo_tables_2019, S)
    roster = demo_tables_2019["teachers"]
    cut = {**demo_tables_2019, "teachers": roster[list(RESOURCE_TEACHER_COLUMNS)]}
    assert len(RESOURCE_TEACHER_COLUMNS) < roster.shape[1]  # the cut drops columns (teacher_id, birth_year …)
    pdt.assert_frame_equal(evaluate_resources(cut, S), full, check_exact=True)
    # as the Monte Carlo hands them over: the few-valued texts as categories
    texts = ["stage", "degree", "subject", "backbone_level", "service_mode"]
    as_categories = {**cut, "teachers": cut["teachers"].astype({c: "category" for c in texts})}
    pdt.assert_frame_equal(evaluate_resources(as_categories, S), full, check_exact=True)


def test_join_labels_by_hand():
    # row 0: both labels → "a；b"; row 1: only b → "b"; row 2: none → NA
    out = join_labels([("a", np.array([True, False, False])), ("b", np.array([True, True, False]))], 3)
    assert out.iloc[0] == "a；b" and out.iloc[1] == "b" and pd.isna(out.iloc[2])
    assert str(out.dtype) == "string"


def test_neutralise_formulas_judges_repeated_and_odd_cells():
    df = pd.DataFrame({"t": pd.array(["=1+1", "甲校", "=1+1", None, "-5"], dtype="string"),
                       "o": pd.Series([["=x"], "@a", None, "b", "+c"], dtype=object)})
    out = neutralise_formulas(df)
    # "=1+1" twice → both quoted; a plain negative number stays; NA stays NA
    assert out["t"].tolist()[:3] == ["'=1+1", "甲校", "'=1+1"] and pd.isna(out["t"].iloc[3])
    assert out["t"].iloc[4] == "-5" and str(out["t"].dtype) == "string"
    # an unhashable cell (a list) is left alone and does not stop the column being judged
    assert out["o"].tolist() == [["=x"], "'@a", None, "b", "'+c"]


# ---------------------------------------------------------------------------------- project step
@pytest.fixture(scope="module")
def history():
    schools = [F.school("A"), F.school("B", "初中")]
    fac = [F.facility("A", 2500.0, 5000.0, 1.3e6, 15.0), F.facility("B", 4000.0, 7000.0, 1.6e6, 15.0)]
    teachers = [F.teacher(f"A{i}", "A") for i in range(25)] + [F.teacher("A-old", "A", birth_year=1962)]
    teachers += [F.teacher(f"B{i}", "B", stage="初中") for i in range(40)]
    return {
        "2020": F.tables(schools, {"A": {g: 100 for g in range(1, 7)}, "B": {7: 200, 8: 200, 9: 200}},
                         teachers, fac),
        "2021": F.tables(schools, {"A": {1: 120, 2: 96, 3: 95, 4: 95, 5: 95, 6: 95},
                                   "B": {7: 220, 8: 190, 9: 196}}, teachers, fac),
    }


def test_sensitivity_reusing_the_projection_and_judged_years_is_the_same(history, monkeypatch):
    sc = scenario_from_dict({"name": "测试情景"})
    alone = sensitivity(history, sc, 2023, S)
    projected = project(history, sc, 2023, S)
    evaluated: dict = {}
    traj = trajectory(projected, S, sc.name, verdict=True, evaluated=evaluated)
    assert len(evaluated) == 3  # 2021, 2022, 2023 judged once each
    shared = sensitivity(history, sc, 2023, S, projected=projected, evaluated=evaluated)
    pdt.assert_frame_equal(shared, alone, check_exact=True)
    # the current year (the same tables object in every scenario) is not judged again: the
    # engine is not called, the results are the first ones
    calls = []
    engine = projection_module.evaluate
    monkeypatch.setattr(projection_module, "evaluate", lambda *a, **k: calls.append(1) or engine(*a, **k))
    again = trajectory({2021: projected[2021]}, S, sc.name, verdict=True, evaluated=evaluated)
    assert calls == []
    pdt.assert_frame_equal(again, traj[traj["year"] == 2021].reset_index(drop=True), check_exact=True)
    trajectory({2021: {**projected[2021]}}, S, sc.name, verdict=True, evaluated=evaluated)  # another object
    assert calls == [1]
    # a cached resource-only entry never stands in for the whole engine
    only_units: dict = {}
    trajectory({2021: projected[2021]}, S, sc.name, evaluated=only_units)
    with_verdict = trajectory({2021: projected[2021]}, S, sc.name, verdict=True, evaluated=only_units)
    assert (with_verdict["level"] == "县指标").sum() == 32
