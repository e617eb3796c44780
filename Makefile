# Pulse: `make run` to use it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Named by the Python manifests' content (see NODE_STAMP below for why not by time).
PY_MANIFESTS := backend/pyproject.toml backend/requirements.lock packages/pulsekit/pyproject.toml
STAMP := $(VENV)/.installed-$(shell cat $(PY_MANIFESTS) 2>/dev/null | sha256sum | cut -c1-16)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Tests talk to the real servers on 127.0.0.1 unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pulse
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help install lock run worker beat test lint typecheck test-backend test-packages test-deploy services bench bench-web clean \
	node-install chromium types check-types frontend-build test-frontend test-e2e dev

help:
	@echo "make run    - install, migrate, load demo data and serve on http://localhost:8000"
	@echo "make test   - start PostgreSQL/Redis if needed, then lint, type-check and run every test"
	@echo "make bench  - benchmarks in bench/ (writes bench/results/*.json)"
	@echo "make bench-web - SPA bundle sizes, time to a usable projects page and a change painted in another browser (Chromium)"

$(STAMP):
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c backend/requirements.lock -e packages/pulsekit -e 'backend[dev,embedded]'
	@touch $(STAMP)

install: $(STAMP)

# Re-pin the whole transitive set after a change to backend/pyproject.toml (make install uses it).
lock: $(STAMP)
	cd backend && ../$(PY) -m piptools compile -q --extra dev --extra embedded --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-trusted-host --no-emit-find-links -o requirements.lock pyproject.toml

run: $(STAMP) frontend/dist/.built
	$(PY) backend/scripts/serve.py

worker: $(STAMP)
	cd backend && ../$(PY) -m pulse.ops.processes worker

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

# --- Web app and the ProjectCard package (npm workspaces at the root) ---
# The stamp is named by the manifests' content, not compared by time: a fresh checkout (whose files are
# all newer than an existing node_modules) does not reinstall, and a changed lock file always does.
NODE_MANIFESTS := package-lock.json package.json frontend/package.json packages/project-card/package.json
NODE_STAMP := node_modules/.pulse-installed-$(shell cat $(NODE_MANIFESTS) 2>/dev/null | sha256sum | cut -c1-16)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

$(NODE_STAMP):
	@command -v npm >/dev/null || { echo "Node.js 20+ with npm is needed for the web app" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

node-install: $(NODE_STAMP)

# Browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@test -x /usr/bin/chromium || bash scripts/ensure-chromium.sh

# Regenerate the SPA's API types from the backend's OpenAPI schema.
types: $(STAMP) $(NODE_STAMP)
	cd backend && DATABASE_URL=$(TEST_DATABASE_URL) ../$(PY) manage.py spectacular --file ../var/schema.yaml
	npx openapi-typescript var/schema.yaml -o frontend/src/types/api.d.ts

# Fails when the committed types differ from what the backend's schema generates now.
check-types: $(STAMP) $(NODE_STAMP)
	@mkdir -p var
	cd backend && DATABASE_URL=$(TEST_DATABASE_URL) ../$(PY) manage.py spectacular --file ../var/schema-check.yaml
	npx openapi-typescript var/schema-check.yaml -o var/api-check.d.ts >/dev/null
	@diff -u frontend/src/types/api.d.ts var/api-check.d.ts >/dev/null || { \
	  echo "frontend/src/types/api.d.ts is out of date with the backend's schema: run 'make types'" >&2; \
	  diff -u frontend/src/types/api.d.ts var/api-check.d.ts | head -40 >&2; exit 1; }
	@echo "API types match the backend's schema"

# Built only when a source changed; the ASGI server serves frontend/dist at / (pulse.common.spa).
SPA_SOURCES := $(shell find frontend/src frontend/public packages/project-card/src -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts packages/project-card/vite.config.ts package-lock.json
frontend/dist/.built: $(NODE_STAMP) $(SPA_SOURCES)
	npm run build -w @pulse-ui/project-card --silent -- --logLevel warn
	npm run build -w frontend --silent -- --logLevel warn
	@touch $@

frontend-build: frontend/dist/.built

test-frontend: $(NODE_STAMP) chromium check-types
	npm run build -w @pulse-ui/project-card
	npm run lint -w @pulse-ui/project-card
	npm run typecheck -w @pulse-ui/project-card
	npm run test -w @pulse-ui/project-card
	npm run test:pack -w @pulse-ui/project-card
	cd frontend && npx eslint . && npx tsc -b --noEmit && npx vitest run
	npm run build -w frontend
	@touch frontend/dist/.built
	$(MAKE) --no-print-directory test-e2e

# Browser tests (frontend/e2e, Playwright in Debian's Chromium) against the real server on a scratch
# database `pulse_e2e_*` with the seed_e2e data; screenshots, server log and report in frontend/e2e/artifacts/.
E2E_DATABASE_URL ?= $(TEST_DATABASE_URL)
E2E_REDIS_URL ?= $(TEST_REDIS_URL)
test-e2e: $(STAMP) $(NODE_STAMP) chromium services frontend-build
	cd frontend && PULSE_E2E_SKIP_BUILD=1 PYTHON=../$(PY) E2E_DATABASE_URL=$(E2E_DATABASE_URL) \
	  E2E_REDIS_URL=$(E2E_REDIS_URL) npx playwright test

dev: $(STAMP) $(NODE_STAMP)
	npm run build -w @pulse-ui/project-card
	@echo "API on :8000 (make run in another terminal), Vite with hot reload on http://localhost:5173/"
	cd frontend && npx vite

# Deployment files through their validators, and the scale-out test behind nginx (deployment/).
test-deploy: $(STAMP) services
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) bash deployment/tools/test-deploy.sh

test: lint typecheck test-packages test-backend test-frontend test-deploy

bench: $(STAMP) services
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) bench/api_bench.py

# The web app's budgets (not part of make test): initial JavaScript from the build's manifest, then
# /projects with 2,000 projects in Chromium against a scratch stack, beside the API's list latency.
bench-web: $(STAMP) services chromium frontend/dist/.built
	$(PY) bench/spa_bundle.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/spa_ttu.py
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/live_paint.py

clean:
	rm -rf $(VENV) var backend/.pytest_cache
