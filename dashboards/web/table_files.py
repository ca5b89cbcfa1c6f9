"""Whole-table download files, built once per published version and then served as files.

Building `/data/observations.xlsx` takes a lot of CPU; built on every request, a burst of
downloads slowed the whole site, every page with it (docs/DEPLOY.md). A file
is a pure function of the version and of what its "About" says (title, language, sources, link
to the view), so it is written once, on its first request, into
`data/processed/downloads/<version>/`, and every later request of any worker reads it.

- Atomic: written to a temporary file in the same folder and renamed into place; a lock file
  (flock) lets one process build it while the others wait for it rather than build it too.
- The file name carries a digest of the About, so a changed site URL or wording is a new file.
- ETag (version + digest) and Last-Modified, so a client that has it gets a 304.
- Folders of versions that are no longer published are removed when a new folder is made.
- If the folder cannot be written (a read-only volume), the bytes are served as built.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from etl.contract import paths

log = logging.getLogger(__name__)
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def cache_root() -> Path:
    return paths.processed_dir() / "downloads"


def digest_of(about) -> str:
    text = json.dumps(asdict(about), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _thread_lock(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _prune(keep: str) -> None:
    """Remove the folders of versions that are no longer published (never the one being served)."""
    versions = paths.versions_dir()
    for folder in cache_root().iterdir():
        if folder.is_dir() and folder.name != keep and not (versions / folder.name).exists():
            shutil.rmtree(folder, ignore_errors=True)


def _write_atomically(path: Path, body: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def built_file(version: str, name: str, digest: str, build: Callable[[], bytes]) -> Path | bytes:
    """The path of the file `name` of this version (built now if it is not there yet), or, when
    it cannot be written, the bytes built."""
    folder = cache_root() / version
    path = folder / f"{Path(name).stem}-{digest}{Path(name).suffix}"
    if path.exists():
        return path
    with _thread_lock(str(path)):
        if path.exists():
            return path
        try:
            new_folder = not folder.exists()
            folder.mkdir(parents=True, exist_ok=True)
            if new_folder:
                _prune(version)
            with open(folder / ".lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)   # another worker may be building it right now
                try:
                    if not path.exists():
                        _write_atomically(path, build())
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
        except OSError as error:
            log.warning("download %s not kept (%s); served as built", name, error)
            return build()
    return path
