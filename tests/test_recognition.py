"""Social recognition: pooled vs per-group rates, worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config.standards import load_standards
from analysis.engine import recognition as R
from analysis.engine.guarantee import FAIL, NO_DATA, PASS
from analysis.schemas import SATISFACTION_LEVELS, validate


def survey():
    rows = [
        ("问卷调查", "学生", 40, 30, 20, 5, 5),      # satisfied 40 + 30 = 70 of 100 → 70%
        ("问卷调查", "家长", 300, 150, 30, 10, 10),  # 300 + 150 = 450 of 500 → 90%
        ("实地走访", "其他群众", 10, 5, 5, 0, 0),     # 15 of 20 → 75%, reported only
    ]
    return validate("satisfaction", pd.DataFrame(rows, columns=["survey_kind", "group", *SATISFACTION_LEVELS]))


def test_pooled_rate_weights_equal_to_responses():
    std = load_standards()
    res = R.s1({"satisfaction": survey()}, std)
    rates = res.detail.set_index(["survey_kind", "group"])["rate"]
    assert rates[("问卷调查", "学生")] == pytest.approx(0.70)
    assert rates[("问卷调查", "家长")] == pytest.approx(0.90)
    # pooled: (70 + 450) / (100 + 500) = 520 / 600 = 0.866667 ≥ 0.85 → pass, although 学生 is at 70%
    assert res.value == pytest.approx(520 / 600) and res.status == PASS
    assert "学生 70.00%" in res.failing                   # the low group is still named
    # field visits are computed and reported, not judged: 15 / 20 = 75%
    assert rates[("实地走访", "合计")] == pytest.approx(0.75)
    assert "实地走访（单独报告，不参与判定）：合计 75.00%" in res.evidence


def test_group_weights_change_the_pooled_rate():
    std = load_standards()
    std["recognition"]["group_weights"] = {"学生": 1, "家长": 1}
    res = R.s1({"satisfaction": survey()}, std)
    # equal group weights: (0.70 + 0.90) / 2 = 0.80 < 0.85 → fail
    assert res.value == pytest.approx(0.80) and res.status == FAIL


def test_no_survey_is_no_data():
    std = load_standards()
    assert R.s1({}, std).status == NO_DATA
    only_visits = survey()
    only_visits = only_visits[only_visits["survey_kind"] == "实地走访"]
    assert R.s1({"satisfaction": only_visits}, std).status == NO_DATA


def test_weighted_pooled_rate_exactly_at_85_percent_passes():
    # weights 学生 1 : 家长 3; 学生 11 of 20 satisfied (55%), 家长 19 of 20 (95%):
    # (1 × 0.55 + 3 × 0.95) / 4 = 3.4 / 4 = 0.85 exactly → pass. In floating point the weighted
    # mean comes out as 0.8499999999999999, which a plain `>=` would fail.
    std = load_standards()
    std["recognition"]["group_weights"] = {"学生": 1, "家长": 3}
    rows = [("问卷调查", "学生", 6, 5, 9, 0, 0), ("问卷调查", "家长", 10, 9, 1, 0, 0)]
    sat = validate("satisfaction", pd.DataFrame(rows, columns=["survey_kind", "group", *SATISFACTION_LEVELS]))
    res = R.s1({"satisfaction": sat}, std)
    assert res.value == pytest.approx(0.85) and res.status == PASS and res.value_text == "85.00%"
