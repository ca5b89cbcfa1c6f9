"""The code passes ruff's checks as configured in ruff.toml (syntax errors, pyflakes)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_lint_ruff_finds_nothing():
    assert importlib.util.find_spec("ruff"), "ruff is not installed: pip install -r requirements-dev.txt"
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
