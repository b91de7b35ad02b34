# The operator contract of DESIGN.md: `make run`, `make up` / `make down`, `make test`, `make lint`.
# deploy/stack.py does the work; see `python3.11 deploy/stack.py --help`.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STACK := $(BIN)/python deploy/stack.py
TEST_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/segops_test
BENCH_DATABASE_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/segops_bench
SCALE ?= 1m
# e.g. make test PYTEST_ARGS='tests/deploy -x'
PYTEST_ARGS ?=

# Everything the venv holds, installed editable and pinned by constraints.txt.
PROJECTS := -e libs/platform -e libs/segdsl -e services/pim-api -e services/segment-api \
	-e services/import-worker
DEV_TOOLS := honcho pytest pytest-asyncio hypothesis ruff mypy types-PyYAML matplotlib chdb \
	schemathesis openapi-python-client
INSTALL := -c constraints.txt $(PROJECTS) $(DEV_TOOLS)

.PHONY: venv run up down test lint bench

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when the constraints or a project's pyproject.toml changed since the last install.
$(STAMP): constraints.txt $(wildcard */*/pyproject.toml) | $(BIN)/python
	$(BIN)/python -m pip install $(INSTALL)
	touch $@

run: venv
	$(STACK) run

up: venv
	$(STACK) up

# No venv needed: stack.py uses the standard library only.
down:
	$(PYTHON) deploy/stack.py down

test: venv
	$(STACK) services --database-url $(TEST_DATABASE_URL)
	SEGOPS_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Results: bench/results/<name>.json, SUMMARY.md and a PNG per scaling benchmark.
bench: venv
	$(STACK) services --database-url $(BENCH_DATABASE_URL)
	command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q --no-install-recommends wrk)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench --scale $(SCALE)
