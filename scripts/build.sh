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
# The page, then the extended page (kplay-web's `full` feature: consumer groups and the log
# cleaner) in its `full/` folder, fetched only when a reader opens it (docs/embed.md § Bundle):
# the first load stays within its budget, and these cost nothing until they are used.
DIST=dist
PUBLIC_URL=/
ARGS=("$@")
for ((i = 0; i < ${#ARGS[@]}; i++)); do
  case "${ARGS[$i]}" in
    --dist) DIST="${ARGS[$((i + 1))]}" ;;
    --dist=*) DIST="${ARGS[$i]#--dist=}" ;;
    --public-url) PUBLIC_URL="${ARGS[$((i + 1))]}" ;;
    --public-url=*) PUBLIC_URL="${ARGS[$i]#--public-url=}" ;;
  esac
done
trunk build --release --offline=true "$@"
if [[ "${KPLAY_FULL:-1}" == 1 ]]; then
  trunk build --release --offline=true --features full --dist "$DIST/full" --public-url "${PUBLIC_URL%/}/full/"
fi
