#!/usr/bin/env bash
# Installs whatever is missing, idempotently: the wasm32 target, the release build's pinned
# nightly (build-std), Trunk, wasm-bindgen-cli (the
# Cargo.lock version), Debian's Chromium + ChromeDriver, a JDK and Maven (the oracle), and the npm packages (wasm-opt from
# binaryen 132, playwright-core). A warm re-run skips every install. Sourced by serve.sh and
# test.sh; see shared/TOOLCHAIN.md for why each pin is what it is.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
# The two cargo installs build release binaries; LTO off for them only (never exported).
fast_install() { CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install "$@"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
# The release page's pinned nightly with rust-src (scripts/release-toolchain.sh).
source "$ROOT/scripts/release-toolchain.sh"
if ! cargo clippy --version >/dev/null 2>&1; then
  say "adding clippy (the lints include the no-HashMap determinism rule)"
  rustup component add clippy
fi
if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (a few minutes, once)"
  fast_install trunk --version "$TRUNK_VERSION" --locked
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION"; then
  say "installing wasm-bindgen-cli $WBG_VERSION (a few minutes, once)"
  fast_install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi
# Chromium for the browser tests; a Korean font so that the Korean page's screenshots show Hangul.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || [ ! -d /usr/share/fonts/truetype/nanum ]; then
  say "installing Debian's chromium, chromium-driver and fonts-nanum"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-nanum
fi
# The real-Kafka oracle (tests/oracle/): a JDK 17+ and Maven, which resolves Kafka 4.4.0 from
# Maven Central on its first run (into ~/.m2, once).
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if ! command -v mvn >/dev/null || ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then
  say "installing Debian's openjdk-17-jdk-headless and maven (the real-Kafka oracle)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (binaryen 132, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi
# Trunk runs offline; make sure every crate is in the local registry first.
cargo fetch --locked --quiet
