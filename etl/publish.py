"""Publishing contract: versions, the `current` pointer, manifest, rollback.

    data/processed/versions/<id>/<table>.parquet, manifest.json, datapackage.json, changes.json,
                                  search.sqlite (the site search index, etl/search_index.py)
    data/processed/current -> versions/<id>          (a symlink)

A version is written in full under a temporary name, renamed into place, and only then is
`current` switched with one atomic rename of a new symlink over the old one. A reader that
resolves `current` sees either the old or the new version, never a mixture; a failed build
leaves `current` untouched. A lock file keeps two builds from publishing at once.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl import changelog, datapackage, paths
from etl.problems import EtlError, Problem
from etl.contract import MANIFEST, sha256, verify  # noqa: F401 (verify: etl.publish.verify)
from etl.schemas import TABLES, arrow_schema, conform

ROW_GROUP_SIZE = 100_000  # row groups let readers skip data by the sort keys


@contextmanager
def publish_lock():
    paths.processed_dir().mkdir(parents=True, exist_ok=True)
    with open(paths.processed_dir() / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise EtlError([Problem("data/processed", "another build is publishing right now; try again when it ends")])
        yield


def new_version_id(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    base = now.strftime("%Y%m%dT%H%M%SZ")
    candidate, n = base, 1
    while (paths.versions_dir() / candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def current_version() -> str | None:
    link = paths.current_link()
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def list_versions() -> list[dict]:
    out = []
    if not paths.versions_dir().exists():
        return out
    for folder in sorted(paths.versions_dir().iterdir()):
        manifest = folder / MANIFEST
        if folder.name.startswith(".") or not manifest.exists():
            continue
        out.append(json.loads(manifest.read_text(encoding="utf-8")))
    return out


def write_table(name: str, frame: pd.DataFrame, folder: Path) -> Path:
    table = TABLES[name]
    frame = conform(table, frame)
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
    path = folder / f"{name}.parquet"
    pq.write_table(arrow, path, compression="zstd", row_group_size=ROW_GROUP_SIZE)
    return path


def read_version(version: str) -> dict[str, pd.DataFrame]:
    folder = paths.versions_dir() / version
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return {name: pq.read_table(folder / entry["file"]).to_pandas() for name, entry in manifest["tables"].items()}


def publish(tables: dict[str, pd.DataFrame], extra_files: dict[str, str] | None = None,
            summary: dict | None = None, derived=()) -> str:
    """Write a new version and make it current. Returns the version id.

    The `changes` table (what differs from the version now current) is computed here, under the
    lock, so two publishes can never both diff against the same previous version.
    `derived`: functions (tables, folder) -> path that write files made from the tables (the
    search index) into the version; they are listed in the manifest's `files` with checksums.
    """
    with publish_lock():
        previous = current_version()
        version = new_version_id()
        published = datetime.now(timezone.utc).isoformat(timespec="seconds")
        old_tables = None
        if previous and not verify(paths.versions_dir() / previous):
            old_tables = read_version(previous)
        tables = dict(tables)
        tables["changes"] = changelog.changes(version, published, old_tables, tables)
        summary = {**(summary or {}), "changes": changelog.summary(tables["changes"], version)}
        paths.versions_dir().mkdir(parents=True, exist_ok=True)
        staging = paths.versions_dir() / f".staging-{version}"
        staging.mkdir()
        try:
            files = {}
            for name, frame in tables.items():
                path = write_table(name, frame, staging)
                files[name] = {"file": path.name, "rows": int(len(frame)), "sha256": sha256(path)}
            for filename, text in (extra_files or {}).items():
                (staging / filename).write_text(text, encoding="utf-8")
            made = {}
            for make in derived:
                path = make(tables, staging)
                made[path.name] = {"file": path.name, "sha256": sha256(path)}
            manifest = {
                "version": version,
                "published": published,
                "previous": previous,
                "tables": files,
                **({"files": made} if made else {}),
                "summary": summary or {},
            }
            sources = tables["sources"].to_dict("records") if "sources" in tables else []
            datapackage.write(staging, manifest, sources)
            (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            _fsync_dir(staging)
            final = paths.versions_dir() / version
            os.rename(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        point_current_to(version)
        return version


def point_current_to(version: str) -> None:
    target = paths.versions_dir() / version
    if not (target / MANIFEST).exists():
        raise EtlError([Problem(f"data/processed/versions/{version}", "no such published version")])
    link = paths.current_link()
    tmp = link.with_name(f".current-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(Path("versions") / version, tmp)
    os.replace(tmp, link)  # atomic on POSIX: readers see the old or the new target
    _fsync_dir(link.parent)


def rollback(version: str | None = None) -> str:
    """Make `version` (default: the one before the current) current again."""
    with publish_lock():
        versions = [v["version"] for v in list_versions()]
        current = current_version()
        if version is None:
            if current not in versions or versions.index(current) == 0:
                raise EtlError([Problem("data/processed", "there is no earlier version to roll back to")])
            version = versions[versions.index(current) - 1]
        if version not in versions:
            raise EtlError([Problem("data/processed", f"no version {version!r}; known: {', '.join(versions) or 'none'}")])
        point_current_to(version)
        return version


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
