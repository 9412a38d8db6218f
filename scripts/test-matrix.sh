#!/usr/bin/env bash
# npm run test:matrix: the test suite on Node 22, 24 and 26 (Node 20 is the machine's own, run by
# npm test). Each version comes from the npm registry's `node` package, so nothing outside the
# registry is needed. The build in dist/ (and its bundle) is plain ES2022 and shared by all
# versions. NODE_VERSIONS="24" runs one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/bundle/main.js ] || npm run build
for version in ${NODE_VERSIONS:-22 24 26}; do
  echo "== Node ${version}"
  npx -y -p "node@${version}" -c 'node --version && node node_modules/vitest/vitest.mjs run'
done
