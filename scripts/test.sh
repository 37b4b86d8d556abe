#!/usr/bin/env bash
# Check the conventions, then build and run every test (Release, then ASan+UBSan) against a
# throwaway PostgreSQL.
# Usage: scripts/test.sh [CTEST_ARGS...]     e.g. scripts/test.sh -R http
# Env:   SHOP_TEST_CONFIGS="release asan"    the configurations to build and test
# Tests get SHOPD_TEST_PG_URL=postgresql://postgres@127.0.0.1:PORT/postgres (trust auth).
# The checks (clang-format, source boundaries; after the builds, clang-tidy on the module interface
# headers and Redocly's lint of the served OpenAPI document) take seconds; a failed check fails the
# run, but the builds and tests still run, so one run shows everything that is wrong.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$SHOP_ROOT"

read -r -a configs <<<"${SHOP_TEST_CONFIGS:-release asan}"
((${#configs[@]})) || shop_die "SHOP_TEST_CONFIGS is empty (use e.g. \"release asan\")"
for c in "${configs[@]}"; do
  shop_config_known "$c" || shop_die "SHOP_TEST_CONFIGS: unknown configuration '$c' (known: release asan)"
done

scripts/deps.sh

declare -A result=()
checks=()
# run_check NAME COMMAND...: records result[NAME]; its own output says what is wrong.
run_check() {
  local name=$1
  shift
  checks+=("$name")
  shop_log "check: $name"
  if "$@"; then result[$name]=PASS; else result[$name]=FAIL; fi
}
run_check format scripts/check-format.sh
run_check boundaries scripts/check-boundaries.sh

# Build everything first (one after the other: ninja already uses both cores),
# so that no database idles through the builds. A failed build is reported at
# the end; the other configurations still build and run.
built=()
for c in "${configs[@]}"; do
  if shop_build_config "$c"; then built+=("$c"); else result[$c]="FAIL (build failed)"; fi
done
# Needs a compile database: build/release's when it was built, else it configures one.
run_check interface-headers scripts/tidy.sh --headers
# Needs a built shopd, which prints the document it serves: the first configuration's that built.
if ((${#built[@]})); then
  run_check openapi-lint scripts/lint-openapi.sh "build/${built[0]}/bin/shopd"
else
  checks+=(openapi-lint)
  result[openapi-lint]="FAIL (no shopd built)"
fi

trap shop_throwaway_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
# run_ctest CONFIG CTEST_ARGS...: records result[CONFIG], adds to passed/failed.
run_ctest() {
  local c=$1 out rc=0 line=
  shift
  local -a envs=()
  if [[ $c == asan ]]; then
    envs=("ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
      "UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}")
  fi
  out="$SHOP_TMP/ctest-$c.log"
  shop_log "ctest build/$c"
  env "${envs[@]}" ctest --test-dir "build/$c" --output-on-failure -j2 --no-tests=error "$@" 2>&1 |
    tee "$out" || rc=$?
  # ctest's summary: "NN% tests passed, F tests failed out of T"
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$out" | tail -n 1 || true)
  if [[ $line =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
    local f=${BASH_REMATCH[1]} t=${BASH_REMATCH[2]}
    passed=$((passed + t - f))
    failed=$((failed + f))
    if ((rc == 0)); then result[$c]="PASS ($t tests)"; else result[$c]="FAIL ($f of $t tests failed)"; fi
  else
    ((rc != 0)) || rc=1
    result[$c]="FAIL (ctest exit $rc, no summary)"
  fi
  [[ $rc == 0 ]]
}

status=0
if ((${#built[@]})); then
  shop_throwaway_start
  export SHOPD_TEST_PG_URL="postgresql://postgres@127.0.0.1:$SHOP_PG_PORT/postgres"
  for c in "${built[@]}"; do
    run_ctest "$c" "$@" || status=1
  done
fi
((${#built[@]} == ${#configs[@]})) || status=1

echo
echo "== test summary =="
for k in "${checks[@]}"; do
  echo "check $k: ${result[$k]}"
  [[ ${result[$k]} == PASS ]] || status=1
done
for c in "${configs[@]}"; do
  echo "$c: ${result[$c]}"
done
echo "total: $passed passed, $failed failed"
exit "$status"
