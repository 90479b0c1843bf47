"""Plan and scenario actions on schools whose teachers are given as counts (``teacher_counts``).

A school listed in the roster is changed row by row (``projection.apply_actions``). A school
given only as counts has no rows: its counts change instead, by the same rules the engine counts
with (``standards``: the degrees that count for L1 in the stage, the backbone levels of L2, the
subjects of L3).

- A hire adds to 专任教师 and to each count its degree, subject and level make it count in.
- A designation adds to 骨干; there must be that many non-backbone teachers.
- A move takes teachers out of the counts: the action's filters (subject, degree, backbone) say
  which counts they are in. A count the filters leave open (e.g. a move by subject only: are the
  movers qualified?) becomes unknown at both schools — never guessed. The number moved must
  surely exist: the counts give each attribute's total, not how they combine, so at least
  Σ counts − (k − 1) × 专任教师 teachers have all k attributes asked for.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from analysis.engine.teachers import COUNT_FIELDS, teacher_masks

#: the subject of a hire or mover who teaches none of the L3 subjects
OTHER_SUBJECT = "其他学科"
#: the counts a teacher's attributes decide (full_time is always 1 for a mover or a hire)
ATTRIBUTES = ("qualifying", "backbone", "pe_art")


class CountsActionError(ValueError):
    """An action asks for more teachers than the counts surely hold."""


def counts_schools(tables: Mapping[str, pd.DataFrame]) -> set[str]:
    """Schools given only as counts (no roster row)."""
    counts = tables.get("teacher_counts")
    if counts is None or counts.empty:
        return set()
    teachers = tables.get("teachers")
    listed = set() if teachers is None else set(teachers["school_code"].astype(str))
    return set(counts["school_code"].astype(str)) - listed


def _row(counts: pd.DataFrame, school: str, stage: str) -> tuple[pd.DataFrame, Any]:
    """The index of the school and stage's row, added (every count unknown) when absent."""
    hit = counts.index[(counts["school_code"] == school) & (counts["stage"] == stage)]
    if len(hit):
        return counts, hit[0]
    new = pd.DataFrame([{"school_code": school, "stage": stage}])
    counts = pd.concat([counts, new], ignore_index=True)
    return counts, counts.index[-1]


def _add(counts: pd.DataFrame, idx, attrs: dict[str, bool | None], n: int) -> None:
    """Add ``n`` teachers (negative: remove) with ``attrs`` (True: in that count, False: not,
    None: unknown → the count becomes unknown)."""
    counts.loc[idx, "full_time"] = counts.loc[idx, "full_time"] + n
    for field in ATTRIBUTES:
        a = attrs.get(field)
        if a is None:
            counts.loc[idx, field] = pd.NA
        elif a:
            counts.loc[idx, field] = counts.loc[idx, field] + n


def attributes(standards: Mapping[str, Any], stage: str, degree=None, subject=None,
               backbone_level=None) -> dict[str, bool | None]:
    """The counts a teacher with these attributes is in (None: unknown)."""
    ind = standards["resources"]["indicators"]
    return {
        "qualifying": None if degree is None else degree in ind["L1"]["qualifying_degrees"][stage],
        "backbone": None if backbone_level is None else backbone_level in ind["L2"]["backbone_levels"],
        "pe_art": None if subject is None else subject in ind["L3"]["subjects"],
    }


def _as_list(v):
    return v if isinstance(v, list) else [v]


def move_filter(move: Mapping[str, Any], standards: Mapping[str, Any]) -> dict[str, bool | None]:
    """What a move's filters say of the movers: in each count (True), not (False) or open (None)."""
    ind = standards["resources"]["indicators"]
    l3, counted = set(ind["L3"]["subjects"]), set(ind["L2"]["backbone_levels"])
    qual = set(ind["L1"]["qualifying_degrees"][move["stage"]])

    def within(values, group):
        values = set(_as_list(values))
        return True if values <= group else (False if not values & group else None)

    pe_art = within(move["subject"], l3) if move.get("subject") else None
    if pe_art is None and move.get("exclude_subject") and l3 <= set(_as_list(move["exclude_subject"])):
        pe_art = False
    qualifying = within(move["degree"], qual) if move.get("degree") else None
    backbone = move.get("backbone", True if move.get("backbone_only") else None)
    if move.get("backbone_level"):
        backbone = within(move["backbone_level"], counted)
    elif backbone is not None:
        backbone = bool(backbone)
    return {"qualifying": qualifying, "backbone": backbone, "pe_art": pe_art}


