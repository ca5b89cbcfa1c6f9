"""The import graph of the web process, as docs/ARCHITECTURE.md draws it:

    etl → etl.contract ← dashboards
    pages → ui → store,   web → store (and ui, for chart tools and labels)

i18n (interface text) and site (the site's address) sit below the four rooms. No module imports
one that imports it back (no cycles), no page imports another page, and only web/dash_compat.py
touches Dash's private modules.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {                      # room -> rooms it may import
    "pages": {"ui", "store", "base"},
    "ui": {"ui", "store", "base"},
    "store": {"store", "base"},
    "web": {"web", "store", "ui", "base"},
    "base": {"base"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at load or inside a function ('from a import b' counts a.b when b is a module)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def graph(folder: str) -> dict[str, set[str]]:
    modules = {module_name(p): p for p in (ROOT / folder).rglob("*.py")}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in ALLOWED else "base"


def test_layers_each_room_imports_only_the_rooms_below_it():
    wrong = sorted((m, d) for m, deps in graph("dashboards").items() for d in deps
                   if room(d) not in ALLOWED[room(m)] and d != "dashboards")
    assert wrong == []


def test_layers_no_page_imports_another_page():
    pages = {m: deps for m, deps in graph("dashboards").items() if room(m) == "pages"}
    assert sorted((m, d) for m, deps in pages.items() for d in deps if room(d) == "pages") == []


def test_layers_no_import_cycles():
    edges = graph("dashboards")
    cycles = []

    def visit(node, path, seen):
        for nxt in sorted(edges[node]):
            if nxt in path:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in seen:
                seen.add(nxt)
                visit(nxt, path + [nxt], seen)

    done: set[str] = set()
    for start in sorted(edges):
        if start not in done:
            done.add(start)
            visit(start, [start], done)
    assert cycles == []


def test_layers_etl_never_imports_the_web_process():
    found = sorted((module_name(p), m) for p in (ROOT / "etl").rglob("*.py") for m in imports(p)
                   if m == "dashboards" or m.startswith("dashboards.") or m == "app")
    assert found == []


def test_layers_only_dash_compat_touches_private_dash_modules():
    files = [ROOT / "app.py", ROOT / "gunicorn.conf.py", *(ROOT / "dashboards").rglob("*.py")]
    private = sorted((str(p.relative_to(ROOT)), m) for p in files for m in imports(p)
                     if m.split(".")[0] in ("dash", "plotly") and any(part.startswith("_") for part in m.split(".")[1:]))
    assert {path for path, _ in private} <= {"dashboards/web/dash_compat.py"}, private


def test_layers_the_checks_see_what_they_check():
    """The graph is read from real files: the rooms exist and the known edges are in it."""
    edges = graph("dashboards")
    assert {room(m) for m in edges} == set(ALLOWED)
    assert "dashboards.store.current" in edges["dashboards.web.api"] | edges["dashboards.ui.charts"]
    assert any(room(d) == "ui" for d in edges["dashboards.pages.statistics"])
