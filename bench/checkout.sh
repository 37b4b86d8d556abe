#!/usr/bin/env bash
# Checkout benchmark, with pgbench's TPC-B-like figure measured in the same run: full checkouts per
# second, each POST /api/v1/orders (one line, a product at random of BENCH_PRODUCTS, a fresh
# Idempotency-Key) and then, once its 201 is in, POST /api/v1/payments/confirm of its total_amount
# with a fresh payment_key, which shopd confirms with the payment gateway: shopd-pg-standin on
# loopback, started here. Only checkouts whose confirm answered 200 count; p50 and p99 are those of
# the whole checkout (from sending the order to the confirm's answer). Target: at least 0.4 of
# TPC-B's transactions/s.
# Informational: exits 0 unless something broke, and a confirm answered anything but 200 is broken.
# Usage: bench/checkout.sh
# Env:   BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_WRK_THREADS, BENCH_NO_BUILD (see
#        bench/lib.sh); BENCH_PRODUCTS (10000) products to order from.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

products=$(bench_positive BENCH_PRODUCTS "${BENCH_PRODUCTS:-10000}")
bench_init shopd shopd-pg-standin
# No order may expire during the run, and no limit may stop it.
export SHOPD_PAYMENT_TTL=24h
bench_start_standin
bench_start_shopd
bench_seed_orders "$products"

# wrk asks for a request whenever a connection is free: a confirm that is due goes first, else a new
# order. X-Request-Id, which shopd answers with, ties each answer to its checkout. The counts and the
# checkouts' latencies are globals of each thread, summed in done() (thread:get).
cat "$SHOP_TMP/order.lua" - >"$SHOP_TMP/checkout.lua" <<'LUA'
-- wrk's Lua has no wall clock (os.clock is CPU time, os.time whole seconds): CLOCK_MONOTONIC (1) in ms.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local now = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, now)
  return tonumber(now.tv_sec) * 1e3 + tonumber(now.tv_nsec) / 1e6
end

completed, pending, refused_orders, refused_confirms = 0, 0, 0, 0
latencies = {}     -- ms, one per completed checkout
first_refusal = "" -- the first answer that was not the expected one, for the script to show
local n = 0
local started = {} -- checkout number -> when its order was sent
local due, first, last = {}, 1, 0 -- the confirms to send, first come first served

