#!/usr/bin/env bash
# Storefront benchmark: GET /api/v1/products/{id} and a 20-item list page under wrk, next to a
# trivial Beast handler and pgbench -S measured in the same run on the same machine, with ratios.
# Informational: exits 0 unless something broke.
# Usage: bench/catalog.sh
# Before measuring, every product page is read once, so the cache holds all of them; after, the
# script reports shopd's RSS with that many products cached.
# Env:   BENCH_SECONDS (10) per run; BENCH_PRODUCTS (100000) products in the catalog, the detail
#        requests spread over all of them at random;
#        TRIVIAL_URL: the trivial handler to compare with. Unset, the script starts
#        build/release/bin/trivial_http_server (--listen 127.0.0.1:0, prints its port) if the build
#        has it, else it falls back to shopd's own /healthz and says so.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$SHOP_ROOT"
export LC_ALL=C # "." decimal point for printf/awk on wrk's and pgbench's numbers

secs=${BENCH_SECONDS:-10}
products=${BENCH_PRODUCTS:-100000}
[[ $secs =~ ^[1-9][0-9]*$ ]] || shop_die "BENCH_SECONDS must be a positive integer"
[[ $products =~ ^[1-9][0-9]*$ ]] || shop_die "BENCH_PRODUCTS must be a positive integer"

scripts/deps.sh
shop_build_config release

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      wait "$pid" 2>/dev/null || true
    fi
  done
  shop_throwaway_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

shop_throwaway_start
pg_args=(-h 127.0.0.1 -p "$SHOP_PG_PORT" -U postgres)
"$SHOP_PGBIN/createdb" "${pg_args[@]}" shopd

http_port=$("$SHOP_PG" free-port)
base="http://127.0.0.1:$http_port"
SHOPD_LISTEN="127.0.0.1:$http_port" SHOPD_CONFIG=/dev/null \
  SHOPD_DATABASE_URL="postgresql://postgres@127.0.0.1:$SHOP_PG_PORT/shopd" \
  SHOPD_LOG_LEVEL=warn SHOPD_ACCESS_LOG=false SHOPD_ENV=development SHOPD_DEV_KEY_FILE="$SHOP_TMP/dev.keys" \
  build/release/bin/shopd serve >"$SHOP_TMP/shopd.log" 2>&1 &
shopd_pid=$!
pids+=("$shopd_pid")

check_alive() {
  kill -0 "$shopd_pid" 2>/dev/null && return 0
  tail -n 30 "$SHOP_TMP/shopd.log" >&2
  shop_die "shopd exited ($1); log above"
}
shop_log "waiting for $base/readyz"
for ((i = 0; i < 300; i++)); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/readyz" || true) == 200 ]] && break
  check_alive "during startup"
  sleep 0.1
done

shop_log "$products products, with names, descriptions and stock"
"$SHOP_PGBIN/psql" "${pg_args[@]}" -q -d shopd -v ON_ERROR_STOP=1 -v n="$products" <<'SQL'
INSERT INTO catalog.products (id, seller_id, name, description, price, category, on_hand, created_at, updated_at)
SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad((i % 50)::text, 12, '0'))::uuid,
       (ARRAY['녹차 티백', 'Green tea', '사과 1kg', 'Ceramic teapot', 'Coffee beans'])[1 + i % 5] || ' ' || i,
       repeat('A product description of a realistic length. ', 4), 1000 + (i * 37) % 90000,
       (ARRAY['tea', 'fruit', 'kitchen'])[1 + i % 3], 100, now() - i * interval '1 second', now()
