#!/bin/sh
# Renders the Pulse nginx configuration from its templates and the environment.
#
# Runs at container start-up (web image entrypoint) and in `make test-deploy`, so upstream host
# names are whatever the environment says (service names in Compose / Kubernetes, loopback
# addresses in the tests) and need no DNS when the files are written.
#
# Usage: render.sh [OUTPUT_DIR]   (default: $PULSE_NGINX_CONF_DIR, /etc/nginx/pulse)
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
: "${PULSE_NGINX_TEMPLATES:=$here}"
out=${1:-${PULSE_NGINX_CONF_DIR:-/etc/nginx/pulse}}

# Space- or comma-separated host:port list of the ASGI servers.
: "${PULSE_API_UPSTREAMS:=api:8000}"
: "${PULSE_LISTEN_PORT:=8080}"
: "${PULSE_SPA_ROOT:=/usr/share/nginx/html}"
: "${PULSE_NGINX_RUN_DIR:=/tmp/nginx}"
: "${PULSE_NGINX_MODULES_DIR:=/usr/lib/nginx/modules}"
: "${PULSE_MIME_TYPES:=/etc/nginx/mime.types}"
# Addresses (CIDRs) of the proxies in front of this nginx whose X-Forwarded-For is trusted.
# Empty when nginx is the edge (Compose); the ingress controllers' pod range in Kubernetes.
: "${PULSE_TRUSTED_PROXIES:=}"
# $scheme at the edge; $http_x_forwarded_proto behind a TLS-terminating ingress.
: "${PULSE_FORWARDED_PROTO:=\$scheme}"
# Must match the app's request body cap (2 MiB, SPEC §12).
: "${PULSE_MAX_BODY_BYTES:=2097152}"
: "${PULSE_AUTH_RATE:=30r/m}"
: "${PULSE_AUTH_BURST:=10}"
: "${PULSE_ADMIN_LOGIN_RATE:=10r/m}"
: "${PULSE_ADMIN_LOGIN_BURST:=5}"
: "${PULSE_WS_READ_TIMEOUT:=75s}"

case $PULSE_MAX_BODY_BYTES in
    '' | *[!0-9]*) echo "render.sh: PULSE_MAX_BODY_BYTES must be a number of bytes" >&2; exit 2 ;;
esac
PULSE_MAX_BODY_SIZE=$((PULSE_MAX_BODY_BYTES / 1024))k

PULSE_API_SERVERS=
for server in $(printf '%s' "$PULSE_API_UPSTREAMS" | tr ',' ' '); do
    PULSE_API_SERVERS="${PULSE_API_SERVERS}    server ${server} max_fails=1 fail_timeout=5s;
"
done
if [ -z "$PULSE_API_SERVERS" ]; then
    echo "render.sh: PULSE_API_UPSTREAMS is empty" >&2
    exit 2
fi

PULSE_REAL_IP=
for proxy in $(printf '%s' "$PULSE_TRUSTED_PROXIES" | tr ',' ' '); do
    PULSE_REAL_IP="${PULSE_REAL_IP}    set_real_ip_from ${proxy};
"
done
if [ -n "$PULSE_REAL_IP" ]; then
    PULSE_REAL_IP="${PULSE_REAL_IP}    real_ip_header X-Forwarded-For;
    real_ip_recursive on;
"
fi

PULSE_NGINX_LOAD_MODULES=
PULSE_BROTLI=
if [ -f "$PULSE_NGINX_MODULES_DIR/ngx_http_brotli_filter_module.so" ]; then
    PULSE_NGINX_LOAD_MODULES="load_module $PULSE_NGINX_MODULES_DIR/ngx_http_brotli_filter_module.so;"
    PULSE_BROTLI="    include brotli.conf;"
fi

export PULSE_API_SERVERS PULSE_LISTEN_PORT PULSE_SPA_ROOT PULSE_NGINX_RUN_DIR PULSE_REAL_IP \
    PULSE_FORWARDED_PROTO PULSE_MAX_BODY_SIZE PULSE_MAX_BODY_BYTES PULSE_AUTH_RATE PULSE_AUTH_BURST \
    PULSE_ADMIN_LOGIN_RATE PULSE_ADMIN_LOGIN_BURST PULSE_WS_READ_TIMEOUT PULSE_NGINX_LOAD_MODULES PULSE_BROTLI

# Only these names are substituted: nginx's own $variables pass through untouched.
# shellcheck disable=SC2016  # literal ${NAME}s: envsubst's list of names to substitute
names='${PULSE_API_SERVERS} ${PULSE_LISTEN_PORT} ${PULSE_SPA_ROOT} ${PULSE_NGINX_RUN_DIR} ${PULSE_REAL_IP}
${PULSE_FORWARDED_PROTO} ${PULSE_MAX_BODY_SIZE} ${PULSE_MAX_BODY_BYTES} ${PULSE_AUTH_RATE} ${PULSE_AUTH_BURST}
${PULSE_ADMIN_LOGIN_RATE} ${PULSE_ADMIN_LOGIN_BURST} ${PULSE_WS_READ_TIMEOUT} ${PULSE_NGINX_LOAD_MODULES}
${PULSE_BROTLI}'

mkdir -p "$out/conf.d" "$PULSE_NGINX_RUN_DIR"
envsubst "$names" < "$PULSE_NGINX_TEMPLATES/nginx.conf.template" > "$out/nginx.conf"
envsubst "$names" < "$PULSE_NGINX_TEMPLATES/pulse.conf.template" > "$out/conf.d/pulse.conf"
for include in security-headers.conf proxy.conf brotli.conf; do
    cp "$PULSE_NGINX_TEMPLATES/$include" "$out/$include"
done
cp "$PULSE_MIME_TYPES" "$out/mime.types"
echo "render.sh: wrote $out/nginx.conf (upstreams: $PULSE_API_UPSTREAMS)"
