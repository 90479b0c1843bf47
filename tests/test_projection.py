"""Projection of a two-school county worked by hand (issue #5)."""

from __future__ import annotations

from pathlib import Path

import projection_fixtures as F
import pytest

from analysis.config.standards import load_standards
from analysis.planning.projection import (
    NOT_BY_TARGET,
    ScenarioError,
    first_met_year,
    load_scenario,
    load_scenarios,
    progression_rates,
    project,
    scenario_from_dict,
    trajectory,
)

S = load_standards()


@pytest.fixture(scope="module")
def history():
    """A: 小学 (types 小学), B: 初中. Two periods, 2020 and 2021."""
    schools = [F.school("A"), F.school("B", "初中")]
    fac = [F.facility("A", 2500.0, 5000.0, 1.3e6, 15.0), F.facility("B", 4000.0, 7000.0, 1.6e6, 15.0)]
    teachers = [F.teacher(f"A{i}", "A") for i in range(25)]
    teachers += [F.teacher("A-old", "A", birth_year=1962)]                     # 60 in 2022 → retires
    teachers += [F.teacher(f"AP{i}", "A", subject="体育", birth_year=1990) for i in range(3)]
    teachers += [F.teacher(f"B{i}", "B", stage="初中") for i in range(40)]
    teachers += [F.teacher(f"BP{i}", "B", stage="初中", subject="音乐") for i in range(6)]
    teachers += [F.teacher(f"BB{i}", "B", stage="初中", backbone="县级") for i in range(7)]
    return {
        "2020": F.tables(schools, {"A": {g: 100 for g in range(1, 7)}, "B": {7: 200, 8: 200, 9: 200}},
                         teachers, fac),
        "2021": F.tables(schools, {"A": {1: 120, 2: 96, 3: 95, 4: 95, 5: 95, 6: 95},
                                   "B": {7: 220, 8: 190, 9: 196}}, teachers, fac),
    }


@pytest.fixture(scope="module")
def scenario():
    return scenario_from_dict({
        "name": "测试情景",
        "teachers": {"hires": [{"year": 2022, "school": "A", "stage": "小学", "subject": "体育", "count": 2}]},
        "facilities": {"construction": [{"year": 2022, "school": "A", "teaching_aux_m2": 300}]},
    })


@pytest.fixture(scope="module")
def projected(history, scenario):
    return project(history, scenario, 2022, S)


def test_progression_rates_by_hand(history):
    r = progression_rates(history).set_index(["school_code", "stage"])["rate"]
    # A: Σ 2021 grades 2–6 / Σ 2020 grades 1–5 = (96 + 4·95) / 500 = 476/500
    assert r[("A", "小学")] == pytest.approx(0.952)
    # B: (190 + 196) / (200 + 200) = 386/400
    assert r[("B", "初中")] == pytest.approx(0.965)


def test_enrolment_2022_by_hand(projected):
    e = projected[2022]["enrolment"].set_index(["school_code", "grade"])["students"]
    # entrants by linear trend: A grade 1 100 → 120 → 140; B grade 7 200 → 220 → 240
    assert e[("A", 1)] == 140 and e[("B", 7)] == 240
    # A: 0.952·120 = 114.24 → 114; 0.952·96 = 91.392 → 91; 0.952·95 = 90.44 → 90
    assert [e[("A", g)] for g in range(2, 7)] == [114, 91, 90, 90, 90]
    # B: 0.965·220 = 212.3 → 212; 0.965·190 = 183.35 → 183; grade 9 of 2021 leaves
    assert e[("B", 8)] == 212 and e[("B", 9)] == 183
    # A's grade 6 does not move into a junior grade A does not teach
    assert ("A", 7) not in e.index
    assert projected[2022]["enrolment"].query("school_code == 'A'")["students"].sum() == 615


def test_classes_rederived(projected):
    c = projected[2022]["classes"]
    g1 = c[(c["school_code"] == "A") & (c["grade"] == 1)]
    # A's 2021 mean class size = 596 pupils / 18 classes = 33.11; ceil(140 / 33.11) = 5 classes of 28
    assert len(g1) == 5 and set(g1["size"]) == {28}
    assert c.groupby("school_code")["size"].sum().to_dict() == {"A": 615, "B": 635}


