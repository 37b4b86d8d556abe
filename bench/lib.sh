# shellcheck shell=bash
# What every bench/*.sh shares: the Release build, a throwaway PostgreSQL, shopd and the trivial
# Beast handler on free ports, wrk and pgbench runs, and one table whose ratios all come from this
# run (the machine is shared and noisy: a figure from another run is no reference). Source it after
# `set -euo pipefail`; it sources scripts/lib.sh and works from the repository root.
#
#   bench_init TARGET...        build the Release TARGETs, start the cluster, create database shopd
#                               and export the SHOPD_* settings every shopd command of the run uses
#   bench_start_shopd           `shopd serve` on a free port; sets BENCH_SHOPD (its base URL)
#   bench_start_trivial         trivial_http_server with shopd's I/O thread count; sets BENCH_TRIVIAL
#   bench_start_standin         shopd-pg-standin (the payment gateway) on a free port, and the
#                               SHOPD_GATEWAY_* settings for it; before bench_start_shopd
#   bench_seed_orders PRODUCTS  (shopd running) the demo customer signed in with an address, PRODUCTS
#                               products in stock, and $SHOP_TMP/order.lua, the start of a wrk script
#                               placing orders as that customer; for pgbench scripts, table
#                               public.bench_products (n 1..PRODUCTS, id) and BENCH_CUSTOMER_ID,
#                               BENCH_SELLER_ID
#   bench_wrk KEY LABEL [WRK_ARGS...] URL
#                               one wrk run (-t, -c and -d from the environment unless WRK_ARGS say)
#   bench_wrk_run KEY [WRK_ARGS...] URL, then bench_wrk_record KEY LABEL
#                               the same in two steps, for a run in the background next to another
#                               (which leaves its CPU column empty: the two runs share the servers)
#   bench_wrk_stats KEY         a run's figures, for a script recording its own row
#   bench_pgbench KEY LABEL select|tpcb
#                               pgbench -S, or TPC-B-like, -M prepared on a database of its own
#   bench_pgbench KEY LABEL script FILE [-D NAME=VALUE]...
#                               pgbench script FILE, -M prepared, on database shopd
#   bench_psql PSQL_ARGS...     psql on database shopd of the run's cluster, stopping at the first error
#   bench_row KEY LABEL UNIT RATE [P50_MS P99_MS ERRORS CPU_US]
#                               a row measured by something else (a bench program)
#   bench_target KEY REF MIN    KEY is to reach MIN times REF's rate
#   bench_compare KEY REF       show KEY's rate as a fraction of REF's, with no target
#   bench_repeat FUNCTION       FUNCTION BENCH_ROUNDS times; a row measured more than once shows medians
#   bench_table REF...          the table: a ratio column for each REF, then targets and comparisons
# Env: BENCH_SECONDS (10) per wrk or pgbench run; BENCH_ROUNDS (1); BENCH_WRK_THREADS (1) and
#      BENCH_CONNECTIONS (32) for wrk; SHOPD_ACCESS_LOG (false) to measure with the access log on;
#      BENCH_NO_BUILD=1 to take build/release/bin as it is (binaries built elsewhere or copied in,
#      on a machine that must not build now): no configure, no build, only a check that they exist;
#      BENCH_STATEMENTS=1 to print, after each wrk run, the statements PostgreSQL spent the most time
#      on during it (pg_stat_statements, which costs a little throughput: a diagnosis, not a figure).

# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$SHOP_ROOT" || exit
export LC_ALL=C # "." as the decimal point in wrk's and pgbench's figures and in printf

bench_positive() {
  [[ $2 =~ ^[1-9][0-9]*$ ]] || shop_die "$1 must be a positive integer (got '$2')"
  printf '%s\n' "$2"
}
BENCH_SECONDS=$(bench_positive BENCH_SECONDS "${BENCH_SECONDS:-10}")
BENCH_ROUNDS=$(bench_positive BENCH_ROUNDS "${BENCH_ROUNDS:-1}")
BENCH_WRK_THREADS=$(bench_positive BENCH_WRK_THREADS "${BENCH_WRK_THREADS:-1}")
BENCH_CONNECTIONS=$(bench_positive BENCH_CONNECTIONS "${BENCH_CONNECTIONS:-32}")
# pgbench as in the reference figures (BUILD-NOTES): 8 clients on 2 threads. Scale 8, one branch row
# per client, so that TPC-B measures the database and not 8 clients queueing on one row lock.
BENCH_PG_CLIENTS=8
BENCH_PG_SCALE=8

