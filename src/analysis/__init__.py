"""县域义务教育优质均衡发展督导评估分析 — the analysts' toolkit.

Import what notebooks need from here, e.g. ``from analysis import weighted_cv, stage_shares``.
"""

__version__ = "0.1.0"
