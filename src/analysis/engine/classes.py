"""Classes as the per-school rules read them (G3, G5): one list of class groups from either form.

A county gives its classes one per row (``classes``: the size of each class) or as the statistics
count them (``class_bands``: the number of classes per 班额 band). Both become groups with the
bounds that are known of their size:

- a class row: one class, lower = upper = its size (size unknown: 0 … ∞);
- a band row: ``n`` classes (unknown when the count is blank) whose sizes lie in the band
  (the open band "66人及以上" has no upper bound).

A school and stage with class rows is taken from them; its band rows are not used (the cleaning
lists any disagreement). A rule then asks whether a group is surely within a limit (upper ≤ limit),
surely over it (lower > limit) or cannot be decided.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from analysis.engine.shared import once
from analysis.schemas import band_label

GROUP_COLUMNS = ["school_code", "stage", "class_id", "grade", "size", "lo", "hi", "n", "band"]


def class_groups(tables: Mapping[str, pd.DataFrame], stages) -> pd.DataFrame | None:
    """The class groups of ``stages`` (see the module docstring); None when neither form is given.

    Columns: school_code, stage, class_id (NA for a band), grade (NA for a band), size (NA unless
    one class of known size), lo, hi (floats; ∞ when open), n (Int64: classes in the group, NA when
    unknown), band (the band's label, NA for a class row). Computed once per engine run
    (``engine.shared``)."""
    return once(tables, ("class_groups", tuple(stages)), lambda: _class_groups(tables, stages))


def _class_groups(tables: Mapping[str, pd.DataFrame], stages) -> pd.DataFrame | None:
    classes = tables.get("classes")
    bands = tables.get("class_bands")
    if classes is None and bands is None:
        return None
    parts = []
    covered = pd.MultiIndex.from_arrays([[], []])
    if classes is not None:
        c = classes[classes["stage"].isin(list(stages))]
        size = c["size"].astype("Float64")
        parts.append(pd.DataFrame({
            "school_code": c["school_code"].astype(object).to_numpy(),
            "stage": c["stage"].astype(object).to_numpy(),
            "class_id": c["class_id"].astype(object).to_numpy(),
            "grade": c["grade"].astype("Int64").to_numpy(),
            "size": c["size"].astype("Int64").to_numpy(),
            "lo": size.fillna(0.0).to_numpy(dtype=float),
            "hi": size.fillna(np.inf).to_numpy(dtype=float),
            "n": pd.array(np.ones(len(c), dtype=np.int64), dtype="Int64"),
            "band": pd.array([None] * len(c), dtype="string"),
        }))
        covered = pd.MultiIndex.from_frame(c[["school_code", "stage"]].astype(object))
    if bands is not None and len(bands):
        b = bands[bands["stage"].isin(list(stages))]
        key = pd.MultiIndex.from_frame(b[["school_code", "stage"]].astype(object))
        b = b[~key.isin(covered)]
        hi = b["size_max"].astype("Float64")
        parts.append(pd.DataFrame({
            "school_code": b["school_code"].astype(object).to_numpy(),
            "stage": b["stage"].astype(object).to_numpy(),
            "class_id": pd.array([None] * len(b), dtype="string"),
            "grade": pd.array([None] * len(b), dtype="Int64"),
            "size": pd.array([None] * len(b), dtype="Int64"),
            "lo": b["size_min"].astype(float).to_numpy(),
            "hi": hi.fillna(np.inf).to_numpy(dtype=float),
            "n": b["classes"].astype("Int64").to_numpy(),
            "band": pd.array([band_label(int(lo), None if pd.isna(h) else int(h))
                              for lo, h in zip(b["size_min"], b["size_max"])], dtype="string"),
        }))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=GROUP_COLUMNS)
    return out[GROUP_COLUMNS]
