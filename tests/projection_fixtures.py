"""Small hand-made counties for the projection, tasks and optimiser tests (issue #5)."""

from __future__ import annotations

import pandas as pd

from analysis import schemas


def school(code, school_type="小学", urban_rural="城区", name=None):
    return {"school_code": code, "school_name": name or f"学校{code}", "town": "甲镇",
            "urban_rural": urban_rural, "school_type": school_type, "is_public": True,
            "is_boarding": False, "is_village_school": False, "merged_campuses": None}


def teacher(tid, code, stage="小学", subject="语文", degree="本科", backbone="无", birth_year=1985,
            full_time=True):
    return {"teacher_id": tid, "school_code": code, "stage": stage, "degree": degree, "subject": subject,
            "full_time": full_time, "backbone_level": backbone, "has_certificate": True,
            "training_hours_5y": 400.0, "rotation_eligible": False, "rotated": False,
            "service_school_code": None, "service_mode": None, "birth_year": birth_year}


def facility(code, aux, ground, equip, mm, indoor=0.0, gym=0.0):
    return {"school_code": code, "teaching_aux_area_m2": aux, "indoor_sports_area_m2": indoor,
            "sports_ground_m2": ground, "gymnasium_m2": gym, "equipment_value_yuan": equip,
            "multimedia_classrooms": mm}


def grade_stage(g):
    return "小学" if g <= 6 else "初中"


def tables(schools, enrolment, teachers, facilities, class_size=40):
    """Validated processed tables. enrolment: {code: {grade: students}}; classes: ceil(n/size)."""
    e = pd.DataFrame([{"school_code": c, "stage": grade_stage(g), "grade": g, "students": n}
                      for c, d in enrolment.items() for g, n in d.items()])
    cls = []
    for c, d in enrolment.items():
        for g, n in d.items():
            k = -(-n // class_size)
            for i in range(k):
                cls.append({"school_code": c, "class_id": f"{g}-{i + 1}", "stage": grade_stage(g),
                            "grade": g, "size": n // k + (1 if i < n % k else 0)})
    t = {
        "schools": pd.DataFrame(schools),
        "enrolment": e,
        "classes": pd.DataFrame(cls),
        "teachers": pd.DataFrame(teachers),
        "facilities": pd.DataFrame(facilities),
        "special_rooms": pd.DataFrame([{"school_code": s["school_code"], "room_type": rt,
                                        "area_m2": 100.0, "build_year": 2015}
                                       for s in schools for rt in ("音乐", "美术")]),
    }
    return {k: schemas.validate(k, v) for k, v in t.items()}


def three_school_county() -> dict[str, pd.DataFrame]:
    """Three primary schools (城区, grade 1 only, so every resource share is 1):
    A 100 pupils, 400 m² of teaching rooms (L4 = 4.0); B 200 pupils, 1000 m² (5.0); C 100, 600 m² (6.0).
    The tables the example does not need are empty (their indicators are 无数据)."""
    t = tables([school("A"), school("B"), school("C")],
               {"A": {1: 100}, "B": {1: 200}, "C": {1: 100}},
               [teacher(f"T{i}", c) for i, c in enumerate("AABBBBC")],
               [facility("A", 400, 1000, 200000, 3), facility("B", 1000, 2000, 400000, 5),
                facility("C", 600, 1000, 200000, 3)])
    for name in ("finance", "catchment", "quota", "ratings", "homework", "monitoring", "monitoring_scores",
                 "satisfaction", "county_items", "data_quality", "quarantine"):
        t[name] = schemas.empty(name)
    return t