BENCH_SHOPD=
BENCH_TRIVIAL=
BENCH_IO_THREADS=
BENCH_LOAD_BEFORE=
BENCH_PGBENCH_READY=
BENCH_CUSTOMER_ID=
BENCH_SELLER_ID=
BENCH_WRK_USED=
declare -a BENCH_PIDS=() BENCH_KEYS=()
declare -A BENCH_PROC_NAME=() BENCH_PROC_LOG=()
declare -A BENCH_LABEL=() BENCH_UNIT=() BENCH_RATES=() BENCH_P50S=() BENCH_P99S=() BENCH_ERRORS=()
declare -A BENCH_CPUS=()
BENCH_CLK_TCK=$(getconf CLK_TCK)
declare -A BENCH_VS=() BENCH_MIN=()

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      wait "$pid" 2>/dev/null || true
    fi
  done
  shop_throwaway_cleanup
}

bench_load() { cut -d' ' -f1-3 /proc/loadavg; }

bench_init() {
  scripts/deps.sh
  if [[ ${BENCH_NO_BUILD:-} == 1 ]]; then
    local target
    for target; do
      [[ -x build/release/bin/$target ]] ||
        shop_die "BENCH_NO_BUILD=1, and build/release/bin/$target is missing"
    done
    shop_log "BENCH_NO_BUILD=1: build/release/bin as it is, not rebuilt (it may not match the sources)"
  else
    shop_build_config release "$@"
  fi
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  BENCH_LOAD_BEFORE=$(bench_load)
  [[ ${BENCH_STATEMENTS:-} == 1 ]] && export SHOP_PG_STATEMENTS=1
  shop_throwaway_start
  "$SHOP_PGBIN/createdb" -h 127.0.0.1 -p "$SHOP_PG_PORT" -U postgres shopd
  if [[ ${BENCH_STATEMENTS:-} == 1 ]]; then
    bench_psql -q -c "CREATE EXTENSION pg_stat_statements"
  fi
  # Defaults only (not config/shopd.toml), keys of the run's own (never var/keys), mail in the temp dir.
  export SHOPD_CONFIG=/dev/null SHOPD_ENV=development SHOPD_AUTO_MIGRATE=true
  export SHOPD_DATABASE_URL="postgresql://postgres@127.0.0.1:$SHOP_PG_PORT/shopd"
  export SHOPD_LISTEN=127.0.0.1:0 SHOPD_MAIL_DIR="$SHOP_TMP/mail"
  SHOPD_SECRET_KEYS="1:$(head -c 32 /dev/urandom | base64)"
  # info: the "listening" line says which port was picked. The access log is off unless asked for,
  # as in the reference figures; SHOPD_ACCESS_LOG=true measures what it costs.
  export SHOPD_SECRET_KEYS SHOPD_LOG_LEVEL=info SHOPD_ACCESS_LOG=${SHOPD_ACCESS_LOG:-false}
}

# bench_spawn NAME CMD...: CMD in the background, its output in $SHOP_TMP/NAME.log, stopped on exit;
# sets BENCH_SPAWNED to its pid.
BENCH_SPAWNED=
bench_spawn() {
  local name=$1
  shift
  "$@" >"$SHOP_TMP/$name.log" 2>&1 &
  BENCH_SPAWNED=$!
  BENCH_PIDS+=("$BENCH_SPAWNED")
  BENCH_PROC_NAME[$BENCH_SPAWNED]=$name
  BENCH_PROC_LOG[$BENCH_SPAWNED]="$SHOP_TMP/$name.log"
}

# bench_check_alive WHEN: a server of the run that died shows its log and stops the run.
bench_check_alive() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null && continue
    tail -n 30 "${BENCH_PROC_LOG[$pid]}" >&2
    shop_die "${BENCH_PROC_NAME[$pid]} exited $1; its log is above"
  done
}

# bench_wait_line PID REGEX: the first line of PID's log matching REGEX (grep -E), once it appears.
bench_wait_line() {
  local line i
  for ((i = 0; i < 300; i++)); do
    line=$(grep -E -m1 -- "$2" "${BENCH_PROC_LOG[$1]}" || true)
    if [[ -n $line ]]; then
      printf '%s\n' "$line"
      return 0
    fi
    bench_check_alive "during startup"
    sleep 0.1
  done
  shop_die "${BENCH_PROC_NAME[$1]} did not start listening within 30 s (log: ${BENCH_PROC_LOG[$1]})"
}

