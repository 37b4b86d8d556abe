#!/usr/bin/env bash
# Build shopd (Release) and serve it against the local development PostgreSQL.
# Usage: scripts/run.sh [ARGS...]   build, start the database, exec `shopd serve ARGS...`
#        scripts/run.sh stop-db     stop the development PostgreSQL
# If SHOPD_DATABASE_URL is already set, that database is used and none is started.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$SHOP_ROOT"

pg_data=var/pg/data
pg_port=54320

if [[ ${1:-} == stop-db ]]; then
  exec "$SHOP_PG" stop "$pg_data"
fi

scripts/deps.sh
shop_build_config release

if [[ -z ${SHOPD_DATABASE_URL:-} ]]; then
  "$SHOP_PG" start "$pg_data" "$pg_port"
  "$SHOP_PG" ensure-db "$pg_data" "$pg_port" shopd shopd var/pg/password
  SHOPD_DATABASE_URL=$("$SHOP_PG" url "$pg_data" "$pg_port" shopd shopd var/pg/password)
  export SHOPD_DATABASE_URL
  shop_log "database: PostgreSQL on 127.0.0.1:$pg_port (data in $pg_data); it keeps running: stop it with scripts/run.sh stop-db"
else
  shop_log "database: SHOPD_DATABASE_URL from the environment (no local PostgreSQL started)"
fi

# The first run leaves a newcomer something to log in with; the passwords are printed this once.
if [[ ! -e var/.demo-seeded && ${SHOPD_ENV:-development} == development ]]; then
  build/release/bin/shopd seed-demo
  mkdir -p var && touch var/.demo-seeded
fi

# The payment gateway: the stand-in beside the server unless SHOPD_GATEWAY_URL names a real one. It
# lives as long as this script; shopd then runs as a child (not exec'd) so that both stop together.
if [[ -z ${SHOPD_GATEWAY_URL:-} ]]; then
  export SHOPD_GATEWAY_URL=http://127.0.0.1:8081
  export SHOPD_GATEWAY_SECRET_KEY=${SHOPD_GATEWAY_SECRET_KEY:-test_sk_pg_standin}
  build/release/bin/shopd-pg-standin --listen 127.0.0.1:8081 --secret-key "$SHOPD_GATEWAY_SECRET_KEY" &
  standin=$!
  trap 'kill "$standin" 2>/dev/null || true' EXIT
  shop_log "payment gateway: shopd-pg-standin on $SHOPD_GATEWAY_URL"
  build/release/bin/shopd serve "$@" &
  shopd=$!
  trap 'kill -TERM "$shopd" 2>/dev/null || true' INT TERM
  status=0
  wait "$shopd" || status=$?
  # A signal ends the first wait at once; shopd drains meanwhile, and its exit status is the script's.
  if kill -0 "$shopd" 2>/dev/null; then
    status=0
    wait "$shopd" || status=$?
  fi
  exit "$status"
fi
exec build/release/bin/shopd serve "$@"
