"""Importer: Eurostat SDMX-CSV as downloaded from the dissemination API or the data browser.

Two layouts occur: SDMX-CSV 2.0 with code and label column pairs (`STRUCTURE,STRUCTURE_ID,...,
citizen,Country of citizenship,...,OBS_VALUE,Observation value,OBS_FLAG,...`) and the labels-only
SDMX-CSV 1.0 form (`DATAFLOW,LAST UPDATE,freq,...`, geo = "Bulgaria"). Both name dimensions by
their lower-case id, so one reader serves both; values may be codes or labels and the declared
mapping (`eurostat_mapping.yml`) lists both. What a dataset means for the project — series, filters,
breakdowns, code maps, rounding — lives in that file, not in code.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from etl.problems import Problem, rel
from etl.sources.common import iso3_from_alpha2, iso3_from_name, is_iso3, observations_frame, read_text
from etl.statistics.periods import parse_period
from etl.statistics.registry import registry

MAPPING = Path(__file__).with_name("eurostat_mapping.yml")
DATASET_RE = re.compile(r"ESTAT:([A-Za-z0-9_]+)")
FREQ = {"A": "A", "Q": "Q", "M": "M", "Annual": "A", "Quarterly": "Q", "Monthly": "M"}
SDMX_COLUMNS = {"period": "TIME_PERIOD", "value": "OBS_VALUE", "flag": "OBS_FLAG"}


@lru_cache(maxsize=1)
def mapping() -> dict:
    return yaml.safe_load(MAPPING.read_text(encoding="utf-8"))


def is_sdmx_csv(first_line: str) -> bool:
    """SDMX-CSV starts with STRUCTURE (2.0) or DATAFLOW (1.0) as its first column."""
    return first_line.lstrip("\ufeff").split(",", 1)[0].strip('"') in ("STRUCTURE", "DATAFLOW")


def read(path: Path, meta: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """The observations of one Eurostat SDMX-CSV download, every reporting country (`geo`)."""
    file = rel(path)
    text, problems = read_text(path, file)
    if text is None:
        return observations_frame([], SDMX_COLUMNS), problems
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    index = {name: i for i, name in enumerate(header)}
    for needed in ("TIME_PERIOD", "OBS_VALUE", "geo"):
        if needed not in index:
            return observations_frame([], SDMX_COLUMNS), problems + [
                Problem(file, f"missing column {needed!r}: not an SDMX-CSV download", line=1)]
    records, short = [], []
    for row in reader:
        if not row:
            continue
        if len(row) < len(header):   # Eurostat writes every field of every row: a short one is a cut file
            short.append(Problem(file, f"the row has {len(row)} of the header's {len(header)} fields: the file is "
                                       f"truncated or damaged (download it again)", line=reader.line_num,
                                 column=header[len(row)]))
            continue
        records.append((reader.line_num, row))
    if short:
        return observations_frame([], SDMX_COLUMNS), problems + short[:5]
    id_column = "STRUCTURE_ID" if "STRUCTURE_ID" in index else "DATAFLOW"
    dataset = None
    if records and id_column in index and (m := DATASET_RE.search(records[0][1][index[id_column]])):
        dataset = m.group(1).upper()
    dataset = dataset or str(meta.get("dataset") or "").upper() or None
    rows = [(line, {name: (cells[i] if i < len(cells) else "") for name, i in index.items()}) for line, cells in records]
    out, more = convert(rows, dataset, file, path.name, period_column="TIME_PERIOD", value_column="OBS_VALUE",
                        flag_column="OBS_FLAG", decimal=".", dataset_column=id_column)
    frame = observations_frame(out, SDMX_COLUMNS)
    frame.attrs["dataset"] = dataset
    return frame, problems + more


def convert(rows: list[tuple[int, dict]], dataset: str | None, file: str, file_name: str, *, period_column: str,
            value_column: str, flag_column: str | None, decimal: str,
            not_available: tuple[str, ...] = (), dataset_column: str | None = None) -> tuple[list[dict], list[Problem]]:
    """Rows keyed by dimension id -> observations, through the declared mapping of `dataset`."""
    config = mapping()
    spec = config["datasets"].get(dataset or "")
    if spec is None:
        known = ", ".join(config["datasets"])
        return [], [Problem(file, f"Eurostat dataset {dataset!r} has no mapping in etl/sources/eurostat_mapping.yml "
                                  f"(mapped: {known})", line=rows[0][0] if rows and dataset_column else None,
                            column=dataset_column)]
    series = registry().get(spec["series"])
    problems: list[Problem] = []
    if rows:
        missing = [dim for dim in (spec.get("breakdowns") or {}) if dim not in rows[0][1]]
        if missing:   # every row would be left out: say which column the mapping expects
            return [], [Problem(file, f"no column {dim!r}: the mapping of {dataset} (etl/sources/eurostat_mapping.yml) "
                                      f"breaks the dataset down by it; columns: {', '.join(rows[0][1])}",
                                line=1, column=dim) for dim in missing]
    unmapped: Counter = Counter()
    unknown_geo: dict[str, int] = {}
    flags_seen: dict[str, list[int]] = {}
    skipped_na = 0
    filtered: dict[str, Counter] = {}
    out = []
    for line, row in rows:
        geo_text = row.get("geo", row.get("GEO", ""))
        geo = reporting_country(geo_text)
        if geo is None:
            unknown_geo.setdefault(geo_text, line)
            continue
        rejected = [dim for dim, accepted in (spec.get("filters") or {}).items() if dim in row and row[dim] not in accepted]
        if rejected:
            for dim in rejected:
                filtered.setdefault(dim, Counter())[row[dim]] += 1
            continue
        value_text = (row.get(value_column) or "").strip()
        if value_text in not_available:
            skipped_na += 1
            continue
        breakdown = {}
        for dim, column in (spec.get("breakdowns") or {}).items():
            mapped, ok = _code(spec, dim, column, row.get(dim, ""))
            if not ok:
                unmapped[(dim, row.get(dim, ""))] += 1
                break
            breakdown[column] = mapped
        else:
            flag, letters = _flag(row.get(flag_column, "") if flag_column else "", row.get("CONF_STATUS", ""), config)
            for letter in letters:
                flags_seen.setdefault(letter, []).append(line)
            if value_text == "" and flag != "confidential":
                skipped_na += 1  # an empty value without a confidentiality flag: not available
                continue
            if flag is None and spec.get("rounded") and value_text != "":
                flag = "rounded"
            try:
                period, year, freq = parse_period(row.get(period_column, ""))
            except ValueError:
                period, year, freq = row.get(period_column, ""), None, None
            value = _number(value_text, decimal)
            out.append({
                "series": spec["series"], "geo": geo, "period": period, "year": year, "freq": freq, **breakdown,
                "value": value, "unit": spec["unit"], "flag": flag,
                "institution_code": series.institution_code if series else None,
                "source_ref": f"{dataset} {file_name} row {line}",
                "_row": line, "_value_text": value_text, "_flag_text": None,
                "_freq": FREQ.get(row.get("freq", ""), row.get("freq") or None),
            })
    if rows and not out and filtered and not unknown_geo:   # a file that gives nothing: say what the filters met
        seen = "; ".join(f"{dim}: {', '.join(repr(v) for v, _ in c.most_common(5))}" for dim, c in filtered.items())
        problems.append(Problem(file, f"no row of {dataset} passed the filters of etl/sources/eurostat_mapping.yml "
                                      f"(the file has {seen}): nothing is imported from it", severity="warning"))
    for text, line in unknown_geo.items():
        problems.append(Problem(file, f"geo {text!r} is neither a country (ISO code or English name) nor an aggregate "
                                      f"declared in etl/sources/eurostat_mapping.yml (geo_aggregates)",
                                line=line, column="geo"))
    for (dim, value), count in sorted(unmapped.items()):
        problems.append(Problem(file, f"{count} row(s) left out: {dim} {value!r} is not in the mapping of {dataset} "
                                      f"(etl/sources/eurostat_mapping.yml)", column=dim, severity="warning"))
    for letter, lines in sorted(flags_seen.items()):
        known = letter in config["flags"]
        what = "has no project flag" if known else "is an unknown Eurostat flag"
        problems.append(Problem(file, f"observation flag {letter!r} {what}; {len(lines)} value(s) kept without it "
                                      f"(first at row {lines[0]})", column=flag_column, severity="warning"))
    if skipped_na:
        problems.append(Problem(file, f"{skipped_na} value(s) not available (empty or ':') left out", severity="warning"))
    return out, problems


@lru_cache(maxsize=1)
def aggregates() -> frozenset[str]:
    """The aggregate codes a figure may be reported for (EU27_2020, ...), as published."""
    return frozenset(mapping()["geo_aggregates"].values())


def reporting_country(text: str) -> str | None:
    """Eurostat's geo (code such as BG, EL, UK, or English name) as ISO alpha-3, or a declared aggregate code."""
    text = (text or "").strip()
    aggregates = mapping()["geo_aggregates"]
    if text in aggregates:
        return aggregates[text]
    if len(text) == 2:
        return iso3_from_alpha2(text)
    return iso3_from_name(text) if text else None


def _code(spec: dict, dim: str, column: str, value: str) -> tuple[str | None, bool]:
    codes = (spec.get("codes") or {}).get(dim) or {}
    if value in codes:
        return codes[value], True
    if column == "citizenship":
        code = iso3_from_alpha2(value) if len(value) == 2 else (value if is_iso3(value) else iso3_from_name(value))
        return code, code is not None
    return None, False


def _flag(letters: str, conf_status: str, config: dict) -> tuple[str | None, list[str]]:
    """(project flag, letters without a project flag) for one observation."""
    found, dropped = set(), []
    for letter in (letters or "").strip():
        mapped = config["flags"].get(letter)
        if mapped:
            found.add(mapped)
        else:
            dropped.append(letter)
    if conf_status and conf_status.strip() in config["confidential_status"]:
        found.add("confidential")
    for flag in config["flag_precedence"]:
        if flag in found:
            return flag, dropped
    return None, dropped


def _number(text: str, decimal: str) -> float | None:
    from etl.sources.common import to_number

    if text == "":
        return None
    try:
        return float(text) if decimal == "." and re.fullmatch(r"-?\d+(\.\d+)?", text) else to_number(text, decimal)
    except ValueError:
        return None
