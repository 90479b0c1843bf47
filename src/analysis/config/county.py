"""The county's configuration file ``county.yaml`` (in the county's data folder, beside its data).

It holds the county's name, target year and periods, the county facts that the application
form's 表Ⅰ needs (per period), the responsible units of its plan (附件3), its own timeline, and
optional overrides of the national standards, each with its source::

    county: 某县
    demo: false
    target_year: 2022
    periods: ["2021"]
    facts:
      "2021": {人口总数: 20.51, 农业人口数: 12.3, 乡镇数: 9, 行政村数: 104, …}
    responsible:
      G8: [教育局, 财政局, 人社局]
    overrides:
      - indicator: L3
        key: standard.小学
        value: 1.0
        source: 某省实施细则（2019）第5条

``county_meta(data_dir)`` reads and validates it (``config/models.County``); every problem raises
:class:`analysis.errors.ConfigError` naming the file, the key, the value and what is allowed.
``standards_for(data_dir, standards_file)`` is the standards a county's run uses: the national
file (or ``--standards FILE``) with the county's overrides, responsible units and timeline
applied, and every override recorded under ``overrides`` so that the reports can state it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from analysis.config.models import DEMO_FALSE, DEMO_TRUE, FACTS, County, Standards  # noqa: F401
from analysis.config.standards import load_standards
from analysis.config.validation import format_errors, read_yaml, validate
from analysis.errors import ConfigError

#: the configuration file's name in the county's data folder
COUNTY_FILE = "county.yaml"
#: the folder of the county's own report sections (基本情况.md …), beside county.yaml
NARRATIVE_DIR = "narrative"

#: where an indicator's settings live in the standards file
SECTIONS = {"L": ("resources", "indicators"), "G": ("guarantee",), "Q": ("quality",)}


def demo_flag(value: object, source: str | Path = COUNTY_FILE) -> bool:
    """The ``demo:`` value of county.yaml as a bool (see ``models.County``); anything but
    true/false (是/否) raises ConfigError naming ``source``."""
    return validate(County, {"demo": value}, source).demo


def _model(data_dir: str | Path) -> tuple[County | None, Path]:
    path = Path(data_dir) / COUNTY_FILE
    if not path.is_file():
        return None, path
    data = read_yaml(path, "县配置文件 county file")
    if data is not None and not isinstance(data, dict):
        raise ConfigError(
            f"{path} 应为键值表（如 county: 某县, demo: true） / {path} must be a mapping "
            f"(e.g. county: name, demo: true), got {type(data).__name__}"
        )
    return validate(County, data or {}, path), path


def county_meta(data_dir: str | Path) -> dict:
    """``<data_dir>/county.yaml`` as a dict of the keys it sets (``county``, ``demo``: bool,
    ``target_year``, ``periods``, ``facts`` …); {} when the file is missing."""
    model, _ = _model(data_dir)
    if model is None:
        return {}
    meta = model.model_dump(exclude_unset=True)
    meta["demo"] = model.demo
    return meta


def narrative_files(data_dir: str | Path) -> list[Path]:
    """The files of the county's ``narrative/`` folder (its report sections), in name order."""
    folder = Path(data_dir) / NARRATIVE_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def is_demo_data(data_dir: str | Path) -> bool:
    """True when ``<data_dir>/county.yaml`` says ``demo: true``; a missing file means not demo."""
    return bool(county_meta(data_dir).get("demo"))


def county_facts(meta: dict, period: str) -> dict[str, Any]:
    """表Ⅰ's county facts for ``period``: every key of ``FACTS``, None where county.yaml has none."""
    given = (meta.get("facts") or {}).get(str(period)) or {}
    return {key: given.get(key) for key, *_ in FACTS}


def missing_facts(meta: dict, period: str) -> list[str]:
    """The Chinese labels of the county facts county.yaml does not give for ``period``."""
    facts = county_facts(meta, period)
    return [label for key, label, *_ in FACTS if facts[key] is None]


def _yaml_text(text: str) -> str:
    """``text`` as a YAML scalar: as it is when YAML reads it back unchanged as text (抚顺县), else
    double-quoted (a name with a colon, a ``#`` or quotes); empty for an empty name."""
    if not text:
        return ""
    try:
        plain = yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        plain = False
    return text if plain and "#" not in text else json.dumps(text, ensure_ascii=False)


