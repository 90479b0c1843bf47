"""A period's run status and its stale reports (运行状态与过期报告).

``reports/<period>/run_status.json`` records the last run of the period (running / ok / failed,
times, the failed notebook and a one-line reason); ``reports/index.html`` reads it. When a run of
the period fails, its reports from an earlier run move into ``reports/<period>/已过期_stale/`` so
that they never look current; the next successful run clears them.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from analysis.files import atomic_write, sweep_temporary

#: where a failed period's reports from an earlier run are moved (reports/<period>/已过期_stale/)
STALE_DIR_NAME = "已过期_stale"
#: per-period machine-readable status of the last run (reports/<period>/run_status.json)
STATUS_FILE = "run_status.json"
#: the report files of a period folder (moved aside when they are stale), with the per-school pages
REPORT_PATTERNS = ("*.html", "*.xlsx", "*.ipynb", "schools/*.html", "schools/*.css")


def sweep_period(period: str, reports_dir: Path, processed_dir: Path, started: float) -> list[Path]:
    """Remove the temporary files a killed run left for ``period`` (written before ``started``).

    Looks in ``<reports>/<period>/`` and its ``schools/``, ``<reports>/`` (index.html's temporary file), the processed
    root (the cleaning step's ``.<period>.tmp-*`` / ``.<period>.old-*`` folders) and
    ``<processed>/<period>/`` with its sub-folders.
    """
    removed = sweep_temporary(reports_dir / period, started)
    removed += sweep_temporary(reports_dir / period / "schools", started)  # the per-school pages
    removed += sweep_temporary(reports_dir, started)
    removed += sweep_temporary(processed_dir, started, prefix=f".{period}.")
    removed += sweep_temporary(processed_dir, started, prefix=".write-check.")  # check_writable's probe
    removed += sweep_temporary(processed_dir / period, started, recursive=True)
    return removed


# --------------------------------------------------------------------------- period status, stale reports


def now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def read_status(period_dir: str | Path) -> dict | None:
    """``<period_dir>/run_status.json`` as a dict, or None when missing or unreadable."""
    f = Path(period_dir) / STATUS_FILE
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_status(period_dir: Path, **status) -> Path:
    """Write ``run_status.json`` (keys: period, status ok/failed/running, started, finished, …)."""
    return atomic_write(
        period_dir / STATUS_FILE, json.dumps(status, ensure_ascii=False, indent=2) + "\n"
    )


def _report_files(period_dir: Path) -> list[Path]:
    return sorted(p for pattern in REPORT_PATTERNS for p in period_dir.glob(pattern) if p.is_file())


def _fingerprint(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _name(path: Path, period_dir: Path) -> str:
    """A report's name: its path below the period folder (``schools/2104210001.html``)."""
    return path.relative_to(period_dir).as_posix()


def snapshot_reports(period_dir: Path) -> dict[str, tuple[int, int, int]]:
    """The period's report files before the run: name → (inode, mtime, size)."""
    return {_name(p, period_dir): _fingerprint(p) for p in _report_files(period_dir)} if period_dir.is_dir() else {}


def retire_stale_reports(period_dir: Path, before: dict[str, tuple[int, int, int]]) -> list[str]:
    """After a failed run: move the report files this run did not write into ``已过期_stale/``.

    A file counts as written by this run when it is new or was replaced (every output is written
    to a temporary file and renamed, so a rewritten file has a new inode). Returns the names moved.
    """
    stale_dir = period_dir / STALE_DIR_NAME
    moved = []
    for p in _report_files(period_dir):
        name = _name(p, period_dir)
        if before.get(name) != _fingerprint(p):
            continue  # written by this run
        (stale_dir / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(p, stale_dir / name)
        moved.append(name)
    return moved


def clear_stale_reports(period_dir: Path) -> list[str]:
    """After a successful run: drop the stale copies that now have a current file of the same name
    (the stale folder goes when it is empty). Returns the names removed."""
    stale_dir = period_dir / STALE_DIR_NAME
    if not stale_dir.is_dir():
        return []
    removed = []
    for p in sorted(stale_dir.rglob("*")):
        name = _name(p, stale_dir)
        if p.is_file() and (period_dir / name).is_file():
            p.unlink()
            removed.append(name)
    for folder in sorted((d for d in stale_dir.rglob("*") if d.is_dir()), reverse=True) + [stale_dir]:
        try:
            folder.rmdir()
        except OSError:
            pass  # stale copies of reports this run did not produce remain
    return removed


