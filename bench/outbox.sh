#!/usr/bin/env bash
# Outbox benchmark: events per second published (in the command's own transaction), delivered to
# two subscribers (claim + handler write + mark handled) and end to end, on a throwaway cluster
# (fsync off: these are CPU and round-trip costs, not the disk's). Prints ratios against the same
# transactions without an event and against a dispatcher that claims one delivery at a time.
# Usage: bench/outbox.sh
# Env:   BENCH_EVENTS (20000) events per phase; BENCH_PUBLISHERS (8) publishing threads.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$SHOP_ROOT"

events=${BENCH_EVENTS:-20000}
publishers=${BENCH_PUBLISHERS:-8}
[[ $events =~ ^[1-9][0-9]*$ ]] || shop_die "BENCH_EVENTS must be a positive integer"
[[ $publishers =~ ^[1-9][0-9]*$ ]] || shop_die "BENCH_PUBLISHERS must be a positive integer"

scripts/deps.sh
shop_build_config release

trap shop_throwaway_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
shop_throwaway_start
"$SHOP_PGBIN/createdb" -h 127.0.0.1 -p "$SHOP_PG_PORT" -U postgres shopd
url="postgresql://postgres@127.0.0.1:$SHOP_PG_PORT/shopd"

SHOPD_DATABASE_URL=$url SHOPD_CONFIG=/dev/null SHOPD_LOG_LEVEL=warn build/release/bin/shopd migrate
build/release/bin/outbox_bench "$url" "$events" "$publishers"