def test_teachers_retire_and_hires(projected):
    t22 = projected[2022]["teachers"]
    assert "A-old" in set(projected[2021]["teachers"]["teacher_id"])
    assert "A-old" not in set(t22["teacher_id"])              # 2022 − 1962 = 60 = retirement age
    assert (t22.query("school_code == 'A'")["subject"] == "体育").sum() == 5   # 3 + 2 hired


def test_trajectory_uses_engine_values_by_hand(projected):
    tr = trajectory(projected, S, "测试情景")
    v = tr[tr["level"] == "学校"].set_index(["year", "school_code", "indicator"])["value"]
    # A 2021: L1 = 29 qualified / 596 × 100; L3 = 3/596 × 100; L4 = 2500/596
    assert v[(2021, "A", "L1")] == pytest.approx(29 / 596 * 100)
    assert v[(2021, "A", "L3")] == pytest.approx(3 / 596 * 100)
    assert v[(2021, "A", "L4")] == pytest.approx(2500 / 596)
    # A 2022: 25 + 3 + 2 = 30 qualified over 615; L3 = 5/615 × 100 = 0.813; L4 = 2800/615 = 4.553
    assert v[(2022, "A", "L1")] == pytest.approx(30 / 615 * 100)
    assert v[(2022, "A", "L3")] == pytest.approx(5 / 615 * 100)
    assert v[(2022, "A", "L4")] == pytest.approx(2800 / 615)
    # B 2022: 635 pupils; L4 = 4000/635 = 6.299; L7 = 15/635 × 100 = 2.362 (< 2.4, ≥ 85%)
    assert v[(2022, "B", "L7")] == pytest.approx(15 / 635 * 100)
    first = first_met_year(tr, 2022).set_index(["school_code", "indicator"])["first_met_year"]
    assert first[("A", "L4")] == "2022"                        # 4.195 < 4.5 in 2021, 4.553 in 2022
    assert first[("A", "L3")] == NOT_BY_TARGET.format(year=2022)   # 0.813 < 0.9
    assert first[("B", "L7")] == NOT_BY_TARGET.format(year=2022)   # 2.475 ≥ 2.4 in 2021, 2.362 in 2022
    assert first[("B", "每校达标")] == "2021"                   # 7 met, then 6 met + L7 at 98%


def test_baseline_without_actions_keeps_facilities(history):
    base = project(history, scenario_from_dict({"name": "基准"}), 2022, S)
    f = base[2022]["facilities"].set_index("school_code")
    assert f.loc["A", "teaching_aux_area_m2"] == 2500.0


