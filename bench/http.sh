#!/usr/bin/env bash
# HTTP benchmark: shopd's /healthz (the whole edge, no work behind it) and /readyz (one primary-key
# read on the read pool) under wrk, next to their ceilings measured in the same run: the trivial
# Beast handler (bench/trivial_server.cpp) and pgbench -S on the same cluster.
# Target: /readyz at least 0.5 of pgbench -S. Informational: exits 0 unless something broke.
# Usage: bench/http.sh
# Env:   BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_WRK_THREADS (see bench/lib.sh).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

bench_init shopd trivial_http_server
bench_start_shopd
bench_start_trivial

measure() {
  bench_wrk trivial "trivial Beast handler" "$BENCH_TRIVIAL/"
  bench_wrk healthz "GET /healthz" "$BENCH_SHOPD/healthz"
  bench_wrk readyz "GET /readyz" "$BENCH_SHOPD/readyz"
  bench_pgbench pgbench_s "pgbench -S" select
}
bench_repeat measure

bench_target readyz pgbench_s 0.5
bench_table trivial pgbench_s
