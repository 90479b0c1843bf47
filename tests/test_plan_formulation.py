"""The plan's MILP routes transfers through a county pool per stage (linear in the units); it must
reach the same optimum as the pairwise model it replaced (issue #15).

Both formulations are solved on the same inputs (the engine's units of the 12-school county of
the shared demo run, period 2020, and of the bundled 35-school county, period 2019, the one with
the most shortfalls; each at its own target year) in settings that make transfers matter: the
bundled costs, transfers made cheap and hires dear, stricter L2/L3 standards with cheap
transfers, two plan years under yearly budgets, and CV floors. The reference is
``pairwise_reference.py`` (the former model, kept for this test only).
"""

from __future__ import annotations

import copy

import pytest
from pairwise_reference import pairwise_optimum

from analysis import load_period
from analysis.config.standards import load_standards
from analysis.engine import resource_tables
from analysis.planning.costs import load_costs
from analysis.planning.optimise import PlanModel, _inputs, _pair_moves, optimise

import numpy as np

S = load_standards()
C = load_costs()


def _tight(std: dict) -> dict:
    """L2 × 1.6 and L3 × 1.4: more backbone and PE/art teachers needed, so more transfers."""
    out = copy.deepcopy(std)
    for code, factor in (("L2", 1.6), ("L3", 1.4)):
        ind = out["resources"]["indicators"][code]
        ind["standard"] = {st: v * factor for st, v in ind["standard"].items()}
    return out


def _cheap_transfers(costs: dict) -> dict:
    out = copy.deepcopy(costs)
    out["teachers"]["transfer"], out["teachers"]["hire_per_year"] = 1_000, 300_000
    return out


@pytest.fixture(scope="module", params=[12, 35], ids=["12 schools", "35 schools"])
def county(request, demo_run, demo_tables_2019):
    """(tables, year): the 12-school county of the shared demo run, period 2020 (cleaned there as
    2021's history), or the bundled 35-school county, period 2019; each at its own target year."""
    if request.param == 35:
        return demo_tables_2019, 2019
    return load_period(demo_run["processed"], "2020", validate=False), 2020


# (standards, costs, plan years, budgets, floors); years and budgets relative to the period's year
CASES = {
    "bundled costs": (S, C, [0], None, None),
    "cheap transfers": (S, _cheap_transfers(C), [0], None, None),
    "strict, cheap transfers": (_tight(S), _cheap_transfers(C), [0], None, None),
    "two years, budgets": (_tight(S), _cheap_transfers(C), [-1, 0], {-1: 400_000, 0: 10_000_000}, None),
    "CV floor": (S, C, [0], None, {("小学", "L4"): 4.8, ("初中", "L3"): 1.1}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_pool_and_pairwise_have_the_same_optimum(county, case):
    tables, year = county
    standards, costs, offsets, budgets, floors = CASES[case]
    years = [year + d for d in offsets]
    budgets = {year + d: v for d, v in budgets.items()} if budgets else None
    units, _ = resource_tables(tables, standards)
    inp = _inputs(tables, units, standards, "本科")
    status, reference, n_pairwise = pairwise_optimum(inp, standards, costs, years, year, floors, budgets)
    assert status == 0  # the reference is proven optimal

    model = PlanModel(inp, standards, costs, years, year)
    if budgets:
        model.set_budgets(budgets)
    for (stage, code), value in (floors or {}).items():
        model.set_floor(stage, code, value)
    sol = model.solve(60.0, model.feasible_start())
    assert sol.state == "optimal"
    assert float(model.slack_of(sol.x).sum()) == pytest.approx(0.0, abs=1e-6)  # the budgets suffice
    assert sol.objective == pytest.approx(reference, rel=1e-6, abs=1.0)
    # the pool model is linear in the units: per plan year 7 blocks of one variable per unit
    # (hires ×2, designations, sends and receives of 2 kinds) and 4 per school, then 7 binaries
    # per unit and one budget slack per year
    n, s, m = len(inp.P), len(inp.schools), len(years)
    assert model.size["variables"] == m * (7 * n + 4 * s) + 7 * n + m
    assert model.size["variables"] < n_pairwise


def test_transfers_matter_in_these_cases(county):
    """The comparison is only a test of the pool if the optima move teachers."""
    tables, year = county
    plan = optimise(tables, _tight(S), year, costs=_cheap_transfers(C), years=[year])
    assert plan.status == "optimal" and plan.verified
    assert sum(m["count"] for m in plan.actions["moves"]) >= 5


def test_pool_is_split_into_moves_of_the_same_count():
    """Units 0–4, stages 小学 (0, 1, 2) and 初中 (3, 4). 小学: unit 0 sends 3, unit 1 sends 1 and
    receives 1 (netted: nothing), unit 2 receives 3 → 0 → 2: 3. 初中: unit 3 sends 2, unit 4
    receives 2 → 3 → 4: 2. Five teachers moved, as many as the pool's five receives less the
    netted one."""
    stage = np.array(["小学", "小学", "小学", "初中", "初中"], dtype=object)
    send = np.array([3, 1, 0, 2, 0])
    recv = np.array([0, 1, 3, 0, 2])
    assert _pair_moves(send, recv, stage) == [(0, 2, 3), (3, 4, 2)]
    # two senders for one receiver: taken in unit order
    assert _pair_moves(np.array([1, 2, 0]), np.array([0, 0, 3]), stage[:3]) == [(0, 2, 1), (1, 2, 2)]
