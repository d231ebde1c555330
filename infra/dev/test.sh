#!/usr/bin/env bash
# The README's test command: every check. Typecheck, lint, the OpenAPI freshness check, then the unit and
# integration suites (real Postgres, Redis, S3 emulator over HTTP, ffmpeg) in one vitest run.
source "$(dirname "$0")/ensure-tools.sh" ffmpeg chromium
start=$(date +%s)

log "typecheck (turbo)"
turbo run typecheck --output-logs=errors-only

log "lint (biome)"
biome check --diagnostic-level=error .

log "OpenAPI document is up to date"
tsx services/api/src/cli/openapi.ts --check

log "unit and integration tests (vitest)"
mkdir -p test-results
status=0
NODE_OPTIONS="--openssl-legacy-provider" vitest run --config infra/test/vitest.config.ts \
  --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?

# One plain closing line that any CI reads: "N passed, N failed".
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
log "done in $(( $(date +%s) - start )) s"
exit $status
