"""Demo county generator (示例县数据生成器).

Writes the raw Excel workbooks of a fictional but realistic 抚顺县 for the reporting periods
2019, 2020 and 2021 into ``data/raw/demo/``: eight towns and townships, about 35 schools of
every type the assessment distinguishes, falling rural enrolment, the plan's own shortfalls
(体育、音乐、美术 teachers, teaching area, sports halls, multimedia rooms, music/art rooms,
oversize classes) that shrink from 2020 to 2021, and the mess real workbooks carry (title rows,
merged cells, a 合计 row, full-width digits, stray spaces, 万元 beside 元, a duplicated school,
a blank required cell).

The output is reproducible byte for byte: a fixed seed drives a ``numpy.random.Generator`` per
period, and workbook timestamps and zip entry dates are fixed.

``python -m analysis.demo`` regenerates ``data/raw/demo``. Tests call :func:`write_demo`.

The raw layout written here is the contract that :mod:`analysis.ingest.rawdata` reads
(documented in ``docs/data.md``).
"""

from __future__ import annotations

import argparse
import io
import math
import re
import sys
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from analysis.config.county import NARRATIVE_DIR, county_yaml_text
from analysis.paths import DEMO_RAW_DIR
from analysis.schemas import TYPE_GRADES, stage_of_grade

COUNTY = "抚顺县"
PERIODS = ("2019", "2020", "2021")
DEFAULT_SEED = 20211231
TOWNS = ["石文镇", "后安镇", "救兵镇", "上马镇", "海浪乡", "峡河乡", "马圈子乡", "汤图乡"]

# Fixed workbook timestamp so that regenerating does not churn git.
_FIXED_STAMP = "2021-12-31T00:00:00Z"
_ZIP_DATE = (2021, 12, 31, 0, 0, 0)

GRADE_HEADERS = ["幼儿班", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级",
                 "七年级", "八年级", "九年级", "高一", "高二", "高三"]
# Per-student norms of public funds (元) used by the demo; written to 县级数据.
NORM = {"小学": 650.0, "初中": 850.0}
# Planted shortfalls, as multipliers of the standard (1.0 = exactly the standard), per period
# index (0 = 2019, 1 = 2020, 2 = 2021). Schools not named get a comfortable level.


@dataclass(frozen=True)
class DemoSchool:
    """One school (or campus) of the demo county and its planted profile."""

    key: str  # short stable key
    name: str
    town: str
    urban_rural: str
    school_type: str
    grades: tuple[int, ...]  # grades offered (0 = 幼儿班, 1–12)
    per_grade: float  # pupils per grade in 2019
    trend: float  # yearly change of enrolment (e.g. -0.06)
    public: bool = True
    boarding: bool = False
    village: bool = False
    parent: str | None = None  # key of the parent school for a 不计校数 campus
    # resource multipliers relative to the standard per period (L3, L4, L5, L6, L7)
    l3: tuple[float, float, float] = (1.3, 1.3, 1.3)
    l4: tuple[float, float, float] = (1.25, 1.25, 1.25)
    l5: tuple[float, float, float] = (1.3, 1.3, 1.3)
    l6: tuple[float, float, float] = (1.4, 1.4, 1.5)
    l7: tuple[float, float, float] = (1.3, 1.3, 1.4)
    has_gym: bool = False

    @property
    def base(self) -> str:
        """The key of the demo school this one copies (its own key for the 35 originals)."""
        return self.key.split("-")[0]


P = tuple(range(1, 7))
J = (7, 8, 9)
NINE = tuple(range(1, 10))

# Ordered so that a small county (write_demo(n_schools=12)) still has every planted case.
SCHOOLS: list[DemoSchool] = [
    DemoSchool("swzx", "石文镇中心小学", "石文镇", "镇区", "小学", (0, *P), 150, 0.01,
               l3=(0.2, 0.25, 1.0), l7=(0.8, 0.9, 1.2), has_gym=True),
    DemoSchool("hazx", "后安镇中心小学", "后安镇", "镇区", "小学", P, 70, -0.03),
    DemoSchool("hanx", "后安镇中心小学南校区", "后安镇", "乡村", "小学", (1, 2, 3), 16, -0.05,
               parent="hazx"),
    DemoSchool("jbjy", "救兵镇九年一贯制学校", "救兵镇", "乡村", "九年一贯制", NINE, 40, -0.05,
               boarding=True, l5=(0.8, 0.82, 1.1), l7=(0.7, 0.8, 1.2)),
    DemoSchool("swcz", "石文镇初级中学", "石文镇", "镇区", "初中", J, 200, 0.01,
               l4=(0.85, 0.9, 1.1), has_gym=True),
    DemoSchool("swwq", "抚顺县石文中学", "石文镇", "镇区", "完全中学", (*J, 10, 11, 12), 120, 0.0,
               has_gym=True),
    DemoSchool("tjxx", "抚顺县特殊教育学校", "石文镇", "镇区", "特殊教育学校", NINE, 8, 0.0),
    DemoSchool("ycxx", "抚顺县育才学校", "石文镇", "镇区", "九年一贯制", NINE, 30, 0.02,
               public=False, boarding=True),
    DemoSchool("smcz", "上马镇中学", "上马镇", "镇区", "初中", J, 55, -0.04,
               l3=(0.45, 0.5, 0.75)),
    DemoSchool("hajx", "后安镇富家教学点", "后安镇", "乡村", "教学点", (1, 2, 3, 4), 15, -0.04,
               village=True),
    DemoSchool("jbjd", "救兵镇王木教学点", "救兵镇", "乡村", "教学点", (1, 2, 3), 9, -0.08,
               village=True),
    DemoSchool("mqzx", "马圈子乡中心小学", "马圈子乡", "乡村", "小学", P, 35, -0.05),
    DemoSchool("hlyg", "海浪乡九年一贯制学校", "海浪乡", "乡村", "九年一贯制", NINE, 25, -0.06,
               boarding=True, l5=(0.78, 0.8, 1.0)),
    DemoSchool("hacz", "后安镇中学", "后安镇", "镇区", "初中", J, 80, -0.03,
               l5=(0.7, 0.72, 1.15)),
    DemoSchool("sw2x", "石文镇第二小学", "石文镇", "镇区", "小学", P, 90, 0.0, has_gym=True),
    DemoSchool("swdc", "石文镇东村小学", "石文镇", "乡村", "小学", P, 15, -0.05, village=True),
    DemoSchool("swxc", "石文镇西岔小学", "石文镇", "乡村", "小学", P, 13, -0.06, village=True),
    DemoSchool("hadc", "后安镇大堡村小学", "后安镇", "乡村", "小学", P, 14, -0.06, village=True),
    DemoSchool("jbzx", "救兵镇中心小学", "救兵镇", "乡村", "小学", P, 30, -0.05,
               l7=(0.6, 0.7, 1.1)),
    DemoSchool("jbcx", "救兵镇马郡村小学", "救兵镇", "乡村", "小学", P, 12, -0.07, village=True),
    DemoSchool("smzx", "上马镇中心小学", "上马镇", "镇区", "小学", P, 50, -0.04,
               l7=(0.75, 0.85, 1.2)),
    DemoSchool("smcx", "上马镇营盘村小学", "上马镇", "乡村", "小学", P, 14, -0.06, village=True),
    DemoSchool("smjd", "上马镇甲帮教学点", "上马镇", "乡村", "教学点", (1, 2, 3), 8, -0.08,
               village=True),
    DemoSchool("smbx", "上马镇北沟村小学", "上马镇", "乡村", "小学", P, 12, -0.06, village=True),
    DemoSchool("hlcx", "海浪乡海浪村小学", "海浪乡", "乡村", "小学", P, 12, -0.07, village=True),
    DemoSchool("hljd", "海浪乡大甸教学点", "海浪乡", "乡村", "教学点", (1, 2, 3, 4), 14, -0.05,
               village=True),
    DemoSchool("xhzx", "峡河乡中心小学", "峡河乡", "乡村", "小学", P, 30, -0.05,
               l4=(0.9, 0.95, 1.1)),
    DemoSchool("xhcz", "峡河乡中学", "峡河乡", "乡村", "初中", J, 35, -0.05, boarding=True,
               l7=(0.7, 0.8, 1.1)),
    DemoSchool("xhcx", "峡河乡三块石村小学", "峡河乡", "乡村", "小学", P, 12, -0.07, village=True),
    DemoSchool("mqcz", "马圈子乡中学", "马圈子乡", "乡村", "初中", J, 40, -0.05, boarding=True,
               l4=(0.78, 0.8, 1.2), l6=(0.9, 0.95, 1.3)),
    DemoSchool("mqcx", "马圈子乡东山村小学", "马圈子乡", "乡村", "小学", P, 13, -0.06, village=True),
    DemoSchool("mqnx", "马圈子乡南沟村小学", "马圈子乡", "乡村", "小学", P, 11, -0.07, village=True),
    DemoSchool("ttyg", "汤图乡九年一贯制学校", "汤图乡", "乡村", "九年一贯制", NINE, 28, -0.06,
               boarding=True, l6=(0.7, 0.75, 1.2)),
    DemoSchool("ttjd", "汤图乡后堡教学点", "汤图乡", "乡村", "教学点", (1, 2, 3), 7, -0.08,
               village=True),
    DemoSchool("ttcx", "汤图乡英额门村小学", "汤图乡", "乡村", "小学", P, 12, -0.07, village=True),
]

