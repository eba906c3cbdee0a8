#!/usr/bin/env bash
# End-to-end test of flowzap-mode.el with Eglot against the real fz-lsp server,
# in Emacs batch mode (Debian's emacs-nox + elpa-eglot, installed if missing).
#
#   editors/emacs/test/run.sh
#
# Environment:
#   FZ_LSP_CMD       server command (words split on spaces). Default: the
#                    repository's .venv through `flowzap-lsp-venv' (not on PATH),
#                    else `fz-lsp' from PATH.
#   FZ_EMACS         Emacs binary (default: emacs)
#   FZ_TEST_TIMEOUT  seconds the test waits for each server answer (default 15)
#
# Exit status: 0 when every check passed, 1 otherwise.
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
emacs=${FZ_EMACS:-emacs}

say() { printf '%s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

have_eglot() {
  command -v "$emacs" >/dev/null &&
    "$emacs" --batch --eval "(kill-emacs (if (locate-library \"eglot\") 0 1))" >/dev/null 2>&1
}

if ! have_eglot; then
  say "installing Emacs and Eglot (apt-get install -y emacs-nox elpa-eglot) ..."
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -qq emacs-nox elpa-eglot >/dev/null ||
    { as_root apt-get update -qq && as_root apt-get install -y -qq emacs-nox elpa-eglot >/dev/null; }
  if ! have_eglot; then
    say "FAIL emacs: could not install emacs-nox and elpa-eglot"
    exit 1
  fi
fi

if [ -z "${FZ_LSP_CMD:-}" ] && [ -x "$root/.venv/bin/fz-lsp" ]; then
  # The README's route: the venv named by flowzap-lsp-venv; its bin/ stays off PATH.
  export FZ_LSP_VENV="$root/.venv"
  PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$root/.venv/bin" | paste -sd:)
  export PATH
  server_desc="flowzap-lsp-venv $FZ_LSP_VENV"
elif [ -z "${FZ_LSP_CMD:-}" ]; then
  if ! command -v fz-lsp >/dev/null; then
    say "FAIL fz-lsp is not installed: run \`pip install -e .\` in the repository's virtualenv, or set FZ_LSP_CMD"
    exit 1
  fi
  server_desc="fz-lsp ($(command -v fz-lsp))"
else
  server_desc="FZ_LSP_CMD=$FZ_LSP_CMD"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fz-emacs-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

say "--- emacs: $("$emacs" --version | head -1), server: $server_desc"
start=$(date +%s.%N)
# A throwaway HOME: no user init, no ~/.emacs.d writes. Emacs' own chatter
# (stderr) goes to a file shown only on failure.
(cd "$here" && HOME="$work/home" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
  timeout 180 "$emacs" --batch -l "$here/flowzap-e2e.el" </dev/null 2>"$work/stderr") | tee "$work/out"
rc=${PIPESTATUS[0]}
# Formatting and rename through Eglot, in an Emacs of their own.
(cd "$here" && HOME="$work/home" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
  timeout 180 "$emacs" --batch -l "$here/flowzap-reshape-e2e.el" </dev/null 2>>"$work/stderr") | tee -a "$work/out"
reshape_rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] && rc=$reshape_rc
end=$(date +%s.%N)
secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
pass=$(grep -c '^PASS ' "$work/out")
fail=$(grep -c '^FAIL ' "$work/out")

say "=== summary"
if [ "$rc" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] && grep -q '^RESULT ' "$work/out"; then
  say "PASS emacs-eglot: $pass checks passed in ${secs}s"
  say "ALL PASSED"
  exit 0
fi
[ "$rc" -eq 124 ] && say "FAIL emacs-eglot: timed out after 180 s"
say "--- Emacs messages (stderr), last lines:"
grep -v '^Loading ' "$work/stderr" | tail -n 25
say "FAIL emacs-eglot: $pass passed, $fail failed, emacs exit status $rc, ${secs}s"
say "FAILED"
exit 1
