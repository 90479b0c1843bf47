"""Minimum-cost plan (最低成本整改方案): a mixed-integer linear programme solved with HiGHS.

Given the processed tables of the target year (usually the baseline projection), choose per
assessment unit / school and per plan year:

- hires of PE/art teachers (体育、音乐、美术, with a degree that qualifies for L1) and of other
  degree-qualified teachers (L1), backbone designations of existing teachers (L2);
- transfers between schools of the same stage: a degree-qualified non-backbone PE/art teacher
  (L3 and L1 move with them) or a degree-qualified backbone teacher of another subject (L2 and L1);
- construction of teaching/auxiliary rooms (L4) and sports ground (L5) in m², equipment in 元
  (L6) and multimedia classrooms (L7) per school (shared between a mixed school's stages by the
  engine's resource share);

so that in the target year every included unit passes the per-unit rule (binaries: at least
``min_met`` of 7 indicators at the standard, every indicator at ``floor_ratio`` or more) at
the least total cost, within optional yearly budgets.

**Transfers through a county pool.** Each unit *sends* and *receives* teachers of each kind
through a pool per stage and year (Σ sent = Σ received); a transfer is paid where it arrives.
The model therefore grows linearly with the units (per plan year 7 integer variables per unit
and 4 per school, then 7 binaries per unit; 9 rows per unit): 10 000 variables at 600 schools,
where a variable for every ordered pair of same-stage units grew with their square (305 000). It has the same optimum: every pairwise plan is a pool plan of the same cost, and
a pool plan is split into pairwise moves (:func:`_pair_moves`, in unit order) of the same cost
once a unit's sends and receives of one kind in one year are netted (netting changes no
indicator and only lowers the cost). ``tests/test_plan_formulation.py`` solves both
formulations on 12- and 35-school counties and compares the optima.

The linear model is built **from the engine's own output** (values, students and resource shares
of the units table): adding one teacher raises a per-hundred indicator by 100/students, adding x m²
raises L4 by share·x/students. No indicator is re-implemented; the plan is applied to the tables
(``projection.apply_actions``) and the engine recomputes everything.

The CV limit is not linear. Cutting planes: solve; apply the plan; recompute the CVs with the
engine; for each stage/indicator whose CV (as shown, 3 decimals) exceeds its limit, find by
bisection the smallest floor f such that raising every unit below f up to f brings the CV under
the limit, add ``value ≥ f`` for every unit of that stage to the *same* model, re-solve; repeat
until the engine confirms (or ``max_iter``). This is a sufficient (not necessarily cheapest) way
to meet the CV.

**Warm starts.** Every solve starts from a plan known to satisfy the model: the first from the
naive plan (every unit to 100% of every standard), each later one from the previous plan with
the units below a new floor raised to it; the budget example starts from the minimum-cost plan.
So a solve stopped by its time limit still returns a plan, with the gap to the best bound.

**Three separate facts** (:class:`Plan`): ``verified`` — the engine, run on the tables with the
plan applied, confirms every included unit and every CV; ``proven`` — the solver proved the plan
optimal (relative gap ≤ :data:`MIP_REL_GAP`); ``gap`` — otherwise, the relative gap between the
plan's cost and the best bound found. ``status``: "optimal" (verified and proven), "verified"
(verified, not proven: e.g. the time limit), "infeasible" (a budget too small; ``missing`` says
how much more is needed) or "failed" (no plan the engine confirms).
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from analysis import schemas
from analysis.config.standards import facility_codes, resource_codes
from analysis.engine import resource_tables
from analysis.engine.cv import cv_floor, cv_margin
from analysis.engine.teachers import movable_teachers
from analysis.planning.costs import cost_of, load_costs
from analysis.planning.counts_actions import OTHER_SUBJECT
from analysis.planning.projection import apply_actions
from analysis.planning.tasks import resource_shortfalls

#: relative gap within which the solver's plan counts as proven optimal
MIP_REL_GAP = 1e-6
#: price of one 元 of missing budget in the elastic model (far above any action's cost)
SLACK_PRICE = 1e3
#: the blocks of variables of each plan year, in model order
_YEAR_BLOCKS = ("hA", "hD", "b", "sA", "rA", "sB", "rB", "cT", "cS", "e", "mm")
_SCHOOL_BLOCKS = ("cT", "cS", "e", "mm")
_RECURRING = ("hA", "hD", "b")        # paid every year to the target year
_CONTINUOUS = ("cT", "cS", "e")       # m², m², 元 (rounded up when applied)


def designation_level(standards: dict) -> str:
    """The backbone level a designation gives: the lowest level that counts for L2 (standards
    ``resources.indicators.L2.backbone_levels``, listed from the lowest)."""
    return str(standards["resources"]["indicators"]["L2"]["backbone_levels"][0])


# ---------------------------------------------------------------- the result
@dataclass
class Plan:
    status: str                      # "optimal" | "verified" | "infeasible" | "failed" (module docstring)
    message: str
    actions: dict[str, list[dict]]   # apply_actions format
    table: pd.DataFrame              # one row per action (plan table)
    cost_total: float
    cost_by_year: pd.Series
    naive_cost: float
    naive_table: pd.DataFrame
    iterations: int
    cv_floors: dict[tuple[str, str], float]
    solve_seconds: float
    verified: bool | None = None
    units_after: pd.DataFrame | None = None
    cv_after: pd.DataFrame | None = None
    naive_units_after: pd.DataFrame | None = None
    naive_cv_after: pd.DataFrame | None = None
    missing: pd.DataFrame = field(default_factory=pd.DataFrame)
    unplannable: pd.DataFrame = field(default_factory=pd.DataFrame)
    proven: bool = False             # the last solve proved its plan optimal (gap ≤ MIP_REL_GAP)
    gap: float | None = None         # relative gap to the best bound (0 when proven; None: no solve)
    bound: float | None = None       # best bound on the model's cost (元, before rounding up)
    mip_seconds: float = 0.0         # time spent in the solver (all rounds)
    time_limit: float | None = None  # the time limit of each solve (seconds)
    size: dict[str, int] = field(default_factory=dict)  # variables, integers, rows of the model
    model: "PlanModel | None" = field(default=None, repr=False)  # kept for re-solves (budget example)

    def summary(self) -> pd.DataFrame:
        """One row per figure (plan_summary result table)."""
        ua, ca = self.units_after, self.cv_after
        nu, nc = self.naive_units_after, self.naive_cv_after
        rows = [
            ("status", "求解状态", self.status, None),
            ("message", "说明", self.message, None),
            ("cost_total", "最低成本方案总成本（元）", None, self.cost_total),
            ("naive_cost", "简单方案（每校每项补足到100%标准）成本（元）", None, self.naive_cost),
            ("saving", "节约（元）", None, self.naive_cost - self.cost_total
             if self.status in ("optimal", "verified") else np.nan),
            ("iterations", "割平面迭代次数", None, float(self.iterations)),
            ("solve_seconds", "求解用时（秒）", None, self.solve_seconds),
            ("mip_seconds", "其中求解器用时（秒）", None, self.mip_seconds),
            ("verified", "引擎复核全部达标", None if self.verified is None else str(bool(self.verified)), None),
            ("proven", "已证明最优", str(bool(self.proven)), None),
            ("gap", "与最优下界的相对差距", None, np.nan if self.gap is None else float(self.gap)),
            ("bound", "最优下界（元）", None, np.nan if self.bound is None else float(self.bound)),
        ]
        if ua is not None:
            inc = ua[ua["included"].fillna(False).astype(bool)]
            rows.append(("units_pass_after", "方案实施后每校达标单位数", None,
                         float(inc["unit_pass"].fillna(False).astype(bool).sum())))
            rows.append(("units_total", "参评单位数", None, float(len(inc))))
            rows.append(("cv_pass_after", "方案实施后差异系数达标项数", None,
                         float(ca["passed"].fillna(False).astype(bool).sum())))
        if nu is not None:
            inc = nu[nu["included"].fillna(False).astype(bool)]
            rows.append(("naive_units_pass_after", "简单方案实施后每校达标单位数", None,
                         float(inc["unit_pass"].fillna(False).astype(bool).sum())))
            rows.append(("naive_cv_pass_after", "简单方案实施后差异系数达标项数", None,
                         float(nc["passed"].fillna(False).astype(bool).sum())))
        for y, c in self.cost_by_year.items():
            rows.append((f"cost_{y}", f"{y}年支出（元）", None, float(c)))
        for _, m in self.missing.iterrows():
            rows.append((f"missing_{m['year']}", f"{m['year']}年预算缺口（元）", None, float(m["missing_yuan"])))
        out = pd.DataFrame(rows, columns=["key", "label", "text", "value"])
        out["text"] = out["text"].astype("string")
        out["value"] = out["value"].astype("Float64")
        return out

    def info(self) -> dict[str, Any]:
        """The solver's status in plain fields (plan.json; the reports word them)."""
        ua, ca = self.units_after, self.cv_after
        inc = None if ua is None else ua[ua["included"].fillna(False).astype(bool)]
        return {
            "status": self.status, "message": self.message, "verified": bool(self.verified),
            "proven": bool(self.proven), "gap": self.gap, "bound": self.bound,
            "mip_rel_gap": MIP_REL_GAP, "time_limit": self.time_limit, "iterations": self.iterations,
            "mip_seconds": round(self.mip_seconds, 3),
            "units_pass_after": None if inc is None else int(inc["unit_pass"].fillna(False).astype(bool).sum()),
            "units_total": None if inc is None else len(inc),
            "cv_pass_after": None if ca is None else int(ca["passed"].fillna(False).astype(bool).sum()),
            "cv_total": None if ca is None else len(ca),
            "missing": {int(r.year): float(r.missing_yuan) for r in self.missing.itertuples()},
            "model_size": dict(self.size),
        }


