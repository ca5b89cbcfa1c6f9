"""Validation rules for imported observations: one rule per function, each returning problems.

Every rule takes the frame one importer returned (contract columns plus the internal `_row`,
`_sheet`, `_value_text`, `_flag_text`, `_freq` columns, see etl/sources/common.py) and a `Context`
naming the file and its column names, and says file, row, column and reason for each defect.
None raises; the step collects them all and stops the build on any error.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from etl.numbers import parse_number
from etl.problems import Problem
from etl.schemas import FLAGS, TABLES, UNITS
from etl.statistics.periods import parse_period, period_start

KEY = list(TABLES["observations"].key)
COUNT_UNITS = {"count", "persons", "decisions", "operations"}
FIRST_YEAR = 1990
NO_VALUE_FLAGS = {"suppressed", "confidential"}


@dataclass
class Context:
    file: str
    columns: dict[str, str] = field(default_factory=dict)  # contract column -> column name in the source
    series: dict = field(default_factory=dict)  # series code -> registry.Series
    institutions: set[str] = field(default_factory=set)
    today: date = field(default_factory=date.today)

    def problem(self, row, column: str | None, message: str, sheet=None, severity: str = "error") -> Problem:
        line = int(row) if row is not None and not pd.isna(row) else None
        sheet = sheet if isinstance(sheet, str) else None
        return Problem(self.file, message, line=line, column=self.columns.get(column, column) if column else None,
                       sheet=sheet, severity=severity)


def _rows(frame: pd.DataFrame, mask) -> pd.DataFrame:
    return frame[mask.fillna(False).astype(bool)] if len(frame) else frame


def wrong_encoding(raw: bytes, file: str, encoding: str | None) -> list[Problem]:
    """A text file that is neither UTF-8 nor Bulgarian Windows-1251 (the decoder found no sensible reading)."""
    if encoding is not None:
        return []
    return [Problem(file, "wrong encoding: the file is neither UTF-8 nor Windows-1251 (Cyrillic) text; "
                          "in Excel use Save As → 'CSV UTF-8 (Comma delimited)'")]


def unknown_series(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """Every series code is declared in etl/statistics/series.yml."""
    out = []
    for _, r in _rows(frame, ~frame["series"].isin(list(ctx.series))).iterrows():
        if pd.isna(r["series"]):
            out.append(ctx.problem(r["_row"], "series", "the series code is empty", r["_sheet"]))
            continue
        close = difflib.get_close_matches(str(r["series"]), list(ctx.series), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        out.append(ctx.problem(r["_row"], "series", f"unknown series {r['series']!r}{hint}: declared series are "
                                                    f"listed in etl/statistics/series.yml", r["_sheet"]))
    return out


def unreadable_period(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """Periods read as 2023, 2023-Q1 or 2023-03."""
    out = []
    for _, r in _rows(frame, frame["freq"].isna()).iterrows():
        try:
            parse_period(r["period"])
        except ValueError as exc:
            out.append(ctx.problem(r["_row"], "period", str(exc), r["_sheet"]))
    return out


def non_numeric_value(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """A value is a number, or empty only when the row is flagged suppressed or confidential."""
    out = []
    missing = frame["value"].isna() & ~frame["flag"].isin(NO_VALUE_FLAGS)
    for _, r in _rows(frame, missing).iterrows():
        text = r["_value_text"]
        if text is None or pd.isna(text) or str(text).strip() == "":
            message = "the value is empty: enter a number, or flag the row 'suppressed' or 'confidential'"
        else:
            try:
                parse_number(str(text))
                message = f"{text!r} is not a number"
            except ValueError as exc:
                message = f"non-numeric value: {exc}"
        out.append(ctx.problem(r["_row"], "value", message, r["_sheet"]))
    return out


def negative_count(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """Counts of persons, decisions or operations are never negative."""
    bad = (frame["value"] < 0) & frame["unit"].isin(COUNT_UNITS)
    return [ctx.problem(r["_row"], "value", f"negative count {r['value']:g} ({r['unit']}): counts cannot be below 0",
                        r["_sheet"]) for _, r in _rows(frame, bad).iterrows()]


def period_out_of_range(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """Periods from 1990 to the current one: earlier is a typing error, later has not happened yet."""
    out = []
    for _, r in _rows(frame, frame["freq"].notna()).iterrows():
        start = period_start(r["period"])
        if start.year < FIRST_YEAR:
            out.append(ctx.problem(r["_row"], "period", f"period {r['period']} is before {FIRST_YEAR}", r["_sheet"]))
        elif start > ctx.today:
            out.append(ctx.problem(r["_row"], "period", f"period {r['period']} is in the future", r["_sheet"]))
    return out


def period_frequency_mismatch(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """The period's frequency agrees with the frequency the source states and with the series' declaration."""
    out = []
    names = {"A": "annual", "Q": "quarterly", "M": "monthly"}
    for _, r in _rows(frame, frame["freq"].notna()).iterrows():
        stated = r["_freq"]
        if isinstance(stated, str) and stated and stated != r["freq"]:
            out.append(ctx.problem(r["_row"], "period", f"period {r['period']} is {names[r['freq']]} but the row's "
                                                        f"frequency is {names.get(stated, stated)}", r["_sheet"]))
            continue
        declared = ctx.series.get(r["series"])
        if declared is not None and r["freq"] not in declared.frequencies:
            allowed = ", ".join(names[f] for f in declared.frequencies)
            out.append(ctx.problem(r["_row"], "period", f"period {r['period']} is {names[r['freq']]}, but series "
                                                        f"{r['series']!r} is {allowed}", r["_sheet"]))
    return out


def unknown_institution(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """Institution codes come from etl/plan/institutions.yml."""
    bad = frame["institution_code"].notna() & ~frame["institution_code"].isin(list(ctx.institutions))
    out = []
    for _, r in _rows(frame, bad).iterrows():
        close = difflib.get_close_matches(str(r["institution_code"]), list(ctx.institutions), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        out.append(ctx.problem(r["_row"], "institution_code", f"unknown institution {r['institution_code']!r}{hint}: "
                                                              f"codes are listed in etl/plan/institutions.yml",
                               r["_sheet"]))
    return out


def unknown_flag(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """Flags are one of the project's flags (the importer leaves `flag` empty when it cannot map one)."""
    bad = frame["flag"].isna() & frame["_flag_text"].notna() & (frame["_flag_text"].astype(str).str.strip() != "")
    return [ctx.problem(r["_row"], "flag", f"unknown flag {r['_flag_text']!r}: use one of {', '.join(FLAGS)}",
                        r["_sheet"]) for _, r in _rows(frame, bad).iterrows()]