def county_yaml_text(county: str, periods: list[str] | tuple[str, ...], *, demo: bool = False,
                     target_year: int | None = None, facts: dict[str, dict[str, Any]] | None = None) -> str:
    """A county.yaml for ``county`` with every section and Chinese comments: the facts of 表Ⅰ per
    period (blank = unknown, listed in the reports), and commented examples of ``responsible``,
    ``timeline`` and ``overrides``. Used by ``analysis template`` and the demo generator."""
    periods = [str(p) for p in periods]
    quoted = ", ".join(f'"{p}"' for p in periods)
    lines = [
        "# 本县配置（与本县数据放在同一文件夹）/ the county's configuration, beside its data",
        "# 以 UTF-8 编码保存。键名后的冒号为英文冒号，冒号后留一个空格。",
        f"county: {_yaml_text(county)}",
        f"编制单位: {_yaml_text(county + '教育局' if county else '')}            # 报告署名（编制单位） / "
        "who compiles the reports",
        f"demo: {'true' if demo else 'false'}            # true = 示例数据（报告加“示例数据”标识）",
        f"target_year: {int(target_year) if target_year else 2022}      # 目标年份（迎接国家认定的年份）",
        f"periods: [{quoted}]     # 本县的报告期（数据文件夹名，四位年份）",
        "",
        "# 申报表 表Ⅰ 县域基本情况（每期一组；不知道的留空，报告中列为缺失，绝不按 0 计）",
        *(["# 示例县的数值为虚构，非真实统计。"] if demo else []),
        "# 人口按常住人口，单位万人（两位小数）；其余为整数。",
        "facts:",
    ]
    for period in periods:
        given = (facts or {}).get(period) or {}
        lines.append(f'  "{period}":')
        for key, label, unit, decimals in FACTS:
            value = given.get(key)
            shown = "" if value is None else (f"{value:.{decimals}f}" if decimals else f"{int(round(value))}")
            lines.append(f"    {label}: {shown}".rstrip() + f"    # {unit}")
    lines += [
        "",
        "# 责任单位（本县实施方案附件3）：不填则用评估标准中的默认值。示例：",
        "# responsible:",
        "#   G8: [教育局, 财政局, 人社局]",
        "",
        "# 本县的时间安排（整改任务的完成时限）：不填则用评估标准中的默认值。示例：",
        "# timeline:",
        "#   application_deadline: \"2021-12\"",
        "#   phases:",
        "#     - {phase: 整改提升, start: \"2022-07\", end: \"2022-08\"}",
        "",
        "# 调整评估标准（如本省标准更严，或分析人员试算）：每条须写明依据，报告在该标准旁注明。示例：",
        "# overrides:",
        "#   - indicator: L3",
        "#     key: standard.小学",
        "#     value: 1.0",
        "#     source: 某省实施细则（2019）第5条",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- the standards of a county
def override_path(item: dict) -> str:
    """The dotted key path in the standards of one county.yaml override."""
    if item.get("path"):
        return str(item["path"])
    code, key = str(item["indicator"]), str(item["key"])
    section = ("recognition",) if code == "S1" else SECTIONS[code[0]] + ((code,))
    return ".".join((*section, key))


def _locate(standards: dict, path: str) -> tuple[dict, str] | None:
    node: Any = standards
    parts = path.split(".")
    for part in parts[:-1]:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if not isinstance(node, dict) or parts[-1] not in node:
        return None
    return node, parts[-1]


def standards_for(data_dir: str | Path | None = None, standards_file: str | Path | None = None) -> dict:
    """The standards a county's run uses: ``standards_file`` (default: the national
    ``config/standards.yaml``) with the overrides, responsible units and timeline of
    ``<data_dir>/county.yaml`` applied. Each override is recorded under ``overrides`` (path,
    national value, value, source) for the reports; the result is validated again."""
    standards = load_standards(standards_file)
    base_name = Path(standards_file).name if standards_file else "standards.yaml"
    for item in standards.get("overrides") or []:
        item.setdefault("origin", base_name)
    if data_dir is None:
        return standards
    model, path = _model(data_dir)
    if model is None:
        return standards
    changed = False
    for i, o in enumerate(model.overrides):
        key = override_path(o.model_dump())
        hit = _locate(standards, key)
        if hit is None:
            raise ConfigError(
                f"配置文件 {path}：overrides[{i}] 的键 {key} 在评估标准中不存在（写法如 "
                f"resources.indicators.L3.standard.小学，或 indicator: L3 加 key: standard.小学） / {path}: "
                f"overrides[{i}]: the standards have no key {key}")
        node, leaf = hit
        national = copy.deepcopy(node[leaf])
        node[leaf] = copy.deepcopy(o.value)
        standards.setdefault("overrides", []).append(
            {"path": key, "national": national, "value": o.value, "source": o.source, "origin": COUNTY_FILE})
        changed = True
    for code, units in model.responsible.items():
        if code == "S1":
            spec = standards["recognition"]
        else:
            hit = _locate(standards, ".".join((*SECTIONS[code[0]], code, "responsible")))
            if hit is None:
                raise ConfigError(f"配置文件 {path}：responsible 中的指标 {code} 不存在 / {path}: responsible: "
                                  f"no indicator {code}")
            spec = hit[0]
        spec["responsible"] = list(units)
        changed = True
    if model.timeline is not None:
        standards["timeline"] = model.timeline.model_dump()
        changed = True
    if changed:
        try:
            return validate(Standards, standards, path).model_dump(exclude_unset=True)
        except ConfigError as exc:
            raise ConfigError(f"{exc}\n  （按 {path} 的 overrides 调整后的评估标准 / the standards after the "
                              f"overrides of {path}）") from None
    return standards


__all__ = ["COUNTY_FILE", "FACTS", "NARRATIVE_DIR", "narrative_files", "county_facts", "county_meta", "county_yaml_text", "demo_flag", "format_errors",
           "is_demo_data", "missing_facts", "override_path", "standards_for"]