# Standards used only to size the demo's resources (the engine reads standards.yaml).
_STD = {"L4": {"小学": 4.5, "初中": 5.8}, "L5": {"小学": 7.5, "初中": 10.2},
        "L6": {"小学": 2000, "初中": 2500}, "L7": {"小学": 2.3, "初中": 2.4}}


#: the most schools a demo county can have: codes 2104210001 … 2104219999
MAX_SCHOOLS = 9999


def _code(i: int) -> str:
    """The 10-digit 学校标识码 of the i-th school (2104210001 …; up to 9 999 schools)."""
    return f"210421{i + 1:04d}"


# Town names of the copies of a large county (write_demo(n_schools > 35)): each round of copies
# gets 8 new towns, one per original town (a 镇 stays a 镇, a 乡 a 乡).
_TOWN_FIRST = "东西南北新大小高长青白红黄金清太"
_TOWN_SECOND = "河山岭沟岗堡台甸营屯"


def _copy_town(town: str, k: int) -> str:
    """The town of round ``k`` (1, 2, …) standing for the original ``town``."""
    j = (k - 1) * len(TOWNS) + TOWNS.index(town)
    stem = _TOWN_FIRST[j % len(_TOWN_FIRST)] + _TOWN_SECOND[(j // len(_TOWN_FIRST)) % len(_TOWN_SECOND)]
    rounds = j // (len(_TOWN_FIRST) * len(_TOWN_SECOND))
    return stem + (str(rounds + 1) if rounds else "") + town[-1]


def _copy(s: DemoSchool, k: int, rng: np.random.Generator) -> DemoSchool:
    """Copy ``k`` of the demo school ``s``: a new town (and name), its size scaled by a factor in
    [0.6, 1.4], its yearly trend shifted a little and its resource multipliers scaled by one
    factor ~ N(1, 0.05) of the school (the same in every period, so the copy stays consistent)."""
    town = _copy_town(s.town, k)
    stem, new_stem = s.town[:-1], town[:-1]
    if s.town in s.name:
        name = s.name.replace(s.town, town)
    elif stem in s.name:
        name = s.name.replace(stem, new_stem)
    else:  # 抚顺县特殊教育学校 → 抚顺县东河特殊教育学校
        name = s.name.replace(COUNTY, COUNTY + new_stem, 1)
    size = float(rng.uniform(0.6, 1.4))
    trend = float(s.trend + rng.normal(0, 0.01))
    res = float(np.clip(rng.normal(1.0, 0.05), 0.85, 1.15))

    def vary(m: tuple[float, float, float]) -> tuple[float, float, float]:
        return tuple(round(x * res, 4) for x in m)

    return replace(s, key=f"{s.key}-{k}", name=name, town=town, per_grade=round(s.per_grade * size, 2),
                   trend=round(trend, 4), parent=None if s.parent is None else f"{s.parent}-{k}",
                   l3=vary(s.l3), l4=vary(s.l4), l5=vary(s.l5), l6=vary(s.l6), l7=vary(s.l7))


def county_schools(n_schools: int | None = None, seed: int = DEFAULT_SEED) -> list[DemoSchool]:
    """The schools of a demo county of ``n_schools`` (None: the 35 of :data:`SCHOOLS`).

    Up to 35: the first n of :data:`SCHOOLS`. Beyond: :data:`SCHOOLS`, then rounds of copies of
    all 35 (round k in 8 new towns, campuses under the copy of their parent school) until there
    are n; every copy is varied by :func:`_copy` from ``seed``. A campus whose parent is not kept
    is dropped (so a county may have one school fewer than asked)."""
    n = len(SCHOOLS) if n_schools is None else int(n_schools)
    if not 1 <= n <= MAX_SCHOOLS:
        raise ValueError(f"n_schools 须为 1 到 {MAX_SCHOOLS} 的整数（10 位学校标识码）/ n_schools must be an "
                         f"integer from 1 to {MAX_SCHOOLS} (10-digit school codes), got {n_schools!r}")
    pool = list(SCHOOLS[:n])
    rng = np.random.default_rng([seed, 15])
    k = 0
    while len(pool) < n:
        k += 1
        pool += [_copy(s, k, rng) for s in SCHOOLS][: n - len(pool)]
    keys = {s.key for s in pool}
    return [s for s in pool if s.parent is None or s.parent in keys]


def _fw(text: str) -> str:
    """Full-width digits (全角数字), as some staff type them."""
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


class _County:
    """Everything generated for one period, as lists of rows with Chinese headers."""

    def __init__(self, schools: list[DemoSchool], period: str, seed: int, situation: str = "demo"):
        self.schools = schools
        self.period = period
        self.situation = situation
        self.t = int(period) - 2019
        self.rng = np.random.default_rng([seed, int(period)])
        # a school's position in the county (its code; the originals keep theirs)
        self.pos = {s.key: i for i, s in enumerate(schools)}
        self.codes = {s.key: _code(self.pos[s.key]) for s in schools}
        self.towns = list(dict.fromkeys([*TOWNS, *(s.town for s in schools)]))
        # county-level counts scale with the county (1 for the 35-school demo and smaller)
        self.scale = max(1.0, len(schools) / len(SCHOOLS))
        self.enrol: dict[str, dict[int, int]] = {}
        for s in schools:
            base = s.per_grade * (1 + s.trend) ** self.t
            counts = {}
            for g in s.grades:
                noise = self.rng.normal(1.0, 0.08)
                counts[g] = max(1, int(round(base * noise * (0.4 if g == 0 else 1.0))))
            self.enrol[s.key] = counts

    # ------------------------------------------------------------------ helpers
    def students(self, key: str, stages=("小学", "初中")) -> int:
        return sum(n for g, n in self.enrol[key].items() if stage_of_grade(g) in stages)

    def need(self, s: DemoSchool, ind: str) -> float:
        """Resource a school needs to meet indicator ``ind`` exactly (all its pupils)."""
        total = 0.0
        for g, n in self.enrol[s.key].items():
            st = "初中" if g >= 7 else "小学"
            total += n * _STD[ind][st]
        return total / (100.0 if ind == "L7" else 1.0)

    # ------------------------------------------------------------------ sheets
    def _special_funds(self) -> float:
        """The special school's public funds per pupil (元; the standard is 6,000): short until 2021,
        and still short in 2021 in a region county that fails on guarantee indicators."""
        return (5200.0, 5600.0, 5500.0 if self.situation == "guarantee" else 6300.0)[self.t]

    def school_list(self) -> list[list]:
        rows = []
        for s in sorted(self.schools, key=lambda s: self.towns.index(s.town)):
            rows.append([
                self.codes[s.key], s.name, s.town, s.urban_rural, s.school_type,
                "公办" if s.public else "民办", "县级教育部门" if s.public else "民办",
                "是" if s.boarding else "否",
                "是" if s.village else "否", "是" if s.parent else "否",
                self.codes[s.parent] if s.parent and s.parent in self.codes else None,
            ])
        return rows

    def enrolment(self) -> list[list]:
        """Pupils per grade; 0 (not blank) for a grade of the school's type without pupils —
        a blank cell inside the type's grades means "unknown" (docs/data.md)."""
        rows = []
        for s in self.schools:
            counts = self.enrol[s.key]
            type_grades = TYPE_GRADES[s.school_type]
            cells = [counts.get(g, 0 if g in type_grades else None) for g in range(13)]
            rows.append([self.codes[s.key], s.name, *cells, sum(counts.values())])
        return rows

    def classes(self) -> list[list]:
        rows = []
        for s in self.schools:
            for g, n in sorted(self.enrol[s.key].items()):
                cap = 45 if g <= 6 else 50
                if s.base == "swzx" and self.t < 2 and g in (1, 2, 3):
                    k = 3  # planted oversize classes (150 pupils in 3 classes)
                elif s.base == "swcz" and self.t < 2 and g == 7:
                    k = max(1, n // 52)
                else:
                    k = max(1, math.ceil(n / (cap - 8)))
                base, extra = divmod(n, k)
                for c in range(k):
                    size = base + (1 if c < extra else 0)
                    rows.append([self.codes[s.key], f"{g:02d}{c + 1:02d}", GRADE_HEADERS[g], size])
        return rows

    def teachers(self) -> list[list]:
        rows = []
        rng = self.rng
        serial = 0
        itinerant_from = {}
        for s in self.schools:
            stages = sorted({stage_of_grade(g) for g in self.enrol[s.key]},
                            key=["幼儿班", "小学", "初中", "高中"].index)
            for st in stages:
                n_st = sum(n for g, n in self.enrol[s.key].items() if stage_of_grade(g) == st)
                ratio = {"幼儿班": 15, "小学": 14, "初中": 11, "高中": 12}[st]
                if s.school_type == "特殊教育学校":
                    ratio = 3
                n_full = max(3 if s.school_type == "教学点" else 6, round(n_st / ratio))
                if st == "幼儿班":
                    n_full = max(2, round(n_st / ratio))
                arts_target = 0.0
                if st in ("小学", "初中"):
                    arts_target = n_st * 0.9 * s.l3[self.t] / 100.0
                n_arts = (max(1, math.floor(arts_target)) if s.l3[self.t] < 1
                          else math.ceil(arts_target))
                if s.village or s.school_type == "教学点":
                    n_arts = 0  # served by itinerant teachers from the town
                n_arts = min(n_arts, n_full - 1)
                backbone_need = math.ceil(n_st * 1.3 / 100.0) if st in ("小学", "初中") else 1
                for i in range(n_full + (1 if n_st > 150 else 0)):
                    serial += 1
                    full_time = i < n_full
                    if not full_time:
                        subject = "行政"
                    elif i < n_arts:
                        subject = ["体育", "音乐", "美术"][i % 3]
                    else:
                        subject = ["语文", "数学", "英语", "科学", "道德与法治", "信息技术"][i % 6]
                    if st == "幼儿班":
                        subject = "学前教育" if full_time else subject
                    p = rng.random()
                    if st == "初中" or st == "高中":
                        degree = "研究生" if p < 0.05 else ("本科" if p < 0.9 else "专科")
                    else:
                        degree = "本科" if p < 0.6 else ("专科" if p < 0.95 else "高中及以下")
                    backbone = "无"
                    if full_time and i >= n_arts and i - n_arts < backbone_need:
                        backbone = ["县级", "县级", "市级", "省级"][int(rng.integers(0, 4))]
                    cert = "是"
                    if self.t < 2 and full_time and serial % 97 == 5:
                        cert = "否"  # a few uncertified teachers until 2021
                    hours = float(rng.integers(365, 620))
                    if self.t < 2 and serial % 23 == 3:
                        hours = float(rng.integers(200, 350))  # training shortfall until 2021
                    eligible = rng.random() < 0.4
                    rotate_p = (0.07, 0.12, 0.15)[self.t]
                    rotated = eligible and rng.random() < rotate_p
                    if rotated and backbone == "无" and rng.random() < 0.3:
                        backbone = "县级"
                    rows.append([
                        f"JS{int(self.period) % 100:02d}{serial:04d}", self.codes[s.key], st,
                        degree, subject, "是" if full_time else "否", backbone, cert, hours,
                        "是" if eligible else "否", "是" if rotated else "否", None, None,
                        int(rng.integers(1964, 1999)),
                    ])
                if (st == "小学" and s.public and not s.village and s.parent is None
                        and s.school_type not in ("教学点", "特殊教育学校")):
                    itinerant_from.setdefault(s.town, self.codes[s.key])
        # itinerant PE/music/art teachers from the town centre to its village schools (走教)
        for s in self.schools:
            if (s.village or s.school_type == "教学点") and s.town in itinerant_from:
                for subject in ("体育", "音乐"):
                    serial += 1
                    rows.append([
                        f"JS{int(self.period) % 100:02d}{serial:04d}", itinerant_from[s.town], "小学",
                        "本科", subject, "是", "无", "是", float(rng.integers(365, 500)), "否", "否",
                        self.codes[s.key], "走教", int(rng.integers(1975, 1998)),
                    ])
        return rows

    def facilities(self) -> list[list]:
        rows = []
        for s in self.schools:
            f = {ind: self.need(s, ind) for ind in ("L4", "L5", "L6", "L7")}
            if s.school_type == "特殊教育学校":
                f = {k: v * 3 for k, v in f.items()}
            area = f["L4"] * s.l4[self.t] * self.rng.normal(1.0, 0.02)
            gym = round(f["L5"] * 0.12, 0) if s.has_gym or (s.l5[self.t] > 1 and s.l5[0] < 1) else 0.0
            # the statistics hold one figure, 室内体育用房, for both (docs/data.md): the gymnasium is the
            # indoor sports room counted in the teaching rooms
            indoor = gym
            ground = f["L5"] * s.l5[self.t] - gym
            equip_wan = round(f["L6"] * s.l6[self.t] * self.rng.normal(1.0, 0.02) / 10000.0, 4)
            mm = f["L7"] * s.l7[self.t]
            mm = math.floor(mm) if s.l7[self.t] < 1 else math.ceil(mm)
            rows.append([self.codes[s.key], s.name, round(area + indoor, 1), indoor,
                         round(ground, 1), gym, equip_wan, max(mm, 1)])
        return rows

    def special_rooms(self) -> list[list]:
        rows = []
        n_classes: dict[str, int] = {}
        for r in self.classes():
            n_classes[r[0]] = n_classes.get(r[0], 0) + 1
        # a region county that has caught up by 2021 (situations other than the bundled demo's):
        # one room more than its own classes need (a merged campus's classes count too)
        spare = 1 if self.situation != "demo" and self.t >= 2 else 0
        for s in self.schools:
            if s.parent:
                continue
            code = self.codes[s.key]
            need = max(1, math.ceil(n_classes.get(code, 1) / 12)) + spare
            for room, area in (("音乐", 98.0), ("美术", 92.0)):
                k = need
                year = 2012 + self.pos[s.key] % 8
                if s.base == "swzx" and self.t < 2:
                    k = need - 1  # one music/art room short until 2021
                if s.base in ("jbjy", "xhzx") and room == "美术" and self.t < 2:
                    k = 0  # no art room until 2021
                for j in range(k):
                    a = area
                    if s.base == "mqzx" and room == "美术" and not spare:
                        a, year = 80.0, 2019  # too small, built after 2017: fails every year
                    rows.append([code, room, a + j, year])
        return rows

    def finance(self) -> list[list]:
        rows = []
        for s in self.schools:
            prim = self.students(s.key, ("小学", "幼儿班"))
            jun = self.students(s.key, ("初中",))
            funds = prim * NORM["小学"] + jun * NORM["初中"]
            if (s.village or s.school_type == "教学点") and prim + jun < 100:
                funds = 100 * NORM["小学"]
                if s.base == "hadc" and self.t < 2:
                    funds = 60 * NORM["小学"]  # underfunded small village school until 2021
            if s.school_type == "特殊教育学校":
                funds = self._special_funds() * (prim + jun)
            budget = round(funds * 1.15, 0)
            share = 0.06 if not (self.t < 2 and self.pos[s.key] % 7 == 2) else 0.035
            rows.append([self.codes[s.key], s.name, round(funds, 0), budget,
                         round(budget * share, 0)])
        return rows

    def catchment(self) -> list[list]:
        rows = []
        for s in self.schools:
            for st, first in (("小学", 1), ("初中", 7)):
                n = self.enrol[s.key].get(first)
                if n is None or s.parent:
                    continue
                inside = n
                if s.base == "swcz" and self.t < 2:
                    inside = int(n * 0.93)
                rows.append([self.codes[s.key], st, n, inside])
        return rows

    def quota(self) -> list[list]:
        rows = []
        share = (0.45, 0.52, 0.56)[self.t]
        for s in self.schools:
            grads = self.enrol[s.key].get(9)
            if grads is None or s.school_type == "特殊教育学校":
                continue
            tilt = 1.3 if s.urban_rural == "乡村" else 0.9
            rows.append([self.codes[s.key], grads, int(round(grads * 0.4 * share * tilt))])
        return rows

    def quota_total(self) -> float:
        grads = sum(self.enrol[s.key].get(9, 0) for s in self.schools
                    if s.school_type != "特殊教育学校")
        return float(round(grads * 0.4))

    def ratings(self) -> list[list]:
        rows = []
        for s in self.schools:
            if s.parent:
                continue
            i = self.pos[s.key]
            weak = self.t < 2 and i % 6 == 4
            rows.append([self.codes[s.key], "是", "否" if weak and self.t == 0 else "是",
                         "合格" if weak else "良好", "优秀" if i % 3 == 0 else "良好",
                         "合格" if weak and self.t == 0 else "良好"])
        return rows

    def homework(self) -> list[list]:
        rows = []
        for s in self.schools:
            if s.parent or s.school_type == "特殊教育学校":
                continue
            for g in sorted(self.enrol[s.key]):
                if not 1 <= g <= 9:
                    continue
                if g <= 2:
                    minutes = 10.0 if (s.base == "swzx" and self.t < 2) else 0.0
                elif g <= 6:
                    minutes = round(float(self.rng.uniform(35, 58)), 1)
                else:
                    minutes = round(float(self.rng.uniform(60, 88)), 1)
                rows.append([self.codes[s.key], GRADE_HEADERS[g],
                             max(1, int(self.enrol[s.key][g] * 0.8)), minutes])
        return rows

    def monitoring(self) -> list[list]:
        diff = (0.17, 0.16, 0.12)[self.t]
        return [["数学", 4, "Ⅲ级", 0.11], ["数学", 8, "Ⅲ级", diff],
                ["体育与健康", 4, "Ⅳ级", 0.09], ["体育与健康", 8, "Ⅲ级", 0.12]]

    def monitoring_scores(self) -> list[list]:
        rows = []
        for s in self.schools:
            if s.parent or s.school_type == "特殊教育学校":
                continue
            shift = float(self.rng.normal(0, 6))
            for g in (4, 8):
                if g not in self.enrol[s.key]:
                    continue
                for k in range(4):
                    rows.append([f"S{self.codes[s.key][-4:]}{g}{k}", self.codes[s.key], "数学", g,
                                 round(float(np.clip(self.rng.normal(72 + shift, 10), 0, 100)), 1)])
        return rows

    def satisfaction(self) -> list[list]:
        rate = (0.80, 0.83, 0.89)[self.t]
        rows = []
        sizes = {"学生": 400, "家长": 600, "教师": 200, "校长": 30, "人大代表": 20, "政协委员": 20,
                 "其他群众": 100}
        for kind, scale in (("问卷调查", 1.0), ("实地走访", 0.1)):
            for group, n in sizes.items():
                n = max(5, int(n * scale))
                r = float(np.clip(rate + self.rng.normal(0, 0.02), 0, 1))
                sat = int(round(n * r * 0.6))
                fairly = int(round(n * r)) - sat
                rest = n - sat - fairly
                neutral = int(round(rest * 0.6))
                low = int(round(rest * 0.3))
                # questionnaires issued: about 5% more than came back valid; none for field visits
                issued = n + math.ceil(n * 0.05) if kind == "问卷调查" else None
                rows.append([kind, group, sat, fairly, neutral, low, rest - neutral - low, issued])
        return rows

    def county_items(self) -> list[list]:
        t = self.t
        special = [s for s in self.schools if s.school_type == "特殊教育学校"]
        sp_students = sum(self.students(s.key) for s in special)
        sp_funds = sum(self._special_funds() * self.students(s.key) for s in special)
        g7 = sum(self.enrol[s.key].get(7, 0) for s in self.schools)
        k = self.scale  # a large county (copies) has proportionally more of every county count

        def n(x: float) -> float:
            return float(round(x * k))

        regular, home = n((60, 62, 66)[t]), n((8, 10, 12)[t])
        enrolled = sp_students + regular + home
        # the demo's rate of enrolled disabled children, 92.7% / 96.7% / 96.8% (see below)
        school_age = (150.0, 152.0, 156.0)[t] if k == 1 else float(round(enrolled / (0.927, 0.967, 0.968)[t]))
        if self.situation != "demo" and t >= 2:
            # a region county's special school's pupils vary with its seed: 97% enrolled in 2021
            school_age = float(math.ceil(enrolled / 0.97))
        yes = "是"
        att = [
            ["G1_layout", "规划布局合理（认定）", None, None, yes, "《抚顺县义务教育学校布局规划（2019—2025）》"],
            ["G2_building", "城乡建设标准统一（认定）", None, None, yes, "县政府办文件"],
            ["G2_staffing", "城乡教师编制标准统一（认定）", None, None, yes, "编办核编文件"],
            ["G2_funding", "城乡生均公用经费基准定额统一（认定）", None, None, yes, "财政局文件"],
            ["G2_equipment", "城乡基本装备配置标准统一（认定）", None, None, yes, "装备配置标准"],
            ["G8_performance_pay", "足额核定教师绩效工资总量（认定）", None, None,
             "否" if t == 0 else yes, "人社局绩效工资核定表"],
            ["G10_post_allocation", "统筹分配各校教职工编制和岗位（认定）", None, None, yes, "县管校聘方案"],
            ["G15_care_system", "留守儿童关爱体系健全（认定）", None, None, yes, "民政局关爱服务台账"],
        ]
        nums = [
            ["norm_per_student_primary", "小学生均公用经费基准定额", NORM["小学"], "元"],
            ["norm_per_student_junior", "初中生均公用经费基准定额", NORM["初中"], "元"],
            ["special_school_public_funds", "特殊教育学校全年公用经费", float(sp_funds), "元"],
            ["special_school_students", "特殊教育学校在校生数", float(sp_students), "人"],
            ["teacher_avg_pay", "教师年平均工资收入",
             (78000.0, 86000.0, 88200.0 if self.situation == "guarantee" else 90500.0)[t], "元"],
            ["civil_servant_avg_pay", "当地公务员年平均工资收入", (81000.0, 85500.0, 89800.0)[t], "元"],
            ["quota_total_places", "优质高中招生总名额", self.quota_total(), "个"],
            ["migrant_eligible", "符合条件的随迁子女数", n(420), "人"],
            ["migrant_in_public_or_bought", "在公办学校和政府购买服务的民办学校就读的随迁子女数",
             float(round(n(420) * (0.82, 0.88, 0.92)[t])), "人"],
            ["migrant_in_public", "其中：在公办学校就读的随迁子女数",
             float(round(n(420) * (0.82, 0.88, 0.92)[t])) - n((20, 22, 24)[t]), "人"],
            ["migrant_in_bought", "其中：在政府购买服务的民办学校就读的随迁子女数", n((20, 22, 24)[t]), "人"],
            ["retention_grade7_3y_ago", "三年前初一年级在校生数", float(round(g7 * 1.08)), "人"],
            ["retention_graduates", "本年初中毕业生数",
             float(round(g7 * 1.08 * (0.925, 0.955, 0.968)[t])), "人"],
            ["retention_transfer_in", "三年内转入人数", n(12), "人"],
            ["retention_transfer_out", "三年内转出人数", n(15), "人"],
            ["retention_deaths", "三年内死亡人数", 1.0, "人"],
            # enrolled ≤ school-age every year: 2019 (71+60+8)/150 = 92.7% (fails 95%),
            # 2020 (75+62+10)/152 = 96.7%, 2021 (73+66+12)/156 = 96.8%
            ["disabled_school_age", "适龄残疾儿童少年数", school_age, "人"],
            ["disabled_enrolled_special", "特殊教育学校就读", float(sp_students), "人"],
            ["disabled_enrolled_regular", "随班就读", regular, "人"],
            ["disabled_enrolled_home", "送教上门", home, "人"],
        ]
        return att + [[c, label, v, u, None, None] for c, label, v, u in nums]


# ---------------------------------------------------------------------------- workbook layout
SHEET_HEADERS: dict[tuple[str, str], list[str]] = {
    ("学校基本情况", "学校名录"): ["学校标识码", "学校名称", "所在乡镇", "城乡分类", "办学类型",
                                   "办学性质", "举办者类型", "寄宿制学校", "村小学", "不计校数", "所属学校标识码"],
    ("学校基本情况", "在校生"): ["学校标识码", "学校名称", *GRADE_HEADERS, "合计"],
    ("学校基本情况", "班级"): ["学校标识码", "班级编号", "年级", "班额"],
    ("教职工花名册", "教职工"): ["教师编号", "学校标识码", "任教学段", "最高学历", "任教学科",
                                 "专任教师", "骨干教师级别", "教师资格证", "近五年培训学时",
                                 "符合交流轮岗条件", "本年度已交流轮岗", "服务学校标识码", "服务方式",
                                 "出生年份"],
    ("办学条件", "校舍场地装备"): ["学校标识码", "学校名称", "教学及辅助用房面积（平方米）",
                                   "其中：室内体育用房面积（平方米）", "体育运动场地面积（平方米）",
                                   "体育馆面积（平方米）", "教学仪器设备值（万元）", "网络多媒体教室（间）"],
    ("办学条件", "专用教室"): ["学校标识码", "教室类型", "使用面积（平方米）", "建成年份"],
    ("经费", "学校经费"): ["学校标识码", "学校名称", "全年拨付公用经费（元）", "年度公用经费预算总额（元）",
                           "教师培训经费（元）"],
    ("招生与升学", "划片入学"): ["学校标识码", "学段", "招生数", "其中：划片范围内入学人数"],
    ("招生与升学", "名额分配"): ["学校标识码", "初中毕业生数", "分配优质高中名额"],
    ("督导与质量", "学校评级"): ["学校标识码", "学校章程", "管理与教学信息化", "信息化教学应用",
                                 "德育与校园文化", "课程与教学秩序"],
    ("督导与质量", "课业负担"): ["学校标识码", "年级", "有效问卷数", "日均书面作业时间（分钟）"],
    ("督导与质量", "质量监测"): ["监测学科", "监测年级", "学业水平等级", "校际差异率"],
    ("督导与质量", "监测成绩"): ["学生编号", "学校标识码", "学科", "年级", "成绩"],
    ("社会认可度调查", "调查结果"): ["调查方式", "调查对象", "满意", "比较满意", "一般", "不太满意",
                                     "不满意", "问卷发放数"],
    ("县级数据", "县级数据项"): ["数据项代码", "数据项名称", "数值", "单位", "认定", "佐证材料"],
}

SHEET_TITLES: dict[tuple[str, str], tuple[str, str | None]] = {
    ("学校基本情况", "学校名录"): ("{county}{period}年义务教育学校名录", "填报单位：{county}教育局"),
    ("学校基本情况", "在校生"): ("{county}{period}年在校生分年级统计", "单位：人"),
    ("教职工花名册", "教职工"): ("{county}{period}年教职工花名册", None),
    ("办学条件", "校舍场地装备"): ("{county}{period}年办学条件统计表", "单位：平方米、万元、间"),
    ("经费", "学校经费"): ("{county}{period}年学校经费", "单位：元"),
    ("督导与质量", "学校评级"): ("{county}{period}年学校督导评估评级", None),
    ("县级数据", "县级数据项"): ("{county}{period}年县级数据项", None),
}


def _sheet_rows(c: _County) -> dict[tuple[str, str], list[list]]:
    return {
        ("学校基本情况", "学校名录"): c.school_list(),
        ("学校基本情况", "在校生"): c.enrolment(),
        ("学校基本情况", "班级"): c.classes(),
        ("教职工花名册", "教职工"): c.teachers(),
        ("办学条件", "校舍场地装备"): c.facilities(),
        ("办学条件", "专用教室"): c.special_rooms(),
        ("经费", "学校经费"): c.finance(),
        ("招生与升学", "划片入学"): c.catchment(),
        ("招生与升学", "名额分配"): c.quota(),
        ("督导与质量", "学校评级"): c.ratings(),
        ("督导与质量", "课业负担"): c.homework(),
        ("督导与质量", "质量监测"): c.monitoring(),
        ("督导与质量", "监测成绩"): c.monitoring_scores(),
        ("社会认可度调查", "调查结果"): c.satisfaction(),
        ("县级数据", "县级数据项"): c.county_items(),
    }


def _plant_mess(sheets: dict[tuple[str, str], list[list]]) -> None:
    """The planted data problems (每期相同). docs/data.md lists them; tests check each one."""
    schools = sheets[("学校基本情况", "学校名录")]
    # a duplicated school: the second school's row repeated at the end
    if len(schools) > 1:
        schools.append(list(schools[1]))
    # stray spaces around a school name
    if len(schools) > 3:
        schools[3][1] = f" {schools[3][1]}  "
    # full-width digits in two pupil counts
    enrol = sheets[("学校基本情况", "在校生")]
    for r in enrol[:2]:
        for gi in range(2, 2 + 13):
            if isinstance(r[gi], int):
                r[gi] = _fw(str(r[gi]))
                break
    # a blank required cell: the subject of the first staff member who is not a full-time teacher
    # (listed as missing; it decides no indicator, so the demo's verdicts do not hinge on it)
    teachers = sheets[("教职工花名册", "教职工")]
    part_time = [r for r in teachers if r[5] == "否"]
    if part_time:
        part_time[0][4] = None


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite an xlsx with fixed timestamps (core properties and zip entry dates)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + _FIXED_STAMP.encode() + rb"\g<3>", content)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, content)
    return out.getvalue()


def _write_workbook(path: Path, sheets: list[tuple[str, list[str], list[list], tuple | None]],
                    period: str, merge_town: bool = False, county: str = COUNTY) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "analysis.demo"
    wb.properties.lastModifiedBy = "analysis.demo"
    for sheet_name, headers, rows, title in sheets:
        ws = wb.create_sheet(sheet_name)
        r0 = 1
        ncol = len(headers)
        if title:
            main, sub = title
            ws.cell(1, 1, main.format(county=county, period=period))
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
            r0 = 2
            if sub:
                ws.cell(2, 1, sub.format(county=county, period=period))
                ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
                r0 = 3
        for j, h in enumerate(headers, start=1):
            ws.cell(r0, j, h)
        for i, row in enumerate(rows, start=r0 + 1):
            for j, v in enumerate(row, start=1):
                if v is not None:
                    ws.cell(i, j, v)
        if merge_town and sheet_name == "学校名录":
            # 所在乡镇 merged vertically over runs of schools of the same town (as staff do)
            col = headers.index("所在乡镇")
            i = 0
            while i < len(rows):
                k = i
                while k + 1 < len(rows) and rows[k + 1][col] == rows[i][col]:
                    k += 1
                if k > i:
                    for m in range(i + 1, k + 1):
                        ws.cell(r0 + 1 + m, col + 1).value = None
                    ws.merge_cells(start_row=r0 + 1 + i, start_column=col + 1,
                                   end_row=r0 + 1 + k, end_column=col + 1)
                i = k + 1
        for j in range(1, ncol + 1):
            ws.column_dimensions[get_column_letter(j)].width = 14
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue()))


