#!/usr/bin/env bash
# Build the release artefacts into dist/ and smoke-test each one from a clean place:
#   - the wheel and the sdist, each installed into a fresh virtualenv outside the checkout:
#     `fz-lsp --version`, `fz-lsp check examples/` (clean) and examples/broken/ (exit 1);
#   - the VS Code extension (npm ci && npm run package in editors/vscode, which bundles the
#     server): unpacked, its bundled server started with `python3 -I -S` (a Python that sees
#     nothing installed) and asked for `initialize` and one file's diagnostics
#     (scripts/smoke_lsp.py); its package.json version checked.
# The version is read from fz_lsp/__init__.py, the one place it is written; the wheel, the sdist,
# the .vsix and the server's serverInfo must all carry it. Prints the artefacts and their sizes.
#
# Needs: a Python >= 3.10 with pip and `build` (default: the repository's .venv, as made by the
# README's first command with `.[dev]`; or set PYTHON), python3 for the clean venvs, and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
CLEAN_PYTHON=${CLEAN_PYTHON:-python3}
DIST=$REPO/dist

say() { printf '== %s\n' "$*"; }
fail() { printf 'release: FAIL: %s\n' "$*" >&2; exit 1; }

version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' fz_lsp/__init__.py)
[ -n "$version" ] || fail "no __version__ in fz_lsp/__init__.py"
say "fz-lsp $version"

rm -rf "$DIST"
say "wheel and sdist"
"$PYTHON" -m build --outdir "$DIST" . >"$DIST.build.log" 2>&1 || { tail -20 "$DIST.build.log"; fail "python -m build"; }
rm -f "$DIST.build.log"
wheel="$DIST/fz_lsp-$version-py3-none-any.whl"
sdist="$DIST/fz_lsp-$version.tar.gz"
[ -f "$wheel" ] || fail "no $wheel"
[ -f "$sdist" ] || fail "no $sdist"

say "VS Code extension"
(cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error && FZ_BUNDLE_PYTHON="$PYTHON" npm run --silent package) \
  >"$DIST/vsix.log" 2>&1 || { tail -30 "$DIST/vsix.log"; fail "npm run package"; }
rm -f "$DIST/vsix.log"
vsix="$DIST/flowzap-$version.vsix"
cp editors/vscode/flowzap.vsix "$vsix"

work=$(mktemp -d "${TMPDIR:-/tmp}/fz-release.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r examples "$work/examples"  # checked outside the checkout: no pyproject.toml settings apply

smoke_package() {  # NAME FILE: install into a fresh venv, run the checker from $work
  local name=$1 file=$2 venv="$work/venv-$1"
  say "smoke test: $name ($(basename "$file"))"
  "$CLEAN_PYTHON" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$file" || fail "$name: pip install"
  local said
  said=$(cd "$work" && "$venv/bin/fz-lsp" --version)
  [ "$said" = "fz-lsp $version" ] || fail "$name: fz-lsp --version says '$said'"
  echo "ok   $said"
  (cd "$work" && "$venv/bin/fz-lsp" check --no-progress --exclude 'examples/broken' examples/) ||
    fail "$name: fz-lsp check examples/ is not clean"
  local status=0
  (cd "$work" && "$venv/bin/fz-lsp" check --no-progress examples/broken/ >/dev/null) || status=$?
  [ "$status" -eq 1 ] || fail "$name: fz-lsp check examples/broken/ exited $status, expected 1"
  echo "ok   fz-lsp check examples/broken/ finds the errors (exit 1)"
}
smoke_package wheel "$wheel"
smoke_package sdist "$sdist"

say "smoke test: vsix ($(basename "$vsix"))"
mkdir -p "$work/vsix"
"$CLEAN_PYTHON" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$vsix" "$work/vsix"
manifest_version=$("$CLEAN_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \
  "$work/vsix/extension/package.json")
[ "$manifest_version" = "$version" ] || fail "vsix: package.json version is $manifest_version"
echo "ok   package.json version $manifest_version"
"$CLEAN_PYTHON" scripts/smoke_lsp.py --version "$version" "$work/examples/broken/everything-wrong.fz" -- \
  "$CLEAN_PYTHON" -I -S "$work/vsix/extension/bundled/tool/fz_lsp_server.py" || fail "vsix: bundled server"

say "artefacts"
max_vsix=$((5 * 1024 * 1024))
size=$(stat -c %s "$vsix")
[ "$size" -lt "$max_vsix" ] || fail "vsix is $size bytes, over 5 MB"
for f in "$wheel" "$sdist" "$vsix"; do
  printf '%8.1f KB  %s\n' "$(awk -v b="$(stat -c %s "$f")" 'BEGIN { print b / 1024 }')" "dist/$(basename "$f")"
done
echo "release: all smoke tests passed"
