# 县域义务教育优质均衡发展分析 — make help lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PERIODS ?=

.DEFAULT_GOAL := help

help: ## 列出目标 / list the targets
	@grep -hE '^[a-zA-Z_.-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(VENV): pyproject.toml ## 建立或更新虚拟环境 / build the virtual environment when missing or stale
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)

report: $(VENV) ## 用示例数据生成各期报告 / run every period of the demo data → reports/<period>/
	$(BIN)/analysis run --all-periods $(if $(PERIODS),--period $(PERIODS))

test: $(VENV) ## 运行测试 / run the tests
	$(BIN)/python -m pytest

lab: $(VENV) ## 在 JupyterLab 中打开笔记本 / open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

bench: $(VENV) ## 全国规模基准测试 / national-scale engine benchmark (prints figures)
	$(BIN)/python benchmarks/bench_engine.py

clean: ## 删除生成的文件 / delete generated files only (reports, processed data, caches)
	find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	find data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis benchmarks/_data
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +

.PHONY: help report test lab bench clean
