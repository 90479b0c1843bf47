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
    """:func:`half_up` over an array, as floats; NaN stays NaN (an unknown stays unknown).

    Vectorised: a value whose scaled binary value ``|x|·10^d`` is not within ``1e-9`` (relative)
    of a ``.5`` boundary rounds the same way as its decimal text (the text and the binary value
    differ by far less than that), and ``n / 10^d`` is the float of the rounded text (one
    correctly rounded division of two exact numbers). The values near a boundary, and the huge
    ones, go through :func:`half_up` one by one."""
    arr = np.asarray(values, dtype=float)
    d = int(decimals)
    with np.errstate(invalid="ignore"):
        if d == 0:
            low = np.floor(arr)
            return low + (arr - low >= 0.5)
        if d < 0 or d > 22:  # 10^d not an exact float: the decimal text, value by value
            return _half_up_each(arr, d)
        scale = 10.0 ** d
        mag = np.abs(arr) * scale
        low = np.floor(mag)
        frac = mag - low
        out = np.copysign((low + (frac >= 0.5)) / scale, arr)
        out[~np.isfinite(arr)] = np.nan
        near = np.isfinite(arr) & ((np.abs(frac - 0.5) <= 1e-9 * np.maximum(mag, 1.0)) | (mag >= 2.0 ** 52))
    if near.any():
        out[near] = _half_up_each(arr[near], d)
    return out


def _half_up_each(arr: np.ndarray, decimals: int) -> np.ndarray:
    out = [float(half_up(v, decimals)) if np.isfinite(v) else np.nan for v in arr.ravel()]
    return np.array(out, dtype=float).reshape(arr.shape)
