"""What the standards file and county.yaml may contain (pydantic models).

Every key is declared with its type and range; an unknown key (a typo) is refused rather than
ignored. :func:`analysis.config.validation.validate` turns a failure into a message that names
the file, the key path, the value and what is allowed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)


def _whole_as_int(value: float) -> int | float:
    """2000.0 → 2000: a whole number reads as the file wrote it (2000元, not 2000.0元)."""
    return int(value) if float(value).is_integer() else value


#: a number (int or float in the file); one error message when it is not one
Number = Annotated[float, AfterValidator(_whole_as_int)]
PosFloat = Annotated[Number, Field(gt=0)]
NonNegFloat = Annotated[Number, Field(ge=0)]
Share = Annotated[Number, Field(gt=0, le=1)]  # a share or rate: 0 < x ≤ 1 (95% is 0.95)
PosInt = Annotated[int, Field(gt=0)]
NonNegInt = Annotated[int, Field(ge=0)]
Year = Annotated[int, Field(ge=2000, le=2100)]
Decimals = Annotated[int, Field(ge=0, le=6)]
Units = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """A section whose keys are all declared: an unknown key is an error."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- standards: units
class UnitRules(Strict):
    include_private: bool
    teaching_point_min_students: NonNegInt
    excluded_types: list[Text]
    split: dict[str, list[Text]]
    stage_weights: dict[str, dict[str, PosFloat]]
    kindergarten_weights: dict[str, PosFloat]
    kindergarten_reading: str = ""


# ---------------------------------------------------------------- standards: resources
class Relaxation(Strict):
    enabled: bool
    min_students: NonNegInt
    max_students: NonNegInt
    urban_rural: list[Text]
    service_modes: list[Text]

    @model_validator(mode="after")
    def _range(self) -> "Relaxation":
        if self.min_students > self.max_students:
            raise ValueError(f"min_students（{self.min_students}）应不大于 max_students（{self.max_students}）"
                             f" / min_students must not exceed max_students")
        return self


class ResourceIndicator(Strict):
    name: Text
    unit: Text
    per_hundred: bool
    basis: Literal["teachers", "facilities"]
    standard: dict[str, PosFloat]
    responsible: Units
    qualifying_degrees: dict[str, list[Text]] | None = None
    backbone_levels: list[Text] | None = None
    subjects: list[Text] | None = None


class Resources(Strict):
    min_met: Annotated[int, Field(ge=1)]
    floor_ratio: Share
    small_rural_l3_relaxation: Relaxation
    indicators: dict[str, ResourceIndicator]
    cv_limit: dict[str, Annotated[Number, Field(gt=0, lt=1)]]
    cv_decimals: Decimals
    mean_decimals: Decimals
    value_decimals: Decimals

    @model_validator(mode="after")
    def _min_met(self) -> "Resources":
        if self.min_met > len(self.indicators):
            raise ValueError(f"min_met（{self.min_met}）不能多于指标数 {len(self.indicators)} / "
                             f"min_met ({self.min_met}) exceeds the {len(self.indicators)} indicators")
        return self


# ---------------------------------------------------------------- standards: guarantee
class Indicator(Strict):
    """An indicator judged on evidence only (name and responsible units)."""

    name: Text
    responsible: Units


class G2(Indicator):
    items: list[Text]


class G3(Indicator):
    classes_per_room: PosInt
    min_area: dict[str, PosFloat]
    relaxed_before_year: Year
    relaxed_area_old: dict[str, PosFloat]
    small_rural_max_class_size: PosInt
    small_rural_area: dict[str, PosFloat]


class G4(Indicator):
    max_students: dict[str, PosInt]


class G5(Indicator):
    max_class_size: dict[str, PosInt]


class G6(Indicator):
    funded_students: PosInt


class G7(Indicator):
    min_per_student_yuan: PosFloat


class G9(Indicator):
    min_hours: PosFloat
    min_share: Share


class G11(Indicator):
    min_rotated_share: Share
    min_backbone_share: Share