# ---------------------------------------------------------------- model inputs
@dataclass
class _Inputs:
    units: pd.DataFrame      # included units, in model order
    P: np.ndarray
    r: np.ndarray
    base: np.ndarray         # (n, 7) engine values
    std: np.ndarray          # (n, 7)
    school: np.ndarray       # unit → school position
    schools: pd.Index
    stage: np.ndarray
    capA: np.ndarray         # movable PE/art teachers (qualified, non-backbone, full-time)
    capB: np.ndarray         # movable backbone teachers (qualified, other subjects)
    nonbb: np.ndarray        # full-time non-backbone teachers (designation candidates)
    hire_l1: np.ndarray      # does a hire (default degree) count for L1 in this stage
    ok: np.ndarray           # (n, 7) base value present
    codes: list[str] = field(default_factory=list)  # the indicators' codes (standards order)


def _inputs(tables, units_all, standards, hire_degree: str) -> _Inputs:
    res = standards["resources"]
    ind = res["indicators"]
    u = units_all[units_all["included"].fillna(False).astype(bool)].reset_index(drop=True)
    codes = resource_codes(standards)
    P = u["students"].to_numpy(dtype=float)
    r = u["resource_share"].to_numpy(dtype=float, na_value=np.nan)
    base = np.column_stack([u[k].to_numpy(dtype=float, na_value=np.nan) for k in codes])
    stage = u["stage"].astype(object).to_numpy()
    std = np.column_stack([u["stage"].astype(object).map(ind[k]["standard"]).to_numpy(dtype=float)
                           for k in codes])
    schools = pd.Index(pd.unique(u["school_code"].astype(object)))
    school = schools.get_indexer(u["school_code"].astype(object))
    # teacher counts per unit (inputs for the transfer and designation bounds): the engine's own
    # L1–L3 masks on the roster, or what the counts form surely holds
    movable = movable_teachers(tables, standards)
    key = pd.MultiIndex.from_arrays([u["school_code"].astype(object), u["stage"].astype(object)])

    def per_unit(field):
        return movable[field].reindex(key).fillna(0).to_numpy(dtype=float)

    capA = per_unit("movable_pe_art")
    capB = per_unit("movable_backbone")
    nonbb = per_unit("non_backbone")
    hire_l1 = np.array([hire_degree in ind["L1"]["qualifying_degrees"][s] for s in stage], dtype=bool)
    ok = ~np.isnan(base) & (P > 0)[:, None] & ~np.isnan(r)[:, None]
    return _Inputs(u, P, r, base, std, school, schools, stage, capA, capB, nonbb, hire_l1, ok, codes)



# ---------------------------------------------------------------- the MILP
@dataclass
class _Solve:
    """One solve: ``state`` "optimal" (proven within MIP_REL_GAP), "stopped" (a limit reached,
    ``x`` the best plan found), "infeasible" or "error" (no plan)."""
    state: str
    x: np.ndarray | None
    objective: float
    bound: float
    gap: float
    seconds: float
    message: str


_BANNER_SHOWN = False