WORKBOOKS = ["学校基本情况", "教职工花名册", "办学条件", "经费", "招生与升学", "督导与质量",
             "社会认可度调查", "县级数据"]
# sheets that end with a 合计 row (sums of their numeric columns)
_TOTAL_ROW_SHEETS = {("学校基本情况", "在校生"), ("办学条件", "校舍场地装备")}


def _total_row(headers: list[str], rows: list[list]) -> list:
    out: list = ["合计", None]
    for j in range(2, len(headers)):
        vals = [r[j] for r in rows if isinstance(r[j], (int, float))]
        out.append(round(sum(vals), 4) if vals else None)
    return out


def demo_facts(periods, plant_mess: bool = True, schools: list[DemoSchool] | None = None) -> dict[str, dict[str, float]]:
    """表Ⅰ's county facts of the demo county (invented, like all demo data): a slow growth per
    year. With ``plant_mess`` the first period leaves 农民年人均纯收入 blank (a missing fact).
    A large county (``schools`` more than the 35 of the demo) has its own number of towns and
    proportionally more people and villages."""
    scale = max(1.0, len(schools) / len(SCHOOLS)) if schools else 1.0
    towns = len({s.town for s in schools}) if scale > 1 else 8
    out = {}
    for i, period in enumerate(periods):
        k = int(str(period)[:4]) - 2019
        out[period] = {
            "population": round((20.57 - 0.11 * k) * scale, 2),
            "agricultural_population": round((13.86 - 0.21 * k) * scale, 2),
            "towns": towns, "villages": round(104 * scale), "gdp_per_capita": 41250 + 1830 * k,
            "fiscal_revenue_per_capita": 3820 + 140 * k, "rural_income_per_capita": 15630 + 910 * k,
            "urban_income_per_capita": 28450 + 1240 * k,
        }
        if plant_mess and i == 0:
            del out[period]["rural_income_per_capita"]
    return out


