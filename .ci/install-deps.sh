#!/usr/bin/env bash
# Install the Debian/Ubuntu packages reid-check needs to build and test, if any is missing.
set -euo pipefail
pkgs=(gcc make cmake pkg-config libcsv-dev libxxhash-dev libjansson-dev libcmocka-dev zlib1g-dev
  libssl-dev)
[ "${1:-}" = "--with-valgrind" ] && pkgs+=(valgrind)
[ "${1:-}" = "--with-clang" ] && pkgs+=(clang) # libFuzzer (make fuzz)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
