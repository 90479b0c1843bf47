"""Student-weighted CV: the spec's worked example, rounding as shown, the CV table, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import cv_table, weighted_cv
from analysis.engine.cv import round_half_up, weighted_cv_stats

STUDENTS = [45, 37, 89, 76, 55]
BOOKS = [279, 137, 935, 160, 402]


def test_spec_five_school_example():
    # P = 302; X̄ = Σ books / P = 1913/302 = 6.3344; S = sqrt(Σ P_i/P (X_i − X̄)²) = 3.2639;
    # CV = 3.2639/6.3344 = 0.5153 → shown 0.515 (published to 2 dp as 0.52)
    x = [b / s for b, s in zip(BOOKS, STUDENTS)]
    stats = weighted_cv_stats(x, STUDENTS)
    assert stats.mean == pytest.approx(1913 / 302) and round(stats.mean, 3) == 6.334
    # per-student values 6.2, 3.7027, 10.5056, 2.1053, 7.3091 with weights P_i/P
    # 0.1490, 0.1225, 0.2947, 0.2517, 0.1821 → S² = 10.6528, S = 3.2639
    assert stats.sd == pytest.approx(3.2639, abs=5e-5)
    assert stats.cv == pytest.approx(0.5153, abs=5e-5)
    assert weighted_cv(x, STUDENTS) == pytest.approx(0.5153, abs=5e-5)
    assert round_half_up([stats.cv], 3)[0] == 0.515
    # unweighted (every school weight 1): 0.489 — the wrong formula, shown for contrast
    assert weighted_cv(x, [1] * 5) == pytest.approx(0.489, abs=5e-4)


def test_round_half_up_not_bankers():
    # 0.5155 → 0.516 (binary 0.5155 is 0.51549999…; judged on the shown decimal);
    # 0.0005 → 0.001; 2.675 → 2.68 at 2 dp (Python's round gives 2.67)
    np.testing.assert_array_equal(round_half_up([0.5155, 0.0005, 0.4444], 3), [0.516, 0.001, 0.444])
    assert round_half_up([2.675], 2)[0] == 2.68 and np.isnan(round_half_up([np.nan], 3)[0])


def _units(values, students, stage="小学", indicator="L1", included=None):
    n = len(values)
    df = pd.DataFrame({"school_code": [f"S{i}" for i in range(n)], "stage": stage,
                       "students": pd.array(students, dtype="Int64"),
                       "included": pd.array(included if included is not None else [True] * n,
                                            dtype="boolean")})
    for k in range(1, 8):
        df[f"L{k}"] = pd.array(values if f"L{k}" == indicator else [1.0] * n, dtype="Float64")
    return df


def test_cv_table_judges_the_shown_value_against_the_limit():
    # two units of equal students: values 1 and 3 → X̄ = 2, S = 1, CV = 0.5 = 小学 limit → pass
    t = cv_table(_units([1.0, 3.0], [10, 10]))
    row = t[t.indicator == "L1"].iloc[0]
    assert (row["mean"], row["sd"], row["cv"], row["cv_shown"]) == pytest.approx((2, 1, 0.5, 0.5))
    assert bool(row.passed) and row.n_units == 2 and row.students == 20 and row.limit == 0.5
    # 1 and 3.004: X̄ = 2.002, S = 1.002, CV = 1.002/2.002 = 0.500499… → shown 0.500 → pass
    row = cv_table(_units([1.0, 3.004], [10, 10])).set_index("indicator").loc["L1"]
    assert row.cv == pytest.approx(1.002 / 2.002) and row.cv_shown == 0.5 and bool(row.passed)
    # 1 and 3.006: CV = 1.003/2.003 = 0.500749 → shown 0.501 > 0.50 → fail
    row = cv_table(_units([1.0, 3.006], [10, 10])).set_index("indicator").loc["L1"]
    assert row.cv_shown == 0.501 and not bool(row.passed)
    # every other indicator is constant → CV 0 → pass; 7 rows for the stage
    assert len(t) == 7 and t[t.indicator != "L1"].cv.eq(0).all()


def test_cv_table_excluded_units_and_missing_values():
    # the excluded unit (value 100) is left out: remaining 1 and 3 → CV 0.5
    t = cv_table(_units([1.0, 3.0, 100.0], [10, 10, 10], included=[True, True, False]))
    assert t.set_index("indicator").loc["L1"].cv == pytest.approx(0.5)
    # a missing value among included units → no data (NA), never computed as 0
    t = cv_table(_units([1.0, None], [10, 10])).set_index("indicator").loc["L1"]
    assert pd.isna(t.cv) and pd.isna(t.passed) and t.n_units == 2


def test_cv_table_per_county_and_spec_example():
    a = _units([b / s for b, s in zip(BOOKS, STUDENTS)], STUDENTS, indicator="L6")
    a["county"] = "甲"
    b = _units([1.0, 3.0], [10, 10], stage="初中", indicator="L6")
    b["county"] = "乙"
    t = cv_table(pd.concat([a, b], ignore_index=True)).set_index(["county", "stage", "indicator"])
    assert t.loc[("甲", "小学", "L6")].cv_shown == 0.515 and not bool(t.loc[("甲", "小学", "L6")].passed)
    # 初中: CV 0.5 > limit 0.45 → fail
    assert t.loc[("乙", "初中", "L6")].cv == pytest.approx(0.5) and t.loc[("乙", "初中", "L6")].limit == 0.45
    assert len(t) == 14


positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)
pupils = st.integers(min_value=1, max_value=3000)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(positive, pupils), min_size=1, max_size=30),
       st.floats(min_value=0.01, max_value=1000))
def test_scaling_values_leaves_cv_unchanged(rows, factor):
    x, p = zip(*rows)
    assert weighted_cv(np.array(x) * factor, p) == pytest.approx(weighted_cv(x, p), rel=1e-6, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(positive, st.lists(pupils, min_size=1, max_size=30))
def test_equal_values_give_zero_cv(value, p):
    assert weighted_cv([value] * len(p), p) == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(positive, pupils), min_size=1, max_size=30))
def test_weighted_mean_is_total_resource_over_total_students(rows):
    resource, p = zip(*rows)
    per_student = np.array(resource) / np.array(p)
    assert weighted_cv_stats(per_student, p).mean == pytest.approx(sum(resource) / sum(p), rel=1e-9)


def test_invalid_students_raise():
    with pytest.raises(ValueError, match="学生数"):
        weighted_cv([1.0, 2.0], [10, 0])


def test_composite_cv_is_the_mean_of_seven_and_na_when_one_is_missing():
    from analysis.engine.cv import composite_cv

    # L1 values 1 and 3 (equal students) → CV 0.5; L2–L7 constant → CV 0: (0.5 + 6 × 0) / 7 = 0.071429
    t = cv_table(_units([1.0, 3.0], [10, 10]))
    assert composite_cv(t)["composite_cv"].iloc[0] == pytest.approx(0.5 / 7)
    # L1 has a missing value → its CV is NA → the composite is NA, not the mean of the other six (0)
    t = cv_table(_units([1.0, None], [10, 10]))
    assert pd.isna(composite_cv(t)["composite_cv"].iloc[0])