#: the demo county's own report sections (short samples, bannered as sample text); they cite the
#: period's figures by name ({{ 名称 }}, docs/narrative.md), so each period's report fills its own
_SAMPLE = "> **示例文字，非真实情况**。以下为示例县的示例文字，供县教育局撰写本节时参照。\n\n"
NARRATIVE: dict[str, str] = {
    "基本情况": _SAMPLE + (
        "{{ 县名 }}位于辽宁省东部，辖 8 个乡镇。全县共有小学 {{ 小学学校数 }} 所、九年一贯制学校\n"
        "{{ 九年一贯制学校数 }} 所、初中 {{ 初中学校数 }} 所、完全中学 {{ 完全中学学校数 }} 所，小学教学点\n"
        "{{ 教学点数 }} 个，特殊教育学校 {{ 特殊教育学校数 }} 所；普通中小学义务教育阶段在校生\n"
        "{{ 在校生总数 }} 人，专任教师 {{ 专任教师总数 }} 人。\n"),
    "主要做法和成效": _SAMPLE + (
        "一是补足音体美教师。通过招聘、交流轮岗和走教，小学每百名学生拥有体育、艺术专任教师数的差异系数\n"
        "为 {{ L3.小学.差异系数 }}，初中为 {{ L3.初中.差异系数 }}。\n\n"
        "二是推进教师交流轮岗。本年度交流轮岗教师 {{ G11.交流轮岗教师数 }} 名，占符合条件教师的\n"
        "{{ G11.交流轮岗比例 }}。\n\n"
        "三是提高社会认可度。问卷调查结果为：{{ S1.结果 }}。\n"),
    "存在问题": _SAMPLE + (
        "部分乡村学校音乐、美术专用教室面积不足，个别学校的体育运动场馆面积仍低于标准。\n"),
    "下一步打算": _SAMPLE + (
        "- 按整改方案，在申报前补齐专用教室和运动场馆的缺口；\n"
        "- 继续落实教师交流轮岗，巩固音体美教师配备成果。\n"),
}


