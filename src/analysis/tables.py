"""Processed tables of one period (整理后的数据表): ``load_period`` reads and validates them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import schemas
from .cleaning import OUTPUT_TABLES
from .rawdata import err


def load_period(processed_dir: Path, period: str) -> dict[str, pd.DataFrame]:
    """Read ``processed_dir/<period>/<table>.parquet`` for every cleaned table, validated.

    Returns the input tables (schools … county_items) plus ``data_quality`` and ``quarantine``.
    A missing folder or table raises ``FileNotFoundError`` naming it (run the cleaning first).
    """
    folder = Path(processed_dir) / str(period)
    if not folder.is_dir():
        raise FileNotFoundError(err(
            f"找不到整理后的数据 {folder}，请先运行数据清洗（01_clean）",
            f"processed data {folder} not found; run the cleaning (01_clean) first"))
    out: dict[str, pd.DataFrame] = {}
    for name in OUTPUT_TABLES:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise FileNotFoundError(err(f"缺少整理后的数据表 {path}", f"processed table {path} missing"))
        out[name] = schemas.validate(name, pd.read_parquet(path))
    return out