def unknown_unit(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """Units are one of the contract's units (an empty unit comes from the series; unknown series are reported)."""
    bad = frame["unit"].notna() & ~frame["unit"].isin(UNITS)
    return [ctx.problem(r["_row"], "unit", f"unknown unit {r['unit']!r}: use one of {', '.join(UNITS)}", r["_sheet"])
            for _, r in _rows(frame, bad).iterrows()]


def missing_source_ref(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """Every value says where it comes from (document and line, or dataset and row)."""
    bad = frame["source_ref"].isna() | (frame["source_ref"].astype(str).str.strip() == "")
    return [ctx.problem(r["_row"], "source_ref", "missing source_ref: say where the value comes from, e.g. "
                                                 "'plan-2024 line 68' or 'MIGR_ASYAPPCTZA row 5'", r["_sheet"])
            for _, r in _rows(frame, bad).iterrows()]


def duplicate_key(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """One value per series, period and breakdown within a file."""
    if not len(frame):
        return []
    keyed = frame[KEY].astype(object).where(frame[KEY].notna(), "")
    first_row: dict[tuple, object] = {}
    out = []
    for index, key in zip(frame.index, map(tuple, keyed.itertuples(index=False))):
        r = frame.loc[index]
        if key in first_row:
            out.append(ctx.problem(r["_row"], "series", f"duplicate key: row {first_row[key]} already has "
                                                        f"{_describe(key)}", r["_sheet"]))
        else:
            first_row[key] = r["_row"]
    return out


def undeclared_code(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """A breakdown code is one the series declares (series.yml `codes`), e.g. a return type of `returns` or a
    readmission agreement of `readmissions`; `country` means an ISO 3166 alpha-3 code."""
    from etl.sources.common import is_iso3

    out = []
    for code, declared in ctx.series.items():
        for column, allowed in (getattr(declared, "codes", None) or {}).items():
            if column not in frame.columns:
                continue
            mine = frame[(frame["series"] == code) & frame[column].notna()]
            for _, r in mine.iterrows():
                value = r[column]
                if allowed == "country":
                    if is_iso3(str(value)):
                        continue
                    message = (f"{column} {value!r} of series {code!r} is the country of return: an ISO 3166 alpha-3 "
                               f"code (e.g. TUR, AFG)")
                elif value in allowed:
                    continue
                else:
                    close = difflib.get_close_matches(str(value), list(allowed), n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    message = (f"{column} {value!r} is not a code of series {code!r}{hint}: use one of "
                               f"{', '.join(allowed)} (empty = total; etl/statistics/series.yml)")
                out.append(ctx.problem(r["_row"], column, message, r["_sheet"]))
    return out


def _describe(key: tuple) -> str:
    parts = [f"{name}={value}" for name, value in zip(KEY, key) if value != ""]
    return ", ".join(parts)


RULES = [unknown_series, unreadable_period, non_numeric_value, negative_count, period_out_of_range,
         period_frequency_mismatch, unknown_institution, unknown_flag, unknown_unit, missing_source_ref, undeclared_code,
         duplicate_key]


def check(frame: pd.DataFrame, ctx: Context) -> list[Problem]:
    """All rules on one imported file."""
    problems: list[Problem] = []
    for rule in RULES:
        problems += rule(frame, ctx)
    return problems
