# sunogen: every target bootstraps .venv when it is missing or pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install generate check test bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its dev dependencies

generate: $(STAMP) ## regenerate generated/suno_clients and docs/capabilities.md from specs/
	$(BIN)/sunogen generate
	$(BIN)/sunogen capabilities --output docs/capabilities.md

check: $(STAMP) ## ruff, ruff format --check, mypy --strict, generated/ fresh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy generator generated tests bench
	$(BIN)/sunogen check

test: $(STAMP) ## run the test suite
	$(BIN)/pytest -q

bench: $(STAMP) ## run the benchmarks and write bench/RESULTS.md
	$(BIN)/python bench/run.py

clean: ## remove .venv and caches
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
