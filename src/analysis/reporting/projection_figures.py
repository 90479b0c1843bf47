"""Figures of the projection notebook (预测图表). Import ``analysis.reporting.plotting`` first (CJK font).

Each function takes result tables (trajectory, plan table, cost tables) and returns a matplotlib
``Figure``; the notebook only displays them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.config.reporting import max_units_per_chart
from analysis.reporting import plotting  # noqa: F401  (registers the CJK font)
from analysis.schemas import RESOURCE_CODES, STAGES

INDICATORS = RESOURCE_CODES
#: at most this many red lines of a panel are labelled with the unit's name (more would overlap)
MAX_LABELS = 12


def changing_units(t: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``t`` (school-level trajectory of one scenario) of the unit-indicator pairs
    whose status changes over the years or that are below the standard in the last year."""
    key = ["school_code", "stage", "indicator"]
    met = t.assign(_m=t["met"].astype("boolean").fillna(False).astype(int)).sort_values("year")
    g = met.groupby(key, observed=True)["_m"]
    keep = (g.transform("nunique") > 1) | (g.transform("last") == 0)
    return t.loc[keep[keep].index]


def unit_trajectories(traj: pd.DataFrame, standards: dict, scenario: str | None = None,
                      max_units: int | None = None):
    """Each unit's L1–L7 as a share of its standard, per year (1.0 = standard; floor_ratio line).

    One panel per indicator; a line per included unit; units below the standard in the last
    year are labelled. With more than ``max_units`` included units (default:
    ``config/reporting.yaml``) only the units whose status changes or that stay below the
    standard are drawn (:func:`changing_units`); the legend says how many of how many."""
    res = standards["resources"]
    t = traj[(traj["level"] == "学校") & traj["included"].fillna(False).astype(bool)
             & traj["indicator"].isin(INDICATORS)]
    if scenario is not None:
        t = t[t["scenario"] == scenario]
    max_units = max_units_per_chart() if max_units is None else max_units
    n_units = len(t[["school_code", "stage"]].drop_duplicates())
    note = ""
    if n_units > max_units:
        t = changing_units(t)
        shown = len(t[["school_code", "stage"]].drop_duplicates())
        note = (f"\n共 {n_units} 个参评单位，只画出指标状态\n有变化或目标年仍未达标的 {shown} 个；\n"
                "其余单位各年均达标")
    years = sorted(traj.loc[traj["level"] == "学校", "year"].unique())
    fig, axes = plt.subplots(2, 4, figsize=(15, 7.5), sharex=True)
    last = max(years) if years else 0
    for ax, k in zip(axes.ravel(), INDICATORS):
        d = t[t["indicator"] == k]
        lines = []
        for (code, stage), g in d.groupby(["school_code", "stage"]):
            g = g.sort_values("year")
            # below the standard by the engine's met flag (a ratio of 0.9999… at the standard is met)
            low = bool(len(g)) and not bool(g["met"].fillna(False).astype(bool).iloc[-1])
            lines.append((g, stage, low))
        n_low = sum(low for _, _, low in lines)
        for g, stage, low in lines:
            r = g["ratio"].astype(float).to_numpy()
            ax.plot(g["year"], r, marker="o", lw=1.6 if low else 0.8, alpha=1 if low else 0.35,
                    color="#c0392b" if low else "#7f8c8d")
            if low and n_low <= MAX_LABELS:
                ax.annotate(plotting.plain_text(f"{g['school_name'].iloc[-1]}{stage}"), (last, r[-1]),
                            fontsize=7, xytext=(3, 0), textcoords="offset points")
        ax.axhline(1.0, color="#27ae60", lw=1.2, ls="--")
        ax.axhline(float(res["floor_ratio"]), color="#e67e22", lw=1, ls=":")
        ax.set_title(f"{k} {res['indicators'][k]['name']}"
                     + (f"\n（红线 {n_low} 个单位，名单见任务表）" if n_low > MAX_LABELS else ""), fontsize=9)
        ax.set_ylim(0, max(2.5, float(np.nanmax(d["ratio"].astype(float))) * 1.05) if len(d) else 2.5)
        ax.set_xticks(years)
    ax = axes.ravel()[-1]
    ax.axis("off")
    ax.text(0.05, 0.6, "纵轴：指标值 ÷ 标准\n绿色虚线：达到标准（1.0）\n"
            f"橙色点线：不低于标准的{float(res['floor_ratio']):.0%}\n红线：目标年仍未达标的单位" + note,
            fontsize=10, va="top", transform=ax.transAxes)
    fig.suptitle("各评估单位资源配置指标的变化（与标准之比）"
                 + (f" — {plotting.plain_text(scenario)}" if scenario else ""), fontsize=13)
    fig.tight_layout()
    return fig