def write_narrative(root: Path) -> None:
    """The demo county's sample sections in ``root/narrative/`` (UTF-8, LF line ends)."""
    folder = Path(root) / NARRATIVE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in NARRATIVE.items():
        (folder / f"{name}.md").write_bytes(text.encode("utf-8"))


#: the situations a region's demo counties take in turn (示例县1, 2, 3, … by :func:`write_demo_region`)
#: - ``pass``: the bundled county's history, caught up by 2021 (all 32 indicators pass in 2021);
#: - ``cv``: as ``pass``, but a third of the schools hold 6× the equipment standard (L6's CVs fail);
#: - ``guarantee``: as ``pass``, but in 2021 teachers earn less than civil servants (G8) and the
#:   special school's funds are below 6,000 元 per pupil (G7);
#: - ``demo``: the bundled demo county's own profile (L3 and G3 fail in 2021).
SITUATIONS = ("pass", "cv", "guarantee", "demo")
SITUATION_NAMES = {"pass": "2021年全部达标", "cv": "差异系数未达标", "guarantee": "政府保障程度未达标",
                   "demo": "资源配置与保障均有未达标"}


def _lift(values: tuple[float, float, float], floor: float = 1.1) -> tuple[float, float, float]:
    """A resource profile whose 2021 level is at least ``floor`` × the standard (earlier years kept)."""
    return (values[0], values[1], max(values[2], floor))


