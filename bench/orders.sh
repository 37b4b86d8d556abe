#!/usr/bin/env bash
# Order benchmark, with pgbench's TPC-B-like figure measured in the same run:
# - orders placed per second, one line each, on distinct products (spread at random over
#   BENCH_PRODUCTS) and all on one hot product. Each is a transaction with the Idempotency-Key
#   claim, the stock reservation, the order, its lines and OrderPlaced in the outbox.
#   Target: on distinct products at least 0.5 of TPC-B's transactions/s (issue 11).
# - the floor under that target: bench/order_floor.sql in pgbench, the five writes a one-line order
#   must make and nothing else (no HTTP, no shopd), as a reference beside TPC-B.
# - one client placing 1,000-line orders: p50 and p99. Target: p50 under 50 ms (issue 11).
# Informational: exits 0 unless something broke.
# Usage: bench/orders.sh
# Env:   BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_WRK_THREADS (see bench/lib.sh);
#        BENCH_PRODUCTS (10000) products for the distinct-product run.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

products=$(bench_positive BENCH_PRODUCTS "${BENCH_PRODUCTS:-10000}")
bench_init shopd
# No order may expire during the run, and no limit may stop it.
export SHOPD_PAYMENT_TTL=24h
bench_start_shopd
bench_seed_orders "$((products + 1))" # the first is the hot product

# One line per order, a fresh Idempotency-Key per request (wrk's thread id and a counter).
cat "$SHOP_TMP/order.lua" - >"$SHOP_TMP/orders.lua" <<'LUA'
local counter = 0
local mode = os.getenv("BENCH_ORDER_MODE")
local lines_per_order = tonumber(os.getenv("BENCH_ORDER_LINES") or "1")
function request()
  counter = counter + 1
  local products = {}
  for i = 1, lines_per_order do
    if mode == "hot" then products[i] = ids[1]
    elseif lines_per_order > 1 then products[i] = ids[i + 1]
    else products[i] = ids[math.random(2, #ids)] end
  end
  return place_order(products, bench_key(counter))
end
LUA
((products >= 1000)) || shop_die "BENCH_PRODUCTS must be at least 1000 for the 1,000-line orders"

measure() {
  bench_pgbench tpcb "pgbench TPC-B-like" tpcb
  bench_pgbench floor "pgbench order_floor.sql, 5 writes" script bench/order_floor.sql \
    -D products="$products" -D customer="$BENCH_CUSTOMER_ID" -D seller="$BENCH_SELLER_ID"
  BENCH_ORDER_MODE=distinct bench_wrk distinct "POST /orders, 1 line, distinct products" \
    -s "$SHOP_TMP/orders.lua" "$BENCH_SHOPD"
  BENCH_ORDER_MODE=hot bench_wrk hot "POST /orders, 1 line, one hot product" \
    -s "$SHOP_TMP/orders.lua" "$BENCH_SHOPD"
  BENCH_ORDER_LINES=1000 bench_wrk big "POST /orders, 1,000 lines (c1)" -c1 --timeout 10s \
    -s "$SHOP_TMP/orders.lua" "$BENCH_SHOPD"
}
bench_repeat measure

bench_target distinct tpcb 0.5
bench_compare hot tpcb
bench_compare floor tpcb
bench_table tpcb floor
echo "1,000-line orders: target p50 under 50 ms (the p50 column of the 'big' row)."
