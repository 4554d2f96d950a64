#!/usr/bin/env bash
# The page's release build: `trunk build --release --offline=true "$@"` with the pinned
# nightly of release-toolchain.sh, the standard library rebuilt for size and panics as
# immediate aborts. Arguments go to trunk (e.g. --public-url /course/kplay/ --dist DIR).
# The crash overlay (web/js/crash.js) still shows when the module aborts; the message of a
# panic is only in debug builds (scripts/serve.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
source "$ROOT/scripts/release-toolchain.sh"
# build-std needs the standard library's own dependencies in ~/.cargo (fetched once).
STD_LOCK="$(rustup run "$RELEASE_TOOLCHAIN" rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
RUSTUP_TOOLCHAIN="$RELEASE_TOOLCHAIN" cargo fetch --quiet --offline --manifest-path "$STD_LOCK" 2>/dev/null \
  || RUSTUP_TOOLCHAIN="$RELEASE_TOOLCHAIN" cargo fetch --quiet --manifest-path "$STD_LOCK"
export RUSTUP_TOOLCHAIN="$RELEASE_TOOLCHAIN"
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
# Replaces .cargo/config.toml's rustflags for wasm32 in this build: keep them in step.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort"
exec trunk build --release --offline=true "$@"
