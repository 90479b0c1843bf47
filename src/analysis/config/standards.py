"""The standards file (评估标准): thresholds, ratios, responsible units and deadlines.

Every rule reads its numbers from here; nothing in the code repeats them.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from analysis.paths import STANDARDS_FILE


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_standards(path: str | Path | None = None) -> dict[str, Any]:
    """Read the standards file (default: the package's ``standards.yaml``).

    Returns a fresh nested dict; callers may modify it for a scenario without side effects.
    """
    return copy.deepcopy(_load(str(Path(path or STANDARDS_FILE).resolve())))


MIN_TARGET_YEAR = 2000


def target_year(standards: Mapping[str, Any], meta: Mapping[str, Any] | None = None) -> int:
    """The target year (目标年份) of the county's assessment.

    ``target_year`` of the county's ``county.yaml`` (``meta``, as ``runner.county_meta`` reads it)
    when it is set; otherwise the standards file's ``target_year`` (2022 in the bundled seed).
    Raises ``ValueError`` (Chinese + English, naming the file and the key) unless the value is an
    integer year ≥ 2000; a quoted year such as "2023" is accepted.
    """
    meta = meta or {}
    if meta.get("target_year") is not None:
        return _year(meta["target_year"], "county.yaml")
    return _year(standards.get("target_year"), "standards.yaml")


def _year(value: Any, source: str) -> int:
    year = None
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str) and value.strip().isdigit():
        year = int(value.strip())
    if year is None or year < MIN_TARGET_YEAR:
        raise ValueError(
            f"{source} 中的 target_year（目标年份）应为不早于 {MIN_TARGET_YEAR} 年的整数年份，如 target_year: 2022；"
            f"现为 {value!r}。 / target_year in {source} must be an integer year ≥ {MIN_TARGET_YEAR} "
            f"(e.g. target_year: 2022), got {value!r}."
        )
    return year


def resource_codes(standards: Mapping[str, Any] | None = None) -> list[str]:
    """The resource indicators' codes in the standards file's order (L1 … L7)."""
    standards = standards if standards is not None else load_standards()
    return list(standards["resources"]["indicators"])


def indicator_order(standards: Mapping[str, Any] | None = None) -> list[str]:
    """The 32 indicators' codes in the plan's order: resources, guarantee, quality, recognition."""
    standards = standards if standards is not None else load_standards()
    return [*resource_codes(standards), *(k for k in standards["guarantee"]),
            *(k for k in standards["quality"] if k != "ratings"), "S1"]


def teacher_codes(standards: Mapping[str, Any] | None = None) -> list[str]:
    """Resource indicators counted from each stage's own teachers (``basis: teachers``)."""
    standards = standards if standards is not None else load_standards()
    return [k for k, v in standards["resources"]["indicators"].items() if v.get("basis") == "teachers"]


def facility_codes(standards: Mapping[str, Any] | None = None) -> list[str]:
    """Resource indicators of the school's shared resources (``basis: facilities``)."""
    standards = standards if standards is not None else load_standards()
    return [k for k, v in standards["resources"]["indicators"].items() if v.get("basis") == "facilities"]


def period_year(period: str | int) -> int:
    try:
        return int(str(period)[:4])
    except ValueError as err:
        raise ValueError(
            f"报告期 “{period}” 无法识别为年份（应以四位年份开头）。 / period '{period}' must start with a year."
        ) from err


def teacher_count_rules(standards: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The rules that say which teachers count for L1–L3 (qualifying degrees, backbone levels,
    subjects, the small-rural relaxation's service modes): what the cleaning reads of the
    standards when it compares a roster with the counts form (part of the clean step's
    fingerprint; a changed threshold does not clean again)."""
    standards = standards if standards is not None else load_standards()
    ind = standards["resources"]["indicators"]
    relax = standards["resources"].get("small_rural_l3_relaxation") or {}
    return {"qualifying_degrees": ind["L1"]["qualifying_degrees"], "backbone_levels": ind["L2"]["backbone_levels"],
            "subjects": ind["L3"]["subjects"], "service_modes": relax.get("service_modes")}
