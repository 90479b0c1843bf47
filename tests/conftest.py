"""Shared pytest fixtures. Others may append fixtures below; keep each one small and documented."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES_DIR = TESTS_DIR / "fixtures"
FIXTURE_NOTEBOOKS = FIXTURES_DIR / "notebooks"
PYTHON = sys.executable


@pytest.fixture
def fixture_notebooks() -> Path:
    """Folder of fixture notebook sets: ``ok/`` (params + figure), ``failing/`` (2nd of 3 fails)."""
    return FIXTURE_NOTEBOOKS


@pytest.fixture
def county_dir(tmp_path: Path) -> Path:
    """A raw-data folder for a demo county with periods 2020 and 2021 (empty period folders)."""
    root = tmp_path / "county"
    for period in ("2020", "2021"):
        (root / period).mkdir(parents=True)
    (root / "notes").mkdir()  # not a period: not 4 digits
    (root / "county.yaml").write_text("county: 测试县\ndemo: true\n", encoding="utf-8")
    return root


def pytest_configure(config):
    """The tests run with the settings of the project's own processes (the CLI, the report
    kernels): :mod:`analysis.settings`."""
    from analysis.settings import configure_pandas

    configure_pandas()


def pytest_collection_modifyitems(session, config, items):
    """The tests reading the shared demo run (:func:`demo_run`, ~40 s to build) run first, in
    their collected order: with ``-n 2 --dist worksteal`` the worker that starts with them builds
    the run while the other works through the rest, instead of waiting on the build's lock
    halfway through the session. Nothing else changes order."""
    items[:] = sorted(items, key=lambda item: "demo_run" not in getattr(item, "fixturenames", ()))


#: the hostile school names typed into the shared demo run's 2021 school list
EVIL_NAME = "<script>alert(1)</script>石文镇中心小学"
FORMULA_NAME = "=1+2"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> dict:
    """ONE real run shared by the notebook, report and cleaning tests: a 12-school demo county
    (periods 2020 and 2021) with two hostile school names typed into the 2021 school list (an HTML
    script and a formula, as text), run through the real runner for 2021 — the pipeline steps and
    every notebook, as ``make report`` does. Nothing of the repo's data/processed or reports is
    touched. Returns the folders, the runner's result and the two schools' codes.

    With pytest-xdist the workers share it: the first one to ask builds it under a lock in the
    session's common temporary folder, the others wait and read it.
    """
    import fcntl
    import json

    from analysis.pipeline import runner

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # common to every worker of this session
    base = shared / "demo_run"
    done = shared / "demo_run.json"
    with open(shared / "demo_run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.is_file():
                info = _build_demo_run(base)
                done.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    info = json.loads(done.read_text(encoding="utf-8"))
    result = runner.RunResult([runner.NotebookResult(**{k: (Path(v) if k in ("html", "ipynb", "failed_ipynb")
                                                             and v else v) for k, v in r.items()})
                               for r in info["results"]])
    return {"raw": Path(info["raw"]), "processed": Path(info["processed"]), "reports": Path(info["reports"]),
            "result": result, "codes": info["codes"]}


def _build_demo_run(base: Path) -> dict:
    from dataclasses import asdict

    from openpyxl import load_workbook

    from analysis import write_demo
    from analysis.pipeline import runner

    raw = write_demo(base / "raw", periods=("2020", "2021"), n_schools=12)
    book = raw / "2021" / "学校基本情况.xlsx"
    wb = load_workbook(book)
    ws = wb["学校名录"]
    header = next(r for r in range(1, 6) if "学校名称" in [c.value for c in ws[r]])
    col = [c.value for c in ws[header]].index("学校名称") + 1
    codes = {}
    for key, row, name in (("evil", header + 1, EVIL_NAME), ("formula", header + 2, FORMULA_NAME)):
        cell = ws.cell(row, col)
        cell.value = name
        cell.data_type = "s"  # typed as text, as a user would with a leading apostrophe
        codes[key] = str(ws.cell(row, 1).value)
    wb.save(book)
    processed, reports = base / "processed", base / "reports"
    result = runner.run(["2021"], data_dir=raw, processed_dir=processed, reports_dir=reports,
                        log=lambda line: None)
    return {"raw": str(raw), "processed": str(processed), "reports": str(reports), "codes": codes,
            "results": [{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(r).items()}
                        for r in result.results]}


@pytest.fixture(scope="session")
def demo_tables_2019(tmp_path_factory) -> dict:
    """The processed tables of the bundled 35-school demo county's period 2019 (the period with
    the most shortfalls), cleaned once per test process (the plan's formulation and status tests)."""
    from analysis import clean_period, load_period
    from analysis.paths import DEMO_RAW_DIR

    out = tmp_path_factory.mktemp("demo2019")
    clean_period(DEMO_RAW_DIR, "2019", out)
    return load_period(out, "2019", validate=False)
