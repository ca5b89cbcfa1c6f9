"""The web process reads what a build published through one module, etl/contract.py: it never
imports an ETL step (build, publish, progress, importers, plan reading)."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# etl modules the contract is made of: declarations and pure functions, no step
CONTRACT = {"etl", "etl.contract", "etl.paths", "etl.schemas", "etl.search_index"}
# not yet behind the contract (issue 16): the returns page's declared series, imported when it is drawn
NOT_YET = {"dashboards/ui/returns.py": {"etl.sources.eurostat", "etl.statistics.registry"}}


def test_contract_importing_the_app_imports_no_etl_step(data_dir):
    code = ("import json, sys; import app; "
            "print(json.dumps(sorted(m for m in sys.modules if m == 'etl' or m.startswith('etl.'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "MIGDASH_DATA_DIR": str(data_dir)})
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "etl.contract" in loaded
    assert loaded <= CONTRACT, sorted(loaded - CONTRACT)   # e.g. etl.publish, etl.progress


def test_contract_is_the_only_etl_module_the_web_imports():
    files = [ROOT / "app.py", ROOT / "gunicorn.conf.py", *sorted((ROOT / "dashboards").rglob("*.py"))]
    found = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] if node.module != "etl" else [f"etl.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            etl = {n for n in names if n == "etl" or n.startswith("etl.")} - {"etl.contract"}
            if etl:
                found.setdefault(str(path.relative_to(ROOT)), set()).update(etl)
    assert found == NOT_YET


def test_contract_imports_no_step():
    """The contract's own modules import, at load, nothing but each other."""
    for name in CONTRACT - {"etl"}:
        path = ROOT / (name.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:   # module level only: a function may import lazily what it alone needs
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("etl"):
                modules = {node.module} if node.module != "etl" else {f"etl.{a.name}" for a in node.names}
                assert modules <= CONTRACT, (name, modules)
