"""notebooks/explore.py (issue #16): not run by `analysis run`, executes headless with papermill
(the widgets' default values), and the runner's kernel is one of this same Python."""

from __future__ import annotations

import json
import sys

import pytest

from analysis import paths
from analysis.pipeline import runner
from analysis.planning.projection import load_scenario

EXPLORE = paths.NOTEBOOKS_DIR / "explore.py"


def test_analysis_run_does_not_run_explore():
    assert EXPLORE.is_file()
    assert EXPLORE not in runner.list_notebooks()
    with pytest.raises(runner.RunnerError):
        runner.select_notebooks(runner.list_notebooks(), "explore")


@pytest.mark.parametrize("same_python", [True, False])
def test_kernel_is_the_projects_only_when_it_runs_this_python(tmp_path, monkeypatch, same_python):
    spec = tmp_path / "kernels" / runner.PROJECT_KERNEL
    spec.mkdir(parents=True)
    python = sys.executable if same_python else str(tmp_path / "other-env" / "bin" / "python")
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": runner.PROJECT_KERNEL_DISPLAY, "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))  # searched before the environment's own kernels
    assert runner.kernel_name() == (runner.PROJECT_KERNEL if same_python else runner.KERNEL_NAME)


@pytest.mark.e2e
def test_explore_executes_headless_with_papermill(demo_run, tmp_path):
    """A whole kernel run (~15 s): the notebook opens the what-if, builds the widgets without
    showing them (show_panel=False: a live panel under nbclient can hang the cell,
    jupyter/nbclient#312 — seen once in this suite), adds the change of the widgets' default values
    and saves the what-if as a scenario the projection reads."""
    import jupytext
    import papermill as pm

    saved = tmp_path / "what_if.yaml"
    params = {"period": "2021", "data_dir": str(demo_run["raw"]), "processed_dir": str(demo_run["processed"]),
              "out_dir": str(demo_run["reports"] / "2021"), "save_to": str(saved), "scenario_name": "笔记本保存", "show_panel": False}
    nb = pm.execute_notebook(jupytext.read(str(EXPLORE)), str(tmp_path / "explore.ipynb"), parameters=params,
                             kernel_name=runner.kernel_name(), cwd=str(paths.NOTEBOOKS_DIR), progress_bar=False,
                             execution_timeout=300)  # a hang fails here instead of stalling the run
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    html = "".join(o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {}))
    assert "操作面板不显示" in html and "1 项改动" in html and "32 项指标" in html
    sc = load_scenario(saved)
    assert sc.name == "笔记本保存" and sc.facilities["construction"][0]["teaching_aux_m2"] == 500
