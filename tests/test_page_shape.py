"""Pages of one shape: every page module registered with Dash Pages declares its URL parameters
(`PARAMS`, a list of `params.Param`, empty when the query holds only `lang`), takes its path's
variables (`/plan/measure/<measure_id>`) as named arguments of `layout` and the query string as
`**query`, renders from the query parsed with `PARAMS`, and no page module imports another page
module (what two pages share lives in a ui/ module named for what it is)."""
from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def page_modules(dash_app) -> dict:
    import dash

    modules = {page["module"]: sys.modules[page["module"]] for page in dash.page_registry.values()}
    assert len(modules) >= 12 and "dashboards.pages.plan" in modules
    return modules


def path_variables(dash_app) -> dict[str, set[str]]:
    """Page module -> the variables of its path template (none for a fixed path)."""
    import dash

    return {page["module"]: set(re.findall(r"<(\w+)>", page.get("path_template") or ""))
            for page in dash.page_registry.values()}


def source_tree(name: str) -> ast.Module:
    return ast.parse((ROOT / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8"))


def test_page_shape_layout_from_the_query(dash_app):
    variables = path_variables(dash_app)
    assert variables["dashboards.pages.measure"] == {"measure_id"}      # the check sees the templates
    for name, module in page_modules(dash_app).items():
        layout = getattr(module, "layout", None)
        assert callable(layout), f"{name}: no layout function"
        inner = inspect.unwrap(layout)
        parameters = inspect.signature(inner).parameters.values()
        kinds = [p.kind for p in parameters]
        assert inspect.Parameter.VAR_KEYWORD in kinds, f"{name}: layout(**query) takes the query string"
        assert inspect.Parameter.VAR_POSITIONAL not in kinds, name
        named = {p.name for p in parameters if p.kind is not inspect.Parameter.VAR_KEYWORD}
        assert named == variables[name], f"{name}: layout's named arguments are its path's variables"
        assert all(p.default is None for p in parameters if p.name in named), f"{name}: a path variable may be missing"


def test_page_shape_params_declared(dash_app):
    from dashboards.ui.params import Param

    variables = path_variables(dash_app)
    missing = set()
    for name, module in page_modules(dash_app).items():
        params = getattr(module, "PARAMS", None)
        if params is None:
            missing.add(name)
            continue
        assert isinstance(params, (list, tuple)) and all(isinstance(p, Param) for p in params), name
        assert len({p.name for p in params}) == len(params), f"{name}: a parameter declared twice"
        assert not {p.name for p in params} & (variables[name] | {"lang"}), f"{name}: a path variable or lang declared as a query parameter"
    assert missing == set()


def test_page_shape_layout_parses_the_query_with_params(dash_app):
    """Each layout reads its query through `parse(…, PARAMS)` (validated, bounded, defaults)."""
    without = []
    for name in page_modules(dash_app):
        layout = next(node for node in source_tree(name).body if isinstance(node, ast.FunctionDef) and node.name == "layout")
        calls = [node for node in ast.walk(layout) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Name) and node.func.id == "parse"]
        if not any(len(c.args) == 2 and isinstance(c.args[1], ast.Name) and c.args[1].id == "PARAMS" for c in calls):
            without.append(name)
    assert without == []


def imported_modules(name: str, tree: ast.Module) -> set[str]:
    """Every module (or module.name) a module imports, relative imports resolved."""
    package = name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            out |= {module} | {f"{module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_page_shape_imports_resolved():
    """The import reader resolves `from . import x`, `from .x import y` and absolute imports alike."""
    tree = ast.parse("from . import plan\nfrom .measure import x\nimport dashboards.pages.home\nfrom dashboards.ui import params\n")
    found = imported_modules("dashboards.pages.about", tree)
    assert {"dashboards.pages.plan", "dashboards.pages.measure", "dashboards.pages.home", "dashboards.ui.params"} <= found


def test_page_shape_no_page_imports_another(dash_app):
    pages = set(page_modules(dash_app))
    found = {}
    for name in pages:
        names = imported_modules(name, source_tree(name)) & (pages - {name})
        if names:
            found[name] = names
    assert found == {}
