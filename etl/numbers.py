"""Numbers as Bulgarian documents and spreadsheets write them.

`1 234`, `1 234,5`, `43 279`, `1 940 570,80` (space, no-break space or thin space between
thousands; decimal comma), `29%`, and the English forms `1,234.5` where a source uses them.
"""
from __future__ import annotations

import re

SPACES = " \u00a0\u202f\u2009"
# A number with optional thousands groups separated by a space of any kind, and optional decimals.
NUMBER_PATTERN = r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
NUMBER_RE = re.compile(NUMBER_PATTERN)


def parse_number(text: str, decimal: str = ",") -> float:
    """Parse one number written by a person; raise ValueError saying why it is not one.

    `decimal` is the decimal separator the source uses ("," for Bulgarian, "." for English);
    the other of the two is accepted as a thousands separator only in groups of three digits.
    """
    if text is None:
        raise ValueError("empty value")
    s = str(text).strip()
    for ch in SPACES:
        s = s.replace(ch, " ")
    if not s:
        raise ValueError("empty value")
    sign = 1.0
    if s[0] in "-−–":
        sign, s = -1.0, s[1:].strip()
    elif s[0] == "+":
        s = s[1:].strip()
    thousands = "." if decimal == "," else ","
    if not re.fullmatch(r"\d{1,3}(?:[ ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?", s):
        raise ValueError(f"{text!r} is not a number (expected e.g. 1 234 or 1 234,5)")
    s = s.replace(" ", "")
    if thousands in s and decimal in s:
        if s.rfind(thousands) > s.rfind(decimal):
            raise ValueError(f"{text!r} mixes separators: expected {decimal!r} as the decimal separator")
        s = s.replace(thousands, "")
    elif thousands in s:
        groups = s.split(thousands)
        if all(len(g) == 3 for g in groups[1:]) and len(groups) > 2:
            s = s.replace(thousands, "")
        elif thousands == ".":
            # "1.5" in a Bulgarian file: a decimal point typed by habit, not a thousands mark.
            if len(groups) == 2:
                pass
            else:
                raise ValueError(f"{text!r} is not a number")
        else:  # "1,234" in an English-style source: thousands
            if all(len(g) == 3 for g in groups[1:]):
                s = s.replace(",", "")
            else:
                raise ValueError(f"{text!r} is not a number")
    s = s.replace(",", ".")
    return sign * float(s)


def number_from_match(text: str) -> float:
    """Value of a NUMBER_RE match taken from a Bulgarian document (decimal comma)."""
    cleaned = text
    for ch in SPACES:
        cleaned = cleaned.replace(ch, "")
    return float(cleaned.replace(",", "."))
