"""Issue #10: the target year comes from the county's county.yaml (default: the standards' 2022);
a period at or after it runs every notebook (已到目标年: no projection years)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_projection import history  # noqa: F401  (module fixture: periods 2020 and 2021)

from analysis import paths
from analysis.config.standards import load_standards, target_year
from analysis.demo import write_demo
from analysis.pipeline import runner
from analysis.planning.projection import (
    PASS_PROBABILITY_COLUMNS,
    SENSITIVITY_COLUMNS,
    first_met_year,
    monte_carlo,
    project,
    scenario_from_dict,
    sensitivity,
    trajectory,
)

S = load_standards()


def test_target_year_from_county_yaml_else_the_standards():
    assert S["target_year"] == 2022
    assert target_year(S, {}) == 2022                               # no county.yaml key: the seed's 2022
    assert target_year(S, {"target_year": None}) == 2022            # `target_year:` left blank
    assert target_year(S, {"target_year": 2021}) == 2021
    assert target_year(S, {"target_year": "2025"}) == 2025          # a quoted year is still a year


@pytest.mark.parametrize("bad", [1999, "明年", True, 2021.5, [2022]])
def test_a_bad_target_year_names_county_yaml_and_the_key(bad):
    with pytest.raises(ValueError, match=r"county\.yaml 中的 target_year.*county\.yaml") as err:
        target_year(S, {"target_year": bad})
    assert "≥ 2000" in str(err.value)


def test_projection_at_or_after_the_target_year_has_no_projected_years(history):  # noqa: F811
    sc = scenario_from_dict({"name": "测试情景"})
    # current period 2021: target 2021 (reached) and 2020 (passed) both give the period itself only
    assert list(project(history, sc, 2021, S)) == [2021]
    assert list(project(history, sc, 2020, S)) == [2021]
    proj = project(history, sc, 2021, S)
    first = first_met_year(trajectory(proj, S, sc.name), 2021)
    # a unit met in 2021 has first_met_year "2021"; one not met says "到2021年仍未达标" (never 2022)
    assert set(first["first_met_year"]) <= {"2021", "到2021年仍未达标", "无数据"}
    assert "2021" in set(first["first_met_year"])
    # nothing projected: no enrolment to scale, no projection error to simulate — empty, same columns
    sens = sensitivity(history, sc, 2021, S)
    assert sens.empty and list(sens.columns) == list(SENSITIVITY_COLUMNS)
    mc = monte_carlo(proj[2021], S, years_ahead=0)
    assert mc.empty and list(mc.columns) == list(PASS_PROBABILITY_COLUMNS)


@pytest.mark.e2e
def test_projection_notebook_at_the_target_year_runs_on_the_period_itself(tmp_path):
    # demo county, periods 2020 and 2021; county.yaml sets target_year: 2021 → period 2021 has reached it
    raw = write_demo(tmp_path / "raw", periods=("2020", "2021"), n_schools=12)
    meta = (raw / "county.yaml").read_text(encoding="utf-8")
    (raw / "county.yaml").write_text(meta + "target_year: 2021\n", encoding="utf-8")
    processed = tmp_path / "processed"
    result = runner.run(["2021"], data_dir=raw, processed_dir=processed, reports_dir=tmp_path / "reports",
                        notebooks_dir=paths.NOTEBOOKS_DIR, notebook="projection", log=lambda line: None,
                        write_index=False)
    assert result.ok, " | ".join(r.message for r in result.results)
    html = (tmp_path / "reports" / "2021" / "projection.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert re.search(r"已到目标年\s*（目标年 2021 年）", text)
    out = processed / "2021"
    # the period itself, no projection years
    assert set(pd.read_parquet(out / "trajectory.parquet")["year"]) == {2021}
    # the plan is computed for the period's own tables, its actions dated in the period
    summary = pd.read_parquet(out / "plan_summary.parquet").set_index("key")
    assert summary.loc["status", "text"] == "optimal"
    assert set(pd.read_parquet(out / "plan.parquet")["year"]) <= {2021}
    # tasks are the period's own gaps ("现状"), none "预测"
    assert set(pd.read_parquet(out / "tasks.parquet")["when"]) <= {"现状"}
    assert pd.read_parquet(out / "sensitivity.parquet").empty
    assert pd.read_parquet(out / "pass_probability.parquet").empty
