# Trivsel: `make run` serves the app with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NPM_STAMP := frontend/node_modules/.installed-$(shell cksum frontend/package-lock.json 2>/dev/null | cut -d' ' -f1)
SPEC_NPM_STAMP := openapi/node_modules/.installed-$(shell cksum openapi/package-lock.json 2>/dev/null | cut -d' ' -f1)
# The SSO tests' OpenID provider (panva's oidc-provider, run by node on 127.0.0.1).
OIDC_STAMP := tests/sso/provider/node_modules/.installed-$(shell cksum tests/sso/provider/package-lock.json 2>/dev/null | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 5000
# The API suite runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
PYTEST_ARGS ?= -n 2

# The benchmarks' PostgreSQL database (make bench-data builds it; make bench measures on it).
BENCH_DATABASE_URL ?= postgresql://root@127.0.0.1:5432/trivsel_bench
export BENCH_DATABASE_URL

.PHONY: help install test-provider frontend frontend-check spec-lint run test test-api test-e2e lint format openapi migrate demo clean bench bench-data mutation lighthouse

help:
	@echo "make run      install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test     install and run every test (lint, frontend, API on SQLite [+PostgreSQL], browser)"
	@echo "make openapi  write openapi/openapi.json from the app (and the frontend types)"
	@echo "make spec-lint  lint the spec with Spectral and Redocly (0 warnings; part of make test)"
	@echo "make bench-data / make bench   municipality-scale data, then every benchmark (BENCH_DATABASE_URL)"
	@echo "make mutation mutation-test the rule modules (mutation/modules.toml) and print the table (slow; not in make test)"

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

$(OIDC_STAMP): tests/sso/provider/package-lock.json
	cd tests/sso/provider && npm ci --no-audit --no-fund
	rm -f tests/sso/provider/node_modules/.installed-*
	touch $(OIDC_STAMP)

test-provider: $(OIDC_STAMP)

frontend: $(NPM_STAMP)
	cd frontend && npm run build

# The committed types must match the committed spec before the build regenerates them.
frontend-check: $(NPM_STAMP)
	cd frontend && npm run check:api-drift && npm run typecheck && npm test

$(SPEC_NPM_STAMP): openapi/package-lock.json
	cd openapi && npm ci --no-audit --no-fund
	rm -f openapi/node_modules/.installed-*
	touch $(SPEC_NPM_STAMP)

# The committed spec through Spectral (spectral:oas) and Redocly (recommended): any warning fails.
spec-lint: $(SPEC_NPM_STAMP)
	cd openapi && npm run --silent lint

migrate: install
	$(BIN)/trivsel db upgrade

demo: migrate
	$(BIN)/trivsel demo --if-empty

run: install frontend demo
	$(BIN)/trivsel serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check api tests bench mutation gunicorn.conf.py
	$(BIN)/ruff format --check api tests bench mutation gunicorn.conf.py

format: install
	$(BIN)/ruff check --fix api tests bench mutation gunicorn.conf.py
	$(BIN)/ruff format api tests bench mutation gunicorn.conf.py

openapi: install
	$(PY) -m api.cli openapi
	cd frontend && ( test -d node_modules || npm ci --no-audit --no-fund ) && npm run gen:api

test-api: install $(OIDC_STAMP)
	$(BIN)/pytest tests --ignore=tests/e2e $(PYTEST_ARGS)

test-e2e: install frontend $(OIDC_STAMP)
	$(BIN)/pytest tests/e2e -p no:xdist

# The browser tests run on their own, one at a time: timing-sensitive, they should not compete for the two cores.
test: install lint spec-lint frontend-check frontend $(OIDC_STAMP)
	$(BIN)/pytest tests --ignore=tests/e2e $(PYTEST_ARGS)
	$(BIN)/pytest tests/e2e -p no:xdist

# 50 schools, 30,000 students, three school years of history, written in bulk into $(BENCH_DATABASE_URL).
bench-data: install
	$(PY) bench/make_data.py

# Every benchmark in bench/ against that data: one table, also written to bench/RESULTS.md.
bench: install
	command -v wrk >/dev/null || apt-get install -y wrk
	command -v valgrind >/dev/null || apt-get install -y valgrind
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/trivsel db upgrade
	$(PY) bench/run_all.py

# Mutation testing: mutmut on each rule module against its own domain's tests (one worker, SQLite, niced,
# a time bound per module). MUTATION_ARGS: e.g. "--only calendar" or "--retest-survivors".
MUTATION_STAMP := $(VENV)/.installed-mutation-$(shell cksum pyproject.toml | cut -d' ' -f1)
MUTATION_ARGS ?=
$(MUTATION_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[dev,mutation]'
	touch $(MUTATION_STAMP)

mutation: $(MUTATION_STAMP)
	nice -n 19 $(PY) mutation/run.py $(MUTATION_ARGS)

# Lighthouse (mobile) on the cold login screen and the cold quick log, in Debian's Chromium; kept out of `make test`.
lighthouse: install frontend
	cd frontend/perf && ( test -d node_modules || npm ci --no-audit --no-fund )
	$(PY) frontend/perf/run.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist tests/sso/provider/node_modules .pytest_cache .ruff_cache
