"""Each stage's share of a school's L4–L7 resources (学段资源拆分比例).

A mixed school's teaching area, sports area, equipment value and multimedia rooms are shared
between its stages by weighted head count (weights: ``standards.units``), e.g. 九年一贯制
primary share A/(A+1.1B). Used by :mod:`analysis.engine.units` for every assessment unit.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.config.standards import load_standards
from analysis.engine.arrays import positions
from analysis.schemas import ALL_STAGES, SCHOOL_TYPES

# School types that hold a single compulsory stage (structure of the school system, not a
# threshold): a teaching point (教学点) is a primary-stage school.
SINGLE_STAGE_TYPES = {"小学": "小学", "教学点": "小学", "初中": "初中"}


def stage_weight_table(standards: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Weight of one pupil of each stage (columns 幼儿班/小学/初中/高中) per school type (rows).

    - Mixed types: ``units.stage_weights`` (e.g. 九年一贯制 小学 1.0 : 初中 1.1).
    - Kindergarten children (附设幼儿班): ``units.kindergarten_weights`` gives K : primary
      (default 1 : 1.1), so a kindergarten child weighs ``w_小学 × 1/1.1``. For a plain primary
      school this is the plan's reading "primary share = 1.1A/(K+1.1A)".
    - Single-stage types (小学, 教学点, 初中): their own stage only (plus kindergarten for primary).
    - Other types (特殊教育学校, 职业学校): plain head count (weight 1 for every stage).
    """
    standards = standards if standards is not None else load_standards()
    u = standards["units"]
    kw = u["kindergarten_weights"]
    k_rel = float(kw["幼儿班"]) / float(kw["小学"])
    rows: dict[str, dict[str, float]] = {}
    for school_type, weights in u["stage_weights"].items():
        row = {s: float(weights.get(s, 0.0)) for s in ALL_STAGES}
        row["幼儿班"] = row["小学"] * k_rel
        rows[school_type] = row
    for school_type in SCHOOL_TYPES:
        if school_type in rows:
            continue
        own = SINGLE_STAGE_TYPES.get(school_type)
        if own is None:
            rows[school_type] = {s: 1.0 for s in ALL_STAGES}
        else:
            row = {s: 0.0 for s in ALL_STAGES}
            row[own] = 1.0
            if own == "小学":  # K : A exactly as configured (default 1 : 1.1)
                row["幼儿班"] = float(kw["幼儿班"])
                row["小学"] = float(kw["小学"])
            rows[school_type] = row
    return pd.DataFrame.from_dict(rows, orient="index")[ALL_STAGES]


def stage_shares(
    primary,
    junior,
    senior=0,
    kindergarten=0,
    school_type="九年一贯制",
    standards: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Each stage's share of a school's L4–L7 resources (学段资源拆分比例).

    With A primary, B junior, C senior pupils and K kindergarten children, weights from
    ``standards.units``: 九年一贯制 A/(A+1.1B) and 1.1B/(A+1.1B); 完全中学 B/(B+1.2C);
    十二年一贯制 1 : 1.1 : 1.32; a primary school with kindergarten classes 1.1A/(K+1.1A).

    Scalar in, floats out: ``stage_shares(300, 200)["小学"]`` → 300/(300+220) ≈ 0.5769.
    Arrays or Series in (``school_type`` may be an array too), arrays or Series out (same
    index). Returns ``{"幼儿班": …, "小学": …, "初中": …, "高中": …}``; the shares of a school sum
    to 1. A school whose weighted head count is 0 gets NaN shares (never a made-up split).
    """
    table = stage_weight_table(standards)
    index = None
    for arg in (primary, junior, senior, kindergarten, school_type):
        if isinstance(arg, pd.Series):
            index = arg.index
            break
    counts = {
        "幼儿班": kindergarten,
        "小学": primary,
        "初中": junior,
        "高中": senior,
    }
    arrays = {s: np.asarray(pd.Series(v).to_numpy(dtype=float, na_value=np.nan)
                            if isinstance(v, pd.Series) else v, dtype=float)
              for s, v in counts.items()}
    types = school_type.array if isinstance(school_type, pd.Series) else school_type
    scalar = all(np.ndim(a) == 0 for a in arrays.values()) and np.ndim(types) == 0
    if np.ndim(types) == 0:
        if types not in table.index:
            raise ValueError(
                f"未知的办学类型“{types}”，应为 {list(table.index)} 之一。 / "
                f"Unknown school_type {types!r}; expected one of {list(table.index)}."
            )
        w = {s: np.float64(table.at[types, s]) for s in ALL_STAGES}
    else:
        if isinstance(types, pd.api.extensions.ExtensionArray):  # a column: Arrow texts stay texts
            pos = positions(table.index, pd.Series(types, copy=False))
        else:
            pos = table.index.get_indexer(np.asarray(types, dtype=object))
        if (pos < 0).any():
            bad = sorted({str(t) for t in np.asarray(types, dtype=object)[pos < 0]})
            raise ValueError(
                f"未知的办学类型 {bad}，应为 {list(table.index)} 之一。 / "
                f"Unknown school_type values {bad}; expected one of {list(table.index)}."
            )
        w = {s: table[s].to_numpy(dtype=float)[pos] for s in ALL_STAGES}
    weighted = {s: w[s] * arrays[s] for s in ALL_STAGES}
    total = sum(weighted.values())
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = {s: np.where(total > 0, weighted[s] / np.where(total > 0, total, 1.0), np.nan)
                  for s in ALL_STAGES}
    if scalar:
        return {s: float(v) for s, v in shares.items()}
    if index is not None:
        return {s: pd.Series(np.broadcast_to(v, (len(index),)), index=index, name=s)
                for s, v in shares.items()}
    return shares
