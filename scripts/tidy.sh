#!/usr/bin/env bash
# clang-tidy (Debian 12's, 14) with the repository's .clang-tidy (bugprone, performance, modernize)
# over every .cpp in src/, then bugprone-easily-swappable-parameters over the modules' interface
# headers (src/modules/*/include and src/modules/*/wiring): clang-tidy applies its configuration to
# the main file only, so each header is checked as a main file of its own (see tidy_compile_db.py).
# Usage: scripts/tidy.sh             both parts
#        scripts/tidy.sh --headers   the interface headers only (scripts/test.sh runs this part)
# Env:   SHOP_TIDY_BUILD=build/release  the build whose compile database is used; configured if needed
#        SHOP_TIDY_JOBS=2               parallel clang-tidy processes
# Prints each finding once and exits 1 if there are any.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$SHOP_ROOT"

parts=(sources headers)
case ${1:-} in
  "") ;;
  --headers) parts=(headers) ;;
  *) shop_die "usage: scripts/tidy.sh [--headers]" ;;
esac
build=${SHOP_TIDY_BUILD:-build/release}
jobs=${SHOP_TIDY_JOBS:-2}
command -v clang-tidy >/dev/null || shop_die "clang-tidy is missing (scripts/deps.sh installs it)"

if [[ ! -f $build/compile_commands.json ]]; then
  shop_log "configure $build for its compile database"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi

# A compile database of our own (scripts/tidy_compile_db.py says what is in it and why).
db=$build/tidy
mkdir -p "$db"
python3 scripts/tidy_compile_db.py "$SHOP_ROOT" "$build/compile_commands.json" "$db"

# Files of one part: the generated interface_headers.hpp, or every other entry of the database.
files_of() {
  python3 -c 'import json, sys
for e in json.load(open(sys.argv[1])):
    if (e["file"] == sys.argv[2]) == (sys.argv[3] == "headers"): print(e["file"])' \
    "$db/compile_commands.json" "$(realpath "$db")/headers/interface_headers.hpp" "$1"
}

# tidy_all PART CLANG_TIDY_ARGS...: runs clang-tidy on every file of PART, $jobs at a time, each
# file's output in a file of its own so that parallel runs do not interleave.
out=$(mktemp -d)
trap 'rm -rf -- "$out"' EXIT
tidy_all() {
  local part=$1
  shift
  mkdir -p "$out/$part"
  files_of "$part" | xargs -d '\n' -P "$jobs" -I{} sh -c \
    'file=$0 dir=$1; shift; clang-tidy "$@" "$file" >"$dir/$(printf %s "$file" | tr / _).log" 2>&1 || true' \
    {} "$out/$part" -p "$db" --quiet "$@"
}

# A .clang-tidy elsewhere must not apply: --config-file names ours.
start=$SECONDS
for part in "${parts[@]}"; do
  t0=$SECONDS
  case $part in
    sources) tidy_all sources --config-file=.clang-tidy ;;
    # The main file includes the marked copies of the interface headers: report what is in those.
    headers) tidy_all headers --config-file=.clang-tidy --checks='-*,bugprone-easily-swappable-parameters' \
      "--header-filter=^$(realpath "$db")/headers/" ;;
  esac
  shop_log "tidy $part: $(files_of "$part" | wc -l) file(s) in $((SECONDS - t0)) s"
done

# A header's finding shows once per file that includes it: print each once, with its notes.
findings=$(cat "$out"/*/*.log 2>/dev/null | sed "s|$(realpath "$db")/headers/|$SHOP_ROOT/|g" | perl -ne '
  if (/^(\S+:\d+:\d+): (warning|error): /) { $keep = !$seen{$_}++; }
  elsif (/^\d+ warnings? (and \d+ errors? )?generated/ || /^Suppressed \d+ warnings/ ||
         /^Use -header-filter/ || /^Error while processing/) { $keep = 0; next; }
  print if $keep;')
count=$(grep -cE '^\S+:[0-9]+:[0-9]+: (warning|error): ' <<<"$findings" || true)
if ((count)); then
  printf '%s\n' "$findings"
  echo "tidy: $count finding(s) in $((SECONDS - start)) s:"
  grep -oE '\[[a-z0-9.,-]+\]$' <<<"$findings" | sort | uniq -c | sort -rn
  [[ " ${parts[*]} " != *" headers "* ]] ||
    echo "(interface header lines are quoted as checked: their declarations marked \`= delete\`)"
  exit 1
fi
echo "tidy: no findings ($((SECONDS - start)) s)"
