"""The only place where the project's data paths live.

`DATA_DIR` can be moved with the environment variable `MIGDASH_DATA_DIR` (tests and
benchmarks build into temporary folders; production may keep data on another volume).
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("MIGDASH_DATA_DIR", PROJECT_DIR / "data"))


def raw_dir() -> Path:
    return data_dir() / "raw"


def processed_dir() -> Path:
    return data_dir() / "processed"


def versions_dir() -> Path:
    return processed_dir() / "versions"


def current_link() -> Path:
    """`current` is a symlink to `versions/<id>`; swapping it is the atomic publish."""
    return processed_dir() / "current"
