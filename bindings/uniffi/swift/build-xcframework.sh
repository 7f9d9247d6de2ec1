#!/usr/bin/env bash
# Builds TrutoTicketingFFI.xcframework (macOS with Xcode only): the Rust library as static
# libraries for iOS devices (arm64), the iOS simulator (arm64 + x86_64) and macOS (arm64 +
# x86_64), each with the generated C header and module map from Headers/, and
# LICENSE-MIT, LICENSE-APACHE and THIRD-PARTY-NOTICES.md at its root.
#
#   ./build-xcframework.sh            release build (what you ship)
#   PROFILE=dev ./build-xcframework.sh
#
# Then `swift build` / `swift test` in this folder. The Swift sources are generated
# separately and committed (./generate-bindings.sh); this script checks they are current.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
profile="${PROFILE:-release}"
profile_dir=$([[ "$profile" == dev ]] && echo debug || echo "$profile")
library=libtruto_ticketing_uniffi.a

if [[ "$(uname -s)" != Darwin ]] || ! command -v xcodebuild > /dev/null; then
  echo "build-xcframework.sh needs macOS with Xcode (xcodebuild, lipo)" >&2
  exit 1
fi

"$here/generate-bindings.sh" --check

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"
for target in "${targets[@]}"; do
  # The crate's own crate types are cdylib + lib; Apple platforms link a static library.
  (cd "$root" && cargo rustc -p truto-ticketing-uniffi --lib --crate-type staticlib \
    --profile "$profile" --target "$target")
done

build="$here/build"
rm -rf "$build" "$here/TrutoTicketingFFI.xcframework"
mkdir -p "$build/headers" "$build/ios-simulator" "$build/macos"
cp "$here/Headers/TrutoTicketingFFI.h" "$build/headers/"
cp "$here/Headers/TrutoTicketingFFI.modulemap" "$build/headers/module.modulemap"

lib() { echo "$target_dir/$1/$profile_dir/$library"; }
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$build/ios-simulator/$library"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$build/macos/$library"

xcodebuild -create-xcframework \
  -library "$(lib aarch64-apple-ios)" -headers "$build/headers" \
  -library "$build/ios-simulator/$library" -headers "$build/headers" \
  -library "$build/macos/$library" -headers "$build/headers" \
  -output "$here/TrutoTicketingFFI.xcframework"
# The licenses, and the notices of the crates linked into the library (scripts/notices).
cp "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$here/TrutoTicketingFFI.xcframework/"
"$root/scripts/notices" write apple "$here/TrutoTicketingFFI.xcframework/THIRD-PARTY-NOTICES.md"
echo "built $here/TrutoTicketingFFI.xcframework"
