"""Unit costs (单位成本, ``config/costs.yaml``): planning assumptions, not budget figures.

The file is checked on load (``CostsFile``): every unit cost is a number ≥ 0 in 元, and every
``indicator_cost`` item names a cost of the file. A problem raises ConfigError naming the file,
the key, the value and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, model_validator

from analysis.config.models import Number, Strict
from analysis.config.validation import read_yaml, validate
from analysis.paths import COSTS_FILE

Yuan = Annotated[Number, Field(ge=0)]


class TeacherCosts(Strict):
    hire_per_year: Yuan
    transfer: Yuan
    backbone_designation_per_year: Yuan


class BuildingCosts(Strict):
    teaching_aux_per_m2: Yuan
    sports_ground_per_m2: Yuan
    gymnasium_per_m2: Yuan


class EquipmentCosts(Strict):
    per_yuan: Yuan


class RoomCosts(Strict):
    multimedia_classroom: Yuan
    music_room: Yuan
    art_room: Yuan


class ClassCosts(Strict):
    split_class: Yuan


class IndicatorCost(Strict):
    item: Annotated[str, Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")]
    natural_unit: Annotated[str, Field(min_length=1)]
    recurring: bool


class CostsFile(Strict):
    currency: Annotated[str, Field(min_length=1)] = "元"
    assumption_note: str = ""
    teachers: TeacherCosts
    buildings: BuildingCosts
    equipment: EquipmentCosts
    rooms: RoomCosts
    classes: ClassCosts
    indicator_cost: dict[Annotated[str, Field(pattern=r"^L\d$")], IndicatorCost]

    @model_validator(mode="after")
    def _items_exist(self) -> "CostsFile":
        for code, spec in self.indicator_cost.items():
            group, name = spec.item.split(".")
            section = getattr(self, group, None)
            if not isinstance(section, Strict) or name not in type(section).model_fields:
                raise ValueError(f"indicator_cost.{code}.item “{spec.item}” 不是本文件中的成本项 / "
                                 f"indicator_cost.{code}.item '{spec.item}' is not a cost of this file")
        return self


def load_costs(path: str | Path | None = None) -> dict[str, Any]:
    """Unit costs (``costs.yaml``; planning assumptions), checked against ``CostsFile``."""
    p = Path(path) if path else COSTS_FILE
    return validate(CostsFile, read_yaml(p, "成本文件 costs file"), p).model_dump(exclude_unset=True)


def cost_of(costs: dict[str, Any], item: str) -> float:
    """A unit cost by dotted key, e.g. ``teachers.hire_per_year``."""
    node: Any = costs
    for part in item.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"成本文件缺少 “{item}”。 / costs.yaml has no '{item}'.")
        node = node[part]
    return float(node)
