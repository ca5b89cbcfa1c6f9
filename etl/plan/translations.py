"""English titles and indicator names: the project's unofficial translations, reviewed by hand.

`translations/<year>.yml` maps measure ids to `title_en` and indicator ids to `name_en`. A measure
with no translation keeps `title_en` empty and the dashboard falls back to the Bulgarian text,
marked as such; an id in the file that the plan does not have is reported.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

FOLDER = Path(__file__).with_name("translations")


def load(year: int) -> dict:
    path = FOLDER / f"{year}.yml"
    if not path.exists():
        return {"measures": {}, "indicators": {}}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {"measures": data.get("measures") or {}, "indicators": data.get("indicators") or {}}


def apply_translations(measures: pd.DataFrame, indicators: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Measures and indicators with `title_en` / `name_en`, and the ids translated but not in the plan."""
    titles: dict[str, str] = {}
    names: dict[str, str] = {}
    for year in sorted(set(measures["plan_year"])):
        data = load(int(year))
        titles.update(data["measures"])
        names.update(data["indicators"])
    unknown = sorted((set(titles) - set(measures["measure_id"])) | (set(names) - set(indicators["indicator_id"])))
    measures = measures.assign(title_en=measures["measure_id"].map(titles))
    indicators = indicators.assign(name_en=indicators["indicator_id"].map(names))
    return measures, indicators, unknown
