"""Every shipped notebook executes (papermill, kernel python3) on a small demo county.

The notebooks run in order for one period through the real runner, as ``make report`` does, on the
demo county written afresh to a temporary folder (``analysis.demo.write_demo``, two periods), so the
repo's ``data/processed`` and ``reports`` are never touched. The whole demo county is used (not
``n_schools=12``): the demo scenario file ``scenarios/county_plan.yaml`` names schools of the full
county, and 03_projection rightly rejects a plan that names unknown schools.
"""

from __future__ import annotations

import re

import pytest

from analysis import paths, runner
from analysis.demo import write_demo
from analysis.export import DEMO_BANNER

NOTEBOOKS = runner.list_notebooks(paths.NOTEBOOKS_DIR)
PERIOD = "2021"


@pytest.fixture(scope="module")
def run_result(tmp_path_factory):
    base = tmp_path_factory.mktemp("notebooks")
    raw = write_demo(base / "raw", periods=("2020", PERIOD))
    reports = base / "reports"
    result = runner.run(
        [PERIOD], data_dir=raw, processed_dir=base / "processed", reports_dir=reports,
        notebooks_dir=paths.NOTEBOOKS_DIR, log=lambda line: None,
    )
    return result, reports


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ has no NN_name.py notebooks"
    for nb in NOTEBOOKS:
        text = nb.read_text(encoding="utf-8")
        # a parameters cell whose defaults run as they are; period as a string
        assert re.search(r'^# %% .*tags=\["parameters"\]', text, re.M), nb.name
        assert re.search(r'^period = "\d{4}"', text, re.M), nb.name


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes_and_exports(run_result, notebook):
    result, reports = run_result
    by_name = {r.notebook: r for r in result.results}
    assert notebook.name in by_name, (
        f"{notebook.name} did not run; an earlier notebook failed: "
        + " | ".join(r.message for r in result.results if not r.ok)
    )
    res = by_name[notebook.name]
    assert res.ok, res.message
    html = (reports / PERIOD / f"{runner.report_name(notebook)}.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in html
    assert DEMO_BANNER in html  # write_demo's county.yaml says demo: true
    assert "Traceback" not in html
    assert "jp-CodeMirrorEditor" not in html[html.index("<body"):]
    assert re.search(r"<script[^>]+src=", html) is None