def _situation_schools(schools: list[DemoSchool], situation: str) -> list[DemoSchool]:
    if situation == "demo":
        return schools
    if situation not in SITUATIONS:
        raise ValueError(f"unknown demo situation {situation!r}; one of {', '.join(SITUATIONS)}")
    out = []
    for i, s in enumerate(schools):
        s = replace(s, l3=_lift(s.l3), l4=_lift(s.l4), l5=_lift(s.l5), l6=_lift(s.l6), l7=_lift(s.l7))
        if situation == "cv" and i % 3 == 0:
            s = replace(s, l6=(6.0, 6.0, 6.0))  # equipment far above the others: L6's CVs fail
        out.append(s)
    return out


def write_demo(root: Path, periods=PERIODS, seed: int = DEFAULT_SEED,
               n_schools: int | None = None, plant_mess: bool = True, *, county: str = COUNTY,
               situation: str = "demo") -> Path:
    """Write the demo county's raw workbooks under ``root`` and return ``root``.

    ``root/county.yaml``, ``root/narrative/<section>.md`` (sample sections) and
    ``root/<period>/<workbook>.xlsx``. ``n_schools`` up to 35 keeps
    only the first n schools of :data:`SCHOOLS`; more than 35 gives a large county whose extra
    schools are varied copies of the 35 (:func:`county_schools`), each the same school in every
    table and period. ``plant_mess=False`` leaves out the planted data problems (duplicate
    school, blank cell, full-width digits, padded name, merged cells and total rows), for a
    county with nothing to correct.
    """
    root = Path(root)
    schools = _situation_schools(county_schools(n_schools, seed), situation)
    root.mkdir(parents=True, exist_ok=True)
    periods = tuple(str(p) for p in periods)
    (root / "county.yaml").write_text(
        county_yaml_text(county, periods, demo=True, facts=demo_facts(periods, plant_mess, schools)),
        encoding="utf-8")
    write_narrative(root)
    for period in periods:
        data = _County(schools, period, seed, situation)
        sheets = _sheet_rows(data)
        if plant_mess:
            _plant_mess(sheets)
        pdir = root / period
        pdir.mkdir(parents=True, exist_ok=True)
        for wb_name in WORKBOOKS:
            parts = []
            for (w, s), rows in sheets.items():
                if w != wb_name:
                    continue
                headers = SHEET_HEADERS[(w, s)]
                rows = [list(r) for r in rows]
                if (w, s) in _TOTAL_ROW_SHEETS and plant_mess:
                    rows.append(_total_row(headers, rows))
                parts.append((s, headers, rows, SHEET_TITLES.get((w, s))))
            _write_workbook(pdir / f"{wb_name}.xlsx", parts, period,
                            merge_town=plant_mess and wb_name == "学校基本情况", county=county)
    return root


