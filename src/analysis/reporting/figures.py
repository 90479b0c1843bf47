"""Figures of the resource indicators (资源配置指标图表).

- ``indicator_figure``: one indicator, every included unit against the standard line, per stage;
  units below the standard are marked (red, ▼), units without data are listed as "无数据". Above
  ``max_units`` included units (``config/reporting.yaml``), the distribution of all units' values
  and a bar per unit below the standard instead (the full detail is in the tables).
- ``cv_figure``: the seven CVs (as shown, 3 decimals) per stage against the stage's limit.
- ``ratio_heatmap``: every included unit's seven ratios to standard (1 = exactly at standard);
  above ``max_units`` units only those with an indicator below standard or without data.

Importing this module imports ``analysis.reporting.plotting`` first, which registers the Chinese font.
Functions return matplotlib ``Figure`` objects (no pyplot state is left open by the caller's
``report.html_figure``, which closes them). Standards and names come from the standards file.
"""

from __future__ import annotations

from typing import Any, Mapping

import matplotlib.pyplot as plt  # noqa: E402  (after the font registration)
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm  # noqa: E402

from analysis.config.reporting import max_units_per_chart
from analysis.config.standards import load_standards
from analysis.reporting import plotting  # noqa: F401  (registers the CJK font before any figure is made)
from analysis.schemas import RESOURCE_CODES, STAGES

INDICATORS = RESOURCE_CODES
COLOR_OK = "#4C78A8"
COLOR_BELOW = "#D62728"
COLOR_LIMIT = "#333333"


def _included(units: pd.DataFrame) -> pd.DataFrame:
    return units[units["included"].fillna(False).astype(bool)]


def _label(df: pd.DataFrame) -> pd.Series:
    """``学校（学段）`` per row, safe for matplotlib text (``$`` in a name is not mathtext)."""
    return (df["school_name"].astype(str) + "（" + df["stage"].astype(str) + "）").map(plotting.plain_text)


