"""The built wheel works on its own: installed into a fresh venv, run outside the source tree.

Builds the wheel as a release would (`python -m build --wheel`), installs it with its
dependencies into a new virtual environment, and checks an example from a folder that
has nothing to do with the repository, so the grammar can only come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from fz_lsp import __version__

REPO = Path(__file__).resolve().parents[2]
GRAMMAR = REPO / "grammar" / "flowzap.lark"


def clean_env() -> dict[str, str]:
    """The environment without anything that could point Python back at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_REQUIRE"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def sh(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", env=clean_env(), timeout=600
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the freshly built wheel installed; returns its bin folder."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    built = sh(sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPO, cwd=root)
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = sorted(dist.glob("*.whl"))
    assert [w.name for w in wheels] == [f"fz_lsp-{__version__}-py3-none-any.whl"]
    with zipfile.ZipFile(wheels[0]) as archive:
        assert archive.read("fz_lsp/grammar/flowzap.lark") == GRAMMAR.read_bytes()
        names = archive.namelist()
    assert not any(name.startswith(("tests/", "examples/", "benchmarks/", "editors/")) for name in names)
    venv = root / "venv"
    made = sh(sys.executable, "-m", "venv", venv, cwd=root)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    pip = sh(bin_dir / "python", "-m", "pip", "install", "--quiet", wheels[0], cwd=root)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return bin_dir


def test_wheel_checks_an_example_outside_the_source_tree(installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(REPO / "examples" / "database-per-service.fz", work / "diagram.fz")
    shutil.copy(REPO / "examples" / "broken" / "everything-wrong.fz", work / "broken.fz")
    clean = sh(installed / "fz-lsp", "check", "diagram.fz", cwd=work)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "Checked 1 file: 0 errors, 0 warnings\n", "")
    broken = sh(installed / "fz-lsp", "check", "broken.fz", cwd=work)
    assert broken.returncode == 1
    assert broken.stdout.splitlines()[-1] == "Checked 1 file: 18 errors, 15 warnings, 1 other"


def test_grammar_comes_from_inside_the_installed_package(installed: Path, tmp_path: Path) -> None:
    probe = (
        "import importlib.resources as r, pathlib, fz_lsp, fz_lsp.syntax.parser as p\n"
        "packaged = r.files('fz_lsp').joinpath('grammar').joinpath('flowzap.lark')\n"
        "print(pathlib.Path(fz_lsp.__file__).resolve().parent)\n"
        "print(packaged.is_file())\n"
        "print((pathlib.Path(p.__file__).resolve().parents[2] / 'grammar').exists())\n"
        "print(p.grammar_text() == packaged.read_text(encoding='utf-8'))\n"
        "print(type(p.parse_line('n1: circle')).__name__)\n"
    )
    done = sh(installed / "python", "-c", probe, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    package, packaged, source_tree, same, statement = done.stdout.splitlines()
    assert Path(package).is_relative_to(installed.parent.resolve())  # the venv's copy, not the checkout
    assert (packaged, source_tree, same, statement) == ("True", "False", "True", "NodeDecl")


def test_module_and_version(installed: Path, tmp_path: Path) -> None:
    done = sh(installed / "python", "-m", "fz_lsp", "--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"fz-lsp {__version__}\n")
