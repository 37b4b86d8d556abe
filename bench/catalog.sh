#!/usr/bin/env bash
# Storefront benchmark: GET /api/v1/products/{id} spread at random over every product, and the first
# 20-item page of GET /api/v1/products, next to the trivial Beast handler and pgbench -S measured in
# the same run. Targets (issue 10): product detail at least 0.6 of the trivial handler, the list page
# at least 0.3; shopd's RSS with every product page cached is reported (to stay under 256 MiB).
# Before measuring, every product page is read once, so the cache holds all of them.
# Informational: exits 0 unless something broke.
# Usage: bench/catalog.sh
# Env:   BENCH_SECONDS, BENCH_ROUNDS, BENCH_WRK_THREADS (see bench/lib.sh); BENCH_CONNECTIONS
#        (64 here); BENCH_PRODUCTS (100000) products in the catalog.
set -euo pipefail
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
products=$(bench_positive BENCH_PRODUCTS "${BENCH_PRODUCTS:-100000}")

bench_init shopd trivial_http_server
bench_start_shopd
shopd_pid=$BENCH_SPAWNED
bench_start_trivial

shop_log "$products products, with names, descriptions and stock"
bench_psql -q -v n="$products" <<'SQL'
INSERT INTO catalog.products (id, seller_id, name, description, price, category, on_hand, created_at, updated_at)
SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad((i % 50)::text, 12, '0'))::uuid,
       (ARRAY['녹차 티백', 'Green tea', '사과 1kg', 'Ceramic teapot', 'Coffee beans'])[1 + i % 5] || ' ' || i,
       repeat('A product description of a realistic length. ', 4), 1000 + (i * 37) % 90000,
       (ARRAY['tea', 'fruit', 'kitchen'])[1 + i % 3], 100, now() - i * interval '1 second', now()
FROM generate_series(1, :n) AS i;
ANALYZE catalog.products;
SQL
bench_psql -Atq -c "SELECT id FROM catalog.products" >"$SHOP_TMP/ids"
cat >"$SHOP_TMP/ids.lua" <<EOF
ids = {}
for line in io.lines("$SHOP_TMP/ids") do ids[#ids + 1] = line end
EOF
cat "$SHOP_TMP/ids.lua" - >"$SHOP_TMP/warm.lua" <<'EOF'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/products/" .. ids[(i - 1) % #ids + 1])
end
EOF
# The requests are formatted once, up front: formatting one per request cost wrk's Lua about 8 us
# against 4 us for picking one, on a machine whose two cores wrk shares with the server, and the
# trivial handler's run (no script) pays neither.
cat "$SHOP_TMP/ids.lua" - >"$SHOP_TMP/detail.lua" <<'EOF'
math.randomseed(42)
local requests = {}
for i, id in ipairs(ids) do requests[i] = wrk.format("GET", "/api/v1/products/" .. id) end
request = function() return requests[math.random(#requests)] end
EOF
cached() {
  curl -s "$BENCH_SHOPD/metrics" | awk -v c="$1" '$1 == "shopd_catalog_cache_entries{cache=\"" c "\"}" { print $2 }'
}
# wrk cannot end itself early (its main thread sleeps out -d whatever the script does), so it is
# interrupted once the cache holds every page, or has held no more for two seconds (its memory is
# full). Run to its -d, it aged the first pages towards the product TTL and the measurement met a
# cold cache.
shop_log "reading each product page once, to fill the cache"
wrk -t1 -c16 -d10m -s "$SHOP_TMP/warm.lua" "$BENCH_SHOPD/api/v1/products/x" >"$SHOP_TMP/warm.txt" &
warm_pid=$!
held=0 still=0
while ((held < products && still < 4)); do
  kill -0 "$warm_pid" 2>/dev/null || { cat "$SHOP_TMP/warm.txt" >&2; shop_die "wrk ended before the cache filled"; }
  sleep 0.5
  now=$(cached products)
  if ((now > held)); then held=$now still=0; elif ((held > 0)); then still=$((still + 1)); fi
done
kill -INT "$warm_pid"
wait "$warm_pid" || { cat "$SHOP_TMP/warm.txt" >&2; shop_die "wrk failed while the cache filled"; }
bench_check_alive "while the cache filled"

measure() {
  bench_wrk trivial "trivial Beast handler" "$BENCH_TRIVIAL/"
  bench_wrk detail "GET /api/v1/products/{id}" -s "$SHOP_TMP/detail.lua" "$BENCH_SHOPD/api/v1/products/x"
  bench_wrk list "GET /api/v1/products?limit=20" "$BENCH_SHOPD/api/v1/products?limit=20"
  bench_pgbench pgbench_s "pgbench -S" select
}
bench_repeat measure

bench_target detail trivial 0.6
bench_target list trivial 0.3
bench_table trivial pgbench_s

rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$shopd_pid/status")
peak=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$shopd_pid/status")
echo "memory: shopd RSS ${rss} MiB (peak ${peak} MiB; target: under 256 MiB) with $(cached products)" \
  "of $products product pages and $(cached lists) list pages cached"
