"""Write a real Word (.docx) version of a plan text export, as the ministry's Word file is laid
out: narrative paragraphs, then one table with a two-row header (the indicator header spans the
baseline and target columns), goal rows merged across the table, one row per measure, and the
glossary as a two-column table. Used to test that .docx and text exports read the same."""
from __future__ import annotations

from pathlib import Path

import docx

from etl.plan.cells import read_document
from etl.plan.structure import COLUMNS, find_structure


def _fill(cell, text: str) -> None:
    lines = [line for line in text.split("\n")]
    cell.text = lines[0] if lines else ""
    for line in lines[1:]:
        cell.add_paragraph(line)


def write_docx(txt: Path, out: Path) -> Path:
    doc = read_document(txt)
    structure = find_structure(doc)
    document = docx.Document()
    for _, text in doc.narrative:
        document.add_paragraph(text)
    table = document.add_table(rows=0, cols=len(COLUMNS))
    head = table.add_row().cells
    for cell, label in zip(head, ["№", "Мярка", "Стратегическа цел / Цел", "Очаквани резултати",
                                  "Индикатори за изпълнение", "Индикатори за изпълнение", "Бюджет",
                                  "Срок за изпълнение", "Отговорни институции", "Партньори"]):
        cell.text = label
    head[4].merge(head[5])
    sub = table.add_row().cells
    sub[4].text, sub[5].text = "Текущи стойности на индикатора", "Целеви стойности"
    sub[6].text = "Необходими и/или осигурени финансови ресурси"
    goals = iter(structure.goals)
    current = None
    for row in structure.rows:
        if row.goal != current:
            goal = next(goals)
            cells = table.add_row().cells
            cells[0].merge(cells[-1])
            cells[0].text = f"{goal.goal}. {goal.name}"
            current = row.goal
        cells = table.add_row().cells
        for cell, column in zip(cells, COLUMNS):
            _fill(cell, row.cells[column].text.strip("\n"))
    glossary = document.add_table(rows=0, cols=2)
    title = glossary.add_row().cells
    title[0].merge(title[1])
    title[0].text = "Използвани съкращения"
    for entry in structure.glossary:
        cells = glossary.add_row().cells
        cells[0].text, cells[1].text = entry.abbreviation, entry.name
    document.save(out)
    return out
