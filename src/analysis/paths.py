"""Where things are. Paths are resolved from this file, never from the working directory."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The project folder (the one holding ``pyproject.toml`` and ``notebooks/``).

    The package is installed in editable mode from the project, so the root is found by
    walking up from this file.
    """
    for parent in PACKAGE_DIR.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    raise RuntimeError(
        "找不到项目目录（含 pyproject.toml 与 notebooks/）。请以 `pip install -e .` 安装。 / "
        f"Project root not found above {PACKAGE_DIR}; install the package with `pip install -e .`."
    )


ROOT = project_root()
NOTEBOOKS_DIR = ROOT / "notebooks"
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
DEMO_RAW_DIR = RAW_DIR / "demo"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = ROOT / "reports"
CONFIG_DIR = PACKAGE_DIR / "config"
STANDARDS_FILE = CONFIG_DIR / "standards.yaml"
COSTS_FILE = CONFIG_DIR / "costs.yaml"
REPORTING_FILE = CONFIG_DIR / "reporting.yaml"
SCENARIO_DIR = CONFIG_DIR / "scenarios"
#: the county's Excel workbooks of a period (in reports/<period>/): the clean step's data-quality
#: list and the evaluate step's application form
QUALITY_WORKBOOK = "数据质量问题清单.xlsx"
APPLICATION_WORKBOOK = "application_tables.xlsx"


def notebook_dirs(
    period: str, data_dir: str | Path = "", processed_dir: str | Path = "", out_dir: str | Path = ""
) -> tuple[Path, Path, Path]:
    """The notebooks' folder parameters with their defaults applied (docs/architecture.md).

    "" means: the bundled demo data, ``data/processed`` and ``reports/<period>``.
    Returns ``(data_dir, processed_dir, out_dir)`` as absolute paths.
    """
    return (
        Path(data_dir or DEMO_RAW_DIR).resolve(),
        Path(processed_dir or PROCESSED_DIR).resolve(),
        Path(out_dir or REPORTS_DIR / str(period)).resolve(),
    )
