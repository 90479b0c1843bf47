"""Many variants of one county in one engine run (e.g. the Monte Carlo draws of a projection).

``stack_copies(tables, n)`` returns the tables the resource engine reads (``schools``,
``enrolment``, ``teachers``, ``facilities``, ``quarantine``) repeated ``n`` times. Copy ``d`` has
its own school codes (``<code>#<d>``) in **every** column that holds a school code
(:data:`SCHOOL_CODE_COLUMNS`: also ``teachers.service_school_code`` for the small-rural L3
relaxation and ``quarantine.school_code`` for incomplete rosters), so the engine's lookups by
school code (facilities, roster, serving teachers, units) stay inside one copy. ``schools`` gets
two pass-through columns for ``build_units(keys=...)``: the copy number (``key``) and the
school's own code (:data:`ORIGINAL_CODE`). The caller then changes what differs between copies
(e.g. the students of ``enrolment``, whose rows are copy-major: copy d is rows d·m … d·m+m−1 in
the original order) and runs ``build_units`` → ``evaluate_resources`` → ``cv_table(by=[key])``
once for all copies: the same engine code as for one county.

The copied school codes are categorical with one shared set of categories (cheap to repeat, and
the engine's positional lookups use the categories only). A missing code stays missing.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

#: the columns holding a school code in the tables the resource engine reads
SCHOOL_CODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "schools": ("school_code",),
    "enrolment": ("school_code",),
    "teachers": ("school_code", "service_school_code"),
    "teacher_counts": ("school_code",),
    "facilities": ("school_code",),
    "quarantine": ("school_code",),
}
#: pass-through column of the copied ``schools``: the school's code in ``tables``
ORIGINAL_CODE = "original_school_code"
#: between a school code and its copy number in a copied code
SEPARATOR = "#"


def stack_copies(tables: Mapping[str, pd.DataFrame], n: int, key: str = "draw") -> dict[str, pd.DataFrame]:
    """The engine's tables of ``tables`` repeated ``n`` times, each copy with its own school
    codes (see the module docstring). Tables absent from ``tables`` stay absent."""
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be at least 1 (got {n}).")
    present = {t: cols for t, cols in SCHOOL_CODE_COLUMNS.items() if t in tables}
    named = [tables[t][c].dropna().astype(str) for t, cols in present.items() for c in cols
             if c in tables[t].columns]
    codes = pd.Index(pd.unique(pd.concat(named, ignore_index=True).to_numpy(dtype=object)) if named else [])
    k = len(codes)
    # copy d of code p is category d·k + p
    suffixes = np.array([f"{SEPARATOR}{d}" for d in range(n)], dtype=object)
    names = codes.to_numpy(dtype=object)
    categories = pd.Index((names[None, :] + suffixes[:, None]).ravel(), dtype=object)  # "<code>#<d>"
    dtype = pd.CategoricalDtype(categories)
    offsets = np.arange(n, dtype=np.int64) * k
    out: dict[str, pd.DataFrame] = {}
    for name, cols in present.items():
        table = tables[name].reset_index(drop=True)
        m = len(table)
        # the other columns repeated; the code columns are built below (not copied, then replaced)
        others = [c for c in table.columns if c not in cols]
        copied = table[others].take(np.tile(np.arange(m), n)).reset_index(drop=True)
        for c in cols:
            if c not in table.columns:
                continue
            value = table[c]
            pos = codes.get_indexer(value.astype(str).to_numpy(dtype=object))
            pos = np.where(value.isna().to_numpy(dtype=bool), -1, pos)
            cat = np.where(pos >= 0, pos[None, :] + offsets[:, None], -1).ravel()
            copied[c] = pd.Categorical.from_codes(cat, dtype=dtype)
        copied = copied[list(table.columns)]  # the table's column order
        if name == "schools":
            copied.insert(0, ORIGINAL_CODE, np.tile(table["school_code"].to_numpy(dtype=object), n))
            copied.insert(0, key, np.repeat(np.arange(n, dtype=np.int64), m))
        out[name] = copied
    return out
