"""Turn a plan document into a flat stream of table cells plus the narrative before the table.

Both input formats end up in the same shape, so one parser serves them:
- text export (as Word saves a document as plain text): a line that starts with a tab starts a
  new table cell; lines without a leading tab continue the cell above (cells may span lines and
  contain blank lines). Lines before the first cell are the narrative part of the plan.
- .docx: every table row contributes its distinct cells (a merged cell appears once); paragraphs
  before the first table are the narrative.

`Cell.line` is the 1-based line of the text file where the cell starts; for .docx it is the
1-based row of the table, which is what staff can find in Word.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etl.problems import EtlError, Problem, rel


@dataclass(frozen=True)
class Cell:
    text: str
    line: int

    @property
    def clean(self) -> str:
        """Text with whitespace runs and blank lines collapsed; line breaks kept."""
        lines = [" ".join(part.split()) for part in self.text.replace("\r", "").split("\n")]
        return "\n".join(line for line in lines if line)

    @property
    def flat(self) -> str:
        return " ".join(self.text.split())


@dataclass(frozen=True)
class PlanDocument:
    path: Path
    narrative: list[tuple[int, str]]  # (line, text) of the part before the table
    cells: list[Cell]
    location_word: str  # "line" for text exports, "table row" for .docx


def read_document(path: Path) -> PlanDocument:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return _read_text(path)
    if suffix == ".docx":
        return _read_docx(path)
    raise EtlError([Problem(rel(path), f"unsupported plan format {suffix!r}: expected .docx or .txt")])


def _read_text(path: Path) -> PlanDocument:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EtlError([Problem(rel(path), "the text is not UTF-8; save the export as UTF-8 text", line=line)])
    narrative: list[tuple[int, str]] = []
    cells: list[list] = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if line.startswith("\t"):
            cells.append([number, line[1:]])
        elif cells:
            cells[-1][1] += "\n" + line
        elif line.strip():
            narrative.append((number, line.strip()))
    return PlanDocument(path, narrative, [Cell(t, n) for n, t in cells], "line")


def _read_docx(path: Path) -> PlanDocument:
    import docx  # python-docx; imported here so text-only use does not pay for it

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise EtlError([Problem(rel(path), f"cannot open the Word document: {exc}")])
    narrative: list[tuple[int, str]] = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        if paragraph.text.strip():
            narrative.append((number, paragraph.text.strip()))
    cells: list[Cell] = []
    row_number = 0
    for table in document.tables:
        for row in table.rows:
            row_number += 1
            seen = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # horizontally merged cells repeat in python-docx
                    continue
                seen.add(id(cell._tc))
                cells.append(Cell("\n".join(p.text for p in cell.paragraphs), row_number))
    if not cells:
        raise EtlError([Problem(rel(path), "the Word document has no table: expected the plan's table of measures")])
    return PlanDocument(path, narrative, cells, "table row")
