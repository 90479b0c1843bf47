"""What the engine knows about its inputs beyond the values: rows kept aside by the cleaning.

A row the cleaning could not use (``quarantine``) that held data of a listed school makes that
school's table incomplete (``quarantine.incomplete``): every total built from that table for that
school is unknown, never the smaller sum of the rows that are left (indicators.md §6).
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd


def incomplete_schools(tables: Mapping[str, pd.DataFrame], table: str) -> set[str]:
    """Codes of the schools whose rows in ``table`` are incomplete (some were quarantined)."""
    q = tables.get("quarantine")
    if q is None or len(q) == 0 or not {"table", "school_code", "incomplete"} <= set(q.columns):
        return set()
    sel = q[(q["table"] == table) & q["incomplete"].fillna(False).astype(bool)]
    return set(sel["school_code"].dropna().astype(str))
