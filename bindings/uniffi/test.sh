#!/usr/bin/env bash
# Tests the Kotlin and Swift bindings (UniFFI). Needs Rust, Java 17+ and Maven 3.8+;
# Maven downloads its plugins and dependencies into ~/.m2 on the first run.
#
#   bindings/uniffi/test.sh      (from anywhere; it works from the repository root)
#
# 1. cargo builds the UniFFI library, the binding generator and the sandbox server;
# 2. Maven generates the Kotlin bindings and their Java forms (`uniffi-bindgen kotlin`), runs
#    the JUnit suites, Kotlin's and Java's (every conformance and bulk case through Kotlin's
#    suspend calls and flows, Java's blocking calls and streams, Java's futures and
#    publishers; error mapping, invalid input, redaction, concurrency, cancellation) against
#    the sandbox binary, packages the jar with the native library and installs it in ~/.m2;
# 3. `check-java-api` reads the jar as Java sees it: no mangled or unsigned member, no JSON
#    as a String;
# 4. the Android library's own Kotlin (TrutoAndroid, TrutoInitProvider) compiles against the
#    android.jar stubs (no Android SDK here: the AAR itself is built by the release workflow);
# 5. the Kotlin and Java examples (examples/kotlin, examples/java) run against a sandbox;
# 6. the Swift bindings are regenerated and compared with the committed ones (no Swift
#    toolchain here: the Swift package itself is not compiled by this script).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
step() { printf '\n==> %s\n' "$*"; }

step "cargo build (uniffi library, uniffi-bindgen, truto-sandbox)"
cargo build -p truto-ticketing-uniffi -p truto-sandbox -p uniffi-bindgen

step "Kotlin: generate bindings, JUnit tests, package and install the jar"
kotlin_dir="bindings/uniffi/kotlin"
rm -rf "$kotlin_dir/target/surefire-reports"
mvn_status=0
# cargo already ran above: -Dcargo.skip keeps Maven from running it again.
mvn -q -B -Dstyle.color=never -f "$kotlin_dir/pom.xml" -Dcargo.skip=true install || mvn_status=$?
passed=0
failed=0
if compgen -G "$kotlin_dir/target/surefire-reports/*.txt" > /dev/null; then
  read -r passed failed < <(grep -h '^Tests run:' "$kotlin_dir"/target/surefire-reports/*.txt |
    awk -F'[:,] *' '{ run += $2; bad += $4 + $6; skipped += $8 }
                    END { print run - bad - skipped, bad + 0 }')
fi
grep -h '^Tests run:' "$kotlin_dir"/target/surefire-reports/*.txt 2> /dev/null | sed 's/^/    /' || true
if [[ $mvn_status != 0 ]]; then
  echo "kotlin: $passed passed, $failed failed"
  echo "Maven failed (exit $mvn_status); reports in $kotlin_dir/target/surefire-reports" >&2
  exit "$mvn_status"
fi

step "Java: the jar as Java sees it (javap -public)"
jar="$(find "$kotlin_dir/target" -maxdepth 1 -name 'truto-ticketing-*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar')"
bindings/uniffi/check-java-api "$jar"

step "Kotlin: the AAR's own sources (bindings/uniffi/android) compile against Android's API"
# No Android SDK here: the android.jar stubs from Maven Central stand in for it.
mvn -q -B -Dstyle.color=never -f "$kotlin_dir/pom.xml" -Dcargo.skip=true -Pandroid-sources compile

step "Kotlin example (examples/kotlin) against a local sandbox"
example_output="$(env -u TRUTO_API_TOKEN TRUTO_SANDBOX_BIN="$CARGO_TARGET_DIR/debug/truto-sandbox" \
  mvn -q -B -Dstyle.color=never -f examples/kotlin/pom.xml compile exec:java)"
echo "$example_output"
if ! grep -q 'name=Ada Lovelace' <<< "$example_output"; then
  echo "the Kotlin example did not print the created user" >&2
  exit 1
fi

step "Java example (examples/java) against a local sandbox"
example_output="$(env -u TRUTO_API_TOKEN TRUTO_SANDBOX_BIN="$CARGO_TARGET_DIR/debug/truto-sandbox" \
  mvn -q -B -Dstyle.color=never -f examples/java/pom.xml compile exec:java)"
echo "$example_output"
if ! grep -q 'name=Ada Lovelace' <<< "$example_output" || ! grep -q '^katherine: ' <<< "$example_output"; then
  echo "the Java example did not print the created user and the imported rows" >&2
  exit 1
fi

step "Swift: committed bindings match what uniffi generates"
SKIP_CARGO_BUILD=1 bindings/uniffi/swift/generate-bindings.sh --check

echo
echo "kotlin: $passed passed, $failed failed"
