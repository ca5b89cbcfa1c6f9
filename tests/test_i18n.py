"""Translation catalogues and locale formatting."""
from __future__ import annotations

import re
from pathlib import Path

from dashboards.i18n import catalogue, day, money, number, t

PROJECT = Path(__file__).resolve().parent.parent


def test_i18n_catalogues_have_the_same_keys():
    bg, en = set(catalogue("bg")), set(catalogue("en"))
    assert bg - en == set(), f"missing in en.yml: {sorted(bg - en)}"
    assert en - bg == set(), f"missing in bg.yml: {sorted(en - bg)}"


def test_i18n_every_key_used_in_code_exists():
    used = set()
    for path in list((PROJECT / "dashboards").rglob("*.py")) + [PROJECT / "app.py"]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
    assert used, "no t('...') calls found"
    missing = sorted(k for k in used if k not in catalogue("bg") or k not in catalogue("en"))
    assert missing == []


def test_i18n_numbers_dates_and_money_by_locale():
    assert number(1234.5, "bg") == "1\u00a0234,5" and number(1234.5, "en") == "1,234.5"
    assert number(43279, "bg") == "43\u00a0279" and number(None, "en") == "–"
    assert money(6_000_000, "BGN", "bg") == "6\u00a0000\u00a0000 лв." and money(6_000_000, "BGN", "en") == "BGN 6,000,000"
    assert day("2024-12-31", "bg") == "31 декември 2024 г." and day("2024-12-31", "en") == "31 December 2024"


def test_i18n_unknown_language_falls_back_to_bulgarian():
    assert t("plan.title", "xx") == t("plan.title", "bg") == "План за действие"


def test_i18n_fast_number_formatting_matches_babel():
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from babel.numbers import format_decimal

    from dashboards.i18n import LOCALES

    @settings(max_examples=300, deadline=None)
    @given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=2),
           st.sampled_from(["bg", "en"]))
    def check(value, decimals, lang):
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        assert number(value, lang, decimals) == format_decimal(value, format=pattern, locale=LOCALES[lang])

    check()
