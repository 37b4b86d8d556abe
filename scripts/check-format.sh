#!/usr/bin/env bash
# Checks that every C++ file in src/, tests/ and bench/ is formatted by the repository's .clang-format
# with Debian 12's clang-format (14): other versions format some constructs differently.
# Usage: scripts/check-format.sh        lists the files that differ and exits 1
#        scripts/check-format.sh --fix  formats them in place
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$SHOP_ROOT"

command -v clang-format >/dev/null || shop_die "clang-format is missing (scripts/deps.sh installs it)"
version=$(clang-format --version)
[[ $version == *"version 14."* ]] ||
  shop_log "warning: $version is not the clang-format 14 that CI uses; its verdict may differ"

mapfile -t files < <(find src tests bench -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) |
  LC_ALL=C sort)
((${#files[@]})) || shop_die "no C++ files found under src/, tests/ and bench/"

if [[ ${1:-} == --fix ]]; then
  printf '%s\0' "${files[@]}" | xargs -0 -n 16 -P 2 clang-format -i
  exit 0
fi

# --dry-run --Werror reports each file that would change as "FILE:LINE:COL: error: ..." lines.
report=$(printf '%s\0' "${files[@]}" | xargs -0 -n 16 -P 2 clang-format --dry-run --Werror 2>&1 || true)
mapfile -t bad < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: error' <<<"$report" | cut -d: -f1 | LC_ALL=C sort -u)
if ((${#bad[@]})); then
  {
    echo "check-format: ${#bad[@]} file(s) not formatted with .clang-format:"
    printf '  %s\n' "${bad[@]}"
    echo "fix them with: scripts/check-format.sh --fix (or clang-format -i FILE...)"
  } >&2
  exit 1
fi
if [[ -n $report ]]; then
  printf '%s\n' "$report" >&2
  shop_die "clang-format failed"
fi
echo "check-format: ok (${#files[@]} files)"
