"""Rounding as the national form does it (四舍五入), in one place.

The form shows indicator values with 2 decimals, CVs with 3, ratios with 1, money and counts as
integers, and the CV is judged **as shown**: 0.5155 → 0.516, never the banker's 0.515 that
Python's ``round`` gives on the binary float. :func:`half_up` rounds the number's shortest
decimal text (``repr``), so what a reader sees is what is rounded.

:func:`half_up_array` applies the same rule to arrays. For whole numbers (``decimals=0``) it is
vectorised: ``floor(x) + (x − floor(x) ≥ 0.5)`` is exact on the binary value, and agrees with the
decimal-text rule because a number whose shortest text ends in ".5" is exactly that binary value.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np


def half_up(x: Any, decimals: int = 0) -> Decimal:
    """``x`` rounded half up at ``decimals`` places, as a Decimal (exact, for display and for
    judging a value as shown). ``half_up(0.5155, 3)`` → Decimal('0.516')."""
    q = Decimal(1).scaleb(-int(decimals))
    return Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)


def half_up_array(values: Any, decimals: int = 0) -> np.ndarray:
    """:func:`half_up` over an array, as floats; NaN stays NaN (an unknown stays unknown)."""
    arr = np.asarray(values, dtype=float)
    if int(decimals) == 0:
        with np.errstate(invalid="ignore"):
            low = np.floor(arr)
            return low + (arr - low >= 0.5)
    out = [float(half_up(v, decimals)) if np.isfinite(v) else np.nan for v in arr.ravel()]
    return np.array(out, dtype=float).reshape(arr.shape)