# bench_start_server NAME CMD...: CMD, a server on the project's HTTP edge (it logs where it listens:
# "module=http msg=listening address=HOST:PORT"), through bench_spawn; once it listens, sets
# BENCH_LISTENING to that line and BENCH_ADDRESS to its HOST:PORT.
BENCH_LISTENING=
BENCH_ADDRESS=
bench_start_server() {
  bench_spawn "$@"
  BENCH_LISTENING=$(bench_wait_line "$BENCH_SPAWNED" ' module=http msg=listening ')
  [[ $BENCH_LISTENING =~ \ address=([^ ]+) ]] ||
    shop_die "no address in $1's listening line: $BENCH_LISTENING"
  BENCH_ADDRESS=${BASH_REMATCH[1]}
}

bench_start_shopd() {
  bench_start_server shopd build/release/bin/shopd serve
  BENCH_SHOPD="http://$BENCH_ADDRESS"
  [[ $BENCH_LISTENING =~ \ io_threads=([0-9]+) ]] ||
    shop_die "no io_threads in shopd's listening line: $BENCH_LISTENING"
  BENCH_IO_THREADS=${BASH_REMATCH[1]}
  shop_log "shopd on $BENCH_SHOPD ($BENCH_IO_THREADS I/O threads)"
}

# The stand-in on port 0, so no other process can take its port between choosing and binding it.
BENCH_STANDIN=
bench_start_standin() {
  [[ -z $BENCH_SHOPD ]] || shop_die "bench_start_standin: start it before shopd (which reads SHOPD_GATEWAY_*)"
  export SHOPD_GATEWAY_SECRET_KEY=test_sk_bench
  bench_start_server standin build/release/bin/shopd-pg-standin --secret-key "$SHOPD_GATEWAY_SECRET_KEY" \
    --listen 127.0.0.1:0
  BENCH_STANDIN="http://$BENCH_ADDRESS"
  export SHOPD_GATEWAY_URL=$BENCH_STANDIN
  shop_log "payment gateway: shopd-pg-standin on $BENCH_STANDIN"
}

bench_start_trivial() {
  [[ -n $BENCH_IO_THREADS ]] || shop_die "bench_start_trivial: start shopd first (it takes its thread count)"
  local line
  bench_spawn trivial build/release/bin/trivial_http_server --listen 127.0.0.1:0 \
    --threads "$BENCH_IO_THREADS"
  line=$(bench_wait_line "$BENCH_SPAWNED" '^listening on ')
  BENCH_TRIVIAL="http://${line#listening on }"
  shop_log "trivial handler on $BENCH_TRIVIAL ($BENCH_IO_THREADS I/O threads)"
}

