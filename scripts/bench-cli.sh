#!/bin/sh
# npm run bench:cli: how long `tfexp` takes to start (issue 13), with hyperfine. Builds dist/
# first, so the figures are the current sources' (bin/tfexp.js runs dist/, or the slower
# sources when dist/ is missing or older than src/). Prints each command's mean, its
# difference from a bare `node -e 0` and PASS/FAIL against the targets in
# scripts/bench-cli-report.ts; exits 1 if any fails, 3 if hyperfine is not installed (nothing
# measured: not a pass).
set -eu
cd "$(dirname "$0")/.."
if ! command -v hyperfine >/dev/null 2>&1; then
  echo "bench:cli: SKIPPED: hyperfine not installed (apt-get install hyperfine; or cargo install hyperfine). Nothing was measured." >&2
  exit 3
fi
unset TFEXP_FROM_SOURCE
node_modules/.bin/tsx scripts/build.ts
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# --shell=none: no shell start-up in the figures; the commands' output is discarded.
hyperfine --shell=none --warmup 3 --min-runs 20 --export-json "$out/bench.json" \
  'node -e 0' \
  'node bin/tfexp.js --help' \
  'node bin/tfexp.js --version' \
  'node bin/tfexp.js validate experiments/baseline.yaml' \
  'node bin/tfexp.js render experiments/baseline.yaml'
# bin/tfexp.js runs the sources instead of dist/ once src/ is newer: then some figures are the sources'.
if [ -n "$(node bin/tfexp.js --version 2>&1 >/dev/null)" ]; then
  echo "bench:cli: src/ changed during the benchmark, so later runs measured the sources (slower); run it again"
  exit 1
fi
node_modules/.bin/tsx scripts/bench-cli-report.ts "$out/bench.json"
