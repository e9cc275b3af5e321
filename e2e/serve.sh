#!/usr/bin/env bash
# Builds and serves the app for the browser tests on its own port and its own database,
# so a developer's data/ is never touched by a test run.
set -euo pipefail
port="$1"
cd "$(dirname "$0")/.."
mkdir -p e2e/.artifacts
rm -f e2e/.artifacts/e2e.db e2e/.artifacts/e2e.db-wal e2e/.artifacts/e2e.db-shm
export DATABASE_URL="file:./e2e/.artifacts/e2e.db"
export NEXT_TELEMETRY_DISABLED=1
npx tsx scripts/prepare.ts
npx next build
exec node node_modules/next/dist/bin/next start -p "$port" -H 127.0.0.1