function request()
  if first <= last then
    local c = due[first]
    due[first] = nil
    first = first + 1
    local headers = customer_headers({ ["X-Request-Id"] = "c-" .. c.n })
    return wrk.format("POST", "/api/v1/payments/confirm", headers,
      '{"order_id":"' .. c.order .. '","payment_key":"' .. bench_key(c.n) .. '","amount":' .. c.amount .. '}')
  end
  n = n + 1
  started[n] = now_ms()
  return place_order({ ids[math.random(#ids)] }, bench_key(n), { ["X-Request-Id"] = "o-" .. n })
end

local function refused(status, body)
  if first_refusal == "" then first_refusal = status .. " " .. body:gsub("%s+", " ") end
end

function response(status, headers, body)
  local kind, k = (headers["X-Request-Id"] or ""):match("^([oc])%-(%d+)$")
  k = tonumber(k)
  if kind == "o" then
    local order, amount = body:match('"id":"([^"]+)"'), body:match('"total_amount":(%d+)')
    if status == 201 and order and amount then
      last = last + 1
      due[last] = { n = k, order = order, amount = amount }
    else
      refused_orders = refused_orders + 1
      started[k] = nil
      refused(status, body)
    end
  elseif kind == "c" then
    if status == 200 then
      completed = completed + 1
      latencies[#latencies + 1] = now_ms() - started[k]
    elseif status == 202 then
      pending = pending + 1
      refused(status, body)
    else
      refused_confirms = refused_confirms + 1
      refused(status, body)
    end
    started[k] = nil
  else
    refused_confirms = refused_confirms + 1
    refused(status, "(no X-Request-Id of ours) " .. body)
  end
end

-- "checkout_stats COMPLETED SECONDS P50_MS P99_MS PENDING REFUSED_ORDERS REFUSED_CONFIRMS", and the
-- first refusal of any thread.
function done(summary)
  local all, refusal = {}, ""
  local sums = { completed = 0, pending = 0, refused_orders = 0, refused_confirms = 0 }
  for _, t in ipairs(threads) do
    for name in pairs(sums) do sums[name] = sums[name] + t:get(name) end
    for _, v in ipairs(t:get("latencies")) do all[#all + 1] = v end
    if refusal == "" then refusal = t:get("first_refusal") end
  end
  table.sort(all)
  local function at(p) return #all > 0 and string.format("%.3f", all[math.floor(#all * p) + 1]) or "-" end
  io.write(string.format("checkout_stats %d %.3f %s %s %d %d %d\n", sums.completed,
    summary.duration / 1e6, at(0.5), at(0.99), sums.pending, sums.refused_orders, sums.refused_confirms))
  if refusal ~= "" then io.write("first refusal: " .. refusal:sub(1, 500) .. "\n") end
end
LUA

# Over every round: what the database must agree with at the end.
total_completed=0
total_failed=0
measure() {
  local out="$SHOP_TMP/wrk-checkout.txt" before ticks rps p50 p99 refused socket requests
  local completed seconds c50 c99 pending refused_orders refused_confirms rate failed stats
  bench_pgbench tpcb "pgbench TPC-B-like" tpcb
  before=$(bench_cpu_ticks)
  bench_wrk_run checkout -s "$SHOP_TMP/checkout.lua" "$BENCH_SHOPD"
  ticks=$(($(bench_cpu_ticks) - before))
  bench_check_alive "under load (checkout)"
  stats=$(bench_wrk_stats checkout)
  read -r rps p50 p99 refused socket requests <<<"$stats"
  read -r completed seconds c50 c99 pending refused_orders refused_confirms < <(awk '
    $1 == "checkout_stats" { print $2, $3, $4, $5, $6, $7, $8; found = 1 }
    END { if (!found) print "" }' "$out")
  [[ -n ${refused_confirms:-} ]] || { cat "$out" >&2; shop_die "no checkout_stats in wrk's output"; }
  # A 202 (the gateway's answer unknown) is not a completed checkout either.
  failed=$((socket + refused_orders + refused_confirms + pending))
  ((failed == 0)) ||
    { cat "$out" >&2; shop_log "checkout: $failed failed (its wrk output is above)"; }
  rate=$(awk -v n="$completed" -v s="$seconds" 'BEGIN { printf "%.2f\n", (s > 0) ? n / s : 0 }')
  shop_log "checkout: $completed completed in $seconds s ($rate/s), p50 $c50 ms, p99 $c99 ms;" \
    "$pending answered 202, $refused_orders orders and $refused_confirms confirms refused," \
    "$socket socket errors; $requests requests ($rps/s), p50 $p50 ms, p99 $p99 ms each"
  bench_row checkout "checkout (POST /orders + confirm)" chk/s "$rate" "$c50" "$c99" "$failed" \
    "$(bench_cpu_per "$ticks" "$completed")"
  bench_row requests "  its requests, orders and confirms" req/s "$rps" "$p50" "$p99" \
    "$((refused + socket))" "$(bench_cpu_per "$ticks" "$requests")"
  total_completed=$((total_completed + completed))
  total_failed=$((total_failed + failed))
}
bench_repeat measure

bench_target checkout tpcb 0.4
bench_table tpcb
echo "A checkout is two requests; its p50 and p99 run from sending the order to the confirm's answer."
echo "cpu_us includes the gateway stand-in's CPU (shopd-pg-standin on $BENCH_STANDIN)."

# What the database says happened: every completed checkout is a completed payment of a paid order.
# Confirms still in flight when wrk stopped may have completed since: at most one per connection.
counts=$(bench_psql -Atq -F ' ' -c "
  SELECT (SELECT count(*) FROM payments.payments WHERE status = 'completed'),
         (SELECT count(*) FROM orders.orders WHERE status = 'paid')")
read -r paid_payments paid_orders <<<"$counts"
echo "database: $paid_payments payments completed, $paid_orders orders paid;" \
  "wrk saw $total_completed checkouts completed"
((total_failed == 0)) || shop_die "$total_failed checkouts failed (a confirm not answered 200, an order" \
  "refused or a socket error): the log above shows wrk's output and the first refusal"
((total_completed > 0 && paid_payments > 0)) || shop_die "no checkout completed"
((paid_orders == paid_payments)) ||
  shop_die "$paid_payments payments completed but $paid_orders orders paid: they must be equal"
((paid_payments >= total_completed)) ||
  shop_die "wrk counted $total_completed checkouts, but only $paid_payments payments completed"
((paid_payments <= total_completed + BENCH_CONNECTIONS * BENCH_ROUNDS)) ||
  shop_die "$paid_payments payments completed, far more than the $total_completed checkouts wrk counted"
