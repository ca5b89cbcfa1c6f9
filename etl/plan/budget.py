"""Budget and deadline cells: amounts in BGN and EUR, funding sources, end dates."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from etl.numbers import NUMBER_PATTERN, number_from_match

BGN_PER_EUR = 1.95583  # the fixed conversion rate of the lev to the euro
FUNDING = Path(__file__).with_name("funding.yml")
AMOUNT_RE = re.compile(
    rf"(?P<num>{NUMBER_PATTERN})\s*(?P<scale>хил\.|хиляди|млн\.|милиона)?\s*(?P<cur>лв\.?|лева|евро|EUR|€)(?P<tail>[^;\n]{{0,25}})",
    re.IGNORECASE,
)
SCALE = {"хил.": 1e3, "хиляди": 1e3, "млн.": 1e6, "милиона": 1e6}
NEGATION_RE = re.compile(r"(?:^|[.;\n])\s*(?:не се (?:предвижда|изисква)|към момента не са необходими)[^.;\n]*", re.IGNORECASE)
SHARED_RE = re.compile(r"общо с посоченото в мярка\s*(\d+)", re.IGNORECASE)
MONTHS = {
    "януари": 1, "февруари": 2, "март": 3, "април": 4, "май": 5, "юни": 6, "юли": 7,
    "август": 8, "септември": 9, "октомври": 10, "ноември": 11, "декември": 12,
}
OPEN_ENDED_RE = re.compile(r"до приключване|след\s+\d|ежемесечно|месечно|постоянен|текущ", re.IGNORECASE)


@dataclass(frozen=True)
class Budget:
    bgn: float | None
    eur: float | None
    funding: list[str]
    shared_with: str | None  # № of the measure whose budget this one shares ("общо с ... мярка 34")


def read_budget(text: str) -> Budget:
    flat = " ".join(text.split())
    bgn = 0.0
    eur = 0.0
    found = False
    for m in AMOUNT_RE.finditer(flat):
        if "годишно" in m.group("tail").lower():
            continue  # "(1 940 570,80 лв. годишно)": a yearly breakdown of the amount before it
        value = number_from_match(m.group("num")) * SCALE.get((m.group("scale") or "").lower(), 1.0)
        if m.group("cur").lower().startswith(("лв", "лева")):
            bgn += value
        else:
            eur += value
        found = True
    if not found:
        total_bgn = total_eur = None
    else:  # amounts stated in one currency are converted at the fixed rate
        total_bgn = round(bgn + eur * BGN_PER_EUR, 2)
        total_eur = round(bgn / BGN_PER_EUR + eur, 2)
    positive = " ".join(NEGATION_RE.sub(" ", text).split())
    funding = [row["code"] for row in funding_sources()
               if any(p.lower() in positive.lower() for p in row["phrases"])]
    shared = SHARED_RE.search(flat)
    return Budget(total_bgn, total_eur, funding, shared.group(1) if shared else None)


@lru_cache(maxsize=1)
def funding_sources() -> list[dict]:
    return yaml.safe_load(FUNDING.read_text(encoding="utf-8"))["funding"]


def read_deadline(text: str, plan_year: int) -> date | None:
    """The end date the deadline text gives: the last month (or date) named, else the year's end.

    Recurring or open-ended deadlines ("Ежемесечно", "до приключване на ...", "След 31.03.2024")
    give no end date.
    """
    flat = " ".join(text.split()).lower()
    if not flat or OPEN_ENDED_RE.search(flat):
        return None
    dates = [date(int(y), int(mo), int(d)) for d, mo, y in re.findall(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})", flat)]
    if dates:
        return max(dates)
    months = [(m.start(), MONTHS[m.group(1)]) for m in re.finditer(r"\b(" + "|".join(MONTHS) + r")\b", flat)]
    years = [int(y) for y in re.findall(r"\b(20\d{2})\b", flat)]
    year = years[-1] if years else plan_year
    if months:
        month = months[-1][1]
        return date(year, month, calendar.monthrange(year, month)[1])
    if years:
        return date(year, 12, 31)
    return None