def region_county_name(k: int) -> str:
    """The name of the region's k-th demo county (1-based): 示例县k."""
    return f"示例县{k}"


def write_demo_region(root: Path, n_counties: int, periods=PERIODS, seed: int = DEFAULT_SEED,
                      n_schools: int | None = None, log=None) -> list[Path]:
    """Write ``n_counties`` demo counties (示例县1…N) under ``root``, one folder each, and return them.

    County k takes situation ``SITUATIONS[(k - 1) % 4]`` (pass, CVs fail, guarantee fails, the
    bundled demo's failures) and seed ``seed + k``, so the counties differ in their pupils,
    teachers and surveys and the region is the same at every call. Every county.yaml says
    ``demo: true``. Odd counties carry the planted data problems, even ones are clean.
    """
    if n_counties < 1:
        raise ValueError("n_counties must be at least 1")
    root = Path(root)
    out = []
    for k in range(1, n_counties + 1):
        name = region_county_name(k)
        situation = SITUATIONS[(k - 1) % len(SITUATIONS)]
        out.append(write_demo(root / name, periods, seed + k, n_schools, plant_mess=k % 2 == 1, county=name,
                              situation=situation))
        if log is not None:
            log(f"  {k}/{n_counties} {name}（{SITUATION_NAMES[situation]}）")
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.demo [--schools N] [--out DIR]``: the demo county's workbooks;
    ``--counties N --out DIR``: a demo region of N counties (示例县1…N) in DIR."""
    ap = argparse.ArgumentParser(
        prog="python -m analysis.demo",
        description="写出示例县的原始工作簿（示例数据，非真实统计）；--counties N --out DIR：写出 N 个示例县 / "
        "write the demo county's raw workbooks (not real statistics); --counties N --out DIR: a region of N demo counties")
    ap.add_argument("--counties", type=int, default=None, metavar="N",
                    help="示例县个数：在 --out 中写出 示例县1…N（有的达标，有的差异系数或政府保障程度未达标） / "
                    "number of demo counties written into --out (some pass, some fail on CVs or guarantee indicators)")
    ap.add_argument("--schools", type=int, default=None, metavar="N",
                    help="学校数；超过 35 所时复制并变化示例学校 / number of schools (more than 35: "
                         "varied copies of the demo schools); default: the 35 of the demo")
    ap.add_argument("--out", default=None, metavar="DIR",
                    help=f"输出文件夹 / output folder (default {DEMO_RAW_DIR}; with --schools: "
                         "data/raw/demo_<N>)")
    ap.add_argument("--periods", nargs="+", default=list(PERIODS), help="期次 / periods (default 2019 2020 2021)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    if args.schools is not None and not 1 <= args.schools <= MAX_SCHOOLS:
        ap.error(f"--schools 须为 1 到 {MAX_SCHOOLS} 的整数 / --schools must be from 1 to {MAX_SCHOOLS}")
    if args.counties is not None:
        return _main_region(ap, args)
    if args.out:
        out = Path(args.out)
    elif args.schools is None:
        out = DEMO_RAW_DIR
    else:  # never overwrite the bundled demo with another county
        out = DEMO_RAW_DIR.parent / f"demo_{args.schools}"
    write_demo(out, periods=args.periods, seed=args.seed, n_schools=args.schools)
    total = sum(p.stat().st_size for p in out.rglob("*.xlsx"))
    n = len(county_schools(args.schools, args.seed))
    print(f"示例数据已写入 / demo data written: {out} ({n} 所学校 / schools, {total / 1024:.0f} KB)")
    return 0


def _main_region(ap: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not args.out or args.counties < 1:
        ap.error("--counties N（N ≥ 1）须与 --out DIR 同用 / --counties N (N >= 1) needs --out DIR")
    out = Path(args.out).resolve()
    if out == DEMO_RAW_DIR.resolve() or DEMO_RAW_DIR.resolve() in out.parents:
        ap.error(f"不能写入内置示例数据目录 {out} / the bundled demo folder is not written")
    bad = [p for p in args.periods if not (p.isdigit() and len(p) == 4 and 2019 <= int(p) <= 2021)]
    if bad:
        ap.error(f"示例数据只有 2019–2021 年：{', '.join(bad)} / the demo covers 2019–2021 only")
    existing = [region_county_name(k) for k in range(1, args.counties + 1) if (out / region_county_name(k)).exists()]
    if existing:
        print(f"错误 / ERROR: {out} 中已有 {'、'.join(existing[:5])}{'…' if len(existing) > 5 else ''}，未覆盖 / "
              "already there, not overwritten", file=sys.stderr)
        return 2
    print(f"写出 {args.counties} 个示例县（示例数据，非真实统计） / writing {args.counties} demo counties: {out}",
          flush=True)
    write_demo_region(out, args.counties, tuple(args.periods), seed=args.seed, n_schools=args.schools,
                      log=lambda line: print(line, flush=True))
    print(f"完成 / done: {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
