"""Vectorised helpers of the engine: positions of codes in an index, masks and labels.

Every function works on whole columns (numpy / pyarrow), never row by row, so the engine costs
one pass whether it evaluates one county, many projected years or a whole country.

A text column of more than :data:`BLOCK_ROWS` Arrow-backed rows (a national roster: 10 M) is
looked up in slices on up to ``pyarrow.cpu_count()`` threads — the threads Arrow itself reads
parquet with; its compute functions release the GIL. The slices' results are written in order
into one array: the same result as one call.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_strings(series: pd.Series | pd.Index):
    """The pyarrow array behind an Arrow-backed string column or index (zero copy), else None."""
    dtype = series.dtype
    arrow_backed = (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or (
        isinstance(dtype, pd.ArrowDtype) and pa.types.is_string(dtype.pyarrow_dtype))
    if not arrow_backed:
        return None
    return pa.array(series.array)


#: the rows of a long table (a national roster: 10 M) the engine's per-row passes take at once
#: (:func:`map_blocks`): the per-row arrays stay small and their memory is reused block after block
BLOCK_ROWS = 1 << 21


def map_blocks(func: Callable[[int, int], object], n_rows: int) -> list:
    """``func(start, stop)`` for consecutive blocks of at most :data:`BLOCK_ROWS` of ``n_rows``
    rows, the results in block order; with more than one block, on up to ``pyarrow.cpu_count()``
    threads (the per-row work is Arrow's and numpy's, which release the GIL). ``func`` must only
    read shared data."""
    starts = list(range(0, n_rows, BLOCK_ROWS)) or [0]
    blocks = [(lo, min(lo + BLOCK_ROWS, n_rows)) for lo in starts]
    workers = min(pa.cpu_count(), len(blocks))
    if workers <= 1:
        return [func(lo, hi) for lo, hi in blocks]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda b: func(*b), blocks))


def _by_slices(arr, compute: Callable, dtype, fill=None) -> np.ndarray:
    """``compute(slice)`` (a pyarrow array) over slices of ``arr``, into one numpy array of
    ``dtype`` (nulls of the result → ``fill``); the slices on up to ``pyarrow.cpu_count()`` threads
    when ``arr`` has at least :data:`BLOCK_ROWS` rows per thread."""
    n = len(arr)
    out = np.empty(n, dtype=dtype)
    k = max(1, min(pa.cpu_count(), n // BLOCK_ROWS))
    bounds = np.linspace(0, n, k + 1).astype(np.int64)

    def run(i: int) -> None:
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        result = compute(arr.slice(lo, hi - lo))
        if fill is not None:
            result = result.fill_null(fill)
        chunks = result.chunks if isinstance(result, pa.ChunkedArray) else [result]
        for chunk in chunks:
            out[lo:lo + len(chunk)] = chunk.to_numpy(zero_copy_only=False)
            lo += len(chunk)

    if k == 1:
        run(0)
    else:
        with ThreadPoolExecutor(max_workers=k) as pool:
            list(pool.map(run, range(k)))
    return out


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in ``index`` (−1 if absent or NA).

    Fast paths: categorical columns (look up the categories only) and Arrow-backed strings
    (``pyarrow.compute.index_in``, no conversion to Python objects; an Arrow-backed ``index``
    is used as it is).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat_pos = index.get_indexer(values.cat.categories)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, cat_pos[codes], -1)
    arr = arrow_strings(values)
    if arr is not None:
        keys = arrow_strings(index)
        if keys is None:
            keys = pa.array(index.astype(str).to_numpy(dtype=object), pa.string())
        # a NA value is in no index (skip_nulls)
        return _by_slices(arr, lambda part: pc.index_in(part, value_set=keys, skip_nulls=True),
                          np.int64, fill=-1)
    return index.get_indexer(values)


def codes_of(values: pd.Series, names) -> np.ndarray:
    """Position of each value in the few ``names`` (−1 if none of them or NA), as ``int64``: a
    text column turned into small integer codes once, so that masks and groupings on it are
    array look-ups (e.g. ``table[codes]`` with a padding entry for −1)."""
    return positions(pd.Index(list(names), dtype=object), values)


def floats(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan)


def bools(series: pd.Series) -> np.ndarray:
    """Boolean array; NA → False (callers track NA separately where it matters)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    return series.fillna(False).to_numpy(dtype=bool)


def isin(series: pd.Series, allowed) -> np.ndarray:
    """``series.isin(allowed)`` as a boolean array (NA → False)."""
    allowed = list(allowed)
    arr = arrow_strings(series)
    if arr is not None and allowed and all(isinstance(v, str) for v in allowed):
        value_set = pa.array(allowed, pa.string())
        return _by_slices(arr, lambda part: pc.is_in(part, value_set=value_set, skip_nulls=True), bool,
                          fill=False)
    return series.isin(allowed).to_numpy(dtype=bool)


def join_labels(masks: list[tuple[str, np.ndarray]], n: int) -> pd.Series:
    """Join the labels whose mask is True per row with "；" (vectorised over rows); NA if none.

    Only the rows that get a label are built as texts (usually few of many), and the column is
    made from their few distinct texts (a categorical's codes), not from one object per row."""
    out = np.full(n, "", dtype=object)
    labelled = np.zeros(n, dtype=bool)
    for label, mask in masks:
        rows = np.flatnonzero(mask)  # only the rows that get this label (usually few)
        if len(rows):
            out[rows] = out[rows] + (label + "；")
            labelled[rows] = True
    rows = np.flatnonzero(labelled)
    texts = [t.rstrip("；") or None for t in out[rows]]
    names, codes = np.unique(np.array([t if t is not None else "" for t in texts], dtype=object),
                             return_inverse=True)
    all_codes = np.full(n, -1, dtype=np.int64)
    all_codes[rows] = np.where(names[codes] == "", -1, codes)  # an empty text is no label (NA)
    labels = pd.Categorical.from_codes(all_codes, categories=pd.Index(names, dtype=object))
    return pd.Series(labels.astype("string"))
