"""Parts a newcomer can read at once: modules of at most ~400 lines, functions of at most ~80.
The few longer ones are named here with why; the list can only shrink (one split must leave it, a
new long part fails)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
LONGER = {
    # a benchmark script of several scenarios with their report: read as one story, never imported
    "bench/load.py": "module",
    "bench/load.py:report": "function",
    "bench/load.py:main": "function",
    # the plan reader's walk over a document's rows and the Eurostat reader's over one file's:
    # each step feeds the next (state carried row to row); not split yet
    "etl/plan/parse.py:parse_plan": "function",
    "etl/plan/structure.py:find_structure": "function",
    "etl/sources/eurostat.py:convert": "function",
}


def sources() -> list[Path]:
    folders = ("app.py", "gunicorn.conf.py", "dashboards", "etl", "bench", "scripts")
    out = []
    for name in folders:
        path = ROOT / name
        out += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return out


def long_parts(path: Path, root: Path = ROOT) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(root).as_posix()
    found = {name: "module"} if len(text.splitlines()) > MAX_MODULE_LINES else {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
            found[f"{name}:{node.name}"] = "function"
    return found


def test_module_size_reader_finds_long_parts(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 1))
    (tmp_path / "m.py").write_text(f"def long():\n{body}\n\n\ndef short():\n    return 1\n" + "\n" * MAX_MODULE_LINES)
    assert long_parts(tmp_path / "m.py", tmp_path) == {"m.py": "module", "m.py:long": "function"}


def test_module_size_only_the_named_exceptions_are_long():
    found = {}
    for path in sources():
        found.update(long_parts(path))
    assert found == LONGER
