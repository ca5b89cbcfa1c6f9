"""The Word file and its text export give the same plan tables."""
from __future__ import annotations

from etl.plan.cells import read_document
from etl.plan.parse import parse_plan, plan_year_and_status
from etl.problems import EtlError

from tests.conftest import PLAN_TXT
from tests.plan_docx import write_docx

import pytest


def _without_lines(rows):
    return [{k: v for k, v in row.items() if k != "source_line"} for row in rows]


def test_plan_docx_reads_like_the_text_export(tmp_path, plan_tables):
    path = write_docx(PLAN_TXT, tmp_path / "plan-2024.docx")
    doc = read_document(path)
    assert doc.location_word == "table row"
    assert plan_year_and_status(doc) == (2024, "draft")
    tables = parse_plan(doc, 2024, "draft")
    assert _without_lines(tables.measures) == _without_lines(plan_tables.measures)
    assert _without_lines(tables.indicators) == _without_lines(plan_tables.indicators)
    assert tables.measure_institutions == plan_tables.measure_institutions
    assert [m["source_line"] for m in tables.measures][:3] == [4, 5, 6]  # table rows, after header and goal I


def test_plan_docx_broken_file_is_an_error(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(EtlError) as exc:
        read_document(path)
    assert "cannot open the Word document" in str(exc.value)
