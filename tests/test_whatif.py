"""What-if (issue #16): a change of inputs through the same engine, saved as a scenario that the
projection reads, and the widgets' form on the same functions."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import projection_fixtures as F
from analysis import evaluate, load_period, load_standards
from analysis.config.standards import resource_codes
from analysis.planning.projection import load_scenario, project
from analysis.whatif import WhatIf, WhatIfError, open_period

S = load_standards()


def test_cv_change_worked_by_hand():
    w = WhatIf(F.three_school_county(), S, period="2021")
    base = w.outcome().cvs().set_index(["stage", "indicator"]).loc[("小学", "L4")]
    # baseline: weights 100/400, 200/400, 100/400 = 0.25, 0.5, 0.25
    #   M = 0.25·4 + 0.5·5 + 0.25·6 = 5.0;  V = 0.25·(4−5)² + 0.5·0 + 0.25·(6−5)² = 0.5
    #   CV = √0.5 / 5 = 0.141421
    assert base["cv"] == pytest.approx(math.sqrt(0.5) / 5)
    out = w.add_area("A", teaching_aux_m2=200)          # A: (400 + 200) / 100 = 6.0 m² per pupil
    l4 = out.cvs().set_index(["stage", "indicator"]).loc[("小学", "L4")]
    #   M = 0.25·6 + 0.5·5 + 0.25·6 = 5.5;  V = 0.25·0.5² + 0.5·0.5² + 0.25·0.5² = 0.25;  CV = 0.5 / 5.5 = 0.090909
    assert l4["mean"] == pytest.approx(5.5)
    assert l4["cv"] == pytest.approx(0.5 / 5.5)
    assert l4["cv_change"] == pytest.approx(0.5 / 5.5 - math.sqrt(0.5) / 5)   # −0.050512
    assert l4["cv_shown"] == pytest.approx(0.091) and l4["cv_shown_base"] == pytest.approx(0.141)
    units = out.units(["A"]).set_index("indicator")
    assert units.loc["L4", "value_base"] == pytest.approx(4.0) and units.loc["L4", "value"] == pytest.approx(6.0)
    assert units.loc["L4", "change"] == pytest.approx(2.0)
    assert out.rerun == ["L4"]  # only L4's county result was computed again; no other indicator reads the area
    # the other CVs did not move (area is L4 only)
    other = out.cvs().set_index(["stage", "indicator"]).drop(("小学", "L4"))
    assert (other["cv_change"].fillna(0) == 0).all()
    # undo: back to the baseline
    back = w.undo().cvs().set_index(["stage", "indicator"]).loc[("小学", "L4")]
    assert back["cv"] == pytest.approx(math.sqrt(0.5) / 5) and not w.changes


@pytest.fixture(scope="module")
def on_the_period(demo_run) -> WhatIf:
    """One what-if on the shared demo run's 2021 data (base "now"); each test starts with reset()."""
    return open_period("2021", demo_run["raw"], demo_run["processed"], demo_run["reports"] / "2021", base="now")


def test_every_kind_of_change_gives_what_the_whole_engine_gives(on_the_period):
    """Change after change, the what-if's results (rerunning only what a change reaches, taking
    what it has seen from its cache) are the full engine's on the changed tables: verdict, units,
    CVs, every detail table."""
    w = on_the_period
    w.reset()
    codes = list(w.school_names)
    t = w.tables["teachers"]
    pe = t[(t["subject"] == "体育") & t["full_time"].fillna(False).astype(bool) & (t["stage"] == "小学")]
    donor = pe["school_code"].value_counts().index[0]
    to = next(c for c in codes if c != donor)
    entry = w._entry["school_code"].astype(str).iloc[0]
    steps = [  # each group of changes, then the comparison with the whole engine
        [lambda: w.move_teachers(donor, to, stage="小学", count=1, subject="体育"),
         lambda: w.hire_teachers(codes[1], "小学", "音乐", 2),
         lambda: w.designate_backbone(to, "小学", 1, level="市级"),
         lambda: w.add_area(codes[2], sports_ground_m2=900, teaching_aux_m2=150),
         lambda: w.add_equipment(codes[3], 150000), lambda: w.add_multimedia(codes[3], 2),
         lambda: w.add_special_rooms(codes[1], "音乐", 1, 96)],
        [lambda: w.set_entrants(entry, 75)],
        [lambda: w.undo()],  # back to the seven changes: results seen before, from the cache
    ]
    for group in steps:
        for step in group:
            out = step()
        full = evaluate(w.changed_tables(), w.standards)
        pd.testing.assert_frame_equal(out.results.verdict, full.verdict)
        pd.testing.assert_frame_equal(out.results.units, full.units)
        pd.testing.assert_frame_equal(out.results.cv, full.cv)
        assert set(out.results.details) == set(full.details)
        for code in full.details:
            pd.testing.assert_frame_equal(out.results.details[code], full.details[code])
    assert len(w.changes) == 7
    assert out.rerun == []  # the undo computed nothing: every result of these tables was seen before


