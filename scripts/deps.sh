#!/usr/bin/env bash
# Install the Debian packages shopd needs, plus any given as arguments.
# A fast no-op when all are installed. Usage: scripts/deps.sh [EXTRA_PACKAGE...]
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev
  libsoci-dev libpq-dev libsodium-dev libfmt-dev catch2 postgresql-15
  libcurl4-openssl-dev python3-aiosmtpd wrk curl
  libssl-dev openssl ca-certificates
  clang-format clang-tidy ccache
  "$@"
)
# Node and npm, for scripts/lint-openapi.sh (npx fetches the pinned Redocly CLI). Only when npx is
# missing: NodeSource's nodejs brings its own npm and conflicts with Debian's npm package.
command -v npx >/dev/null || packages+=(nodejs npm)

# One dpkg-query for all of them; packages dpkg has never heard of only
# produce a message on stderr (and a non-zero status), so they count as missing.
declare -A installed=()
while read -r state name; do
  [[ $state == installed ]] && installed[$name]=1
done < <(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${packages[@]}" 2>/dev/null || true)

missing=()
for p in "${packages[@]}"; do
  [[ -n ${installed[$p]:-} ]] || missing+=("$p")
done
((${#missing[@]})) || exit 0

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null ||
    { echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "deps.sh: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -q
# --no-upgrade: without it, naming e.g. libpq-dev upgrades the installed
# PostgreSQL packages and restarts running clusters.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends --no-upgrade "${missing[@]}"
