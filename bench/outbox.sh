#!/usr/bin/env bash
# Outbox benchmark: command transactions per second with and without publishing an event (the
# outbox's cost to a command), deliveries per second to two subscribers whose handlers write a row
# (claim, handler, mark handled) claimed one at a time and 32 at a time, and end-to-end events per
# second while publishing and delivering at once; next to pgbench's TPC-B-like transactions on the
# same cluster in the same run (fsync off: these are CPU and round-trip costs, not the disk's).
# Informational: exits 0 unless something broke.
# Usage: bench/outbox.sh
# Env:   BENCH_EVENTS (20000) events per phase; BENCH_PUBLISHERS (8) publishing threads;
#        BENCH_SECONDS (pgbench), BENCH_ROUNDS (see bench/lib.sh).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

events=$(bench_positive BENCH_EVENTS "${BENCH_EVENTS:-20000}")
publishers=$(bench_positive BENCH_PUBLISHERS "${BENCH_PUBLISHERS:-8}")

bench_init shopd outbox_bench
build/release/bin/shopd migrate >"$SHOP_TMP/migrate.log" 2>&1 ||
  { cat "$SHOP_TMP/migrate.log" >&2; shop_die "shopd migrate failed"; }

measure() {
  local key unit rate label out="$SHOP_TMP/outbox.txt"
  shop_log "outbox_bench: $events events, $publishers publishing threads, 2 subscribers," \
    "2 dispatching threads"
  build/release/bin/outbox_bench "$SHOPD_DATABASE_URL" "$events" "$publishers" >"$out"
  while read -r key unit rate label; do
    bench_row "$key" "$label" "$unit" "$rate"
  done <"$out"
  bench_pgbench pgbench_tpcb "pgbench TPC-B-like" tpcb
}
bench_repeat measure

bench_compare publish_event publish_plain
bench_compare deliver_32 deliver_1
bench_table pgbench_tpcb
