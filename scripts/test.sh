#!/usr/bin/env bash
# Installs whatever is missing, then runs every test layer and fails if any fails:
#   0. clippy, warnings denied (clippy.toml forbids HashMap/HashSet/Instant: determinism)
#   1. native unit, conformance and CLI tests (cargo test)
#   2. wasm-bindgen-tests: the core in Node (determinism vs native), the page in Chromium
#   3. the release build (scripts/build.sh: Trunk, the pinned nightly), and again under a
#      sub-path (/course/kplay/)
#   4. browser end-to-end tests (node:test + playwright-core + Debian's Chromium)
#   5. the real-Kafka oracle: tests/oracle/scenarios on an Apache Kafka 4.4.0 KRaft cluster,
#      compared field by field with the simulator (tests/oracle/run.sh; 0 unexplained differences)
# and checks the bundle sizes against their budget (300 kB gzip).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "lints (clippy, native and the page on wasm32)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p kplay-web --all-targets --locked -- -D warnings
cargo clippy -p kplay-web --features full --all-targets --locked -- -D warnings

step "native tests"
cargo test --workspace --locked
# The extended page's consumer and cleaner narration, compiled only with kplay-web's `full` feature (off in its build).
cargo test --locked -p kplay-web --features full --lib

step "wasm tests: kplay-core in Node"
cargo test --locked --target wasm32-unknown-unknown -p kplay-core --test wasm

step "wasm tests: kplay-web in headless Chromium"
cargo test --locked --target wasm32-unknown-unknown -p kplay-web --test browser

step "release build (trunk)"
rm -rf dist
scripts/build.sh
test -f dist/index.html
# The same page for a sub-path deploy (docs/embed.md): only the bindings and wasm-opt re-run.
rm -rf dist-sub
scripts/build.sh --public-url /course/kplay/ --dist dist-sub
test -f dist-sub/index.html

step "browser end-to-end tests"
node --test --test-reporter=spec tests/e2e/

step "bundle sizes (budget: 300 kB gzip)"
node tests/bundle-size.mjs dist

step "the real-Kafka oracle (Apache Kafka 4.4.0, KRaft, separate JVMs on 127.0.0.1)"
ORACLE_TIMEOUT=480 tests/oracle/run.sh
