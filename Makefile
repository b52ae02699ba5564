# sunogen: every target bootstraps .venv and installs only the extra it needs (pyproject.toml), once.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Which interpreter built .venv: a .venv made by another Python (another version, or PYTHON=...) is rebuilt.
PY_ID := $(shell $(PYTHON) -c 'import sys; print(sys.implementation.cache_tag, *sys.version_info[:3], sep="-")')
VENV_STAMP := $(VENV)/.python-$(PY_ID)
# One stamp per extra of pyproject.toml, redone when pyproject.toml changes.
EXTRA := $(VENV)/.extra-

.DEFAULT_GOAL := help
.PHONY: help install generate check test bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV_STAMP):
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(EXTRA)%: pyproject.toml $(VENV_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[$*]'
	@touch $@

install: $(EXTRA)bench ## create .venv with everything: generator, tests, checks, benchmarks

generate: $(EXTRA)generator ## regenerate generated/suno_clients and docs/capabilities.md (installs the generator only)
	$(BIN)/sunogen generate
	$(BIN)/sunogen capabilities --output docs/capabilities.md

check: $(EXTRA)check ## ruff, ruff format --check, mypy --strict, generated/ fresh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy generator generated tests bench
	$(BIN)/sunogen check

# Three workers on two cores: many tests wait on a server's or a task's clock, and a third worker fills that time.
# worksteal, because the files differ a hundredfold in time. Bytecode is written even where the environment says
# not to (PYTHONDONTWRITEBYTECODE): the suite starts some hundred interpreters (workers, emulators, CLI runs) over
# the same sources, and each would compile sunogen and suno_clients again.
test: $(EXTRA)test ## run the test suite
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -q -n 3 --dist worksteal

bench: $(EXTRA)bench ## run the benchmarks and write bench/RESULTS.md
	$(BIN)/python bench/run.py

clean: ## remove .venv and caches
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