class MinShare(Indicator):
    min_share: Share


class G13(Indicator):
    urban_rural: list[Text]
    min_share: dict[str, Share]
    entry_grade: dict[str, Annotated[int, Field(ge=1, le=9)]]


class G14(Indicator):
    min_share: Share
    graduating_grade: Annotated[int, Field(ge=1, le=9)]


class Guarantee(Strict):
    G1: Indicator
    G2: G2
    G3: G3
    G4: G4
    G5: G5
    G6: G6
    G7: G7
    G8: Indicator
    G9: G9
    G10: Indicator
    G11: G11
    G12: MinShare
    G13: G13
    G14: G14
    G15: MinShare


# ---------------------------------------------------------------- standards: quality, recognition
class MinRate(Indicator):
    min_rate: Share


class MinRating(Indicator):
    min_rating: Text


class Q8(Indicator):
    no_written_grades: list[Annotated[int, Field(ge=1, le=9)]]
    max_minutes: dict[str, PosFloat]


class Q9(Indicator):
    min_level: Annotated[int, Field(ge=1, le=4)]
    max_diff_rate: Share
    diff_rate_decimals: Decimals


class Quality(Strict):
    Q1: MinRate
    Q2: MinRate
    Q3: Indicator
    Q4: MinShare
    Q5: MinRating
    Q6: MinRating
    Q7: MinRating
    Q8: Q8
    Q9: Q9
    ratings: list[Text]

    @model_validator(mode="after")
    def _ratings(self) -> "Quality":
        for code in ("Q5", "Q6", "Q7"):
            level = getattr(self, code).min_rating
            if level not in self.ratings:
                raise ValueError(f"{code}.min_rating “{level}” 不在 ratings {self.ratings} 中 / "
                                 f"{code}.min_rating '{level}' is not one of ratings {self.ratings}")
        return self


class Recognition(Strict):
    name: Text
    min_rate: Share
    satisfied_levels: list[Text]
    levels: list[Text]
    groups: list[Text]
    group_weights: dict[str, NonNegFloat] | None = None
    responsible: Units


# ---------------------------------------------------------------- standards: timeline
class Phase(Strict):
    phase: Text
    start: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]
    end: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]


class Timeline(Strict):
    phases: list[Phase]
    application_deadline: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")]


class Override(Strict):
    """An override applied to the standards (recorded in them so that the reports can say so)."""

    path: Text
    national: Any = None
    value: Any
    source: Text
    origin: Text = "county.yaml"


class Standards(Strict):
    """The standards file (national default: ``config/standards.yaml``)."""

    target_year: Year
    stages: Annotated[list[Text], Field(min_length=1)]
    units: UnitRules
    resources: Resources
    guarantee: Guarantee
    quality: Quality
    recognition: Recognition
    timeline: Timeline
    overrides: list[Override] = []

    @model_validator(mode="after")
    def _stages(self) -> "Standards":
        stages = set(self.stages)
        per_stage = {f"resources.indicators.{k}.standard": v.standard for k, v in self.resources.indicators.items()}
        per_stage["resources.cv_limit"] = self.resources.cv_limit
        for key, mapping in per_stage.items():
            if set(mapping) != stages:
                raise ValueError(f"{key} 应对每个学段 {self.stages} 各给一个值，现为 {sorted(mapping)} / "
                                 f"{key} needs one value per stage {self.stages}, got {sorted(mapping)}")
        return self


# ---------------------------------------------------------------- county.yaml
#: ``demo:`` in county.yaml — accepted spellings (compared case-insensitively)
DEMO_TRUE = ("true", "yes", "on", "是")
DEMO_FALSE = ("false", "no", "off", "否")
#: 表Ⅰ 县域基本情况: (key, Chinese label, unit, decimals on the form)
FACTS = (
    ("population", "人口总数", "万人", 2),
    ("agricultural_population", "农业人口数", "万人", 2),
    ("towns", "乡镇数", "个", 0),
    ("villages", "行政村数", "个", 0),
    ("gdp_per_capita", "年人均国内生产总值", "元", 0),
    ("fiscal_revenue_per_capita", "年人均地方财政收入", "元", 0),
    ("rural_income_per_capita", "农民年人均纯收入", "元", 0),
    ("urban_income_per_capita", "城镇居民年人均可支配收入", "元", 0),
)


