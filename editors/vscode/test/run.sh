#!/usr/bin/env bash
# Build and test the VS Code extension: npm ci, compile (strict TypeScript + bundle), unit tests,
# TextMate grammar tests, vsce package, and with FZ_VSCODE_E2E=1 the end-to-end test in
# code-server (test/e2e/run.sh). Prints how long each step took and ends with
# "vscode: N passed, N failed" (unit tests + grammar test files + e2e checks).
set -euo pipefail

EXT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$EXT_DIR"

passed=0
failed=0
timings=()
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/fz-vscode-test.XXXXXX")"
trap 'rm -rf "$LOG_DIR"' EXIT

# step NAME COMMAND...: run, show the output, record the time; stop at the first failure.
step() {
  local name="$1"
  shift
  local start end status
  printf '\n=== %s\n' "$name"
  start=$EPOCHREALTIME
  set +e
  "$@" 2>&1 | tee "$LOG_DIR/$name.log"
  status=${PIPESTATUS[0]}
  set -e
  end=$EPOCHREALTIME
  timings+=("$(awk -v n="$name" -v a="$start" -v b="$end" -v bad="$status" \
    'BEGIN { printf "%-14s %6.1f s%s", n, b - a, (bad == 0 ? "" : "  FAILED") }')")
  return "$status"
}

summary() {
  printf '\n=== timings\n'
  printf '%s\n' "${timings[@]}"
  echo "vscode: $passed passed, $failed failed"
}

fail_out() {
  failed=$((failed + 1))
  summary
  exit 1
}

step npm-ci npm ci --no-audit --no-fund || fail_out
step compile npm run --silent compile || fail_out

if step unit-tests node --test out/test/unit/; then :; else
  failed=$((failed + $(grep -Eo '^# fail [0-9]+' "$LOG_DIR/unit-tests.log" | awk '{print $3}' || echo 1)))
  passed=$((passed + $(grep -Eo '^# pass [0-9]+' "$LOG_DIR/unit-tests.log" | awk '{print $3}' || echo 0)))
  summary
  exit 1
fi
passed=$((passed + $(grep -Eo '^# pass [0-9]+' "$LOG_DIR/unit-tests.log" | awk '{print $3}')))

grammar_status=0
step grammar-tests npm run --silent test:grammar || grammar_status=$?
grammar_ok=$(grep -c 'run successfuly' "$LOG_DIR/grammar-tests.log" || true)
grammar_bad=$(grep -c '✖' "$LOG_DIR/grammar-tests.log" || true)
passed=$((passed + grammar_ok))
failed=$((failed + grammar_bad))
if [ "$grammar_status" -ne 0 ] || [ "$grammar_ok" -eq 0 ]; then
  [ "$grammar_bad" -gt 0 ] || failed=$((failed + 1))
  summary
  exit 1
fi

rm -f flowzap.vsix
step package npm run --silent package || fail_out
[ -f flowzap.vsix ] || { echo "vsce package produced no flowzap.vsix"; fail_out; }
ls -l flowzap.vsix

if [ "${FZ_VSCODE_E2E:-0}" = 1 ]; then
  e2e_status=0
  step e2e env FZ_E2E_VSIX="$EXT_DIR/flowzap.vsix" bash test/e2e/run.sh || e2e_status=$?
  e2e_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOG_DIR/e2e.log" | tail -1 || true)
  if [ -n "$e2e_line" ]; then
    passed=$((passed + $(echo "$e2e_line" | awk '{print $1}')))
    failed=$((failed + $(echo "$e2e_line" | awk '{print $3}')))
  fi
  if [ "$e2e_status" -ne 0 ]; then
    [ -n "$e2e_line" ] || failed=$((failed + 1))
    summary
    exit 1
  fi
else
  printf '\n=== e2e skipped (set FZ_VSCODE_E2E=1 to run it)\n'
fi

summary
