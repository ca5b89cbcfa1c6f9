"""Documentation keeps up with the code: pages, commands, tables, benchmarks."""
from __future__ import annotations

from pathlib import Path

from etl.schemas import TABLES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_docs_every_page_module_is_in_the_architecture_notes():
    pages = [p.name for p in (ROOT / "dashboards" / "pages").glob("*.py") if not p.name.startswith("_")]
    assert pages and [p for p in pages if p not in ARCHITECTURE] == []


def test_docs_every_dashboards_module_is_in_the_architecture_notes():
    """The notes are true file by file: each module of dashboards/ is named (as `name.py`, or its
    folder for `__init__.py`)."""
    modules = [p for p in (ROOT / "dashboards").rglob("*.py") if p.name != "__init__.py"]
    assert modules and [p.name for p in modules if f"`{p.name}`" not in ARCHITECTURE] == []
    for stale in ("`_data.py`", "`_queries.py`", "`_stats.py`", "`_api.py`", "`_components/", "`_router.py`"):
        assert stale not in ARCHITECTURE, f"{stale}: a module that no longer exists"


def test_docs_every_cli_command_is_in_the_readme():
    import re

    source = (ROOT / "etl" / "__main__.py").read_text(encoding="utf-8")
    commands = set(re.findall(r'add_parser\(\s*"([a-z-]+)"', source))
    assert commands >= {"build", "validate", "rollback", "versions", "template", "fetch"}
    assert [c for c in commands if f"python -m etl {c}" not in README] == []


def test_docs_every_table_is_described_in_both_languages():
    for table in TABLES.values():
        assert table.bg and table.en, table.name
        assert all(c.bg and c.en for c in table.columns), table.name


def test_docs_every_benchmark_is_named():
    scripts = [p.name for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_") and p.name != "minimal_app.py"]
    assert [s for s in scripts if s not in ARCHITECTURE and s not in README] == []
