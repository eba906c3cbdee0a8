"""Bundle the fz-lsp server into the extension: `bundled/libs` gets fz_lsp and its dependencies.

Run by `npm run bundle-server` (part of `vscode:prepublish`, so `npm run package` does it).
fz_lsp is built from this repository (so the extension always carries the server of the same
commit); its pure-Python dependencies are installed from the pinned, hashed list in
`bundled-requirements.txt`, as universal wheels for Python 3.10 and later. The result runs
with any Python >= 3.10 that has nothing installed: `bundled/tool/fz_lsp_server.py` puts
`bundled/libs` first on `sys.path`.

Python: `$FZ_BUNDLE_PYTHON`, else the repository's `.venv`, else the Python running this script;
it needs pip (Debian: `apt-get install python3-pip`, or use the venv of the README's first command).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EXTENSION = Path(__file__).resolve().parents[1]
REPO = EXTENSION.parents[1]
LIBS = EXTENSION / "bundled" / "libs"
REQUIREMENTS = EXTENSION / "bundled-requirements.txt"
# Universal wheels only, chosen for the oldest Python the server supports.
WHEEL_TARGET = ["--only-binary", ":all:", "--platform", "any", "--implementation", "py", "--abi", "none"]


def repo_version() -> str:
    """The version from fz_lsp/__init__.py, the one place it is written."""
    text = (REPO / "fz_lsp" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if found is None:
        raise SystemExit("bundle_server: no __version__ line in fz_lsp/__init__.py")
    return found.group(1)


def pip_python() -> str:
    chosen = os.environ.get("FZ_BUNDLE_PYTHON")
    if chosen:
        return chosen
    venv = REPO / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    return str(venv) if venv.exists() else sys.executable


def pip(python: str, *args: str) -> None:
    command = [python, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bundle_server: failed: {' '.join(command)}")


def main() -> int:
    python = pip_python()
    if subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        raise SystemExit(
            f"bundle_server: {python} has no pip. Create the repository's venv first "
            "(python3 -m venv .venv), or set FZ_BUNDLE_PYTHON to a Python with pip."
        )
    version = repo_version()
    shutil.rmtree(LIBS, ignore_errors=True)
    LIBS.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="fz-bundle-") as tmp:
        # fz_lsp from this checkout, as a wheel (the wheel carries the grammar).
        pip(python, "wheel", "--quiet", "--no-deps", "--wheel-dir", tmp, str(REPO))
        wheels = list(Path(tmp).glob(f"fz_lsp-{version}-*.whl"))
        if len(wheels) != 1:
            raise SystemExit(f"bundle_server: expected one fz_lsp {version} wheel, got {wheels}")
        pip(
            python, "install", "--quiet", "--no-deps", "--no-compile", "--target", str(LIBS),
            "--require-hashes", "--python-version", "3.10", *WHEEL_TARGET, "-r", str(REQUIREMENTS),
        )  # fmt: skip
        pip(python, "install", "--quiet", "--no-deps", "--no-compile", "--target", str(LIBS), str(wheels[0]))
    # Console scripts point at the build machine's Python; caches are rebuilt where it runs.
    shutil.rmtree(LIBS / "bin", ignore_errors=True)
    for cache in list(LIBS.rglob("__pycache__")):
        shutil.rmtree(cache)
    size = sum(f.stat().st_size for f in LIBS.rglob("*") if f.is_file())
    names = sorted(p.name for p in LIBS.glob("*.dist-info"))
    print(f"bundled fz-lsp {version} into {LIBS.relative_to(EXTENSION)} ({size / 1e6:.1f} MB unpacked):")
    for name in names:
        print(f"  {name.removesuffix('.dist-info')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
