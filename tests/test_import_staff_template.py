"""The project's own format: CSV exports of the template in every encoding and delimiter staff produce,
one fixture per defect with the exact message, and properties of number and period parsing."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.numbers import parse_number
from etl.sources import staff_template
from etl.statistics.periods import parse_period
from etl.steps.statistics import import_file

FIXTURES = Path(__file__).parent / "fixtures" / "statistics"
BAD = FIXTURES / "with-problems"
WHERE = "tests/fixtures/statistics/with-problems"
HEADER = "series,period,citizenship,sex,age_group,decision,return_type,category,value,unit,flag,institution_code,source_ref,note"

EXPECTED_PROBLEMS = {
    "unknown-series.csv": f"{WHERE}/unknown-series.csv, row 2, column 'series': unknown series 'asylum_aplicants' "
                          f"(did you mean 'asylum_applicants'?): declared series are listed in etl/statistics/series.yml",
    "non-numeric-value.csv": f"{WHERE}/non-numeric-value.csv, row 2, column 'value': non-numeric value: 'около 240' is "
                             f"not a number (expected e.g. 1 234 or 1 234,5)",
    "duplicate-key.csv": f"{WHERE}/duplicate-key.csv, row 3, column 'series': duplicate key: row 2 already has "
                         f"series=readmissions, geo=BGR, period=2023",
    "negative-count.csv": f"{WHERE}/negative-count.csv, row 2, column 'value': negative count -81 (persons): counts "
                          f"cannot be below 0",
    "period-before-1990.csv": f"{WHERE}/period-before-1990.csv, row 2, column 'period': period 1898 is before 1990",
    "period-in-future.csv": f"{WHERE}/period-in-future.csv, row 2, column 'period': period 2099 is in the future",
    "unreadable-period.csv": f"{WHERE}/unreadable-period.csv, row 2, column 'period': '2023/24' is not a period "
                             f"(expected 2023, 2023-Q1 or 2023-03)",
    "period-frequency-mismatch.csv": f"{WHERE}/period-frequency-mismatch.csv, row 2, column 'period': period 2023-03 "
                                     f"is monthly, but series 'readmissions' is annual, quarterly",
    "unknown-institution.csv": f"{WHERE}/unknown-institution.csv, row 2, column 'institution_code': unknown institution "
                               f"'GDGP' (did you mean 'MVR-GDGP'?): codes are listed in etl/plan/institutions.yml",
    "unknown-flag.csv": f"{WHERE}/unknown-flag.csv, row 2, column 'flag': unknown flag 'preliminary': use one of "
                        f"provisional, estimated, rounded, suppressed, break, definition_differs, confidential",
    "unknown-unit.csv": f"{WHERE}/unknown-unit.csv, row 2, column 'unit': unknown unit 'people': use one of count, "
                        f"percent, BGN, EUR, persons, decisions, operations",
    "missing-source-ref.csv": f"{WHERE}/missing-source-ref.csv, row 2, column 'source_ref': missing source_ref: say "
                              f"where the value comes from, e.g. 'plan-2024 line 68' or 'MIGR_ASYAPPCTZA row 5'",
    "citizenship-not-iso3.csv": f"{WHERE}/citizenship-not-iso3.csv, row 2, column 'citizenship': citizenship 'UA' is "
                                f"not an ISO 3166 alpha-3 code (e.g. UKR, SYR)",
    "missing-column.csv": f"{WHERE}/missing-column.csv, row 1, column 'source_ref': missing column 'source_ref' "
                          f"(expected columns: {HEADER.replace(',', ', ')}, geo)",
    "unquoted-decimal-comma.csv": f"{WHERE}/unquoted-decimal-comma.csv, line 2: the row has 15 fields but the header "
                                  f"has 14: a value with a comma (e.g. 1 234,5) must be in quotes, or use ';' between fields",
    "undeclared-code.csv": f"{WHERE}/undeclared-code.csv, row 2, column 'return_type': return_type 'voluntarily' is "
                           f"not a code of series 'returns' (did you mean 'voluntary'?): use one of voluntary, "
                           f"assisted_voluntary, forced, frontex (empty = total; etl/statistics/series.yml)",
    "wrong-encoding.csv": f"{WHERE}/wrong-encoding.csv: wrong encoding: the file is neither UTF-8 nor Windows-1251 "
                          f"(Cyrillic) text; in Excel use Save As → 'CSV UTF-8 (Comma delimited)'",
}


def errors_of(path: Path) -> list[str]:
    _, problems = import_file(path, "statistics", {})
    return [str(p) for p in problems if p.severity == "error"]


@pytest.mark.parametrize("name", sorted(EXPECTED_PROBLEMS))
def test_staff_csv_with_problem_exact_message(name):
    assert errors_of(BAD / name) == [EXPECTED_PROBLEMS[name]]


def test_staff_csv_with_problems_one_fixture_per_defect():
    assert sorted(p.name for p in BAD.glob("*.csv")) == sorted(EXPECTED_PROBLEMS)


def write(tmp_path: Path, text: str, encoding: str, name: str = "figures.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


ROWS_BG = ("trafficking_victims_supported,2023,,,,,,,\"1 234,5\",persons,,NKBTH,отчет НКБТХ 2023,бележка\n"
           "readmissions,2023,,,,,,,243,persons,,MVR-GDGP,plan-2024 line 63,по споразумения\n")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1251"])
def test_staff_csv_encoding_variants_read_the_same(tmp_path, encoding):
    path = write(tmp_path, HEADER + "\n" + ROWS_BG, encoding)
    frame, problems = import_file(path, "statistics", {})
    assert [p for p in problems if p.severity == "error"] == []
    assert frame["value"].tolist() == [1234.5, 243.0]
    assert frame["source_ref"].tolist() == ["отчет НКБТХ 2023", "plan-2024 line 63"]


def test_staff_csv_semicolon_delimiter_with_bulgarian_numbers(tmp_path):
    text = HEADER.replace(",", ";") + "\n" + "readmissions;2023;;;;;;;1 234,5;persons;;MVR-GDGP;отчет;\n" \
        + "returns;2023;;;;;voluntary;;81;;;;plan-2024 line 35;\n"
    frame, problems = import_file(write(tmp_path, text, "cp1251"), "statistics", {})
    assert [p for p in problems if p.severity == "error"] == []
    assert frame["value"].tolist() == [1234.5, 81.0]
    # empty unit and institution come from the series declaration
    assert frame.loc[1, ["unit", "institution_code", "return_type"]].tolist() == ["persons", "MVR-DM", "voluntary"]


def test_staff_csv_no_break_space_thousands(tmp_path):
    text = HEADER + "\nreadmissions,2023,,,,,,,1\u00a0234,persons,,MVR-GDGP,отчет,\n"
    frame, _ = import_file(write(tmp_path, text, "utf-8"), "statistics", {})
    assert frame["value"].tolist() == [1234.0]


def test_staff_csv_suppressed_value_may_be_empty(tmp_path):
    text = HEADER + "\ntrafficking_victims_detected,2021,,M,0-17,,,,,persons,suppressed,NKBTH,UNODC GLOTIP row 3588,\n"
    frame, problems = import_file(write(tmp_path, text, "utf-8"), "statistics", {})
    assert problems == []
    assert frame.loc[0, "flag"] == "suppressed" and frame["value"].isna().all()


def test_staff_csv_latin1_is_not_guessed_as_cyrillic(tmp_path):
    path = write(tmp_path, HEADER + "\nreadmissions,2023,,,,,,,243,persons,,MVR-GDGP,Genève,\n", "latin-1")
    assert "wrong encoding" in errors_of(path)[0]


def test_staff_csv_periods_normalised(tmp_path):
    text = HEADER + "\nreturns,2023Q1,,,,,voluntary,,10,,,,r1,\nreturns,2023-q2,,,,,voluntary,,12,,,,r2,\n"
    frame, problems = import_file(write(tmp_path, text, "utf-8"), "statistics", {})
    assert problems == []
    assert frame[["period", "year", "freq"]].values.tolist() == [["2023-Q1", 2023, "Q"], ["2023-Q2", 2023, "Q"]]


def test_staff_plan_csv_embedded_figures():
    """The hand-entered 2023 figures of the 2024 plan, each with its line."""
    path = Path(__file__).parent.parent / "data" / "raw" / "statistics" / "plan-2024-section-i.csv"
    frame, problems = staff_template.read(path, {})
    assert problems == []
    got = {(r.series, r.category if isinstance(r.category, str) else None): (r.value, r.source_ref)
           for r in frame.itertuples()}
    assert got[("frontex_reintegration_participants", None)] == (127.0, "plan-2024 line 68")
    assert got[("frontex_return_operations", None)] == (8.0, "plan-2024 line 33")
    assert got[("readmissions", None)] == (243.0, "plan-2024 line 63")
    assert got[("returns", None)] == (81.0, "plan-2024 line 35")
    assert got[("accelerated_procedure_decisions", None)] == (2430.0, "plan-2024 line 44")
    assert got[("trafficking_victims_supported", None)] == (45.0, "plan-2024 line 37")


# ---- properties -------------------------------------------------------------------------------

def bulgarian(n: int) -> str:
    """n written the Bulgarian way: groups of three separated by a space."""
    s = f"{abs(n):,}".replace(",", " ")
    return ("-" if n < 0 else "") + s


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_parse_number_bulgarian_integers_round_trip(n):
    assert parse_number(bulgarian(n)) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=9))
def test_parse_number_bulgarian_decimal_comma(n, tenth):
    assert parse_number(f"{bulgarian(n)},{tenth}") == pytest.approx(n + tenth / 10)


@given(st.integers(min_value=0, max_value=10**9))
def test_parse_number_english_thousands_commas(n):
    assert parse_number(f"{n:,}", decimal=".") == n


@given(st.text(alphabet="абвгдxyz%!?", min_size=1, max_size=8))
def test_parse_number_words_are_rejected(text):
    with pytest.raises(ValueError):
        parse_number(text)


@given(st.integers(min_value=1000, max_value=9999), st.integers(min_value=1, max_value=12))
def test_parse_period_monthly_forms(year, month):
    expected = (f"{year}-{month:02d}", year, "M")
    assert parse_period(f"{year}-{month:02d}") == expected
    assert parse_period(f"{year}M{month:02d}") == expected
    assert parse_period(f"{year}-{month}") == expected


@given(st.integers(min_value=1000, max_value=9999), st.integers(min_value=1, max_value=4))
def test_parse_period_quarterly_forms(year, quarter):
    expected = (f"{year}-Q{quarter}", year, "Q")
    assert parse_period(f"{year}Q{quarter}") == expected
    assert parse_period(f"{year}-Q{quarter}") == expected
    assert parse_period(f"{year}-q{quarter}") == expected


@given(st.integers(min_value=1000, max_value=9999))
def test_parse_period_annual_round_trip(year):
    assert parse_period(str(year)) == (str(year), year, "A")
    assert parse_period(year) == (str(year), year, "A")


@given(st.integers(min_value=1000, max_value=9999), st.integers(min_value=13, max_value=99))
def test_parse_period_month_out_of_range_rejected(year, month):
    with pytest.raises(ValueError):
        parse_period(f"{year}-{month}")


def test_staff_csv_geo_column_names_the_reporting_country(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + ",geo\n"
                    "readmissions,2023,,,,,,,120,operations,,,MoI report 2023,,\n"
                    "readmissions,2023,,,,,,,95,operations,,,MoI report 2023,,ROU\n"
                    "readmissions,2023,,,,,,,7,operations,,,MoI report 2023,,XYZ\n", encoding="utf-8")
    frame, problems = staff_template.read(path, {})
    assert list(frame["geo"]) == ["BGR", "ROU", "XYZ"]         # empty = Bulgaria
    assert [(p.line, p.column) for p in problems if p.severity == "error"] == [(4, "geo")]