class Facts(Strict):
    """The county facts the application form's 表Ⅰ needs, for one period; each may be left out
    (blank on the form and listed), never read as zero. Chinese keys are accepted too."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    population: NonNegFloat | None = Field(None, alias="人口总数")
    agricultural_population: NonNegFloat | None = Field(None, alias="农业人口数")
    towns: NonNegInt | None = Field(None, alias="乡镇数")
    villages: NonNegInt | None = Field(None, alias="行政村数")
    gdp_per_capita: NonNegFloat | None = Field(None, alias="年人均国内生产总值")
    fiscal_revenue_per_capita: NonNegFloat | None = Field(None, alias="年人均地方财政收入")
    rural_income_per_capita: NonNegFloat | None = Field(None, alias="农民年人均纯收入")
    urban_income_per_capita: NonNegFloat | None = Field(None, alias="城镇居民年人均可支配收入")

    @model_validator(mode="after")
    def _agricultural(self) -> "Facts":
        if (self.population is not None and self.agricultural_population is not None
                and self.agricultural_population > self.population):
            raise ValueError(f"农业人口数（{self.agricultural_population}）不能多于人口总数（{self.population}） / "
                             "agricultural population exceeds the total population")
        return self


class CountyOverride(Strict):
    """One change to the standards, with its source (e.g. a province's stricter rule)."""

    path: Annotated[str, Field(pattern=r"^[^.\s]+(\.[^.\s]+)*$")] | None = None
    indicator: Annotated[str, Field(pattern=r"^[LGQ]\d{1,2}$|^S1$")] | None = None
    key: Text | None = None
    value: Any
    source: Text

    @model_validator(mode="after")
    def _where(self) -> "CountyOverride":
        if (self.path is None) == (self.indicator is None):
            raise ValueError("每条调整须给出 path（如 resources.indicators.L3.standard.小学），或 indicator 加 key "
                             "（如 indicator: L3, key: standard.小学），二者取一 / give either path or indicator "
                             "(with key)")
        if self.indicator is not None and self.key is None:
            raise ValueError("给出 indicator 时须同时给出 key（如 standard.小学） / indicator needs a key")
        if self.value is None:
            raise ValueError("value 不能为空 / value must not be empty")
        return self


class County(Strict):
    """``county.yaml`` in the county's data folder."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    county: Text | None = None
    organization: Text | None = Field(None, alias="编制单位")  # who compiles the reports (报告署名)
    demo: bool = False
    province: Text | None = None
    city: Text | None = None
    target_year: Year | None = None
    periods: list[Annotated[str, Field(pattern=r"^\d{4}$")]] | None = None
    facts: dict[Annotated[str, Field(pattern=r"^\d{4}$")], Facts] = {}
    responsible: dict[Annotated[str, Field(pattern=r"^[LGQ]\d{1,2}$|^S1$")], Units] = {}
    timeline: Timeline | None = None
    overrides: list[CountyOverride] = []

    @field_validator("demo", mode="before")
    @classmethod
    def _demo(cls, value: Any) -> bool:
        """true/false in the usual YAML spellings (any case, also quoted) and 是/否; empty = false.
        Anything else (1, "maybe", a date) is refused rather than guessed."""
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, str):
            word = value.strip().lower()
            if word in DEMO_TRUE:
                return True
            if word in DEMO_FALSE or word == "":
                return False
        raise ValueError("应为 true 或 false（或 是/否） / expected true or false (是/否)")

    @field_validator("county", mode="before")
    @classmethod
    def _name(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("periods", mode="before")
    @classmethod
    def _periods(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return value

    @field_validator("facts", mode="before")
    @classmethod
    def _fact_periods(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k) if isinstance(k, int) else k: v for k, v in value.items()}
        return value