def test_changes_that_cannot_be_made_are_refused_with_the_reason(on_the_period):
    w = on_the_period
    w.reset()
    first = next(iter(w.school_names))
    with pytest.raises(WhatIfError, match="没有学校 '不存在的学校'"):
        w.add_area("不存在的学校", teaching_aux_m2=100)
    with pytest.raises(WhatIfError, match=r"只有 \d+ 名符合条件的教师可调出"):
        w.move_teachers(first, list(w.school_names)[1], stage="小学", count=500, subject="体育")
    assert not w.changes  # the refused change is not kept
    with pytest.raises(WhatIfError, match="同一所学校"):
        w.move_teachers(first, first, stage="小学", count=1)
    with pytest.raises(WhatIfError, match="yuan"):
        w.add_equipment(first, -5)  # the scenario model: yuan ≥ 0
    with pytest.raises(WhatIfError, match="entrants"):
        w.set_entrants(first, -1)
    with pytest.raises(WhatIfError, match="改动类型"):
        w.add("demolish", school=first)
    # a school given by its (unique) name is the same school
    name = w.school_names[first]
    assert w.school(name) == first
    assert w.add_multimedia(name, 1).changes[0].item["school"] == first


def test_saved_what_if_projects_to_the_same_indicators(demo_run, tmp_path):
    """Round trip: a what-if on the target year, saved as a scenario YAML, read back by the
    projection and projected to that year, gives the same 32 statuses, units and CVs."""
    raw, processed = demo_run["raw"], demo_run["processed"]
    w = open_period("2021", raw, processed, demo_run["reports"] / "2021")
    assert w.year == 2022 and w.period_year == 2021  # the demo county's target year
    codes = list(w.school_names)
    t = w.tables["teachers"]
    pe = t[(t["subject"] == "体育") & t["full_time"].fillna(False).astype(bool) & (t["stage"] == "小学")]
    donor = pe["school_code"].value_counts().index[0]
    w.move_teachers(donor, next(c for c in codes if c != donor), stage="小学", count=1, subject="体育")
    w.hire_teachers(codes[0], "小学", "美术", 1)
    w.add_area(codes[1], sports_ground_m2=600)
    w.add_special_rooms(codes[2], "美术", 1, 90)
    out = w.set_entrants(w._entry["school_code"].astype(str).iloc[-1], 40)
    path = w.save_scenario(tmp_path / "plan.yaml", name="假设分析往返")
    scenario = load_scenario(path)
    assert scenario.name == "假设分析往返" and len(scenario.teachers["moves"]) == 1
    history = {p: load_period(processed, p, validate=False) for p in ("2020", "2021")}
    projected = project(history, scenario, 2022, w.standards)[2022]
    full = evaluate(projected, w.standards)
    assert full.verdict["status"].tolist() == out.results.verdict["status"].tolist()
    assert full.verdict["value"].tolist() == out.results.verdict["value"].tolist()
    codes7 = resource_codes(w.standards)
    keys = ["school_code", "stage"]
    a = full.units.set_index(keys).sort_index()[codes7 + ["unit_pass"]]
    b = out.results.units.set_index(keys).sort_index()[codes7 + ["unit_pass"]]
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_series_equal(full.cv["cv"], out.results.cv["cv"])
    # the saved file refuses to overwrite, and wants .yaml
    with pytest.raises(WhatIfError, match="已存在"):
        w.save_scenario(path, name="再存一次")
    with pytest.raises(WhatIfError, match=r"\.yaml"):
        w.save_scenario(tmp_path / "plan.txt", name="x")


def test_a_what_if_on_the_period_itself_is_saved_for_the_next_year(on_the_period):
    w = on_the_period
    w.reset()
    w.add_multimedia(next(iter(w.school_names)), 2)
    data = w.to_scenario("现状改动")
    assert data["facilities"]["multimedia"][0]["year"] == 2022  # the projection starts the year after 2021
    assert "预测从 2022 年起施加改动" in data["description"]


def test_widgets_form_gives_the_same_changes():
    pytest.importorskip("ipywidgets")
    from analysis.whatif import widgets

    w = WhatIf(F.three_school_county(), S, period="2021")
    panel = widgets.panel(w)
    assert panel.change() == ("construction", {"school": "A", "teaching_aux_m2": widgets.DEFAULT_AMOUNT})
    panel.kind.value, panel.school.value, panel.to_school.value = "moves", "B", "A"
    panel.subject.value, panel.amount.value = "语文", 1
    assert panel.change() == ("moves", {"from_school": "B", "to_school": "A", "stage": "小学", "count": 1,
                                        "subject": "语文"})
    out = panel.apply()
    # B: 4 teachers → 3; A: 2 → 3 (per hundred pupils: A 3/100·100 = 3.0, B 3/200·100 = 1.5)
    l1 = out.units(["A", "B"]).set_index(["school_code", "indicator"])["value"]
    assert l1[("A", "L1")] == pytest.approx(3.0) and l1[("B", "L1")] == pytest.approx(1.5)
    panel.kind.value, panel.amount.value = "entrants", 120
    assert panel.change() == ("entrants", {"school": "B", "count": 120})
    panel._guard(lambda: w.add("moves", from_school="C", to_school="A", stage="小学", count=9))
    assert "只有" in panel.message.value  # a refused change is reported in the panel, not raised
