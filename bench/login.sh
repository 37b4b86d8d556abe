#!/usr/bin/env bash
# Login benchmark: POST /api/v1/auth/login throughput and latency at the configured Argon2id cost,
# and /healthz latency alone and while logins saturate the hashing pool (hashing must never stall
# the I/O threads); then what a signed-in request costs: GET /me (token check, session row, profile
# decrypted) next to /readyz (one primary-key read). Informational: exits 0 unless something broke.
# Usage: bench/login.sh
# Env:   BENCH_SECONDS (10) per run; SHOPD_PASSWORD_OPS_LIMIT / SHOPD_PASSWORD_MEMORY_MIB pass through.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$SHOP_ROOT"
export LC_ALL=C

secs=${BENCH_SECONDS:-10}
[[ $secs =~ ^[1-9][0-9]*$ ]] || shop_die "BENCH_SECONDS must be a positive integer"

scripts/deps.sh
shop_build_config release

shopd_pid=
cleanup() {
  if [[ -n $shopd_pid ]] && kill -0 "$shopd_pid" 2>/dev/null; then
    kill "$shopd_pid"
    wait "$shopd_pid" 2>/dev/null || true
  fi
  shop_throwaway_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

shop_throwaway_start
"$SHOP_PGBIN/createdb" -h 127.0.0.1 -p "$SHOP_PG_PORT" -U postgres shopd
http_port=$("$SHOP_PG" free-port)
base="http://127.0.0.1:$http_port"
export SHOPD_LISTEN="127.0.0.1:$http_port" SHOPD_DATABASE_URL="postgresql://postgres@127.0.0.1:$SHOP_PG_PORT/shopd"
export SHOPD_CONFIG=/dev/null SHOPD_LOG_LEVEL=warn SHOPD_ACCESS_LOG=false SHOPD_ENV=development
export SHOPD_DEV_KEY_FILE="$SHOP_TMP/dev.keys" SHOPD_MAIL_DIR="$SHOP_TMP/mail"
# The benchmark logs in thousands of times as one user: lift the abuse limits out of the way.
export SHOPD_LOGIN_LIMIT_PER_USERNAME=1000000 SHOPD_LOGIN_LIMIT_PER_ADDRESS=1000000

printf 'bench password\n' | build/release/bin/shopd create-admin --username bench_user >/dev/null
build/release/bin/shopd serve >"$SHOP_TMP/shopd.log" 2>&1 &
shopd_pid=$!
for ((i = 0; i < 300; i++)); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/healthz" || true) == 200 ]] && break
  kill -0 "$shopd_pid" 2>/dev/null || { tail -n 30 "$SHOP_TMP/shopd.log" >&2; shop_die "shopd exited"; }
  sleep 0.1
done

cat >"$SHOP_TMP/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"bench_user","password":"bench password"}'
LUA

# wrk_stats: "req/s p50 p99 non2xx" from wrk --latency output on stdin.
wrk_stats() {
  awk '
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    END { if (rps == "") exit 1; printf "%s %s %s %d\n", rps, p50, p99, err }'
}

shop_log "/healthz alone: wrk -t1 -c4 -d${secs}s"
read -r idle_rps idle_p50 idle_p99 _ < <(wrk -t1 -c4 -d"${secs}s" --latency "$base/healthz" | wrk_stats)
shop_log "logins: wrk -t1 -c16 -d${secs}s POST /api/v1/auth/login, with /healthz probed alongside"
wrk -t1 -c16 -d"${secs}s" --latency -s "$SHOP_TMP/login.lua" "$base/api/v1/auth/login" >"$SHOP_TMP/login.out" &
login_pid=$!
sleep 1
read -r busy_rps busy_p50 busy_p99 _ < <(wrk -t1 -c4 -d"$((secs - 2 > 1 ? secs - 2 : 1))s" --latency "$base/healthz" | wrk_stats)
wait "$login_pid"
read -r login_rps login_p50 login_p99 login_err < <(wrk_stats <"$SHOP_TMP/login.out")
kill -0 "$shopd_pid" 2>/dev/null || shop_die "shopd exited under load"

token=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"bench_user","password":"bench password"}' \
  "$base/api/v1/auth/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])') ||
  shop_die "could not log in for the GET /me run"
shop_log "signed-in reads: wrk -t1 -c64 -d${secs}s GET /api/v1/me, then GET /readyz"
read -r me_rps me_p50 me_p99 me_err < <(wrk -t1 -c64 -d"${secs}s" --latency -H "Authorization: Bearer $token" \
  "$base/api/v1/me" | wrk_stats)
read -r ready_rps ready_p50 ready_p99 _ < <(wrk -t1 -c64 -d"${secs}s" --latency "$base/readyz" | wrk_stats)
kill -0 "$shopd_pid" 2>/dev/null || shop_die "shopd exited under load"

echo
echo "Argon2id cost: t=${SHOPD_PASSWORD_OPS_LIMIT:-2}, m=${SHOPD_PASSWORD_MEMORY_MIB:-19} MiB; hashing threads: ${SHOPD_PASSWORD_THREADS:-one per core}"
printf '%-34s %10s %10s %10s %8s\n' run req/s p50 p99 non-2xx
printf '%-34s %10.1f %10s %10s %8d\n' "POST /auth/login (c16)" "$login_rps" "$login_p50" "$login_p99" "$login_err"
printf '%-34s %10.0f %10s %10s\n' "GET /healthz alone (c4)" "$idle_rps" "$idle_p50" "$idle_p99"
printf '%-34s %10.0f %10s %10s\n' "GET /healthz during logins (c4)" "$busy_rps" "$busy_p50" "$busy_p99"
printf '%-34s %10.0f %10s %10s %8d
' "GET /me signed in (c64)" "$me_rps" "$me_p50" "$me_p99" "$me_err"
printf '%-34s %10.0f %10s %10s
' "GET /readyz (c64)" "$ready_rps" "$ready_p50" "$ready_p99"
awk -v a="$me_rps" -v b="$ready_rps" 'BEGIN { printf "GET /me vs /readyz: %.2f of the throughput\n", (b > 0) ? a / b : 0 }'
