#!/usr/bin/env bash
# Every test: build (the package's dist/ and the page), type check, lint and format check, unit, real firmware (WebAssembly port + qemu micro:bit), browser.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
npm run build --silent
npx tsc --noEmit
npx eslint .
npx prettier --check . --log-level warn
npx vite build --logLevel warn
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@"
status=$?
set -e
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  console.log(`\nTests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' || status=1
exit $status
