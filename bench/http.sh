#!/usr/bin/env bash
# HTTP benchmark: shopd's /healthz and /readyz under wrk, next to pgbench -S on
# the same throwaway cluster. Informational: exits 0 unless something broke.
# Usage: bench/http.sh
# Env:   BENCH_SECONDS (10) per run; REF_TRIVIAL_RPS (70000) trivial-handler reference.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$SHOP_ROOT"
export LC_ALL=C # "." decimal point for printf/awk on wrk's and pgbench's numbers

secs=${BENCH_SECONDS:-10}
ref=${REF_TRIVIAL_RPS:-70000}
[[ $secs =~ ^[1-9][0-9]*$ ]] || shop_die "BENCH_SECONDS must be a positive integer"
[[ $ref =~ ^[1-9][0-9]*$ ]] || shop_die "REF_TRIVIAL_RPS must be a positive integer"

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
pg_args=(-h 127.0.0.1 -p "$SHOP_PG_PORT" -U postgres)
"$SHOP_PGBIN/createdb" "${pg_args[@]}" shopd

# Died during startup or under load: show its log and fail.
check_alive() {
  kill -0 "$shopd_pid" 2>/dev/null && return 0
  tail -n 30 "$SHOP_TMP/shopd.log" >&2
  shop_die "shopd exited ($1); log above"
}

http_port=$("$SHOP_PG" free-port)
base="http://127.0.0.1:$http_port"
SHOPD_LISTEN="127.0.0.1:$http_port" \
  SHOPD_DATABASE_URL="postgresql://postgres@127.0.0.1:$SHOP_PG_PORT/shopd" \
  SHOPD_LOG_LEVEL=warn SHOPD_ENV=development \
  build/release/bin/shopd serve >"$SHOP_TMP/shopd.log" 2>&1 &
shopd_pid=$!

shop_log "waiting for $base/healthz"
code=000
for ((i = 0; i < 300; i++)); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/healthz" || true)
  [[ $code == 200 ]] && break
  check_alive "during startup"
  sleep 0.1
done
[[ $code == 200 ]] || shop_die "GET /healthz did not answer 200 within 30 s (last: $code)"

# run_wrk ROUTE: wrk output on stderr; on stdout "req/s p50 p99 errors", where
# errors counts non-2xx/3xx answers and socket errors.
run_wrk() {
  local out
  shop_log "wrk -t1 -c64 -d${secs}s --latency $base$1"
  out=$(wrk -t1 -c64 -d"${secs}s" --latency "$base$1")
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

healthz=$(run_wrk /healthz)
readyz=$(run_wrk /readyz)
read -r h_rps h_p50 h_p99 h_err <<<"$healthz"
read -r r_rps r_p50 r_p99 r_err <<<"$readyz"

shop_log "pgbench -S -M prepared -c8 -j2 -T $secs (scale 1, own database)"
"$SHOP_PGBIN/createdb" "${pg_args[@]}" pgbench
"$SHOP_PGBIN/pgbench" "${pg_args[@]}" -i -s 1 -q pgbench >"$SHOP_TMP/pgbench-init.log" 2>&1 ||
  { cat "$SHOP_TMP/pgbench-init.log" >&2; shop_die "pgbench -i failed"; }
pgb=$("$SHOP_PGBIN/pgbench" "${pg_args[@]}" -S -M prepared -c8 -j2 -T "$secs" pgbench 2>&1)
printf '%s\n' "$pgb" >&2
tps=$(awk '/^tps = / { print $3; exit }' <<<"$pgb")
[[ -n $tps ]] || shop_die "could not read pgbench tps"
check_alive "while pgbench ran"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

echo
printf '%-10s %10s %10s %10s %7s %11s %11s\n' route req/s p50 p99 errors vs_trivial vs_pgbench
for row in "/healthz $h_rps $h_p50 $h_p99 $h_err" "/readyz $r_rps $r_p50 $r_p99 $r_err"; do
  read -r route rps p50 p99 err <<<"$row"
  printf '%-10s %10.0f %10s %10s %7d %11s %11s\n' "$route" "$rps" "$p50" "$p99" "$err" \
    "$(ratio "$rps" "$ref")" "$(ratio "$rps" "$tps")"
done
printf '%-10s %10.0f   (pgbench -S -M prepared -c8 -j2, tps; trivial reference %s req/s)\n' pgbench "$tps" "$ref"

verdict=$(awk -v r="$r_rps" -v t="$tps" 'BEGIN { print (r >= 0.5 * t) ? "PASS" : "FAIL" }')
if ((r_err > 0)); then
  verdict="FAIL ($r_err errors on /readyz, so its req/s does not count)"
fi
echo "note: $verdict: /readyz $(ratio "$r_rps" 1) req/s vs 0.5 x pgbench $(ratio "$tps" 1) tps (informational)"
