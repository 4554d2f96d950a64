#!/usr/bin/env bash
# Installs whatever is missing, then serves the playground on http://127.0.0.1:8080.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
echo "Serving the playground on http://127.0.0.1:8080 (Ctrl-C to stop)"
exec trunk serve --offline=true --address 127.0.0.1 --port "${PORT:-8080}" "$@"
