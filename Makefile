# crm-report — run `make help` for the list of targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Every Python package, pinned with hashes (`make lock`); installs use it, so every
# machine runs the same versions (docs/architecture.md, "Determinism and the lock").
LOCK   := requirements.lock
UV_VERSION := 0.13.8
UV     := $(BIN)/uv
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
# Some containers and CI images export PYTHONDONTWRITEBYTECODE=1. Then every Python process
# of a build or a test run (worker, kernel, Typst child, CLI) compiles crmlib again and
# pytest rewrites every test module again: about 0.1 s per process and 2 s per test worker.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help install lock report test test-fast lint format bench mutate clean-output lab

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## Create .venv (if missing) and install the locked packages and the project

# `make lock` keeps the pinned versions and adds what pyproject.toml added;
# `make lock LOCK_ARGS=--upgrade` moves every package to its newest release.
LOCK_ARGS ?=
lock: ## Refresh requirements.lock from pyproject.toml (uv pip compile, hashes) and environment.yml's pins
	@test -x $(UV) || { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); $(BIN)/python -m pip install --quiet uv==$(UV_VERSION); }
	$(UV) pip compile pyproject.toml --extra dev --extra lab --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_ARGS) -o $(LOCK)
	$(BIN)/python tools/lock_to_environment.py $(LOCK) environment.yml

report: $(STAMP) ## Build every sample month (HTML, PDF, metrics.json, tables) and the archive index
	$(BIN)/crm-report build --all --jobs $(JOBS)
	@echo "Perintah crm-report di terminal ini: source $(VENV)/bin/activate (sekali per terminal)."

test: $(STAMP) ## Run the whole test suite
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder

test-fast: $(STAMP) ## Run the tests without the end-to-end ones
	$(BIN)/python -m pytest -n $(JOBS) -m "not e2e and not browser"

lint: $(STAMP) ## Ruff lint + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Apply ruff formatting and autofixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## Run the benchmarks (results go to bench/RESULTS.md by hand)
	$(BIN)/python bench/bench_metrics.py
	$(BIN)/python bench/bench_render.py
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_archive.py
	$(BIN)/python bench/bench_inputs.py

# Mutation testing (docs/mutasi.md): slow, so not part of `make test`. Narrow it with
# e.g. `make mutate MUTANTS='crmlib.report.fmt.*'`; MUTATE_JOBS=2 on a quiet machine.
# mutmut names a mutant module.function (crmlib.metrics.times.x__nilai_rule__mutmut_1), so
# crmlib.metrics.* takes every module of the metric package.
MUTATE_JOBS ?= 1
MUTANTS ?= crmlib.metrics.* crmlib.report.fmt.* \
	crmlib.data.parsing.* crmlib.data.headers.* crmlib.data.validation.* \
	crmlib.data.sources.x_header_only* \
	crmlib.data.reader.x__infer_periode* crmlib.data.reader.x_check_periode* crmlib.data.reader.x__check_coverage*

mutate: $(STAMP) ## Mutation testing of metrics, fmt and the reader's parsing (slow; docs/mutasi.md)
	CRM_HYPOTHESIS_PROFILE=mutmut $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $(MUTANTS)
	$(BIN)/mutmut results

# --allow-root: containers and this machine run as root. --ServerApp.root_dir=. opens Lab at the
# project root so params/ and docs/ are reachable; the pre-save hook keeps Lab's saves to the
# notebook's committed metadata (crmlib/cli/lab.py); LAB_ARGS passes further options, e.g.
# make lab LAB_ARGS="--no-browser --port 8899". JupyterLab is pinned in the lock (the `lab`
# extra), so `make install` installs it: Lab installs nothing more, and installs again only
# when the lock or pyproject.toml changed (the install stamp).
LAB_ARGS ?=

lab: $(STAMP) ## Open JupyterLab at the project root on the report notebook (LAB_ARGS=... passes options)
	$(BIN)/jupyter lab --allow-root --ServerApp.root_dir=. \
		--ContentsManager.pre_save_hook=crmlib.cli.lab.sebelum_simpan \
		$(LAB_ARGS) notebooks/laporan_bulanan.ipynb

clean-output: ## Remove everything generated under output/ (keeps output/README.md)
	find output -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
