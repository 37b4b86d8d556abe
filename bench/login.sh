#!/usr/bin/env bash
# Login benchmark, two parts, with the trivial Beast handler and pgbench -S measured in the same run:
# - what a signed-in read costs: GET /api/v1/me as the demo customer (token check, session and account
#   in one read, three fields decrypted) next to GET /readyz (one primary-key read on the same pool).
#   Target: GET /me at least 0.8 of /readyz (issue 8).
# - POST /api/v1/auth/login at the configured Argon2id cost (16 clients), and /healthz alone and while
#   logins keep the hashing pool busy: hashing must never stall the I/O threads.
# Informational: exits 0 unless something broke.
# Usage: bench/login.sh
# Env:   BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_WRK_THREADS (see bench/lib.sh);
#        SHOPD_PASSWORD_OPS_LIMIT / SHOPD_PASSWORD_MEMORY_MIB / SHOPD_PASSWORD_THREADS pass through.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

bench_init shopd trivial_http_server
# The benchmark logs in thousands of times as one user: lift the abuse limits out of the way.
export SHOPD_LOGIN_LIMIT_PER_USERNAME=1000000 SHOPD_LOGIN_LIMIT_PER_ADDRESS=1000000
bench_start_shopd
bench_start_trivial

# The demo customer has an e-mail, a name and a phone, sealed as every customer's are, so GET /me
# decrypts three fields (an account from create-admin has none). seed-demo prints its password once.
build/release/bin/shopd seed-demo >"$SHOP_TMP/seed-demo.log" 2>&1 ||
  { cat "$SHOP_TMP/seed-demo.log" >&2; shop_die "shopd seed-demo failed"; }
password=$(awk '$1 == "customer" && $2 == "demo_customer" { print $3 }' "$SHOP_TMP/seed-demo.log")
[[ -n $password ]] ||
  { cat "$SHOP_TMP/seed-demo.log" >&2; shop_die "no password for demo_customer in seed-demo's output"; }
credentials="{\"username\":\"demo_customer\",\"password\":\"$password\"}"
cat >"$SHOP_TMP/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$credentials'
LUA

measure() {
  local token
  # A fresh token each round: a long run must not outlive the access token's 15 minutes.
  token=$(curl -sf -H 'Content-Type: application/json' -d "$credentials" "$BENCH_SHOPD/api/v1/auth/login" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])') ||
    shop_die "could not log in for the GET /me run"
  bench_wrk trivial "trivial Beast handler" "$BENCH_TRIVIAL/"
  bench_wrk readyz "GET /readyz" "$BENCH_SHOPD/readyz"
  bench_wrk me "GET /api/v1/me signed in" -H "Authorization: Bearer $token" "$BENCH_SHOPD/api/v1/me"
  bench_pgbench pgbench_s "pgbench -S" select

  bench_wrk healthz_idle "GET /healthz alone (c4)" -c4 "$BENCH_SHOPD/healthz"
  # --timeout: on a busy machine a login waits for the hashing pool longer than wrk's default 2 s.
  bench_wrk_run login -c16 --timeout 10s -s "$SHOP_TMP/login.lua" "$BENCH_SHOPD/api/v1/auth/login" &
  local login_pid=$!
  # The probe starts once the hashing pool is full and stops before the logins do.
  sleep 1
  bench_wrk_run healthz_busy -c4 -d"$((BENCH_SECONDS > 3 ? BENCH_SECONDS - 2 : 1))s" "$BENCH_SHOPD/healthz"
  wait "$login_pid"
  bench_wrk_record healthz_busy "GET /healthz during logins (c4)"
  bench_wrk_record login "POST /api/v1/auth/login (c16)"
}
bench_repeat measure

bench_target me readyz 0.8
bench_compare healthz_busy healthz_idle
bench_table trivial pgbench_s
echo "Argon2id cost: t=${SHOPD_PASSWORD_OPS_LIMIT:-2}, m=${SHOPD_PASSWORD_MEMORY_MIB:-19} MiB;" \
  "hashing threads: ${SHOPD_PASSWORD_THREADS:-one per core}"
