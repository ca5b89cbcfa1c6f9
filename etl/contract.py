"""What the web process (dashboards/, app.py) shares with the ETL: the only etl module it imports.

The tables and their columns (`etl.schemas`), where the published data lives (`etl.paths`), the
manifest of a published version and its check, the bands of indicator progress the about page
explains, the interface text catalogues (dashboards/locales), the declared series and Eurostat
datasets (as written in their YAML files: what a yearly update can add), and the text folding the search index is written with (queries must be folded alike).
Nothing here imports an ETL step (build, publish, importers, plan reading): the web process only
reads what a build published (tests/test_contract.py keeps it so).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from etl import paths
from etl.interface_text import catalogue
from etl.schemas import BULGARIA, STATUSES, TABLES, Table
from etl.search_index import FILENAME, KINDS, MAX_QUERY_CHARS, WORD, fold, match_expression, query_terms, stem

__all__ = ["BANDS", "BULGARIA", "FILENAME", "KINDS", "MANIFEST", "MAX_QUERY_CHARS", "STATUSES", "TABLES",
           "Table", "WORD", "catalogue", "declared_series", "eurostat_datasets", "fold", "match_expression", "paths", "query_terms", "sha256", "stem", "verify"]

# Lower bounds of the bands of the share of the planned change achieved (etl/progress.py gives
# each indicator its band; the about page states them).
BANDS = (("achieved", 1.0), ("substantial", 0.75), ("moderate", 0.4), ("limited", 1e-9))

MANIFEST = "manifest.json"   # in every published version: rows and SHA-256 per file
SERIES_DECLARATIONS = paths.PROJECT_DIR / "etl" / "statistics" / "series.yml"
EUROSTAT_MAPPING = paths.PROJECT_DIR / "etl" / "sources" / "eurostat_mapping.yml"


def declared_series() -> list[dict]:
    """Every declared statistical series (code, theme, names, reporting institution), in the order of
    etl/statistics/series.yml; the build checks the file (etl.statistics.registry), this only reads it."""
    fields = ("series", "theme", "name_bg", "name_en", "institution_code")
    entries = yaml.safe_load(SERIES_DECLARATIONS.read_text(encoding="utf-8"))["series"]
    return [{f: entry.get(f) for f in fields} for entry in entries]


def eurostat_datasets() -> dict[str, str]:
    """Eurostat dataset code -> the series its importer fills (etl/sources/eurostat_mapping.yml)."""
    mapping = yaml.safe_load(EUROSTAT_MAPPING.read_text(encoding="utf-8"))
    return {dataset: spec["series"] for dataset, spec in mapping["datasets"].items()}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify(version_dir: Path) -> list[str]:
    """Problems with a published version: missing or altered files (checked against the manifest)."""
    manifest_path = version_dir / MANIFEST
    if not manifest_path.exists():
        return [f"{version_dir.name}: no manifest"]
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = []
    for name, entry in [*manifest["tables"].items(), *manifest.get("files", {}).items()]:
        path = version_dir / entry["file"]
        if not path.exists():
            problems.append(f"{version_dir.name}: {entry['file']} is missing")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"{version_dir.name}: {entry['file']} does not match its checksum")
    return problems