def test_scenario_errors_name_file_and_key(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\nteachers:\n  hires:\n    - {year: 2021, school: A, stage: 小学, count: 2}\n",
                 encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.yaml.*teachers\.hires\[0\]\.subject"):
        load_scenario(p)
    with pytest.raises(ScenarioError, match="enrolment.entrants"):
        scenario_from_dict({"name": "x", "enrolment": {"entrants": "guess"}})


def test_unknown_school_in_scenario(history, tmp_path):
    """Every key naming a school the county lacks is listed (file, key, code), not only the first."""
    p = tmp_path / "plan.yaml"
    p.write_text(
        "name: x\n"
        "enrolment:\n  entrant_overrides: {\"Z9\": {2022: 10}}\n"
        "teachers:\n  moves:\n    - {year: 2022, from: \"B\", to: \"Q7\", stage: 初中, count: 1}\n"
        "facilities:\n  equipment:\n    - {year: 2022, school: \"A\", yuan: 1}\n"
        "    - {year: 2022, school: \"Q8\", yuan: 1}\n",
        encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        project(history, load_scenario(p), 2022, S)
    msg = str(err.value)
    assert "plan.yaml" in msg and "3 处学校标识码不是本县学校" in msg
    for key_code in ("enrolment.entrant_overrides.Z9 = Z9", "teachers.moves[0].to = Q7",
                     "facilities.equipment[1].school = Q8"):
        assert key_code in msg
    assert "equipment[0]" not in msg and "moves[0].from" not in msg       # A and B are the county's


def test_bundled_scenarios_load():
    sc = load_scenarios()
    assert {"baseline", "county_plan"} <= set(sc)


def test_moves_and_designations_applied(history):
    """A designates 2 backbone teachers; B sends 2 music teachers to A (their stage stays 初中,
    so they leave B's L3 and count for no unit at A, a 小学)."""
    sc = scenario_from_dict({"name": "x", "teachers": {
        "designations": [{"year": 2022, "school": "A", "stage": "小学", "count": 2}],
        "moves": [{"year": 2022, "from": "B", "to": "A", "stage": "初中", "subject": "音乐", "count": 2}],
    }})
    p = project(history, sc, 2022, S)
    t = p[2022]["teachers"]
    # A had no backbone teachers; 2 designated (county level by default), full-time first, by id
    a = t[(t["school_code"] == "A") & (t["stage"] == "小学")]
    assert (a["backbone_level"] == "县级").sum() == 2
    # the first two music teachers of B by id (BP0, BP1) now belong to A
    assert set(t.loc[t["teacher_id"].isin(["BP0", "BP1"]), "school_code"]) == {"A"}
    assert (t[t["school_code"] == "B"]["subject"] == "音乐").sum() == 4       # 6 − 2
    tr = trajectory({2022: p[2022]}, S)
    v = tr[tr["level"] == "学校"].set_index(["school_code", "indicator"])["value"]
    # A L2 = 2 backbone / 615 × 100; B L3 = 4 music teachers / 635 × 100
    assert v[("A", "L2")] == pytest.approx(2 / 615 * 100)
    assert v[("B", "L3")] == pytest.approx(4 / 635 * 100)


def test_move_more_than_available_is_an_error(history):
    sc = scenario_from_dict({"name": "x", "teachers": {
        "moves": [{"year": 2022, "from": "B", "to": "A", "stage": "初中", "subject": "音乐", "count": 7}]}})
    with pytest.raises(ScenarioError, match=r"moves\[0\].*6"):
        project(history, sc, 2022, S)


def test_monte_carlo_without_noise_is_the_deterministic_verdict(projected):
    from analysis.planning.projection import monte_carlo

    # sd 0: every draw equals the projection; A fails the per-unit rule in 2022 (L2 = 0, L3 = 0.81 < 0.9:
    # 5 met), B passes (6 met, L7 at 98%) → probabilities 0 and 1; "all pass" 0
    mc = monte_carlo(projected[2022], S, years_ahead=1, n=3, sd_per_year=0.0)
    p = mc.set_index(["school_code", "indicator"])["pass_probability"]
    assert p[("A", "每校达标")] == 0.0 and p[("B", "每校达标")] == 1.0
    assert p[("", "全部达标")] == 0.0
    assert set(mc["draws"]) == {3}


def test_trajectory_figure_marks_below_standard_by_the_met_flag():
    """A at the standard whose float ratio is 0.9999999999 (met by the engine) is not marked red;
    B at 80% is. The floor line is at standards floor_ratio."""
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd

    from analysis.reporting.projection_figures import unit_trajectories

    rows = [{"scenario": "s", "year": 2022, "level": "学校", "school_code": c, "school_name": n, "stage": "小学",
             "indicator": "L3", "value": v, "standard": 0.9, "ratio": r, "met": m, "included": True}
            for c, n, v, r, m in (("A", "甲校", 0.9, 0.9999999999, True), ("B", "乙校", 0.72, 0.8, False))]
    fig = unit_trajectories(pd.DataFrame(rows), S, "s")
    ax = fig.axes[2]                                                   # L3 panel
    assert [t.get_text() for t in ax.texts] == ["乙校小学"]
    assert float(S["resources"]["floor_ratio"]) in [ln.get_ydata()[0] for ln in ax.lines]
    legend = fig.axes[-1].texts[0].get_text()
    assert f"不低于标准的{S['resources']['floor_ratio']:.0%}" in legend


def test_write_results_replaces_files_whole(tmp_path, monkeypatch):
    import pandas as pd

    from analysis.planning.projection import write_results

    good = pd.DataFrame({"x": [1, 2]})
    written = write_results({"t": good}, tmp_path)
    assert sorted(p.name for p in written) == ["t.csv", "t.parquet"]

    def half_written(self, path, *args, **kwargs):   # the disk fills up halfway through the CSV
        Path(path).write_text("x\n3\n", encoding="utf-8")
        raise OSError("No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_written)
    with pytest.raises(OSError):
        write_results({"t": pd.DataFrame({"x": [3, 4]})}, tmp_path)
    monkeypatch.undo()
    # the old CSV is untouched and no temporary file is left behind
    assert pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")["x"].tolist() == [1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.parquet"]
