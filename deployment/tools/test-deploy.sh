#!/usr/bin/env bash
# `make test-deploy`: install the validators (once), then run deployment/tests with the backend's
# venv Python (the scale-out test drives real uvicorn, Celery, PostgreSQL, Redis and nginx).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deployment/tools/install.sh
export PATH="$PWD/.deploy-tools/venv/bin:$PWD/.deploy-tools/npm/node_modules/.bin:$PATH"
exec .venv/bin/python -m pytest -c deployment/pytest.ini deployment/tests "$@"
