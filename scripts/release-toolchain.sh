# Sourced by setup.sh and build.sh: the pinned nightly toolchain that builds the release page.
#
# The page's release build compiles the standard library itself (cargo's build-std) at the
# page's opt-level "z", with std's optimize_for_size feature, and panics as immediate aborts
# (no panic messages, locations or formatting machinery in the module): 298.9 → 275.4 KB gzip
# (docs/embed.md § Bundle). Both are nightly-only, so the release build uses this pinned
# nightly; every test, lint and the dev server stay on stable.
RELEASE_TOOLCHAIN=nightly-2026-05-20
if ! rustup run "$RELEASE_TOOLCHAIN" rustc --version >/dev/null 2>&1 \
  || [ ! -d "$(rustup run "$RELEASE_TOOLCHAIN" rustc --print sysroot)/lib/rustlib/src/rust/library/std" ]; then
  printf '\033[1m[setup]\033[0m %s\n' "installing $RELEASE_TOOLCHAIN with rust-src (the release page's build-std; a minute, once)"
  rustup toolchain install "$RELEASE_TOOLCHAIN" --profile minimal --component rust-src
fi
