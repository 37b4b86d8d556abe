#!/usr/bin/env bash
# Order benchmark, with pgbench's TPC-B-like figure measured in the same run:
# - orders placed per second, one line each, on distinct products (spread at random over
#   BENCH_PRODUCTS) and all on one hot product. Each is a transaction with the Idempotency-Key
#   claim, the stock reservation, the order, its lines and OrderPlaced in the outbox.
#   Target: on distinct products at least 0.5 of TPC-B's transactions/s (issue 11).
# - one client placing 1,000-line orders: p50 and p99. Target: p50 under 50 ms (issue 11).
# Informational: exits 0 unless something broke.
# Usage: bench/orders.sh
# Env:   BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_WRK_THREADS (see bench/lib.sh);
#        BENCH_PRODUCTS (10000) products for the distinct-product run.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

products=${BENCH_PRODUCTS:-10000}
bench_positive BENCH_PRODUCTS "$products"
bench_init shopd
# No order may expire during the run, and no limit may stop it.
export SHOPD_PAYMENT_TTL=24h
bench_start_shopd

build/release/bin/shopd seed-demo >"$SHOP_TMP/seed-demo.log" 2>&1 ||
  { cat "$SHOP_TMP/seed-demo.log" >&2; shop_die "shopd seed-demo failed"; }
password=$(awk '$1 == "customer" && $2 == "demo_customer" { print $3 }' "$SHOP_TMP/seed-demo.log")
[[ -n $password ]] || { cat "$SHOP_TMP/seed-demo.log" >&2; shop_die "no password for demo_customer"; }
json='Content-Type: application/json'
token=$(curl -sf -H "$json" -d "{\"username\":\"demo_customer\",\"password\":\"$password\"}" \
  "$BENCH_SHOPD/api/v1/auth/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])') ||
  shop_die "could not log in as demo_customer"
address=$(curl -sf -H "$json" -H "Authorization: Bearer $token" \
  -d '{"recipient":"김지우","phone":"010-1234-5678","zip_code":"06236","line1":"서울 강남구 테헤란로 1"}' \
  "$BENCH_SHOPD/api/v1/me/addresses" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') ||
  shop_die "could not add an address"

pg_args=(-h 127.0.0.1 -p "$SHOP_PG_PORT" -U postgres -d shopd -v ON_ERROR_STOP=1)
shop_log "$products products with stock enough for the whole run, and one hot product"
"$SHOP_PGBIN/psql" "${pg_args[@]}" -q -v n="$products" <<'SQL'
INSERT INTO catalog.products (id, seller_id, name, price, on_hand, created_at, updated_at)
SELECT gen_random_uuid(), (SELECT id FROM users.accounts WHERE username = 'demo_seller'), 'Bench item ' || i,
       1000 + i, 100000000, now(), now()
FROM generate_series(1, :n + 1) AS i;
ANALYZE catalog.products;
SQL
"$SHOP_PGBIN/psql" "${pg_args[@]}" -Atq -c "SELECT id FROM catalog.products WHERE name LIKE 'Bench item %'" \
  >"$SHOP_TMP/ids"
hot=$(head -n 1 "$SHOP_TMP/ids")

# One line per order, a fresh Idempotency-Key per request (wrk's thread id and a counter).
cat >"$SHOP_TMP/orders.lua" <<LUA
ids = {}
for line in io.lines("$SHOP_TMP/ids") do ids[#ids + 1] = line end
local counter = 0
thread_id = 0  -- a global: setup() sets it in each thread
local mode = os.getenv("BENCH_ORDER_MODE")
local lines_per_order = tonumber(os.getenv("BENCH_ORDER_LINES") or "1")
function setup(thread) thread:set("thread_id", math.random(1, 1e9)) end
function request()
  counter = counter + 1
  local items = {}
  for i = 1, lines_per_order do
    local id
    if mode == "hot" then id = "$hot"
    elseif lines_per_order > 1 then id = ids[i + 1]
    else id = ids[math.random(2, #ids)] end
    items[#items + 1] = '{"product_id":"' .. id .. '","quantity":1}'
  end
  local body = '{"address_id":"$address","items":[' .. table.concat(items, ",") .. ']}'
  return wrk.format("POST", "/api/v1/orders", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $token",
    ["Idempotency-Key"] = "bench-" .. thread_id .. "-" .. counter .. "-" .. os.time(),
  }, body)
end
LUA
((products >= 1000)) || shop_die "BENCH_PRODUCTS must be at least 1000 for the 1,000-line orders"

measure() {
  bench_pgbench tpcb "pgbench TPC-B-like" tpcb
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
bench_table tpcb
echo "1,000-line orders: target p50 under 50 ms (the p50 column of the 'big' row)."
