#!/usr/bin/env bash
# Tests the Node package `truto-ticketing` on a machine with only Node 20+, npm and Rust:
#   1. installs the dev dependencies (package-lock.json);
#   2. builds the native addon (debug, with the test hooks);
#   3. runs `node --test`: every conformance case plus the Node-specific tests;
#   4. type-checks the TypeScript example with `tsc --strict --noEmit`;
#   5. runs examples/node/create_user.mjs against the embedded sandbox.
# Installing the package as users do, from a registry, is scripts/registry-check's.
# Run it from anywhere (e.g. `bindings/node/test.sh` from the repo root). Every cargo build
# uses the workspace target/ (or CARGO_TARGET_DIR).
#
# Environment: TRUTO_NODE_CHECK_BINDINGS=1 also regenerates binding.js / binding.d.ts
# with @napi-rs/cli and fails if they differ from the committed ones.
set -euo pipefail

node_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$node_dir/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

step() { printf '\n==> Node: %s\n' "$*"; }

step "npm ci in bindings/node"
cd "$node_dir"
# --ignore-scripts: the package's own install script would build a release addon; the
# debug one is built next. The dev dependencies need no install scripts.
npm ci --ignore-scripts

if [[ "${TRUTO_NODE_CHECK_BINDINGS:-0}" == 1 ]]; then
  step "binding.js and binding.d.ts are what @napi-rs/cli generates"
  committed="$(mktemp -d)"
  cp binding.js binding.d.ts "$committed/"
  npx --no-install napi build --platform --js binding.js --dts binding.d.ts
  diff -u "$committed/binding.js" binding.js && diff -u "$committed/binding.d.ts" binding.d.ts
  rm -rf "$committed"
fi

step "build the native addon (debug, with test hooks)"
node scripts/install.js --force --profile debug --features test-hooks

step "node --test: conformance cases and Node tests"
node --test --test-reporter=spec tests/

step "TypeScript example: tsc --strict --noEmit"
cd "$root/examples/node"
npm ci
./node_modules/.bin/tsc --strict --noEmit -p .

step "examples/node/create_user.mjs against the embedded sandbox"
env -u TRUTO_API_TOKEN node create_user.mjs >"$CARGO_TARGET_DIR/node-example-output.json"
node -e '
  const user = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  if (user.name !== "Ada Lovelace" || typeof user.id !== "string") throw new Error("unexpected output")
  console.log(`created ${user.id} (${user.name})`)
' "$CARGO_TARGET_DIR/node-example-output.json"

step "all Node tests passed"
