#!/usr/bin/env bash
# Writes scenarios/library/index.json (what the page's library view fetches) from the lesson
# files, in their file order; `cli/tests/library.rs` fails when the committed index is stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo run --quiet -p kplay-cli -- library scenarios/library/[0-9][0-9]-*.json > scenarios/library/index.json
echo "scenarios/library/index.json: $(grep -c '"file"' scenarios/library/index.json) lessons"
