"""Which teachers count for L1–L3 (教师口径): the masks the engine and the optimiser share.

Defined once, from the standards file (``resources.indicators``):

- ``full_time``: 专任教师;
- ``qualifying``: holds a degree that counts for L1 in the stage the teacher teaches
  (``L1.qualifying_degrees``: 小学 专科 or higher, 初中 本科 or higher);
- ``backbone``: a backbone level that counts for L2 (``L2.backbone_levels``, 县级 and above);
- ``pe_art``: teaches one of the L3 subjects (``L3.subjects``: 体育, 音乐, 美术);
- ``degree_unknown`` / ``subject_unknown``: the degree or subject is missing (NA), so L1 / L3 of
  the teacher's unit cannot be known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.engine.arrays import bools, isin


@dataclass(frozen=True)
class TeacherMasks:
    full_time: np.ndarray
    qualifying: np.ndarray
    backbone: np.ndarray
    pe_art: np.ndarray
    degree_unknown: np.ndarray
    subject_unknown: np.ndarray


def teacher_masks(teachers: pd.DataFrame, standards: Mapping[str, Any]) -> TeacherMasks:
    """Boolean arrays over the rows of ``teachers`` (see the module docstring)."""
    ind = standards["resources"]["indicators"]
    stage = teachers["stage"]
    qualifying = np.zeros(len(teachers), dtype=bool)
    for s, degrees in ind["L1"]["qualifying_degrees"].items():
        qualifying |= (stage == s).to_numpy(dtype=bool) & isin(teachers["degree"], degrees)
    return TeacherMasks(
        full_time=bools(teachers["full_time"]),
        qualifying=qualifying,
        backbone=isin(teachers["backbone_level"], ind["L2"]["backbone_levels"]),
        pe_art=isin(teachers["subject"], ind["L3"]["subjects"]),
        degree_unknown=teachers["degree"].isna().to_numpy(dtype=bool),
        subject_unknown=teachers["subject"].isna().to_numpy(dtype=bool),
    )