def _highs() -> highspy.Highs:
    """A HiGHS instance. The first one of a process prints HiGHS's banner on the C level before
    any option can silence it; it goes to /dev/null instead of the command's output."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_SHOWN = True
    return h


def _csr(rows, cols, vals, shape) -> sparse.csr_array:
    return sparse.csr_array((np.asarray(vals, dtype=float), (np.asarray(rows), np.asarray(cols))), shape=shape)


class PlanModel:
    """The plan's MILP, built once (linear in the units: transfers through a pool per stage)
    and solved again after changes: CV floors (:meth:`set_floor`), yearly budgets
    (:meth:`set_budgets`), each solve warm-started from a plan that satisfies the model."""

    def __init__(self, inp: _Inputs, standards: dict, costs: dict, years: list[int], target_year: int):
        res = standards["resources"]
        self.inp, self.years, self.target_year = inp, list(years), int(target_year)
        self.standards, self.costs = standards, costs
        n, S, m = len(inp.P), len(inp.schools), len(years)
        self.n, self.S, self.m = n, S, m
        self.floor_ratio, self.min_met = float(res["floor_ratio"]), int(res["min_met"])
        hire = cost_of(costs, "teachers.hire_per_year")
        transfer = cost_of(costs, "teachers.transfer")
        self.unit_cost = {"hA": hire, "hD": hire, "b": cost_of(costs, "teachers.backbone_designation_per_year"),
                          "sA": 0.0, "rA": transfer, "sB": 0.0, "rB": transfer,
                          "cT": cost_of(costs, "buildings.teaching_aux_per_m2"),
                          "cS": cost_of(costs, "buildings.sports_ground_per_m2"),
                          "e": cost_of(costs, "equipment.per_yuan"), "mm": cost_of(costs, "rooms.multimedia_classroom")}
        upper = {"hD": np.where(inp.hire_l1, np.inf, 0.0), "sA": inp.capA, "sB": inp.capB}
        c, lb, ub, integ = [], [], [], []
        self.V: dict[str, list[np.ndarray]] = {k: [] for k in _YEAR_BLOCKS}
        nv = 0

        def add(size, cost, integer, hi) -> np.ndarray:
            nonlocal nv
            c.append(np.broadcast_to(np.asarray(cost, dtype=float), (size,)))
            lb.append(np.zeros(size))
            ub.append(np.broadcast_to(np.asarray(hi, dtype=float), (size,)))
            integ.append(np.full(size, integer, dtype=bool))
            nv += size
            return np.arange(nv - size, nv)

        for y in self.years:
            paid = self.target_year - y + 1
            for k in _YEAR_BLOCKS:
                size = S if k in _SCHOOL_BLOCKS else n
                cost = self.unit_cost[k] * (paid if k in _RECURRING else 1)
                self.V[k].append(add(size, cost, k not in _CONTINUOUS, upper.get(k, np.inf)))
        self.unplannable = ~inp.ok.all(axis=1)
        self.z = add(n * 7, 0.0, True, np.repeat(np.where(self.unplannable, 0.0, 1.0), 7)).reshape(n, 7)
        self.slack = add(m, SLACK_PRICE, False, 0.0)
        self.nv = nv
        self.c, self.lb, self.ub = np.concatenate(c), np.concatenate(lb), np.concatenate(ub)
        self.integer = np.concatenate(integ)

        # effect of every variable on each indicator of each unit: E[k] (n × nv)
        P = inp.P
        per100 = np.divide(100.0, P, out=np.zeros(n), where=P > 0)
        share = np.nan_to_num(np.divide(inp.r, P, out=np.full(n, np.nan), where=P > 0))
        ar = np.arange(n)
        parts: dict[int, list[tuple]] = {k: [] for k in range(7)}
        for yi in range(m):
            V = {k: v[yi] for k, v in self.V.items()}
            parts[0] += [(ar, V["hA"], per100 * inp.hire_l1), (ar, V["hD"], per100), (ar, V["rA"], per100),
                         (ar, V["sA"], -per100), (ar, V["rB"], per100), (ar, V["sB"], -per100)]
            parts[1] += [(ar, V["b"], per100), (ar, V["rB"], per100), (ar, V["sB"], -per100)]
            parts[2] += [(ar, V["hA"], per100), (ar, V["rA"], per100), (ar, V["sA"], -per100)]
            for k, key, f in ((3, "cT", 1.0), (4, "cS", 1.0), (5, "e", 1.0), (6, "mm", 100.0)):
                parts[k].append((ar, V[key][inp.school], f * share))
        self.E = [_csr(np.concatenate([p[0] for p in parts[k]]), np.concatenate([p[1] for p in parts[k]]),
                       np.concatenate([p[2] for p in parts[k]]), (n, nv)) for k in range(7)]

        # rows
        blocks, lo, hi = [], [], []
        plan_u = np.nonzero(~self.unplannable)[0]
        self.plan_units = plan_u
        f = self.floor_ratio
        for k in range(7):  # per-unit rule: value ≥ std·(f + (1 − f)·z)
            std = inp.std[plan_u, k]
            zpart = _csr(np.arange(len(plan_u)), self.z[plan_u, k], -std * (1 - f), (len(plan_u), nv))
            blocks.append(self.E[k][plan_u] + zpart)
            lo.append(std * f - np.nan_to_num(inp.base[plan_u, k]))
            hi.append(np.full(len(plan_u), np.inf))
        # at least min_met indicators met per unit
        blocks.append(_csr(np.repeat(np.arange(len(plan_u)), 7), self.z[plan_u].ravel(), np.ones(len(plan_u) * 7),
                           (len(plan_u), nv)))
        lo.append(np.full(len(plan_u), float(self.min_met)))
        hi.append(np.full(len(plan_u), np.inf))
        # the pool: per stage, year and kind, Σ sent = Σ received
        stages = pd.unique(inp.stage)
        for yi in range(m):
            for s_key, r_key in (("sA", "rA"), ("sB", "rB")):
                for i, st in enumerate(stages):
                    u = np.nonzero(inp.stage == st)[0]
                    blocks.append(_csr(np.zeros(2 * len(u), dtype=int),
                                       np.concatenate([self.V[s_key][yi][u], self.V[r_key][yi][u]]),
                                       np.concatenate([np.ones(len(u)), -np.ones(len(u))]), (1, nv)))
                    lo.append(np.zeros(1))
                    hi.append(np.zeros(1))
        # teachers sent over all years ≤ movable teachers (one year: the variables' bounds)
        if m > 1:
            for s_key, cap in (("sA", inp.capA), ("sB", inp.capB)):
                blocks.append(_csr(np.tile(ar, m), np.concatenate(self.V[s_key]), np.ones(n * m), (n, nv)))
                lo.append(np.full(n, -np.inf))
                hi.append(cap.astype(float))
        # designations ≤ non-backbone full-time teachers (+ hires, ± PE/art teachers moved)
        sign = {"b": 1.0, "hA": -1.0, "hD": -1.0, "sA": 1.0, "rA": -1.0}
        blocks.append(_csr(np.tile(ar, m * len(sign)), np.concatenate([self.V[k][yi] for k in sign for yi in range(m)]),
                           np.concatenate([np.full(n, sign[k]) for k in sign for _ in range(m)]), (n, nv)))
        lo.append(np.full(n, -np.inf))
        hi.append(inp.nonbb.astype(float))
        # yearly spending (budget rows; no budget: no upper bound): one year's pay of every hire
        # and designation made by then, the one-off costs of the year; minus the elastic slack
        brows = []
        for yi, y in enumerate(self.years):
            cols, vals = [], []
            for k in _YEAR_BLOCKS:
                for yj, idx in enumerate(self.V[k]):
                    if yj == yi or (k in _RECURRING and self.years[yj] <= y):
                        cols.append(idx)
                        vals.append(np.full(len(idx), self.unit_cost[k]))
            cols.append(self.slack[yi:yi + 1])
            vals.append(-np.ones(1))
            brows.append(_csr(np.zeros(sum(len(v) for v in cols), dtype=int), np.concatenate(cols),
                              np.concatenate(vals), (1, nv)))
        self.spend = sparse.vstack(brows, format="csr")  # (m × nv), with the slack
        blocks.append(self.spend)
        lo.append(np.full(m, -np.inf))
        hi.append(np.full(m, np.inf))
        A = sparse.vstack(blocks, format="csc")
        self.n_rows = A.shape[0]
        self.budget_rows = np.arange(self.n_rows - m, self.n_rows)
        self.floor_rows: dict[tuple[str, int], np.ndarray] = {}
        self.floors: dict[tuple[str, int], float] = {}
        self.budgets: dict[int, float] = {}

        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = nv, self.n_rows
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = self.c, self.lb, self.ub
        lp.row_lower_, lp.row_upper_ = np.concatenate(lo), np.concatenate(hi)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in self.integer]
        self.h = _highs()
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
        self.h.setOptionValue("random_seed", 0)
        self.h.passModel(lp)
        self.size = {"units": n, "schools": S, "years": m, "variables": int(nv), "integers": int(self.integer.sum()),
                     "rows": int(self.n_rows), "nonzeros": int(A.nnz)}
        self.x: np.ndarray | None = None       # the last solve's plan
        self.plan_x: np.ndarray | None = None  # the plan returned by optimise (a warm start)
        # what optimise() solved the model for, kept for within_budget()
        self.tables: dict[str, pd.DataFrame] = {}
        self.naive: dict[str, Any] = {}
        self.hire_degree = "本科"

    # ------------------------------------------------------------ changes
    def set_floor(self, stage: str, code: str, value: float) -> None:
        """``indicator ≥ value`` for every plannable unit of ``stage`` (a CV cutting plane); a
        floor set again for the same stage and indicator is raised, never lowered."""
        k = self.inp.codes.index(code)
        key = (stage, k)
        value = max(float(value), self.floors.get(key, -np.inf))
        self.floors[key] = value
        u = self.plan_units[self.inp.stage[self.plan_units] == stage]
        lo = value - np.nan_to_num(self.inp.base[u, k])
        if key in self.floor_rows:
            rows = self.floor_rows[key]
            self.h.changeRowsBounds(len(rows), rows.astype(np.int32), lo, np.full(len(rows), np.inf))
            return
        M = self.E[k][u].tocsr()
        self.h.addRows(len(u), lo, np.full(len(u), np.inf), M.nnz, M.indptr[:-1].astype(np.int32),
                       M.indices.astype(np.int32), M.data)
        self.floor_rows[key] = np.arange(self.n_rows, self.n_rows + len(u))
        self.n_rows += len(u)

    def set_budgets(self, budgets: dict[int, float]) -> None:
        """Upper bounds on each plan year's spending (a year not given: none). A budget is elastic:
        money beyond it is allowed at :data:`SLACK_PRICE` per 元, so the solve always gives the
        cheapest plan of the least missing money (zero when the budget suffices)."""
        unknown = sorted(set(budgets) - set(self.years))
        if unknown:
            raise ValueError(f"预算年份不在方案年份内 / budget years {unknown} are not plan years {self.years}")
        self.budgets = {int(y): float(v) for y, v in budgets.items()}
        hi = np.array([self.budgets.get(y, np.inf) for y in self.years])
        self.h.changeRowsBounds(self.m, self.budget_rows.astype(np.int32), np.full(self.m, -np.inf), hi)
        self.h.changeColsBounds(self.m, self.slack.astype(np.int32), np.zeros(self.m),
                                np.where(np.isfinite(hi), np.inf, 0.0))

    # ------------------------------------------------------------ solving
    def feasible_start(self, x: np.ndarray | None = None) -> np.ndarray:
        """A plan that satisfies the model: ``x`` (default: nothing done) with its integers
        rounded, its indicators met as its binaries say (all 7 when ``x`` is None), the units
        below a CV floor raised to it (the cheapest single action of that indicator, in the last
        plan year) and the budget slack that covers its spending."""
        inp, n = self.inp, self.n
        x = np.zeros(self.nv) if x is None else np.where(self.integer, np.round(x), np.maximum(x, 0.0))
        z = np.ones((n, 7)) if not x[self.z].any() else x[self.z]
        z[self.unplannable] = 0.0
        x[self.z] = z
        f = self.floor_ratio
        need = inp.std * (f + (1 - f) * z) - np.nan_to_num(inp.base)
        for (stage, k), value in self.floors.items():
            sel = inp.stage == stage
            need[sel, k] = np.maximum(need[sel, k], value - np.nan_to_num(inp.base[sel, k]))
        need[self.unplannable] = -np.inf
        last = {k: v[-1] for k, v in self.V.items()}
        per_teacher = np.divide(100.0, inp.P, out=np.zeros(n), where=inp.P > 0)

        def short(k):
            return np.maximum(need[:, k] - self.E[k] @ x, 0.0)

        def teachers(k):
            return np.ceil(np.divide(short(k), per_teacher, out=np.zeros(n), where=per_teacher > 0) - 1e-9)

        x[last["hA"]] += teachers(2)                       # L3: PE/art hires
        x[last["hD"]] += np.where(inp.hire_l1, teachers(0), 0.0)  # L1: other qualified hires
        x[last["b"]] += teachers(1)                         # L2: designations
        sign = {"b": 1.0, "hA": -1.0, "hD": -1.0, "sA": 1.0, "rA": -1.0}
        over = sum(s * sum(x[self.V[k][yi]] for yi in range(self.m)) for k, s in sign.items()) - inp.nonbb
        extra = np.maximum(over, 0.0)                       # more designations than teachers: hire first
        x[last["hD"]] += np.where(inp.hire_l1, extra, 0.0)
        x[last["hA"]] += np.where(inp.hire_l1, 0.0, extra)
        for k, key in ((3, "cT"), (4, "cS"), (5, "e"), (6, "mm")):
            per = np.nan_to_num(np.divide(inp.r, inp.P, out=np.full(n, np.nan), where=inp.P > 0)) * (100.0 if k == 6 else 1.0)
            amount = np.divide(short(k), per, out=np.zeros(n), where=per > 0)
            by_school = np.zeros(self.S)
            np.maximum.at(by_school, inp.school, amount)
            x[last[key]] += np.ceil(by_school - 1e-9) if key == "mm" else by_school
        if self.budgets:
            x[self.slack] = 0.0
            act = self.spend @ x
            x[self.slack] = np.maximum(act - np.array([self.budgets.get(y, np.inf) for y in self.years]), 0.0)
        else:
            x[self.slack] = 0.0
        return x

    def solve(self, time_limit: float, start: np.ndarray | None = None) -> _Solve:
        h = self.h
        h.setOptionValue("time_limit", float(time_limit))
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = start.tolist()
            sol.value_valid = True
            h.setSolution(sol)
        t0 = time.perf_counter()
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        has_x = info.primal_solution_status == 2  # feasible
        x = np.array(h.getSolution().col_value) if has_x else None
        obj = float(info.objective_function_value) if has_x else np.nan
        if x is not None and start is not None and not math.isclose(float(self.c @ x), obj, rel_tol=1e-7, abs_tol=1e-6):
            # HiGHS 1.16 can hand back the starting solution unchanged when its presolve
            # solves the model outright (small models); solve again without presolve
            h.setOptionValue("presolve", "off")
            h.setSolution(sol)
            h.run()
            h.setOptionValue("presolve", "choose")
            status, info = h.getModelStatus(), h.getInfo()
            has_x = info.primal_solution_status == 2
            x = np.array(h.getSolution().col_value) if has_x else None
            obj = float(info.objective_function_value) if has_x else np.nan
        seconds = time.perf_counter() - t0
        bound = float(info.mip_dual_bound)
        if status == highspy.HighsModelStatus.kOptimal:
            state = "optimal"
        elif status == highspy.HighsModelStatus.kInfeasible:
            state = "infeasible"
        else:
            state = "stopped" if has_x else "error"
        gap = 0.0 if state == "optimal" else (float(info.mip_gap) if has_x else np.nan)
        if x is not None:
            self.x = x
        return _Solve(state, x, obj, bound, gap, seconds, h.modelStatusToString(status))

    # ------------------------------------------------------------ reading a plan
    def values(self, x: np.ndarray, block: str, yi: int) -> np.ndarray:
        v = x[self.V[block][yi]]
        return np.ceil(v - 1e-6) if block in _CONTINUOUS else np.round(v)

    def slack_of(self, x: np.ndarray) -> np.ndarray:
        return x[self.slack]


def _pair_moves(send: np.ndarray, recv: np.ndarray, stage: np.ndarray) -> list[tuple[int, int, int]]:
    """Split one year's pool of one kind of teacher into moves (from, to, count).

    A unit's sends and receives are netted first (sending and receiving the same kind in the
    same year changes none of its indicators); then, per stage, the receiving units take from
    the sending units in unit order. The number moved, hence the cost, is unchanged by the split
    (Σ sent = Σ received per stage), so the pool's optimum is an optimum of the pairwise model.
    """
    net = recv - send
    moves = []
    for st in pd.unique(stage):
        u = np.nonzero(stage == st)[0]
        senders = [[int(i), int(-net[i])] for i in u if net[i] < 0]
        receivers = [[int(i), int(net[i])] for i in u if net[i] > 0]
        si = 0
        for v, want in receivers:
            while want > 0 and si < len(senders):
                take = min(want, senders[si][1])
                moves.append((senders[si][0], v, take))
                want -= take
                senders[si][1] -= take
                if senders[si][1] == 0:
                    si += 1
    return moves


def _actions(x, model: PlanModel, standards, hire_degree) -> dict[str, list[dict]]:
    inp, years = model.inp, model.years
    ind = standards["resources"]["indicators"]
    subjects = list(ind["L3"]["subjects"])
    l1_degrees = ind["L1"]["qualifying_degrees"]
    # the levels a moved teacher may have: exactly those the model counted (L2 backbone_levels)
    counted = list(ind["L2"]["backbone_levels"])
    not_counted = [lv for lv in schemas.BACKBONE_LEVELS if lv not in counted]
    acts: dict[str, list[dict]] = {k: [] for k in ("hires", "moves", "designations", "construction",
                                                   "equipment", "multimedia")}
    codes = inp.units["school_code"].astype(object).to_numpy()
    schools = inp.schools.to_numpy()
    for yi, y in enumerate(years):
        val = {k: model.values(x, k, yi) for k in _YEAR_BLOCKS}
        for u in np.nonzero(val["hA"] > 0)[0]:
            c = int(val["hA"][u])
            for j, subj in enumerate(subjects):  # spread PE/art hires over the subjects
                cnt = (c + len(subjects) - 1 - j) // len(subjects)
                if cnt:
                    acts["hires"].append({"year": y, "school": codes[u], "stage": inp.stage[u],
                                          "subject": subj, "count": cnt, "degree": hire_degree})
        for u in np.nonzero(val["hD"] > 0)[0]:
            acts["hires"].append({"year": y, "school": codes[u], "stage": inp.stage[u],
                                  "subject": OTHER_SUBJECT, "count": int(val["hD"][u]), "degree": hire_degree})
        for a, b, cnt in _pair_moves(val["sA"], val["rA"], inp.stage):
            acts["moves"].append({"year": y, "from": codes[a], "to": codes[b], "stage": inp.stage[a],
                                  "count": cnt, "subject": subjects,
                                  "degree": l1_degrees[inp.stage[a]], "backbone_level": not_counted})
        for a, b, cnt in _pair_moves(val["sB"], val["rB"], inp.stage):
            acts["moves"].append({"year": y, "from": codes[a], "to": codes[b], "stage": inp.stage[a],
                                  "count": cnt, "exclude_subject": subjects,
                                  "degree": l1_degrees[inp.stage[a]], "backbone_level": counted})
        for u in np.nonzero(val["b"] > 0)[0]:
            acts["designations"].append({"year": y, "school": codes[u], "stage": inp.stage[u],
                                         "count": int(val["b"][u]), "level": designation_level(standards)})
        # continuous amounts rounded up to whole m² / 元 (only ever more, never less)
        cT, cS, e = val["cT"], val["cS"], val["e"]
        for s in np.nonzero((cT > 0) | (cS > 0))[0]:
            acts["construction"].append({"year": y, "school": schools[s],
                                         "teaching_aux_m2": float(cT[s]), "sports_ground_m2": float(cS[s])})
        for s in np.nonzero(e > 0)[0]:
            acts["equipment"].append({"year": y, "school": schools[s], "yuan": float(e[s])})
        for s in np.nonzero(val["mm"] > 0)[0]:
            acts["multimedia"].append({"year": y, "school": schools[s], "rooms": int(val["mm"][s])})
    return acts


def action_table(actions: dict[str, list[dict]], tables, standards, costs, target_year: int) -> pd.DataFrame:
    """One row per action: year, school_code, school_name, stage, action, detail, quantity,
    natural_unit, indicator, cost_yuan (whole cost to the target year), responsible."""
    ind = standards["resources"]["indicators"]
    names = tables["schools"].set_index(tables["schools"]["school_code"].astype(object))["school_name"]
    resp = {k: "、".join(v["responsible"]) for k, v in ind.items()}
    hire = cost_of(costs, "teachers.hire_per_year")
    rows = []
    for h in actions.get("hires", []):
        art = h["subject"] in ind["L3"]["subjects"]
        rows.append((h["year"], h["school"], h["stage"], "招聘教师", f"{h['subject']}（{h.get('degree', '本科')}）",
                     h["count"], "人", "L1、L3" if art else "L1",
                     h["count"] * hire * (target_year - h["year"] + 1), resp["L1"]))
    for mv in actions.get("moves", []):
        kind = "体育/艺术教师" if mv.get("subject") else "骨干教师"
        rows.append((mv["year"], mv["to"], mv["stage"], "交流调入", f"{kind}：由 {mv['from']}（{names.get(mv['from'], '')}）调入",
                     mv["count"], "人", "L1、L3" if mv.get("subject") else "L1、L2",
                     mv["count"] * cost_of(costs, "teachers.transfer"), resp["L1"]))
    for d in actions.get("designations", []):
        rows.append((d["year"], d["school"], d["stage"], "认定骨干教师", d.get("level", designation_level(standards)), d["count"], "人", "L2",
                     d["count"] * cost_of(costs, "teachers.backbone_designation_per_year")
                     * (target_year - d["year"] + 1), resp["L2"]))
    for c in actions.get("construction", []):
        if c.get("teaching_aux_m2"):
            rows.append((c["year"], c["school"], "", "新建教学及辅助用房", "", c["teaching_aux_m2"], "㎡", "L4",
                         c["teaching_aux_m2"] * cost_of(costs, "buildings.teaching_aux_per_m2"), resp["L4"]))
        if c.get("sports_ground_m2"):
            rows.append((c["year"], c["school"], "", "新建体育运动场地", "", c["sports_ground_m2"], "㎡", "L5",
                         c["sports_ground_m2"] * cost_of(costs, "buildings.sports_ground_per_m2"), resp["L5"]))
        if c.get("gymnasium_m2"):
            rows.append((c["year"], c["school"], "", "新建体育馆", "", c["gymnasium_m2"], "㎡", "L5",
                         c["gymnasium_m2"] * cost_of(costs, "buildings.gymnasium_per_m2"), resp["L5"]))
    for e in actions.get("equipment", []):
        rows.append((e["year"], e["school"], "", "购置教学仪器设备", "", e["yuan"], "元", "L6",
                     e["yuan"] * cost_of(costs, "equipment.per_yuan"), resp["L6"]))
    for mm in actions.get("multimedia", []):
        rows.append((mm["year"], mm["school"], "", "建设网络多媒体教室", "", mm["rooms"], "间", "L7",
                     mm["rooms"] * cost_of(costs, "rooms.multimedia_classroom"), resp["L7"]))
    for sr in actions.get("special_rooms", []):
        key = "rooms.music_room" if sr["room_type"] == "音乐" else "rooms.art_room"
        rows.append((sr["year"], sr["school"], "", f"建设{sr['room_type']}专用教室", f"{sr['area_m2']}㎡/间",
                     sr["count"], "间", "G3", sr["count"] * cost_of(costs, key),
                     "、".join(standards["guarantee"]["G3"]["responsible"])))
    cols = ["year", "school_code", "stage", "action", "detail", "quantity", "natural_unit", "indicator",
            "cost_yuan", "responsible"]
    out = pd.DataFrame(rows, columns=cols)
    out.insert(2, "school_name", out["school_code"].map(names))
    out = out.astype({"year": int, "quantity": float, "cost_yuan": float})
    for c in ("school_code", "school_name", "stage", "action", "detail", "natural_unit", "indicator", "responsible"):
        out[c] = out[c].astype("string")
    return out.sort_values(["year", "school_code", "action"]).reset_index(drop=True)


def apply_plan(tables, actions, years, standards: dict | None = None) -> dict[str, pd.DataFrame]:
    """The target-year tables with every plan action applied (all years' actions)."""
    t = tables
    for y in sorted(set(years)):
        t = apply_actions(t, actions, y, standards=standards)
    return t


def naive_actions(units: pd.DataFrame, standards: dict, year: int, hire_degree: str = "本科") -> dict[str, list[dict]]:
    """The naive plan: bring every included unit to 100% of every standard, each gap on its own
    (PE/art hires for L3 counted towards L1; facilities per school: the largest need of its units)."""
    sf = resource_shortfalls(units, standards)
    ind = standards["resources"]["indicators"]
    subjects = list(ind["L3"]["subjects"])
    acts: dict[str, list[dict]] = {k: [] for k in ("hires", "designations", "construction", "equipment", "multimedia")}
    key = ["school_code", "stage"]
    l3 = sf[sf["indicator"] == "L3"].set_index(key)["shortfall"]
    l1 = sf[sf["indicator"] == "L1"].set_index(key)["shortfall"]
    l1_left = (l1 - l3.reindex(l1.index).fillna(0)).clip(lower=0)
    for (s, st), c in l3.items():
        c = int(c)
        for j, subj in enumerate(subjects):
            cnt = (c + len(subjects) - 1 - j) // len(subjects)
            if cnt:
                acts["hires"].append({"year": year, "school": s, "stage": st, "subject": subj,
                                      "count": cnt, "degree": hire_degree})
    for (s, st), c in l1_left[l1_left > 0].items():
        acts["hires"].append({"year": year, "school": s, "stage": st, "subject": OTHER_SUBJECT,
                              "count": int(c), "degree": hire_degree})
    for (s, st), c in sf[sf["indicator"] == "L2"].set_index(key)["shortfall"].items():
        acts["designations"].append({"year": year, "school": s, "stage": st, "count": int(c),
                                     "level": designation_level(standards)})
    school_need = sf[sf["indicator"].isin(facility_codes(standards))].groupby(
        ["school_code", "indicator"])["school_shortfall"].max().unstack()
    for s, row in school_need.iterrows():
        t4, t5 = row.get("L4", np.nan), row.get("L5", np.nan)
        if pd.notna(t4) or pd.notna(t5):
            acts["construction"].append({"year": year, "school": s,
                                         "teaching_aux_m2": float(np.nan_to_num(t4)),
                                         "sports_ground_m2": float(np.nan_to_num(t5))})
        if pd.notna(row.get("L6", np.nan)):
            acts["equipment"].append({"year": year, "school": s, "yuan": float(row["L6"])})
        if pd.notna(row.get("L7", np.nan)):
            acts["multimedia"].append({"year": year, "school": s, "rooms": int(row["L7"])})
    return acts




def _proof_text(sol: _Solve | None, time_limit: float) -> str:
    """The optimality part of a plan's message, in Chinese and English."""
    if sol is None or sol.x is None:
        return ""
    if sol.state == "optimal":
        return "求解器已证明该方案最优。 / Proven optimal by the solver."
    if not np.isfinite(sol.gap):
        return (f"求解器在时间上限（{time_limit:g} 秒）内未能证明该方案最优，尚未得到最优下界。 / "
                f"Not proven optimal within the time limit ({time_limit:g} s); no bound yet ({sol.message}).")
    return (f"求解器在时间上限（{time_limit:g} 秒）内未能证明该方案最优：其费用与最优下界的相对差距为 "
            f"{sol.gap:.2%}。 / Not proven optimal within the time limit ({time_limit:g} s): "
            f"gap {sol.gap:.2%} to the best bound ({sol.message}).")


def _cutting_planes(model: PlanModel, tables, standards, max_iter: int, time_limit: float, hire_degree: str,
                    start: np.ndarray | None) -> dict[str, Any]:
    """Solve; apply the plan to ``tables``; recompute every indicator and CV with the engine; for
    each CV above its limit add per-unit floors to the model; repeat from the previous plan.

    ``status``: "optimal" when the engine confirms every included unit and CV and the solver
    proved the plan optimal; "verified" when the engine confirms it but the solver stopped
    (time limit) before the proof; "infeasible" when the model has no solution; otherwise
    "failed" (no plan in time, a CV without data, or still above its limit after ``max_iter``).
    """
    limits = standards["resources"]["cv_limit"]
    margin = cv_margin(standards)
    years = model.years
    out: dict[str, Any] = {"status": "failed", "message": "", "x": None, "actions": None, "units_after": None,
                           "cv_after": None, "verified": False, "iterations": 0, "solve": None,
                           "mip_seconds": 0.0, "unplannable": model.inp.units.loc[
                               model.unplannable, ["school_code", "school_name", "stage", "missing_inputs"]]}
    for it in range(1, max_iter + 1):
        out["iterations"] = it
        sol = model.solve(time_limit, start)
        out["solve"] = sol
        out["mip_seconds"] += sol.seconds
        if sol.state == "infeasible" or sol.x is None:
            out["status"] = "infeasible" if sol.state == "infeasible" else "failed"
            out["message"] = ("在给定条件下无可行方案。 / No feasible plan under the given bounds."
                              if sol.state == "infeasible" else
                              f"求解器在时间上限（{time_limit:g} 秒）内未给出方案：{sol.message} / "
                              "the solver returned no plan.")
            return out
        out["x"] = sol.x
        out["actions"] = _actions(sol.x, model, standards, hire_degree)
        units_after, cv_after = resource_tables(apply_plan(tables, out["actions"], years, standards), standards)
        out["units_after"], out["cv_after"] = units_after, cv_after
        inc = units_after[units_after["included"].fillna(False).astype(bool)]
        failing_units = inc[~inc["unit_pass"].fillna(False).astype(bool)]
        passed = cv_after["passed"]
        bad_cv = cv_after[passed.eq(False).fillna(False).astype(bool)]
        no_data = cv_after[passed.isna()]
        if bad_cv.empty:
            problems = []
            if len(failing_units):
                problems.append("未每校达标的单位 units failing: " + "、".join(
                    f"{r.school_name}（{r.stage}）" for r in failing_units.itertuples()))
            if len(no_data):
                problems.append("无数据、无法计算的差异系数 CVs without data: " + "、".join(
                    f"{r.stage}{r.indicator}" for r in no_data.itertuples()))
            out["verified"] = not problems
            n_units, n_cv = len(inc), len(cv_after)
            if problems:
                out["status"] = "failed"
                out["message"] = "引擎复核未通过 / engine check failed：" + "；".join(problems) + "。"
            else:
                out["status"] = "optimal" if sol.state == "optimal" else "verified"
                out["message"] = (f"引擎复核通过：全部 {n_units} 个参评单位每校达标，{n_cv} 项差异系数全部达标。 / "
                                  f"Verified by the engine: all {n_units} units and {n_cv} CVs pass.")
            out["message"] += " " + _proof_text(sol, time_limit)
            return out
        # cutting planes: per-unit floors on the indicators whose CV exceeds its limit
        for _, row in bad_cv.iterrows():  # at most 14 rows (stages × indicators)
            stage, k = str(row["stage"]), str(row["indicator"])
            sel = inc["stage"] == stage
            vals = inc.loc[sel, k].to_numpy(dtype=float, na_value=np.nan)
            w = inc.loc[sel, "students"].to_numpy(dtype=float)
            model.set_floor(stage, k, cv_floor(vals, w, float(limits[stage]) - margin))
        start = model.feasible_start(sol.x)  # the previous plan, raised to the new floors
        out["status"] = "failed"
        out["message"] = (f"差异系数经 {it} 轮割平面仍未全部达标（{'、'.join(bad_cv['stage'] + bad_cv['indicator'])}）。"
                          f" / CV still above its limit after {it} rounds.")
    return out


def _plan(model: PlanModel, run: dict, tables, naive: dict, t0: float, time_limit: float) -> Plan:
    """The :class:`Plan` of a cutting-plane run (with the money missing when a budget is short)."""
    standards, costs, years, target_year = model.standards, model.costs, model.years, model.target_year
    status, message, actions = run["status"], run["message"], run["actions"] or {}
    sol: _Solve | None = run["solve"]
    missing = pd.DataFrame(columns=["year", "budget_yuan", "missing_yuan"])
    table = action_table(actions, tables, standards, costs, target_year)
    by_year = _cost_by_year(table, costs, target_year, years)
    short = run["x"] is not None and model.budgets and float(model.slack_of(run["x"]).sum()) > 1e-3
    if short:
        # the cheapest plan of the least missing money (elastic budgets, same cutting planes, so
        # the money reported missing also covers the CV limits)
        missing = pd.DataFrame({"year": years, "budget_yuan": [model.budgets.get(y, np.nan) for y in years]})
        missing["missing_yuan"] = np.ceil(
            (by_year.reindex(years).to_numpy(dtype=float) - missing["budget_yuan"].to_numpy(dtype=float))
            - 1e-6).clip(min=0)
        missing["missing_yuan"] = missing["missing_yuan"].fillna(0.0)  # a year without a budget
        missing = missing[missing["missing_yuan"] > 0].reset_index(drop=True)
        text = "；".join(f"{int(r.year)}年缺 {r.missing_yuan:,.0f} 元" for r in missing.itertuples())
        checked = ("该方案已经引擎复核全部达标" if run["verified"]
                   else "注意：该方案未通过引擎复核（" + run["message"] + "）")
        proof = ("" if sol is None or sol.state == "optimal" else
                 "；求解器在时间上限内未能证明这是最小缺口" +
                 (f"（相对差距 {sol.gap:.2%}）" if np.isfinite(sol.gap) else "（尚无下界）"))
        message = (f"预算不足，无可行方案：{text}（下表为补足缺口后所需的方案；{checked}{proof}）。 / "
                   f"Budget infeasible; missing per year: {text}.")
        status = "infeasible"
    # a plan the engine did not confirm is still costed (status "failed" says it is not valid)
    total = float(table["cost_yuan"].sum()) if status in ("optimal", "verified", "failed") and run["x"] is not None \
        else float("nan")
    if run["x"] is not None:
        model.plan_x = run["x"]
    proven = sol is not None and sol.state == "optimal"
    return Plan(
        status=status, message=message, actions=actions, table=table, cost_total=total,
        cost_by_year=by_year, naive_cost=naive["cost"], naive_table=naive["table"],
        iterations=run["iterations"], cv_floors={(st, model.inp.codes[k]): v for (st, k), v in model.floors.items()},
        solve_seconds=time.perf_counter() - t0, verified=run["verified"],
        units_after=run["units_after"], cv_after=run["cv_after"], naive_units_after=naive["units_after"],
        naive_cv_after=naive["cv_after"], missing=missing, unplannable=run["unplannable"], proven=proven,
        gap=None if sol is None or sol.x is None or not np.isfinite(sol.gap) else float(sol.gap),
        bound=None if sol is None or not np.isfinite(sol.bound) else float(sol.bound),
        mip_seconds=run["mip_seconds"], time_limit=float(time_limit), size=dict(model.size), model=model,
    )


def optimise(tables: dict[str, pd.DataFrame], standards: dict, target_year: int,
             costs: dict | None = None, years: list[int] | None = None,
             budgets: dict[int, float] | None = None, max_iter: int = 8,
             time_limit: float = 60.0, hire_degree: str = "本科") -> Plan:
    """Minimum-cost plan for the target-year ``tables`` (see the module docstring).

    ``years``: plan years in which actions may be taken (default: the target year; with
    ``budgets`` the budget years). A hire or designation is paid every year from its year through
    the target year. ``budgets``: {year: 元} upper bounds on each year's spending. ``time_limit``:
    seconds for each solve; a solve stopped by it returns its best plan (status "verified" when
    the engine confirms it, with ``gap``). Returns a :class:`Plan`; a budget too small gives
    status "infeasible" and ``missing`` (the smallest extra money per year that would make the
    plan feasible). ``plan.model`` is kept for :func:`within_budget`.
    """
    costs = costs or load_costs()
    budgets = {int(k): float(v) for k, v in (budgets or {}).items()}
    years = sorted(set(years or (sorted(budgets) if budgets else [int(target_year)])))
    t0 = time.perf_counter()
    units0, _ = resource_tables(tables, standards)
    inp = _inputs(tables, units0, standards, hire_degree)

    naive_acts = naive_actions(units0, standards, years[0], hire_degree)
    naive_tab = action_table(naive_acts, tables, standards, costs, target_year)
    naive_after = resource_tables(apply_plan(tables, naive_acts, [years[0]], standards), standards)
    naive = {"cost": float(naive_tab["cost_yuan"].sum()), "table": naive_tab,
             "units_after": naive_after[0], "cv_after": naive_after[1]}

    model = PlanModel(inp, standards, costs, years, int(target_year))
    model.naive = naive
    model.tables = tables
    model.hire_degree = hire_degree
    if budgets:
        model.set_budgets(budgets)
    run = _cutting_planes(model, tables, standards, max_iter, time_limit, hire_degree, model.feasible_start())
    return _plan(model, run, tables, naive, t0, time_limit)


def within_budget(plan: Plan, budgets: dict[int, float], time_limit: float | None = None,
                  max_iter: int = 8) -> Plan:
    """``plan``'s own model solved again with yearly ``budgets`` (years among the plan's years):
    the same variables, rows and CV floors, the budget rows' bounds changed, and the solve
    warm-started from ``plan`` (with the budget slack it needs). Returns a :class:`Plan` like
    :func:`optimise` with budgets ("infeasible" and ``missing`` when the budget is short)."""
    model = plan.model
    if model is None:
        raise ValueError("该方案没有保留模型 / the plan kept no model")
    t0 = time.perf_counter()
    limit = plan.time_limit if time_limit is None else float(time_limit)
    model.set_budgets({int(k): float(v) for k, v in budgets.items()})
    start = model.feasible_start(model.plan_x)
    run = _cutting_planes(model, model.tables, model.standards, max_iter, limit, model.hire_degree, start)
    return _plan(model, run, model.tables, model.naive, t0, limit)


def cost_by_year(table: pd.DataFrame, target_year: int, years: list[int] | None = None) -> pd.Series:
    """Spending per calendar year of an action table (see ``_cost_by_year``)."""
    yrs = sorted(set(table["year"].astype(int))) if len(table) else [target_year]
    return _cost_by_year(table, None, target_year, years or yrs)


def _cost_by_year(table: pd.DataFrame, costs, target_year: int, years: list[int]) -> pd.Series:
    """Spending per calendar year: one-off costs in their year, yearly pay in every year to the target."""
    recurring = table["action"].isin(["招聘教师", "认定骨干教师"])
    span = (target_year - table["year"] + 1).clip(lower=1)
    per_year = np.where(recurring, table["cost_yuan"] / span, table["cost_yuan"])
    cal = range(min(years + [target_year]), target_year + 1)
    out = {y: float(per_year[((table["year"] == y) | (recurring & (table["year"] <= y))).to_numpy()].sum())
           for y in cal}
    return pd.Series(out, name="cost_yuan")
