"""Periods as sources write them, normalised to the contract's forms: 2023, 2023-Q1, 2023-03.

Accepted spellings: `2023`, `2023-Q1`, `2023Q1` (old Eurostat), `2023-03`, `2023M03`, `2023-3`.
Anything else raises ValueError saying what was expected, so the caller can name the cell.
"""
from __future__ import annotations

import re
from datetime import date

ANNUAL = re.compile(r"(\d{4})")
QUARTER = re.compile(r"(\d{4})\s*-?\s*Q([1-4])", re.IGNORECASE)
MONTH = re.compile(r"(\d{4})\s*(?:-|M)\s*(\d{1,2})", re.IGNORECASE)


def parse_period(text) -> tuple[str, int, str]:
    """(period, year, freq) for one period cell; freq is A, Q or M."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = str(text).strip() if text is not None else ""
    if m := ANNUAL.fullmatch(s):
        return s, int(m.group(1)), "A"
    if m := QUARTER.fullmatch(s):
        return f"{m.group(1)}-Q{m.group(2)}", int(m.group(1)), "Q"
    if (m := MONTH.fullmatch(s)) and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}", int(m.group(1)), "M"
    raise ValueError(f"{s!r} is not a period (expected 2023, 2023-Q1 or 2023-03)")


def period_start(period: str) -> date:
    """First day of a normalised period."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1)
    if period[5] == "Q":
        return date(year, 3 * int(period[6]) - 2, 1)
    return date(year, int(period[5:7]), 1)
