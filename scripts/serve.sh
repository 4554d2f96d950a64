#!/usr/bin/env bash
# Installs whatever is missing, then serves the playground on http://127.0.0.1:8080, and the
# extended page (consumer groups, the log cleaner) under /full/ (built once with kplay-web's `full`
# feature, served by scripts/static.mjs, proxied by Trunk: docs/embed.md § Bundle).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
PORT="${PORT:-8080}"
FULL_PORT="$((PORT + 1))"
trunk build --offline=true --features full --dist target/serve-full --public-url /full/
node scripts/static.mjs target/serve-full "$FULL_PORT" &
STATIC=$!
trap 'kill "$STATIC" 2>/dev/null || true' EXIT
echo "Serving the playground on http://127.0.0.1:$PORT (Ctrl-C to stop); consumer groups under /full/"
trunk serve --offline=true --address 127.0.0.1 --port "$PORT" --proxy-backend "http://127.0.0.1:$FULL_PORT/" --proxy-rewrite /full/ "$@"
