"""Writing output files (写出文件): one atomic writer for every output of the project.

- ``atomic_write(path, data)``: bytes or text, whole or not at all (temporary file in the same
  folder, ``fsync``, ``os.replace``).
- ``atomic_path(path)``: the same for writers that need a file name (``DataFrame.to_parquet``,
  ``openpyxl.Workbook.save``): a context manager yielding the temporary path.
- ``write_frame(df, path_without_suffix)``: ``.parquet`` (true values) and ``.csv`` (``write_csv``:
  UTF-8 with BOM, CRLF rows, formula-like text neutralised by ``neutralise_formulas``), each
  atomically; ``csv_copy(parquet)``: the CSV copy of a parquet file written without one.
- ``sweep_temporary(folder, older_than)``: remove what a killed run left behind.

Every file gets ``default_file_mode()`` (0o666 minus the umask, what ``open(path, "w")`` gives);
``tempfile.mkstemp`` alone would leave 0o600.

Temporary names start with a dot and end with ``.tmp`` (``.<name>.<random>.tmp``), so they are
hidden, never mistaken for an output, and recognisable by ``sweep_temporary``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

TMP_SUFFIX = ".tmp"
#: text beginning with one of these (after leading whitespace) is run by Excel as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@")
#: a control character at the very start also starts a formula / DDE payload in some readers
FORMULA_CONTROL_PREFIXES = ("\t", "\r", "\n")
#: plain numbers such as "-3" or "+1.5e3" are left alone: Excel reads them as numbers, not formulas
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: what a killed run leaves: ``.<name>.<random>.tmp``, the runner's ``.<name>.<random>.tmp.ipynb``,
#: the cleaning step's folders ``.<period>.tmp-<hex>`` and ``.<period>.old-<hex>``
_TEMPORARY_NAME = re.compile(r"^\..+(\.tmp|\.tmp\.ipynb)$|^\.\d{4}\.(tmp|old)-[0-9a-f]+$")


def default_file_mode() -> int:
    """0o666 minus the process umask (what ``open(path, "w")`` would give); mkstemp uses 0o600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _fsync(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temporary_path(path: str | Path, suffix: str = TMP_SUFFIX) -> Path:
    """A new empty hidden file next to ``path`` (``.<name>.<random><suffix>``, mode
    ``default_file_mode()``) that a writer fills and then renames onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    os.chmod(tmp, default_file_mode())
    return Path(tmp)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on a clean exit it becomes ``path`` (mode
    ``default_file_mode()``), on any error it is removed and ``path`` is left as it was."""
    path = Path(path)
    tmp = temporary_path(path)
    try:
        yield Path(tmp)
        os.chmod(tmp, default_file_mode())
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` whole or not at all."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(payload)
    return path


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would run ``text`` as a formula (``=…``, ``+…``, ``-…``, ``@…``,
    also after leading whitespace, or a leading tab / CR / LF); plain numbers are not."""
    if not text:
        return False
    if text.startswith(FORMULA_CONTROL_PREFIXES):
        return True
    stripped = text.strip()
    return stripped.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.match(stripped)


def neutralise_text(text: str) -> str:
    """``text`` with a single quote in front when a spreadsheet would run it as a formula (OWASP)."""
    return "'" + text if is_formula_like(text) else text


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose formula-like text cells are prefixed with ``'`` (for CSV output).

    Only text is touched: numbers (a negative number stays a number), missing values, booleans
    and dates are left as they are; text columns keep their dtype.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        dtype = s.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cats = dtype.categories
            if cats.dtype == object or pd.api.types.is_string_dtype(cats.dtype):
                new = [neutralise_text(c) if isinstance(c, str) else c for c in cats]
                if new != list(cats):
                    out[col] = s.cat.rename_categories(new)
        elif dtype == object or pd.api.types.is_string_dtype(dtype):
            values = s.to_numpy(dtype=object, na_value=None)
            try:  # each distinct text judged once (a column repeats few texts: names, codes, statuses)
                distinct = pd.unique(values)
            except TypeError:  # unhashable cells (lists …): every cell
                distinct = values
            flagged = {v for v in distinct if isinstance(v, str) and is_formula_like(v)}
            if flagged:
                mask = np.fromiter((isinstance(v, str) and v in flagged for v in values), bool, len(values))
                s = s.copy()
                s[mask] = ["'" + v for v in values[mask]]
                out[col] = s
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """``df`` as CSV for Excel: UTF-8 with BOM, CRLF rows (so a CR or LF inside a cell is quoted),
    formula-like text neutralised. Not atomic by itself: use it on a temporary path (``atomic_path``,
    or a folder that is renamed into place when complete)."""
    neutralise_formulas(df).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def write_frame(df: pd.DataFrame, path_without_suffix: str | Path, csv: bool = True) -> list[Path]:
    """Write ``df`` as ``<path>.parquet`` (true text) and ``<path>.csv`` (UTF-8 with BOM, formula-like
    text neutralised), each whole or not at all; returns the paths. ``csv=False``: the parquet
    file only (its CSV copy can follow later: :func:`csv_copy`)."""
    base = Path(path_without_suffix)
    parquet = base.with_name(base.name + ".parquet")
    with atomic_path(parquet) as tmp:
        df.to_parquet(tmp, index=False)
    if not csv:
        return [parquet]
    return [parquet, csv_copy(parquet, df)]


def csv_copy(parquet: str | Path, df: pd.DataFrame | None = None) -> Path:
    """Write the CSV copy beside a parquet file (``write_csv``, atomically) and return its path:
    of ``df``, or of the file's own table (the parquet file keeps the dtypes, so the copy is the
    one ``write_frame`` writes with it, byte for byte)."""
    parquet = Path(parquet)
    path = parquet.with_suffix(".csv")
    with atomic_path(path) as tmp:
        write_csv(pd.read_parquet(parquet) if df is None else df, tmp)
    return path


def sweep_temporary(
    folder: str | Path, older_than: float, recursive: bool = False, prefix: str = "."
) -> list[Path]:
    """Remove temporary files and folders a killed run left in ``folder`` (see ``_TEMPORARY_NAME``)
    whose modification time is before ``older_than`` (a ``time.time()`` value); returns them.

    ``recursive`` also looks in sub-folders (e.g. ``details/``); ``prefix`` limits the names
    (e.g. ``".2021."`` for one period's folders). A missing folder is fine.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed: list[Path] = []
    candidates = folder.rglob(f"{prefix}*") if recursive else folder.glob(f"{prefix}*")
    for p in sorted(candidates):
        if not _TEMPORARY_NAME.match(p.name):
            continue
        try:
            if p.lstat().st_mtime >= older_than:
                continue  # written after this run started: not ours to remove
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
        except FileNotFoundError:
            continue
        removed.append(p)
    return removed


__all__ = [
    "FORMULA_PREFIXES",
    "default_file_mode",
    "atomic_path",
    "atomic_write",
    "is_formula_like",
    "neutralise_text",
    "neutralise_formulas",
    "write_csv",
    "write_frame",
    "csv_copy",
    "sweep_temporary",
]
