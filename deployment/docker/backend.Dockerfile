# syntax=docker/dockerfile:1.7
# Pulse backend: one image for the api (uvicorn, ASGI), the Celery worker and Celery beat,
# selected by the command (entrypoint.sh): api | worker | beat | migrate | manage ARGS.
# Build from the repository root: docker build -f deployment/docker/backend.Dockerfile .

ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# ---- builder: every dependency as a wheel (the local pulsekit package included), then a venv
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY packages/pulsekit/ packages/pulsekit/
COPY backend/pyproject.toml backend/requirements.lock backend/
COPY backend/config/ backend/config/
COPY backend/pulse/ backend/pulse/
RUN python -m pip wheel --wheel-dir /wheels -c backend/requirements.lock ./packages/pulsekit ./backend \
    && rm /wheels/pulse_backend-*.whl \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-index --find-links /wheels /wheels/*.whl \
    && /opt/venv/bin/python -m compileall -q /opt/venv/lib

# ---- runtime: the venv and the source, no compilers, no pip cache
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.django.production \
    PORT=8000
RUN groupadd --system --gid 10001 pulse \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin pulse
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app/backend
COPY backend/manage.py ./
COPY backend/config/ config/
COPY backend/pulse/ pulse/
COPY backend/templates/ templates/
COPY deployment/docker/entrypoint.sh /usr/local/bin/pulse-entrypoint
COPY deployment/docker/healthcheck.py /usr/local/bin/pulse-healthcheck
# Hashed, compressed static files (manifest storage) collected at build time: the running
# containers never write them and never serve from finders. The key is a build-time placeholder.
RUN python -m compileall -q /app/backend \
    && SECRET_KEY=collectstatic-only-build-time-placeholder-key \
       python manage.py collectstatic --no-input -v 0 \
    && chmod 0755 /usr/local/bin/pulse-entrypoint /usr/local/bin/pulse-healthcheck
# Numeric user: Kubernetes runAsNonRoot can verify it. The root filesystem may be read-only;
# only /tmp must be writable (beat's schedule, the role marker for the health check).
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["pulse-healthcheck"]
ENTRYPOINT ["pulse-entrypoint"]
CMD ["api"]
