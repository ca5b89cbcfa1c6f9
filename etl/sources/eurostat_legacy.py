"""Importer: the old Eurostat "Data Explorer" CSV export (about 2017).

Every field is double-quoted, countries are names ("Bulgaria"), values carry thousands commas
("20,365"), ":" means not available and quarters read 2008Q1. The export does not name its dataset,
so it is taken from the file name (Eurostat named exports after the dataset, e.g.
`migr_asydcfstq_1_Data.csv`) or from the sidecar's `dataset`. The dataset's meaning comes from the
same declared mapping as the SDMX-CSV importer (`eurostat_mapping.yml`, section `legacy`).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from etl.problems import Problem, rel
from etl.sources.common import observations_frame, read_text
from etl.sources.eurostat import convert, mapping

LEGACY = mapping()["legacy"]
COLUMNS = {"period": LEGACY["period_column"], "value": LEGACY["value_column"]}


def is_legacy_csv(first_line: str) -> bool:
    """The legacy export starts with the quoted column "TIME"."""
    return first_line.lstrip("\ufeff").startswith(f'"{LEGACY["period_column"]}"')


def dataset_of(path: Path, meta: dict) -> str | None:
    stem = path.name.lower()
    for prefix, dataset in LEGACY["datasets"].items():
        if stem.startswith(prefix):
            return dataset
    return str(meta["dataset"]).upper() if meta.get("dataset") else None


def read(path: Path, meta: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """The observations of one legacy Eurostat export, every reporting country."""
    file = rel(path)
    text, problems = read_text(path, file)
    if text is None:
        return observations_frame([], COLUMNS), problems
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    # Dimension columns are upper case here (GEO, CITIZEN, DECISION); the mapping uses Eurostat's lower-case ids.
    names = [h if h in (LEGACY["period_column"], LEGACY["value_column"], LEGACY["flag_column"]) else h.lower()
             for h in header]
    for needed in (LEGACY["period_column"], LEGACY["value_column"], "geo"):
        if needed not in names:
            return observations_frame([], COLUMNS), problems + [
                Problem(file, f"missing column {needed.upper()!r}: not a Eurostat legacy export", line=1)]
    rows = [(reader.line_num, dict(zip(names, cells))) for cells in reader if cells]
    dataset = dataset_of(path, meta)
    if dataset is None:
        return observations_frame([], COLUMNS), problems + [
            Problem(file, "cannot tell which Eurostat dataset this export is: name the file after the dataset "
                          "(e.g. migr_asydcfstq_....csv) or set `dataset` in its .meta.yml")]
    out, more = convert(rows, dataset, file, path.name, period_column=LEGACY["period_column"],
                        value_column=LEGACY["value_column"], flag_column=LEGACY["flag_column"], decimal=".",
                        not_available=tuple(LEGACY["not_available"]))
    frame = observations_frame(out, COLUMNS)
    frame.attrs["dataset"] = dataset
    return frame, problems + more
