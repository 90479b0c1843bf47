"""The engine's national-scale paths give the county path's results: Arrow-backed texts looked up
in slices on threads, the roster read in blocks (``arrays.BLOCK_ROWS``), the CV groups as integer
numbers, the vectorised half-up rounding. Each case is small enough to check by hand; the block
size is set to a few rows so that a handful of rows take the paths a 10 M-row roster takes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from analysis import cv_table, evaluate_resources
from analysis.engine import arrays
from analysis.engine.arrays import codes_of, isin, map_blocks, positions
from analysis.numbers import half_up, half_up_array
from analysis.schemas import STAGES

from test_resources import make_tables, one


def _arrow(values) -> pd.Series:
    with pd.option_context("mode.string_storage", "pyarrow"):
        return pd.Series(values, dtype="str")


# ------------------------------------------------------------------------------- look-ups
def test_arrow_lookups_in_slices_on_threads_match_the_plain_lookup(monkeypatch):
    monkeypatch.setattr(arrays, "BLOCK_ROWS", 2)  # 9 rows → slices of 4–5 rows on 2 threads
    values = ["b", None, "a", "x", "b", "a", None, "c", "a"]
    s = _arrow(values)
    assert arrays.arrow_strings(s) is not None
    # index [c, a, b]: b → 2, NA → −1, a → 1, x (absent) → −1, c → 0
    expected = [2, -1, 1, -1, 2, 1, -1, 0, 1]
    assert positions(pd.Index(["c", "a", "b"]), s).tolist() == expected
    assert positions(pd.Index(["c", "a", "b"]), pd.Series(values, dtype=object)).tolist() == expected
    assert codes_of(s, ["c", "a", "b"]).dtype == np.int64
    # isin {a, c}: NA is in no set
    assert isin(s, ["a", "c"]).tolist() == [False, False, True, False, False, True, False, True, True]
    assert isin(s.astype("category"), ["a", "c"]).tolist() == isin(s, ["a", "c"]).tolist()


def test_map_blocks_keeps_block_order(monkeypatch):
    monkeypatch.setattr(arrays, "BLOCK_ROWS", 3)
    # 8 rows in blocks of 3: (0, 3), (3, 6), (6, 8), in that order whatever thread ran them
    assert map_blocks(lambda lo, hi: (lo, hi), 8) == [(0, 3), (3, 6), (6, 8)]
    assert map_blocks(lambda lo, hi: (lo, hi), 0) == [(0, 0)]  # an empty roster: one empty block


# ------------------------------------------------------------------------- the roster in blocks
def _roster_tables():
    """九年一贯制 M (100 primary, 100 junior pupils), rural primary R (80 pupils) and H (500).

    M primary: 3 专科 teachers, one of them 县级 backbone, one teaching 体育 → L1 3, L2 1, L3 1 per
    100 pupils = 3.0, 1.0, 1.0. M junior: 2 本科 + 1 专科 (专科 does not count for 初中) + a part-time
    研究生 (not counted) → L1 2.0; one of the 本科 teaches 音乐 → L3 1.0.
    H: one 专科 teacher teaching 体育 itinerantly (走教) at R → H L3 1/500×100 = 0.2, and R, with no
    PE/art teacher of its own, counts the serving one: 1/80×100 = 1.25 (small rural relaxation).
    A teacher of a school not in the school list, and one with no stage, count nowhere.
    """
    teachers = [
        {"school_code": "M", "stage": "小学", "degree": "专科", "backbone_level": "县级"},
        {"school_code": "M", "stage": "小学", "degree": "专科", "subject": "体育"},
        {"school_code": "M", "stage": "小学", "degree": "专科"},
        {"school_code": "M", "stage": "初中", "degree": "本科", "subject": "音乐"},
        {"school_code": "M", "stage": "初中", "degree": "本科"},
        {"school_code": "M", "stage": "初中", "degree": "专科"},
        {"school_code": "M", "stage": "初中", "degree": "研究生", "full_time": False},
        {"school_code": "H", "stage": "小学", "degree": "专科", "subject": "体育",
         "service_school_code": "R", "service_mode": "走教"},
        {"school_code": "Z", "stage": "小学", "degree": "本科"},
        {"school_code": "M", "stage": None, "degree": "本科"},
    ]
    return make_tables(
        [{"school_code": "M", "school_type": "九年一贯制"}, {"school_code": "R", "urban_rural": "乡村"},
         {"school_code": "H"}],
        {"M": {"小学": 100, "初中": 100}, "R": {"小学": 80}, "H": {"小学": 500}},
        teachers, {"M": {}, "R": {}, "H": {}},
    )


def _with_storage(tables, storage):
    """The tables with their texts in ``storage`` (python / pyarrow strings, or categories for the
    roster's few-valued texts as the Monte Carlo gives them)."""
    out = {}
    with pd.option_context("mode.string_storage", "pyarrow" if storage == "category" else storage):
        for name, t in tables.items():
            t = t.copy()
            for c in t.columns:
                if t[c].dtype == object or pd.api.types.is_string_dtype(t[c].dtype):
                    t[c] = t[c].astype("str")
            if storage == "category" and name == "teachers":
                t = t.astype({c: "category" for c in ("stage", "degree", "subject", "backbone_level")})
            out[name] = t
    return out


@pytest.mark.parametrize("storage", ["python", "pyarrow", "category"])
def test_roster_in_blocks_on_threads_counts_as_one_pass(monkeypatch, storage):
    tables = _with_storage(_roster_tables(), storage)
    whole = evaluate_resources(tables)
    monkeypatch.setattr(arrays, "BLOCK_ROWS", 1)  # every teacher its own block
    blocks = evaluate_resources(tables)
    pdt.assert_frame_equal(whole, blocks, check_exact=True)
    m1, m2 = one(blocks, "M", "小学"), one(blocks, "M", "初中")
    assert (m1.L1, m1.L2, m1.L3) == pytest.approx((3.0, 1.0, 1.0))
    assert (m2.L1, m2.L2, m2.L3) == pytest.approx((2.0, 0.0, 1.0))
    assert one(blocks, "H").L3 == pytest.approx(0.2) and one(blocks, "R").L3 == pytest.approx(1.25)
    # R has no roster row of its own but is named as a service school: its L1 is 0, not unknown
    assert one(blocks, "R").L1 == pytest.approx(0.0)


# ------------------------------------------------------------------------------------ the CVs
def _units(rows):
    df = pd.DataFrame(rows, columns=["county", "draw", "stage", "students", "x"])
    out = df[["county", "draw", "stage"]].copy()
    out["students"] = pd.array(df["students"], dtype="Int64")
    out["included"] = pd.array([True] * len(df), dtype="boolean")
    for k in range(1, 8):
        out[f"L{k}"] = pd.array(df["x"] if k == 1 else [1.0] * len(df), dtype="Float64")
    return out


def test_cv_groups_keep_the_keys_sorted_and_drop_a_missing_key():
    units = _units([
        # county B, draw 1: L1 1 and 3, one pupil each → mean 2, sd √(½·1 + ½·1) = 1, CV 0.5
        ("B", 1, "小学", 1, 1.0), ("B", 1, "小学", 1, 3.0),
        # county A, draw 0: L1 2 and 2 → CV 0; a unit without county is no group's
        ("A", 0, "小学", 5, 2.0), ("A", 0, "小学", 5, 2.0), (None, 0, "小学", 9, 50.0),
    ])
    by_county = cv_table(units, by=["county"])
    l1 = by_county[by_county["indicator"] == "L1"]
    assert l1["county"].tolist() == ["A", "B"]  # sorted keys, the NA county dropped
    assert l1["cv"].tolist() == pytest.approx([0.0, 0.5]) and l1["n_units"].tolist() == [2, 2]
    assert l1["students"].tolist() == [10, 2]
    by_draw = cv_table(units, by=["draw"])
    assert by_draw["draw"].dtype == np.int64 and by_draw["draw"].tolist()[::7] == [0, 1]
    # draw 0 has the county-less unit too: L1 2, 2, 50 on 5, 5, 9 pupils → mean (10+10+450)/19
    mean = (10 + 10 + 450) / 19
    sd = np.sqrt((5 * (2 - mean) ** 2 + 5 * (2 - mean) ** 2 + 9 * (50 - mean) ** 2) / 19)
    d0 = by_draw[(by_draw["draw"] == 0) & (by_draw["indicator"] == "L1")].iloc[0]
    assert d0["cv"] == pytest.approx(sd / mean) and d0["n_units"] == 3
    # the indicators of a group in order L1 … L7, the stage's rows first by 小学 then 初中
    assert by_county["indicator"].tolist()[:7] == [f"L{k}" for k in range(1, 8)]
    assert set(by_county["stage"]) <= set(STAGES)


# ---------------------------------------------------------------------------------- rounding
def test_half_up_array_rounds_the_decimal_text():
    # binary 0.5155 is 0.51549999…, 1.0005 is 1.000499999…, 0.1235 is 0.12349999…: their texts end
    # in 5 and round up; −0.5155 rounds away from zero; 0.5154999 stays down; NaN and ∞ → NaN
    values = [0.5155, 1.0005, 0.1235, -0.5155, 0.5154999, 0.0005, np.nan, np.inf]
    out = half_up_array(values, 3)
    assert out[:6].tolist() == [0.516, 1.001, 0.124, -0.516, 0.515, 0.001]
    assert np.isnan(out[6]) and np.isnan(out[7])
    assert half_up_array([2.675, 1.005], 2).tolist() == [2.68, 1.01]  # binary 2.67499…, 1.00499…


def test_half_up_array_agrees_with_half_up_on_every_boundary():
    # every k/2000 for k < 20 000 (0 … 10): each is a ".xxx5" text at 3 decimals when k is odd —
    # the values whose binary form lies on either side of the boundary
    values = np.arange(20_000) / 2000
    values = np.concatenate([values, -values, values * 10.0])
    for decimals in (1, 2, 3):
        expected = [float(half_up(v, decimals)) for v in values]
        np.testing.assert_array_equal(half_up_array(values, decimals), expected)
