#!/usr/bin/env bash
# Installs what the chart-fetching tests need from Debian's archive: `docker-registry` (the
# CNCF distribution registry the tests start on 127.0.0.1) and `apache2-utils` (htpasswd, for
# the registry's basic auth). Needs root or sudo; does nothing when both are present.
set -euo pipefail
if command -v docker-registry >/dev/null && command -v htpasswd >/dev/null; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Waits for the dpkg lock (an unattended upgrade, or the editor deps installing at the same time)
# instead of failing at once.
apt_wait=(-o DPkg::Lock::Timeout=600)
$SUDO apt-get "${apt_wait[@]}" update -qq
$SUDO apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends docker-registry apache2-utils >/dev/null
# the package starts a system service on :5000; the tests start their own registries
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then $SUDO systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi
