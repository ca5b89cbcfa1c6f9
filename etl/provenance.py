"""Provenance sidecars: every raw file `x.ext` may have `x.ext.meta.yml` saying what it is.

Fields: title, provider (or issuer), url, license, retrieved (YYYY-MM-DD), sha256, and for plans
`year` and `status`. The build checks the checksum: a raw file edited after its provenance was
recorded stops the build (raw files are kept as received).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import yaml

from etl.contract import sha256
from etl.problems import Problem, rel

SUFFIX = ".meta.yml"




def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def read_meta(path: Path) -> tuple[dict, list[Problem]]:
    """The sidecar of `path` (or a minimal one) and problems with it."""
    problems: list[Problem] = []
    side = sidecar_path(path)
    digest = sha256(path)
    if side.exists():
        try:
            meta = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            return {}, [Problem(rel(side), f"the provenance sidecar is not valid YAML: {exc}")]
        recorded = str(meta.get("sha256") or "")
        if recorded and recorded != digest:
            problems.append(Problem(rel(path), f"the file changed since its provenance was recorded (checksum "
                                               f"{digest[:12]}… instead of {recorded[:12]}… in {side.name}); the "
                                               f"published checksum is the new one; update the sidecar's date and "
                                               f"checksum when you review it", severity="warning"))
    else:
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc).date()
        meta = {"title": path.stem, "retrieved": modified.isoformat()}
        problems.append(Problem(rel(path), f"no provenance sidecar {side.name}: title, provider, url, licence and "
                                           f"retrieval date are unknown", severity="warning"))
    meta["sha256"] = digest
    meta["file"] = rel(path)
    if isinstance(meta.get("retrieved"), (date, datetime)):
        meta["retrieved"] = meta["retrieved"].isoformat()
    return meta, problems


def write_meta(path: Path, meta: dict) -> Path:
    """Write the sidecar for a file this project downloaded or produced (never for hand-made edits)."""
    data = {k: v for k, v in meta.items() if v is not None and k != "file"}
    data["sha256"] = sha256(path)
    side = sidecar_path(path)
    side.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return side
