"""Reports of a large county (issue #15): above ``per_unit_charts.max_units`` included units
(``config/reporting.yaml``: 40) per-unit charts give way to a distribution plus the units below
standard, and trajectory figures draw only the units whose status changes or stays below."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.config.reporting import max_units_per_chart  # noqa: E402
from analysis.config.standards import load_standards  # noqa: E402
from analysis.reporting import figures, projection_figures, sections  # noqa: E402
from analysis.schemas import validate  # noqa: E402

S = load_standards()
RED = (0xD6 / 255, 0x27 / 255, 0x28 / 255)


def _units(n: int, low_l4: dict[int, float], low_l6: tuple[int, ...] = ()) -> pd.DataFrame:
    """``n`` primary units of 100 pupils, every indicator at 1.2 × its standard except L4 of the
    units in ``low_l4`` (value given; standard 4.5) and L6 of those in ``low_l6`` (1 500 < 2 000)."""
    rows = []
    for i in range(n):
        row = {"school_code": f"S{i:03d}", "school_name": f"学校{i:03d}", "stage": "小学", "school_type": "小学",
               "urban_rural": "乡村", "resource_share": 1.0, "included": True, "exclusion_reason": None,
               "missing_inputs": None, "students": 100}
        for k, spec in S["resources"]["indicators"].items():
            std = float(spec["standard"]["小学"])
            v = low_l4.get(i, 1.2 * std) if k == "L4" else (1500.0 if k == "L6" and i in low_l6 else 1.2 * std)
            row.update({k: v, f"{k}_ratio": v / std, f"{k}_met": v >= std})
        row["n_met"] = sum(row[f"{k}_met"] for k in S["resources"]["indicators"])
        row["unit_pass"] = row["n_met"] >= 6
        rows.append(row)
    return validate("units", pd.DataFrame(rows))


def _red(patches) -> int:
    return sum(1 for p in patches if p.get_facecolor()[:3] == pytest.approx(RED))


def test_the_threshold_comes_from_the_reporting_file():
    assert max_units_per_chart() == 40


def test_a_bad_threshold_is_refused_naming_the_file_and_key(tmp_path):
    bad = tmp_path / "reporting.yaml"
    bad.write_text("per_unit_charts:\n  max_units: 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"reporting\.yaml: per_unit_charts\.max_units"):
        max_units_per_chart(bad)


# 45 units, 5 below the L4 standard (4.5): 3.0, 3.2, 3.4, 3.6, 3.8 at units 40–44
LOW = {40 + j: 3.0 + 0.2 * j for j in range(5)}


def test_above_the_threshold_a_distribution_and_the_units_below_standard():
    units = _units(45, LOW)
    fig = figures.indicator_figure(units, "L4", S)  # 45 > 40: the large-county figure
    left, right = fig.axes
    assert left.get_title(loc="left") == "小学：45 个单位的分布，5 个低于标准"
    # the histogram counts every unit once: 40 at 5.4 (1.2 × 4.5, blue) + 5 red
    heights = [p.get_height() for p in left.patches]
    assert sum(heights) == 45
    assert sum(p.get_height() for p in left.patches if p.get_facecolor()[:3] == pytest.approx(RED)) == 5
    # right: one red bar per unit below, the lowest (学校040, 3.0) on top
    assert len(right.patches) == 5 and _red(right.patches) == 5
    labels = [t.get_text() for t in right.get_yticklabels()]
    assert labels[0] == "学校040（小学）" and labels[-1] == "学校044（小学）"
    assert right.get_ylim()[0] > right.get_ylim()[1]  # inverted: position 0 (the lowest) on top
    assert right.get_title(loc="left") == "低于标准的单位"
    plt.close(fig)


def test_at_most_max_units_below_standard_are_drawn_and_the_rest_is_said():
    fig = figures.indicator_figure(_units(45, LOW), "L4", S, max_units=3)
    right = fig.axes[1]
    # the 3 lowest of the 5 drawn; 5 − 3 = 2 more are in the tables
    assert len(right.patches) == 3
    assert right.get_title(loc="left") == "低于标准的单位（最低的 3 个；另有 2 个见表）"
    plt.close(fig)


def test_at_or_below_the_threshold_every_unit_has_its_bar():
    fig = figures.indicator_figure(_units(45, LOW), "L4", S, max_units=45)
    assert len(fig.axes) == 1 and len(fig.axes[0].patches) == 45 and _red(fig.axes[0].patches) == 5
    plt.close(fig)


def test_heatmap_of_a_large_county_lists_only_the_units_below_standard():
    # units 40–44 below on L4; unit 42 also on L6 (n_met 5): it comes first
    fig = figures.ratio_heatmap(_units(45, LOW, low_l6=(42,)), S)
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (5, 7)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["学校042（小学）", "学校040（小学）", "学校041（小学）", "学校043（小学）", "学校044（小学）"]
    assert ax.get_title(loc="left") == "有指标未达标或无数据的单位：5 个（共 45 个参评单位）"
    plt.close(fig)
    # every unit at the standard: a note instead of an empty heatmap
    fig = figures.ratio_heatmap(_units(45, {}), S)
    assert not fig.axes[0].images and "全部 45 个参评单位的七项指标均达到标准" in fig.axes[0].texts[0].get_text()
    plt.close(fig)


def _traj(n_steady: int) -> pd.DataFrame:
    """L3 of units A (met → met), B (below → met), C (met → below), D (below → below) and
    ``n_steady`` more units met in both years, 2021 and 2022."""
    flags = {"A": (True, True), "B": (False, True), "C": (True, False), "D": (False, False)}
    flags.update({f"U{i:02d}": (True, True) for i in range(n_steady)})
    return pd.DataFrame([{"scenario": "基准", "year": y, "level": "学校", "school_code": c, "school_name": f"学校{c}",
                          "stage": "小学", "indicator": "L3", "value": 1.0 if m else 0.5, "standard": 0.9,
                          "ratio": (1.0 if m else 0.5) / 0.9, "met": m, "included": True}
                         for c, fl in flags.items() for y, m in zip((2021, 2022), fl)])


def test_trajectories_keep_the_units_that_change_or_stay_below():
    kept = projection_figures.changing_units(_traj(3))
    assert sorted(kept["school_code"].unique()) == ["B", "C", "D"]


def test_trajectory_figure_of_a_large_county_draws_only_those_units():
    traj = _traj(41)  # 45 units > 40
    fig = projection_figures.unit_trajectories(traj, S, "基准")
    l3 = fig.axes[2]
    # B, C, D: three unit lines (the two horizontal reference lines are axhlines)
    unit_lines = [ln for ln in l3.get_lines() if len(ln.get_xdata()) == 2 and list(ln.get_xdata()) != [0, 1]]
    assert len(unit_lines) == 3
    note = fig.axes[-1].texts[0].get_text()
    assert "共 45 个参评单位" in note and "的 3 个" in note
    plt.close(fig)
    # a small county: every unit drawn
    fig = projection_figures.unit_trajectories(_traj(3), S, "基准")
    unit_lines = [ln for ln in fig.axes[2].get_lines() if list(ln.get_xdata()) != [0, 1]]
    assert len(unit_lines) == 7
    plt.close(fig)


def test_the_report_says_what_a_large_county_figure_shows():
    assert sections.per_unit_chart_note(SimpleNamespace(units=_units(40, {})), "indicator") == ""
    note = sections.per_unit_chart_note(SimpleNamespace(units=_units(45, LOW)), "heatmap")
    assert note.startswith("本期纳入评估的单位有 45 个，多于 40 个")
    assert "application_tables.xlsx" in note
