"""The Frictionless `datapackage.json` of a published version, written from the data contract."""
from __future__ import annotations

import json

from etl.schemas import TABLES

FRICTIONLESS_TYPES = {"string": "string", "int": "integer", "float": "number", "bool": "boolean",
                      "date": "date", "list": "array"}
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}


def descriptor(manifest: dict, sources: list[dict]) -> dict:
    resources = []
    for name, entry in manifest["tables"].items():
        table = TABLES[name]
        fields = []
        for c in table.columns:
            field = {"name": c.name, "type": FRICTIONLESS_TYPES[c.dtype], "title": c.en, "description": c.en,
                     "description_bg": c.bg}
            if c.unit:
                field["unit"] = c.unit
            if not c.nullable:
                field["constraints"] = {"required": True}
            fields.append(field)
        schema = {"fields": fields}
        if table.key and all(not table.column(k).nullable for k in table.key):
            schema["primaryKey"] = list(table.key)
        resources.append({
            "name": name.replace("_", "-"), "path": entry["file"], "format": "parquet",
            "mediatype": "application/vnd.apache.parquet", "title": table.en, "title_bg": table.bg,
            "hash": f"sha256:{entry['sha256']}", "schema": schema, "rows": entry["rows"],
        })
    return {
        "name": "bulgaria-migration-data",
        "title": "Bulgaria's migration statistics and National Migration Strategy action plans",
        "title_bg": "Миграционна статистика на България и планове за изпълнение на Националната стратегия по миграция",
        "version": manifest["version"],
        "created": manifest["published"],
        "licenses": [LICENSE],
        "sources": [{"title": s.get("title") or s["source_id"], "path": s.get("url") or s.get("file")} for s in sources],
        "resources": resources,
    }


def write(folder, manifest: dict, sources: list[dict]) -> None:
    (folder / "datapackage.json").write_text(json.dumps(descriptor(manifest, sources), ensure_ascii=False, indent=2),
                                             encoding="utf-8")
