#!/usr/bin/env bash
# The whole test suite: lint, types, the Python tests (unit, property, fuzz, wheel,
# end-to-end over stdio) and the real-editor tests (Neovim 0.7 and 0.11, Emacs
# eglot, VS Code grammar and packaging). Sets up what it needs; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"

echo "== ruff"
.venv/bin/ruff check fz_lsp tests benchmarks
.venv/bin/ruff format --check fz_lsp
echo "== mypy --strict"
.venv/bin/mypy
echo "== pytest"
.venv/bin/pytest -q -p no:cacheprovider

export PATH="$PWD/.venv/bin:$PATH"  # the editors start `fz-lsp` from PATH
passed=0
failed=0
for suite in editors/nvim/test/run.sh editors/emacs/test/run.sh editors/vscode/test/run.sh; do
  [ -f "$suite" ] || continue
  echo "== $suite"
  if bash "$suite"; then passed=$((passed + 1)); else echo "FAILED: $suite"; failed=$((failed + 1)); fi
done
echo "editors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