FROM generate_series(1, :n) AS i;
ANALYZE catalog.products;
SQL
"$SHOP_PGBIN/psql" "${pg_args[@]}" -Atq -d shopd -c "SELECT id FROM catalog.products" >"$SHOP_TMP/ids"
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
response = function() if i >= #ids then wrk.thread:stop() end end
EOF
cat "$SHOP_TMP/ids.lua" - >"$SHOP_TMP/detail.lua" <<'EOF'
math.randomseed(42)
request = function() return wrk.format("GET", "/api/v1/products/" .. ids[math.random(#ids)]) end
EOF
shop_log "reading each product page once, to fill the cache"
wrk -t1 -c16 -d10m -s "$SHOP_TMP/warm.lua" "$base/api/v1/products/x" >/dev/null
check_alive "while the cache filled"
cached() {
  curl -s "$base/metrics" | awk -v c="$1" '$1 == "shopd_catalog_cache_entries{cache=\"" c "\"}" { print $2 }'
}

trivial=${TRIVIAL_URL:-}
trivial_label="trivial handler"
if [[ -z $trivial && -x build/release/bin/trivial_http_server ]]; then
  build/release/bin/trivial_http_server --listen 127.0.0.1:0 >"$SHOP_TMP/trivial.out" 2>&1 &
  pids+=("$!")
  port=
  for ((i = 0; i < 100; i++)); do
    port=$(grep -Eo '[0-9]{2,5}' "$SHOP_TMP/trivial.out" | tail -n 1 || true)
    [[ -n $port ]] && break
    sleep 0.05
  done
  [[ -n $port ]] || shop_die "trivial_http_server printed no port"
  trivial="http://127.0.0.1:$port/"
fi
if [[ -z $trivial ]]; then
  trivial="$base/healthz"
  trivial_label="shopd /healthz (no trivial handler: set TRIVIAL_URL)"
fi

# run_wrk URL [SCRIPT]: wrk output on stderr; on stdout "req/s p50 p99 errors".
run_wrk() {
  local out
  local -a script=()
  [[ -n ${2:-} ]] && script=(-s "$2")
  shop_log "wrk -t1 -c64 -d${secs}s --latency ${script[*]} $1"
  out=$(wrk -t1 -c64 -d"${secs}s" --latency "${script[@]}" "$1")
  printf '%s\n' "$out" >&2
  check_alive "under load on $1"
  awk '
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i++) { gsub(",", "", $i); if ($i ~ /^[0-9]+$/) err += $i } }
    END { if (rps == "") exit 1; printf "%s %s %s %d\n", rps, p50, p99, err }
  ' <<<"$out" || shop_die "could not read wrk output for $1"
}

read -r t_rps t_p50 t_p99 t_err <<<"$(run_wrk "$trivial")"
read -r d_rps d_p50 d_p99 d_err <<<"$(run_wrk "$base/api/v1/products/x" "$SHOP_TMP/detail.lua")"
read -r l_rps l_p50 l_p99 l_err <<<"$(run_wrk "$base/api/v1/products?limit=20")"

shop_log "pgbench -S -M prepared -c8 -j2 -T $secs (scale 1, own database)"
"$SHOP_PGBIN/createdb" "${pg_args[@]}" pgbench
"$SHOP_PGBIN/pgbench" "${pg_args[@]}" -i -s 1 -q pgbench >"$SHOP_TMP/pgbench-init.log" 2>&1 ||
  { cat "$SHOP_TMP/pgbench-init.log" >&2; shop_die "pgbench -i failed"; }
pgb=$("$SHOP_PGBIN/pgbench" "${pg_args[@]}" -S -M prepared -c8 -j2 -T "$secs" pgbench 2>&1)
printf '%s\n' "$pgb" >&2
tps=$(awk '/^tps = / { print $3; exit }' <<<"$pgb")
[[ -n $tps ]] || shop_die "could not read pgbench tps"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

echo
printf '%-16s %10s %10s %10s %7s %11s %11s\n' what req/s p50 p99 errors vs_trivial vs_pgbench
for row in "trivial $t_rps $t_p50 $t_p99 $t_err" "product_detail $d_rps $d_p50 $d_p99 $d_err" \
  "list_page_20 $l_rps $l_p50 $l_p99 $l_err"; do
  read -r what rps p50 p99 err <<<"$row"
  printf '%-16s %10.0f %10s %10s %7d %11s %11s\n' "$what" "$rps" "$p50" "$p99" "$err" \
    "$(ratio "$rps" "$t_rps")" "$(ratio "$rps" "$tps")"
done
printf '%-16s %10.0f   (pgbench -S -M prepared -c8 -j2, tps)\n' pgbench "$tps"
rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$shopd_pid/status")
peak=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$shopd_pid/status")
echo "memory: shopd RSS ${rss} MiB (peak ${peak} MiB) with $(cached products) of $products product pages" \
  "and $(cached lists) list pages cached"
echo "trivial: $trivial_label, $trivial"
echo "targets: product_detail >= 0.6 x trivial: $(ratio "$d_rps" "$t_rps"); list_page_20 >= 0.3 x trivial: $(ratio "$l_rps" "$t_rps")"
((d_err + l_err == 0)) || echo "note: errors above: those req/s do not count"
