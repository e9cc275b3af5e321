#!/usr/bin/env bash
# The whole suite: lint, typecheck, unit and cluster tests (Vitest), browser tests (Playwright).
# Every stage runs even when an earlier one fails, so one run shows every problem.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
mkdir -p .test-reports
rm -f .test-reports/vitest.json .test-reports/playwright.json

bash scripts/ensure-system-deps.sh || exit 1

failed=()
stage() {
  local name="$1"; shift
  echo ""
  echo "=== $name: $*"
  local started=$SECONDS
  if "$@"; then echo "=== $name passed in $((SECONDS - started)) s"; else failed+=("$name"); echo "=== $name FAILED after $((SECONDS - started)) s"; fi
}

stage lint npm run --silent lint
stage typecheck npx tsc --noEmit
stage vitest npx vitest run --reporter=default --reporter=json --outputFile.json=.test-reports/vitest.json
stage labs:verify npm run --silent labs:verify
stage playwright npx playwright test

echo ""
npx tsx scripts/summarize-tests.ts || failed+=(summary)
if [ ${#failed[@]} -gt 0 ]; then
  echo "Failed stages: ${failed[*]}"
  exit 1
fi