# bench_seed_orders PRODUCTS: seed-demo, the demo customer signed in with an address, and PRODUCTS
# products of the demo seller with stock enough for any run, their ids one a line in $SHOP_TMP/ids.
# $SHOP_TMP/order.lua begins the wrk scripts that place orders (`cat "$SHOP_TMP/order.lua" - >x.lua`):
#   ids                            the products' ids, in the order of $SHOP_TMP/ids
#   threads, thread_id             its setup() gives each thread an id, and keeps the threads for done()
#   bench_key(n)                   a key for the thread's n-th request that no other run or thread uses
#   customer_headers([headers])    headers, plus the JSON content type and the customer's bearer token
#   place_order(product_ids, key[, headers])
#                                  POST /api/v1/orders, one unit of each product, Idempotency-Key key
# The access token lives 15 minutes: enough for a run, not for hours of rounds.
bench_seed_orders() {
  local products=$1 password token address json='Content-Type: application/json'
  build/release/bin/shopd seed-demo >"$SHOP_TMP/seed-demo.log" 2>&1 ||
    { cat "$SHOP_TMP/seed-demo.log" >&2; shop_die "shopd seed-demo failed"; }
  password=$(awk '$1 == "customer" && $2 == "demo_customer" { print $3 }' "$SHOP_TMP/seed-demo.log")
  [[ -n $password ]] || { cat "$SHOP_TMP/seed-demo.log" >&2; shop_die "no password for demo_customer"; }
  token=$(curl -sf -H "$json" -d "{\"username\":\"demo_customer\",\"password\":\"$password\"}" \
    "$BENCH_SHOPD/api/v1/auth/login" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])') ||
    shop_die "could not log in as demo_customer"
  address=$(curl -sf -H "$json" -H "Authorization: Bearer $token" \
    -d '{"recipient":"김지우","phone":"010-1234-5678","zip_code":"06236","line1":"서울 강남구 테헤란로 1"}' \
    "$BENCH_SHOPD/api/v1/me/addresses" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') ||
    shop_die "could not add an address"

  shop_log "$products products with stock enough for the whole run"
  bench_psql -q -v n="$products" <<'SQL'
INSERT INTO catalog.products (id, seller_id, name, price, on_hand, created_at, updated_at)
SELECT gen_random_uuid(), (SELECT id FROM users.accounts WHERE username = 'demo_seller'), 'Bench item ' || i,
       1000 + i, 100000000, now(), now()
FROM generate_series(1, :n) AS i;
ANALYZE catalog.products;
CREATE TABLE public.bench_products AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM catalog.products WHERE name LIKE 'Bench item %';
ALTER TABLE public.bench_products ADD PRIMARY KEY (n);
SQL
  bench_psql -Atq -c "SELECT id FROM catalog.products WHERE name LIKE 'Bench item %'" >"$SHOP_TMP/ids"
  BENCH_CUSTOMER_ID=$(bench_psql -Atq -c "SELECT id FROM users.accounts WHERE username = 'demo_customer'")
  BENCH_SELLER_ID=$(bench_psql -Atq -c "SELECT id FROM users.accounts WHERE username = 'demo_seller'")

  cat >"$SHOP_TMP/order.lua" <<LUA
ids = {}
for line in io.lines("$SHOP_TMP/ids") do ids[#ids + 1] = line end
threads = {}
thread_id = 0  -- a global: setup() sets it in each thread
function setup(thread)
  thread:set("thread_id", math.random(1, 1e9))
  threads[#threads + 1] = thread
end
-- The time sets runs apart: math.random is not seeded, so each run's threads draw the same ids.
function bench_key(n) return "bench-" .. thread_id .. "-" .. n .. "-" .. os.time() end
function customer_headers(headers)
  headers = headers or {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer $token"
  return headers
end
function place_order(product_ids, key, headers)
  local items = {}
  for i, id in ipairs(product_ids) do items[i] = '{"product_id":"' .. id .. '","quantity":1}' end
  headers = customer_headers(headers)
  headers["Idempotency-Key"] = key
  return wrk.format("POST", "/api/v1/orders", headers,
    '{"address_id":"$address","items":[' .. table.concat(items, ",") .. ']}')
end
LUA
}

# bench_cpu_ticks: CPU time (user + system, in clock ticks) the run's servers have used so far: every
# process bench_spawn started, and the cluster (the postmaster, its live children, and those it has
# reaped, such as pgbench's backends). Requests/s on a shared machine say how much CPU the others
# left us; CPU per request says what a request costs, and changes far less with their load.
bench_cpu_ticks() {
  local postmaster pid
  local -a children=() stats=()
  postmaster=$(head -n 1 "$SHOP_TMP/pg/postmaster.pid")
  read -r -a children <"/proc/$postmaster/task/$postmaster/children" || true # no newline at its end
  for pid in "${BENCH_PIDS[@]}" "$postmaster" "${children[@]}"; do stats+=("/proc/$pid/stat"); done
  # A backend may end between the listing and the reading: its time is then in the postmaster's.
  { cat -- "${stats[@]}" 2>/dev/null || true; } |
    awk '{ sub(/^.*\) /, ""); split($0, f, " "); t += f[12] + f[13] + f[14] + f[15] } END { print t + 0 }'
}

# bench_cpu_per TICKS COUNT: microseconds of server CPU per request (or transaction).
bench_cpu_per() {
  awk -v t="$1" -v n="$2" -v hz="$BENCH_CLK_TCK" \
    'BEGIN { if (n > 0) printf "%.0f\n", t * 1e6 / hz / n; else print "-" }'
}

# bench_row KEY LABEL UNIT RATE [P50_MS P99_MS ERRORS CPU_US]: one more sample of row KEY.
bench_row() {
  local key=$1
  if [[ -z ${BENCH_LABEL[$key]:-} ]]; then
    BENCH_KEYS+=("$key")
    BENCH_LABEL[$key]=$2
    BENCH_UNIT[$key]=$3
  fi
  BENCH_RATES[$key]+=" $4"
  BENCH_P50S[$key]+=" ${5:--}"
  BENCH_P99S[$key]+=" ${6:--}"
  BENCH_ERRORS[$key]=$((${BENCH_ERRORS[$key]:-0} + ${7:-0}))
  BENCH_CPUS[$key]+=" ${8:--}"
}

bench_wrk_run() {
  local key=$1 out="$SHOP_TMP/wrk-$1.txt"
  shift
  [[ ${BENCH_STATEMENTS:-} == 1 ]] && bench_psql -q -c "SELECT pg_stat_statements_reset()" >/dev/null
  wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency "$@" >"$out" ||
    { cat "$out" >&2; shop_die "wrk failed for $key"; }
  [[ ${BENCH_STATEMENTS:-} == 1 ]] && bench_statements "$key"
  return 0
}

# bench_wrk_stats KEY: "req/s p50 p99 refused socket_errors requests" of run KEY, latencies in ms
# whatever unit wrk chose; refused are the answers with a status over 399 (wrk's "Non-2xx or 3xx"),
# socket errors are connect, read, write and timeout errors.
bench_wrk_stats() {
  local out="$SHOP_TMP/wrk-$1.txt"
  awk '
    function ms(v) { return v ~ /us$/ ? v / 1000 : v ~ /ms$/ ? v + 0 : v ~ /s$/ ? v * 1000 : v * 60000 }
    /^Requests\/sec:/ { rps = $2 }
    / requests in / { n = $1 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { refused += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i++) { gsub(",", "", $i); if ($i ~ /^[0-9]+$/) socket += $i } }
    END { if (rps == "") exit 1; printf "%s %.3f %.3f %d %d %d\n", rps, p50, p99, refused, socket, n }
  ' "$out" || { cat "$out" >&2; shop_die "could not read wrk's output for $1"; }
}

# bench_wrk_record KEY LABEL [TICKS]: TICKS of server CPU the run took, if it ran alone.
bench_wrk_record() {
  local key=$1 label=$2 ticks=${3:-} out="$SHOP_TMP/wrk-$1.txt" stats rps p50 p99 refused socket requests
  local err cpu=-
  bench_check_alive "under load ($key)"
  stats=$(bench_wrk_stats "$key")
  read -r rps p50 p99 refused socket requests <<<"$stats"
  err=$((refused + socket))
  ((err == 0)) || { cat "$out" >&2; shop_log "$key: $err errors (its wrk output is above)"; }
  [[ -z $ticks ]] || cpu=$(bench_cpu_per "$ticks" "$requests")
  shop_log "$key: $rps req/s, p50 $p50 ms, p99 $p99 ms, $err errors, $cpu us server CPU per request"
  bench_row "$key" "$label" req/s "$rps" "$p50" "$p99" "$err" "$cpu"
  BENCH_WRK_USED=1
}

bench_wrk() {
  local key=$1 label=$2 before
  shift 2
  before=$(bench_cpu_ticks)
  bench_wrk_run "$key" "$@"
  bench_wrk_record "$key" "$label" "$(($(bench_cpu_ticks) - before))"
}

bench_psql() {
  "$SHOP_PGBIN/psql" -h 127.0.0.1 -p "$SHOP_PG_PORT" -U postgres -d shopd -v ON_ERROR_STOP=1 "$@"
}

# The statements of database shopd that took the most time in the run just ended, per call and in all.
bench_statements() {
  shop_log "$1: the statements PostgreSQL spent most time on (top level and nested)"
  bench_psql -q -P pager=off -c "
    SELECT calls, round((total_exec_time / calls)::numeric * 1000) AS exec_us,
           round((total_plan_time / calls)::numeric * 1000) AS plan_us,
           round((100 * total_exec_time / nullif(sum(total_exec_time) OVER (), 0))::numeric, 1) AS pct,
           left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS statement
    FROM pg_stat_statements
    WHERE calls > 0 AND dbid = (SELECT oid FROM pg_database WHERE datname = 'shopd')
    ORDER BY total_exec_time DESC LIMIT 15" >&2
}

bench_pgbench() {
  local key=$1 label=$2 mode=$3 db=pgbench out prefix before
  local -a pg=(-h 127.0.0.1 -p "$SHOP_PG_PORT" -U postgres) script=()
  case $mode in
    select) script=(-S) ;;
    tpcb) ;;
    script) db=shopd script=(-f "${@:4}") ;;
    *) shop_die "bench_pgbench: mode is select, tpcb or script, not '$mode'" ;;
  esac
  if [[ $db == pgbench && -z $BENCH_PGBENCH_READY ]]; then
    "$SHOP_PGBIN/createdb" "${pg[@]}" pgbench
    "$SHOP_PGBIN/pgbench" "${pg[@]}" -i -s "$BENCH_PG_SCALE" -q pgbench \
      >"$SHOP_TMP/pgbench-init.log" 2>&1 ||
      { cat "$SHOP_TMP/pgbench-init.log" >&2; shop_die "pgbench -i failed"; }
    BENCH_PGBENCH_READY=1
  fi
  out="$SHOP_TMP/pgbench-$key.txt"
  prefix="$SHOP_TMP/pgbench-$key-log"
  rm -f -- "$prefix".*
  before=$(bench_cpu_ticks)
  # One transaction in ten logged: enough for p50/p99 without the logging costing throughput.
  "$SHOP_PGBIN/pgbench" "${pg[@]}" "${script[@]}" -M prepared -c "$BENCH_PG_CLIENTS" -j 2 \
    -T "$BENCH_SECONDS" -l --sampling-rate=0.1 --log-prefix="$prefix" "$db" >"$out" 2>&1 ||
    { cat "$out" >&2; shop_die "pgbench failed for $key"; }
  local ticks tps transactions p50 p99 cpu
  ticks=$(($(bench_cpu_ticks) - before))
  tps=$(awk '/^tps = / { print $3; exit }' "$out")
  transactions=$(awk -F': *' '/^number of transactions actually processed:/ { print $2 + 0 }' "$out")
  [[ -n $tps && -n $transactions ]] ||
    { cat "$out" >&2; shop_die "could not read pgbench's figures for $key"; }
  # The third field of a transaction's log line is its latency in microseconds.
  read -r p50 p99 < <(cat -- "$prefix".* | awk '{ print $3 }' | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "- -"; exit }
      printf "%.3f %.3f\n", v[int(NR * 0.50) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000
    }')
  bench_check_alive "while pgbench ran ($key)"
  cpu=$(bench_cpu_per "$ticks" "$transactions")
  shop_log "$key: $tps tps, p50 $p50 ms, p99 $p99 ms, $cpu us server CPU per transaction"
  bench_row "$key" "$label" tx/s "$tps" "$p50" "$p99" 0 "$cpu"
}

