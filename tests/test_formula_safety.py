"""safe_text: every text a spreadsheet could run as a formula gets a leading apostrophe."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from dashboards.store.export import About, safe_text, to_csv, to_xlsx


@pytest.mark.parametrize("text", [
    "\n=1+1", "\r=1+1", "\t=1+1", "  =1+1", " +1", "   -2", " @SUM(A1)", "\u00a0=1",
    "＝1+1", "＋1", "－2", "＠SUM(A1)", "  ＝HYPERLINK(\"http://x\")",
])
def test_formula_like_text_is_neutralised(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("value", ["ok", "  12", " text", "a=b", "1-2", "", 5, -2.0, None])
def test_plain_text_and_numbers_are_untouched(value):
    assert safe_text(value) == value


def test_neutralised_in_csv_and_xlsx():
    frame = pd.DataFrame({"text": ["\n=cmd", "  -1", "＝1"], "number": [-1.0, 2.0, 3.0]})
    lines = to_csv(frame).decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith('"\'\n=cmd"') and lines[2] == "'  -1,2" and lines[3] == "'＝1,3"
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, About(title=" ＠x"))))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["'\n=cmd", "'  -1", "'＝1"] and rows[2][1] == 2
    assert dict(book.worksheets[1].iter_rows(values_only=True))["Заглавие"] == "' ＠x"
