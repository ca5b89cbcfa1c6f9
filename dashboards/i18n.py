"""Interface text from the catalogues in locales/ and locale formatting with Babel.

`t("plan.title", lang)` looks a key up in locales/<lang>.yml; a missing key raises in tests
(tests/test_i18n.py checks both catalogues have the same keys) and shows the key in production.
Numbers, dates and money are formatted by locale: "1 234,5" in Bulgarian, "1,234.5" in English.
"""
from __future__ import annotations

import logging
import math
from decimal import ROUND_HALF_UP, Decimal
from datetime import date
from functools import lru_cache

from babel.dates import format_date as _format_date
from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol

from etl.contract import catalogue

LANGS = ("bg", "en")
DEFAULT_LANG = "bg"
LOCALES = {"bg": "bg_BG", "en": "en_GB"}
log = logging.getLogger(__name__)


def lang_of(value) -> str:
    """A language code from user input (query string): anything unknown means Bulgarian."""
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, lang: str, **values) -> str:
    text = catalogue(lang_of(lang)).get(key)
    if text is None:
        log.warning("missing translation %s [%s]", key, lang)
        return key
    return text.format(**values) if values else text


def has(key: str, lang: str) -> bool:
    return key in catalogue(lang_of(lang))


@lru_cache(maxsize=None)
def _symbols(lang: str) -> tuple[str, str]:
    """Group and decimal separators of the language, from Babel's locale data."""
    locale = LOCALES[lang_of(lang)]
    return get_group_symbol(locale), get_decimal_symbol(locale)


def number(value, lang: str, decimals: int | None = None) -> str:
    """1 234,5 (bg) / 1,234.5 (en); '–' for a missing value.

    Formatted with Python and Babel's separators for the locale: the same text as
    babel.numbers.format_decimal (tests/test_i18n.py checks), at a fraction of the cost, since
    tables call this thousands of times.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{Decimal(str(value)):,.{decimals}f}"  # Decimal rounds half to even on the decimal text, as Babel does
    group, decimal = _symbols(lang)
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def percent(value, lang: str, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "") + " %" if lang == "bg" else "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(value, format=fmt, locale=LOCALES[lang_of(lang)])


def money(value, currency: str, lang: str) -> str:
    """Amounts as in the plan: whole units, the currency after the number ('6 000 000 лв.', 'BGN 6,000,000')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    amount = number(int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)), lang, 0)
    if lang_of(lang) == "bg":
        return f"{amount} {'лв.' if currency == 'BGN' else 'евро'}"
    return f"{'BGN' if currency == 'BGN' else 'EUR'} {amount}"


def day(value, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return _format_date(value, format="d MMMM y" if lang == "en" else "d MMMM y 'г.'", locale=LOCALES[lang_of(lang)])


def month_or_day(value, lang: str) -> str:
    """'December 2024' for a month's last day (how plans state deadlines), else the full date."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    import calendar

    if value.day == calendar.monthrange(value.year, value.month)[1]:
        return _format_date(value, format="LLLL y" + (" 'г.'" if lang == "bg" else ""), locale=LOCALES[lang_of(lang)])
    return day(value, lang)