bench_target() {
  BENCH_VS[$1]=$2
  BENCH_MIN[$1]=$3
}

bench_compare() { BENCH_VS[$1]=$2; }

bench_repeat() {
  local round
  for ((round = 1; round <= BENCH_ROUNDS; round++)); do
    ((BENCH_ROUNDS == 1)) || shop_log "round $round of $BENCH_ROUNDS"
    "$1"
  done
}

# bench_summary "SAMPLES": "MEDIAN SPREAD" of space-separated numbers, the spread being
# (max - min) / median in percent; "-" for what one sample (or none) cannot tell.
bench_summary() {
  tr ' ' '\n' <<<"$1" | awk '/^[0-9.]+$/' | sort -g | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "- -"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      if (NR == 1) print m, "-"; else printf "%s %.0f%%\n", m, (m > 0) ? 100 * (v[NR] - v[1]) / m : 0
    }'
}

# Rates with as many digits as they need (41.4 logins/s, 52113 tx/s), latencies to 10 us.
bench_rate() { awk -v r="$1" 'BEGIN { printf (r < 100) ? "%.1f\n" : "%.0f\n", r }'; }
bench_ms() { awk -v v="$1" 'BEGIN { if (v == "-") print v; else printf "%.2f\n", v }'; }

bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "-"; else printf "%.2f\n", a / b }'; }

