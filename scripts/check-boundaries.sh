#!/usr/bin/env bash
# Checks the source-level boundaries that CMake cannot see (CONVENTIONS.md):
#   - modules reach the database only through src/infra/db: no <soci/...> and no soci:: in
#     src/modules/, and src/infra/db's public headers do not name SOCI either;
#   - libsodium is src/infra/crypto's business: no <sodium.h> and no sodium_*/randombytes_*/crypto_*
#     calls anywhere else in src/ and bench/ (tests/ may: the crypto tests check the area against
#     libsodium itself);
#   - a module includes another module's public headers only (shop/<x>/... that lives in
#     src/modules/<x>/include/), never its wiring/ or src/; infrastructure includes no module at all.
# Comments are ignored, so a header may still say why it hides SOCI.
# Usage: scripts/check-boundaries.sh   (exit 1 with one `file:line: what` per finding)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$SHOP_ROOT"

# The C++ files below the given directories, sorted so that findings come in a stable order.
sources() {
  find "$@" -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.ipp' \) 2>/dev/null |
    LC_ALL=C sort
}

# scan RULE REGEX FILE...: prints `file:line: RULE: code` for each line whose code (the part before
# a // comment, outside /* */ comments) matches the Perl REGEX.
scan() {
  local rule=$1 regex=$2
  shift 2
  (($#)) || return 0
  RULE=$rule REGEX=$regex perl -ne '
    BEGIN { $re = qr/$ENV{REGEX}/; }
    $in_block = 0 if $. == 1;
    my $code = $_;
    if ($in_block) { if ($code =~ s{^.*?\*/}{}) { $in_block = 0 } else { next } }
    $code =~ s{/\*.*?\*/}{}g;
    $in_block = 1 if $code =~ s{/\*.*$}{};
    $code =~ s{//.*$}{};
    if ($code =~ $re) { chomp; s/^\s+//; print "$ARGV:$.: $ENV{RULE}: $_\n"; }
    close ARGV if eof;' "$@"
}

findings=$(mktemp)
trap 'rm -f -- "$findings"' EXIT

mapfile -t module_files < <(sources src/modules)
scan "modules use src/infra/db, not SOCI" '#\s*include\s*[<"]soci/|\bsoci::' \
  "${module_files[@]}" >>"$findings"

mapfile -t db_headers < <(sources src/infra/db/include)
scan "src/infra/db's public headers do not name SOCI" '(?i)\bsoci\b' "${db_headers[@]}" >>"$findings"

mapfile -t sodium_scope < <(sources src bench | grep -v '^src/infra/crypto/')
scan "libsodium only in src/infra/crypto" \
  '#\s*include\s*[<"]sodium(\.h|/)|\b(sodium_|randombytes_|crypto_)[a-z0-9_]+\s*\(' \
  "${sodium_scope[@]}" >>"$findings"

# Module includes: shop/<x>/... of another module must be one of x's public headers.
mapfile -t modules < <(find src/modules -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C sort)
module_regex=$(IFS='|'; echo "${modules[*]}")
if ((${#modules[@]})); then
  for m in "${modules[@]}"; do
    mapfile -t files < <(sources "src/modules/$m")
    ((${#files[@]})) || continue
    # `file:line: include: shop/x/y.hpp` for every include of a module path, then filtered below.
    scan include "#\\s*include\\s*[<\"]shop/($module_regex)/" "${files[@]}" |
      while IFS= read -r hit; do
        header=$(sed -E 's/.*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/' <<<"$hit")
        other=$(cut -d/ -f2 <<<"$header")
        [[ $other == "$m" ]] && continue
        [[ -f src/modules/$other/include/$header ]] && continue
        where=${hit%%: include: *}
        if [[ -f src/modules/$other/wiring/$header ]]; then
          echo "$where: module $m includes module $other's wiring header $header (only src/app may)"
        else
          echo "$where: module $m includes $header, which is not a public header of module $other"
        fi
      done >>"$findings"
    # A relative include that climbs out of the module's folder reaches another module's insides.
    scan relative '#\s*include\s*"[^"]*\.\./' "${files[@]}" |
      while IFS= read -r hit; do
        where=${hit%%: relative: *}
        header=$(sed -E 's/.*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/' <<<"$hit")
        target=$(realpath -m --relative-to=. -- "$(dirname -- "${where%%:*}")/$header")
        [[ $target == src/modules/$m/* ]] && continue
        echo "$where: module $m includes $target by a relative path, outside its own folder"
      done >>"$findings"
  done
  mapfile -t infra_files < <(sources src/infra)
  scan "infrastructure knows no module" "#\\s*include\\s*[<\"]shop/($module_regex)/" \
    "${infra_files[@]}" >>"$findings"
fi

if [[ -s $findings ]]; then
  count=$(wc -l <"$findings")
  {
    echo "check-boundaries: $count finding(s):"
    sed 's/^/  /' "$findings"
  } >&2
  exit 1
fi
echo "check-boundaries: ok"
