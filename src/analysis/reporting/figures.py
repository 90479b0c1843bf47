"""Figures of the resource indicators (资源配置指标图表).

- ``indicator_figure``: one indicator, every included unit against the standard line, per stage;
  units below the standard are marked (red, ▼), units without data are listed as "无数据".
- ``cv_figure``: the seven CVs (as shown, 3 decimals) per stage against the stage's limit.
- ``ratio_heatmap``: every included unit's seven ratios to standard (1 = exactly at standard).

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


def indicator_figure(units: pd.DataFrame, code: str, standards: Mapping[str, Any] | None = None):
    """Bar chart of indicator ``code`` for every included unit, one panel per stage.

    Bars are sorted by value; the dashed line is the stage's standard; bars below it are red
    and marked ▼. Units with no value are named in the panel title (never drawn as 0).
    """
    standards = standards if standards is not None else load_standards()
    spec = standards["resources"]["indicators"][code]
    inc = _included(units)
    stages = [s for s in STAGES if (inc["stage"] == s).any()]
    heights = [max(2.0, 0.22 * int((inc["stage"] == s).sum()) + 1.2) for s in stages] or [2.0]
    fig, axes = plt.subplots(len(stages) or 1, 1, figsize=(9, sum(heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, stage in zip(axes[:, 0], stages):
        d = inc[inc["stage"] == stage]
        values = d[code].astype("Float64")
        has = values.notna().to_numpy(dtype=bool)
        d_ok = d[has].assign(_v=values[has].astype(float)).sort_values("_v")
        std = float(spec["standard"][stage])
        # the engine's own judgement (met flag, float tolerance), not a raw `value < standard`:
        # 9/1000×100 = 0.8999999999999999 is exactly at the 0.9 standard and is met
        below = (d_ok[f"{code}_met"].astype("boolean") == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        y = np.arange(len(d_ok))
        ax.barh(y, d_ok["_v"], color=np.where(below, COLOR_BELOW, COLOR_OK))
        ax.scatter(d_ok["_v"][below], y[below], marker="v", color=COLOR_BELOW, zorder=3, s=18)
        ax.axvline(std, color=COLOR_LIMIT, linestyle="--", linewidth=1)
        ax.text(std, len(d_ok) - 0.4 if len(d_ok) else 0, f" 标准 {std:g}", va="bottom", fontsize=8)
        ax.set_yticks(y, _label(d_ok), fontsize=7)
        ax.set_xlabel(f"{spec['name']}（{spec['unit']}）")
        missing = _label(d[~has]).tolist()
        title = f"{stage}：{int(below.sum())} 个单位低于标准（红色）"
        if missing:
            title += f"；无数据：{'、'.join(missing[:5])}{'等' if len(missing) > 5 else ''}"
        ax.set_title(title, fontsize=9, loc="left")
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


def ratio_heatmap(units: pd.DataFrame, standards: Mapping[str, Any] | None = None):
    """Heatmap of every included unit's seven ratios to standard (red < 1 ≤ blue, grey = no data)."""
    inc = _included(units).sort_values(["stage", "school_code"])
    ratios = inc[[f"{k}_ratio" for k in INDICATORS]].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.2 * len(inc) + 1.5)))
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
