"""The one read-only access to the published data (data/processed/current).

Tables are loaded on first use, once per process, never at import. When `current` is switched
to a new version (a publish or a rollback), the next access after at most `CHECK_SECONDS` loads
the new version completely, prepares it (`prepare_new_versions_with`: e.g. warm caches) while
other requests are still answered from the old one, and swaps it in one assignment; a request
sees one version only (`snapshot()` is pinned for the length of a request).
If the new version is damaged (a file missing, a checksum wrong, a table unreadable), the last
good version keeps being served and the reason is logged.

Large tables (`observations`, millions of rows) are held compactly: see dashboards/store/compact.py.
"""
from __future__ import annotations

import gc
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import flask
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboards.store.compact import Compact, load_compact, trim
from etl.contract import MANIFEST, paths, verify

log = logging.getLogger(__name__)
CHECK_SECONDS = 2.0


class DataUnavailable(RuntimeError):
    """No valid published version: run `python -m etl build`."""


# table -> columns rebuilt on demand from (prefix, trailing number); every other text column of
# the table becomes a categorical. Only tables that grow large are listed: small ones stay plain.
COMPACT = {"observations": ("source_ref",)}


@dataclass(frozen=True)
class Snapshot:
    version: str
    manifest: dict
    tables: dict[str, pd.DataFrame]
    folder: Path
    derived: dict = field(default_factory=dict, compare=False, repr=False)
    compact: dict[str, Compact] = field(default_factory=dict, compare=False, repr=False)

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

    def rows(self, name: str, part: pd.DataFrame | None = None, columns: list[str] | None = None) -> pd.DataFrame:
        """Rows of table `name` exactly as published (every column or `columns`, published types):
        `part` is a selection of `snap[name]` (default: the whole table)."""
        frame = self.tables[name] if part is None else part
        compact = self.compact.get(name)
        if compact is None:
            return frame if columns is None else frame[columns]
        return compact.restore(frame, columns)

    def arrow_rows(self, name: str, part: pd.DataFrame, columns: list[str]) -> pa.Table:
        """`rows(name, part, columns)` as an Arrow table in the published types."""
        compact = self.compact.get(name)
        if compact is None:
            return pa.Table.from_pandas(part[columns], preserve_index=False)
        return compact.arrow(part, columns)

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
    tables, compact = {}, {}
    for name, entry in manifest["tables"].items():
        if name in COMPACT:
            frame, compact[name] = load_compact(folder / entry["file"], name, COMPACT[name])
        else:
            frame = pq.read_table(folder / entry["file"]).to_pandas()
        frame.attrs = {}  # metadata in attrs is deep-copied by every pandas operation
        tables[name] = frame
    trim()
    return Snapshot(manifest["version"], manifest, tables, folder, compact=compact)


def _settle() -> None:
    """After a version is loaded and prepared: everything alive now (modules, the app, the data, the
    caches the preparation filled) lives until the next version, so the cyclic garbage collector's
    full passes need not walk it again on every request (gc.freeze). Large pages allocate enough to
    trigger full passes often; measured on the 5M-row table, freezing removes those pauses from the
    p95 (bench/scale.py, docs/DEPLOY.md)."""
    gc.collect()
    gc.freeze()
    trim()


def release_memory() -> None:
    """Hand memory freed by a large one-off computation back to the system (see compact.trim)."""
    trim()


def snapshot() -> Snapshot:
    """The current published data (reloaded when `current` moves). Within a request, always the
    version the request first looked at: a publish in the middle of it must not mix two versions in
    one answer (body and X-Data-Version header, page cache key and page)."""
    pinned = getattr(_preparing, "snapshot", None)
    if pinned is not None:
        return pinned
    if flask.has_request_context():
        pinned = flask.g.get("data_snapshot")
        if pinned is None:
            pinned = flask.g.data_snapshot = _latest()
        return pinned
    return _latest()


def prepare_new_versions_with(hook: Callable[[], None]) -> None:
    """Run `hook` on every newly loaded version before it replaces the one being served, with
    `snapshot()` answering the new version in it (e.g. warming the page cache): requests meanwhile
    keep being answered from the old version's warm caches instead of all meeting cold ones."""
    if hook not in _preparers:
        _preparers.append(hook)


_preparers: list[Callable[[], None]] = []
_preparing = threading.local()
_loading: str | None = None         # the version being loaded and prepared in some thread


def _prepare(candidate: Snapshot) -> None:
    _preparing.snapshot = candidate
    try:
        for hook in _preparers:
            try:
                hook()
            except Exception:  # preparing is an optimisation: never keep a good version out
                log.exception("preparing data version %s failed", candidate.version)
    finally:
        _preparing.snapshot = None


def _latest() -> Snapshot:
    global _checked_at, _failed_target, _loading
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
        if _snapshot is not None and (Path(target).name == _snapshot.version or target in (_failed_target, _loading)):
            return _snapshot
        folder = (paths.current_link().parent / target).resolve()
        if _snapshot is None:          # nothing to serve yet: every request waits for this load
            try:
                candidate = load_version(folder)
            except Exception as exc:
                _failed_target = target
                raise DataUnavailable(f"the published version {Path(target).name} is damaged: {exc}") from exc
            _prepare(candidate)
            return _serve(candidate)
        _loading = target              # other threads go on serving the old version meanwhile
    return _replace(target, folder)


def _replace(target: str, folder: Path) -> Snapshot:
    """Load and prepare the version `current` now names outside the lock, then swap it in."""
    global _failed_target, _loading
    try:
        gc.unfreeze()      # the version being replaced may be collected once it is no longer used
        candidate = load_version(folder)
        _prepare(candidate)
    except Exception as exc:  # any damage: keep the last good version
        with _lock:
            _failed_target, _loading = target, None
            log.error("data version %s is damaged (%s); still serving %s", Path(target).name, exc, _snapshot.version)
            return _snapshot
    with _lock:
        return _serve(candidate)


def _serve(candidate: Snapshot) -> Snapshot:
    """Make a loaded and prepared version the one served (the caller holds `_lock`)."""
    global _snapshot, _failed_target, _loading
    _snapshot, _failed_target, _loading = candidate, None, None
    log.info("serving data version %s", candidate.version)
    _settle()
    return candidate


def reset() -> None:
    """Forget the loaded data (tests switch data folders)."""
    global _snapshot, _checked_at, _failed_target, _loading
    with _lock:
        _snapshot, _checked_at, _failed_target, _loading = None, 0.0, None, None
