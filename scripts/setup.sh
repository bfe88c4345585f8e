#!/usr/bin/env bash
# Installs what iamgate needs on Debian 12 (only what is missing).
set -euo pipefail
packages=(build-essential cmake ninja-build libsimdjson-dev clang-14 llvm-14
          libclang-rt-14-dev lld-14 python3 python3-jsonschema valgrind nginx nginx-dev wrk curl
          libbenchmark-tools python3-scipy)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
