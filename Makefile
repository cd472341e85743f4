# OpenBMIS developer and operator entry points.  Every target creates the virtual
# environment it needs; nothing has to be prepared by hand.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-postgres lint bench bench-quick migrations-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

HOST ?= 127.0.0.1
PORT ?= 8000

## Set up, migrate, load the demo data set and serve http://$(HOST):$(PORT) (make demo PORT=8080 HOST=0.0.0.0)
demo: $(STAMP)
	$(BIN)/openbmis demo --host $(HOST) --port $(PORT)

## Run the whole test suite (SQLite; set OPENBMIS_DATABASE_URL for PostgreSQL)
test: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup --basetemp=.pytest-tmp

## Run the suite against the local PostgreSQL server
test-postgres: $(STAMP)
	OPENBMIS_DATABASE_URL=$${OPENBMIS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/openbmis} $(BIN)/pytest -n 2 --dist loadgroup --basetemp=.pytest-tmp

## ruff, mypy and import-linter (pure libraries import no Django and no app)
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

migrations-check: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

## Benchmarks: each prints its figures beside a baseline measured in the same run (full sizes: long)
bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## The same benchmarks at small sizes (minutes), to check they run
bench-quick: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b --quick || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
