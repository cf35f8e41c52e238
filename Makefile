# Trivsel: `make run` serves the app with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NPM_STAMP := frontend/node_modules/.installed-$(shell cksum frontend/package-lock.json 2>/dev/null | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 5000
# The API suite runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
PYTEST_ARGS ?= -n 2

.PHONY: help install frontend frontend-check run test test-api test-e2e lint format openapi migrate demo clean bench

help:
	@echo "make run      install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test     install and run every test (lint, frontend, API on SQLite [+PostgreSQL], browser)"
	@echo "make openapi  write openapi/openapi.json from the app (and the frontend types)"

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

$(NPM_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	rm -f frontend/node_modules/.installed-*
	touch $(NPM_STAMP)

frontend: $(NPM_STAMP)
	cd frontend && npm run build

# The committed types must match the committed spec before the build regenerates them.
frontend-check: $(NPM_STAMP)
	cd frontend && npm run check:api-drift && npm run typecheck && npm test

migrate: install
	$(BIN)/trivsel db upgrade

demo: migrate
	$(BIN)/trivsel demo --if-empty

run: install frontend demo
	$(BIN)/trivsel serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check api tests bench gunicorn.conf.py
	$(BIN)/ruff format --check api tests bench gunicorn.conf.py

format: install
	$(BIN)/ruff check --fix api tests bench gunicorn.conf.py
	$(BIN)/ruff format api tests bench gunicorn.conf.py

openapi: install
	$(PY) -m api.cli openapi
	cd frontend && ( test -d node_modules || npm ci --no-audit --no-fund ) && npm run gen:api

test-api: install
	$(BIN)/pytest tests --ignore=tests/e2e $(PYTEST_ARGS)

test-e2e: install frontend
	$(BIN)/pytest tests/e2e -p no:xdist

# The browser tests run on their own, one at a time: timing-sensitive, they should not compete for the two cores.
test: install lint frontend-check frontend
	$(BIN)/pytest tests --ignore=tests/e2e $(PYTEST_ARGS)
	$(BIN)/pytest tests/e2e -p no:xdist

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist .pytest_cache .ruff_cache
