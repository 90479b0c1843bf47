# 县域义务教育优质均衡发展分析 — make help lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The environment is (re)built when missing or older than pyproject.toml. The stamp files are
# written last, so an interrupted install is redone on the next run. `make report` installs the
# runtime dependencies only; `make test` / `make lab` add the extras (pytest, jupyterlab …).
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# make report PERIODS="2020 2021"  → only those periods (default: every period of the demo data)
PERIODS ?=
# pytest workers: the machines have 2 cores
TEST_WORKERS ?= 2
# Python keeps the compiled bytecode of the package and the tests (__pycache__/, gitignored;
# `make clean` removes it) even where the environment turns that off: every notebook kernel
# and test worker imports the package, and pytest rewrites the test modules' asserts once
# instead of in each worker of each run (make test: about 74 → 63 s on 2 idle cores)
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help

help: ## 列出目标 / list the targets
	@grep -hE '^[a-zA-Z_.-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本 / Python >= 3.11 required, found " + sys.version.split()[0] + " (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

venv: $(STAMP) ## 建立或更新运行环境 .venv（仅运行所需）/ build the runtime environment when missing or stale

dev: $(DEV_STAMP) ## 加装测试与 JupyterLab / add the test and JupyterLab extras

report: $(STAMP) ## 用示例数据生成各期报告 / run every period of the demo data → reports/<period>/*.html, reports/index.html
	$(BIN)/analysis run $(if $(strip $(PERIODS)),$(foreach p,$(PERIODS),--period $(p)),--all-periods)

test: $(DEV_STAMP) ## 运行测试（2 个进程；不含浏览器等端到端测试与完整矩阵）/ run the tests (2 workers; end-to-end and whole-matrix ones: make test-e2e)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not e2e and not slow and not large"

test-e2e: $(DEV_STAMP) ## 端到端与完整矩阵测试：无头浏览器截图与打印、独立的笔记本运行、全部出错数据用例 / end-to-end and whole-matrix tests (headless browser, notebook runs, every broken county)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal -m "(e2e or slow) and not large"

test-large: $(DEV_STAMP) ## 300 所学校的县端到端运行（数分钟，需主动运行）/ a 300-school county end to end (minutes, opt-in)
	$(BIN)/python -m pytest -m large

LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# the project's kernel (analysis.pipeline.runner.PROJECT_KERNEL / PROJECT_KERNEL_DISPLAY): the name
# says which environment it runs, so a JupyterLab started elsewhere can pick it
KERNEL := youzhi-junheng
KERNEL_DISPLAY := 优质均衡 (.venv)

lab-setup: $(DEV_STAMP)
	@mkdir -p $(dir $(LAB_OVERRIDES))
	@# .py text notebooks open as notebooks on double click (a setting of this .venv only, not of the user)
	$(BIN)/jupytext-config --settings-file $(LAB_OVERRIDES) set-default-viewer python
	@# JupyterLab in Chinese: the zh-CN language pack (jupyterlab-language-pack-zh-CN, in the dev extras) as the default
	$(BIN)/python -c 'import json, pathlib, sys; p = pathlib.Path(sys.argv[1]); d = json.loads(p.read_text(encoding="utf-8") or "{}") if p.is_file() else {}; d.setdefault("@jupyterlab/translation-extension:plugin", {})["locale"] = "zh_CN"; p.write_text(json.dumps(d, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")' $(LAB_OVERRIDES)
	@# the kernel of this .venv, registered in the .venv (its JupyterLab lists it; analysis run uses it)
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL_DISPLAY)"

lab: lab-setup ## 在 JupyterLab（中文界面）中打开笔记本；内核“优质均衡 (.venv)” / open the notebooks in JupyterLab (Chinese), kernel "优质均衡 (.venv)"
	$(BIN)/jupyter lab notebooks/

kernel: $(DEV_STAMP) ## 把内核“优质均衡 (.venv)”登记给本用户，其他 JupyterLab 也能选用 / register the kernel for your user (any JupyterLab)
	$(BIN)/python -m ipykernel install --user --name $(KERNEL) --display-name "$(KERNEL_DISPLAY)"

bench: $(STAMP) ## 基准测试：流程与笔记本下限之比、全国规模引擎、1000 次蒙特卡洛、假设分析每次改动、35–600 所学校的县 / benchmarks (print figures)
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_monte_carlo.py
	$(BIN)/python benchmarks/bench_whatif.py
	$(BIN)/python benchmarks/bench_county_size.py

bench-region: $(STAMP) ## 基准：100 个示例县 × 3 期的地区汇总（原始数据与已处理）/ region benchmark (figures; minutes)
	$(BIN)/python benchmarks/bench_region.py --counties 100 --jobs 2

clean: ## 删除生成的文件 / delete generated files only (reports, processed data, caches)
	if [ -d reports ]; then find reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +; fi
	if [ -d data/processed ]; then find data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +; fi
	rm -rf .pytest_cache .hypothesis benchmarks/_data
	find . -path ./.venv -prune -o -name .ipynb_checkpoints -type d -prune -exec rm -rf {} + 
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: help venv dev report test test-e2e test-large lab lab-setup kernel bench bench-region clean
