#!/usr/bin/env bash
# Installs every Debian package pim needs to build, test and run (Debian 12 "bookworm").
# Fast when nothing is missing: it asks dpkg first and only runs apt-get when a package is absent.
# Uses sudo when not root. Safe to run repeatedly.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpqxx-dev libssl-dev openssl libsodium-dev
  liboath-dev oathtool libqrencode-dev libcli11-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libhowardhinnant-date-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpam0g-dev libgoogle-perftools-dev
  nginx wrk python3 nodejs npm clang-format
)

installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)
  [[ "$status" == ii* ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if installed "$pkg"; then
    continue
  fi
  # NodeSource's nodejs package bundles npm and conflicts with Debian's npm package: installing
  # Debian's npm would remove that nodejs. An npm on PATH counts as installed.
  if [[ "$pkg" == npm ]] && command -v npm >/dev/null 2>&1; then
    continue
  fi
  missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  SUDO=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
