# syntax=docker/dockerfile:1.7
# Pulse web: the SPA built in a Node stage, served by nginx (numeric non-root user), which also
# proxies /api, /admin, /static and /ws to the api service. Build from the repository root:
#   docker build -f deployment/docker/web.Dockerfile .

ARG NODE_IMAGE=node:20.19-bookworm-slim
ARG NGINX_IMAGE=nginx:1.30-alpine

# ---- build: npm workspaces (frontend + packages/project-card), lockfile only
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
COPY frontend/package.json frontend/package.json
COPY packages/project-card/package.json packages/project-card/package.json
RUN npm ci --no-audit --no-fund
COPY packages/project-card/ packages/project-card/
COPY frontend/ frontend/
RUN npm run build

# ---- runtime: static files + the nginx templates, rendered at start-up
FROM ${NGINX_IMAGE} AS runtime
ENV PULSE_NGINX_TEMPLATES=/etc/pulse/nginx \
    PULSE_NGINX_CONF_DIR=/etc/nginx/pulse \
    PULSE_NGINX_RUN_DIR=/tmp/nginx \
    PULSE_SPA_ROOT=/usr/share/nginx/html \
    PULSE_LISTEN_PORT=8080
RUN rm -rf /usr/share/nginx/html/* /etc/nginx/conf.d/default.conf \
    && mkdir -p /etc/nginx/pulse \
    && chown 101:101 /etc/nginx/pulse
COPY deployment/nginx/ /etc/pulse/nginx/
COPY --from=build /src/frontend/dist/ /usr/share/nginx/html/
# 101 is the image's nginx user. The root filesystem may be read-only: the rendered config goes
# to /etc/nginx/pulse and nginx's pid and temp files to /tmp (both writable volumes then).
USER 101:101
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/bin/sh", "-c", "/etc/pulse/nginx/render.sh \"$PULSE_NGINX_CONF_DIR\" && exec nginx -c \"$PULSE_NGINX_CONF_DIR/nginx.conf\" -g 'daemon off;'"]
