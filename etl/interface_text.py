"""The product's interface text (dashboards/locales/<lang>.yml) as flat `key: text` catalogues.

Read by the web process for every label (dashboards/i18n.py, through etl.contract) and by the
search index for the names of the site's pages, so both show a page under the same name.
"""
from __future__ import annotations

from functools import lru_cache

import yaml

from etl.paths import PROJECT_DIR

LOCALES_FOLDER = PROJECT_DIR / "dashboards" / "locales"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """'plan.title' -> text, for one language (nested YAML keys joined with dots)."""
    data = yaml.safe_load((LOCALES_FOLDER / f"{lang}.yml").read_text(encoding="utf-8")) or {}
    flat: dict[str, str] = {}

    def walk(prefix: str, node) -> None:
        for key, value in node.items():
            full = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(full, value)
            else:
                flat[full] = str(value)

    walk("", data)
    return flat