def _stage_values(inc: pd.DataFrame, code: str, stage: str):
    """(units of the stage, those with a value sorted by it with ``_v``, below-standard mask, the
    names of the units without data) — below by the engine's own met flag."""
    d = inc[inc["stage"] == stage]
    values = d[code].astype("Float64")
    has = values.notna().to_numpy(dtype=bool)
    d_ok = d[has].assign(_v=values[has].astype(float)).sort_values("_v")
    # the engine's own judgement (met flag, float tolerance), not a raw `value < standard`:
    # 9/1000×100 = 0.8999999999999999 is exactly at the 0.9 standard and is met
    below = (d_ok[f"{code}_met"].astype("boolean") == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    return d, d_ok, below, _label(d[~has]).tolist()


def _missing_text(missing: list[str]) -> str:
    return f"；无数据：{'、'.join(missing[:5])}{'等' if len(missing) > 5 else ''}" if missing else ""


def indicator_figure(units: pd.DataFrame, code: str, standards: Mapping[str, Any] | None = None,
                     max_units: int | None = None):
    """Bar chart of indicator ``code`` for every included unit, one panel per stage.

    Bars are sorted by value; the dashed line is the stage's standard; bars below it are red
    and marked ▼. Units with no value are named in the panel title (never drawn as 0). With more
    than ``max_units`` included units (default: ``config/reporting.yaml``) see
    :func:`indicator_distribution`.
    """
    standards = standards if standards is not None else load_standards()
    spec = standards["resources"]["indicators"][code]
    inc = _included(units)
    max_units = max_units_per_chart() if max_units is None else max_units
    if len(inc) > max_units:
        return indicator_distribution(units, code, standards, max_units)
    stages = [s for s in STAGES if (inc["stage"] == s).any()]
    heights = [max(2.0, 0.22 * int((inc["stage"] == s).sum()) + 1.2) for s in stages] or [2.0]
    fig, axes = plt.subplots(len(stages) or 1, 1, figsize=(9, sum(heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, stage in zip(axes[:, 0], stages):
        d, d_ok, below, missing = _stage_values(inc, code, stage)
        std = float(spec["standard"][stage])
        y = np.arange(len(d_ok))
        ax.barh(y, d_ok["_v"], color=np.where(below, COLOR_BELOW, COLOR_OK))
        ax.scatter(d_ok["_v"][below], y[below], marker="v", color=COLOR_BELOW, zorder=3, s=18)
        ax.axvline(std, color=COLOR_LIMIT, linestyle="--", linewidth=1)
        ax.text(std, len(d_ok) - 0.4 if len(d_ok) else 0, f" 标准 {std:g}", va="bottom", fontsize=8)
        ax.set_yticks(y, _label(d_ok), fontsize=7)
        ax.set_xlabel(f"{spec['name']}（{spec['unit']}）")
        title = f"{stage}：{int(below.sum())} 个单位低于标准（红色）" + _missing_text(missing)
        ax.set_title(title, fontsize=9, loc="left")
    fig.suptitle(f"{code} {spec['name']}", fontsize=11)
    fig.tight_layout()
    return fig


def indicator_distribution(units: pd.DataFrame, code: str, standards: Mapping[str, Any] | None = None,
                           max_units: int | None = None):
    """Indicator ``code`` of a large county, one row of two panels per stage: left, the
    distribution of every included unit's value (histogram; the part below the standard red;
    dashed line the standard, dotted line ``floor_ratio`` of it); right, a bar per unit below the
    standard (the lowest first, at most ``max_units``; how many more are in the tables is said).
    Units without data are named in the title, never counted as 0."""
    standards = standards if standards is not None else load_standards()
    spec = standards["resources"]["indicators"][code]
    floor = float(standards["resources"]["floor_ratio"])
    max_units = max_units_per_chart() if max_units is None else max_units
    inc = _included(units)
    stages = [s for s in STAGES if (inc["stage"] == s).any()]
    parts = {s: _stage_values(inc, code, s) for s in stages}
    heights = [max(2.8, 0.2 * min(int(parts[s][2].sum()), max_units) + 1.4) for s in stages] or [2.8]
    fig, axes = plt.subplots(len(stages) or 1, 2, figsize=(10, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights, "width_ratios": [1, 1.1]})
    for (ax, bx), stage in zip(axes, stages):
        d, d_ok, below, missing = parts[stage]
        std = float(spec["standard"][stage])
        v = d_ok["_v"].to_numpy(dtype=float)
        bins = np.histogram_bin_edges(v, bins=min(30, max(10, len(v) // 10))) if len(v) else 10
        ax.hist(v[~below], bins=bins, color=COLOR_OK, label="达到标准")
        ax.hist(v[below], bins=bins, color=COLOR_BELOW, label="低于标准")
        ax.axvline(std, color=COLOR_LIMIT, linestyle="--", linewidth=1)
        ax.axvline(std * floor, color=COLOR_LIMIT, linestyle=":", linewidth=1)
        ax.text(std, ax.get_ylim()[1], f" 标准 {std:g}", va="top", fontsize=8)
        ax.set_xlabel(f"{spec['name']}（{spec['unit']}）")
        ax.set_ylabel("单位数")
        ax.legend(fontsize=7, loc="upper right")
        ax.set_title(f"{stage}：{len(d)} 个单位的分布，{int(below.sum())} 个低于标准" + _missing_text(missing),
                     fontsize=9, loc="left")
        low = d_ok[below].head(max_units)
        if low.empty:
            bx.axis("off")
            bx.text(0.5, 0.5, "全部单位达到标准", ha="center", va="center", fontsize=10, transform=bx.transAxes)
            continue
        y = np.arange(len(low))
        bx.barh(y, low["_v"], color=COLOR_BELOW)
        for yi, v in zip(y, low["_v"]):
            bx.text(v, yi, f" {v:g}", va="center", fontsize=6)
        bx.axvline(std, color=COLOR_LIMIT, linestyle="--", linewidth=1)
        bx.set_yticks(y, _label(low), fontsize=7)
        bx.invert_yaxis()  # the lowest on top
        bx.set_xlabel(f"{spec['name']}（{spec['unit']}）")
        more = int(below.sum()) - len(low)
        bx.set_title("低于标准的单位" + (f"（最低的 {len(low)} 个；另有 {more} 个见表）" if more else ""),
                     fontsize=9, loc="left")
    fig.suptitle(f"{code} {spec['name']}", fontsize=11)
    fig.tight_layout()
    return fig


def cv_figure(cv: pd.DataFrame, standards: Mapping[str, Any] | None = None):
    """The seven CVs (as shown) per stage against the stage's limit; bars over it are red."""
    standards = standards if standards is not None else load_standards()
    stages = [s for s in STAGES if (cv["stage"] == s).any()]
    fig, axes = plt.subplots(1, len(stages) or 1, figsize=(5 * max(1, len(stages)), 3.6), squeeze=False)
    for ax, stage in zip(axes[0], stages):
        d = cv[cv["stage"] == stage].set_index("indicator").reindex(INDICATORS)
        shown = d["cv_shown"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        limit = float(standards["resources"]["cv_limit"][stage])
        over = np.nan_to_num(shown, nan=-1) > limit
        x = np.arange(len(INDICATORS))
        ax.bar(x, np.nan_to_num(shown), color=np.where(over, COLOR_BELOW, COLOR_OK))
        for xi, v in zip(x, shown):
            ax.text(xi, (0 if np.isnan(v) else v), "无数据" if np.isnan(v) else f"{v:.3f}",
                    ha="center", va="bottom", fontsize=7)
        ax.axhline(limit, color=COLOR_LIMIT, linestyle="--", linewidth=1)
        ax.text(len(INDICATORS) - 0.5, limit, f"上限 {limit:.2f}", ha="right", va="bottom", fontsize=8)
        ax.set_xticks(x, INDICATORS)
        ax.set_ylim(0, max(limit, np.nanmax(shown) if np.isfinite(shown).any() else 0) * 1.2)
        ax.set_title(f"{stage}校际差异系数", fontsize=10)
    fig.tight_layout()
    return fig


def ratio_heatmap(units: pd.DataFrame, standards: Mapping[str, Any] | None = None, max_units: int | None = None):
    """Heatmap of every included unit's seven ratios to standard (red < 1 ≤ blue, grey = no data).

    Above ``max_units`` included units (default: ``config/reporting.yaml``) only the units with
    an indicator below standard or without data, the fewest indicators met first, at most
    ``max_units`` of them; the title says how many units are shown of how many."""
    inc = _included(units).sort_values(["stage", "school_code"])
    max_units = max_units_per_chart() if max_units is None else max_units
    title = None
    if len(inc) > max_units:
        met = inc[[f"{k}_met" for k in INDICATORS]].astype("boolean")
        short = inc[(~met.fillna(False)).any(axis=1).to_numpy(dtype=bool)]
        short = short.assign(_n=met.loc[short.index].fillna(False).sum(axis=1)).sort_values(
            ["_n", "stage", "school_code"], kind="stable")
        title = (f"有指标未达标或无数据的单位：{len(short)} 个（共 {len(inc)} 个参评单位）"
                 + (f"，列出达标项最少的 {max_units} 个" if len(short) > max_units else ""))
        inc = short.head(max_units)
        if inc.empty:
            fig, ax = plt.subplots(figsize=(7, 1.2))
            ax.axis("off")
            ax.text(0.5, 0.5, f"全部 {len(_included(units))} 个参评单位的七项指标均达到标准", ha="center",
                    va="center", fontsize=10, transform=ax.transAxes)
            return fig
    ratios = inc[[f"{k}_ratio" for k in INDICATORS]].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.2 * len(inc) + 1.5)))
    if title:
        ax.set_title(title, fontsize=9, loc="left", pad=24)
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#BBBBBB")
    shown = np.clip(ratios, 0, 2)
    im = ax.imshow(np.ma.masked_invalid(shown), aspect="auto", cmap=cmap,
                   norm=TwoSlopeNorm(vmin=0, vcenter=1, vmax=2), interpolation="nearest")
    ax.set_xticks(np.arange(len(INDICATORS)), INDICATORS)
    ax.set_yticks(np.arange(len(inc)), _label(inc), fontsize=7)
    ax.xaxis.tick_top()
    cb = fig.colorbar(im, ax=ax, shrink=0.6)
    cb.set_label("与标准之比（1 = 恰好达标；>2 按 2 显示；灰色 = 无数据）", fontsize=8)
    fig.tight_layout()
    return fig


def met_share_figure(units: pd.DataFrame, standards: Mapping[str, Any] | None = None):
    """Share (%) of the included units of each stage that reach each indicator's standard."""
    standards = standards if standards is not None else load_standards()
    inc = _included(units)
    rate = pd.DataFrame({stage: [inc.loc[inc["stage"].eq(stage), f"{k}_met"].astype("boolean").mean()
                                 for k in INDICATORS] for stage in standards["stages"]}, index=INDICATORS)
    fig, ax = plt.subplots(figsize=(11, 3.6))
    rate.mul(100).plot.bar(ax=ax, rot=0, color=["#1f6fb2", "#f0a030"])
    ax.set_ylabel("达标单位占比（%）")
    ax.set_ylim(0, 105)
    ax.set_title("各指标达到标准的评估单位占比")
    fig.tight_layout()
    return fig
