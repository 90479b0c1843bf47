"""The two kinds of error a user can cause, and what the command line does with them.

- :class:`ConfigError`: a usage or configuration problem (a folder, an option, a period, a
  configuration file). Nothing has been written; ``analysis`` exits with code 2.
- :class:`RawDataError`: the county's workbooks cannot be read as the contract says (a missing
  workbook, sheet or column, an unknown unit). ``analysis check`` exits 2 (unusable input);
  ``analysis run`` reports the period as failed (exit 1) and runs the other periods.

Both carry a message for bureau staff: Chinese first, English after, naming the file (and the
key, sheet, row or column where there is one), at most two lines.
"""

from __future__ import annotations


class ConfigError(Exception):
    """A usage or configuration error (exit code 2)."""


class RawDataError(Exception):
    """A missing workbook, sheet, header or column: the run stops with a message naming it."""


def err(zh: str, en: str) -> str:
    """A user-facing message: Chinese first, English after."""
    return f"{zh} / {en}"


def one_line(text: object, limit: int = 600) -> str:
    """``text`` on one line (newlines and runs of spaces collapsed), at most ``limit`` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
