"""Which teachers count for L1–L3 (教师口径): the masks the engine and the optimiser share.

Defined once, from the standards file (``resources.indicators``):

- ``full_time``: 专任教师;
- ``qualifying``: holds a degree that counts for L1 in the stage the teacher teaches
  (``L1.qualifying_degrees``: 小学 专科 or higher, 初中 本科 or higher);
- ``backbone``: a backbone level that counts for L2 (``L2.backbone_levels``, 县级 and above);
- ``pe_art``: teaches one of the L3 subjects (``L3.subjects``: 体育, 音乐, 美术);
- ``degree_unknown`` / ``subject_unknown``: the degree or subject is missing (NA), so L1 / L3 of
  the teacher's unit cannot be known.

Each text column is read once, as small integer codes (``arrays.codes_of``) or one ``isin``: a
national roster has tens of millions of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.engine.arrays import bools, codes_of, isin
from analysis.schemas import STAGES


#: the roster columns the resource indicators read (:func:`teacher_masks`, :func:`serving_mask`,
#: ``resources.evaluate_resources``): the roster cut to these gives the same L1–L3 (the Monte Carlo
#: copies only these for its draws; a column read but not listed would fail loudly, as a KeyError)
RESOURCE_TEACHER_COLUMNS = ("school_code", "stage", "degree", "subject", "full_time", "backbone_level",
                            "service_school_code", "service_mode")


@dataclass(frozen=True)
class TeacherMasks:
    full_time: np.ndarray
    qualifying: np.ndarray
    backbone: np.ndarray
    pe_art: np.ndarray
    degree_unknown: np.ndarray
    subject_unknown: np.ndarray
    #: position of the teacher's stage in ``schemas.STAGES`` (−1: another stage or NA), the stage
    #: column read once for the masks and for the teacher's unit
    stage: np.ndarray


def teacher_masks(teachers: pd.DataFrame, standards: Mapping[str, Any]) -> TeacherMasks:
    """Boolean arrays over the rows of ``teachers`` (see the module docstring)."""
    ind = standards["resources"]["indicators"]
    by_stage = ind["L1"]["qualifying_degrees"]  # stage → the degrees counting for L1 there
    stages = list(dict.fromkeys([*STAGES, *by_stage]))
    degrees = list(dict.fromkeys(d for ds in by_stage.values() for d in ds))
    stage = codes_of(teachers["stage"], stages)
    # counts_for_l1[stage, degree] looked up flat; the last row and column are the padding that
    # code −1 reads (mode="wrap": −1 → the previous row's last column, or the last row)
    width = len(degrees) + 1
    counts_for_l1 = np.zeros((len(stages) + 1, width), dtype=bool)
    for s, ds in by_stage.items():
        counts_for_l1[stages.index(s), [degrees.index(d) for d in ds]] = True
    flat = stage * width
    flat += codes_of(teachers["degree"], degrees)
    qualifying = counts_for_l1.ravel().take(flat, mode="wrap")
    del flat
    return TeacherMasks(
        full_time=bools(teachers["full_time"]),
        qualifying=qualifying,
        backbone=isin(teachers["backbone_level"], ind["L2"]["backbone_levels"]),
        pe_art=isin(teachers["subject"], ind["L3"]["subjects"]),
        degree_unknown=teachers["degree"].isna().to_numpy(dtype=bool),
        subject_unknown=teachers["subject"].isna().to_numpy(dtype=bool),
        stage=stage if len(stages) == len(STAGES) else np.where(stage < len(STAGES), stage, -1),
    )


# ----------------------------------------------------------------------- per school and stage
#: the counts of the teacher-counts form (``teacher_counts``) that L1–L3 read
COUNT_FIELDS = ("full_time", "qualifying", "backbone", "pe_art")


def serving_mask(teachers: pd.DataFrame, masks: TeacherMasks, modes) -> np.ndarray:
    """Full-time PE/art teachers serving another school by one of ``modes`` (交流轮岗/兼职/走教):
    the teachers the small-rural L3 relaxation counts at the school they serve. The mode and the
    two codes are compared on the full-time PE/art teachers with a service school only."""
    svc = teachers["service_school_code"]
    candidate = masks.full_time & masks.pe_art & svc.notna().to_numpy(dtype=bool)
    out = np.zeros(len(teachers), dtype=bool)
    if candidate.any():
        own, mode = teachers["school_code"][candidate], teachers["service_mode"][candidate]
        out[candidate] = isin(mode, modes) & (svc[candidate] != own).fillna(False).to_numpy(dtype=bool)
    return out


def roster_counts(teachers: pd.DataFrame, standards: Mapping[str, Any]) -> pd.DataFrame:
    """The roster as the counts form has it: per school and stage, the full-time teachers and of
    them those counting for L1, L2, L3 (:data:`COUNT_FIELDS`), ``serving_pe_art`` (PE/art teachers
    of other schools serving there, by the relaxation's modes), and for the optimiser the movable
    ones (``movable_pe_art``: qualified non-backbone PE/art; ``movable_backbone``: qualified
    backbone of another subject; ``non_backbone``). Degree or subject unknown: ``degree_unknown`` /
    ``subject_unknown`` count those teachers. Index: (school_code, stage)."""
    m = teacher_masks(teachers, standards)
    ft = m.full_time
    keys = [teachers["school_code"].astype(object).to_numpy(), teachers["stage"].astype(object).to_numpy()]
    own = pd.DataFrame({
        "full_time": ft, "qualifying": ft & m.qualifying, "backbone": ft & m.backbone,
        "pe_art": ft & m.pe_art, "degree_unknown": ft & m.degree_unknown,
        "subject_unknown": ft & m.subject_unknown,
        "movable_pe_art": ft & m.qualifying & m.pe_art & ~m.backbone,
        "movable_backbone": ft & m.qualifying & m.backbone & ~m.pe_art,
        "non_backbone": ft & ~m.backbone,
    }).astype(int).groupby(keys).sum()
    relax = standards["resources"].get("small_rural_l3_relaxation") or {}
    serving = serving_mask(teachers, m, relax.get("service_modes", ()))
    host = pd.Series(1, index=pd.MultiIndex.from_arrays(
        [teachers["service_school_code"].astype(object).to_numpy()[serving], keys[1][serving]]))
    served = host.groupby(level=[0, 1]).sum().rename("serving_pe_art")
    out = own.join(served, how="outer").fillna(0).astype(int)
    out.index.names = ["school_code", "stage"]
    return out


def counts_bounds(counts: pd.DataFrame) -> pd.DataFrame:
    """The movable teachers the counts form can vouch for, per row of ``teacher_counts``: the
    counts give each attribute's total, not how they combine, so only the smallest number that
    must exist is taken (never a guess): qualified non-backbone PE/art ≥ qualifying + pe_art −
    backbone − full_time; qualified backbone of another subject ≥ qualifying + backbone − pe_art −
    full_time; non-backbone = full_time − backbone (exact). A missing count gives 0 (nothing
    movable)."""
    c = {k: counts[k].astype("Float64") for k in COUNT_FIELDS}
    out = pd.DataFrame({
        "movable_pe_art": (c["qualifying"] + c["pe_art"] - c["backbone"] - c["full_time"]).clip(lower=0),
        "movable_backbone": (c["qualifying"] + c["backbone"] - c["pe_art"] - c["full_time"]).clip(lower=0),
        "non_backbone": (c["full_time"] - c["backbone"]).clip(lower=0),
    }, index=counts.index)
    return out.fillna(0).astype(int)


MOVABLE_FIELDS = ("movable_pe_art", "movable_backbone", "non_backbone")


def movable_teachers(tables: Mapping[str, pd.DataFrame], standards: Mapping[str, Any]) -> pd.DataFrame:
    """Per school and stage, the teachers a plan may move or designate (:data:`MOVABLE_FIELDS`):
    from the roster for the schools it lists (:func:`roster_counts`), else from the counts form
    (:func:`counts_bounds`, the number that surely exists). Index: (school_code, stage)."""
    teachers = tables.get("teachers")
    parts = []
    listed: set = set()
    if teachers is not None and len(teachers):
        parts.append(roster_counts(teachers, standards)[list(MOVABLE_FIELDS)])
        listed = set(teachers["school_code"].astype(object))
    counts = tables.get("teacher_counts")
    if counts is not None and len(counts):
        c = counts[~counts["school_code"].astype(object).isin(listed)]
        b = counts_bounds(c)
        b.index = pd.MultiIndex.from_arrays([c["school_code"].astype(object).to_numpy(),
                                             c["stage"].astype(object).to_numpy()])
        parts.append(b)
    if not parts:
        return pd.DataFrame(columns=list(MOVABLE_FIELDS),
                            index=pd.MultiIndex.from_arrays([[], []], names=["school_code", "stage"]))
    out = pd.concat(parts)
    out.index.names = ["school_code", "stage"]
    return out
