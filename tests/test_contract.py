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
CONTRACT = {"etl", "etl.contract", "etl.interface_text", "etl.paths", "etl.schemas", "etl.search_index"}


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
    assert found == {}


def test_contract_imports_no_step():
    """The contract's own modules import, at load, nothing but each other."""
    for name in CONTRACT - {"etl"}:
        path = ROOT / (name.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:   # module level only: a function may import lazily what it alone needs
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("etl"):
                modules = {node.module} if node.module != "etl" else {f"etl.{a.name}" for a in node.names}
                assert modules <= CONTRACT, (name, modules)


def test_contract_reads_the_declarations_the_build_checks():
    """The returns page lists series a yearly update will add from the contract's reading of the two
    YAML files; it must agree with what the build's own registry and importer mapping declare."""
    from etl.contract import declared_series, eurostat_datasets
    from etl.sources.eurostat import mapping
    from etl.statistics.registry import registry

    declared = registry()
    assert [s["series"] for s in declared_series()] == list(declared)
    assert all(s["theme"] == declared[s["series"]].theme and s["name_en"] == declared[s["series"]].name_en
               and s["institution_code"] == declared[s["series"]].institution_code for s in declared_series())
    assert eurostat_datasets() == {d: spec["series"] for d, spec in mapping()["datasets"].items()}