def surely_available(row: pd.Series, attrs: dict[str, bool | None]) -> int:
    """How many teachers of a counts row surely have every fixed attribute (0 when a count
    needed is unknown)."""
    ft = row.get("full_time")
    if pd.isna(ft):
        return 0
    sizes = [float(ft)]
    for field, a in attrs.items():
        if a is None:
            continue
        v = row.get(field)
        if pd.isna(v):
            return 0
        sizes.append(float(v) if a else float(ft) - float(v))
    k = len(sizes) - 1
    return int(max(0.0, sum(sizes[1:]) - (k - 1) * float(ft))) if k else int(ft)


def hire(counts: pd.DataFrame, school: str, stage: str, n: int, standards, degree, subject,
         backbone_level) -> pd.DataFrame:
    counts, idx = _row(counts, school, stage)
    _add(counts, idx, attributes(standards, stage, degree, subject, backbone_level), n)
    return counts


def designate(counts: pd.DataFrame, school: str, stage: str, n: int, level: str, standards) -> pd.DataFrame:
    counts, idx = _row(counts, school, stage)
    r = counts.loc[idx]
    free = 0 if pd.isna(r["full_time"]) or pd.isna(r["backbone"]) else int(r["full_time"] - r["backbone"])
    if free < n:
        raise CountsActionError(f"学校 {school} {stage} 至多 {free} 名非骨干教师可认定 (at most {free} "
                                "non-backbone teachers there, from the counts)")
    if level in standards["resources"]["indicators"]["L2"]["backbone_levels"]:
        counts.loc[idx, "backbone"] = counts.loc[idx, "backbone"] + n
    return counts


def move_out(counts: pd.DataFrame, school: str, stage: str, n: int,
             attrs: dict[str, bool | None]) -> pd.DataFrame:
    counts, idx = _row(counts, school, stage)
    available = surely_available(counts.loc[idx], attrs)
    if available < n:
        raise CountsActionError(f"学校 {school} 的专任教师数只能确定 {available} 名符合条件的教师可调出 "
                                f"(the counts vouch for only {available} such teachers)")
    _add(counts, idx, attrs, -n)
    return counts


def move_in(counts: pd.DataFrame, school: str, stage: str, n: int,
            attrs: dict[str, bool | None]) -> pd.DataFrame:
    counts, idx = _row(counts, school, stage)
    _add(counts, idx, attrs, n)
    return counts


def roster_attributes(rows: pd.DataFrame, standards) -> list[dict[str, bool | None]]:
    """Each roster row's counts (for a teacher moving from a roster school to a counts school)."""
    m = teacher_masks(rows, standards)
    return [{"qualifying": None if du else bool(q), "backbone": bool(b), "pe_art": None if su else bool(p)}
            for q, b, p, du, su in zip(m.qualifying, m.backbone, m.pe_art, m.degree_unknown, m.subject_unknown)]


def as_roster_rows(attrs: dict[str, bool | None], stage: str, move: Mapping[str, Any], standards,
                   other_subject: str) -> dict[str, Any]:
    """The attributes of a teacher moving from a counts school into a roster school, as roster
    fields taken from the move's own filters (a field they leave open stays unknown)."""
    ind = standards["resources"]["indicators"]
    subject = None
    if attrs["pe_art"] is True:
        subject = _as_list(move.get("subject") or ind["L3"]["subjects"])[0]
    elif attrs["pe_art"] is False:
        subject = other_subject
    degree = None
    if move.get("degree") and attrs["qualifying"] is not None:
        degree = _as_list(move["degree"])[0]
    if attrs["backbone"] is None:
        raise CountsActionError("调出的教师是否骨干不详，不能写入花名册 (the movers' backbone level is not known)")
    level = "无"
    if attrs["backbone"]:
        level = _as_list(move.get("backbone_level") or ind["L2"]["backbone_levels"])[0]
    return {"degree": degree, "subject": subject, "backbone_level": level}


def empty_like_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts with the nullable integer dtypes (so that NA + n stays NA)."""
    out = counts.copy()
    for c in (*COUNT_FIELDS, "serving_pe_art"):
        if c in out.columns:
            out[c] = out[c].astype("Float64").round().astype("Int64") if len(out) else out[c].astype("Int64")
        else:
            out[c] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out.reset_index(drop=True)

