"""The one read-only access to the published data (data/processed/current).

Tables are loaded on first use, once per process, never at import. When `current` is switched
to a new version (a publish or a rollback), the next access after at most `CHECK_SECONDS` loads
the new version completely and swaps it in one assignment, so a request sees one version only.
If the new version is damaged (a file missing, a checksum wrong, a table unreadable), the last
good version keeps being served and the reason is logged.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow.parquet as pq

from etl import paths
from etl.publish import MANIFEST, verify

log = logging.getLogger(__name__)
CHECK_SECONDS = 2.0


class DataUnavailable(RuntimeError):
    """No valid published version: run `python -m etl build`."""


@dataclass(frozen=True)
class Snapshot:
    version: str
    manifest: dict
    tables: dict[str, pd.DataFrame]
    folder: Path
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    def cached(self, key, compute: Callable):
        """A value derived from this version's data, computed once (the data never changes in place)."""
        try:
            return self.derived[key]
        except KeyError:
            value = self.derived[key] = compute()
            return value

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    @property
    def published(self) -> str:
        return self.manifest.get("published", "")


_lock = threading.Lock()
_snapshot: Snapshot | None = None
_checked_at = 0.0
_failed_target: str | None = None


def _target() -> str | None:
    try:
        return os.readlink(paths.current_link())
    except OSError:
        return None


def load_version(folder: Path) -> Snapshot:
    problems = verify(folder)
    if problems:
        raise DataUnavailable("; ".join(problems))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    tables = {}
    for name, entry in manifest["tables"].items():
        frame = pq.read_table(folder / entry["file"]).to_pandas()
        frame.attrs = {}  # metadata in attrs is deep-copied by every pandas operation
        tables[name] = frame
    return Snapshot(manifest["version"], manifest, tables, folder)


def snapshot() -> Snapshot:
    """The current published data (reloaded when `current` moves)."""
    global _snapshot, _checked_at, _failed_target
    now = time.monotonic()
    if _snapshot is not None and now - _checked_at < CHECK_SECONDS:
        return _snapshot
    with _lock:
        if _snapshot is not None and now - _checked_at < CHECK_SECONDS:
            return _snapshot
        _checked_at = now
        target = _target()
        if target is None:
            if _snapshot is None:
                raise DataUnavailable("no published data: run `python -m etl build`")
            return _snapshot
        if _snapshot is not None and Path(target).name == _snapshot.version:
            return _snapshot
        if target == _failed_target and _snapshot is not None:
            return _snapshot
        folder = (paths.current_link().parent / target).resolve()
        try:
            _snapshot = load_version(folder)
            _failed_target = None
            log.info("serving data version %s", _snapshot.version)
        except Exception as exc:  # any damage: keep the last good version
            _failed_target = target
            if _snapshot is None:
                raise DataUnavailable(f"the published version {Path(target).name} is damaged: {exc}") from exc
            log.error("data version %s is damaged (%s); still serving %s", Path(target).name, exc, _snapshot.version)
        return _snapshot


def reset() -> None:
    """Forget the loaded data (tests switch data folders)."""
    global _snapshot, _checked_at, _failed_target
    with _lock:
        _snapshot, _checked_at, _failed_target = None, 0.0, None
