"""Vectorised helpers of the engine: positions of codes in an index, masks and labels.

Every function works on whole columns (numpy / pyarrow), never row by row, so the engine costs
one pass whether it evaluates one county, many projected years or a whole country.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_strings(series: pd.Series):
    """The pyarrow array behind an Arrow-backed string column (zero copy), else None."""
    dtype = series.dtype
    arrow_backed = (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or (
        isinstance(dtype, pd.ArrowDtype) and pa.types.is_string(dtype.pyarrow_dtype))
    if not arrow_backed:
        return None
    return pa.array(series.array)


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in ``index`` (−1 if absent or NA).

    Fast paths: categorical columns (look up the categories only) and Arrow-backed strings
    (``pyarrow.compute.index_in``, no conversion to Python objects).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat_pos = index.get_indexer(values.cat.categories)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, cat_pos[codes], -1)
    arr = arrow_strings(values)
    if arr is not None:
        keys = pa.array(index.astype(str).to_numpy(dtype=object), pa.string())
        pos = pc.index_in(arr, value_set=keys)
        if isinstance(pos, pa.ChunkedArray):
            pos = pos.combine_chunks()
        return pos.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return index.get_indexer(values)


def floats(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan)


def bools(series: pd.Series) -> np.ndarray:
    """Boolean array; NA → False (callers track NA separately where it matters)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    return series.fillna(False).to_numpy(dtype=bool)


def isin(series: pd.Series, allowed) -> np.ndarray:
    return series.isin(list(allowed)).to_numpy(dtype=bool)


def join_labels(masks: list[tuple[str, np.ndarray]], n: int) -> pd.Series:
    """Join the labels whose mask is True per row with "；" (vectorised over rows); NA if none."""
    out = np.full(n, "", dtype=object)
    for label, mask in masks:
        rows = np.flatnonzero(mask)  # only the rows that get this label (usually few)
        if len(rows):
            out[rows] = out[rows] + (label + "；")
    series = pd.Series(out, dtype="string").str.rstrip("；")
    return series.mask(series == "")
