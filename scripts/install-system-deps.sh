#!/usr/bin/env bash
# Installs the Debian packages the full test suite uses (as root; re-runs itself with sudo otherwise).
# Each package serves tests that skip without it on a developer machine, and fail under CI=true.
set -euo pipefail
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then exec sudo "$0" "$@"; fi
packages=(
  python3-jwcrypto   # independent JOSE implementation that verifies our evidence tokens
  nginx              # real gateway (auth_request) in the end-to-end tests
  caddy              # real gateway (forward_auth) in the end-to-end tests
  chromium           # real headless browser for the tray status-window tests (test/renderer)
  postgresql         # PostgreSQL store tests: each test starts its own throwaway cluster
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts nginx on port 80 after installing it; the tests start their own on loopback.
if command -v nginx >/dev/null && [ -f /run/nginx.pid ]; then nginx -s stop 2>/dev/null || true; fi
