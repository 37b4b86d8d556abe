#!/usr/bin/env bash
# Lint the OpenAPI document shopd serves (`shopd openapi`) with a pinned Redocly CLI and its
# recommended rules; redocly.yaml turns off the few that do not apply, each with its reason.
# Errors and warnings both fail.
# Usage: scripts/lint-openapi.sh [SHOPD]      SHOPD defaults to build/release/bin/shopd
# Needs npx (scripts/deps.sh installs nodejs and npm when it is missing) and, until npx has cached
# the pinned version, the npm registry.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$SHOP_ROOT"

readonly redocly=@redocly/cli@2.77.0
shopd=${1:-build/release/bin/shopd}
[[ -x $shopd ]] || shop_die "$shopd is missing: build it first (source scripts/lib.sh; shop_build_config release)"
command -v npx >/dev/null || shop_die "npx is missing: run scripts/deps.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/shopd-openapi.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
"$shopd" openapi >"$tmp/openapi.json"

rc=0
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  npx --yes "$redocly" lint --config redocly.yaml "$tmp/openapi.json" 2>&1 | tee "$tmp/lint.log" || rc=$?
# Redocly exits 0 on warnings alone; its summary then reads "You have N warning(s)."
if ((rc == 0)) && grep -qE 'You have [0-9]+ warnings?' "$tmp/lint.log"; then rc=1; fi
((rc == 0)) || shop_log "lint-openapi: the served OpenAPI document breaks the rules above"
exit "$rc"