def cv_trajectories(traj: pd.DataFrame, scenarios: list[str] | None = None):
    """CV (as shown) of each indicator per year against the stage limit; one panel per stage."""
    c = traj[traj["level"] == "县"]
    scenarios = scenarios or list(c["scenario"].unique())
    stages = sorted(c["stage"].unique(), key=lambda s: STAGES.index(s) if s in STAGES else len(STAGES))
    fig, axes = plt.subplots(1, len(stages), figsize=(6.5 * len(stages), 4.2), squeeze=False)
    styles = ["-", "--", ":", "-."]
    colors = plt.get_cmap("tab10")
    for ax, st in zip(axes[0], stages):
        d = c[c["stage"] == st]
        for si, sc in enumerate(scenarios):
            for ki, k in enumerate(INDICATORS):
                g = d[(d["scenario"] == sc) & (d["indicator"] == f"CV_{k}")].sort_values("year")
                ax.plot(g["year"], g["value"].astype(float), ls=styles[si % 4], marker="o", ms=3,
                        color=colors(ki), label=f"{k}" if si == 0 else None)
        limit = float(d["standard"].astype(float).iloc[0]) if len(d) else np.nan
        ax.axhline(limit, color="#c0392b", lw=1.5, label=f"上限 {limit:.2f}")
        legend = "（实线 " + "，".join(
            f"{styles[i % 4]} {plotting.plain_text(s)}" for i, s in enumerate(scenarios)) + "）"
        ax.set_title(f"{st}：校际差异系数" + (legend if len(scenarios) > 1 else ""), fontsize=9)
        ax.set_xticks(sorted(d["year"].unique()))
        ax.legend(fontsize=7, ncol=4)
    fig.tight_layout()
    return fig


def cost_by_year(plans: dict[str, pd.Series]):
    """Spending per year (元 → 万元) of one or more plans, side by side."""
    df = pd.DataFrame(plans).fillna(0.0) / 1e4
    df.columns = [plotting.plain_text(c) for c in df.columns]  # plan names go into the legend
    fig, ax = plt.subplots(figsize=(7, 3.8))
    df.plot.bar(ax=ax, rot=0)
    ax.set_ylabel("万元")
    ax.set_xlabel("年份")
    ax.set_title("各方案分年度支出")
    for cont in ax.containers:
        ax.bar_label(cont, fmt="%.1f", fontsize=7)
    fig.tight_layout()
    return fig


def cost_by_responsible(table: pd.DataFrame, title: str = "按责任单位汇总的费用"):
    """Cost per responsible unit (万元): ``table`` has responsible_unit and cost_yuan columns."""
    d = table.groupby("responsible_unit")["cost_yuan"].sum().sort_values() / 1e4
    d.index = [plotting.plain_text(u) for u in d.index]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(d) + 1.2))
    ax.barh(d.index, d.to_numpy(), color="#2980b9")
    for y, v in enumerate(d.to_numpy()):
        ax.text(v, y, f" {v:,.1f}", va="center", fontsize=8)
    ax.set_xlabel("万元（同一任务涉及多个责任单位时，分别计入各单位）")
    ax.set_title(plotting.plain_text(title))
    fig.tight_layout()
    return fig


def stage_outlook(traj: pd.DataFrame, stage: str):
    """Per scenario and year: units passing (每校达标) and the largest CV ÷ limit of one stage."""
    up = traj[traj["indicator"].eq("每校达标") & traj["included"].fillna(False).astype(bool) & traj["stage"].eq(stage)]
    counts = (up.assign(ok=up["met"].fillna(False).astype(bool)).groupby(["scenario", "year"], as_index=False)
              .agg(n_units=("ok", "size"), n_pass=("ok", "sum")))
    cvs = traj[traj["level"].eq("县") & traj["stage"].eq(stage)]
    worst = cvs.assign(r=cvs["value"].astype(float) / cvs["standard"].astype(float)).groupby(
        ["scenario", "year"], as_index=False)["r"].max()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    for scen, sub in counts.groupby("scenario", sort=False):
        axes[0].plot(sub["year"], sub["n_pass"], marker="o", label=plotting.plain_text(str(scen)))
    if len(counts):
        axes[0].axhline(counts["n_units"].max(), color="#c62828", linestyle="--", linewidth=1, label="参评单位数")
    axes[0].set_title(f"{stage}：每校达标的评估单位数")
    for scen, sub in worst.groupby("scenario", sort=False):
        axes[1].plot(sub["year"], sub["r"], marker="o", label=plotting.plain_text(str(scen)))
    axes[1].axhline(1.0, color="#c62828", linestyle="--", linewidth=1, label="标准上限")
    axes[1].set_title(f"{stage}：最大差异系数与上限之比")
    for ax in axes:
        ax.set_xlabel("年份")
        ax.legend(fontsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig
