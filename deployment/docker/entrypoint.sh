#!/bin/sh
# Entrypoint of the backend image: the first argument picks the process.
#   api      uvicorn serving HTTP and websockets (ASGI)
#   worker   Celery worker
#   beat     Celery beat (exactly one per deployment)
#   migrate  apply database migrations, then exit
#   manage   any manage.py command, e.g. `manage createsuperuser`
set -eu

role=${1:-api}
[ "$#" -gt 0 ] && shift
# The health check reads which process this container runs.
printf '%s\n' "$role" > /tmp/pulse-role 2>/dev/null || true

case $role in
    api)
        # SIGTERM: uvicorn stops accepting, closes every websocket with 1012 (service restart) so
        # clients reconnect to another replica and resume, and waits for requests in flight.
        exec uvicorn config.asgi:application \
            --host 0.0.0.0 --port "${PORT:-8000}" \
            --lifespan on \
            --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
            --no-server-header \
            --ws-per-message-deflate false \
            --ws-ping-interval "${WS_PING_INTERVAL:-20}" --ws-ping-timeout "${WS_PING_TIMEOUT:-20}" \
            --timeout-graceful-shutdown "${GRACEFUL_SHUTDOWN_SECONDS:-20}" \
            "$@"
        ;;
    worker)
        exec celery -A config worker -l "${CELERY_LOG_LEVEL:-info}" \
            --concurrency "${CELERY_CONCURRENCY:-2}" --pool prefork "$@"
        ;;
    beat)
        exec celery -A config beat -l "${CELERY_LOG_LEVEL:-info}" \
            --schedule /tmp/celerybeat-schedule --pidfile= "$@"
        ;;
    migrate)
        exec python manage.py migrate --no-input "$@"
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
