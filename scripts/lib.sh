# shellcheck shell=bash
# Helpers shared by scripts/*.sh and bench/*.sh. Source it, do not run it;
# the sourcing script has already done `set -euo pipefail`.

# Let set -e reach into $(...) too, so a failing command there stops the script.
shopt -s inherit_errexit

# Repository root (this file lives in ROOT/scripts), whatever the caller's cwd.
SHOP_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
SHOP_PG="$SHOP_ROOT/scripts/pg.sh"
SHOP_PGBIN=/usr/lib/postgresql/15/bin
export SHOP_ROOT SHOP_PG SHOP_PGBIN

shop_log() { printf '==> %s\n' "$*" >&2; }
shop_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# shop_build NAME CMAKE_ARGS... [-- TARGET...]: configure build/NAME with Ninja, then build it (every
# target, or only the TARGETs: a benchmark needs two binaries, not the test suites).
# With ccache installed, compiles go through it (CMakeLists.txt sets it up for sharing): its cache
# (ccache's default, ~/.cache/ccache, unless CCACHE_DIR says otherwise) outlives build directories,
# so a fresh clone or `rm -rf build` rebuilds from it.
# Joined with && (not left to set -e) so the status is right inside `if`.
shop_build() {
  local name=$1
  shift
  local -a cmake_args=() build_args=()
  while (($#)) && [[ $1 != -- ]]; do
    cmake_args+=("$1")
    shift
  done
  shift $(($# > 0)) # the --, if any: what is left are the targets
  (($# == 0)) || build_args=(--target "$@")
  shop_log "configure and build build/$name${*:+ ($*)}"
  local -a launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake -S "$SHOP_ROOT" -B "$SHOP_ROOT/build/$name" -G Ninja "${launcher[@]}" "${cmake_args[@]}" &&
    cmake --build "$SHOP_ROOT/build/$name" "${build_args[@]}"
}

shop_config_known() { [[ $1 == release || $1 == asan ]]; }

# shop_build_config release|asan [TARGET...]: the one place the configurations are defined.
shop_build_config() {
  local config=$1
  shift
  case $config in
    release) shop_build release -DCMAKE_BUILD_TYPE=Release -- "$@" ;;
    asan) shop_build asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOP_SANITIZE=ON -- "$@" ;;
    *) shop_die "unknown build configuration '$config' (known: release asan)" ;;
  esac
}

# Throwaway cluster: shop_throwaway_start sets SHOP_TMP (a fresh temp dir that
# holds the cluster) and SHOP_PG_PORT. The caller sets `trap ... EXIT` that
# runs shop_throwaway_cleanup *before* calling it.
SHOP_TMP=
SHOP_PG_PORT=
shop_throwaway_start() {
  SHOP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/shopd.XXXXXX")
  # mktemp makes it 700; when we are root the cluster runs as postgres, which
  # must be able to traverse it.
  chmod 711 "$SHOP_TMP"
  SHOP_PG_PORT=$("$SHOP_PG" free-port)
  shop_log "throwaway PostgreSQL on 127.0.0.1:$SHOP_PG_PORT ($SHOP_TMP/pg)"
  "$SHOP_PG" start-throwaway "$SHOP_TMP/pg" "$SHOP_PG_PORT"
}

shop_throwaway_cleanup() {
  [[ -n $SHOP_TMP ]] || return 0
  "$SHOP_PG" stop "$SHOP_TMP/pg" || true
  rm -rf -- "$SHOP_TMP"
  SHOP_TMP=
}
