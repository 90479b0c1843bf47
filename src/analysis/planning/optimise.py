"""Minimum-cost plan (最低成本整改方案) with ``scipy.optimize.milp``.

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

The linear model is built **from the engine's own output** (values, students and resource shares
of the units table): adding one teacher raises a per-hundred indicator by 100/students, adding x m²
raises L4 by share·x/students. No indicator is re-implemented; the plan is applied to the tables
(``projection.apply_actions``) and the engine recomputes everything.

The CV limit is not linear. Cutting planes: solve; apply the plan; recompute the CVs with the
engine; for each stage/indicator whose CV (as shown, 3 decimals) exceeds its limit, find by
bisection the smallest floor f such that raising every unit below f up to f brings the CV under
the limit, add ``value ≥ f`` for every unit of that stage, re-solve; repeat until the engine
confirms (or ``max_iter``). This is a sufficient (not necessarily cheapest) way to meet the CV.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis import schemas
from analysis.config.standards import facility_codes, resource_codes
from analysis.engine import resource_tables
from analysis.engine.cv import cv_floor, cv_margin
from analysis.engine.teachers import movable_teachers
from analysis.planning.costs import cost_of, load_costs
from analysis.planning.counts_actions import OTHER_SUBJECT
from analysis.planning.projection import apply_actions
from analysis.planning.tasks import resource_shortfalls



def designation_level(standards: dict) -> str:
    """The backbone level a designation gives: the lowest level that counts for L2 (standards
    ``resources.indicators.L2.backbone_levels``, listed from the lowest)."""
    return str(standards["resources"]["indicators"]["L2"]["backbone_levels"][0])


# ---------------------------------------------------------------- the result
@dataclass
class Plan:
    status: str                      # "optimal" (engine-confirmed) | "infeasible" | "failed" (see message)
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
             if self.status == "optimal" else np.nan),
            ("iterations", "割平面迭代次数", None, float(self.iterations)),
            ("solve_seconds", "求解用时（秒）", None, self.solve_seconds),
            ("verified", "引擎复核全部达标", None if self.verified is None else str(bool(self.verified)), None),
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


def _build(inp: _Inputs, standards, costs, years, target_year, floors, budgets, elastic: bool):
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


def _actions(x, V, inp: _Inputs, pairsA, pairsB, years, standards, hire_degree) -> dict[str, list[dict]]:
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
        val = {k: np.round(x[v[yi]]) if k not in ("cT", "cS", "e") else x[v[yi]] for k, v in V.items()}
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
        for p in np.nonzero(val["tA"] > 0)[0]:
            a, b = pairsA[0][p], pairsA[1][p]
            acts["moves"].append({"year": y, "from": codes[a], "to": codes[b], "stage": inp.stage[a],
                                  "count": int(val["tA"][p]), "subject": subjects,
                                  "degree": l1_degrees[inp.stage[a]], "backbone_level": not_counted})
        for p in np.nonzero(val["tB"] > 0)[0]:
            a, b = pairsB[0][p], pairsB[1][p]
            acts["moves"].append({"year": y, "from": codes[a], "to": codes[b], "stage": inp.stage[a],
                                  "count": int(val["tB"][p]), "exclude_subject": subjects,
                                  "degree": l1_degrees[inp.stage[a]], "backbone_level": counted})
        for u in np.nonzero(val["b"] > 0)[0]:
            acts["designations"].append({"year": y, "school": codes[u], "stage": inp.stage[u],
                                         "count": int(val["b"][u]), "level": designation_level(standards)})
        # continuous amounts rounded up to whole m² / 元 (only ever more, never less)
        cT = np.ceil(val["cT"] - 1e-6)
        cS = np.ceil(val["cS"] - 1e-6)
        e = np.ceil(val["e"] - 1e-6)
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


def _cutting_planes(tables, inp: _Inputs, standards, costs, years, target_year, floors, budgets, elastic: bool,
                    max_iter: int, time_limit: float, hire_degree: str) -> dict[str, Any]:
    """Solve; apply the plan to ``tables``; recompute every indicator and CV with the engine; for
    each CV above its limit add per-unit floors (``floors`` is updated in place); repeat.

    Status: "optimal" only when the engine confirms that every included unit passes and every
    CV is within its limit; "infeasible" when the MILP has no solution; otherwise "failed" (no
    solution in time, a CV without data, or still above its limit after ``max_iter`` rounds).
    """
    limits = standards["resources"]["cv_limit"]
    margin = cv_margin(standards)
    out: dict[str, Any] = {"status": "failed", "message": "", "x": None, "actions": None, "units_after": None,
                           "cv_after": None, "verified": False, "iterations": 0, "unplannable": pd.DataFrame()}
    for it in range(1, max_iter + 1):
        out["iterations"] = it
        M, V, pA, pB, _, unpl = _build(inp, standards, costs, years, target_year, floors, budgets, elastic)
        sol = M.solve(time_limit)
        out["unplannable"] = inp.units.loc[unpl, ["school_code", "school_name", "stage", "missing_inputs"]]
        if sol.status == 2 or sol.x is None:
            out["status"] = "infeasible" if sol.status == 2 else "failed"
            out["message"] = ("在给定条件下无可行方案。 / No feasible plan under the given budgets or bounds."
                              if sol.status == 2 else f"求解器未给出方案：{sol.message} / solver returned no plan.")
            return out
        out["x"] = sol.x
        out["actions"] = _actions(sol.x, V, inp, pA, pB, years, standards, hire_degree)
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
            if sol.status != 0:
                problems.append(f"求解器未证明最优 solver status {sol.status}: {sol.message}")
            out["status"] = "optimal" if not problems else "failed"
            out["message"] = (
                "引擎复核：全部参评单位每校达标，全部差异系数达标。 / Engine confirms: every unit passes, "
                "every CV within its limit." if not problems else
                "引擎复核未通过 / engine check failed：" + "；".join(problems) + "。")
            return out
        # cutting planes: per-unit floors on the indicators whose CV exceeds its limit
        for _, row in bad_cv.iterrows():  # at most 14 rows (stages × indicators)
            stage, k = str(row["stage"]), str(row["indicator"])
            sel = inc["stage"] == stage
            vals = inc.loc[sel, k].to_numpy(dtype=float, na_value=np.nan)
            w = inc.loc[sel, "students"].to_numpy(dtype=float)
            f = cv_floor(vals, w, float(limits[stage]) - margin)
            floors[(stage, k)] = max(f, floors.get((stage, k), -np.inf))
        out["status"] = "failed"
        out["message"] = (f"差异系数经 {it} 轮割平面仍未全部达标（{'、'.join(bad_cv['stage'] + bad_cv['indicator'])}）。"
                          f" / CV still above its limit after {it} rounds.")
    return out


def optimise(tables: dict[str, pd.DataFrame], standards: dict, target_year: int,
             costs: dict | None = None, years: list[int] | None = None,
             budgets: dict[int, float] | None = None, max_iter: int = 8,
             time_limit: float = 60.0, hire_degree: str = "本科") -> Plan:
    """Minimum-cost plan for the target-year ``tables`` (see the module docstring).

    ``years``: plan years in which actions may be taken (default: the target year; with
    ``budgets`` the budget years). A hire or designation is paid every year from its year through
    the target year. ``budgets``: {year: 元} upper bounds on each year's spending. Returns a
    :class:`Plan`; an infeasible budget gives status "infeasible" and ``missing`` (the smallest
    extra money per year that would make the plan feasible).
    """
    costs = costs or load_costs()
    budgets = {int(k): float(v) for k, v in (budgets or {}).items()}
    years = sorted(set(years or (sorted(budgets) if budgets else [int(target_year)])))
    t0 = time.perf_counter()
    units0, _ = resource_tables(tables, standards)
    inp = _inputs(tables, units0, standards, hire_degree)

    naive = naive_actions(units0, standards, years[0], hire_degree)
    naive_tab = action_table(naive, tables, standards, costs, target_year)
    naive_after = resource_tables(apply_plan(tables, naive, [years[0]], standards), standards)

    floors: dict[tuple[str, str], float] = {}
    run = _cutting_planes(tables, inp, standards, costs, years, target_year, floors, budgets, False,
                          max_iter, time_limit, hire_degree)
    status, message, actions = run["status"], run["message"], run["actions"]
    missing = pd.DataFrame(columns=["year", "budget_yuan", "missing_yuan"])
    if status == "infeasible" and budgets:
        # elastic re-solve with the same cutting planes (the CV floors found so far are kept and
        # new ones are added), so the money reported missing also covers the CV limits
        run = _cutting_planes(tables, inp, standards, costs, years, target_year, floors, budgets, True,
                              max_iter, time_limit, hire_degree)
        if run["actions"] is not None and run["status"] != "infeasible":
            actions = run["actions"]
            elastic_table = action_table(actions, tables, standards, costs, target_year)
            spent = _cost_by_year(elastic_table, costs, target_year, years)
            missing = pd.DataFrame({"year": years, "budget_yuan": [budgets.get(y, np.nan) for y in years]})
            missing["missing_yuan"] = np.ceil(
                (spent.reindex(years).to_numpy(dtype=float) - missing["budget_yuan"].to_numpy(dtype=float))
                - 1e-6).clip(min=0)
            missing["missing_yuan"] = missing["missing_yuan"].fillna(0.0)  # a year without a budget
            missing = missing[missing["missing_yuan"] > 0].reset_index(drop=True)
            text = "；".join(f"{int(r.year)}年缺 {r.missing_yuan:,.0f} 元" for r in missing.itertuples())
            checked = ("该方案已经引擎复核全部达标" if run["verified"]
                       else "注意：该方案未通过引擎复核（" + run["message"] + "）")
            message = (f"预算不足，无可行方案：{text}（下表为补足缺口后所需的方案；{checked}）。 / "
                       f"Budget infeasible; missing per year: {text}.")
    units_after, cv_after = run["units_after"], run["cv_after"]
    verified, it, unplannable = run["verified"], run["iterations"], run["unplannable"]
    actions = actions or {}
    table = action_table(actions, tables, standards, costs, target_year) if actions else action_table(
        {}, tables, standards, costs, target_year)
    by_year = _cost_by_year(table, costs, target_year, years)
    # a plan the engine did not confirm is still costed (status "failed" says it is not valid)
    total = float(table["cost_yuan"].sum()) if status in ("optimal", "failed") and run["x"] is not None \
        else float("nan")
    return Plan(
        status=status, message=message, actions=actions, table=table, cost_total=total,
        cost_by_year=by_year, naive_cost=float(naive_tab["cost_yuan"].sum()), naive_table=naive_tab,
        iterations=it, cv_floors=floors, solve_seconds=time.perf_counter() - t0, verified=verified,
        units_after=units_after, cv_after=cv_after, naive_units_after=naive_after[0],
        naive_cv_after=naive_after[1], missing=missing, unplannable=unplannable,
    )


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
