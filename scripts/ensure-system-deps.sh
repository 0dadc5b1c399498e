#!/usr/bin/env bash
# Debian packages the tests need: chromium (the /docs page test) and shellcheck (the rendered setup
# scripts must be shellcheck-clean). Idempotent and quiet when both are present; installs them with
# apt-get when missing (the project machines run as root with Debian's package mirror).
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  echo "usage: bash scripts/ensure-system-deps.sh"
  echo "Installs the Debian packages the tests need (chromium, shellcheck) when missing; run by 'pnpm test'."
  exit 0
fi
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages for the tests: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