# The width of REF's ratio column: its header "x REF", at least 8.
bench_width() { echo $((${#1} + 2 > 8 ? ${#1} + 2 : 8)); }

# bench_versus KEY RATE REF_RATE CPU REF_CPU: the last column, "0.62 of REF (>= 0.8: FAIL), by CPU
# 0.55", or nothing. "By CPU" is REF_CPU / CPU: the ratio if server CPU alone set the pace, which on a
# busy machine says more than the rates.
bench_versus() {
  local key=$1 vs=${BENCH_VS[$1]:-} verdict
  [[ -n $vs ]] || return 0
  printf '  %s of %s' "$(bench_ratio "$2" "$3")" "$vs"
  if [[ -n ${BENCH_MIN[$key]:-} ]]; then
    verdict=$(awk -v a="$2" -v b="$3" -v m="${BENCH_MIN[$key]}" \
      'BEGIN { print (a >= m * b) ? "PASS" : "FAIL" }')
    ((BENCH_ERRORS[$key] + BENCH_ERRORS[$vs] == 0)) || verdict="FAIL (errors: the rate does not count)"
    printf ' (>= %s: %s)' "${BENCH_MIN[$key]}" "$verdict"
  fi
  [[ $4 == - || $5 == - ]] || printf ', by CPU %s' "$(bench_ratio "$5" "$4")"
}

bench_table() {
  local -a refs=("$@")
  local key ref rate spread p50 p99
  local -A median=() cpu=()
  for key in "${BENCH_KEYS[@]}"; do
    read -r "median[$key]" _ <<<"$(bench_summary "${BENCH_RATES[$key]}")"
    read -r "cpu[$key]" _ <<<"$(bench_summary "${BENCH_CPUS[$key]}")"
  done
  for ref in "${refs[@]}" "${BENCH_VS[@]}"; do
    [[ -n ${median[$ref]:-} ]] || shop_die "bench_table: no row '$ref' was measured"
  done

  echo
  echo "shopd $(git -C "$SHOP_ROOT" describe --always --dirty 2>/dev/null || echo '?'), $(nproc) cores," \
    "load average $BENCH_LOAD_BEFORE before, $(bench_load) after"
  [[ -z $BENCH_IO_THREADS ]] ||
    echo "shopd and the trivial handler on $BENCH_IO_THREADS I/O threads; access log $SHOPD_ACCESS_LOG"
  [[ -z $BENCH_WRK_USED ]] ||
    echo "wrk -t$BENCH_WRK_THREADS -c$BENCH_CONNECTIONS -d${BENCH_SECONDS}s --latency unless the row says"
  [[ -z $BENCH_PGBENCH_READY ]] || echo "pgbench -M prepared -c$BENCH_PG_CLIENTS -j2 -s$BENCH_PG_SCALE" \
    "-T$BENCH_SECONDS on the same cluster (fsync off)"
  echo "$BENCH_ROUNDS round(s), each row the median of its rounds; spread = (max - min) / median"
  echo "cpu_us: CPU per request or transaction of the run's servers (shopd, trivial handler, PostgreSQL)"
  printf '%-36s %10s %-6s %8s %8s %7s %6s %6s' what rate unit p50_ms p99_ms cpu_us errors spread
  for ref in "${refs[@]}"; do printf ' %*s' "$(bench_width "$ref")" "x $ref"; done
  printf '  %s\n' "vs (target)"
  for key in "${BENCH_KEYS[@]}"; do
    read -r rate spread <<<"$(bench_summary "${BENCH_RATES[$key]}")"
    read -r p50 _ <<<"$(bench_summary "${BENCH_P50S[$key]}")"
    read -r p99 _ <<<"$(bench_summary "${BENCH_P99S[$key]}")"
    printf '%-36s %10s %-6s %8s %8s %7s %6d %6s' "${BENCH_LABEL[$key]}" "$(bench_rate "$rate")" \
      "${BENCH_UNIT[$key]}" "$(bench_ms "$p50")" "$(bench_ms "$p99")" "${cpu[$key]}" \
      "${BENCH_ERRORS[$key]}" "$spread"
    for ref in "${refs[@]}"; do
      printf ' %*s' "$(bench_width "$ref")" "$(bench_ratio "$rate" "${median[$ref]}")"
    done
    bench_versus "$key" "$rate" "${median[${BENCH_VS[$key]:-$key}]}" "${cpu[$key]}" \
      "${cpu[${BENCH_VS[$key]:-$key}]}"
    printf '\n'
  done
  ((${#BENCH_MIN[@]} == 0)) || echo "Targets are informational: the exit status says whether the run worked."
}
