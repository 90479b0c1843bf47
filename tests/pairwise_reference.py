"""The pairwise formulation of the plan's MILP, kept only as the reference of
``test_plan_formulation.py`` (the package solves the pool formulation of
``analysis.planning.optimise``).

This is the model ``optimise`` solved before issue #15, unchanged: a transfer variable for every
ordered pair (u → v) of units of the same stage in different schools whose source has teachers
of that kind to move, so it grows with the square of the units. Solved with ``scipy.optimize.milp``
(HiGHS), it gives the reference optimum the pool formulation must reach.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis.planning.costs import cost_of


class _Model:
    def __init__(self):
        self.c, self.lb, self.ub, self.integ = [], [], [], []
        self.rows, self.cols, self.vals, self.rlb, self.rub = [], [], [], [], []
        self.n_rows = 0

    def add_vars(self, n, cost, integer, lb=0.0, ub=np.inf) -> np.ndarray:
        start = len(self.c)
        self.c.extend(np.broadcast_to(np.asarray(cost, dtype=float), (n,)).tolist())
        self.lb.extend(np.broadcast_to(np.asarray(lb, dtype=float), (n,)).tolist())
        self.ub.extend(np.broadcast_to(np.asarray(ub, dtype=float), (n,)).tolist())
        self.integ.extend([1 if integer else 0] * n)
        return np.arange(start, start + n)

    def add_rows(self, rows, cols, vals, lo, hi) -> None:
        """Rows given with local numbering 0..k-1 (k = len(lo))."""
        lo = np.atleast_1d(np.asarray(lo, dtype=float))
        hi = np.broadcast_to(np.asarray(hi, dtype=float), lo.shape)
        self.rows.append(np.asarray(rows) + self.n_rows)
        self.cols.append(np.asarray(cols))
        self.vals.append(np.asarray(vals, dtype=float))
        self.rlb.append(lo)
        self.rub.append(np.asarray(hi))
        self.n_rows += len(lo)

    def solve(self, time_limit: float):
        nv = len(self.c)
        A = sparse.csr_array(
            (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
            shape=(self.n_rows, nv),
        )
        cons = LinearConstraint(A, np.concatenate(self.rlb), np.concatenate(self.rub))
        return milp(np.array(self.c), constraints=cons, integrality=np.array(self.integ),
                    bounds=Bounds(np.array(self.lb), np.array(self.ub)),
                    options={"time_limit": time_limit, "mip_rel_gap": 1e-6})


def _build(inp, standards, costs, years, target_year, floors, budgets, elastic: bool):
    res = standards["resources"]
    n, m = len(inp.P), len(years)
    S = len(inp.schools)
    floor_ratio, min_met = float(res["floor_ratio"]), int(res["min_met"])
    hire = cost_of(costs, "teachers.hire_per_year")
    desig = cost_of(costs, "teachers.backbone_designation_per_year")
    transfer = cost_of(costs, "teachers.transfer")
    c_teach = cost_of(costs, "buildings.teaching_aux_per_m2")
    c_ground = cost_of(costs, "buildings.sports_ground_per_m2")
    c_equip = cost_of(costs, "equipment.per_yuan")
    c_mm = cost_of(costs, "rooms.multimedia_classroom")
    M = _Model()
    # ordered pairs (u → v) of units of the same stage in different schools
    uu, vv = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    same = (inp.stage[uu] == inp.stage[vv]) & (inp.school[uu] != inp.school[vv])
    pa = same & (inp.capA[uu] > 0)
    pb = same & (inp.capB[uu] > 0)
    pairsA = (uu[pa], vv[pa])
    pairsB = (uu[pb], vv[pb])
    V: dict[str, list[np.ndarray]] = {k: [] for k in ("hA", "hD", "b", "tA", "tB", "cT", "cS", "e", "mm")}
    for y in years:
        yrs_paid = target_year - y + 1
        V["hA"].append(M.add_vars(n, hire * yrs_paid, True))
        V["hD"].append(M.add_vars(n, hire * yrs_paid, True, ub=np.where(inp.hire_l1, np.inf, 0.0)))
        V["b"].append(M.add_vars(n, desig * yrs_paid, True))
        V["tA"].append(M.add_vars(len(pairsA[0]), transfer, True))
        V["tB"].append(M.add_vars(len(pairsB[0]), transfer, True))
        V["cT"].append(M.add_vars(S, c_teach, False))
        V["cS"].append(M.add_vars(S, c_ground, False))
        V["e"].append(M.add_vars(S, c_equip, False))
        V["mm"].append(M.add_vars(S, c_mm, True))
    z = M.add_vars(n * 7, 0.0, True, 0.0, 1.0).reshape(n, 7)

    # effect[k] = list of (unit_idx array, var_idx array, coef array)
    eff: dict[int, list[tuple]] = {k: [] for k in range(7)}
    per100 = 100.0 / inp.P
    ar = np.arange(n)
    for yi in range(m):
        hA, hD, b = V["hA"][yi], V["hD"][yi], V["b"][yi]
        tA, tB = V["tA"][yi], V["tB"][yi]
        l1_hire = np.where(inp.hire_l1, per100, 0.0)
        eff[0] += [(ar, hA, l1_hire), (ar, hD, per100),
                   (pairsA[1], tA, per100[pairsA[1]]), (pairsA[0], tA, -per100[pairsA[0]]),
                   (pairsB[1], tB, per100[pairsB[1]]), (pairsB[0], tB, -per100[pairsB[0]])]
        eff[1] += [(ar, b, per100), (pairsB[1], tB, per100[pairsB[1]]), (pairsB[0], tB, -per100[pairsB[0]])]
        eff[2] += [(ar, hA, per100), (pairsA[1], tA, per100[pairsA[1]]), (pairsA[0], tA, -per100[pairsA[0]])]
        share = np.nan_to_num(inp.r / inp.P)
        eff[3] += [(ar, V["cT"][yi][inp.school], share)]
        eff[4] += [(ar, V["cS"][yi][inp.school], share)]
        eff[5] += [(ar, V["e"][yi][inp.school], share)]
        eff[6] += [(ar, V["mm"][yi][inp.school], 100.0 * share)]

    def indicator_rows(k: int, extra_var=None, extra_coef=None, lo=None):
        units = np.concatenate([e[0] for e in eff[k]])
        cols = np.concatenate([e[1] for e in eff[k]])
        vals = np.concatenate([np.broadcast_to(e[2], e[0].shape) for e in eff[k]])
        if extra_var is not None:
            units = np.concatenate([units, ar])
            cols = np.concatenate([cols, extra_var])
            vals = np.concatenate([vals, extra_coef])
        M.add_rows(units, cols, vals, lo, np.inf)

    unplannable = ~inp.ok.all(axis=1)
    for k in range(7):
        std = inp.std[:, k]
        base = np.nan_to_num(inp.base[:, k])
        # per-unit rule: value ≥ std·(floor + (1 − floor)·z); units lacking data are left out
        lo = np.where(unplannable, -np.inf, std * floor_ratio - base)
        indicator_rows(k, z[:, k], np.where(unplannable, 0.0, -std * (1 - floor_ratio)), lo)
        for (stage, ind), f in floors.items():
            if ind != inp.codes[k]:
                continue
            sel = (inp.stage == stage) & ~unplannable
            indicator_rows(k, lo=np.where(sel, f - base, -np.inf))
    # at least min_met indicators met per unit
    M.add_rows(np.repeat(ar, 7), z.ravel(), np.ones(n * 7), np.where(unplannable, -np.inf, min_met), np.inf)
    # transfers out ≤ movable teachers
    for key, pairs, cap in (("tA", pairsA, inp.capA), ("tB", pairsB, inp.capB)):
        if len(pairs[0]):
            rows = np.concatenate([pairs[0]] * m)
            cols = np.concatenate(V[key])
            M.add_rows(rows, cols, np.ones(len(cols)), np.full(n, -np.inf), cap)
    # designations ≤ non-backbone full-time teachers (+ hires, ± PE/art moves)
    rows = [ar] * 3 * m
    cols = [V["b"][yi] for yi in range(m)] + [V["hA"][yi] for yi in range(m)] + [V["hD"][yi] for yi in range(m)]
    vals = [np.ones(n)] * m + [-np.ones(n)] * 2 * m
    for yi in range(m):
        rows += [pairsA[0], pairsA[1]]
        cols += [V["tA"][yi], V["tA"][yi]]
        vals += [np.ones(len(pairsA[0])), -np.ones(len(pairsA[0]))]
    M.add_rows(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), np.full(n, -np.inf), inp.nonbb)
    # yearly budgets
    slack = None
    if budgets:
        recurring = {"hA", "hD", "b"}
        if elastic:
            slack = M.add_vars(m, 1e3, False)
        for yi, y in enumerate(years):
            if y not in budgets:
                continue
            rows, cols, vals = [], [], []
            for key, blocks in V.items():
                for yj, idx in enumerate(blocks):
                    if (key in recurring and years[yj] <= y) or yj == yi:
                        unit_cost = np.asarray(M.c)[idx]
                        if key in recurring:  # one year's pay in the budget of year y
                            unit_cost = unit_cost / (target_year - years[yj] + 1)
                        rows.append(np.zeros(len(idx), dtype=int))
                        cols.append(idx)
                        vals.append(unit_cost)
            if slack is not None:
                rows.append(np.zeros(1, dtype=int))
                cols.append(slack[yi:yi + 1])
                vals.append(-np.ones(1))
            M.add_rows(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
                       [-np.inf], float(budgets[y]))
    return M, V, pairsA, pairsB, slack, unplannable



def pairwise_optimum(inp, standards, costs, years, target_year, floors=None, budgets=None,
                     time_limit=60.0) -> tuple[int, float, int]:
    """(scipy status, optimal cost, number of variables) of the pairwise MILP; ``floors``:
    {(stage, indicator code): value}; ``budgets``: {year: 元} (hard upper bounds)."""
    M, *_ = _build(inp, standards, costs, years, target_year, dict(floors or {}), dict(budgets or {}), False)
    sol = M.solve(time_limit)
    return sol.status, float(sol.fun) if sol.x is not None else float("nan"), len(M.c)
