"""The standards file (评估标准): thresholds, ratios, responsible units and deadlines.

Every rule reads its numbers from here; nothing in the code repeats them.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from analysis.config.models import Standards
from analysis.config.validation import read_yaml, validate
from analysis.errors import ConfigError
from analysis.paths import STANDARDS_FILE


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> dict[str, Any]:
    data = read_yaml(path, "评估标准文件 standards file")
    if not isinstance(data, dict):
        raise ConfigError(f"{path} 应为键值表（评估标准） / {path} must be a mapping (the standards)")
    return validate(Standards, data, path).model_dump(exclude_unset=True)


def load_standards(path: str | Path | None = None) -> dict[str, Any]:
    """Read and validate the standards file (default: the package's national ``standards.yaml``;
    ``config/models.Standards`` says what it may contain). A problem raises ConfigError naming the
    file, the key, the value and what is allowed.

    Returns a fresh nested dict; callers may modify it for a scenario without side effects.
    A county's own overrides are applied by :func:`analysis.config.county.standards_for`.
    """
    file = Path(path or STANDARDS_FILE).resolve()
    try:
        stamp = file.stat().st_mtime_ns
    except OSError:
        stamp = -1  # read_yaml names the missing file
    return copy.deepcopy(_load(str(file), stamp))


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


# ---------------------------------------------------------------- overrides (county.yaml)
def override_codes(path: str, standards: Mapping[str, Any]) -> list[str]:
    """The indicators whose standard an override of ``path`` changes (for the note beside it).

    ``resources.indicators.L3…`` → L3; ``guarantee.G5…`` → G5; ``quality.Q9…`` → Q9;
    ``quality.ratings`` → the rated Q indicators; ``recognition…`` → S1; the per-unit rule, the CV
    limits and the unit rules (``resources.*``, ``units.*``) → L1–L7; anything else → none.
    """
    parts = path.split(".")
    if parts[0] == "resources" and len(parts) > 2 and parts[1] == "indicators":
        return [parts[2]]
    if parts[0] == "resources" and parts[1:2] == ["small_rural_l3_relaxation"]:
        return [k for k in resource_codes(standards) if "subjects" in standards["resources"]["indicators"][k]]
    if parts[0] in ("resources", "units"):
        return resource_codes(standards)
    if parts[0] in ("guarantee", "quality") and len(parts) > 1:
        if parts[:2] == ["quality", "ratings"]:
            return [k for k, v in standards["quality"].items() if isinstance(v, dict) and "min_rating" in v]
        return [parts[1]]
    if parts[0] == "recognition":
        return ["S1"]
    return []


def override_note(item: Mapping[str, Any]) -> str:
    """``（本县调整 resources.indicators.L3.standard.小学：国家标准 0.9 → 1.0；依据：…）``"""
    return (f"（{item.get('origin', 'county.yaml')} 调整 {item['path']}：国家标准 {_shown(item.get('national'))} → "
            f"{_shown(item['value'])}；依据：{item['source']}）")


def overrides_by_code(standards: Mapping[str, Any]) -> dict[str, list[dict]]:
    """Each indicator's overrides (county.yaml ``overrides``, recorded by ``standards_for``)."""
    out: dict[str, list[dict]] = {}
    for item in standards.get("overrides") or []:
        for code in override_codes(str(item["path"]), standards):
            out.setdefault(code, []).append(dict(item))
    return out


def override_rows(items: Iterable[Mapping[str, Any]], standards: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per override (``standards["overrides"]`` items) for a table: 调整项 (the path),
    涉及指标 (:func:`override_codes`), 国家标准, 调整后, 依据, 所在文件."""
    return [{"调整项": str(item["path"]),
             "涉及指标": "、".join(override_codes(str(item["path"]), standards)) or "—",
             "国家标准": _shown(item.get("national")), "调整后": _shown(item.get("value")),
             "依据": str(item.get("source") or ""), "所在文件": str(item.get("origin") or "county.yaml")}
            for item in items]


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "、".join(f"{k} {_shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value)
    return "空" if value is None else f"{value}"
