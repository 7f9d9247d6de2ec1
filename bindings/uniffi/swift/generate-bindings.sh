#!/usr/bin/env bash
# Regenerates the Swift bindings from the Rust library (uniffi-bindgen, library mode):
#   Sources/TrutoTicketing/TrutoTicketing.swift   the Swift API
#   Headers/TrutoTicketingFFI.h                   the C interface, packed into the XCFramework
#   Headers/TrutoTicketingFFI.modulemap           its module map (module.modulemap there)
#
#   generate-bindings.sh           write them (run after changing the Rust API)
#   generate-bindings.sh --check   fail if the committed files differ from what uniffi generates
#
# Works on any host: the generated Swift does not depend on the platform it is generated on.
# Uses the library and generator in $CARGO_TARGET_DIR/debug (default: the workspace's target/),
# building them first unless SKIP_CARGO_BUILD=1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if [[ "${SKIP_CARGO_BUILD:-0}" != 1 ]]; then
  (cd "$root" && cargo build -p truto-ticketing-uniffi -p uniffi-bindgen)
fi
case "$(uname -s)" in
  Darwin) library="$target_dir/debug/libtruto_ticketing_uniffi.dylib" ;;
  MINGW* | MSYS* | CYGWIN*) library="$target_dir/debug/truto_ticketing_uniffi.dll" ;;
  *) library="$target_dir/debug/libtruto_ticketing_uniffi.so" ;;
esac

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
(cd "$root" && "$target_dir/debug/uniffi-bindgen" generate "$library" \
  --language swift --out-dir "$out" --no-format)

files=(
  "TrutoTicketing.swift:Sources/TrutoTicketing/TrutoTicketing.swift"
  "TrutoTicketingFFI.h:Headers/TrutoTicketingFFI.h"
  "TrutoTicketingFFI.modulemap:Headers/TrutoTicketingFFI.modulemap"
)
generated=$(cd "$out" && ls | sort | tr '\n' ' ')
if [[ "$generated" != "TrutoTicketing.swift TrutoTicketingFFI.h TrutoTicketingFFI.modulemap " ]]; then
  echo "uniffi-bindgen generated unexpected files: $generated" >&2
  exit 1
fi

stale=0
for pair in "${files[@]}"; do
  from="$out/${pair%%:*}"
  to="$here/${pair#*:}"
  if $check; then
    if ! diff -u "$to" "$from" > "$out/diff.txt" 2>&1; then
      echo "stale: bindings/uniffi/swift/${pair#*:} differs from what uniffi generates:" >&2
      head -40 "$out/diff.txt" >&2
      stale=1
    fi
  else
    cp "$from" "$to"
  fi
done
if $check; then
  if [[ $stale == 1 ]]; then
    echo "run bindings/uniffi/swift/generate-bindings.sh and commit the result" >&2
    exit 1
  fi
  echo "Swift bindings are current"
else
  echo "wrote the Swift bindings into bindings/uniffi/swift"
fi
