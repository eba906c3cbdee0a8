"""Running `fz-lsp preview FILE` from a test: the process and the URL it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

URL = re.compile(r"at (http://127\.0\.0\.1:\d+/) ")


class Preview:
    """A running `fz-lsp preview FILE`, stopped at the end of the test."""

    def __init__(self, path: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fz_lsp", "preview", str(path), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.process.stdout is not None
        self.banner = self.process.stdout.readline()
        match = URL.search(self.banner)
        if match is None:
            self.stop()
            raise AssertionError(
                f"no URL in {self.banner!r}; stderr: {self.process.stderr.read() if self.process.stderr else ''}"
            )
        self.url = match.group(1)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        return self.process.wait(10)
