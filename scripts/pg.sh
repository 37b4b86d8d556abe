#!/usr/bin/env bash
# Manage a project-local PostgreSQL 15 cluster (see usage below).
# As root the cluster is owned by and runs as `postgres` (initdb and pg_ctl
# refuse root); as anyone else it runs as that user.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat >&2 <<'EOF'
usage: pg.sh start DATA_DIR PORT            init (first time) and start a dev cluster
       pg.sh start-throwaway DATA_DIR PORT  same, trust auth and no durability (tests)
       pg.sh stop DATA_DIR                  fast shutdown; fine if not running
       pg.sh ensure-db DATA_DIR PORT DBNAME ROLE PASSWORD_FILE
       pg.sh url DATA_DIR PORT DBNAME ROLE PASSWORD_FILE
       pg.sh free-port                      print a free TCP port on 127.0.0.1
EOF
  exit 2
}
die() { printf 'pg.sh: %s\n' "$*" >&2; exit 1; }

# Debian's python3 first: it exists once the postgresql/aiosmtpd deps are in.
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

# Run a PostgreSQL program as the cluster owner. From / so that postgres does
# not trip over a cwd it cannot read (every path we pass is absolute).
as_owner() {
  if ((EUID == 0)); then
    (cd / && exec runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

check_port() {
  if [[ ! $1 =~ ^[1-9][0-9]{3,4}$ ]] || (($1 > 65535)); then die "bad port '$1' (1000-65535)"; fi
}
check_name() { [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "bad name '$1' (use [A-Za-z0-9_])"; }

# The unix socket path must fit in sun_path (107 bytes) with the socket file
# name (.s.PGSQL.NNNNN.lock) appended: next to the data dir when that is short,
# else a per-data-dir directory under /tmp.
sock_dir() {
  local dir
  dir="$(dirname -- "$1")/sock"
  if ((${#dir} > 75)); then
    dir="/tmp/shopd-pg-$(id -u)-$(printf '%s' "$1" | cksum | cut -d' ' -f1)"
  fi
  printf '%s\n' "$dir"
}

is_running() {
  [[ -f $1/PG_VERSION ]] && as_owner "$SHOP_PGBIN/pg_ctl" status -D "$1" >/dev/null 2>&1
}

# True when postgres could bind 127.0.0.1:PORT (SO_REUSEADDR like postgres,
# so sockets in TIME_WAIT do not count as "taken").
port_free() {
  "$PY" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

# write_owned FILE [-a]: stdin to FILE, owned by the cluster owner.
write_owned() { as_owner tee "${@:2}" -- "$1" >/dev/null; }

# A dev cluster (password auth) and a throwaway one (trust, no fsync) must not
# be mixed up: the mode is recorded at initdb time.
check_mode() {
  local made_as
  [[ -f $1/PG_VERSION ]] || return 0
  made_as=$(cat "$1/shopd-mode" 2>/dev/null || echo dev)
  [[ $made_as == "$2" ]] ||
    die "$1 is a $made_as cluster, not $2: use the matching start command or another DATA_DIR"
}

# cmd_start dev|throwaway DATA_DIR PORT
cmd_start() {
  local mode=$1 data port=$3 sock log
  data=$(realpath -m -- "$2")
  check_port "$port"
  sock=$(sock_dir "$data")
  log="$data.log"

  check_mode "$data" "$mode"
  if is_running "$data"; then
    local cur
    cur=$(sed -n 4p "$data/postmaster.pid")
    [[ $cur == "$port" ]] || die "$data is already running on port $cur, not $port (pg.sh stop it first)"
    return 0
  fi
  port_free "$port" ||
    die "127.0.0.1:$port is already in use by another program; stop it or choose another port"

  mkdir -p -- "$(dirname -- "$data")"
  if ((EUID == 0)); then
    install -d -o postgres -g postgres -m 700 -- "$data" "$sock"
    [[ -e $log ]] || install -o postgres -g postgres -m 600 /dev/null "$log"
    runuser -u postgres -- test -x "$data" ||
      die "user postgres cannot reach $data: a parent directory is not traversable (chmod o+x it, or put the data elsewhere)"
  else
    install -d -m 700 -- "$data" "$sock"
  fi

  if [[ ! -f $data/PG_VERSION ]]; then
    local -a initdb=("$SHOP_PGBIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust)
    if [[ $mode == throwaway ]]; then
      initdb+=(--auth-host=trust --no-sync)
    else
      initdb+=(--auth-host=scram-sha-256)
    fi
    as_owner "${initdb[@]}" >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "initdb failed (log: $log)"; }
    # Our settings live in shopd.conf, rewritten on every start (below).
    echo "include_if_exists = 'shopd.conf'" | write_owned "$data/postgresql.conf" -a
    echo "$mode" | write_owned "$data/shopd-mode"
  fi
  {
    echo "# Written by scripts/pg.sh on every start: edits are lost."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '${sock//\'/\'\'}'"
    if [[ $mode == throwaway ]]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
      echo "max_connections = 300"
      # bench/lib.sh's BENCH_STATEMENTS=1: what each statement costs, nested ones (triggers) included.
      if [[ ${SHOP_PG_STATEMENTS:-} == 1 ]]; then
        echo "shared_preload_libraries = 'pg_stat_statements'"
        echo "pg_stat_statements.track = all"
        echo "pg_stat_statements.track_planning = on"
      fi
    fi
  } | write_owned "$data/shopd.conf"

  as_owner "$SHOP_PGBIN/pg_ctl" start -D "$data" -l "$log" -w -t 60 -s >/dev/null ||
    { tail -n 20 "$log" >&2; die "PostgreSQL did not start (log: $log)"; }
}

cmd_stop() {
  local data
  data=$(realpath -m -- "$1")
  is_running "$data" || return 0
  as_owner "$SHOP_PGBIN/pg_ctl" stop -D "$data" -m fast -w -t 60 -s
}

# Read the password from FILE; with `create`, first generate it if missing.
password() {
  local file=$1 pw
  if [[ $2 == create && ! -s $file ]]; then
    mkdir -p -- "$(dirname -- "$file")"
    # head ends the pipe itself: no SIGPIPE for pipefail to trip on.
    pw=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
    pw=${pw:0:32}
    ((${#pw} == 32)) || die "could not generate a password"
    (umask 077 && printf '%s\n' "$pw" >"$file.tmp.$$" && mv -f -- "$file.tmp.$$" "$file")
  fi
  [[ -s $file ]] || die "$file is missing: run pg.sh ensure-db first"
  pw=$(<"$file")
  [[ $pw =~ ^[A-Za-z0-9]+$ ]] || die "$file must hold one line of [A-Za-z0-9] (delete it to regenerate)"
  printf '%s\n' "$pw"
}

cmd_ensure_db() {
  local data port=$2 db=$3 role=$4 pwfile=$5 pw
  data=$(realpath -m -- "$1")
  check_port "$port"; check_name "$db"; check_name "$role"
  is_running "$data" || die "$data is not running: run pg.sh start first"
  pw=$(password "$pwfile" create)
  # The password goes in on stdin, not argv (visible in ps). ALTER ROLE every
  # time keeps the role in step with the file if the file was regenerated.
  {
    printf '\\set pw %s\n\\set role %s\n\\set db %s\n' "$pw" "$role" "$db"
    cat <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
  } | as_owner "$SHOP_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(sock_dir "$data")" -p "$port" -U postgres -d postgres
}

cmd_url() {
  local port=$2 db=$3 role=$4 pwfile=$5 pw
  check_port "$port"; check_name "$db"; check_name "$role"
  pw=$(password "$pwfile" read)
  printf 'postgresql://%s:%s@127.0.0.1:%s/%s\n' "$role" "$pw" "$port" "$db"
}

cmd_free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

(($#)) || usage
cmd=$1
shift
case "$cmd:$#" in
  start:2) cmd_start dev "$@" ;;
  start-throwaway:2) cmd_start throwaway "$@" ;;
  stop:1) cmd_stop "$@" ;;
  ensure-db:5) cmd_ensure_db "$@" ;;
  url:5) cmd_url "$@" ;;
  free-port:0) cmd_free_port ;;
  *) usage ;;
esac
