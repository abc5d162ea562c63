#!/usr/bin/env bash
# Installs the Debian packages the build, the stack and the tests need.
# The list below is the only one; a second run is instant (dpkg-query only).
set -euo pipefail

packages=(
  build-essential pkg-config clang libclang-rt-14-dev
  libfcgi-dev libmariadb-dev libsodium-dev libssl-dev libjansson-dev
  libcurl4-openssl-dev libutf8proc-dev libicu-dev wamerican-small
  libzxcvbn-dev
  libnginx-mod-nchan
  mariadb-server mariadb-client nginx-light spawn-fcgi multiwatch
  galera-4 rsync lsof iproute2
  python3 python3-pytest valgrind wrk openssl curl
  cracklib-runtime john-data chromium
  dpkg-dev debhelper fakeroot lintian
)
# Node.js may come from another Debian-format repository (with npm inside);
# only when a command is missing is Debian's package added.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing packages; install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
