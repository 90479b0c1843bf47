"""Plans side by side (方案比较): the minimum-cost plan, the naive plan and the county's scenarios.

What the projection report and the rectification report show about plans, computed once by the
pipeline's plan step: one action table with a ``plan`` column, the spending per year of each plan,
how the naive plan fares under the engine, and the half-budget example.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.planning.optimise import Plan, action_table, cost_by_year, within_budget
from analysis.planning.projection import Scenario, scenario_actions

MIN_COST, NAIVE = "最低成本方案", "简单方案"


@dataclass
class PlanTables:
    table: pd.DataFrame          # every action of every plan (column ``plan``)
    cost_by_year: pd.DataFrame   # plan, year, cost_yuan
    naive_units_pass: int
    naive_units: int
    naive_cv_pass: int
    naive_cv: int


def plan_tables(plan: Plan, scenarios: dict[str, Scenario], period_tables: dict[str, pd.DataFrame],
                standards: dict, costs: dict, cur_year: int, horizon: int, plan_year: int) -> PlanTables:
    """The minimum-cost plan, the naive plan and each scenario's actions after the period (the
    actions dated in or before the period are already in its data), costed the same way."""
    tables = {MIN_COST: plan.table, NAIVE: plan.naive_table}
    for sc in scenarios.values():
        acts = {k: [a for a in v if int(a["year"]) > cur_year] for k, v in scenario_actions(sc).items()}
        if any(acts.values()):
            tables[sc.name] = action_table(acts, period_tables, standards, costs, horizon)
    years = [plan_year] if cur_year >= horizon else list(range(cur_year + 1, horizon + 1))
    by_year = pd.concat([cost_by_year(t, horizon, years).rename_axis("year").reset_index().assign(plan=name)
                         for name, t in tables.items()], ignore_index=True)[["plan", "year", "cost_yuan"]]
    all_actions = pd.concat([t.assign(plan=name) for name, t in tables.items()], ignore_index=True)
    nu, nc = plan.naive_units_after, plan.naive_cv_after
    inc = nu[nu["included"].fillna(False).astype(bool)]
    return PlanTables(all_actions, by_year, int(inc["unit_pass"].fillna(False).astype(bool).sum()), len(inc),
                      int(nc["passed"].fillna(False).astype(bool).sum()), len(nc))


def budget_example(plan: Plan, year: int) -> dict[str, Any] | None:
    """What half of the minimum cost buys in ``year``: the plan's own model solved again with that
    budget, warm-started from the plan (:func:`optimise.within_budget`); its status in the same
    three parts as the plan's (engine check, proof, gap) and the money missing. None when there
    is no verified, costed plan to halve."""
    if not plan.verified or not plan.cost_total > 0 or plan.model is None:
        return None
    budget = round(plan.cost_total / 2, -2)
    tight = within_budget(plan, {int(year): budget})
    return {"year": int(year), "budget": budget, **tight.info(),
            "solve_seconds": round(tight.solve_seconds, 2)}
