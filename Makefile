# 县域义务教育优质均衡发展分析 — make help lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The environment is (re)built when missing or older than pyproject.toml. The stamp file is
# written last, so an interrupted install is redone on the next run.
STAMP := $(VENV)/.installed
# make report PERIODS="2020 2021"  → only those periods (default: every period of the demo data)
PERIODS ?=

.DEFAULT_GOAL := help

help: ## 列出目标 / list the targets
	@grep -hE '^[a-zA-Z_.-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本 / Python >= 3.11 required, found " + sys.version.split()[0] + " (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## 建立或更新虚拟环境 .venv / build the virtual environment when missing or stale

report: $(STAMP) ## 用示例数据生成各期报告 / run every period of the demo data → reports/<period>/*.html, reports/index.html
	$(BIN)/analysis run $(if $(strip $(PERIODS)),$(foreach p,$(PERIODS),--period $(p)),--all-periods)

test: $(STAMP) ## 运行测试 / run the tests
	$(BIN)/python -m pytest

LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

lab: $(STAMP) ## 在 JupyterLab 中打开笔记本（双击 .py 即以笔记本打开）/ open the notebooks in JupyterLab
	@mkdir -p $(dir $(LAB_OVERRIDES))
	@# .py text notebooks open as notebooks on double click (a setting of this .venv only, not of the user)
	$(BIN)/jupytext-config --settings-file $(LAB_OVERRIDES) set-default-viewer python
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP) ## 基准测试：全国规模引擎、1000 次蒙特卡洛模拟 / engine at national scale, 1,000 Monte Carlo draws (prints figures)
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_monte_carlo.py
	$(BIN)/python benchmarks/bench_pipeline.py

clean: ## 删除生成的文件 / delete generated files only (reports, processed data, caches)
	if [ -d reports ]; then find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +; fi
	if [ -d data/processed ]; then find data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +; fi
	rm -rf .pytest_cache .hypothesis benchmarks/_data
	find . -path ./.venv -prune -o -name .ipynb_checkpoints -type d -prune -exec rm -rf {} + 
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: help venv report test lab bench clean
